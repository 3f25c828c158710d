import { type Dict, dict } from '../../../shared/dict.js';
import type { CrmValue } from '../../../shared/events.js';
import { formatUtcIso, formatUtcWallClock, parseWrittenTime } from '../../../shared/timestamp.js';
import { type BlockPair, byteBlocks, shortBlocks } from './count-blocks.js';
import { TrackIds } from './track-ids.js';

/** One customer's aggregates (DESIGN §4). Plain data: no methods, no references to other profiles. */

export interface SeenAt {
  text: string;
  epochMs: number;
}

export interface ChurnPoint {
  risk: number | null;
  label: 0 | 1 | null;
  model: string | null;
  ts: string | null;
  /** When it was made (its `ts`, or its arrival on the stream's clock), for windows; null in old stores. */
  at: number | null;
}

export interface ResponseTimes {
  count: number;
  sum: number;
  sumSquares: number;
  min: number;
  max: number;
}

export interface Profile {
  customerId: string;
  listens: number;
  /** The distinct track ids; empty when they are held elsewhere (see uniqueTracks). */
  tracks: TrackIds;
  /**
   * The distinct track count when the ids themselves are not held here: profiles computed by the
   * Kafka Streams app carry only the count (its state store keeps the set). Null: `tracks` holds them.
   */
  uniqueTracks: number | null;
  morning: number;
  afternoon: number;
  evening: number;
  night: number;
  mobile: number;
  /**
   * 7×24 listens by day of week (Monday first) × hour, day-major: `cells[cellsAt, cellsAt + 168)`.
   * The largest part of a profile's memory, so as narrow as its counts allow: 8-bit cells until one
   * is about to pass 255, then 16, then 32 (addToCell widens them all). Up to 16 bits in a block
   * shared with other profiles' counts (count-blocks.ts); 32 bits in an array of its own. Read them
   * through cellOf or dayHourOf.
   */
  cells: Uint8Array | Uint16Array | Uint32Array;
  cellsAt: number;
  /**
   * When the customer was first and last heard: the instant (NaN before the first listen) and the
   * time as written, kept only when the instant cannot give it back (keptText; read both through
   * firstSeen and lastSeen). Numbers in the profile rather than the listen's parsed time: that
   * object, its text and its boxed instant took about 110 bytes each, three objects for the
   * collector.
   */
  firstSeenMs: number;
  firstSeenText: string | null;
  lastSeenMs: number;
  lastSeenText: string | null;
  /**
   * Listens on each of the customer's latest RECENT_DAYS days (days of the events' own clock,
   * counted from 1970-01-01), a ring indexed by day: what "listening in the last 7 days against
   * the 28 before" is read from: `ringBlock[ringAt, ringAt + RECENT_DAYS)`, in a block shared with
   * other profiles' rings (count-blocks.ts; a view of its own took 80 bytes more). Null until the
   * first listen; 16-bit cells that stop at 65,535. Read it through recentDaysOf or listensOnDays.
   */
  ringBlock: Uint16Array | null;
  ringAt: number;
  /** The latest day the ring holds (its other cells are the RECENT_DAYS − 1 days before it). */
  recentDaysEnd: number;
  /**
   * Zip of the latest listen that carried one, shown when the CRM has none; that listen's instant
   * (NaN: none yet) and time as written (keptText), as first and last seen. Fields rather than an
   * object: one was made for every listen with a zip, and each profile kept one (about 130 bytes).
   */
  listenZip: string | null;
  listenZipMs: number;
  listenZipText: string | null;
  clicks: number;
  responseTimes: ResponseTimes | null;
  /** Clicks by product; prototype-free, as product names are data. NO_PRODUCTS until the first. */
  products: Dict<number>;
  /** Latest prediction received (predictions are keyed by customer, so arrival order is per customer). */
  churn: ChurnPoint | null;
  /** Most recent predictions, oldest first, at most CHURN_HISTORY_LIMIT. */
  churnHistory: ChurnPoint[];
  /** Prototype-free: field names are data (`constructor` is a field like any other). */
  crm: Dict<CrmValue> | null;
  /**
   * The checkpoint image (StoreSnapshot) that has taken this profile, or the one under way when it
   * was made: a whole image being written takes (encodes or copies) a profile only while this is
   * below its own number; an image of what changed marks its profiles with its number negated at
   * its instant. A mark on the profile rather than a set in the image: a set of a million profiles
   * held ingest up for 70 ms each time it grew.
   */
  image: number;
}

