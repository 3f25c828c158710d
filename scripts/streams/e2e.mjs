#!/usr/bin/env node
// End-to-end check of the Streams app against the TypeScript engine on a real broker.
//
//   node scripts/streams/e2e.mjs hostile --brokers H:P [--count N]
//       publishes N hostile records (bad JSON, bad ids, impossible dates, 1e999, prototype names,
//       oversized and empty values…) to the three topics, keyed like real traffic
//   node scripts/streams/e2e.mjs compare --brokers H:P --data-dir DIR [--group customer360-profiles]
//           [--profiles customer-profiles] [--dead-letters customer360-dead-letters] [--timeout 600]
//       waits until the Streams group has no lag on the input and internal topics, then reads the
//       profiles topic (latest value per key) and compares every profile with the engine's store
//       (DIR/store.json, written by `c360 ingest --brokers`), and the dead letters with the
//       engine's quarantine (DIR/quarantine.jsonl): same origins, same reasons.
//   node scripts/streams/e2e.mjs wait --brokers H:P [--group customer360-profiles] [--timeout 600]
//       waits until the group has no lag on the input and internal topics; prints how long that took
//       and how many input messages there are (for throughput measurements).
//
// Needs kafkajs (npm ci) and, for compare, a store the TypeScript engine made from the same topics.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';

const [command, ...rest] = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : fallback;
};
const brokers = flag('brokers', process.env.KAFKA_BROKERS);
if (!brokers || !['hostile', 'compare', 'wait'].includes(command)) {
  process.stderr.write('usage: e2e.mjs hostile|compare|wait --brokers H:P [...]\n');
  process.exit(2);
}
const kafka = new Kafka({
  brokers: brokers.split(','),
  logLevel: logLevel.NOTHING,
  clientId: 'c360-streams-e2e',
});

async function hostile() {
  const count = Number(flag('count', '300'));
  const bad = {
    clickstream: [
      '{"type":"listen","customerId":"1"',
      '{"type":"listen","customerId":"a\\u0000b","trackId":"t","ts":"2026-03-04 10:00:00"}',
      '{"type":"listen","customerId":"1","trackId":"t","ts":"1969-12-31 23:59:59"}',
      '{"type":"listen","customerId":"1","trackId":"t","ts":"2026-02-30 10:00:00"}',
      'e1,1,t,2026-03-04 10:00:00,maybe,z',
      '"e1,1,t,2026-03-04 10:00:00,1,z',
      '{"type":"click","customerId":9007199254740993,"ts":"2026-03-04 10:00:00"}',
      '{"type":"click","customerId":"1","ts":"2026-03-04 10:00:00","responseTimeMs":1e999}',
      '{"customerId":"1","churnRisk":0.5}',
      '{"type":"purchase","customerId":"1"}',
      '',
      '   ',
      `{"type":"listen","customerId":"1","trackId":"t","ts":"2026-03-04 10:00:00","zip":"${'z'.repeat(70000)}"}`,
    ],
    predictions: [
      '{"customerId":"1","churnRisk":1.5}',
      '{"customerId":"1","churnRisk":1e999}',
      '{"user_id":"1","prediction":2}',
      '[1,2]',
      'NaN',
      '{"customerId":"","churnRisk":0.5}',
    ],
    customers: [
      '{"Name":"nobody"}',
      '{"customerId":"1","Level":"platinum"}',
      '{"customerId":"1","SignDate":"02/30/2016"}',
      '{"customerId":"1","Name":"A","name":"B"}',
      '{"customerId":"1","Huge":1e999}',
      '{"customerId":"1","constructor":"ok","__proto__":{"x":1},"10":"ten"}',
      '"just text"',
    ],
  };
  const producer = kafka.producer();
  await producer.connect();
  let sent = 0;
  for (let i = 0; i < count; i++) {
    const topics = Object.keys(bad);
    const topic = topics[i % topics.length];
    const list = bad[topic];
    const value = list[Math.floor(i / topics.length) % list.length];
    // Keyed as real traffic is: by the customer id the record names, when it names one.
    const id = /"(?:customerId|user_id)":\s*"?([^",}]*)/.exec(value)?.[1];
    await producer.send({
      topic,
      messages: [{ key: id || String(i % 50), value: i % 97 === 0 ? null : value }],
    });
    sent++;
  }
  await producer.disconnect();
  process.stdout.write(`published ${sent} hostile records\n`);
}

async function lag(admin, group, topics) {
  let total = 0;
  const committed = await admin.fetchOffsets({ groupId: group, topics });
  for (const t of committed) {
    const ends = await admin.fetchTopicOffsets(t.topic);
    for (const p of t.partitions) {
      const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
      const at = Number(p.offset) < 0 ? 0 : Number(p.offset);
      total += Math.max(0, end - at);
    }
  }
  return total;
}

/**
 * Reads a topic from the beginning. Transactional topics end in commit markers, which a consumer never
 * sees as messages, so "the end" is: nothing new for two seconds once every partition with data has
 * given at least one message.
 */
