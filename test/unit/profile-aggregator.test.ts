import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyEngineState } from '../../main/engine/engine-state.js';
import { IngestSession } from '../../main/engine/ingest/ingest-session.js';
import {
  addToCell,
  cellOf,
  churnLabel,
  dayHourOf,
  emptyProfile,
  firstSeen,
  lastSeen,
  type Profile,
} from '../../main/engine/profile/profile.js';
import { applyEvent, type ProfileMap } from '../../main/engine/profile/profile-aggregator.js';
import { BaseTotals } from '../../main/engine/read/base-totals.js';
import { baseStats, churnOverview, snapshotCountsAcc } from '../../main/engine/read/customer-views.js';
import type { ProfileStore } from '../../main/engine/store/profile-store.js';
import { decodeProfile, encodeProfile } from '../../main/engine/store/store-codec.js';
import type { StoreSnapshot } from '../../main/engine/store/store-snapshot.js';
import type { BaseStats } from '../../shared/engine-api.js';
import type { C360Event } from '../../shared/events.js';
import { click, event, listen, prediction } from '../support/events.js';
import { profilesOf } from '../support/profiles.js';

const only = (events: C360Event[], id = '1'): Profile => {
  const p = profilesOf(events).get(id);
  if (!p) throw new Error(`no profile for ${id}`);
  return p;
};

