import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';

/**
 * main/electron/electron-main.ts run with `electron` replaced by recording fakes (and the engine
 * worker by a stub): what the main process does at start-up, item by item.
 */

const userData = await mkdtemp(`${tmpdir()}/c360-main-`);
const h = vi.hoisted(() => {
  const calls: Record<string, unknown[][]> = {};
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      const list = calls[name] ?? [];
      list.push(args);
      calls[name] = list;
    };
  return {
    calls,
    record,
    windows: [] as Array<Record<string, unknown>>,
    workerArgs: [] as unknown[],
    ready: null as null | (() => void),
    menu: null as null | MenuItemConstructorOptions[],
  };
});

vi.mock('electron', () => {
  class BrowserWindow {
    options: unknown;
    webContents = {
      on: h.record('webContents.on'),
      setWindowOpenHandler: h.record('setWindowOpenHandler'),
      send: h.record('webContents.send'),
      isDestroyed: () => false,
      reload: h.record('reload'),
    };
    constructor(options: unknown) {
      this.options = options;
      h.windows.push(this as unknown as Record<string, unknown>);
    }
    on = h.record('window.on');
    once = h.record('window.once');
    loadURL = async (url: string) => h.record('loadURL')(url);
    setKiosk = h.record('setKiosk');
    isDestroyed = () => false;
    focus = h.record('focus');
    maximize = h.record('maximize');
    isMinimized = () => false;
  }
  return {
    app: {
      requestSingleInstanceLock: () => (h.record('requestSingleInstanceLock')(), true),
      on: h.record('app.on'),
      quit: h.record('quit'),
      exit: h.record('exit'),
      setAppLogsPath: h.record('setAppLogsPath'),
      getPath: (name: string) => `${userData}/${name}`,
      getVersion: () => '0.1.0',
      whenReady: () => new Promise<void>((resolve) => (h.ready = resolve)),
    },
    BrowserWindow,
    dialog: {
      showSaveDialog: h.record('showSaveDialog'),
      showMessageBox: h.record('showMessageBox'),
      showErrorBox: h.record('showErrorBox'),
      showOpenDialog: async () => ({ canceled: false, filePaths: ['/home/me/ca.pem'] }),
    },
    ipcMain: {
      handle: h.record('ipcMain.handle'),
      on: h.record('ipcMain.on'),
      removeHandler: h.record('removeHandler'),
      removeListener: h.record('removeListener'),
    },
    Menu: {
      buildFromTemplate: (t: MenuItemConstructorOptions[]) => {
        h.menu = t;
        return t;
      },
      setApplicationMenu: h.record('setApplicationMenu'),
    },
    powerMonitor: { on: h.record('powerMonitor.on') },
    powerSaveBlocker: { start: () => 1, stop: h.record('powerSaveBlocker.stop'), isStarted: () => true },
    // A keychain that "encrypts" by reversing and tagging: enough to tell ciphertext on disk.
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (plain: string) => Buffer.from(`enc:${[...plain].reverse().join('')}`),
      decryptString: (b: Buffer) => [...b.toString().slice(4)].reverse().join(''),
    },
    protocol: {
      registerSchemesAsPrivileged: h.record('registerSchemesAsPrivileged'),
      handle: h.record('protocol.handle'),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: h.record('setPermissionRequestHandler'),
        setPermissionCheckHandler: h.record('setPermissionCheckHandler'),
      },
    },
    shell: { openExternal: h.record('openExternal'), openPath: h.record('openPath') },
  };
});

vi.mock('../../main/engine-host/engine-worker-client.js', () => ({
  EngineWorkerClient: class {
    constructor(...args: unknown[]) {
      h.workerArgs = args;
    }
    ready = Promise.resolve({ notice: null, exportsDir: '/tmp/exports' });
    call = async () => ({});
    on = () => () => {};
    stop = async () => {};
  },
}));

describe('the Electron main process', () => {
  it('wires a single, hardened window over the app protocol, the engine IPC and the menu', async () => {
    await import('../../main/electron/electron-main.js');
    expect(h.calls.requestSingleInstanceLock).toHaveLength(1);
    expect(h.calls.registerSchemesAsPrivileged?.[0]?.[0]).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    h.ready?.();
    await vi.waitFor(() => expect(h.calls.loadURL).toEqual([['app://renderer/index.html']]));

    expect(h.calls['protocol.handle']?.[0]?.[0]).toBe('app');
    // Permissions: every request refused.
    const deny = h.calls.setPermissionRequestHandler?.[0]?.[0] as (
      c: unknown,
      p: string,
      cb: (ok: boolean) => void,
    ) => void;
    const answer = vi.fn();
    deny(null, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    // One window, isolated, with the preload.
    expect(h.windows).toHaveLength(1);
    const prefs =
      (h.windows[0]?.options as { webPreferences: Record<string, unknown> } | undefined)?.webPreferences ??
      {};
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(String(prefs.preload)).toMatch(
      /dist\/main\/electron\/preload\.cjs$|main\/electron\/preload\.cjs$/,
    );
    // Navigation guard and window-open handler installed; the engine call channel and the shell channel registered.
    expect(h.calls['webContents.on']?.map((c) => c[0])).toEqual(
      expect.arrayContaining(['will-navigate', 'will-attach-webview']),
    );
    expect(h.calls.setWindowOpenHandler).toHaveLength(1);
    expect(h.calls['ipcMain.handle']?.map((c) => c[0])).toEqual([
      'c360:call',
      'c360:choose-file',
      'c360:save-export',
    ]);
    expect(h.calls['ipcMain.on']?.map((c) => c[0])).toEqual(['c360:shell']);
    // The menu's Booth mode item puts the window in kiosk mode and tells the page.
    const view = (h.menu?.find((m) => m.label === 'View')?.submenu ?? []) as MenuItemConstructorOptions[];
    const boothItem = view.find((i) => i.label === 'Booth mode')?.click as (() => void) | undefined;
    expect(boothItem).toBeDefined();
    boothItem?.();
    expect(h.calls.setKiosk?.at(-1)).toEqual([true]);
    expect(h.calls['webContents.send']?.at(-1)).toEqual(['c360:shell', 'booth-on']);
  });

  it('gives the engine worker the data folder, the environment’s settings, and a safeStorage vault', async () => {
    const [options, , vault] = h.workerArgs as [
      { dataDir: string; outside: { env: unknown } },
      unknown,
      {
        description: string;
        set(k: string, v: string): Promise<void>;
        get(k: string): Promise<string | null>;
      },
    ];
    expect(options.dataDir).toBe(`${userData}/userData/data`);
    expect(options.outside.env).toBeDefined();
    expect(vault.description).toMatch(/system keychain/);
    await vault.set('connection/prod/sasl-password', 's3cret-pw');
    const onDisk = await readFile(`${userData}/userData/data/secrets.json`, 'utf8');
    expect(onDisk).not.toContain('s3cret-pw');
    expect(onDisk).not.toContain('wp-terc3s'); // only base64 of the ciphertext is written
    expect(await vault.get('connection/prod/sasl-password')).toBe('s3cret-pw');
  });
});
