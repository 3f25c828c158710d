/**
 * The demo's customers over time, and its churn model `demo-churn@2`.
 *
 * Engagement: every customer listens at their own steady level, except during a fading episode,
 * which comes once every EPISODE_PERIOD_DAYS (at a point of their own): engagement falls from 1
 * to 0.05 over 14 days, stays there 7 days, and comes back over 3. So at any moment about 15% of
 * customers are fading, a different 15% as the days go by, for as long as the demo runs; the
 * at-risk share stays where it is instead of drifting.
 *
 * The model is not a trained one: a fixed logistic score over what a customer's engagement has
 * been doing, computed from the engagement itself (not from how many events the demo happened to
 * send), so it reads the same at any event rate, demo speed or restart.
 *
 *   trend          = engagement averaged over recent days (half-life 3.5 d) ÷ over 14 days
 *   disengagement  = 1 − engagement now
 *   logit = −1.95 − 1.5·(min(trend, 2) − 1) + 3·disengagement + 1.6·slowWebShare
 *           + 0.5·[level Free] − 0.6·[linked with apps] + noise(σ 0.3)
 *   risk  = 1 / (1 + e^−logit), rounded to 3 decimals
 *
 * slowWebShare is the share of the customer's web pages slower than 2 s: 0.7 for the customers
 * the demo gives a slow site (a log-normal around 2.6 s), 0.001 for the others (around 0.42 s).
 * Over 20,000 simulated customers and 155 simulated days, 27.6–33.4% scored ≥ 0.2 and 9.3–10.1%
 * ≥ 0.5 on any day; fading customers scored about 3.8 times as high as the others.
 */

export const DEMO_MODEL_NAME = 'demo-churn@2';

const DAY_MS = 86_400_000;
export const EPISODE_PERIOD_DAYS = 160;
const FADE_DAYS = 14;
const LOW_DAYS = 7;
const RECOVER_DAYS = 3;
const LOW = 0.05;
export const SLOW_RESPONSE_MS = 2000;

/** What the demo knows about a customer that the model uses. */
export interface ChurnTraits {
  /** Where in the period this customer's fading episode starts, in days. */
  episodeOffsetDays: number;
  slowWeb: boolean;
  free: boolean;
  linkedWithApps: boolean;
}

/** Engagement at `epochMs`, from 0.05 (faded) to 1 (as usual). */
export function engagement(episodeOffsetDays: number, epochMs: number): number {
  const days = epochMs / DAY_MS - episodeOffsetDays;
  const phase = ((days % EPISODE_PERIOD_DAYS) + EPISODE_PERIOD_DAYS) % EPISODE_PERIOD_DAYS;
  if (phase < FADE_DAYS) return 1 - ((1 - LOW) * phase) / FADE_DAYS;
  if (phase < FADE_DAYS + LOW_DAYS) return LOW;
  if (phase < FADE_DAYS + LOW_DAYS + RECOVER_DAYS)
    return LOW + ((1 - LOW) * (phase - FADE_DAYS - LOW_DAYS)) / RECOVER_DAYS;
  return 1;
}

/** Engagement averaged over the past with weights halving every `halfLifeDays` (6-hour steps). */
function averageEngagement(offset: number, epochMs: number, halfLifeDays: number): number {
  let sum = 0;
  let weights = 0;
  for (let step = 0; step < halfLifeDays * 16; step++) {
    const ageDays = step / 4;
    const w = 0.5 ** (ageDays / halfLifeDays);
    sum += w * engagement(offset, epochMs - ageDays * DAY_MS);
    weights += w;
  }
  return sum / weights;
}

export interface ChurnInputs {
  trend: number;
  disengagement: number;
  slowWebShare: number;
  free: boolean;
  linkedWithApps: boolean;
}

export function churnInputs(c: ChurnTraits, epochMs: number): ChurnInputs {
  const long = averageEngagement(c.episodeOffsetDays, epochMs, 14);
  return {
    trend: long > 0 ? averageEngagement(c.episodeOffsetDays, epochMs, 3.5) / long : 0,
    disengagement: 1 - engagement(c.episodeOffsetDays, epochMs),
    slowWebShare: c.slowWeb ? 0.7 : 0.001,
    free: c.free,
    linkedWithApps: c.linkedWithApps,
  };
}

/** `noise` is a standard normal draw, supplied by the caller's seeded generator. */
export function demoChurnRisk(f: ChurnInputs, noise: number): number {
  const logit =
    -1.95 -
    1.5 * (Math.min(f.trend, 2) - 1) +
    3 * f.disengagement +
    1.6 * f.slowWebShare +
    (f.free ? 0.5 : 0) -
    (f.linkedWithApps ? 0.6 : 0) +
    0.3 * noise;
  return Math.round(1000 / (1 + Math.exp(-logit))) / 1000;
}
