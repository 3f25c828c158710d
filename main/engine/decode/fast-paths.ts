import {
  type ClickEvent,
  type ListenEvent,
  type PredictionEvent,
  predictionTime,
} from '../../../shared/events.js';
import { parseWrittenTime, type WrittenTime } from '../../../shared/timestamp.js';
import { hasControlCharacter, isCleanText, MAX_ID, MAX_TEXT } from './record-ids.js';

/**
 * Fast paths for the record shapes nearly every record has. The zod schemas in record-schemas.ts
 * are the definition; running them on every record was a fifth of batch ingest and most of Kafka
 * decoding (CPU profiles in the README). Each function here accepts only input whose outcome it
 * can decide exactly as the schema would, and returns null for everything else, so the schema
 * still handles (and words) every rejection. test/unit/fast-paths.test.ts checks they agree.
 */

/** `undefined` means "not sure": let the schema decide. */
function id(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    return t.length > 0 && t.length <= MAX_ID && !hasControlCharacter(t) ? t : undefined;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return undefined;
}

function optionalText(v: unknown): string | null | undefined {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') return v.length <= MAX_TEXT && isCleanText(v) ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function time(v: unknown): WrittenTime | undefined {
  return typeof v === 'string' ? (parseWrittenTime(v.trim()) ?? undefined) : undefined;
}

function mobileFlag(v: unknown): boolean | undefined {
  if (v === undefined || v === false || v === 0) return false;
  if (v === true || v === 1) return true;
  if (typeof v !== 'string') return undefined;
  switch (v.trim().toLowerCase()) {
    case '1':
    case 'true':
      return true;
    case '0':
    case 'false':
      return false;
    default:
      return undefined;
  }
}

function responseTime(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return null;
  return typeof v === 'number' && v >= 0 && v <= 3_600_000 ? Math.round(v) : undefined;
}

/** The fields of a listen, from a CSV line or a JSON object. */
export function fastListen(
  eventIdIn: unknown,
  customerIdIn: unknown,
  trackIdIn: unknown,
  tsIn: unknown,
  mobileIn: unknown,
  zipIn: unknown,
): ListenEvent | null {
  const eventId = optionalText(eventIdIn);
  const customerId = id(customerIdIn);
  const trackId = id(trackIdIn);
  const at = time(tsIn);
  const mobile = mobileFlag(mobileIn);
  const zip = optionalText(zipIn);
  if (
    eventId === undefined ||
    customerId === undefined ||
    trackId === undefined ||
    at === undefined ||
    mobile === undefined ||
    zip === undefined
  )
    return null;
  return { kind: 'listen', eventId, customerId, trackId, at, mobile, zip };
}

export function fastClick(o: Record<string, unknown>): ClickEvent | null {
  const customerId = id(o.customerId);
  const at = time(o.ts);
  const responseTimeMs = responseTime(o.responseTimeMs);
  const os = optionalText(o.os);
  const browser = optionalText(o.browser);
  const product = optionalText(o.product);
  const url = optionalText(o.url);
  if (
    customerId === undefined ||
    at === undefined ||
    responseTimeMs === undefined ||
    os === undefined ||
    browser === undefined ||
    product === undefined ||
    url === undefined
  )
    return null;
  return { kind: 'click', customerId, at, os, browser, responseTimeMs, product, url };
}

export function fastPrediction(o: Record<string, unknown>): PredictionEvent | null {
  const customerId = id(o.customerId);
  const risk = o.churnRisk;
  const model = optionalText(o.model);
  const ts = optionalText(o.ts);
  if (
    customerId === undefined ||
    typeof risk !== 'number' ||
    !(risk >= 0 && risk <= 1) ||
    model === undefined ||
    ts === undefined
  )
    return null;
  return { kind: 'prediction', customerId, churnRisk: risk, label: null, model, ts, at: predictionTime(ts) };
}
