import { type FileHandle, mkdir, open as openFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { dict } from '../../../shared/dict.js';
import { type EngineState, emptyEngineState, newStoreId, type SourceProgress } from '../engine-state.js';
import type { QuarantineState } from '../ingest/quarantine.js';
import type { Profile } from '../profile/profile.js';
import { ProfileTotals, type StoreSummary } from '../read/profile-totals.js';
import { WindowedCounts } from '../read/windows.js';
import { UserError } from '../user-error.js';
import { decodeProfile, STORE_FORMAT, STORE_VERSION } from './store-codec.js';
import { StoreDamage } from './store-damage.js';
import { headerOfFirstLine, StoreFileAdapter, type StoreImage } from './store-file.js';
import type { StoreSnapshot } from './store-snapshot.js';

/**
 * The store (DESIGN §7): one lowdb JSON file holding profiles, source offsets and the quarantine,
 * written whole as one checkpoint (temp file + rename), so offsets never run ahead of profiles.
 */

export const STORE_FILE = 'store.json';

const kafkaKey = /^.+:\d+$/;
const isoTime = z.string().max(40);

/**
 * Everything but the profiles, checked whole: offsets, file positions and quarantined records are
 * used as they are read (to seek, to skip lines, to show), so none is taken on trust.
 */
const savedBuckets = z
  .array(
    z.tuple([
      z.number().int(),
      z.number().int().nonnegative(),
      z.number().int().nonnegative(),
      z.number().int().nonnegative(),
      z.number().int().nonnegative(),
      z
        .array(z.number().int().nonnegative())
        .refine(
          (cells) => cells.length % 2 === 0 && cells.every((c, i) => i % 2 === 1 || c < 168),
          'not cell, count pairs',
        ),
    ]),
  )
  .max(1440);

const headerShape = z.object({
  format: z.literal(STORE_FORMAT),
  version: z.literal(STORE_VERSION),
  storeId: z
    .string()
    .regex(/^[0-9a-f]{1,32}$/)
    .optional(),
  savedAt: isoTime.optional(),
  origin: z
    .union([
      z.object({ kind: z.literal('demo') }).strict(),
      z
        .object({ kind: z.literal('kafka'), clusterId: z.string().max(200), brokers: z.string().max(2000) })
        .strict(),
    ])
    .nullable()
    .optional(),
  sources: z.object({
    files: z.record(
      z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256'),
      z.object({
        path: z.string(),
        bytes: z.number().int().nonnegative(),
        records: z.number().int().nonnegative(),
        complete: z.boolean(),
        startedAt: isoTime,
        completedAt: isoTime.nullable(),
      }),
    ),
    kafka: z.record(
      z.string().regex(kafkaKey, 'not topic:partition'),
      z.string().regex(/^\d{1,19}$/, 'not an offset'),
    ),
  }),
  windows: z
    .object({ clock: z.number().finite(), minutes: savedBuckets, hours: savedBuckets })
    .strict()
    .optional(),
  timelineBatch: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 48 - 1)
    .optional(),
  summary: z
    .object({
      customers: z.number().int().nonnegative(),
      threshold: z.number().min(0).max(1),
      atRisk: z.number().int().nonnegative(),
      buckets: z
        .object({
          morning: z.number().int().nonnegative(),
          afternoon: z.number().int().nonnegative(),
          evening: z.number().int().nonnegative(),
          night: z.number().int().nonnegative(),
        })
        .strict(),
    })
    .strict()
    .optional(),
  quarantine: z.object({
    total: z.number().int().nonnegative(),
    byReason: z.record(z.string(), z.number().int().nonnegative()),
    recent: z.array(
      z.object({
        origin: z.union([
          z.object({ file: z.string(), line: z.number().int().nonnegative() }).strict(),
          z
            .object({ topic: z.string(), partition: z.number().int().nonnegative(), offset: z.string() })
            .strict(),
          z.object({ demo: z.literal(true), seq: z.number().int().nonnegative() }).strict(),
        ]),
        reason: z.string(),
        raw: z.string(),
        at: isoTime,
        deadLetter: z
          .object({ topic: z.string(), partition: z.number().int().nonnegative(), offset: z.string() })
          .strict()
          .optional(),
      }),
    ),
  }),
});

export interface OpenedStore {
  store: ProfileStore;
  state: EngineState;
  /** Set when a damaged store was moved aside: what happened and where the old file is. */
  notice: string | null;
  /** How long reading the file took: until a checkpoint is timed, what one is expected to take. */
  readMs: number;
}

export interface CheckpointStats {
  /** Wall time from the snapshot to the renamed file; ingest goes on during most of it. */
  ms: number;
  profiles: number;
  /** The source positions this checkpoint holds (what a Kafka source may commit). */
  sources: SourceProgress;
}

/**
 * What a store's first line says of it, read without its profiles: what a window can show while
 * the rest is read (a million profiles take many seconds).
 */
