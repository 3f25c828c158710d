import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { SourceState, SourceStatus } from '../../../../shared/source-status.js';
import { MAX_RECORD_BYTES, type RecordKind } from '../../decode/record-decoder.js';
import { type DecodedRecord, type IngestRecord, isProfileRecord } from '../../ingest/ingest-session.js';
import { isListenRun, ListenRunBuilder } from '../../ingest/listen-run.js';
import { type KafkaSettings, kafkaJsConfig } from '../../kafka/kafka-settings.js';
import { UserError } from '../../user-error.js';
import { type Source, type SourceContext, sourceStatus } from '../source.js';
import {
  type KafkaRecordBytes,
  type Position,
  type RawBatch,
  recordsOf,
} from './consumer/consumer-protocol.js';
import { type ConsumerThread, defaultConsumer } from './consumer/consumer-thread.js';
import { DeadLetters } from './dead-letters.js';
import {
  classify,
  describeError,
  isFatal,
  isProgramFault,
  OtherCluster,
  ReadingFault,
  TopicMissing,
} from './errors.js';
import { decodeKafkaMessage } from './message-decoder.js';
import {
  commitsOf,
  type PartitionKey,
  PartitionOffsets,
  type PartitionRange,
  partitionKey,
  splitPartitionKey,
} from './offsets.js';
import { KafkaMetrics } from './operations.js';
import { type Backoff, backoffDelay, DEFAULT_BACKOFF, OutageClock, RepeatedFault } from './reconnect.js';

/**
 * Consumes the clickstream, predictions and (when it exists) customers topics with exactly-once
 * effect. The parts, one concern each: offsets.ts (the store's offsets are the truth: resume,
 * trim, seek back, lag, what to commit), reconnect.ts (backoff and the outage clock), errors.ts
 * (which failures retrying cannot fix, and in plain words), dead-letters.ts, message-decoder.ts,
 * operations.ts (lag and throughput over the last hour, connection history). This file runs
 * connections: one attempt is an admin client and a consumer until the work is done, the
 * engine asks to stop, or something breaks, then the next attempt after a backoff.
 *
 * The group is one per store (`c360-<store id>`) unless configured: a store needs every
 * partition, and sharing a group with another desktop would split the customers between them.
 * Progress is committed to it only after a checkpoint, for lag tools; the store stays the truth.
 */

export interface KafkaSourceOptions {
  /** Keep reading (the dashboard) or stop at the end offsets seen at start (`c360 ingest`). */
  follow: boolean;
  /** Give up (throw) after this long without a working connection; never when absent. */
  giveUpAfterMs?: number;
  /** Throw at once on a failure retrying cannot fix (login, certificate) instead of retrying. */
  failFast?: boolean;
  backoff?: Backoff;
  /** Messages left to read at start, once known (for a progress bar). */
  onPlan?: (messages: number) => void;
}

/**
 * What is read and what a message becomes: the event topics through the tolerant reader (here),
 * or another topic's own format (the profiles source). Connections, offsets, reconnection,
 * dead letters and operations are the same for every reading.
 */
export interface KafkaReading {
  /** The topics to read, given those the cluster has; throws TopicMissing for one that must exist. */
  topics(existing: ReadonlySet<string>): string[];
  decode(topic: string, partition: number, message: KafkaRecordBytes): IngestRecord;
  /**
   * Topics (of those `topics` returned) where a plain JSON listen decodes as `plainListen` reads
   * it: those are read as runs of listens (listen-run.ts).
   */
  listenTopics(): string[];
}

