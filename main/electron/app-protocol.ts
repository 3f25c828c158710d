import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Protocol } from 'electron';
import { contentTypeOf } from '../server/content-types.js';
import { APP_CSP } from './web-security.js';

/**
 * The app's pages over `app://renderer/…` rather than file://: a real origin for the CSP's
 * 'self', and only files inside the built renderer can be read.
 */

export const APP_SCHEME = 'app';

/** The file a request maps to, or null when it would leave the renderer folder. */
export function resolveAppPath(rendererDir: string, requestUrl: string): string | null {
  const url = new URL(requestUrl);
  if (url.host !== 'renderer') return null;
  const base = resolve(rendererDir);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return null; // a malformed escape names no file
  }
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
          'Content-Type': contentTypeOf(path),
          'Content-Security-Policy': APP_CSP,
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
