import { Worker } from 'node:worker_threads';
import type { KafkaConfig } from 'kafkajs';
import { serveConsumer } from './consumer-loop.js';
import {
  type ConsumerMessage,
  type ConsumerRequest,
  type ConsumerWorkerData,
  type Position,
  type RawBatch,
  revivedError,
} from './consumer-protocol.js';

/**
 * The source's side of the consumer thread (consumer-worker.ts): starts it, hands its batches to
 * the source in the order fetched (those that arrived while the last were applied, together),
 * tells it when they are applied, and passes on seeks, commits and the stop. Batches that fail to
 * apply end the attempt, as a crash does.
 */

export interface ConsumerHandlers {
  /**
   * Fetched batches, in order (those that waited while the last were applied, together: one
   * apply and one timeline write for all). Resolves, once applied, with where their partitions
   * now resume.
   */
  batches(batches: RawBatch[]): Promise<Position[]>;
  /** A fetch of transaction markers only: offsets `firstOffset`..`lastOffset` hold no messages. */
  markers(topic: string, partition: number, firstOffset: string, lastOffset: string): Promise<void>;
  /** kafkajs crashed, the thread died or a batch failed: this consumer is finished. */
  failed(error: Error): void;
}

/** Opens the consumer for one connection attempt. */
export type OpenConsumer = (client: KafkaConfig, groupId: string) => ConsumerThread;

/** How the source talks to the consumer: a worker thread's port, or the same thread's. */
export interface ConsumerLink {
  post(request: ConsumerRequest): void;
  onMessage(handler: (message: ConsumerMessage) => void): void;
  /** When the consumer's side is gone, with why if it failed (a thread may report both). */
  onEnd(handler: (error: Error | null) => void): void;
  terminate(): Promise<void>;
}

/** The consumer in a worker thread of its own (the compiled consumer-worker.js beside this file). */
const workerConsumer: OpenConsumer = (client, groupId) => {
  const data: ConsumerWorkerData = { client: client as unknown as Record<string, unknown>, groupId };
  // kafkajs makes objects per message that all die young: a larger young generation
  // collects them less often (about 5% faster in the Kafka bench).
  const worker = new Worker(new URL('./consumer-worker.js', import.meta.url), {
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
  });
  return new ConsumerThread({
    post: (request) => worker.postMessage(request),
    onMessage: (handler) => worker.on('message', handler),
    onEnd: (handler) => {
      worker.on('error', (e) => handler(new Error(`the Kafka consumer's thread failed: ${e.message}`)));
      worker.on('exit', () => handler(null));
    },
    terminate: async () => {
      await worker.terminate();
    },
  });
};

/**
 * The same consumer on this thread: the same code and messages, cloned as a thread's are. For
 * code run from its TypeScript sources (the tests), where no compiled worker file exists.
 */
const inThreadConsumer: OpenConsumer = (client, groupId) => {
  let toSource: (message: ConsumerMessage) => void = () => {};
  let toConsumer: (request: ConsumerRequest) => void = () => {};
  let ended: (error: Error | null) => void = () => {};
  serveConsumer(
    { client: client as unknown as Record<string, unknown>, groupId },
    {
      post: (message, transfer = []) => {
        const copy = structuredClone(message, { transfer });
        setImmediate(() => toSource(copy));
      },
      listen: (onRequest) => {
        toConsumer = onRequest;
      },
      close: () => setImmediate(() => ended(null)),
    },
  );
  return new ConsumerThread({
    post: (request) => {
      const copy = structuredClone(request);
      setImmediate(() => toConsumer(copy));
    },
    onMessage: (handler) => {
      toSource = handler;
    },
    onEnd: (handler) => {
      ended = handler;
    },
    terminate: async () => {},
  });
};

/** The thread when this code runs compiled; on this thread when it runs from its sources. */
export const defaultConsumer: OpenConsumer = import.meta.url.endsWith('.ts')
  ? inThreadConsumer
  : workerConsumer;

type Queued = Extract<ConsumerMessage, { type: 'batch' | 'markers' }>;

/**
 * Records applied together at most (one batch may hold more). Unbounded, a catch-up applied up to
 * 16 fetches of 4 MB a partition in one go: hundreds of thousands of records, seconds during which
 * the engine answered nothing, and `--checkpoint-every 4000` saved every 60,000–230,000 records.
 */
const APPLY_AT_MOST = 16_384;

