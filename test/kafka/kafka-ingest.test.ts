import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_FILES } from '../../main/engine/demo/demo-files.js';
import { expectedFromDemoFiles } from '../support/expected-profiles.js';
import { createTopics, lagOf, partitionsWithData, sendTo, uniqueTopics } from '../support/kafka-helpers.js';
import { runCli } from '../support/run-cli.js';

const kafka = inject('kafka');
let work: string;
let demo: string;
const demoFiles = () => Object.values(DEMO_FILES).map((f) => join(demo, f));
const readCsv = async (path: string) =>
  parse(await readFile(path), { columns: true }) as Record<string, string>[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'c360-kafka-'));
  demo = join(work, 'demo');
  expect(
    (await runCli(['demo-data', '--out', demo, '--customers', '400', '--events', '30000', '--seed', '21']))
      .code,
  ).toBe(0);
});

describe('Kafka ingest against a real broker', () => {
  it('(a) events over several partitions → ingest → export gives exact profiles', async () => {
    const t = uniqueTopics('exact');
    const produced = await runCli([
      'produce',
      '--brokers',
      kafka.brokers,
      '--topics',
      t.flag,
      '--partitions',
      '4',
      ...demoFiles(),
    ]);
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);
    expect(await partitionsWithData(kafka.brokers, t.clickstream)).toBe(4);

    const data = join(work, 'store-a');
    const ingestArgs = ['ingest', '--brokers', kafka.brokers, '--topics', t.flag, '--data-dir', data];
    const ingest = await runCli(ingestArgs);
    expect(ingest.code).toBe(0);
    expect(ingest.stderr).toContain('caught up with the end offsets seen at start');
    expect(ingest.stdout).toContain('No records quarantined.');

    const out = join(work, 'out-a');
    expect((await runCli(['export', '--out', out, '--data-dir', data])).code).toBe(0);
    const expected = expectedFromDemoFiles(demo);
    const rows = await readCsv(join(out, 'live_table.csv'));
    expect(rows).toHaveLength(expected.size);
    for (const r of rows) {
      const e = expected.get(r.customer_id ?? '');
      expect(e, `customer ${r.customer_id}`).toBeDefined();
      if (!e) continue;
      expect(
        [r.listens, r.unique_tracks, r.morning, r.afternoon, r.evening, r.night, r.mobile, r.clicks].map(
          Number,
        ),
      ).toEqual([e.listens, e.tracks.size, e.morning, e.afternoon, e.evening, e.night, e.mobile, e.clicks]);
      // Predictions for one customer share a key, hence a partition, hence their order.
      expect(r.churn_risk === '' ? null : Number(r.churn_risk)).toBe(e.churnRisk);
      expect(r.first_seen).toBe(e.first ?? '');
      expect(r.last_seen).toBe(e.last ?? '');
      expect(r.name).not.toBe('');
    }

    // Lag tools see the progress under the store's group: nothing left to read.
    const { storeId } = JSON.parse(await readFile(join(data, 'store.json'), 'utf8'));
    expect(await lagOf(kafka.brokers, `c360-${storeId}`, t.clickstream)).toBe(0);

    // A second run finds nothing new: the store's offsets are the truth.
    const again = await runCli(ingestArgs);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Ingested 0 records from Kafka/);
  });

  it('(d) quarantines malformed records with partition and offset and counts the good ones', async () => {
    const t = uniqueTopics('bad');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 2);
    const good = (customerId: string, hour: string) =>
      JSON.stringify({
        type: 'listen',
        customerId,
        trackId: '7',
        ts: `2026-03-04 ${hour}:00:00`,
        mobile: true,
      });
    const clickOffsets = await sendTo(kafka.brokers, t.clickstream, [
      { partition: 0, key: '1', value: good('1', '08') },
      { partition: 0, key: '1', value: '{"type":"listen","customerId":"1"' },
      { partition: 1, key: '2', value: good('2', '20') },
      { partition: 1, key: '2', value: 'e5,2,9,2026-03-04 21:00:00,1,12345' },
      {
        partition: 1,
        key: '2',
        value: JSON.stringify({ type: 'listen', customerId: '2', trackId: '7', ts: 'soon' }),
      },
      { partition: 0, key: '3', value: null },
    ]);
    const predictionOffsets = await sendTo(kafka.brokers, t.predictions, [
      { partition: 0, key: '1', value: JSON.stringify({ customerId: '1', churnRisk: 0.4 }) },
      { partition: 1, key: '2', value: JSON.stringify({ customerId: '2', churnRisk: 4 }) },
    ]);
    const data = join(work, 'store-d');
    const run = await runCli([
      'ingest',
      '--brokers',
      kafka.brokers,
      '--topics',
      `${t.clickstream},${t.predictions}`,
      '--data-dir',
      data,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('4 records quarantined');

    const quarantined = (await readFile(join(data, 'quarantine.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((q) => [q.origin.topic, q.origin.partition, q.origin.offset, q.reason.split(':')[0]])
      .sort();
    expect(quarantined).toEqual(
      [
        [t.clickstream, 0, clickOffsets[1], 'bad JSON'],
        [t.clickstream, 1, clickOffsets[4], 'ts'],
        [t.clickstream, 0, clickOffsets[5], 'empty message value'],
        [t.predictions, 1, predictionOffsets[1], 'churnRisk'],
      ].sort(),
    );

    const out = join(work, 'out-d');
    await runCli(['export', '--out', out, '--data-dir', data]);
    const rows = await readCsv(join(out, 'live_table.csv'));
    expect(rows.map((r) => [r.customer_id, r.listens, r.night, r.churn_risk])).toEqual([
      ['1', '1', '0', '0.4'],
      ['2', '2', '0', ''], // the JSON listen at 20:00 and the tracks-CSV line at 21:00, both evening
    ]);
    expect(rows[1]?.evening).toBe('2');
  });

  it('(e) a wrong SASL password is a clear error within seconds, not a hang', async (ctx) => {
    if (!kafka.saslBrokers || !kafka.sasl)
      ctx.skip('no SASL listener known (set KAFKA_SASL_BROKERS and KAFKA_SASL_USERNAME/PASSWORD)');
    const sasl = kafka.sasl as { username: string; password: string };
    const broker = kafka.saslBrokers as string;
    const t = uniqueTopics('sasl');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 1);
    const args = [
      'ingest',
      '--brokers',
      broker,
      '--topics',
      `${t.clickstream},${t.predictions}`,
      '--sasl-username',
      sasl.username,
    ];
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512']) {
      const started = Date.now();
      const wrong = await runCli(
        [...args, '--sasl-mechanism', mechanism, '--data-dir', join(work, `sasl-${mechanism}`)],
        {
          C360_SASL_PASSWORD: `${sasl.password}-wrong`,
        },
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(
        /c360: cannot connect securely to Kafka at .*: .*[Aa]uthentication failed.*check the SSL\/SASL settings/,
      );

      const right = await runCli(
        [...args, '--sasl-mechanism', mechanism, '--data-dir', join(work, `sasl-ok-${mechanism}`)],
        {
          C360_SASL_PASSWORD: sasl.password,
        },
      );
      expect(right.code).toBe(0);
    }
  });

  it('connects over TLS when told which CA to trust, and fails fast when not', async (ctx) => {
    if (!kafka.ssl) ctx.skip('no SSL listener known (set KAFKA_SSL_BROKERS and KAFKA_SSL_CA)');
    const ssl = kafka.ssl as { brokers: string; ca: string };
    const t = uniqueTopics('tls');
    await createTopics(kafka.brokers, [t.clickstream, t.predictions], 1);
    await sendTo(kafka.brokers, t.clickstream, [
      {
        partition: 0,
        key: '1',
        value: JSON.stringify({ type: 'click', customerId: '1', ts: '2026-03-04T10:00:00Z' }),
      },
    ]);
    const args = ['ingest', '--brokers', ssl.brokers, '--topics', `${t.clickstream},${t.predictions}`];
    const trusted = await runCli([...args, '--data-dir', join(work, 'tls-ok')], { C360_SSL_CA: ssl.ca });
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain('1 click');

    const started = Date.now();
    const untrusted = await runCli([...args, '--ssl', '--data-dir', join(work, 'tls-bad')]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/cannot connect securely to Kafka .*self-signed certificate/);
  });

  it('names a missing topic and gives up after the connect timeout', async () => {
    const run = await runCli([
      'ingest',
      '--brokers',
      kafka.brokers,
      '--topics',
      'no-such-topic,predictions',
      '--connect-timeout',
      '2',
      '--data-dir',
      join(work, 'store-missing'),
    ]);
    // Once in a CI run beside other work this ended by a signal (code null) after 4 s; not seen in
    // 65 runs of the same command since: say how it ended, if it happens again.
    expect(run.code, `ended by ${run.signal}; stderr: ${run.stderr.slice(-2000)}`).toBe(1);
    expect(run.stderr).toContain('topic "no-such-topic" does not exist on the cluster');
  });
});
