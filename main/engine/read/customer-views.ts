import { dict, own } from '../../../shared/dict.js';
import type {
  BaseStats,
  ChurnContext,
  ChurnCrossing,
  ChurnFigures,
  Customer360,
  CustomerSummary,
  GroupRisk,
} from '../../../shared/engine-api.js';
import type { TimeOfDayBucket } from '../../../shared/time-of-day.js';
import {
  type ChurnPoint,
  cellOf,
  churnLabel,
  dayHourOf,
  firstSeen,
  hasEvents,
  isAtRisk,
  lastSeen,
  latestIn,
  type Profile,
  pointLabel,
  uniqueTrackCount,
} from '../profile/profile.js';
import { baseStatisticsAcc } from './base-statistics.js';
import { type Accumulator, scanAll } from './profile-scan.js';

/** The engine API's read models, built from profiles by plain functions. */

const iso = (epochMs: number): string | null =>
  Number.isFinite(epochMs) && Math.abs(epochMs) < 8.64e15 ? new Date(epochMs).toISOString() : null;

const text = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

export function customerSummary(p: Profile, threshold: number): CustomerSummary {
  return {
    customerId: p.customerId,
    name: text(own(p.crm, 'name')),
    email: text(own(p.crm, 'email')),
    phone: text(own(p.crm, 'phone')),
    zip: text(own(p.crm, 'zip')) ?? p.listenZip,
    level: text(own(p.crm, 'level')),
    listens: p.listens,
    churnRisk: p.churn?.risk ?? null,
    churnLabel: churnLabel(p, threshold),
  };
}

export function customer360(p: Profile, threshold: number, context: ChurnContext | null = null): Customer360 {
  const r = p.responseTimes;
  return {
    customerId: p.customerId,
    crm: dict(p.crm),
    listening: {
      listens: p.listens,
      uniqueTracks: uniqueTrackCount(p),
      mobile: p.mobile,
      buckets: { morning: p.morning, afternoon: p.afternoon, evening: p.evening, night: p.night },
      dayHour: dayHourOf(p),
      firstSeen: firstSeen(p)?.text ?? null,
      lastSeen: lastSeen(p)?.text ?? null,
      firstSeenAt: Number.isNaN(p.firstSeenMs) ? null : iso(p.firstSeenMs),
      lastSeenAt: Number.isNaN(p.lastSeenMs) ? null : iso(p.lastSeenMs),
    },
    web: {
      clicks: p.clicks,
      responseTimes: r ? { count: r.count, meanMs: r.sum / r.count, minMs: r.min, maxMs: r.max } : null,
      products: Object.entries(p.products)
        .map(([product, clicks]) => ({ product, clicks }))
        .sort((a, b) => b.clicks - a.clicks || a.product.localeCompare(b.product)),
    },
    churn: p.churn
      ? {
          risk: p.churn.risk,
          label: churnLabel(p, threshold),
          model: p.churn.model,
          ts: p.churn.ts,
          at: p.churn.at === null ? null : iso(p.churn.at),
          history: p.churnHistory.map((h) => ({
            risk: h.risk,
            ts: h.ts,
            at: h.at === null ? null : iso(h.at),
            model: h.model,
          })),
        }
      : null,
    context,
  };
}

export type BucketCounts = Record<TimeOfDayBucket, number>;

export function emptyBuckets(): BucketCounts {
  return { morning: 0, afternoon: 0, evening: 0, night: 0 };
}

/** Adds a profile's listens by time-of-day bucket into a running total. */
export function addBuckets(into: BucketCounts, p: Profile): void {
  into.morning += p.morning;
  into.afternoon += p.afternoon;
  into.evening += p.evening;
  into.night += p.night;
}

export function baseStatsAcc(): Accumulator<BaseStats> {
  const buckets = emptyBuckets();
  const dayHour = new Array<number>(168).fill(0);
  const columns = baseStatisticsAcc();
  let customers = 0;
  let active = 0;
  return {
    add(p) {
      customers += 1;
      columns.add(p);
      if (!hasEvents(p)) return;
      active += 1;
      addBuckets(buckets, p);
      for (let i = 0; i < 168; i++) dayHour[i] = (dayHour[i] as number) + cellOf(p, i);
    },
    result: () => ({ customers, active, columns: columns.result(), buckets, dayHour }),
  };
}

