import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * Where secrets (the SASL passwords of saved connections) are kept: never in the settings file.
 * The desktop app keeps them encrypted with Electron's safeStorage (the system keychain), in its
 * main process; the engine reaches that vault through its worker's messages. `c360 serve` and the
 * command line keep them in `secrets.json`, a file only its owner can read (0600).
 */
export interface SecretVault {
  /** How secrets are kept, in words for the Settings screen. */
  readonly description: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export const SECRETS_FILE = 'secrets.json';

const secretsSchema = z.record(z.string(), z.string());

/** The key a connection's SASL password is kept under. */
export const passwordKey = (connectionId: string) => `connection/${connectionId}/sasl-password`;

/** Secrets in a JSON file readable only by its owner; written to a 0600 temp file and renamed. */
export class FileVault implements SecretVault {
  readonly description = 'a file only you can read (secrets.json, mode 0600)';

  constructor(readonly path: string) {}

  static inDataDir(dataDir: string): FileVault {
    return new FileVault(join(dataDir, SECRETS_FILE));
  }

  async #read(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    // Someone widened its permissions: narrow them again before anything else reads it.
    if (((await stat(this.path)).mode & 0o077) !== 0) await chmod(this.path, 0o600);
    const parsed = secretsSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.path} is not a secrets file`);
    return new Map(Object.entries(parsed.data));
  }

  async #write(secrets: Map<string, string>): Promise<void> {
    const temp = join(dirname(this.path), `.${basename(this.path)}.tmp`);
    await writeFile(temp, JSON.stringify(Object.fromEntries(secrets)), { mode: 0o600 });
    await chmod(temp, 0o600); // an existing temp file keeps its old mode through writeFile
    await rename(temp, this.path);
  }

  async get(key: string): Promise<string | null> {
    return (await this.#read()).get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    const secrets = await this.#read();
    secrets.set(key, value);
    await this.#write(secrets);
  }

  async delete(key: string): Promise<void> {
    const secrets = await this.#read();
    if (secrets.delete(key)) await this.#write(secrets);
  }
}
