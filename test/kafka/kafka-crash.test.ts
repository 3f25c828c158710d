import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_FILES } from '../../main/engine/demo/demo-files.js';
import { cleanEnv } from '../support/clean-env.js';
import { expectedFromDemoFiles } from '../support/expected-profiles.js';
import { uniqueTopics } from '../support/kafka-helpers.js';
import { CLI, runCli } from '../support/run-cli.js';
import { savedCheckpoint } from '../support/saved-checkpoint.js';

const kafka = inject('kafka');

describe('(b) a consumer killed mid-stream', () => {
  it('counts every event exactly once after repeated SIGKILLs and restarts', async () => {
    const work = await mkdtemp(join(tmpdir(), 'c360-kill-'));
    const demo = join(work, 'demo');
    await runCli(['demo-data', '--out', demo, '--customers', '1500', '--events', '150000', '--seed', '5']);
    const t = uniqueTopics('kill');
    const files = Object.values(DEMO_FILES).map((f) => join(demo, f));
    expect(
      (
        await runCli([
          'produce',
          '--brokers',
          kafka.brokers,
          '--topics',
          t.flag,
          '--partitions',
          '3',
          ...files,
        ])
      ).code,
    ).toBe(0);

    const data = join(work, 'store');
    const args = [
      CLI,
      'ingest',
      '--brokers',
      kafka.brokers,
      '--topics',
      t.flag,
      '--data-dir',
      data,
      '--checkpoint-every',
      '4000',
    ];
    const checkpoints: number[] = [];
    let kills = 0;
    for (let round = 0; round < 8 && kills < 4; round++) {
      const child = spawn(process.execPath, args, { stdio: 'ignore', env: cleanEnv() });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Kill at a different moment each round, once the run has made progress since the last one.
      const before = await consumedSoFar(data);
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && child.exitCode === null && (await consumedSoFar(data)) <= before)
        await sleep(20);
      await sleep(37 * round);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills += 1;
      }
      await exited;
      checkpoints.push(await consumedSoFar(data));
    }
    expect(kills).toBeGreaterThanOrEqual(3);

    const finish = await runCli(args.slice(1));
    expect(finish.code).toBe(0);
    const out = join(work, 'out');
    await runCli(['export', '--out', out, '--data-dir', data]);
    const rows = parse(await readFile(join(out, 'live_table.csv')), { columns: true }) as Record<
      string,
      string
    >[];
    const expected = expectedFromDemoFiles(demo);
    expect(rows).toHaveLength(expected.size);
    let listens = 0;
    for (const r of rows) {
      const e = expected.get(r.customer_id ?? '');
      expect([Number(r.listens), Number(r.clicks), Number(r.mobile)], `customer ${r.customer_id}`).toEqual([
        e?.listens,
        e?.clicks,
        e?.mobile,
      ]);
      listens += Number(r.listens);
    }
    expect(listens).toBe([...expected.values()].reduce((n, e) => n + e.listens, 0));
    // The kills landed mid-stream: progress was saved between them, not all at once.
    expect(new Set(checkpoints).size).toBeGreaterThan(1);
  }, 300_000);
});

/** Records the store's checkpoint says were consumed, summed over partitions. */
async function consumedSoFar(dataDir: string): Promise<number> {
  const saved = await savedCheckpoint(dataDir);
  const offsets = (saved?.sources as { kafka?: Record<string, string> } | undefined)?.kafka ?? {};
  return Object.values(offsets).reduce((n, o) => n + Number(o), 0);
}
