import { ghError } from '../errors.js';
import type { CheckRunRecord, RepoRecord, StatusRecord } from '../model.js';
import { checkRunJson, commitJson, statusJson } from '../payloads.js';
import type { Call, Handler } from './context.js';
import { ok, paged, repoOf, str } from './context.js';

/** Check runs (apps only, GITHUB_TOKEN included) and commit statuses. */

const MAX_OUTPUT_BYTES = 65_535;

function checkOutput(c: Call, current?: CheckRunRecord['output']): CheckRunRecord['output'] {
  const o = (c.body.output ?? {}) as { title?: string; summary?: string; text?: string };
  for (const field of ['summary', 'text'] as const) {
    const v = o[field];
    if (v !== undefined && Buffer.byteLength(v, 'utf8') > MAX_OUTPUT_BYTES) throw ghError('GH_CHECK_OUTPUT_TOO_LONG', { field });
  }
  return { title: o.title ?? current?.title ?? null, summary: o.summary ?? current?.summary ?? null, text: o.text ?? current?.text ?? null };
}

async function emitCheck(c: Call, repo: RepoRecord, run: CheckRunRecord, action: 'created' | 'completed'): Promise<void> {
  c.core.emit(repo, { name: 'check_run', action, payload: { check_run: checkRunJson(c.core.links, repo, run) }, actor: c.actor, sha: await c.core.defaultHead(repo), ref: `refs/heads/${repo.defaultBranch}` });
}

const createCheck: Handler = async (c) => {
  const repo = repoOf(c);
  // Check runs belong to apps: a person's token is refused whatever its scopes.
  if (c.principal.kind === 'person') throw ghError('GH_CHECKS_APP_ONLY');
  const headSha = String(c.body.head_sha ?? '');
  if (!(await repo.git.resolveCommit(headSha))) throw ghError('GH_NO_COMMIT', { ref: headSha });
  const conclusion = str(c.body.conclusion) ?? null;
  // "Providing conclusion will automatically set the status parameter to completed." (REST docs)
  const status = (conclusion ? 'completed' : (str(c.body.status) ?? 'queued')) as CheckRunRecord['status'];
  const now = c.core.now();
  const run: CheckRunRecord = {
    id: c.core.id(),
    name: String(c.body.name ?? ''),
    headSha,
    status,
    conclusion,
    startedAt: str(c.body.started_at) ?? now,
    completedAt: status === 'completed' ? (str(c.body.completed_at) ?? now) : null,
    output: checkOutput(c),
    detailsUrl: str(c.body.details_url) ?? null,
    externalId: str(c.body.external_id) ?? null,
    creator: c.actor.login,
  };
  repo.checkRuns.push(run);
  await emitCheck(c, repo, run, 'created');
  if (run.status === 'completed') await emitCheck(c, repo, run, 'completed');
  return ok(checkRunJson(c.core.links, repo, run), 201);
};

const updateCheck: Handler = async (c) => {
  const repo = repoOf(c);
  if (c.principal.kind === 'person') throw ghError('GH_CHECKS_APP_ONLY');
  const run = repo.checkRuns.find((r) => r.id === Number(c.params.check_run_id));
  if (!run) throw ghError('GH_NOT_FOUND');
  const wasCompleted = run.status === 'completed';
  run.output = checkOutput(c, run.output);
  if (typeof c.body.name === 'string') run.name = c.body.name;
  if (typeof c.body.details_url === 'string') run.detailsUrl = c.body.details_url;
  const conclusion = str(c.body.conclusion);
  if (conclusion) {
    run.conclusion = conclusion;
    run.status = 'completed';
  } else if (typeof c.body.status === 'string') run.status = c.body.status as CheckRunRecord['status'];
  if (run.status === 'completed' && !run.completedAt) run.completedAt = str(c.body.completed_at) ?? c.core.now();
  if (run.status === 'completed' && !wasCompleted) await emitCheck(c, repo, run, 'completed');
  return ok(checkRunJson(c.core.links, repo, run));
};

const getCheck: Handler = (c) => {
  const repo = repoOf(c);
  const run = repo.checkRuns.find((r) => r.id === Number(c.params.check_run_id));
  if (!run) throw ghError('GH_NOT_FOUND');
  return ok(checkRunJson(c.core.links, repo, run));
};

