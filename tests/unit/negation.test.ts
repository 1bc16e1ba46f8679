import { markNegation, negationScope, NEGATION_MARK, NEGATION_VERSION } from '../../model/text/negation.js';
import { buildNgramVocabulary, lexiconFromWeights, NgramFeaturizer, subwordBuckets, wordFeaturesOf } from '../../model/nn/ngram-features.js';
import { tokenize } from '../../model/text/tokenizer.js';

describe('negation scope marking', () => {
  it('marks the tokens after a negator up to the next punctuation mark', () => {
    expect(markNegation(tokenize("It wasn't funny, but the cast is good."))).toEqual(['it', 'was', "n't", 'NEG_funny', ',', 'but', 'the', 'cast', 'is', 'good', '.']);
    expect(markNegation(tokenize('I do not think the film was good. It was bad'))).toEqual([
      'i', 'do', 'not', 'NEG_think', 'NEG_the', 'NEG_film', 'NEG_was', 'NEG_good', '.', 'it', 'was', 'bad',
    ]);
  });

  it('closes a scope at a contrast word and keeps it open across a second negator', () => {
    expect(markNegation(['not', 'funny', 'but', 'moving'])).toEqual(['not', 'NEG_funny', 'but', 'moving']);
    expect(Array.from(negationScope(['never', 'not', 'good']))).toEqual([0, 0, 1]);
  });

  it('never collides with a real token: the tokenizer lower-cases the marker', () => {
    expect(tokenize('NEG_good').some((t) => t.startsWith(NEGATION_MARK))).toBe(false);
  });
});

describe('n-gram features with negation, subwords and a negation lexicon', () => {
  const docs = [['not', 'good'], ['good', 'film'], ['not', 'a', 'good', 'film'], ['bad', 'film'], ['never', 'bad']];

  it('"mark" replaces in-scope tokens, "add" keeps the plain n-grams and adds NEG_ unigrams', () => {
    expect(wordFeaturesOf(['not', 'good', '.'], 2, 'mark')).toEqual(['not', 'NEG_good', '.', 'not NEG_good', 'NEG_good .']);
    expect(wordFeaturesOf(['not', 'good'], 2, 'add')).toEqual(['not', 'good', 'not good', 'NEG_good']);
    expect(wordFeaturesOf(['not', 'good'], 2)).toEqual(['not', 'good', 'not good']);
  });

  it('records the marking version, and refuses features built with another one (an artifact trained with v1)', () => {
    const vocab = JSON.parse(JSON.stringify(buildNgramVocabulary(docs, 2, 1, { negation: 'mark' })));
    expect(vocab.negationVersion).toBe(NEGATION_VERSION);
    // A vocabulary from before the field existed was built with v1, which is this code's marking.
    expect(() => new NgramFeaturizer({ ...vocab, negationVersion: undefined })).not.toThrow();
    expect(() => new NgramFeaturizer({ ...vocab, negationVersion: 'neg-scope-v0' })).toThrow(`n-gram features mark negation as "neg-scope-v0", this code as "${NEGATION_VERSION}": retrain or use a matching release`);
    expect(buildNgramVocabulary(docs, 2, 1).negationVersion).toBeUndefined();
  });

  it('a vocabulary without the extras featurizes exactly as before (old artifacts)', () => {
    const vocab = buildNgramVocabulary(docs, 2, 1);
    expect(vocab.negation).toBeUndefined();
    expect(vocab.subword).toBeUndefined();
    const row = new NgramFeaturizer(JSON.parse(JSON.stringify(vocab))).featurize(['not', 'a', 'good', 'film']);
    expect(Array.from(row.ids)).toEqual([...row.ids].sort((a, b) => a - b));
    expect(row.values.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 5);
  });

  it('"not good" and "good" share no unigram under "mark", and the mode survives JSON', () => {
    const vocab = JSON.parse(JSON.stringify(buildNgramVocabulary(docs, 2, 1, { negation: 'mark' })));
    expect(vocab.negation).toBe('mark');
    const f = new NgramFeaturizer(vocab);
    const a = new Set(f.featurize(['not', 'good']).ids);
    const b = f.featurize(['good']).ids;
    expect([...b].some((id) => a.has(id))).toBe(false);
  });

  it('subword buckets follow the word features, normalised to `weight`, and give unseen words features', () => {
    const cfg = { minN: 3, maxN: 4, buckets: 64, weight: 0.5 };
    const vocab = buildNgramVocabulary(docs, 2, 1, { subword: cfg });
    const f = new NgramFeaturizer(vocab);
    expect(f.size).toBe(vocab.ngrams.length + 64);
    const row = f.featurize(['goodish']);
    expect(row.ids.length).toBeGreaterThan(0);
    expect(Math.min(...row.ids)).toBeGreaterThanOrEqual(vocab.ngrams.length);
    expect(Math.sqrt(row.values.reduce((s, v) => s + v * v, 0))).toBeCloseTo(0.5, 5);
    expect(subwordBuckets(['bad'], cfg)).toHaveLength(3 + 2);
  });

  it('the negation lexicon adds one last feature: the summed polarity inside negation scopes, clipped', () => {
    const base = buildNgramVocabulary(docs, 2, 1, { negation: 'mark' });
    const weights = base.ngrams.map((g) => (g === 'good' ? 2 : g === 'bad' ? -3 : 0.1));
    const lexicon = lexiconFromWeights(base, weights, 2, 2.5);
    expect(lexicon.tokens).toEqual(['bad', 'good']);
    const vocab = buildNgramVocabulary(docs, 2, 1, { negation: 'mark', negationLexicon: lexicon });
    const f = new NgramFeaturizer(vocab);
    expect(f.size).toBe(base.ngrams.length + 1);
    const last = (tokens: string[]): number => {
      const r = f.featurize(tokens);
      return r.ids[r.ids.length - 1] === f.size - 1 ? (r.values[r.values.length - 1] as number) : NaN;
    };
    expect(last(['never', 'bad'])).toBeCloseTo(-2.5, 6);
    expect(last(['not', 'good'])).toBeCloseTo(2, 6);
    expect(last(['good', 'film'])).toBe(0);
    expect(() => buildNgramVocabulary(docs, 2, 1, { negationLexicon: lexicon })).toThrow(/negation mode/);
  });
});
