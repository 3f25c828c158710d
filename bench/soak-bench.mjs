// Group 8, the booth left alone: `c360 serve` on the default demo, the booth screen turning its
// views every C360_SOAK_DWELL seconds (default 1.2, so an hour holds thousands of visits a view)
// in headless Chromium at 1920×1080, for C360_SOAK_MINUTES (default 30) after a warm-up of
// C360_SOAK_WARMUP minutes (default 3). Every 30 s, after a forced GC: the page's JS heap, DOM
// nodes and event listeners, and the server's resident memory. Reported as slopes per hour over
// the whole run and its second half, beside the load average.
//
// The warm-up skips the first drawing of each view (14.9 → 19.2 MiB in the first 3 min of an hour's
// run). After it, V8 keeps compiling the booth's functions to faster (larger) machine code for half
// an hour and more (measured: +1.9 MiB of code in the first 15 min, +0.6 in the next 15, +0.3 in
// the next; every other kind of object flat), which a heap slope reads as a leak. Heap snapshots
// at the first and last sample tell the two apart: `heapByKind`, judged in run-bench.mjs.
// Run alone after `npm run build`: node bench/soak-bench.mjs (prints JSON).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkBuilt, launchChromium, round, startServe } from './browser-support.mjs';
import { heapTrend, takeHeapSnapshot } from './dashboard-bench.mjs';

const MiB = 2 ** 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of a process in bytes, from /proc. */
async function rssBytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** Counts the booth's turns per view, from the attribute the screen sets on each turn. */
function installTurnCounter() {
  const screen = document.querySelector('[data-testid="booth-screen"]');
  const counts = {};
  const count = () => {
    const view = screen.getAttribute('data-booth-view');
    counts[view] = (counts[view] ?? 0) + 1;
  };
  count();
  new MutationObserver(count).observe(screen, { attributes: true, attributeFilter: ['data-booth-view'] });
  window.__c360Turns = counts;
}

const trendOf = (samples, durationMs, pick) => {
  const t = heapTrend(samples, durationMs, pick);
  return {
    first: round(pick(samples[0]), 1),
    last: round(pick(samples.at(-1)), 1),
    perHour: t.slopeMiBPerHour,
    secondHalfPerHour: t.secondHalfSlopeMiBPerHour,
    noise: t.noiseMiB,
    verdict: t.verdict,
  };
};

/** Compiled code that V8 holds (and ages out) on its own: machine code, its metadata and dependencies. */
const JIT =
  /^system \/ (InstructionStream|Code|CodeWrapper|TrustedByteArray|ProtectedFixedArray|TrustedWeakFixedArray)$/;

/**
 * The page's V8 heap from a snapshot, in MiB: compiled machine code, and everything else (what a
 * leak would grow). Blink's own objects and off-heap data are left out, as JSHeapUsedSize leaves them.
 */
async function heapByKind(cdp) {
  const heap = await takeHeapSnapshot(cdp);
  const { node_fields, node_types } = heap.snapshot.meta;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => node_fields.indexOf(f));
  const types = node_types[0];
  let jit = 0;
  let rest = 0;
  for (let i = 0; i < heap.nodes.length; i += node_fields.length) {
    const type = types[heap.nodes[i + typeAt]];
    const name = heap.strings[heap.nodes[i + nameAt]];
    const size = heap.nodes[i + sizeAt];
    if (type === 'native' && !name.startsWith('system / ')) continue; // Blink (Oilpan)
    if (name === 'system / ExternalStringData' || name === 'system / JSArrayBufferData') continue;
    if ((type === 'code' && JIT.test(name)) || name === 'system / WeakArrayList') jit += size;
    else rest += size;
  }
  return { compiledCode: round(jit / MiB, 2), objects: round(rest / MiB, 2) };
}

