import { dict } from '../../../shared/dict.js';
import type { C360Event } from '../../../shared/events.js';
import { bucketOfHour, dayHourIndex } from '../../../shared/time-of-day.js';
import {
  addRecentListen,
  addToCell,
  CHURN_HISTORY_LIMIT,
  type ChurnPoint,
  clickedProduct,
  dayOf,
  emptyProfile,
  keptText,
  type Profile,
  type SeenAt,
} from './profile.js';
import { sharedText } from './shared-texts.js';

/**
 * Aggregation as a plain function: one event into the profile map, in place. Nothing in a
 * profile depends on how a stream was cut into batches (a property test checks any split, through
 * the session, against event by event), which is what lets a batch be applied together with its
 * offsets in one checkpoint, or not at all.
 */

export type ProfileMap = Map<string, Profile>;

export function profileFor(map: ProfileMap, customerId: string): Profile {
  let p = map.get(customerId);
  if (!p) {
    p = emptyProfile(customerId);
    map.set(customerId, p);
  }
  return p;
}

function pushChurn(p: Profile, points: ChurnPoint[]): void {
  if (points.length === 0) return;
  p.churn = points[points.length - 1] ?? null;
  // A new list of just the points rather than a push: V8 grows a pushed array by 16 slots at a
  // time, 128 bytes more than a history of one to three predictions needs (a history holds at
  // most CHURN_HISTORY_LIMIT, so the copy is short).
  const history = p.churnHistory.concat(points);
  p.churnHistory =
    history.length > CHURN_HISTORY_LIMIT ? history.slice(history.length - CHURN_HISTORY_LIMIT) : history;
}

/**
 * Counts one listen: everything but the times it was first and last heard (noteListenTime), which
 * the byte-level reader settles once a batch (see ingest/partitions/tracks-partition.ts).
 */
export function addListen(
  p: Profile,
  trackId: string,
  epochMs: number,
  hour: number,
  dayOfWeek: number,
  mobile: boolean,
): void {
  // A profile from the Streams app holds only its distinct-track count (the app keeps the ids):
  // an id added here would sit beside that count, which the store refuses to read back.
  if (p.uniqueTracks === null) p.tracks.add(trackId);
  countListen(p, epochMs, hour, dayOfWeek, mobile);
}

/** addListen for a track given as its number (track-ids.ts): a listen read on another thread. */
export function addNumberedListen(
  p: Profile,
  track: number,
  epochMs: number,
  hour: number,
  dayOfWeek: number,
  mobile: boolean,
): void {
  if (p.uniqueTracks === null) p.tracks.addNumber(track);
  countListen(p, epochMs, hour, dayOfWeek, mobile);
}

/** addListen without the track, for a holder that keeps distinct tracks its own way (as numbers). */
export function countListen(
  p: Profile,
  epochMs: number,
  hour: number,
  dayOfWeek: number,
  mobile: boolean,
): void {
  p.listens += 1;
  // A switch, not p[bucket] += 1: the computed-key store was the slowest line of ingest.
  switch (bucketOfHour(hour)) {
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
  if (mobile) p.mobile += 1;
  addToCell(p, dayHourIndex(dayOfWeek, hour), 1);
  addRecentListen(p, dayOf(epochMs));
}

/**
 * First and last seen, and the latest zip: the earliest instant (the first of equals), the latest
 * (the last of equals), the latest listen carrying a zip. `at` is read, never kept: `at.text`
 * must be the text its instant was read from (keptText).
 */
export function noteListenTime(p: Profile, at: SeenAt, zip: string | null): void {
  noteKeptTime(p, at.epochMs, keptText(at.text), zip);
}

/** noteListenTime for a time given as its instant and the text a profile keeps of it (keptText). */
export function noteKeptTime(p: Profile, epochMs: number, kept: string | null, zip: string | null): void {
  // Negated so that NaN (never heard) compares as earlier and later than any listen.
  if (!(epochMs >= p.firstSeenMs)) {
    p.firstSeenMs = epochMs;
    p.firstSeenText = kept;
  }
  if (!(epochMs < p.lastSeenMs)) {
    p.lastSeenMs = epochMs;
    p.lastSeenText = kept;
  }
  if (zip !== null && !(epochMs < p.listenZipMs)) {
    p.listenZip = zip;
    p.listenZipMs = epochMs;
    p.listenZipText = kept;
  }
}

/**
 * Applies one event to a profile map in place, and returns the profile it changed. `arrivedAt`:
 * when a prediction without a readable time of its own arrived, on the stream's clock (its churn
 * point's time). `p`: the customer's profile when the caller has already looked it up.
 */
export function applyEvent(
  map: ProfileMap,
  event: C360Event,
  arrivedAt: number | null = null,
  p: Profile = profileFor(map, event.customerId),
): Profile {
  switch (event.kind) {
    case 'listen': {
      const at = event.at;
      addListen(p, event.trackId, at.epochMs, at.hour, at.dayOfWeek, event.mobile);
      noteListenTime(p, at, event.zip);
      return p;
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
      if (event.product !== null) clickedProduct(p, event.product);
      return p;
    }
    case 'prediction':
      pushChurn(p, [
        {
          risk: event.churnRisk,
          label: event.label,
          model: sharedText(event.model),
          ts: sharedText(event.ts),
          at: event.at ?? arrivedAt,
        },
      ]);
      return p;
    case 'customer':
      // A new object, not changed in place: a checkpoint may still be writing the old one.
      p.crm = Object.assign(dict(p.crm), event.fields);
      return p;
  }
}
