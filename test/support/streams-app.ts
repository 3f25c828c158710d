import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildStreams } from '../../scripts/streams/build.mjs';
import { testKafka } from './kafka-helpers.js';

/** The Kafka Streams app (streams/) for tests: built by the project script, run as a user runs it. */

/** Why the Streams app cannot run here (no JDK or no Maven), or null when it can. */
export function streamsUnavailable(): string | null {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) return 'no Java (a JDK 17) on this machine';
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) return 'no Maven (mvn) on this machine';
  return null;
}

/** Builds the jar unless it is newer than every source (so a second run costs nothing). */
export function streamsJar(): string {
  return buildStreams().jar;
}

export interface StreamsTopics {
  clickstream: string;
  predictions: string;
  customers: string;
  profiles: string;
  deadLetters: string;
}

export interface StreamsInstance {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** One instance, configured by flags and `--property` as the README shows. */
export function startStreams(
  jar: string,
  o: { brokers: string; applicationId: string; stateDir: string; topics: StreamsTopics; emitMs: number },
): StreamsInstance {
  const props = {
    'c360.topic.clickstream': o.topics.clickstream,
    'c360.topic.predictions': o.topics.predictions,
    'c360.topic.customers': o.topics.customers,
    'c360.topic.profiles': o.topics.profiles,
    'c360.topic.dead-letters': o.topics.deadLetters,
    // A killed instance's partitions move once its session expires: keep that short for the test.
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '1000',
    // Metadata refresh, so topics created a moment after start are found quickly.
    'main.consumer.metadata.max.age.ms': '2000',
  };
  const args = [
    '-Xmx384m',
    '-jar',
    jar,
    '--bootstrap-servers',
    o.brokers,
    '--application-id',
    o.applicationId,
    '--state-dir',
    o.stateDir,
    '--emit-interval-ms',
    String(o.emitMs),
    ...Object.entries(props).flatMap(([k, v]) => ['--property', `${k}=${v}`]),
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Messages the group has not processed yet on these topics (all partitions); null before it has committed. */
export async function groupLag(brokers: string, group: string, topics: string[]): Promise<number | null> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length < topics.length) return null;
    const committed = await admin.fetchOffsets({ groupId: group, topics: present });
    let lag = 0;
    for (const { topic, partitions } of committed) {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
      for (const p of partitions) {
        const end = ends.get(p.partition) ?? 0n;
        const at = BigInt(p.offset);
        lag += Number(end - (at < 0n ? 0n : at));
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

async function endOffsets(brokers: string, topic: string): Promise<string> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map((p) => `${p.partition}:${p.high}`).join(',');
  } catch {
    return '';
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the app has processed every input message (its group has no lag on the inputs and
 * on its repartition topic), then until the profiles topic stops growing for a few emit intervals
 * (the last changes are published by a wall-clock punctuator).
 */
export async function waitForStreams(
  brokers: string,
  applicationId: string,
  topics: StreamsTopics,
  emitMs: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const inputs = [
    topics.clickstream,
    topics.predictions,
    topics.customers,
    `${applicationId}-events-repartition`,
  ];
  let lag: number | null = null;
  while (Date.now() < deadline) {
    lag = await groupLag(brokers, applicationId, inputs).catch(() => null);
    if (lag === 0) break;
    await sleep(300);
  }
  if (lag !== 0) throw new Error(`the Streams app still has a lag of ${lag} after ${timeoutMs} ms`);
  let last = await endOffsets(brokers, topics.profiles);
  let stableSince = Date.now();
  while (Date.now() < deadline && Date.now() - stableSince < 3 * emitMs + 1500) {
    await sleep(250);
    const now = await endOffsets(brokers, topics.profiles);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
  }
}
