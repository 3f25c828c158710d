import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import { resolveKafkaSettings } from '../../main/engine/kafka/kafka-settings.js';
import { KafkaSource } from '../../main/engine/sources/kafka/kafka-source.js';
import { expectExactOutcome } from '../support/fuzz-outcome.js';
import { fuzzRecords } from '../support/hostile-records.js';
import { createTopics, sendTo, uniqueTopics } from '../support/kafka-helpers.js';

/**
 * The same hostile mix as the file fuzz test, on the three topics of a real broker: good records
 * on their own topics, bad ones on the clickstream and predictions topics. Every good record
 * counts once; every bad one is quarantined with its topic, partition and offset.
 */

const kafka = inject('kafka');

describe('hostile records on Kafka topics', () => {
  it('count every good message exactly and quarantine every bad one with its partition and offset', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fuzzRecords, fc.infiniteStream(fc.boolean()), async (records, coin) => {
        run += 1;
        const t = uniqueTopics(`fuzz${run}`);
        await createTopics(kafka.brokers, [t.clickstream, t.predictions, t.customers], 2);
        const placed = records.map((r) => ({
          r,
          topic: r.good ? t[r.topic] : coin.next().value ? t.clickstream : t.predictions,
          partition: coin.next().value ? 1 : 0,
        }));
        const badOrigins: string[] = [];
        for (const topic of [t.clickstream, t.predictions, t.customers]) {
          const mine = placed.filter((p) => p.topic === topic);
          if (mine.length === 0) continue;
          const offsets = await sendTo(
            kafka.brokers,
            topic,
            mine.map((p) => ({ partition: p.partition, key: 'k', value: p.r.text })),
          );
          mine.forEach((p, i) => {
            if (!p.r.good) badOrigins.push(`${topic}[${p.partition}]@${offsets[i]}`);
          });
        }

        const engine = await Engine.open({ storeDir: await mkdtemp(join(tmpdir(), 'c360-kafka-fuzz-')) });
        const settings = resolveKafkaSettings([{ brokers: kafka.brokers, topics: t }]);
        const result = await engine.run(new KafkaSource(settings, { follow: false, giveUpAfterMs: 30_000 }));
        expect(result.caughtUp).toBe(true);
        await expectExactOutcome(engine.session, records, badOrigins, (o) => {
          const { topic, partition, offset } = o as { topic: string; partition: number; offset: string };
          return `${topic}[${partition}]@${offset}`;
        });
      }),
      { numRuns: 4, seed: 20261122 },
    );
  });
});
