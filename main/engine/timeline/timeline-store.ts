import { open as openFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, RootDatabase } from 'lmdb';
import type { CustomerTimeline, TimelineKind } from '../../../shared/engine-api.js';
import { MessagePackWriter } from './msgpack-writer.js';
import {
  chunkItems,
  KIND_CODES,
  TIMELINE_CAP,
  type TimelineItem,
  timelineEvent,
  writeChunk,
} from './timeline-codec.js';
import {
  batchBytes,
  chunkLength,
  countOf,
  customerRange,
  eventKey,
  MAX_BATCH,
  openTables,
  type TimelineTables,
  usableId,
} from './timeline-keys.js';
import type { PackedBatch } from './timeline-writer.js';
import { defaultWriter, TimelineWriterLink } from './timeline-writer-thread.js';

export { TIMELINE_CAP };

/**
 * Every customer's events, newest first, on disk: an LMDB environment (`timeline.mdb` beside
 * `store.json`) with four tables,
 *
 *   events   customer id, NUL, batch number (6 bytes) → that batch's events of the customer (a chunk)
 *   heads    customer id → how many events the customer has
 *   journal  batch number → the customers it wrote, for batches not yet in a checkpoint
 *   meta     the store id the timeline belongs to
 *
 * Exactly once. The profiles and offsets are saved by checkpoints of the JSON store; the timeline
 * is written batch by batch, tagged with the batch number, and every checkpoint records the
 * number of the last batch it holds (only after the timeline's writes up to it are flushed). On
 * opening, the timeline drops what later batches wrote (the journal says where): the source
 * resumes from the checkpoint's offsets and writes them again. So a crash anywhere, between a
 * timeline write and the checkpoint too, leaves every event in the timeline exactly once.
 *
 * The engine's thread packs each batch's chunks into one buffer and hands it to a writer thread
 * (timeline-writer.ts), which puts them into LMDB, many batches to a commit; this thread reads.
 */

export const TIMELINE_FILE = 'timeline.mdb';
export interface TimelineQuery {
  customerId: string;
  kinds?: readonly TimelineKind[];
  /** Inclusive bounds, epoch ms. */
  from?: number;
  to?: number;
  /** An event id: strictly older events only. */
  before?: string;
  limit: number;
}

export interface TimelineSize {
  events: number;
  /** Bytes of LMDB pages in use (all tables), and the file's size on disk. */
  usedBytes: number;
  fileBytes: number;
}

/**
 * LMDB trusts its file: opening one that is not an LMDB file ends the process (a segmentation
 * fault, tried). So before it is opened, its two meta pages must carry LMDB's magic number and a
 * page size LMDB writes. This catches a file overwritten, zeroed or cut short; damage deeper inside
 * a well-formed file is not detected (LMDB keeps no page checksums).
 */
async function checkHeader(path: string): Promise<void> {
  const size = (await stat(path).catch(() => null))?.size ?? 0;
  if (size === 0) return; // no file yet (or an empty one): LMDB makes a new one
  const file = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(64);
    await file.read(head, 0, 64, 0);
    const pageSize = head.readUInt32LE(META_PAGE_SIZE);
    const second = Buffer.alloc(8);
    const sane = [4096, 8192, 16384, 32768, 65536].includes(pageSize) && size >= 2 * pageSize;
    if (sane) await file.read(second, 0, 8, pageSize + META_MAGIC);
    if (
      !sane ||
      head.readUInt32LE(META_MAGIC) !== LMDB_MAGIC ||
      second.readUInt32LE(0) !== LMDB_MAGIC ||
      ![1, 2].includes(head.readUInt32LE(META_MAGIC + 4))
    )
      throw new Error('not an LMDB file');
  } finally {
    await file.close();
  }
}

/** Where lmdb-js's LMDB keeps its magic number and the page size in each meta page. */
const META_MAGIC = 24;
const META_PAGE_SIZE = 48;
const LMDB_MAGIC = 0xbeefc0de;

interface Found {
  at: number;
  batch: number;
  index: number;
  item: TimelineItem;
}

function cursorOf(f: Found): string {
  return `${f.at}.${f.batch}.${f.index}`;
}

/** Whether `f` comes strictly after the cursor in newest-first order (is older). */
function olderThan(f: Found, c: [number, number, number]): boolean {
  return f.at !== c[0] ? f.at < c[0] : f.batch !== c[1] ? f.batch < c[1] : f.index < c[2];
}

