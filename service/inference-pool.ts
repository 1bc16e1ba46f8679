import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GitopsMlError } from '../model/errors.js';
import type { SentimentModel } from '../model/inference/sentiment-model.js';
import type { WorkerAnswer, WorkerRequest } from './inference-worker.js';

/** The compiled worker beside this module (dist/), or dist/'s when this runs from the TypeScript sources (tests). */
export function workerScript(): URL {
  const sibling = new URL('./inference-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL('../dist/service/inference-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new GitopsMlError('E_NO_WORKER', 'dist/service/inference-worker.js is missing: run `npm run build`');
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (a: WorkerAnswer) => void; reject: (e: Error) => void }>;
}

/**
 * Inference threads: each holds its own copy of every model generation it was told to
 * load (weights are small; sharing them would not be worth the locking) and scores
 * batches sent to it. Calls go to the thread with the fewest outstanding ones. A thread
 * that dies fails only its outstanding calls and is replaced, with the models reloaded.
 */
export class InferencePool {
  private slots: Slot[] = [];
  private nextId = 1;
  private nextGen = 1;
  private readonly generations = new WeakMap<SentimentModel, number>();
  private readonly dirs = new Map<number, string>();
  private closed = false;

  constructor(
    size: number,
    private readonly script: URL = workerScript(),
    private readonly onEvent: (event: string, detail: Record<string, unknown>) => void = () => undefined,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`an inference pool needs at least one thread, got ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Calls sent to the threads and not answered yet. */
  get busy(): number {
    return this.slots.reduce((n, s) => n + s.pending.size, 0);
  }

  /** Loads `model`'s artifact in every thread; afterwards `score(model, …)` runs there. All or nothing. */
  async adopt(model: SentimentModel, dir: string): Promise<void> {
    const gen = this.nextGen++;
    const answers = await Promise.all(this.slots.map((s) => this.call(s, { op: 'load', id: 0, gen, dir }).catch((e: unknown) => ({ id: 0, error: { code: 'E_WORKER', message: (e as Error).message } }))));
    const failed = answers.find((a): a is Extract<WorkerAnswer, { error: unknown }> => 'error' in a);
    if (failed) {
      this.dropGen(gen);
      throw new GitopsMlError(failed.error.code, `inference thread could not load the model: ${failed.error.message}`);
    }
    this.generations.set(model, gen);
    this.dirs.set(gen, dir);
  }

  /** Frees a model's copies once requests admitted with it can no longer be waiting (after `graceMs`). */
  retire(model: SentimentModel, graceMs = 30_000): void {
    const gen = this.generations.get(model);
    if (gen === undefined) return;
    setTimeout(() => this.dropGen(gen), graceMs).unref();
  }

  async score(model: SentimentModel, texts: readonly string[]): Promise<Float64Array> {
    const gen = this.generations.get(model);
    if (gen === undefined) throw new GitopsMlError('E_NOT_ADOPTED', `model ${model.name} ${model.version} is not loaded in the inference threads`);
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const answer = await this.call(slot, { op: 'score', id: 0, gen, texts: [...texts] });
    if ('error' in answer) throw new GitopsMlError(answer.error.code, answer.error.message);
    if (!('scores' in answer)) throw new GitopsMlError('E_WORKER', 'inference thread answered a score request without scores');
    return answer.scores;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dropGen(gen: number): void {
    this.dirs.delete(gen);
    for (const s of this.slots) s.worker.postMessage({ op: 'drop', gen } satisfies WorkerRequest);
  }

  private call(slot: Slot, msg: Exclude<WorkerRequest, { op: 'drop' }>): Promise<WorkerAnswer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...msg, id });
    });
  }

  private spawn(index: number): Slot {
    const slot: Slot = { worker: new Worker(this.script), pending: new Map() };
    slot.worker.on('message', (a: WorkerAnswer) => {
      const p = slot.pending.get(a.id);
      slot.pending.delete(a.id);
      p?.resolve(a);
    });
    const fail = (why: string): void => {
      for (const p of slot.pending.values()) p.reject(new GitopsMlError('E_WORKER', `inference thread ${index} ${why}`));
      slot.pending.clear();
    };
    slot.worker.on('error', (err) => {
      this.onEvent('inference thread error', { thread: index, err: err.message });
      fail(`failed: ${err.message}`);
    });
    slot.worker.on('exit', (code) => {
      fail(`exited with code ${code}`);
      if (this.closed) return;
      // Replace it and reload what it held, so one crash does not shrink the pool for good.
      this.onEvent('inference thread replaced', { thread: index, code });
      const fresh = this.spawn(index);
      this.slots[index] = fresh;
      for (const [gen, dir] of this.dirs) void this.call(fresh, { op: 'load', id: 0, gen, dir }).catch(() => undefined);
    });
    return slot;
  }
}
