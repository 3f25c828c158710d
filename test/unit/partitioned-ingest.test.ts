import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTracksCsvLine } from '../../main/engine/decode/tracks-csv.js';
import { listenFields, scanListenLine } from '../../main/engine/decode/tracks-csv-bytes.js';
import { Engine } from '../../main/engine/engine.js';
import { ByteTable } from '../../main/engine/ingest/partitions/byte-table.js';
import { inThreadPartition, type OpenPartition } from '../../main/engine/ingest/partitions/partition-pool.js';
import { TimelineChunks } from '../../main/engine/ingest/partitions/timeline-chunks.js';
import { addToCell, emptyProfile } from '../../main/engine/profile/profile.js';
import { FileSource } from '../../main/engine/sources/file/file-source.js';
import { encodeProfile } from '../../main/engine/store/store-codec.js';
import { TIMELINE_CAP, type TimelineItem } from '../../main/engine/timeline/timeline-codec.js';
import { TimelineStore } from '../../main/engine/timeline/timeline-store.js';
import { tracksCsvRecords } from '../support/hostile-records.js';
import { CLI, runCli } from '../support/run-cli.js';

// Partitioned ingest (main/engine/ingest/partitions) must give exactly what the one-thread reader
// gives: the same profiles, quarantine, windows, timeline and positions, for any file, any number
// of partitions and any batch size; and resume exactly once after a stop or a failed partition.

const ids = fc.constantFrom(
  '1',
  '2',
  '3',
  '42',
  '1000',
  'x',
  'constructor',
  '__proto__',
  'Éldred',
  '日本',
  ' 7',
  '7',
);
const tracks = fc.constantFrom('t1', 't2', '1125', '9', 'a b', '"q"', 'é');
const times = fc.constantFrom(
  '2026-03-02 00:00:00',
  '2026-03-02 00:00:00',
  '2026-03-02T23:59:59',
  '2026-03-02 23:59:59Z',
  '2026-03-09 12:30:00',
  '2026-04-01 05:00:00',
  '2026-03-02 07:15',
  '2026-03-02T10:00:00+05:30',
  ' 2026-03-03 10:00:00',
  '2026-02-30 10:00:00',
  '2017-01-01 00:00:00',
);
const mobiles = fc.constantFrom('0', '1', 'true', 'false', 'TRUE', ' 1', 'yes', '');
const zips = fc.constantFrom('', '72132', '01234', 'SW1A 1AA', '=1+1');
/** Mostly the plain form the byte reader takes, with every way a line can leave it. */
const plainish = fc
  .tuple(ids, tracks, times, mobiles, zips, fc.constantFrom('e1', '', 'é'))
  .map(([id, track, ts, mobile, zip, eventId]) => [eventId, id, track, ts, mobile, zip].join(','));
const anyLine = fc.oneof(
  { weight: 6, arbitrary: plainish },
  { weight: 2, arbitrary: tracksCsvRecords.map((r) => r.text) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '   ', '\t', '\uFEFF', 'a,b,c', 'e1,1,t1,2026-03-02 00:00:00,0,1,extra'),
  },
);
const lineEnd = fc.constantFrom('\n', '\r\n');

