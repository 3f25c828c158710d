import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventKey, openTables } from '../../main/engine/timeline/timeline-keys.js';
import {
  inKeyOrder,
  type PackedBatch,
  TimelineWriter,
  type WriterReply,
} from '../../main/engine/timeline/timeline-writer.js';
import { TimelineWriterLink, type WriterChannel } from '../../main/engine/timeline/timeline-writer-thread.js';

/** A writer thread the test plays: it sees what is posted and answers when told. */
function fakeChannel() {
  const posted: Array<{ type: string }> = [];
  let reply: (r: WriterReply) => void = () => {};
  let end: (e: Error | null) => void = () => {};
  const held: boolean[] = [];
  const channel: WriterChannel = {
    post: (request) => posted.push(request),
    onReply: (h) => {
      reply = h;
    },
    onEnd: (h) => {
      end = h;
    },
    hold: (h) => held.push(h),
    terminate: async () => {},
  };
  return { channel, posted, held, reply: (r: WriterReply) => reply(r), end: (e: Error | null) => end(e) };
}

const batch = (n: number): PackedBatch => ({
  batch: n,
  ids: ['7'],
  items: Uint32Array.of(1),
  ends: Uint32Array.of(1),
  bytes: Uint8Array.of(0x90),
});

describe('the timeline writer thread', () => {
  it('lets ingest run at most 64 batches ahead of the disk, then holds it until half are written', async () => {
    const fake = fakeChannel();
    const link = new TimelineWriterLink(fake.channel);
    // Idle from the start: a run that fails before writing must still let the process end.
    expect(fake.held).toEqual([false]);
    for (let i = 1; i < 64; i++) {
      link.write(batch(i));
      expect(link.backlog()).toBeNull();
    }
    link.write(batch(64));
    const waiting = link.backlog();
    expect(waiting).not.toBeNull();
    let released = false;
    void waiting?.then(() => {
      released = true;
    });
    for (let i = 0; i < 31; i++) fake.reply({ type: 'written' });
    await Promise.resolve();
    expect(released).toBe(false);
    fake.reply({ type: 'written' });
    await Promise.resolve();
    expect(released).toBe(true);
    // It keeps the process alive while it owes writes, and lets it go once it owes nothing.
    expect(fake.held.at(-1)).toBe(true);
    for (let i = 0; i < 32; i++) fake.reply({ type: 'written' });
    expect(fake.held.at(-1)).toBe(false);
  });

  it("reports the thread's failure at the next flush, and writes it could not take at the one after", async () => {
    const fake = fakeChannel();
    const link = new TimelineWriterLink(fake.channel);
    link.write(batch(1));
    const flushing = link.flushed();
    fake.end(new Error("the timeline's writer thread failed: out of memory"));
    await expect(flushing).rejects.toThrow(/the timeline could not be written \(.*out of memory\)/);
    // A batch applied after the thread died is not silently dropped: the next checkpoint fails.
    link.write(batch(2));
    await expect(link.flushed()).rejects.toThrow(/could not be written/);
    expect(link.backlog()).toBeNull(); // and ingest is never left waiting on a dead thread
  });

  it("stores each customer's own chunk and count, whatever order a batch lists them in", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-timeline-writer-'));
    const tables = openTables(join(dir, 'timeline.mdb'));
    const writer = new TimelineWriter(tables);
    // Listed as first heard, far from key order; chunks of different lengths, so a customer
    // handed another's bytes or count shows.
    const ids = ['30', '4', '200', '1', '4a', '10'];
    const chunkOf = (k: number) => [0x90 + k + 1, ...Array.from({ length: k }, (_, j) => 10 * k + j)];
    const chunks = ids.map((_, k) => chunkOf(k));
    const ends = Uint32Array.from(chunks.map((_, k) => chunks.slice(0, k + 1).flat().length));
    const items = Uint32Array.from(chunks.map((c) => c.length - 1));
    await writer.write({ batch: 1, ids, items, ends, bytes: Uint8Array.from(chunks.flat()) });
    await writer.write({
      batch: 2,
      ids: ['1'],
      items: Uint32Array.of(1),
      ends: Uint32Array.of(2),
      bytes: Uint8Array.of(0x91, 5),
    });
    expect(await writer.flushed()).toBeNull();
    ids.forEach((id, k) => {
      expect([...(tables.eventBytes.get(eventKey(id, 1)) ?? [])]).toEqual(chunks[k]);
      expect(tables.heads.get(Buffer.from(id))).toBe(k + (id === '1' ? 1 : 0));
    });
    expect(tables.journal.get(Buffer.from([0, 0, 0, 0, 0, 1]))).toEqual(ids);
    expect(Array.from(inKeyOrder(ids), (i) => ids[i])).toEqual(['1', '10', '200', '30', '4', '4a']);
    expect([...inKeyOrder(['b', 'a', 'b', 'a'])]).toEqual([1, 3, 0, 2]);
    await writer.close();
  });

  it('fails a batch LMDB refuses at the next flush, once, and goes on writing the next ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-timeline-writer-'));
    const tables = openTables(join(dir, 'timeline.mdb'));
    const writer = new TimelineWriter(tables);
    // A key past what LMDB takes (the store never sends one; the writer must not hang on it).
    await writer.write({ ...batch(1), ids: ['x'.repeat(5000)] });
    expect(await writer.flushed()).toMatch(/.+/);
    await writer.write(batch(2));
    expect(await writer.flushed()).toBeNull();
    expect(tables.heads.get(Buffer.from('7'))).toBe(1);
    expect(tables.journal.get(Buffer.from([0, 0, 0, 0, 0, 2]))).toEqual(['7']);
    await writer.close();
  });
});
