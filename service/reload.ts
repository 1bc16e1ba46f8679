import { basename } from 'node:path';
import { loadArtifact, newestArtifactDir } from '../model/artifact/artifact.js';
import { collectGarbage } from './release-memory.js';
import { GitopsMlError } from '../model/errors.js';
import type { SentimentModel } from '../model/inference/sentiment-model.js';
import type { ServiceConfig } from './config.js';
import type { InferencePool } from './inference-pool.js';
import type { ServiceMetrics } from './metrics.js';

/** Where the served model lives; `model` is undefined until loaded (readyz answers 503). */
export interface ModelHolder {
  model?: SentimentModel;
}

export interface ModelRef {
  name: string;
  version: string;
}

export interface LoadOutcome {
  previous?: ModelRef;
  current: ModelRef;
  dir: string;
  loadSeconds: number;
}

/** A reload that was refused; the model that was being served stays in place. */
export class ReloadError extends GitopsMlError {
  constructor(
    code: string,
    /** Safe to show a client: names the problem, not the server's file system. */
    readonly publicDetail: string,
    message: string,
  ) {
    super(code, message);
    this.name = 'ReloadError';
  }
}

/** The artifact to serve: MODEL_DIR when set (a deploy swaps what it points at), else the newest local one. */
export function resolveModelDir(config: Pick<ServiceConfig, 'modelDir' | 'artifactsRoot'>): string {
  const dir = config.modelDir ?? newestArtifactDir(config.artifactsRoot);
  if (!dir) throw new ReloadError('E_NO_MODEL', 'no model artifact to serve', `no model to serve: set MODEL_DIR or train one into ${config.artifactsRoot} (npm run pipeline)`);
  return dir;
}

/**
 * Loads an artifact (its manifest verified by `loadArtifact`) and swaps it in with one
 * assignment. Requests that already took the old model finish on it; new requests get
 * the new one; no request sees a half-loaded model. A refused artifact changes nothing.
 * Reloads are serialised: a second request while one runs waits for it and reuses it.
 */
export class ModelLoader {
  private running?: Promise<LoadOutcome>;
  /** Called after every load attempt, loaded or refused (the load blocked the event loop for a while). */
  readonly afterLoad: (() => void)[] = [];

  constructor(
    private readonly holder: ModelHolder,
    private readonly metrics: ServiceMetrics,
    private readonly resolveDir: () => string,
    private readonly load: (dir: string) => Promise<SentimentModel> = loadArtifact,
    /** Inference threads that must hold the model before it is swapped in. */
    private readonly pool?: InferencePool,
  ) {}

  reload(): Promise<LoadOutcome> {
    this.running ??= this.swap().finally(() => {
      this.running = undefined;
      for (const f of this.afterLoad) f();
    });
    return this.running;
  }

  private async swap(): Promise<LoadOutcome> {
    const old = this.holder.model;
    const previous = old ? { name: old.name, version: old.version } : undefined;
    let dir: string;
    let model: SentimentModel;
    const started = performance.now();
    try {
      dir = this.resolveDir();
      model = await this.load(dir);
      await this.pool?.adopt(model, dir);
    } catch (err) {
      this.metrics.reloads.inc({ outcome: 'refused' });
      if (err instanceof ReloadError) throw err;
      const code = err instanceof GitopsMlError ? err.code : 'E_RELOAD';
      const message = err instanceof Error ? err.message : String(err);
      throw new ReloadError(code, `artifact refused (${code}); still serving ${previous ? `${previous.name} ${previous.version}` : 'nothing'}`, message);
    }
    // The load's transient copies go back now, not minutes later under traffic (counted in the load's time).
    collectGarbage();
    const loadSeconds = (performance.now() - started) / 1000;
    this.holder.model = model;
    if (old) this.pool?.retire(old);
    this.metrics.setModel(model.name, model.version, loadSeconds);
    this.metrics.reloads.inc({ outcome: 'loaded' });
    return { previous, current: { name: model.name, version: model.version }, dir: basename(dir), loadSeconds };
  }
}
