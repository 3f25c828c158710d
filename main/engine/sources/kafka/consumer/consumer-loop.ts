import { type Consumer, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import {
  BATCHES_AHEAD,
  type ConsumerMessage,
  type ConsumerRequest,
  type ConsumerWorkerData,
  markersOf,
  packBatch,
  plainError,
  transferOf,
} from './consumer-protocol.js';

/**
 * What the consumer's thread runs: kafkajs and nothing else. Each fetched batch goes to the source's thread
 * as raw bytes; the offsets the store holds stay the source's to decide (it answers a batch that
 * does not follow on with a seek). Up to BATCHES_AHEAD batches may wait to be applied, so fetching
 * and applying overlap; beyond that the thread waits, heartbeating, for the source to catch up.
 */

/** The thread's side of the messages: how it answers, and how it hears requests and ends. */
export interface ConsumerPort {
  post(message: ConsumerMessage, transfer?: ArrayBuffer[]): void;
  listen(onRequest: (request: ConsumerRequest) => void): void;
  close(): void;
}

export function serveConsumer({ client, groupId }: ConsumerWorkerData, port: ConsumerPort): void {
  const post = (message: ConsumerMessage, transfer: ArrayBuffer[] = []) => port.post(message, transfer);

  // kafkajs logs every retry at error level; the source reports what matters instead.
  const kafka = new Kafka({ ...(client as unknown as KafkaConfig), logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({
    groupId,
    retry: { initialRetryTime: 250, maxRetryTime: 2000, retries: 3, restartOnFailure: async () => false },
    // A killed predecessor holds its partitions until its session expires: keep that short.
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 2000,
    maxBytes: 16 << 20,
    // Larger batches: the timeline is written once per customer and batch applied.
    maxBytesPerPartition: 4 << 20,
    // Short fetch waits, so a seek or a stop never waits out a long poll: stopping waits for the
    // fetch in flight, which at the end of a topic waits this long for news. At 1000 ms the end of
    // `c360 ingest` took 0.74–1.01 s from the last batch applied, at 250 ms 0.32–0.45 s (three
    // runs each over the bench's million listens). Following an idle topic, it is four fetches a
    // second instead of one.
    maxWaitTimeInMs: 250,
  });

  /** Where each partition resumes on joining the group: the store's next offset, as the source last said. */
  const expected = new Map<string, string>();
  const key = (topic: string, partition: number) => `${topic}:${partition}`;
  let waiting = 0;
  let caughtUp: (() => void) | null = null;
  let stopping = false;

  consumer.on(consumer.events.CRASH, ({ payload }) =>
    post({ type: 'crash', error: plainError(payload.error) }),
  );
  consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize === 0) post(markersOf(payload));
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    // Start every assigned partition where the store says, whatever the group committed.
    for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
      for (const partition of partitions) {
        const offset = expected.get(key(topic, partition));
        if (offset !== undefined) consumer.seek({ topic, partition, offset });
      }
    }
  });

  async function start(topics: string[], fromBeginning: boolean): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const raw = packBatch(
          batch.topic,
          batch.partition,
          batch.highWatermark,
          batch.lastOffset(),
          batch.messages,
        );
        post({ type: 'batch', batch: raw }, transferOf(raw));
        waiting += 1;
        // kafkajs fetches from here on; the source seeks back if it must (the store is the truth).
        resolveOffset(batch.lastOffset());
        while (waiting > BATCHES_AHEAD && !stopping && isRunning()) {
          await new Promise<void>((resolve) => {
            caughtUp = resolve;
            setTimeout(resolve, 1000);
          });
          caughtUp = null;
          await heartbeat();
        }
        await heartbeat();
      },
    });
  }

  port.listen((request) => {
    const reply = (id: number, work: Promise<unknown>) =>
      work.then(
        () => post({ type: 'reply', id, error: null }),
        (error: unknown) => post({ type: 'reply', id, error: plainError(error) }),
      );
    switch (request.type) {
      case 'start':
        for (const [topic, partition, offset] of request.expected)
          expected.set(key(topic, partition), offset);
        void reply(request.id, start(request.topics, request.fromBeginning));
        break;
      case 'seek':
        expected.set(key(request.topic, request.partition), request.offset);
        try {
          consumer.seek({ topic: request.topic, partition: request.partition, offset: request.offset });
        } catch {
          // Not consuming (stopping, or between a crash and the source's retry): the next start seeks.
        }
        break;
      case 'applied':
        for (const [topic, partition, offset] of request.positions)
          expected.set(key(topic, partition), offset);
        waiting -= request.batches;
        if (waiting <= BATCHES_AHEAD) caughtUp?.();
        break;
      case 'commit':
        void reply(request.id, consumer.commitOffsets(request.offsets));
        break;
      case 'stop':
        stopping = true;
        caughtUp?.();
        void reply(
          request.id,
          consumer.stop().finally(() => consumer.disconnect()),
        ).finally(() => port.close());
        break;
    }
  });
}
