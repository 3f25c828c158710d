// The support desk's latency: customer search and the 360 view over 100,000 customers (or
// CUSTOMERS), idle and while the demo stream ingests at full speed on the same thread, next to a
// fixed piece of work timed the same way (baseline). Prints its figures as JSON.
// Usage (after `npm run build`): node bench/desk-child.mjs DATA_DIR [CUSTOMERS]
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineService } from '../dist/main/engine/engine-service.js';
import { IngestSession } from '../dist/main/engine/ingest/ingest-session.js';
import { queryMix } from './desk-queries.mjs';
import { mulberry32 } from './seeded-random.mjs';

const [dataDir, customersArg = '100000'] = process.argv.slice(2);
const CUSTOMERS = Number(customersArg);
const HISTORY = 2 * CUSTOMERS;
const SEED = 3;
const LIMIT = 25; // what the customer view asks for

if (!dataDir || !Number.isInteger(CUSTOMERS) || CUSTOMERS < 1000) {
  process.stderr.write('usage: node bench/desk-child.mjs DATA_DIR [CUSTOMERS]\n');
  process.exit(2);
}
const storeDir = join(dataDir, 'desk-store');
await rm(storeDir, { recursive: true, force: true });
await mkdir(storeDir, { recursive: true });
const log = (text) => process.stderr.write(`${text}\n`);

// Counts records as the session applies them. (The session lets the event loop turn once per
// batch, so the desk's calls land between batches even with an unpaced source.)
let applied = 0;
const apply = IngestSession.prototype.apply;
IngestSession.prototype.apply = function (records, advance) {
  applied += records.length;
  return apply.call(this, records, advance);
};

/** Seeded, so every run asks the same questions of the same customers. */
const random = mulberry32(42);
const int = (n) => Math.floor(random() * n);
const randomId = () => String(1 + int(CUSTOMERS));

function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.max(0, Math.ceil(p * s.length) - 1)];
  const round = (ms) => Math.round(ms * 1000) / 1000;
  return { n: s.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(s[s.length - 1]) };
}

async function deskQueries(engine) {
  const crms = [];
  while (crms.length < 100) {
    const c = await engine.customer360({ customerId: randomId() });
    if (c?.crm.name && c.crm.email) crms.push(c.crm);
  }
  return queryMix(crms, randomId);
}

/**
 * A fixed 0.3 ms or so of arithmetic that allocates nothing, timed like the calls: what the
 * machine and the garbage collector alone add to any call made at that moment (a major GC's
 * pause lands in whatever runs, often a desk call while the ingest waits on a checkpoint write).
 */
function fixedWork() {
  let x = 1;
  for (let i = 0; i < 300_000; i++) x = (Math.imul(x, 48271) + i) | 0;
  return x;
}

/**
 * A call's time until its answer: the engine's work and the microtasks between its awaits (once
 * the store is read, nothing a call awaits waits for anything else). Timing only until the first
 * await, as this did, measured nothing once the calls began by awaiting the store.
 */
async function timed(call) {
  const started = performance.now();
  const result = await call();
  return { started, ms: performance.now() - started, result };
}

// The collector's pauses, on the clock the calls are timed by: a slow call that overlaps one
// waited for the collector, not for the index.
const pauses = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push([e.startTime, e.startTime + e.duration]);
}).observe({ entryTypes: ['gc'] });
const pausedWithin = (from, to) =>
  pauses.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);

/** The slowest calls, each with its query and the collector's pauses while it ran. */
function slowest(calls, count = 15) {
  const round = (ms) => Math.round(ms * 1000) / 1000;
  return [...calls]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((c) => ({
      query: c.query,
      ms: round(c.ms),
      gcMs: round(pausedWithin(c.started, c.started + c.ms)),
    }));
}

