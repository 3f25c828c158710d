import { Worker } from 'node:worker_threads';
import {
  type PackedBatch,
  serveTimelineWriter,
  type WriterReply,
  type WriterRequest,
} from './timeline-writer.js';

/**
 * The engine's side of the timeline writer (timeline-writer.ts): batches posted in order with
 * their bytes transferred, flushes answered in order, and a bound on how far ingest may run ahead
 * of the disk.
 */

export interface WriterChannel {
  post(request: WriterRequest, transfer?: ArrayBuffer[]): void;
  onReply(handler: (reply: WriterReply) => void): void;
  /** The writer's side is gone: with why, if it failed. */
  onEnd(handler: (error: Error | null) => void): void;
  /** Whether the channel keeps the process alive (only while something is asked of it). */
  hold(held: boolean): void;
  terminate(): Promise<void>;
}

export type OpenWriter = (path: string) => WriterChannel;

/** The writer in a worker thread of its own (the compiled timeline-writer-worker.js beside this file). */
const workerWriter: OpenWriter = (path) => {
  const worker = new Worker(new URL('./timeline-writer-worker.js', import.meta.url), {
    workerData: { path },
  });
  return {
    post: (request, transfer = []) => worker.postMessage(request, transfer),
    onReply: (handler) => worker.on('message', handler),
    onEnd: (handler) => {
      worker.on('error', (e) => handler(new Error(`the timeline's writer thread failed: ${e.message}`)));
      worker.on('exit', () => handler(null));
    },
    hold: (held) => (held ? worker.ref() : worker.unref()),
    terminate: async () => {
      await worker.terminate();
    },
  };
};

/**
 * The same writer on this thread: the same code and messages, cloned as a thread's are. For code
 * run from its TypeScript sources (the tests), where no compiled worker file exists.
 */
const inThreadWriter: OpenWriter = (path) => {
  let toEngine: (reply: WriterReply) => void = () => {};
  let toWriter: (request: WriterRequest) => void = () => {};
  let ended: (error: Error | null) => void = () => {};
  serveTimelineWriter(
    { path },
    {
      post: (reply) => {
        const copy = structuredClone(reply);
        setImmediate(() => toEngine(copy));
      },
      listen: (onRequest) => {
        toWriter = onRequest;
      },
      close: () => setImmediate(() => ended(null)),
    },
  );
  return {
    post: (request, transfer = []) => {
      const copy = structuredClone(request, { transfer });
      setImmediate(() => toWriter(copy));
    },
    onReply: (handler) => {
      toEngine = handler;
    },
    onEnd: (handler) => {
      ended = handler;
    },
    hold: () => {},
    terminate: async () => {},
  };
};

/** The thread when this code runs compiled; on this thread when it runs from its sources. */
export const defaultWriter: OpenWriter = import.meta.url.endsWith('.ts') ? inThreadWriter : workerWriter;

/** Batches the writer may be behind before ingest waits for it (bounds the memory they hold and what a checkpoint waits for). */
const MAX_AHEAD = 64;

export class TimelineWriterLink {
  #ahead = 0;
  #drained: Array<() => void> = [];
  #asked = new Map<number, { resolve: (failure: string | null) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  /** Once set, every flush fails with it: batches applied since were not written. */
  #ended: Error | null = null;

  constructor(readonly channel: WriterChannel) {
    channel.onReply((reply) => {
      if (reply.type === 'written') {
        this.#ahead -= 1;
        if (this.#ahead <= MAX_AHEAD / 2) for (const go of this.#drained.splice(0)) go();
      } else {
        const asked = this.#asked.get(reply.id);
        this.#asked.delete(reply.id);
        asked?.resolve(reply.type === 'flushed' ? reply.failure : null);
      }
      this.#hold();
    });
    channel.onEnd((error) => {
      this.#ended ??= error ?? new Error("the timeline's writer thread stopped");
      for (const asked of this.#asked.values()) asked.reject(this.#ended);
      this.#asked.clear();
      this.#ahead = 0;
      for (const go of this.#drained.splice(0)) go();
    });
    // Idle from the start: a run that fails before writing anything must still end.
    this.#hold();
  }

  write(packed: PackedBatch): void {
    if (this.#ended) return;
    this.#ahead += 1;
    this.#hold();
    this.channel.post({ type: 'write', packed }, [
      packed.bytes.buffer as ArrayBuffer,
      packed.items.buffer as ArrayBuffer,
      packed.ends.buffer as ArrayBuffer,
    ]);
  }

  checkpointed(batch: number): void {
    if (!this.#ended) this.channel.post({ type: 'checkpointed', batch });
  }

  /** Null while the writer is less than MAX_AHEAD batches behind; else resolves once it has caught up half. */
  backlog(): Promise<void> | null {
    if (this.#ahead < MAX_AHEAD) return null;
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Resolves once everything posted is on disk; throws the first failure since the last flush. */
  async flushed(): Promise<void> {
    let failure: string | null;
    try {
      failure = await this.#ask('flush');
    } catch (error) {
      failure = (error as Error).message;
    }
    if (failure) throw new Error(`the timeline could not be written (${failure})`);
  }

  async close(): Promise<void> {
    if (!this.#ended) await this.#ask('close').catch(() => {});
    await this.channel.terminate();
  }

  #ask(type: 'flush' | 'close'): Promise<string | null> {
    if (this.#ended) return Promise.reject(this.#ended);
    const id = this.#nextId++;
    const answer = new Promise<string | null>((resolve, reject) => this.#asked.set(id, { resolve, reject }));
    this.#hold();
    this.channel.post({ type, id });
    return answer;
  }

  /** The thread keeps the process alive only while it owes an answer or a write. */
  #hold(): void {
    this.channel.hold(this.#ahead > 0 || this.#asked.size > 0);
  }
}
