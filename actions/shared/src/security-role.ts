import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { REQUIRED_FILES } from '../../../model/artifact/files.js';
import { verifyArtifactFiles } from '../../../model/artifact/manifest.js';
import type { GitHub, RepoRef } from './github.js';
import { tickTask } from './orchestrator.js';
import { auditPolicy, parseAllowlist, parseAuditReport } from './security/audit.js';
import type { Allowlist } from './security/audit.js';
import type { Finding, PartResult } from './security/findings.js';
import { DEFAULT_ALLOWED_LICENSES, licensePolicy, productionPackages, readInstalledLicenses } from './security/licenses.js';
import { toSarif } from './security/sarif.js';
import { scanDiff, scanTree } from './security/secrets.js';
import { staticAnalysisPart } from './security/static-analysis.js';
import { scanWorkflow, workflowFindings } from './security/workflow-scan.js';
import type { EslintFileReport } from './security/static-analysis.js';

export const SECURITY_CHECK = 'gitops-ml/security';

export interface SecurityInputs {
  /** The checkout the review reads (tree, lockfile, node_modules, git history). */
  root: string;
  auditReport: string;
  eslintReport: string;
  artifactDir?: string;
  allowlist: string;
  /** Commits after this one are scanned for secrets as well as the tree. */
  baseRef?: string;
  today?: Date;
}

export type Conclusion = 'success' | 'failure' | 'action_required';

export interface SecurityReview {
  parts: PartResult[];
  conclusion: Conclusion;
  title: string;
  summary: string;
}

