import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import type { DecodedRecord } from '../../main/engine/ingest/ingest-session.js';
import { FileSource } from '../../main/engine/sources/file/file-source.js';
import { TIMELINE_CAP, TIMELINE_FILE, TimelineStore } from '../../main/engine/timeline/timeline-store.js';
import type { TimelineEvent } from '../../shared/engine-api.js';
import { event } from '../support/events.js';

const open: Engine[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.timeline.close().catch(() => {});
});

async function engineAt(dir: string, everyRecords = 1_000_000): Promise<Engine> {
  const engine = await Engine.open({ storeDir: dir, checkpoint: { everyMs: 3_600_000, everyRecords } });
  open.push(engine);
  return engine;
}

const tempDir = (name: string) => mkdtemp(join(tmpdir(), `c360-timeline-${name}-`));

const ok = (record: Record<string, unknown>): DecodedRecord => ({
  origin: { demo: true, seq: 0 },
  raw: '',
  result: { ok: true, event: event(record) },
});

const listenAt = (customerId: string, trackId: string, ts: string) =>
  ok({ type: 'listen', customerId, trackId, ts, mobile: false });

/** Every page of a customer's timeline, following nextBefore. */
function allPages(engine: Engine, customerId: string, limit = 7, filter = {}): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let before: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const page = engine.timeline.query({ customerId, limit, before, ...filter });
    events.push(...page.events);
    if (!page.nextBefore) return events;
    before = page.nextBefore;
  }
  throw new Error('paging does not end');
}

