/**
 * Optional, seeded "easy data augmentation" (Wei & Zou 2019) without a thesaurus:
 * random deletion and adjacent swaps on tokens, plus punctuation and casing noise.
 * Specs leave it off by default. The operations are meant to keep the label, so they
 * never delete or move negations and contrast words ("not", "n't", "never", "but"):
 * "not good" → "good" would flip the sentiment the copy is labelled with.
 */
import { ValidationError } from '../errors.js';
import { tokenize as defaultTokenize } from '../text/tokenizer.js';
import type { Example } from '../types.js';
import { createRng, shuffleInPlace } from '../util/random.js';
import type { Rng } from '../util/random.js';

export type AugmentOp = 'delete' | 'swap' | 'punct' | 'case';
export const AUGMENT_OPS: readonly AugmentOp[] = ['delete', 'swap', 'punct', 'case'];
/**
 * 'case' is not a default: the project tokenizer lower-cases, so for its models a
 * casing-noise copy is just a duplicate of the original.
 */
export const DEFAULT_AUGMENT_OPS: readonly AugmentOp[] = ['delete', 'swap', 'punct'];

export interface AugmentParams {
  /** Probability of deleting each unprotected token ('delete'). Default 0.1. */
  deleteProb?: number;
  /** Adjacent swaps per token ('swap'), at least one swap. Default 0.1. */
  swapRate?: number;
}

export interface AugmentOptions extends AugmentParams {
  /**
   * Augmented copies per original: 1 gives every example one copy, 0.5 gives a seeded
   * half of them one copy, 2.5 gives two copies each plus a third for half of them.
   */
  ratio: number;
  seed: number;
  /** Operations to draw from, uniformly per copy. Default DEFAULT_AUGMENT_OPS. */
  ops?: readonly AugmentOp[];
  tokenize?: (text: string) => string[];
}

export interface AugmentReport {
  originals: number;
  /** Copies drawn (before dropping the ones equal to their original). */
  requested: number;
  /** Copies added to the output. */
  augmented: number;
  /** Copies dropped because the operation left the text unchanged (e.g. one-word texts). */
  unchanged: number;
  byOp: Record<AugmentOp, number>;
}

/** Tokens whose removal or movement can flip or blur the sentiment. */
const PROTECTED: ReadonlySet<string> = new Set([
  "n't", 'not', 'no', 'never', 'nothing', 'nobody', 'none', 'nowhere', 'neither', 'nor', 'without',
  'hardly', 'barely', 'scarcely', 'but', 'yet', 'although', 'though', 'however',
]);
/** Punctuation that can be dropped without changing what a sentence says. */
const DROPPABLE_PUNCT: ReadonlySet<string> = new Set([',', '.', ';', ':', '--', '-', '...', '"', "'"]);
const WORD_RE = /[\p{L}\p{N}]/u;

/** Random deletion: each unprotected token goes with probability `p`; one token always stays. */
function randomDelete(tokens: readonly string[], rng: Rng, p: number): string[] {
  const out = tokens.filter((t) => PROTECTED.has(t) || rng.next() >= p);
  if (out.length === 0 && tokens.length > 0) out.push(tokens[rng.int(tokens.length)] as string);
  return out;
}

/** Swap `max(1, round(rate·n))` random pairs of adjacent tokens, neither of them protected. */
function randomSwap(tokens: readonly string[], rng: Rng, rate: number): string[] {
  const out = [...tokens];
  const candidates: number[] = [];
  for (let i = 0; i + 1 < out.length; i++) {
    if (!PROTECTED.has(out[i] as string) && !PROTECTED.has(out[i + 1] as string)) candidates.push(i);
  }
  if (candidates.length === 0) return out;
  const swaps = Math.max(1, Math.round(rate * out.length));
  for (let s = 0; s < swaps; s++) {
    const i = candidates[rng.int(candidates.length)] as number;
    const tmp = out[i] as string;
    out[i] = out[i + 1] as string;
    out[i + 1] = tmp;
  }
  return out;
}

/** Drop one droppable punctuation token, or, when there is none, end the text with ".". */
function punctuationNoise(tokens: readonly string[], rng: Rng): string[] {
  const positions: number[] = [];
  tokens.forEach((t, i) => {
    if (DROPPABLE_PUNCT.has(t)) positions.push(i);
  });
  if (positions.length > 0) {
    const drop = positions[rng.int(positions.length)] as number;
    return tokens.filter((_, i) => i !== drop);
  }
  return tokens.length > 0 ? [...tokens, '.'] : [];
}

