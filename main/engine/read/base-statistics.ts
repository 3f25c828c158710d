import { STATISTIC_COLUMNS, type StatisticColumn } from '../../../shared/profile-columns.js';
import { hasEvents, type Profile, uniqueTrackCount } from '../profile/profile.js';
import { type Accumulator, scanAll } from './profile-scan.js';

/**
 * Base statistics like Spark's `Statistics.colStats` (DESIGN §4): over customers with at least one
 * clickstream event, per numeric column: count, mean, unbiased variance (n−1), min, max.
 * churn_risk counts only customers that have a risk score.
 */

export interface ColumnStatistics {
  count: number;
  mean: number | null;
  variance: number | null;
  min: number | null;
  max: number | null;
}

export type BaseStatistics = Record<StatisticColumn, ColumnStatistics>;

export function statisticValue(p: Profile, column: StatisticColumn): number | null {
  switch (column) {
    case 'unique_tracks':
      return uniqueTrackCount(p);
    case 'churn_risk':
      return p.churn?.risk ?? null;
    default:
      return p[column];
  }
}

/** Welford's update: one pass, numerically stable. */
export function baseStatisticsAcc(): Accumulator<BaseStatistics> {
  const acc = Object.fromEntries(
    STATISTIC_COLUMNS.map((c) => [c, { n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity }]),
  ) as Record<StatisticColumn, { n: number; mean: number; m2: number; min: number; max: number }>;
  return {
    add(p) {
      if (!hasEvents(p)) return;
      for (const column of STATISTIC_COLUMNS) {
        const x = statisticValue(p, column);
        if (x === null) continue;
        const a = acc[column];
        a.n += 1;
        const delta = x - a.mean;
        a.mean += delta / a.n;
        a.m2 += delta * (x - a.mean);
        if (x < a.min) a.min = x;
        if (x > a.max) a.max = x;
      }
    },
    result() {
      return Object.fromEntries(
        STATISTIC_COLUMNS.map((c) => {
          const a = acc[c];
          const stats: ColumnStatistics =
            a.n === 0
              ? { count: 0, mean: null, variance: null, min: null, max: null }
              : {
                  count: a.n,
                  mean: a.mean,
                  variance: a.n > 1 ? a.m2 / (a.n - 1) : 0,
                  min: a.min,
                  max: a.max,
                };
          return [c, stats];
        }),
      ) as BaseStatistics;
    },
  };
}

export function baseStatistics(profiles: Iterable<Profile>): BaseStatistics {
  return scanAll(profiles, baseStatisticsAcc());
}
