import {
  bootstrapCi,
  calibration,
  chi2Sf1,
  evaluateBinary,
  mcnemar,
  pick,
  rocAuc,
} from '../../model/eval/metrics.js';
import { renderMetricsMarkdown, renderMetricsText } from '../../model/eval/report.js';
import { expectGitopsError } from '../helpers/expect-error.js';

// Reference values below were produced once with scikit-learn 1.2.1 / scipy 1.10.1
// (Debian bookworm) on exactly these vectors and are hard-coded here.
const Y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1];
const P = [0.9, 0.1, 0.8, 0.4, 0.6, 0.3, 0.5, 0.5, 0.7, 0.2, 0.35, 0.95];

/** 200 rows, every score 0.00..1.00 (so 0 and 1 exactly, and heavy ties), labels correlated with scores. */
function largerVector(): { y: number[]; p: number[] } {
  const p: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = ((i * 37) % 101) / 100;
    p.push(s);
    y.push((s > 0.45 && i % 4 !== 0) || (s <= 0.45 && i % 6 === 0) ? 1 : 0);
  }
  return { y, p };
}

const expectError = (fn: () => unknown, pattern: RegExp): void => expectGitopsError(fn, 'E_METRICS_INPUT', pattern);

describe('evaluateBinary against scikit-learn', () => {
  const m = evaluateBinary(Y, P);

  it('has exactly the contract keys', () => {
    expect(Object.keys(m).sort()).toEqual(
      [
        'n', 'accuracy', 'accuracy_ci95', 'f1_macro_ci95', 'roc_auc_ci95', 'precision', 'recall', 'f1', 'per_class', 'precision_macro',
        'recall_macro', 'f1_macro', 'confusion', 'roc_auc', 'ece', 'reliability', 'log_loss', 'brier',
      ].sort(),
    );
    expect(Object.keys(m.per_class).sort()).toEqual(['negative', 'positive']);
    // Each interval holds its point estimate.
    expect(m.f1_macro_ci95[0]).toBeLessThanOrEqual(m.f1_macro);
    expect(m.f1_macro_ci95[1]).toBeGreaterThanOrEqual(m.f1_macro);
    expect(m.roc_auc_ci95?.[0]).toBeLessThanOrEqual(m.roc_auc as number);
    expect(m.roc_auc_ci95?.[1]).toBeGreaterThanOrEqual(m.roc_auc as number);
    expect(Object.keys(m.per_class.positive).sort()).toEqual(['f1', 'precision', 'recall', 'support']);
  });

  it('confusion and threshold: 0.5 counts as positive', () => {
    // preds: [1,0,1,0,1,0,1,1,1,0,0,1] — index 7 (0.5, label 0) is a false positive.
    expect(m.confusion).toEqual({ tp: 5, fp: 2, tn: 3, fn: 2 });
    expect(m.n).toBe(12);
  });

  it('accuracy, per-class and macro scores', () => {
    expect(m.accuracy).toBeCloseTo(0.6666666666666666, 12);
    expect(m.precision).toBeCloseTo(0.71428571, 8);
    expect(m.recall).toBeCloseTo(0.71428571, 8);
    expect(m.f1).toBeCloseTo(0.71428571, 8);
    expect(m.per_class.negative).toEqual({
      precision: expect.closeTo(0.6, 12),
      recall: expect.closeTo(0.6, 12),
      f1: expect.closeTo(0.6, 12),
      support: 5,
    });
    expect(m.per_class.positive.support).toBe(7);
    expect(m.precision_macro).toBeCloseTo(0.6571428571428571, 12);
    expect(m.recall_macro).toBeCloseTo(0.6571428571428571, 12);
    expect(m.f1_macro).toBeCloseTo(0.6571428571428571, 12);
  });

  it('probabilistic scores', () => {
    expect(m.roc_auc).toBeCloseTo(0.8428571428571427, 12);
    expect(m.log_loss).toBeCloseTo(0.4741957721313305, 12);
    expect(m.brier).toBeCloseTo(0.16041666666666668, 12);
  });

  it('ECE on predicted-class confidence with a full reliability table', () => {
    expect(m.ece).toBeCloseTo(0.2583333333333333, 12);
    expect(m.reliability).toHaveLength(10);
    // Predicted-class confidence is never below 0.5 at threshold 0.5, so the low bins are empty.
    for (const bin of m.reliability.slice(0, 5)) {
      expect(bin).toMatchObject({ count: 0, mean_confidence: null, accuracy: null });
    }
    const b6 = m.reliability[6];
    // Bin 6 holds confidences 0.6 (score 0.6), 0.6 (score 0.4) and 0.65 (score 0.35): all three wrong.
    expect(b6).toMatchObject({ bin_lo: 0.6, bin_hi: 0.7, count: 3, accuracy: 0 });
    expect(b6?.mean_confidence).toBeCloseTo(0.6166666666666667, 12);
    expect(m.reliability.reduce((s, b) => s + b.count, 0)).toBe(12);
  });

  it('matches sklearn on a larger vector with exact 0/1 scores and many ties', () => {
    const { y, p } = largerVector();
    const r = evaluateBinary(y, p, { bootstrapSamples: 50 });
    expect(r.accuracy).toBeCloseTo(0.77, 12);
    expect(r.precision).toBeCloseTo(0.7524752475247525, 12);
    expect(r.recall).toBeCloseTo(0.7835051546391752, 12);
    expect(r.f1).toBeCloseTo(0.7676767676767676, 12);
    expect(r.f1_macro).toBeCloseTo(0.76997699769977, 12);
    expect(r.roc_auc).toBeCloseTo(0.7948653788409569, 12);
    expect(r.log_loss).toBeCloseTo(0.7342554577821349, 10);
    expect(r.brier).toBeCloseTo(0.1863375, 12);
  });

  it('accepts typed arrays', () => {
    const r = evaluateBinary(Uint8Array.from(Y), Float64Array.from(P));
    expect(r.accuracy).toBe(m.accuracy);
    expect(r.accuracy_ci95).toEqual(m.accuracy_ci95);
  });
});

