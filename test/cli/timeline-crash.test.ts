import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { ProfileStore } from '../../main/engine/store/profile-store.js';
import { TIMELINE_FILE, TimelineStore } from '../../main/engine/timeline/timeline-store.js';
import { cleanEnv } from '../support/clean-env.js';
import { CLI, runCli } from '../support/run-cli.js';

/**
 * The timeline under SIGKILL: `c360 ingest` is killed hard again and again while it writes, so
 * kills land between a batch's timeline write and the checkpoint that holds it, then it runs to
 * the end. Every listen must be in the timeline exactly once, as it is in the profiles.
 */

const LINES = 240_000;
const CUSTOMERS = 400; // 600 listens each: under the cap, so every one must be kept

/** Runs of 50 listens per customer, so a batch holds some customers and not others. */
async function listensFile(dir: string): Promise<string> {
  const lines: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const ts = new Date(Date.UTC(2026, 2, 2) + i * 7_000).toISOString();
    lines.push(
      JSON.stringify({
        type: 'listen',
        customerId: `k${Math.floor(i / 50) % CUSTOMERS}`,
        trackId: `t${i}`,
        ts,
        mobile: i % 3 === 0,
      }),
    );
  }
  const path = join(dir, 'listens.jsonl');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** When the store last saved a checkpoint, whole or appended (0 for none). */
function lastCheckpointAt(data: string): number {
  let at = 0;
  for (const file of ['store.json', 'store.changes']) {
    const path = join(data, file);
    if (existsSync(path)) at = Math.max(at, statSync(path).mtimeMs);
  }
  return at;
}

/** Timeline batches written after the last checkpoint (what opening must drop), read without opening the timeline. */
async function batchesPastCheckpoint(data: string): Promise<number> {
  const { state } = await ProfileStore.open(data);
  const root = open({ path: join(data, TIMELINE_FILE), maxDbs: 4 });
  const journal = root.openDB({ name: 'journal', keyEncoding: 'binary' });
  let later = 0;
  for (const key of journal.getKeys({}))
    if ((key as Buffer).readUIntBE(0, 6) > state.timelineBatch) later += 1;
  await root.close();
  return later;
}

describe('the timeline when c360 ingest is killed', () => {
  it('holds every listen exactly once after kills between timeline writes and checkpoints', async () => {
    const work = await mkdtemp(join(tmpdir(), 'c360-timeline-kill-'));
    const path = await listensFile(work);
    const data = join(work, 'store');
    let kills = 0;
    let killedWithChanges = false;
    let dropped = 0;
    for (let round = 0; round < 3; round++) {
      const child = spawn(
        process.execPath,
        [CLI, 'ingest', path, '--data-dir', data, '--checkpoint-every', '6000'],
        {
          env: cleanEnv(),
          stdio: 'ignore',
        },
      );
      const exited = new Promise((r) => child.on('close', r));
      const before = lastCheckpointAt(data);
      // Wait for a checkpoint of this run, then kill at some moment after it. A checkpoint here
      // changes 120 of 400 customers, so some are appended to store.changes: until a kill has
      // left one there, the kill comes as soon as one is.
      const changes = join(data, 'store.changes');
      for (let i = 0; i < 3200; i++) {
        await new Promise((r) => setTimeout(r, 5));
        if (lastCheckpointAt(data) > before && (killedWithChanges || existsSync(changes))) break;
      }
      if (killedWithChanges) await new Promise((r) => setTimeout(r, 40 + round * 90));
      if (child.exitCode === null && child.kill('SIGKILL')) kills += 1;
      await exited;
      killedWithChanges ||= existsSync(changes);
      dropped += await batchesPastCheckpoint(data);
    }
    expect(kills).toBeGreaterThan(0);
    expect(killedWithChanges).toBe(true);
    // The kills did land between timeline writes and the checkpoint holding them.
    expect(dropped).toBeGreaterThan(0);

    const finish = await runCli(['ingest', path, '--data-dir', data, '--checkpoint-every', '10000']);
    expect(finish.code).toBe(0);

    const { state } = await ProfileStore.open(data);
    let listens = 0;
    for (const p of state.profiles.values()) listens += p.listens;
    expect(listens).toBe(LINES);
    const { timeline } = await TimelineStore.open(data, state.storeId, state.timelineBatch);
    try {
      const seen = new Map<string, number>();
      for (let c = 0; c < CUSTOMERS; c++) {
        let before: string | undefined;
        for (;;) {
          const page = timeline.query({ customerId: `k${c}`, limit: 200, before });
          for (const e of page.events)
            if (e.kind === 'listen') seen.set(e.trackId, (seen.get(e.trackId) ?? 0) + 1);
          if (!page.nextBefore) break;
          before = page.nextBefore;
        }
      }
      const twice = [...seen].filter(([, n]) => n > 1).map(([t]) => t);
      expect(twice).toEqual([]);
      expect(seen.size).toBe(LINES);
    } finally {
      await timeline.close();
    }
  }, 180_000);
});
