import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The layering of DESIGN §2, checked on the import lines of every source file. */

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  const full = join(root, dir);
  if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx)$/.test(f) && !f.includes('node_modules'))
    .map((f) => join(full, f));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2]) as string);
}

function violations(dir: string, forbidden: (spec: string, file: string) => boolean): string[] {
  return sources(dir).flatMap((file) =>
    imports(file)
      .filter((s) => forbidden(s, file))
      .map((s) => `${relative(root, file)} imports ${s}`),
  );
}

describe('architecture boundaries', () => {
  it('shared/ imports no Node built-ins, no DOM-only code, and nothing from main/ or renderer/', () => {
    expect(
      violations(
        'shared',
        (s) => s.startsWith('node:') || /(^|\/)(main|renderer)\//.test(s) || s === 'electron',
      ),
    ).toEqual([]);
  });

  it('the engine never imports electron', () => {
    const engine = violations(
      'main',
      (s, file) => s === 'electron' && !file.includes(`${join('main', 'electron')}`),
    );
    expect(engine).toEqual([]);
  });

  it('the renderer imports nothing from main/, Node or Electron', () => {
    // renderer/src is the app; renderer/vite.config.ts is build tooling and runs in Node.
    expect(sources('renderer/src').length).toBeGreaterThan(5);
    expect(
      violations('renderer/src', (s) => /(^|\/)main\//.test(s) || s.startsWith('node:') || s === 'electron'),
    ).toEqual([]);
  });

  it('the checker sees imports at all', () => {
    expect(imports(join(root, 'main', 'cli', 'c360.ts'))).toContain('commander');
  });
});
