import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Text the browser is sent compressed; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|map|txt)$/i;

export interface Asset {
  body: Buffer;
  /** The same bytes gzipped, where that saves at least a tenth; null otherwise. */
  gzipped: Buffer | null;
}

/**
 * The dashboard's own files (a few megabytes, fixed for a run), read once and kept in memory with
 * a gzip copy made on libuv's thread pool. Streamed from disk 64 KB at a time, the 1 MB app
 * script needed 16 turns of an event loop that was busy reading a large store, and took 0.45 s
 * to reach the window; sent whole and gzipped it is a quarter of the bytes in one write. A file
 * changed on disk (a rebuild while serving) is read again.
 */
export class StaticAssets {
  readonly #cache = new Map<string, { mtimeMs: number; size: number; asset: Promise<Asset> }>();

  get(path: string, info: Stats): Promise<Asset> {
    const hit = this.#cache.get(path);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit.asset;
    const asset = load(path);
    this.#cache.set(path, { mtimeMs: info.mtimeMs, size: info.size, asset });
    // A failed read is not kept: the next request tries again.
    asset.catch(() => this.#cache.delete(path));
    return asset;
  }
}

async function load(path: string): Promise<Asset> {
  const body = await readFile(path);
  if (!COMPRESSIBLE.test(path) || body.length < 1024) return { body, gzipped: null };
  // One output buffer for the whole file: with zlib's default 16 KB ones, a 1 MB script took 64
  // trips through an event loop busy reading a store (0.28 s) instead of one.
  const gzipped = await gzipAsync(body, { level: 6, chunkSize: Math.max(64 << 10, body.length) });
  return { body, gzipped: gzipped.length <= body.length * 0.9 ? gzipped : null };
}
