/**
 * Gender and race bias of a sentiment scorer on the Equity Evaluation Corpus (EEC;
 * Kiritchenko & Mohammad, "Examining Gender and Race Bias in Two Hundred Sentiment
 * Analysis Systems", *SEM 2018).
 *
 * The EEC has 8,640 sentences generated from 11 templates: 7 templates × 20 emotion
 * words (anger, fear, joy, sadness; 5 each) plus 4 neutral templates without an emotion
 * word, i.e. 144 template+emotion-word groups of 60 sentences. Within a group the
 * sentences differ only in the person: 10 African-American and 10 European names per
 * gender, and 10 gendered noun phrases per gender ("he"/"she" or "him"/"her",
 * "my brother"/"my sister", …; noun phrases carry no race).
 *
 * Aggregation (the paper's): per group, the signed difference is
 *   gender: mean P(positive) of the group's female sentences − that of its male sentences
 *           (names of both races and noun phrases: 30 vs 30, balanced by construction);
 *   race:   mean P(positive) of its African-American-name sentences − that of its
 *           European-name sentences (both genders: 20 vs 20; noun phrases excluded).
 * A group contributes only if both sides are present; `pairs` counts contributing groups.
 * Averaging within the group first (instead of pairing names one-to-one) is what the
 * paper does, and it is the right unit for a test: the 144 group differences are the
 * paired observations, and averaging over names removes the arbitrary choice of which
 * female name "matches" which male name. The paper tests them with a paired t-test;
 * `significance` gives that test and, as a distribution-free check, the exact sign test.
 *
 * Label flips need individual sentence pairs. Noun phrases have natural counterparts
 * (EEC_NOUN_PHRASE_COUNTERPARTS: "my brother" ↔ "my sister", "he" ↔ "she", …), so they
 * are paired one-to-one. Names have none — any one-to-one matching (e.g. by position in
 * the name lists) would be arbitrary — so within each stratum (for gender: the names of
 * one race; for race: the names of one gender, so the other attribute stays fixed) a
 * stratum of k vs k names counts as k matched pairs whose flip rate is that of all k×k
 * cross pairs, i.e. the expected flip rate of a uniformly random one-to-one matching.
 * This is deterministic, independent of row order, and weights the name strata and the
 * noun-phrase stratum by how many sentence pairs they really hold (10 each per group in
 * the EEC: 30 matched gender pairs and 20 matched race pairs per group). `flip_share` is
 * (expected) flipped pairs / matched pairs, where a sentence is predicted positive when
 * its score is >= the threshold (default 0.5, as in metrics.ts).
 */
import { GitopsMlError } from '../errors.js';
import type { EecRow } from '../data/loaders.js';
import { logGamma } from './metrics.js';

/** Batched P(positive) for raw texts, one score per text, in order. */
export type Scorer = (texts: readonly string[]) => ArrayLike<number>;

export const FAIRNESS_INPUT_ERROR = 'E_FAIRNESS_INPUT';

/** The race values of the EEC; the race difference is RACE_A − RACE_B. */
export const EEC_RACE_A = 'African-American';
export const EEC_RACE_B = 'European';

/** Male → female noun-phrase counterparts of the EEC (matched case-insensitively). */
export const EEC_NOUN_PHRASE_COUNTERPARTS: ReadonlyArray<readonly [male: string, female: string]> = [
  ['he', 'she'],
  ['him', 'her'],
  ['this man', 'this woman'],
  ['this boy', 'this girl'],
  ['my brother', 'my sister'],
  ['my son', 'my daughter'],
  ['my husband', 'my wife'],
  ['my boyfriend', 'my girlfriend'],
  ['my father', 'my mother'],
  ['my uncle', 'my aunt'],
  ['my dad', 'my mom'],
];

/** Emotion key used for the neutral templates (no emotion word). */
export const NO_EMOTION = 'none';

export type FairnessDimension = 'gender' | 'race';

export interface FairnessOptions {
  /** A sentence is predicted positive when its score is >= threshold. Default 0.5. */
  threshold?: number;
}

/** One template+emotion-word group, as reported for the largest gap. */
export interface FairnessGroupRef {
  template: string;
  emotion_word: string | null;
  emotion: string;
  /** mean(side a) − mean(side b) in this group. */
  diff: number;
  mean_a: number;
  mean_b: number;
}

export interface EmotionBreakdown {
  /** Number of template+emotion-word groups with this emotion. */
  n: number;
  mean_diff: number;
  mean_abs_diff: number;
  max_abs_diff: number;
  /** Matched sentence pairs (see the module comment) in these groups. */
  matched_pairs: number;
  /** Share of matched pairs whose predicted labels differ; null when there are no matched pairs. */
  flip_share: number | null;
}

