/**
 * Model card draft (Mitchell et al. 2019, "Model Cards for Model Reporting", in the
 * section layout of Google's Model Card Toolkit) rendered as Markdown from what the
 * local pipeline knows: spec, artifact metadata, evaluation metrics, latency and the
 * EDA report, and, when the pipeline ran them, the evaluation gates with their evidence
 * (champion vs challenger, robustness, fairness, privacy, size and quantization; see
 * evaluation-sections.ts). It is a *draft*: people sign it off in the PR.
 *
 * Charts are Mermaid `xychart-beta` blocks so GitHub renders them from the Markdown
 * itself, with no image hosting. The output is meant to pass markdownlint with its
 * default rules except line length: one H1, unique headings, blank lines around every
 * block, no trailing spaces. Pure: no I/O, no clock; the same input gives the same text.
 *
 * The card is posted as a GitHub comment (at most 65,536 characters, and the poster adds
 * a header), so it is kept to CARD_MAX_CHARS: rows and examples are capped, and a card
 * that is still too long drops its least important detail, saying so at the top.
 */
import type { ArtifactMetadata } from '../artifact/metadata.js';
import type { LatencyReport, LatencySummary } from '../eval/latency.js';
import type { BinaryMetrics, SplitMetrics } from '../eval/metrics.js';
import type { CrossValidationReport, SearchReport } from '../pipeline/experiments.js';
import type { ModelSpec } from '../spec/spec.js';
import type { CardDetail, ModelCardEvaluation } from './evaluation-sections.js';
import { championSection, evaluationCaveats, failingExamples, fairnessEthicsItems, fairnessSection, gatesSection, hasSizeInfo, privacySection, robustnessSection, sizeBlocks } from './evaluation-sections.js';
import { code, f4, int, interval, list, md, ms, pct, table, truncate } from './markdown.js';
import { xyChart } from './mermaid.js';

export type { ModelCardEvaluation } from './evaluation-sections.js';

export interface ModelCardInput {
  spec: ModelSpec;
  metadata: ArtifactMetadata;
  metrics: SplitMetrics;
  latency: LatencySummary;
  /** EDA report object (JSON) from the data-preparation step; render defensively: only fields that exist. */
  eda: unknown;
  testLabels: readonly number[];
  testScores?: ArrayLike<number>;
  search?: SearchReport;
  crossValidation?: CrossValidationReport;
  /**
   * The evaluation step's full reports and decided gates. When present, the card gains
   * the Gates, Champion vs challenger, Robustness, Fairness and Privacy sections, size
   * and quantization in the latency section, and caveats derived from the failures.
   */
  evaluation?: ModelCardEvaluation;
}

/**
 * The longest card rendered. GitHub rejects comments over 65,536 characters and the
 * poster adds a header of about 300; the rest is margin.
 */
export const CARD_MAX_CHARS = 60_000;

/** Bins of P(positive) in the score-distribution chart. */
export const SCORE_HISTOGRAM_BINS = 10;

/** Keeps a pathological grid search from pushing the card towards GitHub's 65,536-character comment limit. */
const MAX_SEARCH_ROWS = 50;
/** Search rows kept when the card has to be shortened. */
const TRIMMED_SEARCH_ROWS = 10;
const MAX_VALUE_CHARS = 120;
const SHA_PREFIX = 12;

type Rec = Record<string, unknown>;

