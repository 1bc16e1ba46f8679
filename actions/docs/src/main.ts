import * as core from '@actions/core';
import * as github from '@actions/github';
import { commitDocs } from '../../shared/src/docs-role.js';
import { createClient } from '../../shared/src/github.js';

/** Thin entry: the regenerated files → commits on the PR branch, docs task ticked. */
export async function run(): Promise<void> {
  try {
    const pr = github.context.payload.pull_request as { number?: number; head?: { ref?: string } } | undefined;
    const pullNumber = Number(core.getInput('pull-number')) || pr?.number;
    const branch = core.getInput('branch') || pr?.head?.ref;
    if (!pullNumber || !branch) throw new Error('docs: no pull request: run on a pull_request event or pass pull-number and branch');
    const files = core.getMultilineInput('files', { required: true });
    const r = await commitDocs(createClient(core.getInput('github-token', { required: true })), { ...github.context.repo, pullNumber }, branch, files);
    core.setOutput('committed', r.committed.join('\n'));
    await core.summary.addHeading('Docs', 3).addList([...r.committed.map((f) => `${f} (committed)`), ...r.unchanged.map((f) => `${f} (unchanged)`)]).write();
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
