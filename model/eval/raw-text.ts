/**
 * Text as people write it. SST's test sentences are lower-cased and PTB-tokenised
 * ("it does n't work ."); people type "It doesn't work." on a phone, with curly
 * apostrophes, in capitals, with a link or an emoji after it. These rewrites of the
 * as-written test sentences (`sst2:test_as_written`) keep each sentence's meaning, so a
 * model that reads raw text well scores the same on all of them. Pure: text in, text out.
 */

export interface RawTextVariant {
  name: string;
  description: string;
  rewrite: (text: string) => string;
}

const FINAL_MARK = /[.!?]+$/u;

export const RAW_TEXT_VARIANTS: readonly RawTextVariant[] = [
  { name: 'as_written', description: "the treebank's casing, contractions and punctuation joined", rewrite: (t) => t },
  {
    name: 'typographic_quotes',
    description: 'curly apostrophes and quotes, as phones and word processors type them',
    rewrite: (t) =>
      t
        .replace(/(\w)'(\w)/gu, '$1\u2019$2')
        .replace(/"([^"]*)"/gu, '\u201c$1\u201d')
        .replace(/'/gu, '\u2019'),
  },
  { name: 'lower_no_final_mark', description: 'lower case, no full stop at the end (chat style)', rewrite: (t) => t.toLowerCase().replace(FINAL_MARK, '').trimEnd() },
  { name: 'shouting', description: 'upper case with "!!!" at the end', rewrite: (t) => `${t.toUpperCase().replace(FINAL_MARK, '').trimEnd()}!!!` },
  { name: 'trailing_link', description: 'a link after the text', rewrite: (t) => `${t} https://example.com/reviews/2718?ref=share` },
  { name: 'trailing_emoji', description: 'a neutral emoji after the text (🎬 🍿)', rewrite: (t) => `${t} \u{1F3AC}\u{1F37F}` },
  { name: 'html_entities', description: 'apostrophes and quotes as HTML entities, as scraped pages carry them', rewrite: (t) => t.replace(/'/gu, '&#39;').replace(/"/gu, '&quot;') },
];

export interface RawTextRow {
  variant: string;
  description: string;
  accuracy: number;
  /** Sentences whose predicted label differs from the reference form's. */
  flips: number;
  /** Mean |score − reference score|. */
  mean_score_change: number;
}

export interface RawTextReport {
  n: number;
  reference: { form: string; accuracy: number };
  rows: RawTextRow[];
}

export type BatchScorer = (texts: readonly string[]) => ArrayLike<number>;

/**
 * Scores `reference` (the tokenised form the model was measured on) and every variant of
 * `asWritten`, the same sentences in the same order with the same labels.
 */
export function evaluateRawText(
  score: BatchScorer,
  reference: { texts: readonly string[]; form: string },
  asWritten: readonly string[],
  labels: readonly (0 | 1)[],
  variants: readonly RawTextVariant[] = RAW_TEXT_VARIANTS,
): RawTextReport {
  if (reference.texts.length !== asWritten.length || labels.length !== asWritten.length) {
    throw new Error(`raw-text evaluation: ${reference.texts.length} reference texts, ${asWritten.length} as-written texts and ${labels.length} labels must be the same sentences`);
  }
  const n = labels.length;
  if (n === 0) throw new Error('raw-text evaluation: no sentences');
  const accuracy = (scores: ArrayLike<number>): number => {
    let right = 0;
    for (let i = 0; i < n; i++) if ((scores[i] as number) >= 0.5 === (labels[i] === 1)) right++;
    return right / n;
  };
  const base = score(reference.texts);
  const rows = variants.map((v) => {
    const scores = score(asWritten.map(v.rewrite));
    let flips = 0;
    let change = 0;
    for (let i = 0; i < n; i++) {
      const a = scores[i] as number;
      const b = base[i] as number;
      if (a >= 0.5 !== b >= 0.5) flips++;
      change += Math.abs(a - b);
    }
    return { variant: v.name, description: v.description, accuracy: accuracy(scores), flips, mean_score_change: change / n };
  });
  return { n, reference: { form: reference.form, accuracy: accuracy(base) }, rows };
}
