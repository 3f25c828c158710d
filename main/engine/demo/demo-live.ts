import { setTimeout as sleep } from 'node:timers/promises';
import { PERSONAS } from './demo-personas.js';
import type { DemoWorld } from './demo-world.js';

/**
 * The live demo stream, in simulated time. A simulated clock runs `speed` times faster than the
 * wall clock (24 by default: a simulated day per real hour), so a booth shows whole days of
 * listening, with their rhythms, instead of one hour piling up: every event is stamped with the
 * simulated time, the volume follows the hour and the day of the week as the personas have it
 * (quiet nights, busy commutes), and customers are picked by who listens at that hour and how
 * engaged they are that day. First, every customer's CRM record. Predictions come as a churn
 * model makes them: now and then after a customer's event, and for every customer in a nightly
 * scoring run at 02:00 simulated time (so the faded are scored too, and the at-risk share holds).
 */

export interface DemoLiveOptions {
  /** Clickstream events per real second on average; 0: as fast as the consumer takes them. */
  rate: number;
  /** Simulated seconds per real second; 1 is real time. */
  speed?: number;
  /** Where the simulated clock starts (a local wall-clock instant); by default now. */
  startAt?: number;
  /** Stop after this many clickstream events; unlimited when absent. */
  limit?: number;
  /** Unpaced: stop when simulated time reaches this instant. */
  until?: number;
  /** Unpaced: the simulated clock moves as if this many events came each real second (default 400). */
  nominalRate?: number;
  now?: () => number;
  wait?: (ms: number) => Promise<unknown>;
  /** Ticks per second: events come in this many batches a second. */
  ticks?: number;
  /**
   * Send the CRM records first (default); off when they were sent already, or a test of which
   * customers still need theirs (a store reopened holds the rest: re-sending 5,000 records would
   * only re-index customers who have not changed).
   */
  crm?: boolean | ((customerId: string) => boolean);
}

export const DEFAULT_DEMO_SPEED = 24;
export const PREDICTION_CHANCE = 0.03;
const DAY_MS = 86_400_000;
/** The nightly scoring run, at this hour of simulated time. */
const SCORING_HOUR = 2;
const UNPACED_BATCH = 5000;
/**
 * CRM records a batch: drawing an identity costs ~35 µs, and 5,000 in one batch held the event
 * loop (and so the window's first requests) for a quarter of a second at a fresh start.
 */
const CRM_BATCH = 500;
const UNPACED_STEP_MS = 15 * 60_000;
/** Unpaced, the simulated clock moves as if this many events came each real second. */
const NOMINAL_RATE = 400;
/** Average clickstream events per real second of the live demo: believable people at 24×. */
export const DEFAULT_DEMO_RATE = 50;

/** Wall-clock time as written locally, expressed as a UTC instant so the world formats it unchanged. */
export function localWallClock(epochMs: number): number {
  return epochMs - new Date(epochMs).getTimezoneOffset() * 60_000;
}

/** Relative listening volume for each hour of the week (Monday 0:00 first), averaging 1. */
const WEEKLY_VOLUME = (() => {
  const v = Array.from({ length: 168 }, (_, i) => {
    const hour = i % 24;
    const weekend = Math.floor(i / 24) >= 5;
    return PERSONAS.reduce(
      (n, p) => n + p.share * (p.hourWeights[hour] ?? 0) * (weekend ? p.weekendFactor : 1),
      0,
    );
  });
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return v.map((x) => x / mean);
})();

/** The listening volume at an instant, relative to the week's average. */
export function volumeAt(epochMs: number): number {
  const date = new Date(epochMs);
  const dayOfWeek = (date.getUTCDay() + 6) % 7; // Monday 0
  return WEEKLY_VOLUME[dayOfWeek * 24 + date.getUTCHours()] as number;
}

const PEAK_VOLUME = Math.max(...WEEKLY_VOLUME);

/**
 * An instant in [from, to), as likely as the listening volume then: a batch spanning hours of
 * simulated time (unpaced, or at a high speed) still has quiet nights and busy commutes.
 */
