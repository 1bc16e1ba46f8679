/**
 * An inference thread: holds loaded models by generation number and scores batches of
 * texts, so the main thread's event loop stays free for HTTP (parsing, health checks,
 * metrics, load-shedding decisions) while the model computes.
 *
 * Protocol (parentPort messages), answered in order:
 *   { op: 'load', id, gen, dir }     → { id, ok: true } | { id, error }
 *   { op: 'score', id, gen, texts }  → { id, scores: Float64Array } | { id, error }
 *   { op: 'drop', gen }              → (no answer)
 */
import { parentPort } from 'node:worker_threads';
import { loadArtifact } from '../model/artifact/artifact.js';
import type { SentimentModel } from '../model/inference/sentiment-model.js';
import { collectGarbage } from './release-memory.js';

export type WorkerRequest = { op: 'load'; id: number; gen: number; dir: string } | { op: 'score'; id: number; gen: number; texts: string[] } | { op: 'drop'; gen: number };
export type WorkerAnswer = { id: number; ok: true } | { id: number; scores: Float64Array } | { id: number; error: { code: string; message: string } };

const port = parentPort;
if (!port) throw new Error('inference-worker.js runs as a worker thread (new Worker(...)), not on its own');

const models = new Map<number, SentimentModel>();
/** Loads in progress: a score request for a generation still loading waits for it (a replaced thread gets both at once). */
const loading = new Map<number, Promise<SentimentModel>>();

const failure = (id: number, err: unknown): WorkerAnswer => ({
  id,
  error: { code: (err as { code?: unknown }).code !== undefined ? String((err as { code: unknown }).code) : 'E_WORKER', message: err instanceof Error ? err.message : String(err) },
});

port.on('message', (msg: WorkerRequest) => {
  if (msg.op === 'drop') {
    models.delete(msg.gen);
    return;
  }
  if (msg.op === 'load') {
    const load = loadArtifact(msg.dir);
    loading.set(msg.gen, load);
    load.then(
      (model) => {
        models.set(msg.gen, model);
        collectGarbage();
        port.postMessage({ id: msg.id, ok: true } satisfies WorkerAnswer);
      },
      (err: unknown) => port.postMessage(failure(msg.id, err)),
    ).finally(() => loading.delete(msg.gen));
    return;
  }
  const model = models.get(msg.gen);
  if (model) score(msg.id, model, msg.texts);
  else {
    const pending = loading.get(msg.gen);
    if (!pending) port.postMessage(failure(msg.id, new Error(`model generation ${msg.gen} is not loaded in this thread`)));
    else pending.then((m) => score(msg.id, m, msg.texts), (err: unknown) => port.postMessage(failure(msg.id, err)));
  }
});

function score(id: number, model: SentimentModel, texts: string[]): void {
  try {
    const scores = new Float64Array(texts.length);
    texts.forEach((t, i) => (scores[i] = model.score(t)));
    port?.postMessage({ id, scores } satisfies WorkerAnswer, [scores.buffer]);
  } catch (err) {
    port?.postMessage(failure(id, err));
  }
}
