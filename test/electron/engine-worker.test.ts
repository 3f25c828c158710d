import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineWorkerClient } from '../../main/engine-host/engine-worker-client.js';
import type { DashboardSnapshot } from '../../shared/engine-api.js';

/** The engine off the main thread: a real worker thread, spoken to through the contract. */
describe('the engine worker', () => {
  it('answers calls, checks their arguments, pushes events, and stops cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'c360-worker-'));
    // The compiled worker: npm test builds before it runs.
    const client = new EngineWorkerClient(
      { dataDir, demo: { rate: 100, customers: 200, seed: 4, history: 2000 } },
      new URL('../../dist/main/engine-host/engine-worker.js', import.meta.url),
    );
    const { exportsDir } = await client.ready;
    expect(exportsDir).toBe(join(dataDir, 'exports'));
    const snapshots: DashboardSnapshot[] = [];
    const off = client.on('snapshot', (s) => snapshots.push(s));
    await expect.poll(() => snapshots.at(-1)?.customers ?? 0, { timeout: 10_000 }).toBe(200);
    off();
    const search = (await client.call('searchCustomers', { query: '1', limit: 3 })) as { results: unknown[] };
    expect(search.results).toHaveLength(3);
    await expect(client.call('customer360', { customerId: 5 })).rejects.toThrow(/expected string/);
    await expect(client.call('shutdown', {})).rejects.toThrow(/unknown method/);
    await client.stop();
  });

  it('reports a start that fails instead of leaving the app waiting', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'c360-worker-')), 'a-file');
    await writeFile(file, 'not a folder');
    const client = new EngineWorkerClient(
      { dataDir: join(file, 'data'), demo: { rate: 10, customers: 10, seed: 1 } },
      new URL('../../dist/main/engine-host/engine-worker.js', import.meta.url),
    );
    await expect(client.ready).rejects.toThrow(/cannot use the data folder .*a-file\/data \(ENOTDIR\)/);
    await client.stop();
  });
});
