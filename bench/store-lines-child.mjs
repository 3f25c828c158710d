// What a checkpoint of a partitioned batch ingest costs a partition: every customer's store line
// encoded again (the partitions do it for each checkpoint, for every customer a batch touched).
// Loads a store's profiles into one partition, as a run that resumes does, then times
// encodedLines() over all of them, in CPU time, several rounds (a fresh partition each).
// Usage (after `npm run build`): node bench/store-lines-child.mjs STORE_DIR [ROUNDS]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TracksPartition } from '../dist/main/engine/ingest/partitions/tracks-partition.js';

const [dir, roundsArg = '6'] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!dir || !Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write('usage: node bench/store-lines-child.mjs STORE_DIR [ROUNDS]\n');
  process.exit(2);
}
// store.json: a header line, then one profile a line (each but the last followed by a comma).
const stored = [];
for (const line of readFileSync(join(dir, 'store.json'), 'utf8').split('\n').slice(1)) {
  const text = line.endsWith(',') ? line.slice(0, -1) : line;
  if (text.startsWith('{')) stored.push(JSON.parse(text));
}
const cpuMs = [];
let chars = 0;
for (let r = 0; r < rounds; r++) {
  const partition = new TracksPartition(0, 1);
  partition.load(stored);
  const before = process.cpuUsage();
  const { blocks } = partition.encodedLines();
  const used = process.cpuUsage(before);
  cpuMs.push(Math.round((used.user + used.system) / 1000));
  chars = blocks.reduce((sum, b) => sum + b.length, 0);
}
process.stdout.write(`${JSON.stringify({ profiles: stored.length, chars, cpuMs })}\n`);
