import { z } from 'zod';
import {
  type ClickEvent,
  type ListenEvent,
  type PredictionEvent,
  predictionTime,
} from '../../../shared/events.js';
import { FIRST_YEAR, LAST_YEAR, parseWrittenTime } from '../../../shared/timestamp.js';
import { hasControlCharacter, isCleanText, MAX_ID, MAX_TEXT } from './record-ids.js';

/**
 * Zod schemas for every record shape DESIGN §3 accepts, each turning its shape into the one event
 * type of its kind. Limits keep absurd values out of profiles.
 */

/**
 * Customer and track ids arrive as strings or numbers; both become trimmed strings. A number past
 * 2^53 has already lost digits in JSON parsing (it would name another customer), so the message
 * says to send such ids as text.
 */
export const idSchema = z
  .union([
    z.string(),
    z
      .number()
      .int({ error: 'id is not a whole number up to 2^53 (larger ids must be sent as text)' })
      .nonnegative(),
  ])
  .transform((v) => String(v).trim())
  .pipe(
    z
      .string()
      .min(1, 'empty id')
      .max(MAX_ID, 'id longer than 64 characters')
      .refine((id) => !hasControlCharacter(id), 'id holds a control character'),
  );

export const timeSchema = z.string().transform((text, ctx) => {
  const at = parseWrittenTime(text.trim());
  if (!at) {
    const year = Number(/^\s*(\d{4})-\d{2}-\d{2}[T ]/.exec(text)?.[1]);
    const message =
      year < FIRST_YEAR || year > LAST_YEAR
        ? `timestamp "${text.slice(0, 40)}" is outside the years ${FIRST_YEAR}–${LAST_YEAR}`
        : `unreadable timestamp "${text.slice(0, 40)}"`;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  }
  return at;
});

/** Every mobile-flag form seen in the field: JSON booleans, 0/1 and their string forms. */
export const mobileFlagSchema = z.union(
  [
    z.boolean(),
    z.literal(0).transform(() => false),
    z.literal(1).transform(() => true),
    z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.enum(['0', '1', 'true', 'false']))
      .transform((s) => s === '1' || s === 'true'),
  ],
  { error: 'expected true/false or 1/0' },
);

const optionalText = z
  .union([z.string().max(MAX_TEXT).refine(isCleanText, 'text holds a control character'), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? null : String(v)));

const responseTime = z
  .number()
  .nonnegative()
  .max(3_600_000, 'response time over an hour')
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : Math.round(v)));

export const listenSchema = z
  .object({
    type: z.literal('listen'),
    eventId: optionalText,
    customerId: idSchema,
    trackId: idSchema,
    ts: timeSchema,
    mobile: mobileFlagSchema.default(false),
    zip: optionalText,
  })
  .transform(
    (d): ListenEvent => ({
      kind: 'listen',
      eventId: d.eventId,
      customerId: d.customerId,
      trackId: d.trackId,
      at: d.ts,
      mobile: d.mobile,
      zip: d.zip,
    }),
  );

const clickFields = { os: optionalText, browser: optionalText, product: optionalText, url: optionalText };

export const clickSchema = z
  .object({
    type: z.literal('click'),
    customerId: idSchema,
    ts: timeSchema,
    responseTimeMs: responseTime,
    ...clickFields,
  })
  .transform(
    ({ customerId, ts, responseTimeMs, os, browser, product, url }): ClickEvent => ({
      kind: 'click',
      customerId,
      at: ts,
      os,
      browser,
      responseTimeMs,
      product,
      url,
    }),
  );

/** The older web-click export: `user_id`, `datetime`, `response_time_ms`. */
export const legacyClickSchema = z
  .object({ user_id: idSchema, datetime: timeSchema, response_time_ms: responseTime, ...clickFields })
  .transform(
    ({ user_id, datetime, response_time_ms, os, browser, product, url }): ClickEvent => ({
      kind: 'click',
      customerId: user_id,
      at: datetime,
      os,
      browser,
      responseTimeMs: response_time_ms,
      product,
      url,
    }),
  );

const predictionFields = { model: optionalText, ts: optionalText };

export const predictionSchema = z
  .object({
    customerId: idSchema,
    churnRisk: z.number().min(0, 'churnRisk below 0').max(1, 'churnRisk above 1'),
    ...predictionFields,
  })
  .transform(
    (d): PredictionEvent => ({
      kind: 'prediction',
      customerId: d.customerId,
      churnRisk: d.churnRisk,
      label: null,
      model: d.model,
      ts: d.ts,
      at: predictionTime(d.ts),
    }),
  );

/** `{"user_id":…,"churn_risk":37}`: a percentage. */
export const legacyRiskSchema = z
  .object({
    user_id: idSchema,
    churn_risk: z.number().min(0, 'churn_risk below 0').max(100, 'churn_risk above 100'),
    ...predictionFields,
  })
  .transform(
    (d): PredictionEvent => ({
      kind: 'prediction',
      customerId: d.user_id,
      churnRisk: d.churn_risk / 100,
      label: null,
      model: d.model,
      ts: d.ts,
      at: predictionTime(d.ts),
    }),
  );

/** `{"user_id":…,"prediction":1}`: a label only. */
export const legacyLabelSchema = z
  .object({
    user_id: idSchema,
    prediction: z
      .union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1')])
      .transform((v) => Number(v) as 0 | 1),
    ...predictionFields,
  })
  .transform(
    (d): PredictionEvent => ({
      kind: 'prediction',
      customerId: d.user_id,
      churnRisk: null,
      label: d.prediction,
      model: d.model,
      ts: d.ts,
      at: predictionTime(d.ts),
    }),
  );

export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid record';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
