import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  EEC_NOUN_PHRASE_COUNTERPARTS,
  pairedTTest,
  regularizedIncompleteBeta,
  runFairness,
  signTest,
  studentTTwoSidedP,
} from '../../model/eval/fairness.js';
import type { FairnessReport, Scorer } from '../../model/eval/fairness.js';
import { loadEecRows } from '../../model/data/loaders.js';
import type { EecRow } from '../../model/data/loaders.js';
import { datasetsDir } from '../helpers/datasets.js';
import { expectGitopsError } from '../helpers/expect-error.js';

// ---------------------------------------------------------------------------
// a small corpus with the EEC's structure

const NAMES = {
  male: { 'African-American': ['Jamel', 'Malik'], European: ['Adam', 'Harry'] },
  female: { 'African-American': ['Ebony', 'Tia'], European: ['Amanda', 'Katie'] },
} as const;
/** Noun phrases in the EEC's file order; deliberately listed in a different order for the two genders. */
const NOUN_PHRASES = { male: ['this man', 'my brother'], female: ['my sister', 'this woman'] } as const;
const EMOTION_WORDS: Record<string, string[]> = {
  anger: ['angry', 'furious'],
  fear: ['scared', 'anxious'],
  joy: ['happy', 'glad'],
  sadness: ['sad', 'gloomy'],
};
const EMOTION_TEMPLATES = ['<person subject> feels <emotion word>.', 'I made <person object> feel <emotion word>.'];
const NEUTRAL_TEMPLATES = ['<person subject> has two children.'];

/** 2 templates × 8 words + 1 neutral = 17 groups of 12 sentences. */
function syntheticRows(): EecRow[] {
  const rows: EecRow[] = [];
  const add = (template: string, emotion: string | null, word: string | null): void => {
    for (const gender of ['male', 'female'] as const) {
      const persons: [string, string | null][] = [
        ...NAMES[gender]['African-American'].map((p): [string, string] => [p, 'African-American']),
        ...NAMES[gender].European.map((p): [string, string] => [p, 'European']),
        ...NOUN_PHRASES[gender].map((p): [string, null] => [p, null]),
      ];
      for (const [person, race] of persons) {
        const sentence = template
          .replace(/<person (subject|object)>/, person)
          .replace('<emotion word>', word ?? '');
        rows.push({
          id: `syn-${rows.length}`,
          sentence,
          template,
          person,
          gender,
          race,
          emotion,
          emotionWord: word,
          line: rows.length + 2,
        });
      }
    }
  };
  for (const t of EMOTION_TEMPLATES) for (const [e, words] of Object.entries(EMOTION_WORDS)) for (const w of words) add(t, e, w);
  for (const t of NEUTRAL_TEMPLATES) add(t, null, null);
  return rows;
}

const BASE: Record<string, number> = { anger: 0.1, fear: 0.2, sadness: 0.35, joy: 0.7, none: 0.45 };
const FEMALE_MARKERS = [...NAMES.female['African-American'], ...NAMES.female.European, ...NOUN_PHRASES.female];
const AA_MARKERS = [...NAMES.male['African-American'], ...NAMES.female['African-American']];

/** A scorer driven by the row behind each sentence (the synthetic sentences are unique). */
function rowScorer(rows: readonly EecRow[], f: (r: EecRow) => number): Scorer {
  const bySentence = new Map(rows.map((r) => [r.sentence, r]));
  return (texts) =>
    Float64Array.from(texts, (t) => {
      const r = bySentence.get(t);
      if (!r) throw new Error(`unknown sentence ${t}`);
      return f(r);
    });
}

const emotionOnly = (r: EecRow): number => BASE[r.emotion ?? 'none'] as number;
const containsAny = (text: string, words: readonly string[]): boolean => words.some((w) => text.includes(w));

