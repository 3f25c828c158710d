import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyEngineState } from '../../main/engine/engine-state.js';
import { type IngestRecord, IngestSession } from '../../main/engine/ingest/ingest-session.js';
import { isListenRun, ListenRunBuilder } from '../../main/engine/ingest/listen-run.js';
import { encodeEvent } from '../../main/engine/kafka/event-wire.js';
import {
  type KafkaRecordBytes,
  packBatch,
  type RawBatch,
  recordsOf,
  transferOf,
} from '../../main/engine/sources/kafka/consumer/consumer-protocol.js';
import { decodeKafkaMessage } from '../../main/engine/sources/kafka/message-decoder.js';
import type { ProfileStore } from '../../main/engine/store/profile-store.js';
import { encodeProfile } from '../../main/engine/store/store-codec.js';
import type { TimelineItem } from '../../main/engine/timeline/timeline-codec.js';
import type { TimelineStore } from '../../main/engine/timeline/timeline-store.js';
import type { C360Event } from '../../shared/events.js';
import { event } from '../support/events.js';

// The Kafka source reads plain JSON listens in place, as runs of columns with their ids numbered
// (listen-run.ts), and everything else one message at a time. Whatever the mix and however the
// stream is cut into batches, the session must end where decoding every message one by one ends:
// the same profiles, counts, windows, running totals, timeline items and live events.

const TOPIC = 'clicks';

const ts = fc.constantFrom(
  '2026-03-04 21:15:07',
  '2026-03-05T06:00:00Z',
  '2026-03-05T07:30:00+02:00',
  '2026-03-09 23:59:59',
  '2026-03-09 08:00',
);
/** A listen as a producer writes it: through the wire format, or by hand with other spellings. */
const listenValue = fc
  .record({
    customerId: fc.constantFrom('c1', 'c2', 'C-3', ' c1', '40'),
    trackId: fc.constantFrom('t1', 't2', 't3', '7'),
    ts,
    mobile: fc.constantFrom<unknown>(true, false, 0, 1, '1', 'false', 'TRUE'),
    zip: fc.constantFrom<unknown>(undefined, null, '', '10115', 'SW1A 1AA', 10115),
    eventId: fc.constantFrom<unknown>(undefined, null, 'e-1', 'e-2', 12),
    numericId: fc.boolean(),
  })
  .map((r) =>
    JSON.stringify({
      type: 'listen',
      eventId: r.eventId,
      customerId: r.numericId && r.customerId === '40' ? 40 : r.customerId,
      trackId: r.trackId,
      ts: r.ts,
      mobile: r.mobile,
      zip: r.zip,
    }),
  );
const otherValue = fc.oneof(
  fc.constantFrom(
    '{"type":"listen","customerId":"c\\u0031","trackId":"t1","ts":"2026-03-04 21:15:07"}',
    '{"type":"listen","customerId":"","trackId":"t1","ts":"2026-03-04 21:15:07"}',
    'e9,c2,t2,2026-03-06 10:00:00,1,10115',
    'not json',
    '',
    // Plain, but over the 64 KB a record may be (quarantined), and with a zip too long to number.
    `{"type":"listen",${' '.repeat(70_000)}"customerId":"c1","trackId":"t1","ts":"2026-03-04 21:15:07"}`,
    `{"type":"listen","customerId":"c2","trackId":"t2","ts":"2026-03-04 21:15:07","zip":"${'9'.repeat(40)}"}`,
  ),
  fc
    .record({ id: fc.constantFrom('c1', 'c2'), ts, ms: fc.integer({ min: 0, max: 900 }) })
    .map((r) =>
      JSON.stringify(encodeEvent(event({ type: 'click', customerId: r.id, ts: r.ts, responseTimeMs: r.ms }))),
    ),
  fc
    .record({ id: fc.constantFrom('c1', 'C-3'), risk: fc.double({ min: 0, max: 1, noNaN: true }), ts })
    .map((r) => JSON.stringify({ customerId: r.id, churnRisk: r.risk, ts: r.ts })),
);
const value = fc.oneof(
  { weight: 4, arbitrary: listenValue.map((v) => Buffer.from(v)) },
  otherValue.map((v) => Buffer.from(v)),
  fc.constant(null),
);

/** A batch as the consumer thread sends it: packed, then cloned across with its buffers moved. */
function sent(values: Array<Buffer | null>, from: number): RawBatch {
  const messages = values.map((v, i) => ({ offset: String(from + i), key: null, value: v }));
  const batch = packBatch(TOPIC, 0, String(from + values.length), String(from + values.length - 1), messages);
  return structuredClone(batch, { transfer: transferOf(batch) });
}

/** A session that records what it gives the timeline and the live statistics. */
function watchedSession() {
  const items: Array<[number, string, TimelineItem]> = [];
  const timeline = {
    append(batch: number, entries: ReadonlyArray<readonly [string, TimelineItem]>) {
      for (const [id, item] of entries) items.push([batch, id, structuredClone(item)]);
    },
  } as unknown as TimelineStore;
  const session = new IngestSession(
    { appendableAtMost: () => 0 } as unknown as ProfileStore,
    emptyEngineState(0.4),
    { everyMs: 1e9, everyRecords: 1e9 },
    timeline,
  );
  const events: C360Event[] = [];
  session.onApplied = (applied) => events.push(...structuredClone(applied));
  return { session, items, events };
}

/** What a user would see of a session: profiles, counts, windows, totals, timeline, live events. */
function seen(w: ReturnType<typeof watchedSession>) {
  const { state, counts } = w.session;
  const profiles = [...state.profiles.values()]
    .map((p) => encodeProfile(p))
    .sort((a, b) => a.id.localeCompare(b.id));
  return {
    profiles,
    counts,
    quarantined: state.quarantine.total,
    windows: state.windows.toJSON(),
    buckets: state.totals.buckets,
    base: state.totals.base.statistics(state.profiles, state.totals.buckets),
    summary: state.totals.summary(state.profiles.size),
    items: w.items,
    events: w.events,
  };
}

describe('listens read in place, as runs', () => {
  it('leave the session where decoding every message one by one does, for any mix and any cut into batches', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        // A resumed batch starts part-way (what the store holds already is skipped).
        fc.array(fc.nat({ max: 4 }), { minLength: 8, maxLength: 8 }),
        // Small bounds start the name tables afresh between runs.
        fc.constantFrom(0, 3, 10, 2_000_000),
        (batches, skips, bound) => {
          const byRuns = watchedSession();
          const oneByOne = watchedSession();
          const builder = new ListenRunBuilder(bound);
          let offset = 0;
          batches.forEach((values, b) => {
            const batch = sent(values, offset);
            offset += values.length;
            const first = Math.min(skips[b] as number, values.length);
            const decode = (m: KafkaRecordBytes) => decodeKafkaMessage(TOPIC, 0, m, 'clickstream');
            const records: IngestRecord[] = [];
            recordsOf(batch, first, builder, decode, records);
            runs += records.filter(isListenRun).length;
            byRuns.session.apply(records, () => {});
            const single: IngestRecord[] = [];
            recordsOf(batch, first, null, decode, single);
            oneByOne.session.apply(single, () => {});
          });
          expect(seen(byRuns)).toEqual(seen(oneByOne));
        },
      ),
      { numRuns: 400 },
    );
    // Not a test that passes by reading every message one by one.
    expect(runs).toBeGreaterThan(400);
  });
});
