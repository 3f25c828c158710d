import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUtcIso, formatUtcWallClock, parseWrittenTime } from '../../shared/timestamp.js';

describe('parseWrittenTime', () => {
  it('reads the listen format with a space and no zone', () => {
    const t = parseWrittenTime('2026-03-04 21:15:07');
    expect(t).toMatchObject({ hour: 21, dayOfWeek: 2 }); // 2026-03-04 is a Wednesday
    expect(t?.epochMs).toBe(Date.UTC(2026, 2, 4, 21, 15, 7));
  });

  it('takes the hour as written when the timestamp carries an offset', () => {
    const t = parseWrittenTime('2026-03-04T23:30:00-05:00');
    expect(t?.hour).toBe(23);
    expect(t?.dayOfWeek).toBe(2);
    expect(t?.epochMs).toBe(Date.UTC(2026, 2, 5, 4, 30));
  });

  it('reads Z, fractional seconds and compact offsets', () => {
    expect(parseWrittenTime('2026-03-04T21:15:07Z')?.hour).toBe(21);
    expect(parseWrittenTime('2026-03-04T21:15:07.123Z')?.epochMs).toBe(Date.UTC(2026, 2, 4, 21, 15, 7));
    expect(parseWrittenTime('2026-03-04T01:00:00+0530')?.epochMs).toBe(Date.UTC(2026, 2, 3, 19, 30));
  });

  it('numbers days of the week from Monday', () => {
    expect(parseWrittenTime('2026-03-02 10:00:00')?.dayOfWeek).toBe(0); // Monday
    expect(parseWrittenTime('2026-03-08 10:00:00')?.dayOfWeek).toBe(6); // Sunday
  });

  it.each([
    '',
    'yesterday',
    '2026-13-01 10:00:00',
    '2026-02-30 10:00:00',
    '2026-03-04 24:00:00',
    '2026-03-04 10:61:00',
    '04/03/2026 10:00',
    // Outside 1970–2100: a broken clock, and Date.UTC would have read 0042 as 1942.
    '0042-03-04 10:00:00',
    '1969-12-31 23:59:59Z',
    '2101-01-01 00:00:00',
    '9999-12-31T23:59:59Z',
  ])('rejects %j', (text) => {
    expect(parseWrittenTime(text)).toBeNull();
  });

  it('reads the first and last years it accepts', () => {
    expect(parseWrittenTime('1970-01-01 00:00:00')?.epochMs).toBe(0);
    expect(parseWrittenTime('2100-12-31T23:59:59Z')?.epochMs).toBe(Date.UTC(2100, 11, 31, 23, 59, 59));
  });
});

describe('formatUtcWallClock and formatUtcIso', () => {
  const byDate = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  it('write what Date writes, for any instant, leap days and year ends included', () => {
    const edges = [
      0,
      Date.UTC(2000, 1, 29, 12),
      Date.UTC(2100, 1, 28, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(2024, 11, 31, 23, 59, 59),
      Date.UTC(2100, 11, 31, 23, 59, 59, 999),
      Date.UTC(2101, 0, 1),
      -1,
      Date.UTC(2400, 1, 29),
    ];
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...edges), fc.integer({ min: -86_400_000, max: Date.UTC(2102, 0, 1) })),
        (ms) => {
          expect(formatUtcWallClock(ms)).toBe(byDate(ms).replace('T', ' '));
          expect(formatUtcIso(ms)).toBe(`${byDate(ms)}Z`);
          // And read back to the second they name.
          if (ms >= 0 && ms < Date.UTC(2101, 0, 1))
            expect(parseWrittenTime(formatUtcWallClock(ms))?.epochMs).toBe(Math.floor(ms / 1000) * 1000);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
