import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILES } from '../../main/engine/demo/demo-files.js';
import { LOCK_FILE } from '../../main/engine/store/store-lock.js';
import { describe as describeValues, expectedFromDemoFiles } from '../support/expected-profiles.js';
import { runCli } from '../support/run-cli.js';

let work: string;
let demo: string;
const files = () => Object.values(DEMO_FILES).map((f) => join(demo, f));
const readCsv = async (path: string) =>
  parse(await readFile(path), { columns: true }) as Record<string, string>[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'c360-cli-'));
  demo = join(work, 'demo');
  const run = await runCli([
    'demo-data',
    '--out',
    demo,
    '--customers',
    '300',
    '--events',
    '15000',
    '--seed',
    '11',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
});

describe('demo-data → ingest → export', () => {
  it('exports profiles whose numbers follow DESIGN §4, computed from the input files', async () => {
    const data = join(work, 'store-a');
    const ingest = await runCli(['ingest', ...files(), '--data-dir', data]);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(/Ingested [\d,]+ records from 4 files/);
    expect(ingest.stdout).toContain('No records quarantined.');

    const out = join(work, 'out-a');
    const exported = await runCli(['export', '--out', out, '--data-dir', data]);
    expect(exported.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['agg_table.csv', 'live_table.csv']);

    const expected = expectedFromDemoFiles(demo);
    const rows = await readCsv(join(out, 'live_table.csv'));
    expect(rows).toHaveLength(expected.size);
    const ids = rows.map((r) => Number(r.customer_id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const r of rows) {
      const e = expected.get(r.customer_id ?? '');
      if (!e) throw new Error(`unexpected customer ${r.customer_id}`);
      expect({
        listens: Number(r.listens),
        unique_tracks: Number(r.unique_tracks),
        morning: Number(r.morning),
        afternoon: Number(r.afternoon),
        evening: Number(r.evening),
        night: Number(r.night),
        mobile: Number(r.mobile),
        clicks: Number(r.clicks),
        churn_risk: r.churn_risk === '' ? null : Number(r.churn_risk),
        churn_label: r.churn_label,
        first_seen: r.first_seen || null,
        last_seen: r.last_seen || null,
      }).toEqual({
        listens: e.listens,
        unique_tracks: e.tracks.size,
        morning: e.morning,
        afternoon: e.afternoon,
        evening: e.evening,
        night: e.night,
        mobile: e.mobile,
        clicks: e.clicks,
        churn_risk: e.churnRisk,
        churn_label: e.churnRisk === null ? '' : e.churnRisk >= 0.2 ? '1' : '0',
        first_seen: e.first,
        last_seen: e.last,
      });
      expect(r.name).not.toBe('');
      expect(r.email).toMatch(/@/);
    }

    // agg_table: over customers with at least one listen or click.
    const active = [...expected.values()].filter((e) => e.listens + e.clicks > 0);
    const agg = await readCsv(join(out, 'agg_table.csv'));
    expect(agg.map((a) => a.statistic)).toEqual(['count', 'mean', 'variance', 'min', 'max']);
    const columns: Record<string, (e: (typeof active)[number]) => number | null> = {
      listens: (e) => e.listens,
      unique_tracks: (e) => e.tracks.size,
      night: (e) => e.night,
      clicks: (e) => e.clicks,
      churn_risk: (e) => e.churnRisk,
    };
    for (const [column, pick] of Object.entries(columns)) {
      const want = describeValues(active.map(pick).filter((v): v is number => v !== null));
      const got = Object.fromEntries(agg.map((a) => [a.statistic, Number(a[column])]));
      expect(got.count).toBe(want.count);
      expect(got.mean).toBeCloseTo(want.mean, 6);
      expect(got.variance).toBeCloseTo(want.variance, 4);
      expect(got.min).toBe(want.min);
      expect(got.max).toBe(want.max);
    }
  });

  it('a different churn threshold changes the labels', async () => {
    const data = join(work, 'store-t');
    await runCli(['ingest', join(demo, 'predictions.jsonl'), '--data-dir', data]);
    const out = join(work, 'out-t');
    expect((await runCli(['export', '--out', out, '--data-dir', data, '--threshold', '0.5'])).code).toBe(0);
    for (const r of await readCsv(join(out, 'live_table.csv'))) {
      expect(r.churn_label).toBe(Number(r.churn_risk) >= 0.5 ? '1' : '0');
    }
  });
});

describe('live demo ingest', () => {
  it('runs the embedded demo stream into the store: every demo customer, events and predictions', async () => {
    const data = join(work, 'store-live');
    const run = await runCli(['ingest', '--demo', '4000', '--customers', '150', '--data-dir', data]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/from the demo source/);
    expect(run.stdout).toMatch(/150 customer records/);
    const out = join(work, 'out-live');
    await runCli(['export', '--out', out, '--data-dir', data]);
    const rows = await readCsv(join(out, 'live_table.csv'));
    expect(rows).toHaveLength(150);
    expect(rows.reduce((n, r) => n + Number(r.listens) + Number(r.clicks), 0)).toBe(4000);
    expect(rows.some((r) => r.churn_risk !== '')).toBe(true);
    expect(rows.every((r) => r.name !== '' && r.level !== '')).toBe(true);
  });
});

describe('re-ingesting', () => {
  it('skips content already ingested, says so, and counts it again only with --force', async () => {
    const data = join(work, 'store-b');
    const tracks = join(demo, 'tracks.csv');
    expect((await runCli(['ingest', tracks, '--data-dir', data])).code).toBe(0);
    const copy = join(work, 'tracks-copy.csv');
    await writeFile(copy, await readFile(tracks));

    const again = await runCli(['ingest', copy, '--data-dir', data]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /Skipped tracks-copy\.csv: the same content was ingested as .*tracks\.csv on \d{4}-.*pass --force to count it again/,
    );
    const out = join(work, 'out-b');
    await runCli(['export', '--out', out, '--data-dir', data]);
    const once = await readCsv(join(out, 'live_table.csv'));

    const forced = await runCli(['ingest', tracks, '--force', '--data-dir', data]);
    expect(forced.stdout).toContain('Counted tracks.csv again (--force)');
    await runCli(['export', '--out', out, '--data-dir', data]);
    const twice = await readCsv(join(out, 'live_table.csv'));
    expect(twice.map((r) => Number(r.listens))).toEqual(once.map((r) => 2 * Number(r.listens)));
  });

  it('resumes a file after the process is killed, counting every line once', async () => {
    const big = join(work, 'big');
    await runCli(['demo-data', '--out', big, '--customers', '2000', '--events', '400000', '--seed', '3']);
    const tracks = join(big, 'tracks.csv');
    const data = join(work, 'store-kill');
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../support/run-cli.js');
    const child = spawn(
      process.execPath,
      [CLI, 'ingest', tracks, '--data-dir', data, '--checkpoint-every', '20000'],
      { stdio: 'ignore' },
    );
    // Kill hard as soon as a checkpoint shows progress, before the file is done.
    const storePath = join(data, 'store.json');
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 25));
      if (existsSync(storePath)) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    // The killed run's lock is left behind; the next run sees its process is gone and goes on.
    expect(JSON.parse(await readFile(join(data, LOCK_FILE), 'utf8')).pid).toBe(child.pid);
    const partial = JSON.parse(await readFile(storePath, 'utf8'));
    const progress = Object.values(partial.sources.files)[0] as { records: number; complete: boolean };
    expect(progress.complete).toBe(false);
    expect(progress.records).toBeGreaterThan(0);

    const resumed = await runCli(['ingest', tracks, '--data-dir', data]);
    expect(resumed.stdout).toMatch(/Resumed tracks\.csv where the last run stopped/);
    const out = join(work, 'out-kill');
    await runCli(['export', '--out', out, '--data-dir', data]);
    const total = (await readCsv(join(out, 'live_table.csv'))).reduce((n, r) => n + Number(r.listens), 0);
    const lines = (await readFile(tracks, 'utf8')).split('\n').filter(Boolean).length;
    expect(total).toBe(lines);
  });
});

