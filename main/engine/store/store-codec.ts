import { type Dict, dict } from '../../../shared/dict.js';
import { type CrmValue, predictionTime } from '../../../shared/events.js';
import { isCleanId } from '../decode/record-ids.js';
import type { EngineState, SourceProgress, StoreOrigin } from '../engine-state.js';
import type { QuarantineState } from '../ingest/quarantine.js';
import {
  addRecentListen,
  CHURN_HISTORY_LIMIT,
  type ChurnPoint,
  currentImage,
  firstSeen,
  keptTextOf,
  lastSeen,
  listenZipSeen,
  NO_CELLS,
  NO_CHURN_HISTORY,
  type Profile,
  productsFrom,
  RECENT_DAYS,
  type ResponseTimes,
  type SeenAt,
  setDayHour,
  setRecentDays,
} from '../profile/profile.js';
import { sharedText } from '../profile/shared-texts.js';
import { TrackIds } from '../profile/track-ids.js';
import type { StoreSummary } from '../read/profile-totals.js';
import type { SavedWindows } from '../read/windows.js';
import { StoreDamage } from './store-damage.js';

/** The store file's JSON shape, and the conversion between it and in-memory profiles. */

export const STORE_FORMAT = 'customer360-store';
export const STORE_VERSION = 1;

export interface StoredProfile {
  id: string;
  listens: number;
  tracks: string[];
  /** Only for a profile whose track ids are held elsewhere (from Kafka Streams): their count; `tracks` is empty. */
  uniqueTracks?: number;
  tod: [morning: number, afternoon: number, evening: number, night: number];
  mobile: number;
  /** Non-empty day×hour cells as flat pairs: [cell, count, cell, count, …]. */
  dayHour: number[];
  firstSeen: SeenAt | null;
  lastSeen: SeenAt | null;
  listenZip: (SeenAt & { zip: string }) | null;
  /** Listens on the latest days: [latest day, then days back from it and counts: back, n, back, n, …]. Absent in older stores. */
  recentDays?: number[];
  clicks: number;
  responseTimes: ResponseTimes | null;
  products: Dict<number>;
  churnHistory: ChurnPoint[];
  crm: Dict<CrmValue> | null;
}

export interface StoreData {
  format: typeof STORE_FORMAT;
  version: typeof STORE_VERSION;
  /** Absent in stores written before it existed; a new one is made then. */
  storeId?: string;
  /** Absent in stores written before it existed, and until a live source first writes. */
  origin?: StoreOrigin | null;
  savedAt: string;
  profiles: StoredProfile[];
  sources: SourceProgress;
  quarantine: QuarantineState | QuarantineSince;
  /** Absent in stores written before windows were kept. */
  windows?: SavedWindows;
  /** The last batch this checkpoint holds (the timeline keeps what batches up to it wrote). */
  timelineBatch?: number;
  /**
   * The snapshot's figures over the profiles this checkpoint holds, so a reopened store shows them
   * before its profiles are read; absent in older stores and in checkpoints of lent profiles.
   */
  summary?: StoreSummary;
}

/** Just the text and instant: in memory a profile may hold the event's whole WrittenTime. */

/** A profile's listen counters as the store writes them (see encodeProfile). */
export interface StoredListenCounts {
  listens: number;
  tod: StoredProfile['tod'];
  mobile: number;
  dayHour: number[];
  recentDays: number[] | undefined;
}

/**
 * The listen counters of a profile, or of anything holding them in the same shapes elsewhere
 * (partitioned ingest keeps them in flat rows: `cells` is a view of the 168 day×hour cells, the
 * ring a view of RECENT_DAYS cells with `recentEnd` its latest day, NaN for none).
 */
