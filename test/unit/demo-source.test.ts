import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  DEMO_WINDOW_DAYS,
  DEMO_WINDOW_START,
  generateDemoHistory,
} from '../../main/engine/demo/demo-batch.js';
import { DEMO_MODEL_NAME } from '../../main/engine/demo/demo-churn-model.js';
import { writeDemoData } from '../../main/engine/demo/demo-files.js';
import { demoLiveRecords, volumeAt } from '../../main/engine/demo/demo-live.js';
import { type DemoCustomer, DemoWorld } from '../../main/engine/demo/demo-world.js';
import { Engine } from '../../main/engine/engine.js';
import { isAtRisk } from '../../main/engine/profile/profile.js';
import { DemoSource } from '../../main/engine/sources/demo/demo-source.js';

async function demoFiles(seed: number) {
  const out = await mkdtemp(join(tmpdir(), 'c360-demo-'));
  await writeDemoData({ out, customers: 200, events: 5000, seed });
  const read = (f: string) => readFile(join(out, f), 'utf8');
  return {
    tracks: await read('tracks.csv'),
    clicks: await read('clicks.jsonl'),
    predictions: await read('predictions.jsonl'),
    customers: await read('customers.csv'),
  };
}

describe('demo-data', () => {
  it('is deterministic for a seed and different for another', async () => {
    const a = await demoFiles(5);
    const b = await demoFiles(5);
    const c = await demoFiles(6);
    expect(b).toEqual(a);
    expect(c.tracks).not.toEqual(a.tracks);
    expect(c.customers).not.toEqual(a.customers);
  });

  it('writes CRM customers with identities, coded fields and extra fields only some have', async () => {
    const { customers } = await demoFiles(5);
    const rows = parse(customers, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(200);
    for (const r of rows) {
      expect(r.Name).toMatch(/\S+ \S+/);
      expect(r.Email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
      expect(r.zip).toMatch(/^\d{5}$/);
      expect(r.SignDate).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/);
      expect(['0', '1', '2']).toContain(r.Level);
      expect(['0', '1', '2', '3', '4']).toContain(r.Campaign);
    }
    const share = (col: string) => rows.filter((r) => r[col] !== '').length / rows.length;
    expect(share('Company')).toBeGreaterThan(0.05);
    expect(share('Company')).toBeLessThan(0.35);
    expect(share('LoyaltyCard')).toBeGreaterThan(0);
    expect(share('LoyaltyCard')).toBeLessThan(0.3);
    expect(new Set(rows.map((r) => r.Name)).size).toBeGreaterThan(190);
  });

  it('labels every prediction as the demo model, in [0,1]', async () => {
    const { predictions } = await demoFiles(5);
    for (const line of predictions.trim().split('\n')) {
      const p = JSON.parse(line);
      expect(p.model).toBe(DEMO_MODEL_NAME);
      expect(p.churnRisk).toBeGreaterThanOrEqual(0);
      expect(p.churnRisk).toBeLessThanOrEqual(1);
    }
  });
});

describe('demo behaviour', () => {
  const world = new DemoWorld({ seed: 9, customers: 2000 });
  const history = [...generateDemoHistory(world, 120_000)];

  it("follows each persona's daily rhythm", () => {
    const hours = new Map<string, number[]>();
    for (const r of history) {
      if (r.kind !== 'listen') continue;
      const persona = world.customers[Number(r.record.customerId) - 1]?.persona.name ?? '';
      const h = hours.get(persona) ?? new Array(24).fill(0);
      h[Number(r.record.ts.slice(11, 13))] += 1;
      hours.set(persona, h);
    }
    const share = (persona: string, from: number, to: number) => {
      const h = hours.get(persona) as number[];
      const total = h.reduce((a, b) => a + b, 0);
      return h.slice(from, to + 1).reduce((a, b) => a + b, 0) / total;
    };
    expect(share('commuter', 7, 9) + share('commuter', 17, 19)).toBeGreaterThan(0.6);
    expect(share('night_owl', 22, 23) + share('night_owl', 0, 3)).toBeGreaterThan(0.6);
    expect(share('office', 9, 16)).toBeGreaterThan(0.7);
  });

  it('gives the customers who are fading away a higher churn risk', () => {
    const end = DEMO_WINDOW_START + DEMO_WINDOW_DAYS * 86_400_000;
    const finalRisk = new Map<string, number>();
    for (const r of history)
      if (r.kind === 'prediction') finalRisk.set(r.record.customerId, r.record.churnRisk);
    const mean = (fading: boolean) => {
      const risks = world.customers
        .filter((c) => world.fading(c, end) === fading && finalRisk.has(c.id))
        .map((c) => finalRisk.get(c.id) ?? 0);
      return risks.reduce((a, b) => a + b, 0) / risks.length;
    };
    expect(mean(true)).toBeGreaterThan(mean(false) * 2);
  });

  it('puts commuters on mobile far more than office listeners', () => {
    const mobile = (persona: string) => {
      const listens = history.filter(
        (r) =>
          r.kind === 'listen' && world.customers[Number(r.record.customerId) - 1]?.persona.name === persona,
      );
      return listens.filter((r) => r.kind === 'listen' && r.record.mobile).length / listens.length;
    };
    expect(mobile('commuter')).toBeGreaterThan(0.7);
    expect(mobile('office')).toBeLessThan(0.3);
  });
});

describe('demo world', () => {
  it('draws a customer only when asked, the same customer whatever was drawn before', () => {
    const big = new DemoWorld({ seed: 4, customers: 100_000 });
    expect(big.identitiesDrawn).toBe(0);
    const forward = new DemoWorld({ seed: 4, customers: 300 });
    const backward = new DemoWorld({ seed: 4, customers: 300 });
    const drawn = (w: DemoWorld, order: number[]) =>
      new Map(
        order.map((i) => {
          const c = w.customers[i] as DemoCustomer;
          const { persona, activity, slowWeb, episodeOffsetDays, level, linkedWithApps } = c;
          const traits = { persona, activity, slowWeb, episodeOffsetDays, level, linkedWithApps };
          return [i, { ...traits, crm: c.crm, zip: c.zip, favourites: c.favourites }];
        }),
      );
    const picks = [0, 7, 150, 299, 42];
    const a = drawn(forward, picks);
    const b = drawn(backward, [...picks].reverse());
    for (const i of picks) {
      const ca = a.get(i) as Pick<DemoCustomer, 'persona' | 'activity'>;
      expect(b.get(i)).toEqual(ca);
      // Each customer as the first 100,000-customer world drew it (the same seed and index).
      expect(big.customers[i]?.persona).toBe(ca.persona);
      expect(big.customers[i]?.activity).toBe(ca.activity);
      expect(big.customers[i]?.crm).toEqual(forward.customers[i]?.crm);
    }
    expect(forward.identitiesDrawn).toBe(picks.length);
    // People, not copies: 300 customers have (nearly) 300 different names and emails.
    const all = forward.customers.map((c) => c.crm);
    expect(new Set(all.map((c) => c.Email)).size).toBe(300);
    expect(new Set(all.map((c) => c.Name)).size).toBeGreaterThan(290);
  });
});

describe('live demo stream', () => {
  /** The live stream on a fake wall clock, from a Wednesday noon of simulated time. */
  async function live(options: { rate: number; speed: number; limit: number; customers?: number }) {
    let wall = 1_000_000;
    const startAt = Date.UTC(2026, 2, 4, 12);
    const world = new DemoWorld({ seed: 1, customers: options.customers ?? 50 });
    const batches: object[][] = [];
    for await (const batch of demoLiveRecords(world, {
      ...options,
      startAt,
      now: () => wall,
      wait: async (ms) => {
        wall += ms;
      },
    }))
      batches.push(batch);
    return { batches, wallMs: wall - 1_000_000, startAt, world };
  }

  it('sends CRM records first, then events stamped in simulated time, paced to the rate', async () => {
    const { batches, wallMs, startAt } = await live({ rate: 200, speed: 24, limit: 2000 });
    const [crm, ...events] = batches;
    expect(crm).toHaveLength(50);
    expect(crm?.every((r) => (r as { type: string }).type === 'customer')).toBe(true);
    const clickstream = events.flat().filter((r) => 'type' in r) as unknown as Array<{ ts: string }>;
    expect(clickstream).toHaveLength(2000);
    // Simulated time runs 24 times the wall clock: the last event is about 24 × wallMs after the start.
    const last = Math.max(
      ...clickstream.map((r) => Date.parse(`${r.ts.replace(' ', 'T').replace(/Z?$/, 'Z')}`)),
    );
    expect(last - startAt).toBeGreaterThan(wallMs * 24 * 0.8);
    expect(last - startAt).toBeLessThanOrEqual(wallMs * 24);
    // The rate follows the simulated hour's volume, on average 200 a second at noon on a weekday.
    const expected = 2000 / (200 * volumeAt(startAt));
    expect(wallMs / 1000).toBeGreaterThan(expected * 0.8);
    expect(wallMs / 1000).toBeLessThan(expected * 1.25);
  });

  it('scores every customer at 02:00 simulated time, stamped then', async () => {
    // Unpaced, 14 h of simulated time pass by 02:00 on Thursday.
    const { batches } = await live({ rate: 0, speed: 2400, limit: 20_000 });
    const nightly = batches
      .flat()
      .filter((r) => 'churnRisk' in r && (r as unknown as { ts: string }).ts === '2026-03-05T02:00:00Z');
    expect(nightly.map((r) => (r as { customerId: string }).customerId).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => String(i + 1)).sort(),
    );
  });
});

