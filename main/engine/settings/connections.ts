import { join } from 'node:path';
import { type ConnectionOrigin, DEMO_CONNECTION_ID } from '../../../shared/settings.js';
import { type KafkaSettings, resolveKafkaSettings, type SettingsLayer } from '../kafka/kafka-settings.js';
import { passwordKey, type SecretVault } from './secret-vault.js';
import type { SavedConnection, SettingsFile } from './settings-file.js';

/**
 * Which connection runs, and with which settings. The same precedence for every entry point:
 * command-line flags, then the environment, then a config file, then the settings file (the
 * saved connection in use), field by field, as Kafka's own tools take them. A store belongs to
 * one connection: each has its own folder under `stores/`, so switching never mixes data.
 */

export type ActiveConnection =
  | { id: string; kind: 'demo'; name: string; origin: ConnectionOrigin }
  | {
      id: string;
      /** `profiles`: reads the Kafka Streams app's profiles topic (settings.profiles) instead of events. */
      kind: 'kafka' | 'profiles';
      name: string;
      origin: ConnectionOrigin;
      settings: KafkaSettings;
    };

const kindOf = (s: KafkaSettings): 'kafka' | 'profiles' => (s.profiles === null ? 'kafka' : 'profiles');

/** Settings given outside the settings file, highest first. */
export interface OutsideLayers {
  flags?: SettingsLayer;
  env?: SettingsLayer;
  configFile?: SettingsLayer;
}

export const STORES_DIR = 'stores';

export function storeDirOf(dataDir: string, connectionId: string): string {
  return join(dataDir, STORES_DIR, connectionId);
}

/** A saved connection as a settings layer, its password from the vault. */
export async function layerOf(c: SavedConnection, vault: SecretVault): Promise<SettingsLayer> {
  const password = c.sasl ? ((await vault.get(passwordKey(c.id))) ?? undefined) : undefined;
  return {
    brokers: c.brokers,
    topics: {
      clickstream: c.topics.clickstream,
      predictions: c.topics.predictions,
      customers: c.topics.customers,
    },
    group: c.group || undefined,
    from: c.from,
    ssl: c.tls
      ? {
          ca: c.tls.ca || undefined,
          cert: c.tls.cert || undefined,
          key: c.tls.key || undefined,
          rejectUnauthorized: c.tls.rejectUnauthorized,
        }
      : undefined,
    sasl: c.sasl ? { mechanism: c.sasl.mechanism, username: c.sasl.username, password } : undefined,
    deadLetterTopic: c.deadLetterTopic || undefined,
    profiles: c.kind === 'profiles' ? c.topics.profiles || true : false,
  };
}

/** A file-name-safe name for a connection set outside the settings file: `environment-h1-9092`. */
function outsideId(origin: ConnectionOrigin, brokers: string[]): string {
  const slug = brokers
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${origin.replace(' ', '-')}-${slug}`;
}

/**
 * The connection to run at start: whatever sets the brokers first wins (flags, environment,
 * config file), the other layers filling in the rest; else the settings file's choice.
 */
export async function startingConnection(
  settings: SettingsFile,
  vault: SecretVault,
  outside: OutsideLayers,
): Promise<ActiveConnection> {
  const saved = settings.connection(settings.data.active);
  const savedLayer = saved ? await layerOf(saved, vault) : {};
  const layers: Array<[ConnectionOrigin, SettingsLayer]> = [
    ['command line', outside.flags ?? {}],
    ['environment', outside.env ?? {}],
    ['config file', outside.configFile ?? {}],
    ['settings', savedLayer],
  ];
  const setter = layers.find(([, l]) => l.brokers !== undefined && l.brokers !== '' && l.brokers.length > 0);
  if (!setter) return { id: DEMO_CONNECTION_ID, kind: 'demo', name: 'Embedded demo', origin: 'settings' };
  const kafka = resolveKafkaSettings(layers.map(([, l]) => l));
  const [origin] = setter;
  if (origin === 'settings' && saved)
    return { id: saved.id, kind: kindOf(kafka), name: saved.name, origin, settings: kafka };
  return {
    // A profiles store is not an events store: the same brokers read either way get a folder each.
    id: outsideId(origin, kafka.brokers) + (kafka.profiles === null ? '' : '-profiles'),
    kind: kindOf(kafka),
    name: `${kafka.brokers.join(',')} (from the ${origin})`,
    origin,
    settings: kafka,
  };
}

/** A connection the user picked in Settings: a saved one with its own secret, or the demo. */
export async function pickedConnection(
  settings: SettingsFile,
  vault: SecretVault,
  id: string,
): Promise<ActiveConnection | null> {
  if (id === DEMO_CONNECTION_ID) return { id, kind: 'demo', name: 'Embedded demo', origin: 'settings' };
  const saved = settings.connection(id);
  if (!saved) return null;
  const kafka = resolveKafkaSettings([await layerOf(saved, vault)]);
  return { id, kind: kindOf(kafka), name: saved.name, origin: 'settings', settings: kafka };
}