/** The clickstream and predictions topics, and customers when it exists. */
export function eventTopics(settings: KafkaSettings): KafkaReading {
  const kinds = new Map<string, RecordKind>();
  return {
    topics(existing) {
      const { clickstream, predictions, customers } = settings.topics;
      for (const topic of [clickstream, predictions]) {
        if (!existing.has(topic)) throw new TopicMissing(topic);
      }
      kinds.clear();
      kinds.set(clickstream, 'clickstream');
      kinds.set(predictions, 'predictions');
      if (existing.has(customers)) kinds.set(customers, 'customers');
      return [...kinds.keys()];
    },
    decode: (topic, partition, message) =>
      decodeKafkaMessage(topic, partition, message, kinds.get(topic) ?? 'any'),
    // From the kinds decode uses, so both threads read a topic alike (one named twice is read as predictions).
    listenTopics: () => [...kinds].filter(([, kind]) => kind === 'clickstream').map(([topic]) => topic),
  };
}

/** Messages the reading may throw on in a row before the attempt fails (see #decode). */
const THROWN_IN_A_ROW = 100;

export interface KafkaIngestResult {
  /** Messages read in this run (including quarantined ones). */
  messages: number;
  caughtUp: boolean;
}

export class KafkaSource implements Source<KafkaIngestResult> {
  readonly kind: 'kafka' | 'profiles' = 'kafka';
  readonly target: string;
  readonly metrics = new KafkaMetrics();
  readonly #settings: KafkaSettings;
  readonly #options: KafkaSourceOptions;
  readonly #kafka: Kafka;
  readonly #reading: KafkaReading;
  #offsets: PartitionOffsets | null = null;
  /** The topics this connection reads (those of the last attempt). */
  #topicsRead = new Set<string>();
  /** Those of them whose plain JSON listens are read as runs (#listens), not one by one. */
  #listenTopics = new Set<string>();
  readonly #listens = new ListenRunBuilder();
  #messages = 0;
  /** Grows with every apply (messages, or markers moving a position): a retry that got somewhere. */
  #progress = 0;
  /** Messages the reading threw on, in a row: a fault in every message is not quarantined away. */
  #thrownInARow = 0;
  /** The checkpoint whose offsets were last committed to the group. */
  #committed: unknown = null;
  #deadLetters: DeadLetters | null = null;
  #clock = new OutageClock(Date.now());
  #ctx: SourceContext | null = null;

  constructor(
    settings: KafkaSettings,
    options: KafkaSourceOptions,
    reading: KafkaReading = eventTopics(settings),
  ) {
    this.#settings = settings;
    this.#options = options;
    this.#reading = reading;
    this.target = settings.brokers.join(',');
    // kafkajs logs every retry at error level; the status reports what matters instead.
    this.#kafka = new Kafka({ ...kafkaJsConfig(settings), logLevel: logLevel.NOTHING });
    if (settings.deadLetterTopic) this.#deadLetters = new DeadLetters(this.#kafka, settings.deadLetterTopic);
  }

  /** The consumer group progress is committed to. */
  get group(): string {
    return this.#settings.group ?? `c360-${this.#ctx?.state.storeId ?? '…'}`;
  }

  get partitions(): PartitionOffsets | null {
    return this.#offsets;
  }

  /** The cluster's admin client, for the operations panel (members of the group). */
  admin(): Admin {
    return this.#kafka.admin();
  }

