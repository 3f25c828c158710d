import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineService } from '../../main/engine/engine-service.js';
import { DashboardServer } from '../../main/server/dashboard-server.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';

/**
 * `c360 serve` listens before the engine has read its store (seconds for a large one), so the
 * window loads meanwhile. Until the engine is up the page must say it is waiting, not show zeros
 * that read as an empty customer base, and once it is up the data arrives without a reload.
 */

const RENDERER = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

let browser: Browser | null = null;
let server: DashboardServer | null = null;
let engine: EngineService | null = null;
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await engine?.stop();
});

describe.skipIf(!chromiumAvailable())('the window while the engine starts', () => {
  it('shows dashes and the connection state until the engine answers, then the data, without a reload', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'c360-e2e-start-'));
    engine = new EngineService({ dataDir, demo: { rate: 20, customers: 300, seed: 5, history: 3000 } });
    let ready: (ok: boolean) => void = () => {};
    server = new DashboardServer(engine, {
      host: '127.0.0.1',
      port: 0,
      rendererDir: RENDERER,
      token: null,
      engineReady: new Promise((resolve) => {
        ready = resolve;
      }),
    });
    const { url } = await server.listen();
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}?view=flow`);

    await expect.poll(() => page.getByTestId('status-connection').innerText()).toMatch(/connecting/i);
    await page.waitForTimeout(500);
    for (const id of ['customers', 'at-risk', 'events-per-second', 'events-total'])
      expect(await page.getByTestId(id).innerText(), id).toBe('—');
    // A view whose figures are not in yet says it is loading, not that there are none.
    const churn = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await churn.goto(`${url}?view=churn`);
    await expect.poll(() => churn.locator('.churn-view .empty').innerText()).toBe('Loading…');

    await engine.start();
    ready(true);
    await expect
      .poll(async () => Number((await page.getByTestId('customers').innerText()).replace(/,/g, '')), {
        timeout: 20_000,
      })
      .toBe(300);
    expect(errors).toEqual([]);
  }, 60_000);
});
