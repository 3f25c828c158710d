import { homedir } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';

/** Shared pieces of the command line: defaults, number flags, progress bars and number formatting. */

/** DESIGN §7: `~/.config/customer360` for the CLI; C360_DATA_DIR overrides it. */
export function defaultDataDir(): string {
  if (process.env.C360_DATA_DIR) return process.env.C360_DATA_DIR;
  const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'customer360');
}

export function wholeNumber(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range =
        max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > 0 ? ` of at least ${min}` : '';
      throw new InvalidArgumentError(`${name} must be a whole number${range}.`);
    }
    return n;
  };
}

export function fraction(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
      throw new InvalidArgumentError(`${name} must be between 0 and 1.`);
    return n;
  };
}

export const fmt = (n: number) => n.toLocaleString('en-US');

/** "1 record", "2 records". */
export const count = (n: number, noun: string) => `${fmt(n)} ${noun}${n === 1 ? '' : 's'}`;

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A progress bar on a terminal (stderr), nothing when output goes to a file or pipe. */
export function progressBar(format: string): SingleBar | null {
  if (!process.stderr.isTTY) return null;
  return new SingleBar({
    format,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  });
}

/** First Ctrl+C asks the running job to stop after a checkpoint; a second one exits at once. */
export function stopOnInterrupt(): () => boolean {
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\nStopping after the next checkpoint (Ctrl+C again to quit now)…\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => stop;
}
