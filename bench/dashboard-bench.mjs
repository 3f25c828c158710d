// Group 6, the dashboard under load: `c360 serve` on the demo stream at 20,000 events/s, its Flow
// view open in headless Chromium. Measures frames/s in the page (requestAnimationFrame), bytes and
// messages per second on the WebSocket (from the DevTools protocol), and the renderer's JS heap
// after forced GCs over C360_BENCH_DASHBOARD_MINUTES (default 10) for a trend.
// Electron's binary is not on the bench machine: the "app" here is the same engine + renderer that
// Electron would run, as `c360 serve` + a Chromium page. Chromium runs with --disable-gpu, so the
// canvas is drawn in software and frame rates are bounded by CPU, not by a GPU.
// Run alone after `npm run build`: node bench/dashboard-bench.mjs (prints JSON).
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkBuilt, cpuSeconds, launchChromium, median, round, startServe } from './browser-support.mjs';

const MiB = 2 ** 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Counts requestAnimationFrame callbacks; take() returns the window so far and starts a new one. */
function installFrameCounter() {
  let frames = 0;
  let start = performance.now();
  let last = 0;
  let maxGap = 0;
  let over50 = 0;
  let skipGap = true;
  const tick = (t) => {
    // The first frame after take() may span a pause the bench caused itself (a forced GC).
    if (!skipGap) {
      const gap = t - last;
      if (gap > maxGap) maxGap = gap;
      if (gap > 50) over50 += 1;
    }
    skipGap = false;
    last = t;
    frames += 1;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  window.__c360Frames = {
    take() {
      const now = performance.now();
      const taken = { frames, ms: now - start, maxGapMs: maxGap, gapsOver50ms: over50 };
      frames = 0;
      start = now;
      maxGap = 0;
      over50 = 0;
      skipGap = true;
      return taken;
    },
  };
}

const CATEGORY = {
  code: 'code',
  string: 'strings',
  'concatenated string': 'strings',
  'sliced string': 'strings',
  object: 'jsObjects',
  closure: 'jsObjects',
  array: 'jsObjects',
  regexp: 'jsObjects',
  number: 'jsObjects',
  bigint: 'jsObjects',
  symbol: 'jsObjects',
  native: 'native',
};

/** The page's heap snapshot over the DevTools protocol, parsed. */
export async function takeHeapSnapshot(cdp) {
  const chunks = [];
  const onChunk = ({ chunk }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  return JSON.parse(chunks.join(''));
}

/** A heap snapshot of the page, summed by category and by constructor (objects and closures). */
async function heapSnapshotSummary(cdp) {
  const { snapshot, nodes, strings } = await takeHeapSnapshot(cdp);
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byCategory = {};
  const byConstructor = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]];
    const size = nodes[i + sizeAt];
    const category = CATEGORY[type] ?? 'other';
    byCategory[category] = (byCategory[category] ?? 0) + size;
    if (type === 'object' || type === 'closure') {
      // Scope names carry an object id (" @1234"); drop it so like objects add up.
      const name = strings[nodes[i + nameAt]].replace(/ @\d+$/, '').slice(0, 60);
      const key = `${type === 'closure' ? 'closure ' : ''}${name}`;
      const c = byConstructor.get(key) ?? { count: 0, bytes: 0 };
      c.count += 1;
      c.bytes += size;
      byConstructor.set(key, c);
    }
  }
  return { byCategory, byConstructor };
}

/** What grew between two heap snapshots: per category, and the constructors that grew most. */
function heapGrowth(a, b) {
  const byCategoryKiB = {};
  for (const k of new Set([...Object.keys(a.byCategory), ...Object.keys(b.byCategory)]))
    byCategoryKiB[k] = round(((b.byCategory[k] ?? 0) - (a.byCategory[k] ?? 0)) / 1024, 1);
  const constructors = [...b.byConstructor]
    .map(([name, c]) => {
      const before = a.byConstructor.get(name) ?? { count: 0, bytes: 0 };
      return { name, count: c.count - before.count, kiB: round((c.bytes - before.bytes) / 1024, 1) };
    })
    .filter((c) => c.kiB > 0)
    .sort((x, y) => y.kiB - x.kiB)
    .slice(0, 5);
  return { byCategoryKiB, topGrowingConstructors: constructors };
}

