import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineService } from '../../main/engine/engine-service.js';
import { type DecodedRecord, IngestSession } from '../../main/engine/ingest/ingest-session.js';
import { isAtRisk } from '../../main/engine/profile/profile.js';
import { storeDirOf } from '../../main/engine/settings/connections.js';
import { ProfileStore } from '../../main/engine/store/profile-store.js';
import { dispatch } from '../../main/server/api-dispatch.js';
import type { ChurnOverview, DashboardSnapshot, ExportProgress } from '../../shared/engine-api.js';
import { decodedLines } from '../support/events.js';

const running: EngineService[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

async function demoEngine(customers: number, history: number): Promise<EngineService> {
  const engine = new EngineService({
    dataDir: await mkdtemp(join(tmpdir(), 'c360-engine-')),
    demo: { rate: 50, customers, seed: 2, history },
  });
  running.push(engine);
  await engine.start();
  // History is in once the live stream runs: its simulated clock is the source's from then on.
  // (Every customer scored is not enough: the history scores them at mid-window and again at its end.)
  for (let i = 0; i < 300; i++) {
    const s = await engine.snapshot();
    if (s.customers === customers && s.clock.simulated && s.latest.length === 12) break;
    await sleep(50);
  }
  return engine;
}

/**
 * An engine serving a store that already holds these records, on a Kafka connection that cannot
 * be reached: nothing arrives, so nothing changes under the test.
 */
async function engineOnStore(prefix: string, records: DecodedRecord[]): Promise<EngineService> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const { store, state } = await ProfileStore.open(storeDirOf(dataDir, 'command-line-127-0-0-1-1'));
  const session = new IngestSession(store, state);
  session.apply(records, () => {});
  await session.checkpoint();
  const engine = new EngineService({ dataDir, outside: { flags: { brokers: '127.0.0.1:1' } } });
  running.push(engine);
  await engine.start();
  return engine;
}

