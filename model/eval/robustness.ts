/**
 * Behavioural robustness gate in the style of CheckList (Ribeiro et al. 2020, "Beyond
 * Accuracy: Behavioral Testing of NLP Models with CheckList"). Model-agnostic and pure:
 * it only ever sees a batched `Scorer` (texts → P(positive)), and the same scorer,
 * examples and seed always give the same report.
 *
 * Three kinds of test:
 * - INV (invariance): a label-preserving perturbation (typo, casing, punctuation,
 *   whitespace, person name, location) must not flip the predicted label. Only the
 *   sentences a perturbation actually changes count towards its `n`. The mean
 *   |Δ P(positive)| is recorded too: a model can keep its labels and still be shaky.
 * - DIR (directional): appending a clearly negative clause must not raise
 *   P(positive) by more than `dirTolerance`, a clearly positive one must not lower it
 *   by more than that. The default tolerance, 0.1, is CheckList's own for its
 *   sentiment `Expect.monotonic` tests.
 * - MFT (minimum functionality): templated negations with a known label. For a binary
 *   classifier, "not {positive adjective}" must be negative and "not {negative
 *   adjective}" ("not bad", "never boring") positive. (CheckList accepts "neutral" for
 *   the latter; a binary model has no neutral, and "not bad" leans positive.)
 *
 * Plus the accuracy drop: on labelled examples, accuracy on the originals vs on the
 * perturbed versions, per INV perturbation, over the sentences it applies to, in
 * percentage points, with McNemar's test on the paired predictions.
 *
 * Determinism: every random choice comes from `createRng` seeded by a hash of (seed,
 * test name, text), so a sentence gets the same perturbation whatever else is in the
 * sample, and adding a test does not reshuffle the others.
 *
 * Cost: the scorer is called once on the sampled originals and once per test (never
 * per sentence); `scorer_calls` and `texts_scored` in the report say how much.
 *
 * Conventions shared with metrics.ts: predicted positive when `score >= threshold`;
 * rates are `null`, not NaN, when nothing was tested, so the report survives JSON.
 */
import { GitopsMlError } from '../errors.js';
import { mcnemar } from './metrics.js';
import { createRng } from '../util/random.js';
import type { Rng } from '../util/random.js';

export const ROBUSTNESS_INPUT_ERROR = 'E_ROBUSTNESS_INPUT';

/** P(positive) of each text, in order. Called with whole batches. */
export type Scorer = (texts: readonly string[]) => ArrayLike<number>;

export interface LabelledExample {
  text: string;
  /** 1 = positive, 0 = negative. */
  label: number;
}

export type TestKind = 'INV' | 'DIR' | 'MFT';

/** A text → perturbed text function; `null` when it does not apply (or would change nothing). */
export type PerturbFn = (text: string, rng: Rng) => string | null;

export interface Perturbation {
  name: string;
  description: string;
  apply: PerturbFn;
}

export interface FailureExample {
  /** INV/DIR: the original sentence. MFT: the test case. */
  original: string;
  /** INV/DIR: the perturbed sentence. Absent for MFT. */
  perturbed?: string;
  /** INV/DIR: P(positive) of the original. Absent for MFT. */
  before?: number;
  /** P(positive) of the perturbed sentence (INV/DIR) or of the case (MFT). */
  after: number;
  /** MFT: the label the case should get. */
  expected?: 0 | 1;
}

export interface RobustnessTest {
  name: string;
  kind: TestKind;
  description: string;
  /** Sentences (INV/DIR) or cases (MFT) tested. */
  n: number;
  failures: number;
  /** failures / n; null when n = 0. */
  failure_rate: number | null;
  /** INV and DIR: mean |after − before|; null when n = 0. */
  mean_abs_delta?: number | null;
  /** DIR: mean (after − before), signed; null when n = 0. */
  mean_delta?: number | null;
  /** Up to 3 failures, worst first (largest |Δ|, largest violation, largest error). */
  examples: FailureExample[];
}

