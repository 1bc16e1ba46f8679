/**
 * The evaluation gates: what decides whether a model may ship. The pipeline measures
 * everything once and records it as `evaluation.json` in the artifact; this module turns
 * that record and the thresholds of `.github/gitops-ml.yml` into pass/fail rows with an
 * explanation in plain words. It is pure and free of TensorFlow.js, so the evaluator
 * action (a small bundle) and `npm run pipeline` decide with the same code.
 */

/** Thresholds, as in the `gates:` section of `.github/gitops-ml.yml`. Drops are fractions (0.003 = 0.3 points). */
export interface GateThresholds {
  accuracy_min?: number;
  f1_macro_min?: number;
  roc_auc_min?: number;
  ece_max?: number;
  champion_max_regression?: number;
  champion_alpha?: number;
  /** Over the invariance (INV) and directional (DIR) tests. */
  robustness_max_failure_rate?: number;
  /** Over the minimum-functionality (MFT) negation tests. */
  robustness_max_mft_failure_rate?: number;
  robustness_max_accuracy_drop?: number;
  fairness_max_gap?: number;
  fairness_max_flip_share?: number;
  privacy_max_mia_auc?: number;
  latency_p95_ms_max?: number;
  size_max_mb?: number;
  quantization_max_accuracy_drop?: number;
}

export const DEFAULT_CHAMPION_ALPHA = 0.05;
/** A robustness test with fewer applicable cases says too little to block a model (SST-2 has few names and places). */
export const ROBUSTNESS_MIN_CASES = 20;

type Interval = [number, number];

/** The champion/challenger comparison on the same test set (same file, by sha256). */
export interface ChampionComparison {
  champion: string;
  n: number;
  accuracy_champion: number;
  accuracy_challenger: number;
  /** challenger − champion, as a fraction. */
  delta: number;
  delta_ci95?: Interval;
  mcnemar: { b: number; c: number; p_value: number; method: string };
}

export interface RobustnessSummary {
  tests: { name: string; kind: string; n: number; failure_rate: number | null }[];
  accuracy_drop: { perturbation: string; n: number; drop_points: number }[];
}

export interface FairnessSummary {
  dimensions: { dimension: string; pairs: number; mean_abs_diff: number; max_abs_diff: number; flip_share: number }[];
}

export interface PrivacySummary {
  attack_auc: number;
  confidence_gap: number;
}

export interface LatencyRecord {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

export interface QuantizationSummary {
  dtype: string;
  accuracy_before: number;
  accuracy_after: number;
  /** before − after, as a fraction. */
  accuracy_drop: number;
  bytes_before: number;
  bytes_after: number;
  latency_p50_ms_before?: number;
  latency_p50_ms_after?: number;
}

/** `evaluation.json`: every measurement the gates read. Optional parts were not measured. */
export interface EvaluationRecord {
  schema_version: 1;
  model: { name: string; version: string };
  test?: {
    dataset_sha256: string;
    n: number;
    accuracy: number;
    accuracy_ci95?: Interval;
    f1_macro: number;
    f1_macro_ci95?: Interval;
    roc_auc: number | null;
    roc_auc_ci95?: Interval | null;
    ece: number;
  };
  /** Predicted labels on the test set, bit-packed (base64), so a later model can run McNemar against this one. */
  test_predictions?: { dataset_sha256: string; n: number; labels_b64: string };
  champion?: ChampionComparison | { skipped: string };
  robustness?: RobustnessSummary;
  fairness?: FairnessSummary;
  privacy?: PrivacySummary;
  latency?: { single: LatencyRecord; batch32?: LatencyRecord; load_ms?: number };
  size?: { artifact_bytes: number; weights_bytes: number };
  quantization?: QuantizationSummary;
}

export type GateStatus = 'pass' | 'fail' | 'not measured';

export interface GateResult {
  id: string;
  gate: string;
  threshold: string;
  value: string;
  status: GateStatus;
  /** One or two sentences a reviewer can read without knowing the metric. */
  explanation: string;
}

const f4 = (x: number): string => x.toFixed(4);
const pts = (fraction: number): string => `${(fraction * 100).toFixed(2)} points`;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const ci = (c: Interval | null | undefined): string => (c ? ` [${f4(c[0])}, ${f4(c[1])}]` : '');

/** Packs 0/1 labels into bits, base64: 1,821 test predictions fit in 304 characters. */
export function packLabels(labels: ArrayLike<number>): string {
  const bytes = new Uint8Array(Math.ceil(labels.length / 8));
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) bytes[i >> 3] = (bytes[i >> 3] as number) | (1 << (i & 7));
  return Buffer.from(bytes).toString('base64');
}

