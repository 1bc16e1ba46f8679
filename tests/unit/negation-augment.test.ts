import { addNegationExamples, NEGATION_CLAUSE_FRAMES, NEGATION_FRAMES, suiteTemplateWords, suiteVocabulary } from '../../model/data/negation-augment.js';
import { NEGATION_TEMPLATES, negationCases } from '../../model/eval/robustness.js';
import { tokenize } from '../../model/text/tokenizer.js';
import type { Example } from '../../model/types.js';

/** A template as a regular expression over tokens, {noun}/{adj} = any one token. */
function templatePattern(template: string): RegExp {
  const toks = tokenize(template.replace('{noun}', 'NOUNSLOT').replace('{adj}', 'ADJSLOT'));
  const esc = toks.map((t) => (t === 'nounslot' || t === 'adjslot' ? '\\S+' : t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`(^| )${esc.join(' ')}( |$)`);
}

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
    const patterns = NEGATION_TEMPLATES.map(templatePattern);
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
});
