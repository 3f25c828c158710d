// The preload: exactly PreloadBridge (shared/ipc-contract.ts), through contextBridge; no raw
// ipcRenderer reaches the page. CommonJS (.cts), as sandboxed preloads must be, and a plain
// script: the sandbox gives it nothing but `require('electron')`, so the channel names are
// written here again, each typed by the contract's literal, and the bridge is checked against
// the contract's interface; a drift either way fails to compile.
const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');
type Contract = typeof import('../../shared/ipc-contract.js', { with: { 'resolution-mode': 'import' }});
type Bridge = import('../../shared/ipc-contract.js', { with: { 'resolution-mode': 'import' }}).PreloadBridge;
type ShellCommand = Parameters<Bridge['requestShell']>[0];

const CHANNELS: Contract['IPC'] = {
  call: 'c360:call',
  event: 'c360:event',
  shell: 'c360:shell',
  saveExport: 'c360:save-export',
  chooseFile: 'c360:choose-file',
};

const bridge: Bridge = {
  call: (method, params) => ipcRenderer.invoke(CHANNELS.call, method, params),
  on: (event, listener) => {
    const handler = (_e: Electron.IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(CHANNELS.event, handler);
    return () => ipcRenderer.removeListener(CHANNELS.event, handler);
  },
  requestShell: (command) => ipcRenderer.send(CHANNELS.shell, command),
  onShell: (listener) => {
    const handler = (_e: Electron.IpcRendererEvent, command: ShellCommand) => listener(command);
    ipcRenderer.on(CHANNELS.shell, handler);
    return () => ipcRenderer.removeListener(CHANNELS.shell, handler);
  },
  saveExport: (exportId, file) => ipcRenderer.invoke(CHANNELS.saveExport, exportId, file),
  chooseFile: (purpose) => ipcRenderer.invoke(CHANNELS.chooseFile, purpose),
};

contextBridge.exposeInMainWorld('c360', bridge);
