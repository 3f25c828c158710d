import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyEngineState } from '../../main/engine/engine-state.js';
import { IngestSession } from '../../main/engine/ingest/ingest-session.js';
import { quarantineRecord } from '../../main/engine/ingest/quarantine.js';
import { cellOf, type Profile } from '../../main/engine/profile/profile.js';
import { ProfileStore } from '../../main/engine/store/profile-store.js';
import { encodeProfile } from '../../main/engine/store/store-codec.js';
import type { C360Event } from '../../shared/events.js';
import { click, event, listen, prediction } from '../support/events.js';
import { checkpointOf, profilesOf } from '../support/profiles.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'c360-store-'));

/** Adds fresh profiles (of customers not yet in `into`) to a state's profiles. */
function addAll(into: Map<string, Profile>, from: Map<string, Profile>): void {
  for (const [id, p] of from) {
    if (into.has(id)) throw new Error(`customer ${id} is there already`);
    into.set(id, p);
  }
}

describe('the store', () => {
  it('round-trips profiles, offsets and quarantine through a checkpoint', async () => {
    const dir = await tempDir();
    const { store, state } = await ProfileStore.open(dir);
    addAll(
      state.profiles,
      profilesOf([
        listen('1', '2026-03-02 07:10:00', { trackId: 'a', mobile: true, zip: '11111' }),
        listen('1', '2026-03-08 23:00:00', { trackId: 'b' }),
        click('1', '2026-03-04T10:00:00Z', { responseTimeMs: 250, product: 'gift_card' }),
        prediction('1', 0.3, { model: 'm@1' }),
        event({ type: 'customer', customerId: '1', Name: 'A', Extra: 'x' }),
      ]),
    );
    state.sources.kafka['clickstream:0'] = '42';
    quarantineRecord(state.quarantine, { file: 'f.csv', line: 3 }, 'bad JSON', '{');
    await checkpointOf(store, state);

    const again = await ProfileStore.open(dir);
    expect(again.notice).toBeNull();
    const [before] = state.profiles.values();
    const [after] = again.state.profiles.values();
    expect(after && encodeProfile(after)).toEqual(before && encodeProfile(before));
    expect(cellOf(after as Profile, 7)).toBe(1);
    expect(after?.churn?.risk).toBe(0.3);
    expect(again.state.sources.kafka).toEqual({ 'clickstream:0': '42' });
    expect(again.state.quarantine.recent[0]).toMatchObject({
      origin: { file: 'f.csv', line: 3 },
      reason: 'bad JSON',
    });
    expect(await readdir(dir)).toEqual(['store.json']);
  });

  it('moves a damaged store aside with a clear message instead of overwriting it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'store.json'), '{"format":"customer360-store","vers');
    const { state, notice } = await ProfileStore.open(dir);
    expect(state.profiles.size).toBe(0);
    expect(notice).toMatch(/could not be read .*moved to .*store\.json\.damaged-/);
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith('store.json.damaged-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside as string), 'utf8')).toBe('{"format":"customer360-store","vers');
    expect(files).not.toContain('store.json');
  });

  it('treats a JSON file that is not a store as damaged', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'store.json'), '{"hello":"world"}');
    const { notice } = await ProfileStore.open(dir);
    expect(notice).toMatch(/not a Customer 360 store/);
  });

  /** A good store with one profile, then `edit` applied to its text: the store must refuse it whole. */
  async function damagedBy(
    edit: (text: string) => string,
  ): Promise<{ notice: string | null; files: string[]; profiles: number }> {
    const dir = await tempDir();
    const { store } = await ProfileStore.open(dir);
    const state = emptyEngineState();
    addAll(
      state.profiles,
      profilesOf([
        listen('1', '2026-03-02 07:10:00'),
        listen('2', '2026-03-02 08:10:00'),
        listen('2', '2026-03-02 21:10:00'),
        event({ type: 'customer', customerId: '2', Name: 'Two' }),
      ]),
    );
    state.sources.kafka['clickstream:0'] = '42';
    await checkpointOf(store, state);
    const path = join(dir, 'store.json');
    await writeFile(path, edit(await readFile(path, 'utf8')));
    const { notice, state: opened } = await ProfileStore.open(dir);
    return { notice, files: await readdir(dir), profiles: opened.profiles.size };
  }

  it('refuses a store whose profiles have wrong types or do not add up, naming the customer and field', async () => {
    const cases: Array<[(t: string) => string, RegExp]> = [
      [
        (t) => t.replace('"listens":1', '"listens":"24x"'),
        /profile 1: listens is not a whole number \("24x"\)/,
      ],
      [(t) => t.replace('"listens":2', '"listens":3'), /profile 2: tod does not add up to listens/],
      [(t) => t.replace('"tod":[1,0,0,0]', '"tod":[1,0,0,1]'), /profile 1: tod does not add up to listens/],
      [(t) => t.replace('"mobile":0', '"mobile":-1'), /profile 1: mobile is not a whole number/],
      [
        (t) => t.replace('"Two"', '{"nested":true}'),
        /profile 2: crm.name is not a text, number or true\/false/,
      ],
      [
        (t) => t.replace('"churnHistory":[]', '"churnHistory":[{"risk":7}]'),
        /churnHistory holds something that is not a prediction/,
      ],
      [(t) => t.replace('"products":{}', '"products":[]'), /products is not an object/],
      [(t) => t.replace('"id":"2"', '"id":"1"'), /customer 1 has two profiles/],
      [(t) => t.replace('"id":"2"', '"id":"a\\u0000b"'), /a profile has no readable id/],
      [
        (t) => t.replace('"clickstream:0":"42"', '"clickstream:0":"-1"'),
        /not a Customer 360 store \(sources.kafka.clickstream:0: not an offset\)/,
      ],
    ];
    for (const [edit, message] of cases) {
      const { notice, files, profiles } = await damagedBy(edit);
      expect(notice, String(message)).toMatch(message);
      expect(notice).toMatch(/moved to .*store\.json\.damaged-.* a new, empty store was started/);
      expect(profiles).toBe(0); // nothing half-trusted
      expect(files.filter((f) => f.startsWith('store.json.damaged-'))).toHaveLength(1);
    }
  });

  it('says so when the store file is empty, and keeps it aside', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'store.json'), '');
    const { notice } = await ProfileStore.open(dir);
    expect(notice).toMatch(
      /could not be read \(the file is empty \(0 bytes\).*\); it was moved to .*store\.json\.damaged-/,
    );
    expect((await readdir(dir)).some((f) => f.startsWith('store.json.damaged-'))).toBe(true);
  });

  it('keeps the previous checkpoint when a write fails part-way', async () => {
    const dir = await tempDir();
    const { store } = await ProfileStore.open(dir);
    const state = emptyEngineState();
    addAll(state.profiles, profilesOf([listen('1', '2026-03-02 07:10:00')]));
    await checkpointOf(store, state);
    const bad = emptyEngineState();
    // BigInt cannot be serialised: the write fails before anything reaches the file.
    (bad.sources.kafka as Record<string, unknown>).x = 1n;
    await expect(checkpointOf(store, bad)).rejects.toThrow();
    const reopened = await ProfileStore.open(dir);
    expect(reopened.state.profiles.get('1')?.listens).toBe(1);
  });
});

