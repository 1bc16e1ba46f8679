import * as core from '@actions/core';
import * as github from '@actions/github';
import { createClient } from '../../shared/src/github.js';
import { reportTarget, reportTraining } from '../../shared/src/model-checks.js';

/** Thin entry: the artifact the training step wrote → check run and checklist. */
export async function run(): Promise<void> {
  try {
    const target = reportTarget(github.context.payload, { pullNumber: core.getInput('pull-number'), headSha: core.getInput('head-sha') });
    const gh = createClient(core.getInput('github-token', { required: true }));
    const m = await reportTraining(gh, { ...github.context.repo, ...target }, core.getInput('artifact-dir'));
    core.setOutput('version', m.version);
    await core.summary.addHeading(`Trained ${m.name} ${m.version}`, 3).write();
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
