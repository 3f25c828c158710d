import type { BrowserWindow, PowerMonitor, PowerSaveBlocker } from 'electron';
import { IPC } from '../../shared/ipc-contract.js';
import { sendToPage } from './ipc-bridge.js';

/**
 * Booth mode on the desktop: kiosk (full screen, no way out but Esc or the menu), the display
 * kept awake, and kiosk re-asserted after the machine wakes or unlocks, so a booth screen
 * survives a night of display sleep. The renderer is told, so it hides controls and cycles views.
 */
export class BoothMode {
  #blocker: number | null = null;
  #on = false;

  constructor(
    readonly window: BrowserWindow,
    readonly power: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>,
    monitor: Pick<PowerMonitor, 'on'>,
  ) {
    const reassert = () => {
      if (this.#on && !window.isDestroyed()) {
        window.setKiosk(true);
        window.focus();
      }
    };
    monitor.on('resume', reassert);
    monitor.on('unlock-screen', reassert);
  }

  get on(): boolean {
    return this.#on;
  }

  set(on: boolean): void {
    this.#on = on;
    this.window.setKiosk(on);
    if (on && (this.#blocker === null || !this.power.isStarted(this.#blocker))) {
      this.#blocker = this.power.start('prevent-display-sleep');
    } else if (!on && this.#blocker !== null) {
      this.power.stop(this.#blocker);
      this.#blocker = null;
    }
    sendToPage(this.window.webContents, IPC.shell, on ? 'booth-on' : 'booth-off');
  }

  toggle(): void {
    this.set(!this.#on);
  }
}
