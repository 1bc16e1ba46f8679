import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareWithChampion, loadChampionRecord } from '../../model/eval/champion.js';
import { decideGates, gateTableMarkdown, gatesPass, packLabels, unpackLabels } from '../../model/eval/gates.js';
import type { EvaluationRecord } from '../../model/eval/gates.js';
import { evaluateBinary, predict } from '../../model/eval/metrics.js';
import { createRng } from '../../model/util/random.js';

const SHA = 'a'.repeat(64);

function labelsOf(n: number, seed = 3): Uint8Array {
  const rng = createRng(seed);
  return Uint8Array.from({ length: n }, () => (rng.next() < 0.55 ? 1 : 0));
}

function record(labels: ArrayLike<number>, scores: ArrayLike<number>, extra: Partial<EvaluationRecord> = {}): EvaluationRecord {
  const m = evaluateBinary(labels, scores, { bootstrapSamples: 200, seed: 1 });
  return {
    schema_version: 1,
    model: { name: 'sentiment', version: '1.0.0' },
    test: { dataset_sha256: SHA, n: m.n, accuracy: m.accuracy, accuracy_ci95: m.accuracy_ci95, f1_macro: m.f1_macro, f1_macro_ci95: m.f1_macro_ci95, roc_auc: m.roc_auc, roc_auc_ci95: m.roc_auc_ci95, ece: m.ece },
    test_predictions: { dataset_sha256: SHA, n: m.n, labels_b64: packLabels(predict(scores)) },
    ...extra,
  };
}

/** A model right with probability `p` per sentence, confident in its answer. */
function noisyScores(labels: ArrayLike<number>, p: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: labels.length }, (_, i) => ((rng.next() < p) === (labels[i] === 1) ? 0.9 : 0.1));
}

describe('quality gates', () => {
  const labels = labelsOf(1000);

  it('a constant model has ROC-AUC 0.5 and fails the quality gates', () => {
    const rows = decideGates(record(labels, new Float64Array(labels.length).fill(0.7)), { accuracy_min: 0.85, f1_macro_min: 0.85, roc_auc_min: 0.8 });
    expect(rows.find((r) => r.id === 'roc_auc')?.value).toMatch(/^0\.5000/);
    expect(rows.map((r) => r.status)).toEqual(['fail', 'fail', 'fail']);
    expect(rows.find((r) => r.id === 'accuracy')?.explanation).toMatch(/misses it by \d+\.\d\d points/);
    expect(gatesPass(rows)).toBe(false);
  });

  it('a good model passes, with its intervals in the table', () => {
    const rows = decideGates(record(labels, noisyScores(labels, 0.93, 5)), { accuracy_min: 0.85, f1_macro_min: 0.85, roc_auc_min: 0.8, ece_max: 0.1 });
    expect(gatesPass(rows)).toBe(true);
    expect(rows[0]?.value).toMatch(/^0\.9\d+ \[0\.9\d+, 0\.9\d+\]$/);
    expect(gateTableMarkdown(rows)).toContain('| test accuracy | ≥ 0.85 |');
  });

  it('a gate with a threshold but no measurement blocks ("not measured"), never passes', () => {
    const rows = decideGates({ schema_version: 1, model: { name: 'x', version: '1.0.0' } }, { accuracy_min: 0.5, privacy_max_mia_auc: 0.6, robustness_max_failure_rate: 0.2, fairness_max_gap: 0.05, latency_p95_ms_max: 10 });
    expect(rows.map((r) => r.status)).toEqual(['not measured', 'not measured', 'not measured', 'not measured', 'not measured']);
    expect(gatesPass(rows)).toBe(false);
  });

  it('only gates with a threshold are decided', () => {
    expect(decideGates(record(labels, noisyScores(labels, 0.9, 1)), {})).toEqual([]);
  });
});

