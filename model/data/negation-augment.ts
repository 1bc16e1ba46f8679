/**
 * Negation examples derived from the training split itself (off by default;
 * `preprocessing.negationAugmentation`).
 *
 * SST labels every phrase of its parse trees, down to single words, so the training
 * split already holds a polarity lexicon: its one-word examples ("hopeless" 0,
 * "enthralling" 1). For a seeded sample of those words this adds short negated phrases
 * with the opposite label ("not enthralling" 0, "never hopeless" 1): SST itself has
 * fewer than a hundred negated polar phrases, too few for either member to learn that
 * a negation reverses what it covers.
 *
 * Kept apart from the robustness suite, which must stay a test: the frames below are
 * bare phrases, not the suite's sentence templates; every word of the suite's word
 * lists (adjectives, nouns, names, places, clauses) is excluded from the lexicon, so no
 * generated text contains any of them; and a generated text that already is a
 * training example is skipped (its treebank label wins). `tests/unit/negation-augment
 * .test.ts` checks the non-overlap.
 */
import type { Example } from '../types.js';
import { createRng, shuffleInPlace } from '../util/random.js';
import { tokenize as defaultTokenize } from '../text/tokenizer.js';
import { closesScope, negationScope, NEGATORS } from '../text/negation.js';
import {
  CITIES,
  COUNTRIES,
  FIRST_NAMES,
  NEGATION_NOUNS,
  NEGATION_TEMPLATES,
  NEGATIVE_ADJECTIVES,
  NEGATIVE_CLAUSES,
  POSITIVE_ADJECTIVES,
  POSITIVE_CLAUSES,
} from '../eval/robustness.js';

/** The frames, `{w}` = a polar word of the training split. Bare phrases, like SST's own. */
export const NEGATION_FRAMES: readonly string[] = ['not {w}', 'never {w}', "is n't {w}", 'not at all {w}', 'hardly {w}', 'not so {w}'];

/**
 * Frames that negate a whole short phrase from a distance, `{p}` = a polar training phrase
 * of 2–4 tokens: a negation often sits on the verb of opinion or on a quantifier, several
 * words before what it reverses ("do n't believe it is a hopeless mess"). The one-word
 * frames above only ever put the negator next to the word; a recurrent member trained on
 * them alone learns that adjacency, not the scope. None of these verbs or frames is the
 * suite's (its templates use "think", "find", "call", "nothing about"; the test checks).
 */
export const NEGATION_CLAUSE_FRAMES: readonly string[] = [
  "do n't believe it is {p}",
  'no one could say it is {p}',
  'never once felt {p}',
  'not for a second {p}',
  'hardly anyone would say {p}',
  'it is not true that it is {p}',
];