/** Upper-case the whole text, or title-case / upper-case one random word. */
function casingNoise(tokens: readonly string[], rng: Rng): string[] {
  const words: number[] = [];
  tokens.forEach((t, i) => {
    if (WORD_RE.test(t) && t.toUpperCase() !== t) words.push(i);
  });
  if (words.length === 0) return [...tokens];
  const mode = rng.int(3);
  if (mode === 0) return tokens.map((t) => t.toUpperCase());
  const i = words[rng.int(words.length)] as number;
  return tokens.map((t, j) => (j !== i ? t : mode === 1 ? t.toUpperCase() : (t[0] as string).toUpperCase() + t.slice(1)));
}

/** Apply one operation to `tokens`, drawing randomness from `rng`. */
export function augmentTokens(tokens: readonly string[], op: AugmentOp, rng: Rng, params: AugmentParams = {}): string[] {
  switch (op) {
    case 'delete':
      return randomDelete(tokens, rng, params.deleteProb ?? 0.1);
    case 'swap':
      return randomSwap(tokens, rng, params.swapRate ?? 0.1);
    case 'punct':
      return punctuationNoise(tokens, rng);
    case 'case':
      return casingNoise(tokens, rng);
    default:
      throw new ValidationError('invalid augmentation op', [`unknown op ${JSON.stringify(op)}; expected one of ${AUGMENT_OPS.join(', ')}`]);
  }
}

function validate(options: AugmentOptions, ops: readonly AugmentOp[]): void {
  const errors: string[] = [];
  const { ratio, seed, deleteProb, swapRate } = options;
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 0) errors.push(`ratio must be a finite number >= 0, got ${String(ratio)}`);
  if (!Number.isInteger(seed)) errors.push(`seed must be an integer, got ${String(seed)}`);
  if (ops.length === 0) errors.push('ops must not be empty');
  for (const op of ops) if (!AUGMENT_OPS.includes(op)) errors.push(`unknown op ${JSON.stringify(op)}; expected one of ${AUGMENT_OPS.join(', ')}`);
  if (deleteProb !== undefined && !(deleteProb >= 0 && deleteProb < 1)) errors.push(`deleteProb must be in [0, 1), got ${String(deleteProb)}`);
  if (swapRate !== undefined && !(swapRate >= 0 && swapRate <= 1)) errors.push(`swapRate must be in [0, 1], got ${String(swapRate)}`);
  if (errors.length) throw new ValidationError('invalid augmentation options', errors);
}

/**
 * The originals, in order, followed by the augmented copies (in the order of their
 * originals). Copies are token sequences joined by spaces, which the tokenizer maps
 * back to the same tokens; they keep the label and source line of their original.
 * Same examples, options and seed → same output.
 */
export function augmentExamples(examples: readonly Example[], options: AugmentOptions): { examples: Example[]; report: AugmentReport } {
  const ops = options.ops ?? DEFAULT_AUGMENT_OPS;
  validate(options, ops);
  const tokenize = options.tokenize ?? defaultTokenize;
  const rng = createRng(options.seed);

  const base = Math.floor(options.ratio);
  const extraCount = Math.round((options.ratio - base) * examples.length);
  const order = shuffleInPlace(
    examples.map((_, i) => i),
    rng,
  );
  const extra = new Set(order.slice(0, extraCount));

  const byOp: Record<AugmentOp, number> = { delete: 0, swap: 0, punct: 0, case: 0 };
  const copies: Example[] = [];
  let requested = 0;
  let unchanged = 0;
  examples.forEach((e, i) => {
    const n = base + (extra.has(i) ? 1 : 0);
    if (n === 0) return;
    const tokens = tokenize(e.text);
    const original = tokens.join(' ');
    for (let c = 0; c < n; c++) {
      requested++;
      const op = ops[rng.int(ops.length)] as AugmentOp;
      const text = augmentTokens(tokens, op, rng, options).join(' ');
      if (text === original || text === '') {
        unchanged++;
        continue;
      }
      byOp[op]++;
      copies.push({ ...e, text });
    }
  });
  return {
    examples: [...examples, ...copies],
    report: { originals: examples.length, requested, augmented: copies.length, unchanged, byOp },
  };
}
