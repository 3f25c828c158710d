// Scale: N customers × 20 listens each, through the real decoder, session and store, in a fresh
// process (run with --expose-gc). Prints memory per customer (and the windows' apart), checkpoint time, the longest gap in
// ingest a checkpoint causes, the store file size, and what checkpoints of 1,000, 10,000 and
// 100,000 changed customers cost after it, as JSON.
// Usage: node --expose-gc bench/scale-child.mjs DATA_DIR CUSTOMERS
import { rm } from 'node:fs/promises';
import { tuneCollector } from '../dist/main/engine/collector-tuning.js';
import { decodeTracksCsvLine } from '../dist/main/engine/decode/tracks-csv.js';
import { IngestSession } from '../dist/main/engine/ingest/ingest-session.js';
import { WindowedCounts } from '../dist/main/engine/read/windows.js';
import { ProfileStore } from '../dist/main/engine/store/profile-store.js';

const [dataDir, customersArg] = process.argv.slice(2);
const CUSTOMERS = Number(customersArg);
const PER_CUSTOMER = 20;
const BATCH = 4096;
const TRACKS = 200_000;

// As Engine.open does for every engine process (this child composes the session by hand).
tuneCollector();
await rm(dataDir, { recursive: true, force: true });
const { store, state } = await ProfileStore.open(dataDir);
// Checkpoints on the usual clock, not by count, as a live engine would.
const session = new IngestSession(store, state, { everyMs: 2000, everyRecords: Number.POSITIVE_INFINITY });

// Collected twice with a pause between: buffers a collection lets go of are freed by a thread of
// their own, so right after one they may still count (the windows' figure took 74–175 MB of
// such buffers in five runs of six at a million, 0.25 MB in the sixth).
const memory = async () => {
  global.gc();
  await new Promise((r) => setTimeout(r, 100));
  global.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = await memory();

// A cheap deterministic generator: every customer gets 20 listens spread over a week.
let seed = 1;
const rand = (n) => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed % n;
};
const pad = (n) => String(n).padStart(2, '0');
function line(i) {
  const customer = i % CUSTOMERS;
  const day = 1 + rand(28);
  return `e${i},c${customer},t${rand(TRACKS)},2026-02-${pad(day)} ${pad(rand(24))}:${pad(rand(60))}:${pad(rand(60))},${rand(2)},${10_000 + (customer % 90_000)}`;
}

const total = CUSTOMERS * PER_CUSTOMER;
// Cross-check of the session's own stall figure: the longest gap between two batches while a
// checkpoint was being written, against the longest gap while none was.
let longestGapWriting = 0;
let longestGapIdle = 0;
let previous = performance.now();
const started = performance.now();
for (let i = 0; i < total; i += BATCH) {
  const records = [];
  for (let j = i; j < Math.min(total, i + BATCH); j++)
    records.push({ origin: { demo: true, seq: j }, raw: '', result: decodeTracksCsvLine(line(j)) });
  let writing = session.writing;
  session.apply(records, () => {});
  await session.maybeCheckpoint();
  // Let I/O (the checkpoint's writes) in between batches, as a real source's reads would.
  await new Promise((r) => setImmediate(r));
  const now = performance.now();
  writing ||= session.writing;
  if (writing) longestGapWriting = Math.max(longestGapWriting, now - previous);
  else longestGapIdle = Math.max(longestGapIdle, now - previous);
  previous = now;
}
const ingestMs = performance.now() - started;
const events = session.events;
const during = { ...session.timings };
// The checkpoint on its own, nothing else running: its time is the cost of saving this many.
const last = await session.checkpoint({ whole: true });
const after = await memory();
// The booth's windows (minute and hour counts of the whole stream) are bounded by time, not by
// customers: measured apart, as what an equal copy of them takes, and left out of the
// per-customer figure. (Letting the state's own go for a moment measured nothing: something
// still held them. The timeline is not in this process's memory at all: see the timeline group.)
const windowsCopy = WindowedCounts.fromJSON(state.windows.toJSON());
const windowsBytes = (await memory()) - after;
if (windowsCopy.toJSON().clock !== state.windows.toJSON().clock)
  throw new Error('the copy of the windows differs');
const storeBytes = await store.sizeBytes();

// Then checkpoints after a few customers changed (a listen each, customers spread over the base):
// what they cost beside the whole store's, and the bytes they append (store.changes).
const changed = [];
let next = total;
for (const customers of [1_000, 10_000, 100_000]) {
  if (customers > CUSTOMERS / 4) continue;
  const records = [];
  for (let j = 0; j < customers; j++, next += 997)
    records.push({ origin: { demo: true, seq: next }, raw: '', result: decodeTracksCsvLine(line(next)) });
  session.apply(records, () => {});
  const sizeBefore = await store.sizeBytes();
  const saved = await session.checkpoint();
  changed.push({
    customers,
    profilesWritten: saved.profiles,
    changesOnly: saved.changesOnly,
    ms: saved.ms,
    bytes: (await store.sizeBytes()) - sizeBefore,
  });
}
process.stdout.write(
  JSON.stringify({
    customers: state.profiles.size,
    events,
    ingestMs,
    eventsPerSecond: Math.round((events * 1000) / ingestMs),
    bytesPerCustomer: Math.round((after - windowsBytes - before) / state.profiles.size),
    windowsBytes,
    checkpointsDuringIngest: during.checkpoints,
    longestCheckpointDuringIngestMs: during.longestCheckpointMs,
    checkpointMs: last.ms,
    longestStallMs: session.timings.longestCheckpointStallMs,
    longestStallStep: session.timings.longestCheckpointStallStep,
    longestBatchGapWritingMs: longestGapWriting,
    longestBatchGapIdleMs: longestGapIdle,
    storeBytes,
    changed,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