/** Least-squares slope of y over x. */
export function slope(points) {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  const residual = Math.sqrt(points.reduce((s, p) => s + (p.y - (my + b * (p.x - mx))) ** 2, 0) / n);
  return { perX: b, mean: my, residual };
}

/**
 * Heap trend: slope over the whole run and over its second half (after warm-up). "Upward" needs
 * the second half's rise to exceed 1% of the mean heap and twice the noise, taken as the spread
 * of all samples about the whole run's line: even after a forced GC the heap moves in a slow
 * sawtooth of about 1 MiB as V8 compiles and flushes code (see heap.growth: code vs objects).
 */
export function heapTrend(samples, durationMs, pick = (s) => s.jsHeapUsed / MiB) {
  const pts = samples.map((s) => ({ x: s.atMs / 3_600_000, y: pick(s) }));
  const all = slope(pts);
  const second = slope(pts.filter((p) => p.x * 3_600_000 >= durationMs / 2));
  const secondHalfRise = second ? second.perX * (durationMs / 2 / 3_600_000) : null;
  let verdict;
  if (!second || pts.filter((p) => p.x * 3_600_000 >= durationMs / 2).length < 3)
    verdict = 'too few samples for a verdict';
  else if (secondHalfRise > 2 * all.residual && secondHalfRise > 0.01 * second.mean) verdict = 'upward trend';
  else verdict = 'no upward trend';
  return {
    slopeMiBPerHour: all && round(all.perX, 2),
    secondHalfSlopeMiBPerHour: second && round(second.perX, 2),
    secondHalfSlopePercentOfMeanPerHour: second && round((100 * second.perX) / second.mean, 1),
    secondHalfRiseMiB: secondHalfRise === null ? null : round(secondHalfRise, 2),
    noiseMiB: all && round(all.residual, 2),
    verdict,
  };
}

