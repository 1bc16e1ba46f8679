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
export const NEGATION_VERSION = 'neg-scope-v2';

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

/**
 * Closed-class words a negation has nothing to reverse in: determiners, pronouns,
 * auxiliaries and common prepositions. They stay in the scope (it runs on across them)
 * but are not marked. Marked, they became features such as NEG_the whose only content is
 * "a negation is open", learned from whichever negated sentences the training split
 * happens to have: one seed's n-gram member gave NEG_the −3.0, another +0.4, and a
 * negation such as "I did not find the plot bad" turned with it (v1 marked them).
 */
export const UNMARKED_IN_SCOPE: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'its', 'his', 'her', 'their', 'my', 'your', 'our',
  'i', 'it', 'he', 'she', 'they', 'we', 'you', 'me', 'him', 'them', 'us',
  'is', 'was', 'are', 'were', 'be', 'been', 'being', 'am', "'s", "'re", "'m", 'do', 'does', 'did', 'have', 'has', 'had',
  'of', 'to', 'in', 'on', 'at', 'for', 'with', 'about', 'by', 'from', 'as', 'and', 'or',
]);

/** Words that close a scope besides punctuation: a contrast starts a new clause. */
export const SCOPE_BREAKERS: ReadonlySet<string> = new Set(['but', 'however', 'yet', 'although', 'though', 'while', 'whereas']);

const WORDLIKE_RE = /[\p{L}\p{N}]/u;

/** Punctuation-like tokens (no letter or digit: ".", ",", "--", "!", ":)") close a scope. */
export function closesScope(token: string): boolean {
  return SCOPE_BREAKERS.has(token) || !WORDLIKE_RE.test(token) || token === '-lrb-' || token === '-rrb-';
}

/**
 * For each token, whether it is marked: in a negation scope and not a closed-class word
 * (UNMARKED_IN_SCOPE). Negators themselves are not in scope; a negator inside a scope
 * keeps it open (no double-negation toggling: "not without charm" is rare and the data
 * decide).
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
    if (open && !UNMARKED_IN_SCOPE.has(t)) out[i] = 1;
  }
  return out;
}

/** The tokens with every in-scope token prefixed by NEG_ ("was n't funny ." → "was n't NEG_funny ."). */
export function markNegation(tokens: readonly string[]): string[] {
  const scope = negationScope(tokens);
  return tokens.map((t, i) => (scope[i] ? NEGATION_MARK + t : t));
}
