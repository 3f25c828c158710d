// Named queries at a desk reopened under a heavy stream: copies a seeded demo store (as
// bench/desk-child.mjs leaves in bench/.data/desk-1m/desk-store), reopens it with the demo
// unpaced, waits until search answers and then SECONDS more of ingest, and asks each query once a
// round for three rounds, every call timed: a query's first call against its next ones, after
// the engine has run a while without it.
// Usage (after `npm run build`): node --max-old-space-size=14336 bench/reopen-queries-child.mjs
//   STORE_DIR CUSTOMERS SECONDS QUERY...
import { setTimeout as sleep } from 'node:timers/promises';
import { reopenedDesk } from './reopened-desk.mjs';

const [store, customersArg, secondsArg, ...queries] = process.argv.slice(2);
const customers = Number(customersArg);
const seconds = Number(secondsArg);
if (!store || !Number.isInteger(customers) || !(seconds >= 0) || queries.length === 0) {
  process.stderr.write('usage: node bench/reopen-queries-child.mjs STORE_DIR CUSTOMERS SECONDS QUERY...\n');
  process.exit(2);
}
const { busy, searchReadyMs, close } = await reopenedDesk(store, customers);
try {
  await sleep(seconds * 1000);
  const calls = Object.fromEntries(queries.map((q) => [q, []]));
  for (let round = 0; round < 3; round++) {
    for (const query of queries) {
      const t = performance.now();
      await busy.searchCustomers({ query, limit: 25 });
      calls[query].push(Math.round((performance.now() - t) * 100) / 100);
      await new Promise(setImmediate); // a batch of the stream between calls, as at the desk
    }
  }
  process.stdout.write(`${JSON.stringify({ customers, searchReadyMs, waitedS: seconds, calls })}\n`);
} finally {
  await close();
}