const listForRef: Handler = async (c) => {
  const repo = repoOf(c);
  const sha = await c.core.resolveRef(repo, c.params.ref ?? '');
  if (!sha) throw ghError('GH_NO_COMMIT', { ref: c.params.ref ?? '' });
  let runs = repo.checkRuns.filter((r) => r.headSha === sha);
  const name = c.query.get('check_name');
  if (name) runs = runs.filter((r) => r.name === name);
  const status = c.query.get('status');
  if (status) runs = runs.filter((r) => r.status === status);
  // filter=latest (the default) keeps the newest run of each name.
  if ((c.query.get('filter') ?? 'latest') === 'latest') runs = runs.filter((r, i) => !runs.slice(i + 1).some((later) => later.name === r.name));
  const all = [...runs].reverse().map((r) => checkRunJson(c.core.links, repo, r));
  return paged(c, all, (page) => ({ total_count: all.length, check_runs: page }));
};

const createStatus: Handler = async (c) => {
  const repo = repoOf(c);
  const sha = c.params.sha ?? '';
  const commit = /^[0-9a-f]{40}$/i.test(sha) ? await repo.git.resolveCommit(sha) : await c.core.resolveRef(repo, sha);
  if (!commit) throw ghError('GH_NO_COMMIT', { ref: sha });
  const s: StatusRecord = {
    id: c.core.id(),
    sha: commit,
    state: c.body.state as StatusRecord['state'],
    context: str(c.body.context) ?? 'default',
    description: str(c.body.description) ?? null,
    targetUrl: str(c.body.target_url) ?? null,
    creator: c.actor.login,
    createdAt: c.core.now(),
  };
  repo.statuses.push(s);
  const info = await repo.git.commitInfo(commit);
  const commitPayload = info ? commitJson(c.core.links, repo, info, undefined, (e) => c.core.loginForEmail(e)) : { sha: commit };
  const branches = (await repo.git.refs('refs/heads/')).filter((r) => r.sha === commit).map((r) => ({ name: r.ref.slice('refs/heads/'.length), commit: { sha: r.sha }, protected: repo.protections.has(r.ref.slice('refs/heads/'.length)) }));
  c.core.emit(repo, {
    name: 'status',
    payload: { id: s.id, sha: commit, name: `${repo.owner}/${repo.name}`, target_url: s.targetUrl, context: s.context, description: s.description, state: s.state, commit: commitPayload, branches, created_at: s.createdAt, updated_at: s.createdAt },
    actor: c.actor,
    sha: await c.core.defaultHead(repo),
    ref: `refs/heads/${repo.defaultBranch}`,
  });
  return ok(statusJson(c.core.links, repo, s), 201);
};

/** The newest status per context, newest first (GitHub's combined view). */
function latestStatuses(repo: RepoRecord, sha: string): StatusRecord[] {
  const seen = new Set<string>();
  return [...repo.statuses]
    .reverse()
    .filter((s) => s.sha === sha)
    .filter((s) => (seen.has(s.context) ? false : (seen.add(s.context), true)));
}

const combinedStatus: Handler = async (c) => {
  const repo = repoOf(c);
  const sha = await c.core.resolveRef(repo, c.params.ref ?? '');
  if (!sha) throw ghError('GH_NOT_FOUND');
  const latest = latestStatuses(repo, sha);
  const state = latest.some((s) => s.state === 'error' || s.state === 'failure') ? 'failure' : latest.length === 0 || latest.some((s) => s.state === 'pending') ? 'pending' : 'success';
  const api = `${c.core.links.api}/repos/${repo.owner}/${repo.name}`;
  return ok({ state, statuses: latest.map((s) => statusJson(c.core.links, repo, s)), sha, total_count: latest.length, commit_url: `${api}/commits/${sha}`, url: `${api}/commits/${sha}/status` });
};

const listStatuses: Handler = async (c) => {
  const repo = repoOf(c);
  const sha = await c.core.resolveRef(repo, c.params.ref ?? '');
  if (!sha) throw ghError('GH_NOT_FOUND');
  return paged(
    c,
    [...repo.statuses].reverse().filter((s) => s.sha === sha).map((s) => statusJson(c.core.links, repo, s)),
  );
};

export const checkHandlers: Record<string, Handler> = {
  'checks/create': createCheck,
  'checks/update': updateCheck,
  'checks/get': getCheck,
  'checks/list-for-ref': listForRef,
  'repos/create-commit-status': createStatus,
  'repos/get-combined-status-for-ref': combinedStatus,
  'repos/list-commit-statuses-for-ref': listStatuses,
};

export { latestStatuses };
