import { findByte, hashBytes } from './byte-table.js';
import { partitionOfHash } from './partition-of.js';

/**
 * Where a batch's lines are and which partition reads each, found once by the thread that reads
 * the file, in shared memory beside the batch. Each partition used to look through every line of
 * a batch for its end and its customer field only to skip the lines of the others: the same work
 * once per partition, for lines it then left alone.
 */

/** The owner of a line every partition reads (see lineOwner). */
export const EVERY_PARTITION = 255;

/** At most this many partitions: an owner is a byte, and one value means every partition. */
export const MAX_PARTITIONS = EVERY_PARTITION;

export interface LineIndex {
  /** `starts[i]`: where line i of the batch starts in its bytes; `starts[lines]`: the batch's end. */
  starts: Uint32Array;
  /** The partition that reads line i, or EVERY_PARTITION. */
  owners: Uint8Array;
  /** The hash of line i's customer field (its FNV-1a, see partition-of.ts), when it has an owner. */
  hashes: Uint32Array;
}

/** The index as it travels to a partition: the shared memory under each array. */
export interface SharedLineIndex {
  starts: SharedArrayBuffer;
  owners: SharedArrayBuffer;
  hashes: SharedArrayBuffer;
}

export function lineIndexOf(shared: SharedLineIndex): LineIndex {
  return {
    starts: new Uint32Array(shared.starts),
    owners: new Uint8Array(shared.owners),
    hashes: new Uint32Array(shared.hashes),
  };
}

/** A byte an id may start or end with and keep as decoded: printable ASCII, not a space. */
function plainEdge(b: number | undefined): boolean {
  return b !== undefined && b > 0x20 && b < 0x7f;
}

/**
 * Who reads the line `buf[start, end)` (`end` before any CR) of `count` partitions, its customer
 * field's hash written to `hashes[slot]`: the partition of its customer field as written, when the
 * line is not the file's first (a header), has no quote (`quoted`) and the field no space or other
 * byte at either end that decoding would trim. Then the field's bytes are the decoded id, if the
 * line decodes at all, and the other partitions skip it unread. Any other line: EVERY_PARTITION,
 * and each partition decodes it as text (and keeps it only if the id it decodes is its own).
 */
export function lineOwner(
  buf: Uint8Array,
  start: number,
  end: number,
  firstOfFile: boolean,
  quoted: boolean,
  count: number,
  hashes: Uint32Array,
  slot: number,
): number {
  if (firstOfFile || quoted) return EVERY_PARTITION;
  const c1 = findByte(buf, 44, start, end);
  const c2 = c1 === -1 ? -1 : findByte(buf, 44, c1 + 1, end);
  if (c2 === -1 || c2 === c1 + 1 || !plainEdge(buf[c1 + 1]) || !plainEdge(buf[c2 - 1]))
    return EVERY_PARTITION;
  const hash = hashBytes(buf, c1 + 1, c2);
  hashes[slot] = hash;
  return partitionOfHash(hash, count);
}

/**
 * A batch's index as its lines are found, in shared memory that grows with the batch; one per
 * shared buffer of bytes, as the partitions read one batch's index while the next is found.
 */
export class LineIndexBuilder {
  #shared: SharedLineIndex = LineIndexBuilder.#made(1 << 16);
  #index: LineIndex = lineIndexOf(this.#shared);

  get shared(): SharedLineIndex {
    return this.#shared;
  }

  /** The index with room for `lines` lines (and the end after them), keeping the first `kept`. */
  room(lines: number, kept: number): LineIndex {
    if (lines + 1 <= this.#index.owners.length) return this.#index;
    const shared = LineIndexBuilder.#made(Math.max(lines + 1, this.#index.owners.length * 2));
    const index = lineIndexOf(shared);
    index.starts.set(this.#index.starts.subarray(0, kept));
    index.owners.set(this.#index.owners.subarray(0, kept));
    index.hashes.set(this.#index.hashes.subarray(0, kept));
    this.#shared = shared;
    this.#index = index;
    return index;
  }

  static #made(lines: number): SharedLineIndex {
    return {
      starts: new SharedArrayBuffer(lines * 4),
      owners: new SharedArrayBuffer(lines),
      hashes: new SharedArrayBuffer(lines * 4),
    };
  }
}
