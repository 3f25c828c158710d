import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, type Consumer, type EachBatchPayload, Kafka, logLevel, type Producer } from 'kafkajs';
import type { SourceState, SourceStatus } from '../../../../shared/source-status.js';
import type { RecordKind } from '../../decode/record-decoder.js';
import type { IngestSession } from '../../ingest/ingest-session.js';
import { type KafkaSettings, kafkaJsConfig } from '../../kafka/kafka-settings.js';
import type { CheckpointStats } from '../../store/profile-store.js';
import { UserError } from '../../user-error.js';
import { decodeKafkaMessage } from './message-decoder.js';

/**
 * Consumes the clickstream, predictions and (when it exists) customers topics into the engine
 * state with exactly-once effect: the store's offsets are the truth. On every (re)join each
 * partition is sought to the stored offset; a batch that still starts below it is trimmed and
 * one that starts above it (a gap) is sought back, so no message is counted twice or skipped. A
 * batch is applied together with its offsets, checkpointed with them, and only then committed
 * to the consumer group, for lag tools.
 *
 * The group is one per store (`c360-<store id>`) unless configured: a store needs every
 * partition, and sharing a group with another desktop would split the customers between them.
 *
 * Broker trouble never ends the run by itself: each failed attempt is reported (reconnecting, or
 * failed for authentication and authorisation errors) and retried with exponential backoff.
 * Batch mode (`follow: false`) may give up after `giveUpAfterMs` and stops at the end offsets
 * seen at start.
 */

export interface KafkaIngestOptions {
  follow: boolean;
  onStatus?: (status: SourceStatus) => void;
  shouldStop?: () => boolean;
  /** Give up (throw) after this long without a working connection; never when absent. */
  giveUpAfterMs?: number;
  /** Throw at once on an authentication or authorisation failure instead of retrying. */
  failFast?: boolean;
  backoff?: { initialMs: number; maxMs: number };
  /** Messages left to read at start, once known (for a progress bar). */
  onPlan?: (messages: number) => void;
  onBatch?: (session: IngestSession) => void;
}

export interface KafkaIngestResult {
  /** Messages read in this run (including quarantined ones). */
  messages: number;
  caughtUp: boolean;
}

interface PartitionOffsets {
  low: bigint;
  high: bigint;
}

const key = (topic: string, partition: number) => `${topic}:${partition}`;

/** Errors that retrying will not fix without a change of settings. */
function isFatal(error: unknown): boolean {
  for (
    let e = error as
      | { name?: string; type?: string; code?: string; cause?: unknown; originalError?: unknown }
      | undefined;
    e;
  ) {
    if (e.name === 'KafkaJSSASLAuthenticationError') return true;
    if (
      e.type &&
      /AUTHENTICATION_FAILED|AUTHORIZATION_FAILED|ILLEGAL_SASL_STATE|UNSUPPORTED_SASL_MECHANISM/.test(e.type)
    )
      return true;
    if (
      e.code &&
      /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID)/.test(
        e.code,
      )
    )
      return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}

function describeError(error: unknown): string {
  const e = error as { message?: string; originalError?: { message?: string }; cause?: { message?: string } };
  const inner = e.originalError?.message ?? e.cause?.message;
  const text = e.message ?? String(error);
  return inner && !text.includes(inner) ? `${text}: ${inner}` : text;
}

class TopicMissing extends Error {}

export class KafkaSource {
  readonly #settings: KafkaSettings;
  readonly #session: IngestSession;
  readonly #options: KafkaIngestOptions;
  readonly #kafka: Kafka;
  #status: SourceStatus;
  /** Low/high offsets seen at start: where a fresh store begins and where batch mode stops. */
  #startOffsets: Map<string, PartitionOffsets> | null = null;
  readonly #highWatermarks = new Map<string, bigint>();
  #kinds = new Map<string, RecordKind>();
  #messages = 0;
  /** The checkpoint whose offsets were last committed to the group. */
  #committed: CheckpointStats | null = null;
  #deadLetters: Producer | null = null;
  /** When the last attempt got connected: failures and the give-up clock count from there. */
  #healthyAt = Date.now();

  constructor(settings: KafkaSettings, session: IngestSession, options: KafkaIngestOptions) {
    this.#settings = settings;
    this.#session = session;
    this.#options = options;
    // kafkajs logs every retry at error level; the status reports what matters instead.
    this.#kafka = new Kafka({ ...kafkaJsConfig(settings), logLevel: logLevel.NOTHING });
    this.#status = this.#makeStatus('connecting', null, 0, null);
  }

  get status(): SourceStatus {
    return this.#status;
  }

