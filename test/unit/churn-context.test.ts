import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addRecentListen,
  emptyProfile,
  listensOnDays,
  RECENT_DAYS,
} from '../../main/engine/profile/profile.js';
import { baseReference, churnContext } from '../../main/engine/read/churn-context.js';
import { decodeProfile, encodeProfile } from '../../main/engine/store/store-codec.js';
import { StoreDamage } from '../../main/engine/store/store-damage.js';
import { formatUtcWallClock } from '../../shared/timestamp.js';
import { click, event, listen, prediction } from '../support/events.js';
import { profilesOf } from '../support/profiles.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 12); // a Monday, noon
const at = (day: number, hour = 12) => formatUtcWallClock(T0 + day * DAY + (hour - 12) * 3_600_000);

describe('listens on recent days', () => {
  it('any order of the same listens gives the same days (so any split into batches does)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 20_000, max: 20_100 }), { minLength: 1, maxLength: 200 }),
        fc.nat(),
        (days, seed) => {
          const a = emptyProfile('1');
          const b = emptyProfile('1');
          for (const d of days) addRecentListen(a, d);
          const shuffled = [...days].sort((x, y) => ((x * 7919 + seed) % 101) - ((y * 7919 + seed) % 101));
          for (const d of shuffled) addRecentListen(b, d);
          const end = Math.max(...days);
          for (let d = end - RECENT_DAYS - 2; d <= end; d++) {
            // Plain reference: listens on day d if it is among the ring's days, else none.
            const expected = d > end - RECENT_DAYS ? days.filter((x) => x === d).length : 0;
            expect(listensOnDays(a, d, d)).toBe(expected);
            expect(listensOnDays(b, d, d)).toBe(expected);
          }
        },
      ),
    );
  });

  it('are kept by the store, and a damaged entry is refused by name', () => {
    const events = [0, 1, 1, 20, 40].map((d) => listen('7', at(d)));
    const p = profilesOf(events).get('7');
    if (!p) throw new Error('no profile');
    const back = decodeProfile(JSON.parse(JSON.stringify(encodeProfile(p))));
    expect(listensOnDays(back, 0, 10_000_000)).toBe(2); // days 20 and 40: 0 and 1 fell out of 35
    expect(listensOnDays(back, 0, 100_000)).toBe(listensOnDays(p, 0, 100_000));
    const stored = encodeProfile(p);
    expect(() => decodeProfile({ ...stored, recentDays: [stored.recentDays?.[0], 40, 1] })).toThrow(
      StoreDamage,
    );
    expect(() => decodeProfile({ ...stored, recentDays: [1, 0, 99] })).toThrow(/recentDays/);
    // A store written before the field existed reads as "no recent days", not as damage.
    const { recentDays: _, ...old } = stored;
    expect(decodeProfile(old).ringBlock).toBeNull();
  });
});

describe('why at risk: the profile beside the base', () => {
  // 40 steady customers: 2 listens a day for 35 days, fast pages, level Gold; the fading one:
  // 4 a day for 28 days, then 1 a day for 4 days, silent for the last 3, slow pages, level Free.
  const events = [];
  for (let c = 0; c < 40; c++) {
    events.push(event({ type: 'customer', customerId: `s${c}`, level: 'Gold', campaign: 'NONE' }));
    for (let d = 0; d < 35; d++) events.push(listen(`s${c}`, at(d, 9)), listen(`s${c}`, at(d, 20)));
    events.push(click(`s${c}`, at(30), { responseTimeMs: 300 }), prediction(`s${c}`, 0.1, { ts: at(34) }));
  }
  events.push(event({ type: 'customer', customerId: 'fade', level: 'Free', campaign: 'WEBOFFER' }));
  for (let d = 0; d < 28; d++) for (let h = 0; h < 4; h++) events.push(listen('fade', at(d, 8 + h)));
  for (let d = 28; d < 32; d++) events.push(listen('fade', at(d, 8), { mobile: true }));
  events.push(click('fade', at(33), { responseTimeMs: 4000 }), prediction('fade', 0.8, { ts: at(34) }));
  const profiles = profilesOf(events);
  const now = T0 + 34 * DAY + 6 * 3_600_000; // day 34, 18:00
  const base = baseReference(profiles, now, 0.2);
  const fade = profiles.get('fade');
  if (!fade) throw new Error('no profile');
  const context = churnContext(fade, now, base);
  const signal = (name: string) => context.signals.find((s) => s.name === name);

  it('reads the last 7 days against the 28 before, per day', () => {
    // Days 28–34 hold 4 listens (days 28–31); days 0–27 hold 4 a day: 4/7 ÷ 112/28 = 1/7.
    expect(signal('trend')?.value).toBeCloseTo(1 / 7, 5);
    expect(signal('trend')?.baseMedian).toBeCloseTo(1, 5);
    expect(signal('trend')?.percentile).toBeLessThan(5);
    expect(signal('trend')?.riskier).toBe('lower');
  });

  it('says how long since last heard and how slow the pages were, against the base', () => {
    expect(signal('daysSinceLastSeen')?.value).toBeCloseTo(3 + 10 / 24, 5); // day 31 08:00 → day 34 18:00
    expect(signal('daysSinceLastSeen')?.percentile).toBeGreaterThan(95);
    expect(signal('meanResponseMs')?.value).toBe(4000);
    expect(signal('meanResponseMs')?.baseMedian).toBe(300);
    expect(signal('mobileShare')?.value).toBeCloseTo(4 / 116, 5);
  });

  it('gives the at-risk share of the level and campaign beside the whole base', () => {
    expect(context.level).toEqual({ key: 'Free', customers: 1, atRiskShare: 1 });
    expect(context.campaign.key).toBe('WEBOFFER');
    expect(churnContext(profiles.get('s1') ?? fade, now, base).level).toEqual({
      key: 'Gold',
      customers: 40,
      atRiskShare: 0,
    });
    expect(context.base.atRiskShare).toBeCloseTo(1 / 41, 5);
    expect(context.base.sampled).toBe(41);
  });

  it('has no trend for a customer with no earlier listening, rather than an infinite one', () => {
    const fresh = profilesOf([listen('n', at(34, 9))]).get('n');
    if (!fresh) throw new Error('no profile');
    expect(churnContext(fresh, now, base).signals.find((s) => s.name === 'trend')?.value).toBeNull();
  });
});
