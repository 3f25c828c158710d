import { isCleanId } from '../../decode/record-ids.js';
import type { IngestRecord } from '../../ingest/ingest-session.js';
import { DEFAULT_PROFILES_TOPIC, type KafkaSettings } from '../../kafka/kafka-settings.js';
import type { KafkaRecordBytes } from '../kafka/consumer/consumer-protocol.js';
import { TopicMissing } from '../kafka/errors.js';
import { type KafkaReading, KafkaSource, type KafkaSourceOptions } from '../kafka/kafka-source.js';
import { decodeProfileValue, MAX_PROFILE_BYTES } from './profile-format.js';

/**
 * Reads the `customer-profiles` topic the Kafka Streams app publishes (streams/PROFILE-FORMAT.md)
 * into the store by upsert: the latest message of a customer is their profile, a tombstone removes
 * them. Everything about the connection is the Kafka source's (TLS, SASL, offsets saved in the
 * checkpoint with the profiles, reconnecting, dead letters, operations); only what is read and what
 * a message becomes differ. kafkajs reads committed messages only (read_committed), so a profile
 * the app's exactly-once transaction rolled back is never seen.
 */
export class ProfilesSource extends KafkaSource {
  override readonly kind = 'profiles';

  constructor(settings: KafkaSettings, options: KafkaSourceOptions) {
    super(settings, options, profilesTopic(settings.profiles ?? DEFAULT_PROFILES_TOPIC));
  }
}

export function profilesTopic(topic: string): KafkaReading {
  return {
    topics(existing) {
      if (!existing.has(topic)) throw new TopicMissing(topic);
      return [topic];
    },
    decode: decodeProfileMessage,
    listenTopics: () => [],
  };
}

/** One message as a profile to put in place, a removal, or a rejected record with its reason. */
export function decodeProfileMessage(
  topic: string,
  partition: number,
  message: KafkaRecordBytes,
): IngestRecord {
  const origin = { topic, partition, offset: message.offset };
  const reject = (reason: string, raw: string): IngestRecord => ({
    origin,
    raw,
    result: { ok: false, reason },
  });
  const value = message.value;
  const rawValue = () => (value ? value.subarray(0, 200).toString('utf8') : '');
  const key = message.key?.toString('utf8') ?? null;
  if (key === null) return reject('profile without a key (the customer id)', rawValue());
  const shown = JSON.stringify(key.slice(0, 70));
  if (!isCleanId(key)) return reject(`key ${shown} is not a customer id`, rawValue());
  if (value === null) return { origin, customerId: key, profile: null };
  if (value.length > MAX_PROFILE_BYTES)
    return reject(`profile of ${value.length} bytes exceeds ${MAX_PROFILE_BYTES}`, rawValue());
  const text = value.toString('utf8');
  const decoded = decodeProfileValue(key, text);
  return decoded.ok ? { origin, customerId: key, profile: decoded.profile } : reject(decoded.reason, text);
}