export interface AccuracyDrop {
  perturbation: string;
  /** Labelled examples the perturbation applies to. */
  n: number;
  accuracy_original: number | null;
  accuracy_perturbed: number | null;
  /** 100 · (accuracy_original − accuracy_perturbed); positive = worse when perturbed. */
  drop_points: number | null;
  /** Right on the original, wrong when perturbed. */
  broken: number;
  /** Wrong on the original, right when perturbed. */
  fixed: number;
  /** McNemar's test on (broken, fixed); null when n = 0. */
  p_value: number | null;
}

export interface RobustnessReport {
  seed: number;
  threshold: number;
  dir_tolerance: number;
  /** Labelled examples given. */
  n_available: number;
  /** Examples used (at most maxExamples, sampled deterministically). */
  n_examples: number;
  /** Accuracy on the sampled originals; null when there are none. */
  accuracy: number | null;
  tests: RobustnessTest[];
  accuracy_drop: AccuracyDrop[];
  /** Highest failure rate over the tests with n > 0; null if none had any. */
  max_failure_rate: number | null;
  /** Name of the test with max_failure_rate (the first one on a tie). */
  worst_test: string | null;
  /** Highest failure rate per kind, null when no test of that kind had n > 0. */
  max_failure_rate_by_kind: Record<TestKind, number | null>;
  /** Highest drop_points over the perturbations; null if none applied. */
  max_accuracy_drop_points: number | null;
  scorer_calls: number;
  texts_scored: number;
}

export interface RobustnessOptions {
  seed: number;
  /** At most this many examples are used, sampled deterministically. Default 500. */
  maxExamples?: number;
  /** Scores at or above this are predicted positive. Default 0.5. */
  threshold?: number;
  /** DIR tolerance on P(positive). Default 0.1 (CheckList's). */
  dirTolerance?: number;
}

const MAX_FAILURE_EXAMPLES = 3;

// ---------------------------------------------------------------------------
// word lists

/**
 * Common first names, mixing genders and origins. Names that are also ordinary English
 * words (Will, Mark, Grace, Hope, Frank, May …) or places (Sydney, Paris …) are left out,
 * so that a swap never touches a word that means something else, and matching can be
 * case-insensitive (benchmark text is lower-cased).
 */
export const FIRST_NAMES: readonly string[] = [
  'Alice', 'Emily', 'Sarah', 'Hannah', 'Chloe', 'Maria', 'Sofia', 'Camila', 'Lucia', 'Ingrid',
  'Olga', 'Fatima', 'Aisha', 'Zainab', 'Amara', 'Priya', 'Ananya', 'Mei', 'Yuki', 'Keiko',
  'James', 'Michael', 'David', 'Liam', 'Noah', 'Pierre', 'Luca', 'Tomasz', 'Ivan', 'Carlos',
  'Mateo', 'Ahmed', 'Mohammed', 'Omar', 'Jamal', 'Kwame', 'Arjun', 'Raj', 'Hiroshi', 'Wei',
];

/** Single-word cities; a city is swapped for another city. */
export const CITIES: readonly string[] = [
  'London', 'Berlin', 'Tokyo', 'Mumbai', 'Lagos', 'Cairo', 'Toronto', 'Chicago', 'Boston', 'Madrid',
  'Rome', 'Moscow', 'Beijing', 'Seoul', 'Dublin', 'Istanbul', 'Nairobi', 'Lima', 'Bangkok', 'Vienna',
  'Prague', 'Stockholm', 'Athens', 'Seattle', 'Miami', 'Manila', 'Jakarta', 'Havana', 'Karachi', 'Paris',
];

