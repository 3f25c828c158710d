import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { type EngineState, emptyEngineState, newStoreId, type SourceProgress } from './engine-state.js';
import type { Profile } from './profile.js';
import { decodeProfile, STORE_FORMAT, STORE_VERSION, type StoredProfile } from './store-codec.js';
import { StoreFileAdapter, type StoreImage } from './store-file.js';
import { StoreSnapshot } from './store-snapshot.js';

/**
 * The store (DESIGN §7): one lowdb JSON file holding profiles, source offsets and the quarantine,
 * written whole as one checkpoint (temp file + rename), so offsets never run ahead of profiles.
 */

export const STORE_FILE = 'store.json';

/** Enough of the shape to tell a store from a damaged or foreign file. */
const headerShape = z.object({
  format: z.literal(STORE_FORMAT),
  version: z.literal(STORE_VERSION),
  storeId: z.string().optional(),
  sources: z.object({ files: z.record(z.string(), z.unknown()), kafka: z.record(z.string(), z.string()) }),
  quarantine: z.object({
    total: z.number(),
    byReason: z.record(z.string(), z.number()),
    recent: z.array(z.unknown()),
  }),
});

/** The same check for each profile, by hand: zod over a million profiles took seconds at start-up. */
function checkedProfile(value: unknown): StoredProfile {
  const s = value as Partial<StoredProfile> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.id !== 'string' ||
    !Array.isArray(s.tracks) ||
    !Array.isArray(s.tod) ||
    s.tod.length !== 4 ||
    !Array.isArray(s.dayHour) ||
    !Array.isArray(s.churnHistory)
  )
    throw new Error('a profile is not in the store format');
  return s as StoredProfile;
}

export interface OpenedStore {
  store: ProfileStore;
  state: EngineState;
  /** Set when a damaged store was moved aside: what happened and where the old file is. */
  notice: string | null;
}

export interface CheckpointStats {
  /** Wall time from the snapshot to the renamed file; ingest goes on during most of it. */
  ms: number;
  profiles: number;
  /** The source positions this checkpoint holds (what a Kafka source may commit). */
  sources: SourceProgress;
}

export class ProfileStore {
  readonly path: string;
  readonly #db: Low<StoreImage | null>;

  private constructor(readonly dataDir: string) {
    this.path = join(dataDir, STORE_FILE);
    this.#db = new Low<StoreImage | null>(new StoreFileAdapter(this.path), null);
  }

  static async open(dataDir: string): Promise<OpenedStore> {
    await mkdir(dataDir, { recursive: true });
    const store = new ProfileStore(dataDir);
    let problem: string | null = null;
    try {
      await store.#db.read();
      const image = store.#db.data;
      store.#db.data = null;
      if (image === null) return { store, state: emptyEngineState(), notice: null };
      const header = headerShape.safeParse(JSON.parse(image.header));
      if (header.success) {
        const profiles = new Map<string, Profile>();
        for await (const lines of image.profiles)
          for (const line of lines) {
            const p = decodeProfile(checkedProfile(JSON.parse(line)));
            profiles.set(p.customerId, p);
          }
        const { storeId, sources, quarantine } = header.data;
        const state = {
          storeId: storeId ?? newStoreId(),
          profiles,
          sources: sources as SourceProgress,
          quarantine: quarantine as EngineState['quarantine'],
        };
        return { store, state, notice: null };
      }
      problem = `not a Customer 360 store (${header.error.issues[0]?.path.join('.') || 'root'}: ${header.error.issues[0]?.message})`;
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
    return this.write(new StoreSnapshot(state));
  }

  /** Writes a snapshot taken earlier; the state may change meanwhile (see StoreSnapshot). */
  async write(snapshot: StoreSnapshot): Promise<CheckpointStats> {
    const started = performance.now();
    this.#db.data = { header: snapshot.header, profiles: snapshot.encoded() };
    try {
      await this.#db.write();
    } finally {
      this.#db.data = null; // the image is only needed for the write
    }
    return { ms: performance.now() - started, profiles: snapshot.profileCount, sources: snapshot.sources };
  }

  async sizeBytes(): Promise<number> {
    return (await stat(this.path).catch(() => ({ size: 0 }))).size;
  }
}
