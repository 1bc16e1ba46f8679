/**
 * Binary-classification metrics over P(positive) scores. Everything here is a pure
 * function of its inputs (and a seed, where resampling is involved) so that a gate
 * re-run on the same predictions always reaches the same verdict.
 *
 * Conventions, chosen to match scikit-learn so numbers can be cross-checked:
 * - A score is predicted positive when `score >= threshold` (default 0.5).
 * - Precision, recall and F1 are 0 when their denominator is 0 (sklearn's
 *   `zero_division=0`), so a classifier that never predicts a class scores 0 on it
 *   instead of producing NaN that would poison a JSON report.
 * - ROC AUC is `null` when only one class is present: it is undefined, and `null`
 *   survives JSON serialisation whereas NaN silently becomes `null` anyway.
 * - ECE follows Guo et al. 2017 ("On Calibration of Modern Neural Networks"):
 *   confidence is that of the *predicted* class, bins are equal-width on [0, 1],
 *   ECE = Σ_b (|B_b| / n) · |acc(B_b) − conf(B_b)|.
 * - Log loss clips scores to [1e-15, 1 − 1e-15] so a single confident mistake gives a
 *   large but finite loss.
 */
import { GitopsMlError } from '../errors.js';
import { createRng } from '../util/random.js';

export const METRICS_INPUT_ERROR = 'E_METRICS_INPUT';

const LOG_LOSS_EPS = 1e-15;

export interface EvaluateOptions {
  /** Scores at or above this are predicted positive. Default 0.5. */
  threshold?: number;
  /** Bootstrap resamples for `accuracy_ci95`. Default 1000. */
  bootstrapSamples?: number;
  /** Seed for the bootstrap. Default 1234. */
  seed?: number;
  /** Number of equal-width calibration bins. Default 10. */
  eceBins?: number;
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of examples whose true label is this class. */
  support: number;
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ReliabilityBin {
  bin_lo: number;
  bin_hi: number;
  count: number;
  /** Mean predicted-class confidence in the bin; null for an empty bin. */
  mean_confidence: number | null;
  /** Fraction of correct predictions in the bin; null for an empty bin. */
  accuracy: number | null;
}

export interface BinaryMetrics {
  n: number;
  accuracy: number;
  accuracy_ci95: [number, number];
  /** Percentile-bootstrap 95% intervals over the same resamples as accuracy's (same seed). */
  f1_macro_ci95: [number, number];
  /** Null when the split has one class only (AUC undefined). */
  roc_auc_ci95: [number, number] | null;
  precision: number;
  recall: number;
  f1: number;
  per_class: { negative: ClassMetrics; positive: ClassMetrics };
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  confusion: Confusion;
  roc_auc: number | null;
  ece: number;
  /** One entry per bin, empty bins included, so charts have a fixed x axis. */
  reliability: ReliabilityBin[];
  log_loss: number;
  brier: number;
}

/** Metrics of a model per evaluated split. */
export interface SplitMetrics {
  dev?: BinaryMetrics;
  test?: BinaryMetrics;
}

export interface McNemarResult {
  /** A correct, B wrong. */
  b: number;
  /** A wrong, B correct. */
  c: number;
  /** min(b, c) for the exact test; the continuity-corrected χ² otherwise. */
  statistic: number;
  p_value: number;
  method: 'exact' | 'chi2';
}

// ---------------------------------------------------------------------------
// validation

function fail(message: string): never {
  throw new GitopsMlError(METRICS_INPUT_ERROR, message);
}

function checkLabels(labels: ArrayLike<number>, name = 'labels'): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1) fail(`${name}[${i}] = ${String(v)}: labels must be 0 or 1`);
  }
}

function checkSameLength(a: ArrayLike<number>, aName: string, b: ArrayLike<number>, bName: string): void {
  if (a.length !== b.length) {
    fail(`${aName} and ${bName} differ in length (${a.length} vs ${b.length})`);
  }
}

