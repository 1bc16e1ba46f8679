import * as core from '@actions/core';
import * as github from '@actions/github';
import { readFileSync } from 'node:fs';
import { commitDocs, modelCardDoc } from '../../shared/src/docs-role.js';
import { createClient } from '../../shared/src/github.js';

/** Thin entry: the regenerated files → commits on the PR branch, docs task ticked. */
export async function run(): Promise<void> {
  try {
    const pr = github.context.payload.pull_request as { number?: number; head?: { ref?: string } } | undefined;
    const pullNumber = Number(core.getInput('pull-number')) || pr?.number;
    const branch = core.getInput('branch') || pr?.head?.ref;
    if (!pullNumber || !branch) throw new Error('docs: no pull request: run on a pull_request event or pass pull-number and branch');
    const files = core.getMultilineInput('files');
    const fromArtifact = core.getInput('model-card-from');
    const artifactName = core.getInput('artifact-name');
    const runId = Number(core.getInput('artifact-run-id') || github.context.runId);
    if (artifactName && !fromArtifact) throw new Error('docs: artifact-name records the provenance of model-card-from: give both');
    if (artifactName && !(Number.isSafeInteger(runId) && runId > 0)) throw new Error(`docs: artifact-run-id must be a workflow run id (got "${core.getInput('artifact-run-id')}")`);
    const generated = fromArtifact ? modelCardDoc(fromArtifact, artifactName ? { runId, artifactName } : undefined) : [];
    files.push(...generated.map((d) => d.path));
    if (files.length === 0) throw new Error('docs: nothing to commit: give files and/or model-card-from');
    const read = (p: string): string => generated.find((d) => d.path === p)?.content ?? readFileSync(p, 'utf8');
    const r = await commitDocs(createClient(core.getInput('github-token', { required: true })), { ...github.context.repo, pullNumber }, branch, files, read);
    core.setOutput('committed', r.committed.join('\n'));
    await core.summary.addHeading('Docs', 3).addList([...r.committed.map((f) => `${f} (committed)`), ...r.unchanged.map((f) => `${f} (unchanged)`)]).write();
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
