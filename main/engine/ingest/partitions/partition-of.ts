/**
 * Which partition a customer belongs to: FNV-1a over the id's UTF-8 bytes, modulo the count. The
 * byte form (a field read in place from a line) and the string form (an id decoded from a quoted
 * line, or a profile handed over from the store) agree for every id, so a customer's listens
 * always meet in one partition however the line was read.
 */

import { hashBytes } from './byte-table.js';

export function partitionOfBytes(buf: Uint8Array, start: number, end: number, count: number): number {
  return count === 1 ? 0 : hashBytes(buf, start, end) % count;
}

export function partitionOfId(id: string, count: number): number {
  if (count === 1) return 0;
  const bytes = Buffer.from(id, 'utf8');
  return hashBytes(bytes, 0, bytes.length) % count;
}
