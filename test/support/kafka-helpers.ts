import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

/** Small kafkajs helpers for tests that need to put exact messages on a topic. */

export function uniqueTopics(label: string) {
  const id = `${label}-${randomBytes(3).toString('hex')}`;
  const topics = {
    clickstream: `${id}-clickstream`,
    predictions: `${id}-predictions`,
    customers: `${id}-customers`,
  };
  return { ...topics, flag: `${topics.clickstream},${topics.predictions},${topics.customers}` };
}

export function testKafka(brokers: string): Kafka {
  return new Kafka({ clientId: 'c360-tests', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

export async function createTopics(brokers: string, topics: string[], partitions: number): Promise<void> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: partitions })),
    waitForLeaders: true,
  });
  await admin.disconnect();
}

/** Sends messages to one partition each, in order, and returns the offset each one got. */
export async function sendTo(
  brokers: string,
  topic: string,
  messages: Array<{ partition: number; key: string; value: string | null }>,
): Promise<string[]> {
  const producer = testKafka(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const offsets: string[] = [];
  for (const m of messages) {
    const [meta] = await producer.send({
      topic,
      messages: [{ partition: m.partition, key: m.key, value: m.value }],
    });
    offsets.push(meta?.baseOffset ?? '');
  }
  await producer.disconnect();
  return offsets;
}

export async function partitionsWithData(brokers: string, topic: string): Promise<number> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.filter((o) => Number(o.high) > Number(o.low)).length;
}

/** What a lag tool shows for a group on a topic: messages between its committed offsets and the end. */
export async function lagOf(brokers: string, groupId: string, topic: string): Promise<number> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  return ends.reduce((lag, end) => {
    const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
    return lag + Number(end.high) - (Number(at) < 0 ? Number(end.low) : Number(at));
  }, 0);
}
