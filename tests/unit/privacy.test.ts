import { runMembershipInference } from '../../model/eval/privacy.js';
import type { LabeledText, Scorer } from '../../model/eval/privacy.js';
import type { Label } from '../../model/types.js';
import { expectGitopsError } from '../helpers/expect-error.js';

function side(prefix: string, n: number, positiveEvery = 2): LabeledText[] {
  return Array.from({ length: n }, (_, i) => ({ text: `${prefix} ${i}`, label: (i % positiveEvery === 0 ? 1 : 0) as Label }));
}

/** A scorer that gives each text a confidence `conf(text)` in its true label. */
function confidenceScorer(examples: readonly LabeledText[], conf: (e: LabeledText) => number): Scorer {
  const byText = new Map(examples.map((e) => [e.text, e]));
  return (texts) =>
    Float64Array.from(texts, (t) => {
      const e = byText.get(t);
      if (!e) throw new Error(`unknown text ${t}`);
      const c = conf(e);
      return e.label === 1 ? c : 1 - c;
    });
}

/** Deterministic pseudo-uniform value in [0, 1) of a string (FNV-1a). */
function hash01(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

const expectFail = (fn: () => unknown, pattern: RegExp): void => expectGitopsError(fn, 'E_PRIVACY_INPUT', pattern);

const members = side('train', 300);
const nonMembers = side('test', 200);

describe('runMembershipInference', () => {
  it('a constant scorer leaks nothing: AUC exactly 0.5, advantage 0', () => {
    // Constant P(positive) = 0.7: the confidence in the true label is 0.7 or 0.3 depending on the
    // label, so this only gives 0.5 because both sides are sampled with the same label mix.
    const r = runMembershipInference((t) => t.map(() => 0.7), members, nonMembers, { seed: 1 });
    expect(r.n_members).toBe(200);
    expect(r.n_nonmembers).toBe(200);
    expect(r.n_per_label).toEqual({ negative: 100, positive: 100 });
    expect(r.attack_auc).toBe(0.5);
    expect(r.loss_attack_auc).toBe(0.5);
    expect(r.best_threshold_advantage).toBe(0);
    expect(r.best_threshold).toBeNull();
    expect(r.confidence_gap).toBeCloseTo(0, 12);
    expect(r.mean_confidence_members).toBeCloseTo(0.5, 12);
    expect(r.auc_ci95[0]).toBeLessThanOrEqual(0.5);
    expect(r.auc_ci95[1]).toBeGreaterThanOrEqual(0.5);
  });

  it('label-imbalanced sides are balanced before the attack', () => {
    // Members 50% positive, non-members 25% positive: without balancing, the constant scorer
    // above would score AUC 0.5 + 0.5 * (0.5 - 0.25) = 0.625.
    const imbalanced = side('test', 400, 4);
    const r = runMembershipInference((t) => t.map(() => 0.7), members, imbalanced, { seed: 3 });
    expect(r.n_per_label).toEqual({ negative: 150, positive: 100 });
    expect(r.n_members).toBe(250);
    expect(r.attack_auc).toBe(0.5);
    expect(r.best_threshold_advantage).toBe(0);
  });

  it('a scorer that memorised the members: AUC 1, advantage 1', () => {
    const all = [...members, ...nonMembers];
    const memberTexts = new Set(members.map((e) => e.text));
    const score = confidenceScorer(all, (e) => (memberTexts.has(e.text) ? 1 : 0.6));
    const r = runMembershipInference(score, members, nonMembers, { seed: 7 });
    expect(r.attack_auc).toBe(1);
    expect(r.loss_attack_auc).toBe(1);
    expect(r.best_threshold_advantage).toBe(1);
    expect(r.best_threshold).toBe(1);
    expect(r.mean_confidence_members).toBe(1);
    expect(r.mean_confidence_nonmembers).toBeCloseTo(0.6, 12);
    expect(r.confidence_gap).toBeCloseTo(0.4, 12);
    expect(r.auc_ci95).toEqual([1, 1]);
  });

  it('identically distributed confidences on both sides give AUC near 0.5', () => {
    const big = side('train', 5000);
    const bigTest = side('test', 5000);
    const score = confidenceScorer([...big, ...bigTest], (e) => 0.5 + 0.5 * hash01(e.text));
    const r = runMembershipInference(score, big, bigTest, { seed: 11 });
    expect(r.n_members).toBe(1000); // maxPerSide default
    expect(r.n_nonmembers).toBe(1000);
    expect(Math.abs(r.attack_auc - 0.5)).toBeLessThan(0.05);
    expect(r.auc_ci95[0]).toBeLessThan(r.attack_auc);
    expect(r.auc_ci95[1]).toBeGreaterThan(r.attack_auc);
    expect(r.auc_ci95[1] - r.auc_ci95[0]).toBeLessThan(0.1);
    expect(r.best_threshold_advantage).toBeLessThan(0.1);
    expect(r.loss_attack_auc).toBe(r.attack_auc);
  });

  it('a partial leak: AUC is the probability that a member outranks a non-member', () => {
    // Members: confidence 0.875 for half of them, 0.625 for the rest; non-members: all 0.625
    // (binary fractions, so 1 - (1 - c) = c exactly). P(member > non-member) = 0.5, ties 0.5
    // → AUC = 0.5 + 0.5 * 0.5 = 0.75; advantage at 0.875 = 0.5 - 0.
    const m = side('train', 100);
    const n = side('test', 100);
    const score = confidenceScorer([...m, ...n], (e) => (e.text.startsWith('train') && Number(e.text.split(' ')[1]) % 4 < 2 ? 0.875 : 0.625));
    const r = runMembershipInference(score, m, n, { seed: 5 });
    expect(r.attack_auc).toBeCloseTo(0.75, 12);
    expect(r.best_threshold_advantage).toBeCloseTo(0.5, 12);
    expect(r.best_threshold).toBe(0.875);
  });

  it('swapping the sides mirrors the AUC', () => {
    const m = side('train', 120);
    const n = side('test', 120);
    const score = confidenceScorer([...m, ...n], (e) => 0.5 + 0.5 * hash01(`${e.text}`) * (e.text.startsWith('train') ? 1 : 0.8));
    const a = runMembershipInference(score, m, n, { seed: 2 });
    const b = runMembershipInference(score, n, m, { seed: 2 });
    expect(a.attack_auc).toBeGreaterThan(0.5);
    expect(a.attack_auc + b.attack_auc).toBeCloseTo(1, 12);
    expect(a.confidence_gap).toBeCloseTo(-b.confidence_gap, 12);
  });

  it('samples deterministically: same seed, same report; another seed, another sample', () => {
    const big = side('train', 3000);
    const bigTest = side('test', 3000);
    const seen: string[][] = [];
    const score: Scorer = (texts) => {
      seen.push([...texts]);
      return texts.map((t) => hash01(t));
    };
    const a = runMembershipInference(score, big, bigTest, { seed: 42, maxPerSide: 500, bootstrapSamples: 200 });
    const b = runMembershipInference(score, big, bigTest, { seed: 42, maxPerSide: 500, bootstrapSamples: 200 });
    runMembershipInference(score, big, bigTest, { seed: 43, maxPerSide: 500, bootstrapSamples: 200 });
    expect(a).toEqual(b);
    expect(seen).toHaveLength(3); // one scorer call per run
    expect(seen[0]).toHaveLength(1000);
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]).not.toEqual(seen[2]);
    expect(a.n_per_label).toEqual({ negative: 250, positive: 250 });
    expect(new Set(seen[0]).size).toBe(1000); // without replacement
    expect(seen[0]?.slice(0, 500).every((t) => t.startsWith('train'))).toBe(true);
  });

  it('caps each side at maxPerSide and keeps the label mix', () => {
    const m = side('train', 90, 3); // 30 positive, 60 negative
    const n = side('test', 90, 3);
    const r = runMembershipInference((t) => t.map(() => 0.5), m, n, { seed: 1, maxPerSide: 10 });
    expect(r.n_members).toBe(10);
    expect(r.n_nonmembers).toBe(10);
    expect(r.n_per_label.positive + r.n_per_label.negative).toBe(10);
    expect(r.n_per_label.positive).toBe(3);
  });

  it('works with one example per side', () => {
    const r = runMembershipInference((t) => t.map((x) => (x === 'a' ? 0.9 : 0.6)), [{ text: 'a', label: 1 }], [{ text: 'b', label: 1 }], { seed: 1 });
    expect(r.attack_auc).toBe(1);
    expect(r.best_threshold_advantage).toBe(1);
  });

  it('rejects bad input with errors that name the side', () => {
    const constant: Scorer = (t) => t.map(() => 0.5);
    expectFail(() => runMembershipInference(constant, [], nonMembers, { seed: 1 }), /^members is empty/);
    expectFail(() => runMembershipInference(constant, members, [], { seed: 1 }), /^nonMembers is empty/);
    expectFail(
      () => runMembershipInference(constant, [{ text: 'x', label: 2 as Label }], nonMembers, { seed: 1 }),
      /members\[0\]\.label = 2/,
    );
    expectFail(
      () => runMembershipInference(constant, side('a', 3, 1), side('b', 3, 1000).slice(1), { seed: 1 }),
      /share no label/,
    );
    expectFail(() => runMembershipInference(() => [0.5], members, nonMembers, { seed: 1 }), /returned 1 scores for 400/);
    expectFail(() => runMembershipInference((t) => t.map(() => -0.1), members, nonMembers, { seed: 1 }), /member 0 = -0.1/);
    expectFail(() => runMembershipInference(constant, members, nonMembers, { seed: 1.5 }), /seed = 1.5/);
    expectFail(() => runMembershipInference(constant, members, nonMembers, { seed: 1, maxPerSide: 0 }), /maxPerSide = 0/);
  });
});
