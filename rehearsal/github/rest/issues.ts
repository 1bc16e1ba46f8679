import type { Actor } from '../../types.js';
import type { Core } from '../core.js';
import { ghError } from '../errors.js';
import type { IssueRecord, LabelRecord, RepoRecord } from '../model.js';
import { commentJson, issueJson, labelJson } from '../payloads.js';
import type { Handler } from './context.js';
import { issueOf, ok, paged, repoOf, str } from './context.js';

/** Issues, comments and labels (shared with pull requests, which are issues on GitHub). */

/** GitHub's limit on issue and comment bodies. */
export const MAX_BODY = 65_536;

export function ensureLabel(core: Core, repo: RepoRecord, name: string, color = 'ededed', description: string | null = null): LabelRecord {
  const key = name.toLowerCase();
  let label = repo.labels.get(key);
  if (!label) {
    label = { id: core.id(), name, color, description, default: false };
    repo.labels.set(key, label);
  }
  return label;
}

/**
 * Opens an issue and delivers `issues.opened`, then one `issues.labeled` per label, as
 * GitHub does. The caller decides which labels apply: the REST API creates missing ones,
 * an issue form keeps only those that exist.
 */
export async function openIssue(core: Core, repo: RepoRecord, actor: Actor, o: { title: string; body: string | null; labels: readonly string[]; assignees: readonly string[] }): Promise<IssueRecord> {
  if ((o.body ?? '').length > MAX_BODY) throw ghError('GH_ISSUE_BODY_TOO_LONG');
  const now = core.now();
  const labels = [...new Set(o.labels.map((l) => repo.labels.get(l.toLowerCase())?.name ?? l))];
  const issue: IssueRecord = { number: repo.nextNumber++, id: core.id(), title: o.title, body: o.body, state: 'open', stateReason: null, labels, user: actor.login, assignees: [...o.assignees], comments: [], createdAt: now, updatedAt: now, closedAt: null, isPull: false };
  repo.issues.set(issue.number, issue);
  await core.emitIssueEvent(repo, issue, 'opened', actor);
  for (const name of labels) {
    const label = repo.labels.get(name.toLowerCase());
    if (label) await core.emitIssueEvent(repo, issue, 'labeled', actor, { label: labelJson(core.links, repo, label) });
  }
  return issue;
}

const issueBody = (core: Core, repo: RepoRecord, i: IssueRecord): Record<string, unknown> => issueJson(core.links, repo, i, i.isPull ? repo.pulls.get(i.number) : undefined);

