import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyEngineState } from '../../main/engine/engine-state.js';
import { IngestSession } from '../../main/engine/ingest/ingest-session.js';
import { churnCrossing, churnOverview } from '../../main/engine/read/customer-views.js';
import {
  WINDOWS,
  type WindowCounts,
  type WindowEvent,
  WindowedCounts,
  type WindowName,
  windowStart,
} from '../../main/engine/read/windows.js';
import type { ProfileStore } from '../../main/engine/store/profile-store.js';
import { bucketOfHour, TIME_OF_DAY_BUCKETS } from '../../shared/time-of-day.js';
import { decodedLines, event } from '../support/events.js';
import { profilesOf } from '../support/profiles.js';

/**
 * Windows are exact: whatever the order events arrive in and however the clock moves, a window's
 * figures are those of the events in it now, and an event that has left a window is gone from
 * every figure, as if it had never arrived. Checked against a plain recount.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);

/** The rule written plainly: in the window's last N buckets up to `at`, and not after the clock. */
function recount(events: WindowEvent[], w: WindowName, at: number): WindowCounts {
  const from = windowStart(w, at);
  const c: WindowCounts = {
    listens: 0,
    mobile: 0,
    clicks: 0,
    predictions: 0,
    tod: [0, 0, 0, 0],
    dayHour: new Array(168).fill(0),
  };
  for (const e of events) {
    if (e.epochMs < from || e.epochMs > at) continue;
    if (e.kind === 'listen') {
      c.listens += 1;
      if (e.mobile) c.mobile += 1;
      const cell = e.dayOfWeek * 24 + e.hour;
      c.dayHour[cell] = (c.dayHour[cell] as number) + 1;
      const b = TIME_OF_DAY_BUCKETS.indexOf(bucketOfHour(e.hour));
      c.tod[b] = (c.tod[b] as number) + 1;
    } else if (e.kind === 'click') c.clicks += 1;
    else c.predictions += 1;
  }
  return c;
}

const op = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('add' as const),
      // The stream moves on, mostly; some events arrive late (up to 9 days), a few far in the future.
      step: fc.integer({ min: 0, max: 45 * MINUTE }),
      late: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 9 * DAY })),
      garbage: fc.integer({ min: 0, max: 40 }).map((n) => n === 0),
      kind: fc.constantFrom('listen', 'listen', 'click', 'prediction'),
      mobile: fc.boolean(),
      // Hours as written can differ from the UTC hour (an offset): any cell.
      hour: fc.integer({ min: 0, max: 23 }),
      dayOfWeek: fc.integer({ min: 0, max: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('query' as const),
      window: fc.constantFrom(...WINDOWS),
      ahead: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * HOUR })),
    }),
  },
);

describe('windowed statistics', () => {
  it('equal a recount of the events in the window, whatever the order and the clock', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 250 }), (ops) => {
        const windows = new WindowedCounts();
        const kept: WindowEvent[] = [];
        let cursor = T0;
        for (const o of ops) {
          if (o.type === 'add') {
            cursor += o.step;
            const t = o.garbage ? cursor + 400 * DAY : cursor - o.late;
            const e: WindowEvent =
              o.kind === 'listen'
                ? { kind: 'listen', epochMs: t, mobile: o.mobile, hour: o.hour, dayOfWeek: o.dayOfWeek }
                : { kind: o.kind as 'click' | 'prediction', epochMs: t };
            windows.add(e, T0);
            // What the engine keeps: an event not after the clock (a far-future one moves nothing).
            if (t <= windows.clock) kept.push(e);
          } else {
            const at = windows.clock + o.ahead;
            expect(windows.counts(o.window, at), `${o.window} at clock+${o.ahead}`).toEqual(
              recount(kept, o.window, at),
            );
          }
        }
        for (const w of WINDOWS) expect(windows.counts(w)).toEqual(recount(kept, w, windows.clock));
      }),
      { numRuns: 400, seed: 12 },
    );
  });

  it('start a bucket afresh when its slot in the ring takes a newer one', () => {
    // A day of minutes apart shares a slot of the minute ring; a week of hours, of the hour ring.
    const windows = new WindowedCounts();
    const kept: WindowEvent[] = [];
    const listen = (epochMs: number, dayOfWeek: number, hour: number): void => {
      const e: WindowEvent = { kind: 'listen', epochMs, mobile: dayOfWeek % 2 === 0, hour, dayOfWeek };
      windows.add(e, T0);
      kept.push(e);
    };
    listen(T0, 0, 0);
    listen(T0 + DAY, 1, 0);
    listen(T0 + 7 * DAY, 0, 3);
    listen(T0 + 8 * DAY, 1, 5);
    for (const w of WINDOWS) expect(windows.counts(w), w).toEqual(recount(kept, w, windows.clock));
    const back = WindowedCounts.fromJSON(JSON.parse(JSON.stringify(windows.toJSON())));
    for (const w of WINDOWS) expect(back.counts(w), w).toEqual(recount(kept, w, windows.clock));
  });

  it('come back whole from the checkpoint', () => {
    const windows = new WindowedCounts();
    for (let i = 0; i < 5000; i++)
      windows.add(
        {
          kind: i % 3 ? 'listen' : 'click',
          epochMs: T0 + i * 137_000,
          mobile: i % 2 === 0,
          hour: i % 24,
          dayOfWeek: i % 7,
        },
        T0,
      );
    const back = WindowedCounts.fromJSON(JSON.parse(JSON.stringify(windows.toJSON())));
    expect(back.clock).toBe(windows.clock);
    for (const w of WINDOWS) expect(back.counts(w)).toEqual(windows.counts(w));
  });

  it('keep a live stream’s windows moving with the wall clock while it is quiet, and a replay’s own time', () => {
    const live = new WindowedCounts();
    live.add({ kind: 'click', epochMs: T0 }, T0);
    expect(live.nowFor(T0 + 2 * HOUR)).toBe(T0 + 2 * HOUR);
    expect(live.counts('1h', live.nowFor(T0 + 2 * HOUR)).clicks).toBe(0); // the hour has gone by
    const replay = new WindowedCounts();
    replay.add({ kind: 'click', epochMs: Date.UTC(2017, 8, 1) }, T0);
    expect(replay.nowFor(T0)).toBe(Date.UTC(2017, 8, 1));
    expect(replay.counts('1h', replay.nowFor(T0)).clicks).toBe(1);
  });
});