describe('the engine service', () => {
  it('pushes snapshots whose size does not grow with the number of customers', async () => {
    const small = await demoEngine(100, 2000);
    const large = await demoEngine(3000, 60_000);
    const bytes = async (e: EngineService) => JSON.stringify(await e.snapshot()).length;
    const [a, b] = [await bytes(small), await bytes(large)];
    expect((await large.snapshot()).customers).toBe(3000);
    // About 2.9 KB since it carries the stream's clock, the last 24 h, the latest churn crossings
    // and each latest event's booth line (no links): still one small message, whatever the base.
    expect(b).toBeLessThan(3500);
    // 30 times the customers: only the digits of the counts (and which events are latest) differ.
    expect(b / a).toBeLessThan(1.5);
  });

  it('keeps the snapshot counts current batch by batch, as a count of every profile has them', async () => {
    const engine = new EngineService({
      dataDir: await mkdtemp(join(tmpdir(), 'c360-engine-')),
      demo: { rate: 1, customers: 300, seed: 4, history: 6000 },
    });
    running.push(engine);
    await engine.start();
    const first = await engine.snapshot();
    // The history comes in after the first snapshot; the totals must follow it.
    await expect
      .poll(
        async () => {
          const [snapshot, overview, all] = [
            await engine.snapshot(),
            await engine.churnOverview({}),
            await engine.windowStats({ window: 'all' }),
          ];
          const b = snapshot.buckets;
          return (
            snapshot.atRisk > first.atRisk &&
            snapshot.atRisk === overview.atRisk &&
            b.morning + b.afternoon + b.evening + b.night === all.listens
          );
        },
        { timeout: 20_000 },
      )
      .toBe(true);
  });

  it("shows a reopened store's saved figures while its profiles are read, as counted after", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'c360-engine-'));
    const demo = { rate: 1, customers: 300, seed: 6, history: 3000 };
    const first = new EngineService({ dataDir, demo });
    await first.start();
    await expect.poll(async () => (await first.snapshot()).customers, { timeout: 20_000 }).toBe(300);
    await first.stop(); // the last checkpoint

    // What the saved store holds, counted profile by profile.
    const { state } = await ProfileStore.open(storeDirOf(dataDir, 'demo'));
    const counted = { atRisk: 0, buckets: { morning: 0, afternoon: 0, evening: 0, night: 0 } };
    for (const p of state.profiles.values()) {
      if (isAtRisk(p, 0.2)) counted.atRisk += 1;
      for (const b of ['morning', 'afternoon', 'evening', 'night'] as const) counted.buckets[b] += p[b];
    }
    expect(counted.atRisk).toBeGreaterThan(0);

    const again = new EngineService({ dataDir, demo });
    running.push(again);
    const early: Array<{ snapshot: DashboardSnapshot }> = [];
    let started = false;
    again.on('snapshot', (snapshot) => {
      if (!started) early.push({ snapshot });
    });
    const statuses: Array<string | null> = [];
    again.on('status', (s) => statuses.push(s.detail));
    // Calls made as soon as it answers, before the profiles are read: the quarantine is the saved
    // one at once; a search waits for the profiles and then finds the customer.
    let early360: Promise<unknown> | null = null;
    let earlyQuarantine: Promise<unknown> | null = null;
    await again.start(() => {
      early360 = again
        .searchCustomers({ query: '7' })
        .then((r) => ({ read: started, ids: r.results.map((c) => c.customerId) }));
      earlyQuarantine = again.quarantine({}).then((q) => ({ read: started, total: q.summary.total }));
    });
    started = true;
    expect(await earlyQuarantine).toEqual({ read: false, total: 0 });
    expect(await early360).toMatchObject({ read: true, ids: expect.arrayContaining(['7']) });
    // A frame before the profiles were read, while the status said so, with the saved figures.
    expect(early.length).toBeGreaterThan(0);
    expect(statuses).toContain('reading the store');
    const shown = early[0]?.snapshot as DashboardSnapshot;
    expect(shown.customers).toBe(300);
    expect(shown.atRisk).toBe(counted.atRisk);
    expect(shown.buckets).toEqual(counted.buckets);
    expect(shown.last24h.events).toBeGreaterThan(0);
  });

  it('answers calls made before a store without saved figures is open once it is, not with an error', async () => {
    const fresh = new EngineService({
      dataDir: await mkdtemp(join(tmpdir(), 'c360-engine-')),
      demo: { rate: 1, customers: 50, seed: 3, history: 0 },
    });
    running.push(fresh);
    let early: Promise<[DashboardSnapshot, number]> | null = null;
    await fresh.start(() => {
      early = Promise.all([fresh.snapshot(), fresh.quarantine({}).then((q) => q.summary.total)]);
    });
    const [snapshot, quarantined] = await (early as unknown as Promise<[DashboardSnapshot, number]>);
    expect(snapshot.source).toBe('demo');
    expect(quarantined).toBe(0);
  });

  it('searches by id, name, email, phone and zip, the exact id first', async () => {
    const engine = await demoEngine(300, 3000);
    // A customer with a phone (about one in ten has none).
    let id = 12;
    while (!(await engine.customer360({ customerId: String(id) }))?.crm.phone) id += 1;
    const c = await engine.customer360({ customerId: String(id) });
    const crm = c?.crm as Record<string, string>;
    const byId = await engine.searchCustomers({ query: String(id) });
    expect(byId.results[0]?.customerId).toBe(String(id));
    expect(byId.total).toBeGreaterThan(1); // 112, 120, … and phone numbers with 12 in them
    for (const q of [crm.name, crm.email, String(crm.zip)]) {
      expect((await engine.searchCustomers({ query: q ?? '' })).results.map((r) => r.customerId)).toContain(
        String(id),
      );
    }
    const digits = String(crm.phone).replace(/\D/g, '');
    expect(digits.length).toBeGreaterThanOrEqual(7);
    expect(
      (await engine.searchCustomers({ query: digits.slice(-7) })).results.map((r) => r.customerId),
    ).toContain(String(id));
    expect((await engine.searchCustomers({ query: '   ' })).total).toBe(0);
  });

  it('finds demo customers of any locale however their name is typed, and exports them as written', async () => {
    const engine = await demoEngine(300, 3000);
    const crms: Array<{ id: string; name: string; address: string }> = [];
    for (let id = 1; id <= 300; id++) {
      const crm = (await engine.customer360({ customerId: String(id) }))?.crm as Record<string, string>;
      crms.push({ id: String(id), name: String(crm.name), address: String(crm.address) });
    }
    const unaccented = (t: string) => t.normalize('NFD').replace(/\p{M}/gu, '');
    // The demo has accented, Greek, Cyrillic and Japanese names.
    const accented = crms.find(
      (c) => /^[\p{Script=Latin} '-]+$/u.test(c.name) && unaccented(c.name) !== c.name,
    );
    const greek = crms.find((c) => /\p{Script=Greek}/u.test(c.name));
    expect(accented).toBeDefined();
    expect(greek).toBeDefined();
    expect(crms.some((c) => /\p{Script=Cyrillic}/u.test(c.name))).toBe(true);
    expect(crms.some((c) => /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}/u.test(c.name))).toBe(
      true,
    );
    const ids = async (query: string) =>
      (await engine.searchCustomers({ query, limit: 200 })).results.map((r) => r.customerId);
    for (const c of [accented, greek]) {
      if (!c) continue;
      const words = c.name.split(' ');
      expect(await ids(unaccented(c.name).toUpperCase())).toContain(c.id);
      expect(await ids([...words].reverse().join(' '))).toContain(c.id);
      const city = c.address.split(', ')[1] ?? '';
      expect(await ids(`${city} ${words[0]}`)).toContain(c.id);
    }
    // A letter left out of a last name: found, and when only with the typo, said so.
    const c = crms.find((x) => /^[a-z]{7,}$/i.test(x.name.split(' ').at(-1) ?? '')) as (typeof crms)[number];
    const [first, last = ''] = c.name.split(' ');
    const typo = await engine.searchCustomers({ query: `${first} ${last.slice(0, 3)}${last.slice(4)}` });
    expect(typo.results.map((r) => r.customerId)).toContain(c.id);
    expect(typo.didYouMean).toBe(`${first} ${last.toLowerCase()}`);
    expect(typo.results.every((r) => r.match === 'typo')).toBe(true);
    expect(await engine.searchCustomers({ query: 'Xyloquaresmo' })).toEqual({ results: [], total: 0 });
    // A search-scoped export holds the Greek customer's name as written.
    const events: ExportProgress[] = [];
    engine.on('exportProgress', (p) => events.push(p));
    const { exportId } = await engine.startExport({ scope: { kind: 'search', query: greek?.name ?? '' } });
    for (let i = 0; i < 100 && !events.some((e) => e.finished); i++) await sleep(50);
    const csv = await readFile(join(engine.exportsDir, exportId, 'live_table.csv'), 'utf8');
    expect(csv).toContain(greek?.name);
  });

  it('exports with progress events, then names the files, which match the chosen scope', async () => {
    const engine = await demoEngine(400, 4000);
    const events: ExportProgress[] = [];
    engine.on('exportProgress', (p) => events.push(p));
    const { exportId } = await engine.startExport({ scope: { kind: 'at-risk' } });
    for (let i = 0; i < 100 && !events.some((e) => e.finished); i++) await sleep(50);
    const last = events[events.length - 1] as ExportProgress;
    expect(last).toMatchObject({ exportId, scope: 'at-risk', finished: true, error: null });
    expect(last.files.map((f) => f.name)).toEqual(['live_table.csv']);
    const csv = await readFile(join(engine.exportsDir, exportId, 'live_table.csv'), 'utf8');
    const labels = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[10]);
    const { atRisk } = await engine.churnOverview({});
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.length).toBeLessThanOrEqual(atRisk + 5); // live predictions may move a few
    expect(new Set(labels)).toEqual(new Set(['1']));
  });
});

