// A seeded demo desk store (as bench/desk-child.mjs leaves it) reopened on a copy, with the demo
// unpaced, once search answers: what the reopen-* children measure against. `beforeStart` runs
// after the copy, before the engine starts (the heap child starts its sampling there).
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineService } from '../dist/main/engine/engine-service.js';

export async function reopenedDesk(store, customers, beforeStart = async () => {}) {
  const dir = await mkdtemp(join(tmpdir(), 'c360-reopen-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await cp(store, dir, { recursive: true });
    await beforeStart();
    const started = performance.now();
    const busy = new EngineService({ dataDir: dir, demo: { rate: 0, customers, seed: 3 } });
    await busy.start();
    await busy.searchCustomers({ query: 'x', limit: 1 });
    const searchReadyMs = Math.round(performance.now() - started);
    const close = async () => {
      try {
        await busy.stop();
      } finally {
        await remove();
      }
    };
    return { busy, searchReadyMs, close };
  } catch (error) {
    await remove();
    throw error;
  }
}
