import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineService } from '../../main/engine/engine-service.js';
import { DashboardServer } from '../../main/server/dashboard-server.js';

/** The app's own files come from memory, gzipped for a browser that takes it; exports are streamed. */

const exportsDir = await mkdtemp(join(tmpdir(), 'c360-assets-exports-'));
await mkdir(join(exportsDir, 'x1'));
const csv = `customer_id,name\r\n${Array.from({ length: 400 }, (_, i) => `${i},Name ${i}`).join('\r\n')}\r\n`;
await writeFile(join(exportsDir, 'x1', 'live_table.csv'), csv);
const rendererDir = await mkdtemp(join(tmpdir(), 'c360-assets-page-'));
await mkdir(join(rendererDir, 'assets'));
const script = `${'export const words = ['.padEnd(40)}${Array.from({ length: 3000 }, (_, i) => `"w${i % 97}"`).join(',')}];\n`;
await writeFile(join(rendererDir, 'index.html'), '<div id="root"></div>');
await writeFile(join(rendererDir, 'assets', 'app.js'), script);
await writeFile(join(rendererDir, 'icon.png'), Buffer.alloc(4096, 7));

const engine = { on: () => () => {}, exportsDir } as unknown as EngineService;
let server: DashboardServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function get(
  port: number,
  path: string,
  acceptEncoding?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: `127.0.0.1:${port}` };
    if (acceptEncoding) headers['Accept-Encoding'] = acceptEncoding;
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe("the dashboard's own files", () => {
  it('are sent gzipped to a browser that takes gzip, whole and the same once unzipped', async () => {
    server = new DashboardServer(engine, { host: '127.0.0.1', port: 0, rendererDir, token: null });
    const { port } = await server.listen();
    const zipped = await get(port, '/assets/app.js', 'gzip, deflate, br');
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toMatch(/javascript/);
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(Buffer.byteLength(script) / 4);
    expect(gunzipSync(zipped.body).toString()).toBe(script);
    // Without gzip in Accept-Encoding: the bytes as they are.
    const plain = await get(port, '/assets/app.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    // An image is not compressed again.
    expect((await get(port, '/icon.png', 'gzip')).headers['content-encoding']).toBeUndefined();
  });

  it('are read again when they change on disk (a rebuild while serving)', async () => {
    server = new DashboardServer(engine, { host: '127.0.0.1', port: 0, rendererDir, token: null });
    const { port } = await server.listen();
    expect((await get(port, '/')).body.toString()).toBe('<div id="root"></div>');
    await sleep(20); // a later modification time
    await writeFile(join(rendererDir, 'index.html'), '<div id="root" data-build="2"></div>');
    expect((await get(port, '/')).body.toString()).toBe('<div id="root" data-build="2"></div>');
    await writeFile(join(rendererDir, 'index.html'), '<div id="root"></div>');
  });

  it('leave exports as they are: streamed from disk as attachments, never gzipped', async () => {
    server = new DashboardServer(engine, { host: '127.0.0.1', port: 0, rendererDir, token: null });
    const { port } = await server.listen();
    const file = await get(port, '/exports/x1/live_table.csv', 'gzip');
    expect(file.status).toBe(200);
    expect(file.headers['content-encoding']).toBeUndefined();
    expect(file.headers['content-disposition']).toContain('live_table.csv');
    expect(file.body.toString()).toBe(csv);
  });
});
