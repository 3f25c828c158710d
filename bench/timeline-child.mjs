// The customer timeline at 100,000 customers: a store filled through the engine (listens, clicks,
// predictions and CRM changes in batches, checkpointed as ingest does), then its size per stored
// event and the lookup time of one customer's newest page, of a filtered page and of an older
// page; for ordinary customers (about 20 events) and for heavy ones (at the cap, 1,000).
// Prints its figures as JSON. Usage (after `npm run build`): node bench/timeline-child.mjs DATA_DIR
// [--no-timeline] (the same ingest without writing the timeline: only its ingest time counts).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRecordObject } from '../dist/main/engine/decode/record-decoder.js';
import { Engine } from '../dist/main/engine/engine.js';
import { mulberry32 } from './seeded-random.mjs';

const CUSTOMERS = 100_000;
const PER_CUSTOMER = 20;
const HEAVY = 200;
const HEAVY_EVENTS = 1_100;
const BATCH = 20_000;
const LOOKUPS = 3_000;

const [dataDir, flag] = process.argv.slice(2);
const writeTimeline = flag !== '--no-timeline';
if (!dataDir) {
  process.stderr.write('usage: node bench/timeline-child.mjs DATA_DIR\n');
  process.exit(2);
}
await rm(dataDir, { recursive: true, force: true });

const random = mulberry32(7);
const int = (n) => Math.floor(random() * n);
const START = Date.UTC(2026, 2, 2);
const PRODUCTS = ['premium_plan', 'family_plan', 'student_offer', 'gift_card', 'personal_credit_card'];

/** One record as the demo's clickstream mix would have it: mostly listens, some clicks and scores. */
function record(customerId, i) {
  const ts = new Date(START + i * 60_000 + int(60_000)).toISOString();
  const r = random();
  if (r < 0.8)
    return {
      type: 'listen',
      customerId,
      trackId: String(1 + int(200_000)),
      ts,
      mobile: r < 0.45,
      zip: String(10_000 + int(89_999)),
    };
  if (r < 0.96)
    return {
      type: 'click',
      customerId,
      ts,
      os: 'win10',
      browser: 'Chrome',
      responseTimeMs: 80 + int(3000),
      product: PRODUCTS[int(PRODUCTS.length)],
      url: `https://shop.example.com/p/${int(10_000)}`,
    };
  if (r < 0.995)
    return { customerId, churnRisk: Math.round(random() * 1000) / 1000, model: 'churn-lr@3', ts };
  return { type: 'customer', customerId, level: 1 + int(2), campaign: int(5) };
}

const decoded = (value) => ({ origin: { demo: true, seq: 0 }, raw: '', result: decodeRecordObject(value) });

/** Batches in time order: every customer's events spread over the stream, as a live source sends them. */
function* batches() {
  let batch = [];
  const push = (value) => {
    batch.push(decoded(value));
    if (batch.length >= BATCH) {
      const full = batch;
      batch = [];
      return full;
    }
    return null;
  };
  for (let c = 1; c <= CUSTOMERS; c++) {
    const full = push({ type: 'customer', customerId: String(c), name: `Customer ${c}`, level: int(3) });
    if (full) yield full;
  }
  for (let round = 0; round < PER_CUSTOMER; round++)
    for (let c = 1; c <= CUSTOMERS; c++) {
      const full = push(record(String(c), round * 3 + int(3)));
      if (full) yield full;
    }
  for (let round = 0; round < HEAVY_EVENTS; round++)
    for (let h = 1; h <= HEAVY; h++) {
      const full = push(record(`heavy-${h}`, round));
      if (full) yield full;
    }
  if (batch.length > 0) yield batch;
}

const engine = await Engine.open({ storeDir: dataDir, writeTimeline });
const started = performance.now();
let records = 0;
await engine.run({
  kind: 'files',
  target: 'generated',
  async run(ctx) {
    for (const batch of batches()) {
      records += batch.length;
      await ctx.apply(batch, () => {});
    }
  },
});
const ingestMs = performance.now() - started;
if (!writeTimeline) {
  await engine.close();
  process.stdout.write(
    JSON.stringify({
      timeline: false,
      records,
      ingestMs,
      recordsPerSecond: Math.round((records * 1000) / ingestMs),
    }),
  );
  process.exit(0);
}
const size = await engine.timeline.size();

function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.max(0, Math.ceil(p * s.length) - 1)];
  const round = (ms) => Math.round(ms * 1000) / 1000;
  return { n: s.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(s[s.length - 1]) };
}

function timedLookups(pickId, query) {
  const samples = [];
  let events = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    const customerId = pickId();
    const t = performance.now();
    const page = query(customerId);
    samples.push(performance.now() - t);
    events += page.events.length;
  }
  return { ...percentiles(samples), eventsPerPage: Math.round((events / LOOKUPS) * 10) / 10 };
}

const ordinary = () => String(1 + int(CUSTOMERS));
const heavy = () => `heavy-${1 + int(HEAVY)}`;
const newest = (customerId) => engine.timeline.query({ customerId, limit: 25 });
const predictions = (customerId) =>
  engine.timeline.query({ customerId, kinds: ['prediction', 'crm'], limit: 25 });
const olderPage = (customerId) => {
  const first = engine.timeline.query({ customerId, limit: 25 });
  return first.nextBefore
    ? engine.timeline.query({ customerId, limit: 25, before: first.nextBefore })
    : first;
};
// A warm-up round, as the desk bench does: the first lookups fault the file's pages in.
timedLookups(ordinary, newest);
const lookups = {
  newest: timedLookups(ordinary, newest),
  heavyNewest: timedLookups(heavy, newest),
  heavyFiltered: timedLookups(heavy, predictions),
  heavyOlder: timedLookups(heavy, olderPage),
};
const heavyKept = engine.timeline.count('heavy-1');
await engine.close();

process.stdout.write(
  JSON.stringify({
    timeline: true,
    customers: CUSTOMERS + HEAVY,
    records,
    ingestMs,
    recordsPerSecond: Math.round((records * 1000) / ingestMs),
    storedEvents: size.events,
    usedBytes: size.usedBytes,
    fileBytes: size.fileBytes,
    bytesPerEvent: Math.round((size.usedBytes / size.events) * 10) / 10,
    fileBytesPerEvent: Math.round((size.fileBytes / size.events) * 10) / 10,
    heavyKept,
    lookups,
    storeDir: join(dataDir),
  }),
);
