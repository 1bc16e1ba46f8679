/**
 * The model-card sections that show the evaluation gates and their evidence: the gate
 * table, champion vs challenger, robustness (CheckList), fairness (EEC), privacy
 * (membership inference), size and quantization, plus the figures the ethical
 * considerations and caveats quote. Each number is said in plain words next to the table
 * that holds it, because the card is read by reviewers who sign off, not only by ML people.
 *
 * Pure string building from `EvaluationDetails` and the `GateResult` rows; draft.ts
 * puts the sections in the Model Card Toolkit order and enforces the size limit.
 */
import type { EvaluationDetails } from '../eval/evaluation.js';
import type { DimensionReport, EmotionBreakdown, FairnessReport } from '../eval/fairness.js';
import type { ChampionComparison, EvaluationRecord, GateResult, QuantizationSummary } from '../eval/gates.js';
import { gateTableMarkdown, ROBUSTNESS_MIN_CASES } from '../eval/gates.js';
import type { PrivacyReport } from '../eval/privacy.js';
import type { FailureExample, RobustnessReport, RobustnessTest } from '../eval/robustness.js';
import { code, f4, int, interval, list, md, megabytes, ms, pct, pIs, plural, points, pValue, quoteText, signed4, table, truncate } from './markdown.js';
import { xyChart } from './mermaid.js';

/** What `renderModelCardDraft` gets from the evaluation step: the full reports and the decided gates. */
export interface ModelCardEvaluation {
  details: EvaluationDetails;
  gates: GateResult[];
}

/** How much optional detail a rendering carries; the size limit turns these off one by one. */
export interface CardDetail {
  /** Failing robustness examples. */
  examples: boolean;
  /** The per-emotion fairness table (the chart stays). */
  perEmotion: boolean;
}

/** Significance level of the fairness tests and of the plain-words verdicts on p-values. */
export const SIGNIFICANCE_ALPHA = 0.05;
/** A negation (MFT) test failing more often than this gets a caveat that the model does not handle negation. */
export const NEGATION_CAVEAT_RATE = 0.5;
/** An INV/DIR test failing more often than this (with enough cases) gets a caveat. */
export const ROBUSTNESS_CAVEAT_RATE = 0.1;

/** Failing examples shown per failing test. */
export const EXAMPLES_PER_TEST = 2;
/** Characters kept of each quoted example sentence (before escaping). */
export const EXAMPLE_MAX_CHARS = 160;
const MAX_ROBUSTNESS_ROWS = 40;
const MAX_EMOTION_ROWS = 20;
const MAX_EXPLANATION_CHARS = 600;

const KIND_NAME: Record<string, string> = { INV: 'invariance', DIR: 'directional', MFT: 'minimum functionality' };

// ---------------------------------------------------------------------------------
// gates

function failingGates(gates: readonly GateResult[]): GateResult[] {
  return gates.filter((g) => g.status !== 'pass');
}

/** "All gates pass." or "2 gates fail or were not measured: …". */
export function gateVerdict(gates: readonly GateResult[]): string {
  if (gates.length === 0) return 'No gates are configured, so no gate blocks this model.';
  const bad = failingGates(gates);
  if (bad.length === 0) return `All gates pass (${gates.length} of ${gates.length}).`;
  const verb = bad.length === 1 ? 'gate fails or was not measured' : 'gates fail or were not measured';
  return `${bad.length} ${verb} (of ${gates.length}): ${bad.map((g) => `${md(g.gate)} (${g.status})`).join(', ')}.`;
}

