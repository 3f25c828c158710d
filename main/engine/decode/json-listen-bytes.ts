import type { ListenEvent } from '../../../shared/events.js';
import { fastListen } from './fast-paths.js';

/**
 * JSON listens read from their bytes, for the Kafka clickstream: no string for the whole message,
 * no parse tree, one string per field kept. It accepts only the plain form producers write (one
 * flat object; the keys of a listen, each once; string values of printable ASCII without escapes;
 * true, false, null or a small non-negative integer) and says "not sure" (null) for everything
 * else, which then goes through JSON.parse and the tolerant reader as before. For what it accepts
 * it hands the same values JSON.parse would to the same fast path, so both decode every message
 * alike (property-tested in test/unit/json-listen-bytes.test.ts).
 */

const KEYS = ['type', 'eventId', 'customerId', 'trackId', 'ts', 'mobile', 'zip'].map((k) =>
  Uint8Array.from(k, (c) => c.charCodeAt(0)),
);
const TYPE = 0;
const LISTEN = Uint8Array.from('listen', (c) => c.charCodeAt(0));

const QUOTE = 34;
const BACKSLASH = 92;

/** The values found, by key (undefined: absent), reused call to call. */
const values: unknown[] = new Array(KEYS.length);

function isSpace(b: number | undefined): boolean {
  return b === 32 || b === 10 || b === 13 || b === 9;
}

/** The key at `[start, end)`, or −1 when it is not one of a listen's. */
function keyIndex(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  for (let k = 0; k < KEYS.length; k++) {
    const key = KEYS[k] as Uint8Array;
    if (key.length !== length) continue;
    let i = 0;
    while (i < length && buf[start + i] === key[i]) i++;
    if (i === length) return k;
  }
  return -1;
}

/** Where a plain string's content that starts at `start` ends (its closing quote), or −1. */
function stringEnd(buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (b === QUOTE) return i;
    if (b === BACKSLASH || b < 0x20 || b >= 0x80) return -1;
  }
  return -1;
}

function matches(buf: Buffer, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * The listen that `buf` holds, or null when this reader is not sure (any other record, form or
 * outcome: the caller decodes the text as before).
 */
export function decodeListenBytes(buf: Buffer): ListenEvent | null {
  const end = buf.length;
  values.fill(undefined);
  let seen = 0;
  let isListen = false;
  let i = 0;
  while (isSpace(buf[i])) i++;
  if (buf[i] !== 123) return null;
  i++;
  for (;;) {
    while (isSpace(buf[i])) i++;
    if (buf[i] !== QUOTE) return null;
    const keyEnd = stringEnd(buf, i + 1, end);
    if (keyEnd === -1) return null;
    const k = keyIndex(buf, i + 1, keyEnd);
    if (k === -1 || (seen & (1 << k)) !== 0) return null;
    seen |= 1 << k;
    i = keyEnd + 1;
    while (isSpace(buf[i])) i++;
    if (buf[i] !== 58) return null;
    i++;
    while (isSpace(buf[i])) i++;
    const b = buf[i];
    if (b === QUOTE) {
      const valueEnd = stringEnd(buf, i + 1, end);
      if (valueEnd === -1) return null;
      if (k === TYPE) {
        isListen = valueEnd - i - 1 === LISTEN.length && matches(buf, i + 1, 'listen');
        if (!isListen) return null;
      } else values[k] = buf.toString('latin1', i + 1, valueEnd);
      i = valueEnd + 1;
    } else if (b === 116 && matches(buf, i, 'true')) {
      values[k] = true;
      i += 4;
    } else if (b === 102 && matches(buf, i, 'false')) {
      values[k] = false;
      i += 5;
    } else if (b === 110 && matches(buf, i, 'null')) {
      values[k] = null;
      i += 4;
    } else if (b !== undefined && b >= 48 && b <= 57) {
      // A non-negative integer of up to 15 digits, without a leading zero: exact as a double.
      let n = 0;
      const from = i;
      while (i < end && (buf[i] as number) >= 48 && (buf[i] as number) <= 57)
        n = n * 10 + (buf[i++] as number) - 48;
      if (i - from > 15 || (b === 48 && i - from > 1)) return null;
      const after = buf[i];
      if (after === 46 || after === 101 || after === 69) return null;
      values[k] = n;
    } else return null;
    while (isSpace(buf[i])) i++;
    if (buf[i] === 44) {
      i++;
      continue;
    }
    if (buf[i] !== 125) return null;
    i++;
    break;
  }
  while (i < end && isSpace(buf[i])) i++;
  if (i !== end || !isListen) return null;
  return fastListen(values[1], values[2], values[3], values[4], values[5], values[6]);
}
