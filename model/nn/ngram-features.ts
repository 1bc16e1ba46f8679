/**
 * Sparse TF-IDF features over word uni- and bigrams, as scikit-learn's TfidfVectorizer
 * computes them (smooth idf, sublinear tf, L2 row norm). They feed the linear member
 * of the ensemble, which sees exact n-grams where the CNN sees embeddings: the two err
 * on different sentences, which is what makes averaging them pay.
 *
 * Two optional extras, recorded in the vocabulary (so the artifact's tokenizer.json
 * tells the serving featurizer exactly what to compute; a vocabulary without them
 * featurizes as before):
 * - `negation`: negation scope marking (model/text/negation.ts). "mark" replaces every
 *   token in a negation scope by NEG_token before n-grams are taken (Das & Chen;
 *   Pang et al.); "add" keeps the plain n-grams and adds the NEG_token unigrams.
 * - `subword`: hashed character n-grams of every token ("<bad>" → "<ba", "bad", "ad>",
 *   …), as fastText does, in `buckets` extra features after the word n-grams, so a
 *   word never seen in training still carries the signal of its parts. The block is
 *   L2-normalised on its own and scaled by `weight`.
 */
import { markNegation, negationScope, NEGATION_MARK, NEGATION_VERSION } from '../text/negation.js';

export type NegationMode = 'mark' | 'add';

export interface SubwordConfig {
  minN: number;
  maxN: number;
  buckets: number;
  /** L2 norm of the subword block relative to the word block's 1. */
  weight: number;
}

/**
 * A word polarity lexicon (the unigram weights of a first linear model trained with
 * negation marking, so they come from non-negated contexts). With it, the featurizer
 * adds one last feature: the summed polarity of the words inside negation scopes. Its
 * learned weight is how much a negation reverses what it covers, pooled over every
 * word, so "not dreadful" gets the reversal even when "NEG_dreadful" never occurred.
 */
export interface NegationLexicon {
  tokens: string[];
  scores: number[];
  /** The feature's value is clipped to [-clip, clip]. */
  clip: number;
}

export interface NgramVocabularyJSON {
  /** n-gram strings ("good", "not good"), index = feature id. */
  ngrams: string[];
  /** Inverse document frequency per feature id (word n-grams, then subword buckets, then the negated-polarity feature). */
  idf: number[];
  maxN: number;
  negation?: NegationMode;
  /** NEGATION_VERSION of the marking the features were built with (absent: "neg-scope-v1"). */
  negationVersion?: string;
  subword?: SubwordConfig;
  negationLexicon?: NegationLexicon;
  /**
   * "mark" with a lexicon only: tokens that give no word n-gram inside a negation scope,
   * so what they say there reaches the model only through the pooled negated-polarity
   * feature. A per-word NEG_bad learns from the few real negations of "bad" (in SST,
   * mostly in negative sentences) and overrides the pooled reversal; without it the
   * reversal is learnt once, from every negated polar word. Sorted.
   */
  negationDropped?: string[];
}

export interface NgramFeatureOptions {
  negation?: NegationMode | 'none';
  subword?: SubwordConfig;
  negationLexicon?: NegationLexicon;
  /** See NgramVocabularyJSON.negationDropped. */
  dropped?: ReadonlySet<string>;
}

export interface SparseRow {
  ids: Int32Array;
  values: Float32Array;
}

const SEP = ' ';

export function ngramsOf(tokens: readonly string[], maxN: number): string[] {
  const out: string[] = [];
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      let g = tokens[i] as string;
      for (let k = 1; k < n; k++) g += SEP + (tokens[i + k] as string);
      out.push(g);
    }
  }
  return out;
}

/**
 * The word-level feature strings of a text under a negation mode. `dropped` ("mark"
 * only): the tokens that give no n-gram inside a scope.
 */
export function wordFeaturesOf(tokens: readonly string[], maxN: number, negation?: NegationMode, dropped?: ReadonlySet<string>): string[] {
  if (negation === 'mark' && dropped) {
    const scope = negationScope(tokens);
    // A dropped token ends the n-grams around it: each run between dropped tokens gives its own.
    const out: string[] = [];
    let run: string[] = [];
    tokens.forEach((t, i) => {
      if (scope[i] && dropped.has(t)) {
        out.push(...ngramsOf(run, maxN));
        run = [];
      } else run.push(scope[i] ? NEGATION_MARK + t : t);
    });
    out.push(...ngramsOf(run, maxN));
    return out;
  }
  if (negation === 'mark') return ngramsOf(markNegation(tokens), maxN);
  const out = ngramsOf(tokens, maxN);
  if (negation === 'add') {
    const scope = negationScope(tokens);
    for (let i = 0; i < tokens.length; i++) if (scope[i]) out.push(NEGATION_MARK + (tokens[i] as string));
  }
  return out;
}