describe('ROC AUC', () => {
  it('gives ties half credit (hand-computed)', () => {
    // Pairs (pos, neg): (0.4,0.1)=1, (0.4,0.4)=½, (0.8,0.1)=1, (0.8,0.4)=1 → 3.5/4.
    expect(rocAuc([0, 1, 0, 1], [0.1, 0.4, 0.4, 0.8])).toBe(0.875);
    expect(rocAuc([0, 0, 1, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('is 1 for a perfect ranking and 0 for an inverted one', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
  });

  it('is null when a class is missing', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.5, 0.9])).toBeNull();
    expect(rocAuc([0, 0], [0.2, 0.9])).toBeNull();
  });
});

describe('edge classifiers', () => {
  it('perfect classifier', () => {
    const r = evaluateBinary([0, 1, 0, 1], [0, 1, 0, 1], { bootstrapSamples: 20 });
    expect(r.accuracy).toBe(1);
    expect(r.accuracy_ci95).toEqual([1, 1]);
    expect(r.f1).toBe(1);
    expect(r.f1_macro).toBe(1);
    expect(r.roc_auc).toBe(1);
    expect(r.brier).toBe(0);
    expect(r.ece).toBe(0);
    // Clipping at 1e-15: -ln(1 - 1e-15), sklearn gives 9.992007221626415e-16.
    expect(r.log_loss).toBeCloseTo(9.992007221626415e-16, 20);
    expect(r.reliability[9]).toEqual({ bin_lo: 0.9, bin_hi: 1, count: 4, mean_confidence: 1, accuracy: 1 });
  });

  it('inverted classifier', () => {
    const r = evaluateBinary([0, 1, 0, 1], [1, 0, 1, 0], { bootstrapSamples: 20 });
    expect(r.accuracy).toBe(0);
    expect(r.confusion).toEqual({ tp: 0, fp: 2, tn: 0, fn: 2 });
    expect(r.f1).toBe(0);
    expect(r.precision).toBe(0);
    expect(r.roc_auc).toBe(0);
    expect(r.brier).toBe(1);
    expect(r.ece).toBe(1);
    // sklearn: log_loss([1,0],[0,1], eps=1e-15) = 34.53917619362578
    expect(r.log_loss).toBeCloseTo(34.53917619362578, 10);
  });

  it('one-class input: zero_division=0 and null AUC', () => {
    const r = evaluateBinary([1, 1, 1], [0.9, 0.8, 0.3], { bootstrapSamples: 20 });
    expect(r.roc_auc).toBeNull();
    expect(r.per_class.negative).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.per_class.positive.recall).toBeCloseTo(2 / 3, 12);
    expect(r.per_class.positive.precision).toBe(1);
    expect(r.f1_macro).toBeCloseTo(0.4, 12);
    expect(JSON.parse(JSON.stringify(r)).roc_auc).toBeNull();
  });

  it('threshold moves the decision and the confidence used for ECE', () => {
    const r = evaluateBinary([0, 1], [0.3, 0.3], { threshold: 0.25, bootstrapSamples: 5 });
    expect(r.confusion).toEqual({ tp: 1, fp: 1, tn: 0, fn: 0 });
    const cal = calibration([0, 1], [0.3, 0.3], 10, 0.25);
    // Both predicted positive with confidence 0.3, half right.
    expect(cal.reliability[3]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(cal.ece).toBeCloseTo(0.2, 12);
  });

  it('keeps every confidence inside the edges of its bin, even where rounding crosses an edge', () => {
    // Threshold 0.6 predicts 0.55 negative with confidence 1 - 0.55 = 0.44999999999999996,
    // which is below the 0.45 edge although 0.44999999999999996 * 20 rounds to exactly 9.
    const cal = calibration([0, 1], [0.55, 0.7], 20, 0.6);
    expect(cal.reliability[8]?.count).toBe(1);
    expect(cal.reliability[9]?.count).toBe(0);
    expect(cal.reliability[14]?.count).toBe(1);
    for (const b of cal.reliability) {
      if (b.count > 0) {
        expect(b.mean_confidence).toBeGreaterThanOrEqual(b.bin_lo);
        expect(b.mean_confidence).toBeLessThan(b.bin_hi);
      }
    }
  });
});

