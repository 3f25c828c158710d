import type { ListenEvent } from '../../../shared/events.js';
import { fastListen } from './fast-paths.js';
import { MAX_ID, MAX_TEXT } from './record-ids.js';
import { type ListenFields, listenFields, plainTime } from './tracks-csv-bytes.js';

/**
 * JSON listens read from their bytes, for the Kafka clickstream: no string for the whole message,
 * no parse tree, one string per field kept. It accepts only the plain form producers write (one
 * flat object; the keys of a listen, each once; string values of printable ASCII without escapes;
 * true, false, null or a small non-negative integer) and says "not sure" (null) for everything
 * else, which then goes through JSON.parse and the tolerant reader as before. For what it accepts
 * it hands the same values JSON.parse would to the same fast path, so both decode every message
 * alike (property-tested in test/unit/json-listen-bytes.test.ts).
 *
 * scanPlainListen goes one step further for the plainest of these (ids without surrounding
 * spaces, the time in one of the two forms a profile keeps without its text): it makes no string
 * at all and says where each field lies, for listens read in place (ingest/listen-run.ts).
 */

const KEYS = ['type', 'eventId', 'customerId', 'trackId', 'ts', 'mobile', 'zip'].map((k) =>
  Uint8Array.from(k, (c) => c.charCodeAt(0)),
);
const TYPE = 0;
const LISTEN = Uint8Array.from('listen', (c) => c.charCodeAt(0));

const QUOTE = 34;
const BACKSLASH = 92;

/** What a key's value was: absent, a string (its content), true, false, null, or an integer (its digits). */
const ABSENT = 0;
const STRING = 1;
const TRUE = 2;
const FALSE = 3;
const NULL = 4;
const NUMBER = 5;

/** Per key (KEYS order): its value's kind and where it lies, filled by scanListen, reused call to call. */
const kinds = new Uint8Array(KEYS.length);
const starts = new Int32Array(KEYS.length);
const ends = new Int32Array(KEYS.length);

function isSpace(b: number): boolean {
  return b === 32 || b === 10 || b === 13 || b === 9;
}

/** The key at `[start, end)`, or −1 when it is not one of a listen's (told apart by length first). */
function keyIndex(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let k: number;
  switch (length) {
    case 2:
      k = 4;
      break;
    case 3:
      k = 6;
      break;
    case 4:
      k = 0;
      break;
    case 6:
      k = 5;
      break;
    case 7:
      k = buf[start] === 101 ? 1 : 3; // eventId, trackId
      break;
    case 10:
      k = 2;
      break;
    default:
      return -1;
  }
  const key = KEYS[k] as Uint8Array;
  for (let i = 0; i < length; i++) if (buf[start + i] !== key[i]) return -1;
  return k;
}

/** Per byte, inside a plain string: 0 goes on, 1 ends it (the quote), 2 is not plain (an escape, a control or non-ASCII byte). */
const IN_STRING = Uint8Array.from({ length: 256 }, (_, b) =>
  b === QUOTE ? 1 : b === BACKSLASH || b < 0x20 || b >= 0x80 ? 2 : 0,
);

/** Where a plain string's content that starts at `start` ends (its closing quote), or −1. */
function stringEnd(buf: Uint8Array, start: number, end: number): number {
  // One table look-up a byte: the hottest loop of reading a listen.
  let i = start;
  while (i < end && IN_STRING[buf[i] as number] === 0) i++;
  return i < end && buf[i] === QUOTE ? i : -1;
}

