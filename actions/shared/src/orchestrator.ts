import { GitopsMlError } from '../../../model/errors.js';
import { defaultSplit, getDataset } from '../../../model/data/registry.js';
import { deepMerge, parseSpec } from '../../../model/spec/spec.js';
import type { ModelRequest } from './advisor.js';
import { CHECKLIST_KEY, parseChecklist, renderChecklist } from './checklist.js';
import type { TaskId, TaskState } from './checklist.js';
import type { GitHub, RepoRef } from './github.js';
import { stickyMarker, upsertStickyComment } from './sticky-comment.js';

/**
 * The spec a request becomes: the template's default spec with the request's name,
 * dataset, architecture and targets, checked with the same schema the pipeline uses.
 */
export function specFor(request: ModelRequest, base: Record<string, unknown>): Record<string, unknown> {
  const presets = (base.presets ?? {}) as Record<string, unknown>;
  let spec = request.architecture === 'cnn' && presets.cnn ? deepMerge(base, presets.cnn) : structuredClone(base);
  const ds = request.dataset;
  let dataset: Record<string, unknown> = { train: ds.ref };
  if (ds.kind === 'registry') {
    const entry = getDataset(ds.ref);
    const splits = (['train', 'dev', 'test'] as const).filter((s) => s in entry.files);
    // A single-file dataset (mr:all) is train only: the pipeline holds dev and test out of it.
    dataset = splits.includes('train') ? Object.fromEntries(splits.map((s) => [s, `${ds.ref}:${s}`])) : { train: `${ds.ref}:${defaultSplit(entry) ?? Object.keys(entry.files)[0]}` };
  }
  // The default spec's extra training files of the same registry dataset stay (sst2's tree
  // phrases for an sst2 request); another dataset does not inherit them.
  const baseExtra = ((base.dataset as { extraTrain?: string[] } | undefined)?.extraTrain ?? []).filter((r) => ds.kind === 'registry' && r.startsWith(`${ds.ref}:`));
  if (baseExtra.length > 0) dataset.extraTrain = baseExtra;
  spec = {
    ...spec,
    name: request.slug,
    description: request.goal.length > 500 ? `${request.goal.slice(0, 499)}…` : request.goal,
    dataset,
    targets: { ...((spec.targets ?? {}) as object), accuracy: request.targetAccuracy, ...(request.targetF1 !== undefined ? { f1_macro: request.targetF1 } : {}) },
  };
  parseSpec(spec, { source: `model/specs/${request.slug}.json` });
  return spec;
}

export interface OrchestrationResult {
  branch: string;
  specPath: string;
  pullNumber: number;
  created: { branch: boolean; spec: boolean; pull: boolean };
}

const isNotFound = (err: unknown): boolean => (err as { status?: number }).status === 404;

/**
 * Branch `model/<slug>` from the default branch, the spec committed on it, a PR that
 * closes the issue, and the task checklist on the PR. Idempotent: a re-run (an edited
 * issue accepted again) updates the spec and reuses the branch and the PR.
 */