export function gatesSection(ev: ModelCardEvaluation): string[] {
  const { gates } = ev;
  const blocks = [
    '## Gates',
    'The gates decide whether this version may ship. Their thresholds come from the `gates:` section of `.github/gitops-ml.yml`; a gate whose measurement is missing is “not measured” and blocks like a failure, so a model cannot ship because a check was skipped. The sections below hold the evidence behind each value.',
  ];
  if (gates.length === 0) {
    blocks.push('No gates are configured in `.github/gitops-ml.yml`.');
  } else {
    blocks.push(gateTableMarkdown(gates));
    blocks.push('### What each gate means');
    blocks.push(list(gates.map((g) => `**${md(g.gate)}** (${g.status}): ${md(truncate(g.explanation, MAX_EXPLANATION_CHARS)) || 'no explanation recorded.'}`)));
  }
  blocks.push(`Verdict: **${gateVerdict(gates)}**`);
  return blocks;
}

// ---------------------------------------------------------------------------------
// champion vs challenger

function isComparison(c: EvaluationRecord['champion']): c is ChampionComparison {
  return c !== undefined && !('skipped' in c);
}

/** Lowest y of an accuracy bar chart: a round 0.05 step below the smaller bar, so a difference of a point stays visible. */
function accuracyAxisMin(values: readonly number[]): number {
  const lo = Math.min(...values.filter(Number.isFinite));
  if (!Number.isFinite(lo)) return 0;
  return Math.max(0, Math.floor((lo - 0.05) * 20) / 20);
}

export function championSection(ev: ModelCardEvaluation): string[] {
  const { record } = ev.details;
  const c = record.champion;
  const blocks = ['## Champion vs challenger'];
  if (c === undefined) {
    blocks.push('The comparison with the model currently on main (the champion) was not run.');
    return blocks;
  }
  if (!isComparison(c)) {
    blocks.push(`No comparison was made: ${md(c.skipped)} With no champion on the same test file there is nothing to regress against; the other gates still apply.`);
    return blocks;
  }
  const me = `${record.model.name} ${record.model.version}`;
  const gain = c.delta >= 0;
  const ciText = c.delta_ci95 ? `${points(c.delta_ci95[0])} to ${points(c.delta_ci95[1])}` : 'n/a';
  const p = c.mcnemar.p_value;
  blocks.push(
    `This model (the challenger, ${code(me)}) and the model on main (the champion, ${code(c.champion)}) were scored on the same ${int(c.n)} test sentences (the same file, checked by sha256). McNemar’s test looks only at the sentences where exactly one of the two is right; a p-value below ${SIGNIFICANCE_ALPHA} means the difference is unlikely to be chance.`,
  );
  blocks.push(
    table(
      ['measure', 'value'],
      ['l', 'r'],
      [
        ['test sentences', int(c.n)],
        ['champion accuracy', f4(c.accuracy_champion)],
        ['challenger accuracy', f4(c.accuracy_challenger)],
        ['difference (challenger − champion)', points(c.delta)],
        ['difference 95% CI (bootstrap)', ciText],
        ['challenger right, champion wrong', int(c.mcnemar.c)],
        ['champion right, challenger wrong', int(c.mcnemar.b)],
        ['McNemar p', `${pValue(p)} (${md(c.mcnemar.method)})`],
      ],
    ),
  );
  const yMin = accuracyAxisMin([c.accuracy_champion, c.accuracy_challenger]);
  blocks.push(
    `Bars: test accuracy of the champion and of the challenger${yMin > 0 ? `; the y axis starts at ${yMin.toFixed(2)} so that a difference of a point is visible` : ''}.`,
  );
  blocks.push(
    xyChart({
      title: `Test accuracy, Δ ${points(c.delta).replace(' points', ' pts')}, 95% CI ${ciText.replace(/ points/g, '')}, McNemar p ${pValue(p)}`,
      xLabels: [`champion ${c.champion}`, `challenger ${me}`],
      yLabel: 'accuracy',
      yMin,
      yMax: 1,
      bars: [[c.accuracy_champion, c.accuracy_challenger]],
    }),
  );
  const significant = p < SIGNIFICANCE_ALPHA;
  const ciNote = c.delta_ci95 ? ` The 95% interval of the difference runs from ${ciText}${c.delta_ci95[0] > 0 || c.delta_ci95[1] < 0 ? ', so it excludes no change' : ', so it includes no change'}.` : '';
  blocks.push(
    `In plain words: the challenger ${gain ? 'gains' : 'loses'} ${points(Math.abs(c.delta)).replace('+', '')} of accuracy against the champion (${pIs(p)}); ${significant ? `that ${gain ? 'gain' : 'drop'} is statistically significant` : 'the difference could be chance'}.${ciNote}`,
  );
  return blocks;
}