// ---------------------------------------------------------------------------------
// formatting

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numAt(r: Rec, key: string): number | undefined {
  const v = r[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function strAt(r: Rec, key: string): string | undefined {
  const v = r[key];
  return typeof v === 'string' ? v : undefined;
}

function value(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'n/a';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return md(truncate(v, MAX_VALUE_CHARS)) || '–';
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string')) return md(truncate(v.join(', '), MAX_VALUE_CHARS)) || '–';
  return code(truncate(JSON.stringify(v) ?? String(v), MAX_VALUE_CHARS));
}

/** One level of nesting becomes dotted keys, so sub-configurations read as rows instead of JSON. */
function flatten(r: Rec): [string, unknown][] {
  return Object.entries(r).flatMap(([k, v]): [string, unknown][] => (isRec(v) && Object.keys(v).length > 0 ? Object.entries(v).map(([k2, v2]) => [`${k}.${k2}`, v2]) : [[k, v]]));
}

// ---------------------------------------------------------------------------------
// data helpers

/**
 * Counts of P(positive) in equal-width bins on [0, 1], separately for examples whose
 * true label is 0 and 1. Scores are clamped into [0, 1]; a score of exactly 1 falls in
 * the last bin. Non-finite scores and labels other than 0/1 are not counted.
 */
export function scoreHistogram(labels: readonly number[], scores: ArrayLike<number>, bins = SCORE_HISTOGRAM_BINS): { negative: number[]; positive: number[] } {
  const negative = new Array<number>(bins).fill(0);
  const positive = new Array<number>(bins).fill(0);
  const n = Math.min(labels.length, scores.length);
  for (let i = 0; i < n; i++) {
    const s = scores[i] as number;
    const y = labels[i];
    if (!Number.isFinite(s) || (y !== 0 && y !== 1)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(Math.min(1, Math.max(0, s)) * bins)));
    const target = y === 1 ? positive : negative;
    target[b] = (target[b] as number) + 1;
  }
  return { negative, positive };
}

interface SplitView {
  name: string;
  count?: number;
  negative?: number;
  positive?: number;
  positiveShare?: number;
  meanTokens?: number;
  p50Tokens?: number;
  p90Tokens?: number;
  maxTokens?: number;
  emptyTexts?: number;
  duplicateTexts?: number;
}

/** The EDA report's splits, as an array of named objects or a record keyed by split name. */
function edaSplits(eda: unknown): SplitView[] {
  if (!isRec(eda)) return [];
  const raw = eda.splits;
  const entries: [string | undefined, unknown][] = Array.isArray(raw) ? raw.map((s) => [undefined, s]) : isRec(raw) ? Object.entries(raw) : [];
  const out: SplitView[] = [];
  for (const [key, s] of entries) {
    if (!isRec(s)) continue;
    const name = strAt(s, 'name') ?? key;
    if (name === undefined) continue;
    const length = isRec(s.length) ? s.length : {};
    const count = numAt(s, 'count');
    const positive = numAt(s, 'positive');
    out.push({
      name,
      count,
      negative: numAt(s, 'negative'),
      positive,
      positiveShare: numAt(s, 'positiveShare') ?? (count && positive !== undefined ? positive / count : undefined),
      meanTokens: numAt(length, 'mean'),
      p50Tokens: numAt(length, 'p50'),
      p90Tokens: numAt(length, 'p90'),
      maxTokens: numAt(length, 'max'),
      emptyTexts: numAt(s, 'emptyTexts'),
      duplicateTexts: numAt(s, 'duplicateTexts'),
    });
  }
  return out;
}

/** A record of records at `eda[key]`, e.g. cleaning/dedupe/leakage keyed by split or pair. */
function edaRecords(eda: unknown, key: string): [string, Rec][] {
  if (!isRec(eda) || !isRec(eda[key])) return [];
  return Object.entries(eda[key]).filter((e): e is [string, Rec] => isRec(e[1]));
}

// ---------------------------------------------------------------------------------
// sections

function architectureSummary(a: Rec): string {
  const parts: string[] = [];
  parts.push(code(strAt(a, 'type') ?? 'unknown'));
  const ensemble = numAt(a, 'ensemble');
  if (ensemble !== undefined && ensemble > 1) parts.push(`ensemble of ${ensemble} independently seeded members`);
  const widths = Array.isArray(a.widths) ? a.widths.filter((w): w is number => typeof w === 'number') : [];
  const filters = numAt(a, 'filters');
  const isGru = strAt(a, 'type') === 'bigru';
  if (isGru) parts.push(`bidirectional GRU with ${numAt(a, 'hidden') ?? '?'} units per direction, max-pooled over time`);
  else if (widths.length > 0) parts.push(`convolution widths ${widths.join(', ')}${filters !== undefined ? ` with ${filters} filters each` : ''}`);
  else if (filters !== undefined) parts.push(`${filters} filters`);
  const dim = numAt(a, 'embeddingDim');
  const channels = isGru ? 'non-static' : strAt(a, 'channels');
  if (channels !== undefined || dim !== undefined) parts.push(`${channels !== undefined ? `${md(channels)} ` : ''}word embeddings${dim !== undefined ? ` (dimension ${dim})` : ''}`);
  const pretrained = strAt(a, 'pretrained');
  parts.push(pretrained ? `initialised from ${code(pretrained)}` : 'embeddings trained from scratch');
  const ngram = isRec(a.ngramMember) ? a.ngramMember : undefined;
  if (ngram && ngram.enabled !== false) {
    const maxN = numAt(ngram, 'maxN');
    const share = numAt(ngram, 'share');
    parts.push(`mixed with a TF-IDF n-gram logistic-regression member${maxN !== undefined ? ` (n ≤ ${maxN})` : ''}${share !== undefined ? ` weighted ${share} in the final probability` : ''}`);
  }
  return parts.join('; ');
}

function modelDetails(input: ModelCardInput): string[] {
  const { spec, metadata } = input;
  const commit = metadata.git_commit;
  const commitText =
    commit === null
      ? 'not recorded (not built from a git checkout)'
      : commit.endsWith('-dirty')
        ? `${code(commit)} (the working tree had uncommitted changes, so this commit alone does not reproduce the model)`
        : code(commit);
  const items = [
    `Name: ${code(metadata.name)}`,
    `Version: ${code(metadata.version)}`,
    `Date: ${md(metadata.created_at)}`,
  ];
  if (spec.description) items.push(`Description: ${md(spec.description)}`);
  items.push(
    `Task: binary text classification into ${code(metadata.labels[0])} and ${code(metadata.labels[1])}; the model outputs P(${md(metadata.labels[1])}) and predicts ${code(metadata.labels[1])} at 0.5 or above`,
    `Architecture: ${architectureSummary(metadata.architecture)}`,
    `Framework: TensorFlow.js ${md(metadata.framework.version)}, trained on the ${code(metadata.framework.training_backend)} backend`,
    `License: ${md(spec.license)}`,
    `Owners: ${spec.owners.length ? spec.owners.map(md).join(', ') : 'none listed'}`,
    `Git commit: ${commitText}`,
  );
  const blocks = ['## Model details', list(items)];

  blocks.push('### Architecture and hyper-parameters');
  const rows: string[][] = [];
  for (const [k, v] of flatten(metadata.architecture)) rows.push(['architecture', code(k), value(v)]);
  for (const [k, v] of flatten(metadata.hyperparameters)) rows.push(['training', code(k), value(v)]);
  if (rows.length) blocks.push(table(['group', 'key', 'value'], ['l', 'l', 'l'], rows));
  else blocks.push('The metadata records no architecture or hyper-parameters.');

  blocks.push('### Training run');
  const t = metadata.training;
  blocks.push(
    list([
      `Preset: ${t.preset ? code(t.preset) : 'none (full spec)'}`,
      `Wall-clock training time: ${t.seconds.toFixed(1)} s`,
      `Ensemble members: ${t.members.length}`,
    ]),
  );
  if (t.members.length) {
    blocks.push(
      table(
        ['member', 'seed', 'best epoch', 'epochs run'],
        ['r', 'r', 'r', 'r'],
        t.members.map((m, i) => [String(i + 1), String(m.seed), String(m.best_epoch), Array.isArray(m.history) ? String(m.history.length) : '–']),
      ),
    );
  }
  return blocks;
}

function intendedUse(input: ModelCardInput): string[] {
  const [neg, pos] = input.metadata.labels;
  return [
    '## Intended use',
    '### Primary intended uses',
    `Classifying the sentiment of short English texts, such as product or film reviews and comments of a sentence or two, as ${code(pos)} or ${code(neg)}. Suitable for aggregate analysis (for example the share of ${md(pos)} reviews over time) and for triage where a person reviews the result.`,
    '### Out-of-scope uses',
    list([
      'Decisions about people: hiring, credit, moderation of individuals, law enforcement, health or anything with legal or similarly significant effects.',
      'Languages other than English, including code-switched text; the tokenizer and vocabulary are English-only.',
      'Sarcasm- or irony-heavy text, and domain-shifted text (tweets, clinical notes, legal or financial documents, long documents) without re-evaluation on a labelled sample from that domain.',
      'Fine-grained or neutral sentiment: the model has no neutral class and always returns one of the two labels.',
    ]),
  ];
}

function datasetTable(metadata: ArtifactMetadata): string | undefined {
  const entries = Object.entries(metadata.datasets);
  if (entries.length === 0) return undefined;
  return table(
    ['split', 'reference', 'rows', 'sha256 (prefix)', 'source'],
    ['l', 'l', 'r', 'l', 'l'],
    entries.map(([split, d]) => [md(split), code(d.ref), int(d.rows), code(d.sha256.slice(0, SHA_PREFIX)), code(d.source)]),
  );
}

function trainingData(input: ModelCardInput): string[] {
  const { spec, metadata, eda } = input;
  const blocks = ['## Training data'];
  const train = metadata.datasets.train;
  // Extra training files (spec dataset.extraTrain) are recorded as train+1, train+2, …
  const extra = Object.entries(metadata.datasets).filter(([k]) => /^train\+\d+$/.test(k)).map(([, d]) => `${code(d.ref)} (${int(d.rows)} rows)`);
  blocks.push(
    train
      ? `The model was trained on ${code(train.ref)} (${int(train.rows)} rows as read, sha256 ${code(train.sha256.slice(0, SHA_PREFIX))}…)${extra.length ? ` plus ${extra.join(', ')}, de-duplicated together` : ''}. Every split is pinned by the checksum of its file; the full digests are in the artifact metadata.`
      : 'The artifact metadata records no train dataset.',
  );
  const datasets = datasetTable(metadata);
  if (datasets) blocks.push(datasets);

  const splits = edaSplits(eda);
  if (splits.length) {
    blocks.push('### Class balance and text length');
    blocks.push(`Counts after cleaning and de-duplication. Lengths are in tokens, before truncation to ${metadata.preprocessing.max_tokens}.`);
    blocks.push(
      table(
        ['split', 'examples', md(metadata.labels[0]), md(metadata.labels[1]), `${md(metadata.labels[1])} share`, 'mean tokens', 'p50 tokens', 'p90 tokens', 'max tokens', 'empty texts', 'duplicate texts'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        splits.map((s) => [
          md(s.name),
          int(s.count),
          int(s.negative),
          int(s.positive),
          pct(s.positiveShare),
          s.meanTokens === undefined ? '–' : s.meanTokens.toFixed(1),
          int(s.p50Tokens),
          int(s.p90Tokens),
          int(s.maxTokens),
          int(s.emptyTexts),
          int(s.duplicateTexts),
        ]),
      ),
    );
  }

  const cleaning = edaRecords(eda, 'cleaning');
  const dedupe = edaRecords(eda, 'dedupe');
  if (cleaning.length || dedupe.length) {
    blocks.push('### Cleaning and de-duplication');
    if (cleaning.length) {
      blocks.push(
        table(
          ['split', 'input rows', 'kept', 'text changed by cleaning', 'dropped (empty after cleaning)'],
          ['l', 'r', 'r', 'r', 'r'],
          cleaning.map(([k, c]) => [md(k), int(numAt(c, 'input')), int(numAt(c, 'kept')), int(numAt(c, 'changed')), int(numAt(c, 'dropped'))]),
        ),
      );
    }
    if (dedupe.length) {
      blocks.push(
        table(
          ['split', 'input rows', 'kept', 'duplicates removed', 'texts with both labels', 'conflict rows removed', 'conflict policy'],
          ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
          dedupe.map(([k, d]) => {
            const policy = strAt(d, 'policy');
            return [md(k), int(numAt(d, 'input')), int(numAt(d, 'kept')), int(numAt(d, 'duplicatesRemoved')), int(numAt(d, 'conflicts')), int(numAt(d, 'conflictRowsRemoved')), policy ? code(policy) : '–'];
          }),
        ),
      );
    }
  }

  blocks.push('### Preprocessing');
  const p = metadata.preprocessing;
  const aug = spec.preprocessing.augmentation;
  const items = [
    `Tokenizer: ${code(p.tokenizer)}${p.tokenizer.startsWith('ptb') ? ' (Penn-Treebank-style English word tokenization)' : ''}`,
    `Maximum tokens per text: ${p.max_tokens}; longer texts are truncated`,
    `Vocabulary: ${int(p.vocabulary_size)} entries including the reserved padding and unknown-word tokens; minimum count ${spec.preprocessing.minCount}`,
    `Pretrained embeddings: ${p.pretrained ? code(p.pretrained) : 'none'}`,
    `De-duplication of the training split: ${spec.preprocessing.dedupe ? 'on' : 'off'}`,
    `Augmentation: ${aug.enabled ? `on (ratio ${aug.ratio})` : 'off'}`,
  ];
  const vocab = isRec(eda) && isRec(eda.vocabulary) ? eda.vocabulary : undefined;
  const trainTypes = vocab ? numAt(vocab, 'trainTypes') : undefined;
  if (trainTypes !== undefined) items.push(`Distinct token types in the training split: ${int(trainTypes)}`);
  const coverage = isRec(eda) && Array.isArray(eda.coverage) ? eda.coverage.filter(isRec) : [];
  for (const c of coverage) {
    const split = strAt(c, 'split');
    if (split === undefined) continue;
    items.push(`Out-of-vocabulary rate on ${md(split)}: ${pct(numAt(c, 'tokenOovRate'))} of tokens, ${pct(numAt(c, 'typeOovRate'))} of types`);
  }
  blocks.push(list(items));
  return blocks;
}

function evaluationData(input: ModelCardInput): string[] {
  const { metrics, metadata, eda } = input;
  const blocks = ['## Evaluation data'];
  const rows: string[][] = [];
  for (const name of ['dev', 'test'] as const) {
    const m = metrics[name];
    if (!m) continue;
    const d = metadata.datasets[name];
    rows.push([
      name,
      d ? code(d.ref) : 'held out from train',
      int(m.n),
      int(m.per_class.negative.support),
      int(m.per_class.positive.support),
      pct(m.n ? m.per_class.positive.support / m.n : undefined),
    ]);
  }
  if (rows.length === 0) {
    blocks.push('No dev or test split was evaluated, so this card has no quantitative evidence yet.');
  } else {
    blocks.push(table(['split', 'reference', 'examples', md(metadata.labels[0]), md(metadata.labels[1]), `${md(metadata.labels[1])} share`], ['l', 'l', 'r', 'r', 'r', 'r'], rows));
    const notes: string[] = [];
    if (metrics.dev) notes.push('The dev split chose each member’s best epoch, so its numbers are optimistic.');
    if (metrics.test) notes.push('The test split took no part in training or model selection, so its numbers are the estimate to quote.');
    if (notes.length) blocks.push(notes.join(' '));
  }

  const leakage = edaRecords(eda, 'leakage');
  if (leakage.length) {
    blocks.push('### Train/test overlap');
    blocks.push('Exact matches of whole texts after normalisation; shorter phrases contained in longer texts are not counted.');
    blocks.push(
      table(
        ['pair', 'leaked examples', 'share of evaluated split', 'shared texts', 'label mismatches'],
        ['l', 'r', 'r', 'r', 'r'],
        leakage.map(([k, l]) => [md(k), int(numAt(l, 'leakedExamples')), pct(numAt(l, 'share')), int(numAt(l, 'sharedTexts')), int(numAt(l, 'labelMismatches'))]),
      ),
    );
  }
  return blocks;
}

function metricRows(labels: readonly [string, string], ms_: readonly BinaryMetrics[]): string[][] {
  const [neg, pos] = labels.map(md) as [string, string];
  const row = (name: string, f: (m: BinaryMetrics) => string): string[] => [name, ...ms_.map(f)];
  const bins = ms_[0]?.reliability.length ?? 0;
  return [
    row('examples', (m) => int(m.n)),
    row('accuracy', (m) => f4(m.accuracy)),
    row('accuracy 95% CI (bootstrap)', (m) => interval(m.accuracy_ci95)),
    row(`precision (${pos})`, (m) => f4(m.per_class.positive.precision)),
    row(`recall (${pos})`, (m) => f4(m.per_class.positive.recall)),
    row(`F1 (${pos})`, (m) => f4(m.per_class.positive.f1)),
    row(`precision (${neg})`, (m) => f4(m.per_class.negative.precision)),
    row(`recall (${neg})`, (m) => f4(m.per_class.negative.recall)),
    row(`F1 (${neg})`, (m) => f4(m.per_class.negative.f1)),
    row('precision (macro)', (m) => f4(m.precision_macro)),
    row('recall (macro)', (m) => f4(m.recall_macro)),
    row('F1 (macro)', (m) => f4(m.f1_macro)),
    // interval() prints n/a for metrics files written before these intervals existed.
    row('F1 (macro) 95% CI (bootstrap)', (m) => interval(m.f1_macro_ci95)),
    row('ROC-AUC', (m) => f4(m.roc_auc)),
    row('ROC-AUC 95% CI (bootstrap)', (m) => interval(m.roc_auc_ci95)),
    row(`ECE (${bins} bins)`, (m) => f4(m.ece)),
    row('log loss', (m) => f4(m.log_loss)),
    row('Brier score', (m) => f4(m.brier)),
  ];
}

function targetRows(input: ModelCardInput): string[][] {
  const { spec, metrics, latency } = input;
  const split = metrics.test ? 'test' : metrics.dev ? 'dev' : undefined;
  const m = metrics.test ?? metrics.dev;
  const rows: string[][] = [];
  const status = (ok: boolean): string => (ok ? 'met' : 'not met');
  const { accuracy, f1_macro: f1, latency_p50_ms: p50 } = spec.targets;
  if (accuracy !== undefined) {
    rows.push(['accuracy', `≥ ${f4(accuracy)}`, m ? `${f4(m.accuracy)} (${split})` : 'not measured', m ? status(m.accuracy >= accuracy) : 'not measured']);
  }
  if (f1 !== undefined) {
    rows.push(['F1 (macro)', `≥ ${f4(f1)}`, m ? `${f4(m.f1_macro)} (${split})` : 'not measured', m ? status(m.f1_macro >= f1) : 'not measured']);
  }
  if (p50 !== undefined) {
    rows.push(['latency p50, single text (ms)', `≤ ${ms(p50)}`, ms(latency.single.p50_ms), status(latency.single.p50_ms <= p50)]);
  }
  return rows;
}

function quantitativeAnalysis(input: ModelCardInput): string[] {
  const { metrics, metadata } = input;
  const blocks = ['## Quantitative analysis'];
  const cols = (['dev', 'test'] as const).filter((k) => metrics[k] !== undefined);
  if (cols.length === 0) {
    blocks.push('No split was evaluated.');
  } else {
    blocks.push(
      `Predictions use the threshold 0.5 on P(${md(metadata.labels[1])}). Precision, recall and F1 are 0 where their denominator is 0. The 95% intervals of accuracy, macro F1 and ROC-AUC are percentile bootstraps over examples; ECE uses equal-width bins of the predicted class’s confidence.`,
    );
    blocks.push(
      table(
        ['metric', ...cols],
        ['l', ...cols.map(() => 'r' as const)],
        metricRows(
          metadata.labels,
          cols.map((c) => metrics[c] as BinaryMetrics),
        ),
      ),
    );
  }
  blocks.push('### Targets');
  const rows = targetRows(input);
  if (rows.length) blocks.push(table(['target', 'required', 'value', 'status'], ['l', 'r', 'r', 'l'], rows));
  else blocks.push('The spec sets no targets.');
  return blocks;
}

function confusionBlocks(m: BinaryMetrics, split: string, labels: readonly [string, string]): string[] {
  const c = m.confusion;
  const [neg, pos] = labels.map(md) as [string, string];
  return [
    '### Confusion matrix',
    `On the ${split} split. Rows are the true class and columns the predicted class; TP and FP are the examples predicted ${pos}.`,
    table(
      ['true \\ predicted', neg, pos],
      ['l', 'r', 'r'],
      [
        [neg, `${int(c.tn)} (TN)`, `${int(c.fp)} (FP)`],
        [pos, `${int(c.fn)} (FN)`, `${int(c.tp)} (TP)`],
      ],
    ),
    xyChart({ title: `Confusion counts (${split})`, xLabels: ['TP', 'FP', 'TN', 'FN'], yLabel: 'examples', bars: [[c.tp, c.fp, c.tn, c.fn]] }),
  ];
}

function calibrationBlocks(m: BinaryMetrics, split: string): string[] {
  const blocks = ['### Calibration'];
  const bins = m.reliability;
  const used = bins.filter((b) => b.count > 0 && b.accuracy !== null && b.mean_confidence !== null);
  if (used.length === 0) {
    blocks.push('No reliability bins were populated.');
    return blocks;
  }
  const centre = (b: { bin_lo: number; bin_hi: number }): number => (b.bin_lo + b.bin_hi) / 2;
  // Empty bins are left out of the chart rather than drawn as zero, which would look like a badly calibrated bin.
  blocks.push(
    `Reliability diagram on the ${split} split (ECE ${f4(m.ece)}). The x axis is the centre of each confidence bin that holds examples; bars are the accuracy in the bin, the first line is the mean confidence in the bin and the second line is perfect calibration (accuracy equal to confidence). Confidence is that of the predicted class, so it is never below 0.5.`,
  );
  blocks.push(
    xyChart({
      title: `Reliability (${split})`,
      xLabel: 'confidence bin centre',
      xLabels: used.map((b) => centre(b).toFixed(2)),
      yLabel: 'accuracy',
      yMin: 0,
      yMax: 1,
      bars: [used.map((b) => b.accuracy as number)],
      lines: [used.map((b) => b.mean_confidence as number), used.map(centre)],
    }),
  );
  blocks.push(
    table(
      ['bin', 'examples', 'mean confidence', 'accuracy', 'gap'],
      ['l', 'r', 'r', 'r', 'r'],
      bins.map((b) => [
        `${b.bin_lo.toFixed(2)}–${b.bin_hi.toFixed(2)}`,
        int(b.count),
        f4(b.mean_confidence),
        f4(b.accuracy),
        b.accuracy !== null && b.mean_confidence !== null ? f4(b.accuracy - b.mean_confidence) : 'n/a',
      ]),
    ),
  );
  return blocks;
}

function scoreDistributionBlocks(input: ModelCardInput): string[] {
  const blocks = ['### Score distribution'];
  const { testLabels, testScores, metadata } = input;
  if (!testScores || testScores.length === 0 || testScores.length !== testLabels.length) {
    blocks.push('Test scores were not available, so the score distribution is not shown.');
    return blocks;
  }
  const [neg, pos] = metadata.labels.map(md) as [string, string];
  const h = scoreHistogram(testLabels, testScores);
  const total = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
  const w = 1 / SCORE_HISTOGRAM_BINS;
  const xLabels = h.negative.map((_, i) => ((i + 0.5) * w).toFixed(2));
  // Mermaid draws bar series on top of each other, so the second class is a line and neither hides the other.
  blocks.push(
    `Histogram of P(${pos}) on the test split in ${SCORE_HISTOGRAM_BINS} equal-width bins. Bars: examples whose true class is ${neg} (${int(total(h.negative))}); line: examples whose true class is ${pos} (${int(total(h.positive))}). A well-separating model puts the bars on the left and the line on the right.`,
  );
  blocks.push(xyChart({ title: `Scores by true class (test)`, xLabel: `P(${metadata.labels[1]}) bin centre`, xLabels, yLabel: 'examples', bars: [h.negative], lines: [h.positive] }));
  blocks.push(
    table(
      ['P bin', `true ${neg}`, `true ${pos}`],
      ['l', 'r', 'r'],
      xLabels.map((_, i) => [`${(i * w).toFixed(1)}–${((i + 1) * w).toFixed(1)}`, int(h.negative[i]), int(h.positive[i])]),
    ),
  );
  return blocks;
}

function charts(input: ModelCardInput): string[] {
  const blocks = ['## Charts'];
  const split = input.metrics.test ? 'test' : 'dev';
  const m = input.metrics.test ?? input.metrics.dev;
  if (!m) {
    blocks.push('No split was evaluated, so there are no charts.');
    return blocks;
  }
  blocks.push('The charts are Mermaid diagrams that GitHub renders in place; the tables beside them hold the exact numbers.');
  blocks.push(...confusionBlocks(m, split, input.metadata.labels));
  blocks.push(...calibrationBlocks(m, split));
  blocks.push(...scoreDistributionBlocks(input));
  return blocks;
}

function latencySection(input: ModelCardInput): string[] {
  const { single, batch32 } = input.latency;
  const row = (mode: string, r: LatencyReport): string[] => [mode, int(r.calls), ms(r.p50_ms), ms(r.p95_ms), ms(r.p99_ms), ms(r.mean_ms)];
  const ev = input.evaluation;
  return [
    hasSizeInfo(ev) ? '## Latency and size' : '## Latency',
    'In-process wall-clock time of tokenization plus the forward pass, measured after a warm-up on the machine that trained the model; a serving deployment adds network and serialisation time and runs on other hardware.',
    table(
      ['mode', 'calls', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'mean (ms)'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      [row('single text', single), row('batch of 32 texts (per batch)', batch32)],
    ),
    `Per text in a batch of 32 at the median: ${ms(batch32.p50_ms / 32)} ms.`,
    ...(ev ? sizeBlocks(ev) : []),
  ];
}

function describe(candidate: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(candidate)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? code(parts.join(' ')) : 'spec defaults';
}

function sameCandidate(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

function searchSection(search: SearchReport, maxRows: number): string[] {
  const how = search.metric === 'cv_accuracy' ? 'mean k-fold cross-validated accuracy on train' : 'accuracy on the dev split';
  const sorted = [...search.results].sort((a, b) => b.score - a.score);
  const shown = sorted.slice(0, maxRows);
  const blocks = [
    '## Hyper-parameter search',
    `Grid search with one single-member model per candidate, scored by ${how} (${code(search.metric)}). The best candidate, ${describe(search.best)}, was applied to the spec before the final training.`,
  ];
  if (shown.length) {
    blocks.push(
      table(
        ['rank', 'candidate', 'score', 'std', 'chosen'],
        ['r', 'l', 'r', 'r', 'l'],
        shown.map((r, i) => [String(i + 1), describe(r.candidate), f4(r.score), r.std === undefined ? '–' : f4(r.std), sameCandidate(r.candidate, search.best) ? 'yes' : '–']),
      ),
    );
  }
  if (sorted.length > shown.length) blocks.push(`${sorted.length - shown.length} lower-scoring candidates are omitted here.`);
  return blocks;
}

function crossValidationSection(cv: CrossValidationReport): string[] {
  const meanF1 = cv.f1_macro.length ? cv.f1_macro.reduce((s, x) => s + x, 0) / cv.f1_macro.length : undefined;
  return [
    '## Cross-validation',
    `Stratified ${cv.folds}-fold cross-validation of the final spec on the training split: accuracy ${f4(cv.mean)} ± ${f4(cv.std)} (sample standard deviation over folds)${meanF1 !== undefined ? `, mean macro F1 ${f4(meanF1)}` : ''}. Each fold trains without a dev split, so members keep their last epoch.`,
    table(
      ['fold', 'accuracy', 'F1 (macro)'],
      ['r', 'r', 'r'],
      cv.accuracies.map((a, i) => [String(i + 1), f4(a), f4(cv.f1_macro[i])]),
    ),
  ];
}

function ethicalConsiderations(input: ModelCardInput): string[] {
  const refs = Object.values(input.metadata.datasets).map((d) => d.ref.toLowerCase());
  const fairness = input.evaluation?.details.fairness;
  const items = fairness
    ? [
        'The model learns whatever associations its training text holds.',
        ...fairnessEthicsItems(fairness),
        'Dialects and non-standard English are likely to be under-represented in the training data and to get worse accuracy.',
        'The training text may contain offensive language, and the vocabulary shipped with the model is drawn from it.',
      ]
    : [
        'The model learns whatever associations its training text holds. Sentiment models are known to score sentences differently depending on identity terms (names, nationalities, religions, genders) that carry no sentiment; this draft has not measured that.',
        'Dialects and non-standard English are likely to be under-represented in the training data and to get worse accuracy.',
        'No demographic information about authors or subjects is available, so no disaggregated (per-group) evaluation is reported.',
        'The training text may contain offensive language, and the vocabulary shipped with the model is drawn from it.',
      ];
  if (refs.some((r) => r.startsWith('sst2') || r.includes('sst-2'))) {
    items.unshift('SST-2 consists of sentences from film reviews (Rotten Tomatoes, collected by Pang and Lee); performance elsewhere is unknown until measured.');
  }
  return ['## Ethical considerations', list(items)];
}

function caveats(input: ModelCardInput): string[] {
  const items = [
    'This card is a *draft* generated by the local training pipeline. It records what the pipeline measured and nothing more.',
    ...(input.evaluation
      ? evaluationCaveats(input.evaluation)
      : ['Fairness, robustness and privacy gates run later in the GitOps flow and add their results before sign-off; until then, treat the model as unreviewed.']),
    'Metrics come from a single evaluation split and a fixed threshold of 0.5; re-evaluate on a labelled sample of your own data, and choose a threshold for your costs of false positives and false negatives.',
    'Scores are probabilities only as far as the calibration section shows; check the reliability diagram before reading a score as a likelihood.',
    'Latency was measured in-process on the training machine and is not a service-level guarantee.',
  ];
  if (input.metadata.training.preset) items.push(`The model was trained with the ${code(input.metadata.training.preset)} preset, which may trade accuracy for speed; do not ship it without checking the targets.`);
  return ['## Caveats and recommendations', list(items)];
}

interface RenderDetail extends CardDetail {
  searchRows: number;
}

const FULL_DETAIL: RenderDetail = { examples: true, perEmotion: true, searchRows: MAX_SEARCH_ROWS };

/** What the size limit may drop, least important first; each step applies only if it removes something. */
const TRIM_STEPS: readonly { what: string; applies: (input: ModelCardInput) => boolean; apply: (d: RenderDetail) => RenderDetail }[] = [
  {
    what: 'the failing robustness examples',
    applies: (input) => (input.evaluation ? failingExamples(input.evaluation.details.robustness).length > 0 : false),
    apply: (d) => ({ ...d, examples: false }),
  },
  {
    what: 'the per-emotion fairness table',
    applies: (input) => input.evaluation?.details.fairness !== undefined,
    apply: (d) => ({ ...d, perEmotion: false }),
  },
  {
    what: `all but the best ${TRIMMED_SEARCH_ROWS} hyper-parameter search candidates`,
    applies: (input) => (input.search?.results.length ?? 0) > TRIMMED_SEARCH_ROWS,
    apply: (d) => ({ ...d, searchRows: Math.min(d.searchRows, TRIMMED_SEARCH_ROWS) }),
  },
];

function render(input: ModelCardInput, detail: RenderDetail, dropped: readonly string[]): string {
  const { metadata } = input;
  const ev = input.evaluation;
  const artifact = code(`${metadata.name}@${metadata.version}`);
  const blocks: string[] = [
    `# Model card (draft): ${md(metadata.name)} ${md(metadata.version)}`,
    ev
      ? `> Draft generated by the local pipeline from artifact ${artifact}, with the evaluation gates and their evidence (robustness, fairness, privacy, champion comparison). People sign it off in the pull request.`
      : `> Draft generated by the local pipeline from artifact ${artifact}. Fairness, robustness and privacy evidence is added by later gates.`,
  ];
  if (dropped.length) {
    blocks.push(`**Shortened:** this card is kept under ${int(CARD_MAX_CHARS)} characters so it fits in a GitHub comment, so it leaves out ${dropped.join(', ')}.`);
  }
  blocks.push(...modelDetails(input), ...intendedUse(input), ...trainingData(input), ...evaluationData(input));
  if (ev) blocks.push(...gatesSection(ev));
  blocks.push(...quantitativeAnalysis(input));
  if (ev) {
    blocks.push(...championSection(ev), ...robustnessSection(ev, detail, metadata.labels), ...fairnessSection(ev, detail), ...privacySection(ev));
  }
  blocks.push(...latencySection(input), ...charts(input));
  if (input.search) blocks.push(...searchSection(input.search, detail.searchRows));
  if (input.crossValidation) blocks.push(...crossValidationSection(input.crossValidation));
  blocks.push(...ethicalConsiderations(input), ...caveats(input));
  const text = blocks.filter((b) => b.trim() !== '').join('\n\n');
  // Values from specs and data could still end a line with a space; markdownlint (MD009) rejects that.
  return `${text.replace(/[ \t]+$/gm, '')}\n`;
}

/**
 * Markdown model card; ends with a single newline. Sections follow the Model Card
 * Toolkit: model details, intended use, training and evaluation data, gates,
 * quantitative analysis, champion vs challenger, robustness, fairness, privacy, latency
 * and size, charts, (search, cross-validation), ethical considerations, caveats. A card
 * longer than CARD_MAX_CHARS drops detail step by step (examples first, then the
 * per-emotion tables) and says what it left out.
 */
export function renderModelCardDraft(input: ModelCardInput): string {
  let detail = FULL_DETAIL;
  const dropped: string[] = [];
  let text = render(input, detail, dropped);
  for (const step of TRIM_STEPS) {
    if (text.length <= CARD_MAX_CHARS) break;
    if (!step.applies(input)) continue;
    detail = step.apply(detail);
    dropped.push(step.what);
    text = render(input, detail, dropped);
  }
  return text;
}
