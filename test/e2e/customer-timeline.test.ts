import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineService } from '../../main/engine/engine-service.js';
import { storeDirOf } from '../../main/engine/settings/connections.js';
import { DashboardServer } from '../../main/server/dashboard-server.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { runCli } from '../support/run-cli.js';

/**
 * The customer's timeline in Chromium: a customer with known listens, a click, predictions and
 * CRM changes (ingested from a file into the demo store), shown newest first in one local time
 * format, filtered by kind and by date, paged, and the same after the engine restarts.
 */

const RENDERER = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const ID = 'tl-1';
const LISTENS = 40;

let dataDir: string;
let browser: Browser;
let running: { engine: EngineService; server: DashboardServer; url: string } | null = null;
const pageErrors: string[] = [];

async function start(): Promise<string> {
  const engine = new EngineService({ dataDir, demo: { rate: 5, customers: 200, seed: 5, history: 2_000 } });
  await engine.start();
  const server = new DashboardServer(engine, {
    host: '127.0.0.1',
    port: 0,
    rendererDir: RENDERER,
    token: null,
  });
  const url = (await server.listen()).url.replace(/\/$/, '');
  running = { engine, server, url };
  return url;
}

async function stop(): Promise<void> {
  if (!running) return;
  await running.server.close();
  await running.engine.stop();
  running = null;
}

async function openCustomer(url: string): Promise<Page> {
  // A zone other than UTC, so the test sees times converted to the viewer's own.
  const page = await browser.newPage({
    locale: 'en-US',
    timezoneId: 'Europe/Oslo',
    viewport: { width: 1440, height: 900 },
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(`${url}/?view=customer&customer=${ID}`);
  return page;
}

const rows = (page: Page) => page.getByTestId('customer-timeline').locator('.timeline > li');

async function seriousA11yProblems(page: Page): Promise<string[]> {
  await page.evaluate(await readFile(AXE, 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (d: Document) => Promise<{ violations: Array<{ id: string; impact: string }> }> };
      }
    ).axe;
    const r = await axe.run(document);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
}

describe.skipIf(!chromiumAvailable())('customer timeline in Chromium', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'c360-e2e-timeline-'));
    const lines = [
      { type: 'customer', customerId: ID, name: 'Tia Lund', Level: 1 },
      ...Array.from({ length: LISTENS }, (_, i) => ({
        type: 'listen',
        customerId: ID,
        trackId: `trk-${i}`,
        ts: `2026-03-04T20:${String(i).padStart(2, '0')}:07Z`,
        mobile: i % 2 === 0,
      })),
      {
        type: 'click',
        customerId: ID,
        ts: '2026-03-05T12:00:00Z',
        product: 'premium_plan',
        responseTimeMs: 2385,
      },
      { customerId: ID, churnRisk: 0.42, model: 'churn-lr@3', ts: '2026-03-06T08:00:00Z' },
      { customerId: ID, churnRisk: 0.61, model: 'churn-gbt@7', ts: '2026-03-07T08:00:00Z' },
      { type: 'customer', customerId: ID, Level: 2 },
    ];
    const file = join(dataDir, 'tl.jsonl');
    await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect((await runCli(['ingest', file, '--data-dir', storeDirOf(dataDir, 'demo')])).code).toBe(0);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stop();
  });

  it('shows every event newest first, filters by kind and date, pages, and survives a restart', async () => {
    const page = await openCustomer(await start());
    const timeline = page.getByTestId('customer-timeline');
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(25);

    // One local time format (Oslo is UTC+1 in March), with relative time beside it.
    const prediction = rows(page).filter({ hasText: 'churn-gbt@7' });
    await expect(prediction.locator('time').innerText()).resolves.toBe('Mar 7, 2026, 9:00:00 AM');
    // Against the stream's clock: a reopened store's first snapshots carry its latest event's time
    // ("now") until the demo's clock starts, a moment later.
    await expect.poll(() => prediction.locator('.ago').innerText(), { timeout: 10_000 }).toMatch(/ ago$/);
    await expect(prediction.innerText()).resolves.toContain('Churn risk 0.61');
    const times = await timeline.locator('time').allInnerTexts();
    for (const t of times) expect(t).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/);
    await expect(rows(page).filter({ hasText: 'churn-lr@3' }).count()).resolves.toBe(1);

    // CRM changes name the fields, old → new.
    const crm = rows(page).filter({ hasText: 'CRM record changed' });
    await expect(crm.count()).resolves.toBe(2);
    await expect(crm.filter({ hasText: /Level: Silver\s*→\s*Gold/ }).count()).resolves.toBe(1);
    await expect(crm.filter({ hasText: /Name: set to Tia Lund/ }).count()).resolves.toBe(1);

    // Newest first, and "Older events" adds the rest, each once.
    const instants = await timeline
      .locator('time')
      .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')));
    expect(instants).toEqual([...instants].sort((a, b) => b - a));
    await page.getByRole('button', { name: 'Older events' }).click();
    await expect.poll(() => rows(page).count()).toBe(LISTENS + 5);
    await expect(page.getByRole('button', { name: 'Older events' }).count()).resolves.toBe(0);
    const tracks = await rows(page)
      .filter({ hasText: 'Listened to track' })
      .locator('strong')
      .allInnerTexts();
    expect(new Set(tracks).size).toBe(LISTENS);

    await mkdir(SHOTS, { recursive: true });
    await timeline.screenshot({ path: join(SHOTS, 'customer-timeline.png') });

    // Kinds: listens off leaves the click, the predictions and the CRM changes.
    await page.getByRole('button', { name: 'Listens' }).click();
    await expect.poll(() => rows(page).count()).toBe(5);
    await expect(timeline.locator('.timeline-listen').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Listens' }).click();

    // Dates: only 5 March (local) holds the click.
    await timeline.getByLabel('From').fill('2026-03-05');
    await timeline.getByLabel('To').fill('2026-03-05');
    await expect.poll(() => rows(page).count()).toBe(1);
    await expect(rows(page).first().innerText()).resolves.toContain('premium plan');
    expect(await seriousA11yProblems(page)).toEqual([]);
    await page.close();

    // The timeline is on disk: after a restart of the engine, the same events are there.
    await stop();
    const again = await openCustomer(await start());
    await expect.poll(() => rows(again).count(), { timeout: 15_000 }).toBe(25);
    await expect(rows(again).filter({ hasText: 'churn-gbt@7' }).count()).resolves.toBe(1);
    await again.getByRole('button', { name: 'Older events' }).click();
    await expect.poll(() => rows(again).count()).toBe(LISTENS + 5);
    await again.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
