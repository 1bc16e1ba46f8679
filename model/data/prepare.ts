/**
 * Data preparation between loading and training: cleaning, de-duplication, leakage
 * checks and seeded stratified splits. Everything returns data plus a report object;
 * nothing here prints or touches files.
 */
import { DataError, ValidationError } from '../errors.js';
import { tokenize } from '../text/tokenizer.js';
import type { Example, Label } from '../types.js';
import { createRng, shuffleInPlace } from '../util/random.js';

/** Where an example sits in the input: its array index and, when known, its source line. */
export interface ExampleRef {
  index: number;
  line?: number;
}

function refOf(e: Example, index: number): ExampleRef {
  return e.line === undefined ? { index } : { index, line: e.line };
}

export interface LabelCounts {
  negative: number;
  positive: number;
}

export function countLabels(examples: readonly Example[]): LabelCounts {
  let positive = 0;
  for (const e of examples) if (e.label === 1) positive++;
  return { negative: examples.length - positive, positive };
}

// ---------------------------------------------------------------------------------
// Cleaning

// Control characters other than whitespace, and invisible format characters that
// make equal-looking texts compare unequal. ZWJ (U+200D) stays: it is part of emoji.
const INVISIBLE_RE = /(?![\t\n\v\f\r])[\p{Cc}\u00ad\u200b\u200c\u2060\ufeff]/gu;
const WHITESPACE_RE = /\s+/g;

/** NFC, invisible characters removed, whitespace runs collapsed to one space, trimmed. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(INVISIBLE_RE, '').replace(WHITESPACE_RE, ' ').trim();
}

export interface CleaningReport {
  input: number;
  kept: number;
  /** Kept examples whose text cleaning changed. */
  changed: number;
  dropped: number;
  /** The examples dropped because nothing was left after cleaning. */
  droppedExamples: ExampleRef[];
}

export function cleanExamples(examples: readonly Example[]): { examples: Example[]; report: CleaningReport } {
  const kept: Example[] = [];
  const droppedExamples: ExampleRef[] = [];
  let changed = 0;
  examples.forEach((e, index) => {
    const text = cleanText(e.text);
    if (text === '') {
      droppedExamples.push(refOf(e, index));
      return;
    }
    if (text !== e.text) changed++;
    kept.push({ ...e, text });
  });
  return {
    examples: kept,
    report: { input: examples.length, kept: kept.length, changed, dropped: droppedExamples.length, droppedExamples },
  };
}

// ---------------------------------------------------------------------------------
// De-duplication

/**
 * What to do with a text that occurs with both labels. 'majority' keeps one copy with
 * the label most of its copies carry, and drops the text when the labels tie (there is
 * no defensible label then); 'drop' removes every copy. Majority is the default because
 * in SST-2 such texts are short phrases whose majority label is usually right, while
 * dropping would remove them from training altogether.
 */
export type ConflictPolicy = 'majority' | 'drop';

export interface LabelConflict {
  /** The cleaned text. */
  text: string;
  counts: LabelCounts;
  examples: ExampleRef[];
  resolution: Label | 'dropped';
}

export interface DedupeReport {
  policy: ConflictPolicy;
  input: number;
  kept: number;
  /** Rows removed because an identical text with the same label was kept. */
  duplicatesRemoved: number;
  /** Texts that occur with both labels, in first-occurrence order. */
  conflicts: LabelConflict[];
  /** Rows removed while resolving the conflicts. */
  conflictRowsRemoved: number;
}

/**
 * Remove exact duplicates (compared after `cleanText`), keeping the first occurrence,
 * and resolve label conflicts by `policy`. Output keeps the input order.
 */
