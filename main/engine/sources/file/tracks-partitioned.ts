import { type FileHandle, open } from 'node:fs/promises';
import { findByte } from '../../ingest/partitions/byte-table.js';
import type { PartitionPool } from '../../ingest/partitions/partition-pool.js';
import type { SourceContext } from '../source.js';

/**
 * A tracks CSV file read into shared memory and counted by partitions (worker threads): this
 * thread only finds where lines end, counts them, and applies each batch's digest with the
 * position it reaches. Batches, positions and checkpoints are those of the one-thread reader: at
 * most `batchRecords` records a batch, a position that is a line number, a checkpoint only
 * between batches.
 */

/** Bytes read at a time; a line longer than what is left grows the buffer. */
const READ_BYTES = 16 << 20;

export interface PartitionedFile {
  path: string;
  /** Lines already applied (a resumed file): read past, not counted. */
  skip: number;
  batchRecords: number;
  /**
   * Applies the position a batch reaches (the file's progress in the state); `last`: the batch
   * ends the file, which is then complete with it.
   */
  advance: (position: number, last: boolean) => Parameters<SourceContext['apply']>[1];
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

/** One batch found in the file: whole lines, copied into shared memory for the partitions. */
interface FileBatch {
  bytes: SharedArrayBuffer;
  length: number;
  firstLine: number;
  lines: number;
  records: number;
  /** The position after it: the number of its last line. */
  position: number;
  bytesRead: number;
}

/**
 * Finds batches in the file: exactly `batchRecords` records each (fewer only at the end), whole
 * lines, after the first `skip` lines. Each is copied into one of two shared buffers in turn, so
 * the next batch can be found while the partitions count the one before.
 */
class BatchFinder {
  #buf = Buffer.allocUnsafe(READ_BYTES);
  #filled = 0;
  #pos = 0;
  #eof = false;
  #line = 0;
  #bytesRead = 0;
  readonly #shared: SharedArrayBuffer[] = [];
  #turn = 0;

  constructor(
    readonly handle: FileHandle,
    readonly skip: number,
    readonly batchRecords: number,
  ) {}

  async next(): Promise<FileBatch | null> {
    for (;;) {
      if (!this.#eof && this.#filled < this.#buf.length) {
        const { bytesRead } = await this.handle.read(
          this.#buf,
          this.#filled,
          this.#buf.length - this.#filled,
          null,
        );
        if (bytesRead === 0) this.#eof = true;
        this.#filled += bytesRead;
        this.#bytesRead += bytesRead;
        continue;
      }
      const buf = this.#buf;
      const filled = this.#filled;
      let pos = this.#pos;
      let line = this.#line;
      let start = -1;
      let firstLine = 0;
      let lines = 0;
      let records = 0;
      let whole = true;
      while (records < this.batchRecords && pos < filled) {
        let nl = findByte(buf, 10, pos, filled);
        if (nl === -1) {
          if (!this.#eof) {
            whole = false; // the rest of this line is not read yet
            break;
          }
          nl = filled;
        }
        line += 1;
        if (line > this.skip) {
          if (start < 0) {
            start = pos;
            firstLine = line;
          }
          lines += 1;
          if (!blank(buf, pos, nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl)) records += 1;
        }
        pos = Math.min(nl + 1, filled);
      }
      if (!whole && records < this.batchRecords) {
        // Short only because the buffer ends: read on and find this batch again, so batches
        // hold exactly batchRecords records as the one-thread reader's do. (Lines before the
        // resume point stay read past.)
        if (start < 0) {
          this.#pos = pos;
          this.#line = line;
        }
        this.#compact();
        continue;
      }
      this.#pos = pos;
      this.#line = line;
      if (lines === 0) return null;
      const length = pos - start;
      const shared = this.#sharedFor(length);
      buf.copy(Buffer.from(shared), 0, start, pos);
      return { bytes: shared, length, firstLine, lines, records, position: line, bytesRead: this.#bytesRead };
    }
  }

  /** Moves what is not yet read into a batch to the front, or grows the buffer for one long line. */
  #compact(): void {
    if (this.#pos > 0) {
      this.#buf.copy(this.#buf, 0, this.#pos, this.#filled);
      this.#filled -= this.#pos;
      this.#pos = 0;
    } else {
      const bigger = Buffer.allocUnsafe(this.#buf.length * 2);
      this.#buf.copy(bigger, 0, 0, this.#filled);
      this.#buf = bigger;
    }
  }

  #sharedFor(length: number): SharedArrayBuffer {
    const turn = this.#turn;
    this.#turn = 1 - turn;
    const known = this.#shared[turn];
    if (known && known.byteLength >= length) return known;
    const shared = new SharedArrayBuffer(Math.max(length, known?.byteLength ?? 0));
    this.#shared[turn] = shared;
    return shared;
  }
}

/**
 * Reads the file through the partitions; returns the records it applied, and whether its last
 * batch completed the file (not when the run stopped early, or when there was no batch to apply).
 * While the partitions count one batch, this thread finds the next and applies the one before;
 * only when a checkpoint is due does it wait for them, as a checkpoint needs their profiles at
 * one batch's end.
 */
export async function ingestTracksPartitioned(
  ctx: SourceContext,
  pool: PartitionPool,
  file: PartitionedFile,
): Promise<{ records: number; completed: boolean }> {
  const handle = await open(file.path, 'r');
  const finder = new BatchFinder(handle, file.skip, file.batchRecords);
  let applied = 0;
  let completed = false;
  const send = (b: FileBatch) => {
    const digest = pool.batch(b.bytes, 0, b.length, b.firstLine, b.lines);
    // Awaited in turn; if an earlier batch fails first, this one's failure is the same one.
    digest.catch(() => {});
    return { batch: b, digest };
  };
  try {
    const first = await finder.next();
    let inFlight = first && send(first);
    while (inFlight) {
      const stopped = ctx.shouldStop();
      const next = stopped ? null : await finder.next();
      // The file's end comes with its last batch: marked complete apart, it made the state unsaved
      // once more after the partitions' last checkpoint, and the engine wrote every profile again.
      const last = !stopped && next === null;
      const waited = performance.now();
      const digest = await inFlight.digest;
      ctx.timings.decodeMs += performance.now() - waited;
      const { batch } = inFlight;
      // A checkpoint must see the partitions at this batch's end: then the next is sent after it.
      const checkpoint = ctx.checkpointDue(batch.records);
      inFlight = next && !checkpoint ? send(next) : null;
      await ctx.applyDigest(
        digest,
        batch.records,
        (n) => ({ file: file.path, line: n }),
        file.advance(batch.position, last),
        checkpoint,
      );
      applied += batch.records;
      completed = last;
      file.onBytes?.(batch.bytesRead);
      if (next && checkpoint) inFlight = send(next);
    }
    return { records: applied, completed };
  } finally {
    await handle.close();
  }
}