export interface StoreGlance {
  summary: StoreSummary;
  windows: WindowedCounts;
  quarantine: QuarantineState;
}

/** The header's windows and quarantine as the engine holds them: for the full read and the glance alike. */
function windowsAndQuarantine({
  windows,
  quarantine,
}: z.infer<typeof headerShape>): Pick<EngineState, 'windows' | 'quarantine'> {
  return {
    windows: windows ? WindowedCounts.fromJSON(windows) : new WindowedCounts(),
    quarantine: { total: quarantine.total, byReason: dict(quarantine.byReason), recent: quarantine.recent },
  };
}

/** The header is the file's first line; a longer one is not a header this program wrote. */
const GLANCE_LIMIT = 64 << 20;

export class ProfileStore {
  readonly path: string;
  readonly #db: Low<StoreImage | null>;

  private constructor(readonly dataDir: string) {
    this.path = join(dataDir, STORE_FILE);
    this.#db = new Low<StoreImage | null>(new StoreFileAdapter(this.path), null);
  }

  /** `riskThreshold`: what the totals count as at risk (else the last checkpoint's, else the default). */
  static async open(dataDir: string, riskThreshold?: number): Promise<OpenedStore> {
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UserError(`cannot use the data folder ${dataDir} (${code}); choose another one`);
    }
    const store = new ProfileStore(dataDir);
    let problem: string;
    const started = performance.now();
    try {
      const state = await store.#read(riskThreshold);
      const readMs = performance.now() - started;
      return { store, state: state ?? emptyEngineState(riskThreshold), notice: null, readMs };
    } catch (error) {
      if (!(error instanceof StoreDamage) && !(error instanceof SyntaxError)) throw error;
      problem = error.message;
    }
    // Never overwritten, never half-trusted: the file goes aside whole, and a new store starts.
    const aside = `${store.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(store.path, aside);
    store.#db.data = null;
    return {
      store,
      state: emptyEngineState(riskThreshold),
      notice: `The store ${store.path} could not be read (${problem}); it was moved to ${aside} and a new, empty store was started.`,
      readMs: 0,
    };
  }

  /**
   * The header's figures, or null: no store, no summary (older stores, or a checkpoint of lent
   * profiles), or anything amiss, which the full read will find and report. Never trusted beyond
   * the first frames: the full read replaces them.
   */
  static async glance(dataDir: string): Promise<StoreGlance | null> {
    let file: FileHandle | null = null;
    try {
      file = await openFile(join(dataDir, STORE_FILE), 'r');
      const chunks: Buffer[] = [];
      let length = 0;
      for (;;) {
        const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(1 << 20) });
        if (bytesRead === 0 || length + bytesRead > GLANCE_LIMIT) return null;
        const nl = buffer.subarray(0, bytesRead).indexOf(10);
        chunks.push(buffer.subarray(0, nl === -1 ? bytesRead : nl));
        length += bytesRead;
        if (nl !== -1) break;
      }
      const text = headerOfFirstLine(Buffer.concat(chunks).toString('utf8'));
      if (text === null) return null;
      const header = headerShape.safeParse(JSON.parse(text));
      if (!header.success || !header.data.summary) return null;
      return { summary: header.data.summary, ...windowsAndQuarantine(header.data) };
    } catch {
      return null;
    } finally {
      await file?.close();
    }
  }

  /** The state the file holds; null when there is no file. Throws StoreDamage for anything else. */
  async #read(riskThreshold: number | undefined): Promise<EngineState | null> {
    const size = await stat(this.path).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) return null;
    if (size === 0)
      throw new StoreDamage(
        'the file is empty (0 bytes), as a write cut short by a full disk or a crash leaves it',
      );
    await this.#db.read();
    const image = this.#db.data;
    this.#db.data = null;
    if (image === null) throw new StoreDamage('the file holds only blank lines');
    const header = headerShape.safeParse(JSON.parse(image.header));
    if (!header.success) {
      const issue = header.error.issues[0];
      throw new StoreDamage(
        `not a Customer 360 store (${issue?.path.join('.') || 'root'}: ${issue?.message})`,
      );
    }
    const profiles = new Map<string, Profile>();
    const { storeId, origin, sources, timelineBatch, summary } = header.data;
    // Counted with the threshold the last checkpoint used (the settings' threshold, in `serve`).
    const totals = new ProfileTotals(riskThreshold ?? summary?.threshold);
    for await (const lines of image.profiles)
      for (const line of lines) {
        const p = decodeProfile(JSON.parse(line));
        if (profiles.has(p.customerId)) throw new StoreDamage(`customer ${p.customerId} has two profiles`);
        profiles.set(p.customerId, p);
        totals.add(p);
      }
    return {
      ...windowsAndQuarantine(header.data),
      storeId: storeId ?? newStoreId(),
      origin: origin ?? null,
      profiles,
      sources: { files: dict(sources.files), kafka: dict(sources.kafka) },
      timelineBatch: timelineBatch ?? 0,
      totals,
    };
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
