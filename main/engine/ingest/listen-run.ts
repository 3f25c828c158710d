import type { ListenEvent } from '../../../shared/events.js';
import { type PlainListenFields, plainListenFields, scanPlainListen } from '../decode/json-listen-bytes.js';
import { MAX_RECORD_BYTES } from '../decode/record-decoder.js';
import { seenText } from '../profile/profile.js';
import { trackNumber } from '../profile/track-ids.js';
import { ByteTable, hashBytes } from './partitions/byte-table.js';

/**
 * Plain JSON listens (the Kafka clickstream) handed to the session as columns of numbers rather
 * than an event object each: read from their bytes (json-listen-bytes.ts), their customer, track
 * and zip looked up by those bytes in tables that make a string only for an id met the first time
 * (byte-table.ts, as the partitions of a batch ingest do). Five fresh strings a listen, hashed
 * again by every map that took them (profiles, tracks, the changed set), were most of what a
 * listen cost the engine's thread, and their garbage most of its collector's work.
 */

/** A run's listens side by side: listen `j` is at `j` in each column. */
interface ListenColumns {
  /** Numbers in the names' tables. */
  customer: Int32Array;
  track: Int32Array;
  /** −1: no zip. */
  zip: Int32Array;
  epochMs: Float64Array;
  /** Per listen: hour, day of week, mobile (1 or 0), time written as `…T…Z` (1) or with a space (0). */
  clock: Uint8Array;
  /** Per listen: where its event id lies in `bytes` (start, end; equal for none). */
  eventIds: Int32Array;
  bytes: Uint8Array;
}

/** The names a run's numbers refer to: each table's strings, an array that only grows. */
export interface RunNames {
  readonly customers: readonly string[];
  readonly tracks: readonly string[];
  /** Per track: this thread's own number for it (track-ids.ts). */
  readonly trackNumbers: readonly number[];
  readonly zips: readonly string[];
}

/** Listens [0, length) of a run, applied by the session in place, in order with the records around it. */
export class ListenRun {
  readonly kind = 'listens';

  constructor(
    readonly columns: ListenColumns,
    readonly names: RunNames,
    readonly length: number,
  ) {}

  customerId(j: number): string {
    return this.names.customers[this.columns.customer[j] as number] as string;
  }

  /** Listen `j` as the decoder makes it, for what needs events (live statistics). */
  event(j: number): ListenEvent {
    const c = this.columns;
    const epochMs = c.epochMs[j] as number;
    const zip = c.zip[j] as number;
    const from = c.eventIds[2 * j] as number;
    const to = c.eventIds[2 * j + 1] as number;
    return {
      kind: 'listen',
      eventId:
        from === to
          ? null
          : Buffer.from(c.bytes.buffer, c.bytes.byteOffset + from, to - from).toString('latin1'),
      customerId: this.customerId(j),
      trackId: this.names.tracks[c.track[j] as number] as string,
      at: {
        text: seenText(epochMs, c.clock[4 * j + 3] === 1 ? '' : null),
        hour: c.clock[4 * j] as number,
        dayOfWeek: c.clock[4 * j + 1] as number,
        epochMs,
      },
      mobile: c.clock[4 * j + 2] === 1,
      zip: zip < 0 ? null : (this.names.zips[zip] as string),
    };
  }
}

export function isListenRun(r: unknown): r is ListenRun {
  return r instanceof ListenRun;
}

/** The tables runs number their names in, started afresh past a bound. */
class Names implements RunNames {
  readonly customerTable = new ByteTable();
  readonly trackTable = new ByteTable();
  readonly zipTable = new ByteTable();
  readonly trackNumbers: number[] = [];

  get customers(): readonly string[] {
    return this.customerTable.strings;
  }

  get tracks(): readonly string[] {
    return this.trackTable.strings;
  }

  get zips(): readonly string[] {
    return this.zipTable.strings;
  }

  get size(): number {
    return this.customerTable.size + this.trackTable.size + this.zipTable.size;
  }

