import { setTimeout as sleep } from 'node:timers/promises';
import type { DemoWorld } from './demo-world.js';

/**
 * The live demo stream: first every customer's CRM record, then clickstream events stamped with
 * the local wall-clock time, at `rate` events per second, from customers whose persona is awake
 * at this hour; now and then a fresh churn prediction follows a customer's event.
 */

export interface DemoLiveOptions {
  /** Clickstream events per second; 0 means as fast as the consumer takes them. */
  rate: number;
  /** Stop after this many clickstream events; unlimited when absent. */
  limit?: number;
  now?: () => number;
  wait?: (ms: number) => Promise<unknown>;
  /** Ticks per second: events come in this many batches a second. */
  ticks?: number;
  /** Send the CRM records first (default); off when they were sent already. */
  crm?: boolean;
}

export const PREDICTION_CHANCE = 0.03;
const UNPACED_BATCH = 5000;

/** Wall-clock time as written locally, expressed as a UTC instant so the world formats it unchanged. */
export function localWallClock(epochMs: number): number {
  return epochMs - new Date(epochMs).getTimezoneOffset() * 60_000;
}

export async function* demoLiveRecords(world: DemoWorld, options: DemoLiveOptions): AsyncGenerator<object[]> {
  const now = options.now ?? Date.now;
  const wait = options.wait ?? sleep;
  const ticks = options.ticks ?? 10;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;

  for (let i = 0; options.crm !== false && i < world.customers.length; i += UNPACED_BATCH) {
    yield world.customers.slice(i, i + UNPACED_BATCH).map((c) => ({ type: 'customer', ...c.crm }));
  }

  let emitted = 0;
  let owed = 0;
  const startedAt = now();
  while (emitted < limit) {
    let count: number;
    if (options.rate > 0) {
      // Pace against the start time, not per tick, so rounding and slow ticks never drift the rate.
      owed = Math.floor(((now() - startedAt) / 1000) * options.rate) - emitted;
      if (owed <= 0) {
        await wait(1000 / ticks);
        continue;
      }
      count = Math.min(owed, limit - emitted, options.rate); // at most a second's worth at once
    } else {
      count = Math.min(UNPACED_BATCH, limit - emitted);
    }
    const t = localWallClock(now());
    const date = new Date(t);
    const hour = date.getUTCHours();
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    const batch: object[] = [];
    for (let i = 0; i < count; i++) {
      const c = world.pickCustomerAt(hour, weekend);
      batch.push(world.random() < 0.15 ? world.click(c, t) : world.listen(c, t));
      if (world.random() < PREDICTION_CHANCE) batch.push(world.prediction(c, t));
    }
    emitted += count;
    yield batch;
  }
}
