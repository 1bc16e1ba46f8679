import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveArtifact, nextVersion } from '../artifact/artifact.js';
import { PREDICTION_INPUT_SCHEMA, PREDICTION_OUTPUT_SCHEMA } from '../artifact/metadata.js';
import type { ArtifactMetadata, DatasetRecord } from '../artifact/metadata.js';
import { renderModelCardDraft } from '../card/draft.js';
import { evaluateExamples } from '../cli/evaluate.js';
import { defaultCacheDir } from '../data/resolve.js';
import { measureBatchLatency, measureSingleLatency } from '../eval/latency.js';
import type { LatencySummary } from '../eval/latency.js';
import type { SplitMetrics } from '../eval/metrics.js';
import { SentimentModel } from '../inference/sentiment-model.js';
import type { BackendPreference } from '../nn/backend.js';
import { loadSpec } from '../spec/spec.js';
import type { ModelSpec } from '../spec/spec.js';
import { silentProgress } from '../train/progress.js';
import type { ProgressSink } from '../train/progress.js';
import { trainModel } from '../train/train.js';
import type { TrainedModel } from '../train/train.js';
import type { Example } from '../types.js';
import { crossValidate, searchHyperparameters } from './experiments.js';
import type { CrossValidationReport, SearchReport } from './experiments.js';
import { gitCommit } from './git.js';
import { loadSpecData, prepareData } from './data.js';
import type { PreparedData } from './data.js';

export interface PipelineOptions {
  specPath: string;
  preset?: string;
  outDir: string;
  version?: string;
  search?: boolean;
  cvFolds?: number;
  backend?: BackendPreference;
  progress?: ProgressSink;
  cacheDir?: string;
  /** Spec overrides applied after the preset (tests use it to shrink runs). */
  overrides?: Record<string, unknown>;
}

export interface PipelineResult {
  spec: ModelSpec;
  artifactDir: string;
  metrics: SplitMetrics;
  latency: LatencySummary;
  trained: TrainedModel;
  prepared: PreparedData;
  search?: SearchReport;
  crossValidation?: CrossValidationReport;
  summary: string;
}

function datasetRecords(prepared: PreparedData): Record<string, DatasetRecord> {
  const out: Record<string, DatasetRecord> = {};
  for (const [split, d] of Object.entries(prepared.sources)) out[split] = { ref: d.ref, sha256: d.sha256, rows: d.rows, source: d.source };
  return out;
}

