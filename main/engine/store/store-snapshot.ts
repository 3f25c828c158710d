import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EngineState, SourceProgress } from '../engine-state.js';
import { blocksApart } from '../profile/count-blocks.js';
import { beginImage, copyProfile, type Profile } from '../profile/profile.js';
import { encodeProfile, storeHeader } from './store-codec.js';

/**
 * Store lines a partition encoded (partitioned ingest): already joined as the store file separates
 * them (`,` and a line break), in blocks of a few megabytes, one message rather than a string per
 * profile; and how many profiles they hold.
 */
export interface LentLines {
  blocks: string[];
  profiles: number;
}

/**
 * The state at one instant, written while ingest goes on. Encoding a 100,000-customer store in
 * one go held ingest up for 2–4.4 s (`npm run bench`, scale group); here it is encoded a slice at
 * a time between batches. Copy on write keeps the image exact: before a batch changes a profile
 * the image has not reached yet, the session has it copied as it still is, and the copy is
 * written. Profiles created after the instant are not in the image; their events are not in its
 * offsets either.
 */
export class StoreSnapshot {
  /** What the header (offsets, quarantine) said at the instant, encoded then, once. */
  readonly header: string;
  /** Source positions at the instant: what a Kafka source may commit once this is saved. */
  readonly sources: SourceProgress;
  readonly profileCount: number;
  /**
   * For a checkpoint of what changed (see store-journal.ts): the customers removed since the last
   * one. Null for a whole store.
   */
  readonly removed: readonly string[] | null;
  /** The last batch at the instant: the timeline must hold everything up to it before this is saved. */
  readonly timelineBatch: number;
  /** The quarantine's total at the instant: what the next appended checkpoint's counts start from. */
  readonly quarantineTotal: number;
  /**
   * This image's number. Whole: a profile whose `image` is below it is in the image and not yet
   * taken. What changed: one whose `image` is its negative (marked so at the instant).
   */
  readonly #image: number;
  /** Whole: the profiles, read lazily from the state's map (made after the instant: taken as made). */
  readonly #all: Iterator<Profile> | null = null;
  /** What changed: the profiles to write, listed at the instant (never more than the store appends). */
  #order: Profile[] = [];
  #next = 0;
  /** Profiles (or copies) taken before the encoder reached them: a batch was about to change or replace them. */
  #early: Profile[] = [];
  /** The copies' counts: dropped with the image. */
  readonly #blocks = blocksApart();
  #longestSliceMs = 0;

  /**
   * `lent`: while the profiles are held by partitions (partitioned ingest), their store lines as
   * the partitions encoded them at this instant; the engine's own copies are not current then.
   * `changed`: the customers changed since the last checkpoint, to write only those (and the
   * removal of those gone); null for the whole store.
   */
  constructor(
    state: EngineState,
    readonly lent: readonly LentLines[] | null = null,
    changed: ReadonlySet<string> | null = null,
    header = StoreSnapshot.headerOf(state, lent),
  ) {
    // Encoded now, as they must not move under the writer; the offsets are also kept as a copy.
    this.header = header;
    this.sources = structuredClone(state.sources);
    this.timelineBatch = state.timelineBatch;
    this.quarantineTotal = state.quarantine.total;
    this.#image = beginImage();
    if (lent) {
      this.removed = null;
    } else if (changed) {
      const removed: string[] = [];
      for (const id of changed) {
        const p = state.profiles.get(id);
        if (p) {
          this.#order.push(p);
          p.image = -this.#image; // rather than a set of them (109 ms of ingest held up for 100,000)
        } else removed.push(id);
      }
      this.removed = removed;
    } else {
      // Not copied into a list: that took 74 ms at a million customers, all of it holding ingest up.
      this.#all = state.profiles.values();
      this.removed = null;
    }
    this.profileCount = lent
      ? lent.reduce((n, part) => n + part.profiles, 0)
      : this.#all
        ? state.profiles.size
        : this.#order.length;
  }

  /**
   * The header of a snapshot taken now: made first when its size decides how to write it.
   * `quarantineSince`: for a checkpoint that may be appended, the quarantine's total at the last
   * one, so it holds only the records quarantined since (see storeHeader).
   */
  static headerOf(
    state: EngineState,
    lent: readonly LentLines[] | null = null,
    quarantineSince: number | null = null,
  ): string {
    return JSON.stringify(storeHeader(state, lent === null, quarantineSince));
  }

  /** The longest slice: how long encoding held the event loop in one go. */
  get longestSliceMs(): number {
    return this.#longestSliceMs;
  }

  /**
   * Called before a profile changes: if the image still needs it, a copy is kept for the encoder.
   * A copy, not its JSON: a 64k-record batch can touch every customer, and copying 5,000 profiles
   * holds ingest up a fraction of what encoding them does. A profile made after the instant was
   * numbered so (Profile.image) and is never taken.
   */
  beforeChange(p: Profile): void {
    if (this.#taken(p)) this.#early.push(copyProfile(p, this.#blocks));
  }

  /**
   * Called before a profile is replaced or removed: the object itself is the image's, as nothing
   * changes it from now on. (The whole image reads the map lazily, where it will not be.)
   */
  beforeReplace(p: Profile): void {
    if (this.#taken(p)) this.#early.push(p);
  }

  /** Whether the image still needs `p` (marking it as taken). */
  #taken(p: Profile): boolean {
    if (this.lent || !this.#pending(p)) return false;
    p.image = this.#image;
    return true;
  }

  #pending(p: Profile): boolean {
    return this.#all ? p.image < this.#image : p.image === -this.#image;
  }

  /** The next profile in the image the encoder has not taken yet, or undefined at the end. */
  #nextUntaken(): Profile | undefined {
    for (;;) {
      let p: Profile | undefined;
      if (this.#all) {
        const step = this.#all.next();
        if (step.done) return undefined;
        p = step.value;
      } else {
        p = this.#order[this.#next++];
        if (p === undefined) return undefined;
      }
      if (this.#taken(p)) return p;
    }
  }

  /**
   * The encoded profiles, a slice at a time; between slices the event loop runs, so batches are
   * applied while the image is written. `sliceMs` bounds how long one slice holds ingest up.
   */
  async *encoded(sliceMs = 8): AsyncGenerator<string[]> {
    if (this.lent) {
      for (const part of this.lent) if (part.blocks.length > 0) yield part.blocks;
      return;
    }
    let more = true;
    while (more || this.#early.length > 0) {
      const started = performance.now();
      const until = started + sliceMs;
      const slice: string[] = [];
      while ((more || this.#early.length > 0) && performance.now() < until) {
        // 64 at a time between clock reads: reading the clock costs about as much as encoding one.
        for (let i = 0; i < 64; i++) {
          const p = this.#early.pop() ?? (more ? this.#nextUntaken() : undefined);
          if (p === undefined) {
            more = false;
            break;
          }
          slice.push(JSON.stringify(encodeProfile(p)));
        }
      }
      this.#longestSliceMs = Math.max(this.#longestSliceMs, performance.now() - started);
      yield slice;
      await yieldToEventLoop();
    }
  }
}
