import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { C360Event, DeadLetterPlace, RecordOrigin } from '../../../shared/events.js';
import { dayHourIndex } from '../../../shared/time-of-day.js';
import type { DecodeResult } from '../decode/record-decoder.js';
import type { EngineState } from '../engine-state.js';
import type { Profile } from '../profile/profile.js';
import { currentImage, keptText } from '../profile/profile.js';
import { addNumberedListen, applyEvent, noteKeptTime, profileFor } from '../profile/profile-aggregator.js';
import { trackNumber } from '../profile/track-ids.js';
import type { CheckpointStats, ProfileStore } from '../store/profile-store.js';
import { type LentLines, StoreSnapshot } from '../store/store-snapshot.js';
import type { TimelineItem } from '../timeline/timeline-codec.js';
import { clickItem, crmChanges, listenItem } from '../timeline/timeline-items.js';
import type { TimelineStore } from '../timeline/timeline-store.js';
import { isListenRun, type ListenRun } from './listen-run.js';
import type { BatchDigest } from './partitions/partition-pool.js';
import { type ProfileRecord, upsertProfile } from './profile-upsert.js';
import { emptyQuarantine, mergeQuarantine, quarantineRecord } from './quarantine.js';

/** One record as a source read it: where it came from, what decoding made of it, and (if rejected) its raw text. */
export interface DecodedRecord {
  origin: RecordOrigin;
  raw: string;
  result: DecodeResult;
  /** For a rejected record also published to a dead-letter topic: where it went. */
  deadLetter?: DeadLetterPlace;
}

/** What a source hands the session: records to decode into events, or whole profiles to put in place. */
export type IngestRecord = DecodedRecord | ProfileRecord | ListenRun;

export function isProfileRecord(r: IngestRecord): r is ProfileRecord {
  return 'profile' in r;
}

export interface IngestCounts {
  listens: number;
  clicks: number;
  predictions: number;
  customers: number;
  quarantined: number;
}

export interface IngestTimings {
  /** Time spent decoding records (for files: splitting lines and decoding, not disk waits). */
  decodeMs: number;
  /** Batch files: reading each file once to hash it (decides skip, resume or force). */
  planMs: number;
  aggregateMs: number;
  /** Wall time of checkpoints, snapshot to renamed file; ingest goes on during most of it. */
  checkpointMs: number;
  checkpoints: number;
  longestCheckpointMs: number;
  /** The longest single step a checkpoint held ingest up for (snapshot, one slice, copy on write). */
  longestCheckpointStallMs: number;
  /** Which step that was, to know where to look. */
  longestCheckpointStallStep: string | null;
}

export interface CheckpointPolicy {
  everyMs: number;
  everyRecords: number;
}

/** The same defaults everywhere (`--checkpoint-every` overrides the records). */
export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyMs: 2000, everyRecords: 2_000_000 };

/**
 * Applies decoded batches to the engine state and checkpoints it. A batch and the source position
 * it reaches are applied together, synchronously, so every checkpoint holds whole batches only.
 */
export class IngestSession {
  readonly counts: IngestCounts = { listens: 0, clicks: 0, predictions: 0, customers: 0, quarantined: 0 };
  readonly timings: IngestTimings = {
    decodeMs: 0,
    planMs: 0,
    aggregateMs: 0,
    checkpointMs: 0,
    checkpoints: 0,
    longestCheckpointMs: 0,
    longestCheckpointStallMs: 0,
    longestCheckpointStallStep: null,
  };
  /** The latest checkpoint on disk. */
  saved: CheckpointStats | null = null;
  /** Profiles put in place (upserts) and removed (tombstones) from a profiles topic. */
  readonly profileCounts = { upserts: 0, removed: 0 };
  /**
   * Sees every applied batch's events (live statistics, search) and the ids of customers whose
   * whole profile was put in place or removed; called after the merge.
   */
  onApplied: ((events: readonly C360Event[], replaced: readonly string[]) => void) | null = null;
  #sinceCheckpoint = 0;
  /** Batches applied since the last checkpoint began; a batch may move a position without records. */
  #batchesSinceCheckpoint = 0;
  #lastCheckpoint = performance.now();
  /** The checkpoint being written, if any, and its snapshot (for copy on write). */
  #writing: Promise<CheckpointStats> | null = null;
  #snapshot: StoreSnapshot | null = null;
  #failure: Error | null = null;
  /** While partitions hold the profiles: how to get their store lines for a checkpoint. */
  #lentTo: (() => Promise<LentLines[]>) | null = null;
  /**
   * Customers changed since the last checkpoint's instant: a checkpoint that changed few writes
   * only those (see ProfileStore.appendable).
   */
  #changed = new Set<string>();
  /** Set when changes were made that #changed does not list (in partitions): the next checkpoint is whole. */
  #wholeNext = false;

