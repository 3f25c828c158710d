// The read models a dashboard polls, over a stored base: counted from every profile (as every
// call did before issue 14) against the engine's running totals (kept batch by batch), each
// timed as the median of several calls. Prints JSON.
// Usage (after `npm run build`): node bench/read-models-child.mjs STORE_DIR
import { baseStats, churnOverview, snapshotCountsAcc } from '../dist/main/engine/read/customer-views.js';
import { scanAll } from '../dist/main/engine/read/profile-scan.js';
import { ProfileStore } from '../dist/main/engine/store/profile-store.js';

const [storeDir] = process.argv.slice(2);
const THRESHOLD = 0.2;
const TOP = 15;
const RUNS = 7;

const { state } = await ProfileStore.open(storeDir, THRESHOLD);
const profiles = state.profiles;
const median = (f) => {
  const times = [];
  let value;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    value = f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[RUNS >> 1] * 1000) / 1000, value };
};
const scannedChurn = median(() => churnOverview(profiles.values(), THRESHOLD, TOP));
const keptChurn = median(() => state.totals.churnFigures(TOP));
const scannedCounts = median(() => scanAll(profiles.values(), snapshotCountsAcc(THRESHOLD)));
const keptCounts = median(() => ({ atRisk: state.totals.atRisk, buckets: state.totals.buckets }));
const scannedBase = median(() => baseStats(profiles.values()));
const keptBase = median(() => state.totals.base.statistics(profiles, state.totals.buckets));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
// Kept sums against a one-pass mean: equal to rounding (a billionth), the rest exactly.
const near = (a, b) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const sameStats = (a, b) => {
  const exact = (s) => ({
    ...s,
    columns: Object.fromEntries(
      Object.entries(s.columns).map(([c, { mean, variance, ...rest }]) => [c, rest]),
    ),
  });
  return (
    same(exact(a), exact(b)) &&
    Object.entries(a.columns).every(
      ([c, x]) => near(x.mean, b.columns[c].mean) && near(x.variance, b.columns[c].variance),
    )
  );
};
process.stdout.write(
  JSON.stringify({
    customers: profiles.size,
    predicted: keptChurn.value.predicted,
    churnOverview: {
      scannedMs: scannedChurn.ms,
      keptMs: keptChurn.ms,
      same: same(scannedChurn.value, keptChurn.value),
    },
    snapshotCounts: {
      scannedMs: scannedCounts.ms,
      keptMs: keptCounts.ms,
      same: same(scannedCounts.value, keptCounts.value),
    },
    baseStatistics: {
      scannedMs: scannedBase.ms,
      keptMs: keptBase.ms,
      same: sameStats(scannedBase.value, keptBase.value),
    },
  }),
);
