import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_FILE, REQUIRED_FILES } from '../../../model/artifact/files.js';
import { verifyArtifactFiles } from '../../../model/artifact/manifest.js';
import { validateMetadata } from '../../../model/artifact/metadata.js';
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

export interface GateRow {
  gate: string;
  threshold: string;
  value: string;
  pass: boolean;
}

type TestMetrics = { accuracy?: number; f1_macro?: number; roc_auc?: number; ece?: number };

/** The quality gates of this step (accuracy, macro-F1, ROC-AUC, ECE) against the config's thresholds. */
export function qualityGates(m: ArtifactMetadata, gates: GitopsConfig['gates']): GateRow[] {
  const test = (m.metrics.test ?? {}) as TestMetrics;
  const rows: GateRow[] = [];
  const min = (gate: string, value: number | undefined, threshold: number | undefined): void => {
    if (threshold === undefined) return;
    rows.push({ gate, threshold: `≥ ${threshold}`, value: value === undefined ? 'missing' : value.toFixed(4), pass: value !== undefined && value >= threshold });
  };
  const max = (gate: string, value: number | undefined, threshold: number | undefined): void => {
    if (threshold === undefined) return;
    rows.push({ gate, threshold: `≤ ${threshold}`, value: value === undefined ? 'missing' : value.toFixed(4), pass: value !== undefined && value <= threshold });
  };
  min('test accuracy', test.accuracy, gates.accuracy_min);
  min('test macro-F1', test.f1_macro, gates.f1_macro_min);
  min('test ROC-AUC', test.roc_auc, gates.roc_auc_min);
  max('calibration (ECE)', test.ece, gates.ece_max);
  return rows;
}

export function gateTable(rows: readonly GateRow[]): string {
  if (rows.length === 0) return '_No quality gates configured in `.github/gitops-ml.yml`._';
  return ['| gate | threshold | value | result |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.gate} | ${r.threshold} | ${r.value} | ${r.pass ? '✅ pass' : '❌ fail'} |`)].join('\n');
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

export async function reportEvaluation(gh: GitHub, w: Where, artifactDir: string, gates: GitopsConfig['gates']): Promise<{ pass: boolean; rows: GateRow[] }> {
  const m = readArtifact(artifactDir);
  const rows = qualityGates(m, gates);
  const pass = rows.every((r) => r.pass);
  const table = gateTable(rows);
  await checkRun(gh, w, 'gitops-ml/evaluate', pass, pass ? 'All gates pass' : `${rows.filter((r) => !r.pass).length} gate(s) fail`, table);
  const cardFile = join(artifactDir, 'model-card.md');
  const card = existsSync(cardFile) ? readFileSync(cardFile, 'utf8') : '_The artifact has no model card._';
  const header = `### Model card: ${m.name} ${m.version}\n\n${table}\n\n`;
  let body = `${header}${card}`;
  // Leave room for the sticky marker; the full card is in the artifact.
  if (body.length > COMMENT_LIMIT - 200) body = `${body.slice(0, COMMENT_LIMIT - 400)}\n\n…(cut to fit GitHub's comment limit; the full card is in the artifact)`;
  await upsertStickyComment(gh, { owner: w.owner, repo: w.repo, issueNumber: w.pullNumber }, 'model-card', body);
  const failed = rows.filter((r) => !r.pass).map((r) => `${r.gate} ${r.value} (${r.threshold})`);
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