describe('listen aggregates', () => {
  it('counts listens, distinct tracks and mobile listens', () => {
    const p = only([
      listen('1', '2026-03-04 08:00:00', { trackId: 'a', mobile: true }),
      listen('1', '2026-03-04 09:00:00', { trackId: 'a', mobile: 1 }),
      listen('1', '2026-03-04 10:00:00', { trackId: 'b', mobile: '0' }),
      listen('1', '2026-03-04 11:00:00', { trackId: 'a', mobile: 'true' }),
    ]);
    expect(p.listens).toBe(4);
    expect(p.tracks.size).toBe(2);
    expect(p.mobile).toBe(3);
    expect(p.morning).toBe(4);
  });

  it('keeps first and last seen by time, whatever the arrival order', () => {
    const p = only([
      listen('1', '2026-03-05 10:00:00'),
      listen('1', '2026-03-04 09:00:00'),
      listen('1', '2026-03-06 23:59:00'),
      listen('1', '2026-03-05 12:00:00'),
    ]);
    expect(firstSeen(p)?.text).toBe('2026-03-04 09:00:00');
    expect(lastSeen(p)?.text).toBe('2026-03-06 23:59:00');
  });

  it('gives back first and last seen exactly as written, in every form, after the store too', () => {
    const forms = [
      '2026-03-04 09:00:00',
      '2026-03-04T09:00:00Z',
      '2026-03-04T09:00:00',
      '2026-03-04T11:00:00+02:00',
      '2026-03-04 09:00:00.250',
      '2026-03-04 09:00',
      '2026-03-04T09:00:00.000Z',
    ];
    for (const text of forms) {
      // Each form alone (first and last seen), then as the first of equals before a later listen.
      const alone = only([listen('1', text)]);
      const first = only([listen('1', text), listen('1', '2026-03-09 10:00:00')]);
      for (const p of [alone, first, decodeProfile(JSON.parse(JSON.stringify(encodeProfile(first))))]) {
        expect(firstSeen(p)).toEqual({ text, epochMs: Date.UTC(2026, 2, 4, 9) });
      }
      expect(lastSeen(alone)?.text).toBe(text);
      expect(lastSeen(first)?.text).toBe('2026-03-09 10:00:00');
    }
  });

  it('keeps a stored time as written when its text and instant disagree (a damaged or foreign store)', () => {
    const stored = encodeProfile(only([listen('1', '2026-03-04 09:00:00')]));
    const odd = { text: '2026-03-04 09:00:00', epochMs: Date.UTC(2026, 2, 4, 9, 30) };
    const p = decodeProfile({ ...stored, firstSeen: odd, lastSeen: odd });
    expect(firstSeen(p)).toEqual(odd);
    expect(lastSeen(p)).toEqual(odd);
  });

  it('fills the 7×24 day × hour histogram (Monday first)', () => {
    const p = only([
      listen('1', '2026-03-02 07:10:00'), // Monday 07
      listen('1', '2026-03-02 07:50:00'), // Monday 07
      listen('1', '2026-03-08 23:00:00'), // Sunday 23
    ]);
    expect(cellOf(p, 0 * 24 + 7)).toBe(2);
    expect(cellOf(p, 6 * 24 + 23)).toBe(1);
    expect(dayHourOf(p).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('widens a day × hour cell past 65,535 listens instead of wrapping to zero', () => {
    const p = only([listen('1', '2026-03-02 07:10:00')]);
    addToCell(p, 7, 65_534);
    expect(cellOf(p, 7)).toBe(65_535);
    applyEvent(new Map([['1', p]]), listen('1', '2026-03-02 07:20:00'));
    expect(cellOf(p, 7)).toBe(65_536);
    // And through the store, whose cells are widened the same way on reading (its checks want the
    // listens and buckets the cell stands for).
    p.listens += 65_534;
    p.morning += 65_534;
    const back = decodeProfile(JSON.parse(JSON.stringify(encodeProfile(p))));
    expect(cellOf(back, 7)).toBe(65_536);
  });

  it('takes the zip from the latest listen that has one', () => {
    const p = only([
      listen('1', '2026-03-05 10:00:00', { zip: '22222' }),
      listen('1', '2026-03-04 10:00:00', { zip: '11111' }),
      listen('1', '2026-03-06 10:00:00'),
    ]);
    expect(p.listenZip).toBe('22222');
    // When it was, as written, through the store too (the latest of equals wins, as last seen).
    const tie = only([
      listen('1', '2026-03-05T10:00:00+02:00', { zip: '33333' }),
      listen('1', '2026-03-05 08:00:00', { zip: '44444' }),
    ]);
    const back = decodeProfile(JSON.parse(JSON.stringify(encodeProfile(tie))));
    for (const q of [tie, back]) {
      expect(q.listenZip).toBe('44444');
      expect(encodeProfile(q).listenZip).toEqual({
        text: '2026-03-05 08:00:00',
        epochMs: Date.UTC(2026, 2, 5, 8),
        zip: '44444',
      });
    }
    const offset = only([listen('1', '2026-03-05T10:00:00+02:00', { zip: '33333' })]);
    expect(decodeProfile(JSON.parse(JSON.stringify(encodeProfile(offset)))).listenZip).toBe('33333');
    expect(encodeProfile(offset).listenZip?.text).toBe('2026-03-05T10:00:00+02:00');
  });
});

describe('click aggregates', () => {
  it('counts clicks, response times and products', () => {
    const p = only([
      click('1', '2026-03-04T10:00:00Z', { responseTimeMs: 100, product: 'gift_card' }),
      click('1', '2026-03-04T10:01:00Z', { responseTimeMs: 300, product: 'gift_card' }),
      click('1', '2026-03-04T10:02:00Z', { product: 'premium_plan' }),
    ]);
    expect(p.clicks).toBe(3);
    expect(p.listens).toBe(0);
    expect(p.responseTimes).toEqual({ count: 2, sum: 400, sumSquares: 100_000, min: 100, max: 300 });
    expect(p.products).toEqual({ gift_card: 2, premium_plan: 1 });
  });
});

describe('churn', () => {
  it('keeps the latest prediction with its model and time, and the history', () => {
    const p = only([
      prediction('1', 0.1, { model: 'm@1', ts: '2026-03-01T00:00:00Z' }),
      prediction('1', 0.4, { model: 'm@2', ts: '2026-03-08T00:00:00Z' }),
    ]);
    expect(p.churn).toEqual({
      risk: 0.4,
      label: null,
      model: 'm@2',
      ts: '2026-03-08T00:00:00Z',
      at: Date.UTC(2026, 2, 8), // its time, for windows
    });
    expect(p.churnHistory.map((h) => h.risk)).toEqual([0.1, 0.4]);
  });

  it('labels at the threshold: ≥ is 1, below is 0, none is empty', () => {
    const at = (risk: number, threshold: number) => churnLabel(only([prediction('1', risk)]), threshold);
    expect(at(0.2, 0.2)).toBe(1);
    expect(at(0.19999, 0.2)).toBe(0);
    expect(at(0.5, 0.6)).toBe(0);
    expect(at(0.6, 0.6)).toBe(1);
    expect(churnLabel(only([listen('1', '2026-03-04 10:00:00')]), 0.2)).toBeNull();
  });

  it('uses the label of a label-only prediction', () => {
    const p = only([event({ user_id: 1, prediction: 1 })]);
    expect(p.churn?.risk).toBeNull();
    expect(churnLabel(p, 0.2)).toBe(1);
  });

  it('bounds the history to the 50 most recent', () => {
    const p = only(Array.from({ length: 60 }, (_, i) => prediction('1', i / 100)));
    expect(p.churnHistory).toHaveLength(50);
    expect(p.churnHistory[0]?.risk).toBe(0.1);
    expect(p.churn?.risk).toBe(0.59);
  });

  it('gives a customer a history of its own at its first prediction, and none to the others', () => {
    const map = profilesOf([
      listen('1', '2026-03-04 08:00:00'),
      listen('2', '2026-03-04 08:00:00'),
      prediction('2', 0.7),
    ]);
    const again = profilesOf([prediction('1', 0.2), listen('3', '2026-03-04 08:00:00')]);
    expect(map.get('1')?.churnHistory).toEqual([]);
    expect(map.get('2')?.churnHistory.map((h) => h.risk)).toEqual([0.7]);
    expect(again.get('1')?.churnHistory.map((h) => h.risk)).toEqual([0.2]);
    expect(again.get('3')?.churnHistory).toEqual([]);
  });
});

describe('CRM records', () => {
  it('merges fields, later values winning, and keeps fields only some customers have', () => {
    const map = profilesOf([
      event({ type: 'customer', customerId: '1', Name: 'A', Level: 0 }),
      event({ type: 'customer', customerId: '1', Level: 2, LoyaltyCard: 'LC-1' }),
      event({ type: 'customer', customerId: '2', Name: 'B' }),
    ]);
    expect(map.get('1')?.crm).toEqual({ name: 'A', level: 'Gold', loyalty_card: 'LC-1' });
    expect(map.get('2')?.crm).toEqual({ name: 'B' });
  });
});

/** Base statistics kept running equal those counted from scratch (mean and variance to rounding). */
function expectSameStatistics(kept: BaseStats, counted: BaseStats): void {
  const near = (a: number | null, b: number | null) =>
    a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  const exact = (stats: BaseStats) => ({
    ...stats,
    columns: Object.fromEntries(
      Object.entries(stats.columns).map(([c, { mean: _, variance: __, ...rest }]) => [c, rest]),
    ),
  });
  expect(exact(kept)).toEqual(exact(counted));
  for (const [c, k] of Object.entries(kept.columns)) {
    const want = counted.columns[c as keyof BaseStats['columns']];
    expect(near(k.mean, want.mean), `${c} mean ${k.mean} ≠ ${want.mean}`).toBe(true);
    expect(near(k.variance, want.variance), `${c} variance ${k.variance} ≠ ${want.variance}`).toBe(true);
  }
}

describe('batching', () => {
  const ids = fc.constantFrom('1', '2', '3', '10');
  const time = fc
    .record({
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
    })
    .map(
      ({ day, hour, minute }) =>
        `2026-02-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`,
    );
  const anyEvent: fc.Arbitrary<C360Event> = fc.oneof(
    fc
      .record({
        id: ids,
        ts: time,
        track: fc.constantFrom('a', 'b', 'c', 'd'),
        mobile: fc.constantFrom<unknown>(true, false, 0, 1, '0', '1'),
        zip: fc.option(fc.constantFrom('11111', '22222'), { nil: undefined }),
      })
      .map((r) => listen(r.id, r.ts, { trackId: r.track, mobile: r.mobile, zip: r.zip })),
    fc
      .record({
        id: ids,
        ts: time,
        ms: fc.option(fc.integer({ min: 0, max: 9000 }), { nil: undefined }),
        product: fc.constantFrom('x', 'y'),
      })
      .map((r) => click(r.id, r.ts, { responseTimeMs: r.ms, product: r.product })),
    fc
      .record({ id: ids, ts: time, risk: fc.double({ min: 0, max: 1, noNaN: true }) })
      .map((r) => prediction(r.id, r.risk, { ts: r.ts })),
    fc
      .record({ id: ids, ts: time, label: fc.constantFrom(0, 1) })
      .map((r) => event({ user_id: Number(r.id), prediction: r.label, ts: r.ts })),
    fc
      .record({ id: ids, level: fc.constantFrom(0, 1, 2), extra: fc.string() })
      .map((r) => event({ type: 'customer', customerId: r.id, Level: r.level, Note: r.extra })),
  );

  /** Profiles as comparable plain data. */
  const plain = (map: ProfileMap) =>
    [...map.values()]
      .map((p) => ({ ...encodeProfile(p), tracks: [...p.tracks].sort() }))
      .sort((a, b) => a.id.localeCompare(b.id));

  /** A store that takes checkpoints (encoding every profile, as the real one does) and keeps nothing. */
  const nullStore = {
    appendable: () => false,
    appendableAtMost: () => 0,
    async write(snapshot: StoreSnapshot) {
      for await (const _ of snapshot.encoded()) {
        // drain
      }
      return { ms: 0, profiles: snapshot.profileCount, sources: snapshot.sources };
    },
  } as unknown as ProfileStore;

  it('gives the same profiles for any split of a stream into batches, through the session and its checkpoints', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyEvent, { maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (events, cuts) => {
          const oneByOne = profilesOf(events);
          const bounds = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
          const session = new IngestSession(nullStore, emptyEngineState(), { everyMs: 0, everyRecords: 7 });
          let start = 0;
          for (const end of [...bounds, events.length]) {
            session.apply(
              events
                .slice(start, end)
                .map((event) => ({ origin: { demo: true, seq: 0 }, raw: '', result: { ok: true, event } })),
              () => {},
            );
            await session.maybeCheckpoint();
            start = end;
          }
          await session.checkpoint();
          expect(plain(session.state.profiles)).toEqual(plain(oneByOne));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the running totals (at risk, listens by bucket, the all-time churn view, base statistics) equal to a count of every profile', () => {
    const counted = (profiles: ProfileMap, threshold: number) => {
      const acc = snapshotCountsAcc(threshold);
      for (const p of profiles.values()) acc.add(p);
      return acc.result();
    };
    const totals = (session: IngestSession) => ({
      atRisk: session.state.totals.atRisk,
      buckets: session.state.totals.buckets,
    });
    // Whole profiles from a profiles topic: another customer's events, or a tombstone.
    const replacement = fc.record({
      id: ids,
      events: fc.array(anyEvent, { maxLength: 8 }),
      removed: fc.boolean(),
    });
    // Risks that share a thousandth (the totals' bins) or are equal (the list's tie-break by id).
    const tied = fc
      .record({ id: ids, risk: fc.constantFrom(0.2, 0.5, 0.5004, 0.5006, 0.9, 0.9, 1) })
      .map((r) => prediction(r.id, r.risk));
    const someEvent = fc.oneof(anyEvent, tied);
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.array(someEvent, { maxLength: 30 }).map((events) => ({ events })) },
      { weight: 1, arbitrary: fc.array(replacement, { maxLength: 3 }).map((replaced) => ({ replaced })) },
      {
        weight: 1,
        arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((threshold) => ({ threshold })),
      },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const session = new IngestSession(nullStore, emptyEngineState(0.3), {
          everyMs: 1e9,
          everyRecords: 1e9,
        });
        const profiles = session.state.profiles;
        for (const s of steps) {
          if ('threshold' in s) session.state.totals.recount(profiles.values(), s.threshold);
          else if ('events' in s)
            session.apply(
              s.events.map((event) => ({
                origin: { demo: true, seq: 0 },
                raw: '',
                result: { ok: true, event },
              })),
              () => {},
            );
          else
            session.apply(
              s.replaced.map((r) => ({
                origin: { demo: true, seq: 0 } as const,
                customerId: r.id,
                profile: r.removed
                  ? null
                  : (profilesOf(r.events.map((e) => ({ ...e, customerId: r.id }))).get(r.id) ?? null),
              })),
              () => {},
            );
          const threshold = session.state.totals.threshold;
          expect(totals(session)).toEqual(counted(profiles, threshold));
          // The churn view for all time, as counted from scratch (the top 3 and the groups too).
          expect(session.state.totals.churnFigures(3)).toEqual(
            churnOverview(profiles.values(), threshold, 3),
          );
          // The base statistics: counts, min and max exactly; mean and variance to rounding.
          expectSameStatistics(
            session.state.totals.base.statistics(profiles, session.state.totals.buckets),
            baseStats(profiles.values()),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('base statistics kept running', () => {
  it('finds the next min and max when the customer holding one goes, past 65,535 listens too', () => {
    const totals = new BaseTotals();
    const customers = [3, 70_000, 5, 100_000, 3, 200_000].map((listens, i) => {
      const p = emptyProfile(String(i));
      p.listens = listens;
      p.clicks = 1;
      return p;
    });
    for (const p of customers) totals.enter(p);
    const listens = () => {
      const profiles = new Map(customers.map((p) => [p.customerId, p]));
      const { min, max, count } = totals.statistics(profiles, {
        morning: 0,
        afternoon: 0,
        evening: 0,
        night: 0,
      }).columns.listens;
      return { min, max, count };
    };
    expect(listens()).toEqual({ min: 3, max: 200_000, count: 6 });
    totals.leave(customers.pop() as Profile); // 200,000
    expect(listens()).toEqual({ min: 3, max: 100_000, count: 5 });
    totals.leave(customers.splice(3, 1)[0] as Profile); // 100,000
    expect(listens()).toEqual({ min: 3, max: 70_000, count: 4 });
    totals.leave(customers.splice(1, 1)[0] as Profile); // 70,000
    expect(listens()).toEqual({ min: 3, max: 5, count: 3 });
    totals.leave(customers.shift() as Profile); // one of the two at 3: still the min
    expect(listens()).toEqual({ min: 3, max: 5, count: 2 });
    totals.leave(customers.pop() as Profile);
    expect(listens()).toEqual({ min: 5, max: 5, count: 1 });
  });
});
