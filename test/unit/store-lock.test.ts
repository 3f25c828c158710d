import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import { DemoSource } from '../../main/engine/sources/demo/demo-source.js';
import { BEAT_MS, LOCK_FILE, MACHINE, StoreLock } from '../../main/engine/store/store-lock.js';
import { BUILT_LOCK, holderProcess } from '../support/store-holder.js';

/**
 * One writer per store folder. A holder beats (rewrites its lock every 2 s); one that is gone is
 * taken over: at once when its process is known to have ended here, else after a watch without a
 * beat, whatever its process number now belongs to.
 */

const since = '2026-12-07T04:00:00.000Z';

async function heldBy(holder: object | string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'c360-lock-'));
  await writeFile(join(dir, LOCK_FILE), typeof holder === 'string' ? holder : JSON.stringify(holder));
  return dir;
}

/** The number of a process that has ended (not reused within a test's time on Linux or macOS). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
}

const holderIn = async (dir: string) => JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'));

describe('the store lock', () => {
  it('refuses a store a running process holds, at its first beat, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-lock-'));
    const holder = await holderProcess(dir);
    try {
      const started = performance.now();
      await expect(StoreLock.take(dir)).rejects.toThrow(
        new RegExp(
          `^the store in ${dir} is in use by another c360 \\(process ${holder.pid}, since .+\\); stop that one first`,
        ),
      );
      expect(performance.now() - started).toBeLessThan(BEAT_MS * 3); // a beat, not the whole watch
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes a store at once from a holder on this machine whose process has ended', async () => {
    const dir = await heldBy({
      pid: deadPid(),
      host: hostname(),
      machine: MACHINE,
      nonce: 'a1',
      since,
      beat: 7,
    });
    const started = performance.now();
    const lock = await StoreLock.take(dir, 60_000);
    expect(performance.now() - started).toBeLessThan(5_000); // not the minute's watch
    expect(await holderIn(dir)).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over after a watch without a beat, whoever the number now belongs to', async () => {
    // A running process's number (a restarted container, a restarted machine), this process's
    // own (pid 1 in a container), another machine's, and a lock that is not JSON: no beat, so gone.
    for (const left of [
      { pid: process.ppid, host: hostname(), nonce: 'b1', since, beat: 3 },
      { pid: process.pid, host: hostname(), nonce: 'b2', since, beat: 3 },
      { pid: 4242, host: 'booth-pc-2', nonce: 'b3', since, beat: 3 },
      // This host's name and a process number that has ended here, but another boot or pid
      // namespace (a container on the host's network): its number says nothing here.
      {
        pid: deadPid(),
        host: hostname(),
        machine: 'another-boot/pid:[4026531836]',
        nonce: 'b4',
        since,
        beat: 3,
      },
      '{"pid":',
    ]) {
      const dir = await heldBy(left);
      const started = performance.now();
      const lock = await StoreLock.take(dir, 600);
      expect(performance.now() - started).toBeGreaterThanOrEqual(600); // watched, not taken at once
      expect((await holderIn(dir)).pid).toBe(process.pid);
      await lock.release();
    }
  });

  it('lets go when another process took it, and then refuses to let its store be written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-lock-'));
    const engine = await Engine.open({ storeDir: dir });
    // Taken from under it (as a process that found no beat for the whole watch would).
    await rename(join(dir, LOCK_FILE), join(dir, 'gone'));
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 4242, host: 'x', nonce: 'c1', since, beat: 0 }),
    );
    // At once, not at its next beat: the lock is read before each write of the store.
    await expect(engine.session.checkpoint()).rejects.toThrow(/another process took the store/);
    await engine.close().catch(() => {});
    // Its release leaves the other's lock alone.
    expect((await holderIn(dir)).nonce).toBe('c1');
  });

  it('stops a run whose store another process took, and says why, without waiting for a checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-lock-'));
    // No checkpoint for a minute: the run itself must notice.
    const engine = await Engine.open({ storeDir: dir, checkpoint: { everyMs: 60_000, everyRecords: 1e9 } });
    const run = engine.run(new DemoSource({ seed: 1, customers: 50, rate: 200, speed: 24, history: 0 }));
    for (let i = 0; i < 100 && engine.session.counts.listens === 0; i++) await sleep(50);
    await rename(join(dir, LOCK_FILE), join(dir, 'gone'));
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 4242, host: 'x', nonce: 'e1', since, beat: 0 }),
    );
    const outcome = await Promise.race([
      run.then(
        () => 'ended without an error',
        (e: Error) => e.message,
      ),
      sleep(BEAT_MS * 4).then(() => 'still running'),
    ]);
    expect(outcome).toMatch(/another process took the store/);
    await engine.close().catch(() => {});
    expect((await holderIn(dir)).nonce).toBe('e1');
  });

  it('counts a second hold in one thread, and lets go with the last release', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-lock-'));
    const first = await StoreLock.take(dir);
    const again = await StoreLock.take(dir);
    await first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    await again.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('keeps an engine off a store another process holds: nothing read, nothing moved aside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-lock-'));
    await writeFile(join(dir, 'store.json'), 'half a checkpoint the holder is writ');
    const holder = await holderProcess(dir);
    try {
      await expect(Engine.open({ storeDir: dir })).rejects.toThrow(/is in use by another c360/);
      expect(await readFile(join(dir, 'store.json'), 'utf8')).toBe('half a checkpoint the holder is writ');
    } finally {
      holder.kill('SIGKILL');
    }
    // Its own store: taken on opening, let go on closing.
    const own = await mkdtemp(join(tmpdir(), 'c360-lock-'));
    const engine = await Engine.open({ storeDir: own });
    expect((await holderIn(own)).pid).toBe(process.pid);
    await engine.close();
    expect(existsSync(join(own, LOCK_FILE))).toBe(false);
  });

  it('never lets two processes that start together both hold it', async () => {
    const dir = await heldBy({
      pid: deadPid(),
      host: hostname(),
      machine: MACHINE,
      nonce: 'd1',
      since,
      beat: 0,
    });
    const racer = () =>
      new Promise<string>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const { StoreLock } = await import(${JSON.stringify(BUILT_LOCK)});
             try { await StoreLock.take(${JSON.stringify(dir)}, 6000); process.stdout.write('held');
                   await new Promise((r) => setTimeout(r, 4000)); }
             catch (e) { process.stdout.write('refused'); }`,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.on('exit', () => resolve(out));
      });
    const outcomes = await Promise.all([racer(), racer(), racer()]);
    expect(outcomes.filter((o) => o === 'held')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(2);
  });
});
