#!/usr/bin/env node
// Writes streams/src/test/resources/number-vectors.txt: doubles (as 16 hex digits of their bits) and
// String(x) as Node prints them, so the Java profile JSON can be checked to print numbers exactly as
// the engine's JSON.stringify does. Seeded: the file only changes when this list does.
//   node scripts/streams/number-vectors.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let seed = 0xdecade;
function random32() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
const view = new DataView(new ArrayBuffer(8));
const values = [];
// Random bit patterns (any magnitude), then numbers like the ones profiles hold.
for (let i = 0; i < 600; i++) {
  view.setUint32(0, random32());
  view.setUint32(4, random32());
  const x = view.getFloat64(0);
  if (Number.isFinite(x)) values.push(x);
}
for (let i = 0; i < 300; i++) values.push(random32() / 2 ** 32);
for (let i = 0; i < 200; i++) values.push((random32() % 10001) / 100);
for (let i = 0; i < 100; i++) values.push(2 ** 53 + random32() * 2 ** (random32() % 20));
for (let i = 0; i < 100; i++) values.push(random32() * 1e12 + random32());
for (let e = -330; e <= 310; e += 7) values.push(Number(`1.7e${e}`), Number(`9.999999999999999e${e}`));
values.push(
  1e21,
  1e21 - 65536,
  999999999999999900000,
  1e-6,
  9.999999999999997e-7, // the largest double below 1e-6
  5e-324,
  2 ** -1074 * 3,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  2 ** 63,
  2 ** 64,
);
const lines = values.map((x) => {
  view.setFloat64(0, x);
  const hex = view.getBigUint64(0).toString(16).padStart(16, '0');
  return `${hex} ${String(x)}`;
});
const out = join(root, 'streams/src/test/resources/number-vectors.txt');
writeFileSync(out, `${lines.join('\n')}\n`);
process.stdout.write(`${out}: ${lines.length} numbers\n`);
