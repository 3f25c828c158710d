import { bucketOfHour, TIME_OF_DAY_BUCKETS } from '../../../../shared/time-of-day.js';
import {
  addToRing,
  cellOf,
  dayOf,
  type Profile,
  RECENT_DAYS,
  setDayHour,
  setRecentDays,
} from '../../profile/profile.js';
import { type StoredListenCounts, storedListenCounts } from '../../store/store-codec.js';

/**
 * A partition's listen counters, a row per customer in three flat arrays instead of a profile's
 * own small arrays: counting a listen then touches three places in memory rather than five
 * objects scattered over the heap, which on this machine's caches was most of what a listen cost
 * (the counting is memory-bound). The rules are the profile's (bucketOfHour, addToRing); a
 * profile is brought up to date from its row (`into`) before it is encoded or handed back.
 */

/** listens, morning, afternoon, evening, night, mobile, latest day of the recent ring (NaN: none). */
const COUNTS = 7;
const CELLS = 168;
const RECENT_END = 6;

/** Time-of-day bucket of each hour, as bucketOfHour has it (0 morning … 3 night). */
const BUCKET = Int8Array.from({ length: 24 }, (_, h) => TIME_OF_DAY_BUCKETS.indexOf(bucketOfHour(h)));

export class ListenRows {
  #counts = new Float64Array(0);
  #cells = new Uint32Array(0);
  #recent = new Uint16Array(0);
  #rows = 0;

  /** Makes room for row `n` (rows start at zero). */
  ensure(n: number): void {
    if (n < this.#rows) return;
    let rows = Math.max(1024, this.#rows);
    while (rows <= n) rows *= 2;
    const counts = new Float64Array(rows * COUNTS);
    counts.set(this.#counts);
    for (let r = this.#rows; r < rows; r++) counts[r * COUNTS + RECENT_END] = Number.NaN;
    const cells = new Uint32Array(rows * CELLS);
    cells.set(this.#cells);
    const recent = new Uint16Array(rows * RECENT_DAYS);
    recent.set(this.#recent);
    this.#counts = counts;
    this.#cells = cells;
    this.#recent = recent;
    this.#rows = rows;
  }

  /** One listen, as countListen counts it into a profile. */
  add(n: number, epochMs: number, hour: number, dayOfWeek: number, mobile: boolean): void {
    const counts = this.#counts;
    const c = n * COUNTS;
    counts[c] = (counts[c] as number) + 1;
    const b = c + 1 + (BUCKET[hour] as number);
    counts[b] = (counts[b] as number) + 1;
    if (mobile) counts[c + 5] = (counts[c + 5] as number) + 1;
    const cell = n * CELLS + dayOfWeek * 24 + hour;
    this.#cells[cell] = (this.#cells[cell] as number) + 1;
    counts[c + RECENT_END] = addToRing(
      this.#recent,
      n * RECENT_DAYS,
      counts[c + RECENT_END] as number,
      dayOf(epochMs),
      1,
    );
  }

  /** Takes a profile's listen counters into row `n` (a profile handed over from the store). */
  from(n: number, p: Profile): void {
    this.ensure(n);
    const counts = this.#counts;
    const c = n * COUNTS;
    counts[c] = p.listens;
    counts[c + 1] = p.morning;
    counts[c + 2] = p.afternoon;
    counts[c + 3] = p.evening;
    counts[c + 4] = p.night;
    counts[c + 5] = p.mobile;
    for (let i = 0; i < CELLS; i++) this.#cells[n * CELLS + i] = cellOf(p, i);
    if (p.ringBlock) {
      for (let d = 0; d < RECENT_DAYS; d++)
        this.#recent[n * RECENT_DAYS + d] = p.ringBlock[p.ringAt + d] as number;
      counts[c + RECENT_END] = p.recentDaysEnd;
    }
  }

  /** Row `n` as the store writes a profile's listen counters (no profile brought up to date). */
  stored(n: number): StoredListenCounts {
    const counts = this.#counts;
    const c = n * COUNTS;
    return storedListenCounts(
      {
        listens: counts[c] as number,
        morning: counts[c + 1] as number,
        afternoon: counts[c + 2] as number,
        evening: counts[c + 3] as number,
        night: counts[c + 4] as number,
        mobile: counts[c + 5] as number,
      },
      this.#cells.subarray(n * CELLS, (n + 1) * CELLS),
      this.#recent.subarray(n * RECENT_DAYS, (n + 1) * RECENT_DAYS),
      counts[c + RECENT_END] as number,
    );
  }

  /** Writes row `n` into its profile, in the profile's own form (cells as narrow as their counts allow). */
  into(n: number, p: Profile): void {
    const counts = this.#counts;
    const c = n * COUNTS;
    p.listens = counts[c] as number;
    p.morning = counts[c + 1] as number;
    p.afternoon = counts[c + 2] as number;
    p.evening = counts[c + 3] as number;
    p.night = counts[c + 4] as number;
    p.mobile = counts[c + 5] as number;
    setDayHour(p, this.#cells, n * CELLS);
    const end = counts[c + RECENT_END] as number;
    if (!Number.isNaN(end)) setRecentDays(p, this.#recent, n * RECENT_DAYS, end);
  }
}