/** True when `word` is at `buf[at]`, before `end`. */
function matches(buf: Uint8Array, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads the value at `buf[i]` (before `end`) as key `k`'s into kinds/starts/ends; returns where it
 * ends, or −1 when it is not a plain string, true, false, null or small integer.
 */
function readValue(buf: Uint8Array, i: number, end: number, k: number): number {
  const b = i < end ? (buf[i] as number) : -1;
  if (b === QUOTE) {
    const valueEnd = stringEnd(buf, i + 1, end);
    if (valueEnd === -1) return -1;
    kinds[k] = STRING;
    starts[k] = i + 1;
    ends[k] = valueEnd;
    return valueEnd + 1;
  }
  if (b === 116 && matches(buf, i, end, 'true')) {
    kinds[k] = TRUE;
    return i + 4;
  }
  if (b === 102 && matches(buf, i, end, 'false')) {
    kinds[k] = FALSE;
    return i + 5;
  }
  if (b === 110 && matches(buf, i, end, 'null')) {
    kinds[k] = NULL;
    return i + 4;
  }
  if (b < 48 || b > 57) return -1;
  // A non-negative integer of up to 15 digits, without a leading zero: exact as a double, and
  // written by String() exactly as here.
  let j = i;
  while (j < end && (buf[j] as number) >= 48 && (buf[j] as number) <= 57) j++;
  if (j - i > 15 || (b === 48 && j - i > 1)) return -1;
  const after = j < end ? buf[j] : -1;
  if (after === 46 || after === 101 || after === 69) return -1;
  kinds[k] = NUMBER;
  starts[k] = i;
  ends[k] = j;
  return j;
}

/**
 * Reads the object at `buf[start, end)` into kinds/starts/ends; nothing past `end` is read (a
 * message may sit in a batch's buffer, with the next right after it). False when it is not the
 * plain form described above, or not a listen.
 */
function scanListen(buf: Uint8Array, start: number, end: number): boolean {
  kinds.fill(ABSENT);
  let seen = 0;
  let isListen = false;
  /** The byte at `i`, or −1 past the end. */
  const at = (i: number): number => (i < end ? (buf[i] as number) : -1);
  let i = start;
  while (isSpace(at(i))) i++;
  if (at(i) !== 123) return false;
  i++;
  for (;;) {
    while (isSpace(at(i))) i++;
    if (at(i) !== QUOTE) return false;
    const keyEnd = stringEnd(buf, i + 1, end);
    if (keyEnd === -1) return false;
    const k = keyIndex(buf, i + 1, keyEnd);
    if (k === -1 || (seen & (1 << k)) !== 0) return false;
    seen |= 1 << k;
    i = keyEnd + 1;
    while (isSpace(at(i))) i++;
    if (at(i) !== 58) return false;
    i++;
    while (isSpace(at(i))) i++;
    i = readValue(buf, i, end, k);
    if (i === -1) return false;
    if (k === TYPE) {
      isListen = kinds[k] === STRING && (ends[k] as number) - (starts[k] as number) === LISTEN.length;
      isListen &&= matches(buf, starts[k] as number, ends[k] as number, 'listen');
      if (!isListen) return false;
    }
    while (isSpace(at(i))) i++;
    if (at(i) === 44) {
      i++;
      continue;
    }
    if (at(i) !== 125) return false;
    i++;
    break;
  }
  while (isSpace(at(i))) i++;
  return i === end && isListen;
}

/**
 * The layout producers write (`c360 produce`, the demo: encodeEvent through JSON.stringify): a
 * listen's keys in this order, no spaces. Matched as a whole, it fills kinds/starts/ends as
 * scanListen does, at about half its cost: nothing is searched for but the end of each string.
 */
const LAYOUT = [
  '{"type":"listen","eventId":',
  ',"customerId":',
  ',"trackId":',
  ',"ts":',
  ',"mobile":',
  ',"zip":',
].map((part) => Uint8Array.from(part, (c) => c.charCodeAt(0)));

/** scanListen for a message in the producers' layout; false for any other (scanListen then decides). */
function scanLayout(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  for (let part = 0; part < LAYOUT.length; part++) {
    const literal = LAYOUT[part] as Uint8Array;
    if (i + literal.length > end) return false;
    for (let j = 0; j < literal.length; j++) if (buf[i + j] !== literal[j]) return false;
    i += literal.length;
    // Keys 1… in KEYS order: eventId, customerId, trackId, ts, mobile, zip.
    i = readValue(buf, i, end, part + 1);
    if (i === -1) return false;
  }
  if (i + 1 !== end || buf[i] !== 125) return false;
  kinds[TYPE] = STRING;
  return true;
}

/** Key `k`'s value as JSON.parse gives it (undefined: absent). */
function valueAt(buf: Buffer, k: number): unknown {
  switch (kinds[k]) {
    case STRING:
      return buf.toString('latin1', starts[k], ends[k]);
    case TRUE:
      return true;
    case FALSE:
      return false;
    case NULL:
      return null;
    case NUMBER: {
      let n = 0;
      for (let i = starts[k] as number; i < (ends[k] as number); i++) n = n * 10 + (buf[i] as number) - 48;
      return n;
    }
    default:
      return undefined;
  }
}

/**
 * The listen that `buf` holds, or null when this reader is not sure (any other record, form or
 * outcome: the caller decodes the text as before).
 */
export function decodeListenBytes(buf: Buffer): ListenEvent | null {
  if (!scanListen(buf, 0, buf.length)) return null;
  return fastListen(
    valueAt(buf, 1),
    valueAt(buf, 2),
    valueAt(buf, 3),
    valueAt(buf, 4),
    valueAt(buf, 5),
    valueAt(buf, 6),
  );
}

/** A plain listen's fields where they lie in its bytes (no string made), filled by scanPlainListen. */
export interface PlainListenFields extends ListenFields {
  /** Equal when the listen has no event id. */
  eventIdStart: number;
  eventIdEnd: number;
  /** The time as a profile keeps its text (keptText): `YYYY-MM-DD HH:MM:SS` (null) or `…T…Z` (''). */
  isoTime: boolean;
}

export function plainListenFields(): PlainListenFields {
  return { ...listenFields(), eventIdStart: 0, eventIdEnd: 0, isoTime: false };
}

/** An id's value as fastListen keeps it, untouched: a string of 1–64 characters, no space at either end, no DEL, or an integer. */
function plainId(buf: Uint8Array, k: number): boolean {
  const kind = kinds[k];
  if (kind === NUMBER) return true;
  if (kind !== STRING) return false;
  const start = starts[k] as number;
  const end = ends[k] as number;
  if (end <= start || end - start > MAX_ID || buf[start] === 32 || buf[end - 1] === 32) return false;
  for (let i = start; i < end; i++) if (buf[i] === 0x7f) return false;
  return true;
}

/** An optional text (event id, zip) as fastListen keeps it, as written: absent, null or '' (none), or a string without DEL, or an integer. */
function plainText(buf: Uint8Array, k: number): boolean {
  const kind = kinds[k];
  if (kind === ABSENT || kind === NULL || kind === NUMBER) return true;
  if (kind !== STRING || (ends[k] as number) - (starts[k] as number) > MAX_TEXT) return false;
  for (let i = starts[k] as number; i < (ends[k] as number); i++) if (buf[i] === 0x7f) return false;
  return true;
}

/** The mobile flag as fastListen reads it, from the plain forms: absent, true, false, 0, 1, "0", "1", "true", "false". */
function plainMobile(buf: Uint8Array, k: number, out: ListenFields): boolean {
  switch (kinds[k]) {
    case ABSENT:
    case FALSE:
      out.mobile = false;
      return true;
    case TRUE:
      out.mobile = true;
      return true;
    case NUMBER:
    case STRING: {
      const start = starts[k] as number;
      const n = (ends[k] as number) - start;
      if (n === 1 && (buf[start] === 48 || buf[start] === 49)) {
        out.mobile = buf[start] === 49;
        return true;
      }
      if (kinds[k] === NUMBER) return false;
      if (n === 4 && matches(buf, start, start + n, 'true')) {
        out.mobile = true;
        return true;
      }
      if (n === 5 && matches(buf, start, start + n, 'false')) {
        out.mobile = false;
        return true;
      }
      return false;
    }
    default:
      return false;
  }
}

/**
 * Reads the listen at `buf[start, end)` into `out` without making a string: true for a valid
 * listen in the plainest form (ids without surrounding spaces, the time as `YYYY-MM-DD HH:MM:SS`
 * or `YYYY-MM-DDTHH:MM:SSZ`), which decodeListenBytes would read to the same values. False: not
 * sure; decode the message as before.
 */
export function scanPlainListen(
  buf: Uint8Array,
  start: number,
  end: number,
  out: PlainListenFields,
): boolean {
  if (!scanLayout(buf, start, end) && !scanListen(buf, start, end)) return false;
  if (!plainId(buf, 2) || !plainId(buf, 3) || !plainText(buf, 1) || !plainText(buf, 6)) return false;
  if (kinds[4] !== STRING || !plainMobile(buf, 5, out)) return false;
  const tsStart = starts[4] as number;
  const tsEnd = ends[4] as number;
  const n = tsEnd - tsStart;
  const sep = buf[tsStart + 10];
  // The two forms a profile keeps without their text (keptText); any other is left to the text path.
  if (!((n === 19 && sep === 32) || (n === 20 && sep === 84 && buf[tsStart + 19] === 90))) return false;
  if (!plainTime(buf, tsStart, tsEnd, out)) return false;
  out.isoTime = n === 20;
  out.tsStart = tsStart;
  out.tsEnd = tsEnd;
  out.customerStart = starts[2] as number;
  out.customerEnd = ends[2] as number;
  out.trackStart = starts[3] as number;
  out.trackEnd = ends[3] as number;
  const text = (k: number) => kinds[k] === STRING || kinds[k] === NUMBER;
  out.eventIdStart = text(1) ? (starts[1] as number) : 0;
  out.eventIdEnd = text(1) ? (ends[1] as number) : 0;
  out.zipStart = text(6) ? (starts[6] as number) : 0;
  out.zipEnd = text(6) ? (ends[6] as number) : 0;
  return true;
}
