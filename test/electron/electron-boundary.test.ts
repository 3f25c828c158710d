import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow, IpcMain, MenuItemConstructorOptions, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { type MenuActions, menuTemplate } from '../../main/electron/app-menu.js';
import { resolveAppPath } from '../../main/electron/app-protocol.js';
import { BoothMode } from '../../main/electron/booth-mode.js';
import {
  handleEngineCall,
  registerChooseFileIpc,
  registerEngineIpc,
  registerSaveExportIpc,
  registerShellIpc,
} from '../../main/electron/ipc-bridge.js';
import { hardenWebContents, isSafeExternalUrl } from '../../main/electron/web-security.js';
import { mainWindowOptions } from '../../main/electron/window-options.js';
import { loadWindowState, saveWindowState } from '../../main/electron/window-state.js';
import { IPC } from '../../shared/ipc-contract.js';

/** The Electron shell at its boundary: Electron's objects replaced by fakes that record calls. */

const fromApp = { senderFrame: { url: 'app://renderer/index.html' } } as never;

describe('the window', () => {
  it('isolates the page: no Node, sandboxed, context isolation, web security, no webviews', () => {
    const prefs = mainWindowOptions('/app/preload.cjs', { width: 1200, height: 800 }).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('denies navigation away, new windows and webviews; opens only https links outside', () => {
    const handlers: Record<string, (event: { preventDefault: () => void }, url?: string) => void> = {};
    let openHandler: (d: { url: string }) => { action: string } = () => ({ action: '' });
    const contents = {
      on: (name: string, fn: (event: { preventDefault: () => void }, url?: string) => void) => {
        handlers[name] = fn;
      },
      setWindowOpenHandler: (fn: typeof openHandler) => {
        openHandler = fn;
      },
    } as unknown as WebContents;
    const opened: string[] = [];
    hardenWebContents(contents, (url) => opened.push(url));
    const navigate = (url: string) => {
      const prevent = vi.fn();
      handlers['will-navigate']?.({ preventDefault: prevent }, url);
      return prevent.mock.calls.length > 0;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://renderer/index.html?view=churn')).toBe(false);
    const webview = vi.fn();
    handlers['will-attach-webview']?.({ preventDefault: webview });
    expect(webview).toHaveBeenCalled();
    expect(openHandler({ url: 'https://kafka.apache.org/documentation/' })).toEqual({ action: 'deny' });
    expect(openHandler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://kafka.apache.org/documentation/']);
    expect(
      ['http://x.example', 'https://user:pw@x.example', 'file:///x', 'https://localhost'].map(
        isSafeExternalUrl,
      ),
    ).toEqual([false, false, false, false]);
  });

  it('serves only files inside the renderer folder over app://', () => {
    expect(resolveAppPath('/app/renderer', 'app://renderer/')).toBe('/app/renderer/index.html');
    expect(resolveAppPath('/app/renderer', 'app://renderer/assets/x.js')).toBe('/app/renderer/assets/x.js');
    expect(resolveAppPath('/app/renderer', 'app://renderer/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveAppPath('/app/renderer', 'app://elsewhere/index.html')).toBeNull();
    expect(resolveAppPath('/app/renderer', 'app://renderer/%E0%A4%A')).toBeNull(); // malformed escape
  });

  it('remembers its size and place, and falls back to a default on a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-win-'));
    expect(loadWindowState(dir)).toEqual({ width: 1440, height: 900 });
    saveWindowState(dir, { x: 10, y: 20, width: 1300, height: 850, maximized: true });
    expect(loadWindowState(dir)).toEqual({ x: 10, y: 20, width: 1300, height: 850, maximized: true });
    await writeFile(join(dir, 'window-state.json'), '{"width": -5}');
    expect(loadWindowState(dir)).toEqual({ width: 1440, height: 900 });
    // Only numbers of a sane size reach the window; anything else in the file is dropped.
    await writeFile(
      join(dir, 'window-state.json'),
      '{"width":1300,"height":850,"x":"10","y":20,"maximized":"yes","webPreferences":{"nodeIntegration":true}}',
    );
    expect(loadWindowState(dir)).toEqual({ width: 1300, height: 850, maximized: false });
    await writeFile(join(dir, 'window-state.json'), '{"width":1e308,"height":850}');
    expect(loadWindowState(dir)).toEqual({ width: 1440, height: 900 });
  });
});

describe('IPC', () => {
  const engine = () => ({ call: vi.fn(async (method: string) => ({ method })), on: vi.fn(() => () => {}) });

  it('forwards checked calls from the app page to the engine', async () => {
    const e = engine();
    await expect(handleEngineCall(e, fromApp, 'customer360', { customerId: '42' })).resolves.toEqual({
      method: 'customer360',
    });
    expect(e.call).toHaveBeenCalledWith('customer360', { customerId: '42' });
  });

  it('refuses a foreign sender, an unknown method and bad arguments before the engine sees them', async () => {
    const e = engine();
    await expect(
      handleEngineCall(e, { senderFrame: { url: 'https://evil.example/' } } as never, 'snapshot', {}),
    ).rejects.toThrow(/refused: call from https:\/\/evil/);
    await expect(handleEngineCall(e, { senderFrame: null } as never, 'snapshot', {})).rejects.toThrow(
      /refused/,
    );
    await expect(handleEngineCall(e, fromApp, 'exec', {})).rejects.toThrow(/unknown method "exec"/);
    await expect(handleEngineCall(e, fromApp, 'customer360', { customerId: 42 })).rejects.toThrow(
      /customerId: Invalid input/,
    );
    await expect(handleEngineCall(e, fromApp, 'searchCustomers', { query: 'x', extra: 1 })).rejects.toThrow(
      /searchCustomers/,
    );
    expect(e.call).not.toHaveBeenCalled();
  });

  it('registers one call channel and pushes engine events to the window', () => {
    const handle = vi.fn();
    const listeners = new Map<string, (p: unknown) => void>();
    const e = {
      call: vi.fn(),
      on: vi.fn(
        (name: string, fn: (p: unknown) => void) => (listeners.set(name, fn), () => listeners.delete(name)),
      ),
    };
    const send = vi.fn();
    const stop = registerEngineIpc(
      { handle, removeHandler: vi.fn() } as unknown as IpcMain,
      e as never,
      () => ({ send, isDestroyed: () => false }) as unknown as WebContents,
    );
    expect(handle).toHaveBeenCalledWith(IPC.call, expect.any(Function));
    listeners.get('status')?.({ state: 'connected' });
    expect(send).toHaveBeenCalledWith(IPC.event, 'status', { state: 'connected' });
    stop();
    expect(listeners.size).toBe(0);
  });
});

describe('saving an export from the page', () => {
  it("accepts only the engine's own export ids and file names, from the app page", async () => {
    let handler: (event: unknown, id: unknown, file: unknown) => Promise<boolean> = async () => false;
    const save = vi.fn(async () => true);
    registerSaveExportIpc(
      { handle: (_c: string, fn: typeof handler) => (handler = fn) } as unknown as IpcMain,
      save,
    );
    await expect(handler(fromApp, '20261121T150000-a1b2c3', 'live_table.csv')).resolves.toBe(true);
    expect(save).toHaveBeenCalledWith('20261121T150000-a1b2c3', 'live_table.csv');
    await expect(
      handler({ senderFrame: { url: 'https://evil.example/' } }, '20261121T150000-a1b2c3', 'live_table.csv'),
    ).rejects.toThrow(/refused/);
    await expect(handler(fromApp, '../../../etc', 'live_table.csv')).rejects.toThrow(/unknown export/);
    await expect(handler(fromApp, '20261121T150000-a1b2c3', '../store.json')).rejects.toThrow(
      /unknown export file/,
    );
    expect(save).toHaveBeenCalledTimes(1);
  });
});

describe('shell commands from the page', () => {
  it('runs the known commands from the app page and ignores anything else', () => {
    let handler: (event: unknown, command: unknown) => void = () => {};
    const run = vi.fn();
    registerShellIpc({ on: (_c: string, fn: typeof handler) => (handler = fn) } as unknown as IpcMain, run);
    handler(fromApp, 'open-data-folder');
    handler(fromApp, 'booth-on');
    handler(fromApp, 'rm -rf /');
    handler({ senderFrame: { url: 'https://evil.example/' } }, 'booth-off');
    expect(run.mock.calls).toEqual([['open-data-folder'], ['booth-on']]);
  });
});

describe('choosing a file from the page', () => {
  it('opens the dialog only for a known purpose, from the app page; the path is the user’s', async () => {
    let handler: (event: unknown, purpose: unknown) => Promise<string | null> = async () => null;
    const choose = vi.fn(async () => '/home/me/ca.pem');
    registerChooseFileIpc(
      { handle: (_c: string, fn: typeof handler) => (handler = fn) } as unknown as IpcMain,
      choose,
    );
    await expect(handler(fromApp, 'tls-ca')).resolves.toBe('/home/me/ca.pem');
    await expect(handler({ senderFrame: { url: 'https://evil.example/' } }, 'tls-ca')).rejects.toThrow(
      /refused/,
    );
    await expect(handler(fromApp, '/etc/shadow')).rejects.toThrow(/unknown file purpose/);
    expect(choose).toHaveBeenCalledTimes(1);
  });
});

describe('the menu', () => {
  it('calls the right action for each item', () => {
    const actions = Object.fromEntries(
      [
        'exportProfiles',
        'exportStatistics',
        'toggleBooth',
        'toggleFullScreen',
        'reload',
        'about',
        'openDataFolder',
        'openLogs',
        'quit',
      ].map((k) => [k, vi.fn()]),
    ) as unknown as MenuActions & Record<string, ReturnType<typeof vi.fn>>;
    const template = menuTemplate(actions, false);
    const item = (menu: string, label: string) => {
      const sub = template.find((m) => m.label === menu)?.submenu as MenuItemConstructorOptions[];
      const found = sub.find((i) => i.label === label);
      if (!found?.click) throw new Error(`no ${menu} → ${label}`);
      return found.click as () => void;
    };
    const expectations: Array<[string, string, keyof MenuActions]> = [
      ['File', 'Export profiles…', 'exportProfiles'],
      ['File', 'Export statistics…', 'exportStatistics'],
      ['View', 'Booth mode', 'toggleBooth'],
      ['View', 'Full screen', 'toggleFullScreen'],
      ['View', 'Reload', 'reload'],
      ['Help', 'About Customer 360', 'about'],
      ['Help', 'Open data folder', 'openDataFolder'],
      ['Help', 'Open logs', 'openLogs'],
    ];
    for (const [menu, label, action] of expectations) {
      item(menu, label)();
      expect(actions[action], `${menu} → ${label}`).toHaveBeenCalledTimes(1);
    }
    expect(menuTemplate(actions, true)[0]).toEqual({ role: 'appMenu' });
  });
});

describe('booth mode', () => {
  it('toggles kiosk, keeps the display awake, tells the page, and re-asserts kiosk after wake', () => {
    const monitor = new Map<string, () => void>();
    const window = {
      setKiosk: vi.fn(),
      focus: vi.fn(),
      isDestroyed: () => false,
      webContents: { send: vi.fn() },
    };
    const power = { start: vi.fn(() => 7), stop: vi.fn(), isStarted: vi.fn(() => true) };
    const booth = new BoothMode(window as unknown as BrowserWindow, power, {
      on: (e: string, fn: () => void) => monitor.set(e, fn),
    } as never);
    booth.toggle();
    expect(window.setKiosk).toHaveBeenLastCalledWith(true);
    expect(power.start).toHaveBeenCalledWith('prevent-display-sleep');
    expect(window.webContents.send).toHaveBeenLastCalledWith(IPC.shell, 'booth-on');
    window.setKiosk.mockClear();
    monitor.get('resume')?.();
    monitor.get('unlock-screen')?.();
    expect(window.setKiosk).toHaveBeenCalledTimes(2);
    booth.toggle();
    expect(window.setKiosk).toHaveBeenLastCalledWith(false);
    expect(power.stop).toHaveBeenCalledWith(7);
    expect(window.webContents.send).toHaveBeenLastCalledWith(IPC.shell, 'booth-off');
    window.setKiosk.mockClear();
    monitor.get('resume')?.();
    expect(window.setKiosk).not.toHaveBeenCalled();
  });
});
