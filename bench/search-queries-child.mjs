// Named queries over the search index of one demo world's customers, each called several times
// in a row, every call timed: for the desk's slowest queries, over the same customers as the
// desk group's engine (`DemoWorld` seed 3), without the engine. With --heap, the process also
// holds a million other objects (about 2.3 GB) and replaces 20,000 of them before each call, as
// an engine's heap would be changing, so the collector's marking runs while the queries do.
// Prints JSON: per query, its calls' times in order and what it found.
// Usage (after `npm run build`): node --max-old-space-size=8192 bench/search-queries-child.mjs
//   CUSTOMERS SEED [--heap] [--calls N] QUERY...
import { DemoWorld } from '../dist/main/engine/demo/demo-world.js';
import { CustomerSearch } from '../dist/main/engine/read/customer-search.js';
import { crmRecord } from './demo-crm.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const at = args.indexOf(name);
  if (at === -1) return false;
  args.splice(at, 1);
  return true;
};
const heap = flag('--heap');
const callsAt = args.indexOf('--calls');
const calls = callsAt === -1 ? 9 : Number(args.splice(callsAt, 2)[1]);
const [customersArg, seedArg, ...queries] = args;
const customers = Number(customersArg);
const seed = Number(seedArg);
if (!Number.isInteger(customers) || !Number.isInteger(seed) || queries.length === 0 || !(calls > 0)) {
  process.stderr.write(
    'usage: node bench/search-queries-child.mjs CUSTOMERS SEED [--heap] [--calls N] QUERY...\n',
  );
  process.exit(2);
}

const world = new DemoWorld({ seed, customers });
const search = new CustomerSearch();
let started = performance.now();
for (const c of world.customers) {
  search.update({ customerId: c.id, crm: crmRecord(c, c.id), listenZip: null });
}
const buildMs = Math.round(performance.now() - started);

const held = [];
const other = (i, k) => ({
  id: String(i),
  counts: new Array(20).fill(k),
  seen: { at: k, text: String(k * 7) },
});
if (heap) for (let i = 0; i < 1_000_000; i++) held.push(other(i, i));
const churn = () => {
  for (let k = 0; heap && k < 20_000; k++) {
    const i = Math.floor(Math.random() * held.length);
    held[i] = other(i, k);
  }
};

const results = [];
for (const query of queries) {
  const ms = [];
  let found = null;
  for (let i = 0; i < calls; i++) {
    churn();
    started = performance.now();
    found = search.search(query, 25);
    ms.push(Math.round((performance.now() - started) * 100) / 100);
  }
  results.push({ query, ms, total: found.total, best: found.matches[0] ?? null });
}
const heapMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
process.stdout.write(`${JSON.stringify({ customers, seed, heap, buildMs, heapMiB, results }, null, 1)}\n`);
