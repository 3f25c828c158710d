/** Number formatting for the dashboard. */
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
export const risk = (r: number | null) => (r === null ? '—' : r.toFixed(2));

/**
 * One readable form for every time the dashboard shows: events carry their own wall clock in UTC
 * fields (a naive "2026-11-22 01:38:57" is read as written, not shifted to this screen's zone), so
 * they are shown in UTC fields too: "Sun 22 Nov 2026, 01:38:57".
 */
const WHEN = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
export function when(iso: string | null | undefined): string {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(ms) ? WHEN.format(ms) : '—';
}

/** "5 min ago", "3 days ago", "just now", relative to `nowIso` (the stream's clock). */
export function ago(iso: string | null | undefined, nowIso: string | null | undefined): string {
  const then = iso ? Date.parse(iso) : Number.NaN;
  const now = nowIso ? Date.parse(nowIso) : Date.now();
  if (!Number.isFinite(then) || !Number.isFinite(now)) return '';
  const s = Math.round((now - then) / 1000);
  if (s < 0) return 'ahead of the clock';
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  const d = Math.round(h / 24);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}