/**
 * The products of every profile without a click on one: shared and frozen (a dictionary of its own
 * took 180 bytes of a profile that never clicked). Written only through clickedProduct.
 */
export const NO_PRODUCTS: Dict<number> = Object.freeze(dict<number>());

/**
 * The churn history of every profile without a prediction: shared and frozen, as NO_PRODUCTS (an
 * empty list of its own took 32 bytes). Written only through pushChurn, which gives a profile its
 * own list at its first prediction.
 */
export const NO_CHURN_HISTORY: ChurnPoint[] = Object.freeze([]) as unknown as ChurnPoint[];

/** Counts a click on a product, giving the profile a dictionary of its own at its first. */
export function clickedProduct(p: Profile, product: string): void {
  if (p.products === NO_PRODUCTS) p.products = dict();
  p.products[product] = (p.products[product] ?? 0) + 1;
}

/** A profile's own copy of products read or received elsewhere (NO_PRODUCTS when there are none). */
export function productsFrom(products: Readonly<Record<string, number>>): Dict<number> {
  return Object.keys(products).length === 0 ? NO_PRODUCTS : dict(products);
}

export const CHURN_HISTORY_LIMIT = 50;
export const RECENT_DAYS = 35;
const DAY_MS = 86_400_000;

/** The day number of an instant of the events' own clock: days since 1970-01-01. */
export const dayOf = (epochMs: number): number => Math.floor(epochMs / DAY_MS);
const slot = (day: number): number => ((day % RECENT_DAYS) + RECENT_DAYS) % RECENT_DAYS;

/**
 * Counts a listen on its day. Order does not matter (any split of a stream into batches gives the
 * same ring): a later day clears the slots of the days that fall out, and a day already out of the
 * ring is dropped, as it would have been cleared had it come first.
 */
export function addRecentListen(p: Profile, day: number, n = 1): void {
  if (p.ringBlock === null) p.recentDaysEnd = addToRing(newRing(p), p.ringAt, Number.NaN, day, n);
  else p.recentDaysEnd = addToRing(p.ringBlock, p.ringAt, p.recentDaysEnd, day, n);
}

/** Gives a profile an empty ring of its own; returns its block. */
function newRing(p: Profile): Uint16Array {
  p.ringAt = shortBlocks.place(RECENT_DAYS);
  p.ringBlock = shortBlocks.block;
  return p.ringBlock;
}

/** Puts a ring made elsewhere (`source[from, from + RECENT_DAYS)`, latest day `end`) in a profile. */
export function setRecentDays(p: Profile, source: ArrayLike<number>, from: number, end: number): void {
  const ring = newRing(p);
  for (let d = 0; d < RECENT_DAYS; d++) ring[p.ringAt + d] = source[from + d] as number;
  p.recentDaysEnd = end;
}

/** A copy of the profile's ring (indexed by day modulo RECENT_DAYS), or null before its first listen. */
export function recentDaysOf(p: Profile): Uint16Array | null {
  return p.ringBlock?.slice(p.ringAt, p.ringAt + RECENT_DAYS) ?? null;
}

/**
 * addRecentListen on a ring held anywhere: `ring[base, base + RECENT_DAYS)`, its latest day `end`
 * (NaN: empty). Returns the ring's latest day after the listen.
 */
export function addToRing(ring: Uint16Array, base: number, end: number, day: number, n: number): number {
  let latest = end;
  if (Number.isNaN(latest)) latest = day;
  else if (day > latest) {
    const cleared = Math.min(RECENT_DAYS, day - latest);
    for (let d = 1; d <= cleared; d++) ring[base + slot(latest + d)] = 0;
    latest = day;
  } else if (day <= latest - RECENT_DAYS) return latest;
  const i = base + slot(day);
  ring[i] = Math.min(0xffff, (ring[i] as number) + n);
  return latest;
}

/** Listens on days [from, to] (inclusive) that the ring still holds. */
export function listensOnDays(p: Profile, from: number, to: number): number {
  const ring = p.ringBlock;
  if (!ring) return 0;
  let n = 0;
  for (
    let day = Math.max(from, p.recentDaysEnd - RECENT_DAYS + 1);
    day <= Math.min(to, p.recentDaysEnd);
    day++
  )
    n += ring[p.ringAt + slot(day)] as number;
  return n;
}

/**
 * The number of the latest checkpoint image begun in this thread (Profile.image): a profile made
 * from now on is not in it.
 */
let latestImage = 0;

