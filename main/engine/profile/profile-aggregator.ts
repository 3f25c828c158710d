import { dict } from '../../../shared/dict.js';
import type { C360Event } from '../../../shared/events.js';
import { bucketOfHour, dayHourIndex } from '../../../shared/time-of-day.js';
import {
  addToCell,
  CHURN_HISTORY_LIMIT,
  type ChurnPoint,
  emptyProfile,
  type Profile,
  type SeenAt,
} from './profile.js';
import { internTrackId } from './track-ids.js';

/**
 * Aggregation as plain functions. A batch is folded into fresh partial profiles, which are then
 * merged into the state. Merge is associative, so any split of a stream into batches gives the
 * same profiles as the whole stream — that is what lets a batch be applied together with its
 * offsets in one checkpoint, or not at all.
 */

export type ProfileMap = Map<string, Profile>;

function profileFor(map: ProfileMap, customerId: string): Profile {
  let p = map.get(customerId);
  if (!p) {
    p = emptyProfile(customerId);
    map.set(customerId, p);
  }
  return p;
}

/** Earliest wins; on a tie the one seen first stays. */
function earlier<T extends SeenAt>(a: T | null, b: T | null): T | null {
  if (!a) return b;
  if (!b) return a;
  return b.epochMs < a.epochMs ? b : a;
}

/** Latest wins; on a tie the one seen last wins. */
function later<T extends SeenAt>(a: T | null, b: T | null): T | null {
  if (!a) return b;
  if (!b) return a;
  return b.epochMs >= a.epochMs ? b : a;
}

function pushChurn(p: Profile, points: ChurnPoint[]): void {
  if (points.length === 0) return;
  p.churn = points[points.length - 1] ?? null;
  p.churnHistory.push(...points);
  if (p.churnHistory.length > CHURN_HISTORY_LIMIT)
    p.churnHistory.splice(0, p.churnHistory.length - CHURN_HISTORY_LIMIT);
}

/** Applies one event to a profile map in place. */
export function applyEvent(map: ProfileMap, event: C360Event): void {
  const p = profileFor(map, event.customerId);
  switch (event.kind) {
    case 'listen': {
      p.listens += 1;
      p.tracks.add(internTrackId(event.trackId));
      const at = event.at;
      // A switch, not p[bucket] += 1: the computed-key store was the slowest line of ingest.
      switch (bucketOfHour(at.hour)) {
        case 'morning':
          p.morning += 1;
          break;
        case 'afternoon':
          p.afternoon += 1;
          break;
        case 'evening':
          p.evening += 1;
          break;
        case 'night':
          p.night += 1;
          break;
      }
      if (event.mobile) p.mobile += 1;
      addToCell(p, dayHourIndex(at.dayOfWeek, at.hour), 1);
      // Same rules as earlier()/later(). The event's own time is kept (never mutated), so the
      // hot path allocates nothing; the store codec writes only its text and instant.
      const epochMs = at.epochMs;
      if (!p.firstSeen || epochMs < p.firstSeen.epochMs) p.firstSeen = at;
      if (!p.lastSeen || epochMs >= p.lastSeen.epochMs) p.lastSeen = at;
      if (event.zip !== null && (!p.listenZip || epochMs >= p.listenZip.epochMs))
        p.listenZip = { text: at.text, epochMs, zip: event.zip };
      return;
    }
    case 'click': {
      p.clicks += 1;
      const ms = event.responseTimeMs;
      if (ms !== null) {
        const r = p.responseTimes;
        if (!r) p.responseTimes = { count: 1, sum: ms, sumSquares: ms * ms, min: ms, max: ms };
        else {
          r.count += 1;
          r.sum += ms;
          r.sumSquares += ms * ms;
          if (ms < r.min) r.min = ms;
          if (ms > r.max) r.max = ms;
        }
      }
      if (event.product !== null) p.products[event.product] = (p.products[event.product] ?? 0) + 1;
      return;
    }
    case 'prediction':
      pushChurn(p, [{ risk: event.churnRisk, label: event.label, model: event.model, ts: event.ts }]);
      return;
    case 'customer':
      // A new object, not changed in place: a checkpoint may still be writing the old one.
      p.crm = Object.assign(dict(p.crm), event.fields);
      return;
  }
}

/** Folds a batch into fresh partial profiles, leaving the state untouched. */
export function aggregateBatch(events: Iterable<C360Event>): ProfileMap {
  const partial: ProfileMap = new Map();
  for (const event of events) applyEvent(partial, event);
  return partial;
}

/** Merges `next` (later in the stream) into `into` in place. */
export function mergeProfile(into: Profile, next: Profile): void {
  into.listens += next.listens;
  for (const t of next.tracks) into.tracks.add(t);
  into.morning += next.morning;
  into.afternoon += next.afternoon;
  into.evening += next.evening;
  into.night += next.night;
  into.mobile += next.mobile;
  if (next.listens > 0)
    for (let i = 0; i < 168; i++) if (next.dayHour[i]) addToCell(into, i, next.dayHour[i] as number);
  into.firstSeen = earlier(into.firstSeen, next.firstSeen);
  into.lastSeen = later(into.lastSeen, next.lastSeen);
  into.listenZip = later(into.listenZip, next.listenZip);
  into.clicks += next.clicks;
  const a = into.responseTimes;
  const b = next.responseTimes;
  if (b) {
    if (!a) into.responseTimes = { ...b };
    else {
      a.count += b.count;
      a.sum += b.sum;
      a.sumSquares += b.sumSquares;
      a.min = Math.min(a.min, b.min);
      a.max = Math.max(a.max, b.max);
    }
  }
  for (const product of Object.keys(next.products))
    into.products[product] = (into.products[product] ?? 0) + (next.products[product] as number);
  pushChurn(into, next.churnHistory);
  if (next.crm) into.crm = Object.assign(dict(into.crm), next.crm);
}

/** Merges a batch's partial profiles into the state in place. */
export function mergeInto(state: ProfileMap, partial: ProfileMap): void {
  for (const [id, p] of partial) {
    const existing = state.get(id);
    if (existing) mergeProfile(existing, p);
    else state.set(id, p);
  }
}