/** prepare → (search) → (cross-validate) → train → evaluate → artifact + reports + card draft. */
export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const progress = opts.progress ?? silentProgress;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  let spec = loadSpec(opts.specPath, { preset: opts.preset, overrides: opts.overrides });
  progress.line(`[spec] ${spec.name} from ${opts.specPath}${spec.preset ? ` (preset "${spec.preset}")` : ''}`);

  const raw = await loadSpecData(spec, progress);
  const prepared = prepareData(spec, raw);
  progress.line(`[data] ${prepared.summary}`);

  let search: SearchReport | undefined;
  if (opts.search) {
    search = await searchHyperparameters(spec, prepared, { cacheDir, backend: opts.backend, progress });
    spec = search.bestSpec;
  }
  let crossValidation: CrossValidationReport | undefined;
  const folds = opts.cvFolds ?? undefined;
  if (folds) crossValidation = await crossValidate(spec, prepared.train, folds, { cacheDir, backend: opts.backend, progress });

  const trained = await trainModel({ spec, train: prepared.train, dev: prepared.dev, cacheDir, backend: opts.backend, progress });
  progress.line(`[train] done in ${trained.seconds.toFixed(1)} s on ${trained.backend}`);

  const version = opts.version ?? nextVersion(opts.outDir, spec.name);
  const metadata: ArtifactMetadata = {
    schema_version: 1,
    name: spec.name,
    version,
    created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    git_commit: gitCommit(),
    labels: spec.labels,
    framework: { name: 'tensorflow.js', version: tf.version.tfjs, training_backend: trained.backend },
    architecture: { ...spec.architecture },
    hyperparameters: { ...spec.training },
    preprocessing: { tokenizer: trained.tokenizer.tokenizer, max_tokens: trained.tokenizer.max_tokens, vocabulary_size: trained.tokenizer.vocabulary.tokens.length, pretrained: spec.architecture.pretrained },
    datasets: datasetRecords(prepared),
    metrics: {},
    training: {
      seconds: Math.round(trained.seconds * 10) / 10,
      preset: spec.preset ?? null,
      members: trained.members.map((m, i) => ({ seed: trained.seeds[i] as number, best_epoch: m.bestEpoch, history: m.history })),
    },
    input_schema: PREDICTION_INPUT_SCHEMA,
    output_schema: PREDICTION_OUTPUT_SCHEMA,
  };
  const model = new SentimentModel(metadata, trained.tokenizer, trained.ensemble);
  const metrics: PipelineResult['metrics'] = {};
  const evalSplit = (name: 'dev' | 'test', examples: readonly Example[] | undefined): Float64Array | undefined => {
    if (!examples || examples.length === 0) return undefined;
    const { metrics: m, scores } = evaluateExamples(model, examples, spec.training.seed);
    metrics[name] = m;
    metadata.metrics[name] = { ...m };
    return scores;
  };
  evalSplit('dev', prepared.dev);
  const testScores = evalSplit('test', prepared.test);
  const latencyTexts = (prepared.test.length ? prepared.test : prepared.train).map((e) => e.text);
  const latency = { single: measureSingleLatency(model, latencyTexts), batch32: measureBatchLatency(model, latencyTexts) };
  metadata.metrics.latency = { single: latency.single, batch32: latency.batch32 };

  const card = renderModelCardDraft({ spec, metadata, metrics, latency, eda: prepared.eda, testLabels: prepared.test.map((e) => e.label), testScores, search, crossValidation });
  const extraFiles: Record<string, string> = {
    'eda.json': `${JSON.stringify(prepared.eda, null, 2)}\n`,
    'eda.md': prepared.edaMarkdown,
    'model-card.md': card,
  };
  if (search) extraFiles['search.json'] = `${JSON.stringify({ ...search, bestSpec: undefined }, null, 2)}\n`;
  if (crossValidation) extraFiles['cross-validation.json'] = `${JSON.stringify(crossValidation, null, 2)}\n`;
  mkdirSync(opts.outDir, { recursive: true });
  const artifactDir = await saveArtifact({ root: opts.outDir, metadata, tokenizer: trained.tokenizer, ensemble: trained.ensemble, extraFiles });

  const lines = [
    `model ${spec.name} ${version}${spec.preset ? ` (preset "${spec.preset}")` : ''} → ${resolve(artifactDir)}`,
    `trained in ${trained.seconds.toFixed(1)} s on ${trained.backend} (${trained.members.length} member(s))`,
  ];
  if (metrics.dev) lines.push(`dev : accuracy ${metrics.dev.accuracy.toFixed(4)}  f1_macro ${metrics.dev.f1_macro.toFixed(4)}  n=${metrics.dev.n}`);
  if (metrics.test) {
    const t = metrics.test;
    lines.push(`test: accuracy ${t.accuracy.toFixed(4)} [${t.accuracy_ci95[0].toFixed(4)}, ${t.accuracy_ci95[1].toFixed(4)}]  f1_macro ${t.f1_macro.toFixed(4)}  roc_auc ${t.roc_auc?.toFixed(4) ?? 'n/a'}  ece ${t.ece.toFixed(4)}  n=${t.n}`);
    if (spec.targets.accuracy !== undefined) lines.push(`target accuracy ${spec.targets.accuracy}: ${t.accuracy >= spec.targets.accuracy ? 'met' : 'NOT met'}`);
  }
  lines.push(`latency (in-process, single text): p50 ${latency.single.p50_ms.toFixed(3)} ms, p99 ${latency.single.p99_ms.toFixed(3)} ms`);
  lines.push(`model card draft: ${resolve(artifactDir, 'model-card.md')}`);
  return { spec, artifactDir, metrics, latency, trained, prepared, search, crossValidation, summary: lines.join('\n') };
}