/** FNV-1a (32-bit) of a string's UTF-16 code units. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Bucket of every character n-gram (minN..maxN) of "<token>", one entry per occurrence. */
export function subwordBuckets(tokens: readonly string[], cfg: SubwordConfig): number[] {
  const out: number[] = [];
  for (const t of tokens) {
    const w = `<${t}>`;
    for (let n = cfg.minN; n <= cfg.maxN; n++) for (let i = 0; i + n <= w.length; i++) out.push(fnv1a(w.slice(i, i + n)) % cfg.buckets);
  }
  return out;
}

/** Features seen in at least `minCount` documents; ids by document frequency desc, then n-gram. */
export function buildNgramVocabulary(docs: readonly (readonly string[])[], maxN: number, minCount: number, options: NgramFeatureOptions = {}): NgramVocabularyJSON {
  const negation = options.negation === 'none' ? undefined : options.negation;
  const { dropped } = options;
  if (dropped && (negation !== 'mark' || !options.negationLexicon)) throw new Error('a dropped word list needs negation "mark" and a negation lexicon');
  const df = new Map<string, number>();
  for (const tokens of docs) for (const g of new Set(wordFeaturesOf(tokens, maxN, negation, dropped))) df.set(g, (df.get(g) ?? 0) + 1);
  const kept = [...df.entries()].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const n = docs.length;
  const idf = kept.map(([, c]) => Math.log((1 + n) / (1 + c)) + 1);
  const vocab: NgramVocabularyJSON = { ngrams: kept.map(([g]) => g), idf, maxN };
  if (negation) {
    vocab.negation = negation;
    vocab.negationVersion = NEGATION_VERSION;
  }
  if (options.subword) {
    const cfg = options.subword;
    const bdf = new Int32Array(cfg.buckets);
    for (const tokens of docs) for (const b of new Set(subwordBuckets(tokens, cfg))) bdf[b] = (bdf[b] as number) + 1;
    for (let b = 0; b < cfg.buckets; b++) idf.push(Math.log((1 + n) / (1 + (bdf[b] as number))) + 1);
    vocab.subword = { ...cfg };
  }
  if (options.negationLexicon) {
    if (!negation) throw new Error('a negation lexicon needs a negation mode');
    idf.push(1);
    vocab.negationLexicon = options.negationLexicon;
  }
  if (dropped) vocab.negationDropped = [...dropped].sort();
  return vocab;
}

/**
 * The lexicon of a trained first-stage model: the `size` plain unigrams (no NEG_, no
 * bigrams) with the largest absolute weight.
 */
export function lexiconFromWeights(vocab: NgramVocabularyJSON, weights: ArrayLike<number>, size: number, clip: number): NegationLexicon {
  const idx: number[] = [];
  vocab.ngrams.forEach((g, i) => {
    if (!g.includes(SEP) && !g.startsWith(NEGATION_MARK)) idx.push(i);
  });
  idx.sort((a, b) => Math.abs(weights[b] as number) - Math.abs(weights[a] as number) || a - b);
  const kept = idx.slice(0, size);
  return { tokens: kept.map((i) => vocab.ngrams[i] as string), scores: kept.map((i) => Math.round((weights[i] as number) * 1e4) / 1e4), clip };
}

/**
 * (a, b) → id for the bigrams of a uni+bigram vocabulary: open addressing over typed
 * arrays. A Map keyed by a·size + b would key most bigrams by a heap number (a·size + b
 * passes 2^31 for vocabularies over ~46k features), which V8 hashes far more slowly
 * than a small integer.
 */
class PairTable {
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly v: Int32Array;
  private readonly mask: number;

