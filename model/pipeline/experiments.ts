import { evaluateBinary } from '../eval/metrics.js';
import { SentimentModel } from '../inference/sentiment-model.js';
import type { BackendPreference } from '../nn/backend.js';
import type { ModelSpec } from '../spec/spec.js';
import { deepMerge } from '../spec/spec.js';
import type { ProgressSink } from '../train/progress.js';
import { trainModel } from '../train/train.js';
import type { TrainedModel } from '../train/train.js';
import type { Example } from '../types.js';
import { kFold } from '../data/prepare.js';
import type { PreparedData } from './data.js';
import { applyCandidate, describeCandidate, gridCandidates } from './search.js';
import type { Candidate } from './search.js';

interface RunContext {
  cacheDir: string;
  backend?: BackendPreference;
  progress: ProgressSink;
}

/** A scorer for a freshly trained, not yet saved model (scoring never reads metadata). */
function unsavedModel(trained: TrainedModel): SentimentModel {
  return new SentimentModel({} as never, trained.tokenizer, trained.ensemble);
}

/** Accuracy of a freshly trained model on examples. */
function accuracyOf(trained: TrainedModel, examples: readonly Example[]): number {
  const model = unsavedModel(trained);
  let ok = 0;
  for (const e of examples) if ((model.score(e.text) >= 0.5 ? 1 : 0) === e.label) ok++;
  return ok / examples.length;
}

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

export interface CrossValidationReport {
  folds: number;
  accuracies: number[];
  mean: number;
  std: number;
  /** Macro-F1 per fold. */
  f1_macro: number[];
}

/**
 * Stratified k-fold cross-validation of the spec on `examples`: each fold trains on the
 * rest (no dev split, so every member keeps its last epoch) and is scored on the fold.
 */
export async function crossValidate(spec: ModelSpec, examples: readonly Example[], k: number, ctx: RunContext): Promise<CrossValidationReport> {
  const folds = kFold([...examples], k, spec.training.seed);
  const accuracies: number[] = [];
  const f1s: number[] = [];
  for (let i = 0; i < folds.length; i++) {
    const fold = folds[i] as { train: Example[]; test: Example[] };
    ctx.progress.line(`[cv] fold ${i + 1}/${k}: train ${fold.train.length}, held out ${fold.test.length}`);
    const trained = await trainModel({ spec, train: fold.train, cacheDir: ctx.cacheDir, backend: ctx.backend, progress: ctx.progress });
    const model = unsavedModel(trained);
    const scores = Float64Array.from(fold.test, (e) => model.score(e.text));
    const m = evaluateBinary(Uint8Array.from(fold.test, (e) => e.label), scores, { bootstrapSamples: 1 });
    accuracies.push(m.accuracy);
    f1s.push(m.f1_macro);
    ctx.progress.line(`[cv] fold ${i + 1}/${k}: accuracy ${m.accuracy.toFixed(4)} f1_macro ${m.f1_macro.toFixed(4)}`);
  }
  const { mean, std } = meanStd(accuracies);
  ctx.progress.line(`[cv] ${k}-fold accuracy ${mean.toFixed(4)} ± ${std.toFixed(4)} (std over folds)`);
  return { folds: k, accuracies, mean, std, f1_macro: f1s };
}

export interface SearchReport {
  metric: 'dev_accuracy' | 'cv_accuracy';
  results: { candidate: Candidate; score: number; std?: number }[];
  best: Candidate;
  bestSpec: ModelSpec;
}

/**
 * Grid search over `spec.search.space`, one single-member model per candidate, scored on
 * the dev split or (search.folds >= 2) by k-fold CV on train. The best candidate's values
 * are applied to the full spec (ensemble size unchanged).
 */
export async function searchHyperparameters(spec: ModelSpec, data: PreparedData, ctx: RunContext): Promise<SearchReport> {
  if (!spec.search) throw new Error(`spec "${spec.name}" has no "search" section: add search.space to use --search`);
  const candidates = gridCandidates(spec.search.space);
  const useCv = spec.search.folds >= 2;
  if (!useCv && data.dev.length === 0) throw new Error('search needs a dev split or search.folds >= 2');
  const results: SearchReport['results'] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i] as Candidate;
    const s = applyCandidate(spec, c, { singleMember: true });
    ctx.progress.line(`[search] ${i + 1}/${candidates.length}: ${describeCandidate(c)}`);
    if (useCv) {
      const cv = await crossValidate(s, data.train, spec.search.folds, ctx);
      results.push({ candidate: c, score: cv.mean, std: cv.std });
    } else {
      const trained = await trainModel({ spec: s, train: data.train, dev: data.dev, cacheDir: ctx.cacheDir, backend: ctx.backend, progress: ctx.progress });
      results.push({ candidate: c, score: accuracyOf(trained, data.dev) });
    }
    ctx.progress.line(`[search] ${describeCandidate(c)} → ${(results[results.length - 1] as { score: number }).score.toFixed(4)}`);
  }
  // Ties go to the earlier (grid-order) candidate so the choice is deterministic.
  const best = results.reduce((b, r) => (r.score > b.score ? r : b));
  const table = ['| candidate | score |', '| --- | --- |', ...results.map((r) => `| ${describeCandidate(r.candidate)} | ${r.score.toFixed(4)}${r.std !== undefined ? ` ± ${r.std.toFixed(4)}` : ''} |`)];
  ctx.progress.line(`[search] results (${useCv ? `${spec.search.folds}-fold CV accuracy` : 'dev accuracy'}):\n${table.join('\n')}\n[search] best: ${describeCandidate(best.candidate)}`);
  return { metric: useCv ? 'cv_accuracy' : 'dev_accuracy', results, best: best.candidate, bestSpec: deepMerge(applyCandidate(spec, best.candidate), { architecture: { ensemble: spec.architecture.ensemble } }) };
}
