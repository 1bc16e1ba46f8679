import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parse as parseYaml } from 'yaml';
import { loadArtifact, modelFromFiles, saveArtifact, nextVersion } from '../artifact/artifact.js';
import { quantizeArtifact, measureQuantization } from '../artifact/quantize.js';
import type { QuantizationDtype } from '../artifact/quantize.js';
import { resolveDatasetRef } from '../data/resolve.js';
import { loadEecRows } from '../data/loaders.js';
import type { EecRow } from '../data/loaders.js';
import { championRecordPath, loadChampionRecord } from '../eval/champion.js';
import { runEvaluation } from '../eval/evaluation.js';
import type { EvaluationDetails } from '../eval/evaluation.js';
import { decideGates, gatesPass, gateTableText } from '../eval/gates.js';
import type { EvaluationRecord, GateResult, GateThresholds } from '../eval/gates.js';
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
import type { UrlPinning } from './data.js';
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
  /** The champion's evaluation record or artifact (default docs/model-cards/<name>.json when it exists). */
  champion?: string;
  /** Also write a weight-quantized copy, measured and gated (`quantization_max_accuracy_drop`). */
  quantize?: QuantizationDtype;
  /** Where the gate thresholds are (default .github/gitops-ml.yml; none → no gates decided). */
  gatesConfig?: string;
  /** An unpinned https dataset URL: pin it into the spec, or refuse (the default). */
  urlPinning?: UrlPinning;
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
  evaluation: EvaluationDetails;
  gates: GateResult[];
  quantizedDir?: string;
  summary: string;
}

/** The `gates:` thresholds of the repository config; the evaluator action validates the whole file. */
export function readGateThresholds(path: string): GateThresholds | undefined {
  if (!existsSync(path)) return undefined;
  const doc = parseYaml(readFileSync(path, 'utf8')) as { gates?: unknown } | null;
  const gates = doc?.gates;
  if (gates === undefined || gates === null) return {};
  if (typeof gates !== 'object' || Array.isArray(gates)) throw new Error(`${path}: "gates" must be a mapping of gate names to numbers`);
  for (const [k, v] of Object.entries(gates)) if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${path}: gates.${k} must be a number, got ${JSON.stringify(v)}`);
  return gates as GateThresholds;
}

/** The EEC for the fairness gate, through the dataset registry; undefined (and said) when it cannot be had. */
async function loadEec(progress: ProgressSink): Promise<{ rows: EecRow[]; record: DatasetRecord } | undefined> {
  try {
    const resolved = await resolveDatasetRef('eec:all');
    const rows = (await loadEecRows(resolved.path)).rows;
    progress.line(`[data] fairness: eec:all → ${resolved.path} (${rows.length} rows, ${resolved.source}, ${resolved.variant ?? 'original'} release)`);
    return { rows, record: { ref: 'eec:all', sha256: resolved.sha256, rows: rows.length, source: resolved.source, ...(resolved.variant ? { variant: resolved.variant } : {}) } };
  } catch (err) {
    progress.line(`[gates] fairness: the Equity Evaluation Corpus is not available (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    return undefined;
  }
}

function datasetRecords(prepared: PreparedData): Record<string, DatasetRecord> {
  const out: Record<string, DatasetRecord> = {};
  for (const [split, d] of Object.entries(prepared.sources)) out[split] = { ref: d.ref, sha256: d.sha256, rows: d.rows, source: d.source, ...(d.variant ? { variant: d.variant } : {}) };
  return out;
}