export async function dashboardBench({
  minutes = Number(process.env.C360_BENCH_DASHBOARD_MINUTES ?? 10),
  rate = 20_000,
  customers = 5_000,
  windowSeconds = 10,
  heapEverySeconds = 30,
  log = (line) => process.stderr.write(`[dashboard] ${line}\n`),
} = {}) {
  checkBuilt();
  const durationMs = Math.max(windowSeconds, minutes * 60) * 1000;
  const dataDir = await mkdtemp(join(tmpdir(), 'c360-bench-dash-'));
  // Default --history (100,000 events): the store starts lived-in, as at a booth.
  const serve = startServe(['--data-dir', dataDir, '--rate', String(rate), '--customers', String(customers)]);
  let browser;
  try {
    const { url } = await serve.ready;
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await page.context().newCDPSession(page);
    const browserCdp = await browser.newBrowserCDPSession();
    await cdp.send('Performance.enable');
    await cdp.send('Network.enable');

    // The measuring stick first: what a blank page gets from this browser on this machine.
    await page.setContent('<!doctype html><title>blank</title>');
    await page.evaluate(installFrameCounter);
    await sleep(5000);
    const blank = await page.evaluate(() => window.__c360Frames.take());

    const wire = { bytes: 0, messages: 0, sentBytes: 0, sentMessages: 0, byEvent: {} };
    const snapshots = [];
    cdp.on('Network.webSocketFrameReceived', ({ timestamp, response }) => {
      const text = response.opcode === 1;
      const bytes = text
        ? Buffer.byteLength(response.payloadData)
        : Buffer.from(response.payloadData, 'base64').length;
      wire.bytes += bytes;
      wire.messages += 1;
      if (!text) return;
      const event = /^\{"event":"(\w+)"/.exec(response.payloadData)?.[1] ?? 'response';
      wire.byEvent[event] ??= { messages: 0, bytes: 0 };
      const e = wire.byEvent[event];
      e.messages += 1;
      e.bytes += bytes;
      if (event === 'snapshot') {
        const s = JSON.parse(response.payloadData).payload;
        snapshots.push({
          at: timestamp * 1000, // when the page received it (monotonic, ms)
          total: s.events.total,
          clickstream: s.events.listens + s.events.clicks,
          perSecond: s.events.perSecond,
          customers: s.customers,
        });
      }
    });
    cdp.on('Network.webSocketFrameSent', ({ response }) => {
      wire.sentBytes += Buffer.byteLength(response.payloadData);
      wire.sentMessages += 1;
    });

    await page.goto(`${url}/?view=flow`);
    await page.locator('.flow-chart canvas').first().waitFor({ timeout: 30_000 });
    // Warm-up: the history is written and the live stream is at its rate.
    const warmUntil = performance.now() + 60_000;
    while (performance.now() < warmUntil && (snapshots.at(-1)?.perSecond ?? 0) < 0.8 * rate) await sleep(500);
    await sleep(5000);

    await page.evaluate(installFrameCounter);
    const metrics = async () =>
      Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const processCpu = async () => {
      const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
      const byType = {};
      for (const p of processInfo) byType[p.type] = (byType[p.type] ?? 0) + p.cpuTime;
      return byType;
    };
    const heapSample = async (atMs) => {
      await cdp.send('HeapProfiler.collectGarbage');
      const m = await metrics();
      const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
      return {
        atMs: Math.round(atMs),
        jsHeapUsed: m.JSHeapUsedSize,
        jsHeapTotal: m.JSHeapTotalSize,
        nodes: m.Nodes,
        domElements: domNodes,
        listeners: m.JSEventListeners,
      };
    };

    const loadAtStart = loadavg();
    const started = performance.now();
    const wireAtStart = { ...wire };
    const snapshotsAtStart = snapshots.length;
    const engineCpuAtStart = await cpuSeconds(serve.child.pid);
    const chromiumCpuAtStart = await processCpu();
    const heap = [await heapSample(0)];
    const snapshotAtStart = await heapSnapshotSummary(cdp);
    await page.evaluate(() => window.__c360Frames.take()); // drop the frames around the first GC
    let before = await metrics();
    const windows = [];
    let nextHeap = heapEverySeconds * 1000;
    log(`measuring for ${durationMs / 60_000} min at ${rate} events/s (${url})`);
    while (performance.now() - started < durationMs) {
      await sleep(windowSeconds * 1000);
      const w = await page.evaluate(() => window.__c360Frames.take());
      const after = await metrics();
      windows.push({
        atS: (performance.now() - started) / 1000,
        load1m: loadavg()[0],
        fps: (w.frames * 1000) / w.ms,
        maxGapMs: w.maxGapMs,
        gapsOver50ms: w.gapsOver50ms,
        // Share of the page's main thread spent in tasks (script, style, layout, paint records).
        mainThreadBusy: (after.TaskDuration - before.TaskDuration) / (w.ms / 1000),
        scriptShare: (after.ScriptDuration - before.ScriptDuration) / (w.ms / 1000),
      });
      const elapsed = performance.now() - started;
      if (elapsed >= nextHeap) {
        heap.push(await heapSample(elapsed));
        nextHeap += heapEverySeconds * 1000;
        await page.evaluate(() => window.__c360Frames.take());
        log(
          `${(elapsed / 60_000).toFixed(1)} min: ${windows.at(-1).fps.toFixed(1)} fps, heap ${(heap.at(-1).jsHeapUsed / MiB).toFixed(1)} MiB`,
        );
      }
      before = await metrics();
    }
    const elapsedS = (performance.now() - started) / 1000;
    const engineCpu = await cpuSeconds(serve.child.pid);
    const chromiumCpu = await processCpu();
    const loadAtEnd = loadavg();
    await cdp.send('HeapProfiler.collectGarbage');
    const growth = heapGrowth(snapshotAtStart, await heapSnapshotSummary(cdp));

    const measured = snapshots.slice(snapshotsAtStart);
    const first = measured[0];
    const last = measured.at(-1);
    const spanS = (last.at - first.at) / 1000;
    const fps = windows.map((w) => w.fps);
    const worst = windows.reduce((a, b) => (b.fps < a.fps ? b : a));
    const heapMiB = heap.map((h) => h.jsHeapUsed / MiB);
    // Snapshots are due every 200 ms; ingest batches and checkpoints on the engine's thread delay some.
    const gaps = measured.slice(1).map((s, i) => s.at - measured[i].at);
    const chromiumCpuShare = Object.fromEntries(
      Object.entries(chromiumCpu).map(([type, s]) => [
        type,
        round((s - (chromiumCpuAtStart[type] ?? 0)) / elapsedS, 2),
      ]),
    );
    return {
      setup: {
        rate,
        customers,
        minutes: round(elapsedS / 60, 2),
        windowSeconds,
        heapEverySeconds,
        chromium: browser.version(),
        rendering: 'software (headless Chromium, --disable-gpu)',
        viewport: '1440x900',
        cores: cpus().length,
        // Other work on the machine skews every figure here; the load average says how much there was.
        loadAverage1m: { atStart: round(loadAtStart[0], 2), atEnd: round(loadAtEnd[0], 2) },
        note: 'Electron is not installed here: c360 serve (engine) + a Chromium page stand in for the app',
      },
      engine: {
        // Demo --rate counts clickstream events; predictions (~3% of them) come on top.
        clickstreamPerSecond: Math.round((last.clickstream - first.clickstream) / spanS),
        allEventsPerSecond: Math.round((last.total - first.total) / spanS),
        shownPerSecondMedian: median(measured.map((s) => s.perSecond)),
        customers: last.customers,
        cpuCores: engineCpu === null ? null : round((engineCpu - engineCpuAtStart) / elapsedS, 2),
      },
      fps: {
        target: 55,
        blankPage: round((blank.frames * 1000) / blank.ms),
        median: round(median(fps)),
        worstWindow: round(worst.fps),
        windows: windows.length,
        windowsBelow55: windows.filter((w) => w.fps < 55).length,
        longestFrameGapMs: round(Math.max(...windows.map((w) => w.maxGapMs))),
        gapsOver50ms: windows.reduce((s, w) => s + w.gapsOver50ms, 0),
        mainThreadBusyMedian: round(median(windows.map((w) => w.mainThreadBusy)), 3),
        scriptShareMedian: round(median(windows.map((w) => w.scriptShare)), 3),
        // Per window: [s since start, frames/s, main-thread busy share, machine load average (1 min)].
        series: windows.map((w) => [
          round(w.atS, 0),
          round(w.fps),
          round(w.mainThreadBusy, 2),
          round(w.load1m, 2),
        ]),
      },
      chromiumCpuCores: chromiumCpuShare,
      wire: {
        // WebSocket payload bytes (no permessage-deflate on this server); frame headers add 2–4 bytes each.
        bytesPerSecond: Math.round((wire.bytes - wireAtStart.bytes) / elapsedS),
        messagesPerSecond: round((wire.messages - wireAtStart.messages) / elapsedS, 2),
        sentBytesPerSecond: Math.round((wire.sentBytes - wireAtStart.sentBytes) / elapsedS),
        meanSnapshotBytes: Math.round(wire.byEvent.snapshot.bytes / wire.byEvent.snapshot.messages),
        snapshotsPerSecond: round((measured.length - 1) / spanS, 2),
        snapshotGapMs: {
          median: round(median(gaps), 0),
          p90: round([...gaps].sort((a, b) => a - b)[Math.floor(gaps.length * 0.9)], 0),
          max: round(Math.max(...gaps), 0),
        },
        byEvent: wire.byEvent,
      },
      heap: {
        samples: heap.length,
        firstMiB: round(heapMiB[0], 2),
        lastMiB: round(heapMiB.at(-1), 2),
        maxMiB: round(Math.max(...heapMiB), 2),
        ...heapTrend(heap, durationMs),
        // From heap snapshots at the start and the end: app objects vs V8's compiled code.
        growth,
        domNodesFirst: heap[0].nodes,
        domNodesLast: heap.at(-1).nodes,
        domElementsLast: heap.at(-1).domElements,
        listenersFirst: heap[0].listeners,
        listenersLast: heap.at(-1).listeners,
        series: heap.map((h) => [round(h.atMs / 1000, 0), round(h.jsHeapUsed / MiB, 2)]),
      },
      pageErrors: errors,
    };
  } finally {
    await browser?.close();
    await serve.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await dashboardBench(), null, 2)}\n`);
}
