import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { advise, parseIssueForm } from '../../shared/src/advisor.js';
import { loadFormFields } from '../../shared/src/advisor-role.js';
import type { IssueLike } from '../../shared/src/advisor-role.js';
import { loadConfig } from '../../shared/src/config.js';
import { createClient } from '../../shared/src/github.js';
import { runOrchestrator } from '../../shared/src/orchestrator.js';

/** Thin entry: re-reads the accepted issue (the advisor's rules), then branch, spec, PR, checklist. */
export async function run(): Promise<void> {
  try {
    // A wrong config fails the run before anything is written.
    loadConfig(core.getInput('config') || '.github/gitops-ml.yml');
    const fields = loadFormFields(core.getInput('form') || '.github/ISSUE_TEMPLATE/new-model.yml');
    const issue = github.context.payload.issue as IssueLike | undefined;
    if (!issue) throw new Error(`event "${github.context.eventName}" carries no issue`);
    const advice = advise(parseIssueForm(issue.body ?? '', fields), fields);
    if (!advice.accepted || !advice.request) throw new Error(`issue #${issue.number} is not an accepted request: ${advice.questions.join(' ')}`);
    const baseSpec = JSON.parse(readFileSync(core.getInput('base-spec') || 'model/specs/sentiment.json', 'utf8')) as Record<string, unknown>;
    const r = await runOrchestrator(createClient(core.getInput('github-token', { required: true })), github.context.repo, issue.number, advice.request, baseSpec, core.getInput('dispatch') || undefined);
    core.setOutput('pull-number', String(r.pullNumber));
    core.setOutput('branch', r.branch);
    await core.summary
      .addHeading(`Model ${advice.request.slug}: PR #${r.pullNumber}`, 3)
      .addList([`branch ${r.branch}${r.created.branch ? ' (created)' : ''}`, `spec ${r.specPath}${r.created.spec ? ' (added)' : ' (updated)'}`, `pull request #${r.pullNumber}${r.created.pull ? ' (opened)' : ''}`])
      .write();
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
