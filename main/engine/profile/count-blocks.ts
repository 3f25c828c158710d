/**
 * The day × hour cells and the recent days' ring of every profile, as views into shared blocks.
 *
 * A `new Uint16Array(168)` of its own gives each profile an ArrayBuffer, a backing store outside
 * the heap and a record the collector sweeps at every collection: two of each per profile, two
 * million at a million customers, and about 180 bytes a buffer beside its data. A view into a
 * block of many profiles' counts carries only the view. A block is freed by the collector once no
 * view into it is left; its slots are handed out once and never reused, so no two live profiles
 * can share one. A profile whose cells widen to 32 bits (addToCell) or that is copied gets an
 * array of its own, as before.
 *
 * Never send a view to another thread or transfer its buffer: the whole block would go with it.
 * Profiles cross threads only as store lines (store/store-codec.ts).
 */

/** 16-bit counts per block: 64 KiB, about 390 profiles' cells or 1,870 rings. */
const BLOCK_LENGTH = 32_768;

class CountBlocks {
  #block = new Uint16Array(0);
  #used = 0;

  /** `length` zeroed 16-bit counts of their own, in the current block or a new one. */
  take(length: number): Uint16Array {
    if (this.#used + length > this.#block.length) {
      this.#block = new Uint16Array(Math.max(BLOCK_LENGTH, length));
      this.#used = 0;
    }
    const view = this.#block.subarray(this.#used, this.#used + length);
    this.#used += length;
    return view;
  }
}

const blocks = new CountBlocks();

/** Zeroed 16-bit counts for one profile (never shared with another). */
export function newCounts(length: number): Uint16Array {
  return blocks.take(length);
}

/** A profile's own 16-bit copy of counts made elsewhere (each at most 65,535). */
export function countsFrom(source: ArrayLike<number>): Uint16Array {
  const counts = blocks.take(source.length);
  counts.set(source);
  return counts;
}
