import { describe, expect, it, vi } from 'vitest';
import type { DecodedRecord, IngestRecord } from '../../main/engine/ingest/ingest-session.js';
import { isListenRun, ListenRunBuilder } from '../../main/engine/ingest/listen-run.js';
import { resolveKafkaSettings } from '../../main/engine/kafka/kafka-settings.js';
import type {
  ConsumerMessage,
  RawBatch,
} from '../../main/engine/sources/kafka/consumer/consumer-protocol.js';
import {
  markersOf,
  packBatch,
  plainError,
  recordAt,
  recordsOf,
  revivedError,
} from '../../main/engine/sources/kafka/consumer/consumer-protocol.js';
import {
  type ConsumerLink,
  ConsumerThread,
} from '../../main/engine/sources/kafka/consumer/consumer-thread.js';
import {
  classify,
  explain,
  isFatal,
  isProgramFault,
  OtherCluster,
  TopicMissing,
} from '../../main/engine/sources/kafka/errors.js';
import { eventTopics } from '../../main/engine/sources/kafka/kafka-source.js';
import { decodeKafkaMessage } from '../../main/engine/sources/kafka/message-decoder.js';
import { commitsOf, PartitionOffsets } from '../../main/engine/sources/kafka/offsets.js';
import { KafkaMetrics, SAMPLE_EVERY_MS } from '../../main/engine/sources/kafka/operations.js';
import { backoffDelay, OutageClock, RepeatedFault } from '../../main/engine/sources/kafka/reconnect.js';
import { dict } from '../../shared/dict.js';

/** The Kafka source's pure parts, without a broker: exactly-once decisions, backoff, errors, metrics. */

describe('offsets: the store is the truth', () => {
  const ranges = new Map([
    ['clicks:0', { low: 10n, high: 100n }],
    ['clicks:1', { low: 0n, high: 50n }],
  ]);

  it('resumes a partition at the stored offset, else at the start or the end for a new store', () => {
    const stored = dict<string>([['clicks:0', '40']]);
    const earliest = new PartitionOffsets(() => stored, 'earliest');
    earliest.setStart(ranges);
    expect(earliest.expected('clicks:0')).toBe(40n);
    expect(earliest.expected('clicks:1')).toBe(0n);
    const latest = new PartitionOffsets(() => stored, 'latest');
    latest.setStart(ranges);
    expect(latest.expected('clicks:1')).toBe(50n);
    expect(latest.expected('unknown:0')).toBeNull();
  });

  it('trims a batch that starts below the stored offset and seeks back over a gap', () => {
    const stored = dict<string>([['clicks:0', '40']]);
    const o = new PartitionOffsets(() => stored, 'earliest');
    o.setStart(ranges);
    expect(o.plan('clicks:0', 35n)).toEqual({ action: 'apply', from: 40n }); // 35–39 are in the store
    expect(o.plan('clicks:0', 40n)).toEqual({ action: 'apply', from: 40n });
    expect(o.plan('clicks:0', 45n)).toEqual({ action: 'seek', offset: 40n }); // 40–44 would be skipped
  });

  it('sums the lag over partitions from the newest end offsets seen, and knows when it caught up', () => {
    const stored = dict<string>([['clicks:0', '40']]);
    const o = new PartitionOffsets(() => stored, 'earliest');
    expect(o.lag()).toBeNull();
    o.setStart(ranges);
    expect(o.lag()).toBe(60 + 50);
    o.seenHigh('clicks:0', 120n);
    expect(o.lag()).toBe(80 + 50);
    expect(o.caughtUp()).toBe(false);
    stored['clicks:0'] = '100';
    stored['clicks:1'] = '50';
    expect(o.caughtUp()).toBe(true); // up to the end seen at start; 20 newer ones still lag
    expect(o.lag()).toBe(20);
  });

  it('commits only what a checkpoint on disk holds, of the topics it reads', () => {
    expect(
      commitsOf(
        dict([
          ['clicks:0', '40'],
          ['other:2', '7'],
          ['a:b:3', '9'],
        ]),
        new Set(['clicks', 'a:b']),
      ),
    ).toEqual([
      { topic: 'clicks', partition: 0, offset: '40' },
      { topic: 'a:b', partition: 3, offset: '9' },
    ]);
  });
});

describe('a batch from the consumer thread', () => {
  it('carries every offset, key and value as fetched, null ones included', () => {
    const messages = [
      { offset: '7', key: Buffer.from('c1'), value: Buffer.from('{"a":1}') },
      { offset: '9', key: null, value: Buffer.from('') },
      { offset: '9007199254740993', key: Buffer.from('k\u00e9'), value: null },
    ];
    const packed = structuredClone(packBatch('clicks', 2, '11', '10', messages));
    expect([packed.topic, packed.partition, packed.highWatermark, packed.lastOffset, packed.count]).toEqual([
      'clicks',
      2,
      '11',
      '10',
      3,
    ]);
    const read = Array.from({ length: packed.count }, (_, i) => recordAt(packed, i));
    expect(read.map((r) => r.offset)).toEqual(['7', '9', '9007199254740993']);
    expect(read.map((r) => r.key?.toString())).toEqual(['c1', undefined, 'k\u00e9']);
    expect(read.map((r) => r.value?.toString() ?? null)).toEqual(['{"a":1}', '', null]);
  });
});

