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
import { closesScope, NEGATORS } from '../text/negation.js';
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
}

/**
 * The training examples plus the generated negations (appended after the originals,
 * in a seeded order). Pure.
 */
export function addNegationExamples(train: readonly Example[], opts: NegationAugmentOptions): { examples: Example[]; report: NegationAugmentReport } {
  const tokenize = opts.tokenize ?? defaultTokenize;
  const excluded = new Set([...suiteVocabulary(), ...suiteTemplateWords()]);
  const existing = new Set(train.map((e) => tokenize(e.text).join(' ')));
  const lexicon = new Map<string, number>();
  for (const e of train) {
    const toks = tokenize(e.text);
    if (toks.length !== 1) continue;
    const w = toks[0] as string;
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
  for (const e of train) {
    const toks = tokenize(e.text);
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
  return { examples: out, report: { polarWords: lexicon.size, added: out.length - train.length, skippedExisting, polarPhrases: phrases.length, clauses: out.length - afterWords } };
}
