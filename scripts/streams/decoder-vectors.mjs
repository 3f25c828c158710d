#!/usr/bin/env node
// Writes streams/src/test/resources/decoder-vectors.jsonl: Kafka message values run through the
// TypeScript engine's own decoder (dist/main/engine/sources/kafka/message-decoder.js), one line per
// case, so the Java decoder can be checked against the real thing:
//
//   {"kind":"clickstream","value":"<the value as text>","result":{"ok":true,"event":{…}}}
//   {"kind":"customers","b64":"<value bytes that are not UTF-8>","result":{"ok":false,"reason":"…"}}
//
// `padSpaces` (optional) appends that many spaces to the value, so records at and past the 64 KB
// limit stay small in the file. Build the TypeScript first (`npx tsc -p tsconfig.json`), then:
//
//   node scripts/streams/decoder-vectors.mjs [--out FILE]
//
// The cases are fixed (a seeded generator adds mutations), so the file only changes when the
// decoder or this list does.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outArg = process.argv.indexOf('--out');
const out =
  outArg > 0
    ? resolve(process.argv[outArg + 1])
    : join(root, 'streams/src/test/resources/decoder-vectors.jsonl');
const { decodeKafkaMessage } = await import(join(root, 'dist/main/engine/sources/kafka/message-decoder.js'));

/** @type {{kind: string, value: Buffer, padSpaces?: number}[]} */
const cases = [];
const add = (kind, value, padSpaces = 0) =>
  cases.push({ kind, value: Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), padSpaces });
const KINDS = ['clickstream', 'predictions', 'customers'];

// A small seeded generator (mulberry32), so the mutations are the same on every run.
let seed = 0x5eed1234;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];

const LISTEN =
  '{"type":"listen","eventId":"e1","customerId":"42","trackId":"981","ts":"2026-03-04 21:15:07","mobile":true,"zip":"72132"}';
const CLICK =
  '{"type":"click","customerId":"42","ts":"2026-03-04T21:15:07Z","os":"win7","browser":"Chrome","responseTimeMs":2385,"product":"personal_credit_card","url":"https://x.test/a"}';
const LEGACY_CLICK =
  '{"user_id":304,"datetime":"2017-09-01 12:00:00","os":"win7","browser":"IE","response_time_ms":2385,"product":"p","url":"u"}';
const PREDICTION = '{"customerId":"42","churnRisk":0.37,"model":"churn-lr@3","ts":"2026-03-04T00:00:00Z"}';
const LEGACY_RISK = '{"user_id":7,"churn_risk":37,"model":"old","ts":"x"}';
const LEGACY_LABEL = '{"user_id":7,"prediction":1}';
const CUSTOMER =
  '{"CustID":"42","Name":"Ann Lee","Gender":"F","Address":"1 Main St","zip":"72132","SignDate":"03/04/2016","Status":1,"Level":2,"Campaign":"3","LinkedWithApps":true}';
const SHAPES = [LISTEN, CLICK, LEGACY_CLICK, PREDICTION, LEGACY_RISK, LEGACY_LABEL, CUSTOMER];

// 1. Every shape on every topic kind.
for (const kind of KINDS) for (const shape of SHAPES) add(kind, shape);
for (const kind of KINDS) add(kind, '{"type":"customer","id":"9","Level":"gold"}');

