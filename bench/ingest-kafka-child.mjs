// One Kafka ingest (or, with --bare, a kafkajs consumer that only counts messages) in a fresh
// process; prints its figures as JSON. Usage: node bench/ingest-kafka-child.mjs BROKERS TOPICS DATA_DIR [--bare N]
import { Kafka, logLevel } from 'kafkajs';
import { Engine } from '../dist/main/engine/engine.js';
import { resolveKafkaSettings } from '../dist/main/engine/kafka/kafka-settings.js';
import { KafkaSource } from '../dist/main/engine/sources/kafka/kafka-source.js';

const [brokers, topics, dataDir, bare, expected] = process.argv.slice(2);
const started = performance.now();

if (bare === '--bare') {
  // The reference: the same client library, reading the same topic, doing nothing with it.
  const kafka = new Kafka({ clientId: 'bench-bare', brokers: [brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `bench-bare-${Date.now()}`,
    maxBytes: 16 << 20,
    maxWaitTimeInMs: 1000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.split(',')[0], fromBeginning: true });
  let n = 0;
  const target = Number(expected);
  await new Promise((resolve) => {
    consumer.run({
      eachBatch: async ({ batch }) => {
        n += batch.messages.length;
        if (n >= target) resolve();
      },
    });
  });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage();
  await consumer.disconnect();
  process.stdout.write(
    JSON.stringify({
      messages: n,
      ms,
      messagesPerSecond: Math.round((n * 1000) / ms),
      // Every thread of the process, user and system.
      cpuMicrosPerMessage: (cpu.user + cpu.system) / n,
    }),
  );
} else {
  const engine = await Engine.open({ storeDir: dataDir });
  const session = engine.session;
  const result = await engine.run(
    new KafkaSource(resolveKafkaSettings([{ brokers, topics }]), { follow: false, failFast: true }),
  );
  const ms = performance.now() - started;
  const cpu = process.cpuUsage();
  const t = session.timings;
  process.stdout.write(
    JSON.stringify({
      events: session.events,
      messages: result.messages,
      ms,
      eventsPerSecond: Math.round((session.events * 1000) / ms),
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      // Every thread of the process (the consumer's and the engine's), user and system.
      cpuMicrosPerMessage: (cpu.user + cpu.system) / session.events,
      decodeMs: t.decodeMs,
      aggregateMs: t.aggregateMs,
      checkpoints: t.checkpoints,
      checkpointWallMs: t.checkpointMs,
      longestCheckpointStallMs: t.longestCheckpointStallMs,
      // Everything else: connecting, fetching, kafkajs's own work per batch, the final checkpoint.
      fetchMs: ms - t.decodeMs - t.aggregateMs,
    }),
  );
}
