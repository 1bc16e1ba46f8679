import { addNegationExamples, NEGATION_CLAUSE_FRAMES, NEGATION_FRAMES, suiteTemplateWords, suiteVocabulary, templatePattern } from '../../model/data/negation-augment.js';
import { NEGATION_TEMPLATES, negationCases } from '../../model/eval/robustness.js';
import { tokenize } from '../../model/text/tokenizer.js';
import type { Example } from '../../model/types.js';


describe('negation examples from the training split', () => {
  // One-word "phrases" like SST's, including words of the robustness suite that must be skipped.
  const train: Example[] = [
    { text: 'hopeless', label: 0 },
    { text: 'enthralling', label: 1 },
    { text: 'boring', label: 0 },
    { text: 'Good', label: 1 },
    { text: 'movie', label: 1 },
    { text: 'London', label: 1 },
    { text: 'never', label: 0 },
    { text: 'a very long sentence that is not a word', label: 1 },
    { text: 'not hopeless', label: 0 },
    { text: 'tiresome', label: 0 },
  ];

  it('adds negated phrases with the opposite label, skipping texts already in training', () => {
    const { examples, report } = addNegationExamples(train, { ratio: 1, framesPerWord: NEGATION_FRAMES.length, seed: 1 });
    expect(examples.slice(0, train.length)).toEqual(train);
    const added = examples.slice(train.length);
    expect(report.polarWords).toBe(3);
    expect(added.length).toBe(report.added);
    expect(added).toContainEqual({ text: 'never enthralling', label: 0 });
    expect(added).toContainEqual({ text: 'not at all tiresome', label: 1 });
    expect(added.find((e) => e.text === 'not hopeless')).toBeUndefined();
    expect(report.skippedExisting).toBe(1);
  });

  it('negates short polar phrases from a distance, only when asked, skipping ineligible phrases', () => {
    const phrases: Example[] = [
      { text: 'a hopeless mess', label: 0 },
      { text: 'utterly enthralling', label: 1 },
      { text: 'a boring mess', label: 0 }, // a suite word
      { text: 'not a mess', label: 1 }, // a negator
      { text: 'funny , but thin', label: 1 }, // punctuation and a contrast word
      { text: 'one two three four five', label: 1 }, // too long
    ];
    expect(addNegationExamples(phrases, { ratio: 1, seed: 1 }).report.clauses).toBe(0);
    const { examples, report } = addNegationExamples(phrases, { ratio: 0, clauseRatio: 1, seed: 1 });
    expect(report.polarPhrases).toBe(2);
    expect(report.clauses).toBe(2);
    const added = examples.slice(phrases.length);
    const framed = (phrase: string, label: 0 | 1): boolean =>
      added.some((e) => e.label === label && NEGATION_CLAUSE_FRAMES.some((f) => f.replace('{p}', phrase) === e.text));
    expect(framed('a hopeless mess', 1)).toBe(true);
    expect(framed('utterly enthralling', 0)).toBe(true);
  });

  it('is seeded', () => {
    const a = addNegationExamples(train, { ratio: 0.5, seed: 7 }).examples;
    expect(addNegationExamples(train, { ratio: 0.5, seed: 7 }).examples).toEqual(a);
  });

  it('never overlaps the robustness suite: no suite word, no suite template, no suite case', () => {
    const vocab = new Set([...suiteVocabulary(), ...suiteTemplateWords()]);
    const suiteWords = [
      ...train.map((e) => e.text.toLowerCase()),
      ...['great', 'dull', 'film', 'plot', 'paris', 'alice', 'ending', 'acting', 'script'],
      // Phrases: with suite words (skipped) and without (negated from a distance).
      ...['a great mess', 'the dull plot', 'utterly enthralling', 'a hopeless mess', 'quite tiresome really'],
    ];
    for (const w of ['boring', 'good', 'movie', 'london', 'film', 'plot', 'awful', 'script', 'ending', 'hated', 'wonderful']) expect(vocab.has(w)).toBe(true);
    const { examples } = addNegationExamples(
      suiteWords.map((text, i) => ({ text, label: (i % 2) as 0 | 1 })),
      { ratio: 1, framesPerWord: NEGATION_FRAMES.length, clauseRatio: 1, seed: 3 },
    );
    const added = examples.slice(suiteWords.length).map((e) => tokenize(e.text));
    expect(added.length).toBeGreaterThan(0);
    const cases = new Set([...negationCases(42, 'positive'), ...negationCases(42, 'negative')].map((c) => tokenize(c.text).join(' ')));
    const patterns = NEGATION_TEMPLATES.map((t) => templatePattern(t));
    for (const toks of added) {
      for (const t of toks) expect(vocab.has(t)).toBe(false);
      expect(cases.has(toks.join(' '))).toBe(false);
      for (const p of patterns) expect(p.test(toks.join(' '))).toBe(false);
    }
    // The frames themselves are not suite templates.
    expect(added.some((toks) => toks.length >= 5)).toBe(true); // the clause frames ran
    for (const f of NEGATION_FRAMES) for (const p of patterns) expect(p.test(tokenize(f.replace('{w}', 'xyz')).join(' '))).toBe(false);
    for (const f of NEGATION_CLAUSE_FRAMES) {
      for (const p of patterns) expect(p.test(tokenize(f.replace('{p}', 'xyz')).join(' '))).toBe(false);
      for (const t of tokenize(f.replace('{p}', ''))) expect(vocab.has(t)).toBe(false);
    }
  });

  describe('counterfactual copies of real negations', () => {
    const lexicon: Example[] = [
      { text: 'enthralling', label: 1 },
      { text: 'gripping', label: 1 },
      { text: 'grating', label: 0 },
      { text: 'plodding', label: 0 },
      { text: 'tiresome', label: 0 },
      { text: 'good', label: 1 }, // a suite word: never swapped in, and a text holding it is not swapped
      { text: 'never', label: 0 }, // negators are one-word examples in SST too: they open the scope, they are not swapped
      { text: "n't", label: 0 },
    ];
    const real: Example[] = [
      { text: 'the story is n\'t enthralling', label: 0 }, // eligible: one polar word, negated, label reversed
      { text: 'never once plodding', label: 1 }, // eligible
      { text: 'not enthralling , but gripping', label: 0 }, // two polar words
      { text: 'gripping , not a story', label: 1 }, // the polar word is outside the scope
      { text: 'the plot is n\'t enthralling', label: 1 }, // the label is not the reversal of the word
      { text: 'is n\'t good or gripping', label: 0 }, // a suite word besides the polar one
      { text: 'i did not find the acting plodding .', label: 1 }, // shaped like a suite template
    ];

    it('copies each eligible text with its negated polar word swapped for one of the other polarity and the label flipped', () => {
      const { examples, report } = addNegationExamples([...lexicon, ...real], { ratio: 0, swapsPerText: 3, seed: 5 });
      expect(report.swappable).toBe(2);
      const added = examples.slice(lexicon.length + real.length);
      expect(added.length).toBe(report.swaps);
      expect(added.length).toBeGreaterThan(0);
      for (const e of added) {
        const m = /^the story is n't (\S+)$/.exec(e.text) ?? /^never once (\S+)$/.exec(e.text);
        expect(m).not.toBeNull();
        const word = (m as RegExpExecArray)[1] as string;
        // enthralling (1) → a negative word with the same ending, label 1; plodding (0) → a positive one, label 0.
        if (e.text.startsWith('the story')) expect([['grating', 'plodding'].includes(word), e.label]).toEqual([true, 1]);
        else expect([['enthralling', 'gripping'].includes(word), e.label]).toEqual([true, 0]);
      }
      expect(new Set(added.map((e) => e.text)).size).toBe(added.length);
      expect(addNegationExamples([...lexicon, ...real], { ratio: 0, seed: 5 }).report.swaps).toBe(0);
      expect(addNegationExamples([...lexicon, ...real], { ratio: 0, swapsPerText: 3, seed: 5 })).toEqual({ examples, report });
    });

    it('adds no suite word, no suite case and no text shaped like a suite template', () => {
      const vocab = new Set([...suiteVocabulary(), ...suiteTemplateWords()]);
      const nouns: Example[] = ['movie', 'film', 'plot'].map((n) => ({ text: `the ${n} was never enthralling`, label: 0 }));
      const train = [...lexicon, ...real, ...nouns];
      const { examples } = addNegationExamples(train, { ratio: 0, swapsPerText: 4, seed: 9 });
      const added = examples.slice(train.length);
      expect(added.length).toBeGreaterThan(0);
      const cases = new Set([...negationCases(42, 'positive'), ...negationCases(42, 'negative')].map((c) => tokenize(c.text).join(' ')));
      const patterns = NEGATION_TEMPLATES.map((t) => templatePattern(t));
      for (const e of added) {
        const toks = tokenize(e.text);
        // Exactly one token differs from a training text, and that token is not the suite's.
        const source = train.map((t) => tokenize(t.text)).find((t) => t.length === toks.length && t.filter((x, i) => x !== toks[i]).length === 1) as string[];
        expect(source).toBeDefined();
        const inserted = toks.find((x, i) => x !== source[i]) as string;
        expect(vocab.has(inserted)).toBe(false);
        expect(cases.has(toks.join(' '))).toBe(false);
        for (const p of patterns) expect(p.test(toks.join(' '))).toBe(false);
      }
    });
  });
});
