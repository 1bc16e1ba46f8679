import { DataError, ValidationError } from '../../model/errors.js';
import { augmentExamples, augmentTokens } from '../../model/data/augment.js';
import {
  cleanExamples,
  cleanText,
  countLabels,
  dedupeExamples,
  findLeakage,
  kFold,
  leakageKey,
  stratifiedSplit,
} from '../../model/data/prepare.js';
import type { Example, Label } from '../../model/types.js';
import { createRng } from '../../model/util/random.js';
import { tokenize } from '../../model/text/tokenizer.js';

const ex = (text: string, label: Label, line?: number): Example => (line === undefined ? { text, label } : { text, label, line });

/** `n` examples, `positives` of them positive, with distinct texts and lines. */
function dataset(n: number, positives: number): Example[] {
  return Array.from({ length: n }, (_, i) => ex(`text ${i}`, i < positives ? 1 : 0, i + 2));
}

describe('cleanText / cleanExamples', () => {
  it('normalises, strips invisible characters, collapses whitespace and trims', () => {
    expect(cleanText('  a\t\tb \n c\u00a0 ')).toBe('a b c');
    expect(cleanText('cre\u0300me\u200b brûlée\ufeff')).toBe('crème brûlée');
    expect(cleanText('\u0007x')).toBe('x');
    // ZWJ belongs to emoji sequences.
    expect(cleanText('\u{1F468}\u200d\u{1F469}')).toBe('\u{1F468}\u200d\u{1F469}');
  });

  it('drops texts that are empty after cleaning and says which', () => {
    const { examples, report } = cleanExamples([ex(' good  film ', 1, 2), ex('   ', 0, 3), ex('fine', 0, 4), ex('\u200b\t', 1)]);
    expect(examples).toEqual([ex('good film', 1, 2), ex('fine', 0, 4)]);
    expect(report).toEqual({ input: 4, kept: 2, changed: 1, dropped: 2, droppedExamples: [{ index: 1, line: 3 }, { index: 3 }] });
  });
});

describe('dedupeExamples', () => {
  const input = [
    ex('a good film', 1, 2),
    ex('a  good film ', 1, 3), // duplicate after cleaning
    ex('bad', 0, 4),
    ex('mixed', 1, 5),
    ex('mixed', 0, 6),
    ex('mixed', 0, 7),
    ex('tie', 1, 8),
    ex('tie', 0, 9),
    ex('bad', 0, 10),
    ex('Bad', 0, 11), // case differs: not an exact duplicate
  ];

  it('removes exact duplicates and keeps the majority label of conflicting texts', () => {
    const { examples, report } = dedupeExamples(input);
    expect(examples.map((e) => [e.text, e.label, e.line])).toEqual([
      ['a good film', 1, 2],
      ['bad', 0, 4],
      ['mixed', 0, 6],
      ['Bad', 0, 11],
    ]);
    expect(report.policy).toBe('majority');
    expect(report.input).toBe(10);
    expect(report.kept).toBe(4);
    expect(report.duplicatesRemoved).toBe(2);
    expect(report.conflictRowsRemoved).toBe(4);
    expect(report.conflicts).toEqual([
      {
        text: 'mixed',
        counts: { negative: 2, positive: 1 },
        examples: [
          { index: 3, line: 5 },
          { index: 4, line: 6 },
          { index: 5, line: 7 },
        ],
        resolution: 0,
      },
      {
        text: 'tie',
        counts: { negative: 1, positive: 1 },
        examples: [
          { index: 6, line: 8 },
          { index: 7, line: 9 },
        ],
        resolution: 'dropped',
      },
    ]);
  });

  it('can drop every conflicting text instead', () => {
    const { examples, report } = dedupeExamples(input, { conflicts: 'drop' });
    expect(examples.map((e) => e.text)).toEqual(['a good film', 'bad', 'Bad']);
    expect(report.conflictRowsRemoved).toBe(5);
    expect(report.conflicts.map((c) => c.resolution)).toEqual(['dropped', 'dropped']);
    expect(report.kept + report.duplicatesRemoved + report.conflictRowsRemoved).toBe(report.input);
  });

  it('rejects an unknown policy', () => {
    expect(() => dedupeExamples(input, { conflicts: 'first' as 'drop' })).toThrow(ValidationError);
  });
});

