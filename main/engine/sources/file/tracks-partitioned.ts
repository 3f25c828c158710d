import { open } from 'node:fs/promises';
import type { PartitionPool } from '../../ingest/partitions/partition-pool.js';
import type { SourceContext } from '../source.js';

/**
 * A tracks CSV file read into shared memory and counted by partitions (worker threads), one batch
 * at a time: this thread only finds where lines end, counts them, and applies each batch's
 * digest with the position it reaches. Batches, positions and checkpoints are those of the
 * one-thread reader: at most `batchRecords` records a batch, a position that is a line number,
 * a checkpoint only between batches.
 */

/** Bytes read at a time; a line longer than what is left grows the buffer. */
const READ_BYTES = 16 << 20;

export interface PartitionedFile {
  path: string;
  /** Lines already applied (a resumed file): read past, not counted. */
  skip: number;
  batchRecords: number;
  /** Applies the position a batch reaches (the file's progress in the state). */
  advance: (position: number) => Parameters<SourceContext['apply']>[1];
  onBytes?: (bytesRead: number) => void;
}

/** True when a line holds nothing but whitespace (such lines are skipped, not records). */
function blank(buf: Buffer, start: number, end: number): boolean {
  const first = buf[start];
  if (start === end) return true;
  if (first !== undefined && first > 0x20 && first < 0x7f) return false;
  const text = buf.toString('utf8', start, end);
  return (text.endsWith('\r') ? text.slice(0, -1) : text).trim() === '';
}

/** Reads the file through the partitions; returns the records it applied. */
export async function ingestTracksPartitioned(
  ctx: SourceContext,
  pool: PartitionPool,
  file: PartitionedFile,
): Promise<number> {
  const handle = await open(file.path, 'r');
  let shared = new SharedArrayBuffer(READ_BYTES);
  let buf = Buffer.from(shared);
  let filled = 0;
  let pos = 0;
  let eof = false;
  let line = 0;
  let bytesRead = 0;
  let applied = 0;
  try {
    for (;;) {
      if (!eof && filled < buf.length) {
        const { bytesRead: n } = await handle.read(buf, filled, buf.length - filled, null);
        if (n === 0) eof = true;
        filled += n;
        bytesRead += n;
        continue;
      }
      // A batch: up to batchRecords records, whole lines only, all in the buffer.
      let start = -1;
      let firstLine = 0;
      let lines = 0;
      let records = 0;
      let whole = true;
      while (records < file.batchRecords && pos < filled) {
        let nl = buf.indexOf(10, pos);
        if (nl === -1 || nl >= filled) {
          if (!eof) {
            whole = false; // the rest of this line is not read yet
            break;
          }
          nl = filled;
        }
        line += 1;
        if (line > file.skip) {
          if (start < 0) {
            start = pos;
            firstLine = line;
          }
          lines += 1;
          if (!blank(buf, pos, nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl)) records += 1;
        }
        pos = Math.min(nl + 1, filled);
      }
      if (!whole && records < file.batchRecords) {
        // Short only because the buffer ends: read on and count this batch again, so batches
        // hold exactly batchRecords records as the one-thread reader's do. (Lines before the
        // resume point stay read past.)
        if (start >= 0) {
          pos = start;
          line = firstLine - 1;
        }
        if (pos > 0) {
          buf.copy(buf, 0, pos, filled);
          filled -= pos;
          pos = 0;
        } else {
          const bigger = new SharedArrayBuffer(shared.byteLength * 2);
          const next = Buffer.from(bigger);
          buf.copy(next, 0, 0, filled);
          shared = bigger;
          buf = next;
        }
        continue;
      }
      if (lines > 0) {
        const waited = performance.now();
        const digest = await pool.batch(shared, start, pos, firstLine, lines);
        ctx.timings.decodeMs += performance.now() - waited;
        await ctx.applyDigest(digest, records, (n) => ({ file: file.path, line: n }), file.advance(line));
        applied += records;
        file.onBytes?.(bytesRead);
        if (ctx.shouldStop()) return applied;
      }
      if (eof && pos >= filled) return applied;
    }
  } finally {
    await handle.close();
  }
}
