import type { MenuItemConstructorOptions } from 'electron';

/** What the menu can ask for; main wires each to the window, dialogs and engine. */
export interface MenuActions {
  exportProfiles(): void;
  exportStatistics(): void;
  toggleBooth(): void;
  toggleFullScreen(): void;
  reload(): void;
  about(): void;
  openDataFolder(): void;
  openLogs(): void;
  quit(): void;
}

export function menuTemplate(actions: MenuActions, isMac: boolean): MenuItemConstructorOptions[] {
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Export profiles…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportProfiles() },
        {
          label: 'Export statistics…',
          accelerator: 'CmdOrCtrl+Shift+E',
          click: () => actions.exportStatistics(),
        },
        { type: 'separator' },
        isMac
          ? { role: 'close' }
          : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Booth mode', accelerator: 'CmdOrCtrl+B', click: () => actions.toggleBooth() },
        {
          label: 'Full screen',
          accelerator: isMac ? 'Ctrl+Cmd+F' : 'F11',
          click: () => actions.toggleFullScreen(),
        },
        { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
      ],
    },
    {
      label: 'Help',
      submenu: [
        { label: 'About Customer 360', click: () => actions.about() },
        { label: 'Open data folder', click: () => actions.openDataFolder() },
        { label: 'Open logs', click: () => actions.openLogs() },
      ],
    },
  ];
}
