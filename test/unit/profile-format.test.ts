import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IngestSession } from '../../main/engine/ingest/ingest-session.js';
import { uniqueTrackCount } from '../../main/engine/profile/profile.js';
import { decodeProfileValue } from '../../main/engine/sources/profiles/profile-format.js';
import { decodeProfileMessage } from '../../main/engine/sources/profiles/profiles-source.js';
import { ProfileStore } from '../../main/engine/store/profile-store.js';
import { encodeProfile } from '../../main/engine/store/store-codec.js';

/** The profiles the Streams app is tested to publish (computed by the engine's own code). */
const expected = readFileSync(
  new URL('../../streams/src/test/resources/profile-expected.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter(Boolean);

/** The value format again, from a decoded profile: the store's encoding with the tracks as a count. */
function asValue(key: string, text: string): string {
  const r = decodeProfileValue(key, text);
  if (!r.ok) throw new Error(r.reason);
  const { id, tracks: _t, uniqueTracks, ...rest } = encodeProfile(r.profile);
  const { listens, ...others } = rest;
  return JSON.stringify({
    v: 1,
    customerId: id,
    listens,
    uniqueTracks,
    ...others,
    churnHistory: r.profile.churnHistory.map(({ at: _a, ...p }) => p),
  });
}

const message = (key: string | null, value: string | null, offset = '0') => ({
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  offset,
  timestamp: '0',
  attributes: 0,
  headers: {},
});

describe('the customer-profiles format, version 1', () => {
  it('reads every profile the Streams app is tested to publish, losing nothing', () => {
    expect(expected.length).toBeGreaterThan(10);
    for (const line of expected) {
      const key = JSON.parse(line).customerId as string;
      expect(asValue(key, line)).toBe(line);
    }
  });

  it('refuses what is not a version-1 profile, saying why', () => {
    const line = expected[0] as string;
    const good = JSON.parse(line);
    const key = good.customerId as string;
    const variant = (change: (v: Record<string, unknown>) => void) => {
      const v = structuredClone(good);
      change(v);
      return JSON.stringify(v);
    };
    const cases: Array<[string, string, RegExp]> = [
      ['bad JSON', '{"v":1,', /bad JSON/],
      ['a later version', variant((v) => (v.v = 2)), /format version 2/],
      ['another customer', variant((v) => (v.customerId = 'someone-else')), /differs from the message key/],
      ['buckets that do not add up', variant((v) => (v.tod = [1_000, 0, 0, 0])), /tod/],
      ['a negative count', variant((v) => (v.clicks = -1)), /clicks/],
      ['more distinct tracks than listens', variant((v) => (v.uniqueTracks = 10_000)), /uniqueTracks/],
      [
        'a risk over 1',
        variant((v) => (v.churnHistory = [{ risk: 1.5, label: null, model: null, ts: null }])),
        /risk/,
      ],
      ['a nested CRM value', variant((v) => (v.crm = { a: { b: 1 } })), /crm/],
      ['a missing field', variant((v) => delete v.dayHour), /dayHour/],
    ];
    for (const [what, text, reason] of cases) {
      const r = decodeProfileValue(key, text);
      expect(r.ok, what).toBe(false);
      if (!r.ok) expect(r.reason, what).toMatch(reason);
    }
  });

  it('keeps data keys as data: __proto__ and constructor are products and CRM fields like any other', () => {
    const good = JSON.parse(expected[0] as string);
    const text = JSON.stringify({ ...good, crm: null, clicks: 3, responseTimes: null, products: {} }).replace(
      '"products":{}',
      '"products":{"__proto__":2,"constructor":1}',
    );
    const crmText = text.replace('"crm":null', '"crm":{"__proto__":"x","toString":1}');
    const r = decodeProfileValue(good.customerId, crmText);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.profile.products)).toBeNull();
    expect(Object.keys(r.profile.products)).toEqual(['__proto__', 'constructor']);
    expect(Object.entries(r.profile.products)).toEqual([
      ['__proto__', 2],
      ['constructor', 1],
    ]);
    expect(r.profile.crm?.toString).toBe(1);
  });

  it('turns messages into upserts, removals and rejections, and a session applies them', async () => {
    const line = expected[0] as string;
    const key = JSON.parse(line).customerId as string;
    const records = [
      decodeProfileMessage('p', 0, message(key, line, '0')),
      decodeProfileMessage('p', 0, message(null, line, '1')),
      decodeProfileMessage('p', 0, message('x\u0000y', line, '2')),
      decodeProfileMessage('p', 0, message('other', '{"v":1}', '3')),
      decodeProfileMessage('p', 1, message('gone', line.replaceAll(`"${key}"`, '"gone"'), '0')),
      decodeProfileMessage('p', 1, message('gone', null, '1')),
    ];
    const dir = await mkdtemp(join(tmpdir(), 'c360-profiles-'));
    const { store, state } = await ProfileStore.open(dir);
    const session = new IngestSession(store, state);
    session.apply(records, (s) => {
      s.sources.kafka['p:0'] = '4';
      s.sources.kafka['p:1'] = '2';
    });
    expect([...state.profiles.keys()]).toEqual([key]);
    const p = state.profiles.get(key);
    expect(p && uniqueTrackCount(p)).toBe(JSON.parse(line).uniqueTracks);
    expect(session.profileCounts).toEqual({ upserts: 2, removed: 1 });
    expect(state.quarantine.total).toBe(3);
    expect(state.quarantine.recent.map((q) => q.reason)).toEqual([
      'profile without a key (the customer id)',
      'key "x\\u0000y" is not a customer id',
      expect.stringMatching(/customerId|listens/),
    ]);
    // The store keeps the count of distinct tracks (the ids stay in the Streams app) and the offsets.
    await session.checkpoint();
    const reopened = await ProfileStore.open(dir);
    const back = reopened.state.profiles.get(key);
    expect(back && uniqueTrackCount(back)).toBe(JSON.parse(line).uniqueTracks);
    expect(back?.tracks.size).toBe(0);
    expect(reopened.state.sources.kafka['p:0']).toBe('4');
  });
});
