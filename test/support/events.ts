import { decodeJsonRecord, decodeRecordObject } from '../../main/engine/decode/record-decoder.js';
import type { DecodedRecord } from '../../main/engine/ingest/ingest-session.js';
import type { C360Event } from '../../shared/events.js';

/** Builds events through the real decoder, so tests see exactly what sources produce. */
export function event(record: Record<string, unknown>): C360Event {
  const r = decodeRecordObject(record);
  if (!r.ok) throw new Error(`test record did not decode: ${r.reason}`);
  return r.event;
}

let seq = 0;
export function listen(customerId: string, ts: string, extra: Record<string, unknown> = {}): C360Event {
  return event({
    type: 'listen',
    eventId: `t${++seq}`,
    customerId,
    trackId: '100',
    ts,
    mobile: false,
    ...extra,
  });
}

export function click(customerId: string, ts: string, extra: Record<string, unknown> = {}): C360Event {
  return event({ type: 'click', customerId, ts, ...extra });
}

export function prediction(
  customerId: string,
  churnRisk: number,
  extra: Record<string, unknown> = {},
): C360Event {
  return event({ customerId, churnRisk, ...extra });
}

/** JSON lines as a file source hands them to the session: decoded, with their line numbers. */
export function decodedLines(lines: string[], file = 'x'): DecodedRecord[] {
  return lines.map((l, i) => ({ origin: { file, line: i + 1 }, raw: '', result: decodeJsonRecord(l) }));
}
