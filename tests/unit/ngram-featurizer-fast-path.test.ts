import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildNgramVocabulary, NgramFeaturizer, wordFeaturesOf } from '../../model/nn/ngram-features.js';
import type { NgramVocabularyJSON, SparseRow } from '../../model/nn/ngram-features.js';
import { tokenize } from '../../model/text/tokenizer.js';

/** The definition: TF-IDF of the feature strings (sublinear tf, smooth idf, L2 norm), ids ascending. */
function reference(vocab: NgramVocabularyJSON, tokens: readonly string[]): SparseRow {
  const ids = new Map(vocab.ngrams.map((g, i) => [g, i]));
  const tf = new Map<number, number>();
  for (const g of wordFeaturesOf(tokens, vocab.maxN, vocab.negation)) {
    const id = ids.get(g);
    if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
  }
  const keys = [...tf.keys()].sort((a, b) => a - b);
  const values = keys.map((id) => (1 + Math.log(tf.get(id) as number)) * (vocab.idf[id] as number));
  const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0));
  return { ids: Int32Array.from(keys), values: Float32Array.from(values.map((v) => (norm > 0 ? v / norm : v))) };
}

describe('n-gram featurizer: the bigram-by-unigram-ids path', () => {
  // Real text: the SST-2 dev sentences (the vocabulary from half of them, so the other half has unknown words).
  const dir = process.env.DATASETS_DIR;
  if (!dir) throw new Error('DATASETS_DIR must point at the datasets (.ci/run sets it)');
  const docs = readFileSync(join(dir, 'sst2', 'dev.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => tokenize(l.split('\t')[0] as string));
  const half = docs.slice(0, Math.floor(docs.length / 2));

  for (const negation of ['none', 'mark', 'add'] as const) {
    for (const maxN of [1, 2, 3]) {
      it(`gives exactly the string path's rows (negation ${negation}, maxN ${maxN})`, () => {
        const vocab = JSON.parse(JSON.stringify(buildNgramVocabulary(half, maxN, 2, { negation }))) as NgramVocabularyJSON;
        const f = new NgramFeaturizer(vocab);
        expect(f.usesBigramIndex).toBe(maxN <= 2 && negation !== 'add');
        let nonEmpty = 0;
        for (const tokens of docs) {
          const got = f.featurize(tokens);
          const want = reference(vocab, tokens);
          expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
          expect(Array.from(got.values)).toEqual(Array.from(want.values));
          if (got.ids.length > 0) nonEmpty++;
        }
        expect(nonEmpty).toBeGreaterThan(docs.length * 0.9);
      });
    }
  }

  it('falls back to the string path when a bigram word is missing from the vocabulary', () => {
    // A hand-edited vocabulary: "good film" without "film".
    const vocab: NgramVocabularyJSON = { ngrams: ['good', 'good film', 'bad'], idf: [1, 2, 1.5], maxN: 2 };
    const f = new NgramFeaturizer(vocab);
    expect(f.usesBigramIndex).toBe(false);
    const row = f.featurize(['a', 'good', 'film']);
    expect(Array.from(row.ids)).toEqual([0, 1]);
    expect(Array.from(row.values)).toEqual(Array.from(reference(vocab, ['a', 'good', 'film']).values));
  });
});
