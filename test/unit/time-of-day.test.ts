import { describe, expect, it } from 'vitest';
import { bucketOfHour } from '../../shared/time-of-day.js';
import { listen } from '../support/events.js';
import { BUCKET_BY_HOUR } from '../support/expected-profiles.js';
import { profilesOf } from '../support/profiles.js';

describe('time-of-day buckets', () => {
  it('puts every hour in the bucket DESIGN §4 names', () => {
    expect(Array.from({ length: 24 }, (_, h) => bucketOfHour(h))).toEqual(BUCKET_BY_HOUR);
  });

  it.each([
    ['04:59:59', 'night'],
    ['05:00:00', 'morning'],
    ['11:59:59', 'morning'],
    ['12:00:00', 'afternoon'],
    ['16:59:59', 'afternoon'],
    ['17:00:00', 'evening'],
    ['21:59:59', 'evening'],
    ['22:00:00', 'night'],
    ['23:59:59', 'night'],
    ['00:00:00', 'night'],
  ] as const)('a listen at %s counts as %s', (time, bucket) => {
    const p = profilesOf([listen('7', `2026-03-04 ${time}`)]).get('7');
    const counts = { morning: p?.morning, afternoon: p?.afternoon, evening: p?.evening, night: p?.night };
    expect(counts).toEqual({ morning: 0, afternoon: 0, evening: 0, night: 0, [bucket]: 1 });
  });

  it('uses the hour written in an offset timestamp, not the UTC hour', () => {
    // 04:30 at -05:00 is 09:30 UTC: written hour 4 is night, UTC hour would be morning.
    const p = profilesOf([listen('7', '2026-03-04T04:30:00-05:00')]).get('7');
    expect(p?.night).toBe(1);
    expect(p?.morning).toBe(0);
  });

  it('rejects hours outside 0–23', () => {
    expect(() => bucketOfHour(24)).toThrow(RangeError);
  });
});
