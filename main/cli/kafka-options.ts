import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import {
  type KafkaSettings,
  readConfigFile,
  resolveKafkaSettings,
  SASL_MECHANISMS,
  type SettingsLayer,
  settingsFromEnv,
} from '../engine/kafka/kafka-settings.js';
import type { OutsideLayers } from '../engine/settings/connections.js';

/** The Kafka connection flags `ingest` and `produce` share, and how they become settings. */

export interface KafkaFlags {
  brokers?: string;
  topics?: string;
  group?: string;
  from?: 'earliest' | 'latest';
  config?: string;
  ssl?: boolean;
  sslCa?: string;
  sslCert?: string;
  sslKey?: string;
  sslInsecure?: boolean;
  saslMechanism?: (typeof SASL_MECHANISMS)[number];
  saslUsername?: string;
  saslPassword?: string;
  deadLetterTopic?: string;
  /** Read the Kafka Streams app's profiles (true: the default topic) instead of the events. */
  profiles?: boolean | string;
  dataDir?: string;
}

export function addKafkaOptions(command: Command): Command {
  return command
    .option('--brokers <host:port,...>', 'Kafka bootstrap brokers (or C360_BROKERS)')
    .option('--topics <clickstream,predictions[,customers]>', 'topic names, in this order')
    .option(
      '--config <file>',
      'JSON settings file with a "kafka" section (default: <data-dir>/config.json if present)',
    )
    .option('--ssl', 'connect with TLS')
    .option('--ssl-ca <file>', 'CA certificate (PEM) to trust; implies --ssl')
    .option('--ssl-cert <file>', 'client certificate (PEM)')
    .option('--ssl-key <file>', 'client key (PEM)')
    .option('--ssl-insecure', 'accept any server certificate (testing only)')
    .addOption(new Option('--sasl-mechanism <mechanism>', 'SASL mechanism').choices(SASL_MECHANISMS))
    .option('--sasl-username <name>', 'SASL user (or C360_SASL_USERNAME)')
    .option('--sasl-password <password>', 'SASL password (better: C360_SASL_PASSWORD)');
}

function flagsLayer(f: KafkaFlags): SettingsLayer {
  const layer: SettingsLayer = {
    brokers: f.brokers,
    topics: f.topics,
    group: f.group,
    from: f.from,
    deadLetterTopic: f.deadLetterTopic,
    profiles: f.profiles,
  };
  if (f.ssl || f.sslCa || f.sslCert || f.sslKey || f.sslInsecure) {
    layer.ssl = { ca: f.sslCa, cert: f.sslCert, key: f.sslKey, rejectUnauthorized: !f.sslInsecure };
  }
  if (f.saslMechanism || f.saslUsername || f.saslPassword !== undefined) {
    layer.sasl = { mechanism: f.saslMechanism, username: f.saslUsername, password: f.saslPassword };
  }
  return layer;
}

function fileLayer(f: KafkaFlags): SettingsLayer {
  if (f.config) return readConfigFile(f.config);
  const beside = f.dataDir ? join(f.dataDir, 'config.json') : null;
  return beside && existsSync(beside) ? readConfigFile(beside) : {};
}

export function kafkaSettings(f: KafkaFlags): KafkaSettings {
  return resolveKafkaSettings([flagsLayer(f), settingsFromEnv(process.env), fileLayer(f)]);
}

/** The layers above the settings file, for the dashboard's engine (which adds that file last). */
export function outsideLayers(f: KafkaFlags): OutsideLayers {
  return { flags: flagsLayer(f), env: settingsFromEnv(process.env), configFile: fileLayer(f) };
}

/** True when brokers are configured anywhere, so a bare `c360 ingest` reads Kafka. */
export function brokersConfigured(f: KafkaFlags): boolean {
  return Boolean(f.brokers ?? settingsFromEnv(process.env).brokers ?? fileLayer(f).brokers);
}
