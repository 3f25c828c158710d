import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join, normalize, resolve, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { ApiPush, EngineEventName } from '../../shared/engine-api.js';
import type { EngineService } from '../engine/engine-service.js';
import { dispatch } from './api-dispatch.js';
import { contentSecurityPolicy } from './content-security.js';
import { contentTypeOf } from './content-types.js';
import { StaticAssets } from './static-assets.js';

/**
 * `c360 serve`: the built dashboard over HTTP and the engine API over a WebSocket (/api).
 *
 * Who gets in (the README's threat model says why):
 * - every request must name this server in its Host header: a loopback name, the bound address,
 *   the machine's own names and addresses when bound to all of them, or an allowed host; with
 *   the port it listens on. A page on another site that rebinds its DNS name to this machine
 *   sends its own name, and is refused;
 * - a WebSocket that carries an Origin (every browser sends one) must come from one of those
 *   names too: another site's page cannot open the API (cross-site WebSocket hijacking);
 * - without an Origin (a program, not a page) only on loopback;
 * - with a token (always off loopback; on loopback when one is given) the API and exports also
 *   need `?token=`.
 */

export interface DashboardServerOptions {
  host: string;
  port: number;
  /** Folder with the built renderer (index.html and assets). */
  rendererDir: string;
  /** Required when not on loopback; optional on loopback, and then enforced there too. */
  token: string | null;
  /** Further host names the server answers to (a DNS name for a booth machine, say). */
  allowedHosts?: string[];
  /**
   * Settles when the engine has started: the page is served at once, while a large store is still
   * being read, and API calls wait for this before they are answered.
   */
  engineReady?: Promise<unknown>;
}

/** A client whose socket holds more than this unsent is skipped for snapshots until it drains. */
const MAX_BUFFERED = 1 << 20;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A host name as the URL parser writes it (lower case, IPv6 in brackets, no zone); null if unreadable. */
function urlHostname(host: string): string | null {
  try {
    const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host.replace(/%.*$/, '')}]` : host;
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return null;
  }
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** `host[:port]` from a Host header or an Origin's authority, as [hostname, port]; null if unreadable. */
function splitAuthority(authority: string): [string, number] | null {
  try {
    // Only the characters a host, an IP address and a port are made of (no user, path or query).
    if (!/^[a-z0-9.\-[\]:]+$/i.test(authority)) return null;
    const url = new URL(`http://${authority}/`);
    return [url.hostname, url.port === '' ? 80 : Number(url.port)];
  } catch {
    return null;
  }
}

export class DashboardServer {
  readonly #engine: EngineService;
  readonly #options: DashboardServerOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #unsubscribe: Array<() => void> = [];
  readonly #assets = new StaticAssets();
  /** Host names this server answers to (besides the machine's own when bound to all addresses). */
  readonly #names = new Set<string>();
  #port = 0;