/** A suite template as a pattern over a token string, `{noun}`/`{adj}` = any one token. */
export function templatePattern(template: string, tokenize: (text: string) => string[] = defaultTokenize): RegExp {
  const toks = tokenize(template.replace('{noun}', 'NOUNSLOT').replace('{adj}', 'ADJSLOT'));
  const esc = toks.map((t) => (t === 'nounslot' || t === 'adjslot' ? '\\S+' : t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from the suite's own constant templates, every token escaped
  return new RegExp(`(^| )${esc.join(' ')}( |$)`);
}

/** Every word the robustness suite's generators use (lower-case): never part of a generated example. */
export function suiteVocabulary(): Set<string> {
  const words = new Set<string>();
  const add = (text: string): void => {
    for (const t of defaultTokenize(text)) words.add(t);
  };
  for (const list of [POSITIVE_ADJECTIVES, NEGATIVE_ADJECTIVES, NEGATION_NOUNS, FIRST_NAMES, CITIES, COUNTRIES]) for (const w of list) add(w);
  return words;
}

/** Content words of the suite's templates and clauses (not function words such as "the", "was", "not"). */
export function suiteTemplateWords(): Set<string> {
  const fn = new Set(['the', 'this', 'is', 'was', 'a', 'an', 'i', 'it', 'at', 'all', 'and', 'but', 'of', 'do', "n't", 'not', 'never', 'did', 'would', 'think', 'about', 'call', 'find', 'nothing', 'every', 'complete']);
  const words = new Set<string>();
  for (const text of [...NEGATION_TEMPLATES, ...NEGATIVE_CLAUSES, ...POSITIVE_CLAUSES]) {
    for (const t of defaultTokenize(text.replace('{noun}', '').replace('{adj}', ''))) if (/\p{L}/u.test(t) && !fn.has(t)) words.add(t);
  }
  return words;
}

export interface NegationAugmentOptions {
  /** Share of the eligible polar words used (seeded sample); each gets one frame. */
  ratio: number;
  /** Frames per selected word. Default 1. */
  framesPerWord?: number;
  /** Share of the eligible short polar phrases negated from a distance (NEGATION_CLAUSE_FRAMES, one each). Default 0. */
  clauseRatio?: number;
  /**
   * Counterfactual copies per eligible real negation (see addNegationExamples). Default 0.
   * A real training text that negates exactly one polar word ("the film is n't funny" 0)
   * gets this many copies with that word replaced by polar words of the other polarity
   * and the label flipped ("the film is n't tiresome" 1).
   */
  swapsPerText?: number;
  seed: number;
  tokenize?: (text: string) => string[];
}

export interface NegationAugmentReport {
  /** One-word training examples that qualified as polar words. */
  polarWords: number;
  added: number;
  /** Generated texts already present in training (kept with their own label). */
  skippedExisting: number;
  /** Short polar phrases eligible for the clause frames, and how many were negated. */
  polarPhrases: number;
  clauses: number;
  /** Real negations eligible for counterfactual copies, and how many copies were added. */
  swappable: number;
  swaps: number;
}

/**
 * The training examples plus the generated negations (appended after the originals,
 * in a seeded order). Pure.
 */
export function addNegationExamples(train: readonly Example[], opts: NegationAugmentOptions): { examples: Example[]; report: NegationAugmentReport } {
  const tokenize = opts.tokenize ?? defaultTokenize;
  const excluded = new Set([...suiteVocabulary(), ...suiteTemplateWords()]);
  // Each training text tokenized once; every pass below reads these.
  const trainTokens = train.map((e) => tokenize(e.text));
  const existing = new Set(trainTokens.map((toks) => toks.join(' ')));
  const lexicon = new Map<string, number>();
  // Every one-word example, suite words included: a text holding any of them besides the swapped word is not swapped.
  const anyPolar = new Set<string>();
  for (const [j, e] of train.entries()) {
    const toks = trainTokens[j] as string[];
    if (toks.length !== 1) continue;
    const w = toks[0] as string;
    // A negator is its own one-word example in SST ("not" 0); it opens the scope, it is not the word swapped.
    if (!NEGATORS.has(w)) anyPolar.add(w);
    if (w.length < 3 || !/^\p{L}[\p{L}-]*$/u.test(w) || NEGATORS.has(w) || excluded.has(w)) continue;
    lexicon.set(w, e.label);
  }
  const rng = createRng(opts.seed ^ 0x6e656721);
  const words = shuffleInPlace([...lexicon.keys()].sort(), rng);
  const take = Math.min(words.length, Math.round(words.length * opts.ratio));
  const perWord = Math.max(1, Math.min(NEGATION_FRAMES.length, opts.framesPerWord ?? 1));
  const out: Example[] = [...train];
  let skippedExisting = 0;
  for (const w of words.slice(0, take)) {
    const frames = shuffleInPlace([...NEGATION_FRAMES], rng).slice(0, perWord);
    for (const f of frames) {
      const text = f.replace('{w}', w);
      if (existing.has(tokenize(text).join(' '))) {
        skippedExisting++;
        continue;
      }
      out.push({ text, label: (1 - (lexicon.get(w) as number)) as Example['label'] });
    }
  }
  const afterWords = out.length;
  // Short phrases: 2–4 word tokens, no negator or contrast word, no punctuation, no suite word.
  const phrases: { toks: string[]; label: Example['label'] }[] = [];
  const seenPhrase = new Set<string>();
  for (const [j, e] of train.entries()) {
    const toks = trainTokens[j] as string[];
    if (toks.length < 2 || toks.length > 4) continue;
    if (!toks.every((t) => /^\p{L}[\p{L}'-]*$/u.test(t) && !NEGATORS.has(t) && !closesScope(t) && !excluded.has(t))) continue;
    const key = toks.join(' ');
    if (seenPhrase.has(key)) continue;
    seenPhrase.add(key);
    phrases.push({ toks, label: e.label });
  }
  const clauseRng = createRng(opts.seed ^ 0x636c6175);
  const pickedPhrases = shuffleInPlace(phrases, clauseRng).slice(0, Math.round(phrases.length * Math.max(0, Math.min(1, opts.clauseRatio ?? 0))));
  for (const ph of pickedPhrases) {
    const frame = NEGATION_CLAUSE_FRAMES[Math.floor(clauseRng.next() * NEGATION_CLAUSE_FRAMES.length)] as string;
    const text = frame.replace('{p}', ph.toks.join(' '));
    if (existing.has(tokenize(text).join(' '))) {
      skippedExisting++;
      continue;
    }
    out.push({ text, label: (1 - ph.label) as Example['label'] });
  }
  const afterClauses = out.length;
  // Counterfactual negations (Kaushik et al. 2020, "learning the difference that makes a
  // difference"): SST's real negations around neutral words ("the movie", "i did n't")
  // are overwhelmingly negative, so both members learn "negation near a noun = negative".
  // A copy of such a text with its one negated polar word replaced by one of the other
  // polarity, label flipped, puts the same context under the other label. Only texts the
  // simple reversal explains qualify: exactly one polar word, inside a scope, and the
  // text's label the opposite of the word's.
  const swaps = Math.max(0, Math.floor(opts.swapsPerText ?? 0));
  let swappable = 0;
  if (swaps > 0) {
    // Substitutes by label and last two letters ("-ing", "-ed", "-ly", "-ous"): a crude
    // stand-in for the same part of speech. Sorted, so the draws do not depend on Map order.
    const substitutes = new Map<string, string[]>();
    for (const [w, l] of [...lexicon].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const key = `${l}${w.slice(-2)}`;
      const list = substitutes.get(key);
      if (list) list.push(w);
      else substitutes.set(key, [w]);
    }
    const swapRng = createRng(opts.seed ^ 0x73776170);
    // A real text shaped like one of the suite's templates is left alone: its copies would be suite cases.
    const templates = NEGATION_TEMPLATES.map((t) => templatePattern(t, tokenize));
    for (const [j, e] of train.entries()) {
      const toks = trainTokens[j] as string[];
      if (toks.length < 2 || !toks.some((t) => NEGATORS.has(t))) continue;
      let at = -1;
      let polar = 0;
      for (let i = 0; i < toks.length; i++) {
        if (!anyPolar.has(toks[i] as string)) continue;
        polar++;
        at = i;
      }
      if (polar !== 1) continue;
      const word = toks[at] as string;
      const wordLabel = lexicon.get(word);
      if (wordLabel === undefined || e.label !== 1 - wordLabel || !negationScope(toks)[at]) continue;
      const joined = toks.join(' ');
      if (templates.some((p) => p.test(joined))) continue;
      swappable++;
      const pool = substitutes.get(`${e.label}${word.slice(-2)}`) ?? [];
      for (let k = 0; k < swaps && pool.length > 0; k++) {
        const copy = [...toks];
        copy[at] = pool[Math.floor(swapRng.next() * pool.length)] as string;
        const text = copy.join(' ');
        if (existing.has(text)) {
          skippedExisting++;
          continue;
        }
        existing.add(text);
        out.push({ text, label: wordLabel as Example['label'] });
      }
    }
  }
  return {
    examples: out,
    report: { polarWords: lexicon.size, added: out.length - train.length, skippedExisting, polarPhrases: phrases.length, clauses: afterClauses - afterWords, swappable, swaps: out.length - afterClauses },
  };
}