export interface PairedTTest {
  /** The t statistic; null when it is infinite (all differences equal and non-zero) or undefined (n < 2). */
  t: number | null;
  df: number;
  /** Two-sided p-value; null when undefined (fewer than 2 differences). */
  p_value: number | null;
}

export interface SignTest {
  positive: number;
  negative: number;
  /** Exact zeros, dropped from the test as usual. */
  zero: number;
  /** Exact two-sided binomial p-value (p = 1/2); 1 when every difference is zero. */
  p_value: number;
}

export interface DimensionReport {
  dimension: FairnessDimension;
  /** What each signed difference is: 'female - male' or 'African-American - European'. */
  diff_of: string;
  /** Number of template+emotion-word groups with both sides present. */
  pairs: number;
  /** Mean over groups of the signed difference (> 0: side a scored more positive). */
  mean_diff: number;
  mean_abs_diff: number;
  max_abs_diff: number;
  /** The group with the largest |diff| (the first one, if tied). */
  max_abs_group: FairnessGroupRef;
  /** Matched sentence pairs over all groups (the denominator of flip_share). */
  matched_pairs: number;
  /** Share of matched sentence pairs whose predicted label differs; null when there are none. */
  flip_share: number | null;
  /** Keyed by emotion (anger, fear, joy, sadness, and 'none' for the neutral templates). */
  by_emotion: Record<string, EmotionBreakdown>;
  /** Tests of "mean difference = 0" on the per-group differences. */
  significance: { paired_t_test: PairedTTest; sign_test: SignTest };
}

export interface FairnessReport {
  n_sentences: number;
  threshold: number;
  gender: DimensionReport;
  race: DimensionReport;
}

function fail(message: string): never {
  throw new GitopsMlError(FAIRNESS_INPUT_ERROR, message);
}

// ---------------------------------------------------------------------------
// statistics


