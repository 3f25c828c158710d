import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EngineService } from '../../main/engine/engine-service.js';
import { DashboardServer } from '../../main/server/dashboard-server.js';

/**
 * Back-pressure: snapshots replace each other, so a client that stops reading misses some instead
 * of the server queueing them for it without bound. Other clients are not held back.
 */

type Listener = (payload: unknown) => void;

function fakeEngine() {
  const listeners = new Map<string, Set<Listener>>();
  return {
    engine: {
      on: (event: string, listener: Listener) => {
        const set = listeners.get(event) ?? new Set();
        set.add(listener);
        listeners.set(event, set);
        return () => set.delete(listener);
      },
      status: async () => ({ state: 'connected' }),
      exportsDir: '/nonexistent',
    } as unknown as EngineService,
    emit: (event: string, payload: unknown) => {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

let server: DashboardServer | null = null;
afterEach(async () => {
  await server?.close();
});

function connect(url: string): Promise<{ ws: WebSocket; snapshots: () => number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    let snapshots = 0;
    ws.on('message', (data) => {
      if (String(data).startsWith('{"event":"snapshot"')) snapshots += 1;
    });
    ws.on('open', () => resolve({ ws, snapshots: () => snapshots }));
  });
}

describe('the dashboard server under a slow client', () => {
  it('skips snapshots for a client that stops reading, and still feeds the others', async () => {
    const { engine, emit } = fakeEngine();
    server = new DashboardServer(engine, {
      host: '127.0.0.1',
      port: 0,
      rendererDir: '/nonexistent',
      token: null,
    });
    const { url } = await server.listen();
    const api = `${url.replace('http', 'ws')}api`;
    const fast = await connect(api);
    const slow = await connect(api);
    // The slow client's socket stops reading: the kernel buffers fill, then the server's queue would.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const SNAPSHOTS = 400;
    const padding = 'x'.repeat(100_000); // 100 kB each, 40 MB in all
    for (let i = 0; i < SNAPSHOTS; i++) {
      emit('snapshot', { seq: i, padding });
      // A reading client keeps up with a real 5/s stream; here it is let catch up (never more than
      // 500 kB behind), so on a busy machine it still never passes the 1 MB skip threshold.
      if (i % 5 === 4) await expect.poll(fast.snapshots, { timeout: 10_000 }).toBeGreaterThanOrEqual(i - 4);
    }
    await expect.poll(fast.snapshots, { timeout: 20_000 }).toBe(SNAPSHOTS);

    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await sleep(1500);
    const received = slow.snapshots();
    expect(received).toBeGreaterThan(0);
    // Far fewer than were sent: the rest were skipped, not queued (1 MB backlog ≈ 10 of these).
    expect(received).toBeLessThan(SNAPSHOTS / 2);
    fast.ws.close();
    slow.ws.close();
  });
});

describe('the dashboard server while the engine starts', () => {
  it('answers API calls only once the engine is ready, then answers the ones that waited', async () => {
    const { engine } = fakeEngine();
    let ready: (ok: boolean) => void = () => {};
    server = new DashboardServer(engine, {
      host: '127.0.0.1',
      port: 0,
      rendererDir: '/nonexistent',
      token: null,
      engineReady: new Promise((resolve) => {
        ready = resolve;
      }),
    });
    const { url } = await server.listen();
    const { ws } = await connect(`${url.replace('http', 'ws')}api`);
    const answers: unknown[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number };
      if (message.id !== undefined) answers.push(message);
    });
    ws.send(JSON.stringify({ id: 1, method: 'status', params: {} }));
    await sleep(300);
    // Still reading its store: the call waits rather than meeting an engine that is not there.
    expect(answers).toEqual([]);
    ready(true);
    await expect.poll(() => answers, { timeout: 5000 }).toEqual([{ id: 1, result: { state: 'connected' } }]);
    ws.close();
  });
});
