import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SCAN = join(root, 'scripts', 'security-scan.mjs');
const scan = (dir?: string) =>
  spawnSync(process.execPath, dir ? [SCAN, dir] : [SCAN], { encoding: 'utf8', timeout: 120_000 });

describe('electronegativity', () => {
  it('finds nothing above informational in main/ and renderer/ that is not explained at its line', () => {
    const run = scan();
    expect(run.stdout).toMatch(
      /electronegativity \(Electron [\d.]+\): \d+ checks, \d+ findings, \d+ explained, 0 open\n/,
    );
    expect(run.status).toBe(0);
  });

  it('fails on a window that lets the page reach Node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'c360-unsafe-'));
    cpSync(join(root, 'main'), join(dir, 'main'), { recursive: true });
    cpSync(join(root, 'renderer', 'index.html'), join(dir, 'renderer', 'index.html'));
    writeFileSync(
      join(dir, 'main', 'electron', 'careless-window.ts'),
      "import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
    );
    const run = scan(dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/OPEN\s+MEDIUM\s+SANDBOX_JS_CHECK main\/electron\/careless-window\.ts:2/);
    expect(run.stdout).toMatch(
      /OPEN\s+HIGH\s+CONTEXT_ISOLATION_JS_CHECK main\/electron\/careless-window\.ts:2/,
    );
  });
});