/** Single-word countries; a country is swapped for another country. (Not Turkey, China or Chad: also common words.) */
export const COUNTRIES: readonly string[] = [
  'France', 'Germany', 'Japan', 'India', 'Brazil', 'Mexico', 'Canada', 'Italy', 'Spain', 'Nigeria',
  'Kenya', 'Egypt', 'Australia', 'Russia', 'Ireland', 'Sweden', 'Norway', 'Poland', 'Vietnam', 'Argentina',
  'Peru', 'Thailand', 'Pakistan', 'Indonesia', 'Ghana', 'Portugal', 'Greece', 'Morocco', 'Colombia', 'Ukraine',
];

/** Clearly negative clauses for the DIR test (appended after the sentence's final punctuation is dropped). */
export const NEGATIVE_CLAUSES: readonly string[] = [
  ', but the ending was awful.',
  ', but the acting was terrible.',
  '. I hated it.',
  ', but it was a complete waste of time.',
  '. The script is dreadful.',
];

/** Clearly positive clauses for the DIR test. */
export const POSITIVE_CLAUSES: readonly string[] = [
  ', and the ending was wonderful.',
  ', and the acting was superb.',
  '. I loved it.',
  ', and it was worth every minute.',
  '. The script is brilliant.',
];

export const POSITIVE_ADJECTIVES: readonly string[] = [
  'good', 'great', 'excellent', 'wonderful', 'enjoyable', 'brilliant',
  'amazing', 'fantastic', 'entertaining', 'impressive', 'beautiful', 'funny',
];

export const NEGATIVE_ADJECTIVES: readonly string[] = [
  'bad', 'boring', 'terrible', 'awful', 'dull', 'horrible',
  'disappointing', 'tedious', 'annoying', 'poor', 'mediocre', 'stupid',
];

export const NEGATION_NOUNS: readonly string[] = ['movie', 'film', 'acting', 'plot', 'script', 'story', 'ending', 'dialogue'];

/** `{noun}` and `{adj}` are filled in; every template negates the adjective. */
export const NEGATION_TEMPLATES: readonly string[] = [
  'The {noun} was not {adj}.',
  'This {noun} is not {adj}.',
  'The {noun} is not {adj} at all.',
  "The {noun} wasn't {adj}.",
  "I don't think the {noun} was {adj}.",
  'I did not find the {noun} {adj}.',
  'I would never call this {noun} {adj}.',
  'The {noun} was never {adj}.',
  'Nothing about the {noun} was {adj}.',
];

// ---------------------------------------------------------------------------
// validation and seeding

function fail(message: string): never {
  throw new GitopsMlError(ROBUSTNESS_INPUT_ERROR, message);
}

/** FNV-1a over UTF-16 code units, then a murmur3 finaliser. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seed for one (run seed, purpose, text) triple. */
export function deriveSeed(seed: number, purpose: string, text = ''): number {
  return hashString(`${seed}\u0000${purpose}\u0000${text}`);
}

function pickOne<T>(items: readonly T[], rng: Rng): T {
  return items[rng.int(items.length)] as T;
}

// ---------------------------------------------------------------------------
// text helpers (no regular expressions over input beyond a one-character class test)

const LETTER_OR_DIGIT_RE = /[\p{L}\p{N}]/u;

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isWordChar(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (isAsciiLetter(code) || (code >= 48 && code <= 57)) return true;
  return code > 127 && LETTER_OR_DIGIT_RE.test(text.charAt(i));
}

function isApostrophe(ch: string): boolean {
  return ch === "'" || ch === '\u2019';
}

interface Span {
  start: number;
  end: number;
}

/**
 * Maximal runs of letters and digits. With `apostrophes`, an apostrophe between two
 * word characters joins them ("didn't" is one word); without, "Alice's" is "Alice" + "s".
 */
function wordSpans(text: string, apostrophes: boolean): Span[] {
  const spans: Span[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isWordChar(text, i)) {
      i++;
      continue;
    }
    const start = i;
    while (
      i < text.length &&
      (isWordChar(text, i) || (apostrophes && isApostrophe(text.charAt(i)) && i > start && i + 1 < text.length && isWordChar(text, i + 1)))
    ) {
      i++;
    }
    spans.push({ start, end: i });
  }
  return spans;
}

