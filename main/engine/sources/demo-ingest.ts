import { decodeRecordObject } from '../decode/record-decoder.js';
import { type DemoLiveOptions, demoLiveRecords } from '../demo/demo-live.js';
import { DemoWorld } from '../demo/demo-world.js';
import type { DecodedRecord, IngestSession } from '../ingest-session.js';

/** Feeds the live demo stream through the same decoder and session as any other source. */

export interface DemoIngestOptions extends DemoLiveOptions {
  seed: number;
  customers: number;
  shouldStop?: () => boolean;
  onBatch?: (session: IngestSession) => void;
}

export async function ingestDemo(session: IngestSession, options: DemoIngestOptions): Promise<void> {
  const world = new DemoWorld({ seed: options.seed, customers: options.customers });
  let seq = 0;
  for await (const batch of demoLiveRecords(world, options)) {
    const records: DecodedRecord[] = batch.map((value) => {
      const result = decodeRecordObject(value);
      return { origin: { demo: true, seq: ++seq }, raw: result.ok ? '' : JSON.stringify(value), result };
    });
    // The demo source has no position to resume from: a restart is a new stream.
    session.apply(records, () => {});
    options.onBatch?.(session);
    await session.maybeCheckpoint();
    if (options.shouldStop?.()) break;
  }
  await session.checkpoint();
}
