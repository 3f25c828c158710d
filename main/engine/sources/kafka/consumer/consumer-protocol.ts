import type { IngestRecord } from '../../../ingest/ingest-session.js';
import type { ListenRunBuilder } from '../../../ingest/listen-run.js';

/**
 * The messages between the Kafka source and its consumer thread. The thread runs kafkajs alone
 * (fetching, decompressing, reading record batches, heartbeats) and hands each batch on as raw
 * bytes, in three transferred buffers per batch; the source's thread decodes and applies it. So the
 * consumer fetches the next batch while the last one is applied, on the second core.
 */

/** A message's offset, key and value, as a reading decodes them (a subset of kafkajs's KafkaMessage). */
export interface KafkaRecordBytes {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/** One fetched batch of one partition, packed: every key and value side by side in `bytes`. */
export interface RawBatch {
  topic: string;
  partition: number;
  highWatermark: string;
  /** kafkajs's `batch.lastOffset()`: past a trailing transaction marker, which is never a message. */
  lastOffset: string;
  count: number;
  offsets: BigInt64Array;
  /** Per message: key start, key end, value start, value end in `bytes`; −1, −1 for a null key or value. */
  bounds: Int32Array;
  bytes: Uint8Array;
}

/** An error as it crosses threads: the fields errors.ts classifies by, and its cause, kept. */
export interface PlainError {
  name: string;
  message: string;
  type?: string;
  code?: string;
  cause?: PlainError;
}

/** What the consumer thread is started with. */
export interface ConsumerWorkerData {
  /** kafkajs's client configuration (brokers, TLS, SASL), as kafkaJsConfig makes it. */
  client: Record<string, unknown>;
  groupId: string;
}

/** Where a partition resumes: the store's next offset. */
export type Position = [topic: string, partition: number, offset: string];

export type ConsumerRequest =
  /** Connect, subscribe and start consuming; each partition joined is first moved to `expected`. */
  | {
      type: 'start';
      id: number;
      topics: string[];
      fromBeginning: boolean;
      expected: Position[];
    }
  | { type: 'seek'; topic: string; partition: number; offset: string }
  /** Batches were applied: the thread may fetch further ahead, and a rejoin resumes where they reached. */
  | { type: 'applied'; batches: number; positions: Position[] }
  | { type: 'commit'; id: number; offsets: Array<{ topic: string; partition: number; offset: string }> }
  /** Stop consuming and leave the group; the thread then ends. */
  | { type: 'stop'; id: number };

export type ConsumerMessage =
  | { type: 'reply'; id: number; error: PlainError | null }
  | { type: 'batch'; batch: RawBatch }
  /** A fetch that held only transaction markers (or aborted records): offsets without messages. */
  | { type: 'markers'; topic: string; partition: number; firstOffset: string; lastOffset: string }
  | { type: 'crash'; error: PlainError };

/**
 * The range of a fetch that held nothing to apply, from kafkajs's START_BATCH_PROCESS. kafkajs
 * gives no first offset (null) when every record it fetched lay before the offset it fetched
 * from, and resolves the partition to its last offset all the same: the range is that one offset.
 * Sent as "null", it failed the source's reading of it, and a retry fetched the same again.
 */
export function markersOf(payload: {
  topic: string;
  partition: number;
  firstOffset: string | null;
  lastOffset: string;
}): Extract<ConsumerMessage, { type: 'markers' }> {
  return {
    type: 'markers',
    topic: payload.topic,
    partition: payload.partition,
    firstOffset: String(payload.firstOffset ?? payload.lastOffset),
    lastOffset: String(payload.lastOffset),
  };
}

/** How many batches the consumer may fetch ahead of what is applied. */
export const BATCHES_AHEAD = 16;

/**
 * A batch's messages from `first` on, as the session's records, appended to `into`: on a topic of
 * listens, the plain ones as runs of columns (`listens`; one record for each stretch of them),
 * in order with the other messages, which `decode` reads.
 */
export function recordsOf(
  batch: RawBatch,
  first: number,
  listens: ListenRunBuilder | null,
  decode: (message: KafkaRecordBytes) => IngestRecord,
  into: IngestRecord[],
): void {
  const b = batch.bounds;
  // Nothing left from a batch read part-way (its attempt failed): a run never spans two batches.
  listens?.take();
  for (let i = first; i < batch.count; i++) {
    const start = b[i * 4 + 2] as number;
    if (listens && start >= 0 && taken(listens, batch.bytes, start, b[i * 4 + 3] as number)) continue;
    const run = listens?.take();
    if (run) into.push(run);
    into.push(decode(recordAt(batch, i)));
  }
  const run = listens?.take();
  if (run) into.push(run);
}

/**
 * Whether the run took the message. A fault in reading it (ours, not the message's: the reader
 * takes any bytes) leaves it to be decoded alone, which quarantines it with the error if that
 * throws too: one message never fails the batch, which every retry would fetch again.
 */
function taken(listens: ListenRunBuilder, bytes: Uint8Array, start: number, end: number): boolean {
  try {
    return listens.add(bytes, start, end);
  } catch {
    return false;
  }
}

/** Each message of a batch, as the source's reading decodes it (views of the batch's bytes, no copy). */
export function recordAt(batch: RawBatch, i: number): KafkaRecordBytes {
  const b = batch.bounds;
  const at = i * 4;
  return {
    offset: String(batch.offsets[i]),
    key: view(batch.bytes, b[at] as number, b[at + 1] as number),
    value: view(batch.bytes, b[at + 2] as number, b[at + 3] as number),
  };
}

function view(bytes: Uint8Array, start: number, end: number): Buffer | null {
  return start < 0 ? null : Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
}

/** Copies `data` into `bytes` at `at` and notes where in `bounds[slot, slot + 1]`; returns where the next goes. */
function put(
  bytes: Uint8Array,
  bounds: Int32Array,
  slot: number,
  data: Buffer | null | undefined,
  at: number,
): number {
  if (data === null || data === undefined) {
    bounds[slot] = bounds[slot + 1] = -1;
    return at;
  }
  bytes.set(data, at);
  bounds[slot] = at;
  bounds[slot + 1] = at + data.length;
  return at + data.length;
}

/** Packs kafkajs's messages of one batch into a RawBatch (in the consumer thread). */
export function packBatch(
  topic: string,
  partition: number,
  highWatermark: string,
  lastOffset: string,
  messages: ReadonlyArray<{ offset: string; key?: Buffer | null; value: Buffer | null }>,
): RawBatch {
  let size = 0;
  for (const m of messages) size += (m.key?.length ?? 0) + (m.value?.length ?? 0);
  const bytes = new Uint8Array(size);
  const bounds = new Int32Array(messages.length * 4);
  const offsets = new BigInt64Array(messages.length);
  let at = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as (typeof messages)[number];
    // Below 2^53 (every offset in practice) through a double: about twice as fast as BigInt of
    // the string, and exact for up to 15 digits.
    offsets[i] = m.offset.length < 16 ? BigInt(Number(m.offset)) : BigInt(m.offset);
    at = put(bytes, bounds, i * 4, m.key, at);
    at = put(bytes, bounds, i * 4 + 2, m.value, at);
  }
  return { topic, partition, highWatermark, lastOffset, count: messages.length, offsets, bounds, bytes };
}

