import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * electron-builder.yml cannot be tried here (packaging needs Electron's binary), so it is checked
 * instead: it parses, it satisfies electron-builder's own JSON schema, it asks for the targets the
 * project promises, and every path it names exists once the project is built (npm test builds).
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  files: string[];
  asarUnpack: string[];
  directories: { buildResources: string; output: string };
  linux: { target: string[]; icon: string };
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; name: string };

function allFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) =>
    `${dir}/${f}`.replace(/\\/g, '/'),
  );
}

/** A minimal glob for the patterns electron-builder's `files` takes here: ** and *. */
function matches(pattern: string, file: string): boolean {
  // Placeholders first, so the `*` inside one replacement is not taken for a pattern's `*`.
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\//g, '<DIRS>')
    .replace(/\*\*/g, '<ANY>')
    .replace(/\*/g, '[^/]*')
    .replace(/<DIRS>/g, '(?:.*/)?')
    .replace(/<ANY>/g, '.*');
  return new RegExp(`^${re}$`).test(file);
}

describe('electron-builder.yml', () => {
  it("satisfies electron-builder's schema", () => {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const valid = ajv.validate(schema, config);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('builds Linux AppImage and deb, macOS dmg, Windows nsis, packed in asar', () => {
    expect(config.appId).toBe('com.customer360.desktop');
    expect(config.productName).toBe('Customer 360 Desktop');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.asar).toBe(true);
  });

  it('names only paths that exist, and packs what the app needs to start', () => {
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon])
      expect(existsSync(join(root, icon)), icon).toBe(true);
    expect(existsSync(join(root, config.directories.buildResources))).toBe(true);
    const built = ['package.json', 'assets/icon.png', ...allFiles('dist')];
    const included = (file: string) => {
      let ok = false;
      for (const p of config.files) {
        if (p.startsWith('!')) {
          if (matches(p.slice(1), file)) ok = false;
        } else if (matches(p, file)) ok = true;
      }
      return ok;
    };
    for (const pattern of config.files.filter((p) => !p.startsWith('!'))) {
      expect(
        built.some((f) => matches(pattern, f)),
        `nothing matches ${pattern}`,
      ).toBe(true);
    }
    // What Electron loads: the main entry, the preload, the engine's worker threads, the renderer.
    for (const needed of [
      pkg.main,
      'dist/main/electron/preload.cjs',
      'dist/main/engine-host/engine-worker.js',
      'dist/main/engine/sources/kafka/consumer/consumer-worker.js',
      'dist/main/engine/ingest/partitions/partition-worker.js',
      'dist/main/engine/timeline/timeline-writer-worker.js',
      'dist/renderer/index.html',
      'dist/renderer/vendor/bokeh.min.js',
    ]) {
      expect(existsSync(join(root, needed)), needed).toBe(true);
      expect(included(needed), `${needed} is packed`).toBe(true);
    }
    expect(included('dist/main/cli/c360.js.map')).toBe(false);
    expect(
      built
        .filter(included)
        .every(
          (f) => !relative('dist', f).startsWith('..') || f === 'package.json' || f.startsWith('assets/'),
        ),
    ).toBe(true);
  });

  it("unpacks the timeline store's native addons from asar, as a .node file cannot load from inside it", () => {
    // Installed here: the Linux x64 packages; each platform's build installs its own.
    const natives = [...allFiles('node_modules/@lmdb'), ...allFiles('node_modules/@msgpackr-extract')].filter(
      (f) => f.endsWith('.node'),
    );
    expect(natives.some((f) => f.includes('/@lmdb/'))).toBe(true);
    const unpacked = (file: string) => config.asarUnpack.some((p) => matches(p, file));
    for (const f of natives) expect(unpacked(f), f).toBe(true);
    // lmdb's own loader, which finds the addon beside it.
    expect(unpacked('node_modules/lmdb/dist/index.cjs')).toBe(true);
    expect(unpacked('node_modules/react/index.js')).toBe(false);
  });
});
