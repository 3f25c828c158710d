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
