import type { Dict } from '../../../../shared/dict.js';

/**
 * Exactly once, in offsets. The store holds the next offset of every partition it read, saved in
 * the same checkpoint as the profiles: it is the truth. These are the decisions made from it,
 * pure and tested without a broker: where a partition resumes, what to do with a fetched batch
 * (trim what the store already holds, seek back over a gap), the lag, and what may be committed
 * to the consumer group (only what a checkpoint on disk holds).
 */

export type PartitionKey = `${string}:${number}`;

export const partitionKey = (topic: string, partition: number): PartitionKey => `${topic}:${partition}`;

export function splitPartitionKey(k: string): { topic: string; partition: number } {
  const at = k.lastIndexOf(':');
  return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)) };
}

export interface PartitionRange {
  low: bigint;
  high: bigint;
}

/** What to do with a fetched batch. */
export type BatchPlan =
  /** The fetch started past what the store holds (a group that committed further): go back. */
  | { action: 'seek'; offset: bigint }
  /** Apply messages from `from` on (earlier ones are in the store already). */
  | { action: 'apply'; from: bigint | null };

export class PartitionOffsets {
  /** Low and high offsets seen at start: where a fresh store begins and where batch mode stops. */
  #start: Map<string, PartitionRange> | null = null;
  readonly #high = new Map<string, bigint>();

  constructor(
    /** The store's next offsets, read live (they move as batches are applied). */
    readonly stored: () => Dict<string>,
    readonly from: 'earliest' | 'latest',
  ) {}

  get known(): boolean {
    return this.#start !== null;
  }

  /** The partitions and their ranges at start; set once, on the first connection. */
  setStart(ranges: Map<string, PartitionRange>): void {
    this.#start = ranges;
  }

  partitions(): string[] {
    return [...(this.#start?.keys() ?? [])];
  }

  /** The newest end offset seen for a partition (from fetches, or at start). */
  high(k: string): bigint | null {
    return this.#high.get(k) ?? this.#start?.get(k)?.high ?? null;
  }

  seenHigh(k: string, high: bigint): void {
    this.#high.set(k, high);
  }

  /** Where reading a partition must continue: the stored offset, else per `from` at start. */
  expected(k: string): bigint | null {
    const stored = this.stored()[k];
    if (stored !== undefined) return BigInt(stored);
    const start = this.#start?.get(k);
    if (!start) return null;
    return this.from === 'earliest' ? start.low : start.high;
  }

  /** Messages behind the newest end offsets seen; null before the partitions are known. */
  lag(): number | null {
    if (!this.#start) return null;
    let lag = 0n;
    for (const k of this.#start.keys()) {
      const high = this.high(k) as bigint;
      const next = this.expected(k) ?? high;
      if (high > next) lag += high - next;
    }
    return Number(lag);
  }

  /** Every partition read up to the end offset seen at start (batch mode's finish line). */
  caughtUp(): boolean {
    if (!this.#start) return false;
    for (const [k, start] of this.#start) {
      const next = this.expected(k);
      if (next === null || next < start.high) return false;
    }
    return true;
  }

  /**
   * The decision for a fetched batch whose first message has offset `first`; `expected`: where
   * the partition continues (the store's offset, or where batches applied with this one reach).
   */
  plan(k: string, first: bigint, expected = this.expected(k)): BatchPlan {
    if (expected !== null && first > expected) return { action: 'seek', offset: expected };
    return { action: 'apply', from: expected };
  }
}

/** Offsets a checkpoint holds, for the group's commit: only topics this source reads. */
export function commitsOf(
  saved: Dict<string>,
  topics: ReadonlySet<string>,
): Array<{ topic: string; partition: number; offset: string }> {
  return Object.entries(saved)
    .map(([k, offset]) => ({ ...splitPartitionKey(k), offset }))
    .filter((o) => topics.has(o.topic));
}
