import { parentPort, workerData } from 'node:worker_threads';
import { serveConsumer } from './consumer-loop.js';
import type { ConsumerMessage, ConsumerRequest, ConsumerWorkerData } from './consumer-protocol.js';

/** The consumer's thread (see consumer-loop.ts for what it does). */

const port = parentPort;
if (!port) throw new Error('consumer-worker runs as a worker thread');
serveConsumer(workerData as ConsumerWorkerData, {
  post: (message: ConsumerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer),
  listen: (onRequest: (request: ConsumerRequest) => void) => port.on('message', onRequest),
  close: () => port.close(),
});
