import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyEngineState } from '../../main/engine/engine-state.js';
import { aggregateBatch, mergeInto } from '../../main/engine/profile-aggregator.js';
import { ProfileStore } from '../../main/engine/profile-store.js';
import { quarantineRecord } from '../../main/engine/quarantine.js';
import { encodeProfile } from '../../main/engine/store-codec.js';
import { click, event, listen, prediction } from '../support/events.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'c360-store-'));

describe('the store', () => {
  it('round-trips profiles, offsets and quarantine through a checkpoint', async () => {
    const dir = await tempDir();
    const { store, state } = await ProfileStore.open(dir);
    mergeInto(
      state.profiles,
      aggregateBatch([
        listen('1', '2026-03-02 07:10:00', { trackId: 'a', mobile: true, zip: '11111' }),
        listen('1', '2026-03-08 23:00:00', { trackId: 'b' }),
        click('1', '2026-03-04T10:00:00Z', { responseTimeMs: 250, product: 'gift_card' }),
        prediction('1', 0.3, { model: 'm@1' }),
        event({ type: 'customer', customerId: '1', Name: 'A', Extra: 'x' }),
      ]),
    );
    state.sources.kafka['clickstream:0'] = '42';
    quarantineRecord(state.quarantine, { file: 'f.csv', line: 3 }, 'bad JSON', '{');
    await store.checkpoint(state);

    const again = await ProfileStore.open(dir);
    expect(again.notice).toBeNull();
    const [before] = state.profiles.values();
    const [after] = again.state.profiles.values();
    expect(after && encodeProfile(after)).toEqual(before && encodeProfile(before));
    expect(after?.dayHour[7]).toBe(1);
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

  it('keeps the previous checkpoint when a write fails part-way', async () => {
    const dir = await tempDir();
    const { store } = await ProfileStore.open(dir);
    const state = emptyEngineState();
    mergeInto(state.profiles, aggregateBatch([listen('1', '2026-03-02 07:10:00')]));
    await store.checkpoint(state);
    const bad = emptyEngineState();
    // BigInt cannot be serialised: the write fails before anything reaches the file.
    (bad.sources.kafka as Record<string, unknown>).x = 1n;
    await expect(store.checkpoint(bad)).rejects.toThrow();
    const reopened = await ProfileStore.open(dir);
    expect(reopened.state.profiles.get('1')?.listens).toBe(1);
  });
});