async function measure(engine, queries, { rounds, between }) {
  const search = [];
  const calls = []; // each search call: its query, start and time
  const forgiving = []; // the forgiving kinds, the mix's last queries
  const view = [];
  const baseline = [];
  let matched = 0;
  let forgivingMatched = 0;
  const firstForgiving = queries.queries.length - queries.forgiving.length;
  for (let r = 0; r < rounds; r++) {
    for (const [i, query] of queries.queries.entries()) {
      const s = await timed(() => engine.searchCustomers({ query, limit: LIMIT }));
      search.push(s.ms);
      calls.push({ query, started: s.started, ms: s.ms });
      if (i >= firstForgiving) forgiving.push(s.ms);
      const found = (await s.result).total > 0;
      if (found) matched += 1;
      if (found && i >= firstForgiving) forgivingMatched += 1;
      await between();
      const v = await timed(() => engine.customer360({ customerId: randomId() }));
      view.push(v.ms);
      await v.result;
      await between();
      baseline.push((await timed(fixedWork)).ms);
    }
  }
  return { search, forgiving, view, baseline, matched, forgivingMatched, slowest: slowest(calls) };
}

async function eventTotal(engine) {
  return (await engine.snapshot()).events.total;
}

// 1. A store of CUSTOMERS customers with CRM fields and some history, then an idle engine.
let started = performance.now();
const idle = new EngineService({
  dataDir: storeDir,
  demo: { rate: 1, customers: CUSTOMERS, seed: SEED, history: HISTORY },
});
await idle.start();
for (let last = -1; ; ) {
  await sleep(1000);
  const total = await eventTotal(idle);
  // Seeding is done once the history is in and only the 1 event/s live stream still trickles.
  if (total >= HISTORY && total - last < 10) break;
  last = total;
}
const customers = (await idle.snapshot()).customers;
log(`seeded ${customers} customers in ${Math.round(performance.now() - started)} ms`);

const queries = await deskQueries(idle);
await measure(idle, queries, { rounds: 1, between: async () => {} }); // warm-up: the engine is warm in use
const quiet = await measure(idle, queries, { rounds: 2, between: async () => {} });
log(`idle search done; ${quiet.matched} of ${quiet.search.length} queries matched`);
log(`forgiving: ${quiet.forgivingMatched} of ${quiet.forgiving.length} matched`);
started = performance.now();
await idle.stop();
log(`stopped (checkpoint) in ${Math.round(performance.now() - started)} ms`);

// 2. The same store, the demo stream unpaced: it first sends every CRM record again (search
// updates for all customers), then events as fast as the thread allows, one call between batches.
started = performance.now();
const busy = new EngineService({
  dataDir: storeDir,
  demo: { rate: 0, customers: CUSTOMERS, seed: SEED },
});
await busy.start();
const reopenedMs = Math.round(performance.now() - started);
log(`reopened in ${reopenedMs} ms`);
// The first frame comes from the store's saved figures; calls that need profiles wait for them,
// and search for its index, built in slices beside the stream.
await busy.searchCustomers({ query: 'x', limit: 1 });
const searchReadyMs = Math.round(performance.now() - started);
log(`first search answered ${searchReadyMs} ms after the start`);
const before = applied;
started = performance.now();
const loaded = await measure(busy, queries, { rounds: 2, between: () => new Promise(setImmediate) });
const ingestMs = performance.now() - started;
const ingested = applied - before;
await busy.stop();

process.stdout.write(
  JSON.stringify({
    customers,
    queries: queries.queries.length,
    forgivingQueries: queries.forgiving.length,
    forgivingMatched: quiet.forgivingMatched / 2, // two rounds
    limit: LIMIT,
    search: percentiles(quiet.search),
    searchForgiving: percentiles(quiet.forgiving),
    searchForgivingWhileIngesting: percentiles(loaded.forgiving),
    view360: percentiles(quiet.view),
    baseline: percentiles(quiet.baseline),
    searchWhileIngesting: percentiles(loaded.search),
    slowestSearch: quiet.slowest,
    slowestSearchWhileIngesting: loaded.slowest,
    view360WhileIngesting: percentiles(loaded.view),
    baselineWhileIngesting: percentiles(loaded.baseline),
    restart: { startedMs: reopenedMs, searchReadyMs },
    ingestWhileMeasuring: {
      records: ingested,
      ms: Math.round(ingestMs),
      recordsPerSecond: Math.round((ingested * 1000) / ingestMs),
    },
  }),
);
process.stdout.write('\n');
