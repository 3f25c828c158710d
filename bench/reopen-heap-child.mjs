// The heap of a desk reopened under a heavy stream: copies a seeded demo store (as
// bench/desk-child.mjs leaves in bench/.data/desk-1m/desk-store), reopens it with the demo unpaced,
// waits until search answers, and reports the heap in use after two full collections; then SECONDS
// more of ingest, its peak (read every 200 ms) and the heap in use after them. With --sites, V8's
// sampling heap profiler runs from the reopening to the first report, and the objects still alive
// then are summed by the code that made them. Prints JSON.
// Usage (after `npm run build`): node --expose-gc [--max-old-space-size=MB]
//   bench/reopen-heap-child.mjs STORE_DIR CUSTOMERS SECONDS [--sites]
import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { reopenedDesk } from './reopened-desk.mjs';

const [store, customersArg, secondsArg, sitesArg] = process.argv.slice(2);
const customers = Number(customersArg);
const seconds = Number(secondsArg);
if (!store || !Number.isInteger(customers) || !(seconds >= 0) || typeof global.gc !== 'function') {
  process.stderr.write(
    'usage: node --expose-gc bench/reopen-heap-child.mjs STORE_DIR CUSTOMERS SECONDS [--sites]\n',
  );
  process.exit(2);
}
const MiB = 2 ** 20;
const inUse = () => {
  global.gc();
  global.gc();
  return Math.round(process.memoryUsage().heapUsed / MiB);
};

/** What made a live object, from its allocation stack (innermost first), in the README's rows. */
function kindOf(stack) {
  const s = stack.join(' < ');
  if (/demo-world|demo-live|faker|base-/.test(s)) return "the demo's world";
  if (/^crm |^dict .* < crm /.test(s)) return 'the CRM records';
  if (/churnHistory/.test(s)) return 'the churn histories';
  if (/customer-search/.test(s)) return 'the search index';
  if (/^decodeProfile/.test(s)) return 'the profile objects';
  if (/^#read |^set .* < #read /.test(s))
    return "strings of the store's lines that profiles keep, the profiles' map";
  if (/applyEvent|ingest-session|profile-aggregator|track-ids/.test(s)) return 'ingest since reopening';
  if (/productsFrom/.test(s)) return 'the products';
  return 'the rest';
}

function sites(profile) {
  const sums = new Map();
  const walk = (node, path) => {
    const f = node.callFrame;
    const stack = [`${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}`, ...path];
    if (node.selfSize) sums.set(kindOf(stack), (sums.get(kindOf(stack)) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, stack);
  };
  walk(profile.head, []);
  return Object.fromEntries([...sums].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v / MiB)]));
}

const session = new Session();
const sampling = async () => {
  if (sitesArg !== '--sites') return;
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 65536 });
};
const { searchReadyMs, close } = await reopenedDesk(store, customers, sampling);
try {
  const result = {
    customers,
    heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / MiB),
    searchReadyMs,
    inUseAtReadyMiB: inUse(),
  };
  if (sitesArg === '--sites') {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    result.liveAtReadyMiB = sites(profile);
  }
  let peak = 0;
  const watch = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 200);
  await sleep(seconds * 1000);
  clearInterval(watch);
  result.ingestSeconds = seconds;
  result.peakInUseMiB = Math.round(peak / MiB);
  result.inUseAfterMiB = inUse();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await close();
}
