// Where the Electron binary is, or null when the package was installed without it
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on machines that cannot download it).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
