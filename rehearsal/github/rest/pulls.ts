import type { Core } from '../core.js';
import { ghError } from '../errors.js';
import type { IssueRecord, PullRecord, RepoRecord, ReviewRecord } from '../model.js';
import { reviewJson } from '../payloads.js';
import { evaluateMerge } from '../protection.js';
import type { Actor } from '../../types.js';
import type { Handler } from './context.js';
import { ok, paged, pullOf, repoOf, str } from './context.js';

/** Pull requests: creation with GitHub's refusals, the merge as real git commits, reviews. */

/** `owner:branch` or `branch` → the branch, when it belongs to this repository. */
function headBranch(repo: RepoRecord, head: string): string | undefined {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
}

const createPull: Handler = async (c) => {
  const repo = repoOf(c);
  // The repository setting comes first: GitHub refuses before looking at the branches.
  if (c.actor.workflowToken && !repo.settings.canApprovePullRequestReviews) throw ghError('GH_ACTIONS_CANNOT_CREATE_PR');
  const head = headBranch(repo, String(c.body.head ?? ''));
  const base = String(c.body.base ?? '');
  const headSha = head ? await repo.git.branchHead(head) : undefined;
  if (!head || !headSha) throw ghError('GH_HEAD_INVALID');
  const baseSha = await repo.git.branchHead(base);
  if (!baseSha) throw ghError('GH_BASE_INVALID');
  if ([...repo.pulls.values()].some((p) => p.issue.state === 'open' && p.headRef === head && p.baseRef === base)) throw ghError('GH_PULL_EXISTS', { head: `${repo.owner}:${head}` });
  if ((await repo.git.commitsBetween(headSha, [baseSha])).length === 0) throw ghError('GH_NO_COMMITS_BETWEEN', { base, head });
  const now = c.core.now();
  const number = repo.nextNumber++;
  const issue: IssueRecord = { number, id: c.core.id(), title: String(c.body.title ?? ''), body: str(c.body.body) ?? null, state: 'open', stateReason: null, labels: [], user: c.actor.login, assignees: [], comments: [], createdAt: now, updatedAt: now, closedAt: null, isPull: true };
  const pr: PullRecord = { number, id: c.core.id(), issue, headRef: head, headSha, baseRef: base, draft: c.body.draft === true, merged: false, mergedAt: null, mergedBy: null, mergeCommitSha: null, reviews: [], maintainerCanModify: c.body.maintainer_can_modify !== false };
  repo.issues.set(number, issue);
  repo.pulls.set(number, pr);
  await c.core.refreshPull(repo, pr);
  await c.core.emitPull(repo, pr, 'pull_request', 'opened', c.actor);
  return ok(await c.core.pullPayload(repo, pr), 201);
};

const getPull: Handler = async (c) => {
  const repo = repoOf(c);
  return ok(await c.core.pullPayload(repo, pullOf(repo, c.params.pull_number)));
};