describe('statistics', () => {
  it('Student t two-sided p-values match scipy', () => {
    // 2 * scipy.stats.t.sf(|t|, df), scipy 1.17.1
    const cases: [number, number, number][] = [
      [2.0, 5, 0.10193947882985835],
      [2.228138852, 10, 0.04999999999883647],
      [0.5, 1, 0.7048327646991335],
      [1.0, 2, 0.4226497308103742],
      [3.5, 30, 0.0014768074376442532],
      [-1.2, 143, 0.23212362772887535],
      [10, 3, 0.0021283990584141503],
      [0, 7, 1],
    ];
    for (const [t, df, p] of cases) expect(studentTTwoSidedP(t, df)).toBeCloseTo(p, 10);
    const tiny = studentTTwoSidedP(40, 143);
    expect(tiny / 1.5689088395083565e-79).toBeCloseTo(1, 6);
    expect(studentTTwoSidedP(Infinity, 4)).toBe(0);
  });

  it('incomplete beta: closed forms', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b; I_0.5(a, a) = 0.5
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedIncompleteBeta(0.7, 3, 1)).toBeCloseTo(0.343, 12);
    expect(regularizedIncompleteBeta(0.2, 1, 4)).toBeCloseTo(1 - 0.8 ** 4, 12);
    expect(regularizedIncompleteBeta(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 12);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('paired t-test matches scipy.stats.ttest_1samp on the differences', () => {
    const r = pairedTTest([0.3, -0.1, 0.25, 0.4, 0.05, 0.2, -0.05, 0.15]);
    expect(r.df).toBe(7);
    expect(r.t as number).toBeCloseTo(2.449489742783178, 10);
    expect(r.p_value as number).toBeCloseTo(0.04414027976792813, 10);
  });

  it('paired t-test degenerate cases', () => {
    expect(pairedTTest([0, 0, 0])).toEqual({ t: 0, df: 2, p_value: 1 });
    expect(pairedTTest([0.2, 0.2, 0.2])).toEqual({ t: null, df: 2, p_value: 0 });
    expect(pairedTTest([0.2])).toEqual({ t: null, df: 0, p_value: null });
  });

  it('sign test matches scipy.stats.binomtest', () => {
    const signs = (pos: number, neg: number, zero = 0): number[] => [
      ...Array<number>(pos).fill(1),
      ...Array<number>(neg).fill(-1),
      ...Array<number>(zero).fill(0),
    ];
    expect(signTest(signs(2, 8)).p_value).toBeCloseTo(0.109375, 12);
    expect(signTest(signs(0, 10)).p_value).toBeCloseTo(0.001953125, 12);
    expect(signTest(signs(5, 5)).p_value).toBe(1);
    expect(signTest(signs(60, 84)).p_value).toBeCloseTo(0.05490187249732838, 10);
    const withZeros = signTest(signs(3, 1, 4));
    expect(withZeros).toMatchObject({ positive: 3, negative: 1, zero: 4 });
    expect(withZeros.p_value).toBeCloseTo(0.625, 12);
    expect(signTest([0, 0])).toEqual({ positive: 0, negative: 0, zero: 2, p_value: 1 });
  });
});

describe('runFairness on an EEC-shaped corpus', () => {
  const rows = syntheticRows();

  it('a scorer that only sees the emotion word has no gaps and no flips', () => {
    const r = runFairness(rowScorer(rows, emotionOnly), rows);
    expect(r.n_sentences).toBe(17 * 12);
    for (const d of [r.gender, r.race]) {
      expect(d.pairs).toBe(17);
      expect(d.mean_diff).toBe(0);
      expect(d.mean_abs_diff).toBe(0);
      expect(d.max_abs_diff).toBe(0);
      expect(d.flip_share).toBe(0);
      expect(d.significance.paired_t_test).toEqual({ t: 0, df: 16, p_value: 1 });
      expect(d.significance.sign_test.p_value).toBe(1);
      expect(Object.keys(d.by_emotion).sort()).toEqual(['anger', 'fear', 'joy', 'none', 'sadness']);
    }
    // gender: 2 AA + 2 European name pairs + 2 noun-phrase pairs per group; race: 2 male + 2 female name pairs.
    expect(r.gender.matched_pairs).toBe(17 * 6);
    expect(r.race.matched_pairs).toBe(17 * 4);
    expect(r.gender.diff_of).toBe('female - male');
    expect(r.race.diff_of).toBe('African-American - European');
  });

  it('+0.2 for female persons: gender gap 0.2, no race gap, flips where 0.5 is crossed', () => {
    const f = (r: EecRow): number => emotionOnly(r) + (r.gender === 'female' ? 0.2 : 0);
    const r = runFairness(rowScorer(rows, f), rows);
    expect(r.gender.mean_diff).toBeCloseTo(0.2, 6);
    expect(r.gender.mean_abs_diff).toBeCloseTo(0.2, 6);
    expect(r.gender.max_abs_diff).toBeCloseTo(0.2, 6);
    expect(r.gender.significance.sign_test).toMatchObject({ positive: 17, negative: 0, zero: 0 });
    expect(r.gender.significance.sign_test.p_value).toBeCloseTo(2 / 2 ** 17, 12);
    expect(r.gender.significance.paired_t_test.p_value as number).toBeLessThan(1e-6);
    // sadness 0.35 → 0.55 and neutral 0.45 → 0.65 cross 0.5; anger, fear, joy stay on one side.
    expect(r.gender.by_emotion.sadness?.flip_share).toBe(1);
    expect(r.gender.by_emotion.none?.flip_share).toBe(1);
    for (const e of ['anger', 'fear', 'joy']) expect(r.gender.by_emotion[e]?.flip_share).toBe(0);
    expect(r.gender.flip_share).toBeCloseTo(5 / 17, 12); // 4 sadness groups + 1 neutral, equal weights
    expect(r.race.mean_diff).toBe(0);
    expect(r.race.max_abs_diff).toBe(0);
    expect(r.race.flip_share).toBe(0);
  });

  it('+0.2 for African-American names: race gap 0.2 and no gender gap', () => {
    const f = (r: EecRow): number => emotionOnly(r) + (containsAny(r.sentence, AA_MARKERS) ? 0.2 : 0);
    const r = runFairness(rowScorer(rows, f), rows);
    expect(r.race.mean_diff).toBeCloseTo(0.2, 6);
    expect(r.race.flip_share).toBeCloseTo(5 / 17, 12);
    expect(r.gender.mean_diff).toBeCloseTo(0, 12);
    expect(r.gender.max_abs_diff).toBeCloseTo(0, 12);
    expect(r.gender.flip_share).toBe(0);
  });

  it('a scorer that only sees the text (female words) gives the same answer as the row scorer', () => {
    const byText: Scorer = (texts) =>
      texts.map((t) => {
        const e = rows.find((r) => r.sentence === t) as EecRow;
        return emotionOnly(e) + (containsAny(t, FEMALE_MARKERS) ? 0.2 : 0);
      });
    const r = runFairness(byText, rows);
    expect(r.gender.mean_diff).toBeCloseTo(0.2, 6);
    expect(r.race.mean_diff).toBe(0);
  });

  it('by-emotion breakdown adds up to the overall figures', () => {
    // Person- and word-specific offsets so that every figure is non-trivial.
    const f = (r: EecRow): number => {
      const h = [...(r.person + r.template)].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 1009, 7) / 1009;
      return Math.min(1, emotionOnly(r) + 0.3 * h);
    };
    const r = runFairness(rowScorer(rows, f), rows);
    for (const d of [r.gender, r.race]) {
      const parts = Object.values(d.by_emotion);
      const n = parts.reduce((s, p) => s + p.n, 0);
      expect(n).toBe(d.pairs);
      expect(parts.reduce((s, p) => s + p.n * p.mean_diff, 0) / n).toBeCloseTo(d.mean_diff, 12);
      expect(parts.reduce((s, p) => s + p.n * p.mean_abs_diff, 0) / n).toBeCloseTo(d.mean_abs_diff, 12);
      expect(Math.max(...parts.map((p) => p.max_abs_diff))).toBe(d.max_abs_diff);
      expect(parts.reduce((s, p) => s + p.matched_pairs, 0)).toBe(d.matched_pairs);
      const flips = parts.reduce((s, p) => s + p.matched_pairs * (p.flip_share as number), 0);
      expect(flips / d.matched_pairs).toBeCloseTo(d.flip_share as number, 12);
      expect(Math.abs(d.max_abs_group.diff)).toBe(d.max_abs_diff);
      expect(d.max_abs_group.diff).toBeCloseTo(d.max_abs_group.mean_a - d.max_abs_group.mean_b, 12);
    }
  });

  it('noun phrases are paired by counterpart, names by all cross pairs within a stratum', () => {
    // "this man" and "this woman" are positive. The noun-phrase lists are in different orders
    // (this man, my brother / my sister, this woman), so pairing by position would flip both
    // pairs; pairing by counterpart flips none.
    const f = (r: EecRow): number => (r.person === 'this woman' || r.person === 'this man' ? 0.9 : 0.1);
    const r = runFairness(rowScorer(rows, f), rows);
    expect(r.gender.flip_share).toBe(0);
    expect(r.gender.mean_diff).toBe(0);
    expect(r.gender.matched_pairs).toBe(17 * 6);

    // Only "this woman": one of the 2 noun-phrase pairs flips in each group, and no name pair.
    const f2 = (r: EecRow): number => (r.person === 'this woman' ? 0.9 : 0.1);
    const r2 = runFairness(rowScorer(rows, f2), rows);
    expect(r2.gender.flip_share).toBeCloseTo(1 / 6, 12);
    expect(r2.gender.mean_diff).toBeCloseTo(0.8 / 6, 12);
    expect(r2.race.flip_share).toBe(0);

    // One positive female AA name: the AA stratum (2 vs 2) has 2 of its 4 cross pairs flipped,
    // i.e. rate 1/2 on 2 matched pairs → 1 expected flip of 6 per group for gender; for race the
    // female stratum is the same → 1 of 4.
    const g = (r: EecRow): number => (r.person === 'Tia' ? 0.9 : 0.1);
    const s = runFairness(rowScorer(rows, g), rows);
    expect(s.gender.flip_share).toBeCloseTo(1 / 6, 12);
    expect(s.race.flip_share).toBeCloseTo(1 / 4, 12);
    expect(s.race.mean_diff).toBeCloseTo(0.8 / 4, 12);
  });

  it('the counterpart table covers the EEC noun phrases', () => {
    const males = EEC_NOUN_PHRASE_COUNTERPARTS.map(([m]) => m);
    const females = EEC_NOUN_PHRASE_COUNTERPARTS.map(([, f]) => f);
    expect(new Set(males).size).toBe(11);
    expect(new Set(females).size).toBe(11);
  });

  it('calls the scorer once with every sentence in row order', () => {
    const calls: (readonly string[])[] = [];
    runFairness((texts) => {
      calls.push(texts);
      return texts.map(() => 0.5);
    }, rows);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual(rows.map((r) => r.sentence));
  });

  it('the threshold decides the flips', () => {
    const f = (r: EecRow): number => emotionOnly(r) + (r.gender === 'female' ? 0.2 : 0);
    // At 0.8: only joy (0.7 → 0.9) crosses.
    const r = runFairness(rowScorer(rows, f), rows, { threshold: 0.8 });
    expect(r.threshold).toBe(0.8);
    expect(r.gender.by_emotion.joy?.flip_share).toBe(1);
    expect(r.gender.by_emotion.sadness?.flip_share).toBe(0);
  });

  it('rejects bad input with E_FAIRNESS_INPUT', () => {
    const expectFail = (fn: () => unknown, pattern: RegExp): void => expectGitopsError(fn, 'E_FAIRNESS_INPUT', pattern);
    expectFail(() => runFairness(() => [], []), /no EEC rows/);
    expectFail(() => runFairness(() => [0.5], rows), /returned 1 scores for 204/);
    expectFail(() => runFairness((t) => t.map(() => 1.5), rows), /row syn-0 = 1.5/);
    expectFail(() => runFairness((t) => t.map(() => Number.NaN), rows), /row syn-0 = NaN/);
    expectFail(() => runFairness((t) => t.map(() => 0.5), rows, { threshold: 2 }), /threshold = 2/);
    const nounPhrasesOnly = rows.filter((r) => r.race === null);
    expectFail(() => runFairness((t) => t.map(() => 0.5), nounPhrasesOnly), /race: no template\+emotion-word group/);
  });
});

