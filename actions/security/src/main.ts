import { resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { createClient } from '../../shared/src/github.js';
import { reportTarget } from '../../shared/src/model-checks.js';
import { reportSecurityReview, runSecurityReview, writeSarif } from '../../shared/src/security-role.js';

/** Thin entry: the repository's reports and checkout → the review, its check run and SARIF. */
export async function run(): Promise<void> {
  try {
    const target = reportTarget(github.context.payload, { pullNumber: core.getInput('pull-number'), headSha: core.getInput('head-sha') });
    const review = runSecurityReview({
      root: process.cwd(),
      auditReport: core.getInput('audit-report', { required: true }),
      eslintReport: core.getInput('eslint-report', { required: true }),
      artifactDir: core.getInput('artifact-dir') || undefined,
      allowlist: core.getInput('allowlist') || '.github/security-allowlist.yml',
      baseRef: core.getInput('base-ref') || undefined,
    });
    const sarif = resolve(core.getInput('sarif') || 'reports/security.sarif');
    writeSarif(sarif, review, '1');
    await reportSecurityReview(createClient(core.getInput('github-token', { required: true })), { ...github.context.repo, ...target }, review);
    core.setOutput('conclusion', review.conclusion);
    core.setOutput('sarif', sarif);
    await core.summary.addHeading(`Security review: ${review.title}`, 3).addRaw(review.summary, true).write();
    if (review.conclusion !== 'success') core.setFailed(`security review: ${review.title}`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
