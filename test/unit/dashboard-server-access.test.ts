import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EngineService } from '../../main/engine/engine-service.js';
import { DashboardServer } from '../../main/server/dashboard-server.js';

/**
 * Who may talk to `c360 serve`. Any web page the user has open can try ws://127.0.0.1:PORT/api
 * (WebSockets ignore the same-origin policy) or rebind its own DNS name to this machine; neither
 * may read the customer base. A page the server itself served may.
 */

const exportsDir = await mkdtemp(join(tmpdir(), 'c360-access-'));
await mkdir(join(exportsDir, 'x1'));
await writeFile(join(exportsDir, 'x1', 'live_table.csv'), 'customer_id\r\n42\r\n');
const rendererDir = await mkdtemp(join(tmpdir(), 'c360-access-page-'));
await writeFile(join(rendererDir, 'index.html'), '<div id="root"></div>');

const engine = {
  on: () => () => {},
  status: async () => ({ state: 'connected' }),
  snapshot: async () => ({ customers: 3 }),
  exportsDir,
} as unknown as EngineService;

let server: DashboardServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(host: string, token: string | null = null) {
  server = new DashboardServer(engine, { host, port: 0, rendererDir, token });
  return server.listen();
}

/** An HTTP GET to 127.0.0.1 carrying the Host header a browser would send for `hostHeader`. */
function get(port: number, path: string, hostHeader: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: hostHeader } }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the API; `origin` undefined sends none (a program, not a page). Resolves the status or 101. */
function upgrade(port: number, opts: { origin?: string; host?: string; query?: string }): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api${opts.query ?? ''}`, {
      ...(opts.origin ? { origin: opts.origin } : {}),
      headers: opts.host ? { Host: opts.host } : {},
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

describe('c360 serve on loopback', () => {
  it('refuses a page from another site, and answers the page it served', async () => {
    const { port } = await start('127.0.0.1');
    for (const origin of [
      'http://evil.example',
      'https://evil.example',
      'null',
      `http://evil.example:${port}`,
    ])
      expect(await upgrade(port, { origin }), origin).toBe(403);
    // Another port on this machine is another origin (another local web app's page).
    expect(await upgrade(port, { origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    for (const own of [`http://127.0.0.1:${port}`, `http://localhost:${port}`])
      expect(await upgrade(port, { origin: own, host: own.slice(7) }), own).toBe(101);
    // A local program sends no Origin: on loopback, allowed.
    expect(await upgrade(port, {})).toBe(101);
  });

  it('refuses requests for a rebound host name, pages, exports and the API alike', async () => {
    const { port } = await start('127.0.0.1');
    for (const host of [
      `evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `127.0.0.1:${port + 1}`,
      'evil.example',
    ]) {
      const page = await get(port, '/', host);
      expect(page.status, host).toBe(403);
      expect(page.body).not.toContain('root');
      const file = await get(port, '/exports/x1/live_table.csv', host);
      expect(file.status, host).toBe(403);
      expect(file.body).not.toContain('42');
      // The rebound page's own origin, as its browser would send it.
      expect(await upgrade(port, { host, origin: `http://${host}` }), host).toBe(403);
    }
    expect((await get(port, '/', `localhost:${port}`)).status).toBe(200);
    expect((await get(port, '/exports/x1/live_table.csv', `127.0.0.1:${port}`)).body).toContain('42');
  });

  it('needs the token on loopback too when one is given (a shared machine)', async () => {
    const { port, url } = await start('127.0.0.1', 'secret-token');
    expect(url).toContain('?token=secret-token');
    expect(await upgrade(port, {})).toBe(401);
    expect(await upgrade(port, { query: '?token=secret-token' })).toBe(101);
    expect((await get(port, '/exports/x1/live_table.csv', `127.0.0.1:${port}`)).status).toBe(401);
  });
});

describe('c360 serve off loopback', () => {
  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it('refuses another site and a rebound host even with the token; the own page gets in with it', async () => {
    const { port } = await start('0.0.0.0', 'tok');
    const q = '?token=tok';
    expect(await upgrade(port, { query: q, origin: 'http://evil.example' })).toBe(403);
    expect(
      await upgrade(port, { query: q, host: `evil.example:${port}`, origin: `http://evil.example:${port}` }),
    ).toBe(403);
    expect((await get(port, '/', `evil.example:${port}`)).status).toBe(403);
    expect((await get(port, `/exports/x1/live_table.csv${q}`, `evil.example:${port}`)).status).toBe(403);
    // No Origin is a program: off loopback, it must come through a page.
    expect(await upgrade(port, { query: q })).toBe(403);
    expect(await upgrade(port, { origin: `http://127.0.0.1:${port}` })).toBe(401);
    expect(await upgrade(port, { query: q, origin: `http://127.0.0.1:${port}` })).toBe(101);
  });

  it.skipIf(!lanAddress)('answers on the machine’s own LAN address', async () => {
    const { port, url } = await start('0.0.0.0', 'tok');
    expect(url).toBe(`http://${lanAddress}:${port}/?token=tok`);
    const host = `${lanAddress}:${port}`;
    expect((await get(port, '/', host)).status).toBe(200);
    expect(await upgrade(port, { query: '?token=tok', host, origin: `http://${host}` })).toBe(101);
  });
});
