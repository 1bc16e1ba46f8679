import * as core from '@actions/core';
import * as github from '@actions/github';
import { createClient } from '../../shared/src/github.js';
import { reportTarget } from '../../shared/src/model-checks.js';
import { readJsonReport, reportVerdict, techLeadVerdict } from '../../shared/src/review-checks.js';
import type { Verdict } from '../../shared/src/review-checks.js';

/** Thin entry: type-check outcome + ESLint JSON → check run gitops-ml/tech-lead, task tech-lead review. */
export async function run(): Promise<void> {
  try {
    const target = reportTarget(github.context.payload, { pullNumber: core.getInput('pull-number'), headSha: core.getInput('head-sha') });
    const gh = createClient(core.getInput('github-token', { required: true }));
    let verdict: Verdict;
    try {
      verdict = techLeadVerdict(readJsonReport(core.getInput('eslint-report') || 'reports/eslint.json', 'ESLint'), core.getInput('typecheck', { required: true }), process.env.GITHUB_WORKSPACE ?? process.cwd());
    } catch (err) {
      verdict = { pass: false, title: 'No lint report', summary: err instanceof Error ? err.message : String(err) };
    }
    await reportVerdict(gh, { ...github.context.repo, ...target }, 'gitops-ml/tech-lead', ['tech-lead'], verdict);
    core.setOutput('pass', String(verdict.pass));
    await core.summary.addHeading(`Tech lead: ${verdict.title}`, 3).addRaw(verdict.summary, true).write();
    if (!verdict.pass) core.setFailed(`tech lead: ${verdict.title}`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
