import { asBinary } from 'lmdb';
import { TIMELINE_CAP } from './timeline-codec.js';
import {
  batchBytes,
  chunkLengthOfBytes,
  countOf,
  customerRange,
  eventKey,
  MAX_BATCH,
  openTables,
  type TimelineTables,
  TRIM_AT,
} from './timeline-keys.js';

/**
 * The timeline's writes, in a thread of their own (timeline-writer-worker.ts): each batch's chunks,
 * counts and journal entry in one LMDB transaction, checkpointed batches' journal entries dropped,
 * and flushes answered once everything before them is on disk.
 *
 * Why a thread: lmdb-js runs a transaction's callback, and so every put into the B-tree, on the
 * thread that queued it. On the engine's thread that was 7 µs of every listen into a fresh
 * timeline and 19 µs into one of 1.2 GB (100,000 customers with a hundred events each), a batch
 * touching a thousand customers: more than the rest of applying the listen.
 */

/** One batch's chunks as the engine's thread packed them: customer `ids[i]`'s chunk is
 * `bytes[ends[i - 1] ?? 0, ends[i])` and holds `items[i]` events. */
export interface PackedBatch {
  batch: number;
  ids: string[];
  items: Uint32Array;
  ends: Uint32Array;
  bytes: Uint8Array;
}

export type WriterRequest =
  | { type: 'write'; packed: PackedBatch }
  | { type: 'checkpointed'; batch: number }
  | { type: 'flush'; id: number }
  | { type: 'close'; id: number };

export type WriterReply =
  | { type: 'written' }
  | { type: 'flushed'; id: number; failure: string | null }
  | { type: 'closed'; id: number };

export interface WriterWorkerData {
  path: string;
}

export class TimelineWriter {
  #pending: Promise<unknown> = Promise.resolve();
  #failure: Error | null = null;

  constructor(readonly tables: TimelineTables) {}

  /** Queues one batch's transaction; resolves (never rejects) once it is committed or has failed. */
  write({ batch, ids, items, ends, bytes }: PackedBatch): Promise<void> {
    const { root, events, heads, journal } = this.tables;
    const write = root.transaction(() => {
      for (const i of inKeyOrder(ids)) {
        const customerId = ids[i] as string;
        const start = i === 0 ? 0 : (ends[i - 1] as number);
        events.putSync(eventKey(customerId, batch), asBinary(bytes.subarray(start, ends[i] as number)));
        const head = Buffer.from(customerId, 'utf8');
        let count = countOf(heads.get(head)) + (items[i] as number);
        if (count > TRIM_AT) count = this.#trim(customerId, count);
        heads.putSync(head, count);
      }
      journal.putSync(batchBytes(batch), ids);
    });
    this.#pending = write;
    return write.then(
      () => {},
      (error: Error) => {
        this.#failure ??= error;
      },
    );
  }

  /** Drops a customer's oldest chunks while at least the cap remains; returns the new count. */
  #trim(customerId: string, count: number): number {
    const { events, eventBytes } = this.tables;
    const doomed: Buffer[] = [];
    for (const { key, value } of eventBytes.getRange(customerRange(customerId))) {
      const n = chunkLengthOfBytes(value);
      if (count - n < TIMELINE_CAP) break;
      doomed.push(key);
      count -= n;
    }
    for (const key of doomed) events.removeSync(key);
    return count;
  }

  /** A checkpoint holding batches up to `batch` is saved: their journal entries are not needed. */
  checkpointed(batch: number): void {
    const { root, journal } = this.tables;
    const end = batchBytes(Math.min(batch + 1, MAX_BATCH));
    this.#pending = root.transaction(() => {
      const keys = Array.from(journal.getKeys({ end }));
      for (const key of keys) journal.removeSync(key);
    });
    this.#pending.catch((error: Error) => {
      this.#failure ??= error;
    });
  }

  /** Once everything queued is committed and flushed to disk: the first failure since the last flush, if any. */
  async flushed(): Promise<string | null> {
    await this.#pending.catch(() => {});
    await this.tables.root.flushed;
    const failure = this.#failure;
    this.#failure = null;
    return failure ? failure.message : null;
  }

  async close(): Promise<void> {
    await this.#pending.catch(() => {});
    await this.tables.root.close();
  }
}

/**
 * The places of `ids` in the order of their keys, the same id's places in their own order. A
 * batch's customers come in the order they were first heard, so each put went to a page of the
 * B-tree far from the last one. In key order, the 100,000-customer anchor file took this thread
 * 2.55–2.79 s of CPU instead of 2.99–3.48 s (three pairs). Only for locality: JavaScript's order of
 * strings is LMDB's order of their UTF-8 bytes except past U+FFFF, and any order writes the same.
 */
export function inKeyOrder(ids: readonly string[]): Uint32Array {
  const order = new Uint32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => {
    const x = ids[a] as string;
    const y = ids[b] as string;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
}

/** How the writer talks to the engine's thread (a worker's port, or the same thread in tests). */
export interface WriterPort {
  post(reply: WriterReply): void;
  listen(onRequest: (request: WriterRequest) => void): void;
  close(): void;
}

/** Opens the timeline at `path` and answers requests, in the order they come, until closed. */
export function serveTimelineWriter({ path }: WriterWorkerData, port: WriterPort): void {
  const writer = new TimelineWriter(openTables(path));
  port.listen((request) => {
    switch (request.type) {
      case 'write':
        void writer.write(request.packed).then(() => port.post({ type: 'written' }));
        break;
      case 'checkpointed':
        writer.checkpointed(request.batch);
        break;
      case 'flush':
        void writer.flushed().then((failure) => port.post({ type: 'flushed', id: request.id, failure }));
        break;
      case 'close':
        void writer.close().then(() => {
          port.post({ type: 'closed', id: request.id });
          port.close();
        });
        break;
    }
  });
}