/** prepare → (search) → (cross-validate) → train → evaluate → artifact + reports + card draft. */
export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const progress = opts.progress ?? silentProgress;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  let spec = loadSpec(opts.specPath, { preset: opts.preset, overrides: opts.overrides });
  progress.line(`[spec] ${spec.name} from ${opts.specPath}${spec.preset ? ` (preset "${spec.preset}")` : ''}`);

  const raw = await loadSpecData(spec, progress, opts.urlPinning ?? { mode: 'refuse' });
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

  const testSha256 = prepared.sources.test?.sha256 ?? prepared.sources.train?.sha256 ?? '';
  const eec = await loadEec(progress);
  const championPath = opts.champion ?? championRecordPath(spec.name);
  const champion = loadChampionRecord(championPath);
  if (champion) progress.line(`[gates] champion: ${champion.model.name} ${champion.model.version} from ${championPath}`);
  const evaluation = runEvaluation({
    model,
    test: prepared.test,
    testScores: testScores ?? new Float64Array(0),
    testMetrics: metrics.test ?? (metrics.dev as NonNullable<typeof metrics.dev>),
    testSha256,
    train: prepared.train,
    latency,
    eec: eec?.rows,
    champion,
    seed: spec.training.seed,
    line: (l) => progress.line(l),
  });
  const record: EvaluationRecord = evaluation.record;
  // The fairness probe set is part of what the model was judged on: its provenance (and release) goes with it.
  if (eec) metadata.datasets.fairness = eec.record;

  let quantized: { tmp: string; root: string; dtype: QuantizationDtype } | undefined;
  if (opts.quantize) {
    // Quantize a float32 copy saved to a scratch root, measure it on the test split, and keep it
    // beside the artifact; the numbers go into this artifact's record and card.
    const tmp = mkdtempSync(join(tmpdir(), 'gitops-ml-quantize-'));
    const floatDir = await saveArtifact({ root: tmp, metadata, tokenizer: trained.tokenizer, ensemble: trained.ensemble });
    const q = await quantizeArtifact(floatDir, join(tmp, 'q'), { dtype: opts.quantize });
    const qModel = await loadArtifact(q.dir);
    const measured = measureQuantization(model, qModel, prepared.test.length ? prepared.test : prepared.dev);
    const qLatency = measureSingleLatency(qModel, latencyTexts);
    record.quantization = {
      dtype: opts.quantize,
      accuracy_before: measured.accuracy_before,
      accuracy_after: measured.accuracy_after,
      accuracy_drop: Math.max(0, measured.accuracy_before - measured.accuracy_after),
      bytes_before: q.bytes_before,
      bytes_after: q.bytes_after,
      latency_p50_ms_before: latency.single.p50_ms,
      latency_p50_ms_after: qLatency.p50_ms,
    };
    progress.line(`[gates] quantization ${opts.quantize}: weights ${(q.bytes_before / 1e6).toFixed(2)} → ${(q.bytes_after / 1e6).toFixed(2)} MB, accuracy ${measured.accuracy_before.toFixed(4)} → ${measured.accuracy_after.toFixed(4)}`);
    quantized = { tmp, root: join(tmp, 'q'), dtype: opts.quantize };
  }

  const gatesConfig = opts.gatesConfig ?? '.github/gitops-ml.yml';
  const thresholds = readGateThresholds(gatesConfig);
  let gates: GateResult[] = [];
  const extraFiles: Record<string, string> = {
    'eda.json': `${JSON.stringify(prepared.eda, null, 2)}\n`,
    'eda.md': prepared.edaMarkdown,
  };
  if (search) extraFiles['search.json'] = `${JSON.stringify({ ...search, bestSpec: undefined }, null, 2)}\n`;
  if (crossValidation) extraFiles['cross-validation.json'] = `${JSON.stringify(crossValidation, null, 2)}\n`;
  mkdirSync(opts.outDir, { recursive: true });
  const artifactDir = await saveArtifact({
    root: opts.outDir,
    metadata,
    tokenizer: trained.tokenizer,
    ensemble: trained.ensemble,
    extraFiles,
    lateFiles: {
      // Size and load time of this very artifact: measured on its serialized bytes.
      'evaluation.json': async (files) => {
        const t0 = performance.now();
        await modelFromFiles(files, `${spec.name} ${version}`);
        record.latency = { ...(record.latency ?? { single: latency.single }), load_ms: performance.now() - t0 };
        let bytes = 0;
        for (const b of files.values()) bytes += b.byteLength;
        record.size = { artifact_bytes: bytes, weights_bytes: files.get('weights.bin')?.byteLength ?? 0 };
        gates = thresholds ? decideGates(record, thresholds) : [];
        return `${JSON.stringify(record, null, 2)}\n`;
      },
      'model-card.md': () => renderModelCardDraft({ spec, metadata, metrics, latency, eda: prepared.eda, testLabels: prepared.test.map((e) => e.label), testScores, search, crossValidation, evaluation: { details: evaluation, gates } }),
    },
  });
  let quantizedDir: string | undefined;
  if (quantized) {
    // Kept out of the float artifacts' listing: `.quantized/<dtype>/<name>/<version>`.
    const q = await quantizeArtifact(artifactDir, join(opts.outDir, '.quantized', quantized.dtype), { dtype: quantized.dtype });
    quantizedDir = q.dir;
    rmSync(quantized.tmp, { recursive: true, force: true });
  }

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
  if (thresholds) {
    const failing = gates.filter((g) => g.status !== 'pass').length;
    lines.push('', `gates (${gatesConfig}):`, gateTableText(gates), gatesPass(gates) ? 'gates: all pass' : `gates: ${failing} of ${gates.length} fail or were not measured`, '');
  } else lines.push(`gates: no ${gatesConfig}, none decided`);
  if (quantizedDir) lines.push(`quantized (${opts.quantize ?? ''}) copy: ${resolve(quantizedDir)}`);
  lines.push(`evaluation record: ${resolve(artifactDir, 'evaluation.json')}`);
  lines.push(`model card: ${resolve(artifactDir, 'model-card.md')}`);
  return { spec, artifactDir, metrics, latency, trained, prepared, search, crossValidation, evaluation, gates, ...(quantizedDir ? { quantizedDir } : {}), summary: lines.join('\n') };
}
