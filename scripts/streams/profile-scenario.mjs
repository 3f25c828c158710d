#!/usr/bin/env node
// Writes a seeded scenario of Kafka records across the three topics, and what the TypeScript engine
// makes of it, for the Java aggregation tests (streams/src/test/resources/):
//
//   profile-scenario.jsonl   one record a line, in the order they are applied:
//                            {"topic":"clickstream","key":"42","value":"…"}  (or "b64" for bytes that are not UTF-8)
//   profile-expected.jsonl   one profile a line, by customer id: the customer-profiles value (v1)
//                            the engine's own code gives: decodeKafkaMessage, applyEvent, encodeProfile
//   dead-letters-expected.jsonl   every refused record: {"topic","partition","offset","reason"}
//
// Offsets count per topic from 0 (one partition each), as TopologyTestDriver gives them.
// Build the TypeScript first (`npx tsc -p tsconfig.json`), then:  node scripts/streams/profile-scenario.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'streams/src/test/resources');
const dist = (p) => join(root, 'dist', p);
const { decodeKafkaMessage } = await import(dist('main/engine/sources/kafka/message-decoder.js'));
const { applyEvent } = await import(dist('main/engine/profile/profile-aggregator.js'));
const { encodeProfile } = await import(dist('main/engine/store/store-codec.js'));

let seed = 0xc0ffee;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (n) => Math.floor(random() * n);

