import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { headerOfFirstLine } from '../../main/engine/store/store-file.js';

/**
 * The header of the last checkpoint on disk (offsets, quarantine, figures), read without opening
 * the store: a test watching a live run must not move its store aside. That is `store.json`'s
 * first line, or the last closing line in `store.changes` that builds on it. Null when there is
 * none, or it is caught part-way through a write.
 */
export async function savedCheckpoint(dataDir: string): Promise<Record<string, unknown> | null> {
  const path = join(dataDir, 'store.json');
  if (!existsSync(path)) return null;
  try {
    const header = headerOfFirstLine((await readFile(path, 'utf8')).split('\n')[0] ?? '');
    if (header === null) return null;
    const whole = JSON.parse(header) as Record<string, unknown>;
    const changes = join(dataDir, 'store.changes');
    if (!existsSync(changes)) return whole;
    const lines = (await readFile(changes, 'utf8')).split('\n');
    lines.pop(); // after the last line break: nothing, or a line cut short
    for (const line of lines.reverse()) {
      if (!line.startsWith('{"base":')) continue;
      const close = JSON.parse(line) as { base: string; checkpoint: Record<string, unknown> };
      return close.base === whole.generation ? close.checkpoint : whole;
    }
    return whole;
  } catch {
    return null; // caught between writes: read again next time
  }
}
