import type { ChurnCrossing, DashboardSnapshot, TickerKind } from '../../../shared/engine-api.js';
import type { C360Event } from '../../../shared/events.js';
import { maskedId } from './customer-views.js';

/**
 * Running figures for the dashboard, fed with each applied batch: event rates by origin (for the
 * flow animation) and the latest events for the ticker. Everything is bounded: rates keep a few
 * seconds. (Each customer's own events are in the timeline, on disk: timeline/timeline-store.ts.)
 */

const LATEST = 12;
const CROSSINGS = 5;
const SLOT_MS = 250;
const WINDOW_SLOTS = 12; // rates over the last 3 s

interface Slot {
  at: number;
  web: number;
  mobile: number;
  desktop: number;
  predictions: number;
}

/** One line about an event for the live ticker. */
function describe(e: C360Event): { kind: TickerKind; detail: string } {
  switch (e.kind) {
    case 'listen':
      return { kind: 'listen', detail: `track ${e.trackId}${e.mobile ? ' on mobile' : ''}` };
    case 'click':
      return {
        kind: 'click',
        detail: `${e.product ?? e.url ?? 'web page'}${e.responseTimeMs !== null ? `, ${e.responseTimeMs} ms` : ''}`,
      };
    case 'prediction':
      return {
        kind: 'prediction',
        detail:
          e.churnRisk !== null
            ? `churn risk ${e.churnRisk.toFixed(2)}${e.model ? ` (${e.model})` : ''}`
            : `churn label ${e.label}`,
      };
    case 'customer':
      return { kind: 'customer', detail: 'CRM record updated' };
  }
}

/**
 * What the booth screen may say about an event: no web addresses (their paths and queries are
 * free text from the wild, and carry emails and account numbers often enough).
 */
function boothDetail(e: C360Event): string {
  if (e.kind === 'click') return e.product ?? 'web page';
  return describe(e).detail;
}

export class LiveStats {
  readonly totals = { listens: 0, clicks: 0, predictions: 0 };
  readonly #slots: Slot[] = [];
  readonly #latest: DashboardSnapshot['latest'] = [];
  readonly #crossings: ChurnCrossing[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #slot(): Slot {
    const at = Math.floor(this.#now() / SLOT_MS) * SLOT_MS;
    let slot = this.#slots[this.#slots.length - 1];
    if (!slot || slot.at !== at) {
      slot = { at, web: 0, mobile: 0, desktop: 0, predictions: 0 };
      this.#slots.push(slot);
      while (this.#slots.length > WINDOW_SLOTS + 1) this.#slots.shift();
    }
    return slot;
  }

  observe(events: readonly C360Event[]): void {
    if (events.length === 0) return;
    const slot = this.#slot();
    for (const e of events) {
      if (e.kind === 'listen') {
        this.totals.listens += 1;
        if (e.mobile) slot.mobile += 1;
        else slot.desktop += 1;
      } else if (e.kind === 'click') {
        this.totals.clicks += 1;
        slot.web += 1;
      } else if (e.kind === 'prediction') {
        this.totals.predictions += 1;
        slot.predictions += 1;
      }
    }
    // Only the tail of a batch can be among the latest: describe no more than that.
    for (const e of events.slice(-LATEST)) {
      if (e.kind === 'customer') continue;
      this.#latest.push({
        customerId: e.customerId,
        label: maskedId(e.customerId),
        kind: e.kind,
        detail: describe(e).detail,
        boothDetail: boothDetail(e),
      });
    }
    if (this.#latest.length > LATEST) this.#latest.splice(0, this.#latest.length - LATEST);
  }

  /** Events per second over the last few seconds, by origin. */
  flow(): DashboardSnapshot['flow'] {
    const since = this.#now() - WINDOW_SLOTS * SLOT_MS;
    const sum = { web: 0, mobile: 0, desktop: 0, predictions: 0 };
    for (const s of this.#slots) {
      if (s.at < since) continue;
      sum.web += s.web;
      sum.mobile += s.mobile;
      sum.desktop += s.desktop;
      sum.predictions += s.predictions;
    }
    const seconds = (WINDOW_SLOTS * SLOT_MS) / 1000;
    const rate = (n: number) => Math.round((n * 10) / seconds) / 10;
    return {
      web: rate(sum.web),
      mobile: rate(sum.mobile),
      desktop: rate(sum.desktop),
      predictions: rate(sum.predictions),
    };
  }

  latest(): DashboardSnapshot['latest'] {
    return [...this.#latest];
  }

  /** A customer just crossed into churn risk; the latest CROSSINGS are kept. */
  noteCrossing(crossing: ChurnCrossing): void {
    this.#crossings.push(crossing);
    if (this.#crossings.length > CROSSINGS) this.#crossings.shift();
  }

  crossings(): ChurnCrossing[] {
    return [...this.#crossings];
  }
}
