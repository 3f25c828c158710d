// Customer search alone at scale: the index built over N demo customers' CRM records (no engine,
// no profiles), its heap per customer, the desk's query mix (forgiving kinds included) timed
// call by call, and the cost of keeping it current: updates to customers already there, the
// longest single one included (it may rebuild the joined string or sort new words in).
// With `minisearch`, the same over MiniSearch (prefix and fuzzy search, words ANDed), for the
// comparison that decided the index (see main/engine/read/customer-search.ts). Prints JSON.
// Usage (after `npm run build`): node --expose-gc bench/search-scale-child.mjs N [own|minisearch]
import { DemoWorld } from '../dist/main/engine/demo/demo-world.js';
import { CustomerSearch } from '../dist/main/engine/read/customer-search.js';
import { fold } from '../dist/main/engine/read/search-text.js';
import { crmRecord } from './demo-crm.mjs';
import { queryMix } from './desk-queries.mjs';
import { mulberry32 } from './seeded-random.mjs';

const [countArg, kind = 'own'] = process.argv.slice(2);
const N = Number(countArg);
if (!Number.isInteger(N) || N < 1000 || !globalThis.gc) {
  process.stderr.write('usage: node --expose-gc bench/search-scale-child.mjs N [own|minisearch]\n');
  process.exit(2);
}
const log = (text) => process.stderr.write(`${text}\n`);
const CHUNK = 100_000;
const LIMIT = 25;

const random = mulberry32(42);
const randomId = () => String(1 + Math.floor(random() * N));

function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.max(0, Math.ceil(p * s.length) - 1)];
  const round = (ms) => Math.round(ms * 1000) / 1000;
  return { n: s.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(s[s.length - 1]) };
}

// The heap and typed arrays' memory outside it (the index's signatures are one).
const heapUsed = () => {
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

// 1. N customers' CRM records, as the engine holds them (snake_case keys), made a world of
// 100,000 at a time (a seed each) so the world's own state never holds a million.
let started = performance.now();
const crms = [];
for (let from = 0; from < N; from += CHUNK) {
  const world = new DemoWorld({ seed: 3 + from / CHUNK, customers: Math.min(CHUNK, N - from), tracks: 500 });
  for (const c of world.customers) {
    crms.push(crmRecord(c, String(from + c.index + 1)));
  }
}
log(`made ${N} CRM records in ${Math.round(performance.now() - started)} ms`);
const profileOf = (crm) => ({ customerId: crm.cust_id, crm, listenZip: null });

/** Our index, or MiniSearch with the same fields and folding, behind one interface. */
async function makeIndex() {
  if (kind === 'own') {
    const search = new CustomerSearch();
    return {
      update: (crm) => search.update(profileOf(crm)),
      search: (q) => search.search(q, LIMIT),
      words: () => search.words,
    };
  }
  const { default: MiniSearch } = await import('minisearch');
  const doc = (crm) => ({
    id: crm.cust_id,
    cust: crm.cust_id,
    name: crm.name,
    email: crm.email,
    phone: crm.phone,
    digits: String(crm.phone ?? '').replace(/\D/g, ''),
    zip: crm.zip,
    address: crm.address,
  });
  const mini = new MiniSearch({
    fields: ['cust', 'name', 'email', 'phone', 'digits', 'zip', 'address'],
    processTerm: (term) => fold(term) || null,
    searchOptions: { prefix: true, fuzzy: 0.2, combineWith: 'AND' },
  });
  return {
    update: (crm) => (mini.has(crm.cust_id) ? mini.replace(doc(crm)) : mini.add(doc(crm))),
    search: (q) => {
      const found = mini.search(q);
      return { ids: found.slice(0, LIMIT).map((r) => r.id), total: found.length };
    },
    words: () => mini.termCount,
  };
}

// 2. The index, built customer by customer as ingest does, and its heap.
const before = heapUsed();
started = performance.now();
const index = await makeIndex();
for (const crm of crms) index.update(crm);
const buildMs = performance.now() - started;
const indexBytes = heapUsed() - before;
log(`built the ${kind} index in ${Math.round(buildMs)} ms, ${Math.round(indexBytes / N)} bytes a customer`);

// 3. The desk's queries: two rounds after a warm-up, each call timed.
const byId = (id) => crms[Number(id) - 1];
const sample = [];
while (sample.length < 100) {
  const crm = byId(randomId());
  if (crm.name && crm.email) sample.push(crm);
}
const { queries, forgiving } = queryMix(sample, randomId);
const firstForgiving = queries.length - forgiving.length;
const all = [];
// Per query, its slowest timed call: the tail's queries, named in the output.
const slowest = new Map();
const forgivingMs = [];
const forgivingByKind = {};
let matched = 0;
for (let round = 0; round < 3; round++) {
  for (const [i, q] of queries.entries()) {
    const t = performance.now();
    const found = index.search(q);
    const ms = performance.now() - t;
    if (round === 0) continue; // warm-up
    all.push(ms);
    slowest.set(q, Math.max(slowest.get(q) ?? 0, ms));
    if (i < firstForgiving) continue;
    forgivingMs.push(ms);
    const k = forgiving[i - firstForgiving].kind;
    forgivingByKind[k] ??= { queries: 0, matched: 0 };
    if (round === 1) {
      forgivingByKind[k].queries += 1;
      if (found.total > 0) {
        forgivingByKind[k].matched += 1;
        matched += 1;
      }
    }
  }
}
log(`forgiving queries matched: ${matched} of ${forgiving.length}`);

// 4. Keeping it current: 20,000 customers already there get another customer's name and address
// (as CRM changes arriving while ingesting do), each update timed.
const updates = [];
for (let i = 0; i < 20_000; i++) {
  const crm = byId(randomId());
  const other = byId(randomId());
  const changed = Object.assign(Object.create(null), crm, { name: other.name, address: other.address });
  const t = performance.now();
  index.update(changed);
  updates.push(performance.now() - t);
}
const u = percentiles(updates);

process.stdout.write(
  `${JSON.stringify({
    kind,
    customers: N,
    buildMs: Math.round(buildMs),
    indexBytesPerCustomer: Math.round(indexBytes / N),
    words: index.words(),
    queries: queries.length,
    search: percentiles(all),
    searchForgiving: percentiles(forgivingMs),
    forgivingByKind,
    slowestQueries: [...slowest]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([query, ms]) => ({ query, ms: Math.round(ms * 1000) / 1000 })),
    update: { meanUs: Math.round((updates.reduce((a, b) => a + b, 0) / updates.length) * 1000), ...u },
  })}\n`,
);
