import { Worker } from 'node:worker_threads';
import { dict } from '../../../../shared/dict.js';
import {
  currentImage,
  NO_CHURN_HISTORY,
  type Profile,
  productsFrom,
  setDayHour,
  setRecentDays,
} from '../../profile/profile.js';
import { TrackIds, trackNumber } from '../../profile/track-ids.js';
import { encodeProfile, type StoredProfile } from '../../store/store-codec.js';
import type { LentLines } from '../../store/store-snapshot.js';
import { MAX_PARTITIONS, type SharedLineIndex } from './line-index.js';
import { partitionOfId } from './partition-of.js';
import {
  answer,
  type PartitionReply,
  type PartitionRequest,
  type PartitionWorkerData,
  TracksPartition,
} from './partition-protocol.js';
import type { PartitionDigest, RejectedLine } from './tracks-partition.js';

/**
 * The engine's side of partitioned ingest: one channel per partition, each batch sent to all of
 * them at once and their digests combined. A partition that fails or whose thread dies fails the
 * run; the engine then saves nothing more (its profiles are in that thread), and the next run
 * resumes from the last checkpoint.
 */

export interface PartitionChannel {
  send(request: PartitionRequest, transfer?: ArrayBuffer[]): Promise<PartitionReply>;
  close(): Promise<void>;
}

export type OpenPartition = (index: number, count: number) => PartitionChannel;

/** A partition in a worker thread of its own (answers come back in the order asked). */
export const workerPartition: OpenPartition = (index, count) => {
  const data: PartitionWorkerData = { index, count };
  const worker = new Worker(new URL('./partition-worker.js', import.meta.url), { workerData: data });
  const waiting: Array<{ resolve: (r: PartitionReply) => void; reject: (e: Error) => void }> = [];
  let stopped: Error | null = null;
  const stop = (error: Error) => {
    stopped ??= error;
    for (const w of waiting.splice(0)) w.reject(stopped);
  };
  worker.on('message', (reply: PartitionReply) => waiting.shift()?.resolve(reply));
  worker.on('error', (e) => stop(new Error(`partition ${index + 1} of ${count} failed: ${e.message}`)));
  worker.on('exit', (code) =>
    stop(new Error(`partition ${index + 1} of ${count} stopped (exit code ${code})`)),
  );
  return {
    send(request) {
      if (stopped) return Promise.reject(stopped);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage(request);
      });
    },
    async close() {
      stopped ??= new Error('closed');
      await worker.terminate();
    },
  };
};

/** A partition in this thread: the same code and messages without a thread (tests, and one core). */
export const inThreadPartition: OpenPartition = (index, count) => {
  const partition = new TracksPartition(index, count);
  return {
    // Cloned both ways as a thread's messages are, except a batch's shared memory, which is shared.
    send: async (request) =>
      structuredClone(answer(partition, request.type === 'batch' ? request : structuredClone(request))),
    close: async () => {},
  };
};

/** The partitions' digests of one batch, combined. */
export interface BatchDigest {
  listens: number;
  /** Lines no partition could read, in line order. */
  rejected: RejectedLine[];
  timeline: PartitionDigest['timeline'];
  /** Per line of the batch: its listen's instant and cell code (see WindowLanes). */
  times: Float64Array;
  codes: Uint16Array;
}

export class PartitionPool {
  /** Two sets of lanes, used in turn: a batch may be counted while the one before is applied. */
  readonly #lanes: Array<{ times: SharedArrayBuffer; codes: SharedArrayBuffer }> = [];
  #turn = 0;
  /**
   * The first failure: after it nothing is asked again, as a partition that failed part-way
   * through a batch holds profiles no checkpoint may write.
   */
  #broken: Error | null = null;

  private constructor(readonly channels: PartitionChannel[]) {}

  static start(count: number, open: OpenPartition = workerPartition): PartitionPool {
    if (!(Number.isInteger(count) && count >= 1 && count <= MAX_PARTITIONS))
      throw new RangeError(`partitions: 1 to ${MAX_PARTITIONS}, not ${count}`);
    return new PartitionPool(Array.from({ length: count }, (_, i) => open(i, count)));
  }

  get count(): number {
    return this.channels.length;
  }

