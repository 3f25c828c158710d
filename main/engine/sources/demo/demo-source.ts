import { decodeRecordObject } from '../../decode/record-decoder.js';
import { DEMO_WINDOW_DAYS, generateDemoHistory } from '../../demo/demo-batch.js';
import { type DemoLiveOptions, demoLiveRecords, localWallClock } from '../../demo/demo-live.js';
import { DemoWorld } from '../../demo/demo-world.js';
import type { DecodedRecord, IngestSession } from '../../ingest/ingest-session.js';

/** Feeds the live demo stream through the same decoder and session as any other source. */

export interface DemoIngestOptions extends DemoLiveOptions {
  seed: number;
  customers: number;
  /**
   * With an empty store, first write this many events of history (the four weeks up to today,
   * with predictions for every customer), so a fresh booth screen starts lived-in.
   */
  history?: number;
  shouldStop?: () => boolean;
  onBatch?: (session: IngestSession) => void;
}

export async function ingestDemo(session: IngestSession, options: DemoIngestOptions): Promise<void> {
  const world = new DemoWorld({ seed: options.seed, customers: options.customers });
  let seq = 0;
  const apply = async (batch: object[]) => {
    const records: DecodedRecord[] = batch.map((value) => {
      const result = decodeRecordObject(value);
      return { origin: { demo: true, seq: ++seq }, raw: result.ok ? '' : JSON.stringify(value), result };
    });
    // The demo source has no position to resume from: a restart is a new stream.
    session.apply(records, () => {});
    options.onBatch?.(session);
    await session.maybeCheckpoint();
  };
  const seeding = Boolean(options.history) && session.state.profiles.size === 0;
  if (seeding && options.history) {
    await apply(world.customers.map((c) => ({ type: 'customer', ...c.crm })));
    const today = Math.floor(localWallClock(Date.now()) / 86_400_000) * 86_400_000;
    let batch: object[] = [];
    for (const r of generateDemoHistory(world, options.history, today - DEMO_WINDOW_DAYS * 86_400_000)) {
      batch.push(r.record);
      if (batch.length === 10_000) {
        await apply(batch);
        batch = [];
        if (options.shouldStop?.()) break;
      }
    }
    await apply(batch);
  }
  for await (const batch of demoLiveRecords(world, { ...options, crm: !seeding })) {
    await apply(batch);
    if (options.shouldStop?.()) break;
  }
  await session.checkpoint();
}