// ---------------------------------------------------------------------------------
// robustness

function testLabel(t: RobustnessTest): string {
  return code(t.name);
}

function exampleRow(t: RobustnessTest, e: FailureExample, labels: readonly [string, string]): string[] {
  if (t.kind === 'MFT' || e.perturbed === undefined) {
    const expected = e.expected === undefined ? '–' : `expected ${md(labels[e.expected])}`;
    return [testLabel(t), quoteText(e.original, EXAMPLE_MAX_CHARS), expected, f4(e.after)];
  }
  return [testLabel(t), quoteText(e.original, EXAMPLE_MAX_CHARS), quoteText(e.perturbed, EXAMPLE_MAX_CHARS), `${f4(e.before)} → ${f4(e.after)}`];
}

/** Tests with at least one recorded failing example. */
export function failingExamples(r: RobustnessReport): { test: RobustnessTest; examples: FailureExample[] }[] {
  return r.tests
    .slice(0, MAX_ROBUSTNESS_ROWS)
    .filter((t) => t.failures > 0 && t.examples.length > 0)
    .map((t) => ({ test: t, examples: t.examples.slice(0, EXAMPLES_PER_TEST) }));
}

export function robustnessSection(ev: ModelCardEvaluation, detail: CardDetail, labels: readonly [string, string]): string[] {
  const r = ev.details.robustness;
  const blocks = ['## Robustness'];
  blocks.push(
    `Behavioural tests in the style of CheckList (Ribeiro et al. 2020) on ${r.n_examples === r.n_available ? `all ${int(r.n_examples)} sentences of the test split` : `${int(r.n_examples)} sentences sampled from the test split (of ${int(r.n_available)})`} (seed ${r.seed}, threshold ${r.threshold}). Three kinds: **INV** (invariance) makes a change that should not matter, such as a typo or another first name, and counts a failure when the predicted label flips; **DIR** (directional) appends a clearly negative or positive clause and counts a failure when P(positive) moves the wrong way by more than ${r.dir_tolerance}; **MFT** (minimum functionality) asks templated negations with a known answer, such as “The film was not bad.”, and counts a wrong label. The mean |Δ P(positive)| is how far the score moves on average even when the label holds. Tests with fewer than ${ROBUSTNESS_MIN_CASES} cases are shown but not gated.`,
  );
  const tests = r.tests.slice(0, MAX_ROBUSTNESS_ROWS);
  if (tests.length === 0) {
    blocks.push('The robustness report holds no tests.');
  } else {
    blocks.push(
      table(
        ['test', 'kind', 'what is checked', 'cases', 'failures', 'failure rate', 'mean \\|Δ P(positive)\\|'],
        ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
        tests.map((t) => [
          testLabel(t),
          `${md(t.kind)} (${KIND_NAME[t.kind] ?? 'other'})`,
          md(truncate(t.description, 160)) || '–',
          `${int(t.n)}${t.n < ROBUSTNESS_MIN_CASES ? ' (too few to gate)' : ''}`,
          int(t.failures),
          pct(t.failure_rate),
          t.mean_abs_delta === undefined ? '–' : f4(t.mean_abs_delta),
        ]),
      ),
    );
    if (r.tests.length > tests.length) blocks.push(`${r.tests.length - tests.length} further tests are omitted here.`);
    blocks.push(`Bars: the failure rate of each test, in percent${r.worst_test !== null ? `. The worst is ${code(r.worst_test)}, failing ${pct(r.max_failure_rate)} of its cases` : ''}.`);
    blocks.push(
      xyChart({
        title: 'Robustness failure rate per test (%)',
        xLabels: tests.map((t) => t.name),
        yLabel: 'failure rate (%)',
        yMin: 0,
        yMax: 100,
        bars: [tests.map((t) => (t.failure_rate === null ? 0 : t.failure_rate * 100))],
      }),
    );
  }

  blocks.push('### Accuracy under perturbation');
  const drops = r.accuracy_drop.slice(0, MAX_ROBUSTNESS_ROWS);
  if (drops.length === 0) {
    blocks.push('No accuracy-drop measurement was recorded.');
  } else {
    blocks.push(
      'Accuracy on the labelled test sentences each invariance perturbation applies to, before and after the change. The drop is in percentage points (positive means worse when perturbed); broken counts sentences right before and wrong after, fixed the reverse, and McNemar’s p says whether the difference between them could be chance.',
    );
    blocks.push(
      table(
        ['perturbation', 'sentences', 'accuracy original', 'accuracy perturbed', 'drop (points)', 'broken', 'fixed', 'McNemar p'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        drops.map((d) => [
          code(d.perturbation),
          int(d.n),
          f4(d.accuracy_original),
          f4(d.accuracy_perturbed),
          d.drop_points === null ? 'n/a' : d.drop_points.toFixed(2),
          int(d.broken),
          int(d.fixed),
          pValue(d.p_value),
        ]),
      ),
    );
  }

  const failing = failingExamples(r);
  if (failing.length > 0) {
    blocks.push('### Failing examples');
    if (!detail.examples) {
      blocks.push('Left out to keep this card within GitHub’s comment size limit (see the note at the top); the failure counts and rates above are complete.');
    } else {
      blocks.push(
        `Up to ${EXAMPLES_PER_TEST} of the worst failures of each failing test, quoted as the model saw them (cut at ${EXAMPLE_MAX_CHARS} characters). For INV and DIR the score is P(positive) before → after the change; for MFT it is P(positive) of the case.`,
      );
      blocks.push(
        table(
          ['test', 'sentence', 'changed to, or expected label', 'P(positive)'],
          ['l', 'l', 'l', 'r'],
          failing.flatMap(({ test, examples }) => examples.map((e) => exampleRow(test, e, labels))),
        ),
      );
    }
  }
  return blocks;
}

// ---------------------------------------------------------------------------------
// fairness

/** The two sides of `diff_of` ("female - male"), for plain words. */
function sides(d: DimensionReport): [string, string] {
  const [a, b] = d.diff_of.split(' - ');
  return [a?.trim() || 'first group', b?.trim() || 'second group'];
}

/** Significant at SIGNIFICANCE_ALPHA by the paired t-test (the EEC paper's test). */
export function fairnessSignificant(d: DimensionReport): boolean {
  const p = d.significance.paired_t_test.p_value;
  return p !== null && p < SIGNIFICANCE_ALPHA;
}

/** A difference that shows as 0.0000 has no direction worth naming. */
const isZero = (x: number): boolean => !Number.isFinite(x) || Math.abs(x) < 0.00005;

function higher(d: DimensionReport, x: number): string {
  const [a, b] = sides(d);
  return isZero(x) ? 'no difference' : `${md(x > 0 ? a : b)} higher`;
}

function tTest(d: DimensionReport): string {
  const t = d.significance.paired_t_test;
  return `t = ${t.t === null ? 'n/a' : t.t.toFixed(2)}, df = ${t.df}, ${pIs(t.p_value)}`;
}

function signTestCell(d: DimensionReport): string {
  const s = d.significance.sign_test;
  return `${int(s.positive)} higher / ${int(s.negative)} lower / ${plural(s.zero, 'tie')}, ${pIs(s.p_value)}`;
}

/** Which version scores higher, by how much: "the female version of a sentence scores 0.0388 higher than the male version on average". */
function gapDirection(d: DimensionReport): string {
  const [a, b] = sides(d).map(md) as [string, string];
  if (isZero(d.mean_diff)) return `the ${a} and ${b} versions of a sentence score the same on average`;
  const [hi, lo] = d.mean_diff > 0 ? [a, b] : [b, a];
  return `the ${hi} version of a sentence scores ${f4(Math.abs(d.mean_diff))} higher than the ${lo} version on average (${(Math.abs(d.mean_diff) * 100).toFixed(2)} points of probability)`;
}

function dimensionName(d: DimensionReport): string {
  return d.dimension === 'gender' ? 'Gender' : d.dimension === 'race' ? 'Race' : md(d.dimension);
}

/** One plain-words sentence on a dimension's gap and whether it is significant. */
export function fairnessSentence(d: DimensionReport): string {
  const p = d.significance.paired_t_test.p_value;
  const verdict = fairnessSignificant(d)
    ? `statistically significant at the ${SIGNIFICANCE_ALPHA * 100}% level (paired t-test ${pIs(p)}), i.e. unlikely to be chance`
    : p === null
      ? 'not testable (fewer than two template groups)'
      : `not statistically significant (paired t-test ${pIs(p)}), i.e. consistent with chance`;
  return `${dimensionName(d)}: ${gapDirection(d)}; the gap is ${verdict}.`;
}

function emotionRows(d: DimensionReport): string[][] {
  return Object.entries(d.by_emotion)
    .slice(0, MAX_EMOTION_ROWS)
    .map(([emotion, e]: [string, EmotionBreakdown]) => [md(d.dimension), md(emotion), int(e.n), signed4(e.mean_diff), f4(e.mean_abs_diff), f4(e.max_abs_diff), pct(e.flip_share)]);
}

export function fairnessSection(ev: ModelCardEvaluation, detail: CardDetail): string[] {
  const f = ev.details.fairness;
  const blocks = ['## Fairness'];
  if (!f) {
    blocks.push('The fairness evaluation did not run: the Equity Evaluation Corpus (EEC) was not available to the pipeline, so gender and race gaps of this model are unknown.');
    return blocks;
  }
  const dims = [f.gender, f.race];
  blocks.push(
    `Measured on the Equity Evaluation Corpus (EEC; Kiritchenko & Mohammad 2018): ${int(f.n_sentences)} short template sentences that differ only in the person they mention, by a first name common among African-American or European-American people, or by a gendered word such as “my brother” / “my sister”. For each template and emotion word, the mean P(positive) of one group’s sentences is subtracted from the other’s; a fair model has differences near 0. A label flip is a matched pair of sentences, differing only in the person, that get different predicted labels at threshold ${f.threshold}.`,
  );
  blocks.push('### Gender and race gaps');
  blocks.push(
    table(
      ['measure', ...dims.map((d) => md(d.dimension))],
      ['l', ...dims.map(() => 'r' as const)],
      [
        ['difference measured', ...dims.map((d) => md(d.diff_of.replace(' - ', ' − ')))],
        ['template groups compared', ...dims.map((d) => int(d.pairs))],
        ['mean difference (signed)', ...dims.map((d) => `${signed4(d.mean_diff)} (${higher(d, d.mean_diff)})`)],
        ['mean \\|difference\\|', ...dims.map((d) => f4(d.mean_abs_diff))],
        ['max \\|difference\\| (emotion word)', ...dims.map((d) => `${f4(d.max_abs_diff)} (${md(d.max_abs_group.emotion)}, ${d.max_abs_group.emotion_word === null ? 'no emotion word' : quoteText(d.max_abs_group.emotion_word, 40)})`)],
        ['matched sentence pairs', ...dims.map((d) => int(d.matched_pairs))],
        ['label flips', ...dims.map((d) => pct(d.flip_share))],
        ['paired t-test', ...dims.map(tTest)],
        ['sign test', ...dims.map(signTestCell)],
      ],
    ),
  );
  const significant = dims.filter(fairnessSignificant);
  blocks.push(
    list([
      ...dims.map(fairnessSentence),
      `Label flips: ${dims.map((d) => `${pct(d.flip_share)} of matched ${md(d.dimension)} pairs`).join(', ')} get a different label only because the person changed.`,
      'The sign test counts template groups where the first group scores higher against those where it scores lower; it checks the t-test without assuming normal differences.',
    ]),
  );
  blocks.push(
    significant.length > 0
      ? `Significant gap: **${significant.map((d) => md(d.dimension)).join(' and ')}**. A significant gap can still be small; the mean |difference| says how large it is on the 0–1 score.`
      : `Neither the gender nor the race gap is statistically significant at the ${SIGNIFICANCE_ALPHA * 100}% level.`,
  );

  blocks.push('### Gaps by emotion');
  const emotions = (d: DimensionReport): string[] => Object.keys(d.by_emotion).slice(0, MAX_EMOTION_ROWS);
  const xLabels = dims.flatMap((d) => emotions(d).map((e) => `${d.dimension} ${e}`));
  const values = dims.flatMap((d) => emotions(d).map((e) => d.by_emotion[e]?.mean_abs_diff ?? 0));
  if (xLabels.length > 0) {
    blocks.push(`Bars: the mean |difference| per emotion of the template (“none” is the neutral templates), first for ${md(f.gender.dimension)}, then for ${md(f.race.dimension)}.`);
    blocks.push(xyChart({ title: 'Mean absolute score difference per emotion (EEC)', xLabels, yLabel: 'mean absolute difference', yMin: 0, yMax: Math.max(0.05, ...values), bars: [values] }));
  }
  if (detail.perEmotion) {
    blocks.push(
      table(
        ['dimension', 'emotion', 'template groups', 'mean difference', 'mean \\|difference\\|', 'max \\|difference\\|', 'label flips'],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
        dims.flatMap(emotionRows),
      ),
    );
  } else {
    blocks.push('The per-emotion table is left out to keep this card within GitHub’s comment size limit (see the note at the top); the chart shows the same mean |difference| values.');
  }
  return blocks;
}

// ---------------------------------------------------------------------------------
// privacy

/** The attack does better than chance when its AUC interval lies above 0.5. */
export function privacyLeaks(p: PrivacyReport): boolean {
  return p.auc_ci95[0] > 0.5;
}

export function privacySection(ev: ModelCardEvaluation): string[] {
  const p = ev.details.privacy;
  const blocks = ['## Privacy'];
  blocks.push(
    `A membership-inference attack (the confidence-threshold attack of Yeom et al. 2018) tries to tell from the model’s scores alone whether a sentence was in the training data: it guesses “member” when the model is confident in the sentence’s true label. It is run on ${int(p.n_members)} training sentences (members) and ${int(p.n_nonmembers)} test sentences (non-members) with the same label mix (${int(p.n_per_label.negative)} negative and ${int(p.n_per_label.positive)} positive on each side).`,
  );
  blocks.push(
    table(
      ['measure', 'value'],
      ['l', 'r'],
      [
        ['members / non-members', `${int(p.n_members)} / ${int(p.n_nonmembers)}`],
        ['attack AUC', f4(p.attack_auc)],
        ['attack AUC 95% CI (bootstrap)', interval(p.auc_ci95)],
        ['loss-based attack AUC', f4(p.loss_attack_auc)],
        ['membership advantage (max TPR − FPR)', `${f4(p.best_threshold_advantage)}${p.best_threshold !== null ? ` (at confidence ≥ ${f4(p.best_threshold)})` : ''}`],
        ['mean confidence in the true label, members', f4(p.mean_confidence_members)],
        ['mean confidence in the true label, non-members', f4(p.mean_confidence_nonmembers)],
        ['confidence gap (members − non-members)', signed4(p.confidence_gap)],
      ],
    ),
  );
  const leaks = privacyLeaks(p);
  blocks.push(
    list([
      `An attack AUC of 0.5 means the attacker does no better than a coin flip; 1 means it recognises every training sentence. Here it is ${f4(p.attack_auc)} (95% CI ${interval(p.auc_ci95)}): ${leaks ? 'the interval lies above 0.5, so the scores give away some membership' : 'the interval includes 0.5, so no leak is measurable at this sample size'}.`,
      `The membership advantage, ${f4(p.best_threshold_advantage)}, is how much better than chance the best single confidence threshold separates members from non-members (0 = not at all).`,
      `On average the model is ${f4(Math.abs(p.confidence_gap))} ${p.confidence_gap >= 0 ? 'more' : 'less'} confident on sentences it was trained on than on unseen ones; this overfitting gap is what such attacks exploit.`,
      'The prediction service does not log the texts it is asked to score by default (`LOG_REQUEST_TEXT=false`); turning that on stores inputs, which may be personal data, in the service logs.',
    ]),
  );
  return blocks;
}

// ---------------------------------------------------------------------------------
// size, load time and quantization (appended to the latency section)

export function hasSizeInfo(ev: ModelCardEvaluation | undefined): boolean {
  const r = ev?.details.record;
  return r !== undefined && (r.size !== undefined || r.latency?.load_ms !== undefined || r.quantization !== undefined);
}

function quantizationBlocks(q: QuantizationSummary): string[] {
  const before = q.latency_p50_ms_before;
  const after = q.latency_p50_ms_after;
  const rows: string[][] = [
    ['model size', megabytes(q.bytes_before), megabytes(q.bytes_after)],
    ['test accuracy', f4(q.accuracy_before), f4(q.accuracy_after)],
  ];
  if (before !== undefined || after !== undefined) rows.push(['latency p50, single text (ms)', ms(before), ms(after)]);
  const ratio = q.bytes_before > 0 ? q.bytes_after / q.bytes_before : undefined;
  return [
    '### Quantization',
    `The weights ship quantized to ${code(q.dtype)}${ratio !== undefined ? `, ${(ratio * 100).toFixed(0)}% of the float32 size` : ''}, and cost ${points(q.accuracy_drop).replace('+', '')} of test accuracy (before − after).`,
    table(['measure', 'float32 (before)', `${md(q.dtype)} (after)`], ['l', 'r', 'r'], rows),
  ];
}

/** Lines for the latency section: artifact size, load time, quantization. */
export function sizeBlocks(ev: ModelCardEvaluation): string[] {
  const r = ev.details.record;
  const items: string[] = [];
  if (r.size) items.push(`Artifact size: ${megabytes(r.size.artifact_bytes)} (${int(r.size.artifact_bytes)} bytes), of which weights ${megabytes(r.size.weights_bytes)}`);
  if (r.latency?.load_ms !== undefined) items.push(`Load time: ${r.latency.load_ms.toFixed(1)} ms to read the artifact and build the model, before the first prediction`);
  const blocks: string[] = [];
  if (items.length) blocks.push(list(items));
  if (r.quantization) blocks.push(...quantizationBlocks(r.quantization));
  return blocks;
}

// ---------------------------------------------------------------------------------
// ethical considerations and caveats

/** Replaces the "not measured" identity-term item of the ethical considerations when the EEC ran. */
export function fairnessEthicsItems(f: FairnessReport): string[] {
  const dims = [f.gender, f.race];
  const figures = dims
    .map((d) => `${signed4(d.mean_diff)} for ${md(d.dimension)} (${md(d.diff_of.replace(' - ', ' − '))}, mean |difference| ${f4(d.mean_abs_diff)}, paired t-test ${pIs(d.significance.paired_t_test.p_value)}, ${pct(d.flip_share)} of matched pairs flip label)`)
    .join(' and ');
  return [
    `Sentiment models are known to score sentences differently depending on identity terms that carry no sentiment. On the Equity Evaluation Corpus the mean score difference is ${figures}; see the fairness section.`,
    'The EEC covers binary gender and African-American vs European-American first names in short template sentences only: religion, nationality, age, disability, dialect and non-binary identities are not measured, and no demographic information about real authors is available.',
  ];
}

function negationCaveat(t: RobustnessTest): string | undefined {
  if (t.kind !== 'MFT' || t.failure_rate === null || t.failure_rate <= NEGATION_CAVEAT_RATE) return undefined;
  const rate = pct(t.failure_rate);
  if (t.name === 'negated_negative') return `The model does not handle negation of negative words: it gets ${rate} of cases like “not bad” or “never boring” wrong, reading them as negative. Expect negated phrasing to be misread.`;
  if (t.name === 'negated_positive') return `The model does not handle negation of positive words: it gets ${rate} of cases like “not good” or “never great” wrong, reading them as positive. Expect negated phrasing to be misread.`;
  return `The model fails the minimum-functionality test ${code(t.name)} in ${rate} of cases (${md(t.description)}).`;
}

function robustnessCaveats(r: RobustnessReport): string[] {
  const items: string[] = [];
  for (const t of r.tests.slice(0, MAX_ROBUSTNESS_ROWS)) {
    const negation = negationCaveat(t);
    if (negation) items.push(negation);
    else if (t.kind !== 'MFT' && t.failure_rate !== null && t.n >= ROBUSTNESS_MIN_CASES && t.failure_rate > ROBUSTNESS_CAVEAT_RATE) {
      items.push(`Predictions are fragile under ${code(t.name)}: ${pct(t.failure_rate)} of ${int(t.n)} cases fail (${md(t.description)}).`);
    }
  }
  const drop = r.accuracy_drop.filter((d) => d.drop_points !== null && d.n >= ROBUSTNESS_MIN_CASES).reduce<(typeof r.accuracy_drop)[number] | undefined>((w, d) => (!w || (d.drop_points as number) > (w.drop_points as number) ? d : w), undefined);
  if (drop && (drop.drop_points as number) >= 1) items.push(`Accuracy falls by ${(drop.drop_points as number).toFixed(2)} points when sentences get a ${code(drop.perturbation)} perturbation (${int(drop.n)} sentences).`);
  return items;
}

/** Caveats derived from what the gates and reports measured; replaces the "gates run later" caveat. */
export function evaluationCaveats(ev: ModelCardEvaluation): string[] {
  const { gates, details } = ev;
  const items: string[] = [];
  const bad = failingGates(gates);
  if (gates.length === 0) items.push('No gates are configured, so nothing automatic stands between this model and deployment; the reviewers’ sign-off is the only check.');
  else if (bad.length === 0) items.push(`All ${plural(gates.length, 'gate')} pass. The gates cover only what they measure; passing them is necessary, not sufficient.`);
  else items.push(`${gateVerdict(gates)} The model must not ship until they pass, or until reviewers change the thresholds in a reviewed change to \`.github/gitops-ml.yml\`.`);

  items.push(...robustnessCaveats(details.robustness));
  const f = details.fairness;
  if (f) {
    for (const d of [f.gender, f.race].filter(fairnessSignificant)) {
      items.push(`The ${md(d.dimension)} gap is statistically significant: on the Equity Evaluation Corpus ${gapDirection(d)}, paired t-test ${pIs(d.significance.paired_t_test.p_value)}. Check whether a gap of this size matters for your use before deploying.`);
    }
  } else items.push('Gender and race gaps were not measured (no Equity Evaluation Corpus); treat the model as unaudited for bias.');
  if (privacyLeaks(details.privacy)) {
    items.push(`The membership-inference attack does better than chance (AUC ${f4(details.privacy.attack_auc)}, 95% CI ${interval(details.privacy.auc_ci95)}): do not train on text whose presence in the training set is itself sensitive without further protection.`);
  }
  const c = details.record.champion;
  if (isComparison(c) && c.delta < 0) items.push(`This version is ${points(-c.delta).replace('+', '')} less accurate on the test set than the champion ${code(c.champion)} (McNemar ${pIs(c.mcnemar.p_value)}).`);
  const q = details.record.quantization;
  if (q && q.accuracy_drop > 0) items.push(`Quantizing to ${code(q.dtype)} costs ${points(q.accuracy_drop).replace('+', '')} of test accuracy.`);
  return items;
}
