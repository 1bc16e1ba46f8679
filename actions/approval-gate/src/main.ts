import * as core from '@actions/core';
import * as github from '@actions/github';
import { pullNumberOf, runApprovalGate, SIGN_OFF_CONTEXT } from '../../shared/src/approval-gate.js';
import { loadConfig } from '../../shared/src/config.js';
import { createClient } from '../../shared/src/github.js';

/** Thin entry: inputs and event in, library call, outputs and job summary out. */
export async function run(): Promise<void> {
  try {
    const config = loadConfig(core.getInput('config') || '.github/gitops-ml.yml');
    const pullNumber = Number(core.getInput('pull-number')) || pullNumberOf(github.context.payload);
    if (!pullNumber) {
      core.info(`event "${github.context.eventName}" is not about a pull request: nothing to decide`);
      return;
    }
    const gh = createClient(core.getInput('github-token', { required: true }));
    const runUrl = `${github.context.serverUrl}/${github.context.repo.owner}/${github.context.repo.repo}/actions/runs/${github.context.runId}`;
    const d = await runApprovalGate(gh, { ...github.context.repo, pullNumber }, config, runUrl);
    core.setOutput('state', d.state);
    core.setOutput('signed-off', String(d.state === 'success'));
    await core.summary
      .addHeading(`${SIGN_OFF_CONTEXT}: ${d.state}`, 3)
      .addRaw(d.description, true)
      .addList(d.missing.length ? d.missing : ['nothing missing'])
      .write();
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
