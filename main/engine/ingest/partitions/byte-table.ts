/**
 * Numbers for byte strings (customer ids, track ids, zips) read in place from a line: a known one
 * is found without making a string, so the hot path allocates nothing for it; a new one gets the
 * next number and its string, made once. Open addressing over FNV-1a hashes, keys compared byte by
 * byte against the strings kept (the fast path only hands over ASCII, so a string's char codes
 * are its bytes; other text is turned into bytes first, see numberOf).
 */

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

/** FNV-1a of `buf[start, end)`: what decides a customer's partition (partition-of.ts), and its slot here. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), PRIME);
  return h >>> 0;
}

/** Per entry: its hash, length, where its bytes start in the pool, and its first four bytes. */
const STRIDE = 4;

/** Up to the first four bytes of `buf[start, end)`, as one integer (short ids compare in one step). */
function head(buf: Uint8Array, start: number, end: number): number {
  let w = 0;
  for (let i = start; i < end && i < start + 4; i++) w = (w << 8) | (buf[i] as number);
  return w;
}

export class ByteTable {
  /** The string of each number. */
  readonly strings: string[] = [];
  /** Every key's bytes, one after another (UTF-8). */
  #pool = new Uint8Array(1 << 16);
  #used = 0;
  /** STRIDE integers per number: one place in memory to look at before any byte is compared. */
  #entries = new Int32Array(1024 * STRIDE);
  /** Slot → number + 1 (0: empty). */
  #slots = new Int32Array(2048);
  #mask = 2047;

  get size(): number {
    return this.strings.length;
  }

  /** The number of `buf[start, end)` (hashed `hash`), made if new. */
  intern(buf: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const first = head(buf, start, end);
    const slots = this.#slots;
    const entries = this.#entries;
    const mask = this.#mask;
    // A second mix: partitions take the hash modulo their count, so its low bits are alike here.
    let slot = (Math.imul(hash, 0x9e3779b1) >>> 7) & mask;
    for (;;) {
      const entry = slots[slot] as number;
      if (entry === 0) break;
      const e = (entry - 1) * STRIDE;
      if (entries[e] === (hash | 0) && entries[e + 1] === length && entries[e + 3] === first) {
        if (length <= 4) return entry - 1;
        const pool = this.#pool;
        const at = (entries[e + 2] as number) - start;
        let i = start + 4;
        while (i < end && pool[at + i] === buf[i]) i++;
        if (i === end) return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
    return this.#add(buf, start, end, hash, first, slot);
  }

  /** How many bytes number `n` has. */
  lengthOf(n: number): number {
    return this.#entries[n * STRIDE + 1] as number;
  }

  /** Copies the bytes of number `n` to `out` at `at` (no view made: this runs once per listen). */
  copyTo(n: number, out: Uint8Array, at: number): void {
    const e = n * STRIDE;
    const from = this.#entries[e + 2] as number;
    const length = this.#entries[e + 1] as number;
    const pool = this.#pool;
    for (let i = 0; i < length; i++) out[at + i] = pool[from + i] as number;
  }

  #add(buf: Uint8Array, start: number, end: number, hash: number, first: number, slot: number): number {
    const n = this.strings.length;
    const length = end - start;
    if ((n + 1) * STRIDE > this.#entries.length) {
      const entries = new Int32Array(this.#entries.length * 2);
      entries.set(this.#entries);
      this.#entries = entries;
    }
    while (this.#used + length > this.#pool.length) {
      const pool = new Uint8Array(this.#pool.length * 2);
      pool.set(this.#pool.subarray(0, this.#used));
      this.#pool = pool;
    }
    this.#pool.set(buf.subarray(start, end), this.#used);
    const e = n * STRIDE;
    this.#entries[e] = hash | 0;
    this.#entries[e + 1] = length;
    this.#entries[e + 2] = this.#used;
    this.#entries[e + 3] = first;
    this.#used += length;
    this.strings.push(Buffer.from(buf.buffer, buf.byteOffset + start, length).toString('utf8'));
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
      let slot = (Math.imul(this.#entries[n * STRIDE] as number, 0x9e3779b1) >>> 7) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = n + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
