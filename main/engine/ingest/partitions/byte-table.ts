/**
 * Numbers for byte strings (customer ids, track ids, zips) read in place from a line: a known one
 * is found without making a string, so the hot path allocates nothing for it; a new one gets the
 * next number and its string, made once. Open addressing over FNV-1a hashes, keys compared byte by
 * byte against the strings kept (the fast path only hands over ASCII, so a string's char codes
 * are its bytes; other text is turned into bytes first, see numberOf).
 */

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

/** FNV-1a of `buf[start, end)`, as partitionOfBytes computes it. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), PRIME);
  return h >>> 0;
}

export class ByteTable {
  /** The string of each number. */
  readonly strings: string[] = [];
  /** Every key's bytes, one after another (UTF-8): one block, so a comparison stays in cache. */
  #pool = new Uint8Array(1 << 16);
  #used = 0;
  /** Per number: where its bytes start in the pool, how many, and its hash. */
  #starts = new Int32Array(1024);
  #lengths = new Int32Array(1024);
  #hashes = new Int32Array(1024);
  /** Slot → number + 1 (0: empty). */
  #slots = new Int32Array(2048);
  #mask = 2047;

  get size(): number {
    return this.strings.length;
  }

  /** The number of `buf[start, end)` (hashed `hash`), made if new. */
  intern(buf: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.#slots;
    const mask = this.#mask;
    // A second mix: partitions take the hash modulo their count, so its low bits are alike here.
    let slot = (Math.imul(hash, 0x9e3779b1) >>> 7) & mask;
    for (;;) {
      const entry = slots[slot] as number;
      if (entry === 0) break;
      const n = entry - 1;
      if (this.#hashes[n] === (hash | 0) && this.#lengths[n] === length) {
        const pool = this.#pool;
        const at = this.#starts[n] as number;
        let i = 0;
        while (i < length && pool[at + i] === buf[start + i]) i++;
        if (i === length) return n;
      }
      slot = (slot + 1) & mask;
    }
    return this.#add(buf, start, end, hash, slot);
  }

  #add(buf: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const n = this.strings.length;
    const length = end - start;
    if (n === this.#starts.length) {
      const grown = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#starts = grown(this.#starts);
      this.#lengths = grown(this.#lengths);
      this.#hashes = grown(this.#hashes);
    }
    while (this.#used + length > this.#pool.length) {
      const pool = new Uint8Array(this.#pool.length * 2);
      pool.set(this.#pool.subarray(0, this.#used));
      this.#pool = pool;
    }
    this.#pool.set(buf.subarray(start, end), this.#used);
    this.#starts[n] = this.#used;
    this.#lengths[n] = length;
    this.#hashes[n] = hash | 0;
    this.#used += length;
    this.strings.push(
      Buffer.from(this.#pool.buffer, this.#pool.byteOffset + this.#used - length, length).toString('utf8'),
    );
    this.#slots[slot] = n + 1;
    if (this.strings.length * 2 > this.#mask) this.#grow();
    return n;
  }

  /** The number of a string (made if new). */
  numberOf(text: string): number {
    const bytes = Buffer.from(text, 'utf8');
    return this.intern(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
  }

  #grow(): void {
    const size = this.#slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let n = 0; n < this.strings.length; n++) {
      let slot = (Math.imul(this.#hashes[n] as number, 0x9e3779b1) >>> 7) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = n + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