describe('one meaning of "at risk"', () => {
  it('gives the same count in the churn view, the snapshot and the at-risk export, at any threshold set through the API', async () => {
    // A store with scored, label-only and unscored customers; the engine then serves it (its
    // Kafka source is out of reach, so nothing changes under the test).
    const lines = [
      '{"customerId":"a","churnRisk":0.3}',
      '{"customerId":"b","churnRisk":0.6}',
      '{"customerId":"c","churnRisk":0.1}',
      '{"user_id":"d","prediction":1}',
      '{"user_id":"e","prediction":0}',
      '{"type":"listen","customerId":"f","trackId":"1","ts":"2026-03-04 10:00:00"}',
    ];
    const engine = await engineOnStore('c360-at-risk-', decodedLines(lines));

    const call = async (method: string, params: unknown) => {
      const r = await dispatch(engine, { id: 1, method, params });
      if (!r || 'error' in r) throw new Error(r?.error ?? 'no answer');
      return r.result as never;
    };
    for (const [threshold, expected] of [
      [0.2, ['a', 'b', 'd']],
      [0.5, ['b', 'd']],
      [0.95, ['d']],
    ] as const) {
      await call('updateSettings', { churnThreshold: threshold });
      const churn: ChurnOverview = await call('churnOverview', {});
      const snapshot: DashboardSnapshot = await call('snapshot', {});
      const events: ExportProgress[] = [];
      const off = engine.on('exportProgress', (p) => events.push(p));
      const { exportId }: { exportId: string } = await call('startExport', { scope: { kind: 'at-risk' } });
      await expect.poll(() => events.some((e) => e.exportId === exportId && e.finished)).toBe(true);
      off();
      const csv = await readFile(join(engine.exportsDir, exportId, 'live_table.csv'), 'utf8');
      const exported = csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[0]);
      expect({ threshold, churn: churn.atRisk, snapshot: snapshot.atRisk, exported }).toEqual({
        threshold,
        churn: expected.length,
        snapshot: expected.length,
        exported: [...expected],
      });
      expect(churn.topAtRisk.map((c) => c.customerId).sort()).toEqual([...expected]);
      expect(churn.predicted).toBe(5);
    }
  });
});