describe('listens read as runs', () => {
  it('leaves a message the run reader throws on to be decoded alone, and reads the others in runs', () => {
    const listen = (id: string) =>
      Buffer.from(
        JSON.stringify({ type: 'listen', customerId: id, trackId: 't', ts: '2026-03-04 05:06:07' }),
      );
    const messages = [listen('c1'), Buffer.from('boom'), listen('c2'), listen('c3')].map((value, i) => ({
      offset: String(i),
      key: null,
      value,
    }));
    const batch = packBatch('clicks', 0, '4', '3', messages);
    const real = new ListenRunBuilder();
    const faulty = {
      add(bytes: Uint8Array, start: number, end: number) {
        if (Buffer.from(bytes).toString('latin1', start, end) === 'boom')
          throw new TypeError("Cannot read properties of undefined (reading 'at')");
        return real.add(bytes, start, end);
      },
      take: () => real.take(),
    } as unknown as ListenRunBuilder;
    const records: IngestRecord[] = [];
    recordsOf(batch, 0, faulty, (m) => decodeKafkaMessage('clicks', 0, m, 'clickstream'), records);
    const shapes = records.map((r) => (isListenRun(r) ? `run of ${r.length}` : 'message'));
    expect(shapes).toEqual(['run of 1', 'message', 'run of 2']);
    const alone = records[1] as DecodedRecord;
    expect(alone.result.ok).toBe(false);
    expect(alone.origin).toEqual({ topic: 'clicks', partition: 0, offset: '1' });
  });
});

describe('a fetch with nothing to apply', () => {
  it('is a range of offsets the source can read, also when kafkajs gives no first offset', () => {
    const of = (firstOffset: string | null, lastOffset: string) =>
      markersOf({ topic: 't', partition: 1, firstOffset, lastOffset });
    expect(of('40', '42')).toEqual({
      type: 'markers',
      topic: 't',
      partition: 1,
      firstOffset: '40',
      lastOffset: '42',
    });
    const allBefore = of(null, '41');
    expect([allBefore.firstOffset, allBefore.lastOffset]).toEqual(['41', '41']);
    expect(() => BigInt(allBefore.firstOffset)).not.toThrow();
  });
});

describe('what the consumer thread reads itself', () => {
  it('is the plain listens of the topics decoded as the clickstream, and of no other', () => {
    const reading = eventTopics(resolveKafkaSettings([{ brokers: 'x:1', topics: 'clicks,preds' }]));
    reading.topics(new Set(['clicks', 'preds', 'customers']));
    expect(reading.listenTopics()).toEqual(['clicks']);
    // One topic named for both is read as predictions (where a listen is refused): so the thread
    // must not take its listens either.
    const shared = eventTopics(resolveKafkaSettings([{ brokers: 'x:1', topics: 'events,events' }]));
    shared.topics(new Set(['events']));
    expect(shared.listenTopics()).toEqual([]);
  });
});