export async function runOrchestrator(gh: GitHub, where: RepoRef, issueNumber: number, request: ModelRequest, baseSpec: Record<string, unknown>, dispatchWorkflow?: string): Promise<OrchestrationResult> {
  const { owner, repo } = where;
  const branch = `model/${request.slug}`;
  const specPath = `model/specs/${request.slug}.json`;
  const spec = specFor(request, baseSpec);
  const created = { branch: false, spec: false, pull: false };

  const { data: repository } = await gh.rest.repos.get({ owner, repo });
  const base = repository.default_branch;
  try {
    await gh.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const { data: head } = await gh.rest.git.getRef({ owner, repo, ref: `heads/${base}` });
    await gh.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: head.object.sha });
    created.branch = true;
  }

  let existingSha: string | undefined;
  let existingContent: string | undefined;
  try {
    const { data } = await gh.rest.repos.getContent({ owner, repo, path: specPath, ref: branch });
    if (!Array.isArray(data) && data.type === 'file') {
      existingSha = data.sha;
      existingContent = 'content' in data ? Buffer.from(data.content, 'base64').toString('utf8') : undefined;
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const text = `${JSON.stringify(spec, null, 2)}\n`;
  // The same request read twice (GitHub sends `opened` and `labeled` for a form issue
  // with its label) changes nothing: no empty commit, and no second training run.
  const unchanged = existingContent === text;
  if (!unchanged) {
    await gh.rest.repos.createOrUpdateFileContents({ owner, repo, path: specPath, branch, content: Buffer.from(text).toString('base64'), message: `${existingSha ? 'Update' : 'Add'} spec for model ${request.slug} (#${issueNumber})`, ...(existingSha ? { sha: existingSha } : {}) });
  }
  created.spec = !existingSha;

  const open = await gh.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: 'open', per_page: 1 });
  let pullNumber = open.data[0]?.number;
  if (pullNumber === undefined) {
    const body = [
      `Closes #${issueNumber}.`,
      '',
      `Trains, evaluates and documents model \`${request.slug}\` from \`${specPath}\`. Jobs tick the checklist below as they finish;`,
      `merging after the CEO's sign-off (status \`gitops-ml/sign-off\`) deploys it.`,
      '',
      `Latency budget from the request: ${request.latencyBudgetMs} ms p95.`,
    ].join('\n');
    const { data } = await gh.rest.pulls.create({ owner, repo, head: branch, base, title: `Model: ${request.slug}`, body }).catch(async (err: unknown) => {
      if (!isActionsPrPermissionError(err)) throw err;
      await upsertStickyComment(gh, { owner, repo, issueNumber }, 'orchestrator-setup', ACTIONS_PR_PERMISSION_HELP);
      throw new GitopsMlError('E_ACTIONS_PR_PERMISSION', ACTIONS_PR_PERMISSION_HELP.replace(/\*\*/g, ''));
    });
    pullNumber = data.number;
    created.pull = true;
  }
  await upsertStickyComment(gh, { owner, repo, issueNumber: pullNumber }, CHECKLIST_KEY, renderChecklist({}));
  // Commits and PRs made with GITHUB_TOKEN start no workflow; a dispatch does (once per change of the spec).
  if (dispatchWorkflow && !(unchanged && !created.pull)) await gh.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: dispatchWorkflow, ref: branch, inputs: { 'pull-number': String(pullNumber) } });
  return { branch, specPath, pullNumber, created };
}

/** What to turn on when GitHub refuses the workflow token a pull request (off in every new repository). */
export const ACTIONS_PR_PERMISSION_HELP =
  '**The pull request for this model could not be opened**: GitHub answered "GitHub Actions is not permitted to create or approve pull requests." ' +
  'A repository admin turns it on under Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests" ' +
  '(or runs `npx gitops-ml setup --repo OWNER/NAME`, which does it and the rest of the one-time setup). Then edit this issue to try again.';

export function isActionsPrPermissionError(err: unknown): boolean {
  const e = err as { status?: unknown; message?: unknown };
  return e?.status === 403 && /not permitted to create or approve pull requests/i.test(String(e.message ?? ''));
}

/** Marks one task in the PR's checklist (done or failed, with an optional note), leaving the others as they are. */
export async function tickTask(gh: GitHub, where: RepoRef & { pullNumber: number }, task: TaskId, state: TaskState, note?: string): Promise<void> {
  const { owner, repo, pullNumber } = where;
  const comments = await gh.paginate(gh.rest.issues.listComments, { owner, repo, issue_number: pullNumber, per_page: 100 });
  const marker = stickyMarker(CHECKLIST_KEY);
  const current = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker));
  const { states, notes } = parseChecklist(current?.body ?? '');
  states[task] = state;
  if (note) notes[task] = note;
  else delete notes[task];
  await upsertStickyComment(gh, { owner, repo, issueNumber: pullNumber }, CHECKLIST_KEY, renderChecklist(states, notes));
}
