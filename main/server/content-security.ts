/**
 * The Content-Security-Policy of the dashboard's pages, for the HTTP server and the desktop's
 * app:// protocol alike: only the app's own files, no eval, no plugins, no framing. The browser
 * build also needs WebSocket connections back to its server.
 */
export function contentSecurityPolicy({ websocket }: { websocket: boolean }): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Inline styles: React's style props and BokehJS's shadow-root <style> elements.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    websocket ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
