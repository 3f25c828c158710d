import { z } from 'zod';
import { isCleanId } from '../../decode/record-ids.js';
import { describeZodError } from '../../decode/record-schemas.js';
import type { Profile } from '../../profile/profile.js';
import { decodeProfile } from '../../store/store-codec.js';
import { StoreDamage } from '../../store/store-damage.js';

/**
 * The `customer-profiles` value, version 1, as streams/PROFILE-FORMAT.md documents it: checked
 * with zod for shape and types, then through the store codec's own checks for the sums that must
 * agree (buckets and day×hour cells add up to listens, mobile and products within their totals),
 * so a profile from Kafka Streams is held to exactly what a profile read back from the store is.
 * Fields a version-1 reader does not know are ignored, as the format allows.
 */

export const PROFILE_FORMAT_VERSION = 1;

/** The app publishes nothing over 900,000 bytes (`c360.max.record.bytes`); anything larger is not its. */
export const MAX_PROFILE_BYTES = 1 << 20;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A timestamp as received: the engine's accepted forms are all well under this. */
const seenText = z.string().min(1).max(64);
const seenAt = z.object({ text: seenText, epochMs: z.number().finite() });
const shortText = z.string().max(8192);

const churnPointSchema = z.object({
  risk: z.number().min(0).max(1).nullable(),
  label: z.union([z.literal(0), z.literal(1)]).nullable(),
  model: shortText.nullable(),
  ts: shortText.nullable(),
});

export const profileValueSchema = z.object({
  v: z.literal(PROFILE_FORMAT_VERSION, {
    error: (i) => `format version ${JSON.stringify(i.input)} is not 1`,
  }),
  customerId: z.string().refine(isCleanId, 'not a customer id (1–64 characters, no control characters)'),
  listens: count,
  uniqueTracks: count,
  tod: z.tuple([count, count, count, count]),
  mobile: count,
  dayHour: z.array(count).max(2 * 168),
  firstSeen: seenAt.nullable(),
  lastSeen: seenAt.nullable(),
  listenZip: seenAt.extend({ zip: shortText }).nullable(),
  clicks: count,
  responseTimes: z
    .object({
      count: count,
      sum: z.number().finite().min(0),
      sumSquares: z.number().finite().min(0),
      min: z.number().finite().min(0),
      max: z.number().finite().min(0),
    })
    .nullable(),
  products: z.record(z.string().max(8192), count),
  churnHistory: z.array(churnPointSchema).max(50),
  crm: z
    .record(z.string().min(1).max(128), z.union([z.string().max(8192), z.number().finite(), z.boolean()]))
    .nullable(),
});

export type ProfileValue = z.infer<typeof profileValueSchema>;

export type ProfileDecodeResult = { ok: true; profile: Profile } | { ok: false; reason: string };

/**
 * A message value as a profile, or the reason it is not one. `key` is the message key: the value
 * must name the same customer, so a producer's mix-up never files one customer under another.
 */
export function decodeProfileValue(key: string, text: string): ProfileDecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `bad JSON: ${(error as Error).message}` };
  }
  const checked = profileValueSchema.safeParse(json);
  if (!checked.success) return { ok: false, reason: describeZodError(checked.error) };
  // The raw object from here: zod's copies of `products` and `crm` would be ordinary objects, and
  // their keys are data (`__proto__` is a product like any other); the codec builds prototype-free ones.
  const raw = json as ProfileValue;
  if (raw.customerId !== key)
    return { ok: false, reason: `customerId "${raw.customerId}" differs from the message key "${key}"` };
  if (raw.uniqueTracks > raw.listens || (raw.uniqueTracks === 0) !== (raw.listens === 0))
    return { ok: false, reason: 'uniqueTracks: disagrees with listens' };
  try {
    const profile = decodeProfile({
      id: raw.customerId,
      listens: raw.listens,
      tracks: [],
      uniqueTracks: raw.uniqueTracks,
      tod: raw.tod,
      mobile: raw.mobile,
      dayHour: raw.dayHour,
      firstSeen: raw.firstSeen,
      lastSeen: raw.lastSeen,
      listenZip: raw.listenZip,
      clicks: raw.clicks,
      responseTimes: raw.responseTimes,
      products: raw.products,
      churnHistory: raw.churnHistory,
      crm: raw.crm,
    });
    return { ok: true, profile };
  } catch (error) {
    if (error instanceof StoreDamage) return { ok: false, reason: error.message };
    throw error;
  }
}
