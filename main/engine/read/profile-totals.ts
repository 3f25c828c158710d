import type { ChurnFigures } from '../../../shared/engine-api.js';
import { DEFAULT_CHURN_THRESHOLD } from '../../../shared/profile-columns.js';
import { bucketOfHour } from '../../../shared/time-of-day.js';
import { type Profile, pointLabel } from '../profile/profile.js';
import { BaseTotals } from './base-totals.js';
import {
  addBuckets,
  type BucketCounts,
  byRisk,
  emptyBuckets,
  GroupRiskCounter,
  riskTenth,
  type Scored,
  scoredSummary,
} from './customer-views.js';

/** Scored customers at risk are kept by thousandth of risk: the top of the list is the top bins. */
const RISK_BINS = 1000;

/**
 * What every dashboard snapshot shows over the whole base (customers at risk, listens by
 * time-of-day bucket), and the churn view's all-time figures, kept current batch by batch: a batch
 * takes out what the profiles it touches counted and puts back what they count after it. Counting
 * every profile for each snapshot took 120 ms at 100,000 customers, and the snapshot goes out five
 * times a second; the churn view, polled by every booth and desk, took as long (issue 14).
 *
 * The base statistics are kept here too (`base`).
 *
 * The store saves these figures in its header with each checkpoint (`StoreSummary`), so a
 * reopened store's first frame can show them before its profiles are read.
 */
export class ProfileTotals {
  #threshold: number;
  #atRisk = 0;
  readonly #buckets: BucketCounts = emptyBuckets();
  // The churn view over every customer's latest prediction:
  #predicted = 0;
  #scored = 0;
  readonly #histogram = new Array<number>(10).fill(0);
  #byLevel = new GroupRiskCounter('level');
  #byCampaign = new GroupRiskCounter('campaign');
  /** Scored customers at risk by bin of risk; those at risk by a label alone (no score), apart. */
  readonly #riskBins = new Map<number, Set<Profile>>();
  readonly #labelOnly = new Set<Profile>();
  /** The base statistics, which the session updates around each event it applies. */
  base = new BaseTotals();

  constructor(threshold = DEFAULT_CHURN_THRESHOLD) {
    this.#threshold = threshold;
  }

  get threshold(): number {
    return this.#threshold;
  }

  get atRisk(): number {
    return this.#atRisk;
  }

  /** A copy, so what is handed out does not move with later batches. */
  get buckets(): BucketCounts {
    return { ...this.#buckets };
  }

  /** A whole profile counted in. */
  add(p: Profile): void {
    addBuckets(this.#buckets, p);
    this.#churn(p, 1);
    this.base.enter(p);
  }

  /** A whole profile counted out (before it changes or goes). */
  remove(p: Profile): void {
    const b = this.#buckets;
    b.morning -= p.morning;
    b.afternoon -= p.afternoon;
    b.evening -= p.evening;
    b.night -= p.night;
    this.#churn(p, -1);
    this.base.leave(p);
  }

  /**
   * One listen at this hour, as countListen counts it into its profile: the only change a listen
   * makes to these figures, so a batch of listens costs a switch each, not a profile out and in.
   */
  listenAt(hour: number): void {
    this.#buckets[bucketOfHour(hour)] += 1;
  }

  /** What a prediction or a CRM record changes (at risk, the churn view): counted in, or out. */
  addChurn(p: Profile): void {
    this.#churn(p, 1);
  }

  removeChurn(p: Profile): void {
    this.#churn(p, -1);
  }

  /** A profile's part of the churn view, counted in (`by` 1) or out (−1), as churnOverviewAcc counts it. */
  #churn(p: Profile, by: 1 | -1): void {
    const point = p.churn;
    if (!point) return;
    this.#predicted += by;
    const atRisk = pointLabel(point, this.#threshold) === 1;
    if (atRisk) this.#atRisk += by;
    if (point.risk !== null) {
      this.#scored += by;
      const tenth = riskTenth(point.risk);
      this.#histogram[tenth] = (this.#histogram[tenth] ?? 0) + by;
    }
    if (by === 1) {
      this.#byLevel.add(p, atRisk);
      this.#byCampaign.add(p, atRisk);
    } else {
      this.#byLevel.remove(p, atRisk);
      this.#byCampaign.remove(p, atRisk);
    }
    if (!atRisk) return;
    if (point.risk === null) {
      if (by === 1) this.#labelOnly.add(p);
      else this.#labelOnly.delete(p);
      return;
    }
    const bin = Math.min(RISK_BINS, Math.floor(point.risk * RISK_BINS));
    let inBin = this.#riskBins.get(bin);
    if (by === 1) {
      if (!inBin) {
        inBin = new Set();
        this.#riskBins.set(bin, inBin);
      }
      inBin.add(p);
    } else if (inBin) {
      inBin.delete(p);
      if (inBin.size === 0) this.#riskBins.delete(bin);
    }
  }

  /**
   * The churn view for all time, as `churnOverviewAcc` would count it now: the top `top` at risk
   * are read from the highest bins down, each bin sorted as the full list would be.
   */
  churnFigures(top: number): ChurnFigures {
    const listed: Scored[] = [];
    const bins = [...this.#riskBins.keys()].sort((a, b) => b - a);
    for (const bin of bins) {
      if (listed.length >= top) break;
      const inBin = [...(this.#riskBins.get(bin) ?? [])].map((p) => ({ p, point: p.churn }) as Scored);
      listed.push(...inBin.sort(byRisk));
    }
    if (listed.length < top)
      listed.push(...[...this.#labelOnly].map((p) => ({ p, point: p.churn }) as Scored).sort(byRisk));
    return {
      threshold: this.#threshold,
      predicted: this.#predicted,
      scored: this.#scored,
      atRisk: this.#atRisk,
      histogram: [...this.#histogram],
      byLevel: this.#byLevel.result(),
      byCampaign: this.#byCampaign.result(),
      topAtRisk: listed.slice(0, top).map((s) => scoredSummary(s, this.#threshold)),
    };
  }

  /** Counted again over every profile: after another threshold, or profiles that changed elsewhere. */
  recount(profiles: Iterable<Profile>, threshold = this.#threshold): void {
    this.#threshold = threshold;
    this.#atRisk = 0;
    Object.assign(this.#buckets, emptyBuckets());
    this.#predicted = 0;
    this.#scored = 0;
    this.#histogram.fill(0);
    this.#byLevel = new GroupRiskCounter('level');
    this.#byCampaign = new GroupRiskCounter('campaign');
    this.#riskBins.clear();
    this.#labelOnly.clear();
    this.base = new BaseTotals();
    for (const p of profiles) this.add(p);
  }

  summary(customers: number): StoreSummary {
    return { customers, threshold: this.#threshold, atRisk: this.#atRisk, buckets: this.buckets };
  }
}

/** The totals as a checkpoint saves them, beside the number of customers they are over. */
export interface StoreSummary {
  customers: number;
  threshold: number;
  atRisk: number;
  buckets: BucketCounts;
}
