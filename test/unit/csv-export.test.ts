import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { decodeJsonRecord } from '../../main/engine/decode/record-decoder.js';
import { exportAggTable, exportLiveTable } from '../../main/engine/export/csv-export.js';
import { compareCustomerIds } from '../../main/engine/export/profile-table.js';
import { emptyProfile, type Profile } from '../../main/engine/profile/profile.js';
import { dict } from '../../shared/dict.js';
import type { C360Event } from '../../shared/events.js';
import { event, listen, prediction } from '../support/events.js';
import { profilesOf } from '../support/profiles.js';
import { readRfc4180 } from '../support/rfc4180.js';

/** Writes live_table.csv for `profiles` and reads it back with an independent RFC 4180 reader. */
async function exportAndRead(profiles: Profile[]): Promise<string[][]> {
  const path = join(await mkdtemp(join(tmpdir(), 'c360-export-')), 'live_table.csv');
  await exportLiveTable(profiles, path, { threshold: 0.2 });
  return readRfc4180(await readFile(path, 'utf8'));
}

describe('live_table.csv', () => {
  it('orders numeric ids numerically, then other ids, and writes the DESIGN columns first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-export-'));
    const profiles = profilesOf([
      listen('10', '2026-03-04 08:00:00'),
      listen('9', '2026-03-04 08:00:00', { mobile: true }),
      listen('abc', '2026-03-04 08:00:00'),
      listen('100', '2026-03-04 08:00:00'),
      prediction('9', 0.25),
      prediction('10', 0.1),
      event({ type: 'customer', customerId: '9', Name: 'Nine, "the" customer', Level: 1, PetName: 'Rex' }),
      event({ type: 'customer', customerId: '10', Name: '=HYPERLINK("x")', Gender: 'female' }),
    ]);
    const path = join(dir, 'live_table.csv');
    await exportLiveTable([...profiles.values()], path, { threshold: 0.2 });
    const text = await readFile(path, 'utf8');
    expect(text.split('\r\n')[0]).toBe(
      'customer_id,listens,unique_tracks,morning,afternoon,evening,night,mobile,clicks,churn_risk,churn_label,first_seen,last_seen,name,gender,zip,level,campaign,address,email,phone,sign_date,status,linked_with_apps,pet_name',
    );
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.customer_id)).toEqual(['9', '10', '100', 'abc']);
    expect(rows[0]).toMatchObject({
      listens: '1',
      mobile: '1',
      churn_risk: '0.25',
      churn_label: '1',
      name: 'Nine, "the" customer',
      level: 'Silver',
      pet_name: 'Rex',
    });
    expect(rows[1]).toMatchObject({ churn_risk: '0.1', churn_label: '0', name: `'=HYPERLINK("x")` });
    expect(rows[2]).toMatchObject({ churn_risk: '', churn_label: '', name: '', pet_name: '' });
    expect(await readdir(dir)).toEqual(['live_table.csv']); // no temp file left behind
  });

  it('makes formula-like text safe, changes nothing else, and leaves numbers alone', async () => {
    const values = ['=1+1', '+33 1', '-2', '@SUM', '\tx', '\rx', '\uFF1DHYPERLINK()', 'plain', ' =padded'];
    const profile = emptyProfile('1');
    profile.crm = dict(values.map((v, i) => [`f${i}`, v] as const));
    profile.crm.balance = -3;
    const [header, row] = await exportAndRead([profile]);
    const cell = (name: string) => row?.[header?.indexOf(name) ?? -1];
    expect(values.map((_, i) => cell(`f${i}`))).toEqual([
      "'=1+1",
      "'+33 1",
      "'-2",
      "'@SUM",
      "'\tx",
      "'\rx",
      "'\uFF1DHYPERLINK()",
      'plain',
      ' =padded',
    ]);
    expect(cell('balance')).toBe('-3');
  });

  it('keeps line breaks, tabs and quotes inside a cell (issue: a CRM value split rows)', async () => {
    const [line] = [
      '{"type":"customer","customerId":"1","Name":"a\\nb","Address":"x\\ry","Note":"\\t=1+1","Quote":"say \\"hi\\"\\r\\n"}',
    ];
    const decoded = decodeJsonRecord(line as string);
    expect(decoded.ok).toBe(true);
    const profiles = profilesOf([(decoded as { event: C360Event }).event]);
    const rows = await exportAndRead([...profiles.values()]);
    expect(rows).toHaveLength(2);
    const [header, row] = rows as [string[], string[]];
    const cell = (name: string) => row[header.indexOf(name)];
    expect([cell('name'), cell('address'), cell('note'), cell('quote')]).toEqual([
      'a\nb',
      'x\ry',
      "'\t=1+1",
      'say "hi"\r\n',
    ]);
  });

  it('compares ids numerically when both are numbers', () => {
    expect(['2', '10', '1', '007', 'b', 'a'].sort(compareCustomerIds)).toEqual([
      '1',
      '2',
      '007',
      '10',
      'a',
      'b',
    ]);
  });
});

describe('agg_table.csv', () => {
  it('writes count, mean, variance, min and max per column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-export-'));
    const profiles = profilesOf([
      listen('1', '2026-03-04 08:00:00'),
      listen('2', '2026-03-04 08:00:00'),
      listen('2', '2026-03-04 20:00:00'),
    ]);
    const path = join(dir, 'agg_table.csv');
    await exportAggTable(profiles.values(), path);
    const rows = parse(await readFile(path, 'utf8')) as string[][];
    expect(rows[0]).toEqual([
      'statistic',
      'listens',
      'unique_tracks',
      'morning',
      'afternoon',
      'evening',
      'night',
      'mobile',
      'clicks',
      'churn_risk',
    ]);
    expect(rows.map((r) => r[0])).toEqual(['statistic', 'count', 'mean', 'variance', 'min', 'max']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(['2', '1.5', '0.5', '1', '2']);
    expect(rows.slice(1).map((r) => r[9])).toEqual(['0', '', '', '', '']);
  });
});