// 2. Field by field: each field of each shape set to hostile JSON values (or removed).
const VALUES = [
  undefined,
  'null',
  '""',
  '" "',
  'true',
  'false',
  '0',
  '1',
  '-1',
  '-0',
  '1.5',
  '0.5',
  '100',
  '1e21',
  '-1e21',
  '1e999',
  '-1e999',
  '9007199254740991',
  '9007199254740993',
  '[]',
  '[1]',
  '{}',
  '{"a":1}',
  '"a\\u0000b"',
  '"a\\tb"',
  '"a\\nb"',
  '"\\u007f"',
  JSON.stringify('x'.repeat(64)),
  JSON.stringify('x'.repeat(65)),
  '"  padded  "',
  '"\\u00a0nbsp\\u2028"',
  '"\\ufeff7"',
  '"1"',
  '"0"',
  '"TRUE"',
  '" false "',
  '"yes"',
  '"2026-03-04 21:15:07"',
  '"\\ud800"',
  '"😀"',
  '"constructor"',
  '"__proto__"',
  '3600000',
  '3600000.4',
  '3600001',
  '99.5',
  '1e-7',
];
function withField(json, field, valueText) {
  const obj = JSON.parse(json);
  const keys = Object.keys(obj);
  if (!keys.includes(field)) keys.push(field);
  const parts = [];
  for (const k of keys) {
    if (k === field) {
      if (valueText !== undefined) parts.push(`${JSON.stringify(k)}:${valueText}`);
    } else parts.push(`${JSON.stringify(k)}:${JSON.stringify(obj[k])}`);
  }
  return `{${parts.join(',')}}`;
}
const FIELD_MATRIX = [
  ['clickstream', LISTEN, ['eventId', 'customerId', 'trackId', 'ts', 'mobile', 'zip']],
  ['clickstream', CLICK, ['customerId', 'ts', 'responseTimeMs', 'os', 'browser', 'product', 'url']],
  ['clickstream', LEGACY_CLICK, ['user_id', 'datetime', 'response_time_ms', 'product']],
  ['predictions', PREDICTION, ['customerId', 'churnRisk', 'model', 'ts']],
  ['predictions', LEGACY_RISK, ['user_id', 'churn_risk', 'model']],
  ['predictions', LEGACY_LABEL, ['user_id', 'prediction']],
];
// Long text only where it matters: at and past the 2,048 characters of event text.
add('clickstream', withField(LISTEN, 'eventId', JSON.stringify('y'.repeat(2048))));
add('clickstream', withField(LISTEN, 'zip', JSON.stringify('y'.repeat(2049))));
add('clickstream', withField(CLICK, 'product', JSON.stringify(`${'y'.repeat(2049)}\u0000`)));
add('predictions', withField(PREDICTION, 'model', JSON.stringify('y'.repeat(2049))));
for (const [kind, json, fields] of FIELD_MATRIX) {
  for (const field of fields) {
    // The full list for the first fields of a shape, a sample for the rest (a few hundred cases in all).
    const values = field === fields[0] || field === fields[1] ? VALUES : VALUES.filter(() => random() < 0.2);
    for (const v of values) add(kind, withField(json, field, v));
  }
}
// Two bad fields at once: which one a reason names.
add('clickstream', withField(withField(LISTEN, 'zip', 'true'), 'eventId', 'true'));
add('clickstream', withField(withField(LISTEN, 'ts', '5'), 'customerId', '-1'));
add('clickstream', withField(withField(CLICK, 'url', '[]'), 'responseTimeMs', '-5'));
add('predictions', withField(withField(PREDICTION, 'ts', '{}'), 'churnRisk', '2'));
add('predictions', '{"churnRisk":0.3}');
add('predictions', '{"customerId":"1","churnRisk":0.3,"churn_risk":50,"prediction":1}');
add('predictions', '{"user_id":"1","churn_risk":50,"prediction":1}');
add('predictions', '{"user_id":"1","prediction":"1"}');
add('predictions', '{"user_id":"1","prediction":"0"}');
add('predictions', '{"user_id":"1","prediction":0}');
add('predictions', '{"user_id":"1","prediction":"2"}');
add('predictions', '{"user_id":"1","prediction":1.0}');
add('predictions', '{"user_id":"1","prediction":true}');
add('predictions', '{"user_id":"1","churn_risk":33.333333333333336}');
add('predictions', '{"user_id":"1","churn_risk":0.1}');
add('predictions', '{"customerId":"1","churnRisk":0.1,"ts":1e21,"model":12.5}');
add('clickstream', '{"user_id":"1","datetime":"2017-09-01 12:00:00"}');
add('clickstream', '{"user_id":"1"}');
add('clickstream', '{"type":"listen","user_id":"1","datetime":"2017-09-01 12:00:00"}');
add('clickstream', '{"type":"purchase","customerId":"1"}');
add('clickstream', `{"type":"${'p'.repeat(50)}"}`);
add('clickstream', '{"type":"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"}');
add('clickstream', '{"type":5}');
add('clickstream', '{"hello":"world"}');
add('predictions', '{"hello":"world"}');
add('predictions', '{"type":"listen","customerId":"1"}');
add('clickstream', '{"customerId":"1","churnRisk":0.5}');