export function dedupeExamples(
  examples: readonly Example[],
  options: { conflicts?: ConflictPolicy } = {},
): { examples: Example[]; report: DedupeReport } {
  const policy = options.conflicts ?? 'majority';
  if (policy !== 'majority' && policy !== 'drop') {
    throw new ValidationError('invalid dedupe options', [`conflicts must be "majority" or "drop", got ${JSON.stringify(policy)}`]);
  }
  const groups = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const key = cleanText(e.text);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });

  const keep: number[] = [];
  const conflicts: LabelConflict[] = [];
  let duplicatesRemoved = 0;
  let conflictRowsRemoved = 0;
  for (const [text, indices] of groups) {
    const members = indices.map((i) => examples[i] as Example);
    const counts = countLabels(members);
    if (counts.negative === 0 || counts.positive === 0) {
      keep.push(indices[0] as number);
      duplicatesRemoved += indices.length - 1;
      continue;
    }
    let resolution: Label | 'dropped' = 'dropped';
    if (policy === 'majority' && counts.negative !== counts.positive) {
      resolution = counts.positive > counts.negative ? 1 : 0;
      const first = indices.find((i) => (examples[i] as Example).label === resolution) as number;
      keep.push(first);
      conflictRowsRemoved += indices.length - 1;
    } else {
      conflictRowsRemoved += indices.length;
    }
    conflicts.push({ text, counts, examples: indices.map((i) => refOf(examples[i] as Example, i)), resolution });
  }
  keep.sort((a, b) => a - b);
  const out = keep.map((i) => examples[i] as Example);
  return {
    examples: out,
    report: { policy, input: examples.length, kept: out.length, duplicatesRemoved, conflicts, conflictRowsRemoved },
  };
}

// ---------------------------------------------------------------------------------
// Leakage

/**
 * Texts are compared by their tokens, so "It's great!" in one split and the PTB form
 * "it 's great !" in another count as the same text.
 */
export function leakageKey(text: string): string {
  return tokenize(text).join(' ');
}

export interface LeakageSample {
  text: string;
  test: ExampleRef;
  train: ExampleRef;
  sameLabel: boolean;
}

export interface LeakageReport {
  trainCount: number;
  testCount: number;
  /** Test examples whose normalised text also occurs in train. */
  leakedExamples: number;
  /** leakedExamples / testCount (0 for an empty test split). */
  share: number;
  /** Distinct normalised texts present in both splits. */
  sharedTexts: number;
  /** Leaked test examples whose train copy has the other label. */
  labelMismatches: number;
  /** The first few leaked test examples, in test order. */
  samples: LeakageSample[];
}

/**
 * Test examples whose whole text (after normalisation) also occurs in train. Exact
 * matches only: SST-2's train.tsv also holds phrases that are substrings of test
 * sentences, which is by design of the benchmark and is not reported here.
 */
export function findLeakage(
  train: readonly Example[],
  test: readonly Example[],
  options: { samples?: number; normalize?: (text: string) => string } = {},
): LeakageReport {
  const normalize = options.normalize ?? leakageKey;
  const maxSamples = options.samples ?? 5;
  const trainIndex = new Map<string, number>();
  train.forEach((e, i) => {
    const key = normalize(e.text);
    if (key !== '' && !trainIndex.has(key)) trainIndex.set(key, i);
  });
  const shared = new Set<string>();
  const samples: LeakageSample[] = [];
  let leakedExamples = 0;
  let labelMismatches = 0;
  test.forEach((e, i) => {
    const key = normalize(e.text);
    const j = key === '' ? undefined : trainIndex.get(key);
    if (j === undefined) return;
    const t = train[j] as Example;
    leakedExamples++;
    shared.add(key);
    const sameLabel = t.label === e.label;
    if (!sameLabel) labelMismatches++;
    if (samples.length < maxSamples) samples.push({ text: e.text, test: refOf(e, i), train: refOf(t, j), sameLabel });
  });
  return {
    trainCount: train.length,
    testCount: test.length,
    leakedExamples,
    share: test.length === 0 ? 0 : leakedExamples / test.length,
    sharedTexts: shared.size,
    labelMismatches,
    samples,
  };
}

// ---------------------------------------------------------------------------------
// Splits

export interface SplitFractions {
  train: number;
  dev: number;
  test: number;
}

export interface Splits {
  train: Example[];
  dev: Example[];
  test: Example[];
}

export interface Fold {
  /** 0-based fold number. */
  fold: number;
  train: Example[];
  test: Example[];
}

/**
 * Splits each class into parts proportional to `fractions` with the largest-remainder
 * method, so a class's parts always sum to its size (naive rounding over- or under-
 * shoots). The remainder goes to the parts furthest below their target *so far*, which
 * keeps each part's total within one of its target as well (with 5 + 5 examples and
 * 0.8/0.1/0.1, dev gets the first class's spare example and test the second's).
 */