export class TimelineStore {
  /** Items that could not be stored (an id this store cannot key); none come from the decoder. */
  skipped = 0;
  /** Unreadable chunks or items met while reading: skipped, as the store is input too. */
  damaged = 0;
  readonly #writer = new MessagePackWriter();
  /** Set once the timeline is recovered: writes go to the writer thread from then on. */
  #link: TimelineWriterLink | null = null;
  readonly root: RootDatabase;
  readonly events: Database<unknown, Buffer>;
  readonly heads: Database<unknown, Buffer>;
  readonly journal: Database<unknown, Buffer>;
  readonly meta: Database<unknown, string>;

  private constructor(
    readonly path: string,
    tables: TimelineTables,
  ) {
    this.root = tables.root;
    this.events = tables.events;
    this.heads = tables.heads;
    this.journal = tables.journal;
    this.meta = tables.meta;
  }

  /**
   * Opens (or creates) the timeline of the store `storeId`, keeping what batches up to
   * `durableBatch` wrote (the checkpoint's) and dropping anything later. A timeline of another
   * store (the JSON store was replaced or moved aside) is emptied; one LMDB cannot open is moved
   * aside whole, and `notice` says so.
   */
  static async open(
    storeDir: string,
    storeId: string,
    durableBatch: number,
  ): Promise<{ timeline: TimelineStore; notice: string | null }> {
    const path = join(storeDir, TIMELINE_FILE);
    let notice: string | null = null;
    let timeline: TimelineStore;
    try {
      await checkHeader(path);
      timeline = new TimelineStore(path, openTables(path));
    } catch (error) {
      const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(path, aside);
      await rename(`${path}-lock`, `${aside}-lock`).catch(() => {});
      notice = `The timeline ${path} could not be opened (${(error as Error).message}); it was moved to ${aside} and a new, empty timeline was started.`;
      timeline = new TimelineStore(path, openTables(path));
    }
    // Recovered here, before the writer opens the file: nothing else writes meanwhile.
    timeline.#recover(storeId, durableBatch);
    timeline.#link = new TimelineWriterLink(defaultWriter(path));
    return { timeline, notice };
  }

