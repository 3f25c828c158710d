import { execFileSync } from 'node:child_process';
import {
  appendFile,
  copyFile,
  type FileHandle,
  link,
  mkdtemp,
  open,
  readdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import { type EngineState, emptyEngineState } from '../../main/engine/engine-state.js';
import { type IngestRecord, IngestSession } from '../../main/engine/ingest/ingest-session.js';
import { type QuarantineState, quarantineRecord } from '../../main/engine/ingest/quarantine.js';
import { applyEvent, type ProfileMap } from '../../main/engine/profile/profile-aggregator.js';
import { type CheckpointStats, ProfileStore } from '../../main/engine/store/profile-store.js';
import { encodeProfile } from '../../main/engine/store/store-codec.js';
import type { C360Event } from '../../shared/events.js';
import { click, event, listen, prediction } from '../support/events.js';

/**
 * Checkpoints of what changed (store.changes beside store.json): what a reopened store holds must
 * be what the session held at its last checkpoint, whichever way each checkpoint was written.
 */

/** A quarantine as comparable data: when each record was quarantined differs between two sessions. */
const withoutTimes = (q: QuarantineState | undefined) =>
  q && { ...q, byReason: { ...q.byReason }, recent: q.recent.map(({ at: _, ...r }) => r) };

/** A store that keeps nothing: for a session that only holds its state in memory. */
const memoryOnly = {
  appendable: () => false,
  appendableAtMost: () => 0,
  write: async () => ({ ms: 0, profiles: 0, sources: {}, changesOnly: false }),
} as unknown as ProfileStore;

const tempDir = () => mkdtemp(join(tmpdir(), 'c360-changes-'));

const decoded = (e: C360Event): IngestRecord => ({
  origin: { demo: true, seq: 0 },
  raw: '',
  result: { ok: true, event: e },
});
const removal = (customerId: string): IngestRecord => ({
  origin: { demo: true, seq: 0 },
  customerId,
  profile: null,
});
/** A whole profile from a profiles topic (one listen at `ts`), in place of the customer's. */
const replacement = (customerId: string, ts: string): IngestRecord => {
  const made: ProfileMap = new Map();
  applyEvent(made, listen(customerId, ts, { trackId: 'replaced' }));
  return { origin: { demo: true, seq: 0 }, customerId, profile: made.get(customerId) ?? null };
};

/** Profiles as comparable plain data, copied (an encoded profile shares some objects with it). */
const plain = (map: ProfileMap) =>
  [...map.values()]
    .map((p) => JSON.parse(JSON.stringify({ ...encodeProfile(p), tracks: [...p.tracks].sort() })))
    .sort((a, b) => a.id.localeCompare(b.id));

/** A session on a real store in `dir`, with each checkpoint's stats kept in `written`. */
async function sessionIn(dir: string, written: CheckpointStats[] = []) {
  const { store, state } = await ProfileStore.open(dir);
  const session = new IngestSession(store, state, { everyMs: 0, everyRecords: Number.POSITIVE_INFINITY });
  const write = store.write.bind(store);
  store.write = async (snapshot) => {
    const stats = await write(snapshot);
    written.push(stats);
    // Said to take no time, so a checkpoint in the background starts after any batch.
    return { ...stats, ms: 0 };
  };
  return { store, session, written };
}

/** 200 customers with a listen each, checkpointed whole. */
async function populatedStore() {
  const dir = await tempDir();
  const opened = await sessionIn(dir);
  opened.session.apply(
    Array.from({ length: 200 }, (_, i) =>
      decoded(listen(`c${i}`, '2026-03-02 07:10:00', { trackId: `t${i}` })),
    ),
    () => {},
  );
  await opened.session.checkpoint();
  return { dir, ...opened };
}

describe('checkpoints of what changed', () => {
  it('append only the customers a checkpoint changed, and a reopened store holds them with its offsets and figures', async () => {
    const { dir, session, written } = await populatedStore();
    expect(written.map((w) => w.changesOnly)).toEqual([false]);
    const whole = await readFile(join(dir, 'store.json'), 'utf8');

    session.apply(
      [
        decoded(listen('c1', '2026-03-03 21:00:00', { trackId: 'new' })),
        decoded(prediction('c2', 0.9)),
        decoded(listen('fresh', '2026-03-03 08:00:00')),
        removal('c3'),
      ],
      (state) => {
        state.sources.kafka['clickstream:0'] = '17';
      },
    );
    await session.checkpoint();
    expect(written[1]).toMatchObject({ changesOnly: true, profiles: 3 });
    expect(await readFile(join(dir, 'store.json'), 'utf8')).toBe(whole); // untouched
    const changes = (await readFile(join(dir, 'store.changes'), 'utf8')).trim().split('\n');
    expect(changes).toHaveLength(4); // three profiles and the line that closes them
    expect(changes[3]).toMatch(/^\{"base":"[0-9a-f]{16}","profiles":3,"removed":\["c3"\],"checkpoint":\{/);

    const reopened = await ProfileStore.open(dir);
    expect(reopened.notice).toBeNull();
    expect(plain(reopened.state.profiles)).toEqual(plain(session.state.profiles));
    expect(reopened.state.profiles.has('c3')).toBe(false);
    expect(reopened.state.sources.kafka).toEqual({ 'clickstream:0': '17' });
    expect(reopened.state.totals.summary(reopened.state.profiles.size)).toEqual(
      session.state.totals.summary(session.state.profiles.size),
    );
    // What a window shows first is the last checkpoint's, read from the end of store.changes.
    expect((await ProfileStore.glance(dir))?.summary).toMatchObject({ customers: 200, atRisk: 1 });
  });

  it('ignore a checkpoint cut short, and the next one is appended after the last whole one', async () => {
    const { dir, session } = await populatedStore();
    session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
    await session.checkpoint();
    const saved = plain(session.state.profiles);
    // A crash part-way through the next append: a whole profile line, then half of one.
    const changes = join(dir, 'store.changes');
    const lines = (await readFile(changes, 'utf8')).split('\n');
    await appendFile(changes, `${lines[0]?.replace('"listens":2', '"listens":9')}\n{"id":"c5","lis`);

    const reopened = await sessionIn(dir);
    expect(reopened.store.hasChanges).toBe(true);
    expect(plain(reopened.session.state.profiles)).toEqual(saved);
    expect(await ProfileStore.glance(dir)).toBeNull(); // the tail is no checkpoint: read in full
    reopened.session.apply([decoded(listen('c5', '2026-03-03 22:00:00'))], () => {});
    await reopened.session.checkpoint();
    expect(reopened.written[0]?.changesOnly).toBe(true);
    const again = await ProfileStore.open(dir);
    expect(again.notice).toBeNull();
    expect(plain(again.state.profiles)).toEqual(plain(reopened.session.state.profiles));
    expect(again.state.profiles.get('c1')?.listens).toBe(2);
    expect(again.state.profiles.get('c5')?.listens).toBe(2);
  });

  it('ignore changes left for an older whole store (a crash between writing it and deleting them)', async () => {
    const { dir, session } = await populatedStore();
    session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
    await session.checkpoint();
    await copyFile(join(dir, 'store.changes'), join(dir, 'kept'));
    session.apply([removal('c1')], () => {});
    await session.checkpoint({ whole: true });
    expect(await readdir(dir)).not.toContain('store.changes');
    await copyFile(join(dir, 'kept'), join(dir, 'store.changes')); // as if never deleted

    const reopened = await ProfileStore.open(dir);
    expect(reopened.notice).toBeNull();
    expect(reopened.state.profiles.has('c1')).toBe(false); // the old change to c1 is not applied
    expect(plain(reopened.state.profiles)).toEqual(plain(session.state.profiles));
    expect((await ProfileStore.glance(dir))?.summary.customers).toBe(199);
  });

  it('move the store aside with its changes when a change that was saved is damaged', async () => {
    const { dir, session } = await populatedStore();
    session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
    await session.checkpoint();
    const changes = join(dir, 'store.changes');
    await writeFile(changes, (await readFile(changes, 'utf8')).replace('"listens":2', '"listens":"2x"'));

    const reopened = await ProfileStore.open(dir);
    expect(reopened.notice).toMatch(
      /listens is not a whole number.*moved to .*store\.json\.damaged-.*\(its changes to .*store\.changes\.damaged-/,
    );
    expect(reopened.state.profiles.size).toBe(0);
    const files = await readdir(dir);
    expect(files.filter((f) => f.includes('.damaged-'))).toHaveLength(2);
  });

  it('write the store whole again once the changes would pass half its size, and at the end of a run', async () => {
    const { dir, session, written } = await populatedStore();
    // A tenth of the customers a checkpoint: a few appends, then a whole write.
    for (let round = 0; round < 8; round++) {
      session.apply(
        Array.from({ length: 20 }, (_, i) => decoded(listen(`c${round * 20 + i}`, '2026-03-04 10:00:00'))),
        () => {},
      );
      await session.checkpoint();
    }
    const kinds = written.slice(1).map((w) => (w.changesOnly ? 'append' : 'whole'));
    expect(kinds.slice(0, 3)).toEqual(['append', 'append', 'append']);
    expect(kinds).toContain('whole');
    const wholeBytes = (await stat(join(dir, 'store.json'))).size;
    const changesBytes = await stat(join(dir, 'store.changes')).then(
      (s) => s.size,
      () => 0,
    );
    expect(changesBytes).toBeLessThanOrEqual(wholeBytes / 2);

    session.apply([decoded(listen('c0', '2026-03-05 10:00:00'))], () => {});
    await session.checkpoint({ whole: true });
    expect(await readdir(dir)).toEqual(['store.json']);
    const reopened = await ProfileStore.open(dir);
    expect(plain(reopened.state.profiles)).toEqual(plain(session.state.profiles));
  });

  it('are kept when the app closes, and written whole when a command-line run ends', async () => {
    const { dir } = await populatedStore();
    for (const whole of [false, true]) {
      const engine = await Engine.open({ storeDir: dir });
      engine.session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
      await engine.close({ whole });
      const files = (await readdir(dir)).filter((f) => f.startsWith('store.'));
      expect(files).toEqual(whole ? ['store.json'] : ['store.changes', 'store.json']);
    }
    const { state } = await ProfileStore.open(dir);
    expect(state.profiles.get('c1')?.listens).toBe(3);
  });

  it('are whole on disk when the disk takes a write in parts, and written whole after one that failed', async () => {
    const { dir, session, written } = await populatedStore();
    const probe = await open(join(dir, 'store.json'), 'r');
    const proto = Object.getPrototypeOf(probe);
    await probe.close();
    const write = proto.write;
    let full = false;
    // A disk nearly full: a write takes part of what it is given and says so, or takes nothing.
    // Each store write's first call (an entry's close, a whole store's end) is taken in part.
    const taken = new Set<string>();
    proto.write = async function (
      this: FileHandle,
      data: unknown,
      offset?: number,
      length?: number,
      at?: number,
    ) {
      const kind =
        Buffer.isBuffer(data) && (data.includes('"base"') ? 'append' : data.includes(']}') ? 'whole' : null);
      if (kind) {
        if (full) return { bytesWritten: 0, buffer: data };
        if (!taken.has(kind)) {
          taken.add(kind);
          return write.call(this, data, offset, Math.ceil((length ?? data.length) / 3), at);
        }
      }
      return write.call(this, data, offset, length, at);
    };
    try {
      session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], (state) => {
        state.sources.kafka['t:0'] = '1';
      });
      await session.checkpoint();
      await session.checkpoint({ whole: true });
      expect(taken).toEqual(new Set(['append', 'whole']));
      expect((await ProfileStore.open(dir)).state.sources.kafka).toEqual({ 't:0': '1' });
      session.apply([decoded(listen('c4', '2026-03-03 21:00:00'))], (state) => {
        state.sources.kafka['t:0'] = '1';
      });
      await session.checkpoint(); // appended again, after the whole write

      full = true;
      session.apply([decoded(listen('c2', '2026-03-03 21:00:00'))], (state) => {
        state.sources.kafka['t:0'] = '2';
      });
      await expect(session.checkpoint()).rejects.toThrow(/took none/);
      // (and once more on the next call, as a failed checkpoint in the background is)
      await expect(session.checkpoint()).rejects.toThrow(/took none/);
      expect((await ProfileStore.open(dir)).state.sources.kafka).toEqual({ 't:0': '1' });
    } finally {
      proto.write = write;
    }
    session.apply([decoded(listen('c3', '2026-03-03 21:00:00'))], (state) => {
      state.sources.kafka['t:0'] = '3';
    });
    await session.checkpoint();
    expect(written.at(-1)?.changesOnly).toBe(false);
    const reopened = await ProfileStore.open(dir);
    expect(reopened.notice).toBeNull();
    expect(reopened.state.sources.kafka).toEqual({ 't:0': '3' });
    expect(plain(reopened.state.profiles)).toEqual(plain(session.state.profiles));
  });

  it.skipIf(process.platform === 'win32')(
    'move the store aside when store.changes is a pipe, rather than wait on it',
    async () => {
      const { dir } = await populatedStore();
      execFileSync('mkfifo', [join(dir, 'store.changes')]);
      const opened = await ProfileStore.open(dir);
      expect(opened.notice).toMatch(
        /store\.changes is not a file.*\(its changes to .*store\.changes\.damaged-/,
      );
    },
  );

  it('write whole after store.changes was cut short by something else', async () => {
    const { dir, session, written } = await populatedStore();
    session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
    await session.checkpoint();
    await writeFile(join(dir, 'store.changes'), '{"id"');
    session.apply([decoded(listen('c2', '2026-03-03 21:00:00'))], () => {});
    await expect(session.checkpoint()).rejects.toThrow(/store.changes holds 5 bytes/);
    await expect(session.checkpoint()).rejects.toThrow(/store.changes holds 5 bytes/); // reported once more
    await session.checkpoint();
    expect(written.at(-1)?.changesOnly).toBe(false);
    expect(plain((await ProfileStore.open(dir)).state.profiles)).toEqual(plain(session.state.profiles));
  });

  it.skipIf(process.platform === 'win32')(
    'never write through a link planted as store.changes or as the temporary file',
    async () => {
      const { dir, session, written } = await populatedStore();
      const victim = join(dir, 'victim.txt');
      await writeFile(victim, 'keep me\n');
      // A hard link first: opened, but not a file of its own.
      await link(victim, join(dir, 'store.changes'));
      session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
      await expect(session.checkpoint()).rejects.toThrow(/not a file of its own/);
      await expect(session.checkpoint()).rejects.toThrow(/not a file of its own/); // reported once more
      await session.checkpoint(); // whole: the name goes, the file stays
      expect(await readFile(victim, 'utf8')).toBe('keep me\n');
      await symlink(victim, join(dir, 'store.changes'));
      session.apply([decoded(listen('c1', '2026-03-03 22:00:00'))], () => {});
      await expect(session.checkpoint()).rejects.toThrow(/ELOOP|symbolic link/);
      await expect(session.checkpoint()).rejects.toThrow(/ELOOP|symbolic link/); // reported once more
      // The whole write's temporary file too: the link is replaced, not written through.
      await symlink(victim, join(dir, '.store.json.tmp'));
      await session.checkpoint(); // whole, and the link is gone
      expect(written.at(-1)?.changesOnly).toBe(false);
      expect(await readFile(victim, 'utf8')).toBe('keep me\n');
      expect(await readdir(dir)).not.toContain('store.changes');
      expect((await ProfileStore.open(dir)).state.profiles.get('c1')?.listens).toBe(3);
    },
  );

  it('hold only the records quarantined since the checkpoint before, and a reopened store has them all', async () => {
    const { dir, session, written } = await populatedStore();
    const bad = (from: number, n: number) =>
      Array.from(
        { length: n },
        (_, i): IngestRecord => ({
          origin: { file: 'f.jsonl', line: from + i },
          raw: `{"oops":${from + i}`,
          result: { ok: false, reason: 'not JSON' },
        }),
      );
    session.apply([...bad(1, 40), decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
    await session.checkpoint();
    session.apply([...bad(41, 25), decoded(listen('c2', '2026-03-03 21:00:00'))], () => {});
    await session.checkpoint();
    session.apply([decoded(listen('c3', '2026-03-03 21:00:00'))], () => {}); // none quarantined
    await session.checkpoint();
    expect(written.slice(1).map((w) => w.changesOnly)).toEqual([true, true, true]);
    const closes = (await readFile(join(dir, 'store.changes'), 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('{"base":'))
      .map((l) => JSON.parse(l).checkpoint.quarantine);
    // Before, every entry repeated every recent record: 40, 65, 65.
    expect(closes.map((q) => [q.since, q.total, q.recent.length])).toEqual([
      [0, 40, 40],
      [40, 65, 25],
      [65, 65, 0],
    ]);

    const reopened = await ProfileStore.open(dir);
    expect(reopened.notice).toBeNull();
    expect(reopened.state.quarantine).toEqual(session.state.quarantine);
    expect(reopened.state.quarantine.recent.map((r) => r.origin)).toEqual(
      Array.from({ length: 65 }, (_, i) => ({ file: 'f.jsonl', line: i + 1 })),
    );
    expect((await ProfileStore.glance(dir))?.quarantine.total).toBe(65);

    // A checkpoint that does not follow on from the one before it is damage, not a shorter list.
    const changes = join(dir, 'store.changes');
    await writeFile(changes, (await readFile(changes, 'utf8')).replace('"since":40', '"since":39'));
    expect((await ProfileStore.open(dir)).notice).toMatch(
      /adds to a quarantine of 39 records; the one before holds 40/,
    );
  });

  it('keep exactly the last records the session kept once the quarantine passes 10,000', async () => {
    const dir = await tempDir();
    const { session, written } = await sessionIn(dir);
    session.apply(
      Array.from({ length: 20_000 }, (_, i) =>
        decoded(listen(`c${i}`, '2026-03-02 07:10:00', { trackId: `t${i}` })),
      ),
      () => {},
    );
    await session.checkpoint();
    // 10,900, then 300 more: the session drops the oldest once it holds over 11,000.
    for (const [from, n] of [
      [0, 10_900],
      [10_900, 300],
    ] as const) {
      for (let i = from; i < from + n; i++)
        quarantineRecord(session.state.quarantine, { file: 'f.csv', line: i }, 'bad JSON', `${i}`);
      session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
      await session.checkpoint();
    }
    expect(written.map((w) => w.changesOnly)).toEqual([false, true, true]);
    expect(session.state.quarantine.recent).toHaveLength(10_000);
    const reopened = await ProfileStore.open(dir);
    expect(reopened.state.quarantine).toEqual(session.state.quarantine);
  });

  it('write whole when the records quarantined since the last checkpoint would pass half the store', async () => {
    const { dir, session, written } = await populatedStore();
    for (let i = 0; i < 400; i++)
      quarantineRecord(session.state.quarantine, { file: 'f.csv', line: i }, 'bad JSON', 'x'.repeat(200));
    session.apply([decoded(listen('c1', '2026-03-03 21:00:00'))], () => {});
    await session.checkpoint();
    expect(written.slice(1).map((w) => w.changesOnly)).toEqual([false]);
    expect(await readdir(dir)).not.toContain('store.changes');
  });

  it('leave one file at the end of a command-line run, even beside a write cut short', async () => {
    const { dir } = await populatedStore();
    await writeFile(join(dir, 'store.changes'), '{"id":"c1","lis');
    const engine = await Engine.open({ storeDir: dir });
    await engine.close({ whole: true });
    expect((await readdir(dir)).filter((f) => f.startsWith('store.'))).toEqual(['store.json']);
  });

  it('cost what changed: a checkpoint of one customer among 20,000 writes one profile', async () => {
    const dir = await tempDir();
    const { session, written, store } = await sessionIn(dir);
    session.apply(
      Array.from({ length: 20_000 }, (_, i) =>
        decoded(listen(`c${i}`, '2026-03-02 07:10:00', { trackId: `t${i}` })),
      ),
      () => {},
    );
    await session.checkpoint();
    const whole = await store.sizeBytes();
    session.apply([decoded(listen('c7', '2026-03-02 08:10:00'))], () => {});
    await session.checkpoint();
    expect(written[1]).toMatchObject({ changesOnly: true, profiles: 1 });
    expect((await store.sizeBytes()) - whole).toBeLessThan(20_000); // one profile and the header
  });

  const ids = fc.constantFrom('1', '2', '3', '10', '11');
  const time = fc
    .record({ day: fc.integer({ min: 1, max: 28 }), hour: fc.integer({ min: 0, max: 23 }) })
    .map(({ day, hour }) => `2026-02-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:30:00`);
  /** A record that could not be read, by where it was. */
  const unreadable = (line: number): IngestRecord => ({
    origin: { file: 'f.jsonl', line },
    raw: `{${line}`,
    result: { ok: false, reason: 'not JSON' },
  });
  /**
   * Events, now and then a customer removed (a tombstone from a profiles topic) or replaced whole
   * (a profile from it), or a record quarantined.
   */
  const anyRecord: fc.Arbitrary<C360Event | string | number | { replace: string; ts: string }> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({ id: ids, ts: time, track: fc.constantFrom('a', 'b', 'c') })
        .map((r) => listen(r.id, r.ts, { trackId: r.track })),
    },
    {
      weight: 2,
      arbitrary: fc.record({ id: ids, ts: time }).map((r) => click(r.id, r.ts, { product: 'x' })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ id: ids, ts: time, risk: fc.double({ min: 0, max: 1, noNaN: true }) })
        .map((r) => prediction(r.id, r.risk, { ts: r.ts })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ id: ids, note: fc.string() })
        .map((r) => event({ type: 'customer', customerId: r.id, Note: r.note })),
    },
    { weight: 1, arbitrary: ids },
    { weight: 1, arbitrary: fc.record({ replace: ids, ts: time }) },
    { weight: 1, arbitrary: fc.nat() },
  );

  it('give, for any split of a stream into batches and checkpoints, reopened, the profiles of the batches its position names', async () => {
    const kinds = { append: 0, whole: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyRecord, { maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
        async (records, cuts, reopens, background) => {
          const bounds = [...new Set(cuts.map((c) => c % (records.length + 1)))].sort((a, b) => a - b);
          // Made for each session apart: a replacement's profile becomes the session's own. All
          // are made before any checkpoint begins, as a source may read records ahead.
          const batchesOf = () => {
            const batches: IngestRecord[][] = [];
            let from = 0;
            for (const end of [...bounds, records.length]) {
              batches.push(
                records
                  .slice(from, end)
                  .map((r) =>
                    typeof r === 'string'
                      ? removal(r)
                      : typeof r === 'number'
                        ? unreadable(r)
                        : 'replace' in r
                          ? replacement(r.replace, r.ts)
                          : decoded(r),
                  ),
              );
              from = end;
            }
            return batches;
          };
          const batches = batchesOf();
          let stored = batchesOf();
          // The same batches in memory alone (a batch removes customers after its events): what
          // the store must hold after k batches, the position its checkpoint names.
          const inMemory = new IngestSession(memoryOnly, emptyEngineState());
          const after = [plain(inMemory.state.profiles)];
          const quarantined = [structuredClone(inMemory.state.quarantine)];
          for (const batch of batches) {
            inMemory.apply(batch, () => {});
            after.push(plain(inMemory.state.profiles));
            quarantined.push(structuredClone(inMemory.state.quarantine));
          }
          if (!records.some((r) => typeof r !== 'object' || 'replace' in r)) {
            const oneByOne: ProfileMap = new Map();
            for (const r of records) if (typeof r === 'object' && !('replace' in r)) applyEvent(oneByOne, r);
            expect(after.at(-1)).toEqual(plain(oneByOne));
          }
          const position = (state: EngineState) => Number(state.sources.kafka['t:0'] ?? 0);
          const reopenAt = new Set(reopens.map((c) => c % (bounds.length + 1)));
          const dir = await tempDir();
          const written: CheckpointStats[] = [];
          let open = await sessionIn(dir, written);
          for (let i = 0; i < batches.length; ) {
            open.session.apply(stored[i] as IngestRecord[], (state) => {
              state.sources.kafka['t:0'] = String(i + 1);
            });
            // In the background, as sources do: the next batches change profiles while it writes.
            if (background[i]) await open.session.maybeCheckpoint();
            else await open.session.checkpoint();
            if (!reopenAt.delete(i)) {
              i += 1;
              continue;
            }
            // Stopped once its last write is on disk: the store holds the profiles of the batches
            // its position names, and the stream resumes from there.
            while (open.session.writing) await sleep(1);
            open = await sessionIn(dir, written);
            // A restarted source reads its records again: the old session's replacements are its
            // own, changed by the batches after them, and must not be applied a second time.
            stored = batchesOf();
            i = position(open.session.state);
            expect(plain(open.session.state.profiles)).toEqual(after[i]);
            expect(withoutTimes(open.session.state.quarantine)).toEqual(withoutTimes(quarantined[i]));
          }
          await open.session.checkpoint();
          for (const w of written) kinds[w.changesOnly ? 'append' : 'whole'] += 1;
          const reopened = await ProfileStore.open(dir);
          expect(reopened.notice).toBeNull();
          expect(position(reopened.state)).toBe(batches.length);
          expect(plain(reopened.state.profiles)).toEqual(after.at(-1));
          expect(withoutTimes(reopened.state.quarantine)).toEqual(withoutTimes(quarantined.at(-1)));
          expect(reopened.state.totals.atRisk).toBe(inMemory.state.totals.atRisk);
        },
      ),
      { numRuns: 150 },
    );
    // Both ways of writing were taken, many times.
    expect(kinds.append).toBeGreaterThan(50);
    expect(kinds.whole).toBeGreaterThan(50);
  });
});
