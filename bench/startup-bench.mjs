// Group 7, start-up: from spawning the engine to the first dashboard frame painted with data,
// with an empty store, a 100,000-customer store and a 1,000,000-customer store.
// Electron's binary is not on the bench machine, so the "process" is `c360 serve` (the same engine
// the app runs) and the window is a Chromium page, launched beforehand and told to navigate as soon
// as the URL is printed. The page marks the frame (renderer/src/first-frame-mark.ts).
// Run alone after `npm run build`: node bench/startup-bench.mjs (prints JSON). The 100k store is
// built once into bench/.data/store-100k (a minute or two), the 1M store into bench/.data/store-1m
// (`bench/scale-child.mjs`: 1,000,000 customers × 20 listens, a few minutes; C360_BENCH_STARTUP_1M=0
// leaves that case out), and each is copied afresh for every run. A cached store whose first line
// has no saved figures (written before they were) is built again.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI, checkBuilt, launchChromium, median, round, startServe } from './browser-support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cache = join(here, '.data');
const BIG = { customers: 100_000, events: 2_000_000 };

/** True when the cached store exists and its first line carries the figures a first frame shows. */
async function usable(store) {
  const file = join(store, 'store.json');
  if (!existsSync(file)) return false;
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(1 << 20) });
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0];
    return first.includes('"summary":');
  } finally {
    await handle.close();
  }
}

/** The 100k-customer store, from the seeded demo generator through `c360 ingest`; built once. */
async function bigStore(log) {
  const store = join(cache, `store-${BIG.customers / 1000}k`);
  if (await usable(store)) return store;
  await rm(store, { recursive: true, force: true });
  const raw = join(cache, 'raw-startup');
  const part = `${store}.part`;
  await rm(raw, { recursive: true, force: true });
  await rm(part, { recursive: true, force: true });
  log(`building the ${BIG.customers.toLocaleString('en-US')}-customer store (once; a few minutes)`);
  const run = (args) =>
    execFileSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  run([
    'demo-data',
    '--out',
    raw,
    '--customers',
    String(BIG.customers),
    '--events',
    String(BIG.events),
    '--seed',
    '1',
  ]);
  const files = ['customers.csv', 'tracks.csv', 'clicks.jsonl', 'predictions.jsonl'].map((f) => join(raw, f));
  run(['ingest', '--data-dir', part, ...files]);
  await rm(raw, { recursive: true, force: true });
  await rename(part, store);
  return store;
}

/** The 1M-customer store: the scale group's (20 listens each, ids c0…c999999); built once. */
async function millionStore(log) {
  const store = join(cache, 'store-1m');
  if (await usable(store)) return store;
  const part = `${store}.part`;
  await rm(store, { recursive: true, force: true });
  log('building the 1,000,000-customer store (once; a few minutes)');
  execFileSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', join(here, 'scale-child.mjs'), part, '1000000'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await rename(part, store);
  return store;
}

