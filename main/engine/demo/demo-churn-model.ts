/**
 * The demo churn model, `demo-churn@1`. Not a trained model: a fixed logistic score over a
 * customer's behaviour compared with their own habits, so it reads the same at any demo scale
 * and a customer who listens less and less, or keeps getting slow web pages, drifts into risk.
 *
 *   trend   = listening rate of the last days (half-life 3.5 d) ÷ long-run rate (half-life 14 d)
 *   missed  = days since the last listen × long-run listens per day
 *   logit   = −2.1 − 1.5·(min(trend, 2) − 1) + 0.35·min(missed, 10) + 1.6·slowWebShare
 *             + 0.5·[level Free] − 0.6·[linked with apps] + noise(σ 0.3)
 *   risk    = 1 / (1 + e^−logit), rounded to 3 decimals
 *
 * slowWebShare is the share of the customer's web clicks slower than 2 s.
 */

export const DEMO_MODEL_NAME = 'demo-churn@1';

const DAY_MS = 86_400_000;
const RECENT_HALF_LIFE_DAYS = 3.5;
const LONG_HALF_LIFE_DAYS = 14;
export const SLOW_RESPONSE_MS = 2000;

/** Running behaviour of one demo customer, kept by the generator as it emits events. */
export interface BehaviourState {
  recent: number;
  long: number;
  decayedAt: number;
  lastListenAt: number | null;
  clicks: number;
  slowClicks: number;
}

export function newBehaviour(): BehaviourState {
  return { recent: 0, long: 0, decayedAt: 0, lastListenAt: null, clicks: 0, slowClicks: 0 };
}

function decayTo(b: BehaviourState, at: number): void {
  if (at <= b.decayedAt) return;
  const days = (at - b.decayedAt) / DAY_MS;
  b.recent *= 0.5 ** (days / RECENT_HALF_LIFE_DAYS);
  b.long *= 0.5 ** (days / LONG_HALF_LIFE_DAYS);
  b.decayedAt = at;
}

export function recordListen(b: BehaviourState, at: number): void {
  decayTo(b, at);
  b.recent += 1;
  b.long += 1;
  if (b.lastListenAt === null || at > b.lastListenAt) b.lastListenAt = at;
}

export function recordClick(b: BehaviourState, responseTimeMs: number): void {
  b.clicks += 1;
  if (responseTimeMs > SLOW_RESPONSE_MS) b.slowClicks += 1;
}

export interface ChurnFeatures {
  trend: number;
  missed: number;
  slowWebShare: number;
  free: boolean;
  linkedWithApps: boolean;
}

export function churnFeatures(
  b: BehaviourState,
  at: number,
  free: boolean,
  linkedWithApps: boolean,
): ChurnFeatures {
  decayTo(b, at);
  // A decayed count with half-life h holds about h/ln2 days of events: divide to get a daily rate.
  const recentPerDay = (b.recent * Math.LN2) / RECENT_HALF_LIFE_DAYS;
  const longPerDay = (b.long * Math.LN2) / LONG_HALF_LIFE_DAYS;
  const trend = longPerDay > 0 ? recentPerDay / longPerDay : 0;
  const missed = b.lastListenAt === null ? 10 : ((at - b.lastListenAt) / DAY_MS) * longPerDay;
  return { trend, missed, slowWebShare: b.clicks === 0 ? 0 : b.slowClicks / b.clicks, free, linkedWithApps };
}

/** `noise` is a standard normal draw, supplied by the caller's seeded generator. */
export function demoChurnRisk(f: ChurnFeatures, noise: number): number {
  const logit =
    -2.1 -
    1.5 * (Math.min(f.trend, 2) - 1) +
    0.35 * Math.min(f.missed, 10) +
    1.6 * f.slowWebShare +
    (f.free ? 0.5 : 0) -
    (f.linkedWithApps ? 0.6 : 0) +
    0.3 * noise;
  return Math.round(1000 / (1 + Math.exp(-logit))) / 1000;
}
