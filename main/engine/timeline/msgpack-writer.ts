/**
 * MessagePack written by hand, in the form lmdb-js reads back with its own decoder: the timeline's
 * chunks are most of what ingest writes, and msgpackr's general packer (an array per item, walked
 * value by value) was a fifth of what a listen cost. Only what chunks hold: arrays, whole and
 * other numbers, strings, booleans and null.
 */

export function arrayHeaderSize(n: number): number {
  return n < 16 ? 1 : n < 0x10000 ? 3 : 5;
}

/** Bytes writeInt takes for `v`. */
export function intSize(v: number): number {
  if (v >= 0) return v < 0x80 ? 1 : v < 0x10000 ? 3 : v < 0x100000000 ? 5 : 9;
  return v >= -32 ? 1 : v >= -0x80000000 ? 5 : 9;
}

export function stringSize(length: number): number {
  return length + (length < 32 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5);
}

function writeU32(out: Uint8Array, p: number, v: number): number {
  out[p] = v >>> 24;
  out[p + 1] = (v >>> 16) & 0xff;
  out[p + 2] = (v >>> 8) & 0xff;
  out[p + 3] = v & 0xff;
  return p + 4;
}

export function writeArrayHeader(out: Uint8Array, p: number, n: number): number {
  if (n < 16) {
    out[p] = 0x90 | n;
    return p + 1;
  }
  if (n < 0x10000) {
    out[p] = 0xdc;
    out[p + 1] = n >>> 8;
    out[p + 2] = n & 0xff;
    return p + 3;
  }
  out[p] = 0xdd;
  return writeU32(out, p + 1, n);
}

const scratch = new DataView(new ArrayBuffer(8));

export function writeFloat(out: Uint8Array, p: number, v: number): number {
  out[p] = 0xcb;
  scratch.setFloat64(0, v);
  for (let i = 0; i < 8; i++) out[p + 1 + i] = scratch.getUint8(i);
  return p + 9;
}

/** A whole number in the smallest form; past 32 bits as a float64 (msgpackr reads back either). */
export function writeInt(out: Uint8Array, p: number, v: number): number {
  if (v >= 0) {
    if (v < 0x80) {
      out[p] = v;
      return p + 1;
    }
    if (v < 0x10000) {
      out[p] = 0xcd;
      out[p + 1] = v >>> 8;
      out[p + 2] = v & 0xff;
      return p + 3;
    }
    if (v < 0x100000000) {
      out[p] = 0xce;
      return writeU32(out, p + 1, v);
    }
    return writeFloat(out, p, v);
  }
  if (v >= -32) {
    out[p] = v & 0xff;
    return p + 1;
  }
  if (v >= -0x80000000) {
    out[p] = 0xd2;
    return writeU32(out, p + 1, v >>> 0);
  }
  return writeFloat(out, p, v);
}

/** A string header for `length` bytes of UTF-8; returns where the bytes go. */
export function writeStringHeader(out: Uint8Array, p: number, length: number): number {
  let q = p;
  if (length < 32) out[q++] = 0xa0 | length;
  else if (length < 0x100) {
    out[q++] = 0xd9;
    out[q++] = length;
  } else if (length < 0x10000) {
    out[q++] = 0xda;
    out[q++] = length >>> 8;
    out[q++] = length & 0xff;
  } else {
    out[q++] = 0xdb;
    q = writeU32(out, q, length);
  }
  return q;
}

/** A value of a chunk: what TimelineItem and CRM changes hold. */
export type PackedValue = number | string | boolean | null | readonly PackedValue[];

/** Packs values into one growing buffer; `take()` copies out what was written since the last take. */
export class MessagePackWriter {
  #out = Buffer.allocUnsafe(1 << 16);
  #p = 0;

  write(v: PackedValue): void {
    // The largest a header and a number take; strings and arrays make room for themselves.
    this.#room(9);
    const out = this.#out;
    if (v === null) out[this.#p++] = 0xc0;
    else if (typeof v === 'number') {
      this.#p = Number.isInteger(v) ? writeInt(out, this.#p, v) : writeFloat(out, this.#p, v);
    } else if (typeof v === 'string') this.#string(v);
    else if (typeof v === 'boolean') out[this.#p++] = v ? 0xc3 : 0xc2;
    else {
      this.#p = writeArrayHeader(out, this.#p, v.length);
      for (const item of v) this.write(item);
    }
  }

  /** An array header for `n` values that follow. */
  array(n: number): void {
    this.#room(5);
    this.#p = writeArrayHeader(this.#out, this.#p, n);
  }

  /** Bytes written since the last take. */
  get length(): number {
    return this.#p;
  }

  /** What was written since the last take, in an ArrayBuffer of its own (to transfer to a thread). */
  takeOwn(): Uint8Array {
    const bytes = new Uint8Array(this.#p);
    bytes.set(this.#out.subarray(0, this.#p));
    this.#p = 0;
    return bytes;
  }

  /** What was written since the last take, as a buffer of its own. */
  take(): Uint8Array {
    const bytes = Uint8Array.prototype.slice.call(this.#out, 0, this.#p);
    this.#p = 0;
    return bytes;
  }

  #string(s: string): void {
    // ASCII, as nearly every id and time is, is written without asking for its UTF-8 length.
    const n = s.length;
    let ascii = n < 32;
    for (let i = 0; ascii && i < n; i++) ascii = s.charCodeAt(i) < 0x80;
    if (ascii) {
      this.#room(n + 1);
      const out = this.#out;
      let p = this.#p;
      out[p++] = 0xa0 | n;
      for (let i = 0; i < n; i++) out[p++] = s.charCodeAt(i);
      this.#p = p;
      return;
    }
    const length = Buffer.byteLength(s, 'utf8');
    this.#room(length + 5);
    const at = writeStringHeader(this.#out, this.#p, length);
    this.#p = at + this.#out.write(s, at, 'utf8');
  }

  #room(n: number): void {
    if (this.#p + n <= this.#out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#out.length * 2, this.#p + n));
    this.#out.copy(grown, 0, 0, this.#p);
    this.#out = grown;
  }
}