export function storedListenCounts(
  counts: {
    listens: number;
    morning: number;
    afternoon: number;
    evening: number;
    night: number;
    mobile: number;
  },
  cells: ArrayLike<number>,
  ring: ArrayLike<number> | null,
  recentEnd: number,
  ringAt = 0,
  cellsAt = 0,
): StoredListenCounts {
  const dayHour: number[] = [];
  for (let cell = 0; cell < 168; cell++) {
    const n = cells[cellsAt + cell] as number;
    if (n > 0) dayHour.push(cell, n);
  }
  let recentDays: number[] | undefined;
  if (ring && !Number.isNaN(recentEnd)) {
    recentDays = [recentEnd];
    for (let back = 0; back < RECENT_DAYS; back++) {
      const day = recentEnd - back;
      const n = ring[ringAt + (((day % RECENT_DAYS) + RECENT_DAYS) % RECENT_DAYS)] as number;
      if (n > 0) recentDays.push(back, n);
    }
  }
  return {
    listens: counts.listens,
    tod: [counts.morning, counts.afternoon, counts.evening, counts.night],
    mobile: counts.mobile,
    dayHour,
    recentDays,
  };
}

export function encodeProfile(
  p: Profile,
  counted: StoredListenCounts = storedListenCounts(
    p,
    p.cells,
    p.ringBlock,
    p.recentDaysEnd,
    p.ringAt,
    p.cellsAt,
  ),
): StoredProfile {
  const { dayHour, recentDays } = counted;
  return {
    id: p.customerId,
    listens: counted.listens,
    tracks: [...p.tracks],
    ...(p.uniqueTracks === null ? {} : { uniqueTracks: p.uniqueTracks }),
    tod: counted.tod,
    mobile: counted.mobile,
    dayHour,
    firstSeen: firstSeen(p),
    lastSeen: lastSeen(p),
    listenZip: p.listenZip === null ? null : { ...(listenZipSeen(p) as SeenAt), zip: p.listenZip },
    ...(recentDays && { recentDays }),
    clicks: p.clicks,
    responseTimes: p.responseTimes,
    products: p.products,
    churnHistory: p.churnHistory,
    crm: p.crm,
  };
}

/**
 * A profile as read from the store, checked field by field before it is trusted: a store is
 * input like any other (edited by hand, written by another version, damaged on disk). Types,
 * ranges and the sums that must agree (buckets and day×hour cells add up to listens) are checked
 * by hand: zod over a million profiles took seconds at start-up. Throws a StoreDamage naming the
 * customer and the field.
 */
/** A profile's cells while its line is read (one profile at a time), and its cells until then. */
const cellsRead = new Uint32Array(168);
const NO_DAYS = new Uint16Array(RECENT_DAYS);