/** Indices of every occurrence of `ch` in `text`. */
function indicesOf(text: string, ch: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) out.push(i);
  return out;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** `replacement` in the case pattern of `original`: UPPER, lower, or Capitalised. */
function matchCase(original: string, replacement: string): string {
  const upper = original.toUpperCase();
  const lower = original.toLowerCase();
  if (original === lower) return replacement.toLowerCase();
  if (original === upper && original.length > 1) return replacement.toUpperCase();
  return capitalize(replacement);
}

/** The text without trailing whitespace and without its final run of . ! ? */
function stripFinalPunctuation(text: string): string {
  let end = text.trimEnd().length;
  while (end > 0 && '.!?'.includes(text.charAt(end - 1))) end--;
  return text.slice(0, end).trimEnd();
}

// ---------------------------------------------------------------------------
// INV perturbations

/**
 * Swaps two adjacent, different letters inside one word of at least 4 characters,
 * keeping the word's first and last characters ("movie" → "mvoie"). One typo per
 * sentence; the length is unchanged.
 */
export function typo(text: string, rng: Rng): string | null {
  const candidates: number[][] = [];
  for (const { start, end } of wordSpans(text, true)) {
    if (end - start < 4) continue;
    const positions: number[] = [];
    for (let j = start + 1; j + 1 <= end - 2; j++) {
      const a = text.charCodeAt(j);
      const b = text.charCodeAt(j + 1);
      if (isAsciiLetter(a) && isAsciiLetter(b) && (a | 32) !== (b | 32)) positions.push(j);
    }
    if (positions.length) candidates.push(positions);
  }
  if (!candidates.length) return null;
  const j = pickOne(pickOne(candidates, rng), rng);
  return text.slice(0, j) + text.charAt(j + 1) + text.charAt(j) + text.slice(j + 2);
}

function titleCase(text: string): string {
  let out = '';
  let at = 0;
  for (const { start, end } of wordSpans(text, true)) {
    out += text.slice(at, start) + capitalize(text.slice(start, end));
    at = end;
  }
  return out + text.slice(at);
}

/** UPPER, lower or Title Case, chosen among the variants that change the text. */
export function changeCase(text: string, rng: Rng): string | null {
  const variants = [text.toUpperCase(), text.toLowerCase(), titleCase(text)].filter((v, i, all) => v !== text && all.indexOf(v) === i);
  return variants.length ? pickOne(variants, rng) : null;
}

/** Ends the sentence with "!!" or "..." (replacing a single final "."), or doubles a comma. */
export function addPunctuation(text: string, rng: Rng): string | null {
  const coreEnd = text.trimEnd().length;
  if (coreEnd === 0) return null;
  const core = text.slice(0, coreEnd);
  const tail = text.slice(coreEnd);
  const base = core.endsWith('.') && !core.endsWith('..') ? core.slice(0, -1) : core;
  const variants = [`${base}!!${tail}`, `${base}...${tail}`];
  const commas = indicesOf(text, ',');
  if (commas.length) {
    const at = pickOne(commas, rng);
    variants.push(`${text.slice(0, at)},${text.slice(at)}`);
  }
  const changed = variants.filter((v) => v !== text);
  return changed.length ? pickOne(changed, rng) : null;
}

/** Doubles every space, pads the sentence with a space on each side, or turns one space into a tab. */
export function changeWhitespace(text: string, rng: Rng): string | null {
  if (text.trim() === '') return null;
  const variants = [` ${text} `];
  const spaces = indicesOf(text, ' ');
  if (spaces.length) {
    variants.push(text.split(' ').join('  '));
    const at = pickOne(spaces, rng);
    variants.push(`${text.slice(0, at)}\t${text.slice(at + 1)}`);
  }
  return pickOne(variants, rng);
}

