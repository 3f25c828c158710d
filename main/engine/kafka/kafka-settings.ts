import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { UserError } from '../user-error.js';

/**
 * Kafka connection settings from flags, environment and a JSON config file, in that order of
 * precedence, checked with one schema. SSL and SASL (plain, scram-sha-256, scram-sha-512) are
 * for real clusters; a local broker needs neither.
 */

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSettings {
  brokers: string[];
  topics: { clickstream: string; predictions: string; customers: string };
  /** The group progress is committed to for lag tools; null: one per store (`c360-<store id>`). */
  group: string | null;
  clientId: string;
  /** Where a store with no offsets for a partition starts. */
  from: 'earliest' | 'latest';
  ssl: null | { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  sasl: null | { mechanism: SaslMechanism; username: string; password: string };
  deadLetterTopic: string | null;
  /**
   * Set: this connection reads the profiles the Kafka Streams app publishes to this topic
   * (`customer-profiles` by default) instead of the event topics.
   */
  profiles: string | null;
}

/** Where the Kafka Streams app publishes profiles unless told otherwise (streams/PROFILE-FORMAT.md). */
export const DEFAULT_PROFILES_TOPIC = 'customer-profiles';

/** One layer of settings as a user writes them (every field optional). */
const layerSchema = z.object({
  brokers: z.union([z.string(), z.array(z.string())]).optional(),
  topics: z
    .union([
      z.string(),
      z.object({
        clickstream: z.string().optional(),
        predictions: z.string().optional(),
        customers: z.string().optional(),
      }),
    ])
    .optional(),
  group: z.string().min(1).optional(),
  from: z.enum(['earliest', 'latest']).optional(),
  ssl: z
    .union([
      z.boolean(),
      z.object({
        ca: z.string().optional(),
        cert: z.string().optional(),
        key: z.string().optional(),
        rejectUnauthorized: z.boolean().optional(),
      }),
    ])
    .optional(),
  sasl: z
    .object({
      mechanism: z.enum(SASL_MECHANISMS).optional(),
      username: z.string().optional(),
      password: z.string().optional(),
    })
    .optional(),
  deadLetterTopic: z.string().min(1).optional(),
  /** true: read profiles from `customer-profiles`; a name: from that topic; false: read events. */
  profiles: z
    .union([z.boolean(), z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'not a topic name')])
    .optional(),
});
export type SettingsLayer = z.infer<typeof layerSchema>;

const configFileSchema = z.object({ kafka: layerSchema.optional() }).loose();

