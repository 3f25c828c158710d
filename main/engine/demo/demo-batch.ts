import type { ClickRecord, DemoCustomer, DemoWorld, ListenRecord, PredictionRecord } from './demo-world.js';
import { WeightedPicker } from './weighted-picker.js';

/**
 * A deterministic demo history: `events` clickstream events over a four-week window, in time
 * order, with a churn prediction for every active customer at mid-window and at the end.
 */

/** Monday 2026-03-02 00:00 UTC; timestamps are written as UTC wall-clock time. */
export const DEMO_WINDOW_START = Date.UTC(2026, 2, 2);
export const DEMO_WINDOW_DAYS = 28;
const DAY_MS = 86_400_000;
export const CLICK_SHARE = 0.15;

export type DemoRecord =
  | { kind: 'listen'; record: ListenRecord }
  | { kind: 'click'; record: ClickRecord }
  | { kind: 'prediction'; record: PredictionRecord };

/**
 * One day picker per customer, made when first needed: weekends weighted by the persona, and each
 * day by the customer's engagement that day (a customer in a fading episode listens less).
 */
function dayPicker(world: DemoWorld, windowStart: number): (c: DemoCustomer) => WeightedPicker<number> {
  const days = Array.from({ length: DEMO_WINDOW_DAYS }, (_, d) => d);
  const pickers = new Map<number, WeightedPicker<number>>();
  return (c) => {
    let picker = pickers.get(c.index);
    if (!picker) {
      picker = new WeightedPicker(days, (d) => {
        // Monday = 0; 1970-01-01 was a Thursday.
        const weekend = (Math.floor(windowStart / DAY_MS) + d + 3) % 7 >= 5;
        return (
          (weekend ? c.persona.weekendFactor : 1) * world.engagement(c, windowStart + (d + 0.5) * DAY_MS)
        );
      });
      pickers.set(c.index, picker);
    }
    return picker;
  };
}

/** `windowStart`: the first day's midnight, as a wall-clock instant (UTC fields = local time). */
export function* generateDemoHistory(
  world: DemoWorld,
  events: number,
  windowStart = DEMO_WINDOW_START,
): Generator<DemoRecord> {
  const daysOf = dayPicker(world, windowStart);
  // Customers by activity and by how engaged they were over the window (a fading one listens less).
  const meanEngagement = (c: DemoCustomer) => {
    let sum = 0;
    for (let d = 0; d < DEMO_WINDOW_DAYS; d++) sum += world.engagement(c, windowStart + (d + 0.5) * DAY_MS);
    return sum / DEMO_WINDOW_DAYS;
  };
  const customers = new WeightedPicker(world.customers, (c) => c.activity * meanEngagement(c));
  const customer = new Int32Array(events);
  const time = new Float64Array(events);
  const click = new Uint8Array(events);
  for (let i = 0; i < events; i++) {
    const c = customers.pick(world.random());
    const day = daysOf(c).pick(world.random());
    const second = Math.floor(world.random() * 3600);
    customer[i] = c.index;
    time[i] = windowStart + day * DAY_MS + world.pickHour(c) * 3600_000 + second * 1000;
    click[i] = world.random() < CLICK_SHARE ? 1 : 0;
  }
  const order = Uint32Array.from({ length: events }, (_, i) => i).sort(
    (a, b) => (time[a] as number) - (time[b] as number),
  );

  const predictionTimes = [
    windowStart + (DEMO_WINDOW_DAYS / 2) * DAY_MS,
    windowStart + DEMO_WINDOW_DAYS * DAY_MS,
  ];
  const active = new Set<DemoCustomer>();
  let nextPrediction = 0;
  function* predictionsUpTo(t: number): Generator<DemoRecord> {
    while (nextPrediction < predictionTimes.length && (predictionTimes[nextPrediction] as number) <= t) {
      const at = predictionTimes[nextPrediction++] as number;
      for (const c of [...active].sort((a, b) => a.index - b.index))
        yield { kind: 'prediction', record: world.prediction(c, at) };
    }
  }

  for (const i of order) {
    const t = time[i] as number;
    yield* predictionsUpTo(t);
    const c = world.customers[customer[i] as number] as DemoCustomer;
    active.add(c);
    yield click[i]
      ? { kind: 'click', record: world.click(c, t) }
      : { kind: 'listen', record: world.listen(c, t) };
  }
  yield* predictionsUpTo(Number.POSITIVE_INFINITY);
}
