import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeListenBytes,
  plainListenFields,
  scanPlainListen,
} from '../../main/engine/decode/json-listen-bytes.js';
import { decodeJsonRecord } from '../../main/engine/decode/record-decoder.js';
import { encodeEvent } from '../../main/engine/kafka/event-wire.js';
import { keptText } from '../../main/engine/profile/profile.js';
import { decodeKafkaMessage } from '../../main/engine/sources/kafka/message-decoder.js';
import { parseWrittenTime } from '../../shared/timestamp.js';

// The byte reader of JSON listens may only skip JSON.parse: whatever it accepts must decode to
// exactly what the text path gives, and what producers write must take the byte path.

const value = fc.oneof(
  fc.constantFrom(
    '42',
    ' 42 ',
    '',
    'x'.repeat(64),
    'x'.repeat(65),
    '2026-03-04 21:15:07',
    '2026-03-04T21:15:07Z',
  ),
  fc.constantFrom('caf\u00e9', 'tab\there', 'line\nbreak', 'quote"d', 'back\\slash', '\u0000', '\u007f'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -3, max: 10 ** 16 }),
  fc.constantFrom(0, 1, 1.5, 1e3, true, false, null),
);
const key = fc.constantFrom(
  'type',
  'eventId',
  'customerId',
  'trackId',
  'ts',
  'mobile',
  'zip',
  'other',
  '__proto__',
);

/** A listen written as producers write it, or changed a little: keys, values, order, spacing. */
const message = fc
  .record({
    eventId: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom<unknown>(7, true, '')), {
      nil: null,
    }),
    customerId: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('c1', 'C-0042', ' c2', 'c\u007f', 'caf\u00e9') },
      fc.string({ minLength: 1, maxLength: 10 }),
    ),
    trackId: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('t9', '1234') },
      fc.string({ minLength: 1, maxLength: 10 }),
    ),
    ts: fc.constantFrom(
      '2026-03-04 21:15:07',
      '2026-12-31T23:59:59Z',
      '2026-12-31T23:59:59',
      '2026-03-04 21:15:07Z',
      '2026-03-04 21:15',
      '2026-03-04T21:15:07+02:00',
      '2026-02-30 10:00:00',
      'later',
    ),
    mobile: fc.oneof(fc.boolean(), fc.constantFrom<unknown>(0, 1, 2, '1', 'true', 'TRUE', ' 0', null)),
    zip: fc.option(fc.constantFrom<unknown>('10115', '021', 'SW1A 1AA', '', 10115, 'z\u007f'), { nil: null }),
    // Mostly whole listens, so both outcomes are common.
    extra: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      fc.array(fc.tuple(key, value), { maxLength: 2 }),
    ),
    drop: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, fc.array(key, { maxLength: 2 })),
    spaced: fc.boolean(),
    reversed: fc.boolean(),
    trailing: fc.constantFrom('', '', '', ' ', '\n', 'x', '}'),
  })
  .map((m) => {
    const entries: Array<[string, unknown]> = Object.entries({
      type: 'listen',
      eventId: m.eventId,
      customerId: m.customerId,
      trackId: m.trackId,
      ts: m.ts,
      mobile: m.mobile,
      zip: m.zip,
    }).filter(([k]) => !(m.drop as string[]).includes(k));
    entries.push(...m.extra);
    if (m.reversed) entries.reverse();
    const body = entries.map(([k, v]) => `${JSON.stringify(k)}:${m.spaced ? ' ' : ''}${JSON.stringify(v)}`);
    return `${m.spaced ? ' ' : ''}{${body.join(m.spaced ? ', ' : ',')}}${m.trailing}`;
  });

/** A listen as `c360 produce` and the demo write it (encodeEvent through JSON.stringify). */
const producerListen = fc
  .record({
    eventId: fc.option(fc.constantFrom('e-1', 'e42'), { nil: null }),
    customerId: fc.constantFrom('c1', 'C-0042', '42'),
    trackId: fc.constantFrom('t9', '1234'),
    ts: fc.constantFrom('2026-03-04 21:15:07', '2026-12-31T23:59:59Z'),
    mobile: fc.boolean(),
    zip: fc.option(fc.constantFrom('10115', 'SW1A 1AA'), { nil: null }),
  })
  .map((r) => JSON.stringify({ type: 'listen', ...r }));

