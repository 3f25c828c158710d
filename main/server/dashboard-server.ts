import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { ApiPush, EngineEventName } from '../../shared/engine-api.js';
import type { EngineService } from '../engine/engine-service.js';
import { dispatch } from './api-dispatch.js';
import { contentSecurityPolicy } from './content-security.js';
import { contentTypeOf } from './content-types.js';

/**
 * `c360 serve`: the built dashboard over HTTP and the engine API over a WebSocket (/api).
 * On loopback it is open; bound to any other address it needs the token printed at start (as
 * `?token=` on the WebSocket URL and the page) and an Origin matching the page it served.
 */

export interface DashboardServerOptions {
  host: string;
  port: number;
  /** Folder with the built renderer (index.html and assets). */
  rendererDir: string;
  /** Required when not on loopback. */
  token: string | null;
}

/** A client whose socket holds more than this unsent is skipped for snapshots until it drains. */
const MAX_BUFFERED = 1 << 20;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export class DashboardServer {
  readonly #engine: EngineService;
  readonly #options: DashboardServerOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #unsubscribe: Array<() => void> = [];

  constructor(engine: EngineService, options: DashboardServerOptions) {
    if (!isLoopback(options.host) && !options.token)
      throw new Error('a token is required when not on loopback');
    this.#engine = engine;
    this.#options = options;
    this.#http = createServer((req, res) => {
      this.#serveHttp(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    this.#http.on('upgrade', (req, socket, head) => {
      const refusal = this.#refuse(req);
      if (refusal) {
        socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connect(ws));
    });
    const events: EngineEventName[] = ['snapshot', 'status', 'quarantine', 'exportProgress'];
    for (const event of events) {
      this.#unsubscribe.push(engine.on(event, (payload) => this.#broadcast({ event, payload })));
    }
  }

  /** Why an API connection is refused (an HTTP status line), or null to accept it. */
  #refuse(req: IncomingMessage): string | null {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api') return '404 Not Found';
    if (isLoopback(this.#options.host)) return null;
    if (url.searchParams.get('token') !== this.#options.token) return '401 Unauthorized';
    const origin = req.headers.origin;
    const host = req.headers.host;
    // Browsers always send Origin; it must be this server's own page, not another site.
    if (!origin || !host || origin !== `http://${host}`) return '403 Forbidden';
    return null;
  }

  #connect(ws: WebSocket): void {
    ws.on('message', async (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      const response = await dispatch(this.#engine, message);
      if (response && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(response));
    });
    // A new client gets the current state at once rather than waiting for the next push.
    void this.#engine.status().then((payload) => ws.send(JSON.stringify({ event: 'status', payload })));
  }

  #broadcast(push: ApiPush): void {
    const text = JSON.stringify(push);
    for (const ws of this.#wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      // Snapshots replace each other: a slow client simply misses some instead of queueing them.
      if (push.event === 'snapshot' && ws.bufferedAmount > MAX_BUFFERED) continue;
      ws.send(text);
    }
  }

  async #serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const security = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': contentSecurityPolicy({ websocket: true }),
    };
    if (url.pathname.startsWith('/exports/')) {
      if (!isLoopback(this.#options.host) && url.searchParams.get('token') !== this.#options.token) {
        res.writeHead(401, security).end();
        return;
      }
      await this.#sendFile(
        res,
        this.#engine.exportsDir,
        url.pathname.slice('/exports/'.length),
        security,
        true,
      );
      return;
    }
    const path = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const sent = await this.#sendFile(res, this.#options.rendererDir, path, security, false);
    // Client-side routes fall back to the app.
    if (!sent) await this.#sendFile(res, this.#options.rendererDir, 'index.html', security, false, true);
  }

  /** Sends a file from inside `root` only; false when there is none. */
  async #sendFile(
    res: ServerResponse,
    root: string,
    relative: string,
    headers: Record<string, string>,
    download: boolean,
    mustExist = false,
  ): Promise<boolean> {
    const base = resolve(root);
    const full = resolve(base, normalize(decodeURIComponent(relative)));
    if (full !== base && !full.startsWith(base + sep)) {
      res.writeHead(403, headers).end();
      return true;
    }
    const info = await stat(full).catch(() => null);
    if (!info?.isFile()) {
      if (mustExist || download) res.writeHead(404, headers).end('Not found');
      return mustExist || download;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypeOf(full),
      'Content-Length': info.size,
      ...(download ? { 'Content-Disposition': `attachment; filename="${join(full).split(sep).pop()}"` } : {}),
      'Cache-Control': full.includes(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    createReadStream(full).pipe(res);
    return true;
  }

  async listen(): Promise<{ url: string; port: number }> {
    await new Promise<void>((done, fail) => {
      this.#http.once('error', fail);
      this.#http.listen(this.#options.port, this.#options.host, () => done());
    });
    const { port } = this.#http.address() as AddressInfo;
    const host = this.#options.host.includes(':') ? `[${this.#options.host}]` : this.#options.host;
    const token =
      this.#options.token && !isLoopback(this.#options.host) ? `?token=${this.#options.token}` : '';
    return { url: `http://${host}:${port}/${token}`, port };
  }

  /** Drops every API connection (clients reconnect by themselves). */
  dropClients(): void {
    for (const ws of this.#wss.clients) ws.terminate();
  }

  async close(): Promise<void> {
    for (const off of this.#unsubscribe) off();
    this.dropClients();
    this.#wss.close();
    await new Promise<void>((done) => this.#http.close(() => done()));
  }
}
