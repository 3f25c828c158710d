import type { Dict } from './dict.js';
import { parseWrittenTime, type WrittenTime } from './timestamp.js';

/** Events after decoding: one shape per kind, whatever format they arrived in (DESIGN §3). */

export interface ListenEvent {
  kind: 'listen';
  eventId: string | null;
  customerId: string;
  trackId: string;
  at: WrittenTime;
  mobile: boolean;
  zip: string | null;
}

export interface ClickEvent {
  kind: 'click';
  customerId: string;
  at: WrittenTime;
  os: string | null;
  browser: string | null;
  /** Whole milliseconds; null when the record has none. */
  responseTimeMs: number | null;
  product: string | null;
  url: string | null;
}

export interface PredictionEvent {
  kind: 'prediction';
  customerId: string;
  /** In [0,1]; null when the record carries only a label. */
  churnRisk: number | null;
  /** Set only by label-only predictions (`{"prediction":1}`). */
  label: 0 | 1 | null;
  model: string | null;
  ts: string | null;
  /**
   * When the prediction was made, for windows: its `ts` when that reads as a timestamp; else
   * null, and the engine stamps it with the stream's clock as it arrives.
   */
  at: number | null;
}

export type CrmValue = string | number | boolean;

export interface CustomerRecordEvent {
  kind: 'customer';
  customerId: string;
  /** Normalised CRM fields (snake_case names); unknown fields are kept. Prototype-free. */
  fields: Dict<CrmValue>;
}

export type C360Event = ListenEvent | ClickEvent | PredictionEvent | CustomerRecordEvent;

/** Where a record came from, so a rejected one can be found again. */
export type RecordOrigin =
  | { file: string; line: number }
  | { topic: string; partition: number; offset: string }
  | { demo: true; seq: number };

/** Where a rejected Kafka record was also published, with a dead-letter topic configured. */
export interface DeadLetterPlace {
  topic: string;
  partition: number;
  offset: string;
}

export interface QuarantinedRecord {
  origin: RecordOrigin;
  reason: string;
  /** The raw record, cut to a readable length. */
  raw: string;
  at: string;
  deadLetter?: DeadLetterPlace;
}

/** A prediction's time from its `ts` (any accepted timestamp form), or null when it has none that reads. */
export function predictionTime(ts: string | null): number | null {
  return ts === null ? null : (parseWrittenTime(ts.trim())?.epochMs ?? null);
}