  constructor(count: number) {
    let cap = 16;
    while (cap < count * 2) cap *= 2;
    this.a = new Int32Array(cap).fill(-1);
    this.b = new Int32Array(cap);
    this.v = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private static hash(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ b;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
    return h ^ (h >>> 13);
  }

  set(a: number, b: number, value: number): void {
    let i = PairTable.hash(a, b) & this.mask;
    while (this.a[i] !== -1 && !(this.a[i] === a && this.b[i] === b)) i = (i + 1) & this.mask;
    this.a[i] = a;
    this.b[i] = b;
    this.v[i] = value;
  }

  /** The id of (a, b), or -1. */
  get(a: number, b: number): number {
    let i = PairTable.hash(a, b) & this.mask;
    for (;;) {
      const k = this.a[i] as number;
      if (k === -1) return -1;
      if (k === a && this.b[i] === b) return this.v[i] as number;
      i = (i + 1) & this.mask;
    }
  }
}

/** addTfIdf over `count` feature ids in ascending order, repeats adjacent (one per occurrence). */
function addSortedTfIdf(sorted: Int32Array, count: number, idf: readonly number[], ids: number[], values: number[]): void {
  const start = values.length;
  let norm = 0;
  for (let i = 0; i < count; ) {
    const id = sorted[i] as number;
    let j = i + 1;
    while (j < count && sorted[j] === id) j++;
    const v = (1 + Math.log(j - i)) * (idf[id] as number);
    ids.push(id);
    values.push(v);
    norm += v * v;
    i = j;
  }
  if (norm > 0) {
    const k = 1 / Math.sqrt(norm);
    for (let i = start; i < values.length; i++) values[i] = (values[i] as number) * k;
  }
}

function addTfIdf(tf: Map<number, number>, idf: readonly number[], scale: number, ids: number[], values: number[]): void {
  const keys = [...tf.keys()].sort((a, b) => a - b);
  const start = values.length;
  let norm = 0;
  for (const id of keys) {
    const v = (1 + Math.log(tf.get(id) as number)) * (idf[id] as number);
    ids.push(id);
    values.push(v);
    norm += v * v;
  }
  if (norm > 0) {
    const k = scale / Math.sqrt(norm);
    for (let i = start; i < values.length; i++) values[i] = (values[i] as number) * k;
  }
}

export class NgramFeaturizer {
  private readonly ids: Map<string, number>;
  private readonly lexicon?: Map<string, number>;
  /**
   * Uni- and bigram vocabularies ("mark" or no negation) take a fast path: a bigram is
   * found by its two unigram ids (key a·size + b) instead of building and hashing the
   * string "a b" per position. A bigram's document frequency never exceeds its words',
   * so both words are in the vocabulary whenever it is; if some vocabulary breaks that,
   * `bigrams` stays undefined and every text takes the string path.
   */
  private readonly bigrams?: PairTable;
  /** "mark" vocabularies: token → id of its NEG_ form, so a marked token is found without building the string. */
  private readonly negatedIds?: Map<string, number>;
  /** negationDropped vocabularies: the tokens that give no word n-gram inside a scope. */
  private readonly dropped?: Set<string>;
  /** Feature ids of one text before counting (grown when a text needs more). */
  private scratch = new Int32Array(256);

  constructor(readonly vocab: NgramVocabularyJSON) {
    const expected = vocab.ngrams.length + (vocab.subword?.buckets ?? 0) + (vocab.negationLexicon ? 1 : 0);
    if (expected !== vocab.idf.length) throw new Error(`n-gram vocabulary has ${expected} features but ${vocab.idf.length} idf values`);
    if (vocab.negation !== undefined && vocab.negation !== 'mark' && vocab.negation !== 'add') throw new Error(`unknown n-gram negation mode "${String(vocab.negation)}"`);
    // A vocabulary from before the field existed was built with the first marking.
    const marking = vocab.negationVersion ?? 'neg-scope-v1';
    if (vocab.negation !== undefined && marking !== NEGATION_VERSION) {
      throw new Error(`n-gram features mark negation as "${marking}", this code as "${NEGATION_VERSION}": retrain or use a matching release`);
    }
    if (vocab.negationDropped) {
      if (vocab.negation !== 'mark' || !vocab.negationLexicon) throw new Error('n-gram vocabulary lists dropped words but not negation "mark" with a lexicon');
      this.dropped = new Set(vocab.negationDropped);
    }
    this.ids = new Map(vocab.ngrams.map((g, i) => [g, i]));
    if (vocab.maxN <= 2 && vocab.negation !== 'add') this.bigrams = this.bigramIndex();
    if (vocab.negation === 'mark') {
      this.negatedIds = new Map();
      vocab.ngrams.forEach((g, id) => {
        if (g.startsWith(NEGATION_MARK) && !g.includes(SEP)) this.negatedIds?.set(g.slice(NEGATION_MARK.length), id);
      });
    }
    const lex = vocab.negationLexicon;
    if (lex) {
      if (!vocab.negation) throw new Error('n-gram vocabulary has a negation lexicon but no negation mode');
      if (lex.tokens.length !== lex.scores.length) throw new Error(`negation lexicon has ${lex.tokens.length} tokens but ${lex.scores.length} scores`);
      this.lexicon = new Map(lex.tokens.map((t, i) => [t, lex.scores[i] as number]));
    }
  }

