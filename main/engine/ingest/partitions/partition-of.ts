import { hashBytes } from './byte-table.js';

/**
 * Which partition a customer belongs to: FNV-1a over the id's UTF-8 bytes, modulo the count. A
 * partition reading a line hashes the customer field's bytes in place (partitionOfHash); an id
 * decoded from text (a quoted line) or handed over from the store is hashed from its UTF-8 bytes
 * (partitionOfId): the same number for the same id, so a customer's listens always meet in one
 * partition however the line was read.
 */

export function partitionOfHash(hash: number, count: number): number {
  return count === 1 ? 0 : hash % count;
}

export function partitionOfId(id: string, count: number): number {
  if (count === 1) return 0;
  const bytes = Buffer.from(id, 'utf8');
  return partitionOfHash(hashBytes(bytes, 0, bytes.length), count);
}
