// A desk restarted under a heavy stream: reopens a copy of a seeded demo store with the demo
// unpaced and reports when the engine started, when the first search answered (the index is
// built beside the stream), and how fast the demo ingests in the SECONDS after that.
// Usage (after `npm run build`): node bench/restart-child.mjs SEEDED_DIR CUSTOMERS [SECONDS]
// SEEDED_DIR is a data folder with a demo store of CUSTOMERS customers; when it has none, one
// is seeded first (2 × CUSTOMERS events of history), as bench/desk-child.mjs does.
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineService } from '../dist/main/engine/engine-service.js';
import { IngestSession } from '../dist/main/engine/ingest/ingest-session.js';

const [seeded, customersArg, secondsArg = '15'] = process.argv.slice(2);
const CUSTOMERS = Number(customersArg);
const SECONDS = Number(secondsArg);
if (!seeded || !Number.isInteger(CUSTOMERS) || CUSTOMERS < 1000 || !(SECONDS > 0)) {
  process.stderr.write('usage: node bench/restart-child.mjs SEEDED_DIR CUSTOMERS [SECONDS]\n');
  process.exit(2);
}
const SEED = 3;
const log = (text) => process.stderr.write(`${text}\n`);

if (!(await stat(join(seeded, 'stores')).catch(() => null))) {
  const started = performance.now();
  const engine = new EngineService({
    dataDir: seeded,
    demo: { rate: 1, customers: CUSTOMERS, seed: SEED, history: 2 * CUSTOMERS },
  });
  await engine.start();
  for (let last = -1; ; ) {
    await sleep(1000);
    const total = (await engine.snapshot()).events.total;
    if (total >= 2 * CUSTOMERS && total - last < 10) break;
    last = total;
  }
  await engine.stop();
  log(`seeded ${CUSTOMERS} customers in ${Math.round(performance.now() - started)} ms`);
}

// Counts records as the session applies them.
let applied = 0;
const apply = IngestSession.prototype.apply;
IngestSession.prototype.apply = function (records, advance) {
  applied += records.length;
  return apply.call(this, records, advance);
};

const dataDir = await mkdtemp(join(tmpdir(), 'c360-restart-'));
await cp(seeded, dataDir, { recursive: true });
const started = performance.now();
const engine = new EngineService({ dataDir, demo: { rate: 0, customers: CUSTOMERS, seed: SEED } });
await engine.start();
const startedMs = performance.now() - started;
await engine.searchCustomers({ query: 'x', limit: 1 });
const searchReadyMs = performance.now() - started;
const before = applied;
await sleep(SECONDS * 1000);
const recordsPerSecond = (applied - before) / SECONDS;
await engine.stop();
await rm(dataDir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    customers: CUSTOMERS,
    startedMs: Math.round(startedMs),
    searchReadyMs: Math.round(searchReadyMs),
    recordsBeforeSearch: before,
    recordsPerSecondAfter: Math.round(recordsPerSecond),
  })}\n`,
);
