// Shared by the dashboard and start-up benches: `c360 serve` as a child process, and Chromium
// launched as the e2e tests launch it (scripts/chromium.mjs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium } from '../scripts/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export { launchChromium };

export const CLI = join(here, '..', 'dist', 'main', 'cli', 'c360.js');
export function checkBuilt() {
  if (!existsSync(CLI) || !existsSync(join(here, '..', 'dist', 'renderer', 'index.html')))
    throw new Error('dist/ is missing: run "npm run build" first');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
}

/**
 * Spawns `c360 serve` with `args`. `spawnedAt` is performance.now() just before the spawn;
 * `ready` resolves with the dashboard URL and performance.now() when its line reached us.
 */
export function startServe(args) {
  const spawnedAt = performance.now();
  // The product's own settings from this shell (C360_BROKERS, KAFKA_BROKERS, …) would measure
  // something else than the demo the bench asks for.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(C360_|KAFKA_)/.test(k)));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      const at = performance.now();
      out += d;
      const m = /dashboard on [^\n]*?(https?:\/\/\S+)\s*\n/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        resolve({ url: m[1].replace(/\/$/, ''), at });
      }
    };
    child.stdout.on('data', onData);
    exited.then(({ code, signal }) =>
      reject(new Error(`c360 serve ended (${code ?? signal}) before listening: ${stderr.trim()}`)),
    );
  });
  ready.catch(() => {});
  return {
    child,
    spawnedAt,
    ready,
    get stderr() {
      return stderr;
    },
    /** Ctrl+C as a user would: the engine checkpoints and exits; killed if it takes over 30 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where there is none. */
export async function cpuSeconds(pid) {
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? null : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export const round = (n, digits = 1) => (n === null ? null : Number(n.toFixed(digits)));