  constructor(engine: EngineService, options: DashboardServerOptions) {
    if (!isLoopback(options.host) && !options.token)
      throw new Error('a token is required when not on loopback');
    const names = [...LOOPBACK_NAMES, ...(options.allowedHosts ?? []), options.host];
    for (const name of names) {
      const h = urlHostname(name);
      if (h && !WILDCARDS.has(name)) this.#names.add(h);
    }
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

  /** True when `authority` (a Host header, an Origin's host) names this server, port included. */
  #isOwnAuthority(authority: string | undefined): boolean {
    if (!authority) return false;
    const parsed = splitAuthority(authority);
    if (!parsed) return false;
    const [name, port] = parsed;
    if (port !== this.#port) return false;
    if (this.#names.has(name)) return true;
    if (!WILDCARDS.has(this.#options.host)) return false;
    // Bound to every address: the machine's own names and addresses, as they are now.
    if (name === urlHostname(hostname())) return true;
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) if (urlHostname(a.address) === name) return true;
    return false;
  }

  #tokenOk(url: URL): boolean {
    return this.#options.token === null || url.searchParams.get('token') === this.#options.token;
  }

  /** Why an API connection is refused (an HTTP status line), or null to accept it. */
  #refuse(req: IncomingMessage): string | null {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!this.#isOwnAuthority(req.headers.host)) return '403 Forbidden';
    if (url.pathname !== '/api') return '404 Not Found';
    const origin = req.headers.origin;
    if (origin === undefined) {
      // Not a browser page: allowed on loopback only, where only this machine can connect.
      if (!isLoopback(this.#options.host)) return '403 Forbidden';
    } else {
      const match = /^http:\/\/([^/]+)$/.exec(origin);
      if (!match || !this.#isOwnAuthority(match[1])) return '403 Forbidden';
    }
    if (!this.#tokenOk(url)) return '401 Unauthorized';
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
      // A start that failed is answered too: the engine then says it is not started.
      await this.#options.engineReady?.catch(() => {});
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
    if (!this.#isOwnAuthority(req.headers.host)) {
      // DNS rebinding: another site's name pointed at this machine. Nothing is served to it.
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('This host name is not served here.\n');
      return;
    }
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
      if (!this.#tokenOk(url)) {
        res.writeHead(401, security).end();
        return;
      }
      await this.#sendFile(
        res,
        this.#engine.exportsDir,
        url.pathname.slice('/exports/'.length),
        security,
        'download',
      );
      return;
    }
    const path = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const gzipOk = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const asset = { gzipOk };
    const sent = await this.#sendFile(res, this.#options.rendererDir, path, security, asset);
    // Client-side routes fall back to the app.
    if (!sent) await this.#sendFile(res, this.#options.rendererDir, 'index.html', security, asset, true);
  }

  /**
   * Sends a file from inside `root` only; false when there is none. `download`: an export,
   * streamed from disk as an attachment; else one of the app's own files, from memory.
   */
  async #sendFile(
    res: ServerResponse,
    root: string,
    relative: string,
    headers: Record<string, string>,
    how: 'download' | { gzipOk: boolean },
    mustExist = false,
  ): Promise<boolean> {
    const base = resolve(root);
    let decoded: string;
    try {
      decoded = decodeURIComponent(relative);
    } catch {
      res.writeHead(400, headers).end('Bad path');
      return true;
    }
    const full = resolve(base, normalize(decoded));
    if (full !== base && !full.startsWith(base + sep)) {
      res.writeHead(403, headers).end();
      return true;
    }
    const info = await stat(full).catch(() => null);
    if (!info?.isFile()) {
      if (mustExist || how === 'download') res.writeHead(404, headers).end('Not found');
      return mustExist || how === 'download';
    }
    if (how === 'download') {
      res.writeHead(200, {
        ...headers,
        'Content-Type': contentTypeOf(full),
        'Content-Length': info.size,
        'Content-Disposition': `attachment; filename="${join(full).split(sep).pop()}"`,
        'Cache-Control': 'no-cache',
      });
      createReadStream(full).pipe(res);
      return true;
    }
    const asset = await this.#assets.get(full, info);
    const body = how.gzipOk && asset.gzipped ? asset.gzipped : asset.body;
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypeOf(full),
      'Content-Length': body.length,
      ...(body === asset.gzipped ? { 'Content-Encoding': 'gzip' } : {}),
      Vary: 'Accept-Encoding',
      'Cache-Control': full.includes(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    res.end(body);
    return true;
  }

  /**
   * The app's files read and gzipped now, on the thread pool, while the engine opens its store:
   * the window asks for them within a few tens of milliseconds.
   */
  async #warmAssets(): Promise<void> {
    const dir = resolve(this.#options.rendererDir);
    const inside = async (sub: string) =>
      (await readdir(join(dir, sub)).catch(() => [] as string[]))
        .filter((n) => !n.endsWith('.map'))
        .map((n) => join(sub, n));
    // The page, its icon and scripts first; the charts library (vendor/) is asked for after the first frame.
    const files = [...(await inside('.')), ...(await inside('assets')), ...(await inside('vendor'))];
    await Promise.all(
      files.map(async (file) => {
        const full = join(dir, file);
        const info = await stat(full).catch(() => null);
        if (info?.isFile()) await this.#assets.get(full, info).catch(() => {});
      }),
    );
  }

  async listen(): Promise<{ url: string; port: number }> {
    await new Promise<void>((done, fail) => {
      this.#http.once('error', fail);
      this.#http.listen(this.#options.port, this.#options.host, () => done());
    });
    const { port } = this.#http.address() as AddressInfo;
    this.#port = port;
    void this.#warmAssets();
    // Bound to every address, the URL to print is one another machine can use: a LAN address.
    const lan = WILDCARDS.has(this.#options.host)
      ? Object.values(networkInterfaces())
          .flat()
          .find((a) => a && a.family === 'IPv4' && !a.internal)?.address
      : undefined;
    const host = urlHostname(lan ?? this.#options.host) ?? this.#options.host;
    const token = this.#options.token ? `?token=${this.#options.token}` : '';
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
