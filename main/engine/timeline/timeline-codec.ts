import type { CrmChange, TimelineEvent, TimelineKind } from '../../../shared/engine-api.js';
import type { CrmValue } from '../../../shared/events.js';
import type { MessagePackWriter, PackedValue } from './msgpack-writer.js';

/**
 * How one customer's events of one batch are stored: a chunk, one LMDB value (msgpack),
 *
 *   [base, item, item, …]
 *
 * with `base` the first item's instant (epoch ms) and each item a tuple whose second element is
 * its instant less `base` (a small integer packs in 1–5 bytes where an epoch takes 9):
 *
 *   listen      [0, dt, trackId, mobile 0/1, zip | null]
 *   click       [1, dt, product, url, os, browser, responseTimeMs]   (each may be null)
 *   prediction  [2, dt, churnRisk | null, label 0/1 | null, model | null]
 *   crm         [3, dt, [field, from | null, to, field, from | null, to, …]]
 *
 * The store is input like any file: a chunk is checked item by item as it is read, and an item
 * that is not one of these shapes is skipped, never shown half-read.
 */

export type TimelineItem =
  | [0, number, string, 0 | 1, string | null]
  | [1, number, string | null, string | null, string | null, string | null, number | null]
  | [2, number, number | null, 0 | 1 | null, string | null]
  | [3, number, Array<string | CrmValue | null>];

/** Each customer keeps at least their latest CAP events (by arrival); older ones are dropped. */
export const TIMELINE_CAP = 1000;

export const KIND_CODES: Record<TimelineKind, number> = { listen: 0, click: 1, prediction: 2, crm: 3 };

/**
 * The chunk for `items`, packed: `[base, item, …]` with each item's instant made relative to the
 * base (the earliest), as MessagePack bytes for lmdb-js to store as they are; written after
 * whatever the writer holds (a batch's chunks go to one buffer).
 */
export function writeChunk(writer: MessagePackWriter, items: readonly TimelineItem[]): void {
  let base = Number.POSITIVE_INFINITY;
  for (const item of items) if (item[1] < base) base = item[1];
  writer.array(items.length + 1);
  writer.write(base);
  for (const item of items) {
    writer.array(item.length);
    writer.write(item[0]);
    writer.write(item[1] - base);
    for (let i = 2; i < item.length; i++) writer.write(item[i] as PackedValue);
  }
}

/** Items in a chunk as read back, instants restored; null for a value that is not a chunk. */
export function chunkItems(value: unknown): Array<TimelineItem | null> | null {
  if (!Array.isArray(value) || value.length < 1) return null;
  const base = value[0];
  if (typeof base !== 'number' || !Number.isFinite(base)) return null;
  const items: Array<TimelineItem | null> = [];
  for (let i = 1; i < value.length; i++) items.push(checkedItem(value[i], base));
  return items;
}

const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const numOrNull = (v: unknown): v is number | null =>
  v === null || (typeof v === 'number' && Number.isFinite(v));
const crmValue = (v: unknown): v is CrmValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function checkedItem(raw: unknown, base: number): TimelineItem | null {
  if (!Array.isArray(raw) || typeof raw[1] !== 'number' || !Number.isFinite(raw[1])) return null;
  const at = base + raw[1];
  // Outside what a timestamp may be (1970–2100 and a little): not something this store wrote.
  if (at < 0 || at > 4_200_000_000_000) return null;
  switch (raw[0]) {
    case 0:
      return raw.length === 5 && str(raw[2]) && (raw[3] === 0 || raw[3] === 1) && strOrNull(raw[4])
        ? [0, at, raw[2], raw[3], raw[4]]
        : null;
    case 1:
      return raw.length === 7 &&
        strOrNull(raw[2]) &&
        strOrNull(raw[3]) &&
        strOrNull(raw[4]) &&
        strOrNull(raw[5]) &&
        numOrNull(raw[6])
        ? [1, at, raw[2], raw[3], raw[4], raw[5], raw[6]]
        : null;
    case 2:
      return raw.length === 5 &&
        numOrNull(raw[2]) &&
        (raw[3] === null || raw[3] === 0 || raw[3] === 1) &&
        strOrNull(raw[4])
        ? [2, at, raw[2], raw[3], raw[4]]
        : null;
    case 3: {
      const flat = raw[2];
      if (raw.length !== 3 || !Array.isArray(flat) || flat.length % 3 !== 0 || flat.length === 0) return null;
      for (let i = 0; i < flat.length; i += 3)
        if (!str(flat[i]) || !(flat[i + 1] === null || crmValue(flat[i + 1])) || !crmValue(flat[i + 2]))
          return null;
      return [3, at, flat as Array<string | CrmValue | null>];
    }
    default:
      return null;
  }
}

/** An item as the API shows it; `id` is its cursor. */
export function timelineEvent(item: TimelineItem, id: string): TimelineEvent {
  const at = new Date(item[1]).toISOString();
  switch (item[0]) {
    case 0:
      return { kind: 'listen', id, at, trackId: item[2], mobile: item[3] === 1, zip: item[4] };
    case 1:
      return {
        kind: 'click',
        id,
        at,
        product: item[2],
        url: item[3],
        os: item[4],
        browser: item[5],
        responseTimeMs: item[6],
      };
    case 2:
      return { kind: 'prediction', id, at, churnRisk: item[2], label: item[3], model: item[4] };
    case 3: {
      const changes: CrmChange[] = [];
      const flat = item[2];
      for (let i = 0; i < flat.length; i += 3)
        changes.push({
          field: flat[i] as string,
          from: flat[i + 1] as CrmValue | null,
          to: flat[i + 2] as CrmValue,
        });
      return { kind: 'crm', id, at, changes };
    }
  }
}
