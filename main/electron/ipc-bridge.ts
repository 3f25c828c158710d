import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { checkRequest, type EngineEventName, type EngineEvents } from '../../shared/engine-api.js';
import { isAppUrl } from './web-security.js';

/**
 * The engine API over Electron IPC: one channel for calls, one for pushed events. The main side
 * trusts nothing: the calling frame must be the app's own page, and method and arguments are
 * checked against the contract before the engine worker sees them.
 */

export const CALL_CHANNEL = 'c360:call';
export const EVENT_CHANNEL = 'c360:event';
export const SHELL_CHANNEL = 'c360:shell';
export const SAVE_EXPORT_CHANNEL = 'c360:save-export';

const EXPORT_ID = /^\d{8}T\d{6}-[0-9a-f]{6}$/;
const EXPORT_FILES = ['live_table.csv', 'agg_table.csv'];

/**
 * "Save…" for a finished export, from the app's page: the export id and file name must be ones the
 * engine makes, so a page can never name an arbitrary file; where it goes, the user picks.
 */
export function registerSaveExportIpc(
  ipcMain: IpcMain,
  save: (exportId: string, file: string) => Promise<boolean>,
): () => void {
  ipcMain.handle(SAVE_EXPORT_CHANNEL, (event, exportId: unknown, file: unknown) => {
    if (!isAppUrl(event.senderFrame?.url)) return Promise.reject(new Error('refused: not the app page'));
    if (typeof exportId !== 'string' || !EXPORT_ID.test(exportId))
      return Promise.reject(new Error('unknown export'));
    if (typeof file !== 'string' || !EXPORT_FILES.includes(file))
      return Promise.reject(new Error('unknown export file'));
    return save(exportId, file);
  });
  return () => ipcMain.removeHandler(SAVE_EXPORT_CHANNEL);
}

export interface EngineCaller {
  call(method: string, params: unknown): Promise<unknown>;
  on<E extends EngineEventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void;
}

export function handleEngineCall(
  engine: EngineCaller,
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  method: unknown,
  params: unknown,
): Promise<unknown> {
  const frameUrl = event.senderFrame?.url;
  if (!isAppUrl(frameUrl))
    return Promise.reject(new Error(`refused: call from ${frameUrl ?? 'an unknown frame'}`));
  const checked = checkRequest(method, params);
  if (!checked.ok) return Promise.reject(new Error(checked.reason));
  return engine.call(checked.method, checked.params);
}

export function registerEngineIpc(
  ipcMain: IpcMain,
  engine: EngineCaller,
  target: () => WebContents | null,
): () => void {
  ipcMain.handle(CALL_CHANNEL, (event, method: unknown, params: unknown) =>
    handleEngineCall(engine, event, method, params),
  );
  const events: EngineEventName[] = ['snapshot', 'status', 'quarantine', 'exportProgress'];
  const offs = events.map((name) =>
    engine.on(name, (payload) => {
      const contents = target();
      if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
    }),
  );
  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    for (const off of offs) off();
  };
}

/** Booth on/off asked by the page (Esc, the button); only from the app's own page. */
export function registerShellIpc(ipcMain: IpcMain, setBooth: (on: boolean) => void): () => void {
  const handler = (event: { senderFrame: { url: string } | null }, command: unknown) => {
    if (!isAppUrl(event.senderFrame?.url)) return;
    if (command === 'booth-on' || command === 'booth-off') setBooth(command === 'booth-on');
  };
  ipcMain.on(SHELL_CHANNEL, handler);
  return () => ipcMain.removeListener(SHELL_CHANNEL, handler);
}
