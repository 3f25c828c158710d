// Two or more builds of the customer search side by side in one process: the same N demo
// customers put into each, the desk's query mix asked of each in turn, every query five times
// per build, so a comparison is not swayed by how busy the shared machine was in which minute.
// Prints, per build, p50 / p99 of the calls (the first of each five left out as a warm-up), the
// sum of each query's median, its slowest queries, and the queries whose answers differ between
// builds (a search that stops at its count may keep different customers of equal rank).
// With --cold, the customers are one demo world of N (seed 3), as the desk group's engine has
// them, and each call comes after a pass over 64 MB of other memory, as a desk's call comes after
// the engine's other work: three rounds of the mix, each query once per round and build, the
// first round left out as a warm-up; its slowest queries are ranked by their slowest call, and
// answers are not compared.
// Usage: node --expose-gc bench/search-compare-child.mjs [--cold] N DIST_A DIST_B …
// where DIST is a build's dist folder (e.g. of a `git worktree` of the code before a change).
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DemoWorld } from '../dist/main/engine/demo/demo-world.js';
import { crmRecord } from './demo-crm.mjs';
import { queryMix } from './desk-queries.mjs';
import { mulberry32 } from './seeded-random.mjs';

const args = process.argv.slice(2);
const cold = args[0] === '--cold';
const [countArg, ...dists] = cold ? args.slice(1) : args;
const N = Number(countArg);
if (!Number.isInteger(N) || N < 1000 || dists.length < 2) {
  process.stderr.write('usage: node --expose-gc bench/search-compare-child.mjs [--cold] N DIST_A DIST_B …\n');
  process.exit(2);
}
const CHUNK = 100_000;
const LIMIT = 25;
const REPEATS = 5;

const builds = await Promise.all(
  dists.map(async (dist) => {
    const path = resolve(
      isAbsolute(dist) ? dist : resolve(process.cwd(), dist),
      'main/engine/read/customer-search.js',
    );
    const { CustomerSearch } = await import(pathToFileURL(path).href);
    return { dist, index: new CustomerSearch(), buildMs: 0, calls: [], medians: [] };
  }),
);

// The customers, as search-scale-child makes them (a world of 100,000 at a time, a seed each),
// or cold, one world as the desk's engine has, put into every build in turn, each build's time
// counted apart.
const crms = [];
const worldSize = cold ? N : CHUNK;
for (let from = 0; from < N; from += worldSize) {
  const world = new DemoWorld({
    seed: 3 + from / CHUNK,
    customers: Math.min(worldSize, N - from),
    tracks: 500,
  });
  const profiles = world.customers.map((c) => {
    const crm = crmRecord(c, String(from + c.index + 1));
    crms.push(crm);
    return { customerId: crm.cust_id, crm, listenZip: null };
  });
  for (const build of builds) {
    const t = performance.now();
    for (const p of profiles) build.index.update(p);
    build.buildMs += performance.now() - t;
  }
}

const random = mulberry32(42);
const randomId = () => String(1 + Math.floor(random() * N));
const sample = [];
while (sample.length < 100) {
  const crm = crms[Number(randomId()) - 1];
  if (crm.name && crm.email) sample.push(crm);
}
const { queries } = queryMix(sample, randomId);

const differ = [];
const other = new Int32Array(16 << 20);
const evict = () => {
  for (let i = 0; i < other.length; i += 16) other[i] += 1; // a word per 64-byte line
};
if (cold) {
  const slowest = builds.map(() => new Map()); // per build, each query's slowest call
  for (let round = 0; round < 3; round++) {
    for (const q of queries) {
      builds.forEach((build, i) => {
        evict();
        const t = performance.now();
        build.index.search(q, LIMIT);
        const ms = performance.now() - t;
        if (round === 0) return;
        build.calls.push(ms);
        slowest[i].set(q, Math.max(slowest[i].get(q) ?? 0, ms));
      });
    }
  }
  builds.forEach((build, i) => {
    build.medians = [...slowest[i]];
  });
}
for (const q of cold ? [] : queries) {
  const times = builds.map(() => []);
  const answers = builds.map(() => '');
  for (let r = 0; r < REPEATS; r++) {
    builds.forEach((build, i) => {
      const t = performance.now();
      const found = build.index.search(q, LIMIT);
      times[i].push(performance.now() - t);
      answers[i] = JSON.stringify(found);
    });
  }
  if (answers.some((a) => a !== answers[0])) differ.push(q);
  builds.forEach((build, i) => {
    const sorted = times[i].sort((a, b) => a - b);
    build.medians.push([q, sorted[REPEATS >> 1]]);
    build.calls.push(...times[i].slice(1));
  });
}

const round = (ms) => Math.round(ms * 1000) / 1000;
const at = (samples, p) => {
  const s = [...samples].sort((a, b) => a - b);
  return round(s[Math.max(0, Math.ceil(p * s.length) - 1)]);
};
process.stdout.write(
  `${JSON.stringify({
    customers: N,
    cold,
    queries: queries.length,
    builds: builds.map((b) => ({
      dist: b.dist,
      buildMs: Math.round(b.buildMs),
      p50Ms: at(b.calls, 0.5),
      p99Ms: at(b.calls, 0.99),
      maxMs: at(b.calls, 1),
      sumOfMediansMs: cold ? null : Math.round(b.medians.reduce((sum, [, ms]) => sum + ms, 0)),
      slowest: [...b.medians]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 12)
        .map(([query, ms]) => ({ query, ms: round(ms) })),
    })),
    answersDiffer: cold ? null : differ,
  })}\n`,
);
