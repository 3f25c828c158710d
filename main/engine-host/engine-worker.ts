import { parentPort, workerData } from 'node:worker_threads';
import type { EngineEventName } from '../../shared/engine-api.js';
import { EngineService, type EngineServiceOptions } from '../engine/engine-service.js';
import { dispatch } from '../server/api-dispatch.js';

/**
 * The engine in a worker thread, so heavy ingest never blocks the Electron main thread. It speaks
 * the same messages as the WebSocket: requests in, responses and pushed events out, and every
 * request goes through the same dispatcher (checked against the contract).
 */

const port = parentPort;
if (!port) throw new Error('engine-worker runs as a worker thread');

const engine = new EngineService(workerData as EngineServiceOptions);
const events: EngineEventName[] = ['snapshot', 'status', 'quarantine', 'exportProgress'];
for (const event of events) engine.on(event, (payload) => port.postMessage({ event, payload }));

// A start that fails is reported, not left pending: the app shows it instead of waiting forever.
const started = engine.start().then(
  ({ notice }) => {
    port.postMessage({ ready: true, notice, exportsDir: engine.exportsDir });
    return true;
  },
  (error: Error) => {
    port.postMessage({ ready: false, error: error.message });
    return false;
  },
);

port.on('message', async (message: unknown) => {
  const ok = await started;
  if ((message as { stop?: boolean }).stop) {
    if (ok) await engine.stop();
    port.postMessage({ stopped: true });
    return;
  }
  if (!ok) return;
  const response = await dispatch(engine, message);
  if (response) port.postMessage(response);
});
