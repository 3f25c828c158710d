import { type FileHandle, mkdir, open as openFile, rename, rm, stat } from 'node:fs/promises';
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
import {
  appendEntry,
  generationShape,
  JOURNAL_FILE,
  lastClose,
  newGeneration,
  readJournal,
} from './store-journal.js';
import type { StoreSnapshot } from './store-snapshot.js';

/**
 * The store (DESIGN §7): one lowdb JSON file holding profiles, source offsets and the quarantine,
 * written whole as one checkpoint (temp file + rename), so offsets never run ahead of profiles;
 * between whole writes, a checkpoint that changed few profiles appends them to `store.changes`
 * instead (store-journal.ts), with the offsets in the same closing line.
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
  /** Names this whole write, for the changes appended after it (store-journal.ts). */
  generation: generationShape.optional(),
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
    /** In an appended checkpoint: the last checkpoint's total, and how many recent records to keep. */
    since: z.number().int().nonnegative().optional(),
    kept: z.number().int().nonnegative().optional(),
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
  /** The profiles written: all of them, or those changed since the last checkpoint. */
  profiles: number;
  /** Whether only the changes were written (appended to store.changes). */
  changesOnly: boolean;
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

/**
 * Changes are appended while they stay under this share of the whole store's size; then the next
 * checkpoint writes the store whole again. Writing costs at most 1 + 1/share times the changes
 * (each whole write pays for the appends before it), and a read at most 1 + share times the store.
 */
const CHANGES_SHARE = 0.5;

/** `header` as the whole write's first line, with its generation (a JSON object's text). */
function withGeneration(header: string, generation: string): string {
  return `{"generation":${JSON.stringify(generation)}${header === '{}' ? '' : ','}${header.slice(1)}`;
}

function checkedHeader(value: unknown): z.infer<typeof headerShape> {
  const header = headerShape.safeParse(value);
  if (header.success) return header.data;
  const issue = header.error.issues[0];
  throw new StoreDamage(`not a Customer 360 store (${issue?.path.join('.') || 'root'}: ${issue?.message})`);
}

export class ProfileStore {
  readonly path: string;
  /** The changes since the last whole write (store-journal.ts). */
  readonly changesPath: string;
  readonly #db: Low<StoreImage | null>;
  /** The whole write the changes build on; null until this program wrote or read one with a name. */
  #generation: string | null = null;
  #wholeBytes = 0;
  #wholeProfiles = 0;
  /** Where the last whole entry of the changes ends: the next is appended there. */
  #changesBytes = 0;
  /** Whether store.changes may exist (even stale, or only a write cut short): a whole write deletes it. */
  #changesOnDisk = false;
  /** The quarantine's total in the checkpoint on disk, whole or appended; null when not known. */
  #quarantineTotal: number | null = null;

  private constructor(readonly dataDir: string) {
    this.path = join(dataDir, STORE_FILE);
    this.changesPath = join(dataDir, JOURNAL_FILE);
    this.#db = new Low<StoreImage | null>(new StoreFileAdapter(this.path), null);
  }

  /**
   * `riskThreshold`: what the totals count as at risk (else the last checkpoint's, else the default).
   * `readOnly`: for a reader beside the store's writer (`c360 export`), which may be writing it
   * right now: damage is thrown, and the files stay where they are for their owner to judge.
   */
  static async open(
    dataDir: string,
    riskThreshold?: number,
    { readOnly = false } = {},
  ): Promise<OpenedStore> {
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
    if (readOnly)
      throw new UserError(`the store ${store.path} could not be read (${problem}); nothing was changed`);
    // Never overwritten, never half-trusted: the file goes aside whole, and a new store starts.
    // Its changes go with it: they mean nothing without it.
    const time = new Date().toISOString().replace(/[:.]/g, '-');
    const aside = `${store.path}.damaged-${time}`;
    await rename(store.path, aside);
    const changesAside = `${store.changesPath}.damaged-${time}`;
    const movedChanges = await rename(store.changesPath, changesAside).then(
      () => true,
      () => false,
    );
    store.#db.data = null;
    store.#generation = null;
    store.#changesBytes = 0;
    store.#changesOnDisk = false;
    return {
      store,
      state: emptyEngineState(riskThreshold),
      notice: `The store ${store.path} could not be read (${problem}); it was moved to ${aside}${movedChanges ? ` (its changes to ${changesAside})` : ''} and a new, empty store was started.`,
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
      let header = headerShape.safeParse(JSON.parse(text));
      if (!header.success) return null;
      // The latest checkpoint may be in the changes: its closing line has the header then.
      const changes = await stat(join(dataDir, JOURNAL_FILE)).then(
        (s) => s.size,
        () => 0,
      );
      if (changes > 0 && header.data.generation !== undefined) {
        const close = await lastClose(join(dataDir, JOURNAL_FILE), GLANCE_LIMIT);
        if (close === null) return null;
        const whole = header.data;
        if (close.base === whole.generation) header = headerShape.safeParse(close.checkpoint);
        if (!header.success) return null;
        // Its recent quarantined records are those since the checkpoint before: shown after the
        // whole write's, those of the checkpoints between come with the full read.
        const q = header.data.quarantine;
        if (q.since !== undefined) q.recent = [...whole.quarantine.recent, ...q.recent].slice(-(q.kept ?? 0));
      }
      if (!header.data.summary) return null;
      return { summary: header.data.summary, ...windowsAndQuarantine(header.data) };
    } catch {
      return null;
    } finally {
      await file?.close();
    }
  }