  #makeStatus(
    state: SourceState,
    detail: string | null,
    attempt: number,
    nextRetryAt: Date | null,
  ): SourceStatus {
    return {
      source: 'kafka',
      state,
      target: this.#settings.brokers.join(','),
      detail,
      nextRetryAt: nextRetryAt?.toISOString() ?? null,
      attempt,
      lag: this.#lag(),
      at: new Date().toISOString(),
    };
  }

  #report(
    state: SourceState,
    detail: string | null = null,
    attempt = 0,
    nextRetryAt: Date | null = null,
  ): void {
    this.#status = this.#makeStatus(state, detail, attempt, nextRetryAt);
    this.#options.onStatus?.(this.#status);
  }

  /** Where reading a partition must continue: the stored offset, else per the `from` setting. */
  #expected(k: string): bigint | null {
    const stored = this.#session.state.sources.kafka[k];
    if (stored !== undefined) return BigInt(stored);
    const start = this.#startOffsets?.get(k);
    if (!start) return null;
    return this.#settings.from === 'earliest' ? start.low : start.high;
  }

  #lag(): number | null {
    if (!this.#startOffsets) return null;
    let lag = 0n;
    for (const [k, start] of this.#startOffsets) {
      const high = this.#highWatermarks.get(k) ?? start.high;
      const next = this.#expected(k) ?? high;
      if (high > next) lag += high - next;
    }
    return Number(lag);
  }

  #caughtUp(): boolean {
    if (!this.#startOffsets) return false;
    for (const [k, start] of this.#startOffsets) {
      const next = this.#expected(k);
      if (next === null || next < start.high) return false;
    }
    return true;
  }

  async run(): Promise<KafkaIngestResult> {
    const backoff = this.#options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    let failures = 0;
    let failingSince = this.#healthyAt;
    try {
      while (!this.#options.shouldStop?.()) {
        this.#report('connecting', null, failures);
        let error: unknown = null;
        let finished = false;
        try {
          finished = await this.#attempt();
        } catch (e) {
          error = e;
        }
        if (finished || this.#options.shouldStop?.()) break;
        if (error === null) continue;
        if (this.#healthyAt > failingSince) {
          // It was connected in between: this is a new outage, not more of the old one.
          failures = 0;
          failingSince = this.#healthyAt;
        }
        failures += 1;
        const fatal = isFatal(error);
        const reason = error instanceof TopicMissing ? error.message : describeError(error);
        if (fatal && this.#options.failFast) {
          this.#report('failed', reason, failures);
          throw new UserError(
            `cannot connect securely to Kafka at ${this.#settings.brokers.join(',')}: ${reason}; check the SSL/SASL settings`,
          );
        }
        const failingFor = Date.now() - failingSince;
        if (this.#options.giveUpAfterMs !== undefined && failingFor > this.#options.giveUpAfterMs) {
          this.#report('failed', reason, failures);
          throw new UserError(
            `could not read from Kafka at ${this.#settings.brokers.join(',')} for ${Math.round(failingFor / 1000)} s: ${reason}`,
          );
        }
        const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));
        this.#report(fatal ? 'failed' : 'reconnecting', reason, failures, new Date(Date.now() + delay));
        const until = Date.now() + delay;
        while (Date.now() < until && !this.#options.shouldStop?.())
          await sleep(Math.min(200, until - Date.now()));
      }
      if (this.#session.unsaved) await this.#session.checkpoint();
      const caughtUp = this.#caughtUp();
      this.#report(caughtUp && !this.#options.follow ? 'caught-up' : 'stopped');
      return { messages: this.#messages, caughtUp };
    } finally {
      await this.#deadLetters?.disconnect().catch(() => {});
    }
  }

  /** One connection's life. Resolves true when the work is done, false when asked to stop. */
  async #attempt(): Promise<boolean> {
    const admin = this.#kafka.admin();
    let consumer: Consumer | null = null;
    try {
      await admin.connect();
      const topics = await this.#topics(admin);
      if (!this.#startOffsets) {
        this.#startOffsets = await this.#offsets(admin, topics);
        const left = this.#lag() ?? 0;
        this.#options.onPlan?.(left);
      }
      if (!this.#options.follow && this.#caughtUp()) return true;

      consumer = this.#kafka.consumer({
        groupId: this.#group,
        retry: { initialRetryTime: 250, maxRetryTime: 2000, retries: 3, restartOnFailure: async () => false },
        // A killed predecessor holds its partitions until its session expires: keep that short.
        sessionTimeout: 10_000,
        rebalanceTimeout: 10_000,
        heartbeatInterval: 2000,
        maxBytes: 16 << 20,
        // Short fetch waits, so a seek or a stop never waits out a long poll.
        maxWaitTimeInMs: 1000,
      });
      const c = consumer;
      let settle: (result: boolean | Error) => void = () => {};
      const ended = new Promise<boolean | Error>((resolve) => {
        settle = resolve;
      });
      c.on(c.events.CRASH, ({ payload }) => settle(payload.error));
      c.on(c.events.GROUP_JOIN, ({ payload }) => {
        // Start every assigned partition where the store says, whatever the group committed.
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
          for (const partition of partitions) {
            const next = this.#expected(key(topic, partition));
            if (next !== null) c.seek({ topic, partition, offset: String(next) });
          }
        }
      });
      await c.connect();
      await c.subscribe({ topics, fromBeginning: this.#settings.from === 'earliest' });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async (payload) => {
          await this.#onBatch(c, payload);
          if (!this.#options.follow && this.#caughtUp()) settle(true);
        },
      });
      this.#healthyAt = Date.now();
      this.#report('connected');
      const poll = setInterval(() => {
        if (this.#options.shouldStop?.()) settle(false);
      }, 200);
      const result = await ended.finally(() => clearInterval(poll));
      if (result instanceof Error) throw result;
      // Save and commit while still a group member (a stopped consumer cannot commit).
      await this.#session.checkpoint();
      await this.#commitToGroup(c);
      await c.stop();
      return result;
    } finally {
      await consumer?.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
    }
  }

  /** The topics to read: clickstream and predictions must exist; customers is optional. */
  async #topics(admin: Admin): Promise<string[]> {
    const existing = new Set(await admin.listTopics());
    const { clickstream, predictions, customers } = this.#settings.topics;
    for (const topic of [clickstream, predictions]) {
      if (!existing.has(topic)) throw new TopicMissing(`topic "${topic}" does not exist on the cluster`);
    }
    this.#kinds = new Map<string, RecordKind>([
      [clickstream, 'clickstream'],
      [predictions, 'predictions'],
    ]);
    if (existing.has(customers)) this.#kinds.set(customers, 'customers');
    return [...this.#kinds.keys()];
  }

  async #offsets(admin: Admin, topics: string[]): Promise<Map<string, PartitionOffsets>> {
    const offsets = new Map<string, PartitionOffsets>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        offsets.set(key(topic, p.partition), { low: BigInt(p.low), high: BigInt(p.high) });
      }
    }
    return offsets;
  }

  async #onBatch(
    consumer: Consumer,
    { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload,
  ): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const k = key(batch.topic, batch.partition);
    this.#highWatermarks.set(k, BigInt(batch.highWatermark));
    const expected = this.#expected(k);
    const first = BigInt(batch.messages[0]?.offset ?? '0');
    if (expected !== null && first > expected) {
      // The fetch started past what the store holds (e.g. the group committed further): go back.
      consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(expected) });
      return;
    }
    const kind = this.#kinds.get(batch.topic) ?? 'any';
    const started = performance.now();
    const records = [];
    let last: string | null = null;
    for (const message of batch.messages) {
      if (expected !== null && BigInt(message.offset) < expected) continue;
      records.push(decodeKafkaMessage(batch.topic, batch.partition, message, kind));
      last = message.offset;
    }
    this.#session.timings.decodeMs += performance.now() - started;
    if (last === null) return;
    const next = String(BigInt(last) + 1n);
    this.#session.apply(records, (state) => {
      state.sources.kafka[k] = next;
    });
    this.#messages += records.length;
    await this.#sendDeadLetters(records);
    resolveOffset(last);
    this.#options.onBatch?.(this.#session);
    await this.#session.maybeCheckpoint();
    if (this.#session.saved !== this.#committed) await this.#commitToGroup(consumer);
    await heartbeat();
  }

  get #group(): string {
    return this.#settings.group ?? `c360-${this.#session.state.storeId}`;
  }

  /** After a checkpoint, so lag tools see what the store holds; the store stays the truth. */
  async #commitToGroup(consumer: Consumer): Promise<void> {
    const saved = this.#session.saved;
    this.#committed = saved;
    if (!saved) return;
    // The offsets of the checkpoint on disk: ingest may have read further since.
    const offsets = Object.entries(saved.sources.kafka)
      .map(([k, offset]) => {
        const at = k.lastIndexOf(':');
        return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)), offset };
      })
      .filter((o) => this.#kinds.has(o.topic));
    await consumer.commitOffsets(offsets).catch(() => {
      // A failed commit only delays what lag tools show; the next checkpoint commits again.
    });
  }

  async #sendDeadLetters(records: ReturnType<typeof decodeKafkaMessage>[]): Promise<void> {
    const topic = this.#settings.deadLetterTopic;
    if (!topic) return;
    const rejected = records.filter((r) => !r.result.ok);
    if (rejected.length === 0) return;
    if (!this.#deadLetters) {
      this.#deadLetters = this.#kafka.producer();
      await this.#deadLetters.connect();
    }
    await this.#deadLetters.send({
      topic,
      messages: rejected.map((r) => ({
        value: r.raw,
        headers: {
          reason: r.result.ok ? '' : r.result.reason,
          origin: JSON.stringify(r.origin),
        },
      })),
    });
  }
}

export function ingestKafka(
  settings: KafkaSettings,
  session: IngestSession,
  options: KafkaIngestOptions,
): Promise<KafkaIngestResult> {
  return new KafkaSource(settings, session, options).run();
}
