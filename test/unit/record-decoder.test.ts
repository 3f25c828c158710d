import { describe, expect, it } from 'vitest';
import { decodeJsonRecord, decodeRecordObject } from '../../main/engine/decode/record-decoder.js';
import { decodeTracksCsvLine } from '../../main/engine/decode/tracks-csv.js';

const ok = (r: ReturnType<typeof decodeJsonRecord>) => {
  if (!r.ok) throw new Error(`expected success, got: ${r.reason}`);
  return r.event;
};
const reason = (r: ReturnType<typeof decodeJsonRecord>) => {
  if (r.ok) throw new Error('expected a rejection');
  return r.reason;
};

describe('decoding the clickstream', () => {
  it('reads the listen JSON of DESIGN §3', () => {
    const e = ok(
      decodeJsonRecord(
        '{"type":"listen","eventId":"e1","customerId":"42","trackId":"981","ts":"2026-03-04 21:15:07","mobile":true,"zip":"72132"}',
      ),
    );
    expect(e).toMatchObject({
      kind: 'listen',
      customerId: '42',
      trackId: '981',
      mobile: true,
      zip: '72132',
      eventId: 'e1',
    });
    if (e.kind === 'listen') expect(e.at.hour).toBe(21);
  });

  it('reads the click JSON of DESIGN §3', () => {
    const e = ok(
      decodeJsonRecord(
        '{"type":"click","customerId":"42","ts":"2026-03-04T21:15:07Z","os":"win7","browser":"Chrome","responseTimeMs":2385,"product":"personal_credit_card","url":"https://x.test/a"}',
      ),
    );
    expect(e).toMatchObject({
      kind: 'click',
      customerId: '42',
      os: 'win7',
      browser: 'Chrome',
      responseTimeMs: 2385,
      product: 'personal_credit_card',
    });
  });

  it('reads the older web-click JSON with a numeric user id', () => {
    const e = ok(
      decodeJsonRecord(
        '{"user_id":304,"datetime":"2017-09-01 12:00:00","os":"win7","browser":"IE","response_time_ms":2385,"product":"p","url":"u"}',
      ),
    );
    expect(e).toMatchObject({ kind: 'click', customerId: '304', responseTimeMs: 2385, browser: 'IE' });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['"1"', true],
    ['"0"', false],
    ['"true"', true],
    ['"FALSE"', false],
  ])('reads the mobile flag %s', (flag, mobile) => {
    const e = ok(
      decodeJsonRecord(
        `{"type":"listen","customerId":"1","trackId":"2","ts":"2026-03-04 10:00:00","mobile":${flag}}`,
      ),
    );
    expect(e).toMatchObject({ mobile });
  });

  it('reads tracks CSV lines, with 0/1 mobile flags and quoted fields', () => {
    expect(ok(decodeTracksCsvLine('e9,42,981,2026-03-04 21:15:07,1,72132'))).toMatchObject({
      customerId: '42',
      mobile: true,
      zip: '72132',
    });
    expect(ok(decodeTracksCsvLine('e9,42,981,2026-03-04 21:15:07,0,72132'))).toMatchObject({ mobile: false });
    expect(ok(decodeTracksCsvLine('"e,9","42","981","2026-03-04 21:15:07","1",""'))).toMatchObject({
      eventId: 'e,9',
      zip: null,
    });
  });

  it.each([
    ['e9,42,981,2026-03-04 21:15:07,1', 'expected 6 fields, found 5'],
    ['e9,,981,2026-03-04 21:15:07,1,1', 'customerId: empty id'],
    ['e9,42,981,tomorrow,1,1', 'unreadable timestamp'],
    ['e9,42,981,2026-03-04 21:15:07,maybe,1', 'mobile'],
  ])('rejects the tracks line %j with a reason', (line, expected) => {
    expect(reason(decodeTracksCsvLine(line))).toContain(expected);
  });
});

describe('decoding predictions', () => {
  it('reads the DESIGN shape', () => {
    expect(
      ok(
        decodeJsonRecord(
          '{"customerId":"42","churnRisk":0.37,"model":"churn-lr@3","ts":"2026-03-04T00:00:00Z"}',
        ),
      ),
    ).toEqual({
      kind: 'prediction',
      customerId: '42',
      churnRisk: 0.37,
      label: null,
      model: 'churn-lr@3',
      ts: '2026-03-04T00:00:00Z',
      at: Date.UTC(2026, 2, 4),
    });
  });

  it('normalises a 0–100 churn_risk to [0,1]', () => {
    expect(ok(decodeJsonRecord('{"user_id":7,"churn_risk":37}'))).toMatchObject({
      customerId: '7',
      churnRisk: 0.37,
      label: null,
    });
  });

  it('keeps a label-only prediction as a label without a risk', () => {
    expect(ok(decodeJsonRecord('{"user_id":7,"prediction":1}'))).toMatchObject({ churnRisk: null, label: 1 });
  });

  it.each([
    ['{"customerId":"42","churnRisk":1.5}', 'churnRisk above 1'],
    ['{"user_id":7,"churn_risk":137}', 'churn_risk above 100'],
    ['{"user_id":7,"prediction":2}', 'prediction'],
    ['{"churnRisk":0.3}', 'customerId'],
  ])('rejects %s', (json, expected) => {
    expect(reason(decodeJsonRecord(json))).toContain(expected);
  });
});

