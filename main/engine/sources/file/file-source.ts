import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Source, type SourceContext, sourceStatus } from '../source.js';
import { type FileFormat, sniffFileFormat } from './file-format.js';
import { FILE_BATCH_SIZE, readFileBatches, sha256OfFile } from './file-reader.js';

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
}

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
      let records = 0;
      for await (const batch of readFileBatches(file.path, file.format, skip, batchSize)) {
        ctx.timings.decodeMs += batch.decodeMs;
        await ctx.apply(batch.records, (state) => {
          state.sources.files[file.sha] = {
            path: file.path,
            bytes: file.bytes,
            records: batch.position,
            complete: false,
            startedAt: state.sources.files[file.sha]?.startedAt ?? startedAt,
            completedAt: null,
          };
        });
        records += batch.records.length;
        this.options.onProgress?.(bytesBefore + batch.bytesRead, totalBytes);
        if (ctx.shouldStop()) {
          results.push({ path: file.path, format: file.format, outcome, records });
          return results;
        }
      }
      // The file's end is a position too: it goes through apply like any other.
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