// 3. Timestamps.
const TIMES = [
  '2026-03-04 21:15:07',
  '2026-03-04T21:15:07',
  '2026-03-04T21:15:07Z',
  '2026-03-04 21:15',
  '2026-03-04T21:15Z',
  '2026-03-04 21:15:07.123',
  '2026-03-04 21:15:07.123456789',
  '2026-03-04 21:15:07.1234567890',
  '2026-03-04 21:15:07+02:00',
  '2026-03-04 21:15:07-0530',
  '2026-03-04 21:15:07+02',
  '2026-03-04 21:15:07+19:00',
  '2026-03-04 21:15:07+18:00',
  '2026-03-04 21:15:07+05:60',
  '2026-03-04 21:15:07+5:00',
  '2026-03-04 21:15:07 Z',
  '2026-03-04 21:15:07z',
  '2026-03-04 21:15:07.Z',
  '2026-03-04  21:15:07',
  ' 2026-03-04 21:15:07 ',
  '\u00a02026-03-04 21:15:07\u3000',
  '2026-3-4 21:15:07',
  '2026/03/04 21:15:07',
  '2026-02-29 10:00:00',
  '2024-02-29 10:00:00',
  '2100-02-29 10:00:00',
  '2000-02-29 10:00:00',
  '2026-02-30 21:15:07',
  '2026-04-31 00:00:00',
  '2026-13-01 00:00:00',
  '2026-00-01 00:00:00',
  '2026-01-00 00:00:00',
  '2026-03-04 24:00:00',
  '2026-03-04 23:60:00',
  '2026-03-04 23:59:60',
  '1970-01-01 00:00:00',
  '1970-01-01 00:00:00+01:00',
  '1969-12-31 23:59:59',
  '1969-12-31 23:59:59-01:00',
  '2100-12-31 23:59:59',
  '2101-01-01 00:00:00',
  '0042-01-01 00:00:00',
  '9999-01-01 00:00:00',
  '  1969-01-01T00:00',
  '1969-99-99 99:99:99',
  '2026-03-04',
  '21:15:07',
  'yesterday',
  '',
  '２０２６-03-04 21:15:07',
  '2026-03-04T21:15:07+00:00',
  '2026-03-08 00:00:00',
  '2026-03-09 23:59:59',
  '2026-03-04 04:59:59',
  '2026-03-04 05:00:00',
  '2026-03-04 11:59:59',
  '2026-03-04 12:00:00',
  '2026-03-04 16:59:59',
  '2026-03-04 17:00:00',
  '2026-03-04 21:59:59',
  '2026-03-04 22:00:00',
  '2026-03-04 10:00:00\n',
  'x'.repeat(60),
];
for (const t of TIMES) {
  add('clickstream', withField(LISTEN, 'ts', JSON.stringify(t)));
}
for (const t of TIMES.filter(() => random() < 0.3))
  add('clickstream', withField(CLICK, 'ts', JSON.stringify(t)));

