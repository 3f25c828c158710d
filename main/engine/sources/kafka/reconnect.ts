/**
 * Connection trouble over time: how long to wait before the next attempt, and how long the
 * source has been failing. Pure (the clock is passed in), so it is tested without a broker.
 */

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000 };

/** The wait before attempt `failures + 1`: doubling from `initialMs`, never over `maxMs`. */
export function backoffDelay(backoff: Backoff, failures: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Counts failures in the current outage. A connection that worked in between ends the outage:
 * the count and the give-up clock start again from the next failure.
 */
export class OutageClock {
  #failures = 0;
  #since: number;
  #healthyAt: number;

  constructor(now: number) {
    this.#since = now;
    this.#healthyAt = now;
  }

  /** The source got connected. */
  healthy(now: number): void {
    this.#healthyAt = now;
  }

  /** An attempt failed; returns how many in a row, this outage. */
  failed(): number {
    if (this.#healthyAt > this.#since) {
      this.#failures = 0;
      this.#since = this.#healthyAt;
    }
    this.#failures += 1;
    return this.#failures;
  }

  /** How long this outage has lasted, measured from the last healthy moment. */
  failingFor(now: number): number {
    return now - this.#since;
  }
}

/**
 * A fault in the code (see errors.ts, `isProgramFault`) that comes back the same attempt after
 * attempt, with nothing read in between, will not go away by retrying: each attempt fetched the
 * same data and failed the same way. Retried forever, such a run looked like a slow connection and
 * never ended; after `limit` times the source says so. Other failures between (the group
 * rebalancing while the failed consumer's session expires) neither count nor start the count
 * again; progress or another fault does. A fault that comes once (a library's hiccup on a dropped
 * connection) is retried like any failure.
 */
export class RepeatedFault {
  #text: string | null = null;
  #progress = -1;
  #count = 0;

  constructor(readonly limit = 3) {}

  /**
   * An attempt failed. `text`: the fault's words, or null when the failure was not a fault;
   * `progress`: grows with everything the source applied. True once the same fault has come
   * `limit` times with no progress between.
   */
  failed(text: string | null, progress: number): boolean {
    if (progress !== this.#progress) {
      this.#text = null;
      this.#count = 0;
      this.#progress = progress;
    }
    if (text === null) return this.#count >= this.limit;
    this.#count = text === this.#text ? this.#count + 1 : 1;
    this.#text = text;
    return this.#count >= this.limit;
  }
}
