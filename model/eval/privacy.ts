/**
 * Membership inference: how well can an attacker who sees the model's scores tell the
 * training examples (members) from unseen ones (non-members)?
 *
 * The attack is the threshold attack of Yeom et al. 2018 ("Privacy Risk in Machine
 * Learning: Analyzing the Connection to Overfitting"), the simple baseline the shadow-model
 * attack of Shokri et al. 2017 is usually compared with: an example is guessed to be a
 * member when the model is confident in its true label (equivalently, when its loss is
 * low). We report it threshold-free as a ROC AUC (0.5 = nothing leaks, 1 = members fully
 * identifiable) and at its best threshold as Yeom's membership advantage max(TPR − FPR).
 *
 * Sampling: both sides get the same number of examples AND the same label composition
 * (per label, min of what each side has, then scaled down to at most `maxPerSide` per
 * side), drawn without replacement with a seeded shuffle. Equal label composition matters:
 * the confidence in the true label depends on the label, so if members were, say, more
 * often positive, a scorer that ignores the text would already "separate" the sides.
 * With it, any scorer that does not depend on membership has an expected AUC of 0.5, and
 * a constant scorer gets exactly 0.5 and advantage 0.
 */
import { GitopsMlError } from '../errors.js';
import type { Label } from '../types.js';
import { bootstrapCi, pick, rocAuc } from './metrics.js';
import { createRng, shuffleInPlace } from '../util/random.js';

/** Batched P(positive) for raw texts, one score per text, in order. */
export type Scorer = (texts: readonly string[]) => ArrayLike<number>;

export const PRIVACY_INPUT_ERROR = 'E_PRIVACY_INPUT';

/** Loss clipping, as metrics.ts logLoss: a confident mistake gives a large but finite loss. */
const LOSS_EPS = 1e-15;

export interface LabeledText {
  text: string;
  label: Label;
}

export interface MembershipOptions {
  /** Seed of the sampling and of the bootstrap. */
  seed: number;
  /** At most this many examples per side. Default 1000. */
  maxPerSide?: number;
  /** Bootstrap resamples for auc_ci95. Default 1000. */
  bootstrapSamples?: number;
}

export interface PrivacyReport {
  n_members: number;
  n_nonmembers: number;
  /** Label composition of each side (identical on both sides). */
  n_per_label: { negative: number; positive: number };
  /** ROC AUC of the confidence in the true label as a member-vs-non-member score. */
  attack_auc: number;
  /** ROC AUC of the negated per-example cross-entropy loss (equal to attack_auc up to loss clipping). */
  loss_attack_auc: number;
  /** Yeom's membership advantage: max over thresholds of TPR − FPR (>= 0; 0 = no useful threshold). */
  best_threshold_advantage: number;
  /** The confidence threshold (guess "member" when confidence >= it) reaching the advantage; null when the advantage is 0. */
  best_threshold: number | null;
  mean_confidence_members: number;
  mean_confidence_nonmembers: number;
  /** mean_confidence_members − mean_confidence_nonmembers. */
  confidence_gap: number;
  /** Percentile bootstrap interval (metrics.ts bootstrapCi, resampling the pooled examples) of attack_auc. */
  auc_ci95: [number, number];
}

function fail(message: string): never {
  throw new GitopsMlError(PRIVACY_INPUT_ERROR, message);
}

function checkSide(side: readonly LabeledText[], name: string): void {
  if (side.length === 0) fail(`${name} is empty: membership inference needs examples on both sides`);
  side.forEach((e, i) => {
    if (e.label !== 0 && e.label !== 1) fail(`${name}[${i}].label = ${String(e.label)}: labels must be 0 or 1`);
    if (typeof e.text !== 'string') fail(`${name}[${i}].text is not a string`);
  });
}

/** Indices of `side` with label `label`, shuffled by `rng`, first `k` of them. */
function sampleLabel(side: readonly LabeledText[], label: Label, k: number, rng: ReturnType<typeof createRng>): number[] {
  const idx: number[] = [];
  side.forEach((e, i) => {
    if (e.label === label) idx.push(i);
  });
  return shuffleInPlace(idx, rng).slice(0, k).sort((a, b) => a - b);
}

/** Per-label sample sizes: same on both sides, at most maxPerSide in total, proportional to what both sides share. */
function allocate(k0: number, k1: number, maxPerSide: number): [number, number] {
  const total = k0 + k1;
  const n = Math.min(maxPerSide, total);
  if (n === total) return [k0, k1];
  let n1 = Math.min(k1, Math.round((n * k1) / total));
  let n0 = n - n1;
  if (n0 > k0) {
    n0 = k0;
    n1 = n - n0;
  }
  return [n0, n1];
}