/** Throws GitopsMlError naming the first offending index; returns normally if inputs are usable. */
export function validateInputs(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  checkSameLength(labels, 'labels', scores, 'scores');
  if (labels.length === 0) fail('no examples: labels and scores are empty');
  checkLabels(labels);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (typeof s !== 'number' || !Number.isFinite(s)) fail(`scores[${i}] = ${String(s)}: scores must be finite numbers`);
    if (s < 0 || s > 1) fail(`scores[${i}] = ${s}: scores must be probabilities in [0, 1]`);
  }
}

function checkThreshold(threshold: number): void {
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    fail(`threshold = ${threshold}: must be a number in [0, 1]`);
  }
}

function checkPositiveInt(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) fail(`${name} = ${value}: must be a positive integer`);
}

// ---------------------------------------------------------------------------
// building blocks (exported for reuse; they assume validated input)

/** Hard 0/1 predictions from scores. */
export function predict(scores: ArrayLike<number>, threshold = 0.5): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = (scores[i] as number) >= threshold ? 1 : 0;
  return out;
}

export function confusionMatrix(labels: ArrayLike<number>, preds: ArrayLike<number>): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const p = preds[i];
    if (p === 1) {
      if (y === 1) c.tp++;
      else c.fp++;
    } else if (y === 1) c.fn++;
    else c.tn++;
  }
  return c;
}

function safeDiv(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** Precision/recall/F1 of one class from its true-positive, false-positive and false-negative counts. */
export function classMetrics(tp: number, fp: number, fn: number): ClassMetrics {
  const precision = safeDiv(tp, tp + fp);
  const recall = safeDiv(tp, tp + fn);
  // Written from counts rather than from P and R so that P=R=0 needs no special case.
  const f1 = safeDiv(2 * tp, 2 * tp + fp + fn);
  return { precision, recall, f1, support: tp + fn };
}

/**
 * ROC AUC as the Mann–Whitney U statistic: the probability that a random positive
 * outranks a random negative, ties counting one half (mid-ranks). Exact, O(n log n),
 * and equal to the trapezoidal area sklearn computes. `null` if a class is absent.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const n = labels.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;

  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    const s = scores[order[i] as number] as number;
    while (j + 1 < n && scores[order[j + 1] as number] === s) j++;
    // Ranks are 1-based; every member of a tie group gets the group's mean rank.
    const midRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (labels[order[k] as number] === 1) rankSumPos += midRank;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Bin index for a value in [0, 1]: bins are [lo, hi), the last one closed. */
function binIndex(value: number, bins: number): number {
  let idx = Math.min(bins - 1, Math.floor(value * bins));
  // value * bins can round across an edge (1 - 0.55 = 0.44999999999999996, yet times 20 it is
  // exactly 9); re-check against the edges the table prints so bin_lo <= value < bin_hi always holds.
  if (idx > 0 && value < idx / bins) idx--;
  else if (idx < bins - 1 && value >= (idx + 1) / bins) idx++;
  return idx;
}

/** Expected calibration error (Guo et al. 2017) and the reliability table behind it. */
export function calibration(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  bins = 10,
  threshold = 0.5,
): { ece: number; reliability: ReliabilityBin[] } {
  const count = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const s = scores[i] as number;
    const pred = s >= threshold ? 1 : 0;
    const conf = pred === 1 ? s : 1 - s;
    const b = binIndex(conf, bins);
    count[b] = (count[b] as number) + 1;
    confSum[b] = (confSum[b] as number) + conf;
    if (pred === labels[i]) correct[b] = (correct[b] as number) + 1;
  }
  let ece = 0;
  const reliability: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const k = count[b] as number;
    const meanConf = k === 0 ? null : (confSum[b] as number) / k;
    const acc = k === 0 ? null : (correct[b] as number) / k;
    if (meanConf !== null && acc !== null) ece += (k / n) * Math.abs(acc - meanConf);
    reliability.push({ bin_lo: b / bins, bin_hi: (b + 1) / bins, count: k, mean_confidence: meanConf, accuracy: acc });
  }
  return { ece, reliability };
}