async function readAll(topic, onMessage) {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const waiting = new Set(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => e.partition));
  if (waiting.size === 0) return;
  const consumer = kafka.consumer({ groupId: `c360-e2e-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let last = Date.now();
  consumer.run({
    eachMessage: async ({ partition, message }) => {
      onMessage(message, partition);
      waiting.delete(partition);
      last = Date.now();
    },
  });
  while (waiting.size > 0 || Date.now() - last < 2000) await sleep(200);
  await consumer.disconnect();
}

function toV1(s) {
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
}

async function waitForGroup(group, timeoutS) {
  const admin = kafka.admin();
  await admin.connect();
  const inputs = ['clickstream', 'predictions', 'customers'];
  const internal = `${group}-events-repartition`;
  const started = Date.now();
  let left = -1;
  let messages = 0;
  while (Date.now() - started < timeoutS * 1000) {
    try {
      const existing = await admin.listTopics();
      left = await lag(
        admin,
        group,
        [...inputs, internal].filter((t) => existing.includes(t)),
      );
      if (left === 0 && existing.includes(internal)) break;
    } catch {
      // The group may not exist yet.
    }
    await sleep(250);
  }
  for (const t of inputs)
    for (const p of await admin.fetchTopicOffsets(t)) messages += Number(p.high) - Number(p.low);
  await admin.disconnect();
  if (left !== 0) throw new Error(`the Streams group still has a lag of ${left} after ${timeoutS} s`);
  return { seconds: (Date.now() - started) / 1000, messages };
}

async function compare() {
  const dataDir = flag('data-dir');
  const group = flag('group', 'customer360-profiles');
  const profilesTopic = flag('profiles', 'customer-profiles');
  const deadTopic = flag('dead-letters', 'customer360-dead-letters');
  const timeoutS = Number(flag('timeout', '600'));
  const emitMs = Number(flag('emit-interval-ms', '1000'));
  const { seconds: caughtUpS } = await waitForGroup(group, timeoutS);
  await sleep(emitMs * 2 + 1000);

  const published = new Map();
  let messages = 0;
  await readAll(profilesTopic, (m) => {
    messages++;
    published.set(m.key.toString('utf8'), m.value === null ? null : m.value.toString('utf8'));
  });
  const store = JSON.parse(readFileSync(join(dataDir, 'store.json'), 'utf8'));
  let same = 0;
  const diffs = [];
  for (const s of store.profiles) {
    const want = toV1(s);
    const got = published.get(s.id);
    if (got === want) same++;
    else diffs.push({ id: s.id, want, got });
  }
  const extra = [...published.keys()].filter((k) => !store.profiles.some((s) => s.id === k));

  const dead = [];
  await readAll(deadTopic, (m) => {
    const h = (name) => m.headers?.[name]?.toString('utf8');
    dead.push({ origin: h('origin'), reason: h('reason') });
  });
  const quarantineFile = join(dataDir, 'quarantine.jsonl');
  const quarantined = existsSync(quarantineFile)
    ? readFileSync(quarantineFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((q) => q.origin && 'topic' in q.origin)
        .map((q) => ({ origin: JSON.stringify(q.origin), reason: q.reason }))
    : [];
  const key = (d) => `${d.origin}\u0000${d.reason}`;
  const deadKeys = new Set(dead.map(key));
  const quarantineKeys = new Set(quarantined.map(key));
  const missingDead = [...quarantineKeys].filter((k) => !deadKeys.has(k));
  const unexpectedDead = [...deadKeys].filter((k) => !quarantineKeys.has(k));

  process.stdout.write(
    [
      `caught up ${caughtUpS.toFixed(1)} s after the check started`,
      `profiles: ${store.profiles.length} in the engine's store, ${published.size} on ${profilesTopic} (${messages} messages); ${same} identical, ${diffs.length} different, ${extra.length} only on the topic`,
      `dead letters: ${dead.length} on ${deadTopic}, ${quarantined.length} in the engine's quarantine; ${missingDead.length} quarantined but not dead-lettered, ${unexpectedDead.length} dead-lettered but not quarantined`,
    ].join('\n') + '\n',
  );
  for (const d of diffs.slice(0, 3))
    process.stdout.write(`  ${d.id}:\n    engine ${d.want}\n    topic  ${d.got}\n`);
  for (const k of missingDead.slice(0, 3))
    process.stdout.write(`  not dead-lettered: ${JSON.stringify(k)}\n`);
  for (const k of unexpectedDead.slice(0, 3))
    process.stdout.write(`  not quarantined: ${JSON.stringify(k)}\n`);
  const ok =
    diffs.length === 0 && extra.length === 0 && missingDead.length === 0 && unexpectedDead.length === 0;
  process.exit(ok ? 0 : 1);
}

if (command === 'wait') {
  const { seconds, messages } = await waitForGroup(
    flag('group', 'customer360-profiles'),
    Number(flag('timeout', '600')),
  );
  process.stdout.write(
    `no lag ${seconds.toFixed(1)} s after the wait started (${messages} input messages)\n`,
  );
} else await (command === 'hostile' ? hostile() : compare());
