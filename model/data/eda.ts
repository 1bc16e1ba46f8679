/**
 * Exploratory data analysis report: a JSON object for machines (CI artifacts, gates)
 * and a Markdown rendering for people (PR comments, where GitHub renders the Mermaid
 * charts). Pure: the caller decides where the output goes. The report holds no
 * timestamps, so the same data always gives byte-identical output.
 */
import { tokenize as defaultTokenize } from '../text/tokenizer.js';
import type { Vocabulary } from '../text/vocabulary.js';
import { PAD_TOKEN, UNK_TOKEN } from '../text/vocabulary.js';
import type { Example } from '../types.js';
import { ValidationError } from '../errors.js';
import type { CleaningReport, DedupeReport, LeakageReport } from './prepare.js';
import { countLabels } from './prepare.js';

/** Inclusive upper bounds of the token-length histogram bins; a last open bin follows. */
export const DEFAULT_LENGTH_BINS: readonly number[] = [5, 10, 15, 20, 25, 30, 40, 50];

export interface EdaInput {
  splits: Readonly<Record<string, readonly Example[]>>;
  /** The split whose tokens define coverage when no vocabulary is given. Default 'train'. */
  trainSplit?: string;
  tokenize?: (text: string) => string[];
  /** The model's vocabulary (after minCount/maxSize); coverage is measured against it. */
  vocabulary?: Vocabulary;
  /** Per split, or one report, which is taken to be the train split's. */
  cleaning?: CleaningReport | Readonly<Record<string, CleaningReport>>;
  /** Per split, or one report, which is taken to be the train split's. */
  dedupe?: DedupeReport | Readonly<Record<string, DedupeReport>>;
  /**
   * Keyed by a label for the pair, e.g. "train → dev", or one report, which is taken to
   * compare the train split with "test".
   */
  leakage?: LeakageReport | Readonly<Record<string, LeakageReport>>;
  lengthBins?: readonly number[];
}

export interface LengthStats {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface HistogramBin {
  label: string;
  min: number;
  /** null for the last, open-ended bin. */
  max: number | null;
  count: number;
}

export interface SplitStats {
  name: string;
  count: number;
  negative: number;
  positive: number;
  negativeShare: number;
  positiveShare: number;
  /** null for an empty split. */
  length: LengthStats | null;
  histogram: HistogramBin[];
  tokens: number;
  types: number;
  /** Examples with no tokens at all. */
  emptyTexts: number;
  /** Examples whose exact text occurred earlier in the same split. */
  duplicateTexts: number;
}

export interface CoverageStats {
  split: string;
  tokens: number;
  oovTokens: number;
  tokenOovRate: number;
  types: number;
  oovTypes: number;
  typeOovRate: number;
  /** Most frequent out-of-vocabulary tokens (count desc, then token). */
  topOov: Array<{ token: string; count: number }>;
}

export interface EdaReport {
  format: 'gitops-ml/eda';
  version: 1;
  trainSplit: string;
  splits: SplitStats[];
  vocabulary: {
    /** Distinct tokens in the train split. */
    trainTypes: number;
    /** What coverage is measured against. */
    source: 'vocabulary' | 'train-types';
    /** Model vocabulary size including reserved ids, when one was given. */
    size: number | null;
    minCount: number | null;
    maxSize: number | null;
  };
  coverage: CoverageStats[];
  cleaning?: Record<string, Omit<CleaningReport, 'droppedExamples'>>;
  dedupe?: Record<string, { policy: string; input: number; kept: number; duplicatesRemoved: number; conflicts: number; conflictRowsRemoved: number }>;
  leakage?: Record<string, LeakageReport>;
}

const TOP_OOV = 10;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : round(part / whole, 4);
}