// 4. Tracks CSV lines on the clickstream.
const CSV = [
  'e1,42,981,2026-03-04 21:15:07,1,72132',
  'e1,42,981,2026-03-04 21:15:07,0,72132',
  ',42,981,2026-03-04 21:15:07,0,',
  'e1, 42 ,981,2026-03-04 21:15:07, TRUE ,72132',
  'e1,42,981,2026-03-04 21:15:07,1',
  'e1,42,981,2026-03-04 21:15:07,1,72132,extra',
  'e1,,981,2026-03-04 21:15:07,1,1',
  'e1,42,981,tomorrow,1,1',
  'e1,42,981,2026-03-04 21:15:07,maybe,1',
  'e1,42,981,1969-03-04 21:15:07,1,1',
  'e1,42,981,2026-03-04 21:15:07,,1',
  '"e,9","42","981","2026-03-04 21:15:07","1",""',
  '"e1",42,981,2026-03-04 21:15:07,1,"a""b"',
  'e1,42,981,2026-03-04 21:15:07,1,"z"',
  '"e1" x,1,2,2026-03-04 21:15:07,1,a',
  'a"b,1,2,2026-03-04 21:15:07,1,z',
  '"e1",1,2,2026-03-04 21:15:07,1,"a',
  'e1,1,2,2026-03-04 21:15:07,1,"z"\n"x',
  'e1,1,2,2026-03-04 21:15:07,1,"z"\nmore,lines',
  '"e\n1",1,2,2026-03-04 21:15:07,1,"z"x',
  '"e\r\n1",1,2,2026-03-04 21:15:07,1,"z"x',
  '"e1"\u0000,1,2,2026-03-04 21:15:07,1,z',
  '"é"é,1',
  '"a"\r"b',
  '"a"\r\n"b',
  '"a",,,,,',
  'e1,\ufeff"x,1,1,1,1',
  'e1,,"x',
  '"",42,981,2026-03-04 21:15:07,1,""',
  '"e1","4\u00002",981,2026-03-04 21:15:07,1,""',
  'e1,4\u00002,981,2026-03-04 21:15:07,1,',
  'e1,42,98\t1,2026-03-04 21:15:07,1,',
  'e1,42,981,2026-03-04 21:15:07,1,72\t132',
  'e1,42,981,2026-03-04 21:15:07,1,72\u0001132',
  `e1,${'1'.repeat(65)},981,2026-03-04 21:15:07,1,`,
  `e1,42,981,2026-03-04 21:15:07,1,${'z'.repeat(2049)}`,
  'e1;42;981;2026-03-04 21:15:07;1;72132',
  '[1,2',
  'x',
  '-',
  'nul',
  '"abc',
  '"a""',
  '""""',
  '"e1",42,981,"2026-03-04 21:15:07"  ,1,z',
  'e1,42,981,2026-03-04 21:15:07,1,72132\n',
  '  e1,42,981,2026-03-04 21:15:07,1,72132  ',
  '\ufeffe1,42,981,2026-03-04 21:15:07,1,72132',
  'e1,42,981,2026-03-04 21:15:07,1,72132\r\ne2,43,982,2026-03-04 21:15:08,1,72132',
  '"e1\n",42,981,2026-03-04 21:15:07,1,"x"\r\n"y',
  'e1,42,981,2026-03-04 21:15:07,1,"x"\r"y"\n"z',
  'e1,42,981,2026-03-04 21:15:07,1,"x"\n\r"y',
  '"x"\r\n',
];
for (const line of CSV) add('clickstream', line);
add('predictions', CSV[0]);
add('customers', CSV[0]);