/**
 * Replaces every whole-word occurrence (case-insensitive, case pattern kept) of one
 * word of `list` found in the text with another word of `list`. Which one, when the
 * text holds several, and its replacement are drawn from `rng`.
 */
export function swapFromList(text: string, list: readonly string[], rng: Rng): string | null {
  const byLower = new Map(list.map((w) => [w.toLowerCase(), w] as const));
  const spans = wordSpans(text, false);
  const found: string[] = [];
  for (const { start, end } of spans) {
    const key = text.slice(start, end).toLowerCase();
    if (byLower.has(key) && !found.includes(key)) found.push(key);
  }
  if (!found.length) return null;
  const target = pickOne(found, rng);
  const others = list.filter((w) => w.toLowerCase() !== target);
  if (!others.length) return null;
  const replacement = pickOne(others, rng);
  let out = '';
  let at = 0;
  for (const { start, end } of spans) {
    const word = text.slice(start, end);
    if (word.toLowerCase() !== target) continue;
    out += text.slice(at, start) + matchCase(word, replacement);
    at = end;
  }
  return out + text.slice(at);
}

/** Swaps a person's first name (from FIRST_NAMES) for another one. */
export function swapName(text: string, rng: Rng): string | null {
  return swapFromList(text, FIRST_NAMES, rng);
}

/** Swaps a city for another city, or a country for another country (whichever the text has; both → one at random). */
export function swapLocation(text: string, rng: Rng): string | null {
  const lists = [CITIES, COUNTRIES];
  const order = rng.int(2) === 0 ? lists : [...lists].reverse();
  for (const list of order) {
    const out = swapFromList(text, list, rng);
    if (out !== null) return out;
  }
  return null;
}

export const INV_PERTURBATIONS: readonly Perturbation[] = [
  { name: 'typo', description: 'one swap of two adjacent letters inside a word of 4+ characters', apply: typo },
  { name: 'casing', description: 'the sentence in UPPER, lower or Title Case', apply: changeCase },
  { name: 'punctuation', description: 'ends with "!!" or "...", or a comma doubled', apply: addPunctuation },
  { name: 'whitespace', description: 'doubled spaces, leading/trailing space, or a tab for a space', apply: changeWhitespace },
  { name: 'name_swap', description: 'a first name replaced by another (genders and origins mixed)', apply: swapName },
  { name: 'location_swap', description: 'a city or country replaced by another of the same kind', apply: swapLocation },
];

// ---------------------------------------------------------------------------
// DIR and MFT inputs

/**
 * The sentence with `clause` appended after its final . ! ? (dropped); lower-cased when
 * the sentence has no capitals (benchmark text). Null for a sentence of only punctuation.
 */
export function appendClause(text: string, clause: string): string | null {
  const core = stripFinalPunctuation(text);
  if (core === '') return null;
  return core + (core === core.toLowerCase() ? clause.toLowerCase() : clause);
}

export interface MftCase {
  text: string;
  expected: 0 | 1;
  template: string;
  adjective: string;
}

/**
 * Negation cases: every template × every adjective, once each, with a noun drawn from
 * `seed` — 108 cases per polarity. Negated positive adjectives expect 0, negated
 * negative adjectives expect 1.
 */