  private bigramIndex(): PairTable | undefined {
    const n = this.vocab.ngrams.length;
    let pairs = 0;
    for (const g of this.vocab.ngrams) if (g.includes(SEP)) pairs++;
    const index = new PairTable(pairs);
    for (let id = 0; id < n; id++) {
      const g = this.vocab.ngrams[id] as string;
      const sep = g.indexOf(SEP);
      if (sep < 0) continue;
      const a = this.ids.get(g.slice(0, sep));
      const b = this.ids.get(g.slice(sep + 1));
      if (a === undefined || b === undefined || g.indexOf(SEP, sep + 1) >= 0) return undefined;
      index.set(a, b, id);
    }
    return index;
  }

  /** Term counts of the word n-grams from their strings (vocabularies the fast path does not cover). */
  private wordCounts(tokens: readonly string[]): Map<number, number> {
    const tf = new Map<number, number>();
    for (const g of wordFeaturesOf(tokens, this.vocab.maxN, this.vocab.negation, this.dropped)) {
      const id = this.ids.get(g);
      if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    return tf;
  }

  /**
   * The fast path of `bigrams`: the word n-gram ids of a text, one per occurrence, sorted
   * into `scratch`; returns how many. A marked token is looked up by its plain string
   * (`negatedIds`), a bigram by its two unigram ids.
   */
  private wordIds(tokens: readonly string[], bigrams: PairTable, scope: Uint8Array | undefined): number {
    if (this.scratch.length < 2 * tokens.length) this.scratch = new Int32Array(2 * tokens.length);
    const out = this.scratch;
    const negated = this.negatedIds;
    const dropped = this.dropped;
    const pairs = this.vocab.maxN === 2;
    let k = 0;
    let prev = -1;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as string;
      const inScope = scope !== undefined && scope[i] === 1;
      const id = inScope && dropped?.has(t) ? undefined : inScope && negated ? negated.get(t) : this.ids.get(t);
      if (id === undefined) {
        prev = -1;
        continue;
      }
      out[k++] = id;
      if (pairs && prev >= 0) {
        const bid = bigrams.get(prev, id);
        if (bid >= 0) out[k++] = bid;
      }
      prev = id;
    }
    out.subarray(0, k).sort();
    return k;
  }

  /** Whether bigrams are found by unigram ids (see `bigrams`). */
  get usesBigramIndex(): boolean {
    return this.bigrams !== undefined;
  }

  /** Number of features (= weights of the linear member). */
  get size(): number {
    return this.vocab.idf.length;
  }

  /**
   * TF-IDF row of one tokenized text; unknown n-grams are dropped. `scope`: the text's
   * negationScope(tokens), when the caller has it already (the served model computes it
   * once for its neural member and this one).
   */
  featurize(tokens: readonly string[], scope?: Uint8Array): SparseRow {
    const ids: number[] = [];
    const values: number[] = [];
    // The scope is needed by the fast path's marking and by the lexicon feature; computed once for both.
    const marks = this.bigrams !== undefined && this.vocab.negation === 'mark';
    if (scope === undefined && (marks || this.lexicon)) scope = negationScope(tokens);
    if (this.bigrams) {
      const k = this.wordIds(tokens, this.bigrams, marks ? scope : undefined);
      addSortedTfIdf(this.scratch, k, this.vocab.idf, ids, values);
    } else addTfIdf(this.wordCounts(tokens), this.vocab.idf, 1, ids, values);
    const sw = this.vocab.subword;
    if (sw) {
      const offset = this.vocab.ngrams.length;
      const stf = new Map<number, number>();
      for (const b of subwordBuckets(tokens, sw)) stf.set(offset + b, (stf.get(offset + b) ?? 0) + 1);
      addTfIdf(stf, this.vocab.idf, sw.weight, ids, values);
    }
    if (this.lexicon) {
      let polarity = 0;
      for (let i = 0; i < tokens.length; i++) if (scope?.[i]) polarity += this.lexicon.get(tokens[i] as string) ?? 0;
      const clip = (this.vocab.negationLexicon as NegationLexicon).clip;
      ids.push(this.vocab.idf.length - 1);
      values.push(Math.max(-clip, Math.min(clip, polarity)));
    }
    return { ids: Int32Array.from(ids), values: Float32Array.from(values) };
  }
}
