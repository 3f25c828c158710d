import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createTopics, sendTo, testKafka, uniqueTopics } from '../support/kafka-helpers.js';
import { runCli } from '../support/run-cli.js';

const kafka = inject('kafka');

/** Every message on a topic, with partition and key. */
async function readAll(brokers: string, topic: string, expected: number) {
  const consumer = testKafka(brokers).consumer({ groupId: `reader-${topic}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: Array<{ partition: number; key: string; value: string; headers: Record<string, string> }> = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        got.push({ partition, key: String(message.key), value: String(message.value), headers });
        if (got.length >= expected) resolve();
      },
    });
  });
  await consumer.disconnect();
  return got;
}

describe('c360 produce', () => {
  it('publishes generated demo events at the asked rate, keyed by customer, creating the topics', async () => {
    const t = uniqueTopics('produce');
    const started = Date.now();
    const run = await runCli([
      'produce',
      '--brokers',
      kafka.brokers,
      '--topics',
      t.flag,
      '--demo',
      '600',
      '--customers',
      '30',
      '--rate',
      '400',
    ]);
    const seconds = (Date.now() - started) / 1000;
    expect(run.code).toBe(0);
    const sent = /Published ([\d,]+) messages/.exec(run.stdout)?.[1]?.replace(/,/g, '');
    // 30 CRM records, 600 clickstream events and some predictions, at 400 messages/s.
    expect(Number(sent)).toBeGreaterThan(630);
    expect(seconds).toBeGreaterThan(Number(sent) / 400 - 0.5);

    const clicks = await readAll(kafka.brokers, t.clickstream, 600);
    expect(clicks).toHaveLength(600);
    const partitionOf = new Map<string, number>();
    for (const m of clicks) {
      expect(JSON.parse(m.value).customerId).toBe(m.key);
      // One customer, one partition: their events stay in order.
      expect(partitionOf.get(m.key) ?? m.partition).toBe(m.partition);
      partitionOf.set(m.key, m.partition);
    }
    expect(new Set(partitionOf.values()).size).toBe(3);
    const customers = await readAll(kafka.brokers, t.customers, 30);
    expect(customers.map((m) => JSON.parse(m.value).type)).toEqual(new Array(30).fill('customer'));
  });

  it('exits 2 on usage errors and 1 when the broker cannot be reached', async () => {
    expect((await runCli(['produce', '--brokers', kafka.brokers])).code).toBe(1);
    expect((await runCli(['produce', '--brokers', kafka.brokers, '--demo', 'lots'])).code).toBe(2);
    const unreachable = await runCli(['produce', '--brokers', '127.0.0.1:1', '--demo', '5']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/c360: cannot publish to Kafka at 127\.0\.0\.1:1/);
  });
});

describe('dead-letter topic', () => {
  it('also publishes quarantined records there, with the reason and origin in headers', async () => {
    const t = uniqueTopics('dlq');
    const dlq = `${t.clickstream}-dead`;
    await createTopics(kafka.brokers, [t.clickstream, t.predictions, dlq], 1);
    const [badOffset] = await sendTo(kafka.brokers, t.clickstream, [
      { partition: 0, key: '1', value: 'not json at all, but not a tracks line either' },
    ]);
    const data = await mkdtemp(join(tmpdir(), 'c360-dlq-'));
    const run = await runCli([
      'ingest',
      '--brokers',
      kafka.brokers,
      '--topics',
      `${t.clickstream},${t.predictions}`,
      '--dead-letter-topic',
      dlq,
      '--data-dir',
      data,
    ]);
    expect(run.code).toBe(0);
    const [dead] = await readAll(kafka.brokers, dlq, 1);
    expect(dead?.value).toBe('not json at all, but not a tracks line either');
    expect(dead?.headers.reason).toBe('expected 6 fields, found 2');
    expect(JSON.parse(dead?.headers.origin ?? '{}')).toEqual({
      topic: t.clickstream,
      partition: 0,
      offset: badOffset,
    });
    expect(await readFile(join(data, 'quarantine.jsonl'), 'utf8')).toContain('expected 6 fields');
  });
});
