import type { z } from 'zod';
import type { C360Event } from '../../../shared/events.js';
import { CUSTOMER_ID_FIELDS, normaliseCrmFields } from './crm-fields.js';
import { fastClick, fastListen, fastPrediction } from './fast-paths.js';
import {
  clickSchema,
  describeZodError,
  idSchema,
  legacyClickSchema,
  legacyLabelSchema,
  legacyRiskSchema,
  listenSchema,
  predictionSchema,
} from './record-schemas.js';

/** The tolerant reader (DESIGN §3): any accepted shape in, one event out, or a reason why not. */

export type DecodeResult = { ok: true; event: C360Event } | { ok: false; reason: string };

/** What a source knows about its records: a topic's kind, or `any` for JSON-lines files. */
export type RecordKind = 'any' | 'clickstream' | 'predictions' | 'customers';

/** Longer records are rejected unread: no legitimate event comes near this. */
export const MAX_RECORD_BYTES = 64 * 1024;

const fail = (reason: string): DecodeResult => ({ ok: false, reason });
/** A fast path's event as a result; null when the fast path left the record to its schema. */
const ok = (event: C360Event | null): DecodeResult | null => (event ? { ok: true, event } : null);

export function decodeJsonRecord(text: string, kind: RecordKind = 'any'): DecodeResult {
  if (text.length > MAX_RECORD_BYTES)
    return fail(`record of ${text.length} bytes exceeds ${MAX_RECORD_BYTES}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`bad JSON: ${(error as Error).message}`);
  }
  return decodeRecordObject(value, kind);
}

export function decodeRecordObject(value: unknown, kind: RecordKind = 'any'): DecodeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
  const obj = value as Record<string, unknown>;

  if (kind === 'customers' || obj.type === 'customer') return decodeCustomerObject(obj);
  if (kind !== 'predictions') {
    if (obj.type === 'listen')
      return (
        ok(fastListen(obj.eventId, obj.customerId, obj.trackId, obj.ts, obj.mobile, obj.zip)) ??
        viaSchema(listenSchema, obj)
      );
    if (obj.type === 'click') return ok(fastClick(obj)) ?? viaSchema(clickSchema, obj);
    if ('user_id' in obj && 'datetime' in obj) return viaSchema(legacyClickSchema, obj);
  }
  if (kind !== 'clickstream') {
    if ('churnRisk' in obj) return ok(fastPrediction(obj)) ?? viaSchema(predictionSchema, obj);
    if ('churn_risk' in obj) return viaSchema(legacyRiskSchema, obj);
    if ('prediction' in obj) return viaSchema(legacyLabelSchema, obj);
  }
  if (typeof obj.type === 'string') return fail(`unknown event type "${obj.type.slice(0, 40)}"`);
  return fail(`unrecognised ${kind === 'any' ? '' : `${kind} `}record shape`);
}

/** Runs a schema whose output is the event itself. */
export function viaSchema(schema: z.ZodType<C360Event>, value: unknown): DecodeResult {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, event: r.data } : fail(describeZodError(r.error));
}

/** A CRM record: any object with a customer id; every other field is kept (flexible schema). */
export function decodeCustomerObject(obj: Record<string, unknown>): DecodeResult {
  const idField = CUSTOMER_ID_FIELDS.find((f) => obj[f] !== undefined && obj[f] !== null && obj[f] !== '');
  if (!idField) return fail('customer record without a customer id');
  const id = idSchema.safeParse(obj[idField]);
  if (!id.success) return fail(`${idField}: ${describeZodError(id.error)}`);
  try {
    return { ok: true, event: { kind: 'customer', customerId: id.data, fields: normaliseCrmFields(obj) } };
  } catch (error) {
    return fail((error as Error).message);
  }
}
