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

describe('n-gram featurizer: polar words pooled only inside a negation scope (negationDropped)', () => {
  const lexicon = { tokens: ['bad', 'good', 'movie'], scores: [-2.5, 2.1, -0.2], clip: 8 };
  const docs = [
    ['the', 'movie', 'was', 'not', 'bad', '.'],
    ['i', 'do', "n't", 'think', 'the', 'movie', 'was', 'bad', '.'],
    ['not', 'a', 'good', 'movie', '.'],
    ['a', 'good', 'movie', '.'],
  ];

  it('drops a listed polar word inside a scope: no n-gram through it, its polarity only in the pooled feature', () => {
    const vocab = buildNgramVocabulary(docs, 2, 1, { negation: 'mark', negationLexicon: lexicon, dropped: new Set(['bad', 'good']) });
    expect(vocab.negationDropped).toEqual(['bad', 'good']);
    expect(vocab.ngrams).not.toContain('NEG_bad');
    expect(vocab.ngrams).not.toContain('was bad');
    expect(vocab.ngrams).toContain('good movie'); // outside a scope "good" is an ordinary word
    const f = new NgramFeaturizer(JSON.parse(JSON.stringify(vocab)) as NgramVocabularyJSON);
    const row = f.featurize(['not', 'a', 'good', 'movie', '.']);
    const names = Array.from(row.ids).map((id) => vocab.ngrams[id] ?? '(negated polarity)');
    expect(names).toEqual(expect.arrayContaining(['not', 'NEG_a', 'not NEG_a', 'NEG_movie', '(negated polarity)']));
    expect(names).not.toContain('good');
    expect(names).not.toContain('NEG_good');
    expect(names).not.toContain('NEG_a NEG_good');
    expect(names).not.toContain('NEG_good NEG_movie');
    expect(row.values[row.values.length - 1]).toBeCloseTo(2.1 - 0.2, 5);
  });

  it('gives exactly the string path\'s rows on real text with dropped words', () => {
    const dir = process.env.DATASETS_DIR as string;
    const real = readFileSync(join(dir, 'sst2', 'dev.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => tokenize(l.split('\t')[0] as string));
    const lex = { tokens: ['bad', 'good', 'funny', 'dull', 'boring', 'great', 'film'], scores: [-2, 2, 1.5, -1.5, -1.8, 1.9, 0.1], clip: 8 };
    const vocab = buildNgramVocabulary(real.slice(0, 600), 2, 1, { negation: 'mark', negationLexicon: lex, dropped: new Set(['bad', 'good', 'funny', 'dull', 'boring', 'great']) });
    const fast = new NgramFeaturizer(vocab);
    const slowVocab: NgramVocabularyJSON = { ...vocab, ngrams: [...vocab.ngrams, 'zzqx film'], idf: [...vocab.idf.slice(0, -1), 1, vocab.idf[vocab.idf.length - 1] as number] };
    const slow = new NgramFeaturizer(slowVocab);
    expect(fast.usesBigramIndex).toBe(true);
    expect(slow.usesBigramIndex).toBe(false);
    for (const tokens of real) {
      const a = fast.featurize(tokens);
      const b = slow.featurize(tokens);
      expect(Array.from(a.ids)).toEqual(Array.from(b.ids).map((id) => (id === slowVocab.idf.length - 1 ? vocab.idf.length - 1 : id)));
      expect(Array.from(a.values)).toEqual(Array.from(b.values));
    }
  });

  it('refuses a dropped word list without "mark" and a lexicon', () => {
    const vocab = buildNgramVocabulary(docs, 2, 1, { negation: 'add', negationLexicon: lexicon });
    expect(() => buildNgramVocabulary(docs, 2, 1, { negation: 'mark', dropped: new Set(['bad']) })).toThrow(/a dropped word list needs negation "mark" and a negation lexicon/);
    expect(() => new NgramFeaturizer({ ...vocab, negationDropped: ['bad'] })).toThrow(/lists dropped words but not negation "mark" with a lexicon/);
  });
});

describe('the n-gram member with polar words pooled inside negation scopes', () => {
  it('takes the polar words from the one-word training examples and records them in the vocabulary', async () => {
    const { trainNgramMember, singleWordExamples } = await import('../../model/train/train-ngram.js');
    expect([...singleWordExamples([['dull'], ['a', 'dull', 'movie'], ['charm'], []])].sort()).toEqual(['charm', 'dull']);
    const train = [
      { text: 'dull', label: 0 as const },
      { text: 'charm', label: 1 as const },
      { text: 'a dull movie', label: 0 as const },
      { text: 'the movie is not dull', label: 1 as const },
      { text: 'full of charm', label: 1 as const },
      { text: 'the movie has no real charm', label: 0 as const },
    ];
    const config = { enabled: true, maxN: 2, minCount: 1, epochs: 2, batchSize: 2, learningRate: 0.05, share: 0.5, negation: 'mark' as const, negationLexicon: { enabled: true, size: 100, clip: 8, poolPolarWords: true } };
    const member = trainNgramMember({ config, seed: 1, maxTokens: 80, train });
    expect(member.vocab.negationDropped).toEqual(['charm', 'dull']);
    expect(member.vocab.ngrams).toContain('NEG_real');
    expect(member.vocab.ngrams).not.toContain('NEG_dull');
    expect(member.vocab.ngrams).not.toContain('NEG_charm');
    expect(member.weights.weights.length).toBe(member.vocab.idf.length);
  });
});
