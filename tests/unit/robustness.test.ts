import { GitopsMlError } from '../../model/errors.js';
import {
  addPunctuation,
  appendClause,
  changeCase,
  changeWhitespace,
  CITIES,
  COUNTRIES,
  FIRST_NAMES,
  INV_PERTURBATIONS,
  NEGATION_TEMPLATES,
  NEGATIVE_ADJECTIVES,
  NEGATIVE_CLAUSES,
  negationCases,
  POSITIVE_ADJECTIVES,
  POSITIVE_CLAUSES,
  ROBUSTNESS_INPUT_ERROR,
  robustnessVerdict,
  runRobustness,
  sampleExamples,
  swapLocation,
  swapName,
  typo,
} from '../../model/eval/robustness.js';
import type { LabelledExample, RobustnessReport, RobustnessTest, Scorer } from '../../model/eval/robustness.js';
import { createRng } from '../../model/util/random.js';

// ---------------------------------------------------------------------------
// constructed scorers whose behaviour is known

const POS = new Set([
  ...POSITIVE_ADJECTIVES,
  'loved', 'superb', 'worth', 'charming', 'moving', 'delightful', 'clever', 'gorgeous', 'best',
]);
const NEG = new Set([
  ...NEGATIVE_ADJECTIVES,
  'hated', 'waste', 'dreadful', 'worst', 'clumsy', 'messy', 'bland', 'ugly',
]);

/** Lower-cased words; punctuation, digits and whitespace are separators; apostrophes stay ("wasn't"). */
function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z']+/).filter(Boolean);
}

/** Laplace-smoothed share of positive lexicon words: blind to case, punctuation, whitespace, names and negation. */
const lexiconScorer: Scorer = (texts) =>
  texts.map((t) => {
    let pos = 0;
    let neg = 0;
    for (const w of words(t)) {
      if (POS.has(w)) pos++;
      if (NEG.has(w)) neg++;
    }
    return (pos + 1) / (pos + neg + 2);
  });

/** The lexicon scorer, but a "not" or "n't" anywhere flips it; "never" and "nothing" are missed. */
const notOnlyScorer: Scorer = (texts) => {
  const base = Array.from(lexiconScorer(texts));
  return texts.map((t, i) => {
    const s = base[i] as number;
    return words(t).some((w) => w === 'not' || w.endsWith("n't")) ? 1 - s : s;
  });
};

/** Positive iff the text mentions Alice. */
const aliceScorer: Scorer = (texts) => texts.map((t) => (words(t).includes('alice') ? 0.9 : 0.1));

/** Jumps up on the negative DIR clauses' words: the wrong direction. */
const CLAUSE_NEG = ['awful', 'terrible', 'hated', 'waste', 'dreadful'];
const contrarianScorer: Scorer = (texts) => texts.map((t) => (words(t).some((w) => CLAUSE_NEG.includes(w)) ? 0.9 : 0.2));

/** A pseudo-random score per exact text: sensitive to every character. */
function hashScore(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}
const hashScorer: Scorer = (texts) => texts.map(hashScore);

function counting(scorer: Scorer): { scorer: Scorer; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    scorer: (texts) => {
      calls.push(texts.length);
      return scorer(texts);
    },
  };
}

// ---------------------------------------------------------------------------
// fixtures

const OPINIONS: [string, 0 | 1][] = [
  ['the acting was great, and the music was wonderful', 1],
  ['the plot was boring and the dialogue was dull', 0],
  ['a charming, clever and moving story', 1],
  ['the script was stupid, messy and tedious', 0],
  ['the cinematography is gorgeous and the score is superb', 1],
  ['the jokes were bland, the pacing clumsy', 0],
  ['one of the best films of the year', 1],
  ['the worst sequel in a long time', 0],
];

