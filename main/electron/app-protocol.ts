import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Protocol } from 'electron';
import { APP_CSP } from './web-security.js';

/**
 * The app's pages over `app://renderer/…` rather than file://: a real origin for the CSP's
 * 'self', and only files inside the built renderer can be read.
 */

export const APP_SCHEME = 'app';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** The file a request maps to, or null when it would leave the renderer folder. */
export function resolveAppPath(rendererDir: string, requestUrl: string): string | null {
  const url = new URL(requestUrl);
  if (url.host !== 'renderer') return null;
  const base = resolve(rendererDir);
  const path = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  const full = resolve(base, `.${path}`);
  return full.startsWith(base + sep) ? full : null;
}

export function serveApp(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const path = resolveAppPath(rendererDir, request.url);
    if (!path) return new Response('Forbidden', { status: 403 });
    try {
      const body = await readFile(path);
      return new Response(body, {
        headers: {
          'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
          'Content-Security-Policy': APP_CSP,
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
