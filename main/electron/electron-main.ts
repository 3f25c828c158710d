import { appendFileSync, existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  session,
  shell,
} from 'electron';
import type { ExportProgress, ExportScope } from '../../shared/engine-api.js';
import type { ExportFile } from '../../shared/ipc-contract.js';
import { readConfigFile, settingsFromEnv } from '../engine/kafka/kafka-settings.js';
import { FileVault } from '../engine/settings/secret-vault.js';
import { EngineWorkerClient } from '../engine-host/engine-worker-client.js';
import { menuTemplate } from './app-menu.js';
import { APP_SCHEME, serveApp } from './app-protocol.js';
import { BoothMode } from './booth-mode.js';
import {
  registerChooseFileIpc,
  registerEngineIpc,
  registerSaveExportIpc,
  registerShellIpc,
} from './ipc-bridge.js';
import { SafeStorageVault } from './safe-storage-vault.js';
import { denyAllPermissions, hardenWebContents, isSafeExternalUrl } from './web-security.js';
import { mainWindowOptions } from './window-options.js';
import { loadWindowState, saveWindowState } from './window-state.js';

/**
 * The Electron main process: windows, menus and dialogs only. The engine runs in a worker
 * thread (engine-host/), reached over IPC through the same contract as the browser's WebSocket.
 */

const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const APP_URL = `${APP_SCHEME}://renderer/index.html`;