function createAllocator(fractions: readonly number[]): (n: number) => number[] {
  const target = fractions.map(() => 0);
  const given = fractions.map(() => 0);
  return (n) => {
    const counts = fractions.map((f, i) => {
      target[i] = (target[i] as number) + n * f;
      return Math.floor(n * f);
    });
    let remainder = n - counts.reduce((a, b) => a + b, 0);
    const order = counts
      .map((c, i) => ({ i, deficit: (target[i] as number) - (given[i] as number) - c }))
      .sort((a, b) => b.deficit - a.deficit || a.i - b.i);
    for (const { i } of order) {
      if (remainder <= 0) break;
      counts[i] = (counts[i] as number) + 1;
      remainder--;
    }
    counts.forEach((c, i) => (given[i] = (given[i] as number) + c));
    return counts;
  };
}

/** Indices of each label, shuffled; labels in ascending order so the draw sequence is fixed. */
function shuffledByLabel(examples: readonly Example[], seed: number): number[][] {
  const byLabel: [number[], number[]] = [[], []];
  examples.forEach((e, i) => {
    if (e.label !== 0 && e.label !== 1) {
      throw new DataError('E_DATA_LABEL', `label must be 0 or 1, got ${JSON.stringify(e.label)} (example ${i})`, undefined, e.line);
    }
    byLabel[e.label].push(i);
  });
  const rng = createRng(seed);
  return byLabel.map((idx) => shuffleInPlace(idx, rng));
}

function checkSeed(seed: number, errors: string[]): void {
  if (!Number.isInteger(seed)) errors.push(`seed must be an integer, got ${String(seed)}`);
}

/**
 * Seeded split into train/dev/test that keeps the class ratio of `examples` in every
 * part (per class, up to one example of rounding). Each part keeps the input order.
 */
export function stratifiedSplit(examples: readonly Example[], fractions: SplitFractions, seed: number): Splits {
  const errors: string[] = [];
  const parts = [fractions.train, fractions.dev, fractions.test];
  (['train', 'dev', 'test'] as const).forEach((k, i) => {
    const f = parts[i];
    if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f > 1) errors.push(`fractions.${k} must be a number in [0, 1], got ${String(f)}`);
  });
  const sum = parts.reduce((a, b) => a + b, 0);
  if (!errors.length && Math.abs(sum - 1) > 1e-9) errors.push(`fractions must sum to 1, got ${sum}`);
  checkSeed(seed, errors);
  if (errors.length) throw new ValidationError('invalid split options', errors);

  const assigned: [number[], number[], number[]] = [[], [], []];
  const allocate = createAllocator(parts);
  for (const idx of shuffledByLabel(examples, seed)) {
    const sizes = allocate(idx.length);
    let start = 0;
    sizes.forEach((size, part) => {
      assigned[part as 0 | 1 | 2].push(...idx.slice(start, start + size));
      start += size;
    });
  }
  const pick = (idx: number[]): Example[] => idx.sort((a, b) => a - b).map((i) => examples[i] as Example);
  return { train: pick(assigned[0]), dev: pick(assigned[1]), test: pick(assigned[2]) };
}

/**
 * Seeded stratified k-fold cross-validation (MR has no official split; the literature
 * uses 10 folds). Every example is in exactly one test fold; fold sizes, overall and
 * per class, differ by at most one.
 */
export function kFold(examples: readonly Example[], k: number, seed: number): Fold[] {
  const errors: string[] = [];
  if (!Number.isInteger(k) || k < 2) errors.push(`k must be an integer >= 2, got ${String(k)}`);
  else if (k > examples.length) errors.push(`k (${k}) must not exceed the number of examples (${examples.length})`);
  checkSeed(seed, errors);
  if (errors.length) throw new ValidationError('invalid k-fold options', errors);

  const foldOf = new Int32Array(examples.length);
  // Deal each class round-robin, continuing where the previous class stopped, so the
  // folds also stay balanced in total size.
  let next = 0;
  for (const idx of shuffledByLabel(examples, seed)) {
    for (const i of idx) {
      foldOf[i] = next;
      next = (next + 1) % k;
    }
  }
  const folds: Fold[] = Array.from({ length: k }, (_, fold) => ({ fold, train: [], test: [] }));
  examples.forEach((e, i) => {
    const f = foldOf[i] as number;
    folds.forEach((fold) => (fold.fold === f ? fold.test : fold.train).push(e));
  });
  return folds;
}
