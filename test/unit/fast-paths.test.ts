import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastClick, fastListen, fastPrediction } from '../../main/engine/decode/fast-paths.js';
import { decodeRecordObject, viaSchema } from '../../main/engine/decode/record-decoder.js';
import { clickSchema, listenSchema, predictionSchema } from '../../main/engine/decode/record-schemas.js';
import { decodeTracksCsvLine } from '../../main/engine/decode/tracks-csv.js';
import { parseWrittenTime } from '../../shared/timestamp.js';

// The schemas are the definition of what is accepted and what it becomes; the fast paths must
// never disagree with them, only skip them. Values are drawn near every limit the schemas set.

const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
const commonTime = fc
  .tuple(
    fc.constantFrom('1999', '2024', '2026', '2100', '0000'),
    fc.constantFrom('00', '01', '02', '04', '12', '13'),
    fc.constantFrom('00', '01', '28', '29', '30', '31', '32'),
    fc.constantFrom(' ', 'T', '_'),
    fc.constantFrom('00', '04', '05', '23', '24'),
    two,
    two,
    fc.constantFrom('', 'Z', 'z', '+02:00'),
  )
  .map(([y, mo, d, sep, h, mi, s, zone]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${zone}`);
const anyTime = fc.oneof(
  commonTime,
  commonTime.map((t) => ` ${t} `),
  fc.constantFrom(
    '2026-03-04 21:15',
    '2026-03-04T23:30:00-05:00',
    '2026-03-04 21:15:07.123',
    'yesterday',
    '',
  ),
  fc.string({ maxLength: 22 }),
  fc.integer(),
);
const anyId = fc.oneof(
  fc.constantFrom('42', ' 42 ', '', '   ', 'x'.repeat(64), 'x'.repeat(65), ` ${'y'.repeat(64)} `),
  fc.string({ maxLength: 70 }),
  fc.integer({ min: -5, max: 1_000_000 }),
  fc.constantFrom(0, -0, 1.5, 2 ** 53, Number.NaN, true, null, undefined),
);
const anyText = fc.oneof(
  fc.constantFrom(null, undefined, '', 'e1', 'x'.repeat(2048), 'x'.repeat(2049), 0, 3.25, -1, true),
  fc.string({ maxLength: 10 }),
);
const anyMobile = fc.oneof(
  fc.constantFrom(true, false, 0, 1, 2, -0, '0', '1', ' TRUE ', 'False', 'yes', '', null, undefined),
  fc.string({ maxLength: 6 }),
);
const anyResponse = fc.oneof(
  fc.constantFrom(null, undefined, 0, -1, 3_600_000, 3_600_001, 12.5, '120', Number.NaN),
  fc.double({ min: -10, max: 4_000_000 }),
);
const anyRisk = fc.oneof(
  fc.constantFrom(0, 1, -0, 0.5, -0.01, 1.01, '0.5', null, undefined, Number.NaN),
  fc.double({ min: -1, max: 2 }),
);

/** Drops keys whose value is undefined, as a JSON record would not have them. */
const record = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const RUNS = 3000;

describe('fast paths agree with the schemas', () => {
  it('listens, as JSON objects', () => {
    fc.assert(
      fc.property(
        anyText,
        anyId,
        anyId,
        anyTime,
        anyMobile,
        anyText,
        (eventId, customerId, trackId, ts, mobile, zip) => {
          const obj = record({ type: 'listen', eventId, customerId, trackId, ts, mobile, zip });
          const expected = viaSchema(listenSchema, obj);
          expect(decodeRecordObject(obj)).toEqual(expected);
          const fast = fastListen(obj.eventId, obj.customerId, obj.trackId, obj.ts, obj.mobile, obj.zip);
          if (fast) expect({ ok: true, event: fast }).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('listens, as tracks CSV lines', () => {
    const cell = fc.oneof(fc.constantFrom('', ' ', '1', 'true', 'x'.repeat(65)), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(
        cell,
        cell,
        cell,
        commonTime,
        cell,
        cell,
        (eventId, customerId, trackId, ts, mobile, zip) => {
          const cells = [eventId, customerId, trackId, ts, mobile, zip];
          fc.pre(cells.every((c) => !/[,"\r\n]/.test(c)));
          const expected = viaSchema(listenSchema, {
            type: 'listen',
            eventId,
            customerId,
            trackId,
            ts,
            mobile,
            zip,
          });
          expect(decodeTracksCsvLine(cells.join(','))).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('clicks', () => {
    fc.assert(
      fc.property(
        anyId,
        anyTime,
        anyResponse,
        anyText,
        anyText,
        (customerId, ts, responseTimeMs, os, url) => {
          const obj = record({
            type: 'click',
            customerId,
            ts,
            responseTimeMs,
            os,
            browser: 'Chrome',
            product: os,
            url,
          });
          const expected = viaSchema(clickSchema, obj);
          expect(decodeRecordObject(obj)).toEqual(expected);
          const fast = fastClick(obj);
          if (fast) expect({ ok: true, event: fast }).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('predictions', () => {
    fc.assert(
      fc.property(anyId, anyRisk, anyText, anyText, (customerId, churnRisk, model, ts) => {
        const obj = record({ customerId, churnRisk, model, ts });
        fc.pre('churnRisk' in obj);
        const expected = viaSchema(predictionSchema, obj);
        expect(decodeRecordObject(obj, 'predictions')).toEqual(expected);
        const fast = fastPrediction(obj);
        if (fast) expect({ ok: true, event: fast }).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('take the usual records without the schema', () => {
    expect(fastListen('e1', '42', '981', '2026-03-04 21:15:07', '1', '72132')).not.toBeNull();
    expect(fastListen(null, 42, 981, '2026-03-04T21:15:07Z', true, null)).not.toBeNull();
    expect(
      fastClick({
        customerId: '42',
        ts: '2026-03-04T21:15:07Z',
        responseTimeMs: 2385,
        os: 'win7',
        url: 'https://x',
      }),
    ).not.toBeNull();
    expect(
      fastPrediction({ customerId: '42', churnRisk: 0.37, model: 'm@1', ts: '2026-03-04T21:15:07Z' }),
    ).not.toBeNull();
  });
});

describe('the character-code timestamp reader', () => {
  it('reads the common form exactly as the pattern reads it', () => {
    // A zero fraction sends the same time through the regular-expression path.
    fc.assert(
      fc.property(commonTime, (text) => {
        fc.pre(!text.includes('+'));
        const slow = text.endsWith('Z') ? `${text.slice(0, -1)}.0Z` : `${text}.0`;
        const a = parseWrittenTime(text);
        const b = parseWrittenTime(slow);
        expect(a === null ? null : { ...a, text: '' }).toEqual(b === null ? null : { ...b, text: '' });
      }),
      { numRuns: RUNS },
    );
  });
});
