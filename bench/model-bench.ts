/**
 * `npm run bench:model`: trains the default spec (or --preset NAME) on SST-2 train,
 * measures it on SST-2 test, and in the same run trains and scores the fastText
 * (word bigrams) and scikit-learn TF-IDF + logistic-regression baselines on the same
 * split, then the trained model on text as people write it (bench/raw-text.ts). Prints the
 * tables; writes reports/bench-model.json. Not a test: no assertions.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runPipeline } from '../model/pipeline/pipeline.js';
import { stderrProgress } from '../model/train/progress.js';
import { resolveDatasetFile } from '../model/data/resolve.js';
import { runFastText, runSklearn } from './baselines.js';
import type { BaselineResult } from './baselines.js';
import { loadArtifact } from '../model/artifact/artifact.js';
import { measureRawText, rawTextTable } from './raw-text.js';

interface Row {
  model: string;
  accuracy: number;
  ci95: string;
  f1_macro: string;
  train_s: number;
  p50_ms: string;
}

function table(rows: Row[]): string {
  const head = ['model', 'test acc', '95% CI', 'macro-F1', 'train s', 'p50 ms'];
  const cells = [head, ...rows.map((r) => [r.model, r.accuracy.toFixed(4), r.ci95, r.f1_macro, r.train_s.toFixed(1), r.p50_ms])];
  const widths = head.map((_, c) => Math.max(...cells.map((row) => (row[c] as string).length)));
  const line = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { preset: { type: 'string' }, spec: { type: 'string' }, 'skip-baselines': { type: 'boolean' } } });
  const progress = stderrProgress();
  const outDir = mkdtempSync(join(tmpdir(), 'bench-artifacts-'));
  const started = performance.now();
  const result = await runPipeline({ specPath: values.spec ?? 'model/specs/sentiment.json', preset: values.preset, outDir, progress });
  const wall = (performance.now() - started) / 1000;
  const test = result.metrics.test;
  if (!test) throw new Error('the spec has no test split to benchmark on');
  const rows: Row[] = [
    {
      model: `gitops-ml ${result.spec.name}${result.spec.preset ? ` (${result.spec.preset})` : ''} [${result.trained.backend}]`,
      accuracy: test.accuracy,
      ci95: `${test.accuracy_ci95[0].toFixed(3)}–${test.accuracy_ci95[1].toFixed(3)}`,
      f1_macro: test.f1_macro.toFixed(4),
      train_s: result.trained.seconds,
      p50_ms: result.latency.single.p50_ms.toFixed(3),
    },
  ];
  const baselines: BaselineResult[] = [];
  if (!values['skip-baselines']) {
    const trainPath = (await resolveDatasetFile('sst2', 'train')).path;
    const testPath = (await resolveDatasetFile('sst2', 'test')).path;
    progress.line('[bench] fastText (word bigrams)…');
    baselines.push(await runFastText({ trainPath, testPath, workDir: mkdtempSync(join(tmpdir(), 'fasttext-')) }));
    progress.line('[bench] scikit-learn TF-IDF + logistic regression…');
    baselines.push(await runSklearn({ trainPath, testPath }));
    for (const b of baselines) rows.push({ model: b.name, accuracy: b.accuracy, ci95: '', f1_macro: '', train_s: b.trainSeconds, p50_ms: '' });
  }
  const machine = `${cpus().length} cores, Node ${process.version}`;
  process.stdout.write(`\nSST-2 test (n=${test.n}), ${machine}; pipeline wall time ${wall.toFixed(0)} s\n\n${table(rows)}\n\n`);
  process.stdout.write(
    `single-text p50 ${result.latency.single.p50_ms.toFixed(3)} ms, p99 ${result.latency.single.p99_ms.toFixed(3)} ms (median of ${result.latency.single.calls} in-process calls); ` +
      `batch of 32: p50 ${result.latency.batch32.p50_ms.toFixed(2)} ms\n`,
  );
  const rawText = await measureRawText(await loadArtifact(result.artifactDir));
  process.stdout.write(`\nthe same model on text as people write it (sst2:test_as_written and rewrites; npm run bench:raw-text):\n\n${rawTextTable(rawText)}\n`);
  mkdirSync('reports', { recursive: true });
  writeFileSync(
    'reports/bench-model.json',
    `${JSON.stringify({ machine, preset: result.spec.preset ?? null, wall_seconds: wall, model: { test, latency: result.latency, train_seconds: result.trained.seconds, backend: result.trained.backend, raw_text: rawText }, baselines }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:model failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
