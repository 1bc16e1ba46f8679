import * as core from '@actions/core';
import * as github from '@actions/github';
import { createClient } from '../../shared/src/github.js';
import { reportTarget } from '../../shared/src/model-checks.js';
import { qaVerdict, readJsonReport, reportVerdict } from '../../shared/src/review-checks.js';
import type { Verdict } from '../../shared/src/review-checks.js';

/** Thin entry: jest's JSON results → check run gitops-ml/qa, tasks QA and API. */
export async function run(): Promise<void> {
  try {
    const target = reportTarget(github.context.payload, { pullNumber: core.getInput('pull-number'), headSha: core.getInput('head-sha') });
    const gh = createClient(core.getInput('github-token', { required: true }));
    const where = { ...github.context.repo, ...target };
    let verdict: Verdict;
    try {
      verdict = qaVerdict(readJsonReport(core.getInput('results') || 'reports/jest-results.json', 'jest'));
    } catch (err) {
      verdict = { pass: false, title: 'No test results', summary: err instanceof Error ? err.message : String(err) };
    }
    await reportVerdict(gh, where, 'gitops-ml/qa', ['qa', 'api'], verdict);
    core.setOutput('pass', String(verdict.pass));
    await core.summary.addHeading(`QA: ${verdict.title}`, 3).addRaw(verdict.summary, true).write();
    if (!verdict.pass) core.setFailed(`QA: ${verdict.title}`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