export function readConfigFile(path: string): SettingsLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(
      `cannot read the config file ${path} (${(error as NodeJS.ErrnoException).code}); check --config`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`the config file ${path} is not JSON (${(error as Error).message})`);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`the config file ${path}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data.kafka ?? {};
}

/** C360_* variables; KAFKA_BROKERS is honoured too, as the tests use it. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): SettingsLayer {
  const flag = (v: string | undefined) => (v === undefined ? undefined : /^(1|true|yes)$/i.test(v));
  const layer: SettingsLayer = {
    brokers: env.C360_BROKERS ?? env.KAFKA_BROKERS,
    topics: env.C360_TOPICS,
    group: env.C360_GROUP,
  };
  const profiles = env.C360_PROFILES;
  if (profiles !== undefined && profiles !== '')
    layer.profiles = /^(1|true|yes)$/i.test(profiles)
      ? true
      : /^(0|false|no)$/i.test(profiles)
        ? false
        : profiles;
  if (flag(env.C360_SSL) || env.C360_SSL_CA) {
    layer.ssl = {
      ca: env.C360_SSL_CA,
      cert: env.C360_SSL_CERT,
      key: env.C360_SSL_KEY,
      rejectUnauthorized: flag(env.C360_SSL_REJECT_UNAUTHORIZED) ?? true,
    };
  }
  if (env.C360_SASL_MECHANISM || env.C360_SASL_USERNAME || env.C360_SASL_PASSWORD) {
    layer.sasl = {
      mechanism: env.C360_SASL_MECHANISM as SaslMechanism | undefined,
      username: env.C360_SASL_USERNAME,
      password: env.C360_SASL_PASSWORD,
    };
  }
  const checked = layerSchema.safeParse(JSON.parse(JSON.stringify(layer)));
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new UserError(`environment: C360_${issue?.path.join('_').toUpperCase()}: ${issue?.message}`);
  }
  return checked.data;
}

function splitList(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}

function topicsOf(v: SettingsLayer['topics']): Partial<KafkaSettings['topics']> {
  if (v === undefined) return {};
  if (typeof v === 'string') {
    // --topics clickstream,predictions[,customers]: by position, as DESIGN §6 writes it.
    const [clickstream, predictions, customers] = splitList(v) ?? [];
    return { clickstream, predictions, customers };
  }
  return v;
}

/** Layers first to last: the first that sets a field wins (flags, then environment, then file). */
export function resolveKafkaSettings(layers: SettingsLayer[]): KafkaSettings {
  const first = <T>(pick: (l: SettingsLayer) => T | undefined): T | undefined => {
    for (const l of layers) {
      const v = pick(l);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const brokers = first((l) => splitList(l.brokers));
  if (!brokers) throw new UserError('no Kafka brokers given; pass --brokers HOST:PORT (or set C360_BROKERS)');
  for (const b of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw new UserError(`"${b}" is not a broker address; write HOST:PORT`);
  }
  const topic = (name: keyof KafkaSettings['topics']) => first((l) => topicsOf(l.topics)[name]) ?? name;
  const sslLayer = first((l) => l.ssl);
  const saslLayer = first((l) => l.sasl);
  let sasl: KafkaSettings['sasl'] = null;
  if (saslLayer) {
    // Field by field, so a password from the environment can complete a username from the flags.
    const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    const {
      mechanism = 'plain',
      username,
      password,
    } = Object.assign({}, ...layers.map((l) => defined(l.sasl ?? {})).reverse());
    if (!username || password === undefined) {
      throw new UserError(
        'SASL needs a username and a password (--sasl-username, --sasl-password or C360_SASL_USERNAME, C360_SASL_PASSWORD)',
      );
    }
    sasl = { mechanism, username, password };
  }
  return {
    brokers,
    topics: {
      clickstream: topic('clickstream'),
      predictions: topic('predictions'),
      customers: topic('customers'),
    },
    group: first((l) => l.group) ?? null,
    clientId: 'customer360',
    from: first((l) => l.from) ?? 'earliest',
    ssl: !sslLayer
      ? null
      : sslLayer === true
        ? { rejectUnauthorized: true }
        : { rejectUnauthorized: true, ...sslLayer },
    sasl,
    deadLetterTopic: first((l) => l.deadLetterTopic) ?? null,
    profiles: profilesTopicOf(first((l) => l.profiles)),
  };
}

function profilesTopicOf(v: SettingsLayer['profiles']): string | null {
  if (v === undefined || v === false) return null;
  return v === true ? DEFAULT_PROFILES_TOPIC : v;
}

function readPem(path: string | undefined, what: string): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the SSL ${what} ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** kafkajs client options; fast, bounded retries because the caller supervises reconnection. */
export function kafkaJsConfig(s: KafkaSettings): KafkaConfig {
  return {
    clientId: s.clientId,
    brokers: s.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 250, maxRetryTime: 2000, retries: 3 },
    ssl: s.ssl
      ? {
          ca: readPem(s.ssl.ca, 'CA'),
          cert: readPem(s.ssl.cert, 'certificate'),
          key: readPem(s.ssl.key, 'key'),
          rejectUnauthorized: s.ssl.rejectUnauthorized,
        }
      : undefined,
    sasl: s.sasl
      ? ({ mechanism: s.sasl.mechanism, username: s.sasl.username, password: s.sasl.password } as SASLOptions)
      : undefined,
  };
}
