import { own } from '../../../shared/dict.js';
import type { ChurnContext, ChurnSignal, ChurnSignalName, GroupContext } from '../../../shared/engine-api.js';
import { dayOf, hasEvents, isAtRisk, listensOnDays, type Profile } from '../profile/profile.js';

/**
 * What the profile itself says beside a customer's churn score: listening in the last 7 days
 * against the 28 before, days since last heard, page response times, mobile share, and the at-risk
 * share of the customer's level and campaign. Each is placed among the base's customers (a
 * percentile). This is context, not the model's explanation: the model may use none of it.
 *
 * The base is read from a sample of at most BASE_SAMPLE customers, refreshed by the caller every
 * so often, so a lookup never walks a million profiles.
 */

export const BASE_SAMPLE = 5000;
const DAY_MS = 86_400_000;

export interface SignalValues {
  trend: number | null;
  daysSinceLastSeen: number | null;
  meanResponseMs: number | null;
  mobileShare: number | null;
}

/** The customer's own figures, at the stream's day `today`. */
export function signalValues(p: Profile, now: number): SignalValues {
  const today = dayOf(now);
  const last7 = listensOnDays(p, today - 6, today);
  const before28 = listensOnDays(p, today - 34, today - 7);
  const r = p.responseTimes;
  return {
    // Per-day rates, so 1 means "as before"; no earlier listening gives no trend (a new customer).
    trend: p.ringBlock !== null && before28 > 0 ? last7 / 7 / (before28 / 28) : null,
    daysSinceLastSeen: Number.isNaN(p.lastSeenMs) ? null : Math.max(0, (now - p.lastSeenMs) / DAY_MS),
    meanResponseMs: r ? r.sum / r.count : null,
    mobileShare: p.listens > 0 ? p.mobile / p.listens : null,
  };
}

const SIGNALS: Array<{ name: ChurnSignalName; riskier: 'higher' | 'lower' | null }> = [
  { name: 'trend', riskier: 'lower' },
  { name: 'daysSinceLastSeen', riskier: 'higher' },
  { name: 'meanResponseMs', riskier: 'higher' },
  { name: 'mobileShare', riskier: null },
];

/** The base as a lookup needs it: each signal's values sorted, and at-risk shares by group. */
export interface BaseReference {
  at: number;
  sampled: number;
  customers: number;
  sorted: Record<ChurnSignalName, Float64Array>;
  atRiskShare: number;
  groups: {
    level: Map<string, { customers: number; atRisk: number }>;
    campaign: Map<string, { customers: number; atRisk: number }>;
  };
}

const groupKey = (p: Profile, field: string): string => {
  const v = own(p.crm, field);
  return v === undefined || v === null || v === '' ? 'unknown' : String(v);
};

/** Every ⌈n / BASE_SAMPLE⌉-th customer with events: a sample spread over the whole map. */
export function baseReference(profiles: Map<string, Profile>, now: number, threshold: number): BaseReference {
  const step = Math.max(1, Math.ceil(profiles.size / BASE_SAMPLE));
  const values: Record<ChurnSignalName, number[]> = {
    trend: [],
    daysSinceLastSeen: [],
    meanResponseMs: [],
    mobileShare: [],
  };
  const groups: BaseReference['groups'] = { level: new Map(), campaign: new Map() };
  let i = 0;
  let sampled = 0;
  let atRisk = 0;
  for (const p of profiles.values()) {
    if (i++ % step !== 0 || !hasEvents(p)) continue;
    sampled += 1;
    const v = signalValues(p, now);
    for (const { name } of SIGNALS) {
      const x = v[name];
      if (x !== null) values[name].push(x);
    }
    const risky = isAtRisk(p, threshold);
    if (risky) atRisk += 1;
    for (const field of ['level', 'campaign'] as const) {
      const key = groupKey(p, field);
      const g = groups[field].get(key) ?? { customers: 0, atRisk: 0 };
      g.customers += 1;
      if (risky) g.atRisk += 1;
      groups[field].set(key, g);
    }
  }
  const sorted = Object.fromEntries(
    Object.entries(values).map(([k, xs]) => [k, Float64Array.from(xs).sort()]),
  ) as Record<ChurnSignalName, Float64Array>;
  return {
    at: now,
    sampled,
    customers: profiles.size,
    sorted,
    atRiskShare: sampled > 0 ? atRisk / sampled : 0,
    groups,
  };
}

/** Share of the sorted values below x, plus half of those equal: a mid-rank percentile, 0–100. */
function percentile(sorted: Float64Array, x: number): number | null {
  if (sorted.length === 0) return null;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  let equal = lo;
  while (equal < sorted.length && sorted[equal] === x) equal += 1;
  return (100 * (lo + (equal - lo) / 2)) / sorted.length;
}

function median(sorted: Float64Array): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function churnContext(p: Profile, now: number, base: BaseReference): ChurnContext {
  const own_ = signalValues(p, now);
  const signals: ChurnSignal[] = SIGNALS.map(({ name, riskier }) => {
    const value = own_[name];
    const sorted = base.sorted[name];
    return {
      name,
      value,
      baseMedian: median(sorted),
      percentile: value === null ? null : percentile(sorted, value),
      riskier,
    };
  });
  const group = (field: 'level' | 'campaign'): GroupContext => {
    const key = groupKey(p, field);
    const g = base.groups[field].get(key);
    return {
      key,
      customers: g?.customers ?? 0,
      atRiskShare: g && g.customers > 0 ? g.atRisk / g.customers : null,
    };
  };
  return {
    asOf: now > 0 ? new Date(now).toISOString() : null,
    signals,
    level: group('level'),
    campaign: group('campaign'),
    base: { atRiskShare: base.atRiskShare, sampled: base.sampled, customers: base.customers },
  };
}
