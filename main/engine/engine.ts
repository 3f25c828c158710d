import { join } from 'node:path';
import type { SourceStatus } from '../../shared/source-status.js';
import { tuneCollector } from './collector-tuning.js';
import type { EngineState } from './engine-state.js';
import { type CheckpointPolicy, DEFAULT_CHECKPOINT_POLICY, IngestSession } from './ingest/ingest-session.js';
import { QUARANTINE_FILE, writeQuarantineFile } from './ingest/quarantine-file.js';
import type { Source, SourceContext } from './sources/source.js';
import { ProfileStore } from './store/profile-store.js';
import { StoreLock } from './store/store-lock.js';
import { TimelineStore } from './timeline/timeline-store.js';

/**
 * The engine, composed once: a store folder opened (or created), its state, the session that
 * applies batches and checkpoints them, and the quarantine file beside the store. Every entry
 * point uses this: `c360 ingest` (files, demo, Kafka), `c360 serve` and the desktop worker.
 * `run` is the one place a source's batches are applied and checkpointed.
 */

export interface EngineOptions {
  /** The store's folder (created when missing). */
  storeDir: string;
  /** How often to checkpoint; the same defaults everywhere. */
  checkpoint?: Partial<CheckpointPolicy>;
  /**
   * False: batches are not written to the timeline (it is still opened, for reading). Only the
   * benchmark turns it off, to measure what the timeline costs ingest.
   */
  writeTimeline?: boolean;
  /** What the running totals count as at risk (the settings' churn threshold in `serve`). */
  riskThreshold?: number;
}

export interface RunHooks {
  shouldStop?: () => boolean;
  onStatus?: (status: SourceStatus) => void;
  /** After each applied batch (progress bars). */
  onBatch?: (session: IngestSession) => void;
}

export class Engine {
  readonly store: ProfileStore;
  readonly session: IngestSession;
  /** Every customer's events on disk, beside the store (written batch by batch, exactly once). */
  readonly timeline: TimelineStore;
  /** Set when a damaged store was moved aside on opening: what happened and where the old file is. */
  readonly notice: string | null;
  /** This process's hold on the store folder, let go by `close`. */
  readonly #lock: StoreLock;
  #closed = false;
  #quarantineWritten = -1;
  #savedAtWrite: unknown = null;

  private constructor(
    store: ProfileStore,
    session: IngestSession,
    timeline: TimelineStore,
    lock: StoreLock,
    notice: string | null,
  ) {
    this.store = store;
    this.session = session;
    this.timeline = timeline;
    this.#lock = lock;
    this.notice = notice;
  }

