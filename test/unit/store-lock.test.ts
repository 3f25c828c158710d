import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import { LOCK_FILE, StoreLock } from '../../main/engine/store/store-lock.js';
import { UserError } from '../../main/engine/user-error.js';

/** One writer per store folder; a holder that is gone (killed, or the machine restarted) is not waited for. */

const boot = () => Math.round(Date.now() / 1000 - uptime());
const since = '2026-12-07T04:00:00.000Z';

async function heldBy(holder: object): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'c360-lock-'));
  await writeFile(join(dir, LOCK_FILE), JSON.stringify(holder));
  return dir;
}

/** The number of a process that has ended (not reused within a test's time on Linux or macOS). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

const holderIn = async (dir: string) => JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'));

describe('the store lock', () => {
  it("refuses a store a running process holds, naming it, on this machine or another's", async () => {
    const alive = process.ppid; // running, and not this process
    const here = await heldBy({ pid: alive, host: hostname(), boot: boot(), since });
    await expect(StoreLock.take(here)).rejects.toThrow(
      new UserError(
        `the store in ${here} is in use by another c360 (process ${alive}, since ${since}); stop that one first, or use another data folder`,
      ),
    );
    expect((await holderIn(here)).pid).toBe(alive);
    // A shared folder: a process on another machine cannot be asked, so it holds the store.
    const shared = await heldBy({ pid: deadPid(), host: 'booth-pc-2', boot: boot(), since });
    await expect(StoreLock.take(shared)).rejects.toThrow(
      /in use by another c360 \(process \d+ on booth-pc-2/,
    );
  });

  it('takes a store at once from a process that is gone, from before a restart, or unreadable', async () => {
    const killed = await heldBy({ pid: deadPid(), host: hostname(), boot: boot(), since });
    // The machine restarted since: the number may belong to any process now (here, a running one).
    const rebooted = await heldBy({ pid: process.ppid, host: hostname(), boot: boot() - 86_400, since });
    const cutShort = await heldBy({});
    for (const dir of [killed, rebooted, cutShort]) {
      const lock = await StoreLock.take(dir);
      expect(await holderIn(dir)).toMatchObject({ pid: process.pid, host: hostname() });
      await lock.release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }
  });

  it('lets this process open its store again, and lets go with the last release', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-lock-'));
    const first = await StoreLock.take(dir);
    const again = await StoreLock.take(dir);
    await first.release();
    await first.release(); // once only
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    await again.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('keeps an engine off a store another process holds: nothing read, nothing moved aside', async () => {
    const dir = await heldBy({ pid: process.ppid, host: hostname(), boot: boot(), since });
    await writeFile(join(dir, 'store.json'), 'half a checkpoint the holder is writ');
    await expect(Engine.open({ storeDir: dir })).rejects.toThrow(/is in use by another c360/);
    expect(await readFile(join(dir, 'store.json'), 'utf8')).toBe('half a checkpoint the holder is writ');
    // Its own store: taken on opening, let go on closing.
    const own = await mkdtemp(join(tmpdir(), 'c360-lock-'));
    const engine = await Engine.open({ storeDir: own });
    expect((await holderIn(own)).pid).toBe(process.pid);
    await engine.close();
    expect(existsSync(join(own, LOCK_FILE))).toBe(false);
  });
});
