import * as core from '@actions/core';
import * as github from '@actions/github';
import { loadFormFields, runAdvisor } from '../../shared/src/advisor-role.js';
import type { IssueLike } from '../../shared/src/advisor-role.js';
import { loadConfig } from '../../shared/src/config.js';
import { createClient } from '../../shared/src/github.js';

/** Thin entry: the issue from the event, the library's decision, outputs and a job summary. */
export async function run(): Promise<void> {
  try {
    const config = loadConfig(core.getInput('config') || '.github/gitops-ml.yml');
    const fields = loadFormFields(core.getInput('form') || '.github/ISSUE_TEMPLATE/new-model.yml');
    const issue = github.context.payload.issue as IssueLike | undefined;
    if (!issue) {
      core.info(`event "${github.context.eventName}" carries no issue: nothing to advise on`);
      return;
    }
    const advice = await runAdvisor(createClient(core.getInput('github-token', { required: true })), github.context.repo, issue, config, fields);
    core.setOutput('accepted', String(advice?.accepted === true));
    core.setOutput('slug', advice?.request?.slug ?? '');
    if (!advice) core.info(`issue #${issue.number} is not labelled ${config.labels.new_model}: skipped`);
    else await core.summary.addHeading(advice.accepted ? `#${issue.number} accepted` : `#${issue.number} needs info`, 3).addList(advice.accepted ? [`model ${advice.request?.slug ?? ''}`] : advice.questions).write();
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
