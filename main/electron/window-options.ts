import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

/**
 * The one window's options: the renderer gets no Node, runs sandboxed and isolated from the
 * preload, and keeps web security on. Only the preload's contextBridge API reaches the engine.
 */
export function mainWindowOptions(
  preload: string,
  bounds: Partial<Rectangle>,
): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Customer 360',
    backgroundColor: '#0a1020',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open links in new windows; the window-open handler denies them anyway.
      disableBlinkFeatures: 'Auxclick',
    },
  };
}