  static async open(options: EngineOptions): Promise<Engine> {
    tuneCollector();
    // Before anything is read: a store another process writes is neither read nor moved aside.
    const lock = await StoreLock.take(options.storeDir);
    try {
      const { store, state, notice, readMs } = await ProfileStore.open(
        options.storeDir,
        options.riskThreshold,
      );
      // Opened after the store: it keeps only what the store's last checkpoint holds.
      const { timeline, notice: timelineNotice } = await TimelineStore.open(
        options.storeDir,
        state.storeId,
        state.timelineBatch,
      );
      const session = new IngestSession(
        store,
        state,
        { ...DEFAULT_CHECKPOINT_POLICY, ...options.checkpoint },
        options.writeTimeline === false ? null : timeline,
        readMs,
      );
      const notices = [notice, timelineNotice].filter(Boolean).join(' ') || null;
      const engine = new Engine(store, session, timeline, lock, notices);
      store.mayWrite = () => engine.#mustHold();
      return engine;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Throws once another process took the store (its lock is not this one's any more). */
  #mustHold(): void {
    if (!this.#lock.stillHeld())
      throw new Error(
        `another process took the store in ${this.store.dataDir} (its lock was not this one's any more); this one stops writing it`,
      );
  }

  get state(): EngineState {
    return this.session.state;
  }

  get storeDir(): string {
    return this.store.dataDir;
  }

  /**
   * Runs a source until it is done or asked to stop, then saves a last checkpoint. A failure of
   * the source (or of a checkpoint) is thrown after what was applied has been saved, if it can be.
   */
  async run<R>(source: Source<R>, hooks: RunHooks = {}): Promise<R> {
    const session = this.session;
    const ctx: SourceContext = {
      state: session.state,
      apply: async (records, advance) => {
        session.apply(records, advance);
        hooks.onBatch?.(session);
        await this.#keepUpWithTimeline();
        await session.maybeCheckpoint();
        await this.#afterCheckpoint();
      },
      lendProfiles: async (pool) => {
        if (!session.lend(() => pool.lines())) return false;
        try {
          await pool.load(session.state.profiles.values());
        } catch (error) {
          session.takeBack([]); // nothing was counted there: the state's profiles are current
          throw error;
        }
        return true;
      },
      applyDigest: async (digest, records, originOf, advance, mayCheckpoint) => {
        session.applyDigest(digest, records, originOf, advance);
        hooks.onBatch?.(session);
        await this.#keepUpWithTimeline();
        if (!mayCheckpoint) return;
        await session.maybeCheckpoint();
        await this.#afterCheckpoint();
      },
      checkpointDue: (records) => session.checkpointDue(records),
      takeBackProfiles: async (pool) => {
        session.takeBack(await pool.takeBack());
      },
      checkpoint: async () => {
        const saved = await session.checkpoint({ ifUnsaved: true });
        await this.#afterCheckpoint();
        return saved;
      },
      get saved() {
        return session.saved;
      },
      // A store another process took (store-lock.ts) is not this run's to go on with.
      shouldStop: () => this.#lock.lost || (hooks.shouldStop?.() ?? false),
      timings: session.timings,
      everyRecords: session.policy.everyRecords,
      report: (status) => hooks.onStatus?.(status),
    };
    try {
      const result = await source.run(ctx);
      this.#mustHold(); // a run stopped for a lost store says so
      return result;
    } finally {
      if (session.unsaved && !this.#lock.lost) await ctx.checkpoint();
    }
  }

  /**
   * The timeline is written on its own thread: a source faster than the disk waits here rather
   * than piling batches up in memory.
   */
  async #keepUpWithTimeline(): Promise<void> {
    const behind = this.timeline.backlog();
    if (behind) await behind;
  }

  /**
   * Saves a last checkpoint if anything is unsaved, and the quarantine file; closes the timeline.
   * `whole`: the last checkpoint writes the store whole, so the store is one file again (the end
   * of a command-line run: tools read `store.json`). Without it (`serve`, the desktop), it may
   * append what changed: quitting with a million customers took a whole write of 12–20 s.
   */
  async close({ whole = false } = {}): Promise<void> {
    // Once: a second close would write the quarantine file into a folder no longer held.
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.session.unsaved || (whole && this.store.hasChanges)) await this.session.checkpoint({ whole });
      await this.#afterCheckpoint(true);
    } finally {
      try {
        await this.timeline.close();
      } finally {
        await this.#lock.release();
      }
    }
  }

  /** Where the quarantine file is (written beside the store). */
  get quarantinePath(): string {
    return join(this.store.dataDir, QUARANTINE_FILE);
  }

  /**
   * The quarantine as JSON lines beside the store, for people and tools: rewritten after a
   * checkpoint that saw it grow (not after every batch: it holds up to 10,000 records).
   */
  async #afterCheckpoint(always = false): Promise<void> {
    const total = this.state.quarantine.total;
    const saved = this.session.saved;
    if (!always && (saved === this.#savedAtWrite || total === this.#quarantineWritten)) return;
    this.#savedAtWrite = saved;
    this.#quarantineWritten = total;
    await writeQuarantineFile(this.store.dataDir, this.state.quarantine);
  }
}