/** Nearest-rank percentile of ascending `sorted` (always an observed value). */
function percentile(sorted: Int32Array, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

function lengthStats(lengths: Int32Array): LengthStats | null {
  if (lengths.length === 0) return null;
  const sorted = Int32Array.from(lengths).sort();
  let sum = 0;
  for (const l of sorted) sum += l;
  return {
    min: sorted[0] as number,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
    mean: round(sum / sorted.length, 2),
  };
}

function histogram(lengths: Int32Array, bins: readonly number[]): HistogramBin[] {
  const out: HistogramBin[] = [];
  let lo = 0;
  for (const hi of bins) {
    out.push({ label: `${lo}-${hi}`, min: lo, max: hi, count: 0 });
    lo = hi + 1;
  }
  out.push({ label: `${lo}+`, min: lo, max: null, count: 0 });
  for (const l of lengths) {
    let i = 0;
    while (i < bins.length && l > (bins[i] as number)) i++;
    (out[i] as HistogramBin).count++;
  }
  return out;
}

function checkBins(bins: readonly number[]): void {
  const errors: string[] = [];
  if (bins.length === 0) errors.push('lengthBins must not be empty');
  bins.forEach((b, i) => {
    if (!Number.isInteger(b) || b < 0) errors.push(`lengthBins[${i}] must be a non-negative integer, got ${String(b)}`);
    else if (i > 0 && b <= (bins[i - 1] as number)) errors.push(`lengthBins must increase strictly, but lengthBins[${i}] = ${b}`);
  });
  if (errors.length) throw new ValidationError('invalid EDA options', errors);
}

/** A single report becomes a one-entry record under `key`; a record is copied. */
function keyed<T extends object>(
  value: T | Readonly<Record<string, T>> | undefined,
  isSingle: (x: object) => x is T,
  key: string,
): Record<string, T> | undefined {
  if (value === undefined) return undefined;
  return isSingle(value) ? { [key]: value } : { ...(value as Readonly<Record<string, T>>) };
}

export function buildEdaReport(input: EdaInput): EdaReport {
  const tokenize = input.tokenize ?? defaultTokenize;
  const trainSplit = input.trainSplit ?? 'train';
  const bins = input.lengthBins ?? DEFAULT_LENGTH_BINS;
  checkBins(bins);
  const names = Object.keys(input.splits);
  if (!names.includes(trainSplit)) {
    throw new ValidationError('invalid EDA input', [`trainSplit "${trainSplit}" is not one of the splits (${names.join(', ') || 'none'})`]);
  }

  const typeCounts = new Map<string, Map<string, number>>();
  const splits: SplitStats[] = names.map((name) => {
    const examples = input.splits[name] as readonly Example[];
    const lengths = new Int32Array(examples.length);
    const types = new Map<string, number>();
    const seenTexts = new Set<string>();
    let tokens = 0;
    let emptyTexts = 0;
    let duplicateTexts = 0;
    examples.forEach((e, i) => {
      const toks = tokenize(e.text);
      lengths[i] = toks.length;
      tokens += toks.length;
      if (toks.length === 0) emptyTexts++;
      for (const t of toks) types.set(t, (types.get(t) ?? 0) + 1);
      if (seenTexts.has(e.text)) duplicateTexts++;
      else seenTexts.add(e.text);
    });
    typeCounts.set(name, types);
    const { negative, positive } = countLabels(examples);
    return {
      name,
      count: examples.length,
      negative,
      positive,
      negativeShare: ratio(negative, examples.length),
      positiveShare: ratio(positive, examples.length),
      length: lengthStats(lengths),
      histogram: histogram(lengths, bins),
      tokens,
      types: types.size,
      emptyTexts,
      duplicateTexts,
    };
  });

  const trainTypes = typeCounts.get(trainSplit) as Map<string, number>;
  const vocab = input.vocabulary;
  const known = vocab
    ? (t: string): boolean => t !== PAD_TOKEN && t !== UNK_TOKEN && vocab.has(t)
    : (t: string): boolean => trainTypes.has(t);
  // Against train's own types the train split is trivially covered; against a pruned
  // model vocabulary its OOV rate shows what minCount/maxSize cost.
  const coverageSplits = vocab ? names : names.filter((n) => n !== trainSplit);
  const coverage = coverageSplits.map((split): CoverageStats => {
    const types = typeCounts.get(split) as Map<string, number>;
    let tokens = 0;
    let oovTokens = 0;
    const oov: Array<[string, number]> = [];
    for (const [t, c] of types) {
      tokens += c;
      if (!known(t)) {
        oovTokens += c;
        oov.push([t, c]);
      }
    }
    oov.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      split,
      tokens,
      oovTokens,
      tokenOovRate: ratio(oovTokens, tokens),
      types: types.size,
      oovTypes: oov.length,
      typeOovRate: ratio(oov.length, types.size),
      topOov: oov.slice(0, TOP_OOV).map(([token, count]) => ({ token, count })),
    };
  });

  const report: EdaReport = {
    format: 'gitops-ml/eda',
    version: 1,
    trainSplit,
    splits,
    vocabulary: {
      trainTypes: trainTypes.size,
      source: vocab ? 'vocabulary' : 'train-types',
      size: vocab ? vocab.size : null,
      minCount: vocab ? vocab.minCount : null,
      maxSize: vocab ? vocab.maxSize : null,
    },
    coverage,
  };
  const cleaning = keyed(input.cleaning, (x): x is CleaningReport => Array.isArray((x as Partial<CleaningReport>).droppedExamples), trainSplit);
  const dedupe = keyed(input.dedupe, (x): x is DedupeReport => typeof (x as Partial<DedupeReport>).policy === 'string', trainSplit);
  const leakage = keyed(input.leakage, (x): x is LeakageReport => typeof (x as Partial<LeakageReport>).testCount === 'number', `${trainSplit} → test`);
  if (cleaning) {
    report.cleaning = Object.fromEntries(
      Object.entries(cleaning).map(([k, c]) => [k, { input: c.input, kept: c.kept, changed: c.changed, dropped: c.dropped }]),
    );
  }
  if (dedupe) {
    report.dedupe = Object.fromEntries(
      Object.entries(dedupe).map(([k, d]) => [
        k,
        {
          policy: d.policy,
          input: d.input,
          kept: d.kept,
          duplicatesRemoved: d.duplicatesRemoved,
          conflicts: d.conflicts.length,
          conflictRowsRemoved: d.conflictRowsRemoved,
        },
      ]),
    );
  }
  if (leakage) report.leakage = leakage;
  return report;
}