  track(buf: Uint8Array, start: number, end: number): number {
    const tracks = this.trackTable;
    const before = tracks.size;
    const n = tracks.intern(buf, start, end, hashBytes(buf, start, end));
    if (n === before) this.trackNumbers.push(trackNumber(tracks.strings[n] as string));
    return n;
  }
}

/**
 * Zips longer than this are left to the decoder: the tables keep every name they number until
 * their bound, and a zip may be 2,048 characters (a stream of long distinct ones would hold
 * gigabytes). Customer and track ids are at most 64 (MAX_ID).
 */
const ZIP_MAX = 32;

/**
 * Reads plain listens into runs: `add` takes one message's value if it is a plain listen, `take`
 * ends the run (before a message it did not take, and at a batch's end: a run never spans two
 * batches, as its event ids point into its batch's bytes). One per source.
 */
export class ListenRunBuilder {
  #names = new Names();
  readonly #fields: PlainListenFields = plainListenFields();
  #columns: ListenColumns | null = null;
  #count = 0;
  #capacity = 0;

  /**
   * `bound`: past this many names in all, the tables start afresh (between runs), so a stream of
   * ever new ids does not grow them without end; runs made before keep the tables they used.
   */
  constructor(readonly bound = 1_000_000) {}

  /**
   * Takes the message `buf[start, end)` into the run if it is a plain listen; false otherwise
   * (also for one over MAX_RECORD_BYTES, which the decoder quarantines, and a long zip).
   */
  add(buf: Uint8Array, start: number, end: number): boolean {
    const f = this.#fields;
    if (end - start > MAX_RECORD_BYTES || !scanPlainListen(buf, start, end, f)) return false;
    if (f.zipEnd - f.zipStart > ZIP_MAX) return false;
    if (this.#count === this.#capacity) this.#grow();
    const c = this.#columns as ListenColumns;
    if (this.#count === 0) c.bytes = buf;
    // Counted once written whole: a fault part-way leaves no half-written listen.
    const j = this.#count;
    const names = this.#names;
    c.customer[j] = names.customerTable.intern(
      buf,
      f.customerStart,
      f.customerEnd,
      hashBytes(buf, f.customerStart, f.customerEnd),
    );
    c.track[j] = names.track(buf, f.trackStart, f.trackEnd);
    c.zip[j] =
      f.zipEnd > f.zipStart
        ? names.zipTable.intern(buf, f.zipStart, f.zipEnd, hashBytes(buf, f.zipStart, f.zipEnd))
        : -1;
    c.epochMs[j] = f.epochMs;
    c.clock[4 * j] = f.hour;
    c.clock[4 * j + 1] = f.dayOfWeek;
    c.clock[4 * j + 2] = f.mobile ? 1 : 0;
    c.clock[4 * j + 3] = f.isoTime ? 1 : 0;
    c.eventIds[2 * j] = f.eventIdStart;
    c.eventIds[2 * j + 1] = f.eventIdEnd;
    this.#count = j + 1;
    return true;
  }

  /** The run read since the last take, or null when there is none. */
  take(): ListenRun | null {
    const columns = this.#columns;
    const count = this.#count;
    this.#columns = null;
    this.#count = 0;
    this.#capacity = 0;
    if (!columns || count === 0) return null;
    const run = new ListenRun(columns, this.#names, count);
    if (this.#names.size > this.bound) this.#names = new Names();
    return run;
  }

  #grow(): void {
    const capacity = Math.max(1024, this.#capacity * 2);
    const old = this.#columns;
    const c: ListenColumns = {
      customer: new Int32Array(capacity),
      track: new Int32Array(capacity),
      zip: new Int32Array(capacity),
      epochMs: new Float64Array(capacity),
      clock: new Uint8Array(capacity * 4),
      eventIds: new Int32Array(capacity * 2),
      bytes: old?.bytes ?? new Uint8Array(0),
    };
    if (old) {
      c.customer.set(old.customer);
      c.track.set(old.track);
      c.zip.set(old.zip);
      c.epochMs.set(old.epochMs);
      c.clock.set(old.clock);
      c.eventIds.set(old.eventIds);
    }
    this.#columns = c;
    this.#capacity = capacity;
  }
}
