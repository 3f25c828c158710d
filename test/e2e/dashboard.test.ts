import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL_NAME } from '../../main/engine/demo/demo-churn-model.js';
import { EngineService } from '../../main/engine/engine-service.js';
import { storeDirOf } from '../../main/engine/settings/connections.js';
import { DashboardServer } from '../../main/server/dashboard-server.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { runCli } from '../support/run-cli.js';

/**
 * The dashboard end to end: the engine on the demo source behind the same server `c360 serve`
 * runs, in real Chromium. Screenshots of each view go to test-results/screenshots/.
 */

const RENDERER = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

let engine: EngineService;
let server: DashboardServer;
let browser: Browser;
let url: string;
let dataDir: string;
const pageErrors: string[] = [];

async function open(path: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => pageErrors.push(`${path}: ${e.message} ${e.stack ?? ''}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`${path}: ${m.text()}`);
  });
  await page.goto(`${url}${path}`);
  return page;
}

const counter = async (page: Page, id: string) =>
  Number((await page.getByTestId(id).innerText()).replace(/,/g, ''));

/** Canvases inside a Bokeh plot live in nested shadow roots; count the ones that were drawn at size. */
async function bokehCanvases(page: Page): Promise<number> {
  return page.evaluate(() => {
    let n = 0;
    const walk = (root: ParentNode) => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLCanvasElement && el.width > 100 && el.height > 100) n += 1;
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    for (const plot of document.querySelectorAll('.bokeh')) walk(plot);
    return n;
  });
}

/**
 * axe-core's serious and critical findings on the page as it is now. axe goes in through the
 * DevTools protocol: the page's CSP (rightly) refuses an injected script tag.
 */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(await readFile(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (ctx: Document) => Promise<{
            violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) at ${v.where.join(', ')}`);
}

