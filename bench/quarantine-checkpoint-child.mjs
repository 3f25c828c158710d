// Appended checkpoints beside a full quarantine: N customers with a listen each, 10,000 quarantined
// records of about 330 bytes, a whole checkpoint, then twelve checkpoints of 1,000 changed
// customers and 20 newly quarantined records each. Prints each checkpoint: appended or whole, its
// time, and the bytes appended.
//   node bench/quarantine-checkpoint-child.mjs [CUSTOMERS=100000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRecordObject } from '../dist/main/engine/decode/record-decoder.js';
import { IngestSession } from '../dist/main/engine/ingest/ingest-session.js';
import { quarantineRecord } from '../dist/main/engine/ingest/quarantine.js';
import { ProfileStore } from '../dist/main/engine/store/profile-store.js';

const customers = Number(process.argv[2] ?? 100_000);
const dir = await mkdtemp(join(tmpdir(), 'c360-quarantine-bench-'));
const { store, state } = await ProfileStore.open(dir);
const session = new IngestSession(store, state, { everyMs: 0, everyRecords: Number.POSITIVE_INFINITY });
const listen = (id, hour) => ({
  origin: { demo: true, seq: 0 },
  raw: '',
  result: decodeRecordObject({
    type: 'listen',
    customerId: `c${id}`,
    trackId: `t${id % 5000}`,
    ts: `2026-03-02 ${String(hour).padStart(2, '0')}:10:00`,
    mobile: false,
  }),
});
for (let from = 0; from < customers; from += 10_000)
  session.apply(
    Array.from({ length: Math.min(10_000, customers - from) }, (_, i) => listen(from + i, 7)),
    () => {},
  );
for (let i = 0; i < 10_000; i++)
  quarantineRecord(
    state.quarantine,
    { file: 'crm.csv', line: i + 2 },
    'unknown Level code "x"',
    `${i},${'y'.repeat(300)}`,
  );
session.apply([listen(0, 8)], () => {});
const whole = await session.checkpoint();
console.log(
  `${customers} customers: whole checkpoint ${whole.ms.toFixed(0)} ms, store ${await store.sizeBytes()} bytes`,
);
for (let round = 0; round < 12; round++) {
  const changed = Array.from({ length: 1000 }, (_, i) => listen((round * 7919 + i * 97) % customers, 9));
  const unreadable = Array.from({ length: 20 }, (_, i) => ({
    origin: { file: 'f.jsonl', line: round * 100 + i },
    raw: '{',
    result: { ok: false, reason: 'not JSON' },
  }));
  session.apply([...changed, ...unreadable], () => {});
  const before = await store.sizeBytes();
  const started = performance.now();
  const stats = await session.checkpoint();
  const ms = (performance.now() - started).toFixed(0);
  console.log(
    stats.changesOnly ? `append ${ms} ms, ${(await store.sizeBytes()) - before} bytes` : `whole ${ms} ms`,
  );
}
await rm(dir, { recursive: true, force: true });