describe('masking for the booth screen', () => {
  it('masks names and ids when asked; only a demo store may show them, and only when the settings say so', async () => {
    const engine = await demoEngine(300, 3000);
    const plain = await engine.churnOverview({ top: 5 });
    const masked = await engine.churnOverview({ top: 5, booth: {} });
    expect(plain.topAtRisk[0]?.name).toMatch(/\S+ \S+/);
    for (const [p, m] of plain.topAtRisk.map((c, i) => [c, masked.topAtRisk[i]] as const)) {
      expect(m?.customerId).toBe(`#…${p.customerId.slice(-2)}`);
      // Initials in any script: the demo world has Greek, Cyrillic and Japanese names too.
      expect(m?.name).toMatch(/^((\p{Lu}|\p{Lo})\. ?){1,2}$/u);
      expect([m?.email, m?.phone, m?.zip]).toEqual([null, null, null]);
      expect(m?.churnRisk).toBe(p.churnRisk);
    }
    // The booth setting off (or the page's URL asking): a demo store shows its generated people.
    // (Live demo events go on meanwhile, so each answer is checked for what it shows, not compared.)
    const shown = (top: typeof plain.topAtRisk) =>
      top.every((c) => /\S+ \S+/.test(c.name ?? '') && !c.customerId.startsWith('#'));
    const hidden = (top: typeof plain.topAtRisk) =>
      top.every((c) => /^#…/.test(c.customerId) && c.email === null && c.phone === null);
    expect(shown((await engine.churnOverview({ top: 5, booth: { mask: false } })).topAtRisk)).toBe(true);
    const settings = await engine.getSettings();
    await engine.updateSettings({ booth: { ...settings.booth, mask: false } });
    expect(shown((await engine.churnOverview({ top: 5, booth: {} })).topAtRisk)).toBe(true);
    expect(hidden((await engine.churnOverview({ top: 5, booth: { mask: true } })).topAtRisk)).toBe(true);
  });

  it('never shows a live cluster’s customers on the booth screen, whatever the setting', async () => {
    const lines = [
      '{"type":"customer","customerId":"4242","Name":"Ada Lovelace","Email":"ada@example.com"}',
      '{"customerId":"4242","churnRisk":0.9}',
    ];
    const engine = await engineOnStore('c360-masked-', decodedLines(lines));
    await engine.updateSettings({ booth: { ...(await engine.getSettings()).booth, mask: false } });
    const [top] = (await engine.churnOverview({ booth: { mask: false } })).topAtRisk;
    expect(top).toMatchObject({ customerId: '#…42', name: 'A. L.', email: null });
  });
});

describe('a large store opening', () => {
  it('finds every customer from the first search, though the index is built after the engine starts', async () => {
    const N = 40_000;
    const engine = await engineOnStore(
      'c360-index-',
      decodedLines(
        Array.from(
          { length: N },
          (_, i) => `{"type":"customer","customerId":"c${i}","Name":"Person Number${i}"}`,
        ),
        'crm',
      ),
    );
    // The last customer the store holds: indexed last, in the final slice.
    const found = await engine.searchCustomers({ query: `number${N - 1}`, limit: 5 });
    expect(found.results.map((r) => r.customerId)).toEqual([`c${N - 1}`]);
    // A query every customer matches counts a thousand and says there are more.
    const common = await engine.searchCustomers({ query: 'person', limit: 25 });
    expect(common).toMatchObject({ total: 1000, more: true });
    expect(common.results).toHaveLength(25);
    expect(found).not.toHaveProperty('more');
  }, 60_000);
});