describe('findLeakage', () => {
  const train = [ex("it 's great !", 1, 2), ex('dull', 0, 3), ex('a phrase', 1, 4), ex('dull', 0, 5)];
  const test = [ex("It's great!", 1, 2), ex('a phrase in a longer sentence', 1, 3), ex('Dull.', 0, 4), ex('DULL', 1, 5), ex('new', 0, 6)];

  it('finds texts shared after normalisation, with counts, share and samples', () => {
    const r = findLeakage(train, test, { samples: 2 });
    expect(r.trainCount).toBe(4);
    expect(r.testCount).toBe(5);
    expect(r.leakedExamples).toBe(2); // "It's great!" and "DULL"; "Dull." has an extra token
    expect(r.share).toBeCloseTo(0.4, 10);
    expect(r.sharedTexts).toBe(2);
    expect(r.labelMismatches).toBe(1);
    expect(r.samples).toEqual([
      { text: "It's great!", test: { index: 0, line: 2 }, train: { index: 0, line: 2 }, sameLabel: true },
      { text: 'DULL', test: { index: 3, line: 5 }, train: { index: 1, line: 3 }, sameLabel: false },
    ]);
  });

  it('matches whole texts only, not substrings', () => {
    const r = findLeakage([ex('a phrase', 1)], [ex('a phrase in a longer sentence', 1)]);
    expect(r.leakedExamples).toBe(0);
    expect(r.samples).toEqual([]);
  });

  it('reports nothing for disjoint or empty splits and accepts a custom normaliser', () => {
    expect(findLeakage(train, []).share).toBe(0);
    expect(findLeakage([], test).leakedExamples).toBe(0);
    expect(findLeakage(train, test, { normalize: (t) => t }).leakedExamples).toBe(0);
    expect(leakageKey("It's  GREAT!!")).toBe("it 's great !");
  });
});

describe('stratifiedSplit', () => {
  const data = dataset(100, 30);

  it('keeps the class ratio in every part and covers every example once', () => {
    const s = stratifiedSplit(data, { train: 0.8, dev: 0.1, test: 0.1 }, 7);
    expect([s.train.length, s.dev.length, s.test.length]).toEqual([80, 10, 10]);
    expect(countLabels(s.train)).toEqual({ negative: 56, positive: 24 });
    expect(countLabels(s.dev)).toEqual({ negative: 7, positive: 3 });
    expect(countLabels(s.test)).toEqual({ negative: 7, positive: 3 });
    const all = [...s.train, ...s.dev, ...s.test].map((e) => e.text).sort();
    expect(all).toEqual(data.map((e) => e.text).sort());
    // Parts keep the input order.
    expect(s.test.map((e) => e.line)).toEqual([...s.test.map((e) => e.line as number)].sort((a, b) => a - b));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = stratifiedSplit(data, { train: 0.8, dev: 0.1, test: 0.1 }, 7);
    const b = stratifiedSplit(data, { train: 0.8, dev: 0.1, test: 0.1 }, 7);
    const c = stratifiedSplit(data, { train: 0.8, dev: 0.1, test: 0.1 }, 8);
    expect(b).toEqual(a);
    expect(c.test.map((e) => e.text)).not.toEqual(a.test.map((e) => e.text));
  });

  it('distributes rounding remainders so totals stay on target', () => {
    const s = stratifiedSplit(dataset(10, 5), { train: 0.8, dev: 0.1, test: 0.1 }, 1);
    expect([s.train.length, s.dev.length, s.test.length]).toEqual([8, 1, 1]);
    const odd = stratifiedSplit(dataset(7, 3), { train: 0.5, dev: 0.25, test: 0.25 }, 3);
    expect(odd.train.length + odd.dev.length + odd.test.length).toBe(7);
    expect(Math.abs(odd.train.length - 3.5)).toBeLessThanOrEqual(1);
  });

  it('allows empty parts and rejects bad fractions, seeds and labels', () => {
    const s = stratifiedSplit(data, { train: 0.9, dev: 0, test: 0.1 }, 1);
    expect(s.dev).toEqual([]);
    expect(() => stratifiedSplit(data, { train: 0.8, dev: 0.1, test: 0.2 }, 1)).toThrow('sum to 1');
    expect(() => stratifiedSplit(data, { train: 1.2, dev: -0.1, test: -0.1 }, 1)).toThrow(ValidationError);
    expect(() => stratifiedSplit(data, { train: 0.8, dev: 0.1, test: 0.1 }, 1.5)).toThrow('seed');
    expect(() => stratifiedSplit([ex('x', 2 as Label, 9)], { train: 1, dev: 0, test: 0 }, 1)).toThrow(DataError);
  });
});