export function unpackLabels(b64: string, n: number): Uint8Array {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== Math.ceil(n / 8)) throw new Error(`packed labels: ${bytes.length} bytes cannot hold exactly ${n} labels`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((bytes[i >> 3] as number) >> (i & 7)) & 1;
  return out;
}

/**
 * Every gate that has a threshold. A gate whose measurement is missing is "not
 * measured" and blocks like a failure: a model must not ship because a check was skipped.
 */
export function decideGates(e: EvaluationRecord, t: GateThresholds): GateResult[] {
  const rows: GateResult[] = [];
  const add = (id: string, gate: string, threshold: string, value: number | undefined | null, pass: (v: number) => boolean, fmt: (v: number) => string, explain: (v: number, ok: boolean) => string, missing: string): void => {
    if (value === undefined || value === null || Number.isNaN(value)) {
      rows.push({ id, gate, threshold, value: 'missing', status: 'not measured', explanation: missing });
      return;
    }
    const ok = pass(value);
    rows.push({ id, gate, threshold, value: fmt(value), status: ok ? 'pass' : 'fail', explanation: explain(value, ok) });
  };
  const test = e.test;
  const noTest = 'The artifact has no test-set evaluation, so this gate cannot be decided.';

  if (t.accuracy_min !== undefined) {
    const min = t.accuracy_min;
    add('accuracy', 'test accuracy', `≥ ${min}`, test?.accuracy, (v) => v >= min, (v) => `${f4(v)}${ci(test?.accuracy_ci95)}`, (v, ok) => `${pct(v)} of the ${test?.n ?? '?'} test sentences are labelled correctly; the bar is ${pct(min)}.${ok ? '' : ` It misses it by ${pts(min - v)}.`}`, noTest);
  }
  if (t.f1_macro_min !== undefined) {
    const min = t.f1_macro_min;
    add('f1_macro', 'test macro-F1', `≥ ${min}`, test?.f1_macro, (v) => v >= min, (v) => `${f4(v)}${ci(test?.f1_macro_ci95)}`, (v, ok) => `Macro-F1 averages how well both classes are found, so a model cannot pass by favouring one label. ${ok ? 'It is above the bar.' : `It is ${pts(min - v)} below the bar.`}`, noTest);
  }
  if (t.roc_auc_min !== undefined) {
    const min = t.roc_auc_min;
    add('roc_auc', 'test ROC-AUC', `≥ ${min}`, test?.roc_auc, (v) => v >= min, (v) => `${f4(v)}${ci(test?.roc_auc_ci95)}`, (v) => `A random positive sentence scores above a random negative one ${pct(v)} of the time (50% is guessing).`, noTest);
  }
  if (t.ece_max !== undefined) {
    const max = t.ece_max;
    add('ece', 'calibration (ECE)', `≤ ${max}`, test?.ece, (v) => v <= max, f4, (v, ok) => `On average the stated confidence is off from the observed accuracy by ${pts(v)}. ${ok ? 'Scores can be read as probabilities.' : 'Scores overstate or understate how sure the model should be.'}`, noTest);
  }

  if (t.champion_max_regression !== undefined || t.champion_alpha !== undefined) {
    const alpha = t.champion_alpha ?? DEFAULT_CHAMPION_ALPHA;
    const cap = t.champion_max_regression;
    const c = e.champion;
    const gate = 'champion/challenger';
    const threshold = `no significant drop (McNemar p < ${alpha})${cap !== undefined ? `, drop ≤ ${pts(cap)}` : ''}`;
    if (!c) rows.push({ id: 'champion', gate, threshold, value: 'missing', status: 'not measured', explanation: 'The comparison with the model on main was not run.' });
    else if ('skipped' in c) rows.push({ id: 'champion', gate, threshold, value: 'no champion', status: 'pass', explanation: `Nothing to compare with: ${c.skipped}` });
    else {
      const significantDrop = c.delta < 0 && c.mcnemar.p_value < alpha;
      const overCap = cap !== undefined && -c.delta > cap;
      const ok = !significantDrop && !overCap;
      const dir = c.delta >= 0 ? `gains ${pts(c.delta)}` : `loses ${pts(-c.delta)}`;
      rows.push({
        id: 'champion',
        gate,
        threshold,
        value: `${c.delta >= 0 ? '+' : ''}${pts(c.delta)} (p = ${c.mcnemar.p_value.toPrecision(3)})`,
        status: ok ? 'pass' : 'fail',
        explanation: `Against ${c.champion} on the same ${c.n} test sentences, this model ${dir}: it is right where the champion is wrong ${c.mcnemar.c} times and the reverse ${c.mcnemar.b} times. ${significantDrop ? 'That drop is statistically significant.' : overCap ? 'The drop is larger than allowed.' : c.delta < 0 ? 'The difference could be chance.' : ''}`.trim(),
      });
    }
  }

  const robustnessGate = (id: string, kinds: readonly string[], max: number, what: string): void => {
    const tests = (e.robustness?.tests ?? []).filter((x) => kinds.includes(x.kind));
    const gated = tests.filter((x): x is typeof x & { failure_rate: number } => x.n >= ROBUSTNESS_MIN_CASES && x.failure_rate !== null);
    const few = tests.filter((x) => x.n < ROBUSTNESS_MIN_CASES).map((x) => `${x.name} (${x.n})`);
    const worst = gated.reduce<{ name: string; failure_rate: number } | undefined>((w, x) => (!w || x.failure_rate > w.failure_rate ? x : w), undefined);
    const fewNote = few.length ? ` Not gated, too few cases (< ${ROBUSTNESS_MIN_CASES}): ${few.join(', ')}.` : '';
    add(id, `robustness: ${what} (worst failure rate)`, `≤ ${pct(max)}`, e.robustness ? (worst?.failure_rate ?? 0) : undefined, (v) => v <= max, (v) => `${pct(v)}${worst ? ` (${worst.name})` : ''}`, (v, ok) => `Of ${gated.length} ${what} tests, the worst${worst ? `, "${worst.name}",` : ''} fails ${pct(v)} of its cases.${ok ? '' : ' See the robustness section for failing examples.'}${fewNote}`, 'The robustness suites were not run.');
  };
  if (t.robustness_max_failure_rate !== undefined) robustnessGate('robustness', ['INV', 'DIR'], t.robustness_max_failure_rate, 'invariance and directional');
  if (t.robustness_max_mft_failure_rate !== undefined) robustnessGate('robustness_mft', ['MFT'], t.robustness_max_mft_failure_rate, 'negation (minimum functionality)');
  if (t.robustness_max_accuracy_drop !== undefined) {
    const max = t.robustness_max_accuracy_drop;
    const worst = e.robustness?.accuracy_drop.filter((x) => x.n >= ROBUSTNESS_MIN_CASES).reduce<{ perturbation: string; drop_points: number } | undefined>((w, x) => (!w || x.drop_points > w.drop_points ? x : w), undefined);
    add('robustness_drop', 'accuracy drop under perturbation', `≤ ${pts(max)}`, e.robustness ? (worst?.drop_points ?? 0) / 100 : undefined, (v) => v <= max, (v) => `${pts(v)} (${worst?.perturbation ?? '?'})`, (v) => `Perturbing the test sentences costs at most ${pts(v)} of accuracy (${worst?.perturbation ?? '?'}).`, 'The robustness suites were not run.');
  }
  if (t.fairness_max_gap !== undefined) {
    const max = t.fairness_max_gap;
    const worst = e.fairness?.dimensions.reduce<{ dimension: string; mean_abs_diff: number } | undefined>((w, x) => (!w || x.mean_abs_diff > w.mean_abs_diff ? x : w), undefined);
    add('fairness_gap', 'fairness (mean score gap, EEC)', `≤ ${max}`, worst?.mean_abs_diff, (v) => v <= max, (v) => `${f4(v)} (${worst?.dimension ?? '?'})`, (v, ok) => `Sentences that differ only in the person's ${worst?.dimension ?? '?'} get scores that differ by ${f4(v)} on average.${ok ? '' : ' The model treats groups differently.'}`, 'The fairness evaluation (Equity Evaluation Corpus) was not run.');
  }
  if (t.fairness_max_flip_share !== undefined) {
    const max = t.fairness_max_flip_share;
    const worst = e.fairness?.dimensions.reduce<{ dimension: string; flip_share: number } | undefined>((w, x) => (!w || x.flip_share > w.flip_share ? x : w), undefined);
    add('fairness_flips', 'fairness (label flips, EEC)', `≤ ${pct(max)}`, worst?.flip_share, (v) => v <= max, (v) => `${pct(v)} (${worst?.dimension ?? '?'})`, (v) => `Changing only the person's ${worst?.dimension ?? '?'} flips the predicted label in ${pct(v)} of sentence pairs.`, 'The fairness evaluation (Equity Evaluation Corpus) was not run.');
  }
  if (t.privacy_max_mia_auc !== undefined) {
    const max = t.privacy_max_mia_auc;
    add('privacy', 'privacy (membership-inference AUC)', `≤ ${max}`, e.privacy?.attack_auc, (v) => v <= max, (v) => `${f4(v)} (confidence gap ${f4(e.privacy?.confidence_gap ?? Number.NaN)})`, (v, ok) => `An attacker guessing from the model's confidence whether a sentence was in the training data is right ${pct(v)} of the time in the AUC sense (50% = no better than chance).${ok ? '' : ' The model leaks membership.'}`, 'The membership-inference attack was not run.');
  }
  if (t.latency_p95_ms_max !== undefined) {
    const max = t.latency_p95_ms_max;
    add('latency', 'latency p95 (single text, in-process)', `≤ ${max} ms`, e.latency?.single.p95_ms, (v) => v <= max, (v) => `${v.toFixed(3)} ms`, (v) => `95% of single predictions finish within ${v.toFixed(3)} ms in the process (network and HTTP not included).`, 'Latency was not measured.');
  }
  if (t.size_max_mb !== undefined) {
    const max = t.size_max_mb;
    add('size', 'artifact size', `≤ ${max} MB`, e.size === undefined ? undefined : e.size.artifact_bytes / 1e6, (v) => v <= max, (v) => `${v.toFixed(1)} MB`, (v) => `The artifact to deploy is ${v.toFixed(1)} MB.`, 'The artifact size was not recorded.');
  }
  if (t.quantization_max_accuracy_drop !== undefined) {
    const max = t.quantization_max_accuracy_drop;
    const q = e.quantization;
    if (!q) rows.push({ id: 'quantization', gate: 'quantization accuracy drop', threshold: `≤ ${pts(max)}`, value: 'not quantized', status: 'pass', explanation: 'The model ships with float32 weights; the quantization gate applies only when packaging quantizes.' });
    else add('quantization', `quantization (${q.dtype}) accuracy drop`, `≤ ${pts(max)}`, q.accuracy_drop, (v) => v <= max, pts, (v, ok) => `${q.dtype} weights make the artifact ${(q.bytes_after / 1e6).toFixed(1)} MB instead of ${(q.bytes_before / 1e6).toFixed(1)} MB and cost ${pts(v)} of accuracy.${ok ? '' : ' Too much: ship float32.'}`, '');
  }
  return rows;
}

