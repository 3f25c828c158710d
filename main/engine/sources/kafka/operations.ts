import type { SourceStatus } from '../../../../shared/source-status.js';

/**
 * What the operations panel shows over time, kept by the Kafka source: lag and throughput over
 * the last hour (a sample every 10 s, 360 in all) and the last changes of the connection's state.
 * Bounded: an hour of samples and 100 state changes, whatever the uptime.
 */

export const SAMPLE_EVERY_MS = 10_000;
const SAMPLES = 360;
const HISTORY = 100;

export interface KafkaSample {
  /** ISO time of the sample. */
  at: string;
  /** Messages behind, summed over partitions; null before the partitions are known. */
  lag: number | null;
  /** Messages read per second since the previous sample. */
  perSecond: number;
}

export interface ConnectionEvent {
  at: string;
  state: SourceStatus['state'];
  detail: string | null;
  attempt: number;
}

export class KafkaMetrics {
  readonly #samples: KafkaSample[] = [];
  readonly #history: ConnectionEvent[] = [];
  #messages = 0;
  #lastSampleAt: number | null = null;

  noteBatch(messages: number): void {
    this.#messages += messages;
  }

  /** Keeps a state change, unless it only repeats the last one (a "connected" per batch). */
  noteStatus(status: SourceStatus): void {
    const last = this.#history[this.#history.length - 1];
    if (
      last &&
      last.state === status.state &&
      last.detail === status.detail &&
      last.attempt === status.attempt
    )
      return;
    this.#history.push({
      at: status.at,
      state: status.state,
      detail: status.detail,
      attempt: status.attempt,
    });
    if (this.#history.length > HISTORY) this.#history.shift();
  }

  /** Called often (every tick); takes a sample once SAMPLE_EVERY_MS has passed since the last. */
  tick(now: number, lag: number | null): void {
    if (this.#lastSampleAt === null) {
      this.#lastSampleAt = now;
      this.#messages = 0;
      return;
    }
    const elapsed = now - this.#lastSampleAt;
    if (elapsed < SAMPLE_EVERY_MS) return;
    this.#samples.push({
      at: new Date(now).toISOString(),
      lag,
      perSecond: Math.round((this.#messages * 1000) / elapsed),
    });
    if (this.#samples.length > SAMPLES) this.#samples.shift();
    this.#messages = 0;
    this.#lastSampleAt = now;
  }

  samples(): KafkaSample[] {
    return [...this.#samples];
  }

  /** Latest first. */
  history(): ConnectionEvent[] {
    return [...this.#history].reverse();
  }
}