describe('kFold', () => {
  const data = dataset(23, 9);

  it('puts every example in exactly one test fold, stratified and balanced', () => {
    const folds = kFold(data, 5, 11);
    expect(folds.map((f) => f.fold)).toEqual([0, 1, 2, 3, 4]);
    const tested = folds.flatMap((f) => f.test.map((e) => e.text)).sort();
    expect(tested).toEqual(data.map((e) => e.text).sort());
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(23);
      expect(f.train.some((e) => f.test.includes(e))).toBe(false);
      const { positive, negative } = countLabels(f.test);
      expect([1, 2]).toContain(positive); // 9 positives over 5 folds
      expect([2, 3]).toContain(negative); // 14 negatives over 5 folds
    }
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const texts = (seed: number): string[][] => kFold(data, 5, seed).map((f) => f.test.map((e) => e.text));
    expect(texts(11)).toEqual(texts(11));
    expect(texts(12)).not.toEqual(texts(11));
  });

  it('rejects k < 2, k > n and fractional k', () => {
    expect(() => kFold(data, 1, 1)).toThrow(ValidationError);
    expect(() => kFold(data, 24, 1)).toThrow('must not exceed');
    expect(() => kFold(data, 2.5, 1)).toThrow('integer');
  });
});

// Augmentation is part of data preparation; its tests live here.
describe('augmentTokens', () => {
  const tokens = tokenize("the plot is n't bad , but the acting is not good , sadly .");

  it('deletes only unprotected tokens, never negations or "but"', () => {
    let shortened = 0;
    for (let seed = 0; seed < 50; seed++) {
      const out = augmentTokens(tokens, 'delete', createRng(seed), { deleteProb: 0.5 });
      expect(out.filter((t) => ["n't", 'not', 'but'].includes(t))).toEqual(["n't", 'but', 'not']);
      // What is left is a subsequence of the input.
      let j = 0;
      for (const t of tokens) if (out[j] === t) j++;
      expect(j).toBe(out.length);
      if (out.length < tokens.length) shortened++;
    }
    expect(shortened).toBeGreaterThan(45);
    expect(augmentTokens(['fine'], 'delete', createRng(1), { deleteProb: 0.99 })).toEqual(['fine']);
    expect(augmentTokens(tokens, 'delete', createRng(1), { deleteProb: 0 })).toEqual(tokens);
  });

  it('swaps adjacent tokens without moving protected ones', () => {
    const out = augmentTokens(tokens, 'swap', createRng(3), { swapRate: 0.2 });
    expect([...out].sort()).toEqual([...tokens].sort());
    expect(out).not.toEqual(tokens);
    for (const t of ["n't", 'but', 'not']) expect(out.indexOf(t)).toBe(tokens.indexOf(t));
    expect(augmentTokens(['not', 'good'], 'swap', createRng(3))).toEqual(['not', 'good']);
  });

  it('drops one punctuation token, or adds a final period when there is none', () => {
    const out = augmentTokens(tokens, 'punct', createRng(5));
    expect(out).toHaveLength(tokens.length - 1);
    expect(out.filter((t) => /\w/.test(t))).toEqual(tokens.filter((t) => /\w/.test(t)));
    expect(augmentTokens(['so', 'good', '!'], 'punct', createRng(5))).toEqual(['so', 'good', '!', '.']);
  });

  it('changes only casing with the case op', () => {
    for (let seed = 0; seed < 10; seed++) {
      const out = augmentTokens(tokens, 'case', createRng(seed));
      expect(out.map((t) => t.toLowerCase())).toEqual(tokens);
      expect(out).not.toEqual(tokens);
    }
  });

  it('rejects unknown ops', () => {
    expect(() => augmentTokens(tokens, 'synonym' as 'swap', createRng(1))).toThrow(ValidationError);
  });
});