/** The buffers a batch owns, to transfer rather than copy. */
export function transferOf(batch: RawBatch): ArrayBuffer[] {
  const { offsets, bounds, bytes } = batch;
  return [offsets.buffer, bounds.buffer, bytes.buffer] as ArrayBuffer[];
}

/** An error's classifying fields and cause chain, for postMessage (class and methods do not cross). */
export function plainError(error: unknown, depth = 0): PlainError {
  const e = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    type?: unknown;
    code?: unknown;
    cause?: unknown;
    originalError?: unknown;
  };
  const plain: PlainError = {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(error),
  };
  if (typeof e.type === 'string') plain.type = e.type;
  if (typeof e.code === 'string') plain.code = e.code;
  const cause = e.originalError ?? e.cause;
  if (cause && typeof cause === 'object' && depth < 4) plain.cause = plainError(cause, depth + 1);
  return plain;
}

/** The error again, on the source's side: an Error with the same fields, so errors.ts reads it the same. */
export function revivedError(plain: PlainError): Error {
  const error = new Error(plain.message, plain.cause ? { cause: revivedError(plain.cause) } : undefined);
  error.name = plain.name;
  Object.assign(error, plain.type === undefined ? {} : { type: plain.type });
  Object.assign(error, plain.code === undefined ? {} : { code: plain.code });
  return error;
}
