import { join } from 'node:path';
import { replaceFile } from '../store/safe-files.js';
import type { QuarantineState } from './quarantine.js';

/** The quarantine as JSON lines beside the store, for people and tools (jq, grep) to read. */
export const QUARANTINE_FILE = 'quarantine.jsonl';

export async function writeQuarantineFile(dataDir: string, q: QuarantineState): Promise<string> {
  const path = join(dataDir, QUARANTINE_FILE);
  await replaceFile(path, q.recent.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return path;
}
