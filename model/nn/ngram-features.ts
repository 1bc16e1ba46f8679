/**
 * Sparse TF-IDF features over word uni- and bigrams, as scikit-learn's TfidfVectorizer
 * computes them (smooth idf, sublinear tf, L2 row norm). They feed the linear member
 * of the ensemble, which sees exact n-grams where the CNN sees embeddings: the two err
 * on different sentences, which is what makes averaging them pay.
 */
export interface NgramVocabularyJSON {
  /** n-gram strings ("good", "not good"), index = feature id. */
  ngrams: string[];
  /** Inverse document frequency per feature id. */
  idf: number[];
  maxN: number;
}

export interface SparseRow {
  ids: Int32Array;
  values: Float32Array;
}

const SEP = ' ';

export function ngramsOf(tokens: readonly string[], maxN: number): string[] {
  const out: string[] = [];
  for (let n = 1; n <= maxN; n++) for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(SEP));
  return out;
}

/** Features seen in at least `minCount` documents; ids by document frequency desc, then n-gram. */
export function buildNgramVocabulary(docs: readonly (readonly string[])[], maxN: number, minCount: number): NgramVocabularyJSON {
  const df = new Map<string, number>();
  for (const tokens of docs) for (const g of new Set(ngramsOf(tokens, maxN))) df.set(g, (df.get(g) ?? 0) + 1);
  const kept = [...df.entries()].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const n = docs.length;
  return { ngrams: kept.map(([g]) => g), idf: kept.map(([, c]) => Math.log((1 + n) / (1 + c)) + 1), maxN };
}

export class NgramFeaturizer {
  private readonly ids: Map<string, number>;

  constructor(readonly vocab: NgramVocabularyJSON) {
    if (vocab.ngrams.length !== vocab.idf.length) throw new Error(`n-gram vocabulary has ${vocab.ngrams.length} n-grams but ${vocab.idf.length} idf values`);
    this.ids = new Map(vocab.ngrams.map((g, i) => [g, i]));
  }

  get size(): number {
    return this.vocab.ngrams.length;
  }

  /** TF-IDF row of one tokenized text; unknown n-grams are dropped. */
  featurize(tokens: readonly string[]): SparseRow {
    const tf = new Map<number, number>();
    for (const g of ngramsOf(tokens, this.vocab.maxN)) {
      const id = this.ids.get(g);
      if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    const ids = Int32Array.from([...tf.keys()].sort((a, b) => a - b));
    const values = new Float32Array(ids.length);
    let norm = 0;
    ids.forEach((id, i) => {
      const v = (1 + Math.log(tf.get(id) as number)) * (this.vocab.idf[id] as number);
      values[i] = v;
      norm += v * v;
    });
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * inv;
    }
    return { ids, values };
  }
}
