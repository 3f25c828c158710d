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

/**
 * Where `byte` first is in `buf[from, end)`, or -1. A loop here, not Buffer.indexOf: the byte is
 * a few places away (a line's commas, its end), and the call into native code cost more than the
 * search: three calls a line in each partition were a fifth of what a partition did with 5,000
 * customers.
 */
export function findByte(buf: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === byte) return i;
  return -1;
}

/** Per number: its length, and where its bytes start in the pool. */
const ENTRY = 2;
/**
 * Per slot: number + 1 (0: empty), hash, length, the key's first four bytes and its next four.
 * A lookup of a known key of up to eight bytes (the ids, tracks and zips seen so far) reads its
 * slot and nothing else: with a number's details in a table of their own and its bytes in the
 * pool, each lookup read three places in memory, and at 100,000 customers (tables of 50,000 keys
 * each, three lookups a listen) those cache misses were a sixth of what a partition did.
 */
const SLOT = 8;

/** Four bytes of `buf` from `from` (fewer before `end`), as one integer. */
function word(buf: Uint8Array, from: number, end: number): number {
  let w = 0;
  for (let i = from; i < end && i < from + 4; i++) w = (w << 8) | (buf[i] as number);
  return w;
}

export class ByteTable {
  /** The string of each number. */
  readonly strings: string[] = [];
  /** Every key's bytes, one after another (UTF-8). */
  #pool = new Uint8Array(1 << 16);
  #used = 0;
  #entries = new Int32Array(1024 * ENTRY);
  #slots = new Int32Array(2048 * SLOT);
  /** Slots - 1 (a power of two). */
  #mask = 2047;

  get size(): number {
    return this.strings.length;
  }

  /** The number of `buf[start, end)` (hashed `hash`), made if new. */
  intern(buf: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const first = word(buf, start, end);
    const second = word(buf, start + 4, end);
    const slots = this.#slots;
    const mask = this.#mask;
    // A second mix: partitions take the hash modulo their count, so its low bits are alike here.
    let slot = (Math.imul(hash, 0x9e3779b1) >>> 7) & mask;
    for (;;) {
      const s = slot * SLOT;
      const entry = slots[s] as number;
      if (entry === 0) break;
      if (
        slots[s + 1] === (hash | 0) &&
        slots[s + 2] === length &&
        slots[s + 3] === first &&
        slots[s + 4] === second
      ) {
        if (length <= 8) return entry - 1;
        const pool = this.#pool;
        const at = (this.#entries[(entry - 1) * ENTRY + 1] as number) - start;
        let i = start + 8;
        while (i < end && pool[at + i] === buf[i]) i++;
        if (i === end) return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
    return this.#add(buf, start, end, hash, slot);
  }

  /** How many bytes number `n` has. */
  lengthOf(n: number): number {
    return this.#entries[n * ENTRY] as number;
  }

  /** Copies the bytes of number `n` to `out` at `at` (no view made: this runs once per listen). */
  copyTo(n: number, out: Uint8Array, at: number): void {
    const e = n * ENTRY;
    const length = this.#entries[e] as number;
    const from = this.#entries[e + 1] as number;
    const pool = this.#pool;
    for (let i = 0; i < length; i++) out[at + i] = pool[from + i] as number;
  }

  #add(buf: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const n = this.strings.length;
    const length = end - start;
    if ((n + 1) * ENTRY > this.#entries.length) {
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
    this.#entries[n * ENTRY] = length;
    this.#entries[n * ENTRY + 1] = this.#used;
    this.#used += length;
    this.strings.push(Buffer.from(buf.buffer, buf.byteOffset + start, length).toString('utf8'));
    this.#fill(this.#slots, slot, n, hash);
    if (this.strings.length * 2 > this.#mask) this.#grow();
    return n;
  }

  /** Writes number `n` (hashed `hash`) into `slot`, with its length and first eight bytes. */
  #fill(slots: Int32Array, slot: number, n: number, hash: number): void {
    const e = n * ENTRY;
    const length = this.#entries[e] as number;
    const from = this.#entries[e + 1] as number;
    const end = from + length;
    const s = slot * SLOT;
    slots[s] = n + 1;
    slots[s + 1] = hash | 0;
    slots[s + 2] = length;
    slots[s + 3] = word(this.#pool, from, end);
    slots[s + 4] = word(this.#pool, from + 4, end);
  }

  /** The number of a string (made if new). */
  numberOf(text: string): number {
    const bytes = Buffer.from(text, 'utf8');
    return this.intern(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
  }

  #grow(): void {
    const size = (this.#mask + 1) * 2;
    const old = this.#slots;
    const slots = new Int32Array(size * SLOT);
    const mask = size - 1;
    for (let s = 0; s < old.length; s += SLOT) {
      const entry = old[s] as number;
      if (entry === 0) continue;
      const hash = old[s + 1] as number;
      let slot = (Math.imul(hash, 0x9e3779b1) >>> 7) & mask;
      while (slots[slot * SLOT] !== 0) slot = (slot + 1) & mask;
      slots.set(old.subarray(s, s + SLOT), slot * SLOT);
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
