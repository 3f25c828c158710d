// Runs one batch ingest in a fresh process and prints its figures as JSON, so peak memory is
// this ingest's alone. Usage:
//   node bench/ingest-files-child.mjs DATA_DIR [--no-timeline] [--threads N] FILE...
// (--no-timeline: batches are not written to the customer timeline, to measure what it costs;
// --threads N: tracks CSV counted by N partition threads, 0 in the main thread, as `c360 ingest`).
import { Engine } from '../dist/main/engine/engine.js';
import { FileSource } from '../dist/main/engine/sources/file/file-source.js';

const [dataDir, ...rest] = process.argv.slice(2);
const writeTimeline = !rest.includes('--no-timeline');
const threadsAt = rest.indexOf('--threads');
const threads = threadsAt === -1 ? 0 : Number(rest[threadsAt + 1]);
// Without --threads, threadsAt + 1 would be 0: the first file, which a run with the timeline on
// (no flag before it) then silently skipped.
const files = rest.filter(
  (a, i) => a !== '--no-timeline' && (threadsAt === -1 || (i !== threadsAt && i !== threadsAt + 1)),
);
const engine = await Engine.open({ storeDir: dataDir, writeTimeline });
const { session, state } = engine;
let peakHeap = 0;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 50);
const started = performance.now();
await engine.run(new FileSource(files, { threads }));
await engine.close();
const ms = performance.now() - started;
clearInterval(sampler);
const t = session.timings;
process.stdout.write(
  JSON.stringify({
    events: session.events,
    timeline: writeTimeline,
    threads,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    quarantined: session.counts.quarantined,
    customers: state.profiles.size,
    ms,
    eventsPerSecond: Math.round((session.events * 1000) / ms),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapMiB: peakHeap / 2 ** 20,
    hashMs: t.planMs,
    decodeMs: t.decodeMs,
    // apply() covers aggregation, the position, and copy on write during a checkpoint.
    aggregateMs: t.aggregateMs,
    checkpoints: t.checkpoints,
    // Checkpoints are written between batches: wall time, and the longest they held ingest up.
    checkpointWallMs: t.checkpointMs,
    longestCheckpointStallMs: t.longestCheckpointStallMs,
    // Waiting for the disk, the final checkpoint, and everything else.
    otherMs: ms - t.planMs - t.decodeMs - t.aggregateMs,
  }),
);
