import { parentPort, workerData } from 'node:worker_threads';
import { serveTimelineWriter, type WriterWorkerData } from './timeline-writer.js';

/** The timeline writer's thread (see timeline-writer.ts for what it does and why). */

const port = parentPort;
if (!port) throw new Error('timeline-writer-worker runs as a worker thread');
serveTimelineWriter(workerData as WriterWorkerData, {
  post: (reply) => port.postMessage(reply),
  listen: (onRequest) => port.on('message', onRequest),
  close: () => port.close(),
});
