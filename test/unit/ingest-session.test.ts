import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { emptyEngineState } from '../../main/engine/engine-state.js';
import { type DecodedRecord, IngestSession } from '../../main/engine/ingest/ingest-session.js';
import type { ProfileStore } from '../../main/engine/store/profile-store.js';
import type { StoreSnapshot } from '../../main/engine/store/store-snapshot.js';
import { listen } from '../support/events.js';

/** A store whose writes say they took `writeMs` (and really take `realMs`), and which counts them. */
function fakeStore(writeMs: number, realMs = 0) {
  const store = {
    writes: 0,
    appendable: () => false,
    appendableAtMost: () => 0,
    async write(snapshot: StoreSnapshot) {
      store.writes += 1;
      for await (const _ of snapshot.encoded()) {
        // drain, as the real adapter does
      }
      if (realMs > 0) await sleep(realMs);
      return { ms: writeMs, profiles: snapshot.profileCount, sources: snapshot.sources };
    },
  };
  return store;
}

const record = (id: string): DecodedRecord => ({
  origin: { demo: true, seq: 0 },
  raw: '',
  result: { ok: true, event: listen(id, '2026-03-02 07:10:00') },
});

describe('checkpoint pacing', () => {
  /** A session that has checkpointed once (the store says it took `writeMs`) and applied more since. */
  async function afterOneCheckpoint(writeMs: number) {
    const store = fakeStore(writeMs);
    const session = new IngestSession(store as unknown as ProfileStore, emptyEngineState(), {
      everyMs: 0,
      everyRecords: Number.POSITIVE_INFINITY,
    });
    session.apply([record('1')], () => {});
    await session.checkpoint();
    session.apply([record('2')], () => {});
    await session.maybeCheckpoint();
    return { store, session };
  }

  it('waits at least ten times the last checkpoint before the next one', async () => {
    const { store, session } = await afterOneCheckpoint(60_000);
    // The last one "took" a minute: the next is not due for ten.
    expect(session.writing).toBe(false);
    expect(store.writes).toBe(1);
  });

  it('checkpoints on the plain interval when checkpoints are quick', async () => {
    const { store } = await afterOneCheckpoint(0);
    expect(store.writes).toBe(2);
  });

  it('expects the first checkpoint of a reopened store to take as long as reading it did', async () => {
    const opened = (readMs: number) => {
      const store = fakeStore(0);
      const session = new IngestSession(
        store as unknown as ProfileStore,
        emptyEngineState(),
        { everyMs: 0, everyRecords: Number.POSITIVE_INFINITY },
        null,
        readMs,
      );
      return { store, session };
    };
    // A store that took 5 s to read is not written again in the first 50 s after opening.
    const big = opened(5000);
    big.session.apply([record('1')], () => {});
    await big.session.maybeCheckpoint();
    expect(big.store.writes).toBe(0);
    // A small one is, on the plain interval.
    const small = opened(0);
    small.session.apply([record('1')], () => {});
    await small.session.maybeCheckpoint();
    expect(small.store.writes).toBe(1);
  });

  it('keeps --checkpoint-every: a checkpoint every N records, waiting for a slow write rather than skipping', async () => {
    // Each write takes longer than ingesting the next N records: the interval rules alone (and the
    // record rule as it was, which skipped while a write was in progress) would save far fewer.
    const store = fakeStore(10_000, 40);
    const session = new IngestSession(store as unknown as ProfileStore, emptyEngineState(), {
      everyMs: 60_000,
      everyRecords: 100,
    });
    for (let batch = 0; batch < 10; batch++) {
      session.apply(
        Array.from({ length: 100 }, (_, i) => record(String(i))),
        () => {},
      );
      await session.maybeCheckpoint();
    }
    await session.checkpoint();
    expect(store.writes).toBe(11); // one per 100 records, and the final one
  });
});

describe('a checkpoint that fails in the background', () => {
  it('is reported on the next call, and its records stay unsaved until a checkpoint succeeds', async () => {
    let fail = true;
    const store = {
      appendable: () => false,
      appendableAtMost: () => 0,
      async write(snapshot: StoreSnapshot) {
        if (fail) throw new Error('disk full');
        return { ms: 0, profiles: snapshot.profileCount, sources: snapshot.sources };
      },
    };
    const session = new IngestSession(store as unknown as ProfileStore, emptyEngineState(), {
      everyMs: 0,
      everyRecords: 1,
    });
    session.apply([record('1')], () => {});
    await session.maybeCheckpoint(); // starts the write, which fails
    await expect(session.checkpoint()).rejects.toThrow('disk full');
    expect(session.unsaved).toBe(true);
    fail = false;
    await expect(session.checkpoint()).resolves.toMatchObject({ profiles: 1 });
    expect(session.unsaved).toBe(false);
  });
});
