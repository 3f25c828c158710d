/** Number formatting for the dashboard. */
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
export const risk = (r: number | null) => (r === null ? '—' : r.toFixed(2));
