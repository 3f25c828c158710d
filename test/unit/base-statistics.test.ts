import { describe, expect, it } from 'vitest';
import { baseStatistics } from '../../main/engine/read/base-statistics.js';
import { event, listen, prediction } from '../support/events.js';
import { profilesOf } from '../support/profiles.js';

describe('base statistics (colStats)', () => {
  const profiles = profilesOf([
    // customer 1: 3 listens (2 tracks); 2: 1 listen; 3: 2 listens; 4: CRM and prediction only (no events)
    listen('1', '2026-03-04 08:00:00', { trackId: 'a' }),
    listen('1', '2026-03-04 13:00:00', { trackId: 'b' }),
    listen('1', '2026-03-04 19:00:00', { trackId: 'a' }),
    listen('2', '2026-03-04 23:00:00', { trackId: 'a' }),
    listen('3', '2026-03-04 09:00:00', { trackId: 'c' }),
    listen('3', '2026-03-04 09:30:00', { trackId: 'd' }),
    prediction('1', 0.5),
    prediction('3', 0.1),
    prediction('4', 0.9),
    event({ type: 'customer', customerId: '4', Name: 'No events' }),
  ]).values();
  const stats = baseStatistics(profiles);

  it('counts only customers with at least one clickstream event', () => {
    expect(stats.listens.count).toBe(3);
  });

  it('gives mean, unbiased variance (n−1), min and max', () => {
    // listens 3, 1, 2: mean 2, sample variance ((1)+(1)+0)/2 = 1
    expect(stats.listens).toEqual({ count: 3, mean: 2, variance: 1, min: 1, max: 3 });
    // unique tracks 2, 1, 2: mean 5/3, variance ((1/3)² + (2/3)² + (1/3)²)/2 = 1/3
    expect(stats.unique_tracks.mean).toBeCloseTo(5 / 3, 12);
    expect(stats.unique_tracks.variance).toBeCloseTo(1 / 3, 12);
    expect(stats.night).toMatchObject({ count: 3, min: 0, max: 1 });
  });

  it('summarises churn risk over the customers that have one (and events)', () => {
    // 0.5 and 0.1 (customer 4 has no events): mean 0.3, variance 0.08
    expect(stats.churn_risk.count).toBe(2);
    expect(stats.churn_risk.mean).toBeCloseTo(0.3, 12);
    expect(stats.churn_risk.variance).toBeCloseTo(0.08, 12);
  });

  it('has variance 0 for one customer and empty values for none', () => {
    const one = baseStatistics(profilesOf([listen('1', '2026-03-04 08:00:00')]).values());
    expect(one.listens).toEqual({ count: 1, mean: 1, variance: 0, min: 1, max: 1 });
    expect(one.churn_risk).toEqual({ count: 0, mean: null, variance: null, min: null, max: null });
  });
});
