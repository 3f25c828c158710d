// The preload: exactly the engine API, through contextBridge; no raw ipcRenderer reaches the page.
// CommonJS (.cts), as sandboxed preloads must be.
// A plain script (no import/export), so nothing but `require` is asked of the sandbox.
const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');
type IpcRendererEvent = Electron.IpcRendererEvent;

const CALL_CHANNEL = 'c360:call';
const EVENT_CHANNEL = 'c360:event';
const SHELL_CHANNEL = 'c360:shell';
const SAVE_EXPORT_CHANNEL = 'c360:save-export';

type Listener = (payload: unknown) => void;

contextBridge.exposeInMainWorld('c360', {
  call: (method: string, params: unknown) => ipcRenderer.invoke(CALL_CHANNEL, method, params),
  on: (event: string, listener: Listener) => {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
  saveExport: (exportId: string, file: string) => ipcRenderer.invoke(SAVE_EXPORT_CHANNEL, exportId, file),
  requestShell: (command: 'booth-on' | 'booth-off') => ipcRenderer.send(SHELL_CHANNEL, command),
  onShell: (listener: (command: string) => void) => {
    const handler = (_e: IpcRendererEvent, command: string) => listener(command);
    ipcRenderer.on(SHELL_CHANNEL, handler);
    return () => ipcRenderer.removeListener(SHELL_CHANNEL, handler);
  },
});
