import { randomBytes } from 'node:crypto';
import { type Dict, dict } from '../../shared/dict.js';
import { emptyQuarantine, type QuarantineState } from './ingest/quarantine.js';
import type { ProfileMap } from './profile/profile-aggregator.js';
import { ProfileTotals } from './read/profile-totals.js';
import { WindowedCounts } from './read/windows.js';

/** How far each source has been read; saved in the same checkpoint as the profiles. */
export interface FileProgress {
  /** Path when last read (the file is identified by its content hash, not its name). */
  path: string;
  bytes: number;
  /** Records (lines or CSV rows) applied so far. */
  records: number;
  complete: boolean;
  startedAt: string;
  completedAt: string | null;
}

export interface SourceProgress {
  /** By sha256 of the file's content. */
  files: Dict<FileProgress>;
  /** Next offset to read, by `topic:partition`. */
  kafka: Dict<string>;
}

/**
 * What a store holds data from, set by the first live source that writes to it: a store belongs
 * to one source, as its offsets mean nothing on another cluster (files may go into any store).
 */
export type StoreOrigin = { kind: 'demo' } | { kind: 'kafka'; clusterId: string; brokers: string };

export interface EngineState {
  /** Names this store to the outside (its Kafka lag group); made once, kept in the store. */
  storeId: string;
  /** Null until a live source first writes (and in stores written before this was kept). */
  origin: StoreOrigin | null;
  profiles: ProfileMap;
  sources: SourceProgress;
  quarantine: QuarantineState;
  /** The last 15 minutes … 7 days of the stream's time: changed with each batch, saved with it. */
  windows: WindowedCounts;
  /**
   * The number of the last batch applied, which tags its timeline writes; a checkpoint saves it,
   * so on opening the timeline drops what later batches wrote (see timeline-store.ts).
   */
  timelineBatch: number;
  /** At risk and listens by bucket over every profile, kept current with each batch. */
  totals: ProfileTotals;
}

export function newStoreId(): string {
  return randomBytes(4).toString('hex');
}

export function emptyEngineState(riskThreshold?: number): EngineState {
  return {
    storeId: newStoreId(),
    origin: null,
    profiles: new Map(),
    sources: { files: dict(), kafka: dict() },
    quarantine: emptyQuarantine(),
    windows: new WindowedCounts(),
    timelineBatch: 0,
    totals: new ProfileTotals(riskThreshold),
  };
}
