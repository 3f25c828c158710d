import { bucketOfHour, dayHourIndex, TIME_OF_DAY_BUCKETS } from '../../../shared/time-of-day.js';

/**
 * Statistics over the last 15 minutes, hour, 24 hours and 7 days of the stream's own time, next
 * to the all-time profiles. Events land in minute buckets (for 24 hours) and hour buckets (for 7
 * days), by the instant they happened; each window keeps running sums, and a bucket's counts are
 * taken off a window's sums when its time leaves the window, so an event that expires leaves
 * every figure exactly as if it had never arrived (property-tested against a recount).
 *
 * What counts: an event is in a window when its bucket is one of the window's last N buckets up
 * to the clock's (15, 60 or 1,440 minutes; 168 hours), and it is not later than the clock.
 *
 * The clock is the stream's: the latest event time seen, so a replayed file from 2017 has its
 * own "last hour"; an event more than a day past both the clock and the wall clock (a broken
 * clock, a year-2100 sentinel) does not move it. Queried, a live stream's windows also move on
 * with the wall clock while it is quiet (see `nowFor`).
 *
 * The buckets are part of the engine state: changed only as batches are applied, and saved in
 * the checkpoint with the offsets, so a restart finds its windows as they were.
 */

export const WINDOWS = ['15m', '1h', '24h', '7d'] as const;
export type WindowName = (typeof WINDOWS)[number];

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const MINUTE_SLOTS = 1440;
const HOUR_SLOTS = 168;

const SPANS: Record<WindowName, { unit: 'minute' | 'hour'; span: number; ms: number }> = {
  '15m': { unit: 'minute', span: 15, ms: 15 * MINUTE },
  '1h': { unit: 'minute', span: 60, ms: HOUR },
  '24h': { unit: 'minute', span: 1440, ms: DAY },
  '7d': { unit: 'hour', span: 168, ms: 7 * DAY },
};

export function windowMs(w: WindowName): number {
  return SPANS[w].ms;
}

/** Counts of one bucket or one window. */
export interface WindowCounts {
  listens: number;
  mobile: number;
  clicks: number;
  predictions: number;
  /** Listens by time-of-day bucket: morning, afternoon, evening, night. */
  tod: [number, number, number, number];
  /** Listens by day × hour cell (Monday first, as written in each event). */
  dayHour: number[];
}

/** One counted event, as the window sees it. */
export type WindowEvent =
  | { kind: 'listen'; epochMs: number; mobile: boolean; hour: number; dayOfWeek: number }
  | { kind: 'click' | 'prediction'; epochMs: number };

/**
 * A bucket's counts: totals, and listens by day × hour cell. The cells are an array of their own
 * (exact as any count, as the sums' are), kept by the ring slot and cleared when the slot takes a
 * newer bucket: as a map (a bucket rarely holds more than a few cells) its lookup and update were
 * most of what counting a listen into the windows cost on the engine's thread, for every source.
 * All 1,608 slots filled (a booth after a week) take about 2.3 MiB in all (measured).
 */
interface Bucket {
  index: number;
  listens: number;
  mobile: number;
  clicks: number;
  predictions: number;
  cells: Float64Array;
}

class Sums {
  listens = 0;
  mobile = 0;
  clicks = 0;
  predictions = 0;
  readonly dayHour = new Float64Array(168);

  apply(b: Bucket, sign: 1 | -1): void {
    this.listens += sign * b.listens;
    this.mobile += sign * b.mobile;
    this.clicks += sign * b.clicks;
    this.predictions += sign * b.predictions;
    const cells = b.cells;
    for (let cell = 0; cell < 168; cell++) {
      const n = cells[cell] as number;
      if (n !== 0) this.dayHour[cell] = (this.dayHour[cell] as number) + sign * n;
    }
  }

  counts(): WindowCounts {
    const tod: [number, number, number, number] = [0, 0, 0, 0];
    for (let cell = 0; cell < 168; cell++) {
      const n = this.dayHour[cell] as number;
      if (!n) continue;
      const b = TIME_OF_DAY_BUCKETS.indexOf(bucketOfHour(cell % 24));
      tod[b] = (tod[b] as number) + n;
    }
    return {
      listens: this.listens,
      mobile: this.mobile,
      clicks: this.clicks,
      predictions: this.predictions,
      tod,
      dayHour: Array.from(this.dayHour),
    };
  }
}