/** One start: spawn, navigate on the printed URL, wait for the page's first-frame mark. */
async function startOnce(browser, { store, args }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'c360-bench-start-'));
  // The demo connection's store: `c360 serve` keeps one store per connection, under stores/.
  if (store) await cp(store, join(dataDir, 'stores', 'demo'), { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto('about:blank');
  // Let the new renderer process settle, so its own start-up is not counted against the engine's.
  await new Promise((r) => setTimeout(r, 1000));
  const serve = startServe(['--data-dir', dataDir, ...args]);
  try {
    const { url, at: urlAt } = await serve.ready;
    await page.goto(`${url}/?view=flow`, { waitUntil: 'commit', timeout: 120_000 });
    await page.waitForFunction(() => performance.getEntriesByName('c360:first-frame').length > 0, null, {
      timeout: 120_000,
    });
    // The load event (icons, late scripts) can come after the first frame; wait for it to read its time.
    await page.waitForLoadState('load', { timeout: 120_000 });
    const p = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const snapshot = performance.getEntriesByName('c360:first-snapshot')[0];
      return {
        timeOrigin: performance.timeOrigin,
        responseEnd: nav.responseEnd,
        domContentLoaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd || null,
        firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        firstSnapshot: snapshot.startTime,
        detail: snapshot.detail,
        firstFrame: performance.getEntriesByName('c360:first-frame')[0].startTime,
      };
    });
    // The store read and the stream running: the status bar says "connected" (until then, with a
    // stored base, the first frames show the figures its last checkpoint saved).
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="status-connection"]')?.classList.contains('state-connected'),
      null,
      { timeout: 600_000, polling: 50 },
    );
    const liveAt = await page.evaluate(() => performance.now());
    // Node's and the page's clocks both count from an epoch origin; put everything on the spawn's.
    const spawn = performance.timeOrigin + serve.spawnedAt;
    const fromSpawn = (pageMs) => round(p.timeOrigin + pageMs - spawn, 0);
    return {
      listeningMs: round(urlAt - serve.spawnedAt, 0),
      navigationStartMs: fromSpawn(0),
      domContentLoadedMs: fromSpawn(p.domContentLoaded),
      pageLoadedMs: p.load === null ? null : fromSpawn(p.load),
      firstContentfulPaintMs: p.firstContentfulPaint === null ? null : fromSpawn(p.firstContentfulPaint),
      firstSnapshotMs: fromSpawn(p.firstSnapshot),
      firstFrameMs: fromSpawn(p.firstFrame),
      liveMs: fromSpawn(liveAt),
      firstFrame: p.detail,
    };
  } finally {
    await context.close();
    await serve.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function summarise(runs) {
  const m = (k) => median(runs.map((r) => r[k]));
  return {
    medianMs: {
      listening: m('listeningMs'),
      domContentLoaded: m('domContentLoadedMs'),
      pageLoaded: m('pageLoadedMs'),
      firstSnapshot: m('firstSnapshotMs'),
      firstFrame: m('firstFrameMs'),
      live: m('liveMs'),
    },
    // As stages: engine up and listening; page and app code in (DOMContentLoaded: the module
    // script has run); first snapshot painted.
    stagesMs: {
      spawnToListening: m('listeningMs'),
      listeningToDomContentLoaded: round(median(runs.map((r) => r.domContentLoadedMs - r.listeningMs)), 0),
      domContentLoadedToFirstFrame: round(median(runs.map((r) => r.firstFrameMs - r.domContentLoadedMs)), 0),
    },
    firstFrameRangeMs: [
      Math.min(...runs.map((r) => r.firstFrameMs)),
      Math.max(...runs.map((r) => r.firstFrameMs)),
    ],
    runs,
  };
}

export async function startupBench({
  repetitions = Number(process.env.C360_BENCH_STARTUP_RUNS ?? 3),
  log = (line) => process.stderr.write(`[startup] ${line}\n`),
} = {}) {
  checkBuilt();
  await mkdir(cache, { recursive: true });
  const store = await bigStore(log);
  const million = process.env.C360_BENCH_STARTUP_1M === '0' ? null : await millionStore(log);
  const cases = [
    {
      name: 'emptyStore',
      about: 'empty store, demo with --history 0: nothing but the live stream',
      args: ['--history', '0'],
    },
    {
      name: 'emptyStoreWithHistory',
      about: 'empty store, demo writing its default 100,000 events of history first (a fresh booth)',
      args: [],
    },
    {
      name: 'store100k',
      about: `copy of a ${BIG.customers.toLocaleString('en-US')}-customer store (${BIG.events.toLocaleString('en-US')} clickstream events); the demo adds no history to a non-empty store`,
      store,
      args: ['--customers', String(BIG.customers)],
    },
    ...(million
      ? [
          {
            name: 'store1m',
            about:
              "copy of a 1,000,000-customer store (20 listens each; the scale group's), the demo adding its 5,000 customers",
            store: million,
            args: [],
          },
        ]
      : []),
  ];
  const browser = await launchChromium();
  const results = {
    repetitions,
    browser: browser.version(),
    rendering: 'software (headless Chromium, --disable-gpu)',
  };
  try {
    for (const c of cases) {
      const runs = [];
      for (let i = 0; i < repetitions; i++) {
        runs.push(await startOnce(browser, c));
        log(`${c.name} #${i + 1}: first frame ${runs.at(-1).firstFrameMs} ms`);
      }
      results[c.name] = { about: c.about, ...summarise(runs) };
    }
  } finally {
    await browser.close();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await startupBench(), null, 2)}\n`);
}