  #report(
    state: SourceState,
    detail: string | null = null,
    attempt = 0,
    nextRetryAt: Date | null = null,
  ): void {
    const status: SourceStatus = sourceStatus(this, state, {
      detail,
      attempt,
      nextRetryAt: nextRetryAt?.toISOString() ?? null,
      lag: this.#offsets?.lag() ?? null,
    });
    this.metrics.noteStatus(status);
    this.#ctx?.report(status);
  }

  async run(ctx: SourceContext): Promise<KafkaIngestResult> {
    this.#ctx = ctx;
    this.#offsets = new PartitionOffsets(() => ctx.state.sources.kafka, this.#settings.from);
    const backoff = this.#options.backoff ?? DEFAULT_BACKOFF;
    this.#clock = new OutageClock(Date.now());
    try {
      let failures = 0;
      const faults = new RepeatedFault();
      while (!ctx.shouldStop()) {
        this.#report('connecting', null, failures);
        let error: unknown = null;
        let finished = false;
        try {
          finished = await this.#attempt(ctx);
        } catch (e) {
          error = e;
        }
        if (finished || ctx.shouldStop()) break;
        if (error === null) continue;
        failures = this.#clock.failed();
        const fatal = isFatal(error);
        const reason = describeError(error);
        if (fatal && this.#options.failFast) {
          this.#report('failed', reason, failures);
          const kind = classify(error);
          throw new UserError(
            kind === 'other-cluster'
              ? `${reason}; use another --data-dir for this cluster`
              : `cannot connect securely to Kafka at ${this.target}: ${reason}; check the SSL/SASL settings`,
          );
        }
        const fault = isProgramFault(error);
        // Shown and acted on only while the failure is that fault: once it passed, a dropped
        // connection is "reconnecting" again.
        const stuck = faults.failed(fault ? reason : null, this.#progress) && fault;
        // A run with an end stops and says what broke. One that follows the stream (the app, a
        // booth) keeps trying, as a library's fault on a degraded cluster may pass, but says
        // "failed" with the fault rather than "reconnecting".
        if (stuck && !this.#options.follow) {
          this.#report('failed', reason, failures);
          throw new Error(
            `stopped reading Kafka at ${this.target}: the same error ${faults.limit} times in a row, with nothing read between (${reason}); this is a fault in c360, not in the connection`,
            { cause: error }, // its stack, for the report
          );
        }
        const failingFor = this.#clock.failingFor(Date.now());
        if (this.#options.giveUpAfterMs !== undefined && failingFor > this.#options.giveUpAfterMs) {
          this.#report('failed', reason, failures);
          throw new UserError(
            `could not read from Kafka at ${this.target} for ${Math.round(failingFor / 1000)} s: ${reason}`,
          );
        }
        // Each attempt that connects resets the outage's count, so a fault met after connecting
        // would be retried every second (a group join and a fetch each time): at the longest wait.
        const delay = stuck ? backoff.maxMs : backoffDelay(backoff, failures);
        this.#report(
          fatal || stuck ? 'failed' : 'reconnecting',
          reason,
          failures,
          new Date(Date.now() + delay),
        );
        const until = Date.now() + delay;
        while (Date.now() < until && !ctx.shouldStop()) await sleep(Math.min(200, until - Date.now()));
      }
      const caughtUp = this.#offsets.caughtUp();
      this.#report(caughtUp && !this.#options.follow ? 'caught-up' : 'stopped');
      return { messages: this.#messages, caughtUp };
    } finally {
      await this.#deadLetters?.close();
    }
  }

  /** One connection's life. Resolves true when the work is done, false when asked to stop. */
  async #attempt(ctx: SourceContext): Promise<boolean> {
    const offsets = this.#offsets as PartitionOffsets;
    const admin = this.#kafka.admin();
    let consumer: ConsumerThread | null = null;
    try {
      await admin.connect();
      await this.#checkCluster(ctx, admin);
      const topics = await this.#topics(admin);
      if (!offsets.known) {
        offsets.setStart(await this.#ranges(admin, topics));
        this.#options.onPlan?.(offsets.lag() ?? 0);
      }
      if (!this.#options.follow && offsets.caughtUp()) return true;

      consumer = defaultConsumer(kafkaJsConfig(this.#settings), this.group);
      const c = consumer;
      let settle: (result: boolean | Error) => void = () => {};
      const ended = new Promise<boolean | Error>((resolve) => {
        settle = resolve;
      });
      const expected: Array<[string, number, string]> = [];
      for (const k of offsets.partitions()) {
        const next = offsets.expected(k);
        const { topic, partition } = splitPartitionKey(k);
        if (next !== null && topics.includes(topic)) expected.push([topic, partition, String(next)]);
      }
      this.#listenTopics = new Set(this.#reading.listenTopics());
      await c.start(topics, this.#settings.from === 'earliest', expected, {
        batches: async (batches) => {
          const positions = await this.#onBatches(ctx, c, batches);
          if (!this.#options.follow && offsets.caughtUp()) settle(true);
          return positions;
        },
        // A transactional producer (the Kafka Streams app) ends each transaction with a commit
        // marker, which takes an offset but is never a message; a fetch that holds only markers
        // (or aborted records) never reaches a batch at all. Its range holds nothing to apply, so
        // the position moves past it here, or a partition would never count as caught up.
        markers: async (topic, partition, firstOffset, lastOffset) => {
          const k = partitionKey(topic, partition);
          const next = offsets.expected(k);
          const after = BigInt(lastOffset) + 1n;
          if (next === null || next < BigInt(firstOffset) || next >= after) return;
          await ctx.apply([], (state) => {
            state.sources.kafka[k] = String(after);
          });
          this.#progress += 1;
          if (!this.#options.follow && offsets.caughtUp()) settle(true);
        },
        failed: (error) => settle(error),
      });
      this.#clock.healthy(Date.now());
      this.#report('connected');
      const poll = setInterval(() => {
        if (ctx.shouldStop()) settle(false);
      }, 200);
      const result = await ended.finally(() => clearInterval(poll));
      if (result instanceof Error) throw result;
      // Save and commit while still a group member (a stopped consumer cannot commit).
      await ctx.checkpoint();
      await this.#commit(ctx, c);
      await c.stop();
      return result;
    } finally {
      await consumer?.close();
      await admin.disconnect().catch(() => {});
    }
  }

  /**
   * A store belongs to one cluster: its offsets mean nothing on another. The first cluster a
   * store reads from is written into it; a later connection to another cluster is refused.
   */
  async #checkCluster(ctx: SourceContext, admin: Admin): Promise<void> {
    const { clusterId } = await admin.describeCluster();
    const origin = ctx.state.origin;
    if (origin?.kind === 'demo')
      throw new OtherCluster('this store holds the demo stream; a Kafka connection needs a store of its own');
    if (origin?.kind === 'kafka' && origin.clusterId !== clusterId)
      throw new OtherCluster(
        `this store holds offsets of Kafka cluster ${origin.clusterId} (${origin.brokers}); ${this.target} is cluster ${clusterId}`,
      );
    if (!origin)
      await ctx.apply([], (state) => {
        state.origin = { kind: 'kafka', clusterId, brokers: this.target };
      });
  }

  async #topics(admin: Admin): Promise<string[]> {
    const topics = this.#reading.topics(new Set(await admin.listTopics()));
    this.#topicsRead = new Set(topics);
    return topics;
  }

  async #ranges(admin: Admin, topics: string[]): Promise<Map<string, PartitionRange>> {
    const ranges = new Map<string, PartitionRange>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        ranges.set(partitionKey(topic, p.partition), { low: BigInt(p.low), high: BigInt(p.high) });
      }
    }
    return ranges;
  }

  /**
   * Batches fetched while the last were applied, applied together with the positions they reach
   * (one apply, one timeline write). Each is trimmed to what the store lacks, counting the batches
   * before it; one that starts past that is dropped and its partition sought back.
   */
  async #onBatches(ctx: SourceContext, consumer: ConsumerThread, batches: RawBatch[]): Promise<Position[]> {
    const offsets = this.#offsets as PartitionOffsets;
    const started = performance.now();
    const reached = new Map<PartitionKey, { topic: string; partition: number; next: bigint }>();
    const records: IngestRecord[] = [];
    let messages = 0;
    for (const batch of batches) {
      const k = partitionKey(batch.topic, batch.partition);
      offsets.seenHigh(k, BigInt(batch.highWatermark));
      const plan = offsets.plan(k, batch.offsets[0] ?? 0n, reached.get(k)?.next ?? offsets.expected(k));
      if (plan.action === 'seek') {
        consumer.seek(batch.topic, batch.partition, String(plan.offset));
        continue;
      }
      // Offsets rise within a batch, so what the store holds already is a prefix of it.
      let first = 0;
      if (plan.from !== null)
        while (first < batch.count && (batch.offsets[first] as bigint) < plan.from) first++;
      if (first === batch.count) continue;
      const listens = this.#listenTopics.has(batch.topic) ? this.#listens : null;
      const decode = (message: KafkaRecordBytes) => {
        // A run of listens just read is messages read fine: throws around it are not in a row.
        if (isListenRun(records.at(-1))) this.#thrownInARow = 0;
        return this.#decode(batch.topic, batch.partition, message);
      };
      recordsOf(batch, first, listens, decode, records);
      if (isListenRun(records.at(-1))) this.#thrownInARow = 0;
      messages += batch.count - first;
      // Past a trailing commit marker too (see `markers` above): it is the batch's last offset.
      const lastOffset = BigInt(batch.lastOffset);
      reached.set(k, { topic: batch.topic, partition: batch.partition, next: lastOffset + 1n });
    }
    ctx.timings.decodeMs += performance.now() - started;
    if (reached.size === 0) return [];
    if (this.#deadLetters) {
      const rejected = records.filter(
        (r): r is DecodedRecord => !isProfileRecord(r) && !isListenRun(r) && !r.result.ok,
      );
      const where = await this.#deadLetters.send(rejected);
      rejected.forEach((r, i) => {
        r.deadLetter = where[i];
      });
    }
    await ctx.apply(records, (state) => {
      for (const [k, { next }] of reached) state.sources.kafka[k] = String(next);
    });
    this.#messages += messages;
    this.#progress += 1;
    this.metrics.noteBatch(messages);
    if (ctx.saved !== this.#committed) await this.#commit(ctx, consumer);
    return [...reached.values()].map(({ topic, partition, next }) => [topic, partition, String(next)]);
  }

  /**
   * The reading rejects a bad message with its reason; one it throws on shows a fault of ours, not
   * of the message. It is quarantined with the error, so one record never stops the run: thrown,
   * it failed the attempt, and every retry fetched the same message and threw again.
   */
  #decode(topic: string, partition: number, message: KafkaRecordBytes): IngestRecord {
    try {
      const record = this.#reading.decode(topic, partition, message);
      this.#thrownInARow = 0;
      return record;
    } catch (error) {
      // A fault that every message meets would quarantine the whole topic (and the store keeps
      // the last 10,000 only): past a few in a row it fails the attempt instead, before anything
      // is applied, and the retries stop the source as a repeated fault, with nothing lost.
      if (++this.#thrownInARow > THROWN_IN_A_ROW)
        throw new ReadingFault(
          `${THROWN_IN_A_ROW} messages in a row could not be read (${describeError(error)})`,
          {
            cause: error,
          },
        );
      const value = message.value;
      return {
        origin: { topic, partition, offset: message.offset },
        // Whole, as a rejected message's text is: it is what a dead-letter topic gets to replay.
        raw:
          value === null
            ? ''
            : value.length > MAX_RECORD_BYTES
              ? value.subarray(0, 200).toString('utf8')
              : value.toString('utf8'),
        result: { ok: false, reason: `could not be read (${describeError(error)})` },
      };
    }
  }

  /** After a checkpoint, so lag tools see what the store holds; the store stays the truth. */
  async #commit(ctx: SourceContext, consumer: ConsumerThread): Promise<void> {
    const saved = ctx.saved;
    this.#committed = saved;
    if (!saved) return;
    // The offsets of the checkpoint on disk: ingest may have read further since.
    await consumer.commit(commitsOf(saved.sources.kafka, this.#topicsRead)).catch(() => {
      // A failed commit only delays what lag tools show; the next checkpoint commits again.
    });
  }
}