  /** The state the files hold; null when there is no store. Throws StoreDamage for anything else. */
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
    let header = checkedHeader(JSON.parse(image.header));
    if (header.quarantine.since !== undefined)
      throw new StoreDamage("the quarantine in store.json's first line builds on a checkpoint before it");
    const profiles = new Map<string, Profile>();
    // Counted with the threshold the last checkpoint used (the settings' threshold, in `serve`).
    const totals = new ProfileTotals(riskThreshold ?? header.summary?.threshold);
    for await (const lines of image.profiles)
      for (const line of lines) {
        const p = decodeProfile(JSON.parse(line));
        if (profiles.has(p.customerId)) throw new StoreDamage(`customer ${p.customerId} has two profiles`);
        profiles.set(p.customerId, p);
        totals.add(p);
      }
    this.#wholeBytes = size;
    this.#wholeProfiles = profiles.size;
    this.#generation = header.generation ?? null;
    this.#changesBytes = 0;
    const changes = await stat(this.changesPath).catch(() => null);
    // A pipe would hold the read up for ever: anything but a file there is not this program's.
    if (changes && !changes.isFile()) throw new StoreDamage('store.changes is not a file');
    this.#changesOnDisk = changes !== null;
    // Changes apply only to the whole write they name (an older program's store names none).
    if (this.#generation !== null) header = await this.#readChanges(header, profiles, totals);
    this.#quarantineTotal = header.quarantine.total;
    if (riskThreshold === undefined && header.summary && header.summary.threshold !== totals.threshold)
      totals.recount(profiles.values(), header.summary.threshold);
    const { storeId, origin, sources, timelineBatch } = header;
    return {
      ...windowsAndQuarantine(header),
      storeId: storeId ?? newStoreId(),
      origin: origin ?? null,
      profiles,
      sources: { files: dict(sources.files), kafka: dict(sources.kafka) },
      timelineBatch: timelineBatch ?? 0,
      totals,
    };
  }