describe('what cannot be read', () => {
  it.each([
    ['{"type":"listen","customerId":"1"', 'bad JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"type":"purchase","customerId":"1"}', 'unknown event type "purchase"'],
    ['{"hello":"world"}', 'unrecognised record shape'],
    ['{"type":"listen","trackId":"2","ts":"2026-03-04 10:00:00"}', 'customerId'],
    ['{"type":"listen","customerId":"1","trackId":"2","ts":20260304}', 'ts'],
    ['{"type":"click","customerId":"1","ts":"2026-03-04 10:00:00","responseTimeMs":-5}', 'responseTimeMs'],
    [
      '{"type":"click","customerId":"1","ts":"2026-03-04 10:00:00","responseTimeMs":99999999}',
      'response time over an hour',
    ],
    [
      `{"type":"listen","customerId":"${'9'.repeat(100)}","trackId":"2","ts":"2026-03-04 10:00:00"}`,
      'id longer than 64',
    ],
    // Damage, not data: a NUL or a line break in an id, a number JSON already rounded, event text
    // with control characters, a year no clickstream has.
    [
      '{"type":"listen","customerId":"a\\u0000b","trackId":"2","ts":"2026-03-04 10:00:00"}',
      'control character',
    ],
    ['{"type":"listen","customerId":"a\\nb","trackId":"2","ts":"2026-03-04 10:00:00"}', 'control character'],
    [
      '{"type":"listen","customerId":12345678901234567890,"trackId":"2","ts":"2026-03-04 10:00:00"}',
      'larger ids must be sent as text',
    ],
    [
      '{"type":"click","customerId":"1","ts":"2026-03-04 10:00:00","product":"a\\u0000"}',
      'product: text holds a control character',
    ],
    [
      '{"type":"listen","customerId":"1","trackId":"2","ts":"0042-03-04 10:00:00"}',
      'outside the years 1970–2100',
    ],
  ])('rejects %s', (json, expected) => {
    expect(reason(decodeJsonRecord(json))).toContain(expected);
  });

  it('rejects an absurdly large record without parsing it', () => {
    expect(reason(decodeJsonRecord(`{"type":"listen","pad":"${'x'.repeat(70_000)}"}`))).toContain('exceeds');
  });

  it('keeps clicks off the predictions topic and predictions off the clickstream topic', () => {
    expect(reason(decodeRecordObject({ customerId: '1', churnRisk: 0.2 }, 'clickstream'))).toContain(
      'unrecognised clickstream record shape',
    );
    expect(
      reason(
        decodeRecordObject({ type: 'click', customerId: '1', ts: '2026-03-04 10:00:00' }, 'predictions'),
      ),
    ).toContain('unknown event type');
  });
});

describe('customer records (flexible schema)', () => {
  it('keeps unknown fields and decodes the CRM codes', () => {
    expect(
      ok(
        decodeRecordObject(
          {
            CustID: '5',
            Name: 'Ada Lovelace',
            Level: 2,
            Campaign: '4',
            Status: 1,
            SignDate: '03/07/2024',
            FavouriteColour: 'green',
          },
          'customers',
        ),
      ),
    ).toEqual({
      kind: 'customer',
      customerId: '5',
      fields: {
        name: 'Ada Lovelace',
        level: 'Gold',
        campaign: 'WEBOFFER',
        status: 'active',
        sign_date: '2024-03-07',
        favourite_colour: 'green',
      },
    });
  });

  it('rejects unknown codes and impossible dates with the field named', () => {
    expect(reason(decodeRecordObject({ customerId: '5', Level: 7 }, 'customers'))).toContain(
      'level: unknown code "7"',
    );
    expect(reason(decodeRecordObject({ customerId: '5', SignDate: '02/30/2024' }, 'customers'))).toContain(
      'sign_date',
    );
    expect(reason(decodeRecordObject({ Name: 'x' }, 'customers'))).toBe(
      'customer record without a customer id',
    );
  });

  it('rejects what it cannot keep exactly: two names for one field, numbers past JSON, oversized values', () => {
    expect(reason(decodeRecordObject({ customerId: '5', Name: 'A', name: 'B' }, 'customers'))).toBe(
      '"Name" and "name" are the same field (name)',
    );
    expect(reason(decodeJsonRecord('{"type":"customer","customerId":"5","Balance":1e999}'))).toBe(
      'balance: not a finite number',
    );
    expect(reason(decodeRecordObject({ customerId: '5', Notes: 'x'.repeat(9000) }, 'customers'))).toMatch(
      /notes: 9000 characters, over the 8192/,
    );
    // Kept exactly as written: no trimming, a leading tab included.
    const e = ok(decodeRecordObject({ customerId: '5', Note: '\t=1+1 ', Name: ' Ann' }, 'customers'));
    expect(e).toMatchObject({ fields: { note: '\t=1+1 ', name: ' Ann' } });
  });
});
