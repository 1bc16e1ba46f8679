import * as core from '@actions/core';
import * as github from '@actions/github';
import { createClient } from '../../shared/src/github.js';
import { planAndRelease } from '../../shared/src/release.js';
import type { PushEvent } from '../../shared/src/release.js';

/** Thin entry: the push event → versions and releases, as outputs and a job summary. */
export async function run(): Promise<void> {
  try {
    if (github.context.eventName !== 'push') throw new Error(`the devops release runs on push to main, not on "${github.context.eventName}"`);
    const gh = createClient(core.getInput('github-token', { required: true }));
    const releases = await planAndRelease(gh, github.context.repo, github.context.payload as unknown as PushEvent, { dryRun: core.getBooleanInput('dry-run') });
    core.setOutput('releases', JSON.stringify(releases));
    await core.summary
      .addHeading(releases.length ? 'Releases' : 'No model spec changed: nothing to release', 3)
      .addList(releases.map((r) => `${r.tag} (${r.bump}${r.previous ? ` after ${r.previous}` : ''}): ${r.reasons.join('; ')}`))
      .write();
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