describe('champion/challenger', () => {
  const labels = labelsOf(1200, 9);
  const champion = record(labels, noisyScores(labels, 0.88, 11), { model: { name: 'sentiment', version: '1.2.0' } });

  it('the same predictions: no difference, p = 1, the gate passes', () => {
    const preds = unpackLabels(champion.test_predictions?.labels_b64 ?? '', labels.length);
    const c = compareWithChampion(champion, { labels, preds, datasetSha256: SHA });
    expect(c).toMatchObject({ n: 1200, delta: 0, mcnemar: { b: 0, c: 0, p_value: 1 } });
    const [row] = decideGates({ ...record(labels, Float64Array.from(preds)), champion: c }, { champion_max_regression: 0.005 });
    expect(row?.status).toBe('pass');
  });

  it('a significantly worse challenger fails; a slightly worse one within chance passes unless over the cap', () => {
    const worse = predict(noisyScores(labels, 0.8, 12));
    const c = compareWithChampion(champion, { labels, preds: worse, datasetSha256: SHA });
    if ('skipped' in c) throw new Error(c.skipped);
    expect(c.delta).toBeLessThan(-0.03);
    expect(c.mcnemar.p_value).toBeLessThan(0.001);
    expect(c.delta_ci95?.[1]).toBeLessThan(0);
    const [row] = decideGates({ ...champion, champion: c }, { champion_alpha: 0.05 });
    expect(row).toMatchObject({ status: 'fail' });
    expect(row?.explanation).toMatch(/statistically significant/);

    // Flip 3 of the champion's right answers: a small, non-significant drop.
    const champPreds = unpackLabels(champion.test_predictions?.labels_b64 ?? '', labels.length);
    const slight = Uint8Array.from(champPreds);
    let flipped = 0;
    for (let i = 0; i < slight.length && flipped < 3; i++) {
      if (slight[i] === labels[i]) {
        slight[i] = 1 - (slight[i] as number);
        flipped++;
      }
    }
    const s = compareWithChampion(champion, { labels, preds: slight, datasetSha256: SHA });
    if ('skipped' in s) throw new Error(s.skipped);
    expect(s.mcnemar).toMatchObject({ b: 3, c: 0, method: 'exact' });
    expect(decideGates({ ...champion, champion: s }, { champion_alpha: 0.05 })[0]?.status).toBe('pass');
    expect(decideGates({ ...champion, champion: s }, { champion_alpha: 0.05, champion_max_regression: 0.001 })[0]?.status).toBe('fail');
  });

  it('another test file or no recorded predictions: skipped, with the reason', () => {
    const preds = predict(noisyScores(labels, 0.9, 2));
    expect(compareWithChampion(champion, { labels, preds, datasetSha256: 'b'.repeat(64) })).toEqual({ skipped: expect.stringMatching(/another test file/) });
    expect(compareWithChampion({ ...champion, test_predictions: undefined }, { labels, preds, datasetSha256: SHA })).toEqual({ skipped: expect.stringMatching(/no per-example test predictions/) });
  });

  it('loads a record from a file, refuses what is not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'champ-'));
    writeFileSync(join(dir, 'sentiment.json'), JSON.stringify(champion));
    expect(loadChampionRecord(join(dir, 'sentiment.json'))?.model.version).toBe('1.2.0');
    expect(loadChampionRecord(join(dir, 'absent.json'))).toBeUndefined();
    writeFileSync(join(dir, 'bad.json'), '{"x":1}');
    expect(() => loadChampionRecord(join(dir, 'bad.json'))).toThrow(/not an evaluation record/);
    expect(() => loadChampionRecord(dir)).toThrow(/no evaluation\.json/);
  });

  it('packs predictions losslessly', () => {
    const l = labelsOf(1821, 4);
    expect(Array.from(unpackLabels(packLabels(l), l.length))).toEqual(Array.from(l));
    expect(packLabels(l).length).toBe(Math.ceil(Math.ceil(1821 / 8) / 3) * 4);
    expect(() => unpackLabels(packLabels(l), 5000)).toThrow(/cannot hold exactly 5000 labels/);
  });
});
