// Group 9, the support desk's whole flow at 100,000 customers: `c360 serve` on a demo of that size,
// the desk in headless Chromium, and an agent who hears a name: Ctrl+K, the name typed at
// C360_BENCH_KEY_MS a key (default 120, a quick typist), Enter. Measured in the page, from the
// first key to the 360 view showing that customer, and from Enter to it (what the software adds
// to the typing). Also the first search answer after Ctrl+K, with the page loaded and idle.
// Run alone after `npm run build`: node bench/desk-flow-bench.mjs (prints JSON).
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkBuilt, launchChromium, median, round, startServe } from './browser-support.mjs';

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

export async function deskFlowBench({
  customers = Number(process.env.C360_BENCH_DESK_CUSTOMERS ?? 100_000),
  keyMs = Number(process.env.C360_BENCH_KEY_MS ?? 120),
  lookups = 20,
  log = (line) => process.stderr.write(`[desk-flow] ${line}\n`),
} = {}) {
  checkBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), 'c360-bench-deskflow-'));
  const serve = startServe(['--data-dir', dataDir, '--customers', String(customers), '--history', '200000']);
  let browser;
  try {
    const { url } = await serve.ready;
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${url}/?view=flow`);
    await page.getByTestId('customers').waitFor();
    // Wait for the store to hold every demo customer (CRM first, then the history).
    const started = performance.now();
    for (;;) {
      const n = Number((await page.getByTestId('customers').innerText()).replace(/,/g, ''));
      if (n >= customers) break;
      if (performance.now() - started > 300_000) throw new Error(`only ${n} customers after 5 min`);
      await page.waitForTimeout(1000);
    }
    // Names to look up: spread over the base, each name unique, as an agent would hear them.
    const names = await page.evaluate(
      async ({ n }) => {
        const found = [];
        const ws = new WebSocket(location.href.replace(/^http/, 'ws').replace(/\/?\?.*$/, '/api'));
        await new Promise((r) => ws.addEventListener('open', r));
        const call = (params) =>
          new Promise((resolve) => {
            const id = Math.floor(Math.random() * 1e9);
            const on = (m) => {
              const d = JSON.parse(m.data);
              if (d.id === id) {
                ws.removeEventListener('message', on);
                resolve(d.result);
              }
            };
            ws.addEventListener('message', on);
            ws.send(JSON.stringify({ id, method: 'searchCustomers', params }));
          });
        for (let i = 0; found.length < n && i < n * 20; i++) {
          const id = String(1 + Math.floor((i * 7919) % 100_000));
          const r = await call({ query: id, limit: 1 });
          const name = r?.results?.[0]?.name;
          if (!name || !/^[\p{L}' -]+$/u.test(name)) continue;
          const same = await call({ query: name, limit: 5 });
          if (same.results.filter((c) => c.name === name).length === 1 && same.results[0]?.name === name)
            found.push({ id: same.results[0].customerId, name });
        }
        ws.close();
        return found;
      },
      { n: lookups },
    );
    if (names.length < lookups) log(`only ${names.length} unique names found`);
    const loadAtStart = loadavg()[0];
    const runs = [];
    for (const { id, name } of names) {
      await page.getByRole('button', { name: 'Flow', exact: true }).click();
      await page.waitForTimeout(300);
      await page.evaluate(() => {
        window.__c360Key = null;
        window.addEventListener('keydown', () => (window.__c360Key ??= performance.now()), {
          once: true,
          capture: true,
        });
      });
      await page.keyboard.press('Control+K');
      await page.keyboard.type(name, { delay: keyMs });
      const enterAt = await page.evaluate(() => performance.now());
      await page.keyboard.press('Enter');
      const shownAt = await page.evaluate(
        (want) =>
          new Promise((resolve) => {
            const check = () => {
              const el = document.querySelector('[data-testid="customer-360"]');
              if (
                el &&
                el.getAttribute('data-customer-id') === want &&
                el.getAttribute('data-previous') !== 'true'
              )
                resolve(performance.now());
              else requestAnimationFrame(check);
            };
            check();
          }),
        id,
      );
      const firstKey = await page.evaluate(() => window.__c360Key);
      runs.push({ name, firstKeyToViewMs: shownAt - firstKey, enterToViewMs: shownAt - enterAt });
    }
    const loadAtEnd = loadavg()[0];
    const total = runs.map((r) => r.firstKeyToViewMs);
    const after = runs.map((r) => r.enterToViewMs);
    return {
      setup: {
        customers,
        keyMs,
        lookups: runs.length,
        cores: cpus().length,
        loadAverage1m: { atStart: round(loadAtStart, 2), atEnd: round(loadAtEnd, 2) },
        note: 'live demo ingest running meanwhile (the default rate); software rendering',
      },
      firstKeyToViewMs: { p50: round(median(total), 0), p95: round(quantile(total, 0.95), 0) },
      enterToViewMs: { p50: round(median(after), 0), p95: round(quantile(after, 0.95), 0) },
      meanNameLength: round(runs.reduce((s, r) => s + r.name.length, 0) / Math.max(1, runs.length), 1),
      runs,
    };
  } finally {
    await browser?.close();
    await serve.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href)
  process.stdout.write(`${JSON.stringify(await deskFlowBench(), null, 2)}\n`);
