import type { StoredProfile } from '../../store/store-codec.js';
import type { LentLines } from '../../store/store-snapshot.js';
import { lineIndexOf, type SharedLineIndex } from './line-index.js';
import { type PartitionDigest, type PartitionProfiles, TracksPartition } from './tracks-partition.js';

/**
 * The messages between the engine and one partition (a worker thread, or in tests the same
 * thread): every request gets exactly one answer, in order. Batches travel as shared memory, so
 * the bytes are read once from disk and never copied per partition.
 */

export type PartitionRequest =
  | { type: 'load'; stored: StoredProfile[] }
  | {
      type: 'batch';
      bytes: SharedArrayBuffer;
      index: SharedLineIndex;
      firstLine: number;
      lines: number;
      times: SharedArrayBuffer;
      codes: SharedArrayBuffer;
    }
  | { type: 'lines' }
  | { type: 'profiles' };

export type PartitionReply =
  | { type: 'loaded' }
  | { type: 'digest'; digest: PartitionDigest }
  | { type: 'lines'; lines: LentLines }
  | { type: 'profiles'; profiles: PartitionProfiles }
  | { type: 'failed'; message: string };

/** What a partition's thread is given when it starts. */
export interface PartitionWorkerData {
  index: number;
  count: number;
}

/** Answers one request; a failure is an answer too (the engine stops the run and saves nothing more). */
export function answer(partition: TracksPartition, request: PartitionRequest): PartitionReply {
  try {
    switch (request.type) {
      case 'load':
        partition.load(request.stored);
        return { type: 'loaded' };
      case 'batch':
        return {
          type: 'digest',
          digest: partition.ingest(
            new Uint8Array(request.bytes),
            lineIndexOf(request.index),
            request.lines,
            request.firstLine,
            {
              times: new Float64Array(request.times),
              codes: new Uint16Array(request.codes),
            },
          ),
        };
      case 'lines':
        return { type: 'lines', lines: partition.encodedLines() };
      case 'profiles':
        return { type: 'profiles', profiles: partition.profiles() };
    }
  } catch (error) {
    return { type: 'failed', message: (error as Error).message };
  }
}

export { TracksPartition };