describe('reconnecting', () => {
  it('backs off from 1 s to 30 s, doubling', () => {
    const b = { initialMs: 1000, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(b, n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });

  it('counts failures per outage, and measures one from the last healthy moment', () => {
    const clock = new OutageClock(0);
    expect([clock.failed(), clock.failed()]).toEqual([1, 2]);
    expect(clock.failingFor(5000)).toBe(5000);
    clock.healthy(6000);
    expect(clock.failed()).toBe(1); // a new outage
    expect(clock.failingFor(9000)).toBe(3000);
  });

  it('stops on the same fault three times in a row with nothing read between, and only then', () => {
    const faults = new RepeatedFault();
    expect([faults.failed('x is undefined', 10), faults.failed('x is undefined', 10)]).toEqual([
      false,
      false,
    ]);
    expect(faults.failed('x is undefined', 10)).toBe(true);
    const progressing = new RepeatedFault();
    // Messages read between the faults: retrying gets somewhere, so it goes on.
    expect([10, 20, 30, 40].map((read) => progressing.failed('x is undefined', read))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const interrupted = new RepeatedFault();
    // Another fault starts the count again; a connection failure between (the group rebalancing)
    // neither counts nor starts it again.
    expect(['a', 'a', 'b', 'a', null, 'a'].map((text) => interrupted.failed(text, 0))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(interrupted.failed('a', 0)).toBe(true);
  });
});

describe('Kafka errors', () => {
  const wrapped = (inner: object) =>
    Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError', originalError: inner });

  it('knows which failures retrying cannot fix', () => {
    const sasl = Object.assign(new Error('SASL SCRAM SHA256 authentication failed'), {
      name: 'KafkaJSSASLAuthenticationError',
    });
    const cert = wrapped(
      Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    );
    const refused = wrapped(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    );
    expect([classify(sasl), classify(cert), classify(refused)]).toEqual([
      'authentication',
      'certificate',
      'unreachable',
    ]);
    expect([isFatal(sasl), isFatal(cert), isFatal(refused), isFatal(new TopicMissing('x'))]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(isFatal(new OtherCluster('this store holds another cluster'))).toBe(true);
  });

  it('tell a fault in the code from trouble with the connection, also from the consumer thread', () => {
    const fault = wrapped(new TypeError("Cannot read properties of undefined (reading 'offset')"));
    const refused = wrapped(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    );
    expect([
      isProgramFault(fault),
      isProgramFault(new SyntaxError('Cannot convert null to a BigInt')),
    ]).toEqual([true, true]);
    expect([isProgramFault(refused), isProgramFault(new TopicMissing('x'))]).toEqual([false, false]);
    expect(isProgramFault(revivedError(structuredClone(plainError(fault))))).toBe(true);
  });

  it('are classified the same after crossing from the consumer thread', () => {
    const auth = wrapped(
      Object.assign(new Error('SASL authentication failed'), { name: 'KafkaJSSASLAuthenticationError' }),
    );
    const acl = Object.assign(new Error('Not authorized'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const cert = wrapped(
      Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    );
    for (const error of [auth, acl, cert]) {
      // postMessage keeps plain data only: the classes and the chain's own fields are lost without this.
      const crossed = revivedError(structuredClone(plainError(error)));
      expect(classify(crossed)).toBe(classify(error));
      expect(explain(crossed)).toEqual(explain(error));
    }
    expect(classify(structuredClone(auth))).not.toBe('authentication');
  });

  it('says what went wrong and what to change, in plain words', () => {
    const sasl = Object.assign(new Error('SASL PLAIN authentication failed'), {
      name: 'KafkaJSSASLAuthenticationError',
    });
    expect(explain(sasl)).toEqual({
      problem: 'The cluster refused the login (SASL PLAIN authentication failed).',
      fix: 'Check the SASL mechanism, user name and password; they must match a user the cluster knows.',
    });
    expect(
      explain(wrapped(Object.assign(new Error('getaddrinfo ENOTFOUND kafka.nowhere'), { code: 'ENOTFOUND' })))
        .fix,
    ).toMatch(/bootstrap servers .*\(VPN, firewall\)/);
    expect(explain(new TopicMissing('clicks')).problem).toBe('topic "clicks" does not exist on the cluster');
  });
});

describe('operations metrics', () => {
  it('samples lag and throughput every 10 s and keeps one hour', () => {
    const m = new KafkaMetrics();
    m.tick(0, 500);
    for (let i = 1; i <= 400; i++) {
      m.noteBatch(1000);
      m.tick(i * SAMPLE_EVERY_MS, 500 - i);
    }
    const samples = m.samples();
    expect(samples).toHaveLength(360);
    expect(samples.at(-1)).toEqual({
      at: new Date(400 * SAMPLE_EVERY_MS).toISOString(),
      lag: 100,
      perSecond: 100,
    });
  });

  it('keeps state changes, not a repeat per batch, latest first', () => {
    const m = new KafkaMetrics();
    const status = (state: 'connected' | 'reconnecting', detail: string | null = null) => ({
      source: 'kafka' as const,
      state,
      target: 'b:9092',
      detail,
      nextRetryAt: null,
      attempt: 0,
      lag: 0,
      at: new Date().toISOString(),
    });
    m.noteStatus(status('connected'));
    m.noteStatus(status('connected'));
    m.noteStatus(status('reconnecting', 'ECONNREFUSED'));
    expect(m.history().map((h) => h.state)).toEqual(['reconnecting', 'connected']);
  });
});

describe('the consumer thread, on the engine side', () => {
  it('applies batches that waited together, but never more than 16,384 records at once, in order', async () => {
    let deliver: (m: ConsumerMessage) => void = () => {};
    const link: ConsumerLink = {
      post: () => {},
      onMessage: (h) => {
        deliver = h;
      },
      onEnd: () => {},
      terminate: async () => {},
    };
    const thread = new ConsumerThread(link);
    const applied: number[][] = [];
    let release: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    void thread.start([], false, [], {
      batches: async (batches) => {
        applied.push(batches.map((b) => b.count));
        if (applied.length === 1) await firstHeld;
        return [];
      },
      markers: async () => {},
      failed: () => {},
    });
    const batch = (count: number) => ({ type: 'batch', batch: { count } as RawBatch }) as ConsumerMessage;
    deliver(batch(10));
    // Ten fetches of 5,000 arrive while the first is applied (a catch-up).
    for (let i = 0; i < 10; i++) deliver(batch(5_000));
    release();
    await vi.waitFor(() => expect(applied.flat()).toHaveLength(11));
    // Together up to the bound (16,384 holds three of them), never past it.
    const three = [5_000, 5_000, 5_000];
    expect(applied).toEqual([[10], three, three, three, [5_000]]);
  });
});
