import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffFileFormat } from '../../main/engine/sources/file/file-format.js';
import { readFileBatches } from '../../main/engine/sources/file/file-reader.js';
import { UserError } from '../../main/engine/user-error.js';

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'c360-files-')), name);
  await writeFile(path, text);
  return path;
}

async function readAll(path: string, skip = 0) {
  const records = [];
  for await (const b of readFileBatches(path, await sniffFileFormat(path), skip)) records.push(...b.records);
  return records;
}

describe('customers CSV', () => {
  const csv = [
    'CustID,Name,Gender,Address,zip,SignDate,Status,Level,Campaign,LinkedWithApps,Email',
    '1,"Smith, Jané Zoë",female,"12 ""Old"" Road, Springfield",01234,02/29/2024,1,2,1,1,jane@x.test',
    '2,Bob,male,"Line one',
    'line two",99999,12/31/2025,0,0,0,0,',
    '3,Eve,female,Nowhere,55555,13/01/2025,1,1,0,0,',
    '4,Max,male,Here,44444,01/02/2025,1,9,0,0,',
  ].join('\r\n');

  it('reads quoted fields with commas, quotes and line breaks, and CRLF line ends', async () => {
    const path = await fileWith('customers.csv', `${csv}\r\n`);
    expect(await sniffFileFormat(path)).toBe('customers-csv');
    const records = await readAll(path);
    const [jane, bob] = records.map((r) => r.result);
    expect(jane).toEqual({
      ok: true,
      event: {
        kind: 'customer',
        customerId: '1',
        fields: {
          name: 'Smith, Jané Zoë',
          gender: 'female',
          address: '12 "Old" Road, Springfield',
          zip: '01234',
          sign_date: '2024-02-29',
          status: 'active',
          level: 'Gold',
          campaign: '30DAYFREE',
          linked_with_apps: '1',
          email: 'jane@x.test',
        },
      },
    });
    expect(bob).toMatchObject({
      ok: true,
      event: { fields: { address: 'Line one\r\nline two', status: 'closed', level: 'Free' } },
    });
    expect(bob && 'event' in bob && 'email' in bob.event).toBe(false);
  });

  it('rejects bad rows with their line and reason, and goes on', async () => {
    const records = await readAll(await fileWith('customers.csv', csv));
    expect(records.map((r) => (r.result.ok ? 'ok' : r.result.reason))).toEqual([
      'ok',
      'ok',
      'sign_date: no such date "13/01/2025"',
      expect.stringContaining('level: unknown code "9"'),
    ]);
    expect(records.map((r) => ('line' in r.origin ? r.origin.line : 0))).toEqual([2, 3, 5, 6]);
    expect(records[2]?.raw).toBe('3,Eve,female,Nowhere,55555,13/01/2025,1,1,0,0,');
  });
});

describe('customers CSV line numbers', () => {
  it('counts blank lines and LF-only files', async () => {
    const path = await fileWith('c.csv', 'CustID,Name\n1,A\n\n\n2,"B\nB"\n3,C\n');
    const records = await readAll(path);
    expect(records.map((r) => ('line' in r.origin ? r.origin.line : 0))).toEqual([2, 5, 7]);
  });
});

describe('line files', () => {
  it('numbers lines from 1, skips blank ones and resumes after a position', async () => {
    const path = await fileWith(
      'tracks.csv',
      'e1,1,10,2026-03-04 08:00:00,1,11111\r\n\r\ne2,2,10,2026-03-04 09:00:00,0,22222\r\nbroken\r\ne3,3,10,2026-03-04 10:00:00,0,33333',
    );
    expect(await sniffFileFormat(path)).toBe('tracks-csv');
    const all = await readAll(path);
    expect(all.map((r) => ('line' in r.origin ? r.origin.line : 0))).toEqual([1, 3, 4, 5]);
    expect(all[2]?.result).toEqual({ ok: false, reason: 'expected 6 fields, found 1' });
    expect(all[2]?.raw).toBe('broken');
    const rest = await readAll(path, 3);
    expect(rest.map((r) => ('line' in r.origin ? r.origin.line : 0))).toEqual([4, 5]);
  });

  it('tells JSON lines apart and reads them whatever their shape', async () => {
    const path = await fileWith(
      'mixed.jsonl',
      '{"user_id":7,"churn_risk":37}\n{"type":"listen","customerId":"1","trackId":"2","ts":"2026-03-04 10:00:00"}\n',
    );
    expect(await sniffFileFormat(path)).toBe('json-lines');
    expect((await readAll(path)).map((r) => r.result.ok && r.result.event.kind)).toEqual([
      'prediction',
      'listen',
    ]);
  });

  it('refuses files it cannot read, with a message that says what to do', async () => {
    await expect(sniffFileFormat('/no/such/file.csv')).rejects.toThrow(
      new UserError('/no/such/file.csv: no such file; check the path and try again'),
    );
    await expect(sniffFileFormat(await fileWith('empty.csv', '\n\n'))).rejects.toThrow(/empty/);
    await expect(sniffFileFormat(await fileWith('a.bin', '\u0000PNG\u0001\u0002'))).rejects.toThrow(
      /a\.bin: not text \(\d+% of its first 1 KB are control bytes such as NUL\)/,
    );
    const gzip = join(await mkdtemp(join(tmpdir(), 'c360-files-')), 'tracks.csv.gz');
    await writeFile(gzip, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
    await expect(sniffFileFormat(gzip)).rejects.toThrow(/gzip-compressed; decompress it first/);
    await expect(sniffFileFormat(await fileWith('notes.txt', 'dear diary'))).rejects.toThrow(
      /unreadable format/,
    );
  });

  it('ingests the good lines of a text file with a few NUL lines, and quarantines those (first line too)', async () => {
    const good = (n: number) => `e${n},${n},t${n},2026-03-04 08:00:00,0,12345`;
    const lines = ['\u0000\u0000\u0000', good(1), `${good(2)}\u0000`, good(3), '\u0000junk\u0000', good(4)];
    const path = await fileWith('tracks.csv', `${lines.join('\n')}\n`);
    expect(await sniffFileFormat(path)).toBe('tracks-csv');
    const records = await readAll(path);
    expect(
      records
        .filter((r) => r.result.ok)
        .map((r) => (r.result as { event: { customerId: string } }).event.customerId),
    ).toEqual(['1', '3', '4']);
    expect(records.filter((r) => !r.result.ok).map((r) => (r.origin as { line: number }).line)).toEqual([
      1, 3, 5,
    ]);
  });

  it('refuses a customers CSV whose header names one field twice, before reading anything', async () => {
    for (const header of ['CustID,Name,Name', 'CustID,Name,name', 'CustID,LinkedWithApps,linked_with_apps']) {
      const path = await fileWith('customers.csv', `${header}\n1,a,b\n`);
      await expect(sniffFileFormat(path), header).rejects.toThrow(
        /in the header, .*(twice|the same field).*; rename one column/,
      );
    }
  });
});