/** Sentences with names, cities, countries, commas, capitals and lower-cased benchmark style. */
function fixture(): LabelledExample[] {
  const out: LabelledExample[] = [];
  const names = ['Alice', 'Omar', 'Priya', 'James', 'Keiko'];
  const cities = ['London', 'Lagos', 'Tokyo', 'Chicago'];
  const countries = ['France', 'Brazil', 'India', 'Canada'];
  OPINIONS.forEach(([opinion, label], i) => {
    const cap = opinion.charAt(0).toUpperCase() + opinion.slice(1);
    out.push({ text: `${cap}.`, label });
    out.push({ text: `${opinion} .`, label });
    out.push({ text: `${names[i % names.length]} said ${opinion}.`, label });
    out.push({ text: `Shot in ${cities[i % cities.length]}, ${opinion}.`, label });
    out.push({ text: `In ${countries[i % countries.length]} ${opinion}!`, label });
  });
  return out;
}

const byName = (report: RobustnessReport, name: string): RobustnessTest => {
  const t = report.tests.find((x) => x.name === name);
  if (!t) throw new Error(`no test ${name}`);
  return t;
};

// ---------------------------------------------------------------------------
// perturbations

describe('perturbations', () => {
  const sentence = 'The cinematography in this movie was absolutely wonderful.';

  it('typo swaps two different adjacent letters inside one word of 4+ characters, keeping length and the word ends', () => {
    for (let seed = 0; seed < 50; seed++) {
      const out = typo(sentence, createRng(seed));
      expect(out).not.toBeNull();
      const t = out as string;
      expect(t).toHaveLength(sentence.length);
      const diff = [...t].flatMap((c, i) => (c === sentence[i] ? [] : [i]));
      expect(diff).toHaveLength(2);
      const [a, b] = diff as [number, number];
      expect(b).toBe(a + 1);
      expect(t[a]).toBe(sentence[b]);
      expect(t[b]).toBe(sentence[a]);
      // inside a word: letters on both sides of the swapped pair
      expect(sentence.slice(a - 1, b + 2)).toMatch(/^[A-Za-z]{4}$/);
    }
    expect(typo('It was a bad day.', createRng(1))).toBeNull(); // no word of 4+ characters
    expect(typo('aaaa bbbb', createRng(1))).toBeNull(); // nothing to swap that changes the text
    expect(typo(sentence, createRng(7))).toBe(typo(sentence, createRng(7)));
  });

  it('casing changes only case', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const out = changeCase(sentence, createRng(seed)) as string;
      expect(out).not.toBe(sentence);
      expect(out.toLowerCase()).toBe(sentence.toLowerCase());
      seen.add(out);
    }
    expect(seen).toEqual(new Set([sentence.toUpperCase(), sentence.toLowerCase(), 'The Cinematography In This Movie Was Absolutely Wonderful.']));
    expect(changeCase("i didn't like it", createRng(3))).not.toContain("'T");
    expect(changeCase('123 !!!', createRng(1))).toBeNull();
  });

  it('punctuation only adds or swaps punctuation marks', () => {
    const strip = (s: string): string => s.replace(/[.,!]/g, '');
    const withComma = 'Slow, but rewarding.';
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const out = addPunctuation(withComma, createRng(seed)) as string;
      expect(out).not.toBe(withComma);
      expect(strip(out)).toBe(strip(withComma));
      seen.add(out);
    }
    expect(seen).toEqual(new Set(['Slow, but rewarding!!', 'Slow, but rewarding...', 'Slow,, but rewarding.']));
    expect(addPunctuation('great film .', createRng(1))).toMatch(/^great film (!!|\.\.\.)$/);
    expect(addPunctuation('   ', createRng(1))).toBeNull();
  });

  it('whitespace only changes whitespace', () => {
    const toks = (s: string): string[] => s.split(/\s+/).filter(Boolean);
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const out = changeWhitespace(sentence, createRng(seed)) as string;
      expect(out).not.toBe(sentence);
      expect(toks(out)).toEqual(toks(sentence));
      seen.add(out.includes('\t') ? 'tab' : out.startsWith(' ') ? 'pad' : 'double');
    }
    expect(seen).toEqual(new Set(['tab', 'pad', 'double']));
  });

  it('name swap replaces whole-word names only, every occurrence, keeping their case', () => {
    const text = "Alice met Malice and Alicette; alice's dog liked ALICE.";
    for (let seed = 0; seed < 20; seed++) {
      const out = swapName(text, createRng(seed)) as string;
      const m = /^(\w+) met Malice and Alicette; (\w+)'s dog liked (\w+)\.$/.exec(out);
      expect(m).not.toBeNull();
      const [, a, b, c] = m as unknown as [string, string, string, string];
      expect(FIRST_NAMES).toContain(a);
      expect(a).not.toBe('Alice');
      expect(b).toBe(a.toLowerCase());
      expect(c).toBe(a.toUpperCase());
    }
    expect(swapName('Malice in the palace', createRng(1))).toBeNull();
    // Several names: one is swapped, the others stay.
    const two = swapName('Omar and Priya argue.', createRng(5)) as string;
    const kept = ['Omar', 'Priya'].filter((n) => two.includes(n));
    expect(kept).toHaveLength(1);
  });

  it('location swap keeps cities cities and countries countries', () => {
    for (let seed = 0; seed < 20; seed++) {
      const city = swapLocation('Filmed in Lagos on a budget.', createRng(seed)) as string;
      const swapped = /^Filmed in (\w+) on a budget\.$/.exec(city)?.[1];
      expect(CITIES).toContain(swapped);
      expect(swapped).not.toBe('Lagos');
      const country = swapLocation('the best film from brazil this year', createRng(seed)) as string;
      const c = /^the best film from (\w+) this year$/.exec(country)?.[1] as string;
      expect(COUNTRIES.map((x) => x.toLowerCase())).toContain(c);
      expect(c).not.toBe('brazil');
    }
    expect(swapLocation('A Parisian romance.', createRng(1))).toBeNull();
  });

  it('the word lists are disjoint, and there are 40 names', () => {
    expect(FIRST_NAMES).toHaveLength(40);
    const all = [...FIRST_NAMES, ...CITIES, ...COUNTRIES].map((w) => w.toLowerCase());
    expect(new Set(all).size).toBe(all.length);
  });

  it('appendClause drops the final punctuation and follows the sentence style', () => {
    expect(appendClause('A charming film.', ', but the ending was awful.')).toBe('A charming film, but the ending was awful.');
    expect(appendClause('a charming film .', '. I hated it.')).toBe('a charming film. i hated it.');
    expect(appendClause('Wow!!! ', ', and the acting was superb.')).toBe('Wow, and the acting was superb.');
    expect(appendClause('...', '. I loved it.')).toBeNull();
  });

  it('negation cases: every template × adjective once, deterministic per seed', () => {
    for (const polarity of ['positive', 'negative'] as const) {
      const cases = negationCases(11, polarity);
      expect(cases).toHaveLength(NEGATION_TEMPLATES.length * 12);
      expect(cases.length).toBeGreaterThanOrEqual(100);
      expect(new Set(cases.map((c) => c.text)).size).toBe(cases.length);
      expect(cases.every((c) => c.expected === (polarity === 'positive' ? 0 : 1))).toBe(true);
      expect(cases.every((c) => !c.text.includes('{'))).toBe(true);
      expect(negationCases(11, polarity)).toEqual(cases);
    }
    expect(negationCases(1, 'positive').map((c) => c.text)).not.toEqual(negationCases(2, 'positive').map((c) => c.text));
  });
});