// ---------------------------------------------------------------------------------
// Markdown

const MAX_SAMPLE_CHARS = 100;

/** Escape text for a table cell: Markdown syntax and pipes must show literally. */
function cell(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const short = flat.length > MAX_SAMPLE_CHARS ? `${flat.slice(0, MAX_SAMPLE_CHARS - 1)}…` : flat;
  return short.replace(/([\\`*_[\]<>|#~])/g, '\\$1');
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function int(x: number): string {
  return x.toLocaleString('en-US');
}

function table(header: string[], align: Array<'l' | 'r'>, rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

function lengthChart(split: SplitStats): string {
  const max = Math.max(1, ...split.histogram.map((b) => b.count));
  return [
    '```mermaid',
    'xychart-beta',
    `    title ${mermaidLabel(`Tokens per example (${split.name})`)}`,
    `    x-axis "tokens" [${split.histogram.map((b) => mermaidLabel(b.label)).join(', ')}]`,
    `    y-axis "examples" 0 --> ${max}`,
    `    bar [${split.histogram.map((b) => b.count).join(', ')}]`,
    '```',
  ].join('\n');
}

/** Markdown for people: one top-level heading, tables, and a Mermaid chart per split. */
export function renderEdaMarkdown(report: EdaReport, options: { title?: string } = {}): string {
  const blocks: string[] = [`# ${options.title ?? 'Data report'}`];

  blocks.push('## Splits');
  blocks.push(
    table(
      ['split', 'examples', 'negative', 'positive', 'positive share', 'tokens', 'types', 'empty', 'duplicate texts'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      report.splits.map((s) => [
        cell(s.name),
        int(s.count),
        int(s.negative),
        int(s.positive),
        pct(s.positiveShare),
        int(s.tokens),
        int(s.types),
        int(s.emptyTexts),
        int(s.duplicateTexts),
      ]),
    ),
  );

  blocks.push('## Text length in tokens');
  blocks.push(
    table(
      ['split', 'min', 'p50', 'p90', 'p99', 'max', 'mean'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      report.splits.map((s) =>
        s.length === null
          ? [cell(s.name), '–', '–', '–', '–', '–', '–']
          : [cell(s.name), String(s.length.min), String(s.length.p50), String(s.length.p90), String(s.length.p99), String(s.length.max), s.length.mean.toFixed(1)],
      ),
    ),
  );
  for (const s of report.splits) {
    blocks.push(`### Length histogram: ${cell(s.name)}`);
    blocks.push(lengthChart(s));
  }

  blocks.push('## Vocabulary and coverage');
  const v = report.vocabulary;
  const against =
    v.source === 'vocabulary'
      ? `the model vocabulary (${int(v.size ?? 0)} entries including \\<pad\\> and \\<unk\\>; min count ${v.minCount ?? 1}, max size ${v.maxSize === null ? 'unbounded' : int(v.maxSize)})`
      : `the ${int(v.trainTypes)} token types of the ${cell(report.trainSplit)} split`;
  blocks.push(`The ${cell(report.trainSplit)} split has ${int(v.trainTypes)} token types. Coverage is measured against ${against}.`);
  if (report.coverage.length > 0) {
    blocks.push(
      table(
        ['split', 'tokens', 'OOV tokens', 'token OOV rate', 'types', 'OOV types', 'type OOV rate', 'most frequent OOV'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
        report.coverage.map((c) => [
          cell(c.split),
          int(c.tokens),
          int(c.oovTokens),
          pct(c.tokenOovRate),
          int(c.types),
          int(c.oovTypes),
          pct(c.typeOovRate),
          c.topOov.length ? c.topOov.slice(0, 5).map((o) => `${cell(o.token)} (${o.count})`).join(', ') : '–',
        ]),
      ),
    );
  }

  if (report.cleaning && Object.keys(report.cleaning).length > 0) {
    blocks.push('## Cleaning');
    blocks.push(
      table(
        ['split', 'input', 'kept', 'changed', 'dropped (empty)'],
        ['l', 'r', 'r', 'r', 'r'],
        Object.entries(report.cleaning).map(([k, c]) => [cell(k), int(c.input), int(c.kept), int(c.changed), int(c.dropped)]),
      ),
    );
  }

  if (report.dedupe && Object.keys(report.dedupe).length > 0) {
    blocks.push('## Duplicates');
    blocks.push(
      table(
        ['split', 'input', 'kept', 'duplicates removed', 'label conflicts', 'conflict rows removed', 'conflict policy'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
        Object.entries(report.dedupe).map(([k, d]) => [
          cell(k),
          int(d.input),
          int(d.kept),
          int(d.duplicatesRemoved),
          int(d.conflicts),
          int(d.conflictRowsRemoved),
          cell(d.policy),
        ]),
      ),
    );
  }

  if (report.leakage && Object.keys(report.leakage).length > 0) {
    blocks.push('## Leakage');
    blocks.push('Exact matches of whole texts after tokenization; phrases contained in longer texts are not counted.');
    blocks.push(
      table(
        ['pair', 'train', 'test', 'leaked test examples', 'share', 'shared texts', 'label mismatches'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
        Object.entries(report.leakage).map(([k, l]) => [
          cell(k),
          int(l.trainCount),
          int(l.testCount),
          int(l.leakedExamples),
          pct(l.share),
          int(l.sharedTexts),
          int(l.labelMismatches),
        ]),
      ),
    );
    const samples = Object.entries(report.leakage).flatMap(([k, l]) => l.samples.map((s) => ({ pair: k, ...s })));
    if (samples.length > 0) {
      blocks.push('### Leaked examples');
      blocks.push(
        table(
          ['pair', 'test line', 'train line', 'same label', 'text'],
          ['l', 'r', 'r', 'l', 'l'],
          samples.map((s) => [
            cell(s.pair),
            String(s.test.line ?? `#${s.test.index}`),
            String(s.train.line ?? `#${s.train.index}`),
            s.sameLabel ? 'yes' : 'no',
            cell(s.text),
          ]),
        ),
      );
    }
  }

  return `${blocks.join('\n\n')}\n`;
}