describe('JSON listens read from bytes', () => {
  it('decodes every message it accepts exactly as JSON.parse and the tolerant reader do', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(message, fc.string({ maxLength: 40 })), (text) => {
        const fast = decodeListenBytes(Buffer.from(text, 'utf8'));
        if (fast === null) return;
        accepted += 1;
        expect(decodeJsonRecord(text, 'clickstream')).toEqual({ ok: true, event: fast });
      }),
      { numRuns: 3000 },
    );
    // Not a test that passes by accepting nothing.
    expect(accepted).toBeGreaterThan(150);
  });

  it('takes every listen a producer writes (c360 produce, the demo) without JSON.parse, and in place', () => {
    const f = plainListenFields();
    for (const ts of ['2026-03-04 21:15:07', '2026-03-04T21:15:07Z']) {
      const at = parseWrittenTime(ts);
      if (!at) throw new Error('unreadable time');
      for (const zip of ['10115', null])
        for (const eventId of ['e-1', null]) {
          const event = {
            kind: 'listen',
            eventId,
            customerId: 'C-7',
            trackId: 'T-9',
            at,
            mobile: true,
            zip,
          } as const;
          const bytes = Buffer.from(JSON.stringify(encodeEvent(event)));
          expect(decodeListenBytes(bytes)).toEqual(event);
          expect(scanPlainListen(bytes, 0, bytes.length, f)).toBe(true);
        }
    }
  });

  it('leaves what it is not sure of to the text path, which words the rejection', () => {
    const topic = 'clicks';
    const decode = (text: string) =>
      decodeKafkaMessage(
        topic,
        0,
        { offset: '7', key: null, value: Buffer.from(text, 'utf8') },
        'clickstream',
      );
    for (const text of [
      '{"type":"listen","customerId":"c1","trackId":"t1","ts":"2026-03-04 21:15:07","mobile":true}x',
      '{"type":"listen","customerId":"c\\u0031","trackId":"t1","ts":"2026-03-04 21:15:07"}',
      '{"type":"listen","customerId":"","trackId":"t1","ts":"2026-03-04 21:15:07"}',
      '{"type":"listen","type":"click","customerId":"c1","ts":"2026-03-04 21:15:07"}',
    ]) {
      expect(decodeListenBytes(Buffer.from(text))).toBeNull();
      expect(decode(text).result).toEqual(decodeJsonRecord(text, 'clickstream'));
    }
    // Escaped, the id is the same as written plainly.
    const escaped = decode(
      '{"type":"listen","customerId":"c\\u0031","trackId":"t1","ts":"2026-03-04 21:15:07"}',
    );
    expect(escaped.result.ok && escaped.result.event.customerId).toBe('c1');
  });

  it('reads in place (no string made) only listens it decodes, to the same values, inside a larger buffer', () => {
    let plain = 0;
    const f = plainListenFields();
    const text = (buf: Uint8Array, start: number, end: number) =>
      Buffer.from(buf).toString('latin1', start, end);
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 4, arbitrary: message },
          { weight: 2, arbitrary: producerListen },
          fc.string({ maxLength: 40 }),
        ),
        // What sits around the message in a batch's buffer, never read: before it, and after it
        // (the rest of a message cut short, which would complete it, or other bytes).
        fc.constantFrom('', '{', ' ', 'x', '"', 'true}', '}'),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom('', '}', ' ', 'rue', '"}', ',"zip":"1"}', '5'),
        (whole, before, cutAt, cut, after) => {
          const at = cut ? cutAt % (whole.length + 1) : whole.length;
          const message = whole.slice(0, at);
          const bytes = Buffer.from(`${before}${message}${cut ? whole.slice(at) : after}`, 'utf8');
          const start = Buffer.byteLength(before);
          const end = start + Buffer.byteLength(message);
          const alone = Buffer.from(message, 'utf8');
          const event = decodeListenBytes(alone);
          const taken = scanPlainListen(bytes, start, end, f);
          // What follows a message does not change whether it is taken.
          expect(scanPlainListen(alone, 0, alone.length, plainListenFields())).toBe(taken);
          if (!taken) return;
          plain += 1;
          expect(event).not.toBeNull();
          if (!event) return;
          expect({
            customerId: text(bytes, f.customerStart, f.customerEnd),
            trackId: text(bytes, f.trackStart, f.trackEnd),
            epochMs: f.epochMs,
            hour: f.hour,
            dayOfWeek: f.dayOfWeek,
            kept: f.isoTime ? '' : null,
            mobile: f.mobile,
            zip: f.zipEnd > f.zipStart ? text(bytes, f.zipStart, f.zipEnd) : null,
            eventId: f.eventIdEnd > f.eventIdStart ? text(bytes, f.eventIdStart, f.eventIdEnd) : null,
          }).toEqual({
            customerId: event.customerId,
            trackId: event.trackId,
            epochMs: event.at.epochMs,
            hour: event.at.hour,
            dayOfWeek: event.at.dayOfWeek,
            kept: keptText(event.at.text),
            mobile: event.mobile,
            zip: event.zip,
            eventId: event.eventId,
          });
        },
      ),
      { numRuns: 4000 },
    );
    // Not a test that passes by taking nothing: most of what producers write is taken.
    expect(plain).toBeGreaterThan(300);
  });
});
