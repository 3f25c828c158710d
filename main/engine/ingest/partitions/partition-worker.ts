import { parentPort, workerData } from 'node:worker_threads';
import {
  answer,
  type PartitionRequest,
  type PartitionWorkerData,
  TracksPartition,
} from './partition-protocol.js';

/** A partition's thread: holds its customers' profiles and answers the engine's requests in order. */

const { index, count } = workerData as PartitionWorkerData;
const partition = new TracksPartition(index, count);
parentPort?.on('message', (request: PartitionRequest) => {
  parentPort?.postMessage(answer(partition, request));
});