describe('the demo over days of simulated time', () => {
  it('keeps the at-risk share where it is, and every day looks like a day', async () => {
    // 2,000 customers, a day of history, then about 20 simulated days at high speed.
    // What is measured is the demo itself: the timeline's writes would only slow the 300,000 events.
    const engine = await Engine.open({
      storeDir: await mkdtemp(join(tmpdir(), 'c360-demo-days-')),
      writeTimeline: false,
    });
    const source = new DemoSource({
      seed: 3,
      customers: 2000,
      rate: 0,
      speed: 2400,
      history: 20_000,
      limit: 300_000,
    });
    const shares: number[] = [];
    // Listens by simulated day (from each event's own time) and day × hour cell.
    const days = new Map<number, number[]>();
    engine.session.onApplied = (events) => {
      for (const e of events) {
        if (e.kind !== 'listen') continue;
        const d = Math.floor(e.at.epochMs / 86_400_000);
        const cells = days.get(d) ?? new Array<number>(168).fill(0);
        cells[e.at.dayOfWeek * 24 + e.at.hour] = (cells[e.at.dayOfWeek * 24 + e.at.hour] as number) + 1;
        days.set(d, cells);
      }
    };
    let day: number | null = null;
    await engine.run(source, {
      onBatch: (session) => {
        const now = source.clock()?.now;
        if (now === undefined) return;
        const today = Math.floor(now / 86_400_000);
        if (today === day) return;
        day = today;
        let atRisk = 0;
        let predicted = 0;
        for (const p of session.state.profiles.values()) {
          if (p.churn) predicted += 1;
          if (isAtRisk(p, 0.2)) atRisk += 1;
        }
        shares.push(atRisk / predicted);
      },
    });
    const cells = [...days.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    expect(shares.length).toBeGreaterThanOrEqual(15);
    // Before, live events stamped with the wall clock drove the share from 31% to 23% in 30 minutes.
    for (const share of shares) expect(Math.abs(share - 0.3)).toBeLessThan(0.05);
    // Before, 60% of listens sat in one day × hour cell after 17 minutes; now each whole live day
    // is spread over its hours, quiet at 4 am and busy at the commute.
    const live = cells.slice(-12, -1);
    expect(live.length).toBe(11);
    for (const c of live) {
      const total = c.reduce((a, b) => a + b, 0);
      expect(Math.max(...c) / total).toBeLessThan(0.1);
      expect(c.filter((n) => n > 0).length).toBe(24);
    }
  }, 120_000);
});

describe('a fresh demo store', () => {
  it('starts with its last simulated day as dense as the live stream, so a 24-hour window is whole', async () => {
    const engine = await Engine.open({ storeDir: await mkdtemp(join(tmpdir(), 'c360-demo-seed-')) });
    // 5 events a second at 24×: a simulated day holds 5 × 3,600 = 18,000 events.
    const source = new DemoSource({ seed: 4, customers: 500, rate: 5, speed: 24, history: 2000, limit: 1 });
    const hours = new Map<number, number>();
    let clickstream = 0;
    engine.session.onApplied = (events) => {
      for (const e of events) {
        if (e.kind !== 'listen' && e.kind !== 'click') continue;
        clickstream += 1;
        const h = Math.floor(e.at.epochMs / 3_600_000);
        hours.set(h, (hours.get(h) ?? 0) + 1);
      }
    };
    await engine.run(source, {});
    const now = source.clock()?.now as number;
    expect(now).toBeGreaterThan(0);
    const lastDay = [...hours.entries()].filter(([h]) => h * 3_600_000 >= now - 86_400_000 - 3_600_000);
    const inLastDay = lastDay.reduce((n, [, c]) => n + c, 0);
    expect(inLastDay).toBeGreaterThan(18_000 * 0.85);
    expect(inLastDay).toBeLessThan(18_000 * 1.2 + 2000 / 28);
    // Every hour of that day has its share, by the hour's volume: no hour piles up.
    expect(lastDay.length).toBeGreaterThanOrEqual(24);
    expect(Math.max(...lastDay.map(([, c]) => c)) / inLastDay).toBeLessThan(0.12);
    // Without the dense day, the history's 2,000 events were all there was before the live stream.
    expect(clickstream).toBeGreaterThan(2000 + 15_000);
  }, 60_000);
});

describe('a demo store reopened', () => {
  it('sends CRM records only for the customers the store does not hold yet', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'c360-demo-reopen-'));
    const options = { seed: 2, rate: 1000, speed: 24, history: 500, limit: 1 };
    const first = await Engine.open({ storeDir });
    await first.run(new DemoSource({ ...options, customers: 40 }), {});
    await first.close();

    // The same seed with more customers: the first 40 are the same people, 20 are new.
    const again = await Engine.open({ storeDir });
    const crmFor: string[] = [];
    again.session.onApplied = (events) => {
      for (const e of events) if (e.kind === 'customer') crmFor.push(e.customerId);
    };
    const source = new DemoSource({ ...options, customers: 60 });
    await again.run(source, {});
    await again.close();
    // Identities (faker's names and addresses) are drawn for the 20 new customers and the one
    // picked for the live event, not again for the 40 the store holds.
    expect(source.identitiesDrawn).toBeGreaterThanOrEqual(20);
    expect(source.identitiesDrawn).toBeLessThanOrEqual(21);
    const world = new DemoWorld({ seed: 2, customers: 60 });
    expect(crmFor.sort()).toEqual(
      world.customers
        .slice(40)
        .map((c) => c.id)
        .sort(),
    );
    expect(again.state.profiles.size).toBe(60);
  }, 60_000);
});