// Before ready: app:// is a standard, secure scheme with a real origin.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  app.setAppLogsPath();
  const logFile = join(app.getPath('logs'), 'main.log');
  const log = (line: string) => {
    void writeFile(logFile, `${new Date().toISOString()} ${line}\n`, { flag: 'a' }).catch(() => {});
  };

  /**
   * Whatever stops the start (an unwritable data folder, an engine that cannot open its store)
   * ends in a dialog and a log line, never in a hidden process with no window.
   */
  const startupFailed = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    try {
      appendFileSync(
        logFile,
        `${new Date().toISOString()} start-up failed: ${(error as Error)?.stack ?? message}\n`,
      );
    } catch {
      // No log folder either: the dialog still says what happened.
    }
    dialog.showErrorBox('Customer 360 could not start', `${message}\n\nThe log is at ${logFile}.`);
    app.exit(1);
  };

  app
    .whenReady()
    .then(async () => {
      const userData = app.getPath('userData');
      const dataDir = join(userData, 'data');
      await mkdir(dataDir, { recursive: true });
      serveApp(protocol, RENDERER_DIR);
      denyAllPermissions(session.defaultSession);

      // The same precedence as `c360 serve`: the environment, then a config file, then the
      // settings file (the worker adds that one); secrets through safeStorage, in this process.
      const configFile = join(dataDir, 'config.json');
      const engine = new EngineWorkerClient(
        {
          dataDir,
          outside: {
            env: settingsFromEnv(process.env),
            configFile: existsSync(configFile) ? readConfigFile(configFile) : {},
          },
        },
        undefined,
        new SafeStorageVault(safeStorage, FileVault.inDataDir(dataDir)),
      );
      const { notice } = await engine.ready.catch(async (error: Error) => {
        await engine.stop();
        throw new Error(`The engine could not start: ${error.message}`);
      });
      if (notice) log(notice);

      const state = loadWindowState(userData);
      // The options are mainWindowOptions() (window-options.ts, tested): context isolation and sandbox
      // on, Node off, Auxclick disabled. The scanner cannot see into the call, hence the note.
      // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
      const win = new BrowserWindow(mainWindowOptions(PRELOAD, state));
      window = win;
      if (state.maximized) win.maximize();
      hardenWebContents(win.webContents, (url) => {
        // Only plain https URLs pass isSafeExternalUrl (web-security.ts, tested).
        if (isSafeExternalUrl(url)) void shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
      });
      const stopIpc = registerEngineIpc(ipcMain, engine, () => (win.isDestroyed() ? null : win.webContents));
      const booth = new BoothMode(win, powerSaveBlocker, powerMonitor);
      const stopShell = registerShellIpc(ipcMain, (command) => {
        if (command === 'open-data-folder') void shell.openPath(dataDir);
        else booth.set(command === 'booth-on');
      });
      const stopChoose = registerChooseFileIpc(ipcMain, async (purpose) => {
        const title = {
          'tls-ca': 'CA certificate',
          'tls-cert': 'Client certificate',
          'tls-key': 'Client key',
        }[purpose];
        const choice = await dialog.showOpenDialog(win, {
          title: `Choose the ${title} (PEM)`,
          properties: ['openFile'],
          filters: [
            { name: 'PEM', extensions: ['pem', 'crt', 'cer', 'key'] },
            { name: 'All files', extensions: ['*'] },
          ],
        });
        return choice.canceled ? null : (choice.filePaths[0] ?? null);
      });

      const remember = () => {
        if (!win.isDestroyed())
          saveWindowState(userData, { ...win.getNormalBounds(), maximized: win.isMaximized() });
      };
      win.on('close', remember);
      win.once('ready-to-show', () => win.show());

      /** Asks where, then copies a finished export's file there; false when the user cancels. */
      const saveExport = async (exportId: string, file: ExportFile): Promise<boolean> => {
        const extension = file.endsWith('.jsonl') ? 'jsonl' : 'csv';
        const choice = await dialog.showSaveDialog(win, {
          title: `Save ${file}`,
          defaultPath: join(app.getPath('documents'), file),
          filters: [{ name: extension === 'csv' ? 'CSV' : 'JSON lines', extensions: [extension] }],
        });
        if (choice.canceled || !choice.filePath) return false;
        const { exportsDir } = await engine.ready;
        await copyFile(join(exportsDir, exportId, file), choice.filePath);
        return true;
      };
      const stopSave = registerSaveExportIpc(ipcMain, saveExport);

      /** From the menu: runs an export in the engine, then saves the file where the user chooses. */
      const exportTo = async (scope: ExportScope, file: 'live_table.csv' | 'agg_table.csv') => {
        // Listen before asking: a small export can finish before startExport answers.
        const finished = new Map<string, ExportProgress>();
        let wanted: string | null = null;
        let resolveDone: (p: ExportProgress) => void = () => {};
        const done = new Promise<ExportProgress>((resolve) => {
          resolveDone = resolve;
        });
        const off = engine.on('exportProgress', (p) => {
          if (!p.finished) return;
          finished.set(p.exportId, p);
          if (p.exportId === wanted) resolveDone(p);
        });
        const { exportId } = (await engine.call('startExport', { scope })) as { exportId: string };
        wanted = exportId;
        const early = finished.get(exportId);
        if (early) resolveDone(early);
        const result = await done;
        off();
        if (result.error) {
          dialog.showErrorBox('Export failed', result.error);
          return;
        }
        await saveExport(exportId, file);
      };

      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          menuTemplate(
            {
              exportProfiles: () => void exportTo({ kind: 'all' }, 'live_table.csv'),
              exportStatistics: () => void exportTo({ kind: 'all' }, 'agg_table.csv'),
              toggleBooth: () => booth.toggle(),
              toggleFullScreen: () => win.setFullScreen(!win.isFullScreen()),
              reload: () => win.webContents.reload(),
              about: () =>
                void dialog.showMessageBox(win, {
                  type: 'info',
                  title: 'About Customer 360',
                  message: `Customer 360 Desktop ${app.getVersion()}`,
                  detail: `Data: ${dataDir}\nLogs: ${app.getPath('logs')}`,
                }),
              openDataFolder: () => void shell.openPath(dataDir),
              openLogs: () => void shell.openPath(app.getPath('logs')),
              quit: () => app.quit(),
            },
            process.platform === 'darwin',
          ),
        ),
      );

      await win.loadURL(APP_URL);
      log(`started; data in ${dataDir}`);

      app.on('window-all-closed', async () => {
        stopIpc();
        stopShell();
        stopSave();
        stopChoose();
        await engine.stop();
        app.quit();
      });
    })
    .catch(startupFailed);
}