describe('the byte reader of tracks CSV lines', () => {
  it('takes only lines the text decoder takes, and reads the same listen from them', () => {
    const f = listenFields();
    let taken = 0;
    fc.assert(
      fc.property(anyLine, (line) => {
        const bytes = Buffer.from(line, 'utf8');
        if (!scanListenLine(bytes, 0, bytes.length, f)) return;
        taken += 1;
        const decoded = decodeTracksCsvLine(line);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok || decoded.event.kind !== 'listen') return;
        const e = decoded.event;
        const text = (a: number, b: number) => bytes.toString('latin1', a, b);
        expect({
          customerId: text(f.customerStart, f.customerEnd),
          trackId: text(f.trackStart, f.trackEnd),
          ts: text(f.tsStart, f.tsEnd),
          zip: f.zipEnd > f.zipStart ? text(f.zipStart, f.zipEnd) : null,
          epochMs: f.epochMs,
          hour: f.hour,
          dayOfWeek: f.dayOfWeek,
          mobile: f.mobile,
        }).toEqual({
          customerId: e.customerId,
          trackId: e.trackId,
          ts: e.at.text,
          zip: e.zip,
          epochMs: e.at.epochMs,
          hour: e.at.hour,
          dayOfWeek: e.at.dayOfWeek,
          mobile: e.mobile,
        });
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: most plain lines take the byte path.
    expect(taken).toBeGreaterThan(100);
  });
});

/** Everything a run leaves that a user could see, as comparable data. */
async function outcome(engine: Engine) {
  const { state, session, timeline } = engine;
  const profiles = [...state.profiles.values()].map((p) => JSON.stringify(encodeProfile(p))).sort();
  const customers = [...state.profiles.keys()].sort();
  await timeline.flushed();
  return {
    profiles,
    counts: session.counts,
    quarantine: {
      total: state.quarantine.total,
      byReason: { ...state.quarantine.byReason },
      recent: state.quarantine.recent.map((r) => ({ origin: r.origin, reason: r.reason, raw: r.raw })),
    },
    windows: state.windows.toJSON(),
    files: Object.values(state.sources.files).map((f) => ({ records: f.records, complete: f.complete })),
    timeline: customers.map((customerId) => timeline.query({ customerId, limit: 10_000 }).events),
    store: [...state.profiles.values()].every((p) => Object.getPrototypeOf(p.products) === null),
  };
}

async function fileOf(lines: string[], ends: string[], finalBreak = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'c360-parts-'));
  const path = join(dir, 'tracks.csv');
  // The first line decides the format: a plain listen, as every tracks CSV starts.
  const all = ['e0,1,t1,2026-03-01 00:00:00,0,1', ...lines];
  const text = all
    .map((l, i) => l + (i === all.length - 1 && !finalBreak ? '' : (ends[i % ends.length] ?? '\n')))
    .join('');
  await writeFile(path, text);
  return path;
}

async function ingest(
  path: string,
  options: {
    threads: number;
    everyRecords: number;
    open?: OpenPartition;
    storeDir?: string;
    stopAfter?: number;
  },
) {
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'c360-parts-store-')));
  const engine = await Engine.open({
    storeDir,
    checkpoint: { everyRecords: options.everyRecords, everyMs: 0 },
  });
  let batches = 0;
  const source = new FileSource([path], {
    threads: options.threads,
    openPartition: options.open ?? inThreadPartition,
  });
  let error: Error | null = null;
  try {
    await engine.run(source, {
      onBatch: () => {
        batches += 1;
      },
      shouldStop: () => options.stopAfter !== undefined && batches >= options.stopAfter,
    });
  } catch (e) {
    error = e as Error;
  }
  return { engine, storeDir, error };
}