describe('input validation', () => {
  it('rejects mismatched lengths and empty input', () => {
    expectError(() => evaluateBinary([0, 1], [0.5]), /differ in length \(2 vs 1\)/);
    expectError(() => evaluateBinary([], []), /empty/);
  });

  it('names the first bad label', () => {
    expectError(() => evaluateBinary([0, 1, 2, -1], [0.1, 0.2, 0.3, 0.4]), /labels\[2\] = 2/);
    expectError(() => evaluateBinary([0, 0.5], [0.1, 0.2]), /labels\[1\] = 0\.5/);
  });

  it('names the first bad score', () => {
    expectError(() => evaluateBinary([0, 1, 1], [0.1, NaN, 2]), /scores\[1\] = NaN.*finite/);
    expectError(() => evaluateBinary([0, 1, 1], [0.1, 0.2, Infinity]), /scores\[2\] = Infinity/);
    expectError(() => evaluateBinary([0, 1, 1], [0.1, 1.5, -0.1]), /scores\[1\] = 1\.5.*\[0, 1\]/);
    expectError(() => evaluateBinary([0, 1], [-0.01, 0.5]), /scores\[0\] = -0\.01/);
  });

  it('rejects bad options', () => {
    expectError(() => evaluateBinary([0, 1], [0.1, 0.9], { threshold: 1.2 }), /threshold/);
    expectError(() => evaluateBinary([0, 1], [0.1, 0.9], { bootstrapSamples: 0 }), /bootstrapSamples/);
    expectError(() => evaluateBinary([0, 1], [0.1, 0.9], { eceBins: 2.5 }), /eceBins/);
  });
});

