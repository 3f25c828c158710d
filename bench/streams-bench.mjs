// Bench group 8: the Kafka Streams app against the desktop engine, on one broker and one machine.
//   node bench/streams-bench.mjs CACHE_DIR LISTEN_FILE N   → prints JSON
// 1. The desktop engine ingests N listens (4 partitions) from Kafka: events/s.
// 2. The Streams app, one instance, then two (same application id, own state folders), each from
//    spawn until its group has read every input message: events/s, and each JVM's peak memory.
// 3. End-to-end latency: with one instance running, events for fresh customers are produced at a
//    steady pace, and the desktop's profiles source (in this process) notes when each customer's
//    profile lands in its store: p50/p99 from produce to store.
import { spawn } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { KafkaBroker } from '../scripts/kafka/kafka-broker.mjs';
import { buildStreams } from '../scripts/streams/build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'main', 'cli', 'c360.js');
const [cache, listenFile, countArg] = process.argv.slice(2);
const N = Number(countArg);
const PARTITIONS = 4;
const log = (line) => process.stderr.write(`streams bench: ${line}\n`);
const load = [loadavg()[0]];

const { jar } = buildStreams();
const broker = await KafkaBroker.create(join(cache, 'kafka-broker-streams'));
const kafka = new Kafka({ clientId: 'bench-streams', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

const topics = {
  clickstream: 'sb-clickstream',
  predictions: 'sb-predictions',
  customers: 'sb-customers',
};
const result = { events: N, partitions: PARTITIONS };

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function lag(group, names) {
  const existing = new Set(await admin.listTopics());
  if (!names.every((t) => existing.has(t))) return null;
  let left = 0;
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics: names })) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    for (const p of partitions) {
      const at = BigInt(p.offset);
      left += Number((ends.get(p.partition) ?? 0n) - (at < 0n ? 0n : at));
    }
  }
  return left;
}

