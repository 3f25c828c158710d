// `npm run bench`: measured figures, printed as a table and written to bench/results.json.
// Targets live here, never in unit tests. Input files are cached in bench/.data between runs.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cache = join(here, '.data');
const cli = join(here, '..', 'dist', 'main', 'cli', 'c360.js');

const LISTENS = 1_000_000;
const CUSTOMERS = 5_000;

/** Exactly LISTENS listen lines over CUSTOMERS customers, from the seeded demo generator. */
async function listenFile() {
  const path = join(cache, `tracks-${LISTENS}-${CUSTOMERS}.csv`);
  if (existsSync(path)) return path;
  const raw = join(cache, 'raw');
  await rm(raw, { recursive: true, force: true });
  // Clicks are 15% of demo clickstream events: ask for enough to get LISTENS listens.
  execFileSync(
    process.execPath,
    [
      cli,
      'demo-data',
      '--out',
      raw,
      '--customers',
      String(CUSTOMERS),
      '--events',
      String(Math.ceil(LISTENS / 0.84)),
      '--seed',
      '1',
    ],
    {
      stdio: 'inherit',
    },
  );
  const out = createWriteStream(`${path}.part`);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(join(raw, 'tracks.csv')) })) {
    if (n++ >= LISTENS) break;
    out.write(`${line}\n`);
  }
  await new Promise((r) => out.end(r));
  if (n < LISTENS) throw new Error(`generator gave only ${n} listens`);
  await rm(raw, { recursive: true, force: true });
  execFileSync('mv', [`${path}.part`, path]);
  return path;
}

function runChild(script, args) {
  return JSON.parse(
    execFileSync(process.execPath, [join(here, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }),
  );
}

await mkdir(cache, { recursive: true });
const file = await listenFile();
const dataDir = join(cache, 'store-batch');
await rm(dataDir, { recursive: true, force: true });
const batch = runChild('ingest-files-child.mjs', [dataDir, file]);
if (batch.events !== LISTENS || batch.quarantined !== 0)
  throw new Error(`expected ${LISTENS} clean events, got ${JSON.stringify(batch)}`);

// Kafka: the same 1M listens, published to 3 partitions of a real broker, then ingested.
const { KafkaBroker, kafkaVersion } = await import('../scripts/kafka/kafka-broker.mjs');
const broker = await KafkaBroker.create(join(cache, 'kafka-broker'));
let kafkaRun;
let bare;
let publishMs;
try {
  const topics = 'bench-clickstream,bench-predictions,bench-customers';
  const publishStarted = performance.now();
  execFileSync(
    process.execPath,
    [cli, 'produce', '--brokers', broker.brokers, '--topics', topics, '--partitions', '3', file],
    { stdio: 'pipe' },
  );
  publishMs = performance.now() - publishStarted;
  const kafkaStore = join(cache, 'store-kafka');
  await rm(kafkaStore, { recursive: true, force: true });
  kafkaRun = runChild('ingest-kafka-child.mjs', [broker.brokers, topics, kafkaStore]);
  bare = runChild('ingest-kafka-child.mjs', [broker.brokers, topics, '-', '--bare', String(LISTENS)]);
} finally {
  await broker.stop();
}
if (kafkaRun.events !== LISTENS) throw new Error(`Kafka ingest counted ${kafkaRun.events} of ${LISTENS}`);

const rows = [
  [
    'batch ingest: 1M listens from a tracks CSV, 5k customers',
    `${batch.eventsPerSecond.toLocaleString('en-US')} events/s`,
    '≥ 1,000,000 events/s (issue 6)',
  ],
  ['  wall time', `${(batch.ms / 1000).toFixed(2)} s`, ''],
  ['  read + hash + decode', `${(batch.readDecodeMs / 1000).toFixed(2)} s`, ''],
  ['  aggregate + merge', `${(batch.aggregateMs / 1000).toFixed(2)} s`, ''],
  [
    '  checkpoints',
    `${batch.checkpoints} in ${(batch.checkpointMs / 1000).toFixed(2)} s (longest ${batch.longestCheckpointMs.toFixed(0)} ms)`,
    '',
  ],
  ['  peak memory', `${batch.peakRssMiB.toFixed(0)} MiB RSS, ${batch.peakHeapMiB.toFixed(0)} MiB heap`, ''],
  [
    `Kafka ${kafkaVersion()} ingest: 1M listens on 3 partitions, checkpointed`,
    `${kafkaRun.eventsPerSecond.toLocaleString('en-US')} events/s`,
    '≥ 250,000 events/s (issue 6)',
  ],
  ['  wall time', `${(kafkaRun.ms / 1000).toFixed(2)} s`, ''],
  ['  fetch (kafkajs, network, waiting)', `${(kafkaRun.fetchMs / 1000).toFixed(2)} s`, ''],
  ['  decode', `${(kafkaRun.decodeMs / 1000).toFixed(2)} s`, ''],
  ['  aggregate + merge', `${(kafkaRun.aggregateMs / 1000).toFixed(2)} s`, ''],
  [
    '  checkpoints',
    `${kafkaRun.checkpoints} in ${(kafkaRun.checkpointMs / 1000).toFixed(2)} s (longest ${kafkaRun.longestCheckpointMs.toFixed(0)} ms)`,
    '',
  ],
  ['  peak memory', `${kafkaRun.peakRssMiB.toFixed(0)} MiB RSS`, ''],
  [
    'bare kafkajs consumer, same topic, counting only',
    `${bare.messagesPerSecond.toLocaleString('en-US')} messages/s`,
    '',
  ],
  [
    '  ingest ÷ bare consumer',
    (kafkaRun.eventsPerSecond / bare.messagesPerSecond).toFixed(2),
    '≥ 0.7 (issue 6)',
  ],
  [
    'publishing the 1M listens (c360 produce)',
    `${Math.round((LISTENS * 1000) / publishMs).toLocaleString('en-US')} messages/s`,
    '',
  ],
];
const width = Math.max(...rows.map((r) => r[0].length));
const valueWidth = Math.max(...rows.map((r) => r[1].length));
process.stdout.write(
  `\nCustomer 360 benchmarks (${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version})\n\n`,
);
for (const [name, value, target] of rows)
  process.stdout.write(`${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${target}\n`);

const results = {
  when: new Date().toISOString(),
  node: process.version,
  cores: cpus().length,
  batch,
  kafka: { version: kafkaVersion(), ingest: kafkaRun, bareConsumer: bare, publishMs },
};
await writeFile(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nWritten to bench/results.json\n`);
