// What one profile holds, part by part: N customers × 20 listens built with applyEvent (no store,
// no session), then each part of every profile replaced by a shared empty one, the heap measured
// after a forced collection each time. Prints JSON. Usage: node --expose-gc bench/profile-memory-child.mjs [N]
import { normaliseCrmFields } from '../dist/main/engine/decode/crm-fields.js';
import { NO_CHURN_HISTORY } from '../dist/main/engine/profile/profile.js';
import { applyEvent } from '../dist/main/engine/profile/profile-aggregator.js';
import { parseWrittenTime } from '../dist/shared/timestamp.js';

const N = Number(process.argv[2] ?? 100_000);
const map = new Map();
const pad = (n) => String(n).padStart(2, '0');
const memory = () => {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = memory();
for (let i = 0; i < N; i++) {
  const customerId = `C${String(i).padStart(7, '0')}`;
  for (let k = 0; k < 20; k++) {
    const at = parseWrittenTime(`2026-03-${pad(1 + ((i + k) % 28))} ${pad((i * 7 + k) % 24)}:15:07`);
    const trackId = `T${(i * 31 + k * 977) % 200_000}`;
    applyEvent(map, {
      kind: 'listen',
      eventId: null,
      customerId,
      trackId,
      at,
      mobile: k % 3 === 0,
      zip: null,
    });
  }
}
let last = memory();
const result = { profiles: map.size, bytesPerProfile: Math.round((last - before) / N), parts: {} };
const part = (name, clear) => {
  for (const p of map.values()) clear(p);
  const now = memory();
  result.parts[name] = Math.round((last - now) / N);
  last = now;
};
// An empty one of whatever kind the profiles hold (a Set before, TrackIds now).
const noTracks = new (map.values().next().value.tracks.constructor)();
const noProducts = Object.create(null);
part('distinct tracks', (p) => {
  p.tracks = noTracks;
});
part('products', (p) => {
  p.products = noProducts;
});
// Together: both are in the same shared blocks, freed only when nothing points into them.
part('day × hour cells and recent days ring', (p) => {
  p.ringBlock = null;
  p.cells = null;
});
// The texts kept beside the instants (none for the usual forms); the instants are in the profile object.
part('first and last seen texts', (p) => {
  p.firstSeenText = null;
  p.lastSeenText = null;
});
part('churn history', (p) => {
  p.churnHistory = null;
});
result.parts['profile object, map entry, id, track table share'] = Math.round((last - before) / N);
// Apart from the 20-listen profile: a CRM record of the demo's kind (eleven to fifteen fields,
// names and addresses) for every customer, as a customer record applies it; values included.
const names = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Eun-ji', 'Farah', 'Gustav', 'Hana'];
for (let i = 0; i < N; i++) {
  const raw = {
    Name: `${names[i % 8]} ${String.fromCharCode(65 + (i % 26))}${i}`,
    Gender: i % 2 ? 'female' : 'male',
    Address: `${100 + (i % 900)} ${names[(i >> 3) % 8]} Street, Springfield, IL`,
    zip: String(10000 + (i % 89999)),
    SignDate: `${1 + (i % 12)}/${1 + (i % 28)}/${2023 + (i % 3)}`,
    Status: i % 17 ? 1 : 0,
    Level: i % 3,
    Campaign: i % 5,
    LinkedWithApps: i % 2,
    Email: `${names[i % 8].toLowerCase()}.${i}@example.com`,
  };
  if (i % 10) raw.Phone = `(${200 + (i % 800)}) 555-${String(i % 10000).padStart(4, '0')}`;
  if (i % 7 === 0) raw.PreferredGenre = 'jazz';
  applyEvent(map, {
    kind: 'customer',
    customerId: `C${String(i).padStart(7, '0')}`,
    fields: normaliseCrmFields(raw),
  });
}
const afterCrm = memory();
result.crmBytesPerCustomer = Math.round((afterCrm - last) / N);
last = afterCrm;
// Apart again: three churn predictions a customer, scored in nightly batches, their texts fresh
// from JSON.parse as a decoder's are. (The churn history was taken away above.)
for (const p of map.values()) p.churnHistory = NO_CHURN_HISTORY;
last = memory();
for (let i = 0; i < N; i++) {
  for (let k = 0; k < 3; k++) {
    const raw = JSON.parse(`{"model":"demo-churn@2","ts":"2026-12-0${k + 1}T02:00:00Z"}`);
    applyEvent(map, {
      kind: 'prediction',
      customerId: `C${String(i).padStart(7, '0')}`,
      churnRisk: ((i * 7 + k) % 100) / 100,
      label: null,
      model: raw.model,
      ts: raw.ts,
      at: Date.parse(raw.ts),
    });
  }
}
result.predictionsBytesPerCustomer = Math.round((memory() - last) / N);
process.stdout.write(JSON.stringify(result));
