#!/usr/bin/env node
// Electronegativity over the app's code (main/ and renderer/), as `npm test` runs it. Fails on any
// finding above informational unless the flagged line, or one of the four above it, explains it:
// `eng-disable ID` (the scanner's own marker) or `security-scan ID: why`.
//   node scripts/security-scan.mjs [DIR]   (default: this project)
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'));
const electronegativity = require('@doyensec/electronegativity');

// One folder with both sides, so global checks (CSP, navigation limits, permissions) see the whole app.
const scan = mkdtempSync(join(tmpdir(), 'c360-scan-'));
cpSync(join(root, 'main'), join(scan, 'main'), { recursive: true });
for (const part of ['renderer/src', 'renderer/index.html']) {
  if (existsSync(join(root, part))) cpSync(join(root, part), join(scan, part), { recursive: true });
}
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const result = await electronegativity({
  input: scan,
  isRelative: true,
  customScan: [],
  excludeFromScan: [],
  electronVersionOverride: electronVersion,
});
rmSync(scan, { recursive: true, force: true });

const explained = (issue) => {
  if (issue.file === 'N/A') return false;
  const lines = readFileSync(join(root, issue.file), 'utf8').split('\n');
  const near = lines.slice(Math.max(0, issue.location.line - 5), issue.location.line).join('\n');
  return (
    (near.includes(`eng-disable`) && near.includes(issue.id)) || near.includes(`security-scan ${issue.id}`)
  );
};
const serious = result.issues.filter((i) => i.severity.name !== 'INFORMATIONAL');
const open = serious.filter((i) => !explained(i));
for (const i of result.issues) {
  const state = i.severity.name === 'INFORMATIONAL' ? 'info' : explained(i) ? 'explained' : 'OPEN';
  process.stdout.write(
    `${state.padEnd(9)} ${i.severity.name.padEnd(6)} ${i.id} ${i.file}:${i.location.line} ${i.description}\n`,
  );
}
process.stdout.write(
  `electronegativity (Electron ${electronVersion}): ${result.atomicChecks} checks, ${result.issues.length} findings, ${serious.length - open.length} explained, ${open.length} open${result.errors.length ? `, ${result.errors.length} files not parsed` : ''}\n`,
);
process.exit(open.length > 0 || result.errors.length > 0 ? 1 : 0);