/** @type {{topic: string, key: string | null, value: Buffer}[]} */
const records = [];
const add = (topic, key, value) =>
  records.push({ topic, key, value: Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8') });
const json = (o) => JSON.stringify(o);

const CUSTOMERS = ['1', '2', '3', '42', 'c-7', 'Ωmega', '😀', '0', '9007199254740991', 'zips'];
const TRACKS = ['t1', 't2', 't3', '981', 7, 8, ' t1 '];
const PRODUCTS = [
  'card',
  'loan',
  'constructor',
  '__proto__',
  'toString',
  '10',
  '2',
  'hasOwnProperty',
  'é',
  null,
];
const pad = (n) => String(n).padStart(2, '0');
function timestamp() {
  const d = 1 + int(28);
  const base = `2026-0${1 + int(3)}-${pad(d)}`;
  const h = int(24);
  const m = int(60);
  const s = int(60);
  const forms = [
    `${base} ${pad(h)}:${pad(m)}:${pad(s)}`,
    `${base}T${pad(h)}:${pad(m)}:${pad(s)}Z`,
    `${base} ${pad(h)}:${pad(m)}`,
    `${base}T${pad(h)}:${pad(m)}:${pad(s)}+02:00`,
    `${base} ${pad(h)}:${pad(m)}:${pad(s)}.250-0530`,
    ` ${base} ${pad(h)}:${pad(m)}:${pad(s)} `,
  ];
  return pick(forms);
}

// Ordinary traffic for many customers.
for (let i = 0; i < 900; i++) {
  const id = pick(CUSTOMERS);
  const r = random();
  if (r < 0.45) {
    const listen = {
      type: 'listen',
      eventId: `e${i}`,
      customerId: id,
      trackId: pick(TRACKS),
      ts: timestamp(),
    };
    if (random() < 0.7) listen.mobile = pick([true, false, 1, 0, '1', 'false']);
    if (random() < 0.6) listen.zip = pick(['72132', '10001', 94107, '', null]);
    add('clickstream', id, json(listen));
  } else if (r < 0.55) {
    const mobile = pick(['0', '1']);
    add(
      'clickstream',
      id,
      `e${i},${id},${pick(['t1', 't9', '981'])},${timestamp().trim()},${mobile},${pick(['72132', ''])}`,
    );
  } else if (r < 0.75) {
    const click = { type: 'click', customerId: id, ts: timestamp() };
    if (random() < 0.8) click.responseTimeMs = pick([0, 1, 120, 2385, 2384.5, 99.4, 3_600_000, null]);
    const product = pick(PRODUCTS);
    if (product !== null) click.product = product;
    if (random() < 0.2)
      add(
        'clickstream',
        id,
        json({ user_id: id, datetime: click.ts, response_time_ms: click.responseTimeMs, product }),
      );
    else add('clickstream', id, json(click));
  } else if (r < 0.88) {
    const form = random();
    if (form < 0.6)
      add(
        'predictions',
        id,
        json({
          customerId: id,
          churnRisk: pick([0, 0.05, 0.2, 0.37, 0.1 + 0.2, 1, 1 / 3]),
          model: pick(['lr@1', null, 'gbt@2']),
          ts: pick([timestamp(), null]),
        }),
      );
    else if (form < 0.8)
      add('predictions', id, json({ user_id: id, churn_risk: pick([0, 37, 33.3, 100, 12.5]) }));
    else add('predictions', id, json({ user_id: id, prediction: pick([0, 1, '0', '1']) }));
  } else {
    const crm = { customerId: id };
    if (random() < 0.5) crm.Name = pick(['Ann', 'Bo', 'Cy']);
    if (random() < 0.5) crm.Level = pick([0, 1, 2, 'gold', 'Silver']);
    if (random() < 0.3) crm.Status = pick([0, 1, 'active']);
    if (random() < 0.3) crm.SignDate = pick(['03/04/2016', '2017-01-31', '12/31/0099']);
    if (random() < 0.3) crm.Score = pick([1.5, 100, 0.1 + 0.2, 1e21, -0]);
    if (random() < 0.3) crm[pick(['10', '2', 'zeta', 'constructor'])] = pick(['x', true, 7]);
    if (random() < 0.2) crm.Nested = { b: [1, 2], a: null };
    add('customers', id, json(crm));
  }
}

// First/last seen and zip ties: the same instant written differently.
const tieTimes = [
  '2026-03-04 10:00:00',
  '2026-03-04T10:00:00Z',
  '2026-03-04T12:00:00+02:00',
  '2026-03-04 10:00',
];
for (const [i, ts] of tieTimes.entries()) {
  add('clickstream', 'tie', json({ type: 'listen', customerId: 'tie', trackId: `t${i}`, ts, zip: `z${i}` }));
}
add(
  'clickstream',
  'tie',
  json({ type: 'listen', customerId: 'tie', trackId: 't0', ts: '2026-03-04T09:00:00-01:00' }),
);
add(
  'clickstream',
  'tie',
  json({ type: 'listen', customerId: 'tie', trackId: 't0', ts: '2026-03-04T11:00:00+01:00', zip: 'last' }),
);

// Over 50 predictions for one customer: only the last 50 remain, oldest first.
for (let i = 0; i < 64; i++)
  add('predictions', 'churny', json({ customerId: 'churny', churnRisk: i / 64, model: `m${i}` }));

// Enough slow clicks that the sum of squares passes 2^53 and rounds as a double does.
for (let i = 0; i < 720; i++)
  add(
    'clickstream',
    'slow',
    `{"type":"click","customerId":"slow","ts":"2026-03-05 10:00:00","responseTimeMs":${3_599_999 - (i % 3)}}`,
  );

// CRM merges: later values win, names keep their first place, integer-like names come first.
add('customers', 'crm', '{"customerId":"crm","zeta":1,"Name":"A","10":"ten"}');
add('customers', 'crm', '{"customerId":"crm","Name":"B","2":"two","alpha":true}');
add('customers', 'crm', '{"customerId":"crm","Level":"1","__proto__":"p","constructor":"c"}');
add('clickstream', 'crm', '{"type":"customer","customerId":"crm","Name":"C","Campaign":4}');
add('predictions', 'crm', '{"type":"customer","customerId":"crm","Status":"0"}');
add('customers', 'crm', '{"customerId":"crm"}');
add('customers', 'empty-crm', '{"customerId":"empty-crm","Blank":"  "}');

// Records that cannot be read, mixed in: they go to the dead letters and change nothing.
const BAD = [
  ['clickstream', '{"type":"listen","customerId":"1"'],
  ['clickstream', '{"type":"listen","customerId":"1","trackId":"t","ts":"1969-12-31 23:59:59"}'],
  ['clickstream', 'e1,1,t,2026-02-30 10:00:00,1,z'],
  ['clickstream', '{"type":"click","customerId":"1","ts":"2026-03-04 10:00:00","responseTimeMs":-1}'],
  ['clickstream', '{"customerId":"1","churnRisk":0.5}'],
  ['clickstream', ''],
  ['predictions', '{"customerId":"1","churnRisk":1e999}'],
  ['predictions', '{"customerId":9007199254740993,"churnRisk":0.5}'],
  ['predictions', 'not json'],
  ['customers', '{"customerId":"1","Level":"platinum"}'],
  ['customers', '{"Name":"nobody"}'],
  ['customers', '{"customerId":"1","Name":"A","name":"B"}'],
  ['customers', '[]'],
];
for (const [topic, value] of BAD) {
  const at = int(records.length);
  records.splice(at, 0, { topic, key: pick(['1', null, 'x']), value: Buffer.from(value, 'utf8') });
}
records.splice(int(records.length), 0, {
  topic: 'clickstream',
  key: '1',
  value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
});
records.splice(int(records.length), 0, { topic: 'predictions', key: null, value: null });

// Run them through the engine, in order.
const profiles = new Map();
const deadLetters = [];
const offsets = { clickstream: 0, predictions: 0, customers: 0 };
for (const r of records) {
  const offset = offsets[r.topic]++;
  const decoded = decodeKafkaMessage(r.topic, 0, { offset: String(offset), value: r.value }, r.topic);
  if (decoded.result.ok) applyEvent(profiles, decoded.result.event);
  else
    deadLetters.push({ topic: r.topic, partition: 0, offset: String(offset), reason: decoded.result.reason });
}

const scenario = records.map((r) => {
  const line = { topic: r.topic, key: r.key };
  if (r.value === null) line.value = null;
  else {
    const text = r.value.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(r.value)) line.value = text;
    else line.b64 = r.value.toString('base64');
  }
  return JSON.stringify(line);
});
const expected = [...profiles.keys()].sort().map((id) => {
  const s = encodeProfile(profiles.get(id));
  return JSON.stringify({
    v: 1,
    customerId: s.id,
    listens: s.listens,
    uniqueTracks: s.tracks.length,
    tod: s.tod,
    mobile: s.mobile,
    dayHour: s.dayHour,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    listenZip: s.listenZip,
    clicks: s.clicks,
    responseTimes: s.responseTimes,
    products: s.products,
    churnHistory: s.churnHistory,
    crm: s.crm,
  });
});
writeFileSync(join(outDir, 'profile-scenario.jsonl'), `${scenario.join('\n')}\n`);
writeFileSync(join(outDir, 'profile-expected.jsonl'), `${expected.join('\n')}\n`);
writeFileSync(
  join(outDir, 'dead-letters-expected.jsonl'),
  `${deadLetters.map((d) => JSON.stringify(d)).join('\n')}\n`,
);
process.stdout.write(
  `${records.length} records, ${expected.length} profiles, ${deadLetters.length} dead letters written to ${outDir}\n`,
);
