// Types for kafka-broker.mjs, so TypeScript tests can drive the test broker.
export const LIBS: string;
export const SASL_USER: { username: string; password: string };
export function kafkaVersion(): string;
export function fetchKafkaJars(options?: { quiet?: boolean }): string;
export class KafkaBroker {
  readonly dir: string;
  readonly ports: { plain: number; sasl: number; ssl: number; controller: number };
  readonly brokers: string;
  readonly saslBrokers: string;
  readonly sslBrokers: string;
  readonly caPath: string;
  static create(dir: string, options?: { quiet?: boolean }): Promise<KafkaBroker>;
  start(options?: { timeoutMs?: number }): Promise<void>;
  stop(options?: { force?: boolean }): Promise<void>;
}
