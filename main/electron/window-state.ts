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
    // A file on disk is input: only finite numbers of a sane size reach the window.
    const s = JSON.parse(readFileSync(join(userData, FILE), 'utf8')) as Record<string, unknown>;
    const num = (n: unknown, min: number) =>
      typeof n === 'number' && Number.isFinite(n) && n >= min && n <= 100_000 ? n : undefined;
    const width = num(s.width, 400);
    const height = num(s.height, 300);
    if (width !== undefined && height !== undefined) {
      const x = num(s.x, -100_000);
      const y = num(s.y, -100_000);
      return {
        width,
        height,
        ...(x !== undefined && y !== undefined ? { x, y } : {}),
        maximized: s.maximized === true,
      };
    }
  } catch {
    // First run, or an unreadable file: the default size.
  }
  return { ...DEFAULT };
}

export function saveWindowState(userData: string, state: WindowState): void {
  writeFileSync(join(userData, FILE), JSON.stringify(state));
}
