import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import { resolveKafkaSettings } from '../../main/engine/kafka/kafka-settings.js';
import { KafkaSource } from '../../main/engine/sources/kafka/kafka-source.js';
import { ProfileStore } from '../../main/engine/store/profile-store.js';
import { KafkaBroker } from '../../scripts/kafka/kafka-broker.mjs';
import type { SourceStatus } from '../../shared/source-status.js';
import { createTopics, sendTo } from '../support/kafka-helpers.js';

const kafka = inject('kafka');
let broker: KafkaBroker | null = null;

afterAll(async () => {
  await broker?.stop({ force: true });
});

const listen = (customerId: string, i: number) =>
  JSON.stringify({
    type: 'listen',
    customerId,
    trackId: String(i % 50),
    ts: `2026-03-04 ${String(i % 24).padStart(2, '0')}:00:00`,
    mobile: i % 2 === 0,
  });

async function waitFor(what: string, condition: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The engine following a broker in this process, as the dashboard runs it. */
async function follow(brokers: string, storeDir: string, backoff: { initialMs: number; maxMs: number }) {
  const engine = await Engine.open({ storeDir, checkpoint: { everyMs: 200, everyRecords: 50 } });
  const statuses: SourceStatus[] = [];
  let stopping = false;
  const run = engine.run(new KafkaSource(resolveKafkaSettings([{ brokers }]), { follow: true, backoff }), {
    shouldStop: () => stopping,
    onStatus: (s) => statuses.push(s),
  });
  return {
    session: engine.session,
    state: engine.state,
    statuses,
    stop: async () => {
      stopping = true;
      await run;
    },
  };
}

describe('(c) the broker stops mid-run and comes back', () => {
  it('reports reconnecting with the next retry, then catches up with nothing lost or doubled', async (ctx) => {
    if (!kafka.own)
      ctx.skip(
        'uses a broker of its own to stop and restart, which needs the project harness (KAFKA_BROKERS is set)',
      );
    const work = await mkdtemp(join(tmpdir(), 'c360-outage-'));
    broker = await KafkaBroker.create(join(work, 'broker'));
    const b = broker;
    await createTopics(b.brokers, ['clickstream', 'predictions'], 3);
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, k) => ({
        partition: (from + k) % 3,
        key: String((from + k) % 40),
        value: listen(String((from + k) % 40), from + k),
      }));
    await sendTo(b.brokers, 'clickstream', batch(0, 300));

    const { session, state, statuses, stop } = await follow(b.brokers, join(work, 'store'), {
      initialMs: 500,
      maxMs: 2000,
    });
    await waitFor('the first 300 listens', () => session.counts.listens === 300);
    expect(statuses.map((s) => s.state)).toContain('connected');

    await b.stop();
    await waitFor('a reconnecting status', () => statuses.some((s) => s.state === 'reconnecting'));
    const reconnecting = statuses.find((s) => s.state === 'reconnecting') as SourceStatus;
    expect(reconnecting.detail).toBeTruthy();
    expect(Date.parse(reconnecting.nextRetryAt ?? '')).toBeGreaterThan(Date.parse(reconnecting.at));
    expect(reconnecting.attempt).toBeGreaterThanOrEqual(1);

    await b.start();
    await sendTo(b.brokers, 'clickstream', batch(300, 200));
    await waitFor('the 200 listens sent after the restart', () => session.counts.listens >= 500);
    const lastConnected = statuses.map((s) => s.state).lastIndexOf('connected');
    expect(lastConnected).toBeGreaterThan(statuses.indexOf(reconnecting));
    await sleep(1000); // room for any duplicate to show up
    await stop();

    expect(session.counts.listens).toBe(500);
    expect([...state.profiles.values()].reduce((n, p) => n + p.listens, 0)).toBe(500);
    const reopened = await ProfileStore.open(join(work, 'store'));
    expect([...reopened.state.profiles.values()].reduce((n, p) => n + p.listens, 0)).toBe(500);
  }, 180_000);

  it('keeps trying while the broker is unreachable at start, then reads everything once it answers', async (ctx) => {
    if (!kafka.own || !broker) ctx.skip('needs the broker of the previous test');
    const b = broker as KafkaBroker;
    await b.stop();
    const work = await mkdtemp(join(tmpdir(), 'c360-late-'));
    const { session, statuses, stop } = await follow(b.brokers, join(work, 'store'), {
      initialMs: 300,
      maxMs: 1000,
    });
    await waitFor(
      'two failed attempts',
      () => statuses.filter((s) => s.state === 'reconnecting').length >= 2,
    );
    expect(statuses.some((s) => s.state === 'connected')).toBe(false);
    expect(statuses.find((s) => s.state === 'reconnecting')?.detail).toMatch(/ECONNREFUSED|Connection/);

    await b.start();
    // The topics of the previous test still hold its 500 listens.
    await waitFor('the 500 listens already on the topic', () => session.counts.listens === 500);
    await stop();
    expect(statuses.map((s) => s.state)).toContain('connected');
    expect(session.counts.listens).toBe(500);
  }, 180_000);
});