export function negationCases(seed: number, polarity: 'positive' | 'negative'): MftCase[] {
  const rng = createRng(deriveSeed(seed, `mft:${polarity}`));
  const adjectives = polarity === 'positive' ? POSITIVE_ADJECTIVES : NEGATIVE_ADJECTIVES;
  const expected = polarity === 'positive' ? 0 : 1;
  const cases: MftCase[] = [];
  for (const template of NEGATION_TEMPLATES) {
    for (const adjective of adjectives) {
      const noun = pickOne(NEGATION_NOUNS, rng);
      cases.push({ text: template.replace('{noun}', noun).replace('{adj}', adjective), expected, template, adjective });
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------
// the run

class CountingScorer {
  calls = 0;
  texts = 0;

  constructor(private readonly scorer: Scorer) {}

  score(texts: readonly string[], what: string): Float64Array {
    if (texts.length === 0) return new Float64Array(0);
    this.calls++;
    this.texts += texts.length;
    const raw = this.scorer(texts);
    if (raw === null || typeof raw !== 'object' || typeof raw.length !== 'number') fail(`scorer returned no array for ${what}`);
    if (raw.length !== texts.length) fail(`scorer returned ${raw.length} scores for ${texts.length} texts (${what})`);
    const out = new Float64Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const s = raw[i];
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) {
        fail(`scorer returned ${String(s)} for text ${i} of ${what}: scores must be probabilities in [0, 1]`);
      }
      out[i] = s;
    }
    return out;
  }
}

function rate(k: number, n: number): number | null {
  return n === 0 ? null : k / n;
}

function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** Indices of the worst failures: highest `severity` first, earlier index on a tie. */
function worst(failed: number[], severity: (i: number) => number): number[] {
  return [...failed].sort((a, b) => severity(b) - severity(a) || a - b).slice(0, MAX_FAILURE_EXAMPLES);
}

function validate(examples: readonly LabelledExample[], opts: RobustnessOptions): void {
  if (!Number.isInteger(opts.seed)) fail(`seed = ${String(opts.seed)}: must be an integer`);
  const max = opts.maxExamples ?? 500;
  if (!Number.isInteger(max) || max < 1) fail(`maxExamples = ${max}: must be a positive integer`);
  const threshold = opts.threshold ?? 0.5;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) fail(`threshold = ${threshold}: must be a number in [0, 1]`);
  const tol = opts.dirTolerance ?? 0.1;
  if (!Number.isFinite(tol) || tol < 0 || tol > 1) fail(`dirTolerance = ${tol}: must be a number in [0, 1]`);
  examples.forEach((e, i) => {
    if (typeof e?.text !== 'string') fail(`examples[${i}].text must be a string`);
    if (e.label !== 0 && e.label !== 1) fail(`examples[${i}].label = ${String(e.label)}: labels must be 0 or 1`);
  });
}