/** What an event is to the windows: 0 listen, 1 click, 2 prediction. */
type Kind = 0 | 1 | 2;

/** Adds one event to a bucket or to a window's sums (both have these fields). */
function count(into: Bucket | Sums, kind: Kind, mobile: boolean, cell: number): void {
  if (kind === 0) {
    into.listens += 1;
    if (mobile) into.mobile += 1;
    if (into instanceof Sums) into.dayHour[cell] = (into.dayHour[cell] as number) + 1;
    else into.cells[cell] = (into.cells[cell] as number) + 1;
  } else if (kind === 1) into.clicks += 1;
  else into.predictions += 1;
}

class Ring {
  readonly slots: Array<Bucket | undefined>;
  constructor(readonly size: number) {
    this.slots = new Array(size);
  }

  /** The bucket for `index`, started empty if its slot held an older one. */
  at(index: number): Bucket {
    const slot = ((index % this.size) + this.size) % this.size;
    let b = this.slots[slot];
    if (!b) {
      b = { index, listens: 0, mobile: 0, clicks: 0, predictions: 0, cells: new Float64Array(168) };
      this.slots[slot] = b;
    } else if (b.index !== index) {
      b.index = index;
      b.listens = b.mobile = b.clicks = b.predictions = 0;
      b.cells.fill(0);
    }
    return b;
  }

  get(index: number): Bucket | undefined {
    const b = this.slots[((index % this.size) + this.size) % this.size];
    return b && b.index === index ? b : undefined;
  }
}

/** The saved form, in the store header: the clock and the non-empty buckets. */
export interface SavedWindows {
  clock: number;
  minutes: Array<
    [index: number, listens: number, mobile: number, clicks: number, predictions: number, cells: number[]]
  >;
  hours: Array<
    [index: number, listens: number, mobile: number, clicks: number, predictions: number, cells: number[]]
  >;
}

export class WindowedCounts {
  readonly #minutes = new Ring(MINUTE_SLOTS);
  readonly #hours = new Ring(HOUR_SLOTS);
  /** The stream's clock: the latest event time seen (0: none yet). */
  #clock = 0;
  /** Per window: its sums, and the bucket index of the clock they are valid for. */
  readonly #sums = new Map<WindowName, { sums: Sums; at: number }>();

  get clock(): number {
    return this.#clock;
  }

  /** Counts one event; applied in the same step as the batch it came in. */
  add(e: WindowEvent, wallNow: number): void {
    if (e.kind === 'listen') this.addListen(e.epochMs, e.mobile, dayHourIndex(e.dayOfWeek, e.hour), wallNow);
    else this.#add(e.kind === 'click' ? 1 : 2, e.epochMs, false, 0, wallNow);
  }

  /** A listen by its parts (day×hour cell, Monday first), as partitioned ingest hands them over. */
  addListen(epochMs: number, mobile: boolean, cell: number, wallNow: number): void {
    this.#add(0, epochMs, mobile, cell, wallNow);
  }

