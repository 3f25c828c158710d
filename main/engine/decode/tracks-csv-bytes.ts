import { dayOfWeekOf, dayStartOf } from '../../../shared/timestamp.js';
import { MAX_ID, MAX_TEXT } from './record-ids.js';

/**
 * Tracks CSV lines read from their bytes, for partitioned batch ingest: no string per line, and
 * none per field the profile does not keep. It accepts only the plain form nearly every line has
 * (six fields, no quotes, printable ASCII, ids without surrounding spaces, `YYYY-MM-DD HH:MM:SS`
 * with an optional `Z`, mobile as 0/1/true/false) and says "not sure" for everything else, which
 * then goes through decodeTracksCsvLine as before: so both accept and reject exactly the same
 * lines, with the same results (property-tested in test/unit/tracks-csv-bytes.test.ts).
 */

/** Where each field of a plain listen line lies, and its time; filled in place (no object per line). */
export interface ListenFields {
  customerStart: number;
  customerEnd: number;
  trackStart: number;
  trackEnd: number;
  tsStart: number;
  tsEnd: number;
  /** Equal when the line has no zip. */
  zipStart: number;
  zipEnd: number;
  epochMs: number;
  hour: number;
  dayOfWeek: number;
  mobile: boolean;
}

export function listenFields(): ListenFields {
  return {
    customerStart: 0,
    customerEnd: 0,
    trackStart: 0,
    trackEnd: 0,
    tsStart: 0,
    tsEnd: 0,
    zipStart: 0,
    zipEnd: 0,
    epochMs: 0,
    hour: 0,
    dayOfWeek: 0,
    mobile: false,
  };
}

const COMMA = 44;
const SPACE = 32;

const digit = (b: number | undefined): number => (b !== undefined && b >= 48 && b <= 57 ? b - 48 : -1);
const two = (buf: Uint8Array, i: number): number => {
  const a = digit(buf[i]);
  const b = digit(buf[i + 1]);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
};

/** An id as decodeTracksCsvLine keeps it: 1–64 characters, no space at either end. */
function plainId(buf: Uint8Array, start: number, end: number): boolean {
  return end > start && end - start <= MAX_ID && buf[start] !== SPACE && buf[end - 1] !== SPACE;
}

/** `YYYY-MM-DD HH:MM:SS` (or `T`, or a trailing `Z`), read into `out`; false when not exactly that. */
export function plainTime(buf: Uint8Array, start: number, end: number, out: ListenFields): boolean {
  const n = end - start;
  if (n !== 19 && !(n === 20 && buf[start + 19] === 90)) return false;
  const sep = buf[start + 10];
  if (
    buf[start + 4] !== 45 ||
    buf[start + 7] !== 45 ||
    (sep !== 32 && sep !== 84) ||
    buf[start + 13] !== 58 ||
    buf[start + 16] !== 58
  )
    return false;
  const century = two(buf, start);
  const yy = two(buf, start + 2);
  const month = two(buf, start + 5);
  const day = two(buf, start + 8);
  const hour = two(buf, start + 11);
  const minute = two(buf, start + 14);
  const second = two(buf, start + 17);
  if ((century | yy | month | day | hour | minute | second) < 0) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const dayStart = dayStartOf(century * 100 + yy, month, day);
  if (Number.isNaN(dayStart)) return false;
  out.epochMs = dayStart + ((hour * 60 + minute) * 60 + second) * 1000;
  out.hour = hour;
  out.dayOfWeek = dayOfWeekOf(dayStart);
  return true;
}

/** 0, 1, true or false exactly; anything else (` 1`, `TRUE`) is left to the string decoder. */
function plainMobile(buf: Uint8Array, start: number, end: number, out: ListenFields): boolean {
  const n = end - start;
  if (n === 1) {
    const b = buf[start];
    if (b !== 48 && b !== 49) return false;
    out.mobile = b === 49;
    return true;
  }
  if (
    n === 4 &&
    buf[start] === 116 &&
    buf[start + 1] === 114 &&
    buf[start + 2] === 117 &&
    buf[start + 3] === 101
  ) {
    out.mobile = true;
    return true;
  }
  if (
    n === 5 &&
    buf[start] === 102 &&
    buf[start + 1] === 97 &&
    buf[start + 2] === 108 &&
    buf[start + 3] === 115 &&
    buf[start + 4] === 101
  ) {
    out.mobile = false;
    return true;
  }
  return false;
}

/**
 * Reads the line `buf[start, end)` (no line break) into `out`. True: a valid listen, its fields
 * in `out`. False: not sure; decode the line as text instead (it may still be valid, or not).
 */
export function scanListenLine(buf: Uint8Array, start: number, end: number, out: ListenFields): boolean {
  // Field starts; the sixth field runs to the end of the line.
  let f1 = -1;
  let f2 = -1;
  let f3 = -1;
  let f4 = -1;
  let f5 = -1;
  let field = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (b === COMMA) {
      field += 1;
      if (field === 1) f1 = i + 1;
      else if (field === 2) f2 = i + 1;
      else if (field === 3) f3 = i + 1;
      else if (field === 4) f4 = i + 1;
      else if (field === 5) f5 = i + 1;
      else return false;
    } else if (b < 0x20 || b > 0x7e || b === 34) return false; // control, non-ASCII, quote
  }
  if (field !== 5) return false;
  if (f1 - 1 - start > MAX_TEXT || end - f5 > MAX_TEXT) return false; // event id, zip
  if (!plainId(buf, f1, f2 - 1) || !plainId(buf, f2, f3 - 1)) return false;
  if (!plainTime(buf, f3, f4 - 1, out) || !plainMobile(buf, f4, f5 - 1, out)) return false;
  out.customerStart = f1;
  out.customerEnd = f2 - 1;
  out.trackStart = f2;
  out.trackEnd = f3 - 1;
  out.tsStart = f3;
  out.tsEnd = f4 - 1;
  out.zipStart = f5;
  out.zipEnd = end;
  return true;
}
