import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_FILE, REQUIRED_FILES } from '../../../model/artifact/files.js';
import { verifyArtifactFiles } from '../../../model/artifact/manifest.js';
import { validateMetadata } from '../../../model/artifact/metadata.js';
import { decideGates, gateTableMarkdown, gatesPass } from '../../../model/eval/gates.js';
import type { EvaluationRecord, GateResult } from '../../../model/eval/gates.js';
import type { ArtifactMetadata } from '../../../model/artifact/metadata.js';
import type { GitopsConfig } from './config.js';
import type { GitHub, RepoRef } from './github.js';
import { tickTask } from './orchestrator.js';
import { upsertStickyComment } from './sticky-comment.js';

/**
 * The trainer and evaluator roles on GitHub: the heavy work (`gitops-ml train`) runs as
 * a workflow step on the runner; these turn the artifact it wrote into check runs,
 * checklist ticks and the model card comment.
 */

/** GitHub refuses comment bodies over 65,536 characters; longer detail stays in the job summary. */
export const COMMENT_LIMIT = 65_536;

/** The artifact's metadata, after its manifest verified every file (a tampered artifact is refused here). */
export function readArtifact(dir: string): ArtifactMetadata {
  verifyArtifactFiles(dir, REQUIRED_FILES);
  return validateMetadata(JSON.parse(readFileSync(join(dir, METADATA_FILE), 'utf8')) as unknown, join(dir, METADATA_FILE));
}

type TestMetrics = { n?: number; accuracy?: number; accuracy_ci95?: [number, number]; f1_macro?: number; f1_macro_ci95?: [number, number]; roc_auc?: number | null; roc_auc_ci95?: [number, number] | null; ece?: number };

/**
 * The artifact's evaluation record (`evaluation.json`, covered by the manifest). An
 * artifact trained before the gates existed has only its test metrics: every other gate
 * is then "not measured", which blocks rather than passes.
 */
export function readEvaluationRecord(dir: string, m: ArtifactMetadata): EvaluationRecord {
  const file = join(dir, 'evaluation.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as EvaluationRecord;
  const t = (m.metrics.test ?? {}) as TestMetrics;
  return {
    schema_version: 1,
    model: { name: m.name, version: m.version },
    ...(t.accuracy !== undefined ? { test: { dataset_sha256: '', n: t.n ?? 0, accuracy: t.accuracy, accuracy_ci95: t.accuracy_ci95, f1_macro: t.f1_macro ?? Number.NaN, f1_macro_ci95: t.f1_macro_ci95, roc_auc: t.roc_auc ?? null, roc_auc_ci95: t.roc_auc_ci95, ece: t.ece ?? Number.NaN } } : {}),
  };
}

/** The gate table and one plain-words line per gate, for the check run and the PR comment. */
export function gateReport(rows: readonly GateResult[]): string {
  return [gateTableMarkdown(rows), '', ...rows.map((r) => `- **${r.gate}** (${r.status}): ${r.explanation}`)].join('\n');
}

interface Where extends RepoRef {
  pullNumber: number;
  headSha: string;
}

async function checkRun(gh: GitHub, w: Where, name: string, pass: boolean, title: string, summary: string): Promise<void> {
  await gh.rest.checks.create({
    owner: w.owner,
    repo: w.repo,
    name,
    head_sha: w.headSha,
    status: 'completed',
    conclusion: pass ? 'success' : 'failure',
    output: { title, summary: summary.length > 65_535 ? `${summary.slice(0, 65_000)}\n\n…(truncated; see the job summary)` : summary },
  });
}

export async function reportTraining(gh: GitHub, w: Where, artifactDir: string): Promise<ArtifactMetadata> {
  let m: ArtifactMetadata;
  try {
    if (artifactDir.trim() === '') throw new Error('training wrote no artifact: the train step failed (its log says why)');
    m = readArtifact(artifactDir);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    await checkRun(gh, w, 'gitops-ml/train', false, 'No valid artifact', why);
    await tickTask(gh, w, 'train', 'failed', 'no valid artifact');
    throw err;
  }
  const training = (m as unknown as { training?: { seconds?: number; preset?: string } }).training;
  const dev = (m.metrics.dev ?? {}) as TestMetrics;
  const summary = [
    `Model \`${m.name}\` ${m.version}, architecture \`${String((m.architecture as { type?: string }).type)}\`.`,
    '',
    `- training time: ${training?.seconds ?? '?'} s${training?.preset ? ` (preset ${training.preset})` : ''}`,
    `- dev accuracy: ${dev.accuracy?.toFixed(4) ?? '?'}`,
    `- artifact: manifest verified (${REQUIRED_FILES.join(', ')})`,
  ].join('\n');
  await checkRun(gh, w, 'gitops-ml/train', true, `Trained ${m.name} ${m.version}`, summary);
  await tickTask(gh, w, 'data', 'done', existsSync(join(artifactDir, 'eda.json')) ? 'EDA report in the artifact' : undefined);
  await tickTask(gh, w, 'train', 'done', `dev accuracy ${dev.accuracy?.toFixed(4) ?? '?'}`);
  return m;
}

export async function reportEvaluation(gh: GitHub, w: Where, artifactDir: string, gates: GitopsConfig['gates']): Promise<{ pass: boolean; rows: GateResult[] }> {
  const m = readArtifact(artifactDir);
  const rows = decideGates(readEvaluationRecord(artifactDir, m), gates);
  const pass = gatesPass(rows);
  const table = gateReport(rows);
  const blocking = rows.filter((r) => r.status !== 'pass');
  await checkRun(gh, w, 'gitops-ml/evaluate', pass, pass ? `All ${rows.length} gates pass` : `${blocking.length} of ${rows.length} gates fail or were not measured`, table);
  const cardFile = join(artifactDir, 'model-card.md');
  const card = existsSync(cardFile) ? readFileSync(cardFile, 'utf8') : '_The artifact has no model card._';
  const header = `### Model card: ${m.name} ${m.version}\n\nGates against \`.github/gitops-ml.yml\`:\n\n${gateTableMarkdown(rows)}\n\n`;
  let body = `${header}${card}`;
  // Leave room for the sticky marker; the full card is in the artifact.
  if (body.length > COMMENT_LIMIT - 200) body = `${body.slice(0, COMMENT_LIMIT - 400)}\n\n…(cut to fit GitHub's comment limit; the full card is in the artifact)`;
  await upsertStickyComment(gh, { owner: w.owner, repo: w.repo, issueNumber: w.pullNumber }, 'model-card', body);
  const failed = blocking.map((r) => `${r.gate} ${r.value} (${r.threshold})`);
  await tickTask(gh, w, 'evaluate', pass ? 'done' : 'failed', pass ? undefined : failed.join('; '));
  return { pass, rows };
}

/** The PR and head commit a model job reports on: explicit inputs (workflow_dispatch), else the pull_request event. */
export function reportTarget(payload: Record<string, unknown>, inputs: { pullNumber?: string; headSha?: string }): { pullNumber: number; headSha: string } {
  const pr = payload.pull_request as { number?: number; head?: { sha?: string } } | undefined;
  const pullNumber = inputs.pullNumber ? Number(inputs.pullNumber) : pr?.number;
  const headSha = inputs.headSha || pr?.head?.sha;
  if (!pullNumber || !Number.isInteger(pullNumber) || pullNumber < 1) throw new Error('no pull request: run on a pull_request event or pass the pull-number input');
  if (!headSha || !/^[0-9a-f]{40}$/.test(headSha)) throw new Error('no head commit: run on a pull_request event or pass the head-sha input (40 hex characters)');
  return { pullNumber, headSha };
}