const git = (root: string, args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Secrets in the tree as it is, and in every line any commit of the PR added: a key
 * committed and then deleted in a later commit is still in the history the merge keeps.
 */
export function secretsReview(root: string, baseRef: string | undefined): PartResult {
  let tracked: string[];
  try {
    tracked = git(root, ['ls-files', '-z']).split('\0').filter(Boolean);
  } catch (err) {
    return { part: 'secrets', outcome: 'unavailable', summary: `secret scan unavailable: \`git ls-files\` failed in ${root} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, findings: [] };
  }
  const findings: Finding[] = scanTree(root, tracked);
  let history = '';
  if (baseRef) {
    try {
      const log = git(root, ['log', '-p', '--unified=0', '--no-color', '--no-ext-diff', '--format=', `${baseRef}..HEAD`]);
      const before = findings.length;
      const seen = new Set(findings.map((f) => `${f.ruleId} ${f.path ?? ''} ${f.message}`));
      for (const f of scanDiff(log)) {
        const key = `${f.ruleId} ${f.path ?? ''} ${f.message}`;
        if (!seen.has(key)) {
          seen.add(key);
          findings.push({ ...f, message: `${f.message} (in a commit of this PR; deleting it later does not remove it from history)` });
        }
      }
      history = `, and the lines the PR's commits since ${baseRef.slice(0, 12)} added (${findings.length - before} more)`;
    } catch (err) {
      return { part: 'secrets', outcome: 'unavailable', summary: `secret scan of the PR's commits unavailable: \`git log ${baseRef}..HEAD\` failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); check out with fetch-depth: 0`, findings };
    }
  }
  const errors = findings.filter((f) => f.level === 'error');
  const skipped = findings.filter((f) => f.ruleId === 'secret/skipped-large-file').length;
  return {
    part: 'secrets',
    outcome: errors.length ? 'fail' : 'pass',
    summary: `${errors.length} possible secrets in ${tracked.length} tracked files${history}${skipped ? `; ${skipped} files skipped for size` : ''}`,
    findings,
  };
}

function artifactReview(dir: string): PartResult {
  try {
    const files = verifyArtifactFiles(dir, REQUIRED_FILES);
    // The privacy side of the review: the evaluator gates membership inference; the
    // security review shows the figure so the reviewer sees it with the rest.
    const record = files.get('evaluation.json');
    const privacy = record ? (JSON.parse(record.toString('utf8')) as { privacy?: { attack_auc?: number; confidence_gap?: number } }).privacy : undefined;
    const mia = privacy?.attack_auc !== undefined ? `; membership-inference attack AUC ${privacy.attack_auc.toFixed(3)} (0.5 = no leak; gated by gitops-ml/evaluate)` : '; no membership-inference measurement in the artifact';
    return { part: 'artifact', outcome: 'pass', summary: `manifest verified: ${files.size} files, sha256 and sizes match${mia}`, findings: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(dir, '<artifact>') : String(err);
    return { part: 'artifact', outcome: 'fail', summary: 'the artifact does not match its manifest', findings: [{ ruleId: 'artifact/integrity', level: 'error', message }] };
  }
}

/** The workflow rules actionlint does not check (script injection, untrusted checkout, pinning, …) on the PR's workflows. */
export function workflowsReview(root: string): PartResult {
  const dir = join(root, '.github/workflows');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    return { part: 'workflows', outcome: 'pass', summary: 'no workflows in .github/workflows', findings: [] };
  }
  const findings = files.flatMap((f) => workflowFindings(`.github/workflows/${f}`, scanWorkflow(f, readFileSync(join(dir, f), 'utf8'))));
  return { part: 'workflows', outcome: findings.length ? 'fail' : 'pass', summary: `${findings.length} violations in ${files.length} workflows`, findings };
}

function licensesReview(root: string, allowlist: Allowlist, today: Date): PartResult {
  const lock = readOptional(join(root, 'package-lock.json'));
  if (lock === undefined) return { part: 'licenses', outcome: 'unavailable', summary: 'licence check unavailable: no package-lock.json', findings: [] };
  const pkgs = readInstalledLicenses(root, productionPackages(JSON.parse(lock)));
  return licensePolicy(pkgs, DEFAULT_ALLOWED_LICENSES, allowlist.licenses, today);
}

/** Every part of the review, each independent: one that cannot run does not hide the others. */
export function runSecurityReview(i: SecurityInputs): SecurityReview {
  const today = i.today ?? new Date();
  const allowText = readOptional(i.allowlist);
  // A broken allow-list is an error in the PR under review, not a reason to allow everything:
  // it fails the review (with its message) and nothing is allowed.
  let allowlist: Allowlist = { audit: [], licenses: [] };
  let allowlistError: PartResult | undefined;
  try {
    if (allowText !== undefined) allowlist = parseAllowlist(allowText, i.allowlist);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    allowlistError = { part: 'audit', outcome: 'fail', summary: `the allow-list is invalid: ${message}`, findings: [{ ruleId: 'allowlist/invalid', level: 'error', message, path: i.allowlist }] };
  }
  let eslint: EslintFileReport[] | undefined;
  const eslintText = readOptional(i.eslintReport);
  if (eslintText !== undefined) {
    try {
      eslint = JSON.parse(eslintText) as EslintFileReport[];
    } catch {
      eslint = undefined;
    }
  }
  const parts: PartResult[] = [
    allowlistError ?? auditPolicy(parseAuditReport(readOptional(i.auditReport) ?? ''), allowlist, today),
    secretsReview(i.root, i.baseRef),
    staticAnalysisPart(eslint, i.root),
    licensesReview(i.root, allowlist, today),
    workflowsReview(i.root),
    ...(i.artifactDir ? [artifactReview(i.artifactDir)] : []),
  ];
  const failed = parts.filter((p) => p.outcome === 'fail');
  const unavailable = parts.filter((p) => p.outcome === 'unavailable');
  const conclusion: Conclusion = failed.length ? 'failure' : unavailable.length ? 'action_required' : 'success';
  const title =
    conclusion === 'success'
      ? `Security review passes (${parts.length} parts)`
      : [failed.length ? `${failed.map((p) => p.part).join(', ')} failed` : '', unavailable.length ? `${unavailable.map((p) => p.part).join(', ')} unavailable` : ''].filter(Boolean).join('; ');
  return { parts, conclusion, title, summary: reviewMarkdown(parts) };
}

const ICON = { pass: '✅ pass', fail: '❌ fail', unavailable: '⚠️ unavailable' } as const;

export function reviewMarkdown(parts: readonly PartResult[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| part | outcome | result |', '| --- | --- | --- |', ...parts.map((p) => `| ${p.part} | ${ICON[p.outcome]} | ${cell(p.summary)} |`)];
  const blocking = parts.flatMap((p) => p.findings.filter((f) => f.level === 'error').map((f) => ({ p, f })));
  if (blocking.length) {
    lines.push('', '**Blocking findings**', '');
    for (const { f } of blocking.slice(0, 50)) lines.push(`- \`${f.ruleId}\`${f.path ? ` ${f.path}${f.line ? `:${f.line}` : ''}` : ''}: ${f.message}`);
    if (blocking.length > 50) lines.push(`- …and ${blocking.length - 50} more (all in the SARIF file)`);
  }
  if (parts.some((p) => p.outcome === 'unavailable')) lines.push('', 'A part that could not run is not a pass: re-run the job when the cause is fixed (for the audit, when the registry answers).');
  const notes = parts.reduce((n, p) => n + p.findings.filter((f) => f.level !== 'error').length, 0);
  if (notes) lines.push('', `${notes} warnings and reviewed exceptions are listed in code scanning (SARIF).`);
  return lines.join('\n');
}

export function writeSarif(path: string, review: SecurityReview, version: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(toSarif(review.parts, { name: 'gitops-ml-security', version, informationUri: 'https://github.com/gitops-ml/gitops-ml/blob/main/docs/SECURITY.md' }), null, 2)}\n`);
}

/** The review as the check run gitops-ml/security on the head commit, and the checklist's security task. */
export async function reportSecurityReview(gh: GitHub, w: RepoRef & { pullNumber: number; headSha: string }, review: SecurityReview): Promise<void> {
  const summary = review.summary.length > 65_000 ? `${review.summary.slice(0, 64_900)}\n\n…(truncated; the SARIF file has everything)` : review.summary;
  await gh.rest.checks.create({ owner: w.owner, repo: w.repo, name: SECURITY_CHECK, head_sha: w.headSha, status: 'completed', conclusion: review.conclusion, output: { title: review.title, summary } });
  await tickTask(gh, w, 'security', review.conclusion === 'success' ? 'done' : 'failed', review.conclusion === 'success' ? undefined : review.title);
}