export function currentImage(): number {
  return latestImage;
}

/** A new image's number: every profile made before now is below it, every one made after is not. */
export function beginImage(): number {
  latestImage += 1;
  return latestImage;
}

export function emptyProfile(customerId: string): Profile {
  return {
    customerId,
    listens: 0,
    tracks: new TrackIds(),
    uniqueTracks: null,
    morning: 0,
    afternoon: 0,
    evening: 0,
    night: 0,
    mobile: 0,
    cells: NO_CELLS,
    cellsAt: 0,
    // NaN, never null: a field that has only held numbers is updated in place, without a new box.
    firstSeenMs: Number.NaN,
    firstSeenText: null,
    lastSeenMs: Number.NaN,
    lastSeenText: null,
    ringBlock: null,
    ringAt: 0,
    recentDaysEnd: 0,
    listenZip: null,
    listenZipMs: Number.NaN,
    listenZipText: null,
    clicks: 0,
    responseTimes: null,
    products: NO_PRODUCTS,
    churn: null,
    churnHistory: NO_CHURN_HISTORY,
    crm: null,
    image: latestImage,
  };
}

/**
 * A copy that later changes to `p` do not reach (first/last seen and churn points are replaced,
 * never changed), its counts in `blocks` (see blocksApart; 32-bit cells in an array of their own).
 */
export function copyProfile(p: Profile, blocks: BlockPair): Profile {
  const copy: Profile = {
    ...p,
    tracks: p.tracks.copy(),
    cells: NO_CELLS,
    cellsAt: 0,
    ringBlock: null,
    ringAt: 0,
    responseTimes: p.responseTimes && { ...p.responseTimes },
    products: productsFrom(p.products),
    churnHistory: p.churnHistory === NO_CHURN_HISTORY ? NO_CHURN_HISTORY : [...p.churnHistory],
    crm: p.crm && dict(p.crm),
  };
  const { cells, cellsAt } = p;
  if (cells !== NO_CELLS) {
    const into =
      cells instanceof Uint8Array ? blocks.bytes : cells instanceof Uint16Array ? blocks.shorts : null;
    if (into) {
      copy.cellsAt = into.place(168);
      copy.cells = into.block;
      copy.cells.set(cells.subarray(cellsAt, cellsAt + 168), copy.cellsAt);
    } else copy.cells = cells.slice(cellsAt, cellsAt + 168);
  }
  if (p.ringBlock) {
    copy.ringAt = blocks.shorts.place(RECENT_DAYS);
    copy.ringBlock = blocks.shorts.block;
    copy.ringBlock.set(p.ringBlock.subarray(p.ringAt, p.ringAt + RECENT_DAYS), copy.ringAt);
  }
  return copy;
}

/**
 * A listen time's text as a profile keeps it: null for `YYYY-MM-DD HH:MM:SS` (read as UTC, the form
 * nearly every listen is written in) and '' for `YYYY-MM-DDTHH:MM:SSZ`, both of which the instant
 * gives back exactly; any other form (an offset, fractions of a second, no seconds) as written.
 * Only for a text whose instant was read from it (keptTextOf checks one that came from elsewhere).
 */
export function keptText(text: string): string | null {
  const n = text.length;
  if (n === 19 && text.charCodeAt(10) === 32) return null;
  if (n === 20 && text.charCodeAt(10) === 84 && text.charCodeAt(19) === 90) return '';
  return text;
}

/** keptText for a text and instant read from a store or a topic, which may disagree: as written unless they agree. */
export function keptTextOf(at: SeenAt): string | null {
  const kept = keptText(at.text);
  return kept === at.text || parseWrittenTime(at.text)?.epochMs === at.epochMs ? kept : at.text;
}

/** The text keptText kept, written out again. */
export function seenText(epochMs: number, kept: string | null): string {
  if (kept === null) return formatUtcWallClock(epochMs);
  if (kept === '') return formatUtcIso(epochMs);
  return kept;
}

/** A time a profile keeps as an instant (NaN: none) and keptText, as written and as an instant. */
const seenAt = (epochMs: number, kept: string | null): SeenAt | null =>
  Number.isNaN(epochMs) ? null : { text: seenText(epochMs, kept), epochMs };

/** When the customer was first heard; null before the first listen. */
export const firstSeen = (p: Profile): SeenAt | null => seenAt(p.firstSeenMs, p.firstSeenText);

/** When the customer was last heard; null before the first listen. */
export const lastSeen = (p: Profile): SeenAt | null => seenAt(p.lastSeenMs, p.lastSeenText);