export class ConsumerThread {
  readonly #link: ConsumerLink;
  #nextId = 0;
  readonly #replies = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  #handlers: ConsumerHandlers | null = null;
  readonly #queue: Queued[] = [];
  #pumping = false;
  /** Set once the consumer is finished (failed or stopped): nothing more is applied or asked. */
  #over: Error | null = null;
  /** Set once the thread asked to leave the group, or ended. */
  #leaving: Promise<void> | null = null;

  constructor(link: ConsumerLink) {
    this.#link = link;
    link.onMessage((m) => this.#received(m));
    link.onEnd((error) => {
      this.#leaving ??= Promise.resolve();
      this.#finish(error ?? new Error("the Kafka consumer's thread stopped"));
    });
  }

  /** Connects, joins the group and starts fetching; `expected`: where each known partition resumes. */
  start(
    topics: string[],
    fromBeginning: boolean,
    expected: Position[],
    handlers: ConsumerHandlers,
  ): Promise<void> {
    this.#handlers = handlers;
    return this.#ask((id) => ({ type: 'start', id, topics, fromBeginning, expected }));
  }

  seek(topic: string, partition: number, offset: string): void {
    if (!this.#over) this.#link.post({ type: 'seek', topic, partition, offset } satisfies ConsumerRequest);
  }

  commit(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> {
    return this.#ask((id) => ({ type: 'commit', id, offsets }));
  }

  /** Stops fetching, leaves the group and ends the thread; batches not yet applied are dropped. */
  async stop(): Promise<void> {
    if (this.#over) return;
    const stopped = this.#leave();
    this.#over = new Error('the Kafka consumer was stopped');
    this.#queue.length = 0;
    await stopped;
  }

  /**
   * Ends the thread whatever state it is in (after stop, or when an attempt failed). A consumer
   * that failed while its thread runs still leaves the group first: ended without a word, it kept
   * the next attempt's consumer from joining until its session expired (10 s and a rebalance).
   */
  async close(): Promise<void> {
    // After a failure only briefly: with the cluster out of reach, leaving cannot be done, and each
    // attempt meanwhile would wait for it.
    const wait = this.#leaving ? 5000 : 1500;
    await Promise.race([this.#leave(), new Promise((resolve) => setTimeout(resolve, wait).unref())]);
    await this.#link.terminate();
  }

  /** Asks the thread, once, to stop fetching and leave the group; settles when it has. */
  #leave(): Promise<void> {
    if (!this.#leaving) {
      const id = this.#nextId++;
      this.#leaving = new Promise<void>((resolve) => {
        this.#replies.set(id, { resolve, reject: () => resolve() });
        this.#link.post({ type: 'stop', id } satisfies ConsumerRequest);
      });
    }
    return this.#leaving;
  }

  #ask(request: (id: number) => ConsumerRequest): Promise<void> {
    if (this.#over) return Promise.reject(this.#over);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#replies.set(id, { resolve, reject });
      this.#link.post(request(id));
    });
  }

  #received(m: ConsumerMessage): void {
    switch (m.type) {
      case 'reply': {
        const waiting = this.#replies.get(m.id);
        this.#replies.delete(m.id);
        if (m.error) waiting?.reject(revivedError(m.error));
        else waiting?.resolve();
        return;
      }
      case 'crash':
        this.#finish(revivedError(m.error));
        return;
      default:
        if (this.#over) return;
        this.#queue.push(m);
        void this.#pump();
    }
  }

  /** Applies what is queued in order: markers one at a time, the batches between them together (up to APPLY_AT_MOST records). */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let next = this.#queue.shift(); next && !this.#over; next = this.#queue.shift()) {
        const handlers = this.#handlers as ConsumerHandlers;
        if (next.type === 'markers') {
          await handlers.markers(next.topic, next.partition, next.firstOffset, next.lastOffset);
          continue;
        }
        const batches = [next.batch];
        let records = next.batch.count;
        for (
          let more = this.#queue[0];
          more?.type === 'batch' && records + more.batch.count <= APPLY_AT_MOST;
          more = this.#queue[0]
        ) {
          batches.push(more.batch);
          records += more.batch.count;
          this.#queue.shift();
        }
        const positions = await handlers.batches(batches);
        const applied: ConsumerRequest = { type: 'applied', batches: batches.length, positions };
        if (!this.#over) this.#link.post(applied);
      }
    } catch (error) {
      this.#finish(error as Error);
    } finally {
      this.#pumping = false;
    }
  }

  #finish(error: Error): void {
    const first = this.#over === null;
    this.#over ??= error;
    this.#queue.length = 0;
    for (const waiting of this.#replies.values()) waiting.reject(error);
    this.#replies.clear();
    if (first) this.#handlers?.failed(error);
  }
}
