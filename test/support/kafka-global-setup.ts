import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { KafkaBroker, kafkaVersion, SASL_USER } from '../../scripts/kafka/kafka-broker.mjs';

/**
 * Starts one real Kafka broker for the run, unless KAFKA_BROKERS points at one already
 * (KAFKA_SASL_BROKERS may name its SASL_PLAINTEXT listener, with KAFKA_SASL_USERNAME/PASSWORD,
 * and KAFKA_SSL_BROKERS its SSL listener, with KAFKA_SSL_CA the CA file to trust).
 */

export interface TestKafka {
  brokers: string;
  saslBrokers: string | null;
  sasl: { username: string; password: string } | null;
  /** A TLS listener and the CA certificate (PEM file) to trust for it. */
  ssl: { brokers: string; ca: string } | null;
  /** True when the run started this broker (and so may start others like it). */
  own: boolean;
  version: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    kafka: TestKafka;
  }
}

export default async function setup(project: TestProject) {
  const env = process.env;
  if (env.KAFKA_BROKERS) {
    const sasl = env.KAFKA_SASL_USERNAME
      ? { username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD ?? '' }
      : null;
    const ssl =
      env.KAFKA_SSL_BROKERS && env.KAFKA_SSL_CA
        ? { brokers: env.KAFKA_SSL_BROKERS, ca: env.KAFKA_SSL_CA }
        : null;
    project.provide('kafka', {
      brokers: env.KAFKA_BROKERS,
      saslBrokers: env.KAFKA_SASL_BROKERS ?? null,
      sasl,
      ssl,
      own: false,
      version: null,
    });
    return;
  }
  const started = Date.now();
  const broker = await KafkaBroker.create(await mkdtemp(join(tmpdir(), 'c360-kafka-')), { quiet: true });
  process.stdout.write(
    `Apache Kafka ${kafkaVersion()} test broker at ${broker.brokers} (ready in ${Date.now() - started} ms)\n`,
  );
  project.provide('kafka', {
    brokers: broker.brokers,
    saslBrokers: broker.saslBrokers,
    sasl: SASL_USER,
    ssl: { brokers: broker.sslBrokers, ca: broker.caPath },
    own: true,
    version: kafkaVersion(),
  });
  return async () => {
    await broker.stop();
  };
}
