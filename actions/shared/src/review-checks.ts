import { readFileSync } from 'node:fs';
import type { TaskId } from './checklist.js';
import type { GitHub, RepoRef } from './github.js';
import { tickTask } from './orchestrator.js';

/**
 * The qa and tech-lead roles: the repository's own tools run as workflow steps (jest,
 * tsc, ESLint); these read their machine output and turn it into a check run on the
 * head commit and a ticked task. A missing or unreadable report is a failure, never a pass.
 */

export interface Verdict {
  pass: boolean;
  title: string;
  summary: string;
}

interface JestResults {
  success?: boolean;
  numTotalTests?: number;
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numRuntimeErrorTestSuites?: number;
  testResults?: { name?: string; status?: string; message?: string; assertionResults?: { fullName?: string; status?: string }[] }[];
}

/** jest's `--json` results → the qa verdict. Skipped tests fail it too: the suite must not hide tests. */
export function qaVerdict(results: JestResults): Verdict {
  const total = results.numTotalTests ?? 0;
  const failed = results.numFailedTests ?? 0;
  const pending = results.numPendingTests ?? 0;
  const broken = results.numRuntimeErrorTestSuites ?? 0;
  const failures = (results.testResults ?? []).flatMap((f) => (f.assertionResults ?? []).filter((a) => a.status === 'failed').map((a) => `${(f.name ?? '').replace(/^.*\/tests\//, 'tests/')}: ${a.fullName ?? ''}`));
  const pass = results.success === true && failed === 0 && broken === 0 && pending === 0 && total > 0;
  const lines = [`${results.numPassedTests ?? 0} passed, ${failed} failed, ${pending} skipped, ${broken} suites that did not run, of ${total} tests.`];
  if (total === 0) lines.push('', 'No tests ran.');
  if (failures.length) lines.push('', '**Failed:**', ...failures.slice(0, 50).map((f) => `- ${f}`), ...(failures.length > 50 ? [`- …and ${failures.length - 50} more`] : []));
  return { pass, title: pass ? `${total} tests pass` : `${failed + broken} failing, ${pending} skipped`, summary: lines.join('\n') };
}

interface EslintFile {
  filePath: string;
  errorCount: number;
  warningCount: number;
  messages: { ruleId: string | null; line?: number; message: string; severity: number }[];
}

/** ESLint's `-f json` report and the type-check outcome → the tech-lead verdict. */
export function techLeadVerdict(eslint: readonly EslintFile[], typecheck: 'success' | 'failure' | string, root = ''): Verdict {
  const errors = eslint.reduce((n, f) => n + f.errorCount, 0);
  const warnings = eslint.reduce((n, f) => n + f.warningCount, 0);
  const typeOk = typecheck === 'success';
  const findings = eslint.flatMap((f) => f.messages.filter((m) => m.severity === 2).map((m) => `${f.filePath.replace(root, '').replace(/^\//, '')}:${m.line ?? '?'} ${m.message} (${m.ruleId ?? 'parse'})`));
  const pass = typeOk && errors === 0;
  const lines = [`- type-check: ${typeOk ? 'passes' : `**${typecheck}**`}`, `- lint: ${errors} errors, ${warnings} warnings in ${eslint.length} files`];
  if (findings.length) lines.push('', ...findings.slice(0, 50).map((f) => `- ${f}`));
  return { pass, title: pass ? 'Type-check and lint pass' : `${typeOk ? '' : 'type errors; '}${errors} lint errors`, summary: lines.join('\n') };
}

export function readJsonReport<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new Error(`${path}: cannot read the ${what} report (${err instanceof Error ? err.message : String(err)}); did the step that writes it run?`);
  }
}

/** Posts a verdict as a completed check run on the head commit and ticks the tasks it covers. */
export async function reportVerdict(gh: GitHub, w: RepoRef & { pullNumber: number; headSha: string }, checkName: string, tasks: readonly TaskId[], v: Verdict): Promise<void> {
  await gh.rest.checks.create({ owner: w.owner, repo: w.repo, name: checkName, head_sha: w.headSha, status: 'completed', conclusion: v.pass ? 'success' : 'failure', output: { title: v.title, summary: v.summary.slice(0, 65_000) } });
  for (const t of tasks) await tickTask(gh, w, t, v.pass ? 'done' : 'failed', v.pass ? undefined : v.title);
}