// ---------------------------------------------------------------------------
// the run

describe('runRobustness', () => {
  it('a scorer blind to case, punctuation, whitespace and names passes those INV tests and the DIR tests', () => {
    const report = runRobustness(lexiconScorer, fixture(), { seed: 42 });
    for (const name of ['casing', 'punctuation', 'whitespace', 'name_swap', 'location_swap']) {
      const t = byName(report, name);
      expect(t.kind).toBe('INV');
      expect(t.n).toBeGreaterThan(0);
      expect(t.failures).toBe(0);
      expect(t.failure_rate).toBe(0);
      expect(t.mean_abs_delta).toBe(0);
      expect(t.examples).toEqual([]);
    }
    // Applicability: names/places only count where the fixture has them.
    expect(byName(report, 'name_swap').n).toBe(8);
    expect(byName(report, 'location_swap').n).toBe(16);
    expect(byName(report, 'whitespace').n).toBe(40);
    for (const name of ['add_negative_clause', 'add_positive_clause']) {
      expect(byName(report, name)).toMatchObject({ kind: 'DIR', n: 40, failures: 0, failure_rate: 0 });
    }
    expect(byName(report, 'add_negative_clause').mean_delta).toBeLessThan(0);
    expect(byName(report, 'add_positive_clause').mean_delta).toBeGreaterThan(0);
    expect(report.accuracy).toBe(1);
    for (const row of report.accuracy_drop.filter((r) => r.perturbation !== 'typo')) {
      expect(row).toMatchObject({ accuracy_original: 1, accuracy_perturbed: 1, drop_points: 0, broken: 0, fixed: 0, p_value: 1 });
    }
  });

  it('a scorer that ignores negation fails every negation MFT case; one that only knows "not" fails exactly a third', () => {
    // Every adjective is in the lexicon, so the blind scorer gets each case exactly wrong.
    expect([...POSITIVE_ADJECTIVES].every((a) => POS.has(a)) && [...NEGATIVE_ADJECTIVES].every((a) => NEG.has(a))).toBe(true);
    const blind = runRobustness(lexiconScorer, fixture(), { seed: 1 });
    expect(byName(blind, 'negated_positive')).toMatchObject({ kind: 'MFT', n: 108, failures: 108, failure_rate: 1 });
    expect(byName(blind, 'negated_negative')).toMatchObject({ kind: 'MFT', n: 108, failures: 108, failure_rate: 1 });
    const ex = byName(blind, 'negated_positive').examples;
    expect(ex).toHaveLength(3);
    expect(ex[0]).toMatchObject({ expected: 0 });
    expect(ex[0]?.after).toBeGreaterThanOrEqual(0.5);
    expect(blind.max_failure_rate_by_kind.MFT).toBe(1);

    // 3 of the 9 templates negate with "never"/"nothing" only.
    const partial = runRobustness(notOnlyScorer, fixture(), { seed: 1 });
    expect(byName(partial, 'negated_positive')).toMatchObject({ n: 108, failures: 36 });
    expect(byName(partial, 'negated_negative')).toMatchObject({ n: 108, failures: 36 });
    expect(byName(partial, 'negated_positive').failure_rate).toBeCloseTo(1 / 3, 12);
    expect(byName(partial, 'negated_positive').examples.every((e) => /\b(never|nothing)\b/i.test(e.original))).toBe(true);
  });

  it('a scorer keyed on the name "Alice" fails the name swap and loses accuracy under it', () => {
    const examples: LabelledExample[] = [
      ...['Alice loved it.', 'A film Alice will remember.', 'alice was right about this one .', 'Everyone, even ALICE, laughed.'].map((text) => ({ text, label: 1 })),
      ...['No names here.', 'A quiet film about the sea.'].map((text) => ({ text, label: 0 })),
    ];
    const report = runRobustness(aliceScorer, examples, { seed: 3 });
    const names = byName(report, 'name_swap');
    expect(names).toMatchObject({ n: 4, failures: 4, failure_rate: 1 });
    expect(names.mean_abs_delta).toBeCloseTo(0.8, 12);
    expect(names.examples).toHaveLength(3);
    for (const e of names.examples) {
      expect(e.before).toBe(0.9);
      expect(e.after).toBe(0.1);
      expect(words(e.perturbed as string)).not.toContain('alice');
    }
    // Case-insensitive: casing does not hurt it.
    expect(byName(report, 'casing').failures).toBe(0);
    const drop = report.accuracy_drop.find((r) => r.perturbation === 'name_swap');
    expect(drop).toMatchObject({ n: 4, accuracy_original: 1, accuracy_perturbed: 0, drop_points: 100, broken: 4, fixed: 0 });
    expect(drop?.p_value).toBeCloseTo(0.125, 12); // exact McNemar, b = 4, c = 0
    expect(report.max_failure_rate).toBe(1);
    expect(report.max_accuracy_drop_points).toBe(100);
  });

  it('DIR catches a scorer that rises on negative clauses, within its tolerance', () => {
    const examples = OPINIONS.map(([text, label]) => ({ text: `${text}.`, label }));
    const report = runRobustness(contrarianScorer, examples, { seed: 5 });
    const neg = byName(report, 'add_negative_clause');
    expect(neg).toMatchObject({ kind: 'DIR', n: 8, failures: 8, failure_rate: 1 });
    expect(neg.mean_delta).toBeCloseTo(0.7, 12);
    expect(neg.examples).toHaveLength(3);
    expect(neg.examples[0]).toMatchObject({ before: 0.2, after: 0.9 });
    expect(NEGATIVE_CLAUSES.some((c) => neg.examples[0]?.perturbed?.endsWith(c.toLowerCase()))).toBe(true);
    expect(byName(report, 'add_positive_clause')).toMatchObject({ n: 8, failures: 0 });

    // A rise of 0.05 is within the default tolerance (0.1), not within 0.01.
    const small: Scorer = (texts) => texts.map((t) => (words(t).some((w) => CLAUSE_NEG.includes(w)) ? 0.55 : 0.5));
    expect(byName(runRobustness(small, examples, { seed: 5 }), 'add_negative_clause').failures).toBe(0);
    expect(byName(runRobustness(small, examples, { seed: 5, dirTolerance: 0.01 }), 'add_negative_clause').failures).toBe(8);
    expect(POSITIVE_CLAUSES.length).toBe(NEGATIVE_CLAUSES.length);
  });

  it('is deterministic: same seed, same report; another seed, other perturbations', () => {
    const a = runRobustness(hashScorer, fixture(), { seed: 9 });
    const b = runRobustness(hashScorer, fixture(), { seed: 9 });
    expect(JSON.parse(JSON.stringify(b))).toEqual(JSON.parse(JSON.stringify(a)));
    const c = runRobustness(hashScorer, fixture(), { seed: 10 });
    expect(c.tests.map((t) => t.examples)).not.toEqual(a.tests.map((t) => t.examples));
    // The hash scorer is sensitive to every character, so it fails INV tests at roughly chance.
    expect(byName(a, 'typo').failures).toBeGreaterThan(0);
  });

  it('a sentence gets the same perturbation whatever else is in the sample', () => {
    const all = fixture();
    const record = (examples: LabelledExample[]): string[] => {
      const seen: string[] = [];
      runRobustness((t) => (seen.push(...t), hashScorer(t)), examples, { seed: 4 });
      return seen;
    };
    const alone = record([all[2] as LabelledExample]);
    const full = record(all);
    expect(alone.length).toBeGreaterThan(216);
    for (const t of alone) expect(full).toContain(t);
  });

  it('scores in batches: one call for the originals and one per test, whatever the number of examples', () => {
    const small = counting(lexiconScorer);
    const r1 = runRobustness(small.scorer, fixture().slice(0, 10), { seed: 2 });
    const big = counting(lexiconScorer);
    const many = Array.from({ length: 12 }, () => fixture()).flat();
    const r2 = runRobustness(big.scorer, many, { seed: 2 });
    const maxCalls = 1 + r2.tests.length;
    expect(r2.tests).toHaveLength(INV_PERTURBATIONS.length + 2 + 2);
    expect(big.calls.length).toBeLessThanOrEqual(maxCalls);
    expect(small.calls.length).toBeLessThanOrEqual(maxCalls);
    expect(r2.scorer_calls).toBe(big.calls.length);
    expect(r2.texts_scored).toBe(big.calls.reduce((s, n) => s + n, 0));
    expect(r1.scorer_calls).toBe(small.calls.length);
    expect(big.calls[0]).toBe(many.length);
  });

  it('samples at most maxExamples, deterministically and in input order', () => {
    const many: LabelledExample[] = Array.from({ length: 1200 }, (_, i) => ({ text: `review number ${i} was great.`, label: 1 }));
    const report = runRobustness(lexiconScorer, many, { seed: 8 });
    expect(report).toMatchObject({ n_available: 1200, n_examples: 500 });
    const s1 = sampleExamples(many, 50, 8);
    expect(s1).toHaveLength(50);
    expect(sampleExamples(many, 50, 8)).toEqual(s1);
    expect(sampleExamples(many, 50, 9)).not.toEqual(s1);
    const idx = s1.map((e) => many.indexOf(e));
    expect(idx).toEqual([...idx].sort((x, y) => x - y));
    expect(runRobustness(lexiconScorer, many, { seed: 8, maxExamples: 50 }).n_examples).toBe(50);
  });

  it('runs the MFTs alone when there are no examples, with null rates elsewhere', () => {
    const report = runRobustness(lexiconScorer, [], { seed: 1 });
    expect(report.n_examples).toBe(0);
    expect(report.accuracy).toBeNull();
    for (const t of report.tests.filter((x) => x.kind !== 'MFT')) {
      expect(t).toMatchObject({ n: 0, failures: 0, failure_rate: null, mean_abs_delta: null });
    }
    expect(report.accuracy_drop.every((r) => r.n === 0 && r.drop_points === null && r.p_value === null)).toBe(true);
    expect(report.max_failure_rate).toBe(1);
    expect(report.worst_test).toBe('negated_positive');
    expect(report.max_failure_rate_by_kind).toEqual({ INV: null, DIR: null, MFT: 1 });
    expect(report.scorer_calls).toBe(2);
  });

  it('refuses bad input and bad scorer output with E_ROBUSTNESS_INPUT', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return e instanceof GitopsMlError ? e.code : 'other';
      }
      return undefined;
    };
    const ex = fixture();
    expect(code(() => runRobustness(lexiconScorer, [{ text: 'x', label: 2 }], { seed: 1 }))).toBe(ROBUSTNESS_INPUT_ERROR);
    expect(code(() => runRobustness(lexiconScorer, ex, { seed: 1.5 }))).toBe(ROBUSTNESS_INPUT_ERROR);
    expect(code(() => runRobustness(lexiconScorer, ex, { seed: 1, maxExamples: 0 }))).toBe(ROBUSTNESS_INPUT_ERROR);
    expect(code(() => runRobustness(lexiconScorer, ex, { seed: 1, dirTolerance: -1 }))).toBe(ROBUSTNESS_INPUT_ERROR);
    expect(code(() => runRobustness((t) => Array.from(t, () => 0.5).slice(1), ex, { seed: 1 }))).toBe(ROBUSTNESS_INPUT_ERROR);
    expect(code(() => runRobustness((t) => Array.from(t, () => Number.NaN), ex, { seed: 1 }))).toBe(ROBUSTNESS_INPUT_ERROR);
    expect(code(() => runRobustness((t) => Array.from(t, () => 1.5), ex, { seed: 1 }))).toBe(ROBUSTNESS_INPUT_ERROR);
    expect(code(() => runRobustness((t) => new Float32Array(t.length).fill(0.25), ex, { seed: 1 }))).toBeUndefined();
  });
});

describe('robustnessVerdict', () => {
  it('passes within limits and names every exceeded one', () => {
    const report = runRobustness(lexiconScorer, fixture(), { seed: 42 });
    expect(robustnessVerdict(report, { INV: 0.2, DIR: 0 })).toEqual({ passed: true, reasons: [] });
    const v = robustnessVerdict(report, { INV: 0.2, DIR: 0, MFT: 0.5 });
    expect(v.passed).toBe(false);
    expect(v.reasons).toEqual([
      'MFT negated_positive: failure rate 1.000 (108/108) > 0.5',
      'MFT negated_negative: failure rate 1.000 (108/108) > 0.5',
    ]);
    const alice = runRobustness(aliceScorer, [{ text: 'Alice loved it.', label: 1 }], { seed: 3 });
    // A typo in the name ("Ailce") breaks it as well as a swap does.
    expect(robustnessVerdict(alice, { accuracyDropPoints: 5 }).reasons).toEqual([
      'accuracy drop under typo: 100.00 points (n = 1) > 5',
      'accuracy drop under name_swap: 100.00 points (n = 1) > 5',
    ]);
    expect(robustnessVerdict(alice, { accuracyDropPoints: 5, INV: 0, minN: 2 }).passed).toBe(true);
  });
});
