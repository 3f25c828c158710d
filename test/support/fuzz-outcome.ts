import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { exportLiveTable } from '../../main/engine/export/csv-export.js';
import type { IngestSession } from '../../main/engine/ingest/ingest-session.js';
import { expectedCounts, type FuzzRecord } from './hostile-records.js';
import { neutralised } from './hostile-text.js';
import { readRfc4180 } from './rfc4180.js';

/**
 * The fuzz tests' verdict: counts by kind and per customer exactly as the good records say, the
 * quarantine holding exactly the bad records' origins, and an export that reads back.
 */
/** Checks a session's outcome against the records it was given. */
export async function expectExactOutcome(
  session: IngestSession,
  records: FuzzRecord[],
  badOrigins: string[],
  originOf: (o: unknown) => string,
): Promise<void> {
  const expected = expectedCounts(records);
  const total = (kind: 'listen' | 'click' | 'prediction' | 'customer') =>
    [...expected.values()].reduce((n, c) => n + c[kind], 0);
  expect(session.counts).toEqual({
    listens: total('listen'),
    clicks: total('click'),
    predictions: total('prediction'),
    customers: total('customer'),
    quarantined: badOrigins.length,
  });
  const quarantined = session.state.quarantine.recent.map((q) => originOf(q.origin));
  expect(quarantined.sort()).toEqual([...badOrigins].sort());
  expect(session.state.profiles.size).toBe(expected.size);
  for (const [id, c] of expected) {
    const p = session.state.profiles.get(id);
    expect(p, JSON.stringify(id)).toBeDefined();
    expect([p?.listens, p?.clicks, p?.churnHistory.length, p?.crm !== null], JSON.stringify(id)).toEqual([
      c.listen,
      c.click,
      Math.min(50, c.prediction),
      c.customer > 0,
    ]);
  }
  const out = join(await mkdtemp(join(tmpdir(), 'c360-fuzz-out-')), 'live_table.csv');
  await exportLiveTable([...session.state.profiles.values()], out);
  const [header, ...rows] = readRfc4180(await readFile(out, 'utf8'));
  expect(rows).toHaveLength(expected.size);
  const listens = header?.indexOf('listens') ?? -1;
  const byId = new Map(rows.map((r) => [r[0], r]));
  for (const [id, c] of expected)
    expect(byId.get(neutralised(id))?.[listens], JSON.stringify(id)).toBe(String(c.listen));
}