export function decodeProfile(value: unknown): Profile {
  const s = value as StoredProfile;
  if (typeof s !== 'object' || s === null || Array.isArray(s))
    throw new StoreDamage('a profile is not an object');
  if (!isCleanId(s.id)) throw new StoreDamage(`a profile has no readable id (${preview(s.id)})`);
  const bad = (field: string, what: string, v: unknown) =>
    new StoreDamage(`profile ${s.id}: ${field} ${what} (${preview(v)})`);
  const count = (field: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number => {
    if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > max)
      throw bad(
        field,
        max === Number.MAX_SAFE_INTEGER ? 'is not a whole number' : `is not a whole number up to ${max}`,
        v,
      );
    return v as number;
  };
  const listens = count('listens', s.listens);
  if (!Array.isArray(s.tracks) || s.tracks.length > listens)
    throw bad('tracks', 'is not a list of at most listens ids', s.tracks);
  const tracks = new TrackIds();
  for (const t of s.tracks) {
    if (!isCleanId(t)) throw bad('tracks', 'holds an unreadable track id', t);
    if (!tracks.add(t)) throw bad('tracks', 'holds a track twice', s.tracks);
  }
  const uniqueTracks = s.uniqueTracks === undefined ? null : count('uniqueTracks', s.uniqueTracks, listens);
  if (uniqueTracks !== null && tracks.size > 0)
    throw bad('uniqueTracks', 'is given beside the tracks', s.tracks);
  if (!Array.isArray(s.tod) || s.tod.length !== 4) throw bad('tod', 'is not four bucket counts', s.tod);
  const [morning, afternoon, evening, night] = s.tod.map((n, i) => count(`tod[${i}]`, n));
  if ((morning as number) + (afternoon as number) + (evening as number) + (night as number) !== listens)
    throw bad('tod', 'does not add up to listens', s.tod);
  const mobile = count('mobile', s.mobile, listens);
  if (!Array.isArray(s.dayHour) || s.dayHour.length % 2 !== 0)
    throw bad('dayHour', 'is not cell, count pairs', s.dayHour);
  const first = readSeenAt(s.firstSeen, 'firstSeen', bad);
  const last = readSeenAt(s.lastSeen, 'lastSeen', bad);
  if ((first === null || last === null) !== (listens === 0))
    throw bad('firstSeen', 'disagrees with listens', s.firstSeen);
  const zipAt = readSeenAt(s.listenZip, 'listenZip', bad);
  const zip = s.listenZip?.zip;
  if (zipAt !== null && typeof zip !== 'string') throw bad('listenZip.zip', 'is not text', zip);
  const clicks = count('clicks', s.clicks);
  if (typeof s.products !== 'object' || s.products === null || Array.isArray(s.products))
    throw bad('products', 'is not an object', s.products);
  const products = productsFrom(s.products);
  for (const product of Object.keys(products))
    products[product] = count(`products.${product}`, s.products[product], clicks);
  const profile: Profile = {
    customerId: s.id,
    listens,
    tracks,
    uniqueTracks,
    morning: morning as number,
    afternoon: afternoon as number,
    evening: evening as number,
    night: night as number,
    mobile,
    cells: NO_CELLS,
    cellsAt: 0,
    firstSeenMs: first?.epochMs ?? Number.NaN,
    firstSeenText: first && keptTextOf(first),
    lastSeenMs: last?.epochMs ?? Number.NaN,
    lastSeenText: last && keptTextOf(last),
    ringBlock: null,
    ringAt: 0,
    recentDaysEnd: 0,
    listenZip: zipAt && (zip as string),
    listenZipMs: zipAt?.epochMs ?? Number.NaN,
    listenZipText: zipAt && keptTextOf(zipAt),
    clicks,
    responseTimes: responseTimes(s.responseTimes, clicks, bad),
    products,
    churn: null,
    churnHistory: churnHistory(s.churnHistory, bad),
    crm: crm(s.crm, bad),
    image: currentImage(),
  };
  profile.churn = profile.churnHistory[profile.churnHistory.length - 1] ?? null;
  let cells = 0;
  let previous = -1;
  cellsRead.fill(0);
  for (let i = 0; i + 1 < s.dayHour.length; i += 2) {
    const cell = count('dayHour', s.dayHour[i], 167);
    if (cell <= previous) throw bad('dayHour', 'repeats or disorders a cell', s.dayHour);
    previous = cell;
    const n = count('dayHour', s.dayHour[i + 1], listens);
    cells += n;
    cellsRead[cell] = n;
  }
  if (cells !== listens) throw bad('dayHour', 'does not add up to listens', s.dayHour);
  // Counted first, then held in the narrowest cells that fit (a profile widened cell by cell would
  // leave its narrower slots behind).
  setDayHour(profile, cellsRead);
  if (s.recentDays !== undefined) {
    const r = s.recentDays;
    if (!Array.isArray(r) || r.length % 2 !== 1 || !Number.isSafeInteger(r[0]))
      throw bad('recentDays', 'is not a day and back, count pairs', r);
    const end = r[0] as number;
    setRecentDays(profile, NO_DAYS, 0, end);
    let held = 0;
    let before = -1;
    for (let i = 1; i + 1 < r.length; i += 2) {
      const back = count('recentDays', r[i], RECENT_DAYS - 1);
      if (back <= before) throw bad('recentDays', 'repeats or disorders a day', r);
      before = back;
      const n = count('recentDays', r[i + 1], 0xffff);
      held += n;
      addRecentListen(profile, end - back, n);
    }
    if (held > listens) throw bad('recentDays', 'holds more than listens', r);
  }
  return profile;
}

type Bad = (field: string, what: string, v: unknown) => StoreDamage;