const createIssue: Handler = async (c) => {
  const repo = repoOf(c);
  const asked = ((c.body.labels as (string | { name?: string })[] | undefined) ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
  // "Only users with push access can set labels for new issues. Labels are silently dropped otherwise." (REST docs)
  const mayLabel = c.actor.workflowToken || c.principal.kind !== 'person' || c.principal.role !== 'read';
  const labels = mayLabel ? asked : [];
  for (const l of labels) ensureLabel(c.core, repo, l);
  const assignees = (c.body.assignees as string[] | undefined) ?? (typeof c.body.assignee === 'string' ? [c.body.assignee] : []);
  const issue = await openIssue(c.core, repo, c.actor, { title: String(c.body.title ?? ''), body: str(c.body.body) ?? null, labels, assignees });
  return ok(issueBody(c.core, repo, issue), 201);
};

const getIssue: Handler = (c) => {
  const repo = repoOf(c);
  return ok(issueBody(c.core, repo, issueOf(repo, c.params.issue_number)));
};

const listIssues: Handler = (c) => {
  const repo = repoOf(c);
  const state = c.query.get('state') ?? 'open';
  const wanted = (c.query.get('labels') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const issues = [...repo.issues.values()]
    .filter((i) => (state === 'all' || i.state === state) && wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
    .sort((a, b) => b.number - a.number);
  return paged(
    c,
    issues.map((i) => issueBody(c.core, repo, i)),
  );
};

/** Replaces an issue's labels, delivering labeled/unlabeled for the difference. */
async function setLabels(core: Core, repo: RepoRecord, issue: IssueRecord, next: readonly string[], actor: Actor): Promise<void> {
  const before = new Set(issue.labels.map((l) => l.toLowerCase()));
  const after = [...new Set(next.map((n) => ensureLabel(core, repo, n).name))];
  const afterKeys = new Set(after.map((l) => l.toLowerCase()));
  const removed = issue.labels.filter((l) => !afterKeys.has(l.toLowerCase()));
  issue.labels = after;
  issue.updatedAt = core.now();
  for (const name of after.filter((l) => !before.has(l.toLowerCase()))) {
    const label = repo.labels.get(name.toLowerCase()) as LabelRecord;
    await core.emitIssueEvent(repo, issue, 'labeled', actor, { label: labelJson(core.links, repo, label) });
  }
  for (const name of removed) {
    const label = repo.labels.get(name.toLowerCase());
    await core.emitIssueEvent(repo, issue, 'unlabeled', actor, label ? { label: labelJson(core.links, repo, label) } : {});
  }
}

const updateIssue: Handler = async (c) => {
  const repo = repoOf(c);
  const issue = issueOf(repo, c.params.issue_number);
  const changes: Record<string, { from: string | null }> = {};
  if (typeof c.body.title === 'string' && c.body.title !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = c.body.title;
  }
  if (typeof c.body.body === 'string' && c.body.body !== issue.body) {
    if (c.body.body.length > MAX_BODY) throw ghError('GH_ISSUE_BODY_TOO_LONG');
    changes.body = { from: issue.body };
    issue.body = c.body.body;
  }
  if (Object.keys(changes).length) {
    issue.updatedAt = c.core.now();
    await c.core.emitIssueEvent(repo, issue, 'edited', c.actor, { changes });
  }
  if (Array.isArray(c.body.labels)) await setLabels(c.core, repo, issue, (c.body.labels as (string | { name?: string })[]).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean), c.actor);
  if (Array.isArray(c.body.assignees)) issue.assignees = c.body.assignees as string[];
  // The issues API closes and reopens pull requests too (their events are pull_request.*); a merged one stays closed.
  const pr = issue.isPull ? repo.pulls.get(issue.number) : undefined;
  if (c.body.state === 'closed' && issue.state === 'open') {
    Object.assign(issue, { state: 'closed', stateReason: pr ? null : (str(c.body.state_reason) ?? 'completed'), closedAt: c.core.now(), updatedAt: c.core.now() });
    if (pr) await c.core.refreshPull(repo, pr);
    await c.core.emitIssueEvent(repo, issue, 'closed', c.actor);
  } else if (c.body.state === 'open' && issue.state === 'closed' && !pr?.merged) {
    Object.assign(issue, { state: 'open', stateReason: pr ? null : 'reopened', closedAt: null, updatedAt: c.core.now() });
    if (pr) await c.core.refreshPull(repo, pr);
    await c.core.emitIssueEvent(repo, issue, 'reopened', c.actor);
  }
  return ok(issueBody(c.core, repo, issue));
};

const listComments: Handler = (c) => {
  const repo = repoOf(c);
  const issue = issueOf(repo, c.params.issue_number);
  return paged(
    c,
    issue.comments.map((x) => commentJson(c.core.links, repo, issue, x)),
  );
};

async function emitComment(core: Core, repo: RepoRecord, issue: IssueRecord, commentId: number, action: 'created' | 'edited', actor: Actor, extra: Record<string, unknown> = {}): Promise<void> {
  const comment = issue.comments.find((x) => x.id === commentId);
  if (!comment) return;
  core.emit(repo, { name: 'issue_comment', action, payload: { issue: issueBody(core, repo, issue), comment: commentJson(core.links, repo, issue, comment), ...extra }, actor, sha: await core.defaultHead(repo), ref: `refs/heads/${repo.defaultBranch}` });
}

const createComment: Handler = async (c) => {
  const repo = repoOf(c);
  const issue = issueOf(repo, c.params.issue_number);
  const body = String(c.body.body ?? '');
  if (body.length > MAX_BODY) throw ghError('GH_BODY_TOO_LONG');
  const now = c.core.now();
  const comment = { id: c.core.id(), body, user: c.actor.login, createdAt: now, updatedAt: now };
  issue.comments.push(comment);
  issue.updatedAt = now;
  await emitComment(c.core, repo, issue, comment.id, 'created', c.actor);
  return ok(commentJson(c.core.links, repo, issue, comment), 201);
};

const updateComment: Handler = async (c) => {
  const repo = repoOf(c);
  const id = Number(c.params.comment_id);
  const issue = [...repo.issues.values()].find((i) => i.comments.some((x) => x.id === id));
  const comment = issue?.comments.find((x) => x.id === id);
  if (!issue || !comment) throw ghError('GH_NOT_FOUND');
  const body = String(c.body.body ?? '');
  if (body.length > MAX_BODY) throw ghError('GH_BODY_TOO_LONG');
  const from = comment.body;
  comment.body = body;
  comment.updatedAt = c.core.now();
  await emitComment(c.core, repo, issue, id, 'edited', c.actor, { changes: { body: { from } } });
  return ok(commentJson(c.core.links, repo, issue, comment));
};

const issueLabelList = (core: Core, repo: RepoRecord, issue: IssueRecord): unknown[] => issue.labels.map((n) => repo.labels.get(n.toLowerCase())).filter((l): l is LabelRecord => l !== undefined).map((l) => labelJson(core.links, repo, l));

const listLabelsOnIssue: Handler = (c) => {
  const repo = repoOf(c);
  return paged(c, issueLabelList(c.core, repo, issueOf(repo, c.params.issue_number)));
};

const addLabels: Handler = async (c) => {
  const repo = repoOf(c);
  const issue = issueOf(repo, c.params.issue_number);
  // The body may be {labels: [...]}, a bare array, or {labels: [{name}]}: all documented forms.
  const raw = Array.isArray(c.body) ? (c.body as unknown[]) : ((c.body.labels as unknown[] | undefined) ?? []);
  const names = raw.map((l) => (typeof l === 'string' ? l : String((l as { name?: string }).name ?? ''))).filter(Boolean);
  // Adding a label through the API creates it when missing (github/docs#35718).
  await setLabels(c.core, repo, issue, [...issue.labels, ...names], c.actor);
  return ok(issueLabelList(c.core, repo, issue));
};

const removeLabel: Handler = async (c) => {
  const repo = repoOf(c);
  const issue = issueOf(repo, c.params.issue_number);
  const name = (c.params.name ?? '').toLowerCase();
  if (!issue.labels.some((l) => l.toLowerCase() === name)) throw ghError('GH_LABEL_NOT_ON_ISSUE');
  await setLabels(
    c.core,
    repo,
    issue,
    issue.labels.filter((l) => l.toLowerCase() !== name),
    c.actor,
  );
  return ok(issueLabelList(c.core, repo, issue));
};

const listLabels: Handler = (c) => {
  const repo = repoOf(c);
  return paged(
    c,
    [...repo.labels.values()].map((l) => labelJson(c.core.links, repo, l)),
  );
};

const createLabel: Handler = (c) => {
  const repo = repoOf(c);
  const name = String(c.body.name ?? '');
  if (repo.labels.has(name.toLowerCase())) throw ghError('GH_ALREADY_EXISTS', { resource: 'Label', field: 'name' });
  const label = ensureLabel(c.core, repo, name, String(c.body.color ?? 'ededed').replace(/^#/, ''), str(c.body.description) ?? null);
  return ok(labelJson(c.core.links, repo, label), 201);
};

const getLabel: Handler = (c) => {
  const repo = repoOf(c);
  const label = repo.labels.get((c.params.name ?? '').toLowerCase());
  if (!label) throw ghError('GH_NOT_FOUND');
  return ok(labelJson(c.core.links, repo, label));
};

export const issueHandlers: Record<string, Handler> = {
  'issues/create': createIssue,
  'issues/get': getIssue,
  'issues/list-for-repo': listIssues,
  'issues/update': updateIssue,
  'issues/list-comments': listComments,
  'issues/create-comment': createComment,
  'issues/update-comment': updateComment,
  'issues/list-labels-on-issue': listLabelsOnIssue,
  'issues/add-labels': addLabels,
  'issues/remove-label': removeLabel,
  'issues/list-labels-for-repo': listLabels,
  'issues/create-label': createLabel,
  'issues/get-label': getLabel,
};
