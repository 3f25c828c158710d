import {
  KNOWN_CRM_COLUMNS,
  LIVE_TABLE_LEADING_COLUMNS,
  STATISTIC_COLUMNS,
  STATISTICS,
} from '../../shared/profile-columns.js';
import type { BaseStatistics } from './base-statistics.js';
import { churnLabel, type Profile } from './profile.js';

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

export function liveTableRow(p: Profile, header: string[], threshold: number): Cell[] {
  const fixed: Record<string, Cell> = {
    customer_id: p.customerId,
    listens: p.listens,
    unique_tracks: p.tracks.size,
    morning: p.morning,
    afternoon: p.afternoon,
    evening: p.evening,
    night: p.night,
    mobile: p.mobile,
    clicks: p.clicks,
    churn_risk: p.churn?.risk ?? null,
    churn_label: churnLabel(p, threshold),
    first_seen: p.firstSeen?.text ?? null,
    last_seen: p.lastSeen?.text ?? null,
  };
  return header.map((column) => {
    if (column in fixed) return fixed[column] ?? null;
    const value = p.crm?.[column];
    if (column === 'zip' && value === undefined) return p.listenZip?.zip ?? null;
    return value === undefined ? null : typeof value === 'boolean' ? String(value) : value;
  });
}

export function aggTableHeader(): string[] {
  return ['statistic', ...STATISTIC_COLUMNS];
}

export function aggTableRows(stats: BaseStatistics): Cell[][] {
  return STATISTICS.map((statistic) => [statistic, ...STATISTIC_COLUMNS.map((c) => stats[c][statistic])]);
}

/** DESIGN §5: a cell a spreadsheet would run as a formula gets a leading apostrophe. */
export function spreadsheetSafe(cell: Cell): string {
  if (cell === null) return '';
  const text = typeof cell === 'number' ? formatNumber(cell) : cell;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Integers as integers; other numbers with up to 10 significant decimals, no exponent noise. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(12)));
}
