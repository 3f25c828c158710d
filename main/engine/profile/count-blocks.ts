/**
 * The day × hour cells and the recent days' ring of every profile, in shared blocks: the cells as
 * views, the ring as its block and offset.
 *
 * A `new Uint16Array(168)` of its own gives each profile an ArrayBuffer, a backing store outside
 * the heap and a record the collector sweeps at every collection: two of each per profile, two
 * million at a million customers, and about 180 bytes a buffer beside its data. A view into a
 * block of many profiles' counts carries only the view. A block is freed by the collector once no
 * view into it or reference to it is left; its slots are handed out once and never reused, so no two live profiles
 * can share one. A profile whose cells widen (addToCell) leaves its narrower slot behind, unused
 * while the block lives; a copy gets an array of its own.
 *
 * Never transfer a block's buffer. A profile posted to another thread takes a copy of its whole
 * block along (once per message); the partitions' profiles come back that way, and the pool puts
 * their counts in this thread's blocks (PartitionPool.takeBack).
 */

/** Bytes per block: 64 KiB, about 390 profiles' 8-bit cells and rings. */
const BLOCK_BYTES = 65_536;

class CountBlocks<T extends Uint8Array | Uint16Array> {
  readonly #make: (length: number) => T;
  #block: T;
  #used = 0;

  constructor(make: (length: number) => T) {
    this.#make = make;
    this.#block = make(0);
  }

  /** The block the last place() was in. */
  get block(): T {
    return this.#block;
  }

  /** `length` zeroed counts of their own, in the current block or a new one: their offset in `block`. */
  place(length: number): number {
    if (this.#used + length > this.#block.length) {
      this.#block = this.#make(Math.max(BLOCK_BYTES / this.#block.BYTES_PER_ELEMENT, length));
      this.#used = 0;
    }
    const at = this.#used;
    this.#used += length;
    return at;
  }

  /** `length` zeroed counts of their own, as a view. */
  take(length: number): T {
    const at = this.place(length);
    return this.#block.subarray(at, at + length) as T;
  }
}

const bytes = new CountBlocks((n) => new Uint8Array(n));
const shorts = new CountBlocks((n) => new Uint16Array(n));

/**
 * 16-bit counts for a holder that keeps the block and an offset rather than a view (a view is
 * about 96 bytes, the two fields 16): `const at = shortBlocks.place(n)`, then `shortBlocks.block`.
 */
export const shortBlocks: { place(length: number): number; readonly block: Uint16Array } = shorts;

/** Zeroed 8-bit counts for one profile (never shared with another). */
export function newByteCounts(length: number): Uint8Array {
  return bytes.take(length);
}

/** Zeroed 16-bit counts for one profile (never shared with another). */
export function newCounts(length: number): Uint16Array {
  return shorts.take(length);
}

/**
 * A profile's own copy of counts made elsewhere, in the narrowest of 8, 16 and 32 bits that holds
 * the largest (32 bits: an array of its own).
 */
export function countsFrom(source: ArrayLike<number>): Uint8Array | Uint16Array | Uint32Array {
  let largest = 0;
  for (let i = 0; i < source.length; i++) if ((source[i] as number) > largest) largest = source[i] as number;
  const counts =
    largest > 0xffff
      ? new Uint32Array(source.length)
      : largest > 0xff
        ? newCounts(source.length)
        : newByteCounts(source.length);
  counts.set(source);
  return counts;
}

/** A profile's own 16-bit copy of counts made elsewhere (each at most 65,535). */
export function shortCountsFrom(source: ArrayLike<number>): Uint16Array {
  const counts = shorts.take(source.length);
  counts.set(source);
  return counts;
}
