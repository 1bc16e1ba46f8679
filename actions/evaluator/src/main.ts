import * as core from '@actions/core';
import * as github from '@actions/github';
import { loadConfig } from '../../shared/src/config.js';
import { createClient } from '../../shared/src/github.js';
import { gateReport, reportEvaluation, reportTarget } from '../../shared/src/model-checks.js';

/** Thin entry: gates from the config, the artifact's metrics → check run, model card comment, checklist. */
export async function run(): Promise<void> {
  try {
    const config = loadConfig(core.getInput('config') || '.github/gitops-ml.yml');
    const target = reportTarget(github.context.payload, { pullNumber: core.getInput('pull-number'), headSha: core.getInput('head-sha') });
    const gh = createClient(core.getInput('github-token', { required: true }));
    const r = await reportEvaluation(gh, { ...github.context.repo, ...target }, core.getInput('artifact-dir', { required: true }), config.gates);
    core.setOutput('pass', String(r.pass));
    await core.summary.addHeading(r.pass ? 'All gates pass' : 'Gates fail', 3).addRaw(gateReport(r.rows), true).write();
    if (!r.pass) core.setFailed(`gates fail: ${r.rows.filter((x) => x.status !== 'pass').map((x) => `${x.gate} (${x.status})`).join(', ')}`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
