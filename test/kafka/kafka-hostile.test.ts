import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import { resolveKafkaSettings } from '../../main/engine/kafka/kafka-settings.js';
import { eventTopics, type KafkaReading, KafkaSource } from '../../main/engine/sources/kafka/kafka-source.js';
import type { SourceStatus } from '../../shared/source-status.js';
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

/**
 * A fault in our own reading (code that throws, not a message it rejects) used to fail the attempt;
 * the next attempt fetched the same message and threw again, so the run never ended.
 */
describe('a fault in the reading', () => {
  const settingsFor = (t: ReturnType<typeof uniqueTopics>) =>
    resolveKafkaSettings([{ brokers: kafka.brokers, topics: t }]);

  it('quarantines the one message it throws on, with the error, and counts the rest', async () => {
    const t = uniqueTopics('fault-msg');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 1);
    const risk = (id: number, r: number) => JSON.stringify({ customerId: String(id), churnRisk: r });
    const offsets = await sendTo(kafka.brokers, t.predictions, [
      { partition: 0, key: '1', value: risk(1, 0.1) },
      { partition: 0, key: '2', value: risk(2, 0.9) },
      { partition: 0, key: '3', value: risk(3, 0.5) },
    ]);
    const settings = settingsFor(t);
    const events = eventTopics(settings);
    const reading: KafkaReading = {
      ...events,
      decode: (topic, partition, message) => {
        if (message.value?.toString().includes('0.9'))
          throw new TypeError("Cannot read properties of undefined (reading 'x')");
        return events.decode(topic, partition, message);
      },
    };
    const engine = await Engine.open({ storeDir: await mkdtemp(join(tmpdir(), 'c360-kafka-fault-')) });
    const run = engine.run(
      new KafkaSource(
        settings,
        { follow: false, giveUpAfterMs: 30_000, backoff: { initialMs: 100, maxMs: 200 } },
        reading,
      ),
    );
    const result = await Promise.race([run, sleep(30_000).then(() => 'still running after 30 s')]);
    expect(result).toMatchObject({ caughtUp: true });
    expect(engine.session.counts).toMatchObject({ predictions: 2, quarantined: 1 });
    expect(engine.state.profiles.get('1')?.churn?.risk).toBe(0.1);
    expect(engine.state.profiles.has('2')).toBe(false);
    const [bad] = engine.state.quarantine.recent;
    expect(bad?.origin).toEqual({ topic: t.predictions, partition: 0, offset: offsets[1] });
    expect(bad?.reason).toMatch(/could not be read \(Cannot read properties of undefined/);
    expect(bad?.raw).toBe(risk(2, 0.9)); // whole, as a dead-letter topic gets it
    await engine.close();
  });

  it('that comes back the same on every attempt stops a run with an end, and shows "failed" in one that follows', async () => {
    const t = uniqueTopics('fault-run');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 1);
    const settings = settingsFor(t);
    const events = eventTopics(settings);
    let attempts = 0;
    const reading: KafkaReading = {
      ...events,
      topics: () => {
        attempts += 1;
        throw new RangeError('Invalid array length');
      },
    };
    const backoff = { initialMs: 100, maxMs: 200 };
    const engine = await Engine.open({ storeDir: await mkdtemp(join(tmpdir(), 'c360-kafka-fault-')) });
    const statuses: SourceStatus[] = [];
    const run = engine.run(new KafkaSource(settings, { follow: false, backoff }, reading), {
      onStatus: (s) => statuses.push(s),
    });
    const outcome = await Promise.race([
      run.then(
        () => 'ended without an error',
        (e: Error) => e.message,
      ),
      sleep(30_000).then(() => 'still retrying after 30 s'),
    ]);
    expect(outcome).toMatch(
      /the same error 3 times in a row, with nothing read between \(Invalid array length\)/,
    );
    expect(attempts).toBe(3);
    expect(statuses.at(-1)).toMatchObject({ state: 'failed', detail: 'Invalid array length' });

    // Following the stream (the app, a booth): it keeps trying, and says "failed" with the fault.
    attempts = 0;
    statuses.length = 0;
    let stopping = false;
    const following = engine.run(new KafkaSource(settings, { follow: true, backoff }, reading), {
      onStatus: (s) => statuses.push(s),
      shouldStop: () => stopping,
    });
    for (let i = 0; i < 300 && attempts < 6; i++) await sleep(100);
    stopping = true;
    await following;
    expect(attempts).toBeGreaterThanOrEqual(6);
    const states = statuses.filter((s) => s.detail === 'Invalid array length').map((s) => s.state);
    expect(states.slice(0, 2)).toEqual(['reconnecting', 'reconnecting']);
    expect(states.slice(2)).toContain('failed');
    expect(states.slice(2)).not.toContain('reconnecting');
    await engine.close();
  });

  /** A reading that throws on every message it is asked to decode, as a fault of ours would. */
  const throwingReading = (settings: ReturnType<typeof settingsFor>): KafkaReading => ({
    ...eventTopics(settings),
    decode: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'kind')");
    },
  });

  it('in every message fails the run before it quarantines the topic away', async () => {
    const t = uniqueTopics('fault-all');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 1);
    await sendTo(
      kafka.brokers,
      t.predictions,
      Array.from({ length: 150 }, (_, i) => ({
        partition: 0,
        key: String(i),
        value: JSON.stringify({ customerId: String(i), churnRisk: 0.5 }),
      })),
    );
    const settings = settingsFor(t);
    const reading = throwingReading(settings);
    const engine = await Engine.open({ storeDir: await mkdtemp(join(tmpdir(), 'c360-kafka-fault-')) });
    const run = engine.run(
      new KafkaSource(settings, { follow: false, backoff: { initialMs: 100, maxMs: 200 } }, reading),
    );
    const outcome = await Promise.race([
      run.then(
        () => 'ended without an error',
        (e: Error) => e.message,
      ),
      sleep(100_000).then(() => 'still retrying after 100 s'),
    ]);
    expect(outcome).toMatch(/the same error 3 times in a row.*reading 'kind'/);
    // At most the first hundred in a row are quarantined; the rest stay on the topic for a fixed c360.
    expect(engine.session.counts.quarantined).toBeLessThanOrEqual(100);
    await engine.close();
  }, 150_000); // each retry's consumer joins the group again, after up to 10 s

  it('counts listens read in place as messages read fine: faults between them are not in a row', async () => {
    const t = uniqueTopics('fault-between');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 1);
    // 150 clicks the reading throws on, each followed by a plain listen it never sees (read in place).
    await sendTo(
      kafka.brokers,
      t.clickstream,
      Array.from({ length: 300 }, (_, i) => ({
        partition: 0,
        key: String(i),
        value:
          i % 2 === 0
            ? JSON.stringify({ type: 'click', customerId: `c${i}`, ts: '2026-03-04 10:00:00' })
            : JSON.stringify({
                type: 'listen',
                customerId: `c${i}`,
                trackId: 't1',
                ts: '2026-03-04 10:00:00',
              }),
      })),
    );
    const settings = settingsFor(t);
    const reading = throwingReading(settings);
    const engine = await Engine.open({ storeDir: await mkdtemp(join(tmpdir(), 'c360-kafka-fault-')) });
    await engine.run(new KafkaSource(settings, { follow: false, failFast: true }, reading));
    expect(engine.session.counts.listens).toBe(150);
    expect(engine.session.counts.quarantined).toBe(150);
    await engine.close();
  }, 60_000);
});
