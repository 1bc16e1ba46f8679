// Parsers only: these tests must pass on a machine without fasttext or scikit-learn.
import {
  accuracyOf,
  fastTextText,
  formatBaselineTable,
  parseFastTextLabel,
  parseFastTextPredictions,
  parseSklearnOutput,
  toFastTextLine,
} from '../../bench/baselines.js';
import { GitopsMlError } from '../../model/errors.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GitopsMlError) return e.code;
    throw e;
  }
  throw new Error('expected a GitopsMlError, nothing was thrown');
}

describe('fastText input format', () => {
  it('writes one label-prefixed line per example', () => {
    expect(toFastTextLine({ text: 'does n\'t work', label: 0 })).toBe("__label__0 does n't work");
    expect(toFastTextLine({ text: 'fine', label: 1 })).toBe('__label__1 fine');
  });

  it('collapses whitespace and newlines so one example stays one line', () => {
    expect(fastTextText('  a\tb\n\nc  ')).toBe('a b c');
  });

  it('defuses tokens fastText would read as labels', () => {
    expect(toFastTextLine({ text: 'x __label__1 y', label: 0 })).toBe('__label__0 x ___label__1 y');
  });
});

describe('fastText predict output', () => {
  it('parses labels', () => {
    expect(parseFastTextLabel('__label__1', 1)).toBe(1);
    expect(parseFastTextLabel('__label__0 ', 1)).toBe(0);
    expect(parseFastTextPredictions('__label__1\n__label__0\n__label__1\n', 3)).toEqual([1, 0, 1]);
  });

  it('rejects unknown labels with the line number', () => {
    expect(() => parseFastTextLabel('__label__2', 7)).toThrow(/line 7: .*"__label__2"/);
    expect(() => parseFastTextPredictions('__label__1\n\n', 2)).toThrow(/line 2/);
  });

  it('rejects a count mismatch instead of scoring a shifted list', () => {
    expect(() => parseFastTextPredictions('__label__1\n__label__0\n', 3)).toThrow(/2 predictions for 3 test examples/);
    expect(codeOf(() => parseFastTextPredictions('', 1))).toBe('E_BASELINE_OUTPUT');
  });
});

describe('accuracyOf', () => {
  it('scores predictions and refuses mismatched lengths', () => {
    expect(accuracyOf([1, 0, 1, 1], [1, 1, 1, 0])).toBe(0.5);
    expect(() => accuracyOf([1, 0], [1])).toThrow(/1 predictions against 2 labels/);
    expect(() => accuracyOf([], [])).toThrow(GitopsMlError);
  });
});

describe('parseSklearnOutput', () => {
  const line =
    '{"name": "tfidf-logreg", "accuracy": 0.8385502471169687, "train_seconds": 3.683, "n_test": 1821, "params": {"C": 16.0, "min_df": 2}}';

  it('maps the snake_case JSON line to a BaselineResult', () => {
    expect(parseSklearnOutput(`${line}\n`)).toEqual({
      name: 'tfidf-logreg',
      accuracy: 0.8385502471169687,
      trainSeconds: 3.683,
      nTest: 1821,
      params: { C: 16, min_df: 2 },
    });
  });

  it('ignores stray non-JSON lines around the result', () => {
    expect(parseSklearnOutput(`ConvergenceWarning: blah\n${line}\n\n`).nTest).toBe(1821);
  });

  it('requires exactly one JSON line', () => {
    expect(() => parseSklearnOutput('')).toThrow(/found 0/);
    expect(() => parseSklearnOutput(`${line}\n${line}\n`)).toThrow(/found 2/);
  });

  it('rejects truncated JSON', () => {
    expect(() => parseSklearnOutput('{"name": "tfidf-logreg", "accur')).toThrow(/not valid JSON/);
  });

  it('names every malformed field', () => {
    const bad = '{"name": "", "accuracy": 1.5, "train_seconds": -1, "n_test": 0.5, "params": []}';
    let message = '';
    try {
      parseSklearnOutput(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    for (const field of ['"name"', '"accuracy"', '"train_seconds"', '"n_test"', '"params"']) {
      expect(message).toContain(field);
    }
    expect(() => parseSklearnOutput('[1, 2]')).toThrow(GitopsMlError);
    expect(() => parseSklearnOutput('{"name": "x", "accuracy": null, "train_seconds": 1, "n_test": 1, "params": {}}')).toThrow(
      /"accuracy"/,
    );
  });
});

describe('formatBaselineTable', () => {
  it('aligns columns', () => {
    const table = formatBaselineTable([
      { name: 'fasttext-bigram', accuracy: 0.83855, trainSeconds: 14.47, nTest: 1821, params: {} },
      { name: 'tfidf-logreg', accuracy: 0.8385502, trainSeconds: 3.683, nTest: 1821, params: {} },
    ]);
    expect(table.split('\n')).toEqual([
      'baseline         accuracy  train s  n_test',
      'fasttext-bigram  0.8386    14.5     1821',
      'tfidf-logreg     0.8386    3.7      1821',
    ]);
  });
});
