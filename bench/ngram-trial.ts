/**
 * Variants of the n-gram member, compared without retraining the neural members:
 * `npm run bench:ngram -- --model DIR [--seeds 42,7,1234] [--ngram JSON]`.
 *
 * For each seed it prepares the data as a training run with that seed would, trains the
 * n-gram member alone (both stages) with the spec's config merged with `--ngram`, puts
 * it beside the artifact's neural members at the spec's share, and scores the dev split
 * and the robustness suite's negation cases (drawn with the same seed). With the
 * artifact's own seed and config this reproduces the artifact's n-gram member exactly,
 * so a row differs from the shipped model only in what the variant changes. Dev only:
 * choosing a variant here never looks at the test split.
 */
import { parseArgs } from 'node:util';
import { loadArtifact } from '../model/artifact/artifact.js';
import { calibration } from '../model/eval/metrics.js';
import { negationCases } from '../model/eval/robustness.js';
import { SentimentModel } from '../model/inference/sentiment-model.js';
import { loadSpecData, prepareData } from '../model/pipeline/data.js';
import { deepMerge, loadSpec } from '../model/spec/spec.js';
import { silentProgress, stderrProgress } from '../model/train/progress.js';
import { trainNgramMember } from '../model/train/train-ngram.js';
import type { NgramMemberConfig } from '../model/train/train-ngram.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    spec: { type: 'string', default: 'model/specs/sentiment.json' },
    seeds: { type: 'string', default: '42,7,1234' },
    ngram: { type: 'string', default: '{}' },
    label: { type: 'string', default: '' },
  },
});
if (!values.model) throw new Error('--model DIR (a trained artifact, e.g. artifacts/sentiment/1.1.0) is required');
const champion = await loadArtifact(values.model);
let patch: unknown;
try {
  patch = JSON.parse(values.ngram as string);
} catch (e) {
  throw new Error(`--ngram is not JSON: ${(e as Error).message}`);
}
const rows: Record<string, unknown>[] = [];
for (const seed of (values.seeds as string).split(',').map(Number)) {
  const spec = loadSpec(values.spec as string, { overrides: { training: { seed } } });
  const config = deepMerge<NgramMemberConfig>(spec.architecture.ngramMember, patch);
  const prepared = prepareData(spec, await loadSpecData(spec, silentProgress));
  const started = performance.now();
  const member = trainNgramMember({ config, seed, maxTokens: spec.preprocessing.maxTokens, train: prepared.train, dev: prepared.dev, progress: stderrProgress() });
  const seconds = (performance.now() - started) / 1000;
  const model = (share: number): SentimentModel =>
    new SentimentModel(champion.metadata, { ...champion.tokenizerFile, ngrams: member.vocab }, { ...champion.ensemble, linear: member.weights, linearShare: share });
  const ensemble = model(config.share);
  const alone = model(1);
  // Each text scored once per model; accuracy, ECE and failure rates all read these scores.
  const labels = prepared.dev.map((e) => e.label);
  const devTexts = prepared.dev.map((e) => e.text);
  const cases = { negative: negationCases(seed, 'negative'), positive: negationCases(seed, 'positive') };
  const measure = (m: SentimentModel): { devScores: number[]; accuracy: number; fail: Record<'negative' | 'positive', number> } => {
    const devScores = devTexts.map((t) => m.score(t));
    const failRate = (cs: typeof cases.negative): number => cs.filter((c) => (m.score(c.text) >= 0.5 ? 1 : 0) !== c.expected).length / cs.length;
    return {
      devScores,
      accuracy: devScores.filter((p, i) => (p >= 0.5 ? 1 : 0) === labels[i]).length / labels.length,
      fail: { negative: failRate(cases.negative), positive: failRate(cases.positive) },
    };
  };
  const ens = measure(ensemble);
  const one = measure(alone);
  const row = {
    label: values.label,
    seed,
    dev_accuracy: ens.accuracy,
    dev_ece: calibration(labels, ens.devScores).ece,
    negated_negative: ens.fail.negative,
    negated_positive: ens.fail.positive,
    ngram_dev_accuracy: one.accuracy,
    ngram_negated_negative: one.fail.negative,
    ngram_negated_positive: one.fail.positive,
    ngram_features: member.weights.weights.length,
    ngram_seconds: Math.round(seconds),
  };
  rows.push(row);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
const meanOf = (k: string): number => rows.reduce((s, r) => s + (r[k] as number), 0) / rows.length;
process.stdout.write(
  `${JSON.stringify({ label: values.label, mean: true, dev_accuracy: meanOf('dev_accuracy'), dev_ece: meanOf('dev_ece'), negated_negative: meanOf('negated_negative'), negated_positive: meanOf('negated_positive'), max_negated_negative: Math.max(...rows.map((r) => r.negated_negative as number)) })}\n`,
);