function eventTime(world: DemoWorld, from: number, to: number): number {
  let t = from;
  for (let tries = 0; tries < 8; tries++) {
    t = Math.floor(from + world.random() * (to - from));
    if (world.random() * PEAK_VOLUME <= volumeAt(t)) break;
  }
  return t;
}

/** The simulated clock: `speed` simulated milliseconds per real one, from `startAt`. */
export class DemoClock {
  readonly #wallStart: number;

  constructor(
    readonly startAt: number,
    readonly speed: number,
    readonly wall: () => number = Date.now,
  ) {
    this.#wallStart = wall();
  }

  now(): number {
    return this.startAt + (this.wall() - this.#wallStart) * this.speed;
  }
}

export async function* demoLiveRecords(
  world: DemoWorld,
  options: DemoLiveOptions,
  clockOut?: (clock: { now(): number; speed: number }) => void,
): AsyncGenerator<object[]> {
  const now = options.now ?? Date.now;
  const wait = options.wait ?? sleep;
  const ticks = options.ticks ?? 10;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const nominal = options.nominalRate ?? NOMINAL_RATE;
  const speed = options.speed ?? DEFAULT_DEMO_SPEED;
  const startAt = options.startAt ?? localWallClock(now());

  const crm = options.crm ?? true;
  const needsCrm =
    typeof crm === 'function' ? world.customers.filter((c) => crm(c.id)) : crm ? world.customers : [];
  for (let i = 0; i < needsCrm.length; i += CRM_BATCH) {
    yield needsCrm.slice(i, i + CRM_BATCH).map((c) => ({ type: 'customer', ...c.crm }));
  }

  // Paced, simulated time follows the wall clock; unpaced, it moves by the events sent.
  const paced = options.rate > 0;
  const clock = new DemoClock(startAt, speed, now);
  let simulated = startAt;
  const simNow = () => (paced ? clock.now() : simulated);
  clockOut?.({ now: simNow, speed });

  let nextScoring = Math.floor(startAt / DAY_MS) * DAY_MS + SCORING_HOUR * 3_600_000;
  if (nextScoring <= startAt) nextScoring += DAY_MS;
  let emitted = 0;
  let owed = 0;
  let lastWall = now();
  let lastSim = simNow();
  while (emitted < limit && (paced || simulated < until)) {
    let count: number;
    if (paced) {
      const wall = now();
      // The rate follows the simulated hour: quiet nights, busy commutes, the same average.
      owed += ((wall - lastWall) / 1000) * options.rate * volumeAt(simNow());
      lastWall = wall;
      if (owed < 1) {
        await wait(1000 / ticks);
        continue;
      }
      count = Math.min(Math.floor(owed), limit - emitted, options.rate * 2); // at most a couple of seconds' worth
      owed -= count;
    } else {
      // As many events as the paced stream would send meanwhile: fewer at night, more at rush hour.
      // Steps of at most a quarter of a simulated hour, so the volume follows the hour closely.
      const perSimMs = (nominal * Math.max(0.05, volumeAt(simulated))) / (speed * 1000);
      let step = Math.min(UNPACED_STEP_MS, until - simulated);
      count = Math.min(UNPACED_BATCH, limit - emitted, Math.max(1, Math.round(step * perSimMs)));
      step = Math.min(step, count / perSimMs);
      simulated += step;
    }
    const to = simNow();
    const from = Math.min(lastSim, to);
    lastSim = to;
    for (; nextScoring <= to; nextScoring += DAY_MS) {
      for (let i = 0; i < world.customers.length; i += UNPACED_BATCH)
        yield world.customers.slice(i, i + UNPACED_BATCH).map((c) => world.prediction(c, nextScoring));
    }
    const batch: object[] = [];
    for (let i = 0; i < count; i++) {
      const t = eventTime(world, from, to);
      const c = world.pickCustomerAt(t);
      batch.push(world.random() < 0.15 ? world.click(c, t) : world.listen(c, t));
      if (world.random() < PREDICTION_CHANCE) batch.push(world.prediction(c, t));
    }
    emitted += count;
    yield batch;
  }
}
