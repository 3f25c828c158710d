import { dict, own } from '../../../shared/dict.js';
import type {
  BaseStats,
  ChurnCrossing,
  ChurnFigures,
  Customer360,
  CustomerSummary,
  GroupRisk,
  RecentActivity,
} from '../../../shared/engine-api.js';
import type { TimeOfDayBucket } from '../../../shared/time-of-day.js';
import {
  type ChurnPoint,
  churnLabel,
  hasEvents,
  latestIn,
  type Profile,
  pointLabel,
  uniqueTrackCount,
} from '../profile/profile.js';
import { baseStatistics } from './base-statistics.js';

/** The engine API's read models, built from profiles by plain functions. */

const text = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

export function customerSummary(p: Profile, threshold: number): CustomerSummary {
  return {
    customerId: p.customerId,
    name: text(own(p.crm, 'name')),
    email: text(own(p.crm, 'email')),
    phone: text(own(p.crm, 'phone')),
    zip: text(own(p.crm, 'zip')) ?? p.listenZip?.zip ?? null,
    level: text(own(p.crm, 'level')),
    listens: p.listens,
    churnRisk: p.churn?.risk ?? null,
    churnLabel: churnLabel(p, threshold),
  };
}

export function customer360(p: Profile, threshold: number, recent: RecentActivity[]): Customer360 {
  const r = p.responseTimes;
  return {
    customerId: p.customerId,
    crm: dict(p.crm),
    listening: {
      listens: p.listens,
      uniqueTracks: uniqueTrackCount(p),
      mobile: p.mobile,
      buckets: { morning: p.morning, afternoon: p.afternoon, evening: p.evening, night: p.night },
      dayHour: Array.from(p.dayHour),
      firstSeen: p.firstSeen?.text ?? null,
      lastSeen: p.lastSeen?.text ?? null,
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
          history: p.churnHistory.map((h) => ({ risk: h.risk, ts: h.ts, model: h.model })),
        }
      : null,
    recent,
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

export function baseStats(profiles: Iterable<Profile>): BaseStats {
  const buckets = emptyBuckets();
  const dayHour = new Array<number>(168).fill(0);
  let customers = 0;
  let active = 0;
  const list: Profile[] = [];
  for (const p of profiles) {
    customers += 1;
    list.push(p);
    if (!hasEvents(p)) continue;
    active += 1;
    addBuckets(buckets, p);
    for (let i = 0; i < 168; i++) dayHour[i] = (dayHour[i] as number) + (p.dayHour[i] ?? 0);
  }
  return { customers, active, columns: baseStatistics(list), buckets, dayHour };
}

function groupRisk(scored: Scored[], field: string, threshold: number): GroupRisk[] {
  const groups = new Map<string, GroupRisk>();
  for (const { p, point } of scored) {
    const key = text(own(p.crm, field)) ?? 'unknown';
    const g = groups.get(key) ?? { key, customers: 0, atRisk: 0 };
    g.customers += 1;
    if (pointLabel(point, threshold) === 1) g.atRisk += 1;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
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

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => `${[...w][0]?.toUpperCase() ?? ''}.`)
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

interface Scored {
  p: Profile;
  point: ChurnPoint;
}

/** Highest risk first; a label-only prediction (no score) after every score; then by id. */
function byRisk(a: Scored, b: Scored): number {
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
export function churnOverview(
  profiles: Iterable<Profile>,
  threshold: number,
  top: number,
  window: { from: number; to: number } | null = null,
): ChurnFigures {
  const histogram = new Array<number>(10).fill(0);
  const predicted: Scored[] = [];
  const atRiskList: Scored[] = [];
  let scored = 0;
  for (const p of profiles) {
    const point = latestIn(p, window?.from ?? null, window?.to ?? 0);
    if (!point) continue;
    const s = { p, point };
    predicted.push(s);
    if (point.risk !== null) {
      scored += 1;
      const bin = Math.min(9, Math.floor(point.risk * 10));
      histogram[bin] = (histogram[bin] ?? 0) + 1;
    }
    if (pointLabel(point, threshold) === 1) atRiskList.push(s);
  }
  const summary = ({ p, point }: Scored): CustomerSummary => ({
    ...customerSummary(p, threshold),
    churnRisk: point.risk,
    churnLabel: pointLabel(point, threshold),
  });
  return {
    threshold,
    predicted: predicted.length,
    scored,
    atRisk: atRiskList.length,
    histogram,
    byLevel: groupRisk(predicted, 'level', threshold),
    byCampaign: groupRisk(predicted, 'campaign', threshold),
    topAtRisk: atRiskList.sort(byRisk).slice(0, top).map(summary),
  };
}
