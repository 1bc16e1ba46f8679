/**
 * `npm run bench:predictor`: what one text costs the served model in process, piece by
 * piece, on the SST-2 test sentences, with no HTTP. The numbers docs/BENCHMARKS.md gives
 * for the forward pass come from here:
 *
 * - score(): the whole served path (tokenizer, negation scope, ids, GRU, n-gram member),
 *   mean per text of the fastest of nine passes, and p50/p99 per call over three passes;
 * - each GRU member alone on the encoded texts (WebAssembly SIMD kernel, and the
 *   JavaScript path for reference);
 * - the same member with no projection kept (`cacheTokens: 0`): what texts of words
 *   unseen since start-up cost.
 *
 * MODEL_DIR picks the artifact (default: the newest under model/artifacts). Prints one
 * line per measurement and a JSON summary last.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadArtifact, newestArtifactDir } from '../model/artifact/artifact.js';
import { resolveDatasetFile } from '../model/data/resolve.js';
import { summarizeLatencies } from '../model/eval/latency.js';
import { BiGruPredictor } from '../model/nn/bigru-predictor.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Mean ms per item of the fastest of `passes` passes over `items`. */
function bestPass<T>(items: readonly T[], passes: number, run: (item: T) => unknown): number {
  let best = Infinity;
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    for (const x of items) run(x);
    best = Math.min(best, performance.now() - t0);
  }
  return best / items.length;
}

/** p50 and p99 of single calls over `passes` passes (the pipeline's own latency summary). */
function perCall<T>(items: readonly T[], passes: number, run: (item: T) => unknown): { p50_us: number; p99_us: number } {
  const ms: number[] = [];
  for (let p = 0; p < passes; p++) {
    for (const x of items) {
      const t0 = performance.now();
      run(x);
      ms.push(performance.now() - t0);
    }
  }
  const { p50_ms, p99_ms } = summarizeLatencies(ms);
  return { p50_us: 1000 * p50_ms, p99_us: 1000 * p99_ms };
}

async function main(): Promise<void> {
  const dir = process.env.MODEL_DIR ?? newestArtifactDir(join(ROOT, 'model', 'artifacts'));
  if (!dir) throw new Error('no model artifact under model/artifacts: run `npm run pipeline` first (or set MODEL_DIR to an artifact directory)');
  const model = await loadArtifact(dir);
  const lines = readFileSync((await resolveDatasetFile('sst2', 'test')).path, 'utf8').split('\n');
  if (lines[0]?.trimEnd() !== 'sentence\tlabel') throw new Error('sst2 test file: expected the header "sentence<TAB>label"');
  const texts = lines.slice(1).filter(Boolean).map((l) => l.split('\t')[0] as string);
  const say = (s: string): void => console.error(`[bench:predictor] ${s}`);
  say(`${model.name} ${model.version} from ${dir}, ${texts.length} SST-2 test texts`);

  for (let p = 0; p < 2; p++) for (const t of texts) model.score(t);
  const scoreMean = 1000 * bestPass(texts, 9, (t) => model.score(t));
  const scoreCalls = perCall(texts, 3, (t) => model.score(t));
  say(`score(): ${scoreMean.toFixed(1)} µs per text (fastest of 9 passes); per call p50 ${scoreCalls.p50_us.toFixed(1)} µs, p99 ${scoreCalls.p99_us.toFixed(1)} µs`);

  const ids = texts.map((t) => model.encode(t));
  const tokens = ids.reduce((n, s) => n + s.length, 0);
  const members = model.ensemble.gru.map((w, i) => {
    const time = (p: BiGruPredictor, passes: number): number => {
      for (const s of ids) p.predict(s);
      return 1000 * bestPass(ids, passes, (s) => p.predict(s));
    };
    const simd = new BiGruPredictor(w);
    const row = {
      member: i + 1,
      hidden: w.config.hidden,
      simd: simd.usesSimd,
      us_per_text: time(simd, 7),
      js_us_per_text: time(new BiGruPredictor(w, { simd: false }), 3),
      cold_us_per_text: time(new BiGruPredictor(w, { cacheTokens: 0 }), 3),
    };
    say(
      `GRU member ${row.member} (${row.hidden} units, ${row.simd ? 'SIMD kernel' : 'no SIMD here'}): ${row.us_per_text.toFixed(1)} µs per text; ` +
        `JavaScript path ${row.js_us_per_text.toFixed(1)}; every token unseen (nothing kept) ${row.cold_us_per_text.toFixed(1)} µs per text, ` +
        `${((row.cold_us_per_text - row.us_per_text) * (ids.length / tokens)).toFixed(2)} µs more per token`,
    );
    return row;
  });
  console.log(JSON.stringify({ model: `${model.name} ${model.version}`, node: process.version, texts: texts.length, tokens_per_text: tokens / ids.length, score_us_per_text: scoreMean, score_per_call: scoreCalls, gru: members }, null, 2));
}

main().catch((err: unknown) => {
  console.error(`bench:predictor failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