describe('partitioned ingest of tracks CSV files', () => {
  it('gives what one thread gives, for any file, number of partitions and batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyLine, { minLength: 0, maxLength: 80 }),
        fc.array(lineEnd, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        async (lines, ends, finalBreak, threads, everyRecords) => {
          const path = await fileOf(lines, ends, finalBreak);
          const one = await ingest(path, { threads: 0, everyRecords });
          const parts = await ingest(path, { threads, everyRecords });
          expect(parts.error).toBeNull();
          expect(await outcome(parts.engine)).toEqual(await outcome(one.engine));
          await one.engine.close();
          await parts.engine.close();
        },
      ),
      { numRuns: 60 },
    );
    // 120 ingests: 39-45 s alone, 56 s in a CI run beside other work, near the 60 s default.
  }, 240_000);

  it("counts a line whose customer field is quoted or padded in that customer's partition", async () => {
    // The thread reading the file decides who reads each line from the customer field as written;
    // quoted or padded, the field is not the id, and every partition must read the line instead.
    const ids = ['1', '2', '3', '42', '1000', 'x', 'y', 'z'];
    const lines = ids.flatMap((id, i) => [
      `e${i}a,"${id}",t${i},2026-03-02 10:00:00,0,11111`,
      `e${i}b, ${id},t${i},2026-03-02 11:00:00,1,`,
      `e${i}c,${id} ,"t,${i}",2026-03-02 12:00:00,0,22222`,
      `e${i}d,${id},t${i},2026-03-02 13:00:00,0,`,
    ]);
    const path = await fileOf(lines, ['\n', '\r\n']);
    const one = await ingest(path, { threads: 0, everyRecords: 7 });
    const expected = await outcome(one.engine);
    expect(one.engine.state.profiles.get('42')?.listens).toBe(4);
    for (const threads of [2, 3, 4, 5]) {
      const parts = await ingest(path, { threads, everyRecords: 7 });
      expect(await outcome(parts.engine)).toEqual(expected);
      await parts.engine.close();
    }
    await one.engine.close();
  });

  it('breaks ties in first and last seen, and the latest zip, as one thread does', async () => {
    // One customer, instants written two ways (same instant, other text), with and without a zip,
    // in an order where each rule's tie-break shows: first of equals, last of equals.
    const lines = [
      'e1,5,t1,2026-03-02 10:00:00,0,11111',
      'e2,5,t2,2026-03-02T10:00:00,0,',
      'e3,5,t3,2026-03-02 23:59:59Z,1,22222',
      'e4,5,t4,2026-03-02T23:59:59,0,',
      'e5,5,t5,2026-03-02 09:00:00Z,0,33333',
      'e6,5,t6,2026-03-02T09:00:00,1,44444',
      'e7,5,t7,2026-03-02 23:59:59,0,55555',
      'e8,5,t8,2026-03-02T23:59:59Z,0,',
    ];
    const path = await fileOf(lines, ['\n']);
    for (const everyRecords of [1, 3, 100]) {
      const one = await ingest(path, { threads: 0, everyRecords });
      const expected = await outcome(one.engine);
      for (const threads of [1, 2]) {
        const parts = await ingest(path, { threads, everyRecords });
        expect(await outcome(parts.engine)).toEqual(expected);
        await parts.engine.close();
      }
      await one.engine.close();
    }
  });

  it('reads a line longer than its read buffer (16 MB) as one line, as one thread does', async () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => `e${i},${i % 7},t${i % 5},2026-03-02 0${i % 10}:00:00,1,`,
    );
    lines.splice(150, 0, `e-long,3,${'x'.repeat(17 << 20)},2026-03-02 01:00:00,1,1`);
    const path = await fileOf(lines, ['\n'], false);
    const one = await ingest(path, { threads: 0, everyRecords: 100 });
    const parts = await ingest(path, { threads: 2, everyRecords: 100 });
    const a = await outcome(parts.engine);
    expect(a.quarantine.total).toBe(1);
    expect(a).toEqual(await outcome(one.engine));
    await one.engine.close();
    await parts.engine.close();
  });

  it('resumes a stopped run where its last checkpoint left it, counting each line once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(plainish, { minLength: 5, maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 6 }),
        async (lines, threads, everyRecords, stopAfter) => {
          const path = await fileOf(lines, ['\n']);
          const one = await ingest(path, { threads: 0, everyRecords });
          const first = await ingest(path, { threads, everyRecords, stopAfter });
          await first.engine.close();
          const resumed = await ingest(path, { threads, everyRecords, storeDir: first.storeDir });
          const a = await outcome(resumed.engine);
          const b = await outcome(one.engine);
          // The quarantine's times and the counts are per run; the rest must be the same.
          expect({ ...a, counts: null }).toEqual({ ...b, counts: null });
          await one.engine.close();
          await resumed.engine.close();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('completes a file with its last batch: the store is written once at the end, and the file is not read again', async () => {
    const lines = Array.from(
      { length: 40 },
      (_, i) => `e${i},${i % 9},t${i % 4},2026-03-02 0${i % 10}:00:00,1,`,
    );
    const path = await fileOf(lines, ['\n']);
    // No checkpoint falls inside the file: only the one that ends it. Marking the file complete
    // after that checkpoint made a second one, the whole store written again by this thread.
    const run = await ingest(path, { threads: 2, everyRecords: 1_000 });
    expect(run.error).toBeNull();
    expect(run.engine.session.timings.checkpoints).toBe(1);
    expect(run.engine.session.unsaved).toBe(false);
    const [file] = Object.values(run.engine.state.sources.files);
    expect(file).toMatchObject({ records: 41, complete: true });
    expect(file?.completedAt).toEqual(expect.any(String));
    await run.engine.close();
    // Reopened, the store knows the file is done.
    const again = await ingest(path, { threads: 2, everyRecords: 1_000, storeDir: run.storeDir });
    expect(again.engine.session.counts.listens).toBe(0);
    expect(again.engine.state.profiles.size).toBe(9);
    await again.engine.close();
  });

  it('keeps what the store holds besides listens (clicks, CRM fields named like prototype members)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-parts-crm-'));
    const json = join(dir, 'events.jsonl');
    await writeFile(
      json,
      [
        '{"type":"click","customerId":"42","ts":"2026-03-02 10:00:00","product":"__proto__"}',
        '{"type":"click","customerId":"42","ts":"2026-03-02 10:00:01","product":"constructor"}',
        '{"type":"customer","customerId":"42","constructor":"kept","Name":"Ann"}',
        '',
      ].join('\n'),
    );
    const tracksFile = await fileOf(
      ['e1,42,t9,2026-03-02 11:00:00,1,72132', 'e2,7,t1,2026-03-02 11:00:00,0,'],
      ['\n'],
    );
    const storeDir = await mkdtemp(join(tmpdir(), 'c360-parts-store-'));
    for (const threads of [0, 2]) {
      const engine = await Engine.open({ storeDir: join(storeDir, String(threads)) });
      await engine.run(new FileSource([json, tracksFile], { threads, openPartition: inThreadPartition }));
      const p = engine.state.profiles.get('42');
      expect(p?.listens).toBe(1);
      expect(p?.clicks).toBe(2);
      expect(Object.getPrototypeOf(p?.products)).toBeNull();
      expect({ ...p?.products }).toEqual({ ['__proto__']: 1, constructor: 1 });
      expect(Object.getPrototypeOf(p?.crm)).toBeNull();
      expect(p?.crm?.constructor).toBe('kept');
      await engine.close();
    }
  });

  it('saves nothing a failed partition held, and the next run still counts every line once', async () => {
    const lines = Array.from(
      { length: 40 },
      (_, i) => `e${i},${i % 7},t${i % 5},2026-03-02 0${i % 10}:00:00,${i % 2},72132`,
    );
    const path = await fileOf(lines, ['\n']);
    const one = await ingest(path, { threads: 0, everyRecords: 5 });
    let batches = 0;
    // The second partition fails in the middle of the fourth batch, after counting part of it.
    const failing: OpenPartition = (index, count) => {
      const inner = inThreadPartition(index, count);
      return {
        async send(request) {
          if (request.type === 'batch' && index === 1 && ++batches === 4) throw new Error('worker crashed');
          return inner.send(request);
        },
        close: inner.close,
      };
    };
    const failed = await ingest(path, { threads: 2, everyRecords: 5, open: failing });
    expect(failed.error?.message).toMatch(/worker crashed/);
    await failed.engine.timeline.close();
    const stored = await readFile(join(failed.storeDir, 'store.json'), 'utf8');
    const position = Object.values(
      JSON.parse(stored.split('\n')[0]?.replace(/,"profiles":\[$/, '}') ?? '{}').sources.files,
    ) as Array<{ records: number }>;
    expect(position[0]?.records).toBeLessThanOrEqual(16); // the checkpoint before the failed batch
    const resumed = await ingest(path, { threads: 2, everyRecords: 5, storeDir: failed.storeDir });
    expect(resumed.error).toBeNull();
    const a = await outcome(resumed.engine);
    const b = await outcome(one.engine);
    expect({ ...a, counts: null }).toEqual({ ...b, counts: null });
    await one.engine.close();
    await resumed.engine.close();
  });

  it('counts the same in worker threads as in one thread (c360 ingest --threads), predictions and clicks after', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-parts-cli-'));
    const data = join(dir, 'data');
    expect(
      (await runCli(['demo-data', '--out', data, '--customers', '300', '--events', '30000', '--seed', '3']))
        .code,
    ).toBe(0);
    const tables: string[] = [];
    for (const threads of ['0', '3']) {
      const store = join(dir, `store-${threads}`);
      const run = await runCli([
        'ingest',
        '--data-dir',
        store,
        '--threads',
        threads,
        '--checkpoint-every',
        '4000',
        join(data, 'tracks.csv'),
        // Applied by the engine's thread to the profiles the partitions handed back (cloned: what
        // they shared there, such as an empty churn history, must not stay shared here).
        join(data, 'predictions.jsonl'),
        join(data, 'clicks.jsonl'),
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect((await runCli(['export', '--data-dir', store, '--out', join(dir, `out-${threads}`)])).code).toBe(
        0,
      );
      tables.push(await readFile(join(dir, `out-${threads}`, 'live_table.csv'), 'utf8'));
    }
    expect(tables[0]?.split('\n').length).toBeGreaterThan(300);
    // Many customers, many different risks: no history shared between customers.
    const risks = new Set(tables[1]?.split('\n').map((row) => row.split(',')[9]));
    expect(risks.size).toBeGreaterThan(100);
    expect(tables[1]).toBe(tables[0]);
    expect(CLI).toMatch(/c360\.js$/);
  });
});

