import type { SafeStorage } from 'electron';
import type { FileVault, SecretVault } from '../engine/settings/secret-vault.js';

/**
 * The desktop's secret vault: each secret encrypted with Electron's safeStorage (the system
 * keychain: Keychain on macOS, DPAPI on Windows, the Secret Service or KWallet on Linux), and only
 * the ciphertext written, to `secrets.json` (itself 0600). Where no keychain is available (a
 * Linux without one, where safeStorage would fall back to a fixed key), secrets are kept in the
 * 0600 file as `c360 serve` keeps them, and the Settings screen says so.
 */
export class SafeStorageVault implements SecretVault {
  readonly description: string;
  readonly #file: FileVault;
  readonly #encrypted: boolean;

  constructor(
    readonly safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
      getSelectedStorageBackend?: () => string;
    },
    file: FileVault,
    platform: NodeJS.Platform = process.platform,
  ) {
    this.#file = file;
    const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
    this.#encrypted =
      safeStorage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown';
    this.description = this.#encrypted
      ? 'the system keychain (Electron safeStorage); only ciphertext is written to disk'
      : `no system keychain was found, so ${file.description}`;
  }

  async get(key: string): Promise<string | null> {
    const stored = await this.#file.get(key);
    if (stored === null || !this.#encrypted) return stored;
    return this.safeStorage.decryptString(Buffer.from(stored, 'base64'));
  }

  async set(key: string, value: string): Promise<void> {
    await this.#file.set(
      key,
      this.#encrypted ? this.safeStorage.encryptString(value).toString('base64') : value,
    );
  }

  async delete(key: string): Promise<void> {
    await this.#file.delete(key);
  }
}