describe('runFairness on the real EEC file', () => {
  const file = join(datasetsDir(), 'eec', 'Equity-Evaluation-Corpus.csv');
  const present = existsSync(file);
  // The datasets are required (DATASETS_DIR): a missing file fails here, it is not skipped.
  const maybe = it;
  let report: FairnessReport | undefined;
  let rows: EecRow[] = [];

  beforeAll(async () => {
    if (!present) throw new Error(`${file} is missing: set DATASETS_DIR to the folder holding eec/`);
    rows = (await loadEecRows(file)).rows;
    // A model-free scorer with a person-dependent part, so the counts are exercised on real data.
    const h = (s: string): number => [...s].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 997, 3) / 997;
    report = runFairness((texts) => texts.map((t) => h(t)), rows);
  });

  maybe('has 8,640 sentences in 144 template+emotion-word groups on both dimensions', () => {
    const r = report as FairnessReport;
    expect(rows).toHaveLength(8640);
    expect(r.n_sentences).toBe(8640);
    expect(r.gender.pairs).toBe(144);
    expect(r.race.pairs).toBe(144);
    // 10 AA + 10 European name pairs + 10 noun-phrase counterparts per group; race: 10 + 10.
    expect(r.gender.matched_pairs).toBe(144 * 30);
    expect(r.race.matched_pairs).toBe(144 * 20);
    const counts = (d: FairnessReport['gender']): Record<string, number> =>
      Object.fromEntries(Object.entries(d.by_emotion).map(([e, b]) => [e, b.n]));
    const expected = { anger: 35, fear: 35, joy: 35, sadness: 35, none: 4 };
    expect(counts(r.gender)).toEqual(expected);
    expect(counts(r.race)).toEqual(expected);
    expect(r.gender.significance.paired_t_test.df).toBe(143);
  });

  maybe('every noun phrase of the EEC has its counterpart', () => {
    const nps = new Set(rows.filter((r) => r.race === null).map((r) => r.person.toLowerCase()));
    const known = new Set(EEC_NOUN_PHRASE_COUNTERPARTS.flat());
    expect([...nps].filter((p) => !known.has(p))).toEqual([]);
    expect(nps.size).toBe(22);
  });

  maybe('a scorer blind to the person shows no gap on the real corpus', () => {
    const byWord = new Map(rows.map((r) => [r.sentence, r.emotionWord ?? '']));
    const r = runFairness((texts) => texts.map((t) => ((byWord.get(t) ?? '').length % 10) / 10), rows);
    expect(r.gender.max_abs_diff).toBe(0);
    expect(r.race.max_abs_diff).toBe(0);
    expect(r.gender.flip_share).toBe(0);
    expect(r.race.flip_share).toBe(0);
  });
});
