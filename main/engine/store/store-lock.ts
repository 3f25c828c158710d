import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, unlink } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../user-error.js';

/**
 * One writer per store folder. Two processes writing one store each rename their checkpoint over
 * the other's, so each loses what only the other counted, without a word (two `c360 ingest` runs
 * on the default data folder did this). The first to open a store writes `c360.lock` beside it;
 * another that finds it alive is refused with who holds it.
 *
 * Not proper-lockfile: it decides that a holder is gone from the lock's age, kept fresh by a
 * timer, so a restart after a crash waits out that age (10 s by default), and a holder whose
 * thread is busy longer than that (a large store's whole checkpoint) loses its lock. Here a holder
 * is gone when its process is: the lock names the process and the machine's boot, so a restart
 * after a kill or a power cut takes the store at once, and a busy holder keeps it.
 *
 * A process may open a store it holds again (a restart within one process, in tests): the lock is
 * counted, and the file removed with the last release.
 */

export const LOCK_FILE = 'c360.lock';
/** Kept small and read with a limit: the file is input like any other. */
const LOCK_MAX_BYTES = 4096;
/** Boot times computed from the uptime drift by a second or so; a restart moves them by far more. */
const SAME_BOOT_SLACK_S = 120;

interface Holder {
  pid: number;
  host: string;
  /** When the machine started, in seconds since 1970 (from the uptime). */
  boot: number;
  since: string;
}

const held = new Map<string, number>();

function bootTime(): number {
  return Math.round(Date.now() / 1000 - uptime());
}

function holderOf(text: string): Holder | null {
  try {
    const h = JSON.parse(text) as Partial<Holder> | null;
    if (
      h !== null &&
      typeof h === 'object' &&
      Number.isSafeInteger(h.pid) &&
      (h.pid as number) > 0 &&
      typeof h.host === 'string' &&
      typeof h.boot === 'number' &&
      typeof h.since === 'string'
    )
      return h as Holder;
  } catch {
    // unreadable: below
  }
  return null;
}

/** Whether the process that wrote the lock still runs (as far as this machine can tell). */
function alive(h: Holder): boolean {
  // Another machine's process (a shared folder) cannot be asked: it holds the store.
  if (h.host !== hostname()) return true;
  // The machine has restarted since: its number may now belong to any process.
  if (Math.abs(h.boot - bootTime()) > SAME_BOOT_SLACK_S) return false;
  try {
    process.kill(h.pid, 0); // signal 0: asks whether it exists, sends nothing
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class StoreLock {
  #released = false;

  private constructor(readonly path: string) {}

  /** Takes the store folder `dir` (made if missing), or throws a UserError naming its holder. */
  static async take(dir: string): Promise<StoreLock> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UserError(`cannot use the data folder ${dir} (${code}); choose another one`);
    }
    const path = join(resolve(dir), LOCK_FILE);
    const mine = held.get(path);
    if (mine !== undefined) {
      held.set(path, mine + 1);
      return new StoreLock(path);
    }
    const me: Holder = {
      pid: process.pid,
      host: hostname(),
      boot: bootTime(),
      since: new Date().toISOString(),
    };
    // Twice: once more after taking a dead holder's lock away.
    for (let attempt = 0; attempt < 2; attempt++) {
      let file: FileHandle | null = null;
      try {
        file = await open(
          path,
          constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
          0o600,
        );
        await file.writeFile(`${JSON.stringify(me)}\n`);
        held.set(path, 1);
        return new StoreLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          if (file) await unlink(path).catch(() => {});
          throw new UserError(
            `cannot lock the store in ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); choose another data folder`,
          );
        }
      } finally {
        await file?.close();
      }
      const text = await readLock(path);
      if (text === null) continue; // gone meanwhile: its holder released it
      const holder = holderOf(text);
      if (holder && alive(holder)) {
        const who =
          holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
        throw new UserError(
          `the store in ${dir} is in use by another c360 (${who}, since ${holder.since}); stop that one first, or use another data folder`,
        );
      }
      // Its holder is gone (or wrote nothing readable: killed between creating and writing it).
      // Two processes finding the same dead holder at the same instant could both get here, and
      // the slower remove the faster one's new lock: a window of microseconds, at start only.
      await unlink(path).catch(() => {});
    }
    throw new UserError(`the store in ${dir} is being opened by another c360 right now; try again`);
  }

  /** Lets the store go (once; the file goes with the last holder in this process). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const count = (held.get(this.path) ?? 1) - 1;
    if (count > 0) {
      held.set(this.path, count);
      return;
    }
    held.delete(this.path);
    await unlink(this.path).catch(() => {});
  }
}

async function readLock(path: string): Promise<string | null> {
  let file: FileHandle | null = null;
  try {
    file = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(LOCK_MAX_BYTES) });
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A link or something else planted as the lock: unreadable, so its holder is unknown.
    return '';
  } finally {
    await file?.close();
  }
}
