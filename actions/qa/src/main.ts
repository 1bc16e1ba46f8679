import { existsSync, readFileSync } from 'node:fs';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { createClient } from '../../shared/src/github.js';
import { reportTarget } from '../../shared/src/model-checks.js';
import { parseConnections, parseDuration } from '../../shared/src/qa.js';
import { QA_CHECK, reportQa, resolveBudget, runQa } from '../../shared/src/qa-role.js';
import { reportVerdict } from '../../shared/src/review-checks.js';

/** Thin entry: the PR's artifact behind the real service → contract + load → check run gitops-ml/qa, tasks QA and API. */
export async function run(): Promise<void> {
  try {
    const target = reportTarget(github.context.payload, { pullNumber: core.getInput('pull-number'), headSha: core.getInput('head-sha') });
    const gh = createClient(core.getInput('github-token', { required: true }));
    const where = { ...github.context.repo, ...target };
    let connections: number[];
    let durationSeconds: number;
    let budget: Awaited<ReturnType<typeof resolveBudget>>;
    try {
      connections = parseConnections(core.getInput('connections') || '1,16,64');
      durationSeconds = parseDuration(core.getInput('duration-seconds') || '5');
      const eventBody = (github.context.payload.pull_request as { body?: string | null } | undefined)?.body;
      budget = await resolveBudget(gh, where, core.getInput('latency-budget-ms'), eventBody);
    } catch (err) {
      // A wrong input is a failed check with the reason, not a check that never comes.
      const why = err instanceof Error ? err.message : String(err);
      await reportVerdict(gh, where, QA_CHECK, ['qa', 'api'], { pass: false, title: 'invalid input', summary: why });
      throw err;
    }
    const outcome = await runQa({
      artifactDir: core.getInput('artifact-dir'),
      serviceEntry: core.getInput('service-entry') || 'dist/service/server.js',
      connections,
      durationSeconds,
      budget,
      log: (line) => core.info(line),
    });
    await reportQa(gh, where, outcome);
    core.setOutput('pass', String(outcome.decision.pass));
    const lowest = outcome.run.load[0];
    if (lowest) core.setOutput('p95-ms', String(lowest.p95_ms));
    await core.summary.addHeading(`QA: ${outcome.decision.title}`, 3).addRaw(outcome.summary, true).write();
    if (!outcome.decision.pass) {
      // The service's log is a temporary file: its end goes into the job log while it still exists.
      if (outcome.serviceLog && existsSync(outcome.serviceLog)) core.info(`the end of the service's log:\n${readFileSync(outcome.serviceLog, 'utf8').slice(-8000)}`);
      core.setFailed(`QA: ${outcome.decision.title}`);
    }
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
