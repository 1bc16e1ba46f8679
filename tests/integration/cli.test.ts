import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetsDir, REPO_ROOT } from '../helpers/datasets.js';

/** Runs the real `gitops-ml` command (compiled by `npm test`'s pretest build). */
function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const bin = join(REPO_ROOT, 'bin/gitops-ml.js');
  if (!existsSync(join(REPO_ROOT, 'dist/model/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: REPO_ROOT, env: { ...process.env, DATASETS_DIR: datasetsDir() }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const out = mkdtempSync(join(tmpdir(), 'cli-artifacts-'));
let artifact: string;

beforeAll(() => {
  const r = cli('pipeline', '--preset', 'smoke', '--out', out);
  if (r.code !== 0) throw new Error(`pipeline failed (${r.code}):\n${r.stderr}`);
  artifact = join(out, 'sentiment', '0.1.0');
});

describe('gitops-ml CLI', () => {
  it('pipeline writes a complete artifact and prints the real metrics of the preset', () => {
    for (const f of ['model.json', 'weights.bin', 'tokenizer.json', 'metadata.json', 'manifest.json', 'eda.json', 'eda.md', 'model-card.md']) expect(existsSync(join(artifact, f))).toBe(true);
    const metadata = JSON.parse(readFileSync(join(artifact, 'metadata.json'), 'utf8')) as { metrics: { test: { accuracy: number; n: number } }; training: { preset: string } };
    expect(metadata.training.preset).toBe('smoke');
    expect(metadata.metrics.test.n).toBe(1821);
    const card = readFileSync(join(artifact, 'model-card.md'), 'utf8');
    expect(card).toContain('```mermaid');
  });

  it('evaluate --json prints one object with the contract keys, consistent with each other', () => {
    const r = cli('evaluate', '--model', artifact, '--data', 'sst2:test', '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const m = JSON.parse(lines[0] as string) as Record<string, unknown> & { confusion: Record<string, number>; accuracy: number; n: number; accuracy_ci95: number[] };
    for (const k of ['accuracy', 'f1_macro', 'precision', 'recall', 'roc_auc', 'ece', 'n', 'confusion', 'accuracy_ci95']) expect(m).toHaveProperty(k);
    const { tp, fp, tn, fn } = m.confusion as { tp: number; fp: number; tn: number; fn: number };
    expect(tp + fp + tn + fn).toBe(1821);
    expect(m.n).toBe(1821);
    expect(m.accuracy).toBeCloseTo((tp + tn) / 1821, 10);
    expect(m.accuracy_ci95[0]).toBeLessThanOrEqual(m.accuracy);
    expect(m.accuracy_ci95[1]).toBeGreaterThanOrEqual(m.accuracy);
    // The artifact's recorded test accuracy is what evaluate measures again.
    const metadata = JSON.parse(readFileSync(join(artifact, 'metadata.json'), 'utf8')) as { metrics: { test: { accuracy: number } } };
    expect(m.accuracy).toBeCloseTo(metadata.metrics.test.accuracy, 10);
  });

  it('predict prints {label, score} per text, raw or pre-tokenized text alike', () => {
    const r = cli('predict', '--model', artifact, "I didn't like it!!!", "i did n't like it !", 'Great movie 😍');
    expect(r.code).toBe(0);
    const preds = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; score: number });
    expect(preds).toHaveLength(3);
    for (const p of preds) {
      expect(Object.keys(p).sort()).toEqual(['label', 'score']);
      expect(p.label).toBe(p.score >= 0.5 ? 'positive' : 'negative');
    }
    expect(preds[0]?.score).toBe(preds[1]?.score);
  });

  it('bad input data is refused with the file, the line and the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-data-'));
    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, 'sentence\tlabel\ngood film\t1\nbad film\tmaybe\n');
    const r = cli('evaluate', '--model', artifact, '--data', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3`);
    expect(r.stderr).toMatch(/maybe/);
    expect(r.stdout).toBe('');
  });

  it('a tampered artifact is refused', () => {
    const copy = mkdtempSync(join(tmpdir(), 'tampered-'));
    cpSync(artifact, copy, { recursive: true });
    const w = readFileSync(join(copy, 'weights.bin'));
    w[0] = (w[0] as number) ^ 1;
    writeFileSync(join(copy, 'weights.bin'), w);
    const r = cli('predict', '--model', copy, 'fine');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/weights\.bin: sha256 .* does not match the manifest/);
  });

  it('usage errors exit 2 and say what is missing', () => {
    expect(cli('predict', '--model', artifact).stderr).toContain('predict needs at least one TEXT');
    const unknown = cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(cli('train', '--spec', 'model/specs/sentiment.json', '--cv', '1').stderr).toContain('--cv must be an integer from 2 to 20');
  });
});

describe('gitops-ml train --search --cv', () => {
  it('searches the spec grid, cross-validates, and records both in the artifact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-search-'));
    const r = cli('train', '--spec', 'model/specs/sentiment.json', '--preset', 'smoke', '--search', '--cv', '3', '--out', dir, '--version', '1.2.3');
    expect(r.code).toBe(0);
    // The default spec's grid: dropout × learningRate = 4 candidates, each reported.
    expect(r.stderr.match(/\[search\] \d\/4: /g)).toHaveLength(4);
    expect(r.stderr).toMatch(/\[search\] best: dropout=[\d.]+ learningRate=[\d.]+/);
    expect(r.stderr).toMatch(/\[cv\] 3-fold accuracy 0\.\d{4} ± 0\.\d{4}/);
    const art = join(dir, 'sentiment', '1.2.3');
    const search = JSON.parse(readFileSync(join(art, 'search.json'), 'utf8')) as { results: { candidate: Record<string, number>; score: number }[]; best: Record<string, number> };
    expect(search.results).toHaveLength(4);
    const bestScore = Math.max(...search.results.map((x) => x.score));
    expect(search.results.find((x) => x.score === bestScore)?.candidate).toEqual(search.best);
    const cv = JSON.parse(readFileSync(join(art, 'cross-validation.json'), 'utf8')) as { folds: number; accuracies: number[] };
    expect(cv.folds).toBe(3);
    expect(cv.accuracies).toHaveLength(3);
    // The trained model uses the winning hyper-parameters.
    const metadata = JSON.parse(readFileSync(join(art, 'metadata.json'), 'utf8')) as { hyperparameters: { learningRate: number; dropout: number } };
    expect(metadata.hyperparameters.dropout).toBe(search.best.dropout);
    expect(metadata.hyperparameters.learningRate).toBe(search.best.learningRate);
  });
});