// 5. CRM records on the customers topic.
const CRM = [
  '{"customerId":"1"}',
  '{"customerId":"1","type":"customer"}',
  '{"customer_id":"1","Name":"A"}',
  '{"CustID":" 7 ","Name":"A"}',
  '{"custId":7,"Name":"A"}',
  '{"user_id":7,"Name":"A"}',
  '{"id":7,"Name":"A"}',
  '{"ID":7,"Name":"A"}',
  '{"Name":"A"}',
  '{"customerId":"","id":"5","Name":"A"}',
  '{"customerId":null,"id":"5"}',
  '{"customerId":" ","id":"5"}',
  '{"customerId":false,"id":"5"}',
  '{"customerId":1.5}',
  '{"customerId":-3}',
  '{"customerId":1e999}',
  '{"customerId":9007199254740993}',
  '{"customerId":"a\\nb"}',
  `{"customerId":"${'1'.repeat(65)}"}`,
  '{"customerId":"1","customer_id":"2"}',
  '{"customerId":"1","CustomerId":"2"}',
  '{"customerId":"1","Name":"A","name":"B"}',
  '{"customerId":"1","first name":"A","first_name":"B"}',
  '{"customerId":"1","Type":"x"}',
  '{"customerId":"1","type":"x","Type":"y"}',
  '{"customerId":"1","level":"gold","Level":"2"}',
  '{"customerId":"1","__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":1}',
  '{"customerId":"1","__proto__":{"polluted":true}}',
  '{"customerId":"1","prototype":"x","valueOf":false}',
  '{"customerId":"1","b":1,"10":2,"a":3,"2":4,"01":5,"4294967295":6,"4294967294":7}',
  '{"customerId":"1","Level":0,"Status":0,"Campaign":0}',
  '{"customerId":"1","Level":"1","Status":"1","Campaign":"4"}',
  '{"customerId":"1","Level":" silver ","Status":"ACTIVE","Campaign":"superbowl"}',
  '{"customerId":"1","Level":3}',
  '{"customerId":"1","Level":-1}',
  '{"customerId":"1","Level":-0}',
  '{"customerId":"1","Level":"-0"}',
  '{"customerId":"1","Level":1.5}',
  '{"customerId":"1","Level":"1.0"}',
  '{"customerId":"1","Level":"1e0"}',
  '{"customerId":"1","Level":"0x2"}',
  '{"customerId":"1","Level":"0b1"}',
  '{"customerId":"1","Level":"0o2"}',
  '{"customerId":"1","Level":".1e1"}',
  '{"customerId":"1","Level":"+1"}',
  '{"customerId":"1","Level":"2."}',
  '{"customerId":"1","Level":"Infinity"}',
  '{"customerId":"1","Level":true}',
  '{"customerId":"1","Level":[2]}',
  '{"customerId":"1","Level":{"x":1}}',
  '{"customerId":"1","Level":"platinum"}',
  '{"customerId":"1","Campaign":5}',
  '{"customerId":"1","Status":"2"}',
  '{"customerId":"1","Status":"open"}',
  '{"customerId":"1","SignDate":"03/04/2016"}',
  '{"customerId":"1","SignDate":"3/4/2016"}',
  '{"customerId":"1","SignDate":"2016-03-04"}',
  '{"customerId":"1","SignDate":"02/29/2016"}',
  '{"customerId":"1","SignDate":"02/29/2015"}',
  '{"customerId":"1","SignDate":"02/30/2016"}',
  '{"customerId":"1","SignDate":"13/01/2016"}',
  '{"customerId":"1","SignDate":"00/01/2016"}',
  '{"customerId":"1","SignDate":"01/00/2016"}',
  '{"customerId":"1","SignDate":"01/01/0099"}',
  '{"customerId":"1","SignDate":"0050-06-15"}',
  '{"customerId":"1","SignDate":"0100-01-01"}',
  '{"customerId":"1","SignDate":"02/29/0000"}',
  '{"customerId":"1","SignDate":"02/29/0004"}',
  '{"customerId":"1","SignDate":"2016-3-4"}',
  '{"customerId":"1","SignDate":"yesterday, or maybe the day before yesterday"}',
  '{"customerId":"1","SignDate":20160304}',
  '{"customerId":"1","sign_date":"03/04/2016 "}',
  '{"customerId":"1","SignDate":"\\u00a003/04/2016"}',
  '{"customerId":"1","LinkedWithApps":true,"Score":12.5,"Big":1e21,"Small":1e-7,"Neg":-0,"Int":100}',
  '{"customerId":"1","Huge":1e999}',
  '{"customerId":"1","Nested":{"a":[1,"x",null,true],"b":{"c":1e999}},"List":[]}',
  '{"customerId":"1","Nested":{"2":"b","1":"a","z":"\\u2028\\ud800\\"\\u0001"}}',
  '{"customerId":"1","Empty":"","Spaces":"   ","Nbsp":"\\u00a0","Null":null,"Keep":" padded "}',
  '{"customerId":"1","":"x","!!!":"y","_":"z"}',
  '{"customerId":"1","LinkedWithApps":"x","linkedWithApps":"y"}',
  '{"customerId":"1","ABCDef":"x","aBC":"y","a1B":"z","already_snake":"w","With Space-and.dots":"v"}',
  '{"customerId":"1","été":"x","ÉtéNice":"y"}',
  `{"customerId":"1","${'F'.repeat(128)}":"x"}`,
  `{"customerId":"1","${'F'.repeat(129)}":"x"}`,
  `{"customerId":"1","${'f'.repeat(130)}__":"x"}`,
  `{"customerId":"1","Note":"${'n'.repeat(8192)}"}`,
  `{"customerId":"1","Note":"${'n'.repeat(8193)}"}`,
  '{"customerId":"1","Ctl":"a\\u0000b\\nc"}',
  '{"customerId":"1","a":1,"a":2}',
  '{"customerId":"1","customerId":"2"}',
  '{"customerId":"1","Zip":"72132","zip":"1"}',
  '[{"customerId":"1"}]',
  '"customer"',
  '42',
  'null',
];
for (const c of CRM) add('customers', c);
add('clickstream', '{"type":"customer","customerId":"1","Level":"gold","Fancy":{"x":1}}');
add('predictions', '{"type":"customer","customerId":"1","Level":"bad"}');
add('customers', LISTEN);
add('customers', PREDICTION);

