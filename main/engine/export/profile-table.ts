import { own } from '../../../shared/dict.js';
import {
  KNOWN_CRM_COLUMNS,
  LIVE_TABLE_LEADING_COLUMNS,
  STATISTIC_COLUMNS,
  STATISTICS,
} from '../../../shared/profile-columns.js';
import { churnLabel, firstSeen, lastSeen, type Profile, uniqueTrackCount } from '../profile/profile.js';
import type { BaseStatistics } from '../read/base-statistics.js';

/** The rows of live_table.csv and agg_table.csv (DESIGN §5), as plain string cells. */

export type Cell = string | number | null;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Numeric ids sort numerically (any length, leading zeros ignored) before other ids, which sort as text. */
export function compareCustomerIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na !== nb) return na ? -1 : 1;
  if (!na) return byText(a, b);
  const ta = a.replace(/^0+(?=\d)/, '');
  const tb = b.replace(/^0+(?=\d)/, '');
  return ta.length - tb.length || byText(ta, tb) || byText(a, b);
}

/** Header for a set of profiles: fixed columns, known CRM columns, then any other field, sorted. */
export function liveTableHeader(profiles: Iterable<Profile>): string[] {
  const extra = new Set<string>();
  for (const p of profiles) {
    if (p.crm) for (const k of Object.keys(p.crm)) extra.add(k);
  }
  const known = new Set<string>(KNOWN_CRM_COLUMNS);
  const leading = new Set<string>(LIVE_TABLE_LEADING_COLUMNS);
  const others = [...extra].filter((k) => !known.has(k) && !leading.has(k)).sort();
  return [...LIVE_TABLE_LEADING_COLUMNS, ...KNOWN_CRM_COLUMNS, ...others];
}

/** A profile's own columns; anything else in the header is a CRM field. */
function profileCell(p: Profile, column: string, threshold: number): Cell | undefined {
  switch (column) {
    case 'customer_id':
      return p.customerId;
    case 'listens':
      return p.listens;
    case 'unique_tracks':
      return uniqueTrackCount(p);
    case 'morning':
      return p.morning;
    case 'afternoon':
      return p.afternoon;
    case 'evening':
      return p.evening;
    case 'night':
      return p.night;
    case 'mobile':
      return p.mobile;
    case 'clicks':
      return p.clicks;
    case 'churn_risk':
      return p.churn?.risk ?? null;
    case 'churn_label':
      return churnLabel(p, threshold);
    case 'first_seen':
      return firstSeen(p)?.text ?? null;
    case 'last_seen':
      return lastSeen(p)?.text ?? null;
    default:
      return undefined;
  }
}

export function liveTableRow(p: Profile, header: string[], threshold: number): Cell[] {
  return header.map((column) => {
    const fixed = profileCell(p, column, threshold);
    if (fixed !== undefined) return fixed;
    // own(): a CRM field is read only if the customer has it (`constructor` is a column like any other).
    const value = own(p.crm, column);
    if (column === 'zip' && value === undefined) return p.listenZip;
    return value === undefined ? null : typeof value === 'boolean' ? String(value) : value;
  });
}

export function aggTableHeader(): string[] {
  return ['statistic', ...STATISTIC_COLUMNS];
}

export function aggTableRows(stats: BaseStatistics): Cell[][] {
  return STATISTICS.map((statistic) => [statistic, ...STATISTIC_COLUMNS.map((c) => stats[c][statistic])]);
}

/** Integers as integers; other numbers with up to 10 significant decimals, no exponent noise. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(12)));
}
