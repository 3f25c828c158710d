import fc from 'fast-check';
import { isCleanId } from '../../main/engine/decode/record-ids.js';
import { hostileText, PROTOTYPE_NAMES } from './hostile-text.js';

/**
 * Records for the fuzz tests: good ones whose effect is known in advance (which customer, which
 * kind), and bad ones that no reader may count, each of a kind the field sends. Good records
 * carry awkward but valid content (ids with separators and formula prefixes, prototype names,
 * unicode), so "good" is not "easy".
 */

export type RecordKind = 'listen' | 'click' | 'prediction' | 'customer';

export interface FuzzRecord {
  /** One line of a file or one Kafka message value; never holds a line break. */
  text: string;
  /** What it must add, for a good record; null for a bad one. */
  good: { customerId: string; kind: RecordKind } | null;
  /** Where it belongs: a JSON-lines file or a tracks CSV; and which topic on Kafka. */
  format: 'json' | 'tracks-csv';
  topic: 'clickstream' | 'predictions' | 'customers';
  /** For reading a failure: what the generator meant. */
  what: string;
}

const awkwardIds = [
  ...PROTOTYPE_NAMES,
  '=1+1',
  '+33 1 23',
  '-7',
  '@SUM(A1)',
  'a,b',
  'a;b',
  'x|y',
  'c/d',
  '"q"',
  "o'k",
  'Éldred',
  '日本',
  '🎵',
  'a b',
];
const goodId = fc.oneof(
  fc.constantFrom(...awkwardIds),
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).filter(isCleanId),
);

/** Valid timestamps in every accepted form. */
const goodTs = fc
  .record({
    d: fc.date({
      min: new Date('1970-01-02T00:00:00Z'),
      max: new Date('2100-12-30T00:00:00Z'),
      noInvalidDate: true,
    }),
    form: fc.constantFrom('space', 'T', 'Z', 'ms', 'offset', 'minutes'),
  })
  .map(({ d, form }) => {
    const iso = d.toISOString();
    switch (form) {
      case 'space':
        return iso.slice(0, 19).replace('T', ' ');
      case 'T':
        return iso.slice(0, 19);
      case 'Z':
        return `${iso.slice(0, 19)}Z`;
      case 'ms':
        return iso;
      case 'offset':
        return `${iso.slice(0, 19)}+05:30`;
      default:
        return iso.slice(0, 16).replace('T', ' ');
    }
  });

const badTs = fc.constantFrom(
  '',
  'yesterday',
  '2026-02-30 10:00:00',
  '2026-13-01 00:00:00',
  '2026-01-01 24:00:00',
  '2026-01-01T10:61:00Z',
  '0042-03-04 10:00:00',
  '9999-12-31 23:59:59',
  '99999-01-01 00:00:00',
  '2026-03-04T10:00:00+25:00',
);

/** JSON text of an id: as a string, or as a number when it is one. */
const idValue = (id: string) => (/^\d+$/.test(id) && id.length < 10 ? Number(id) : id);

const listen = fc
  .record({
    id: goodId,
    track: goodId,
    ts: goodTs,
    mobile: fc.constantFrom(true, false, 0, 1, 'true', '0'),
    zip: fc.option(fc.constantFrom('72132', '01234', 'SW1A 1AA'), { nil: undefined }),
    asNumber: fc.boolean(),
  })
  .map(({ id, track, ts, mobile, zip, asNumber }) => ({
    value: {
      type: 'listen',
      eventId: 'e',
      customerId: asNumber ? idValue(id) : id,
      trackId: track,
      ts,
      mobile,
      zip,
    },
    id,
  }));

const click = fc
  .record({
    id: goodId,
    ts: goodTs,
    ms: fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: null }),
    product: fc.constantFrom(...PROTOTYPE_NAMES, 'personal_credit_card', '=cmd|x', 'é'),
    legacy: fc.boolean(),
  })
  .map(({ id, ts, ms, product, legacy }) => ({
    value: legacy
      ? { user_id: id, datetime: ts, response_time_ms: ms, product }
      : { type: 'click', customerId: id, ts, responseTimeMs: ms, product, url: 'https://x.test/?a=1,2' },
    id,
  }));

const prediction = fc
  .record({
    id: goodId,
    shape: fc.constantFrom('risk', 'percent', 'label'),
    risk: fc.double({ min: 0, max: 1, noNaN: true }),
    label: fc.constantFrom(0, 1, '0', '1'),
  })
  .map(({ id, shape, risk, label }) => ({
    value:
      shape === 'risk'
        ? { customerId: id, churnRisk: risk, model: 'm@1', ts: '2026-03-04T10:00:00Z' }
        : shape === 'percent'
          ? { user_id: id, churn_risk: Math.round(risk * 100) }
          : { user_id: id, prediction: label },
    id,
  }));

const crmValue = fc.oneof(
  hostileText.filter((t) => t.trim() !== ''),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
);
const customer = fc
  .record({
    id: goodId,
    fields: fc.dictionary(
      fc.constantFrom(...PROTOTYPE_NAMES, 'Name', 'Address', 'Email', 'PetName'),
      crmValue,
      {
        maxKeys: 5,
      },
    ),
  })
  .map(({ id, fields }) => ({ value: { type: 'customer', ...fields, customerId: id }, id }));

const goodJson: fc.Arbitrary<FuzzRecord> = fc
  .oneof(
    listen.map(({ value, id }) => ({ value, id, kind: 'listen' as const, topic: 'clickstream' as const })),
    click.map(({ value, id }) => ({ value, id, kind: 'click' as const, topic: 'clickstream' as const })),
    prediction.map(({ value, id }) => ({
      value,
      id,
      kind: 'prediction' as const,
      topic: 'predictions' as const,
    })),
    customer.map(({ value, id }) => ({ value, id, kind: 'customer' as const, topic: 'customers' as const })),
  )
  .map(({ value, id, kind, topic }) => ({
    text: JSON.stringify(value),
    good: { customerId: id, kind },
    format: 'json',
    topic,
    what: `good ${kind}`,
  }));