describe('timeline chunks written by a partition', () => {
  it('read back as the items TimelineStore.append stores, at every size and width MessagePack has', async () => {
    const ids = new ByteTable();
    const tracks = new ByteTable();
    const zips = new ByteTable();
    const chunks = new TimelineChunks();
    const items: TimelineItem[] = [];
    const day = 86_400_000;
    // One customer past the cap; instants on both sides of the first kept one, by every width an
    // offset takes (fixint, 16 and 32 bits, negative, past 32 bits); track ids of 1, 31, 32, 255
    // and 300 bytes; zips and none.
    const OFFSETS = [0, 1, 127, 128, 65_535, 65_536, 5e9, -1, -31, -32, -33, -200, -40_000, -3e9, -5e9];
    const trackIds = ['t', 'a'.repeat(31), 'b'.repeat(32), 'c'.repeat(255), 'é'.repeat(150)];
    const customer = ids.numberOf('42');
    for (let i = 0; i < TIMELINE_CAP + 150; i++) {
      const at = 1_772_400_000_000 + (OFFSETS[i % OFFSETS.length] as number) + (i % 2) * day;
      const trackId = trackIds[i % trackIds.length] as string;
      const zip = i % 3 === 0 ? null : `${10_000 + (i % 7)}`;
      chunks.add(customer, at, tracks.numberOf(trackId), i % 2 === 0, zip === null ? -1 : zips.numberOf(zip));
      items.push([0, at, trackId, i % 2 === 0 ? 1 : 0, zip]);
    }
    // A second customer with a handful of items (a short array).
    const other = ids.numberOf('7');
    chunks.add(other, 5, tracks.numberOf('t'), false, -1);
    items.push([0, 5, 't', 0, null]);
    const packed = chunks.finish([customer, other], ids, tracks, zips);
    expect(packed.map(([id, n]) => [id, n])).toEqual([
      ['42', TIMELINE_CAP],
      ['7', 1],
    ]);
    const dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'c360-chunks-'))));
    const [a, b] = await Promise.all(dirs.map((dir) => TimelineStore.open(dir, 'abc', 0)));
    a?.timeline.appendPacked(1, packed);
    b?.timeline.append(
      1,
      items.map((item, i) => [i === items.length - 1 ? '7' : '42', [...item] as TimelineItem] as const),
    );
    for (const t of [a?.timeline, b?.timeline]) await t?.flushed();
    for (const customerId of ['42', '7']) {
      const q = { customerId, limit: 5_000 };
      const fromPartition = a?.timeline.query(q).events;
      expect(fromPartition?.length).toBe(customerId === '42' ? TIMELINE_CAP : 1);
      expect(fromPartition).toEqual(b?.timeline.query(q).events);
    }
    await a?.timeline.close();
    await b?.timeline.close();
  });
});