  #add(kind: Kind, t: number, mobile: boolean, cell: number, wallNow: number): void {
    if (t > this.#clock && (this.#clock === 0 || t <= Math.max(this.#clock, wallNow) + DAY)) {
      this.#clock = t;
      // Before a new bucket can take an old one's ring slot, the sums let the old one go.
      for (const [w, entry] of this.#sums) this.#sync(w, entry, this.#clock);
    }
    if (t > this.#clock) return; // past the clock (and not allowed to move it): not in any window
    const m = Math.floor(t / MINUTE);
    const h = Math.floor(t / HOUR);
    if (m > Math.floor(this.#clock / MINUTE) - MINUTE_SLOTS) count(this.#minutes.at(m), kind, mobile, cell);
    if (h > Math.floor(this.#clock / HOUR) - HOUR_SLOTS) count(this.#hours.at(h), kind, mobile, cell);
    for (const [w, entry] of this.#sums) {
      const spec = SPANS[w];
      if ((spec.unit === 'minute' ? m : h) > entry.at - spec.span) count(entry.sums, kind, mobile, cell);
    }
  }

  /** Brings a window's sums to the bucket of `now`: buckets that left are taken off, one by one. */
  #sync(w: WindowName, entry: { sums: Sums; at: number }, now: number): void {
    const spec = SPANS[w];
    const ring = spec.unit === 'minute' ? this.#minutes : this.#hours;
    const index = Math.floor(now / (spec.unit === 'minute' ? MINUTE : HOUR));
    if (index === entry.at) return;
    if (index - entry.at >= spec.span || index < entry.at) {
      // Every bucket changed, or time went back (a query ran ahead of a quiet stream): recount.
      entry.sums = new Sums();
      for (let i = index - spec.span + 1; i <= index; i++) {
        const b = ring.get(i);
        if (b) entry.sums.apply(b, 1);
      }
    } else {
      for (let i = entry.at - spec.span + 1; i <= index - spec.span; i++) {
        const b = ring.get(i);
        if (b) entry.sums.apply(b, -1);
      }
    }
    entry.at = index;
  }

  /** The counts of a window at `now` (at or after the clock; before it, the clock). */
  counts(w: WindowName, now = this.#clock): WindowCounts {
    const at = Math.max(now, this.#clock);
    let entry = this.#sums.get(w);
    if (!entry) {
      entry = { sums: new Sums(), at: Number.NEGATIVE_INFINITY };
      this.#sums.set(w, entry);
    }
    this.#sync(w, entry, at);
    return entry.sums.counts();
  }

  /**
   * "Now" for a query at wall time `wall`: a stream that keeps up with the wall clock (live)
   * moves on with it while quiet; a replay or a simulated clock keeps its own time.
   */
  nowFor(wall: number): number {
    return Math.abs(this.#clock - wall) < DAY ? Math.max(this.#clock, wall) : this.#clock;
  }

  toJSON(): SavedWindows {
    const save = (ring: Ring, keepFrom: number) =>
      ring.slots
        .filter((b): b is Bucket => b !== undefined && b.index >= keepFrom)
        .sort((a, b) => a.index - b.index)
        .map(
          (b) =>
            [
              b.index,
              b.listens,
              b.mobile,
              b.clicks,
              b.predictions,
              cellPairs(b.cells),
            ] as SavedWindows['minutes'][number],
        );
    return {
      clock: this.#clock,
      minutes: save(this.#minutes, Math.floor(this.#clock / MINUTE) - MINUTE_SLOTS + 1),
      hours: save(this.#hours, Math.floor(this.#clock / HOUR) - HOUR_SLOTS + 1),
    };
  }

  static fromJSON(saved: SavedWindows): WindowedCounts {
    const w = new WindowedCounts();
    w.#clock = saved.clock;
    const load = (ring: Ring, rows: SavedWindows['minutes']) => {
      for (const [index, listens, mobile, clicks, predictions, cells] of rows) {
        const b = ring.at(index);
        Object.assign(b, { listens, mobile, clicks, predictions });
        for (let i = 0; i + 1 < cells.length; i += 2) b.cells[cells[i] as number] = cells[i + 1] as number;
      }
    };
    load(w.#minutes, saved.minutes);
    load(w.#hours, saved.hours);
    return w;
  }
}

/** A bucket's non-empty cells as the store saves them: cell, count, cell, count, … */
function cellPairs(cells: Float64Array): number[] {
  const pairs: number[] = [];
  for (let cell = 0; cell < 168; cell++) if (cells[cell] !== 0) pairs.push(cell, cells[cell] as number);
  return pairs;
}

/** A window's start for a query at `now`: the first instant of its oldest bucket. */
export function windowStart(w: WindowName, now: number): number {
  const spec = SPANS[w];
  const unit = spec.unit === 'minute' ? MINUTE : HOUR;
  return (Math.floor(now / unit) - spec.span + 1) * unit;
}
