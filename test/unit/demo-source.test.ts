import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateDemoHistory } from '../../main/engine/demo/demo-batch.js';
import { DEMO_MODEL_NAME } from '../../main/engine/demo/demo-churn-model.js';
import { writeDemoData } from '../../main/engine/demo/demo-files.js';
import { demoLiveRecords } from '../../main/engine/demo/demo-live.js';
import { DemoWorld } from '../../main/engine/demo/demo-world.js';

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

  it('gives the customers who fade away a higher final churn risk', () => {
    const finalRisk = new Map<string, number>();
    for (const r of history)
      if (r.kind === 'prediction') finalRisk.set(r.record.customerId, r.record.churnRisk);
    const mean = (fading: boolean) => {
      const risks = world.customers.filter((c) => c.fading === fading).map((c) => finalRisk.get(c.id) ?? 0);
      return risks.reduce((a, b) => a + b, 0) / risks.length;
    };
    expect(mean(true)).toBeGreaterThan(mean(false) * 1.5);
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

describe('live demo stream', () => {
  it('sends CRM records first, then paces events to the rate on a simulated clock', async () => {
    let now = Date.UTC(2026, 2, 4, 12);
    const world = new DemoWorld({ seed: 1, customers: 50 });
    const batches: object[][] = [];
    for await (const batch of demoLiveRecords(world, {
      rate: 200,
      limit: 1000,
      now: () => now,
      wait: async (ms) => {
        now += ms;
      },
    })) {
      batches.push(batch);
    }
    const [crm, ...events] = batches;
    expect(crm).toHaveLength(50);
    expect(crm?.every((r) => (r as { type: string }).type === 'customer')).toBe(true);
    const clickstream = events.flat().filter((r) => 'type' in r);
    expect(clickstream).toHaveLength(1000);
    // 1000 events at 200/s take five simulated seconds.
    expect(now - Date.UTC(2026, 2, 4, 12)).toBeGreaterThanOrEqual(4900);
    expect(now - Date.UTC(2026, 2, 4, 12)).toBeLessThanOrEqual(5200);
    expect(events.flat().some((r) => 'churnRisk' in r)).toBe(true);
  });
});
