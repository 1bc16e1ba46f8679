import { RAW_TEXT_VARIANTS, evaluateRawText } from '../../model/eval/raw-text.js';

const rewrite = (name: string, text: string): string => {
  const v = RAW_TEXT_VARIANTS.find((x) => x.name === name);
  if (!v) throw new Error(`no variant ${name}`);
  return v.rewrite(text);
};

describe('raw-text variants', () => {
  it('rewrite a sentence the way phones, chats and scraped pages send it', () => {
    expect(rewrite('typographic_quotes', 'It\'s "great", isn\'t it?')).toBe('It\u2019s \u201cgreat\u201d, isn\u2019t it?');
    expect(rewrite('lower_no_final_mark', 'It Works.')).toBe('it works');
    expect(rewrite('shouting', 'It works.')).toBe('IT WORKS!!!');
    expect(rewrite('html_entities', 'It\'s "fun"')).toBe('It&#39;s &quot;fun&quot;');
    expect(rewrite('trailing_link', 'Fun.')).toMatch(/^Fun\. https:\/\//);
  });
});

describe('evaluateRawText', () => {
  // A scorer that reads only the first letter's case: upper → positive.
  const byCase = (texts: readonly string[]): number[] => texts.map((t) => (/^[A-Z]/.test(t) ? 0.9 : 0.1));

  it('counts accuracy, changed labels and score moves of each variant against the reference form', () => {
    const report = evaluateRawText(byCase, { texts: ['Good', 'bad'], form: 'ref' }, ['Good', 'Bad'], [1, 0]);
    expect(report.reference).toEqual({ form: 'ref', accuracy: 1 });
    const lower = report.rows.find((r) => r.variant === 'lower_no_final_mark');
    const asWritten = report.rows.find((r) => r.variant === 'as_written');
    expect(asWritten).toMatchObject({ accuracy: 0.5, flips: 1 });
    expect(asWritten?.mean_score_change).toBeCloseTo(0.4);
    expect(lower).toMatchObject({ accuracy: 0.5, flips: 1 });
    expect(report.rows.map((r) => r.variant)).toEqual(RAW_TEXT_VARIANTS.map((v) => v.name));
  });

  it('refuses inputs that are not the same sentences', () => {
    expect(() => evaluateRawText(byCase, { texts: ['a'], form: 'ref' }, ['a', 'b'], [1, 0])).toThrow(/1 reference texts, 2 as-written texts and 2 labels/);
    expect(() => evaluateRawText(byCase, { texts: [], form: 'ref' }, [], [])).toThrow(/no sentences/);
  });
});
