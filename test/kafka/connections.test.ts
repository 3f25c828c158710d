import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { SafeStorageVault } from '../../main/electron/safe-storage-vault.js';
import { EngineService } from '../../main/engine/engine-service.js';
import { FileVault } from '../../main/engine/settings/secret-vault.js';
import { EngineWorkerClient } from '../../main/engine-host/engine-worker-client.js';
import { dispatch } from '../../main/server/api-dispatch.js';
import type { Customer360, DashboardSnapshot } from '../../shared/engine-api.js';
import type { ConnectionTestReport, KafkaConnection, SettingsView } from '../../shared/settings.js';
import type { SourceStatus } from '../../shared/source-status.js';
import { createTopics, sendTo, uniqueTopics } from '../support/kafka-helpers.js';
import { holderProcess } from '../support/store-holder.js';

/**
 * Connections through the engine API, against the real broker's SASL/SCRAM listener: saved (the
 * password kept out of the settings file), tested with a good and a wrong password, switched to
 * live from the demo and back with exact counts in each connection's own store, and still there
 * after a restart. Then the desktop's way: the worker thread, with the password kept through a
 * safeStorage vault in the "main process", reaching the secured cluster.
 */

const kafka = inject('kafka');
const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

const CUSTOMERS = ['k1', 'k2', 'k3', 'k4', 'k5'];
const listen = (customerId: string, n: number) =>
  JSON.stringify({ type: 'listen', customerId, trackId: `t${n % 7}`, ts: '2026-03-04 10:00:00' });

/** `n` listens spread over the five customers and both partitions, from message `from` on. */
async function produceListens(topic: string, from: number, n: number): Promise<void> {
  await sendTo(
    kafka.brokers,
    topic,
    Array.from({ length: n }, (_, i) => {
      const id = CUSTOMERS[(from + i) % CUSTOMERS.length] as string;
      return { partition: (from + i) % 2, key: id, value: listen(id, from + i) };
    }),
  );
}

type Call = (method: string, params: unknown) => Promise<unknown>;
const over =
  (engine: EngineService): Call =>
  async (method, params) => {
    const r = await dispatch(engine, { id: 1, method, params });
    if (!r || 'error' in r) throw new Error(r?.error ?? 'no answer');
    return r.result;
  };

/** The listens the running connection's store holds for the five Kafka customers. */
async function kafkaListens(call: Call): Promise<number> {
  let total = 0;
  for (const id of CUSTOMERS)
    total += ((await call('customer360', { customerId: id })) as Customer360 | null)?.listening.listens ?? 0;
  return total;
}

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await sleep(100);
  }
}

function secured(topics: { clickstream: string; predictions: string }, username: string): KafkaConnection {
  return {
    kind: 'kafka',
    name: 'Secured',
    brokers: kafka.saslBrokers as string,
    topics: { clickstream: topics.clickstream, predictions: topics.predictions, customers: '' },
    sasl: { mechanism: 'scram-sha-256', username },
    tls: null,
    group: '',
    from: 'earliest',
    deadLetterTopic: '',
  };
}

