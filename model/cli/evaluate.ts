import { loadExamples } from '../data/loaders.js';
import { resolveDatasetRef } from '../data/resolve.js';
import { evaluateBinary } from '../eval/metrics.js';
import type { BinaryMetrics } from '../eval/metrics.js';
import type { SentimentModel } from '../inference/sentiment-model.js';
import type { Example } from '../types.js';

/** Scores every example with the model and computes the evaluation metrics. */
export function evaluateExamples(model: SentimentModel, examples: readonly Example[], seed = 1234): { metrics: BinaryMetrics; scores: Float64Array } {
  const scores = Float64Array.from(examples, (e) => model.score(e.text));
  const labels = Uint8Array.from(examples, (e) => e.label);
  return { metrics: evaluateBinary(labels, scores, { seed }), scores };
}

/** Loads a dataset reference (path, registry ref like sst2:test, or URL). */
export async function loadDataRef(ref: string, opts: { textColumn?: string; labelColumn?: string } = {}): Promise<{ examples: Example[]; path: string; sha256: string; source: string }> {
  const resolved = await resolveDatasetRef(ref);
  const split = await loadExamples(resolved.path, opts);
  return { examples: split.examples, path: resolved.path, sha256: split.sha256, source: resolved.source };
}