/** At most `max` examples, chosen by a seeded shuffle, returned in their original order. */
export function sampleExamples<T>(examples: readonly T[], max: number, seed: number): T[] {
  if (examples.length <= max) return [...examples];
  const rng = createRng(deriveSeed(seed, 'sample'));
  const idx = Array.from(examples, (_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => examples[i] as T);
}

interface Applied {
  /** Index into the sampled originals. */
  source: number;
  perturbed: string;
}

function applyAll(texts: readonly string[], name: string, seed: number, fn: (text: string, rng: Rng) => string | null): Applied[] {
  const out: Applied[] = [];
  texts.forEach((text, source) => {
    const perturbed = fn(text, createRng(deriveSeed(seed, name, text)));
    if (perturbed !== null && perturbed !== text) out.push({ source, perturbed });
  });
  return out;
}

export function runRobustness(score: Scorer, examples: readonly LabelledExample[], opts: RobustnessOptions): RobustnessReport {
  validate(examples, opts);
  const { seed } = opts;
  const threshold = opts.threshold ?? 0.5;
  const tol = opts.dirTolerance ?? 0.1;
  const scorer = new CountingScorer(score);
  const sample = sampleExamples(examples, opts.maxExamples ?? 500, seed);
  const texts = sample.map((e) => e.text);
  const labels = sample.map((e) => e.label);
  const base = scorer.score(texts, 'the original examples');
  const label = (s: number): 0 | 1 => (s >= threshold ? 1 : 0);

  const tests: RobustnessTest[] = [];
  const drops: AccuracyDrop[] = [];

  for (const p of INV_PERTURBATIONS) {
    const applied = applyAll(texts, p.name, seed, p.apply);
    const after = scorer.score(applied.map((a) => a.perturbed), `INV ${p.name}`);
    const deltas = new Float64Array(applied.length);
    const failed: number[] = [];
    const gold: number[] = [];
    const predsOrig: number[] = [];
    const predsPert: number[] = [];
    applied.forEach((a, i) => {
      const before = base[a.source] as number;
      const now = after[i] as number;
      deltas[i] = Math.abs(now - before);
      if (label(before) !== label(now)) failed.push(i);
      gold.push(labels[a.source] as number);
      predsOrig.push(label(before));
      predsPert.push(label(now));
    });
    tests.push({
      name: p.name,
      kind: 'INV',
      description: `${p.description}: the label must not change`,
      n: applied.length,
      failures: failed.length,
      failure_rate: rate(failed.length, applied.length),
      mean_abs_delta: mean(deltas),
      examples: worst(failed, (i) => deltas[i] as number).map((i) => {
        const a = applied[i] as Applied;
        return { original: texts[a.source] as string, perturbed: a.perturbed, before: base[a.source] as number, after: after[i] as number };
      }),
    });
    drops.push(accuracyDrop(p.name, gold, predsOrig, predsPert));
  }

  const dirTests: { name: string; clauses: readonly string[]; sign: 1 | -1; description: string }[] = [
    { name: 'add_negative_clause', clauses: NEGATIVE_CLAUSES, sign: 1, description: `a clearly negative clause appended: P(positive) must not rise by more than ${tol}` },
    { name: 'add_positive_clause', clauses: POSITIVE_CLAUSES, sign: -1, description: `a clearly positive clause appended: P(positive) must not fall by more than ${tol}` },
  ];
  for (const d of dirTests) {
    const applied = applyAll(texts, d.name, seed, (text, rng) => appendClause(text, pickOne(d.clauses, rng)));
    const after = scorer.score(applied.map((a) => a.perturbed), `DIR ${d.name}`);
    const deltas = new Float64Array(applied.length);
    const absDeltas = new Float64Array(applied.length);
    const failed: number[] = [];
    applied.forEach((a, i) => {
      deltas[i] = (after[i] as number) - (base[a.source] as number);
      absDeltas[i] = Math.abs(deltas[i] as number);
      // sign = +1: a rise is the wrong direction; sign = −1: a fall is.
      if (d.sign * (deltas[i] as number) > tol) failed.push(i);
    });
    tests.push({
      name: d.name,
      kind: 'DIR',
      description: d.description,
      n: applied.length,
      failures: failed.length,
      failure_rate: rate(failed.length, applied.length),
      mean_abs_delta: mean(absDeltas),
      mean_delta: mean(deltas),
      examples: worst(failed, (i) => d.sign * (deltas[i] as number)).map((i) => {
        const a = applied[i] as Applied;
        return { original: texts[a.source] as string, perturbed: a.perturbed, before: base[a.source] as number, after: after[i] as number };
      }),
    });
  }

  const mftTests = [
    { name: 'negated_positive', polarity: 'positive' as const, description: 'a positive adjective negated ("not good", "never call it great") must be predicted negative' },
    { name: 'negated_negative', polarity: 'negative' as const, description: 'a negative adjective negated ("not bad", "never boring") must be predicted positive' },
  ];
  for (const m of mftTests) {
    const cases = negationCases(seed, m.polarity);
    const scores = scorer.score(cases.map((c) => c.text), `MFT ${m.name}`);
    const failed: number[] = [];
    cases.forEach((c, i) => {
      if (label(scores[i] as number) !== c.expected) failed.push(i);
    });
    tests.push({
      name: m.name,
      kind: 'MFT',
      description: m.description,
      n: cases.length,
      failures: failed.length,
      failure_rate: rate(failed.length, cases.length),
      examples: worst(failed, (i) => Math.abs((scores[i] as number) - (cases[i] as MftCase).expected)).map((i) => {
        const c = cases[i] as MftCase;
        return { original: c.text, after: scores[i] as number, expected: c.expected };
      }),
    });
  }

  let correct = 0;
  for (let i = 0; i < sample.length; i++) if (label(base[i] as number) === labels[i]) correct++;

  let maxRate: number | null = null;
  let worstTest: string | null = null;
  const byKind: Record<TestKind, number | null> = { INV: null, DIR: null, MFT: null };
  for (const t of tests) {
    if (t.failure_rate === null) continue;
    if (maxRate === null || t.failure_rate > maxRate) {
      maxRate = t.failure_rate;
      worstTest = t.name;
    }
    const k = byKind[t.kind];
    if (k === null || t.failure_rate > k) byKind[t.kind] = t.failure_rate;
  }
  let maxDrop: number | null = null;
  for (const d of drops) if (d.drop_points !== null && (maxDrop === null || d.drop_points > maxDrop)) maxDrop = d.drop_points;

  return {
    seed,
    threshold,
    dir_tolerance: tol,
    n_available: examples.length,
    n_examples: sample.length,
    accuracy: rate(correct, sample.length),
    tests,
    accuracy_drop: drops,
    max_failure_rate: maxRate,
    worst_test: worstTest,
    max_failure_rate_by_kind: byKind,
    max_accuracy_drop_points: maxDrop,
    scorer_calls: scorer.calls,
    texts_scored: scorer.texts,
  };
}

function accuracyDrop(perturbation: string, gold: number[], predsOrig: number[], predsPert: number[]): AccuracyDrop {
  const n = gold.length;
  if (n === 0) {
    return { perturbation, n, accuracy_original: null, accuracy_perturbed: null, drop_points: null, broken: 0, fixed: 0, p_value: null };
  }
  let okOrig = 0;
  let okPert = 0;
  for (let i = 0; i < n; i++) {
    if (predsOrig[i] === gold[i]) okOrig++;
    if (predsPert[i] === gold[i]) okPert++;
  }
  const test = mcnemar(gold, predsOrig, predsPert);
  return {
    perturbation,
    n,
    accuracy_original: okOrig / n,
    accuracy_perturbed: okPert / n,
    drop_points: (100 * (okOrig - okPert)) / n,
    broken: test.b,
    fixed: test.c,
    p_value: test.p_value,
  };
}

// ---------------------------------------------------------------------------
// the gate

export interface RobustnessLimits {
  /** Highest allowed failure rate of any test of the kind. */
  INV?: number;
  DIR?: number;
  MFT?: number;
  /** Highest allowed accuracy drop, in points, under any perturbation. */
  accuracyDropPoints?: number;
  /** Tests (and accuracy rows) with fewer cases than this are not judged. Default 1. */
  minN?: number;
}

export interface RobustnessVerdict {
  passed: boolean;
  /** One line per exceeded limit. */
  reasons: string[];
}

/** Compares a report with limits; a limit left out is not checked. */
export function robustnessVerdict(report: RobustnessReport, limits: RobustnessLimits): RobustnessVerdict {
  const minN = limits.minN ?? 1;
  const reasons: string[] = [];
  for (const t of report.tests) {
    const limit = limits[t.kind];
    if (limit === undefined || t.failure_rate === null || t.n < minN) continue;
    if (t.failure_rate > limit) {
      reasons.push(`${t.kind} ${t.name}: failure rate ${t.failure_rate.toFixed(3)} (${t.failures}/${t.n}) > ${limit}`);
    }
  }
  if (limits.accuracyDropPoints !== undefined) {
    for (const d of report.accuracy_drop) {
      if (d.drop_points === null || d.n < minN) continue;
      if (d.drop_points > limits.accuracyDropPoints) {
        reasons.push(`accuracy drop under ${d.perturbation}: ${d.drop_points.toFixed(2)} points (n = ${d.n}) > ${limits.accuracyDropPoints}`);
      }
    }
  }
  return { passed: reasons.length === 0, reasons };
}