  /** Hands each profile to its partition, as the store would hold it. */
  async load(profiles: Iterable<Profile>): Promise<void> {
    const parts: StoredProfile[][] = this.channels.map(() => []);
    for (const p of profiles) parts[partitionOfId(p.customerId, this.count)]?.push(encodeProfile(p));
    await Promise.all(
      this.channels.map((c, i) => this.#ask(c, { type: 'load', stored: parts[i] ?? [] }, 'loaded')),
    );
  }

  /**
   * One batch: `lines` lines of `bytes`, numbered from `firstLine`, where `index` says (see
   * line-index.ts). At most two may be under way: the digest of one must be applied before the
   * next but one is sent.
   */
  async batch(
    bytes: SharedArrayBuffer,
    index: SharedLineIndex,
    firstLine: number,
    lines: number,
  ): Promise<BatchDigest> {
    const lanes = this.#lanesFor(lines);
    new Uint16Array(lanes.codes, 0, lines).fill(0);
    const request: PartitionRequest = { type: 'batch', bytes, index, firstLine, lines, ...lanes };
    const digests = await Promise.all(this.channels.map((c) => this.#ask(c, request, 'digest')));
    const combined: BatchDigest = {
      listens: 0,
      rejected: [],
      timeline: [],
      times: new Float64Array(lanes.times, 0, lines),
      codes: new Uint16Array(lanes.codes, 0, lines),
    };
    for (const { digest } of digests) {
      combined.listens += digest.listens;
      combined.rejected.push(...digest.rejected);
      for (const entry of digest.timeline) combined.timeline.push(entry);
    }
    combined.rejected.sort((a, b) => a.line - b.line);
    return combined;
  }

  /** Every profile's store line, partition by partition, as of the last batch. */
  async lines(): Promise<LentLines[]> {
    const replies = await Promise.all(this.channels.map((c) => this.#ask(c, { type: 'lines' }, 'lines')));
    return replies.map((r) => r.lines);
  }

  /**
   * The profiles, back from the partitions. They come from this engine's own threads, not from
   * outside, so they are not checked again; their tracks become this thread's TrackIds, and
   * the dictionaries (product and CRM field names are data) are made prototype-free again, as
   * the clone lost that. A clone also keeps shared what was shared there, once per message: the
   * empty churn history every profile without a prediction points to would become one list that
   * every prediction here is pushed to, and the counts would stay in copies of the partition's
   * blocks. So each profile gets its own counts in this thread's blocks, and this thread's empties.
   */
  async takeBack(): Promise<Profile[]> {
    const replies = await Promise.all(
      this.channels.map((c) => this.#ask(c, { type: 'profiles' }, 'profiles')),
    );
    return replies.flatMap(({ profiles: r }) => {
      // The partition's track numbers, as this thread numbers the same ids: once per distinct track.
      const mine = Int32Array.from(r.trackIds, trackNumber);
      const tracks = r.tracks.map((t) => mine[t] as number);
      return r.profiles.map((p, n): Profile => {
        const own: Profile = {
          ...p,
          tracks: TrackIds.fromNumbers(tracks, n === 0 ? 0 : (r.ends[n - 1] as number), r.ends[n] as number),
          ringBlock: null,
          ringAt: 0,
          products: productsFrom(p.products),
          churnHistory: p.churnHistory.length === 0 ? NO_CHURN_HISTORY : [...p.churnHistory],
          crm: p.crm && dict(p.crm),
          // Made now: not in an image begun before (the partition's number is its own thread's).
          image: currentImage(),
        };
        setDayHour(own, p.cells, p.cellsAt);
        if (p.ringBlock) setRecentDays(own, p.ringBlock, p.ringAt, p.recentDaysEnd);
        return own;
      });
    });
  }

  /** Set once a partition failed (or the pool was closed): nothing more is asked of it. */
  get broken(): Error | null {
    return this.#broken;
  }

  async close(): Promise<void> {
    this.#broken ??= new Error('the partitions were closed');
    await Promise.all(this.channels.map((c) => c.close()));
  }

  #lanesFor(lines: number): { times: SharedArrayBuffer; codes: SharedArrayBuffer } {
    const turn = this.#turn;
    this.#turn = 1 - turn;
    let lanes = this.#lanes[turn];
    if (!lanes || lanes.codes.byteLength < lines * 2) {
      lanes = { times: new SharedArrayBuffer(lines * 8), codes: new SharedArrayBuffer(lines * 2) };
      this.#lanes[turn] = lanes;
    }
    return lanes;
  }

  async #ask<T extends PartitionReply['type']>(
    channel: PartitionChannel,
    request: PartitionRequest,
    expected: T,
  ): Promise<Extract<PartitionReply, { type: T }>> {
    if (this.#broken) throw this.#broken;
    const reply = await channel.send(request).catch((error: Error) => {
      this.#broken ??= error;
      throw this.#broken;
    });
    if (reply.type !== expected) {
      this.#broken ??= new Error(
        reply.type === 'failed'
          ? `a partition failed: ${reply.message}`
          : `a partition answered ${reply.type} to ${request.type}`,
      );
      throw this.#broken;
    }
    return reply as Extract<PartitionReply, { type: T }>;
  }
}
