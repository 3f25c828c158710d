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
    await scanInSlices(profiles, [overview, base], 0);
    done = true;
    expect(overview.result()).toEqual(churnOverview(profiles.values(), 0.5, 10));
    expect(base.result()).toEqual(baseStats(profiles.values()));
    // 3,000 profiles, the clock looked at every 256: about a dozen slices, each a turn of the loop.
    expect(turns).toBeGreaterThanOrEqual(10);
  });
});