export async function soakBench({
  minutes = Number(process.env.C360_SOAK_MINUTES ?? 30),
  warmupMinutes = Number(process.env.C360_SOAK_WARMUP ?? 3),
  dwellSeconds = Number(process.env.C360_SOAK_DWELL ?? 1.2),
  everySeconds = 30,
  log = (line) => process.stderr.write(`[soak] ${line}\n`),
} = {}) {
  checkBuilt();
  const durationMs = minutes * 60_000;
  const dataDir = await mkdtemp(join(tmpdir(), 'c360-bench-soak-'));
  // The default demo, as a booth runs it: no --rate, no --customers.
  const serve = startServe(['--data-dir', dataDir]);
  let browser;
  try {
    const { url } = await serve.ready;
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('Performance.enable');
    await page.goto(`${url}/?booth=1&dwell=${dwellSeconds}`);
    await page.getByTestId('booth-screen').waitFor({ timeout: 30_000 });
    log(`booth at ${url}, a turn every ${dwellSeconds} s: warming up for ${warmupMinutes} min`);
    await sleep(warmupMinutes * 60_000);
    await page.evaluate(installTurnCounter);

    const sample = async (atMs) => {
      // A server that died (or was killed) ends the run with that said, not with a /proc error.
      if (serve.child.exitCode !== null || serve.child.signalCode !== null)
        throw new Error(
          `c360 serve ended (${serve.child.exitCode ?? serve.child.signalCode}) after ${(atMs / 60_000).toFixed(1)} min: ${serve.stderr.trim()}`,
        );
      await cdp.send('HeapProfiler.collectGarbage');
      const m = Object.fromEntries(
        (await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]),
      );
      const dom = await cdp.send('Memory.getDOMCounters');
      return {
        atMs: Math.round(atMs),
        load1m: round(loadavg()[0], 2),
        jsHeapUsed: m.JSHeapUsedSize,
        domNodes: dom.nodes,
        listeners: dom.jsEventListeners,
        serverRss: await rssBytes(serve.child.pid),
      };
    };
    const started = performance.now();
    const samples = [await sample(0)];
    const kindsAtStart = await heapByKind(cdp);
    log(`sampling for ${minutes} min`);
    while (performance.now() - started < durationMs) {
      await sleep(everySeconds * 1000);
      const s = await sample(performance.now() - started);
      samples.push(s);
      log(
        `${(s.atMs / 60_000).toFixed(1)} min: heap ${(s.jsHeapUsed / MiB).toFixed(1)} MiB, ${s.domNodes} nodes, ` +
          `${s.listeners} listeners, server ${(s.serverRss / MiB).toFixed(0)} MiB, load ${s.load1m}`,
      );
    }
    const kindsAtEnd = await heapByKind(cdp);
    const turns = await page.evaluate(() => window.__c360Turns);
    return {
      setup: {
        minutes: round((performance.now() - started) / 60_000, 1),
        warmupMinutes,
        dwellSeconds,
        everySeconds,
        viewport: '1920x1080',
        cores: cpus().length,
        loadAverage1m: { atStart: samples[0].load1m, atEnd: samples.at(-1).load1m },
      },
      visitsPerView: turns,
      pageErrors: errors.slice(0, 10),
      pageErrorCount: errors.length,
      // Slopes per hour; "upward trend" needs the second half's rise over 1% of the mean and twice the noise.
      heapMiB: trendOf(samples, durationMs, (s) => s.jsHeapUsed / MiB),
      // From snapshots at the first and last sample: V8's compiled code, and all the rest.
      heapByKind: { first: kindsAtStart, last: kindsAtEnd },
      domNodes: trendOf(samples, durationMs, (s) => s.domNodes),
      listeners: trendOf(samples, durationMs, (s) => s.listeners),
      serverRssMiB: trendOf(samples, durationMs, (s) => s.serverRss / MiB),
      samples: samples.map((s) => ({
        ...s,
        jsHeapUsed: round(s.jsHeapUsed / MiB, 2),
        serverRss: round(s.serverRss / MiB, 1),
      })),
    };
  } finally {
    await browser?.close();
    await serve.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href)
  process.stdout.write(`${JSON.stringify(await soakBench(), null, 2)}\n`);