export function logLoss(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, scores[i] as number));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

export function brierScore(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = (scores[i] as number) - (labels[i] as number);
    sum += d * d;
  }
  return sum / labels.length;
}

// ---------------------------------------------------------------------------
// bootstrap

export interface BootstrapOptions {
  /** Number of resamples. Default 1000. */
  samples?: number;
  seed?: number;
  /** Two-sided miss rate: 0.05 gives a 95% interval. */
  alpha?: number;
}

/** Linear-interpolation quantile of a sorted array (numpy's default method). */
function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/**
 * Percentile bootstrap interval of any statistic of `n` paired observations.
 * `statistic` receives the indices of one resample (drawn with replacement) and
 * returns the statistic on it, so the same helper serves accuracy, F1, AUC or a
 * difference between two models evaluated on the same rows. Resamples whose
 * statistic is not finite (e.g. AUC of a resample that lost a class — return NaN)
 * are dropped; if all are dropped the interval is undefined and this throws.
 */
export function bootstrapCi(
  n: number,
  statistic: (indices: Uint32Array) => number,
  opts: BootstrapOptions = {},
): [number, number] {
  const samples = opts.samples ?? 1000;
  const alpha = opts.alpha ?? 0.05;
  checkPositiveInt(n, 'n');
  checkPositiveInt(samples, 'bootstrap samples');
  if (!(alpha > 0 && alpha < 1)) fail(`alpha = ${alpha}: must be in (0, 1)`);
  const rng = createRng(opts.seed ?? 1234);
  const stats: number[] = [];
  const idx = new Uint32Array(n);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const v = statistic(idx);
    if (Number.isFinite(v)) stats.push(v);
  }
  if (stats.length === 0) {
    throw new GitopsMlError(METRICS_INPUT_ERROR, `bootstrap: the statistic was not finite on any of ${samples} resamples`);
  }
  stats.sort((a, b) => a - b);
  return [quantileSorted(stats, alpha / 2), quantileSorted(stats, 1 - alpha / 2)];
}

/** Gathers `values` at `indices`; a helper for `bootstrapCi` statistics. */
export function pick(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i] as number] as number;
  return out;
}

// ---------------------------------------------------------------------------
// the report

export function evaluateBinary(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  opts: EvaluateOptions = {},
): BinaryMetrics {
  const threshold = opts.threshold ?? 0.5;
  const bootstrapSamples = opts.bootstrapSamples ?? 1000;
  const seed = opts.seed ?? 1234;
  const eceBins = opts.eceBins ?? 10;
  checkThreshold(threshold);
  checkPositiveInt(bootstrapSamples, 'bootstrapSamples');
  checkPositiveInt(eceBins, 'eceBins');
  if (!Number.isInteger(seed)) fail(`seed = ${seed}: must be an integer`);
  validateInputs(labels, scores);

  const n = labels.length;
  const preds = predict(scores, threshold);
  const confusion = confusionMatrix(labels, preds);
  const { tp, fp, tn, fn } = confusion;
  const positive = classMetrics(tp, fp, fn);
  // The negative class's view of the same table: its "true positives" are tn.
  const negative = classMetrics(tn, fn, fp);

  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) correct[i] = preds[i] === labels[i] ? 1 : 0;
  const accuracyCi = bootstrapCi(
    n,
    (idx) => {
      let k = 0;
      for (let i = 0; i < idx.length; i++) k += correct[idx[i] as number] as number;
      return k / idx.length;
    },
    { samples: bootstrapSamples, seed },
  );

  const f1MacroOf = (idx: Uint32Array): number => {
    let tpi = 0;
    let fpi = 0;
    let tni = 0;
    let fni = 0;
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i] as number;
      if (preds[j] === 1) {
        if (labels[j] === 1) tpi++;
        else fpi++;
      } else if (labels[j] === 0) tni++;
      else fni++;
    }
    return (classMetrics(tpi, fpi, fni).f1 + classMetrics(tni, fni, fpi).f1) / 2;
  };
  const f1MacroCi = bootstrapCi(n, f1MacroOf, { samples: bootstrapSamples, seed });
  const auc = rocAuc(labels, scores);
  // A resample that lost a class has no AUC (NaN): bootstrapCi drops it.
  const aucCi = auc === null ? null : bootstrapCi(n, (idx) => rocAuc(pick(labels, idx), pick(scores, idx)) ?? Number.NaN, { samples: bootstrapSamples, seed });

  const { ece, reliability } = calibration(labels, scores, eceBins, threshold);
  return {
    n,
    accuracy: (tp + tn) / n,
    accuracy_ci95: accuracyCi,
    f1_macro_ci95: f1MacroCi,
    roc_auc_ci95: aucCi,
    precision: positive.precision,
    recall: positive.recall,
    f1: positive.f1,
    per_class: { negative, positive },
    precision_macro: (negative.precision + positive.precision) / 2,
    recall_macro: (negative.recall + positive.recall) / 2,
    f1_macro: (negative.f1 + positive.f1) / 2,
    confusion,
    roc_auc: auc,
    ece,
    reliability,
    log_loss: logLoss(labels, scores),
    brier: brierScore(labels, scores),
  };
}