function preview(v: unknown): string {
  const text = v === undefined ? 'missing' : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function readSeenAt(v: unknown, field: string, bad: Bad): SeenAt | null {
  if (v === null) return null;
  const s = v as SeenAt;
  if (typeof s !== 'object' || typeof s.text !== 'string' || !Number.isFinite(s.epochMs))
    throw bad(field, 'is not a time', v);
  return { text: s.text, epochMs: s.epochMs };
}

function responseTimes(v: unknown, clicks: number, bad: Bad): ResponseTimes | null {
  if (v === null) return null;
  const r = v as ResponseTimes;
  const finite = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (
    typeof r !== 'object' ||
    !Number.isSafeInteger(r.count) ||
    r.count < 1 ||
    r.count > clicks ||
    !finite(r.sum) ||
    !finite(r.sumSquares) ||
    !finite(r.min) ||
    !finite(r.max) ||
    r.min > r.max
  )
    throw bad('responseTimes', 'is not a count, sum and range of response times', v);
  return r;
}

function churnHistory(v: unknown, bad: Bad): ChurnPoint[] {
  if (!Array.isArray(v) || v.length > CHURN_HISTORY_LIMIT)
    throw bad('churnHistory', 'is not a list of predictions', v);
  if (v.length === 0) return NO_CHURN_HISTORY;
  return (v as Array<Partial<ChurnPoint>>).map((point) => {
    const text = (t: unknown) => t === null || typeof t === 'string';
    if (
      typeof point !== 'object' ||
      point === null ||
      !(point.risk === null || (typeof point.risk === 'number' && point.risk >= 0 && point.risk <= 1)) ||
      !(point.label === null || point.label === 0 || point.label === 1) ||
      (point.risk === null && point.label === null) ||
      !text(point.model) ||
      !text(point.ts) ||
      !(point.at === undefined || point.at === null || Number.isFinite(point.at))
    )
      throw bad('churnHistory', 'holds something that is not a prediction', point);
    // Stores written before predictions had a time: read it from `ts` where there is one.
    const at = point.at === undefined ? predictionTime(point.ts as string | null) : point.at;
    return {
      risk: point.risk,
      label: point.label,
      model: sharedText(point.model ?? null),
      ts: sharedText(point.ts ?? null),
      at,
    } as ChurnPoint;
  });
}

function crm(v: unknown, bad: Bad): Dict<CrmValue> | null {
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad('crm', 'is not an object', v);
  const fields = dict<CrmValue>();
  for (const name of Object.keys(v)) {
    const value = (v as Dict<unknown>)[name];
    if (
      name === '' ||
      !(
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value))
      )
    )
      throw bad(`crm.${name}`, 'is not a text, number or true/false', value);
    fields[name] = value;
  }
  return fields;
}

/** Everything in the store but the profiles. */
export type StoreHeader = Omit<StoreData, 'profiles'>;

/**
 * The quarantine as an appended checkpoint holds it (store-journal.ts): its counts, and of its
 * recent records only those quarantined after the `since`-th (the last checkpoint's total). The
 * recent records are the last 10,000 (up to megabytes); repeated in every appended checkpoint, they
 * made one that changed a few profiles cost as much as a whole write of a small store. A reader
 * puts the recent list back from the checkpoint before: its records, then these, the last `kept`.
 */
export interface QuarantineSince extends QuarantineState {
  since: number;
  kept: number;
}

function quarantineSince(q: QuarantineState, since: number): QuarantineSince | QuarantineState {
  if (q.total < since) return q; // not after that checkpoint: whole
  const added = Math.min(q.total - since, q.recent.length);
  const recent = added === 0 ? [] : q.recent.slice(-added);
  return { total: q.total, byReason: q.byReason, recent, since, kept: q.recent.length };
}

/**
 * `withSummary`: false while the state's own profiles (and so its totals) are not current.
 * `quarantineSinceTotal`: for an appended checkpoint, the quarantine's total at the last
 * checkpoint (see QuarantineSince); null writes it whole.
 */
export function storeHeader(
  state: EngineState,
  withSummary = true,
  quarantineSinceTotal: number | null = null,
): StoreHeader {
  return {
    format: STORE_FORMAT,
    version: STORE_VERSION,
    storeId: state.storeId,
    origin: state.origin,
    savedAt: new Date().toISOString(),
    sources: state.sources,
    quarantine:
      quarantineSinceTotal === null
        ? state.quarantine
        : quarantineSince(state.quarantine, quarantineSinceTotal),
    windows: state.windows.toJSON(),
    timelineBatch: state.timelineBatch,
    ...(withSummary ? { summary: state.totals.summary(state.profiles.size) } : {}),
  };
}