/** VmHWM of a process: its peak resident memory, in MiB. */
function peakMiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return line ? Number(line[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function startStreams(app, name, profilesTopic, emitMs = 1000) {
  const props = {
    'c360.topic.clickstream': topics.clickstream,
    'c360.topic.predictions': topics.predictions,
    'c360.topic.customers': topics.customers,
    'c360.topic.profiles': profilesTopic,
    'c360.topic.dead-letters': `${app}-dead-letters`,
    'main.consumer.metadata.max.age.ms': '2000',
  };
  const child = spawn(
    'java',
    [
      '-Xmx1g',
      '-jar',
      jar,
      '--bootstrap-servers',
      broker.brokers,
      '--application-id',
      app,
      '--state-dir',
      join(cache, 'streams-state', app, name),
      '--emit-interval-ms',
      String(emitMs),
      ...Object.entries(props).flatMap(([k, v]) => ['--property', `${k}=${v}`]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let tail = '';
  child.stderr.on('data', (d) => {
    tail = (tail + d).slice(-4000);
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { child, exited, tail: () => tail };
}

/** Runs `instances` of the app from spawn until its group has read all N input messages. */
async function streamsRun(instances) {
  const app = `sb-${instances}x-${Date.now().toString(36)}`;
  await rm(join(cache, 'streams-state', app), { recursive: true, force: true });
  const started = performance.now();
  const procs = Array.from({ length: instances }, (_, i) => startStreams(app, `i${i}`, `${app}-profiles`));
  const inputs = [topics.clickstream, `${app}-events-repartition`];
  let left = null;
  const peaks = procs.map(() => 0);
  while (performance.now() - started < 1_800_000) {
    left = await lag(app, inputs).catch(() => null);
    procs.forEach((p, i) => {
      peaks[i] = Math.max(peaks[i], peakMiB(p.child.pid) ?? 0);
    });
    if (left === 0) break;
    if (procs.some((p) => p.child.exitCode !== null))
      throw new Error(`an instance exited:\n${procs[0].tail()}`);
    await sleep(250);
  }
  const ms = performance.now() - started;
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  if (left !== 0) throw new Error(`Streams (${instances}) still had a lag of ${left}`);
  return { instances, ms, eventsPerSecond: Math.round((N * 1000) / ms), peakRssMiB: peaks.map(Math.round) };
}

try {
  // Input: the first N listens of the bench file, on 4 partitions, and empty predictions/customers.
  await admin.createTopics({
    topics: Object.values(topics).map((topic) => ({ topic, numPartitions: PARTITIONS })),
    waitForLeaders: true,
  });
  const partial = join(cache, `listens-${N}.csv`);
  const lines = [];
  for await (const line of createInterface({ input: createReadStream(listenFile) })) {
    lines.push(line);
    if (lines.length >= N) break;
  }
  await writeFile(partial, `${lines.join('\n')}\n`);
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [
    cli,
    'produce',
    '--brokers',
    broker.brokers,
    '--topics',
    Object.values(topics).join(','),
    partial,
  ]);

  log(`desktop engine on ${N} listens`);
  const store = join(cache, 'store-streams-bench');
  await rm(store, { recursive: true, force: true });
  result.desktop = JSON.parse(
    execFileSync(
      process.execPath,
      [join(here, 'ingest-kafka-child.mjs'), broker.brokers, Object.values(topics).join(','), store],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    ),
  );
  log('Streams, one instance');
  result.streams1 = await streamsRun(1);
  log('Streams, two instances');
  result.streams2 = await streamsRun(2);

  // Latency: fresh customers, one listen each, at 100 events/s for 20 s, one instance running.
  log('end-to-end latency');
  const app = `sb-latency-${Date.now().toString(36)}`;
  const profilesTopic = `${app}-profiles`;
  const s = startStreams(app, 'l', profilesTopic);
  const { Engine } = await import('../dist/main/engine/engine.js');
  const { resolveKafkaSettings } = await import('../dist/main/engine/kafka/kafka-settings.js');
  const { ProfilesSource } = await import('../dist/main/engine/sources/profiles/profiles-source.js');
  // Wait until the app has caught up on the existing input (and created the profiles topic).
  const waitStarted = performance.now();
  while ((await lag(app, [topics.clickstream, `${app}-events-repartition`]).catch(() => null)) !== 0) {
    if (performance.now() - waitStarted > 1_800_000) throw new Error('latency run: the app never caught up');
    await sleep(250);
  }
  const desk = await Engine.open({ storeDir: join(cache, 'store-latency') });
  const producedAt = new Map();
  const latencies = [];
  desk.session.onApplied = (_events, replaced) => {
    const now = performance.now();
    for (const id of replaced) {
      const at = producedAt.get(id);
      if (at !== undefined) {
        latencies.push(now - at);
        producedAt.delete(id);
      }
    }
  };
  let stop = false;
  const running = desk.run(
    new ProfilesSource(resolveKafkaSettings([{ brokers: broker.brokers, profiles: profilesTopic }]), {
      follow: true,
    }),
    { shouldStop: () => stop },
  );
  // Let the desktop read the backlog of profiles first.
  await sleep(5000);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const SENT = 2000;
  for (let i = 0; i < SENT; i++) {
    const id = `lat-${i}`;
    const value = JSON.stringify({
      type: 'listen',
      customerId: id,
      trackId: `t${i % 97}`,
      ts: new Date().toISOString().slice(0, 19).replace('T', ' '),
      mobile: i % 2 === 0,
    });
    producedAt.set(id, performance.now());
    await producer.send({ topic: topics.clickstream, messages: [{ key: id, value }] });
    await sleep(10);
  }
  const until = performance.now() + 30_000;
  while (producedAt.size > 0 && performance.now() < until) await sleep(100);
  stop = true;
  await running;
  await desk.close();
  await producer.disconnect();
  s.child.kill('SIGTERM');
  await s.exited;
  const sorted = latencies.sort((a, b) => a - b);
  result.latency = {
    sent: SENT,
    arrived: sorted.length,
    emitIntervalMs: 1000,
    p50Ms: Math.round(percentile(sorted, 50)),
    p99Ms: Math.round(percentile(sorted, 99)),
    maxMs: Math.round(sorted[sorted.length - 1]),
  };
} finally {
  await admin.disconnect().catch(() => {});
  await broker.stop();
  await mkdir(cache, { recursive: true });
}
load.push(loadavg()[0]);
result.loadAverage1m = { atStart: load[0], atEnd: load[1] };
process.stdout.write(JSON.stringify(result));
process.exit(0);