export function gatesPass(rows: readonly GateResult[]): boolean {
  return rows.every((r) => r.status === 'pass');
}

const STATUS = { pass: '✅ pass', fail: '❌ fail', 'not measured': '⚠️ not measured' } as const;

/** The gate table (Markdown), as the card, the check run and the CLI print it. */
export function gateTableMarkdown(rows: readonly GateResult[]): string {
  if (rows.length === 0) return '_No gates configured in `.github/gitops-ml.yml`._';
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return ['| gate | threshold | value | result |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${cell(r.gate)} | ${cell(r.threshold)} | ${cell(r.value)} | ${STATUS[r.status]} |`)].join('\n');
}

/** The same table for a terminal. */
export function gateTableText(rows: readonly GateResult[]): string {
  const cols = [rows.map((r) => r.gate), rows.map((r) => r.threshold), rows.map((r) => r.value)];
  const width = cols.map((c, i) => Math.max(['gate', 'threshold', 'value'][i]?.length ?? 0, ...c.map((s) => s.length)));
  const line = (a: string, b: string, c: string, d: string): string => `${a.padEnd(width[0] as number)}  ${b.padEnd(width[1] as number)}  ${c.padEnd(width[2] as number)}  ${d}`;
  return [line('gate', 'threshold', 'value', 'result'), ...rows.map((r) => line(r.gate, r.threshold, r.value, r.status.toUpperCase()))].join('\n');
}