describe('bootstrap confidence interval', () => {
  const { y, p } = largerVector();

  it('is deterministic for a seed and changes with the seed', () => {
    const a = evaluateBinary(y, p, { seed: 7 }).accuracy_ci95;
    const b = evaluateBinary(y, p, { seed: 7 }).accuracy_ci95;
    const c = evaluateBinary(y, p, { seed: 8 }).accuracy_ci95;
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('brackets the point estimate with a plausible width', () => {
    const r = evaluateBinary(y, p);
    const [lo, hi] = r.accuracy_ci95;
    expect(lo).toBeLessThan(r.accuracy);
    expect(hi).toBeGreaterThan(r.accuracy);
    // Normal approximation: 1.96 * sqrt(0.77 * 0.23 / 200) ≈ 0.058 each side.
    expect(hi - lo).toBeGreaterThan(0.08);
    expect(hi - lo).toBeLessThan(0.16);
  });

  it('works for other statistics, dropping resamples where the statistic is undefined', () => {
    const labels = [0, 1, 0, 1, 1];
    const scores = [0.2, 0.7, 0.4, 0.9, 0.3];
    const seen: number[] = [];
    const ci = bootstrapCi(
      labels.length,
      (idx) => {
        const auc = rocAuc(pick(labels, idx), pick(scores, idx));
        seen.push(auc === null ? NaN : auc);
        return auc ?? NaN;
      },
      { samples: 200, seed: 3 },
    );
    expect(seen).toHaveLength(200);
    // With 5 rows some resamples lose a class; they must not turn the interval into NaN.
    expect(seen.some((v) => Number.isNaN(v))).toBe(true);
    expect(Number.isFinite(ci[0]) && Number.isFinite(ci[1])).toBe(true);
    expect(ci[0]).toBeGreaterThanOrEqual(0);
    expect(ci[1]).toBeLessThanOrEqual(1);
    expect(ci[0]).toBeLessThanOrEqual(ci[1]);
  });

  it('throws when the statistic is never finite', () => {
    expectError(() => bootstrapCi(3, () => NaN, { samples: 10 }), /not finite on any of 10 resamples/);
  });
});

describe('McNemar', () => {
  it('counts discordant pairs and uses the exact test when b + c < 25', () => {
    // 8 rows where only A is right, 2 where only B is right, 5 where both are right.
    const labels: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 8; i++) { labels.push(1); a.push(1); b.push(0); }
    for (let i = 0; i < 2; i++) { labels.push(0); a.push(1); b.push(0); }
    for (let i = 0; i < 5; i++) { labels.push(1); a.push(1); b.push(1); }
    const r = mcnemar(labels, a, b);
    expect(r).toMatchObject({ b: 8, c: 2, statistic: 2, method: 'exact' });
    // scipy.stats.binomtest(2, 10, 0.5).pvalue
    expect(r.p_value).toBeCloseTo(0.109375, 12);
  });

  it('exact test near the switch point (b + c = 24)', () => {
    const labels = new Array<number>(24).fill(1);
    const a = labels.map((_, i) => (i < 21 ? 1 : 0));
    const b = labels.map((_, i) => (i < 21 ? 0 : 1));
    const r = mcnemar(labels, a, b);
    expect(r).toMatchObject({ b: 21, c: 3, statistic: 3, method: 'exact' });
    // scipy.stats.binomtest(3, 24, 0.5).pvalue
    expect(r.p_value).toBeCloseTo(0.0002771615982055664, 14);
  });

  it('uses χ² with continuity correction from 25 discordant pairs', () => {
    const labels = new Array<number>(50).fill(0);
    // 30 only-A-right, 12 only-B-right, 8 both right.
    const a = labels.map((_, i) => (i < 30 || i >= 42 ? 0 : 1));
    const b = labels.map((_, i) => (i < 30 ? 1 : 0));
    const r = mcnemar(labels, a, b);
    expect(r.b).toBe(30);
    expect(r.c).toBe(12);
    expect(r.method).toBe('chi2');
    expect(r.statistic).toBeCloseTo(6.880952380952381, 12);
    // scipy.stats.chi2.sf(6.880952380952381, 1)
    expect(r.p_value).toBeCloseTo(0.008711912962379598, 12);
  });

  it('p = 1 when the models never disagree', () => {
    expect(mcnemar([0, 1], [0, 1], [0, 1])).toEqual({ b: 0, c: 0, statistic: 0, p_value: 1, method: 'exact' });
  });

  it('validates its inputs', () => {
    expectError(() => mcnemar([0, 1], [0], [0, 1]), /labels and predsA differ in length/);
    expectError(() => mcnemar([0, 1], [0, 1], [0, 3]), /predsB\[1\] = 3/);
  });

  it('χ² survival function matches scipy', () => {
    expect(chi2Sf1(25)).toBeCloseTo(5.733031437583875e-7, 15);
    expect(chi2Sf1(0.5)).toBeCloseTo(0.47950012218695337, 12);
    expect(chi2Sf1(3.841458820694124)).toBeCloseTo(0.05, 12);
    expect(chi2Sf1(0)).toBe(1);
  });
});

describe('report rendering', () => {
  const m = evaluateBinary(Y, P, { bootstrapSamples: 100 });

  it('markdown shows the headline numbers, the confusion matrix and only non-empty bins', () => {
    const md = renderMetricsMarkdown(m, { title: 'Test set' });
    expect(md.startsWith('### Test set\n')).toBe(true);
    expect(md).toContain('| accuracy | 66.67% (95% CI ');
    expect(md).toContain('| ROC AUC | 0.8429 |');
    expect(md).toContain('| **actual negative** | 3 | 2 |');
    expect(md).toContain('| **actual positive** | 2 | 5 |');
    expect(md).toContain('| negative | 0.6000 | 0.6000 | 0.6000 | 5 |');
    expect(md).toContain('| 0.60–0.70 | 3 | 0.617 | 0.000 |');
    expect(md).not.toContain('| 0.00–0.10 |');
  });

  it('prints n/a for an undefined AUC', () => {
    const oneClass = evaluateBinary([1, 1], [0.9, 0.2], { bootstrapSamples: 10 });
    expect(renderMetricsMarkdown(oneClass, { reliability: false })).toContain('| ROC AUC | n/a |');
    expect(renderMetricsText(oneClass)).toMatch(/^ROC AUC +n\/a$/m);
    expect(renderMetricsText(oneClass)).toMatch(/^confusion +tp=1 fp=0 tn=0 fn=1$/m);
  });
});