// 6. Bytes: encodings, whitespace, empty and oversized values.
add('clickstream', Buffer.alloc(0));
add('predictions', Buffer.alloc(0));
add('customers', Buffer.alloc(0));
add('clickstream', '   ');
add('clickstream', '\n');
add('predictions', '  \t ');
add('clickstream', `\ufeff${LISTEN}`);
add('predictions', `\ufeff${PREDICTION}`);
add('clickstream', ` \n${LISTEN}\n `);
add('predictions', `\u00a0${PREDICTION}`);
add('predictions', `${PREDICTION}\u00a0`);
add('customers', ' \r\n{"customerId":"1"} \t');
add('clickstream', Buffer.from([0xff, 0xfe, 0x7b, 0x7d]));
add(
  'clickstream',
  Buffer.concat([
    Buffer.from('{"type":"listen","eventId":"'),
    Buffer.from([0xc3]),
    Buffer.from('","customerId":"1","trackId":"2","ts":"2026-03-04 10:00:00"}'),
  ]),
);
add(
  'clickstream',
  Buffer.concat([
    Buffer.from('{"type":"listen","eventId":"'),
    Buffer.from([0xe2, 0x82]),
    Buffer.from('x","customerId":"1","trackId":"2","ts":"2026-03-04 10:00:00"}'),
  ]),
);
add(
  'clickstream',
  Buffer.concat([
    Buffer.from('{"type":"listen","eventId":"'),
    Buffer.from([0xf0, 0x9f, 0x98]),
    Buffer.from('","customerId":"1","trackId":"2","ts":"2026-03-04 10:00:00"}'),
  ]),
);
add(
  'clickstream',
  Buffer.concat([
    Buffer.from('{"type":"listen","eventId":"'),
    Buffer.from([
      0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf8, 0x88, 0x80, 0x80, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xe0, 0x80, 0x80,
    ]),
    Buffer.from('","customerId":"1","trackId":"2","ts":"2026-03-04 10:00:00"}'),
  ]),
);
add(
  'customers',
  Buffer.concat([Buffer.from('{"customerId":"'), Buffer.from([0x80, 0xbf]), Buffer.from('"}')]),
);
add(
  'clickstream',
  Buffer.concat([Buffer.from('e1,'), Buffer.from([0xc3, 0x28]), Buffer.from(',1,2026-03-04 10:00:00,1,z')]),
);
add(
  'clickstream',
  Buffer.concat([
    Buffer.from('"e'),
    Buffer.from([0xc3, 0xa9]),
    Buffer.from('"'),
    Buffer.from([0xe2]),
    Buffer.from(',1,1,2026-03-04 10:00:00,1,z'),
  ]),
);
add('predictions', Buffer.from([0x00, 0x01, 0x02]));
add('clickstream', Buffer.from([0x00, 0x01, 0x02]));
// Exactly 64 KB is read; one byte more is not.
add('clickstream', LISTEN, 65536 - Buffer.byteLength(LISTEN));
add('clickstream', LISTEN, 65537 - Buffer.byteLength(LISTEN));
add('predictions', PREDICTION, 65536 - Buffer.byteLength(PREDICTION));
add('customers', '{"customerId":"1"}', 70000);

