import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QuarantineState } from './quarantine.js';

/** The quarantine as JSON lines beside the store, for people and tools (jq, grep) to read. */
export const QUARANTINE_FILE = 'quarantine.jsonl';

export async function writeQuarantineFile(dataDir: string, q: QuarantineState): Promise<string> {
  const path = join(dataDir, QUARANTINE_FILE);
  const temp = `${path}.tmp`;
  await writeFile(temp, q.recent.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await rename(temp, path);
  return path;
}
