import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary folder the tests make (stores, timelines, files, a broker's logs, Chromium's
 * profile) goes under one folder per run, removed when the run ends: the tests make them with
 * mkdtemp under os.tmpdir(), which reads TMPDIR, and a whole run left about 650 folders, 550 MB,
 * in /tmp. Set C360_KEEP_TEST_FILES=1 to keep them (the folder is printed) to look into a failure.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'c360-tests-'));
  // Set before the test workers start, so they and every process they spawn inherit it.
  process.env.TMPDIR = root;
  return () => {
    if (process.env.C360_KEEP_TEST_FILES === '1') process.stdout.write(`test files kept in ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  };
}
