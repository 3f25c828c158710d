import { type FileHandle, open } from 'node:fs/promises';
import { findByte } from '../../ingest/partitions/byte-table.js';
import { LineIndexBuilder, lineOwner, type SharedLineIndex } from '../../ingest/partitions/line-index.js';
import type { PartitionPool } from '../../ingest/partitions/partition-pool.js';
import type { SourceContext } from '../source.js';

/**
 * A tracks CSV file read into shared memory and counted by partitions (worker threads): this
 * thread only finds where lines end, counts them, notes which partition reads each (from its
 * customer field, see line-index.ts), and applies each batch's digest with the position it
 * reaches. Batches, positions and checkpoints are those of the one-thread reader: at
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

/** One batch found in the file: whole lines, in shared memory for the partitions. */
interface FileBatch {
  bytes: SharedArrayBuffer;
  /** Where its lines are in `bytes`, and which partition reads each. */
  index: SharedLineIndex;
  firstLine: number;
  lines: number;
  records: number;
  /** The position after it: the number of its last line. */
  position: number;
  bytesRead: number;
}

/**
 * Finds batches in the file: exactly `batchRecords` records each (fewer only at the end), whole
 * lines, after the first `skip` lines. The file is read straight into one of two shared buffers in
 * turn, so the next batch can be found while the partitions count the one before, and each line
 * is looked at once: what was read past a batch's end starts the next one's buffer. (Read into a
 * buffer of its own, each batch was copied into shared memory after, and a batch that did not fit
 * in what was read so far was looked for again from its start: 0.6-0.9 s of this thread's CPU for
 * the 203 MB anchor file, before any partition saw a line.)
 */
class BatchFinder {
  readonly #buffers: Array<Buffer | null> = [null, null];
  readonly #indexes = [new LineIndexBuilder(), new LineIndexBuilder()];
  #turn = 1;
  /** What the last batch's buffer holds past its end: [#pos, #filled) of buffer #turn. */
  #pos = 0;
  #filled = 0;
  #eof = false;
  #line = 0;
  #bytesRead = 0;

  constructor(
    readonly handle: FileHandle,
    readonly skip: number,
    readonly batchRecords: number,
    readonly partitions: number,
  ) {}

  async next(): Promise<FileBatch | null> {
    // The other buffer is free: the batch found in it before this one has been counted.
    const before = this.#buffers[this.#turn];
    this.#turn = 1 - this.#turn;
    let filled = this.#filled - this.#pos;
    let buf = this.#bufferFor(this.#turn, Math.max(READ_BYTES, 2 * filled));
    if (before && filled > 0) before.copy(buf, 0, this.#pos, this.#filled);
    let pos = 0;
    let line = this.#line;
    let start = -1;
    let firstLine = 0;
    let lines = 0;
    let records = 0;
    const builder = this.#indexes[this.#turn] as LineIndexBuilder;
    let index = builder.room(2, 0);
    // The next quote at or after the line being read (a line with one is read by every partition);
    // -1: not looked for since the buffer last changed.
    let quote = -1;
    for (;;) {
      while (records < this.batchRecords && pos < filled) {
        let nl = findByte(buf, 10, pos, filled);
        if (nl === -1) {
          if (!this.#eof) break; // the rest of this line is not read yet
          nl = filled;
        }
        line += 1;
        if (line > this.skip) {
          if (start < 0) {
            start = pos;
            firstLine = line;
          }
          const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
          if (quote < pos) {
            quote = buf.subarray(0, filled).indexOf(34, pos);
            if (quote === -1) quote = filled;
          }
          // Room for this line's entry and the batch's end after it.
          if (lines + 2 > index.owners.length) index = builder.room(lines + 2, lines);
          index.starts[lines] = pos;
          index.owners[lines] = lineOwner(
            buf,
            pos,
            end,
            line === 1,
            quote < end,
            this.partitions,
            index.hashes,
            lines,
          );
          lines += 1;
          if (!blank(buf, pos, end)) records += 1;
        }
        pos = Math.min(nl + 1, filled);
      }
      if (records >= this.batchRecords || (this.#eof && pos >= filled)) break;
      // Short only because the buffer ends (batches hold exactly batchRecords records, as the
      // one-thread reader's do): read on. Lines before the batch (a resumed file's) are dropped.
      const keep = start < 0 ? pos : start;
      if (keep > 0) {
        buf.copy(buf, 0, keep, filled);
        filled -= keep;
        pos -= keep;
        if (start >= 0) start = 0;
        for (let i = 0; i < lines; i++) index.starts[i] = (index.starts[i] as number) - keep;
      }
      quote = -1;
      if (filled === buf.length) buf = this.#grown(buf, filled);
      const { bytesRead } = await this.handle.read(
        buf,
        filled,
        Math.min(READ_BYTES, buf.length - filled),
        null,
      );
      if (bytesRead === 0) this.#eof = true;
      filled += bytesRead;
      this.#bytesRead += bytesRead;
    }
    this.#pos = pos;
    this.#filled = filled;
    this.#line = line;
    if (lines === 0) return null;
    index.starts[lines] = pos;
    return {
      bytes: buf.buffer as SharedArrayBuffer,
      index: builder.shared,
      firstLine,
      lines,
      records,
      position: line,
      bytesRead: this.#bytesRead,
    };
  }

  /** Turn `turn`'s buffer, at least `length` bytes long. */
  #bufferFor(turn: number, length: number): Buffer {
    const known = this.#buffers[turn];
    if (known && known.length >= length) return known;
    const made = Buffer.from(new SharedArrayBuffer(length));
    this.#buffers[turn] = made;
    return made;
  }

  /** A buffer twice as long for this turn, holding the first `filled` bytes of `buf`. */
  #grown(buf: Buffer, filled: number): Buffer {
    const bigger = Buffer.from(new SharedArrayBuffer(buf.length * 2));
    buf.copy(bigger, 0, 0, filled);
    this.#buffers[this.#turn] = bigger;
    return bigger;
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
  const finder = new BatchFinder(handle, file.skip, file.batchRecords, pool.count);
  let applied = 0;
  let completed = false;
  const send = (b: FileBatch) => {
    const digest = pool.batch(b.bytes, b.index, b.firstLine, b.lines);
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