/** When the latest listen with a zip was; null when none had one. */
export const listenZipSeen = (p: Profile): SeenAt | null => seenAt(p.listenZipMs, p.listenZipText);

/** Distinct tracks listened to, whichever way the profile holds them. */
export function uniqueTrackCount(p: Profile): number {
  return p.uniqueTracks ?? p.tracks.size;
}

/**
 * The cells of every profile without a listen: zeros, shared. Written only through addToCell and
 * setDayHour, which give a profile cells of its own first.
 */
export const NO_CELLS: Uint8Array = new Uint8Array(168);

/** Listens in one day × hour cell (day of week × 24 + hour). */
export function cellOf(p: Profile, cell: number): number {
  return p.cells[p.cellsAt + cell] as number;
}

/** The 168 day × hour cells, as a list of numbers of their own. */
export function dayHourOf(p: Profile): number[] {
  const cells = new Array<number>(168);
  for (let i = 0; i < 168; i++) cells[i] = p.cells[p.cellsAt + i] as number;
  return cells;
}

/** The largest count cells of this kind hold. */
const capacityOf = (cells: Profile['cells']): number =>
  cells instanceof Uint8Array ? 0xff : cells instanceof Uint16Array ? 0xffff : Number.POSITIVE_INFINITY;

/** New cells for a profile, narrow enough for counts up to `largest`, zeroed (none: NO_CELLS). */
function placeCells(p: Profile, largest: number): void {
  if (largest === 0) {
    p.cells = NO_CELLS;
    p.cellsAt = 0;
  } else if (largest <= 0xff) {
    p.cellsAt = byteBlocks.place(168);
    p.cells = byteBlocks.block;
  } else if (largest <= 0xffff) {
    p.cellsAt = shortBlocks.place(168);
    p.cells = shortBlocks.block;
  } else {
    p.cells = new Uint32Array(168);
    p.cellsAt = 0;
  }
}

/** Adds `n` listens to one day×hour cell, giving the profile cells of its own or wider ones first. */
export function addToCell(p: Profile, cell: number, n: number): void {
  const next = cellOf(p, cell) + n;
  if (p.cells === NO_CELLS || (next > 0xff && next > capacityOf(p.cells))) {
    // Every count held fits below `next`, which the old cells could not hold (or there were none).
    const old = p.cells;
    const at = p.cellsAt;
    placeCells(p, next);
    if (old !== NO_CELLS) for (let i = 0; i < 168; i++) p.cells[p.cellsAt + i] = old[at + i] as number;
  }
  p.cells[p.cellsAt + cell] = next;
}

/** Puts cells counted elsewhere (`source[from, from + 168)`) in a profile, in the narrowest that holds them. */
export function setDayHour(p: Profile, source: ArrayLike<number>, from = 0): void {
  let largest = 0;
  for (let i = 0; i < 168; i++) largest = Math.max(largest, source[from + i] as number);
  placeCells(p, largest);
  if (largest > 0) for (let i = 0; i < 168; i++) p.cells[p.cellsAt + i] = source[from + i] as number;
}

/** A customer counts in base statistics once any clickstream event arrived (DESIGN §4). */
export function hasEvents(p: Profile): boolean {
  return p.listens > 0 || p.clicks > 0;
}

/** A prediction's label at a threshold: 1 at or above it, 0 below; a label-only prediction's own. */
export function pointLabel(point: ChurnPoint, threshold: number): 0 | 1 | null {
  if (point.risk !== null) return point.risk >= threshold ? 1 : 0;
  return point.label;
}

/** DESIGN §4: 1 at or above the threshold, 0 below, null with no prediction yet. */
export function churnLabel(p: Profile, threshold: number): 0 | 1 | null {
  return p.churn ? pointLabel(p.churn, threshold) : null;
}

/** The latest prediction made in [from, to], for a window; the latest of all without one. */
export function latestIn(p: Profile, from: number | null, to: number): ChurnPoint | null {
  if (from === null) return p.churn;
  for (let i = p.churnHistory.length - 1; i >= 0; i--) {
    const point = p.churnHistory[i] as ChurnPoint;
    if (point.at !== null && point.at >= from && point.at <= to) return point;
  }
  return null;
}

/** At risk: churn label 1 at this threshold (what live_table.csv's churn_label says). */
export function isAtRisk(p: Profile, threshold: number): boolean {
  return churnLabel(p, threshold) === 1;
}