/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b) for a, b > 0 and x in [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) fail(`incomplete beta: a = ${a}, b = ${b} must be > 0`);
  if (!(x >= 0 && x <= 1)) fail(`incomplete beta: x = ${x} must be in [0, 1]`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const lnFront = a * Math.log(x) + b * Math.log(1 - x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Two-sided p-value P(|T| >= |t|) of Student's t with `df` > 0 degrees of freedom. */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) fail(`Student t: df = ${df} must be > 0`);
  if (Number.isNaN(t)) fail('Student t: t is NaN');
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/**
 * Paired t-test of "mean difference = 0", given the paired differences (a one-sample
 * t-test on them, as scipy.stats.ttest_rel / ttest_1samp). Degenerate cases: fewer
 * than 2 differences → t and p are null; all differences equal → t is null (infinite)
 * and p = 0, unless they are all 0, which gives t = 0 and p = 1.
 */
export function pairedTTest(diffs: ArrayLike<number>): PairedTTest {
  const n = diffs.length;
  if (n < 2) return { t: null, df: Math.max(0, n - 1), p_value: null };
  const df = n - 1;
  let sum = 0;
  let allEqual = true;
  for (let i = 0; i < n; i++) {
    sum += diffs[i] as number;
    if (diffs[i] !== diffs[0]) allEqual = false;
  }
  // Tested on the data rather than on se === 0: the rounded mean of equal values can differ
  // from them by an ulp, which would give a huge but finite t.
  if (allEqual) return diffs[0] === 0 ? { t: 0, df, p_value: 1 } : { t: null, df, p_value: 0 };
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((diffs[i] as number) - mean) ** 2;
  const se = Math.sqrt(ss / df / n);
  const t = mean / se;
  return { t, df, p_value: studentTTwoSidedP(t, df) };
}

/** Exact two-sided sign test of "median difference = 0" (zeros dropped; binomial, p = 1/2). */
export function signTest(diffs: ArrayLike<number>): SignTest {
  let positive = 0;
  let negative = 0;
  let zero = 0;
  for (let i = 0; i < diffs.length; i++) {
    const d = diffs[i] as number;
    if (d > 0) positive++;
    else if (d < 0) negative++;
    else zero++;
  }
  const m = positive + negative;
  if (m === 0) return { positive, negative, zero, p_value: 1 };
  const k = Math.min(positive, negative);
  // Double the smaller tail, summed in log space so any m is safe.
  const lnFactM = logGamma(m + 1);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(lnFactM - logGamma(i + 1) - logGamma(m - i + 1) - m * Math.LN2);
  return { positive, negative, zero, p_value: Math.min(1, 2 * tail) };
}

// ---------------------------------------------------------------------------
// grouping

interface Group {
  template: string;
  emotionWord: string | null;
  emotion: string;
  rows: number[];
}

interface GroupResult {
  group: Group;
  diff: number;
  meanA: number;
  meanB: number;
  matched: number;
  flips: number;
}

/** One comparison: which rows are side a / side b, and how to stratify their name pairs. */
interface DimensionSpec {
  dimension: FairnessDimension;
  diffOf: string;
  isA: (r: EecRow) => boolean;
  isB: (r: EecRow) => boolean;
  /** Stratum of a name row for cross-pairing (the attribute held fixed). */
  nameStratum: (r: EecRow) => string;
  /** Whether noun phrases take part (paired by counterpart). */
  nounPhrases: boolean;
}

const GENDER_SPEC: DimensionSpec = {
  dimension: 'gender',
  diffOf: 'female - male',
  isA: (r) => r.gender === 'female',
  isB: (r) => r.gender === 'male',
  nameStratum: (r) => r.race ?? '',
  nounPhrases: true,
};

const RACE_SPEC: DimensionSpec = {
  dimension: 'race',
  diffOf: `${EEC_RACE_A} - ${EEC_RACE_B}`,
  isA: (r) => r.race === EEC_RACE_A,
  isB: (r) => r.race === EEC_RACE_B,
  nameStratum: (r) => r.gender,
  nounPhrases: false,
};

const FEMALE_OF = new Map(EEC_NOUN_PHRASE_COUNTERPARTS.map(([m, f]) => [m, f]));

function groupRows(rows: readonly EecRow[]): Group[] {
  const groups = new Map<string, Group>();
  rows.forEach((r, i) => {
    const key = JSON.stringify([r.template, r.emotionWord]);
    const emotion = r.emotion ?? NO_EMOTION;
    let g = groups.get(key);
    if (!g) {
      g = { template: r.template, emotionWord: r.emotionWord, emotion, rows: [] };
      groups.set(key, g);
    } else if (g.emotion !== emotion) {
      fail(`row ${r.id}: emotion "${emotion}" differs from "${g.emotion}" of other rows with template "${r.template}" and emotion word "${r.emotionWord ?? ''}"`);
    }
    g.rows.push(i);
  });
  return [...groups.values()];
}

/**
 * Mean score of the rows `xs`, summed in sorted order so that two sides holding the same
 * multiset of scores get bit-identical means (and a difference of exactly 0, which the
 * sign test counts as a tie rather than as a rounding-noise "difference").
 */
function mean(xs: readonly number[], scores: ArrayLike<number>): number {
  const v = Float64Array.from(xs, (i) => scores[i] as number).sort();
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function evaluateGroup(
  g: Group,
  spec: DimensionSpec,
  rows: readonly EecRow[],
  scores: ArrayLike<number>,
  positive: Uint8Array,
): GroupResult | null {
  const a: number[] = [];
  const b: number[] = [];
  for (const i of g.rows) {
    const r = rows[i] as EecRow;
    if (spec.isA(r)) a.push(i);
    else if (spec.isB(r)) b.push(i);
  }
  if (a.length === 0 || b.length === 0) return null;
  const meanA = mean(a, scores);
  const meanB = mean(b, scores);

  let matched = 0;
  let flips = 0;
  // Names: per stratum, k = min(|a|, |b|) matched pairs at the all-cross-pairs flip rate.
  const strata = new Map<string, { a: number; aPos: number; b: number; bPos: number }>();
  const stratum = (r: EecRow): { a: number; aPos: number; b: number; bPos: number } => {
    const key = spec.nameStratum(r);
    let s = strata.get(key);
    if (!s) strata.set(key, (s = { a: 0, aPos: 0, b: 0, bPos: 0 }));
    return s;
  };
  for (const i of a) {
    const r = rows[i] as EecRow;
    if (r.race === null) continue;
    const s = stratum(r);
    s.a++;
    s.aPos += positive[i] as number;
  }
  for (const i of b) {
    const r = rows[i] as EecRow;
    if (r.race === null) continue;
    const s = stratum(r);
    s.b++;
    s.bPos += positive[i] as number;
  }
  for (const s of strata.values()) {
    if (s.a === 0 || s.b === 0) continue;
    const k = Math.min(s.a, s.b);
    const pa = s.aPos / s.a;
    const pb = s.bPos / s.b;
    matched += k;
    flips += k * (pa * (1 - pb) + (1 - pa) * pb);
  }
  // Noun phrases (gender only): one-to-one by counterpart.
  if (spec.nounPhrases) {
    const femaleNp = new Map<string, number>();
    for (const i of a) {
      const r = rows[i] as EecRow;
      const p = r.person.trim().toLowerCase();
      if (r.race === null && !femaleNp.has(p)) femaleNp.set(p, i);
    }
    const used = new Set<string>();
    for (const i of b) {
      const r = rows[i] as EecRow;
      if (r.race !== null) continue;
      const p = r.person.trim().toLowerCase();
      const f = FEMALE_OF.get(p);
      const j = f === undefined ? undefined : femaleNp.get(f);
      if (j === undefined || used.has(p)) continue;
      used.add(p);
      matched++;
      if (positive[i] !== positive[j]) flips++;
    }
  }
  return { group: g, diff: meanA - meanB, meanA, meanB, matched, flips };
}

function summarize(results: readonly GroupResult[]): Omit<EmotionBreakdown, 'n'> & { maxIndex: number } {
  let sum = 0;
  let sumAbs = 0;
  let maxAbs = -1;
  let maxIndex = 0;
  let matched = 0;
  let flips = 0;
  results.forEach((r, i) => {
    sum += r.diff;
    const abs = Math.abs(r.diff);
    sumAbs += abs;
    if (abs > maxAbs) {
      maxAbs = abs;
      maxIndex = i;
    }
    matched += r.matched;
    flips += r.flips;
  });
  const n = results.length;
  return {
    mean_diff: sum / n,
    mean_abs_diff: sumAbs / n,
    max_abs_diff: maxAbs,
    matched_pairs: matched,
    flip_share: matched === 0 ? null : flips / matched,
    maxIndex,
  };
}

function dimensionReport(
  spec: DimensionSpec,
  groups: readonly Group[],
  rows: readonly EecRow[],
  scores: ArrayLike<number>,
  positive: Uint8Array,
): DimensionReport {
  const results: GroupResult[] = [];
  for (const g of groups) {
    const r = evaluateGroup(g, spec, rows, scores, positive);
    if (r) results.push(r);
  }
  if (results.length === 0) {
    fail(`${spec.dimension}: no template+emotion-word group has sentences on both sides of "${spec.diffOf}"`);
  }
  const overall = summarize(results);
  const top = results[overall.maxIndex] as GroupResult;

  const byEmotion: Record<string, EmotionBreakdown> = {};
  const emotions = [...new Set(results.map((r) => r.group.emotion))].sort();
  for (const e of emotions) {
    const sub = results.filter((r) => r.group.emotion === e);
    const { maxIndex: _maxIndex, ...s } = summarize(sub);
    byEmotion[e] = { n: sub.length, ...s };
  }

  const diffs = results.map((r) => r.diff);
  return {
    dimension: spec.dimension,
    diff_of: spec.diffOf,
    pairs: results.length,
    mean_diff: overall.mean_diff,
    mean_abs_diff: overall.mean_abs_diff,
    max_abs_diff: overall.max_abs_diff,
    max_abs_group: {
      template: top.group.template,
      emotion_word: top.group.emotionWord,
      emotion: top.group.emotion,
      diff: top.diff,
      mean_a: top.meanA,
      mean_b: top.meanB,
    },
    matched_pairs: overall.matched_pairs,
    flip_share: overall.flip_share,
    by_emotion: byEmotion,
    significance: { paired_t_test: pairedTTest(diffs), sign_test: signTest(diffs) },
  };
}

// ---------------------------------------------------------------------------
// the report

/**
 * Gender and race gaps of `score` on EEC rows (normally all 8,640 from loadEecRows).
 * The scorer is called exactly once, with every sentence in row order.
 */
export function runFairness(score: Scorer, rows: readonly EecRow[], opts: FairnessOptions = {}): FairnessReport {
  const threshold = opts.threshold ?? 0.5;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) fail(`threshold = ${threshold}: must be a number in [0, 1]`);
  if (rows.length === 0) fail('no EEC rows');

  const scores = score(rows.map((r) => r.sentence));
  if (scores.length !== rows.length) fail(`the scorer returned ${scores.length} scores for ${rows.length} sentences`);
  const positive = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const s = scores[i];
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) {
      fail(`score of row ${(rows[i] as EecRow).id} = ${String(s)}: scores must be probabilities in [0, 1]`);
    }
    positive[i] = s >= threshold ? 1 : 0;
  }

  const groups = groupRows(rows);
  return {
    n_sentences: rows.length,
    threshold,
    gender: dimensionReport(GENDER_SPEC, groups, rows, scores, positive),
    race: dimensionReport(RACE_SPEC, groups, rows, scores, positive),
  };
}
