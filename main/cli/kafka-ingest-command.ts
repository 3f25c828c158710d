import type { SourceStatus } from '../../shared/source-status.js';
import { Engine } from '../engine/engine.js';
import type { IngestSession } from '../engine/ingest/ingest-session.js';
import { KafkaSource } from '../engine/sources/kafka/kafka-source.js';
import { ProfilesSource } from '../engine/sources/profiles/profiles-source.js';
import { count, progressBar, stopOnInterrupt } from './cli-output.js';
import { ingestSummary } from './ingest-summary.js';
import { type KafkaFlags, kafkaSettings } from './kafka-options.js';

export interface KafkaIngestFlags extends KafkaFlags {
  dataDir: string;
  follow?: boolean;
  checkpointEvery: number;
  connectTimeout: number;
}

function statusLine(s: SourceStatus): string {
  switch (s.state) {
    case 'connecting':
      return `Kafka: connecting to ${s.target}…`;
    case 'connected':
      return `Kafka: connected to ${s.target}${s.lag !== null ? ` (${count(s.lag, 'message')} behind)` : ''}`;
    case 'reconnecting':
    case 'failed': {
      const wait = s.nextRetryAt
        ? Math.max(0, Math.round((Date.parse(s.nextRetryAt) - Date.now()) / 1000))
        : null;
      return `Kafka: ${s.state} (attempt ${s.attempt}${wait !== null ? `, next try in ${wait} s` : ''}): ${s.detail}`;
    }
    case 'caught-up':
      return 'Kafka: caught up with the end offsets seen at start';
    case 'stopped':
      return 'Kafka: stopped';
  }
}

/** `c360 ingest --brokers …`: up to the end offsets seen at start, or on and on with --follow. */
export async function runKafkaIngest(flags: KafkaIngestFlags): Promise<void> {
  const settings = kafkaSettings(flags);
  const engine = await Engine.open({
    storeDir: flags.dataDir,
    checkpoint: { everyRecords: flags.checkpointEvery },
  });
  if (engine.notice) process.stderr.write(`${engine.notice}\n`);
  const shouldStop = stopOnInterrupt();
  const started = performance.now();
  const bar = progressBar('Ingesting [{bar}] {percentage}% | {value}/{total} messages | ETA {eta_formatted}');
  let lastState: string | null = null;
  const Reader = settings.profiles === null ? KafkaSource : ProfilesSource;
  const source = new Reader(settings, {
    follow: Boolean(flags.follow),
    failFast: true,
    giveUpAfterMs: flags.follow ? undefined : flags.connectTimeout * 1000,
    onPlan: (messages: number) => {
      if (!flags.follow && messages > 0) bar?.start(messages, 0);
    },
  });
  const result = await engine
    .run(source, {
      shouldStop,
      onStatus: (s: SourceStatus) => {
        // One line per change of state (and per retry), never a line per batch.
        if (s.state === lastState && s.state === 'connected') return;
        lastState = s.state;
        if (bar?.isActive) bar.stop();
        process.stderr.write(`${statusLine(s)}\n`);
      },
      onBatch: (s: IngestSession) =>
        bar?.update(s.events + s.counts.quarantined + s.profileCounts.upserts + s.profileCounts.removed),
    })
    .finally(() => bar?.stop());
  await engine.close({ whole: true }); // a run ends with the store in one file
  const lines = ingestSummary(engine.session, {
    source: `Kafka (${settings.brokers.join(',')}${settings.profiles === null ? '' : `, profiles from ${settings.profiles}`}; ${count(result.messages, 'message')}${result.caughtUp ? ', up to the end offsets seen at start' : ''})`,
    elapsedMs: performance.now() - started,
    storePath: engine.store.path,
    quarantinePath: engine.quarantinePath,
  });
  process.stdout.write(`${lines.join('\n')}\n`);
}
