/**
 * Negation scope marking (Das & Chen 2001; Pang, Lee & Vaithyanathan 2002): every token
 * after a negator, up to the next punctuation mark (or a contrast word such as "but"),
 * is marked, so "was n't funny" and "was funny" give the linear member different
 * features ("NEG_funny" vs "funny").
 *
 * It works on the project tokenizer's output (lower-cased, PTB-style: "didn't" is
 * "did n't"). The marker is upper-case, and the tokenizer lower-cases everything, so a
 * marked token can never collide with a real one.
 *
 * Pure and allocation-light: used by the n-gram featurizer at training and serving
 * time (model/nn/ngram-features.ts), so it is part of the artifact's behaviour. A change
 * here changes what a trained model sees: bump NEGATION_VERSION.
 */
export const NEGATION_VERSION = 'neg-scope-v1';

export const NEGATION_MARK = 'NEG_';

/** Tokens that open a negation scope (after tokenization: "n't" is its own token, "cannot" is "can not"). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not',
  "n't",
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'neither',
  'nor',
  'nowhere',
  'cannot',
  'without',
  'hardly',
  'barely',
  'scarcely',
]);

/** Words that close a scope besides punctuation: a contrast starts a new clause. */
export const SCOPE_BREAKERS: ReadonlySet<string> = new Set(['but', 'however', 'yet', 'although', 'though', 'while', 'whereas']);

const WORDLIKE_RE = /[\p{L}\p{N}]/u;

/** Punctuation-like tokens (no letter or digit: ".", ",", "--", "!", ":)") close a scope. */
export function closesScope(token: string): boolean {
  return SCOPE_BREAKERS.has(token) || !WORDLIKE_RE.test(token) || token === '-lrb-' || token === '-rrb-';
}

/**
 * For each token, whether it lies in a negation scope. Negators themselves are not in
 * scope; a negator inside a scope keeps it open (no double-negation toggling: "not
 * without charm" is rare and the data decide).
 */
export function negationScope(tokens: readonly string[]): Uint8Array {
  const out = new Uint8Array(tokens.length);
  let open = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (NEGATORS.has(t)) {
      open = true;
      continue;
    }
    if (closesScope(t)) {
      open = false;
      continue;
    }
    if (open) out[i] = 1;
  }
  return out;
}

/** The tokens with every in-scope token prefixed by NEG_ ("was n't funny ." → "was n't NEG_funny ."). */
export function markNegation(tokens: readonly string[]): string[] {
  const scope = negationScope(tokens);
  return tokens.map((t, i) => (scope[i] ? NEGATION_MARK + t : t));
}
