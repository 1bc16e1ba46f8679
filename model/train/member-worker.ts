import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../nn/backend.js';
import type { BackendPreference } from '../nn/backend.js';
import { trainMember } from './train-member.js';
import type { EncodedSplit, MemberTrainingOptions } from './train-member.js';

/** Trains one ensemble member in its own thread (and its own wasm instance). */
interface WorkerInput {
  backend: BackendPreference;
  options: MemberTrainingOptions;
  train: EncodedSplit;
  dev?: EncodedSplit;
}

const input = workerData as WorkerInput;
const port = parentPort;
if (!port) throw new Error('member-worker must run as a worker thread');

initBackend(input.backend)
  .then((backend) => {
    port.postMessage({ type: 'backend', backend });
    const result = trainMember(input.options, input.train, input.dev, (p) => port.postMessage({ type: 'progress', progress: p }));
    port.postMessage({ type: 'done', result });
  })
  .catch((err: unknown) => {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  });