describe.skipIf(!kafka.saslBrokers || !kafka.sasl)('connections through the API (SASL/SCRAM)', () => {
  it('saves, tests, switches live from the demo and back with exact counts per store, and survives a restart', async () => {
    const { username, password } = kafka.sasl as { username: string; password: string };
    const t = uniqueTopics('conn');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 2);
    await produceListens(t.clickstream, 0, 30);

    const dataDir = await mkdtemp(join(tmpdir(), 'c360-connections-'));
    const demo = { rate: 20, customers: 50, seed: 7, history: 0 };
    const engine = new EngineService({ dataDir, demo });
    running.push(engine);
    await engine.start();
    const call = over(engine);
    const snapshot = () => call('snapshot', {}) as Promise<DashboardSnapshot>;
    await waitFor('the demo customers', snapshot, (s) => s.customers === 50);

    // Save: the password goes to the vault, never to the settings file.
    const { id, settings: view } = (await call('saveConnection', {
      connection: secured(t, username),
      password,
    })) as { id: string; settings: SettingsView };
    expect(id).toBe('secured');
    const saved = view.connections.find((c) => c.id === id);
    expect(saved).toMatchObject({
      id: 'secured',
      passwordSet: true,
      storeDir: join(dataDir, 'stores', 'secured'),
    });
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).not.toContain(password);

    // Test: with the saved password, then a wrong one.
    const good = (await call('testConnection', {
      connection: { ...secured(t, username), id: 'secured' },
    })) as ConnectionTestReport;
    expect(good.ok).toBe(true);
    expect(good.steps.map((s) => [s.step, s.ok])).toEqual([
      ['reach', true],
      ['login', true],
      ['topics', true],
    ]);
    expect(good.topics.find((x) => x.role === 'clickstream')).toMatchObject({
      found: true,
      partitions: 2,
      messages: 30,
    });
    const wrong = (await call('testConnection', {
      connection: { ...secured(t, username), id: 'secured' },
      password: `${password}-wrong`,
    })) as ConnectionTestReport;
    expect(wrong.ok).toBe(false);
    expect(wrong.steps.find((s) => s.step === 'login')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/refused the login/),
      fix: expect.stringMatching(/user name and password/),
    });

    // Switch live: the Kafka connection's own, new store fills with exactly what was produced.
    const used = (await call('switchConnection', { id: 'secured' })) as { notice: string };
    expect(used.notice).toMatch(/Now reading Secured\. It has a store of its own, new: .*stores\/secured/);
    await waitFor(
      '30 listens from Kafka',
      () => kafkaListens(call),
      (n) => n === 30,
    );
    expect((await snapshot()).customers).toBe(5);
    expect(((await call('status', {})) as SourceStatus).state).toBe('connected');

    // Back to the demo: its store again, untouched by Kafka.
    await call('switchConnection', { id: 'demo' });
    await waitFor('the demo store', snapshot, (s) => s.source === 'demo' && s.customers === 50);
    expect(await kafkaListens(call)).toBe(0);

    // Its store held by another c360 meanwhile: the switch is refused, and the demo reads on.
    const holder = await holderProcess(join(dataDir, 'stores', 'secured'));
    try {
      await expect(call('switchConnection', { id: 'secured' })).rejects.toThrow(
        `is in use by another c360 (process ${holder.pid}, since `,
      );
      await waitFor('the demo again', snapshot, (s) => s.source === 'demo' && s.customers === 50);
      expect(((await call('getSettings', {})) as SettingsView).active).toMatchObject({ id: 'demo' });
    } finally {
      holder.kill('SIGKILL');
    }

    // More on the topic meanwhile; back on Kafka, each message counts once.
    await produceListens(t.clickstream, 30, 10);
    await call('switchConnection', { id: 'secured' });
    await waitFor(
      '40 listens from Kafka',
      () => kafkaListens(call),
      (n) => n === 40,
    );
    await sleep(1500); // room for a duplicate to show up
    expect(await kafkaListens(call)).toBe(40);

    // Restart: the saved choice and its password (from the vault) bring it back, counted once.
    await engine.stop();
    running.splice(0);
    const again = new EngineService({ dataDir, demo });
    running.push(again);
    await again.start();
    const call2 = over(again);
    expect(((await call2('getSettings', {})) as SettingsView).active).toMatchObject({
      id: 'secured',
      origin: 'settings',
    });
    await waitFor(
      'the Kafka store after a restart',
      () => kafkaListens(call2),
      (n) => n === 40,
    );
    await waitFor(
      'connected over SASL',
      () => call2('status', {}) as Promise<SourceStatus>,
      (s) => s.state === 'connected',
    );
  }, 120_000);

  it('the desktop: a password saved through safeStorage in the main process reaches the worker’s Kafka source', async () => {
    const { username, password } = kafka.sasl as { username: string; password: string };
    const t = uniqueTopics('desk');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 2);
    await produceListens(t.clickstream, 0, 12);
    const dataDir = await mkdtemp(join(tmpdir(), 'c360-desktop-secrets-'));
    // safeStorage as the main process has it; here a stand-in "keychain" that reverses and tags.
    const keychain = {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(`k:${[...s].reverse().join('')}`),
      decryptString: (b: Buffer) => [...b.toString().slice(2)].reverse().join(''),
    };
    const client = new EngineWorkerClient(
      { dataDir, demo: { rate: 10, customers: 20, seed: 1, history: 0 } },
      new URL('../../dist/main/engine-host/engine-worker.js', import.meta.url),
      new SafeStorageVault(keychain, FileVault.inDataDir(dataDir), 'linux'),
    );
    running.push(client);
    await client.ready;
    const call: Call = (method, params) => client.call(method, params);
    await call('saveConnection', { connection: secured(t, username), password });
    const onDisk = await readFile(join(dataDir, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain(password);
    expect(onDisk).not.toContain([...password].reverse().join(''));
    await call('switchConnection', { id: 'secured' });
    await waitFor(
      '12 listens over SASL',
      () => kafkaListens(call),
      (n) => n === 12,
    );
  }, 60_000);
});