describe('the customer timeline', () => {
  it('keeps every kind of event across a restart, newest first, with CRM changes and models', async () => {
    const dir = await tempDir('restart');
    const engine = await engineAt(dir);
    engine.session.apply(
      [
        ok({ type: 'customer', customerId: '7', name: 'Ada', level: 1 }),
        listenAt('7', '981', '2026-03-04 21:15:07'),
        ok({
          type: 'click',
          customerId: '7',
          ts: '2026-03-04T21:16:00Z',
          product: 'card',
          responseTimeMs: 812,
        }),
        ok({ customerId: '7', churnRisk: 0.37, model: 'churn-lr@3', ts: '2026-03-04T22:00:00Z' }),
        listenAt('8', '5', '2026-03-04 10:00:00'),
      ],
      () => {},
    );
    engine.session.apply(
      [ok({ type: 'customer', customerId: '7', name: 'Ada', level: 2, city: 'Oslo' })],
      () => {},
    );
    await engine.close();

    const again = await engineAt(dir);
    const events = again.timeline.query({ customerId: '7', limit: 50 }).events;
    expect(events.map((e) => e.kind).sort()).toEqual(['click', 'crm', 'crm', 'listen', 'prediction']);
    const dated = events.filter((e) => e.kind !== 'crm');
    expect(dated.map((e) => e.at)).toEqual([
      '2026-03-04T22:00:00.000Z',
      '2026-03-04T21:16:00.000Z',
      '2026-03-04T21:15:07.000Z',
    ]);
    expect(dated[0]).toMatchObject({ kind: 'prediction', churnRisk: 0.37, model: 'churn-lr@3' });
    expect(dated[1]).toMatchObject({ kind: 'click', product: 'card', responseTimeMs: 812 });
    expect(dated[2]).toMatchObject({ kind: 'listen', trackId: '981', mobile: false });
    const crm = events.filter((e) => e.kind === 'crm');
    // The later record changed the level and added a city; the name it sent again is no change.
    expect(crm.map((e) => e.kind === 'crm' && e.changes)).toContainEqual([
      { field: 'level', from: 'Silver', to: 'Gold' },
      { field: 'city', from: null, to: 'Oslo' },
    ]);
    expect(crm.map((e) => e.kind === 'crm' && e.changes)).toContainEqual([
      { field: 'name', from: null, to: 'Ada' },
      { field: 'level', from: null, to: 'Silver' },
    ]);
    expect(again.timeline.query({ customerId: '8', limit: 50 }).events).toHaveLength(1);
  });

  it('pages without gaps or repeats, and filters by kind and by date range', async () => {
    const engine = await engineAt(await tempDir('paging'));
    const records: DecodedRecord[] = [];
    // Several events share an instant, so paging must order within one millisecond too.
    for (let i = 0; i < 60; i++) {
      const ts = `2026-03-${String(2 + Math.floor(i / 10)).padStart(2, '0')} 12:00:0${i % 3}`;
      records.push(
        i % 4 === 0
          ? ok({ type: 'click', customerId: 'c', ts, product: `p${i}` })
          : listenAt('c', `t${i}`, ts),
      );
    }
    for (let i = 0; i < records.length; i += 9) engine.session.apply(records.slice(i, i + 9), () => {});
    await engine.timeline.flushed();

    const all = allPages(engine, 'c');
    expect(all).toHaveLength(60);
    expect(new Set(all.map((e) => e.id)).size).toBe(60);
    const names = all.map((e) => (e.kind === 'listen' ? e.trackId : e.kind === 'click' ? e.product : ''));
    expect(new Set(names).size).toBe(60);
    const times = all.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const clicks = allPages(engine, 'c', 4, { kinds: ['click'] });
    expect(clicks).toHaveLength(15);
    expect(clicks.every((e) => e.kind === 'click')).toBe(true);

    const from = Date.parse('2026-03-03T00:00:00Z');
    const to = Date.parse('2026-03-04T23:59:59Z');
    const ranged = allPages(engine, 'c', 5, { from, to });
    expect(ranged).toHaveLength(20);
    expect(ranged.every((e) => Date.parse(e.at) >= from && Date.parse(e.at) <= to)).toBe(true);
    expect(engine.timeline.query({ customerId: 'nobody', limit: 10 })).toEqual({
      events: [],
      nextBefore: null,
    });
  });

  it("keeps at least each customer's latest events up to the cap and drops older ones", async () => {
    const engine = await engineAt(await tempDir('cap'));
    const total = 3 * TIMELINE_CAP + 37;
    for (let start = 0; start < total; start += 250) {
      const batch: DecodedRecord[] = [];
      for (let i = start; i < Math.min(total, start + 250); i++) {
        const s = i % 60;
        const m = Math.floor(i / 60) % 60;
        const h = Math.floor(i / 3600);
        const ts = `2026-03-02 ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
        batch.push(listenAt('heavy', String(i), ts));
      }
      batch.push(listenAt('light', String(start), '2026-03-02 00:00:00'));
      engine.session.apply(batch, () => {});
    }
    // One batch with more than the cap for one customer keeps its latest cap events.
    const huge: DecodedRecord[] = [];
    for (let i = 0; i < TIMELINE_CAP + 500; i++)
      huge.push(listenAt('burst', String(i), '2026-03-02 00:00:00'));
    engine.session.apply(huge, () => {});
    await engine.timeline.flushed();

    const heavy = allPages(engine, 'heavy', 200);
    expect(heavy.length).toBeGreaterThanOrEqual(TIMELINE_CAP);
    expect(heavy.length).toBeLessThanOrEqual(TIMELINE_CAP + TIMELINE_CAP / 10);
    expect(engine.timeline.count('heavy')).toBe(heavy.length);
    // The kept ones are the latest: every track from total - cap up is there.
    const kept = new Set(heavy.map((e) => (e.kind === 'listen' ? Number(e.trackId) : -1)));
    for (let i = total - TIMELINE_CAP; i < total; i++) expect(kept.has(i)).toBe(true);
    expect(Math.min(...kept)).toBeGreaterThan(total - TIMELINE_CAP - TIMELINE_CAP / 10 - 1);
    expect(allPages(engine, 'light', 200)).toHaveLength(Math.ceil(total / 250));
    const burst = allPages(engine, 'burst', 200);
    expect(burst).toHaveLength(TIMELINE_CAP);
    expect(burst.some((e) => e.kind === 'listen' && e.trackId === String(TIMELINE_CAP + 499))).toBe(true);
    expect(burst.some((e) => e.kind === 'listen' && e.trackId === '0')).toBe(false);
  });

  it('keys odd ids apart and stores huge values whole', async () => {
    const dir = await tempDir('hostile');
    const engine = await engineAt(dir);
    const ids = [
      'a',
      'ab',
      'a b',
      '__proto__',
      'constructor',
      'ü',
      'ä½ å¥½ðŸ™‚',
      '=1+2',
      '"',
      "'; drop",
      'x'.repeat(64),
    ];
    const big = 'v'.repeat(8192);
    engine.session.apply(
      ids.flatMap((id, i) => [
        listenAt(id, `track-${i}`, '2026-03-02 08:00:00'),
        ok({ type: 'customer', customerId: id, note: big, [`f${i}`]: Number.MAX_SAFE_INTEGER }),
      ]),
      () => {},
    );
    // What the decoder never lets through, the timeline refuses by itself, without failing.
    engine.timeline.append(999, [
      ['', [0, 0, 't', 0, null]],
      ['nul\u0000id', [0, 0, 't', 0, null]],
      ['y'.repeat(65), [0, 0, 't', 0, null]],
    ]);
    expect(engine.timeline.skipped).toBe(3);
    await engine.close();
    const again = await engineAt(dir);
    ids.forEach((id, i) => {
      const events = again.timeline.query({ customerId: id, limit: 10 }).events;
      expect(events.filter((e) => e.kind === 'listen').map((e) => e.kind === 'listen' && e.trackId)).toEqual([
        `track-${i}`,
      ]);
      const crm = events.find((e) => e.kind === 'crm');
      expect(crm?.kind === 'crm' && crm.changes).toEqual([
        { field: 'note', from: null, to: big },
        { field: `f${i}`, from: null, to: Number.MAX_SAFE_INTEGER },
      ]);
    });
    expect(again.timeline.query({ customerId: 'nul\u0000id', limit: 10 }).events).toEqual([]);
  });

  it('skips a stored chunk that is not one this store wrote, and shows the rest', async () => {
    const dir = await tempDir('damaged-chunk');
    const engine = await engineAt(dir);
    engine.session.apply([listenAt('d', '1', '2026-03-02 08:00:00')], () => {});
    await engine.timeline.flushed();
    const key = Buffer.concat([Buffer.from('d'), Buffer.from([0]), Buffer.from([0, 0, 0, 0, 0, 99])]);
    const keyOdd = Buffer.concat([Buffer.from('d'), Buffer.from([0]), Buffer.from([0, 0, 0, 0, 0, 98])]);
    await engine.timeline.events.put(key, [1e300, [0, 'x']]);
    await engine.timeline.events.put(keyOdd, { __proto__: { polluted: true }, length: 5 });
    const events = engine.timeline.query({ customerId: 'd', limit: 10 }).events;
    expect(events).toHaveLength(1);
    expect(engine.timeline.damaged).toBe(2);
  });

  it('moves an unreadable timeline file aside and starts a new one', async () => {
    const dir = await tempDir('garbage');
    await writeFile(join(dir, TIMELINE_FILE), Buffer.alloc(64 * 1024, 0x5a));
    const { timeline, notice } = await TimelineStore.open(dir, 'abcd', 0);
    expect(notice).toMatch(/could not be opened.*moved to/);
    expect((await readdir(dir)).some((f) => f.startsWith(`${TIMELINE_FILE}.damaged-`))).toBe(true);
    timeline.append(1, [['z', [0, Date.parse('2026-03-02T08:00:00Z'), 't', 1, null]]]);
    await timeline.flushed();
    expect(timeline.query({ customerId: 'z', limit: 5 }).events).toHaveLength(1);
    await timeline.close();
  });
});

describe('exactly once with the timeline', () => {
  /** A JSON-lines file of listens, each with its own track id, for a few customers. */
  async function listensFile(dir: string, n: number): Promise<string> {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const ts = `2026-03-02 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
      lines.push(
        JSON.stringify({
          type: 'listen',
          customerId: `c${i % 13}`,
          trackId: `t${i}`,
          ts,
          mobile: i % 2 === 0,
        }),
      );
    }
    const path = join(dir, 'listens.jsonl');
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  }

  function trackIds(engine: Engine): string[] {
    const ids: string[] = [];
    for (let c = 0; c < 13; c++)
      for (const e of allPages(engine, `c${c}`, 200)) if (e.kind === 'listen') ids.push(e.trackId);
    return ids.sort();
  }

  it('drops timeline writes the checkpoint does not hold, so a replay after a failed checkpoint counts each event once', async () => {
    const dir = await tempDir('exactly-once');
    const path = await listensFile(dir, 9000);
    const engine = await engineAt(dir, 3000);
    // From the third on, checkpoints fail after the timeline has written its batches (the last
    // one at the end of the run too): as a crash between the timeline write and the checkpoint
    // would leave it.
    const write = engine.store.write.bind(engine.store);
    let writes = 0;
    vi.spyOn(engine.store, 'write').mockImplementation(async (snapshot) => {
      writes += 1;
      if (writes >= 3) {
        await engine.timeline.flushed();
        throw new Error('disk full (injected)');
      }
      return write(snapshot);
    });
    await expect(engine.run(new FileSource([path]))).rejects.toThrow(/disk full/);
    // The timeline holds more than the last good checkpoint: the batches of the failed one.
    expect(trackIds(engine).length).toBeGreaterThan(6000);
    await engine.timeline.close();
    open.splice(open.indexOf(engine), 1);

    const again = await engineAt(dir, 3000);
    expect(trackIds(again)).toHaveLength(6000);
    await again.run(new FileSource([path]));
    const ids = trackIds(again);
    expect(ids).toHaveLength(9000);
    expect(new Set(ids).size).toBe(9000);
    let listens = 0;
    for (const p of again.state.profiles.values()) listens += p.listens;
    expect(listens).toBe(9000);
  });
});