/** RFC 4180 quoting for one cell of a tracks CSV line. */
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvLine = (cells: string[]) => cells.map(cell).join(',');

const goodCsv: fc.Arbitrary<FuzzRecord> = fc
  .record({ id: goodId, track: goodId, ts: goodTs, mobile: fc.constantFrom('0', '1') })
  .map(({ id, track, ts, mobile }) => ({
    text: csvLine(['e1', id, track, ts, mobile, '12345']),
    good: { customerId: id, kind: 'listen' },
    format: 'tracks-csv',
    topic: 'clickstream',
    what: 'good tracks CSV line',
  }));

/** Bytes that are not text: printable noise with a NUL in it (a NUL is never valid in any record). */
const randomBytes = fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 60 }), fc.nat()).map(([bytes, at]) => {
  const noise = Array.from(bytes, (b) => (b < 0x20 || b === 0x7f ? 0x20 + (b % 0x5f) : b));
  noise.splice(at % (noise.length + 1), 0, 0);
  return Buffer.from(noise).toString('latin1');
});

const badJson: fc.Arbitrary<FuzzRecord> = fc
  .oneof(
    randomBytes.map((text) => ({ text, what: 'random bytes' })),
    fc
      .tuple(goodJson, fc.nat())
      .map(([r, at]) => ({ text: r.text.slice(0, 1 + (at % (r.text.length - 1))), what: 'truncated JSON' })),
    goodJson.map((r) => ({
      text: `${r.text.slice(0, -1)},"pad":"${'x'.repeat(70_000)}"}`,
      what: 'a record over 64 KB',
    })),
    fc
      .tuple(goodId, fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '"0.3"', 'null'))
      .map(([id, v]) => ({
        text: `{"customerId":${JSON.stringify(id)},"churnRisk":${v}}`,
        what: `churnRisk ${v}`,
      })),
    fc.tuple(goodId, fc.constantFrom('1e999', '-1', 'NaN')).map(([id, v]) => ({
      text: `{"type":"click","customerId":${JSON.stringify(id)},"ts":"2026-03-04 10:00:00","responseTimeMs":${v}}`,
      what: `responseTimeMs ${v}`,
    })),
    goodId.map((id) => ({
      text: `{"type":"customer","customerId":${JSON.stringify(id)},"Balance":1e999}`,
      what: 'a CRM number past what JSON can hold',
    })),
    fc.tuple(goodId, badTs).map(([id, ts]) => ({
      text: JSON.stringify({ type: 'listen', customerId: id, trackId: '1', ts }),
      what: `timestamp ${JSON.stringify(ts)}`,
    })),
    fc
      .constantFrom(
        '""',
        '"  "',
        `"${'a'.repeat(65)}"`,
        '"a\\u0000b"',
        '"a\\nb"',
        '12345678901234567890',
        '-5',
        '{}',
        '[]',
        'true',
        'null',
      )
      .map((id) => ({
        text: `{"type":"listen","customerId":${id},"trackId":"1","ts":"2026-03-04 10:00:00"}`,
        what: `customer id ${id}`,
      })),
    fc
      .constantFrom(
        '{"type":"listen","__proto__":{"customerId":"1","trackId":"1","ts":"2026-03-04 10:00:00"}}',
        '{"type":"customer","__proto__":{"customerId":"1"}}',
        '{"type":"constructor","customerId":"1"}',
        '[{"type":"listen"}]',
        '"listen"',
      )
      .map((text) => ({ text, what: 'a prototype trick or not an object' })),
  )
  .map(({ text, what }) => ({ text, good: null, format: 'json', topic: 'clickstream', what }));

const badCsv: fc.Arbitrary<FuzzRecord> = fc
  .oneof(
    fc.tuple(goodId, goodTs).map(([id, ts]) => csvLine(['e1', id, '1', ts, '1'])),
    fc.tuple(goodId, goodTs).map(([id, ts]) => csvLine(['e1', id, '1', ts, 'yes', '1'])),
    fc.tuple(goodId, badTs).map(([id, ts]) => csvLine(['e1', id, '1', ts, '0', '1'])),
    goodTs.map((ts) => csvLine(['e1', '', '1', ts, '0', '1'])),
    randomBytes,
  )
  .map((text) => ({
    text,
    good: null,
    format: 'tracks-csv' as const,
    topic: 'clickstream' as const,
    what: 'bad tracks CSV line',
  }));

/** Tracks CSV lines, good and bad, as the fuzz tests mix them. */
export const tracksCsvRecords = fc.oneof(goodCsv, badCsv);

/** A mix of good and bad records of every kind, JSON and tracks CSV. */
export const fuzzRecords = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: goodJson },
    { weight: 1, arbitrary: goodCsv },
    { weight: 2, arbitrary: badJson },
    { weight: 1, arbitrary: badCsv },
  ),
  { minLength: 1, maxLength: 60 },
);

/** One good record of each format, to open each file with (a file's format is told from its first line). */
export const firstLines = fc.tuple(goodJson, goodCsv);

/** What good records must add up to: per customer, by kind. */
export function expectedCounts(records: FuzzRecord[]): Map<string, Record<RecordKind, number>> {
  const out = new Map<string, Record<RecordKind, number>>();
  for (const r of records) {
    if (!r.good) continue;
    const c = out.get(r.good.customerId) ?? { listen: 0, click: 0, prediction: 0, customer: 0 };
    c[r.good.kind] += 1;
    out.set(r.good.customerId, c);
  }
  return out;
}