describe('churn over a window', () => {
  it('is each customer’s latest prediction made in the window, as if older ones had never arrived', () => {
    const prediction = fc.record({
      id: fc.constantFrom('1', '2', '3', '4', '5'),
      minutesAgo: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      risk: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(null)),
      label: fc.constantFrom<0 | 1>(0, 1),
    });
    fc.assert(
      fc.property(
        fc.array(prediction, { maxLength: 60 }),
        fc.constantFrom<WindowName>(...WINDOWS),
        fc.constantFrom(0.2, 0.5),
        (predictions, w, threshold) => {
          const now = T0 + 3 * DAY;
          // Arrival order is by time here, as a topic keyed by customer delivers it.
          const events = [...predictions]
            .sort((a, b) => b.minutesAgo - a.minutesAgo)
            .map((p) =>
              event(
                p.risk === null
                  ? {
                      user_id: p.id,
                      prediction: p.label,
                      ts: new Date(now - p.minutesAgo * MINUTE).toISOString(),
                    }
                  : {
                      customerId: p.id,
                      churnRisk: p.risk,
                      ts: new Date(now - p.minutesAgo * MINUTE).toISOString(),
                    },
              ),
            );
          const from = windowStart(w, now);
          const inWindow = events.filter((e) => e.kind === 'prediction' && (e.at as number) >= from);
          expect(churnOverview(profilesOf(events).values(), threshold, 10, { from, to: now })).toEqual(
            churnOverview(profilesOf(inWindow).values(), threshold, 10),
          );
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('a prediction without a time of its own', () => {
  it('is placed at its arrival on the stream’s clock, for the windows’ counts and the window’s churn alike', () => {
    const session = new IngestSession(
      {
        appendable: () => false,
        appendableAtMost: () => 0,
        write: async () => ({ ms: 0, profiles: 0, sources: {} }),
      } as unknown as ProfileStore,
      emptyEngineState(),
    );
    const lines = [
      '{"type":"listen","customerId":"7","trackId":"1","ts":"2026-03-04 10:00:00"}',
      '{"user_id":"7","prediction":1}',
    ];
    session.apply(decodedLines(lines), () => {});
    const { windows, profiles } = session.state;
    const now = windows.clock;
    expect(windows.counts('1h', now).predictions).toBe(1);
    expect(profiles.get('7')?.churnHistory.at(-1)?.at).toBe(now);
    // The churn view for the last hour counts what the window's totals counted.
    const lastHour = churnOverview(profiles.values(), 0.2, 10, { from: windowStart('1h', now), to: now });
    expect([lastHour.predicted, lastHour.atRisk]).toEqual([1, 1]);
  });
});

describe('crossing into churn risk (the booth’s headline)', () => {
  it('is noted when the latest prediction turns the label to 1, with a masked name', () => {
    const at = (risk: number, day: number) => ({
      customerId: '1234',
      churnRisk: risk,
      ts: `2026-03-0${day}T02:00:00Z`,
    });
    const crm = event({ type: 'customer', customerId: '1234', Name: 'Grace Hopper' });
    const rising = profilesOf([crm, event(at(0.1, 1)), event(at(0.6, 2))]).get('1234');
    expect(rising && churnCrossing(rising, 0.2)).toMatchObject({
      label: 'G. H. #…34',
      risk: 0.6,
      previousRisk: 0.1,
      at: '2026-03-02T02:00:00.000Z',
    });
    const stays = profilesOf([crm, event(at(0.3, 1)), event(at(0.6, 2))]).get('1234');
    expect(stays && churnCrossing(stays, 0.2)).toBeNull(); // at risk already
    const falls = profilesOf([crm, event(at(0.6, 1)), event(at(0.1, 2))]).get('1234');
    expect(falls && churnCrossing(falls, 0.2)).toBeNull();
  });
});
