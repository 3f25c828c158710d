import { decodeRecordObject } from '../../decode/record-decoder.js';
import { DEMO_WINDOW_DAYS, generateDemoHistory } from '../../demo/demo-batch.js';
import {
  DEFAULT_DEMO_SPEED,
  type DemoLiveOptions,
  demoLiveRecords,
  localWallClock,
} from '../../demo/demo-live.js';
import type { DemoWorld } from '../../demo/demo-world.js';
import type { DecodedRecord } from '../../ingest/ingest-session.js';
import { UserError } from '../../user-error.js';
import { type Source, type SourceClock, type SourceContext, sourceStatus } from '../source.js';

/**
 * The embedded demo stream as a source, through the same decoder as any other: all demo
 * customers' CRM records, then live clickstream events and predictions at `rate` events/s.
 *
 * A fresh store is seeded first: four weeks of thin history (`history` events), which give each
 * customer a lived-in profile, then the last simulated day as densely as the live stream will
 * run, so a "last 24 hours" window shows whole days of the same stream from the first second
 * instead of one bright hour of live events over a faint history.
 */

/** The seeded last day holds at most this many events (it is shortened beyond, at high rates). */
const RECENT_DAY_LIMIT = 400_000;
const DAY_MS = 86_400_000;

export interface DemoSourceOptions extends Omit<DemoLiveOptions, 'crm' | 'startAt'> {
  seed: number;
  customers: number;
  /**
   * With an empty store, first write this many events of history (the four weeks up to today,
   * with predictions for every customer), and the last day at the live rate (paced only), so a
   * fresh booth screen starts lived-in.
   */
  history?: number;
}

export class DemoSource implements Source {
  readonly kind = 'demo';
  readonly target = 'demo';
  #clock: { now(): number; speed: number } | null = null;
  #world: DemoWorld | null = null;

  constructor(readonly options: DemoSourceOptions) {}

  /** The demo's simulated time, once the live stream runs. */
  clock(): SourceClock | null {
    return this.#clock && { now: this.#clock.now(), speed: this.#clock.speed };
  }

  /** Customers whose CRM identity this run drew: those it sent CRM records for, or picked for an event. */
  get identitiesDrawn(): number {
    return this.#world?.identitiesDrawn ?? 0;
  }

  async run(ctx: SourceContext): Promise<void> {
    const options = this.options;
    // Loaded here, not with the engine: faker's locales take a third of a second to load, which
    // `serve` spends listening and reading the store instead.
    const { DemoWorld } = await import('../../demo/demo-world.js');
    const world = new DemoWorld({ seed: options.seed, customers: options.customers });
    this.#world = world;
    let seq = 0;
    const apply = (batch: object[]) => {
      const records: DecodedRecord[] = batch.map((value) => {
        const result = decodeRecordObject(value);
        return { origin: { demo: true, seq: ++seq }, raw: result.ok ? '' : JSON.stringify(value), result };
      });
      // The demo stream has no position to resume from: a restart is a new stream.
      return ctx.apply(records, () => {});
    };
    await this.#claimStore(ctx);
    const speed = options.speed ?? DEFAULT_DEMO_SPEED;
    ctx.report(
      sourceStatus(this, 'connected', {
        detail: `embedded demo stream${options.rate > 0 ? `, ${options.rate} events/s` : ''}${speed !== 1 ? `, simulated time at ${speed}×` : ''}`,
      }),
    );
    const seeding = Boolean(options.history) && ctx.state.profiles.size === 0;
    if (seeding && options.history) {
      await apply(world.customers.map((c) => ({ type: 'customer', ...c.crm })));
      const today = Math.floor(localWallClock(Date.now()) / 86_400_000) * 86_400_000;
      let batch: object[] = [];
      for (const r of generateDemoHistory(world, options.history, today - DEMO_WINDOW_DAYS * 86_400_000)) {
        batch.push(r.record);
        if (batch.length === 10_000) {
          await apply(batch);
          batch = [];
          if (ctx.shouldStop()) return;
        }
      }
      await apply(batch);
      if (options.rate > 0) {
        const start = localWallClock(Date.now());
        // Events of a simulated day at the live rate: rate × seconds per simulated day.
        const perDay = (options.rate * DAY_MS) / 1000 / speed;
        const span = perDay <= RECENT_DAY_LIMIT ? DAY_MS : Math.floor((DAY_MS * RECENT_DAY_LIMIT) / perDay);
        const recent = demoLiveRecords(world, {
          rate: 0,
          nominalRate: options.rate,
          speed,
          startAt: start - span,
          until: start,
          crm: false,
        });
        for await (const b of recent) {
          await apply(b);
          if (ctx.shouldStop()) return;
        }
      }
    }
    // Simulated time goes on from the latest event the store holds, never back (a restart after
    // a day at 24× is three weeks of demo time ahead of the wall clock).
    let latest = localWallClock(Date.now());
    for (const p of ctx.state.profiles.values())
      if (p.lastSeenMs + 1000 > latest) latest = p.lastSeenMs + 1000;
    // A reopened store has its demo customers' CRM records already: only those missing are sent.
    const profiles = ctx.state.profiles;
    const crm = seeding ? false : (id: string) => !profiles.get(id)?.crm;
    const live = demoLiveRecords(world, { ...options, speed, startAt: latest, crm }, (clock) => {
      this.#clock = clock;
    });
    for await (const batch of live) {
      await apply(batch);
      if (ctx.shouldStop()) return;
    }
    ctx.report(sourceStatus(this, 'caught-up'));
  }

  /**
   * A store belongs to one live source: a Kafka store's offsets would mean nothing after demo
   * events, and its customers would meet generated ones. A store that read Kafka (even one written
   * before stores recorded their origin) is refused; files may go into any store.
   */
  async #claimStore(ctx: SourceContext): Promise<void> {
    const { origin, sources } = ctx.state;
    if (origin?.kind === 'kafka' || (origin === null && Object.keys(sources.kafka).length > 0))
      throw new UserError(
        'this store holds Kafka data; the demo stream needs a store of its own (another data folder)',
      );
    if (origin === null)
      await ctx.apply([], (state) => {
        state.origin = { kind: 'demo' };
      });
  }
}
