import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EngineState } from '../../engine-state.js';
import { type OpenPartition, PartitionPool } from '../../ingest/partitions/partition-pool.js';
import { type Source, type SourceContext, sourceStatus } from '../source.js';
import { type FileFormat, sniffFileFormat } from './file-format.js';
import { FILE_BATCH_SIZE, readFileBatches, sha256OfFile } from './file-reader.js';
import { ingestTracksPartitioned } from './tracks-partitioned.js';

/**
 * Batch ingest of files with exactly-once effect: a file is known by the hash of its content, its
 * read position is checkpointed with the profiles, an interrupted file resumes where the last
 * checkpoint left it, and a file already ingested in full is skipped unless forced.
 */

export type FileOutcome = 'ingested' | 'resumed' | 'skipped' | 'forced';

export interface FileResult {
  path: string;
  format: FileFormat;
  outcome: FileOutcome;
  /** For a skipped file: when it was ingested before, and under which path. */
  previously?: { path: string; completedAt: string | null };
  records: number;
}

export interface FileSourceOptions {
  /** Count a file again although it was ingested before. */
  force?: boolean;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /**
   * Tracks CSV files are counted by this many partitions, each a worker thread holding the
   * customers whose id hashes to it (ingest/partitions). 0 (the default): read and count in
   * this thread, as every other format is.
   */
  threads?: number;
  /** How a partition is opened: a worker thread, or in tests one in this thread. */
  openPartition?: OpenPartition;
}

/** Records a partitioned batch holds at most: larger than the one-thread reader's, as each batch costs the partitions a round trip and a timeline write per customer. */
const PARTITIONED_BATCH = 1_000_000;

interface PlannedFile {
  path: string;
  format: FileFormat;
  bytes: number;
  sha: string;
}

/** Reads every file's format first, so a typo in the last name fails before any work is done. */
export async function planFiles(paths: string[]): Promise<PlannedFile[]> {
  const planned: PlannedFile[] = [];
  for (const p of paths) {
    const path = resolve(p);
    const format = await sniffFileFormat(path);
    const { size } = await stat(path);
    planned.push({ path, format, bytes: size, sha: await sha256OfFile(path) });
  }
  return planned;
}

export class FileSource implements Source<FileResult[]> {
  readonly kind = 'files';
  readonly target: string;

  constructor(
    readonly paths: string[],
    readonly options: FileSourceOptions = {},
  ) {
    this.target = paths.join(', ');
  }

  async run(ctx: SourceContext): Promise<FileResult[]> {
    const hashing = performance.now();
    const planned = await planFiles(this.paths);
    ctx.timings.planMs += performance.now() - hashing;
    ctx.report(sourceStatus(this, 'connected'));
    const threads = this.options.threads ?? 0;
    const pool =
      threads > 0 && planned.some((f) => f.format === 'tracks-csv')
        ? PartitionPool.start(threads, this.options.openPartition)
        : null;
    try {
      return await this.#readAll(ctx, planned, pool);
    } finally {
      await pool?.close();
    }
  }

  async #readAll(
    ctx: SourceContext,
    planned: PlannedFile[],
    pool: PartitionPool | null,
  ): Promise<FileResult[]> {
    const totalBytes = planned.reduce((n, f) => n + f.bytes, 0);
    const results: FileResult[] = [];
    const seenThisRun = new Set<string>();
    let bytesBefore = 0;
    // Equal batches that divide the checkpoint interval, so a checkpoint falls every N records exactly.
    const every = ctx.everyRecords;
    const batchSize = Math.ceil(every / Math.ceil(every / FILE_BATCH_SIZE));
    for (const file of planned) {
      const known = ctx.state.sources.files[file.sha];
      let outcome: FileOutcome = 'ingested';
      let skip = 0;
      if (known?.complete || seenThisRun.has(file.sha)) {
        if (!this.options.force || seenThisRun.has(file.sha)) {
          results.push({
            path: file.path,
            format: file.format,
            outcome: 'skipped',
            previously: { path: known?.path ?? file.path, completedAt: known?.completedAt ?? null },
            records: 0,
          });
          bytesBefore += file.bytes;
          continue;
        }
        outcome = 'forced';
      } else if (known) {
        outcome = 'resumed';
        skip = known.records;
      }
      seenThisRun.add(file.sha);
      const startedAt = new Date().toISOString();
      // `complete`: the batch that reaches this position ends the file.
      const position =
        (lines: number, complete = false) =>
        (state: EngineState) => {
          state.sources.files[file.sha] = {
            path: file.path,
            bytes: file.bytes,
            records: lines,
            complete,
            startedAt: state.sources.files[file.sha]?.startedAt ?? startedAt,
            completedAt: complete ? new Date().toISOString() : null,
          };
        };
      const progress = (bytesRead: number) => this.options.onProgress?.(bytesBefore + bytesRead, totalBytes);
      let records: number | null = null;
      let completed = false;
      if (pool && file.format === 'tracks-csv') {
        const read = await partitioned(ctx, pool, { path: file.path, skip, every, position, progress });
        records = read?.records ?? null;
        completed = read?.completed ?? false;
      }
      if (records === null) {
        records = 0;
        for await (const batch of readFileBatches(file.path, file.format, skip, batchSize)) {
          ctx.timings.decodeMs += batch.decodeMs;
          await ctx.apply(batch.records, position(batch.position));
          records += batch.records.length;
          progress(batch.bytesRead);
          if (ctx.shouldStop()) break;
        }
      }
      if (ctx.shouldStop()) {
        results.push({ path: file.path, format: file.format, outcome, records });
        return results;
      }
      // The file's end is a position too: it goes through apply like any other (unless it came with
      // the last batch).
      if (!completed)
        await ctx.apply([], (state) => {
          const progress = state.sources.files[file.sha];
          if (progress) {
            progress.complete = true;
            progress.completedAt = new Date().toISOString();
          }
        });
      bytesBefore += file.bytes;
      results.push({ path: file.path, format: file.format, outcome, records });
    }
    ctx.report(sourceStatus(this, 'caught-up'));
    return results;
  }
}

/**
 * A tracks CSV file through the partitions: the profiles are lent to them for the file and taken
 * back after a checkpoint (which the partitions encode, in parallel). Null when this run cannot
 * lend them (something needs each event here): then the file is read in this thread.
 */
async function partitioned(
  ctx: SourceContext,
  pool: PartitionPool,
  file: {
    path: string;
    skip: number;
    every: number;
    position: (lines: number, complete: boolean) => (state: EngineState) => void;
    progress: (bytesRead: number) => void;
  },
): Promise<{ records: number; completed: boolean } | null> {
  if (!(await ctx.lendProfiles(pool))) return null;
  try {
    const read = await ingestTracksPartitioned(ctx, pool, {
      path: file.path,
      skip: file.skip,
      batchRecords: Math.ceil(file.every / Math.ceil(file.every / PARTITIONED_BATCH)),
      advance: file.position,
      onBytes: file.progress,
    });
    // The partitions encode their lines for the checkpoint, then hand their profiles back while
    // this thread writes the store: both requests are sent now, and each partition answers in order.
    const saved = ctx.checkpoint();
    const back = ctx.takeBackProfiles(pool);
    await Promise.all([saved, back]);
    return read;
  } catch (error) {
    // Failed in this thread (a read error): what was applied is saved from the partitions. A
    // partition that failed holds profiles nothing may save; the engine's last checkpoint stands.
    if (!pool.broken) {
      await ctx.checkpoint().catch(() => {});
      await ctx.takeBackProfiles(pool).catch(() => {});
    }
    throw error;
  }
}
