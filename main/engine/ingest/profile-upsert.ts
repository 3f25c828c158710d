import type { RecordOrigin } from '../../../shared/events.js';
import { predictionTime } from '../../../shared/events.js';
import type { EngineState } from '../engine-state.js';
import { type ChurnPoint, cellOf, type Profile } from '../profile/profile.js';

/**
 * A whole profile computed elsewhere (the Kafka Streams app's `customer-profiles` topic), put in
 * the store in place of the customer's profile; `profile: null` is a tombstone, which removes the
 * customer. The profile object is replaced, never changed, so a checkpoint being written keeps the
 * old one it captured.
 */
export interface ProfileRecord {
  origin: RecordOrigin;
  customerId: string;
  profile: Profile | null;
}

/**
 * Replaces (or removes) one profile and counts what changed into the windows. A profile carries
 * totals, not events, so the windows get the difference to the profile it replaces: new listens
 * by their day×hour cells at the time of the customer's latest listen, new clicks at the stream's
 * clock, new predictions at their own `ts` (or the clock). The all-time figures are exact; the
 * windows place each change at the last time the profile tells, which is the event's time when
 * profiles arrive one change at a time and the latest one's when the app merged several.
 */
export function upsertProfile(state: EngineState, r: ProfileRecord, wall: number): void {
  const old = state.profiles.get(r.customerId);
  const next = r.profile;
  if (next === null) {
    state.profiles.delete(r.customerId);
    return;
  }
  const windows = state.windows;
  keepPredictionTimes(old?.churnHistory ?? [], next, windows.nowFor(wall));
  const listenAt = Number.isNaN(next.lastSeenMs) ? null : next.lastSeenMs;
  if (listenAt !== null) {
    let mobile = next.mobile - (old?.mobile ?? 0);
    for (let cell = 0; cell < 168; cell++) {
      const added = cellOf(next, cell) - (old ? cellOf(old, cell) : 0);
      for (let i = 0; i < added; i++) {
        windows.add(
          {
            kind: 'listen',
            epochMs: listenAt,
            mobile: mobile-- > 0,
            hour: cell % 24,
            dayOfWeek: Math.floor(cell / 24),
          },
          wall,
        );
      }
    }
  }
  const clicks = next.clicks - (old?.clicks ?? 0);
  for (let i = 0; i < clicks; i++) windows.add({ kind: 'click', epochMs: windows.nowFor(wall) }, wall);
  for (const point of newPoints(old?.churnHistory ?? [], next.churnHistory))
    windows.add({ kind: 'prediction', epochMs: point.at ?? windows.nowFor(wall) }, wall);
  state.profiles.set(r.customerId, next);
}

const samePoint = (a: ChurnPoint, b: ChurnPoint) =>
  a.risk === b.risk && a.label === b.label && a.model === b.model && a.ts === b.ts;

/** How many leading points of `next` continue `old`: the longest suffix of old that starts next. */
function overlap(old: readonly ChurnPoint[], next: readonly ChurnPoint[]): number {
  for (let k = Math.min(old.length, next.length); k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++)
      same = samePoint(old[old.length - k + i] as ChurnPoint, next[i] as ChurnPoint);
    if (same) return k;
  }
  return 0;
}

function newPoints(old: readonly ChurnPoint[], next: readonly ChurnPoint[]): readonly ChurnPoint[] {
  return next.slice(overlap(old, next));
}

/**
 * Predictions the store already had keep the time they were stamped with; new ones without a
 * readable `ts` get the stream's clock, as the engine stamps them on arrival.
 */
function keepPredictionTimes(old: readonly ChurnPoint[], next: Profile, now: number): void {
  const k = overlap(old, next.churnHistory);
  next.churnHistory = next.churnHistory.map((point, i) => ({
    ...point,
    at: i < k ? (old[old.length - k + i] as ChurnPoint).at : (predictionTime(point.ts) ?? now),
  }));
  next.churn = next.churnHistory[next.churnHistory.length - 1] ?? null;
}
