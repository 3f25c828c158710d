import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EngineService } from '../../main/engine/engine-service.js';
import { DashboardServer } from '../../main/server/dashboard-server.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { createTopics, sendTo, uniqueTopics } from '../support/kafka-helpers.js';

/**
 * The Settings screen end to end, as a new user meets it: add a secured Kafka connection, see a
 * message next to each field that is wrong, test it (the wrong password in plain words, then the
 * topics found), save and switch to it live, watch its profiles, switch back; and after a
 * restart, everything is still there.
 */

const RENDERER = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const kafka = inject('kafka');
const demo = { rate: 20, customers: 300, seed: 5, history: 6000 };

let browser: Browser;
let dataDir: string;
const pageErrors: string[] = [];

async function serve(): Promise<{ engine: EngineService; server: DashboardServer; url: string }> {
  const engine = new EngineService({ dataDir, demo });
  await engine.start();
  const server = new DashboardServer(engine, {
    host: '127.0.0.1',
    port: 0,
    rendererDir: RENDERER,
    token: null,
  });
  const url = (await server.listen()).url.replace(/\/$/, '');
  return { engine, server, url };
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(`${url}/?view=settings`);
  return page;
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

describe.skipIf(!chromiumAvailable() || !kafka.saslBrokers || !kafka.sasl)(
  'the Settings screen in Chromium',
  () => {
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'c360-e2e-settings-'));
      browser = await launchChromium();
      await mkdir(SHOTS, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('adds a secured connection, tests it, switches to it live and back, and keeps it after a restart', async () => {
      const { username, password } = kafka.sasl as { username: string; password: string };
      const t = uniqueTopics('ui');
      await createTopics(kafka.brokers, [t.clickstream, t.predictions], 2);
      await sendTo(
        kafka.brokers,
        t.clickstream,
        Array.from({ length: 24 }, (_, i) => ({
          partition: i % 2,
          key: `u${i % 4}`,
          value: JSON.stringify({
            type: 'listen',
            customerId: `u${i % 4}`,
            trackId: `t${i}`,
            ts: '2026-03-04 10:00:00',
          }),
        })),
      );

      let { engine, server, url } = await serve();
      let page = await open(url);
      await page.getByRole('button', { name: 'Add a Kafka connection' }).click();

      // Wrong fields: each gets its message, and nothing is tried.
      await field(page, 'Name').fill('Secured lab');
      await field(page, 'Bootstrap servers').fill('localhost');
      await field(page, 'Clickstream topic').fill('click stream');
      await page.getByRole('button', { name: 'Test connection' }).click();
      await expect
        .poll(() => page.locator('.field-problem').allInnerTexts())
        .toEqual([
          'Write each server as host:port, separated by commas',
          'A topic name is 1–249 letters, digits, dots, underscores or hyphens',
        ]);
      expect(await page.getByRole('alert').innerText()).toBe(
        '2 fields need a change before this can be tested or saved.',
      );

      // A wrong password: the cluster answered, the login was refused, and what to change.
      await field(page, 'Bootstrap servers').fill(kafka.saslBrokers as string);
      await field(page, 'Clickstream topic').fill(t.clickstream);
      await field(page, 'Predictions topic').fill(t.predictions);
      await field(page, 'Customers topic').fill('');
      await field(page, 'Mechanism').selectOption('scram-sha-512');
      await field(page, 'User name').fill(username);
      await field(page, 'Password').fill(`${password}-typo`);
      await page.getByRole('button', { name: 'Test connection' }).click();
      const report = page.locator('.test-report');
      await expect
        .poll(() => report.innerText(), { timeout: 20_000 })
        .toMatch(/The connection does not work yet\./);
      expect(await report.innerText()).toMatch(/✓ Reach the cluster: The cluster at .* answered\./);
      expect(await report.innerText()).toMatch(
        /✗ Log in: The cluster refused the login .*\nWhat to change: Check the SASL mechanism, user name and password/,
      );
      await page.screenshot({ path: join(SHOTS, 'settings-test-failed.png'), fullPage: true });

      // The right one: every step, and the topics with their partitions and messages.
      await field(page, 'Password').fill(password);
      await page.getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => report.innerText(), { timeout: 20_000 }).toMatch(/The connection works\./);
      const topics = await report.locator('tbody tr').allInnerTexts();
      expect(topics[0]).toMatch(new RegExp(`${t.clickstream}\\s+clickstream\\s+2\\s+24`));
      await page.screenshot({ path: join(SHOTS, 'settings.png'), fullPage: true });

      // Save and use: switched live, its own store, its profiles.
      await page.getByRole('button', { name: 'Save and use' }).click();
      await expect
        .poll(() => page.locator('.notice').innerText(), { timeout: 20_000 })
        .toMatch(/^Now reading Secured lab\. It has a store of its own, new: .*stores\/secured-lab\.$/);
      await expect
        .poll(() => page.getByTestId('status-source').innerText(), { timeout: 20_000 })
        .toBe(`Source: Kafka ${kafka.saslBrokers}`);
      await expect.poll(async () => (await engine.snapshot()).customers, { timeout: 20_000 }).toBe(4);

      // And back to the demo, whose store was left as it was.
      await page.getByRole('button', { name: 'Use Embedded demo' }).click();
      await expect.poll(async () => (await engine.snapshot()).customers, { timeout: 20_000 }).toBe(300);
      await page.getByRole('button', { name: 'Use Secured lab' }).click();
      await expect.poll(async () => (await engine.snapshot()).customers, { timeout: 20_000 }).toBe(4);
      await page.close();

      // A restart: the connection, its password (kept apart) and the choice are all still there.
      await server.close();
      await engine.stop();
      ({ engine, server, url } = await serve());
      page = await open(url);
      await expect
        .poll(() => page.locator('.connection.active').innerText(), { timeout: 10_000 })
        .toMatch(/Secured lab\s+in use/);
      await expect.poll(async () => (await engine.status()).state, { timeout: 20_000 }).toBe('connected');
      expect((await engine.snapshot()).customers).toBe(4);
      await page.getByRole('button', { name: 'Edit Secured lab' }).click();
      expect(await field(page, 'Password').getAttribute('placeholder')).toBe('••••••••');
      expect(await page.getByText('saved; type to change it').count()).toBe(1);
      await page.close();
      await server.close();
      await engine.stop();
    }, 120_000);

    it('raised no errors in the page', () => {
      expect(pageErrors).toEqual([]);
    });
  },
);
