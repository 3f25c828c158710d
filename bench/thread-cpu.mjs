// Runs a command and prints, when it ends, the CPU time each of its threads used (user and system,
// from /proc, read every 50 ms, so a thread that ends is counted up to its last read): which
// thread of a batch ingest (the engine's, each partition's, the timeline writer's, V8's own
// compiler and collector threads) the CPU went to. The process's first thread is marked `main`;
// the others are told apart by their share (a partition does most of the work). Linux only.
// Usage: node bench/thread-cpu.mjs node bench/ingest-files-child.mjs DIR --threads 2 tracks.csv
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node bench/thread-cpu.mjs COMMAND [ARGS...]\n');
  process.exit(2);
}
const TICKS_PER_SECOND = 100; // USER_HZ: what /proc counts CPU time in on Linux
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
/** Per thread id: its name and the CPU seconds at its latest read. */
const threads = new Map();

function read() {
  let ids;
  try {
    ids = readdirSync(`/proc/${child.pid}/task`);
  } catch {
    return; // the process has ended
  }
  for (const id of ids) {
    try {
      const stat = readFileSync(`/proc/${child.pid}/task/${id}/stat`, 'utf8');
      // The name is in parentheses and may hold spaces; the fields after it are numbered from 3.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      threads.set(id, {
        name: stat.slice(stat.indexOf('(') + 1, close),
        user: Number(fields[11]) / TICKS_PER_SECOND,
        system: Number(fields[12]) / TICKS_PER_SECOND,
      });
    } catch {
      // the thread ended between the listing and the read: its last read stands
    }
  }
}

const timer = setInterval(read, 50);
child.on('exit', (code) => {
  clearInterval(timer);
  const rows = [...threads].sort((a, b) => b[1].user + b[1].system - (a[1].user + a[1].system));
  let total = 0;
  process.stderr.write('\nthread           user s  system s\n');
  for (const [id, t] of rows) {
    total += t.user + t.system;
    if (t.user + t.system >= 0.05)
      process.stderr.write(
        `${`${id} ${Number(id) === child.pid ? 'main' : t.name}`.padEnd(16)} ${t.user.toFixed(2).padStart(6)}  ${t.system.toFixed(2).padStart(8)}\n`,
      );
  }
  process.stderr.write(`all threads: ${total.toFixed(2)} s\n`);
  process.exitCode = code ?? 1;
});
