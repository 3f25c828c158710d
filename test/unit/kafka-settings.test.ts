import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  kafkaJsConfig,
  readConfigFile,
  resolveKafkaSettings,
  settingsFromEnv,
} from '../../main/engine/kafka/kafka-settings.js';

describe('Kafka settings', () => {
  it('takes flags over environment over config file, field by field', () => {
    const s = resolveKafkaSettings([
      { brokers: 'flag:9092', sasl: { username: 'flag-user' } },
      settingsFromEnv({
        C360_BROKERS: 'env:9092',
        C360_GROUP: 'env-group',
        C360_SASL_PASSWORD: 'env-secret',
      }),
      {
        brokers: ['file:9092'],
        group: 'file-group',
        topics: { predictions: 'file-predictions' },
        sasl: { mechanism: 'scram-sha-512' },
      },
    ]);
    expect(s.brokers).toEqual(['flag:9092']);
    expect(s.group).toBe('env-group');
    expect(s.topics).toEqual({
      clickstream: 'clickstream',
      predictions: 'file-predictions',
      customers: 'customers',
    });
    expect(s.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'flag-user', password: 'env-secret' });
  });

  it('reads --topics by position and defaults the rest', () => {
    expect(resolveKafkaSettings([{ brokers: 'h:1', topics: 'clicks,preds' }]).topics).toEqual({
      clickstream: 'clicks',
      predictions: 'preds',
      customers: 'customers',
    });
  });

  it('needs brokers, well-formed addresses, and a complete SASL login', () => {
    expect(() => resolveKafkaSettings([{}])).toThrow(/no Kafka brokers given; pass --brokers/);
    expect(() => resolveKafkaSettings([{ brokers: 'localhost' }])).toThrow(
      /"localhost" is not a broker address; write HOST:PORT/,
    );
    expect(() => resolveKafkaSettings([{ brokers: 'h:1', sasl: { username: 'u' } }])).toThrow(
      /SASL needs a username and a password/,
    );
  });

  it('reads SSL and SASL from the environment', () => {
    const env = settingsFromEnv({
      C360_SSL: '1',
      C360_SASL_MECHANISM: 'scram-sha-256',
      C360_SASL_USERNAME: 'u',
      C360_SASL_PASSWORD: 'p',
    });
    const s = resolveKafkaSettings([{ brokers: 'h:1' }, env]);
    expect(s.ssl).toEqual({ rejectUnauthorized: true });
    expect(kafkaJsConfig(s).sasl).toEqual({ mechanism: 'scram-sha-256', username: 'u', password: 'p' });
    expect(() => settingsFromEnv({ C360_SASL_MECHANISM: 'kerberos' })).toThrow(/C360_SASL_MECHANISM/);
  });

  it('reads a config file and says clearly what is wrong with a bad one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-config-'));
    const good = join(dir, 'good.json');
    await writeFile(
      good,
      JSON.stringify({
        kafka: { brokers: 'a:1,b:2', ssl: { rejectUnauthorized: false }, deadLetterTopic: 'dlq' },
      }),
    );
    const s = resolveKafkaSettings([readConfigFile(good)]);
    expect(s.brokers).toEqual(['a:1', 'b:2']);
    expect(s.ssl).toEqual({ rejectUnauthorized: false });
    expect(s.deadLetterTopic).toBe('dlq');

    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ kafka: { sasl: { mechanism: 'md5' } } }));
    expect(() => readConfigFile(bad)).toThrow(
      /bad\.json: kafka\.sasl\.mechanism: Invalid option: expected one of "plain"/,
    );
    await writeFile(bad, '{ not json');
    expect(() => readConfigFile(bad)).toThrow(/is not JSON/);
    expect(() => readConfigFile(join(dir, 'missing.json'))).toThrow(/cannot read the config file .*ENOENT/);
  });

  it('reads the PEM files SSL names, and fails clearly when one is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-pem-'));
    await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const s = resolveKafkaSettings([{ brokers: 'h:1', ssl: { ca: join(dir, 'ca.pem') } }]);
    expect((kafkaJsConfig(s).ssl as { ca: string }).ca).toContain('BEGIN CERTIFICATE');
    const missing = resolveKafkaSettings([{ brokers: 'h:1', ssl: { ca: join(dir, 'nope.pem') } }]);
    expect(() => kafkaJsConfig(missing)).toThrow(/cannot read the SSL CA .*nope\.pem/);
  });
});
