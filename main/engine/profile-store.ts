import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { z } from 'zod';
import { type EngineState, emptyEngineState } from './engine-state.js';
import { decodeState, encodeState, STORE_FORMAT, STORE_VERSION, type StoreData } from './store-codec.js';

/**
 * The store (DESIGN §7): one lowdb JSON file holding profiles, source offsets and the quarantine,
 * written whole as one checkpoint (temp file + rename), so offsets never run ahead of profiles.
 */

export const STORE_FILE = 'store.json';

/** Enough of the shape to tell a store from a damaged or foreign file; profiles are checked on decode. */
const storeShape = z.object({
  format: z.literal(STORE_FORMAT),
  version: z.literal(STORE_VERSION),
  profiles: z.array(
    z.object({ id: z.string(), tracks: z.array(z.string()), tod: z.array(z.number()).length(4) }).loose(),
  ),
  sources: z.object({ files: z.record(z.string(), z.unknown()), kafka: z.record(z.string(), z.string()) }),
  quarantine: z.object({
    total: z.number(),
    byReason: z.record(z.string(), z.number()),
    recent: z.array(z.unknown()),
  }),
});

export interface OpenedStore {
  store: ProfileStore;
  state: EngineState;
  /** Set when a damaged store was moved aside: what happened and where the old file is. */
  notice: string | null;
}

export interface CheckpointStats {
  ms: number;
  profiles: number;
}

export class ProfileStore {
  readonly path: string;
  readonly #db: Low<StoreData | null>;

  private constructor(readonly dataDir: string) {
    this.path = join(dataDir, STORE_FILE);
    // Compact JSON: lowdb's JSONFile pretty-prints, which triples the size of a large store.
    this.#db = new Low<StoreData | null>(
      new DataFile(this.path, { parse: JSON.parse, stringify: JSON.stringify }),
      null,
    );
  }

  static async open(dataDir: string): Promise<OpenedStore> {
    await mkdir(dataDir, { recursive: true });
    const store = new ProfileStore(dataDir);
    let problem: string | null = null;
    try {
      await store.#db.read();
      const data = store.#db.data;
      if (data === null) return { store, state: emptyEngineState(), notice: null };
      const shape = storeShape.safeParse(data);
      if (shape.success) return { store, state: decodeState(data), notice: null };
      problem = `not a Customer 360 store (${shape.error.issues[0]?.path.join('.') || 'root'}: ${shape.error.issues[0]?.message})`;
    } catch (error) {
      problem = (error as Error).message;
    }
    const aside = `${store.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(store.path, aside);
    store.#db.data = null;
    return {
      store,
      state: emptyEngineState(),
      notice: `The store ${store.path} could not be read (${problem}); it was moved to ${aside} and a new, empty store was started.`,
    };
  }

  /** Writes profiles, offsets and quarantine together; a crash leaves the previous checkpoint intact. */
  async checkpoint(state: EngineState): Promise<CheckpointStats> {
    const started = performance.now();
    this.#db.data = encodeState(state);
    await this.#db.write();
    this.#db.data = null; // the encoded copy is only needed for the write
    return { ms: performance.now() - started, profiles: state.profiles.size };
  }

  async sizeBytes(): Promise<number> {
    return (await stat(this.path).catch(() => ({ size: 0 }))).size;
  }
}