describe('a file into a store of profiles from the Kafka Streams app', () => {
  it("keeps the app's count of distinct tracks, and the store opens again", async () => {
    const tracksFile = await fileOf(
      ['e1,9,t-new,2026-03-02 11:00:00,1,72132', 'e2,9,t-new2,2026-03-02 11:05:00,0,'],
      ['\n'],
    );
    for (const threads of [0, 2]) {
      const storeDir = await mkdtemp(join(tmpdir(), 'c360-parts-streams-'));
      // A profile as the profiles source puts it in place: the ids stay with the app, only their count here.
      const first = await Engine.open({ storeDir });
      const streamsProfile = emptyProfile('9');
      const seen = { text: '2026-03-02 03:00:00', epochMs: Date.UTC(2026, 2, 2, 3) };
      Object.assign(streamsProfile, {
        listens: 3,
        uniqueTracks: 2,
        night: 3,
        firstSeenMs: seen.epochMs,
        firstSeenText: seen.text,
        lastSeenMs: seen.epochMs,
        lastSeenText: seen.text,
      });
      addToCell(streamsProfile, 3, 3);
      first.state.profiles.set('9', streamsProfile);
      await first.session.checkpoint();
      await first.close();

      const engine = await Engine.open({ storeDir });
      expect(engine.notice).toBeNull();
      expect(engine.state.profiles.get('9')?.uniqueTracks).toBe(2);
      await engine.run(new FileSource([tracksFile], { threads, openPartition: inThreadPartition }));
      await engine.close();
      const reopened = await Engine.open({ storeDir });
      expect(reopened.notice).toBeNull();
      const p = reopened.state.profiles.get('9');
      expect(p?.listens).toBe(5); // the app's 3 and the file's 2
      expect(p?.uniqueTracks).toBe(2);
      expect(p?.tracks.size).toBe(0);
      await reopened.close();
    }
  });
});