export function baseStats(profiles: Iterable<Profile>): BaseStats {
  return scanAll(profiles, baseStatsAcc());
}

/** Customers with a prediction and those at risk, by the value of one CRM field ("unknown" when absent). */
/** Customers with a prediction, and those at risk, by a CRM field; `remove` undoes an `add`. */
export class GroupRiskCounter {
  readonly #groups = new Map<string, GroupRisk>();
  constructor(readonly field: string) {}
  add(p: Profile, atRisk: boolean, by = 1): void {
    const key = text(own(p.crm, this.field)) ?? 'unknown';
    let g = this.#groups.get(key);
    if (!g) {
      g = { key, customers: 0, atRisk: 0 };
      this.#groups.set(key, g);
    }
    g.customers += by;
    if (atRisk) g.atRisk += by;
    if (g.customers === 0) this.#groups.delete(key); // as a count from scratch would not list it
  }
  remove(p: Profile, atRisk: boolean): void {
    this.add(p, atRisk, -1);
  }
  result(): GroupRisk[] {
    return [...this.#groups.values()].map((g) => ({ ...g })).sort((a, b) => a.key.localeCompare(b.key));
  }
}

/**
 * What the booth screen may show of a customer: initials and the last two characters of the id
 * ("J. C.", "#…42"), nothing else that identifies them. Desk views and exports are unchanged.
 */
export function maskedSummary(c: CustomerSummary): CustomerSummary {
  return {
    ...c,
    customerId: maskedId(c.customerId),
    name: c.name && initials(c.name),
    email: null,
    phone: null,
    zip: null,
  };
}

export function maskedId(id: string): string {
  return `#…${[...id].slice(-2).join('')}`;
}

/** A customer as the booth may name them: "J. C. #…42", or the masked id alone. */
export function maskedLabel(name: unknown, id: string): string {
  return typeof name === 'string' && name.trim() !== '' ? `${initials(name)} ${maskedId(id)}` : maskedId(id);
}

/**
 * The first letter of the first two words, in any script ("Д. К.", "王." for "王伟"): a word's
 * leading quote or bracket is skipped, so "'Ana Lee" masks to "A. L.", and a word with no letter
 * at all (an emoji, a digit run) is left out rather than shown.
 */
function initials(name: string): string {
  return name
    .normalize('NFC')
    .split(/\s+/)
    .map((w) => w.match(/\p{L}/u)?.[0])
    .filter((letter): letter is string => letter !== undefined)
    .slice(0, 2)
    .map((letter) => `${letter.toUpperCase()}.`)
    .join(' ');
}

/**
 * The customer just crossed into churn risk: their latest prediction labels them 1 and the one
 * before did not (or there was none). Null otherwise.
 */
export function churnCrossing(p: Profile, threshold: number): ChurnCrossing | null {
  const history = p.churnHistory;
  const now = history[history.length - 1];
  const before = history[history.length - 2];
  if (!now || pointLabel(now, threshold) !== 1 || (before && pointLabel(before, threshold) === 1))
    return null;
  return {
    at: new Date(now.at ?? Date.now()).toISOString(),
    customerId: p.customerId,
    label: maskedLabel(own(p.crm, 'name'), p.customerId),
    risk: now.risk,
    previousRisk: before?.risk ?? null,
    model: now.model,
  };
}

export interface Scored {
  p: Profile;
  point: ChurnPoint;
}

/** Highest risk first; a label-only prediction (no score) after every score; then by id. */
/** The churn histogram's bar for a risk: tenths, 1.0 in the last. */
export function riskTenth(risk: number): number {
  return Math.min(9, Math.floor(risk * 10));
}

/** A customer at risk as the churn view lists them: the prediction that put them there. */
export function scoredSummary({ p, point }: Scored, threshold: number): CustomerSummary {
  return {
    ...customerSummary(p, threshold),
    churnRisk: point.risk,
    churnLabel: pointLabel(point, threshold),
  };
}

export function byRisk(a: Scored, b: Scored): number {
  const ra = a.point.risk ?? -1;
  const rb = b.point.risk ?? -1;
  return rb - ra || a.p.customerId.localeCompare(b.p.customerId);
}

/**
 * Churn over the base, for all time (each customer's latest prediction) or for a window (the
 * latest prediction made in it: `from`, `to`). "At risk" is one rule here as in the snapshot, the
 * flow counter and the exports: churn label 1, which a label-only prediction also gives. The
 * histogram can only place customers with a score.
 */
export function churnOverviewAcc(
  threshold: number,
  top: number,
  window: { from: number; to: number } | null = null,
): Accumulator<ChurnFigures> {
  const histogram = new Array<number>(10).fill(0);
  const atRiskList: Scored[] = [];
  const byLevel = new GroupRiskCounter('level');
  const byCampaign = new GroupRiskCounter('campaign');
  let predicted = 0;
  let scored = 0;
  return {
    add(p) {
      const point = latestIn(p, window?.from ?? null, window?.to ?? 0);
      if (!point) return;
      predicted += 1;
      if (point.risk !== null) {
        scored += 1;
        const bin = riskTenth(point.risk);
        histogram[bin] = (histogram[bin] ?? 0) + 1;
      }
      const atRisk = pointLabel(point, threshold) === 1;
      if (atRisk) atRiskList.push({ p, point });
      byLevel.add(p, atRisk);
      byCampaign.add(p, atRisk);
    },
    result() {
      const summary = (s: Scored) => scoredSummary(s, threshold);
      return {
        threshold,
        predicted,
        scored,
        atRisk: atRiskList.length,
        histogram,
        byLevel: byLevel.result(),
        byCampaign: byCampaign.result(),
        topAtRisk: atRiskList.sort(byRisk).slice(0, top).map(summary),
      };
    },
  };
}

export function churnOverview(
  profiles: Iterable<Profile>,
  threshold: number,
  top: number,
  window: { from: number; to: number } | null = null,
): ChurnFigures {
  return scanAll(profiles, churnOverviewAcc(threshold, top, window));
}

/** All-time listening over the base: what the windows view shows for "all". */
export function allTimeAcc(): Accumulator<{
  listens: number;
  mobile: number;
  clicks: number;
  buckets: BucketCounts;
  dayHour: number[];
  active: number;
}> {
  const buckets = emptyBuckets();
  const dayHour = new Array<number>(168).fill(0);
  let listens = 0;
  let mobile = 0;
  let clicks = 0;
  let active = 0;
  return {
    add(p) {
      addBuckets(buckets, p);
      for (let i = 0; i < 168; i++) dayHour[i] = (dayHour[i] as number) + cellOf(p, i);
      listens += p.listens;
      mobile += p.mobile;
      clicks += p.clicks;
      if (hasEvents(p)) active += 1;
    },
    result: () => ({ listens, mobile, clicks, buckets, dayHour, active }),
  };
}

/** Customers last heard within [from, to]. */
export function activeInAcc(from: number, to: number): Accumulator<number> {
  let active = 0;
  return {
    add(p) {
      if (p.lastSeenMs >= from && p.lastSeenMs <= to) active += 1;
    },
    result: () => active,
  };
}

export interface SnapshotCounts {
  atRisk: number;
  buckets: BucketCounts;
}

/** What each snapshot counts over every profile: customers at risk, listens by time-of-day bucket. */
export function snapshotCountsAcc(threshold: number): Accumulator<SnapshotCounts> {
  let atRisk = 0;
  const buckets = emptyBuckets();
  return {
    add(p) {
      if (isAtRisk(p, threshold)) atRisk += 1;
      addBuckets(buckets, p);
    },
    result: () => ({ atRisk, buckets }),
  };
}
