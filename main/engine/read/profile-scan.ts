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

/**
 * Feeds every profile to the accumulators, at most `budgetMs` of work at a time. A Map's iterator
 * stays valid while the map changes between slices: customers added meanwhile are visited, and a
 * profile changed meanwhile is read as it is when its turn comes. So a result read in slices is
 * each customer's state at some moment of the scan, not one instant: right for a dashboard, and
 * why exports read in one go.
 */
export async function scanInSlices(
  profiles: Map<string, Profile>,
  accs: ReadonlyArray<Accumulator<unknown>>,
  budgetMs = 6,
): Promise<void> {
  const it = profiles.values();
  for (;;) {
    const until = performance.now() + budgetMs;
    for (let n = 0; ; n++) {
      const next = it.next();
      if (next.done) return;
      for (const acc of accs) acc.add(next.value);
      // performance.now() costs ~50 ns: look at the clock every 256 profiles.
      if ((n & 255) === 255 && performance.now() >= until) break;
    }
    await yieldToLoop();
  }
}