describe('one store, two processes', () => {
  it('refuses a second writer, naming the first, while export reads the last checkpoint', async () => {
    const data = join(work, 'store-shared');
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../support/run-cli.js');
    // The live demo, until Ctrl+C: it holds the store for as long as the test needs.
    const first = spawn(process.execPath, [CLI, 'ingest', '--demo', '--rate', '200', '--data-dir', data], {
      stdio: 'ignore',
    });
    const firstDone = new Promise<number | null>((r) => first.on('close', (code) => r(code)));
    for (let i = 0; i < 2400 && !existsSync(join(data, 'store.json')); i++)
      await new Promise((r) => setTimeout(r, 25));
    const second = await runCli(['ingest', join(demo, DEMO_FILES.customers), '--data-dir', data]);
    // Before, both wrote store.json, each renaming its checkpoint over the other's.
    expect(second.stderr).toContain(`is in use by another c360 (process ${first.pid}, since `);
    expect(second.code).toBe(1);
    const out = join(work, 'out-shared');
    const exported = await runCli(['export', '--out', out, '--data-dir', data]);
    expect(exported.code).toBe(0);
    expect((await readCsv(join(out, 'live_table.csv'))).length).toBeGreaterThan(0);
    first.kill('SIGINT');
    expect(await firstDone).toBe(0);
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
    const after = await runCli(['ingest', join(demo, DEMO_FILES.customers), '--data-dir', data]);
    expect(after.code).toBe(0);
  });

  it('export leaves a damaged store where it is, for its owner to judge', async () => {
    const data = join(work, 'store-damaged');
    expect((await runCli(['ingest', ...files(), '--data-dir', data])).code).toBe(0);
    const path = join(data, 'store.json');
    const text = await readFile(path, 'utf8');
    const damaged = text.replace('"listens":', '"listens":"x');
    await writeFile(path, damaged);
    const exported = await runCli(['export', '--out', join(work, 'out-damaged'), '--data-dir', data]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(/could not be read \(.+\); nothing was changed/);
    expect(await readdir(data)).not.toContainEqual(expect.stringMatching(/damaged/));
    expect(await readFile(path, 'utf8')).toBe(damaged);
  });
});

describe('bad input', () => {
  it('quarantines bad lines with file and line, counts the good ones, and says where to look', async () => {
    const data = join(work, 'store-q');
    const path = join(work, 'mixed.jsonl');
    await writeFile(
      path,
      [
        '{"type":"listen","customerId":"1","trackId":"5","ts":"2026-03-04 08:00:00","mobile":true}',
        '{"type":"listen","customerId":"1","trackId":"5"',
        '{"type":"listen","customerId":"2","trackId":"6","ts":"2026-03-04 20:00:00","mobile":"sometimes"}',
        '{"customerId":"1","churnRisk":0.3}',
      ].join('\n'),
    );
    const run = await runCli(['ingest', path, '--data-dir', data]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 records quarantined');
    expect(run.stdout).toContain(join(data, 'quarantine.jsonl'));
    const quarantined = (await readFile(join(data, 'quarantine.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantined.map((q) => [q.origin.line, q.reason.split(':')[0]])).toEqual([
      [2, 'bad JSON'],
      [3, 'mobile'],
    ]);
    expect(quarantined[0].origin.file).toBe(path);
    const out = join(work, 'out-q');
    await runCli(['export', '--out', out, '--data-dir', data]);
    expect(await readCsv(join(out, 'live_table.csv'))).toMatchObject([
      { customer_id: '1', listens: '1', churn_risk: '0.3' },
    ]);
  });
});

describe('exit codes and messages', () => {
  it.each([
    [['ingest', '/no/such/tracks.csv'], 1, /no such file; check the path/],
    [['ingest'], 1, /name the files to ingest/],
    [['export', '--out', '/tmp/c360-out'], 1, /no store in .*empty-store; run "c360 ingest" first/],
    [['export'], 2, /required option '--out <dir>'/],
    [['demo-data', '--out', '/tmp/x', '--customers', 'many'], 2, /--customers must be a whole number/],
    [['ingest', '--bogus'], 2, /unknown option '--bogus'/],
    [['ingest', '--threads', '500', 'tracks.csv'], 2, /--threads must be a whole number from 0 to 64/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
  ])('c360 %j exits %i', async (args, code, message) => {
    const run = await runCli(args as string[], { C360_DATA_DIR: join(work, 'empty-store') });
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('an unreadable format fails with a one-line message and ingests nothing', async () => {
    const data = join(work, 'store-u');
    const notes = join(work, 'notes.txt');
    await writeFile(notes, 'dear diary\n');
    const run = await runCli(['ingest', join(demo, 'tracks.csv'), notes, '--data-dir', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^c360: .*notes\.txt: unreadable format; expected a tracks CSV/);
    expect(existsSync(join(data, 'store.json'))).toBe(false);
  });

  it('an unwritable export folder fails with exit 1', async () => {
    const data = join(work, 'store-w');
    await runCli(['ingest', join(demo, 'customers.csv'), '--data-dir', data]);
    const blocker = join(work, 'a-file');
    await writeFile(blocker, 'x');
    const run = await runCli(['export', '--out', join(blocker, 'sub'), '--data-dir', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot write to .*a-file\/sub \(ENOTDIR\); choose another --out/);
  });
});

describe('the test harness', () => {
  it('never hands the product settings from the test environment (KAFKA_BROKERS points the tests at a broker)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { KAFKA_BROKERS: '127.0.0.1:1', C360_BROKERS: '127.0.0.1:1' });
    try {
      // With those inherited, a bare `ingest` would try Kafka for 30 s instead of asking for files.
      const r = await runCli(['ingest', '--data-dir', await mkdtemp(join(tmpdir(), 'c360-env-'))]);
      expect(r.stderr).toMatch(/name the files to ingest/);
    } finally {
      process.env = saved;
    }
  });
});
