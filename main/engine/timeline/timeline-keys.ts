import { type Database, open, type RootDatabase } from 'lmdb';
import { TIMELINE_CAP } from './timeline-codec.js';

/**
 * The timeline's LMDB layout, shared by the store (reads, recovery) and its writer thread: the
 * tables, how keys are made, and how counts and chunks are read back (as input: anything else
 * counts as nothing).
 */

export interface TimelineTables {
  root: RootDatabase;
  /** customer id, NUL, batch number (6 bytes) → that batch's events of the customer (a chunk) */
  events: Database<unknown, Buffer>;
  /** The same table, its chunks as their bytes (to count a chunk's events without decoding it). */
  eventBytes: Database<Buffer, Buffer>;
  /** customer id → how many events the customer has */
  heads: Database<unknown, Buffer>;
  /** batch number → the customers it wrote, for batches not yet in a checkpoint */
  journal: Database<unknown, Buffer>;
  /** the store id the timeline belongs to */
  meta: Database<unknown, string>;
}

export function openTables(path: string): TimelineTables {
  // Each commit synced before it resolves. With lmdb-js's overlapping syncs, pages a commit frees
  // are reused only once it is flushed, and the writer thread commits often: the mixed-stream
  // bench's file took 268–280 bytes per event against 221–238 (85 in use either way), no faster.
  const root = open({ path, maxDbs: 4, overlappingSync: false });
  try {
    return {
      root,
      events: root.openDB({ name: 'events', keyEncoding: 'binary' }),
      eventBytes: root.openDB<Buffer, Buffer>({ name: 'events', keyEncoding: 'binary', encoding: 'binary' }),
      heads: root.openDB({ name: 'heads', keyEncoding: 'binary' }),
      journal: root.openDB({ name: 'journal', keyEncoding: 'binary' }),
      meta: root.openDB<unknown, string>({ name: 'meta' }),
    };
  } catch (error) {
    void root.close();
    throw error;
  }
}

/** Trimmed when a customer passes this, so trimming is not paid with every batch. */
export const TRIM_AT = TIMELINE_CAP + TIMELINE_CAP / 10;
export const MAX_BATCH = 2 ** 48 - 1;

/** A customer id as this store keys it: never empty, never NUL (the separator), at most 64 characters. */
export function usableId(customerId: string): boolean {
  return customerId.length > 0 && customerId.length <= 64 && !customerId.includes('\u0000');
}

export function batchBytes(batch: number): Buffer {
  const b = Buffer.allocUnsafe(6);
  b.writeUIntBE(batch, 0, 6);
  return b;
}

export function eventKey(customerId: string, batch: number): Buffer {
  const id = Buffer.from(customerId, 'utf8');
  const key = Buffer.allocUnsafe(id.length + 7);
  id.copy(key, 0);
  key[id.length] = 0;
  key.writeUIntBE(batch, id.length + 1, 6);
  return key;
}

/** Every key of one customer's chunks lies in [prefix + 0x00, prefix + 0x01). */
export function customerRange(customerId: string): { start: Buffer; end: Buffer } {
  const id = Buffer.from(customerId, 'utf8');
  return { start: Buffer.concat([id, Buffer.from([0])]), end: Buffer.concat([id, Buffer.from([1])]) };
}

export function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

export function chunkLength(value: unknown): number {
  return Array.isArray(value) && value.length > 0 ? value.length - 1 : 0;
}

/**
 * chunkLength of a chunk as stored, from its MessagePack array header alone: trimming a customer
 * decoded every chunk it looked at, every event's strings included, only to count them (most of
 * the writer thread's time for the 5,000-customer anchor file). Anything but an array counts as
 * nothing, as in chunkLength.
 */
export function chunkLengthOfBytes(bytes: Uint8Array): number {
  const marker = bytes[0];
  let length = 0;
  if (marker === undefined) return 0;
  if (marker >= 0x90 && marker <= 0x9f) length = marker & 0x0f;
  else if (marker === 0xdc && bytes.length >= 3) length = ((bytes[1] as number) << 8) | (bytes[2] as number);
  else if (marker === 0xdd && bytes.length >= 5)
    length =
      (bytes[1] as number) * 2 ** 24 +
      (bytes[2] as number) * 2 ** 16 +
      (bytes[3] as number) * 2 ** 8 +
      (bytes[4] as number);
  return length > 0 ? length - 1 : 0;
}
