import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { cleanEnv } from '../support/clean-env.js';
import { CLI } from '../support/run-cli.js';

/** `c360 serve` as a user starts it: the page, the API, and the rules off loopback. */

const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGTERM');
});

async function serve(args: string[]): Promise<{ url: string; out: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'c360-serve-'));
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--history', '0', '--customers', '50', '--data-dir', dataDir, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() },
  );
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const url = /(http:\/\/\S+)/.exec(out)?.[1];
      if (url && out.includes('\n')) {
        clearTimeout(timer);
        setTimeout(() => resolve({ url, out }), 200); // the token line follows the URL
      }
    });
  });
}

function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
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

function connect(url: string, origin?: string): Promise<{ ok: boolean; status?: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => resolve({ ok: true, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ ok: false, status: res.statusCode }));
    ws.on('error', () => resolve({ ok: false }));
  });
}

function call(ws: WebSocket, method: string, params: unknown): Promise<{ result?: unknown; error?: string }> {
  return new Promise((resolve) => {
    ws.on('message', function onMessage(data) {
      const m = JSON.parse(String(data));
      if (m.id !== 1) return;
      ws.off('message', onMessage);
      resolve(m);
    });
    ws.send(JSON.stringify({ id: 1, method, params }));
  });
}

describe('c360 serve', () => {
  it('serves the dashboard with a strict CSP and the API on loopback without a token', async () => {
    const { url, out } = await serve([]);
    expect(out).toMatch(
      /^Customer 360 dashboard on the embedded demo stream \(50 events\/s, simulated time at 24×\): http:\/\/127\.0\.0\.1:\d+\/\n/,
    );
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Encoded slashes survive URL parsing, so this really asks for a file outside the app.
    for (const path of ['/..%2f..%2f..%2fetc%2fpasswd', '/exports/..%2f..%2fstore.json']) {
      const res = await rawGet(url, path);
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain('root:');
    }

    const { ok, ws } = await connect(`${url.replace('http', 'ws')}api`);
    expect(ok).toBe(true);
    const snapshot = (await call(ws as WebSocket, 'snapshot', {})) as {
      result: { customers: number; source: string };
    };
    expect(snapshot.result.source).toBe('demo');
    expect((await call(ws as WebSocket, 'customer360', { customerId: 7 })).error).toMatch(
      /customerId: Invalid input: expected string/,
    );
    ws?.close();
  });

  it('off loopback requires the printed token and a same-origin page', async () => {
    const { url, out } = await serve(['--host', '0.0.0.0']);
    const token = /token ([0-9a-f]{32})/.exec(out)?.[1];
    expect(token).toBeDefined();
    expect(url).toContain(`?token=${token}`);
    const port = new URL(url).port;
    const api = `ws://127.0.0.1:${port}/api`;
    expect(await connect(api, `http://127.0.0.1:${port}`)).toMatchObject({ ok: false, status: 401 });
    expect(await connect(`${api}?token=wrong`, `http://127.0.0.1:${port}`)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(await connect(`${api}?token=${token}`, 'http://evil.example')).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await connect(`${api}?token=${token}`)).toMatchObject({ ok: false, status: 403 });
    const good = await connect(`${api}?token=${token}`, `http://127.0.0.1:${port}`);
    expect(good.ok).toBe(true);
    good.ws?.close();
  });
});