describe("a store's saved figures", () => {
  it('glances at the figures of the last checkpoint without reading the profiles, and at nothing doubtful', async () => {
    const dir = await tempDir();
    expect(await ProfileStore.glance(dir)).toBeNull(); // no store yet
    const { store, state } = await ProfileStore.open(dir, 0.5);
    const session = new IngestSession(store, state);
    session.apply(
      [
        listen('1', '2026-03-02 07:10:00'),
        listen('1', '2026-03-02 14:10:00'),
        listen('2', '2026-03-02 23:10:00'),
        prediction('1', 0.7),
        prediction('2', 0.4),
        prediction('3', 0.9),
        prediction('3', 0.2), // the latest counts: not at risk
      ].map((e) => ({ origin: { demo: true, seq: 0 }, raw: '', result: { ok: true, event: e } })),
      () => {},
    );
    await session.checkpoint();
    const glance = await ProfileStore.glance(dir);
    expect(glance?.summary).toEqual({
      customers: 3,
      threshold: 0.5,
      atRisk: 1,
      buckets: { morning: 1, afternoon: 1, evening: 0, night: 1 },
    });
    expect(glance?.windows.counts('7d', Date.parse('2026-03-03T00:00:00Z')).listens).toBe(3);
    // Read in full at another threshold, the totals are counted at that one.
    expect((await ProfileStore.open(dir, 0.1)).state.totals.atRisk).toBe(3);

    // A store written before the figures were saved, and a first line that is not a header.
    const file = join(dir, 'store.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/"summary":\{[^}]*\{[^}]*\}\},?/, ''));
    expect((await ProfileStore.open(dir)).state.profiles.size).toBe(3);
    expect(await ProfileStore.glance(dir)).toBeNull();
    await writeFile(file, `{"format":"customer360-store","summary":{"customers":-1}}\n${text}`);
    expect(await ProfileStore.glance(dir)).toBeNull();
  });
});

describe('the store at scale', () => {
  /** 20,000 customers with a few listens each: enough for a checkpoint to take many slices. */
  const populated = async (dir: string) => {
    const opened = await ProfileStore.open(dir);
    const events = [];
    for (let i = 0; i < 20_000; i++)
      events.push(listen(String(i), '2026-03-02 07:10:00', { trackId: `t${i % 50}` }));
    addAll(opened.state.profiles, profilesOf(events));
    return opened;
  };

  it('writes one JSON document, a profile a line, that any JSON reader can read', async () => {
    const dir = await tempDir();
    const { store, state } = await populated(dir);
    await checkpointOf(store, state);
    const text = await readFile(join(dir, 'store.json'), 'utf8');
    expect(text.split('\n').length).toBeGreaterThan(20_000);
    const doc = JSON.parse(text);
    expect(doc.format).toBe('customer360-store');
    expect(doc.profiles).toHaveLength(20_000);
  });

  it('holds exactly the state at the moment of the checkpoint while batches go on being applied', async () => {
    const dir = await tempDir();
    const { store, state } = await populated(dir);
    state.sources.kafka['clickstream:0'] = '20000';
    const session = new IngestSession(store, state, { everyMs: 0, everyRecords: 1 });
    // As JSON: encodeProfile shares the live profile's objects, which go on changing.
    const frozen = (p: Profile) => JSON.parse(JSON.stringify(encodeProfile(p)));
    const expected = new Map([...state.profiles].map(([id, p]) => [id, frozen(p)]));
    const record = (e: C360Event) => ({
      origin: { demo: true as const, seq: 0 },
      raw: '',
      result: { ok: true as const, event: e },
    });
    // One record starts the checkpoint; then batches change old profiles and add new ones until it is on disk.
    session.apply([record(listen('0', '2026-03-02 08:00:00'))], (s) => {
      s.sources.kafka['clickstream:0'] = '20001';
    });
    expected.set('0', frozen(state.profiles.get('0') as Profile));
    await session.maybeCheckpoint();
    let batches = 0;
    let offset = 20_001;
    while (session.saved === null) {
      const id = String(batches * 7);
      // Every kind of change a profile can see: its listens, clicks, predictions and CRM fields.
      const changed = [
        listen(id, '2026-03-09 09:00:00', { trackId: 'new' }),
        click(id, '2026-03-09T09:00:00Z', { responseTimeMs: 120, product: 'gift_card' }),
        prediction(id, 0.9, { model: 'm@2' }),
        event({ type: 'customer', customerId: id, name: 'Changed' }),
        listen(`new-${batches}`, '2026-03-09 09:00:00'),
      ];
      session.apply(changed.map(record), (s) => {
        offset += changed.length;
        s.sources.kafka['clickstream:0'] = String(offset);
      });
      batches += 1;
      await new Promise((r) => setImmediate(r));
    }
    // The write really overlapped ingest, and every changed profile is in the file as it was.
    expect(batches).toBeGreaterThan(3);
    expect(session.saved.sources.kafka['clickstream:0']).toBe('20001');
    const reopened = await ProfileStore.open(dir);
    expect(reopened.state.sources.kafka['clickstream:0']).toBe('20001');
    expect(reopened.state.profiles.size).toBe(20_000);
    for (const [id, p] of reopened.state.profiles) expect(encodeProfile(p)).toEqual(expected.get(id));
    expect(state.profiles.get('7')?.listens).toBe(2); // the live state did move on
  });

  it('still reads a store written as one line', async () => {
    const dir = await tempDir();
    const { store, state } = await populated(dir);
    await checkpointOf(store, state);
    const doc = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8'));
    await writeFile(join(dir, 'store.json'), JSON.stringify(doc));
    const again = await ProfileStore.open(dir);
    expect(again.notice).toBeNull();
    expect(again.state.profiles.size).toBe(20_000);
  });

  it('moves a truncated store aside', async () => {
    const dir = await tempDir();
    const { store, state } = await populated(dir);
    await checkpointOf(store, state);
    const text = await readFile(join(dir, 'store.json'), 'utf8');
    await writeFile(join(dir, 'store.json'), text.slice(0, Math.floor(text.length / 2)));
    const again = await ProfileStore.open(dir);
    expect(again.notice).toMatch(/could not be read/);
    expect(again.state.profiles.size).toBe(0);
  });

  it('keeps the previous checkpoint and leaves no temporary file when a profile cannot be written', async () => {
    const dir = await tempDir();
    const { store, state } = await populated(dir);
    await checkpointOf(store, state);
    // Deep in the profile list, so part of the new file is written before it fails.
    const late = state.profiles.get('19990') as Profile;
    late.crm = { broken: 1n as unknown as number };
    await expect(checkpointOf(store, state)).rejects.toThrow(/BigInt/);
    expect(await readdir(dir)).toEqual(['store.json']);
    const reopened = await ProfileStore.open(dir);
    expect(reopened.state.profiles.size).toBe(20_000);
    expect(reopened.state.profiles.get('19990')?.crm).toBeNull();
  });
});