  constructor(
    readonly store: ProfileStore,
    readonly state: EngineState,
    readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
    /** Where each batch's events are also written, tagged with the batch's number. */
    readonly timeline: TimelineStore | null = null,
    /**
     * What the first checkpoint is expected to take, until one is timed: how long the store took
     * to read. A 100,000-customer store takes seconds to write, and writing it again two seconds
     * after opening it took the CPU the window needed to show its first frame.
     */
    readonly expectedWriteMs = 0,
  ) {}

  /** `advance` moves the source position in the same step, so position and profiles never disagree. */
  apply(records: readonly IngestRecord[], advance: (state: EngineState) => void): void {
    const started = performance.now();
    const events: Array<C360Event | ListenRun> = [];
    const replaced: ProfileRecord[] = [];
    const quarantine = emptyQuarantine();
    /** Records as sources count them: a run of listens is as many. */
    let count = 0;
    for (const r of records) {
      if (isListenRun(r)) {
        count += r.length;
        events.push(r);
        this.counts.listens += r.length;
        continue;
      }
      count += 1;
      if (isProfileRecord(r)) replaced.push(r);
      else if (r.result.ok) {
        events.push(r.result.event);
        const kind = r.result.event.kind;
        if (kind === 'listen') this.counts.listens += 1;
        else if (kind === 'click') this.counts.clicks += 1;
        else if (kind === 'prediction') this.counts.predictions += 1;
        else this.counts.customers += 1;
      } else {
        quarantineRecord(quarantine, r.origin, r.result.reason, r.raw, r.deadLetter);
      }
    }
    this.counts.quarantined += quarantine.total;
    // In place: the batch, its quarantine and its position are applied in this one synchronous
    // step, so nothing sees (or checkpoints) half a batch. Folding into partial profiles first
    // and merging gives the same profiles (tested) but was 10% of batch ingest in the profile, and
    // more with many customers per batch (a fresh partial profile per customer per batch).
    const profiles = this.state.profiles;
    // The running totals: each listen adds to its bucket as it is applied; customers whose
    // prediction or CRM record changes are counted out of the churn figures now and back in after
    // the events; replaced profiles are swapped whole (below).
    const totals = this.state.totals;
    const base = totals.base;
    const churnTouched = new Set<string>();
    for (const event of events)
      if (event.kind === 'prediction' || event.kind === 'customer') churnTouched.add(event.customerId);
    for (const id of churnTouched) {
      const p = profiles.get(id);
      if (p) totals.removeChurn(p);
    }
    const snapshot = this.#snapshot;
    if (snapshot) {
      const t = performance.now();
      for (const event of events) {
        if (event.kind !== 'listens') {
          const p = profiles.get(event.customerId);
          if (p) snapshot.beforeChange(p);
        } else
          for (let j = 0; j < event.length; j++) {
            const p = profiles.get(event.customerId(j));
            if (p) snapshot.beforeChange(p);
          }
      }
      this.#noteStall(performance.now() - t, 'copying profiles a batch changes');
    }
    // Windows count each event by when it happened; a prediction without a readable time is
    // stamped with the stream's clock as it arrives (for the window, and for its churn point).
    const windows = this.state.windows;
    const wall = Date.now();
    const timeline = this.timeline;
    const items: Array<readonly [string, TimelineItem]> = [];
    // When a CRM change (or a prediction without a time) arrived: the stream's clock, or the wall
    // clock while the stream has none yet (never 1970).
    const stamp = () => windows.nowFor(wall) || wall;
    // Not listed once the next checkpoint is whole anyway (see below).
    const changed = this.#wholeNext ? null : this.#changed;
    /** One listen, by its parts (an object per listen here was garbage on the hottest path). */
    const listen = (
      customerId: string,
      trackId: string,
      track: number,
      epochMs: number,
      hour: number,
      dayOfWeek: number,
      mobile: boolean,
      zip: string | null,
      kept: string | null,
    ) => {
      changed?.add(customerId);
      if (timeline) items.push([customerId, listenItem(epochMs, trackId, mobile, zip)]);
      // The base statistics read the profile's columns before and after; it is looked up once,
      // and the listen applied to it in place.
      const was = profiles.get(customerId);
      base.before(was);
      totals.listenAt(hour);
      const dayHour = dayHourIndex(dayOfWeek, hour);
      windows.addListen(epochMs, mobile, dayHour, wall);
      const p = was ?? profileFor(profiles, customerId);
      addNumberedListen(p, track, epochMs, hour, dayOfWeek, mobile);
      noteKeptTime(p, epochMs, kept, zip);
      base.listened(p, hour, mobile, dayHour);
    };
    const applied: C360Event[] = [];
    for (const event of events) {
      if (event.kind === 'listens') {
        const c = event.columns;
        const { customers, tracks, trackNumbers, zips } = event.names;
        for (let j = 0; j < event.length; j++) {
          const t = c.track[j] as number;
          const zip = c.zip[j] as number;
          listen(
            customers[c.customer[j] as number] as string,
            tracks[t] as string,
            trackNumbers[t] as number,
            c.epochMs[j] as number,
            c.clock[4 * j] as number,
            c.clock[4 * j + 1] as number,
            c.clock[4 * j + 2] === 1,
            zip < 0 ? null : (zips[zip] as string),
            c.clock[4 * j + 3] === 1 ? '' : null,
          );
        }
        if (this.onApplied) for (let j = 0; j < event.length; j++) applied.push(event.event(j));
        continue;
      }
      if (this.onApplied) applied.push(event);
      if (event.kind === 'listen') {
        const at = event.at;
        listen(
          event.customerId,
          event.trackId,
          trackNumber(event.trackId),
          at.epochMs,
          at.hour,
          at.dayOfWeek,
          event.mobile,
          event.zip,
          keptText(at.text),
        );
        continue;
      }
      changed?.add(event.customerId);
      if (timeline) {
        if (event.kind === 'customer') {
          // Before the record is merged: what it changes, from what the profile held.
          const changes = crmChanges(profiles.get(event.customerId)?.crm, event.fields);
          if (changes) items.push([event.customerId, [3, stamp(), changes]]);
        } else if (event.kind === 'click') items.push([event.customerId, clickItem(event)]);
      }
      // The base statistics read the profile's columns before and after (a CRM record moves none);
      // it is looked up once, and the event applied to it in place.
      const was = event.kind === 'customer' ? undefined : profiles.get(event.customerId);
      if (event.kind !== 'customer') base.before(was);
      switch (event.kind) {
        case 'click':
          windows.add({ kind: 'click', epochMs: event.at.epochMs }, wall);
          break;
        case 'prediction': {
          const at = event.at ?? windows.nowFor(wall);
          windows.add({ kind: 'prediction', epochMs: at }, wall);
          if (timeline)
            items.push([event.customerId, [2, at || stamp(), event.churnRisk, event.label, event.model]]);
          applyEvent(profiles, event, at, was);
          if (was) base.predicted(was); // a customer the event made has no listen or click yet
          continue;
        }
      }
      const p = applyEvent(profiles, event, null, was);
      if (event.kind === 'click') base.clicked(p);
    }
    for (const id of churnTouched) {
      const p = profiles.get(id);
      if (p) totals.addChurn(p);
    }
    for (const r of replaced) {
      // Replaced, never changed in place, so the image keeps the profile it captured; the new
      // object is made after the instant (Profile.image), so no later event's copy of it enters the image.
      const old = profiles.get(r.customerId);
      if (old) snapshot?.beforeReplace(old);
      // It may have been read before an image under way began.
      if (r.profile) r.profile.image = currentImage();
      changed?.add(r.customerId);
      if (old) totals.remove(old); // with what this batch's events added to it
      upsertProfile(this.state, r, wall);
      const now = profiles.get(r.customerId);
      if (now) totals.add(now);
      if (r.profile) this.profileCounts.upserts += 1;
      else this.profileCounts.removed += 1;
    }
    mergeQuarantine(this.state.quarantine, quarantine);
    // Past what an appended checkpoint could hold, the next one is whole whatever the list says;
    // listing on would only grow a set (at a million entries each growth held ingest up 70 ms).
    if (changed && changed.size > this.store.appendableAtMost(profiles.size)) {
      this.#wholeNext = true;
      this.#changed = new Set();
    }
    // Numbered even without a timeline, so a store's batch numbers only ever grow.
    this.state.timelineBatch += 1;
    timeline?.append(this.state.timelineBatch, items);
    advance(this.state);
    this.onApplied?.(
      applied,
      replaced.map((r) => r.customerId),
    );
    this.#sinceCheckpoint += count;
    this.#batchesSinceCheckpoint += 1;
    this.timings.aggregateMs += performance.now() - started;
  }