describe('augmentExamples', () => {
  const data = [
    ex('a truly great film , full of life .', 1, 2),
    ex('dull , slow and not funny at all .', 0, 3),
    ex('i did not hate it , but it was long .', 0, 4),
    ex('warm , witty and wise .', 1, 5),
  ];

  it('returns the originals followed by labelled copies', () => {
    const { examples, report } = augmentExamples(data, { ratio: 1, seed: 42 });
    expect(examples.slice(0, 4)).toEqual(data);
    expect(report.originals).toBe(4);
    expect(report.requested).toBe(4);
    expect(report.augmented + report.unchanged).toBe(4);
    expect(examples).toHaveLength(4 + report.augmented);
    expect(Object.values(report.byOp).reduce((a, b) => a + b, 0)).toBe(report.augmented);
    expect(report.byOp.case).toBe(0); // not a default op
    for (const copy of examples.slice(4)) {
      const source = data.find((d) => d.line === copy.line) as Example;
      expect(copy.label).toBe(source.label);
      expect(copy.text).not.toBe(source.text);
    }
  });

  it('honours fractional and multiple ratios exactly', () => {
    expect(augmentExamples(data, { ratio: 0.5, seed: 1, ops: ['punct'] }).report.augmented).toBe(2);
    const twice = augmentExamples(data, { ratio: 2.5, seed: 1, ops: ['punct'] });
    expect(twice.report.requested).toBe(10);
    expect(twice.examples).toHaveLength(14);
    expect(augmentExamples(data, { ratio: 0, seed: 1 }).examples).toEqual(data);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const run = (seed: number): string[] => augmentExamples(data, { ratio: 2, seed, ops: ['delete', 'swap'], deleteProb: 0.3 }).examples.map((e) => e.text);
    expect(run(9)).toEqual(run(9));
    expect(run(10)).not.toEqual(run(9));
  });

  it('counts copies that came out unchanged instead of adding duplicates', () => {
    const { examples, report } = augmentExamples([ex('wow', 1)], { ratio: 3, seed: 1, ops: ['swap'] });
    expect(examples).toEqual([ex('wow', 1)]);
    expect(report).toMatchObject({ requested: 3, augmented: 0, unchanged: 3 });
  });

  it('rejects invalid options', () => {
    expect(() => augmentExamples(data, { ratio: -1, seed: 1 })).toThrow('ratio');
    expect(() => augmentExamples(data, { ratio: 1, seed: 1, ops: [] })).toThrow('ops must not be empty');
    expect(() => augmentExamples(data, { ratio: 1, seed: 1, ops: ['nope' as 'swap'] })).toThrow('unknown op');
    expect(() => augmentExamples(data, { ratio: 1, seed: 0.5 })).toThrow('seed');
    expect(() => augmentExamples(data, { ratio: 1, seed: 1, deleteProb: 1 })).toThrow('deleteProb');
  });
});
