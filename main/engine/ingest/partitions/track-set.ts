/**
 * Every customer's distinct tracks as track numbers (see ByteTable), in one arena: customer `n`'s
 * set is a region of it, its numbers in the order they came (the store lists them as the
 * one-thread engine does) followed by an open-addressing table of twice as many slots. About 6
 * bytes a track, where a Set of strings takes 20–30.
 *
 * Why one arena: a set object per customer, each with two typed arrays, cost a listen four
 * dependent reads from memory (the list of sets, the set, its array, the array's bytes). At
 * 100,000 customers they were cache misses, and two thirds of the time a partition spent
 * counting a listen in. Now it is two: the customer's row of `#heads`, then its region.
 */

/** Per customer: where its region starts (-1: none yet), its capacity, its size. */
const HEAD = 3;
const FIRST_CAPACITY = 8;

export class TrackSets {
  #heads = new Int32Array(1024 * HEAD).fill(-1);
  #arena = new Int32Array(1 << 16);
  #used = 0;
  /** Slots of regions left behind when a set grew, reclaimed when they are most of the arena. */
  #abandoned = 0;

  /** The number of distinct tracks customer `n` has. */
  size(n: number): number {
    const h = n * HEAD;
    return h < this.#heads.length ? (this.#heads[h + 2] as number) : 0;
  }

  /** Adds track number `track` to customer `n`'s set. */
  add(n: number, track: number): void {
    const h = n * HEAD;
    if (h >= this.#heads.length) this.#growHeads(n);
    const heads = this.#heads;
    let at = heads[h] as number;
    if (at === -1) at = this.#place(n, FIRST_CAPACITY);
    let capacity = heads[h + 1] as number;
    const arena = this.#arena;
    // The table starts after the list: slot → number + 1 (0: empty).
    const table = at + capacity;
    const mask = capacity * 2 - 1;
    let slot = (Math.imul(track + 1, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const entry = arena[table + slot] as number;
      if (entry === 0) break;
      if (entry === track + 1) return;
      slot = (slot + 1) & mask;
    }
    const size = heads[h + 2] as number;
    if (size === capacity) {
      capacity *= 2;
      this.#regrow(n, capacity);
      this.add(n, track);
      return;
    }
    arena[table + slot] = track + 1;
    arena[at + size] = track;
    heads[h + 2] = size + 1;
  }

  /** Customer `n`'s numbers in the order added: a view, valid until the next add. */
  numbers(n: number): Int32Array {
    const h = n * HEAD;
    if (h >= this.#heads.length || this.#heads[h] === -1) return new Int32Array(0);
    const at = this.#heads[h] as number;
    return this.#arena.subarray(at, at + (this.#heads[h + 2] as number));
  }

  /** A region of `capacity` for customer `n` (empty, its head pointing to it); returns its start. */
  #place(n: number, capacity: number): number {
    const need = capacity * 3;
    if (this.#used + need > this.#arena.length) this.#makeRoom(need);
    const at = this.#used;
    this.#used += need;
    this.#arena.fill(0, at + capacity, at + need);
    const h = n * HEAD;
    this.#heads[h] = at;
    this.#heads[h + 1] = capacity;
    this.#heads[h + 2] = 0;
    return at;
  }

  /** Moves customer `n`'s set to a region of `capacity`, its numbers again in order. */
  #regrow(n: number, capacity: number): void {
    const h = n * HEAD;
    const old = this.numbers(n).slice();
    this.#abandoned += (this.#heads[h + 1] as number) * 3;
    this.#heads[h] = -1; // left behind: not copied if the arena is remade for the new region
    const at = this.#place(n, capacity);
    const arena = this.#arena;
    const table = at + capacity;
    const mask = capacity * 2 - 1;
    for (const track of old) {
      let slot = (Math.imul(track + 1, 0x9e3779b1) >>> 0) & mask;
      while (arena[table + slot] !== 0) slot = (slot + 1) & mask;
      arena[table + slot] = track + 1;
    }
    arena.set(old, at);
    this.#heads[h + 2] = old.length;
  }

  /**
   * Room for `need` more: the regions in use copied into a new arena, twice what they and `need`
   * take, so what grown sets left behind is dropped on the way.
   */
  #makeRoom(need: number): void {
    const live = this.#used - this.#abandoned;
    const arena = new Int32Array(Math.max(1 << 16, 2 * (live + need)));
    const heads = this.#heads;
    let used = 0;
    for (let h = 0; h < heads.length; h += HEAD) {
      const at = heads[h] as number;
      if (at === -1) continue;
      const length = (heads[h + 1] as number) * 3;
      arena.set(this.#arena.subarray(at, at + length), used);
      heads[h] = used;
      used += length;
    }
    this.#arena = arena;
    this.#used = used;
    this.#abandoned = 0;
  }

  #growHeads(n: number): void {
    let size = this.#heads.length;
    while (size <= n * HEAD) size *= 2;
    const heads = new Int32Array(size).fill(-1);
    heads.set(this.#heads);
    this.#heads = heads;
  }
}
