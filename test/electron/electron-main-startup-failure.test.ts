import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it, vi } from 'vitest';

/**
 * The Electron main process when the engine cannot start (here: its worker reports an unusable
 * data folder). Before, the app waited forever with no window and no log line.
 */

const userData = await mkdtemp(`${tmpdir()}/c360-main-fail-`);
const h = vi.hoisted(() => ({
  calls: {} as Record<string, unknown[][]>,
  windows: 0,
  ready: null as null | (() => void),
}));
const record =
  (name: string) =>
  (...args: unknown[]) => {
    h.calls[name] = [...(h.calls[name] ?? []), args];
  };

vi.mock('electron', () => ({
  app: {
    requestSingleInstanceLock: () => true,
    on: () => {},
    quit: (...a: unknown[]) => record('quit')(...a),
    exit: (...a: unknown[]) => record('exit')(...a),
    setAppLogsPath: () => {},
    getPath: (name: string) => `${userData}/${name}`,
    getVersion: () => '0.1.0',
    whenReady: () => new Promise<void>((resolve) => (h.ready = resolve)),
  },
  BrowserWindow: class {
    constructor() {
      h.windows += 1;
    }
  },
  dialog: { showErrorBox: (...a: unknown[]) => record('showErrorBox')(...a) },
  ipcMain: {},
  Menu: {},
  powerMonitor: {},
  powerSaveBlocker: {},
  safeStorage: {
    isEncryptionAvailable: () => false,
    encryptString: () => Buffer.from(''),
    decryptString: () => '',
  },
  protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
  session: { defaultSession: { setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {} } },
  shell: {},
}));

vi.mock('../../main/engine-host/engine-worker-client.js', () => ({
  EngineWorkerClient: class {
    ready = Promise.reject(new Error('cannot use the data folder /x/data (EACCES); choose another one'));
    stop = async () => record('engine.stop')();
    constructor() {
      this.ready.catch(() => {});
    }
  },
}));

describe('the Electron main process when the engine cannot start', () => {
  it('shows a native error dialog, writes the log, and exits instead of hanging', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(`${userData}/logs`, { recursive: true });
    await import('../../main/electron/electron-main.js');
    h.ready?.();
    await vi.waitFor(() => expect(h.calls.exit).toEqual([[1]]));
    const [title, text] = (h.calls.showErrorBox?.[0] ?? []) as [string, string];
    expect(title).toBe('Customer 360 could not start');
    expect(text).toMatch(/The engine could not start: cannot use the data folder \/x\/data \(EACCES\)/);
    expect(text).toContain(`${userData}/logs/main.log`);
    expect(await readFile(`${userData}/logs/main.log`, 'utf8')).toMatch(/start-up failed: .*EACCES/);
    expect(h.calls['engine.stop']).toHaveLength(1);
    expect(h.windows).toBe(0);
  });
});
