import type { Session, WebContents } from 'electron';
import { contentSecurityPolicy } from '../server/content-security.js';

/** Where the app's pages come from (see app-protocol.ts). */
export const APP_ORIGIN = 'app://renderer';

/** The Content-Security-Policy of the app's pages: nothing but its own files and no eval. */
export const APP_CSP = contentSecurityPolicy({ websocket: false });

export function isAppUrl(url: string | undefined): boolean {
  return typeof url === 'string' && (url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`));
}

/** Only plain https links leave the app, to the user's browser. */
export function isSafeExternalUrl(url: string): boolean {
  if (url.length > 2048) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && u.hostname.includes('.');
  } catch {
    return false;
  }
}

/** No navigation away, no new windows, no webviews, no permissions; external links to the browser. */
export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