  #recover(storeId: string, durableBatch: number): void {
    this.root.transactionSync(() => {
      if (this.meta.get('storeId') !== storeId) {
        this.events.clearSync();
        this.heads.clearSync();
        this.journal.clearSync();
        this.meta.putSync('storeId', storeId);
        return;
      }
      const later = Array.from(
        this.journal.getRange({ start: batchBytes(Math.min(durableBatch + 1, MAX_BATCH)) }),
      );
      for (const { key, value } of later) {
        const batch = key.length === 6 ? key.readUIntBE(0, 6) : null;
        if (batch !== null && Array.isArray(value))
          for (const customerId of value) {
            if (typeof customerId !== 'string' || !usableId(customerId)) continue;
            const k = eventKey(customerId, batch);
            const n = chunkLength(this.events.get(k));
            if (n === 0) continue;
            this.events.removeSync(k);
            const head = Buffer.from(customerId, 'utf8');
            this.heads.putSync(head, Math.max(0, countOf(this.heads.get(head)) - n));
          }
        this.journal.removeSync(key);
      }
    });
  }

  /**
   * Queues one batch's events (customer id, item), tagged with the batch's number. Written in
   * the order queued; `flushed()` waits for all of it.
   */
  append(batch: number, entries: ReadonlyArray<readonly [string, TimelineItem]>): void {
    if (entries.length === 0) return;
    const byCustomer = new Map<string, TimelineItem[]>();
    for (const [customerId, item] of entries) {
      if (!usableId(customerId)) {
        this.skipped += 1;
        continue;
      }
      const items = byCustomer.get(customerId);
      if (items) items.push(item);
      else byCustomer.set(customerId, [item]);
    }
    if (byCustomer.size === 0) return;
    // One batch never stores more than the cap for a customer: only its latest count. The
    // chunks are written one after another into one buffer, handed to the writer whole.
    const writer = this.#writer;
    const ids: string[] = [];
    const items = new Uint32Array(byCustomer.size);
    const ends = new Uint32Array(byCustomer.size);
    for (const [customerId, list] of byCustomer) {
      const kept = list.length > TIMELINE_CAP ? list.slice(-TIMELINE_CAP) : list;
      writeChunk(writer, kept);
      items[ids.length] = kept.length;
      ends[ids.length] = writer.length;
      ids.push(customerId);
    }
    this.#write({ batch, ids, items, ends, bytes: writer.takeOwn() });
  }

  /**
   * Like append, for chunks packed elsewhere (partitioned ingest packs each customer's chunk in its
   * own thread, at most TIMELINE_CAP items): the same keys, counts, trimming and journal.
   */
  appendPacked(batch: number, chunks: ReadonlyArray<readonly [string, number, Uint8Array]>): void {
    const usable = chunks.filter(([customerId, items]) => {
      if (usableId(customerId) && items > 0 && items <= TIMELINE_CAP) return true;
      this.skipped += items;
      return false;
    });
    if (usable.length === 0) return;
    const ids: string[] = [];
    const items = new Uint32Array(usable.length);
    const ends = new Uint32Array(usable.length);
    let size = 0;
    for (const [, , chunk] of usable) size += chunk.length;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const [customerId, n, chunk] of usable) {
      bytes.set(chunk, at);
      at += chunk.length;
      items[ids.length] = n;
      ends[ids.length] = at;
      ids.push(customerId);
    }
    this.#write({ batch, ids, items, ends, bytes });
  }

  #write(packed: PackedBatch): void {
    if (!this.#link) throw new Error('the timeline is not open for writing');
    this.#link.write(packed);
  }

  /** Null while the writer keeps up; else resolves once it has caught up (ingest waits on it). */
  backlog(): Promise<void> | null {
    return this.#link?.backlog() ?? null;
  }

  /**
   * Resolves once everything queued is committed and flushed to disk; throws a write's failure.
   * A checkpoint waits for this before it is saved, so it never names a batch the timeline lacks.
   */
  async flushed(): Promise<void> {
    await this.#link?.flushed();
    // This thread's reads see the writer's commits from now on (lmdb-js renews its read
    // transaction once per turn of the event loop otherwise).
    this.root.resetReadTxn();
  }

  /** A checkpoint holding batches up to `batch` is saved: their journal entries are not needed. */
  checkpointed(batch: number): void {
    this.#link?.checkpointed(batch);
  }

  /** One page of a customer's events, newest first (by instant, then by arrival). */
  query(q: TimelineQuery): CustomerTimeline {
    if (!usableId(q.customerId)) return { events: [], nextBefore: null };
    const codes = q.kinds ? new Set(q.kinds.map((k) => KIND_CODES[k])) : null;
    const cursor = q.before ? (q.before.split('.').map(Number) as [number, number, number]) : null;
    const from = q.from ?? Number.NEGATIVE_INFINITY;
    const to = q.to ?? Number.POSITIVE_INFINITY;
    const found: Found[] = [];
    for (const { key, value } of this.events.getRange(customerRange(q.customerId))) {
      const items = chunkItems(value);
      if (!items || key.length < 7) {
        this.damaged += 1;
        continue;
      }
      const batch = key.readUIntBE(key.length - 6, 6);
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (!item) {
          this.damaged += 1;
          continue;
        }
        if (codes && !codes.has(item[0])) continue;
        const at = item[1];
        if (at < from || at > to) continue;
        const f = { at, batch, index: i, item };
        if (cursor && !olderThan(f, cursor)) continue;
        found.push(f);
      }
    }
    found.sort((a, b) => b.at - a.at || b.batch - a.batch || b.index - a.index);
    const page = found.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      events: page.map((f) => timelineEvent(f.item, cursorOf(f))),
      nextBefore: found.length > q.limit && last ? cursorOf(last) : null,
    };
  }

  /** How many events a customer has stored. */
  count(customerId: string): number {
    return usableId(customerId) ? countOf(this.heads.get(Buffer.from(customerId, 'utf8'))) : 0;
  }

  /** Stored events in all, and the bytes they take (for the benchmark and the README). */
  async size(): Promise<TimelineSize> {
    let events = 0;
    for (const { value } of this.heads.getRange({})) events += countOf(value);
    let pages = 0;
    let pageSize = 4096;
    for (const db of [this.events, this.heads, this.journal, this.meta]) {
      const s = db.getStats() as {
        pageSize: number;
        treeBranchPageCount: number;
        treeLeafPageCount: number;
        overflowPages: number;
      };
      pageSize = s.pageSize;
      pages += s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;
    }
    const fileBytes = (await stat(this.path).catch(() => ({ size: 0 }))).size;
    return { events, usedBytes: pages * pageSize, fileBytes };
  }

  async close(): Promise<void> {
    const link = this.#link;
    this.#link = null;
    await link?.close();
    await this.root.close();
  }
}