  /**
   * Partitioned ingest: the profiles go to partitions (threads) for a while; until takeBack, the
   * state's own profiles are not current, and checkpoints write the partitions' lines. Refused
   * while something must see each event (live statistics and search in `serve`).
   */
  lend(lines: () => Promise<LentLines[]>): boolean {
    if (this.onApplied || this.#lentTo) return false;
    this.#lentTo = lines;
    return true;
  }

  /** The partitions' profiles, back in the state (their ids are disjoint: none is merged). */
  takeBack(profiles: readonly Profile[]): void {
    for (const p of profiles) this.state.profiles.set(p.customerId, p);
    this.#lentTo = null;
    this.#wholeNext = true; // what the partitions changed since their last lines is in no list
    this.state.totals.recount(this.state.profiles.values());
  }

  /**
   * A batch the partitions counted: its counts, quarantine, windows and timeline, and the
   * position it reaches, in one synchronous step as apply() does (the profiles changed in the
   * partitions; a checkpoint asks them for their lines).
   */
  applyDigest(
    digest: BatchDigest,
    records: number,
    originOf: (line: number) => RecordOrigin,
    advance: (state: EngineState) => void,
  ): void {
    const started = performance.now();
    this.counts.listens += digest.listens;
    this.counts.quarantined += digest.rejected.length;
    const quarantine = emptyQuarantine();
    for (const r of digest.rejected) quarantineRecord(quarantine, originOf(r.line), r.reason, r.raw);
    mergeQuarantine(this.state.quarantine, quarantine);
    // In line order, as apply() counts them: the windows' clock moves with the events.
    const windows = this.state.windows;
    const wall = Date.now();
    const { times, codes } = digest;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i] as number;
      if (code !== 0) windows.addListen(times[i] as number, ((code - 1) & 1) === 1, (code - 1) >> 1, wall);
    }
    this.state.timelineBatch += 1;
    this.timeline?.appendPacked(this.state.timelineBatch, digest.timeline);
    advance(this.state);
    this.#sinceCheckpoint += records;
    this.#batchesSinceCheckpoint += 1;
    this.timings.aggregateMs += performance.now() - started;
  }

  get events(): number {
    return this.counts.listens + this.counts.clicks + this.counts.predictions + this.counts.customers;
  }

  /** True while a checkpoint is being written. */
  get writing(): boolean {
    return this.#writing !== null;
  }

  /** True when batches were applied since the last checkpoint, or one is still being written. */
  get unsaved(): boolean {
    return this.#batchesSinceCheckpoint > 0 || this.#writing !== null;
  }

  /**
   * Starts a checkpoint when one is due, and returns once it is started: the write goes on
   * between batches. A failed write is thrown here (or by checkpoint()) next time.
   *
   * Due: every `everyRecords` records, a promise to the user about how much a crash can replay,
   * so a write still in progress is waited for rather than the checkpoint skipped; otherwise
   * once the interval has passed (see #interval), and then only if no write is in progress.
   */
  async maybeCheckpoint(): Promise<void> {
    // One turn of the event loop per batch: a source that never waits for I/O (the unpaced demo)
    // would otherwise starve the checkpoint's writes, the dashboard server and the window's calls.
    await yieldToEventLoop();
    this.#throwFailure();
    if (this.#sinceCheckpoint >= this.policy.everyRecords) {
      if (this.#writing) await this.#writing.catch(() => {});
      this.#throwFailure();
      if (!this.#writing) void this.#start(await this.#lentLines()).catch(() => {});
      return;
    }
    if (this.#writing || this.#batchesSinceCheckpoint === 0) return;
    if (performance.now() - this.#lastCheckpoint >= this.#interval())
      void this.#start(await this.#lentLines()).catch(() => {});
  }

  /**
   * Whether maybeCheckpoint would start a checkpoint after a batch of `records` more: a source
   * that works ahead (partitioned ingest) asks before it sends its next batch out.
   */
  checkpointDue(records: number): boolean {
    if (this.#sinceCheckpoint + records >= this.policy.everyRecords) return true;
    return !this.#writing && performance.now() - this.#lastCheckpoint >= this.#interval();
  }

  /**
   * Waits for any checkpoint being written, then writes one of the state as it is now. `whole`:
   * the whole store in one file, with no changes beside it (at the end of a run). `ifUnsaved`:
   * only if a batch was applied since the last checkpoint (that one's figures otherwise).
   */
  async checkpoint({ whole = false, ifUnsaved = false } = {}): Promise<CheckpointStats> {
    if (this.#writing) await this.#writing.catch(() => {});
    this.#throwFailure();
    // `ifUnsaved`: nothing applied since the last checkpoint, so writing the same again is skipped.
    if (ifUnsaved && !whole && this.saved && this.#batchesSinceCheckpoint === 0) return this.saved;
    return this.#start(await this.#lentLines(), whole);
  }

  /** The partitions' lines when they hold the profiles (they are idle between batches); else null. */
  async #lentLines(): Promise<LentLines[] | null> {
    return this.#lentTo ? await this.#lentTo() : null;
  }

  #start(lent: LentLines[] | null, whole = false): Promise<CheckpointStats> {
    const t = performance.now();
    const mayAppend = !lent && !whole && !this.#wholeNext;
    const since = mayAppend ? this.store.quarantineTotal : null;
    let header = StoreSnapshot.headerOf(this.state, lent, since);
    const changed =
      mayAppend &&
      this.store.appendable(this.#changed.size, this.state.profiles.size, Buffer.byteLength(header))
        ? this.#changed
        : null;
    // A whole write holds the quarantine whole.
    if (changed === null && since !== null) header = StoreSnapshot.headerOf(this.state, lent);
    // From this instant on, changes are the next checkpoint's.
    const wasChanged = this.#changed;
    this.#changed = new Set();
    const wasWholeNext = this.#wholeNext;
    this.#wholeNext = false;
    const snapshot = new StoreSnapshot(this.state, lent, changed, header);
    this.#noteStall(performance.now() - t, 'taking the snapshot');
    this.#snapshot = snapshot;
    const records = this.#sinceCheckpoint;
    const batches = this.#batchesSinceCheckpoint;
    this.#sinceCheckpoint = 0;
    this.#batchesSinceCheckpoint = 0;
    this.#lastCheckpoint = performance.now();
    const timeline = this.timeline;
    // The timeline first: a checkpoint on disk must never name a batch the timeline lacks.
    const writing = (timeline ? timeline.flushed() : Promise.resolve())
      .then(() => this.store.write(snapshot))
      .then(
        (stats) => {
          timeline?.checkpointed(snapshot.timelineBatch);
          this.timings.checkpoints += 1;
          this.timings.checkpointMs += stats.ms;
          this.timings.longestCheckpointMs = Math.max(this.timings.longestCheckpointMs, stats.ms);
          this.saved = stats;
          return stats;
        },
        (error: Error) => {
          // Those records are not on disk after all: the next checkpoint must include them.
          this.#sinceCheckpoint += records;
          this.#batchesSinceCheckpoint += batches;
          for (const id of wasChanged) this.#changed.add(id);
          this.#wholeNext ||= wasWholeNext;
          this.#failure = error;
          throw error;
        },
      )
      .finally(() => {
        this.#noteStall(snapshot.longestSliceMs, 'encoding a slice');
        this.#snapshot = null;
        this.#writing = null;
      });
    this.#writing = writing;
    return writing;
  }

  /**
   * At least `everyMs`, and at least ten times the last checkpoint's length: rewriting a
   * 100,000-customer store every 2 s took a third of a core even with a quiet stream. How often
   * only decides how much a crash replays, never whether anything counts twice.
   */
  #interval(): number {
    return Math.max(this.policy.everyMs, 10 * (this.saved?.ms ?? this.expectedWriteMs));
  }

  #throwFailure(): void {
    const failure = this.#failure;
    if (failure) {
      this.#failure = null;
      throw failure;
    }
  }

  #noteStall(ms: number, step: string): void {
    if (ms <= this.timings.longestCheckpointStallMs) return;
    this.timings.longestCheckpointStallMs = ms;
    this.timings.longestCheckpointStallStep = step;
  }
}
