import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { type FileHandle, link, mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../user-error.js';

/**
 * One writer per store folder. Two processes writing one store each rename their checkpoint over
 * the other's, so each loses what only the other counted, without a word (two `c360 ingest` runs
 * on the default data folder did this). The first to open a store holds `c360.lock` beside it;
 * another is refused with who holds it.
 *
 * A holder shows it is alive by beating: it rewrites the lock every BEAT_MS with a counter. A
 * process that finds a lock watches it: a beat within WATCH_MS means a live holder (refused); none
 * means a holder that is gone, whatever its process number now belongs to (a container restarted
 * with the same number, a machine restarted, a renamed host), and the lock is taken over. Nothing
 * depends on the wall clock. A holder on this machine whose process no longer runs is known to be
 * gone at once, so the usual restart after a crash does not wait.
 *
 * Not proper-lockfile: its locks go stale by their age on the wall clock (a clock step takes a
 * live holder's lock), and it cannot tell a dead holder without waiting out that age.
 *
 * Taking over: the stale lock is renamed to a name of this process's own and read back; only if
 * it is the lock that was watched is it deleted (else it is put back).
 * A holder that finds its lock is no longer its own stops beating and reports it lost: its store
 * refuses further checkpoints rather than write beside another process.
 *
 * In one thread the same folder may be taken again while held (an engine reopened before the
 * last one closed, in tests): the hold is counted, and the lock removed with the last release.
 */

export const LOCK_FILE = 'c360.lock';
/** How often a holder rewrites its lock. */
export const BEAT_MS = 2000;
/** How long without a beat before a holder counts as gone: long enough for a busy thread's pauses. */
export const WATCH_MS = 15_000;
/** How long a new lock must stay ours before it counts (see take). */
const SETTLE_MS = 300;
/** Kept small and read with a limit: the file is input like any other. */
const LOCK_MAX_BYTES = 4096;

interface Holder {
  pid: number;
  host: string;
  /**
   * Where its process number means something: on Linux this boot and this pid namespace (a
   * container on the host's network has the host's name but numbers of its own). Empty elsewhere.
   */
  machine: string;
  /** Names this hold: a process number may come back, this does not. */
  nonce: string;
  since: string;
  beat: number;
}

function machineId(): string {
  try {
    return `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return '';
  }
}
/** This process's `machine` (exported for tests that write a lock as another process would). */
export const MACHINE = machineId();

/** Readable by every user (it says only who holds the store), so another user's c360 sees the beats. */
const LOCK_MODE = 0o644;

function holderOf(text: string): Holder | null {
  try {
    const h = JSON.parse(text) as Partial<Holder> | null;
    if (
      h !== null &&
      typeof h === 'object' &&
      Number.isSafeInteger(h.pid) &&
      (h.pid as number) > 0 &&
      typeof h.host === 'string' &&
      typeof h.nonce === 'string' &&
      typeof h.since === 'string'
    )
      return h as Holder;
  } catch {
    // unreadable: watched like any other
  }
  return null;
}

/** True when `h` is a process here (this machine, boot and pid namespace) that no longer runs. */
function goneHere(h: Holder): boolean {
  if (h.host !== hostname() || (h.machine ?? '') !== MACHINE || h.pid === process.pid) return false;
  try {
    process.kill(h.pid, 0); // signal 0: asks whether it exists, sends nothing
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'; // EPERM: another user's, running
  }
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The lock's text; null when there is none; undefined when it could not be read now (out of file
 * handles, a file another user made unreadable, Windows holding it open): that tells nothing.
 */
async function readLock(path: string): Promise<string | null | undefined> {
  let file: FileHandle | null = null;
  try {
    file = await open(path, OPEN_FLAGS);
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(LOCK_MAX_BYTES) });
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    return readError(error);
  } finally {
    await file?.close();
  }
}

function readError(error: unknown): string | null | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return null;
  // A link or a folder planted there: not a lock of ours, watched like any other text.
  if (code === 'ELOOP' || code === 'EISDIR' || code === 'EMLINK') return '';
  return undefined;
}

/** One thread's holds, by lock path. */
const held = new Map<string, { lock: StoreLock; count: number }>();

export class StoreLock {
  readonly #me: Holder;
  #timer: NodeJS.Timeout | null = null;
  #beating: Promise<void> = Promise.resolve();
  #lost = false;

  private constructor(
    readonly path: string,
    me: Holder,
  ) {
    this.#me = me;
  }

  /** True once another process took the lock: this one must not write the store again. */
  get lost(): boolean {
    return this.#lost;
  }

  /**
   * Takes the store folder `dir` (made if missing), or throws a UserError naming its holder. Waits
   * up to WATCH_MS when a lock is there whose holder may be alive; refuses at its first beat.
   */
  static async take(dir: string, watchMs = WATCH_MS): Promise<StoreLock> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UserError(`cannot use the data folder ${dir} (${code}); choose another one`);
    }
    const path = join(resolve(dir), LOCK_FILE);
    const mine = held.get(path);
    if (mine) {
      mine.count += 1;
      return mine.lock;
    }
    const me: Holder = {
      pid: process.pid,
      host: hostname(),
      machine: MACHINE,
      nonce: randomBytes(8).toString('hex'),
      since: new Date().toISOString(),
      beat: 0,
    };
    const lock = new StoreLock(path, me);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await lock.#create()) {
        // A process taking over the lock before ours (it had watched the one before) may move
        // ours aside in the instant after: held only if it is still ours a moment later.
        await sleep(SETTLE_MS);
        const after = await readLock(path);
        if (after !== undefined && holderOf(after ?? '')?.nonce !== me.nonce) continue;
        held.set(path, { lock, count: 1 });
        lock.#timer = setInterval(() => {
          lock.#beating = lock.#beat();
        }, BEAT_MS);
        lock.#timer.unref(); // a command-line run ends when its work does
        return lock;
      }
      const seen = await readLock(path);
      if (seen === null) continue; // released meanwhile
      if (seen === undefined)
        throw new UserError(
          `cannot read ${path} to tell whether another c360 holds the store; check its permissions, or use another data folder`,
        );
      const holder = holderOf(seen);
      if (!(holder && goneHere(holder))) {
        // Alive until shown otherwise: any change within the watch is a beat.
        const until = performance.now() + watchMs;
        while (performance.now() < until) {
          await sleep(Math.min(250, watchMs));
          const now = await readLock(path);
          if (now === null) break; // released: try again
          if (now !== undefined && now !== seen) {
            const h = holderOf(now) ?? holder;
            const who = !h
              ? 'another process'
              : h.host === hostname()
                ? `process ${h.pid}, since ${h.since}`
                : `process ${h.pid} on ${h.host}, since ${h.since}`;
            throw new UserError(
              `the store in ${dir} is in use by another c360 (${who}); stop that one first, or use another data folder`,
            );
          }
        }
        if ((await readLock(path)) !== seen) continue;
      }
      await lock.#takeOver(seen);
    }
    throw new UserError(`the store in ${dir} is being opened by another c360 right now; try again`);
  }

  /**
   * Creates the lock, or finds one there (false). Exclusive, and written in the same call: one
   * caught half-written (or left empty by a kill between the two) is watched like any other, and
   * its writing is a beat, so it is never taken for a holder that is gone. No hard link, so it
   * works on file systems without them (exFAT, some network shares).
   */
  async #create(): Promise<boolean> {
    try {
      await writeFile(this.path, `${JSON.stringify(this.#me)}\n`, { flag: 'wx', mode: LOCK_MODE });
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      throw new UserError(
        `cannot lock the store in ${this.path.slice(0, -LOCK_FILE.length - 1)} (${code ?? (error as Error).message}); choose another data folder`,
      );
    }
  }

  /** Moves the lock `seen` out of the way, if it is still that one. */
  async #takeOver(seen: string): Promise<void> {
    const aside = `${this.path}.gone-${this.#me.nonce}`;
    try {
      await rename(this.path, aside);
    } catch {
      return; // gone meanwhile, or not ours to move: look again
    }
    if ((await readLock(aside)) === seen) {
      await unlink(aside).catch(() => {});
      return;
    }
    // A new holder's lock, moved by mistake: back into place, unless yet another was made since
    // (then the one moved is lost, and its holder stops writing at its next beat).
    try {
      await link(aside, this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        await rename(aside, this.path).catch(() => {}); // a file system without hard links
        return;
      }
    }
    await unlink(aside).catch(() => {});
  }

  /** Rewrites the lock with the next count, if it is still this process's. */
  async #beat(): Promise<void> {
    if (this.#lost || this.#timer === null) return;
    // Not ours any more (lost), or unreadable now (a missed beat: the watch allows several).
    if (this.#stillMine(await readLock(this.path)) !== true) return;
    this.#me.beat += 1;
    const temp = `${this.path}.${this.#me.nonce}`;
    try {
      await writeFile(temp, `${JSON.stringify(this.#me)}\n`, { mode: LOCK_MODE });
      await rename(temp, this.path);
    } catch {
      await unlink(temp).catch(() => {}); // a missed beat
    }
  }

  /**
   * Whether the lock is still this process's, read now (before each write of the store: a flag
   * from the last beat would leave up to 2 s of writes beside a process that took it).
   */
  stillHeld(): boolean {
    if (this.#lost) return false;
    let fd: number | null = null;
    let text: string | null | undefined;
    try {
      fd = openSync(this.path, OPEN_FLAGS);
      const buffer = Buffer.alloc(LOCK_MAX_BYTES);
      text = buffer.subarray(0, readSync(fd, buffer)).toString('utf8');
    } catch (error) {
      text = readError(error);
    } finally {
      if (fd !== null) closeSync(fd);
    }
    return this.#stillMine(text) ?? true; // cannot tell now: held, as far as anyone knows
  }

  /**
   * Judges the lock's text as read: false when it is not this process's any more (then lost for
   * good, and the beats stop); null when it could not be read (cannot tell).
   */
  #stillMine(text: string | null | undefined): boolean | null {
    if (text === undefined) return this.#lost ? false : null;
    if (text === null || holderOf(text)?.nonce !== this.#me.nonce) {
      this.#lost = true;
      this.#stop();
    }
    return !this.#lost;
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Lets the store go: with the last hold in this thread, the lock goes, if it is still ours. */
  async release(): Promise<void> {
    const mine = held.get(this.path);
    if (!mine || mine.lock !== this) return;
    mine.count -= 1;
    if (mine.count > 0) return;
    held.delete(this.path);
    this.#stop();
    await this.#beating;
    if (this.#lost) return;
    if (holderOf((await readLock(this.path)) ?? '')?.nonce === this.#me.nonce)
      await unlink(this.path).catch(() => {});
  }
}