// 7. Bad JSON: hand-written, then truncations and one-character mutations of good records.
const BAD_JSON = [
  '',
  '{',
  '{"a":',
  '{"a" 1}',
  '{"a":1,}',
  '{"a":1 "b"}',
  '{"a":"\\x"}',
  '{"a":"\\u12"}',
  '{"a":"\\u12',
  '{} x',
  '{"a":-}',
  '{"a":-x}',
  'tru',
  'trux',
  'tr1',
  'tr"',
  't ',
  'nulll',
  'null x',
  'x',
  'xyzabcdefghijklmnopqrstuvwxyz',
  '{"a":x}',
  '{"a":xyzabcdefghijklmnopqrstuvwxyz}',
  '{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":x}',
  '{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":xbbbbbbbbbbbbbbbbbbbbbb',
  '{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":x123456789',
  '{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":x1234567890',
  'xxxxxxxxxxxxxxxxxxxx',
  'xxxxxxxxxxxxxxxxxxxxx',
  '01234567890123456789x',
  '[1,2,]',
  '[1 2]',
  '[',
  '[1',
  '[1,2',
  '[tru]',
  '[truex]',
  '{"a":1,"b"}',
  '{1:2}',
  '{"a":01}',
  '{"a":-01}',
  '{"a":00}',
  '{"a":1.}',
  '{"a":1.e5}',
  '{"a":1e}',
  '{"a":1e+}',
  '{"a":1E-}',
  '{"a":.5}',
  '{"a":+5}',
  '{"a":0x1}',
  '{"a":"\u0001"}',
  '{"a":"\t"}',
  '{"a":"é\\q"}',
  '{"a":"\\',
  '{"a":"x',
  '{"a":"x\\u00',
  '{"a":"\\uD83D\\uDE00\\u00e9"}',
  '{"a":1}}',
  '{"a":1]',
  '{"a"',
  '{"a":1,',
  '{"a":tx}',
  '{"a":é}',
  '{"a":世}',
  '{"a":😀}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '{"a":1,,}',
  '{,}',
  '{"a":1 \n}',
  '{"a":"\\/"}',
  '{"a":t\u0000}',
  '\u0000',
  '{"a":1}\u0000',
  '{"a":1}\u00a0',
  '{}\u2028',
  "{'a':1}",
  '{a:1}',
  '{"a":[1,2,{"b":[}]}',
  '{"a":{"b":{"c":{"d":[[[[]]]]}}}}',
  'undefined',
  'NaN',
  'Infinity',
  '[object Object]',
  '[1,2]',
  '"just a string"',
  '12',
  '-0',
  'true',
  'null',
];
for (const j of BAD_JSON) add(pick(['predictions', 'customers']), j);
for (const j of BAD_JSON.filter((s) => s.trimStart().startsWith('{'))) add('clickstream', j);
const MUTATIONS = [
  '"',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '\\',
  ' ',
  '0',
  '-',
  'e',
  '.',
  'x',
  '\u0001',
  'é',
  '😀',
];
for (let i = 0; i < 90; i++) {
  const shape = pick(SHAPES);
  const kind = pick(KINDS);
  let text;
  if (i % 3 === 0) text = shape.slice(0, Math.floor(random() * shape.length));
  else {
    const at = Math.floor(random() * shape.length);
    const m = pick(MUTATIONS);
    text =
      i % 3 === 1 ? shape.slice(0, at) + m + shape.slice(at + 1) : shape.slice(0, at) + m + shape.slice(at);
  }
  add(kind, text);
}