describe.skipIf(!chromiumAvailable())('dashboard in Chromium', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'c360-e2e-'));
    // Two unreadable records in the store, for the quarantine list.
    const bad = join(dataDir, 'bad.jsonl');
    await writeFile(
      bad,
      '{"type":"listen","customerId":"9001"\n{"type":"click","customerId":"9001","ts":"later"}\n',
    );
    expect((await runCli(['ingest', bad, '--data-dir', storeDirOf(dataDir, 'demo')])).code).toBe(0);
    // A slow live rate keeps one customer's numbers still long enough to compare with an export.
    engine = new EngineService({ dataDir, demo: { rate: 20, customers: 800, seed: 3, history: 24_000 } });
    await engine.start();
    server = new DashboardServer(engine, { host: '127.0.0.1', port: 0, rendererDir: RENDERER, token: null });
    url = (await server.listen()).url.replace(/\/$/, '');
    browser = await launchChromium();
    await mkdir(SHOTS, { recursive: true });
    // The demo history is in once its predictions are.
    for (let i = 0; i < 200 && (await engine.churnOverview({})).scored < 700; i++)
      await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await engine?.stop();
  });

  it('flow: live counters and the animated picture, and updates keep arriving', async () => {
    const page = await open('/?view=flow');
    await expect.poll(() => counter(page, 'customers'), { timeout: 15_000 }).toBe(800);
    expect(await counter(page, 'at-risk')).toBeGreaterThan(0);
    // Charts draw in an effect after the commit that shows the numbers: wait for them, not a frame.
    await expect.poll(() => page.locator('.flow-chart canvas').count()).toBeGreaterThan(0);
    const before = await counter(page, 'events-total');
    await expect.poll(() => counter(page, 'events-total'), { timeout: 10_000 }).toBeGreaterThan(before);
    await expect.poll(() => counter(page, 'events-per-second'), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect(page.getByTestId('status-connection').innerText()).resolves.toContain('connected');
    await page.waitForTimeout(1500); // let the particles move before the picture is taken
    await page.screenshot({ path: join(SHOTS, 'flow.png') });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.close();
  });

  it('time of day: base buckets and the day × hour heatmap, with a customer overlaid', async () => {
    const page = await open('/?view=time&customer=7');
    await expect.poll(() => bokehCanvases(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(await page.getByText('Day × hour — rings:').isVisible()).toBe(true);
    await expect(page.locator('.lede').innerText()).resolves.toMatch(
      /[\d,]+ listens by [\d,]+ customers, all time/,
    );
    const listens = async () =>
      Number(/^([\d,]+) listens/.exec(await page.locator('.lede').innerText())?.[1]?.replace(/,/g, ''));
    const allTime = await listens();
    // The last 15 minutes of the stream's (simulated) time: part of all time, and said so.
    await page.getByRole('button', { name: '15 min', exact: true }).click();
    await expect.poll(() => page.locator('.lede').innerText()).toContain('last 15 min of demo time');
    expect(await listens()).toBeLessThan(allTime);
    expect(await listens()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await expect.poll(() => page.locator('.lede').innerText()).toContain('all time');
    await page.screenshot({ path: join(SHOTS, 'time-of-day.png') });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.close();
  });

  it('churn: distribution, share at risk, groups, and the top list leads to the customer', async () => {
    const page = await open('/?view=churn');
    const rows = page.locator('.at-risk-table tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.churn-view canvas').count()).toBeGreaterThanOrEqual(4);
    // The list is live: pin one button (rows are keyed by customer), so the id read is the one clicked.
    const first = await rows.first().locator('button').elementHandle();
    if (!first) throw new Error('no customer button in the top list');
    const firstId = (await first.innerText()).trim();
    const risks = (await page.locator('.risk-cell').allInnerTexts()).map(Number);
    expect(risks).toEqual([...risks].sort((a, b) => b - a));
    expect(risks.every((r) => r >= 0.2)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'churn.png') });
    expect(await accessibilityProblems(page)).toEqual([]);

    // A stricter threshold leaves fewer customers at risk, everywhere the engine counts them.
    const atRisk = async () =>
      Number(
        /([\d,]+) at risk$/
          .exec(await page.locator('.churn-view figcaption').first().innerText())?.[1]
          ?.replace(/,/g, ''),
      );
    const before = await atRisk();
    await page.getByLabel('At risk from').fill('0.5');
    await expect.poll(atRisk, { timeout: 10_000 }).toBeLessThan(before);
    expect((await engine.getSettings()).churnThreshold).toBe(0.5);
    await page.getByLabel('At risk from').fill('0.2');
    await expect.poll(atRisk, { timeout: 10_000 }).toBeGreaterThanOrEqual(before - 5);
    await first.click();
    await expect.poll(() => page.getByTestId('customer-360').getAttribute('data-customer-id')).toBe(firstId);
    await page.close();
  });

  it("customer: search finds a known customer and shows the numbers of the engine's own CSV export", async () => {
    const page = await open('/?view=customer');
    // Export every profile through the UI, as a support engineer would, and read the file.
    await page.getByRole('button', { name: 'Export all profiles' }).click();
    const link = page.locator('.top .export-files a', { hasText: 'live_table.csv' });
    await link.waitFor({ timeout: 20_000 });
    const csv = await (await page.request.get(`${url}/${await link.getAttribute('href')}`)).text();
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(800);
    // The lightest listener with a few listens, an email and a score: the live stream (20 events/s
    // over 800 customers, picked by how much each listens) is least likely to reach them meanwhile.
    const known = rows
      .filter((r) => r.email && Number(r.listens) > 5 && r.churn_risk !== '')
      .sort(
        (x, y) => Number(x.listens) - Number(y.listens) || Number(x.clicks) - Number(y.clicks),
      )[0] as Record<string, string>;

    await page.keyboard.press('Control+K');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('customer-search');
    await page.keyboard.type(known.name?.split(' ')[1] ?? '', { delay: 30 });
    const result = page.locator('.result', { hasText: `#${known.customer_id} ` });
    await result.first().click();
    const panel = page.getByTestId('customer-360');
    await expect.poll(() => panel.getAttribute('data-customer-id')).toBe(known.customer_id);
    const field = (name: string) => panel.locator(`[data-field="${name}"]`).first().innerText();
    await expect
      .poll(async () => [
        await field('listens'),
        await field('unique_tracks'),
        await field('mobile'),
        await field('night'),
        await field('clicks'),
        await field('email'),
      ])
      .toEqual(
        [known.listens, known.unique_tracks, known.mobile, known.night, known.clicks, known.email].map((v) =>
          Number.isNaN(Number(v)) ? v : Number(v).toLocaleString('en-US'),
        ),
      );
    await expect(panel.locator('.model').innerText()).resolves.toContain(DEMO_MODEL_NAME);
    await expect
      .poll(() => panel.getByTestId('customer-timeline').locator('.timeline li').count())
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'customer.png') });
    expect(await accessibilityProblems(page)).toEqual([]);

    // Search by email and by zip finds the same customer.
    for (const q of [known.email, known.zip]) {
      await page.locator('#customer-search').fill(q ?? '');
      await expect
        .poll(() => page.locator('.result', { hasText: `#${known.customer_id} ` }).count())
        .toBeGreaterThan(0);
    }
    await page.close();
  });

  it('booth mode takes turns through its views, with title, QR code, clock and masked identities', async () => {
    const page = await open('/?booth=1&dwell=2&title=Acme%20Music&qr=https://example.com/c360', {
      width: 1920,
      height: 1080,
    });
    const screen = page.getByTestId('booth-screen');
    for (const view of ['time', 'churn', 'flow'])
      await expect.poll(() => screen.getAttribute('data-booth-view'), { timeout: 8000 }).toBe(view);
    expect(await page.locator('nav').count()).toBe(0);
    await expect(page.getByTestId('booth-title').innerText()).resolves.toBe('Acme Music');
    await expect(page.getByTestId('booth-qr').getAttribute('aria-label')).resolves.toBe(
      'QR code for https://example.com/c360',
    );
    await expect(page.getByTestId('booth-clock').innerText()).resolves.toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d\s+demo time, simulated ×24$/,
    );
    // Masked by default: ids as "#…42", names as initials, in the ticker, headline and table.
    await expect
      .poll(() => page.getByTestId('booth-ticker').locator('li strong').allTextContents(), {
        timeout: 10_000,
      })
      .not.toEqual([]);
    for (const who of await page.getByTestId('booth-ticker').locator('li strong').allTextContents())
      expect(who).toMatch(/^#…\d{1,2}$/);
    const table = page.locator('.booth-slide .at-risk-table tbody tr');
    await expect.poll(() => table.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The churn view may be waiting for its turn (hidden): read its text, not what is painted.
    for (const row of await table.all()) {
      const [id, name] = await row.locator('td').allTextContents();
      expect(id).toMatch(/^#…\d{1,2}$/);
      // Initials in any script: the demo world has Cyrillic, Greek and CJK names too.
      expect(name).toMatch(/^(—|(\p{Lu}\. ?|\p{Lo}\. ?){1,2})$/u);
    }
    const headline = page.locator('.booth-slide [data-testid="headline"] .headline-who');
    if ((await headline.count()) > 0)
      expect(await headline.textContent()).toMatch(/^((\p{Lu}|\p{Lo})\. )*#…\d{1,2}$/u);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.app').getAttribute('data-booth')).toBe('off');
    expect(await page.locator('nav').count()).toBe(1);
    await page.close();
  });

  it('booth views fill 1920×1080 and 1366×768 with nothing cut and nothing scrolling', async () => {
    for (const [width, height] of [
      [1920, 1080],
      [1366, 768],
    ] as const) {
      for (const view of ['flow', 'time', 'churn']) {
        const page = await open(`/?booth=1&views=${view}&dwell=600&qr=https://example.com/c360`, {
          width,
          height,
        });
        if (view === 'time')
          await expect.poll(() => bokehCanvases(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
        else await expect.poll(() => page.locator('.booth-slide.on canvas').count()).toBeGreaterThan(0);
        if (view === 'churn')
          await expect.poll(() => page.locator('.booth-slide.on tbody tr').count()).toBeGreaterThan(2);
        await page.waitForTimeout(1500); // the crossfade, the particles, the table's fitted rows
        const layout = await page.evaluate(() => {
          const outside: string[] = [];
          for (const el of document.querySelectorAll('.booth-screen *')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || el.closest('.booth-slide:not(.on)')) continue;
            if (r.bottom > innerHeight + 1 || r.right > innerWidth + 1 || r.left < -1 || r.top < -1)
              outside.push(`${el.tagName.toLowerCase()}.${el.className}`);
          }
          // A panel whose content is taller than the panel would be cut (they hide overflow).
          const cut = [...document.querySelectorAll('.booth-slide.on .panel')]
            .filter((el) => el.scrollHeight > el.clientHeight + 2)
            .map((el) => el.className);
          const doc = document.documentElement;
          return { outside, cut, scroll: [doc.scrollWidth - innerWidth, doc.scrollHeight - innerHeight] };
        });
        expect(layout).toEqual({ outside: [], cut: [], scroll: [0, 0] });
        await page.screenshot({ path: join(SHOTS, `booth-${view}-${width}x${height}.png`) });
        if (width === 1920) expect(await accessibilityProblems(page)).toEqual([]);
        await page.close();
      }
    }
  });

  it('booth: a demo store shows names and ids when the page asks (mask=0)', async () => {
    const page = await open('/?booth=1&views=churn&dwell=600&mask=0');
    const first = page.locator('.booth-slide .at-risk-table tbody tr').first().locator('td').first();
    await expect.poll(() => first.innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/^\d+$/);
    await page.close();
  });

  it('comes back by itself when the WebSocket drops', async () => {
    const page = await open('/?view=flow');
    await expect.poll(() => counter(page, 'customers'), { timeout: 15_000 }).toBe(800);
    server.dropClients();
    await expect
      .poll(() => page.getByTestId('status-connection').innerText(), { timeout: 5000 })
      .toContain('reconnecting');
    await expect
      .poll(() => page.getByTestId('status-connection').innerText(), { timeout: 15_000 })
      .toContain('connected');
    const after = await counter(page, 'events-total');
    await expect.poll(() => counter(page, 'events-total'), { timeout: 10_000 }).toBeGreaterThan(after);
    await page.close();
  });

  it('browses quarantined records: where they came from and why, filtered, and exported', async () => {
    const page = await open('/?view=flow');
    await expect
      .poll(() => page.getByTestId('quarantine-count').innerText(), { timeout: 10_000 })
      .toBe('2 quarantined');
    await page.getByTestId('quarantine-count').click();
    const panel = page.locator('#quarantine');
    await expect.poll(() => panel.locator('tbody tr').count()).toBe(2);
    const rows = await panel.locator('tbody tr').allInnerTexts();
    expect(rows[0]).toMatch(/bad\.jsonl:2\s+ts: unreadable timestamp "later"/);
    expect(rows[1]).toMatch(/bad\.jsonl:1\s+bad JSON/);
    // Filtered by reason: one left; the raw record opens.
    const reason = panel.getByLabel('Reason');
    await reason.selectOption(
      (await reason.locator('option', { hasText: /^bad JSON/ }).getAttribute('value')) ?? '',
    );
    await expect.poll(() => panel.locator('tbody tr').count()).toBe(1);
    await expect.poll(() => page.getByTestId('quarantine-matching').innerText()).toMatch(/^1 matching of 2/);
    await panel.locator('summary').first().click();
    expect(await panel.locator('code').first().innerText()).toContain('{"type":"listen","customerId":"9001"');
    // Exported as the filter shows it.
    await panel.getByRole('button', { name: 'Export as JSON lines' }).click();
    const link = panel.getByRole('link', { name: 'quarantine.jsonl' });
    await link.waitFor();
    const body = await (await fetch(`${url}/${await link.getAttribute('href')}`)).text();
    expect(
      body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).origin.line),
    ).toEqual([1]);
    await page.close();
  });

  it('runs on the desktop bridge too: calls, events, native save and kiosk requests go through window.c360', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Shaped like the preload's API (main/electron/preload.cts); carried over the WebSocket here.
    await page.addInitScript(
      (api: string) => {
        const w = window as unknown as Record<string, unknown>;
        const saved: unknown[] = [];
        const shell: string[] = [];
        const listeners = new Map<string, Set<(p: unknown) => void>>();
        const pending = new Map<number, (m: { result?: unknown; error?: string }) => void>();
        let id = 0;
        const socket = new WebSocket(api);
        const open = new Promise((resolve) => socket.addEventListener('open', resolve));
        socket.addEventListener('message', (e) => {
          const m = JSON.parse(String(e.data));
          if (m.event) for (const l of listeners.get(m.event) ?? []) l(m.payload);
          else pending.get(m.id)?.(m);
        });
        w.__saved = saved;
        w.__shell = shell;
        w.c360 = {
          call: async (method: string, params: unknown) => {
            await open;
            const mine = ++id;
            const m = await new Promise<{ result?: unknown; error?: string }>((resolve) => {
              pending.set(mine, resolve);
              socket.send(JSON.stringify({ id: mine, method, params }));
            });
            if (m.error) throw new Error(m.error);
            return m.result;
          },
          on: (event: string, listener: (p: unknown) => void) => {
            const set = listeners.get(event) ?? new Set();
            set.add(listener);
            listeners.set(event, set);
            return () => set.delete(listener);
          },
          saveExport: async (exportId: string, file: string) => {
            saved.push([exportId, file]);
            return true;
          },
          requestShell: (command: string) => shell.push(command),
          onShell: () => () => {},
          chooseFile: async () => null,
        };
      },
      `${url.replace('http', 'ws')}/api`,
    );
    await page.goto(`${url}/?view=flow`);
    await expect.poll(() => counter(page, 'customers'), { timeout: 15_000 }).toBe(800);

    await page.getByRole('button', { name: 'Export all profiles' }).click();
    const save = page.getByRole('button', { name: 'Save live_table.csv…' });
    await save.waitFor({ timeout: 20_000 });
    await save.click();
    const saved = (await page.evaluate(
      () => (window as unknown as { __saved: string[][] }).__saved,
    )) as string[][];
    expect(saved).toHaveLength(1);
    expect(saved[0]?.[0]).toMatch(/^\d{8}T\d{6}-[0-9a-f]{6}$/);
    expect(saved[0]?.[1]).toBe('live_table.csv');
    // No download links on the desktop: only the native save.
    expect(await page.locator('.export-files a').count()).toBe(0);

    await page.getByRole('button', { name: 'Booth mode' }).click();
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => (window as unknown as { __shell: string[] }).__shell)).toEqual([
      'booth-on',
      'booth-off',
    ]);
    await page.close();
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
