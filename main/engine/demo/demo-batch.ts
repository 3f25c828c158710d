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

/** Day pickers by persona and fading: weekends weighted by persona, fading customers taper off. */
function dayPickers(world: DemoWorld, windowStart: number): Map<string, WeightedPicker<number>> {
  const days = Array.from({ length: DEMO_WINDOW_DAYS }, (_, d) => d);
  const pickers = new Map<string, WeightedPicker<number>>();
  for (const c of world.customers) {
    const key = `${c.persona.name}/${c.fading}`;
    if (pickers.has(key)) continue;
    pickers.set(
      key,
      new WeightedPicker(days, (d) => {
        // Monday = 0; 1970-01-01 was a Thursday.
        const weekend = (Math.floor(windowStart / DAY_MS) + d + 3) % 7 >= 5;
        const fade = c.fading ? Math.max(0.02, 1 - d / 18) : 1;
        return (weekend ? c.persona.weekendFactor : 1) * fade;
      }),
    );
  }
  return pickers;
}

/** `windowStart`: the first day's midnight, as a wall-clock instant (UTC fields = local time). */
export function* generateDemoHistory(
  world: DemoWorld,
  events: number,
  windowStart = DEMO_WINDOW_START,
): Generator<DemoRecord> {
  const days = dayPickers(world, windowStart);
  const customer = new Int32Array(events);
  const time = new Float64Array(events);
  const click = new Uint8Array(events);
  for (let i = 0; i < events; i++) {
    const c = world.pickCustomer();
    const day = (days.get(`${c.persona.name}/${c.fading}`) as WeightedPicker<number>).pick(world.random());
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
