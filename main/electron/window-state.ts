import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rectangle } from 'electron';

/** Window size and place, remembered in the userData folder between runs. */

const FILE = 'window-state.json';
const DEFAULT = { width: 1440, height: 900 };

export interface WindowState extends Partial<Rectangle> {
  maximized?: boolean;
}

export function loadWindowState(userData: string): WindowState {
  try {
    const s = JSON.parse(readFileSync(join(userData, FILE), 'utf8')) as WindowState;
    const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
    if (ok(s.width) && ok(s.height) && (s.width as number) >= 400 && (s.height as number) >= 300) return s;
  } catch {
    // First run, or an unreadable file: the default size.
  }
  return { ...DEFAULT };
}

export function saveWindowState(userData: string, state: WindowState): void {
  writeFileSync(join(userData, FILE), JSON.stringify(state));
}
