import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  checkRequest,
  ENGINE_EVENTS,
  type EngineEventName,
  type EngineEvents,
} from '../../shared/engine-api.js';
import {
  EXPORT_FILES,
  type ExportFile,
  FILE_PURPOSES,
  type FilePurpose,
  IPC,
  type IpcInvoke,
  type IpcToPage,
  SHELL_COMMANDS,
  type ShellCommand,
} from '../../shared/ipc-contract.js';
import { isAppUrl } from './web-security.js';

/**
 * The engine API over Electron IPC: one channel for calls, one for pushed events. The main side
 * trusts nothing: the calling frame must be the app's own page, and method and arguments are
 * checked against the contract before the engine worker sees them.
 */

const EXPORT_ID = /^\d{8}T\d{6}-[0-9a-f]{6}$/;

/** Sends on a main → page channel, with the contract's arguments. */
export function sendToPage<C extends keyof IpcToPage>(
  contents: WebContents,
  channel: C,
  ...args: IpcToPage[C]
): void {
  contents.send(channel, ...args);
}

type InvokeHandler<C extends keyof IpcInvoke> = (
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  ...args: unknown[]
) => Promise<IpcInvoke[C]['result']>;

/** Handles an invoke channel; whatever arrives is unchecked until the handler checks it. */
function handle<C extends keyof IpcInvoke>(
  ipcMain: IpcMain,
  channel: C,
  handler: InvokeHandler<C>,
): () => void {
  ipcMain.handle(channel, handler);
  return () => ipcMain.removeHandler(channel);
}

/**
 * "Save…" for a finished export, from the app's page: the export id and file name must be ones the
 * engine makes, so a page can never name an arbitrary file; where it goes, the user picks.
 */
export function registerSaveExportIpc(
  ipcMain: IpcMain,
  save: (exportId: string, file: ExportFile) => Promise<boolean>,
): () => void {
  return handle(ipcMain, IPC.saveExport, async (event, exportId, file) => {
    if (!isAppUrl(event.senderFrame?.url)) throw new Error('refused: not the app page');
    if (typeof exportId !== 'string' || !EXPORT_ID.test(exportId)) throw new Error('unknown export');
    if (typeof file !== 'string' || !(EXPORT_FILES as readonly string[]).includes(file))
      throw new Error('unknown export file');
    return save(exportId, file as ExportFile);
  });
}

/**
 * A file chosen with a native dialog (the TLS files of a connection), from the app's page: the
 * page names only what the file is for; the path is the user's choice, never the page's.
 */
export function registerChooseFileIpc(
  ipcMain: IpcMain,
  choose: (purpose: FilePurpose) => Promise<string | null>,
): () => void {
  return handle(ipcMain, IPC.chooseFile, async (event, purpose) => {
    if (!isAppUrl(event.senderFrame?.url)) throw new Error('refused: not the app page');
    if (!(FILE_PURPOSES as readonly unknown[]).includes(purpose)) throw new Error('unknown file purpose');
    return choose(purpose as FilePurpose);
  });
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
  const off = handle(ipcMain, IPC.call, (event, method, params) =>
    handleEngineCall(engine, event, method, params),
  );
  const offs = ENGINE_EVENTS.map((name) =>
    engine.on(name, (payload) => {
      const contents = target();
      if (contents && !contents.isDestroyed()) sendToPage(contents, IPC.event, name, payload);
    }),
  );
  return () => {
    off();
    for (const o of offs) o();
  };
}

/** Shell commands asked by the page (booth mode on and off, open the data folder); only from the app's own page. */
export function registerShellIpc(ipcMain: IpcMain, run: (command: ShellCommand) => void): () => void {
  const handler = (event: { senderFrame: { url: string } | null }, command: unknown) => {
    if (!isAppUrl(event.senderFrame?.url)) return;
    if ((SHELL_COMMANDS as readonly unknown[]).includes(command)) run(command as ShellCommand);
  };
  ipcMain.on(IPC.shell, handler);
  return () => ipcMain.removeListener(IPC.shell, handler);
}
