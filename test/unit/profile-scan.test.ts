import { describe, expect, it } from 'vitest';
import {
  baseStats,
  baseStatsAcc,
  churnOverview,
  churnOverviewAcc,
} from '../../main/engine/read/customer-views.js';
import { scanInSlices } from '../../main/engine/read/profile-scan.js';
import type { C360Event } from '../../shared/events.js';
import { listen, prediction } from '../support/events.js';
import { profilesOf } from '../support/profiles.js';

describe('read models over every profile, in slices', () => {
  const events: C360Event[] = [];
  for (let c = 0; c < 3000; c++) {
    events.push(listen(String(c), `2026-03-0${1 + (c % 7)} 1${c % 10}:00:00`, { trackId: String(c % 97) }));
    if (c % 3 !== 0) events.push(prediction(String(c), (c % 100) / 100, { ts: '2026-03-08 12:00:00' }));
  }
  const profiles = profilesOf(events);

  it('give what one pass gives, and let the event loop run between slices', async () => {
    let turns = 0;
    let done = false;
    const tick = () => {
      turns += 1;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const overview = churnOverviewAcc(0.5, 10);
    const base = baseStatsAcc();
    await scanInSlices(profiles, [overview, base], { budgetMs: 0, maxSliceMs: 0 });
    done = true;
    expect(overview.result()).toEqual(churnOverview(profiles.values(), 0.5, 10));
    expect(base.result()).toEqual(baseStats(profiles.values()));
    // 3,000 profiles, the clock looked at every 256: about a dozen slices, each a turn of the loop.
    expect(turns).toBeGreaterThanOrEqual(10);
  });

  /**
   * Another task that keeps the thread busy (an unpaced stream's batches), on a clock the test
   * moves: each of its turns takes `turnMs`, each profile read 0.01 ms. Returns the clock at the
   * end and the longest stretch the scan held the thread.
   */
  async function scanBeside(turnMs: number, options: { budgetMs?: number; maxSliceMs?: number }) {
    const many = new Map<string, typeof profiles extends Map<string, infer P> ? P : never>();
    const one = profiles.values().next().value;
    if (!one) throw new Error('no profile');
    for (let i = 0; i < 10_000; i++) many.set(String(i), one);
    let clock = 0;
    let read = 0;
    let done = false;
    let lastTurnEnd = 0;
    let longest = 0;
    const turn = () => {
      if (done) return;
      longest = Math.max(longest, clock - lastTurnEnd);
      clock += turnMs;
      lastTurnEnd = clock;
      setImmediate(turn);
    };
    setImmediate(turn);
    const counter = {
      add: () => {
        read += 1;
        clock += 0.01;
      },
      result: () => read,
    };
    await scanInSlices(many, [counter], { ...options, now: () => clock });
    longest = Math.max(longest, clock - lastTurnEnd);
    done = true;
    expect(read).toBe(10_000);
    return { elapsed: clock, longest };
  }

  it('keeps about half the thread while another task keeps it busy, in slices no longer than the cap', async () => {
    // 100 ms of reading beside 40 ms turns: fixed 6 ms slices took 6× as long (a tenth of the
    // thread); slices as long as the others' turns take under 3×.
    const busy = await scanBeside(40, {});
    expect(busy.elapsed).toBeLessThan(3 * 100);
    // Beside turns of half a second, slices stop at the cap (plus the 256 profiles between looks at the clock).
    const slow = await scanBeside(500, { maxSliceMs: 50 });
    expect(slow.longest).toBeLessThanOrEqual(50 + 2.56 + 1e-6);
    expect(slow.longest).toBeGreaterThanOrEqual(50);
  });
});
