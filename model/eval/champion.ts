import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapCi, mcnemar } from './metrics.js';
import { unpackLabels } from './gates.js';
import type { ChampionComparison, EvaluationRecord } from './gates.js';

/** Where the model on main keeps its record: the docs job commits it beside the card. */
export const championRecordPath = (name: string): string => `docs/model-cards/${name}.json`;

/**
 * The champion's evaluation record: an artifact directory (its evaluation.json) or the
 * JSON record committed under docs/model-cards/. Undefined when there is none yet.
 */
export function loadChampionRecord(path: string): EvaluationRecord | undefined {
  if (!existsSync(path)) return undefined;
  const file = statSync(path).isDirectory() ? join(path, 'evaluation.json') : path;
  if (!existsSync(file)) throw new Error(`${path}: no evaluation.json; is it a gitops-ml artifact trained with the evaluation gates?`);
  let doc: EvaluationRecord;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as EvaluationRecord;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (doc?.schema_version !== 1 || typeof doc.model?.name !== 'string') throw new Error(`${file}: not an evaluation record (schema_version 1 with a model name)`);
  return doc;
}

/**
 * The champion/challenger comparison on the same test set, from the champion's recorded
 * per-example predictions: no need to load (or even have) the champion's weights. The
 * test file must be the same bytes (sha256), else the comparison is skipped with the reason.
 */
export function compareWithChampion(champion: EvaluationRecord, challenger: { labels: ArrayLike<number>; preds: ArrayLike<number>; datasetSha256: string }, seed = 1234): ChampionComparison | { skipped: string } {
  const who = `${champion.model.name} ${champion.model.version}`;
  const rec = champion.test_predictions;
  if (!rec) return { skipped: `${who} recorded no per-example test predictions.` };
  if (rec.dataset_sha256 !== challenger.datasetSha256) return { skipped: `${who} was tested on another test file (sha256 ${rec.dataset_sha256.slice(0, 12)}… vs ${challenger.datasetSha256.slice(0, 12)}…).` };
  if (rec.n !== challenger.labels.length) return { skipped: `${who} recorded ${rec.n} test predictions, this test set has ${challenger.labels.length}.` };
  const championPreds = unpackLabels(rec.labels_b64, rec.n);
  const labels = challenger.labels;
  const n = labels.length;
  let okA = 0;
  let okB = 0;
  const diff = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const a = championPreds[i] === labels[i] ? 1 : 0;
    const b = challenger.preds[i] === labels[i] ? 1 : 0;
    okA += a;
    okB += b;
    diff[i] = b - a;
  }
  const m = mcnemar(labels, championPreds, challenger.preds);
  const delta_ci95 = bootstrapCi(
    n,
    (idx) => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += diff[idx[i] as number] as number;
      return s / idx.length;
    },
    { seed },
  );
  return { champion: who, n, accuracy_champion: okA / n, accuracy_challenger: okB / n, delta: (okB - okA) / n, delta_ci95, mcnemar: { b: m.b, c: m.c, p_value: m.p_value, method: m.method } };
}
