/**
 * The day × hour cells and the recent days' ring of every profile, in shared blocks: a profile
 * holds the block and its offset in it.
 *
 * A `new Uint16Array(168)` of its own gives each profile an ArrayBuffer, a backing store outside
 * the heap and a record the collector sweeps at every collection: two of each per profile, two
 * million at a million customers, and about 180 bytes a buffer beside its data; a view into a
 * shared block still costs about 96 bytes. A block and an offset cost two fields. A block is freed
 * by the collector once no profile points into it; its slots are handed out once and never
 * reused, so no two live profiles can share one. A profile whose cells widen (addToCell) leaves
 * its narrower slot behind, unused while the block lives; a copy's go in blocks apart
 * (blocksApart).
 *
 * Never transfer a block's buffer. A profile posted to another thread takes a copy of its whole
 * block along (once per message); the partitions' profiles come back that way, and the pool puts
 * their counts in this thread's blocks (PartitionPool.takeBack).
 */

/** Bytes per block: 64 KiB, about 390 profiles' 8-bit cells or 930 rings. */
const BLOCK_BYTES = 65_536;

export interface CountBlocks<T extends Uint8Array | Uint16Array> {
  /** `length` zeroed counts of their own, in the current block or a new one: their offset in `block`. */
  place(length: number): number;
  /** The block the last place() was in. */
  readonly block: T;
}

class Blocks<T extends Uint8Array | Uint16Array> implements CountBlocks<T> {
  readonly #make: (length: number) => T;
  #block: T;
  #used = 0;

  constructor(make: (length: number) => T) {
    this.#make = make;
    this.#block = make(0);
  }

  get block(): T {
    return this.#block;
  }

  place(length: number): number {
    if (this.#used + length > this.#block.length) {
      this.#block = this.#make(Math.max(BLOCK_BYTES / this.#block.BYTES_PER_ELEMENT, length));
      this.#used = 0;
    }
    const at = this.#used;
    this.#used += length;
    return at;
  }
}

/** Blocks of 8- and 16-bit counts. */
export interface BlockPair {
  bytes: CountBlocks<Uint8Array>;
  shorts: CountBlocks<Uint16Array>;
}

/**
 * Blocks apart from every profile's, for copies that are dropped together (a checkpoint image's):
 * a copy's counts as a slice of their own gave it two ArrayBuffers, a million of them when an image
 * of a million customers was written while ingest changed them all.
 */
export function blocksApart(): BlockPair {
  return { bytes: new Blocks((n) => new Uint8Array(n)), shorts: new Blocks((n) => new Uint16Array(n)) };
}

/** 8-bit counts: day × hour cells until one passes 255. */
export const byteBlocks: CountBlocks<Uint8Array> = new Blocks((n) => new Uint8Array(n));

/** 16-bit counts: wider cells, and the rings. */
export const shortBlocks: CountBlocks<Uint16Array> = new Blocks((n) => new Uint16Array(n));
