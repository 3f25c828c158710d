/**
 * Track ids as numbers: every distinct id gets a number the first time it is met (one string per
 * id, shared by every profile), and a profile keeps its distinct tracks as those numbers. A `Set`
 * of strings took about 710 of the 2,350 bytes a 20-listen profile held (measured over 100,000
 * profiles); numbers in a short array take about 370. The numbers are this thread's own: they are
 * never stored or sent, only the ids are.
 */

const numbers = new Map<string, number>();
const ids: string[] = [];

/** The number of a track id, given one when new. */
export function trackNumber(id: string): number {
  const known = numbers.get(id);
  if (known !== undefined) return known;
  const n = ids.length;
  numbers.set(id, n);
  ids.push(id);
  return n;
}

const EMPTY: number[] = [];

/** Slots for a list that is full at `size`. */
const grownLength = (size: number): number => (size < 16 ? Math.max(4, size * 2) : size + (size >> 1));

/** Past this many tracks a profile also keeps a hash index: a longer list is slow to search. */
const LIST_ONLY = 48;

/** One customer's distinct track ids, in the order first heard (the store lists them so). */
export class TrackIds implements Iterable<string> {
  /**
   * Track numbers in the order added, `size` of them, in an array of small integers (filled, so it
   * has no holes): 8 bytes a slot, on the JS heap. Grown by doubling up to 16 slots and by half
   * beyond: doubling left a 20-track profile 12 empty slots of 32, half again leaves it 4 of 24. An Int32Array per
   * profile took about the same memory and added a buffer outside the heap for the collector to
   * track, a million of them at a million customers.
   */
  #list: number[] = EMPTY;
  #size = 0;
  /**
   * The same numbers, for a long list: an open-addressing table of number + 1 (0: empty), at most
   * half full. A Set<number> here cost 0.3–0.6 µs a lookup once thousands of profiles each held
   * hundreds of tracks (cache misses in its buckets and entries); this is one probe, mostly.
   */
  #index: Int32Array | null = null;

  static from(trackIds: Iterable<string>): TrackIds {
    const set = new TrackIds();
    for (const id of trackIds) set.add(id);
    return set;
  }

  /**
   * The distinct tracks `numbers[i]` for i in [from, to), given as this thread's numbers (see
   * trackNumber), already distinct and in the order first heard: nothing is looked up again.
   */
  static fromNumbers(numbers: ArrayLike<number>, from: number, to: number): TrackIds {
    const set = new TrackIds();
    const size = to - from;
    if (size === 0) return set;
    const list = new Array<number>(size).fill(0);
    for (let i = 0; i < size; i++) list[i] = numbers[from + i] as number;
    set.#list = list;
    set.#size = size;
    if (size > LIST_ONLY) set.#reindex();
    return set;
  }

  get size(): number {
    return this.#size;
  }

  /** Adds a track id; returns false when the customer had heard it already. */
  add(id: string): boolean {
    return this.addNumber(trackNumber(id));
  }

  /** add, for a track given as its number (trackNumber). */
  addNumber(n: number): boolean {
    if (this.#holds(n)) return false;
    if (this.#size === this.#list.length) {
      // Filled, so the array holds small integers only (no holes), in exactly the slots asked for.
      const grown = new Array<number>(grownLength(this.#size)).fill(0);
      for (let i = 0; i < this.#size; i++) grown[i] = this.#list[i] as number;
      this.#list = grown;
    }
    this.#list[this.#size++] = n;
    if (this.#index && this.#size * 2 <= this.#index.length) TrackIds.#put(this.#index, n);
    else if (this.#size > LIST_ONLY) this.#reindex();
    return true;
  }

  copy(): TrackIds {
    const copy = new TrackIds();
    copy.#list = this.#list.slice();
    copy.#size = this.#size;
    copy.#index = this.#index?.slice() ?? null;
    return copy;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.#size; i++) yield ids[this.#list[i] as number] as string;
  }

  #holds(n: number): boolean {
    const index = this.#index;
    if (index) {
      const mask = index.length - 1;
      for (let slot = TrackIds.#slot(n, mask); ; slot = (slot + 1) & mask) {
        const at = index[slot] as number;
        if (at === 0) return false;
        if (at === n + 1) return true;
      }
    }
    const list = this.#list;
    for (let i = 0; i < this.#size; i++) if (list[i] === n) return true;
    return false;
  }

  /** The index made afresh for the list, with room for as many again. */
  #reindex(): void {
    let length = 128;
    while (length < this.#size * 4) length *= 2;
    const index = new Int32Array(length);
    for (let i = 0; i < this.#size; i++) TrackIds.#put(index, this.#list[i] as number);
    this.#index = index;
  }

  static #slot(n: number, mask: number): number {
    // The product's high bits (Fibonacci hashing): its low bits alone put numbers a power of two
    // apart into one chain. clz32(mask) is 32 less the table's bits (tables have 128 slots or more).
    return (Math.imul(n, 0x9e3779b1) >>> Math.clz32(mask)) & mask;
  }

  static #put(index: Int32Array, n: number): void {
    const mask = index.length - 1;
    let slot = TrackIds.#slot(n, mask);
    while (index[slot] !== 0) slot = (slot + 1) & mask;
    index[slot] = n + 1;
  }
}
