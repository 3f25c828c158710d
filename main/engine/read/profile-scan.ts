import type { Profile } from '../profile/profile.js';

/**
 * Read models over every profile (the churn overview, base statistics, all-time windows) as
 * accumulators: one profile at a time, then a result. The same accumulator runs in one go (tests,
 * exports) or in slices on the engine's thread, yielding between slices so ingest, search and
 * lookups go on while a million profiles are read.
 */
export interface Accumulator<R> {
  add(p: Profile): void;
  result(): R;
}

export function scanAll<R>(profiles: Iterable<Profile>, acc: Accumulator<R>): R {
  for (const p of profiles) acc.add(p);
  return acc.result();
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface SliceOptions {
  /** The shortest slice, and the first: what a lookup waits at most while the thread is idle. */
  budgetMs?: number;
  /** The longest slice, however busy the thread is otherwise. */
  maxSliceMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

/**
 * Feeds every profile to the accumulators, a slice at a time. A Map's iterator stays valid while
 * the map changes between slices: customers added meanwhile are visited, and a profile changed
 * meanwhile is read as it is when its turn comes. So a result read in slices is each customer's
 * state at some moment of the scan, not one instant: right for a dashboard, and why exports read
 * in one go.
 *
 * A slice lasts as long as everything else took since the last one (from `budgetMs` up to
 * `maxSliceMs`), so the scan keeps about half the thread. With fixed 6 ms slices, an unpaced
 * stream whose batches take 50 ms left the search index a tenth of the thread after a restart:
 * 30 s before the first search at 100,000 customers, 8.5 minutes at a million.
 */
export async function scanInSlices(
  profiles: Map<string, Profile>,
  accs: ReadonlyArray<Accumulator<unknown>>,
  { budgetMs = 6, maxSliceMs = 50, now = () => performance.now() }: SliceOptions = {},
): Promise<void> {
  const it = profiles.values();
  let slice = budgetMs;
  for (;;) {
    const until = now() + slice;
    for (let n = 0; ; n++) {
      const next = it.next();
      if (next.done) return;
      for (const acc of accs) acc.add(next.value);
      // performance.now() costs ~50 ns: look at the clock every 256 profiles.
      if ((n & 255) === 255 && now() >= until) break;
    }
    const left = now();
    await yieldToLoop();
    slice = Math.min(maxSliceMs, Math.max(budgetMs, now() - left));
  }
}