const listPulls: Handler = async (c) => {
  const repo = repoOf(c);
  const state = c.query.get('state') ?? 'open';
  const head = c.query.get('head');
  const headRef = head ? headBranch(repo, head) : undefined;
  const base = c.query.get('base');
  const pulls = [...repo.pulls.values()]
    .filter((p) => (state === 'all' || p.issue.state === state) && (!head || p.headRef === headRef) && (!base || p.baseRef === base))
    .sort((a, b) => (c.query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
  const out = [];
  for (const p of pulls) out.push(await c.core.pullPayload(repo, p));
  return paged(c, out);
};

const updatePull: Handler = async (c) => {
  const repo = repoOf(c);
  const pr = pullOf(repo, c.params.pull_number);
  const changes: Record<string, { from: string | null }> = {};
  if (typeof c.body.title === 'string' && c.body.title !== pr.issue.title) {
    changes.title = { from: pr.issue.title };
    pr.issue.title = c.body.title;
  }
  if (typeof c.body.body === 'string' && c.body.body !== pr.issue.body) {
    changes.body = { from: pr.issue.body };
    pr.issue.body = c.body.body;
  }
  if (typeof c.body.base === 'string' && c.body.base !== pr.baseRef) {
    if (!(await repo.git.branchHead(c.body.base))) throw ghError('GH_BASE_INVALID');
    changes.base = { from: pr.baseRef };
    pr.baseRef = c.body.base;
  }
  pr.issue.updatedAt = c.core.now();
  if (Object.keys(changes).length) {
    await c.core.refreshPull(repo, pr);
    await c.core.emitPull(repo, pr, 'pull_request', 'edited', c.actor, { changes });
  }
  if (c.body.state === 'closed' && pr.issue.state === 'open' && !pr.merged) {
    pr.issue.state = 'closed';
    pr.issue.closedAt = c.core.now();
    await c.core.refreshPull(repo, pr);
    await c.core.emitPull(repo, pr, 'pull_request', 'closed', c.actor);
  } else if (c.body.state === 'open' && pr.issue.state === 'closed' && !pr.merged) {
    pr.issue.state = 'open';
    pr.issue.closedAt = null;
    await c.core.refreshPull(repo, pr);
    await c.core.emitPull(repo, pr, 'pull_request', 'reopened', c.actor);
  }
  return ok(await c.core.pullPayload(repo, pr));
};

/** Issues a merged pull request's body closes ("Closes #12"), as GitHub does on the default branch. */
async function closeLinkedIssues(core: Core, repo: RepoRecord, pr: PullRecord, actor: Actor): Promise<void> {
  if (pr.baseRef !== repo.defaultBranch) return;
  const keywords = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/gi;
  for (const m of `${pr.issue.title}\n${pr.issue.body ?? ''}`.matchAll(keywords)) {
    const issue = repo.issues.get(Number(m[1]));
    if (!issue || issue.isPull || issue.state === 'closed') continue;
    issue.state = 'closed';
    issue.stateReason = 'completed';
    issue.closedAt = core.now();
    issue.updatedAt = issue.closedAt;
    await core.emitIssueEvent(repo, issue, 'closed', actor);
  }
}

const mergePull: Handler = async (c) => {
  const repo = repoOf(c);
  const pr = pullOf(repo, c.params.pull_number);
  return c.core.withLock(repo, async () => {
    if (pr.merged || pr.issue.state !== 'open') throw ghError('GH_NOT_MERGEABLE');
    const expected = str(c.body.sha);
    if (expected && expected !== pr.headSha) throw ghError('GH_HEAD_MODIFIED');
    const base = await repo.git.branchHead(pr.baseRef);
    if (!base) throw ghError('GH_NOT_MERGEABLE');
    const tree = await repo.git.mergeTree(base, pr.headSha);
    if (!tree) throw ghError('GH_NOT_MERGEABLE');
    const violations = evaluateMerge(repo.protections.get(pr.baseRef), {
      actor: c.core.protectionActor(c.actor),
      author: pr.issue.user,
      headSha: pr.headSha,
      checks: c.core.commitChecks(repo, pr.headSha),
      reviews: pr.reviews.map((v) => ({ login: v.user, state: v.state, commitId: v.commitId, canWrite: c.core.canWrite(v.user) })),
    });
    if (violations[0]) throw ghError('GH_MERGE_BLOCKED', { reason: violations[0].message });
    const method = str(c.body.merge_method) ?? 'merge';
    const author = c.core.gitPerson(c.actor.login);
    const committer = { name: 'GitHub', email: 'noreply@github.com', time: author.time };
    const commits = await repo.git.commitsBetween(pr.headSha, [base]);
    let sha: string;
    if (method === 'squash') {
      const title = str(c.body.commit_title) ?? `${pr.issue.title} (#${pr.number})`;
      const messages: string[] = [];
      for (const s of commits) messages.push(`* ${((await repo.git.commitInfo(s))?.message ?? '').trim()}`);
      const message = str(c.body.commit_message) ?? messages.join('\n\n');
      sha = await repo.git.commitTree(tree, [base], `${title}\n\n${message}\n`, author, committer);
    } else if (method === 'rebase') {
      // Replays the commits with GitHub as committer; only a fast-forwardable branch can be replayed here.
      if (!(await repo.git.isAncestor(base, pr.headSha))) throw ghError('GH_REBASE_FAILED');
      let parent = base;
      for (const s of commits) {
        const info = await repo.git.commitInfo(s);
        if (!info) throw ghError('GH_REBASE_FAILED');
        parent = await repo.git.commitTree(info.tree, [parent], info.message, info.author, committer);
      }
      sha = parent;
    } else {
      const title = str(c.body.commit_title) ?? `Merge pull request #${pr.number} from ${repo.owner}/${pr.headRef}`;
      sha = await repo.git.commitTree(tree, [base, pr.headSha], `${title}\n\n${str(c.body.commit_message) ?? pr.issue.title}\n`, author, committer);
    }
    const update = { ref: `refs/heads/${pr.baseRef}`, before: base, after: sha };
    if (!(await repo.git.updateRef(update.ref, sha, base))) throw ghError('GH_REF_CHANGED', { ref: update.ref });
    const now = c.core.now();
    Object.assign(pr, { merged: true, mergedAt: now, mergedBy: c.actor.login, mergeCommitSha: sha });
    Object.assign(pr.issue, { state: 'closed', closedAt: now, updatedAt: now });
    await c.core.afterRefUpdates(repo, c.actor, [update]);
    await c.core.emitPull(repo, pr, 'pull_request', 'closed', c.actor);
    await closeLinkedIssues(c.core, repo, pr, c.actor);
    return ok({ sha, merged: true, message: 'Pull Request successfully merged' });
  });
};

const listReviews: Handler = (c) => {
  const repo = repoOf(c);
  const pr = pullOf(repo, c.params.pull_number);
  // Another user's pending review is private to them.
  const visible = pr.reviews.filter((v) => v.state !== 'PENDING' || v.user === c.actor.login);
  return paged(
    c,
    visible.map((v) => reviewJson(c.core.links, repo, pr, v)),
  );
};

const createReview: Handler = async (c) => {
  const repo = repoOf(c);
  const pr = pullOf(repo, c.params.pull_number);
  const event = str(c.body.event);
  const body = str(c.body.body) ?? '';
  if (event === 'APPROVE') {
    if (c.actor.workflowToken && !repo.settings.canApprovePullRequestReviews) throw ghError('GH_ACTIONS_CANNOT_APPROVE');
    if (c.actor.login === pr.issue.user) throw ghError('GH_SELF_APPROVAL');
  }
  if (event === 'REQUEST_CHANGES' && c.actor.login === pr.issue.user) throw ghError('GH_SELF_REQUEST_CHANGES');
  if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && body.trim() === '') throw ghError('GH_REVIEW_BODY_REQUIRED', { event });
  const commitId = str(c.body.commit_id) ?? pr.headSha;
  if (!(await repo.git.resolveCommit(commitId))) throw ghError('GH_VALIDATION', {}, ['commit_id is not part of the pull request']);
  const state: ReviewRecord['state'] = event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : event === 'COMMENT' ? 'COMMENTED' : 'PENDING';
  const review: ReviewRecord = { id: c.core.id(), user: c.actor.login, state, body, commitId, submittedAt: c.core.now() };
  pr.reviews.push(review);
  if (state !== 'PENDING') await c.core.emitPull(repo, pr, 'pull_request_review', 'submitted', c.actor, { review: reviewJson(c.core.links, repo, pr, review) });
  return ok(reviewJson(c.core.links, repo, pr, review));
};

const listFiles: Handler = async (c) => {
  const repo = repoOf(c);
  const pr = pullOf(repo, c.params.pull_number);
  const files = await c.core.pullFiles(repo, pr);
  const web = `${c.core.links.web}/${repo.owner}/${repo.name}`;
  return paged(
    c,
    files.map((f) => ({ sha: null, filename: f.filename, status: f.status, additions: 0, deletions: 0, changes: 0, blob_url: `${web}/blob/${pr.headSha}/${f.filename}`, raw_url: `${web}/raw/${pr.headSha}/${f.filename}`, contents_url: `${c.core.links.api}/repos/${repo.owner}/${repo.name}/contents/${f.filename}?ref=${pr.headSha}`, ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}) })),
  );
};

export const pullHandlers: Record<string, Handler> = {
  'pulls/create': createPull,
  'pulls/get': getPull,
  'pulls/list': listPulls,
  'pulls/update': updatePull,
  'pulls/merge': mergePull,
  'pulls/list-reviews': listReviews,
  'pulls/create-review': createReview,
  'pulls/list-files': listFiles,
};
