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
