import type { ApiMethod, EngineEventName } from './engine-api.js';

/**
 * Every IPC channel between the Electron main process and the page, in one place: its name, its
 * direction, what it carries and what it answers. The main process imports the names; the
 * preload (a sandboxed script that cannot import at run time) declares its copies with these
 * types, so a name or a shape that drifts fails to compile; the renderer codes against
 * PreloadBridge, the object the preload exposes as `window.c360`.
 */

export const IPC = {
  /** invoke, page → main: an engine API call (method, params) → its result. */
  call: 'c360:call',
  /** send, main → page: a pushed engine event (name, payload). */
  event: 'c360:event',
  /** send, both ways: a shell command (booth mode, the data folder). */
  shell: 'c360:shell',
  /** invoke, page → main: save a finished export's file through a native dialog → saved? */
  saveExport: 'c360:save-export',
  /** invoke, page → main: choose a file with a native dialog → its path, or null. */
  chooseFile: 'c360:choose-file',
} as const;

export type IpcChannels = typeof IPC;

/** What the page may ask of the window, and what the window tells the page. */
export type ShellCommand = 'booth-on' | 'booth-off' | 'open-data-folder';
export const SHELL_COMMANDS: readonly ShellCommand[] = ['booth-on', 'booth-off', 'open-data-folder'];

/** Why a file is chosen: the dialog's title and filters follow. */
export type FilePurpose = 'tls-ca' | 'tls-cert' | 'tls-key';
export const FILE_PURPOSES: readonly FilePurpose[] = ['tls-ca', 'tls-cert', 'tls-key'];

/** The only files an export holds; the main side saves no other name. */
export const EXPORT_FILES = [
  'live_table.csv',
  'agg_table.csv',
  'quarantine.csv',
  'quarantine.jsonl',
] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

/** Arguments and answers of the invoke channels. */
export interface IpcInvoke {
  [IPC.call]: { args: [method: ApiMethod, params: unknown]; result: unknown };
  [IPC.saveExport]: { args: [exportId: string, file: ExportFile]; result: boolean };
  [IPC.chooseFile]: { args: [purpose: FilePurpose]; result: string | null };
}

/** Arguments of the send channels, by direction. */
export interface IpcToMain {
  [IPC.shell]: [command: ShellCommand];
}
export interface IpcToPage {
  [IPC.event]: [name: EngineEventName, payload: unknown];
  [IPC.shell]: [command: ShellCommand];
}

/** `window.c360` on the desktop: the engine API's transport and the window's own few commands. */
export interface PreloadBridge {
  call(method: ApiMethod, params: unknown): Promise<unknown>;
  on(event: EngineEventName, listener: (payload: unknown) => void): () => void;
  requestShell(command: ShellCommand): void;
  onShell(listener: (command: ShellCommand) => void): () => void;
  saveExport(exportId: string, file: ExportFile): Promise<boolean>;
  chooseFile(purpose: FilePurpose): Promise<string | null>;
}