// 8. Random good records with random field values, to cover accepted shapes widely.
const IDS = ['1', '42', ' 7 ', 'c-9', 'Ωmega', '😀', '0', '123456789012', 'a,b', '=SUM(A1)'];
for (let i = 0; i < 60; i++) {
  const r = random();
  const id = pick(IDS);
  const ts = pick(TIMES.slice(0, 12));
  if (r < 0.35) {
    add(
      'clickstream',
      JSON.stringify({
        type: 'listen',
        eventId: random() < 0.5 ? `e${i}` : null,
        customerId: random() < 0.3 ? i : id,
        trackId: random() < 0.5 ? `t${i % 7}` : i % 7,
        ts,
        mobile: pick([true, false, 0, 1, '1', '0', 'true', 'False', undefined]),
        zip: pick(['72132', 72132, '', null, undefined, ' 1 ']),
      }),
    );
  } else if (r < 0.6) {
    add(
      'clickstream',
      JSON.stringify({
        type: 'click',
        customerId: id,
        ts,
        responseTimeMs: pick([0, 1, 2385, 2385.5, 2384.5, 0.49999999999999994, 3600000, null, undefined]),
        product: pick(['a', 'b', 'constructor', '__proto__', '10', '2', null]),
        url: pick(['https://x.test', null, 5]),
      }),
    );
  } else if (r < 0.8) {
    add(
      'predictions',
      JSON.stringify({
        customerId: id,
        churnRisk: pick([0, 1, 0.37, 0.1 + 0.2, 1e-9, 0.5]),
        model: pick(['m', null, 3]),
      }),
    );
  } else {
    add(
      'customers',
      JSON.stringify({
        customerId: id,
        Level: pick([0, 1, 2, 'Gold', 'free']),
        Score: random() * 100,
        Note: pick(['x', '', null, true]),
      }),
    );
  }
}

// Run them all through the real decoder.
const lines = [];
let offset = 0;
for (const c of cases) {
  const value = c.padSpaces ? Buffer.concat([c.value, Buffer.alloc(c.padSpaces, 0x20)]) : c.value;
  const decoded = decodeKafkaMessage(c.kind, 0, { offset: String(offset++), value }, c.kind);
  const text = c.value.toString('utf8');
  const line = { kind: c.kind };
  if (Buffer.from(text, 'utf8').equals(c.value)) line.value = text;
  else line.b64 = c.value.toString('base64');
  if (c.padSpaces) line.padSpaces = c.padSpaces;
  line.result = decoded.result;
  lines.push(JSON.stringify(line));
}
writeFileSync(out, `${lines.join('\n')}\n`);
const accepted = lines.filter((l) => l.includes('"ok":true')).length;
process.stdout.write(
  `${out}: ${lines.length} vectors (${accepted} accepted, ${lines.length - accepted} rejected)\n`,
);
