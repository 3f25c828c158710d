import {
  arrayHeaderSize,
  intSize,
  stringSize,
  writeArrayHeader,
  writeFloat,
  writeInt,
  writeStringHeader,
} from '../../timeline/msgpack-writer.js';
import { TIMELINE_CAP } from '../../timeline/timeline-codec.js';
import type { ByteTable } from './byte-table.js';

/**
 * A batch's listens for the timeline, kept as numbers while the batch is read and written out at
 * its end as each customer's chunk, in MessagePack, the form lmdb-js stores values in:
 *
 *   [base, [0, dt, trackId, mobile, zip | null], …]      (see timeline-codec.ts)
 *
 * with the first kept item's instant as base (a later item's dt may be negative, which the reader
 * takes as any offset). Written by hand from the ids' bytes: an array per listen packed by
 * msgpackr was a fifth of what a listen cost a partition, most of it garbage. Two passes over
 * the batch's listens in the order they came, one to size each chunk and one to write it: walking
 * each customer's listens in turn jumped around the batch and missed the cache on every listen.
 * TimelineStore reads these chunks back with lmdb-js's own decoder (tested against the
 * one-thread timeline).
 */

/** Per listen, side by side: customer, instant, track, zip + 1 (0: none), mobile. */
const FIELDS = 5;

export class TimelineChunks {
  #events = new Float64Array(1024 * FIELDS);
  #count = 0;
  /** Per customer number: listens this batch, the first kept one's instant, the chunk's size then cursor. */
  #items = new Int32Array(1024);
  #base = new Float64Array(1024);
  #at = new Int32Array(1024);
  /** Per customer number: listens met so far in a pass. */
  #met = new Int32Array(1024);
  #out = new Uint8Array(1 << 16);

  /** One listen of customer `n`; `zip` is a number of the zips table, or -1. */
  add(n: number, time: number, track: number, mobile: boolean, zip: number): void {
    const i = this.#count++;
    if ((i + 1) * FIELDS > this.#events.length) {
      const events = new Float64Array(this.#events.length * 2);
      events.set(this.#events);
      this.#events = events;
    }
    if (n >= this.#items.length) this.#growCustomers(n);
    const e = i * FIELDS;
    const events = this.#events;
    events[e] = n;
    events[e + 1] = time;
    events[e + 2] = track;
    events[e + 3] = zip + 1;
    events[e + 4] = mobile ? 1 : 0;
    this.#items[n] = (this.#items[n] as number) + 1;
  }

  /**
   * Each customer's chunk, in the order given (each customer of the batch once), at most
   * TIMELINE_CAP items (the latest, as TimelineStore.append keeps); then empty for the next batch.
   */
  finish(
    customers: readonly number[],
    ids: ByteTable,
    tracks: ByteTable,
    zips: ByteTable,
  ): Array<[customerId: string, items: number, chunk: Uint8Array]> {
    const events = this.#events;
    const items = this.#items;
    const met = this.#met;
    const at = this.#at;
    const base = this.#base;
    // Sizes: a header for kept + 1 elements and a float64 base, then each kept item.
    for (const n of customers) {
      met[n] = 0;
      const kept = Math.min(items[n] as number, TIMELINE_CAP);
      at[n] = arrayHeaderSize(kept + 1) + 9;
    }
    for (let i = 0; i < this.#count; i++) {
      const e = i * FIELDS;
      const n = events[e] as number;
      const k = met[n] as number;
      met[n] = k + 1;
      const skip = (items[n] as number) - TIMELINE_CAP;
      if (k < skip) continue;
      if (k === Math.max(0, skip)) base[n] = events[e + 1] as number;
      const zip = (events[e + 3] as number) - 1;
      at[n] =
        (at[n] as number) +
        3 +
        intSize((events[e + 1] as number) - (base[n] as number)) +
        stringSize(tracks.lengthOf(events[e + 2] as number)) +
        (zip === -1 ? 1 : stringSize(zips.lengthOf(zip)));
    }
    // Where each chunk starts (the sizes become cursors), and each chunk's header.
    let total = 0;
    for (const n of customers) {
      const size = at[n] as number;
      at[n] = total;
      total += size;
    }
    if (this.#out.length < total) this.#out = new Uint8Array(Math.max(total, this.#out.length * 2));
    const out = this.#out;
    const starts = customers.map((n) => at[n] as number);
    for (const n of customers) {
      met[n] = 0;
      let p = writeArrayHeader(out, at[n] as number, Math.min(items[n] as number, TIMELINE_CAP) + 1);
      p = writeFloat(out, p, base[n] as number);
      at[n] = p;
    }
    for (let i = 0; i < this.#count; i++) {
      const e = i * FIELDS;
      const n = events[e] as number;
      const k = met[n] as number;
      met[n] = k + 1;
      if (k < (items[n] as number) - TIMELINE_CAP) continue;
      let p = at[n] as number;
      out[p++] = 0x95; // an array of five
      out[p++] = 0x00; // listen
      p = writeInt(out, p, (events[e + 1] as number) - (base[n] as number));
      p = writeString(out, p, tracks, events[e + 2] as number);
      out[p++] = events[e + 4] as number;
      const zip = (events[e + 3] as number) - 1;
      if (zip === -1) out[p++] = 0xc0;
      else p = writeString(out, p, zips, zip);
      at[n] = p;
    }
    // One copy of the batch's bytes; every chunk is a view of it (sent once to the engine).
    const all = out.slice(0, total);
    const chunks = customers.map((n, c): [string, number, Uint8Array] => [
      ids.strings[n] as string,
      Math.min(items[n] as number, TIMELINE_CAP),
      all.subarray(starts[c] as number, at[n] as number),
    ]);
    for (const n of customers) items[n] = 0;
    this.#count = 0;
    return chunks;
  }

  #growCustomers(n: number): void {
    let size = this.#items.length;
    while (size <= n) size *= 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => {
      b.set(a as never);
      return b;
    };
    this.#items = grow(this.#items, new Int32Array(size));
    this.#base = grow(this.#base, new Float64Array(size));
    this.#at = grow(this.#at, new Int32Array(size));
    this.#met = grow(this.#met, new Int32Array(size));
  }
}

/** Number `n` of `table` (its UTF-8 bytes) as a MessagePack string. */
function writeString(out: Uint8Array, p: number, table: ByteTable, n: number): number {
  const length = table.lengthOf(n);
  const q = writeStringHeader(out, p, length);
  table.copyTo(n, out, q);
  return q + length;
}