  /**
   * Applies the changes appended after the whole write, checkpoint by checkpoint; returns the last
   * checkpoint's header (the whole write's when there are none).
   */
  async #readChanges(
    whole: z.infer<typeof headerShape>,
    profiles: Map<string, Profile>,
    totals: ProfileTotals,
  ): Promise<z.infer<typeof headerShape>> {
    let last: z.infer<typeof headerShape> | null = null;
    let { total, recent } = whole.quarantine;
    let staged = new Map<string, Profile>();
    // Damage in lines no closing line follows is not the store's: they are a write cut short.
    let damage: Error | null = null;
    for await (const part of readJournal(this.changesPath)) {
      if (part.lines) {
        for (const line of part.lines) {
          if (damage) break;
          try {
            const p = decodeProfile(JSON.parse(line));
            if (staged.has(p.customerId))
              throw new StoreDamage(
                `customer ${p.customerId} has two profiles in one checkpoint of store.changes`,
              );
            staged.set(p.customerId, p);
          } catch (error) {
            damage = error as Error;
          }
        }
        continue;
      }
      if (damage) throw damage;
      const { close, end } = part;
      if (close.base !== this.#generation) {
        // Left by a crash between a whole write and deleting the changes it took in.
        if (this.#changesBytes === 0) break;
        throw new StoreDamage('store.changes holds checkpoints of two different whole stores');
      }
      if (close.profiles !== staged.size)
        throw new StoreDamage(
          `a checkpoint in store.changes says ${close.profiles} profiles and holds ${staged.size}`,
        );
      for (const p of staged.values()) {
        const old = profiles.get(p.customerId);
        if (old) totals.remove(old);
        profiles.set(p.customerId, p);
        totals.add(p);
      }
      for (const id of close.removed) {
        const old = profiles.get(id);
        if (old) totals.remove(old);
        profiles.delete(id);
      }
      staged = new Map();
      last = checkedHeader(close.checkpoint);
      const q = last.quarantine;
      if (q.since === undefined) recent = q.recent;
      else if (q.since !== total || q.kept === undefined || q.recent.length > q.kept)
        throw new StoreDamage(
          `a checkpoint in store.changes adds to a quarantine of ${q.since} records; the one before holds ${total}`,
        );
      else recent = [...recent, ...q.recent].slice(-q.kept);
      total = q.total;
      this.#changesBytes = end;
    }
    // Profiles after the last closing line were a checkpoint cut short: never counted.
    if (last === null) return whole;
    const { since: _, kept: __, ...counts } = last.quarantine;
    return { ...last, quarantine: { ...counts, recent } };
  }

  /**
   * Whether a checkpoint of `changed` profiles (of `customers`) and a header of `headerBytes`
   * should append them rather than write the store whole: while the changes stay under
   * CHANGES_SHARE of the whole store.
   */
  appendable(changed: number, customers: number, headerBytes: number): boolean {
    if (this.#generation === null || this.#wholeProfiles === 0 || changed > customers) return false;
    // Every entry repeats the header (the quarantine's recent records make it up to megabytes).
    const estimate = headerBytes + (changed * this.#wholeBytes) / this.#wholeProfiles;
    return this.#changesBytes + estimate <= this.#wholeBytes * CHANGES_SHARE;
  }

  /** The most changed profiles `appendable` could still say yes to (with no header at all). */
  appendableAtMost(customers: number): number {
    if (this.#generation === null || this.#wholeProfiles === 0) return 0;
    const room = this.#wholeBytes * CHANGES_SHARE - this.#changesBytes;
    return Math.max(0, Math.min(customers, Math.floor((room * this.#wholeProfiles) / this.#wholeBytes)));
  }

  /**
   * The quarantine's total in the last checkpoint, for the next to append only the records
   * quarantined since; null when the next must write it whole (no whole write to build on).
   */
  get quarantineTotal(): number | null {
    return this.#generation === null ? null : this.#quarantineTotal;
  }

  /** True when store.changes is (or may be) beside store.json: a whole write leaves one file. */
  get hasChanges(): boolean {
    return this.#changesOnDisk;
  }

  /**
   * Asked before every write; throws when this process may no longer write the store (its lock
   * was taken by another: store-lock.ts).
   */
  mayWrite: () => void = () => {};

  /** Writes a snapshot taken earlier; the state may change meanwhile (see StoreSnapshot). */
  async write(snapshot: StoreSnapshot): Promise<CheckpointStats> {
    this.mayWrite();
    const started = performance.now();
    const stats = (changesOnly: boolean): CheckpointStats => ({
      ms: performance.now() - started,
      profiles: snapshot.profileCount,
      sources: snapshot.sources,
      changesOnly,
    });
    if (snapshot.removed !== null && this.#generation !== null) {
      this.#changesOnDisk = true;
      try {
        this.#changesBytes += await appendEntry(this.changesPath, this.#changesBytes, {
          base: this.#generation,
          header: snapshot.header,
          profiles: snapshot.encoded(),
          removed: snapshot.removed,
        });
      } catch (error) {
        // Whatever it left is cut off by the next append; but if the file was cut short by
        // something else, no append can be trusted: the next checkpoint writes the store whole.
        this.#generation = null;
        this.#quarantineTotal = null;
        throw error;
      }
      this.#quarantineTotal = snapshot.quarantineTotal;
      return stats(true);
    }
    const generation = newGeneration();
    this.#db.data = { header: withGeneration(snapshot.header, generation), profiles: snapshot.encoded() };
    try {
      await this.#db.write();
    } finally {
      this.#db.data = null; // the image is only needed for the write
    }
    // The changes are in the new whole store now; named for the old one, they would be ignored.
    this.#generation = generation;
    this.#changesBytes = 0;
    this.#wholeBytes = (await stat(this.path)).size;
    this.#wholeProfiles = snapshot.profileCount;
    this.#quarantineTotal = snapshot.quarantineTotal;
    await rm(this.changesPath, { force: true });
    this.#changesOnDisk = false;
    return stats(false);
  }

  /** The store on disk: the whole write and the changes after it. */
  async sizeBytes(): Promise<number> {
    return (await stat(this.path).catch(() => ({ size: 0 }))).size + this.#changesBytes;
  }
}
