import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/**
 * Expected live_table numbers computed straight from demo files, with none of the engine's code:
 * the hour is read from characters 11–12 of the timestamp and bucketed by DESIGN §4's table.
 */

/** DESIGN §4 written out hour by hour, so tests do not share the code's ranges. */
export const BUCKET_BY_HOUR = [
  'night',
  'night',
  'night',
  'night',
  'night',
  'morning',
  'morning',
  'morning',
  'morning',
  'morning',
  'morning',
  'morning',
  'afternoon',
  'afternoon',
  'afternoon',
  'afternoon',
  'afternoon',
  'evening',
  'evening',
  'evening',
  'evening',
  'evening',
  'night',
  'night',
] as const;

export interface ExpectedRow {
  listens: number;
  tracks: Set<string>;
  morning: number;
  afternoon: number;
  evening: number;
  night: number;
  mobile: number;
  clicks: number;
  churnRisk: number | null;
  first: string | null;
  last: string | null;
}

export function expectedFromDemoFiles(dir: string): Map<string, ExpectedRow> {
  const rows = new Map<string, ExpectedRow>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) {
      r = {
        listens: 0,
        tracks: new Set(),
        morning: 0,
        afternoon: 0,
        evening: 0,
        night: 0,
        mobile: 0,
        clicks: 0,
        churnRisk: null,
        first: null,
        last: null,
      };
      rows.set(id, r);
    }
    return r;
  };
  for (const line of readFileSync(`${dir}/tracks.csv`, 'utf8').split('\n')) {
    if (!line) continue;
    const [, customer, track, ts, mobile] = line.split(',') as [string, string, string, string, string];
    const r = row(customer);
    r.listens += 1;
    r.tracks.add(track);
    r[BUCKET_BY_HOUR[Number(ts.slice(11, 13))] as 'night'] += 1;
    if (mobile === '1') r.mobile += 1;
    // Demo timestamps share one format, so text order is time order.
    if (r.first === null || ts < r.first) r.first = ts;
    if (r.last === null || ts > r.last) r.last = ts;
  }
  for (const line of readFileSync(`${dir}/clicks.jsonl`, 'utf8').split('\n')) {
    if (line) row(JSON.parse(line).customerId).clicks += 1;
  }
  for (const line of readFileSync(`${dir}/predictions.jsonl`, 'utf8').split('\n')) {
    if (!line) continue;
    const p = JSON.parse(line);
    row(p.customerId).churnRisk = p.churnRisk; // later lines are later predictions
  }
  for (const c of parse(readFileSync(`${dir}/customers.csv`), { columns: true }) as Array<{ CustID: string }>)
    row(c.CustID);
  return rows;
}

/** Sample variance, two-pass, for comparing with agg_table.csv. */
export function describe(values: number[]) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { count: n, mean, variance, min: Math.min(...values), max: Math.max(...values) };
}
