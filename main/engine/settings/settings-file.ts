import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { DEFAULT_CHURN_THRESHOLD } from '../../../shared/profile-columns.js';
import {
  type BoothSettings,
  boothSettingsSchema,
  DEFAULT_BOOTH,
  DEMO_CONNECTION_ID,
  type KafkaConnection,
  kafkaConnectionObject,
  withProfilesTopic,
} from '../../../shared/settings.js';
import { UserError } from '../user-error.js';

/**
 * The settings file, `settings.json` in the data folder: a lowdb document holding the churn
 * threshold, the booth options, the saved Kafka connections (without their passwords: those are
 * in the secret vault) and which connection is in use. It survives restarts; it is read as input
 * (checked whole; a file that fails is moved aside with a message, like a damaged store).
 */

export const SETTINGS_FILE = 'settings.json';

const savedConnectionSchema = withProfilesTopic(
  kafkaConnectionObject.extend({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  }),
);
export type SavedConnection = z.infer<typeof savedConnectionSchema>;

const storedSchema = z
  .object({
    version: z.literal(1),
    churnThreshold: z.number().min(0).max(1),
    booth: boothSettingsSchema,
    connections: z.array(savedConnectionSchema).max(100),
    /** The connection to use at start: the demo or a saved one's id. */
    active: z.string(),
  })
  .strict();
export type StoredSettings = z.infer<typeof storedSchema>;

function defaults(): StoredSettings {
  return {
    version: 1,
    churnThreshold: DEFAULT_CHURN_THRESHOLD,
    booth: { ...DEFAULT_BOOTH },
    connections: [],
    active: DEMO_CONNECTION_ID,
  };
}

export class SettingsFile {
  readonly path: string;
  readonly #db: Low<StoredSettings>;

  private constructor(dataDir: string) {
    this.path = join(dataDir, SETTINGS_FILE);
    this.#db = new Low<StoredSettings>(new JSONFile<StoredSettings>(this.path), defaults());
  }

  /** Opens (or starts) the settings file; `notice` says when a damaged one was moved aside. */
  static async open(dataDir: string): Promise<{ settings: SettingsFile; notice: string | null }> {
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UserError(`cannot use the data folder ${dataDir} (${code}); choose another one`);
    }
    const settings = new SettingsFile(dataDir);
    let problem: string | null = null;
    try {
      await settings.#db.read();
      const checked = storedSchema.safeParse(settings.#db.data);
      if (checked.success) {
        settings.#db.data = checked.data;
        if (!checked.data.connections.some((c) => c.id === checked.data.active))
          settings.#db.data.active = DEMO_CONNECTION_ID;
        return { settings, notice: null };
      }
      const issue = checked.error.issues[0];
      problem = `${issue?.path.join('.') || 'the file'}: ${issue?.message}`;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      problem = `not JSON (${error.message})`;
    }
    const aside = `${settings.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(settings.path, aside);
    settings.#db.data = defaults();
    return {
      settings,
      notice: `The settings file ${settings.path} could not be read (${problem}); it was moved to ${aside} and the defaults are used.`,
    };
  }

  get data(): Readonly<StoredSettings> {
    return this.#db.data;
  }

  get churnThreshold(): number {
    return this.#db.data.churnThreshold;
  }

  get booth(): BoothSettings {
    return this.#db.data.booth;
  }

  connection(id: string): SavedConnection | undefined {
    return this.#db.data.connections.find((c) => c.id === id);
  }

  /** Changes the settings and writes the file (atomically: steno's temp file and rename). */
  async update(change: (s: StoredSettings) => void): Promise<void> {
    const next = structuredClone(this.#db.data);
    change(next);
    this.#db.data = storedSchema.parse(next);
    await this.#db.write();
  }

  /** Saves a new or changed connection; returns it with its id. */
  async saveConnection(connection: KafkaConnection): Promise<SavedConnection> {
    const existing = connection.id ? this.connection(connection.id) : undefined;
    const id =
      existing?.id ?? newConnectionId(connection.name, new Set(this.#db.data.connections.map((c) => c.id)));
    const saved: SavedConnection = { ...connection, id };
    await this.update((s) => {
      const at = s.connections.findIndex((c) => c.id === id);
      if (at === -1) s.connections.push(saved);
      else s.connections[at] = saved;
    });
    return saved;
  }

  async deleteConnection(id: string): Promise<void> {
    await this.update((s) => {
      s.connections = s.connections.filter((c) => c.id !== id);
      if (s.active === id) s.active = DEMO_CONNECTION_ID;
    });
  }

  async sizeBytes(): Promise<number> {
    return (await stat(this.path).catch(() => ({ size: 0 }))).size;
  }
}

/** A readable, unique, file-name-safe id: `prod-cluster`, `prod-cluster-2f3a`. */
function newConnectionId(name: string, taken: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'kafka';
  const id = base === DEMO_CONNECTION_ID ? 'demo-kafka' : base;
  if (!taken.has(id)) return id;
  for (;;) {
    const candidate = `${id}-${randomBytes(2).toString('hex')}`;
    if (!taken.has(candidate)) return candidate;
  }
}
