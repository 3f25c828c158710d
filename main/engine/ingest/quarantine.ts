import { type Dict, dict } from '../../../shared/dict.js';
import type { DeadLetterPlace, QuarantinedRecord, RecordOrigin } from '../../../shared/events.js';

/**
 * Records that could not be read: counted by reason, and the most recent kept with their origin,
 * so nothing is dropped silently and a user can find the bad line or offset again.
 */

export const QUARANTINE_KEEP = 10_000;
const RAW_KEEP = 500;

export interface QuarantineState {
  total: number;
  byReason: Dict<number>;
  /** Most recent last. */
  recent: QuarantinedRecord[];
}

export function emptyQuarantine(): QuarantineState {
  return { total: 0, byReason: dict(), recent: [] };
}

/** Groups reasons that differ only in the quoted value, so the counts stay readable. */
export function reasonKey(reason: string): string {
  return reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 120);
}

export function quarantineRecord(
  q: QuarantineState,
  origin: RecordOrigin,
  reason: string,
  raw: string,
  deadLetter?: DeadLetterPlace,
): void {
  q.total += 1;
  const key = reasonKey(reason);
  q.byReason[key] = (q.byReason[key] ?? 0) + 1;
  q.recent.push({
    origin,
    reason,
    raw: raw.length > RAW_KEEP ? `${raw.slice(0, RAW_KEEP)}…` : raw,
    at: new Date().toISOString(),
    ...(deadLetter ? { deadLetter } : {}),
  });
  if (q.recent.length > QUARANTINE_KEEP * 1.1) q.recent.splice(0, q.recent.length - QUARANTINE_KEEP);
}

export function mergeQuarantine(into: QuarantineState, next: QuarantineState): void {
  into.total += next.total;
  for (const [k, n] of Object.entries(next.byReason)) into.byReason[k] = (into.byReason[k] ?? 0) + n;
  into.recent.push(...next.recent);
  if (into.recent.length > QUARANTINE_KEEP) into.recent.splice(0, into.recent.length - QUARANTINE_KEEP);
}

export function describeOrigin(origin: RecordOrigin): string {
  if ('file' in origin) return `${origin.file}:${origin.line}`;
  if ('topic' in origin) return `${origin.topic}[${origin.partition}]@${origin.offset}`;
  return `demo#${origin.seq}`;
}
