import type { RecordOrigin } from '../../../shared/events.js';
import type { SourceState, SourceStatus } from '../../../shared/source-status.js';
import type { EngineState } from '../engine-state.js';
import type { IngestRecord, IngestTimings } from '../ingest/ingest-session.js';
import type { BatchDigest, PartitionPool } from '../ingest/partitions/partition-pool.js';
import type { CheckpointStats } from '../store/profile-store.js';

/**
 * Where records come from: batch files, the embedded demo stream, a Kafka cluster. A source owns
 * reading and its own positions (file offsets, Kafka offsets); it hands each batch, with the
 * position the batch reaches, to its context, which applies it and checkpoints (the engine's
 * job, done in one place: Engine.run). So a new source is a new `run`, never another
 * apply-and-checkpoint loop.
 */
export interface Source<Result = void> {
  readonly kind: SourceStatus['source'];
  /** What it reads from, for status lines: broker addresses, "demo", file names. */
  readonly target: string;
  /** Reads until it is done or its context asks it to stop. */
  run(ctx: SourceContext): Promise<Result>;
  /**
   * The source's own clock, when it has one (the demo's simulated time): what "now" is for its
   * events. Other sources' time is read from their events (see read/stream-clock.ts).
   */
  clock?(): SourceClock | null;
}

export interface SourceClock {
  now: number;
  /** Stream milliseconds per wall-clock millisecond (24: a simulated day an hour). */
  speed: number;
}

export interface SourceContext {
  /** The engine's state: where to resume from. Changed only through apply(). */
  readonly state: Readonly<EngineState>;
  /**
   * Applies a batch and the position it reaches in one synchronous step, then starts a
   * checkpoint if one is due. Resolves when the source may read on.
   */
  apply(records: readonly IngestRecord[], advance: (state: EngineState) => void): Promise<void>;
  /**
   * Partitioned ingest (ingest/partitions): hands every profile to the pool's partitions, which
   * then count the batches; false when this run needs each event here (live statistics, search).
   */
  lendProfiles(pool: PartitionPool): Promise<boolean>;
  /**
   * Applies a batch the partitions counted, and the position it reaches, as apply() does; then a
   * checkpoint if one is due and `mayCheckpoint` (the partitions are between batches).
   */
  applyDigest(
    digest: BatchDigest,
    records: number,
    originOf: (line: number) => RecordOrigin,
    advance: (state: EngineState) => void,
    mayCheckpoint: boolean,
  ): Promise<void>;
  /** Whether a checkpoint is due after `records` more: asked before working ahead. */
  checkpointDue(records: number): boolean;
  /** The profiles back from the partitions (after a checkpoint, so nothing is encoded twice). */
  takeBackProfiles(pool: PartitionPool): Promise<void>;
  /**
   * Saves everything applied so far, now (a consumer about to leave its group does this); nothing
   * is written when the last checkpoint already holds it all.
   */
  checkpoint(): Promise<CheckpointStats>;
  /** The latest checkpoint on disk: the only positions a source may publish (Kafka commits them). */
  readonly saved: CheckpointStats | null;
  /** True once the engine wants the source to stop; checked between batches. */
  shouldStop(): boolean;
  /** Where time went, for the summary and the benches. */
  readonly timings: IngestTimings;
  /** The checkpoint interval in records: a source batching its own input sizes batches to divide it. */
  readonly everyRecords: number;
  /** A change of the source's state, for the status bar and the command line. */
  report(status: SourceStatus): void;
}

/** A status of the given source, stamped now. */
export function sourceStatus(
  source: Pick<Source<unknown>, 'kind' | 'target'>,
  state: SourceState,
  fields: Partial<Omit<SourceStatus, 'source' | 'state' | 'target' | 'at'>> = {},
): SourceStatus {
  return {
    source: source.kind,
    state,
    target: source.target,
    detail: fields.detail ?? null,
    nextRetryAt: fields.nextRetryAt ?? null,
    attempt: fields.attempt ?? 0,
    lag: fields.lag ?? null,
    at: new Date().toISOString(),
  };
}