// ---------------------------------------------------------------------------
// McNemar's test for two classifiers on the same examples

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): ~15 significant digits. */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0] as number;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x) (series below a+1, continued fraction above). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let k = 1; k < 1000; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(lnPrefix);
  }
  // Lentz's method for the continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lnPrefix) * h;
}

/** Survival function of χ² with one degree of freedom. */
export function chi2Sf1(x: number): number {
  return gammaQ(0.5, x / 2);
}

/**
 * McNemar's test on the discordant pairs of two classifiers scored on the same
 * examples. With few discordant pairs (b + c < `exactBelow`, default 25) the χ²
 * approximation is poor, so the exact two-sided binomial test (p = 1/2) is used;
 * otherwise χ² with Edwards' continuity correction, (|b − c| − 1)² / (b + c), not
 * clamped at b = c, so results match statsmodels' `mcnemar(exact=False)`.
 */
export function mcnemar(
  labels: ArrayLike<number>,
  predsA: ArrayLike<number>,
  predsB: ArrayLike<number>,
  opts: { exactBelow?: number } = {},
): McNemarResult {
  checkSameLength(labels, 'labels', predsA, 'predsA');
  checkSameLength(labels, 'labels', predsB, 'predsB');
  if (labels.length === 0) fail('no examples: labels and predictions are empty');
  checkLabels(labels);
  checkLabels(predsA, 'predsA');
  checkLabels(predsB, 'predsB');
  const exactBelow = opts.exactBelow ?? 25;

  let b = 0;
  let c = 0;
  for (let i = 0; i < labels.length; i++) {
    const aOk = predsA[i] === labels[i];
    const bOk = predsB[i] === labels[i];
    if (aOk && !bOk) b++;
    else if (!aOk && bOk) c++;
  }
  const m = b + c;
  if (m < exactBelow) {
    const k = Math.min(b, c);
    // Two-sided: double the smaller tail; summed in log space so m up to any size is safe.
    let tail = 0;
    const lnFactM = logGamma(m + 1);
    for (let i = 0; i <= k; i++) {
      tail += Math.exp(lnFactM - logGamma(i + 1) - logGamma(m - i + 1) - m * Math.LN2);
    }
    return { b, c, statistic: k, p_value: Math.min(1, 2 * tail), method: 'exact' };
  }
  const diff = Math.abs(b - c) - 1;
  const statistic = (diff * diff) / m;
  return { b, c, statistic, p_value: Math.min(1, chi2Sf1(statistic)), method: 'chi2' };
}
