import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, Kafka, logLevel, Partitioners } from 'kafkajs';
import { demoLiveRecords } from '../demo/demo-live.js';
import { DemoWorld } from '../demo/demo-world.js';
import { describeOrigin } from '../ingest/quarantine.js';
import { readFileBatches } from '../sources/file/file-reader.js';
import { planFiles } from '../sources/file/file-source.js';
import { UserError } from '../user-error.js';
import { encodeEvent, type TopicKind, topicKindOf } from './event-wire.js';
import { type KafkaSettings, kafkaJsConfig } from './kafka-settings.js';

/**
 * `c360 produce`: publishes sample files or generated demo events to the topics, keyed by
 * customer id (so one customer's events stay in order on one partition), at a chosen rate.
 */

export interface PublishOptions {
  settings: KafkaSettings;
  /** Messages per second; 0 sends as fast as the broker takes them. */
  rate: number;
  files?: string[];
  demo?: { events: number; seed: number; customers: number };
  /** Partitions for topics that do not exist yet. */
  partitions: number;
  onProgress?: (sent: number) => void;
  shouldStop?: () => boolean;
}

export interface PublishResult {
  sent: Record<TopicKind, number>;
  /** File records that could not be read, so were not published. */
  skipped: number;
  firstSkipped: string | null;
}

interface Outgoing {
  kind: TopicKind;
  key: string;
  value: string;
}

const CHUNK = 5000;

async function* fromFiles(paths: string[], result: PublishResult): AsyncGenerator<Outgoing[]> {
  for (const file of await planFiles(paths)) {
    for await (const batch of readFileBatches(file.path, file.format, 0)) {
      const out: Outgoing[] = [];
      for (const r of batch.records) {
        if (r.result.ok) {
          const event = r.result.event;
          out.push({
            kind: topicKindOf(event),
            key: event.customerId,
            value: JSON.stringify(encodeEvent(event)),
          });
        } else {
          result.skipped += 1;
          result.firstSkipped ??= `${describeOrigin(r.origin)}: ${r.result.reason}`;
        }
      }
      yield out;
    }
  }
}

async function* fromDemo(demo: NonNullable<PublishOptions['demo']>): AsyncGenerator<Outgoing[]> {
  const world = new DemoWorld({ seed: demo.seed, customers: demo.customers });
  // Stamped in real time: a topic's events should read like a real day's.
  for await (const batch of demoLiveRecords(world, { rate: 0, speed: 1, limit: demo.events })) {
    yield batch.map((record) => {
      const r = record as { type?: string; customerId?: string; CustID?: string };
      const kind: TopicKind = r.type === 'customer' ? 'customers' : r.type ? 'clickstream' : 'predictions';
      return { kind, key: String(r.customerId ?? r.CustID), value: JSON.stringify(record) };
    });
  }
}

/** Until every partition of the new topics has a leader, as the broker sees it. */
async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { topics: meta } = await admin.fetchTopicMetadata({ topics });
    const ready =
      meta.length === topics.length &&
      meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
    if (ready) return;
    await sleep(100);
  }
}

export async function publish(options: PublishOptions): Promise<PublishResult> {
  const { settings } = options;
  const result: PublishResult = {
    sent: { clickstream: 0, predictions: 0, customers: 0 },
    skipped: 0,
    firstSkipped: null,
  };
  const source = options.files
    ? fromFiles(options.files, result)
    : options.demo
      ? fromDemo(options.demo)
      : null;
  if (!source) throw new UserError('name files to publish, or pass --demo N');

  const kafka = new Kafka({ ...kafkaJsConfig(settings), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  // New partitions can answer "not hosted here" for a moment after creation: retry patiently.
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 10 },
  });
  try {
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = Object.values(settings.topics).filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({
          topics: missing.map((topic) => ({ topic, numPartitions: options.partitions })),
          waitForLeaders: true,
        });
        await waitForLeaders(admin, missing);
      }
      await producer.connect();
    } catch (error) {
      throw new UserError(
        `cannot publish to Kafka at ${settings.brokers.join(',')}: ${(error as Error).message}`,
      );
    }
    const started = Date.now();
    let sent = 0;
    for await (const messages of source) {
      for (let i = 0; i < messages.length && !options.shouldStop?.(); i += CHUNK) {
        const chunk = messages.slice(i, i + CHUNK);
        if (options.rate > 0) {
          // Pace against the start, sending at most a tenth of a second's worth at once.
          for (let j = 0; j < chunk.length; ) {
            const due = Math.floor(((Date.now() - started) / 1000) * options.rate) - sent;
            if (due <= 0) {
              await sleep(20);
              continue;
            }
            const part = chunk.slice(j, j + Math.min(due, Math.max(1, Math.ceil(options.rate / 10))));
            await send(part);
            j += part.length;
          }
        } else {
          await send(chunk);
        }
      }
      if (options.shouldStop?.()) break;
    }
    return result;

    async function send(chunk: Outgoing[]): Promise<void> {
      const byTopic = new Map<TopicKind, { key: string; value: string }[]>();
      for (const m of chunk) {
        const list = byTopic.get(m.kind) ?? [];
        list.push({ key: m.key, value: m.value });
        byTopic.set(m.kind, list);
      }
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([kind, msgs]) => ({ topic: settings.topics[kind], messages: msgs })),
      });
      for (const [kind, msgs] of byTopic) result.sent[kind] += msgs.length;
      sent += chunk.length;
      options.onProgress?.(sent);
    }
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}
