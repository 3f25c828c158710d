import type { ListenEvent } from '../../../../shared/events.js';
import { decodeListenBytes } from '../../decode/json-listen-bytes.js';
import { decodeJsonRecord, MAX_RECORD_BYTES, type RecordKind } from '../../decode/record-decoder.js';
import { decodeTracksCsvLine } from '../../decode/tracks-csv.js';
import type { DecodedRecord } from '../../ingest/ingest-session.js';
import type { KafkaRecordBytes } from './consumer/consumer-protocol.js';

/**
 * Nearly every clickstream message is a plain JSON listen, read from its bytes (most are read in
 * place before they get here, see ingest/listen-run.ts); null when the message needs decoding below.
 */
export function plainListen(value: Buffer | null): ListenEvent | null {
  return value === null || value.length > MAX_RECORD_BYTES ? null : decodeListenBytes(value);
}

/**
 * One Kafka message through the tolerant reader. The topic says what kind of record to expect;
 * a clickstream message that is not JSON may be a tracks CSV line, as older producers send.
 */
export function decodeKafkaMessage(
  topic: string,
  partition: number,
  message: KafkaRecordBytes,
  kind: RecordKind,
): DecodedRecord {
  const origin = { topic, partition, offset: message.offset };
  const reject = (reason: string, raw = ''): DecodedRecord => ({
    origin,
    raw,
    result: { ok: false, reason },
  });
  if (message.value === null) return reject('empty message value');
  if (message.value.length > MAX_RECORD_BYTES) {
    return reject(
      `record of ${message.value.length} bytes exceeds ${MAX_RECORD_BYTES}`,
      message.value.subarray(0, 200).toString('utf8'),
    );
  }
  if (kind !== 'predictions' && kind !== 'customers') {
    const event = plainListen(message.value);
    if (event) return { origin, raw: '', result: { ok: true, event } };
  }
  const text = message.value.toString('utf8');
  const trimmed = text.trimStart();
  const result =
    kind === 'clickstream' && trimmed !== '' && !trimmed.startsWith('{')
      ? decodeTracksCsvLine(text.trim())
      : decodeJsonRecord(text, kind);
  return { origin, raw: result.ok ? '' : text, result };
}