/** Largest TPR − FPR over thresholds "member iff confidence >= t" (t above every value gives 0). */
function bestAdvantage(isMember: Uint8Array, conf: Float64Array): { advantage: number; threshold: number | null } {
  const n = conf.length;
  let nm = 0;
  for (let i = 0; i < n; i++) nm += isMember[i] as number;
  const nn = n - nm;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (conf[b] as number) - (conf[a] as number));
  let tp = 0;
  let fp = 0;
  let advantage = 0;
  let threshold: number | null = null;
  let i = 0;
  while (i < n) {
    const t = conf[order[i] as number] as number;
    // Take the whole tie group: a threshold cannot split equal confidences.
    while (i < n && conf[order[i] as number] === t) {
      if (isMember[order[i] as number] === 1) tp++;
      else fp++;
      i++;
    }
    const adv = tp / nm - fp / nn;
    if (adv > advantage) {
      advantage = adv;
      threshold = t;
    }
  }
  return { advantage, threshold };
}

function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const a = rocAuc(labels, scores);
  // Both sides are non-empty by construction, so the AUC is defined.
  if (a === null) throw new Error('internal: membership AUC undefined with both sides present');
  return a;
}

/**
 * Threshold membership-inference attack on `score`. `members` are examples the model was
 * trained on, `nonMembers` examples it never saw (e.g. the test split). The scorer is
 * called once, with the sampled members followed by the sampled non-members.
 */
export function runMembershipInference(
  score: Scorer,
  members: readonly LabeledText[],
  nonMembers: readonly LabeledText[],
  opts: MembershipOptions,
): PrivacyReport {
  const maxPerSide = opts.maxPerSide ?? 1000;
  const bootstrapSamples = opts.bootstrapSamples ?? 1000;
  if (!Number.isInteger(opts.seed)) fail(`seed = ${String(opts.seed)}: must be an integer`);
  if (!Number.isInteger(maxPerSide) || maxPerSide < 1) fail(`maxPerSide = ${maxPerSide}: must be a positive integer`);
  if (!Number.isInteger(bootstrapSamples) || bootstrapSamples < 1) fail(`bootstrapSamples = ${bootstrapSamples}: must be a positive integer`);
  checkSide(members, 'members');
  checkSide(nonMembers, 'nonMembers');

  const count = (side: readonly LabeledText[], label: Label): number => side.filter((e) => e.label === label).length;
  const k0 = Math.min(count(members, 0), count(nonMembers, 0));
  const k1 = Math.min(count(members, 1), count(nonMembers, 1));
  if (k0 + k1 === 0) fail('members and nonMembers share no label: every member has one label and every non-member the other, so the sides cannot be balanced');
  const [n0, n1] = allocate(k0, k1, maxPerSide);

  const rng = createRng(opts.seed);
  const pickSide = (side: readonly LabeledText[]): LabeledText[] =>
    [...sampleLabel(side, 0, n0, rng), ...sampleLabel(side, 1, n1, rng)].sort((a, b) => a - b).map((i) => side[i] as LabeledText);
  const m = pickSide(members);
  const nm = pickSide(nonMembers);
  const all = [...m, ...nm];

  const scores = score(all.map((e) => e.text));
  if (scores.length !== all.length) fail(`the scorer returned ${scores.length} scores for ${all.length} texts`);
  const n = all.length;
  const isMember = new Uint8Array(n);
  const conf = new Float64Array(n);
  const negLoss = new Float64Array(n);
  let sumM = 0;
  let sumN = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) {
      fail(`score of ${i < m.length ? `member ${i}` : `non-member ${i - m.length}`} = ${String(s)}: scores must be probabilities in [0, 1]`);
    }
    const c = (all[i] as LabeledText).label === 1 ? s : 1 - s;
    conf[i] = c;
    negLoss[i] = Math.log(Math.min(1 - LOSS_EPS, Math.max(LOSS_EPS, c)));
    if (i < m.length) {
      isMember[i] = 1;
      sumM += c;
    } else sumN += c;
  }

  const attackAuc = auc(isMember, conf);
  const { advantage, threshold } = bestAdvantage(isMember, conf);
  const ci = bootstrapCi(
    n,
    (idx) => rocAuc(pick(isMember, idx), pick(conf, idx)) ?? Number.NaN,
    { samples: bootstrapSamples, seed: opts.seed },
  );
  const meanM = sumM / m.length;
  const meanN = sumN / nm.length;
  return {
    n_members: m.length,
    n_nonmembers: nm.length,
    n_per_label: { negative: n0, positive: n1 },
    attack_auc: attackAuc,
    loss_attack_auc: auc(isMember, negLoss),
    best_threshold_advantage: advantage,
    best_threshold: threshold,
    mean_confidence_members: meanM,
    mean_confidence_nonmembers: meanN,
    confidence_gap: meanM - meanN,
    auc_ci95: ci,
  };
}
