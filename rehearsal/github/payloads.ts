import type { CommitInfo, ChangedFile } from './git.js';
import type {
  AssetRecord,
  CheckRunRecord,
  CommentRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  EnvironmentRecord,
  IssueRecord,
  LabelRecord,
  PullRecord,
  ReleaseRecord,
  RepoRecord,
  ReviewRecord,
  StatusRecord,
  UserRecord,
} from './model.js';

/**
 * The JSON objects GitHub returns from REST and puts in webhook payloads (one shape for
 * both, as on GitHub), with the fields the API documents that clients and workflows read.
 * node_id and the many *_url templates nobody follows are kept to the common ones.
 */

type Json = Record<string, unknown>;

export interface Links {
  /** REST root, e.g. http://127.0.0.1:PORT/api/v3 */
  api: string;
  /** Web root (GITHUB_SERVER_URL). */
  web: string;
  user(login: string): UserRecord;
}

export const ACTIONS_APP = { id: 15368, slug: 'github-actions', name: 'GitHub Actions' };

export function userJson(l: Links, login: string): Json {
  const u = l.user(login);
  return { login: u.login, id: u.id, node_id: `U_${u.id}`, avatar_url: '', gravatar_id: '', url: `${l.api}/users/${u.login}`, html_url: `${l.web}/${u.type === 'Bot' ? `apps/${u.login.replace(/\[bot\]$/, '')}` : u.login}`, type: u.type, site_admin: false };
}

export function repoJson(l: Links, r: RepoRecord): Json {
  const full = `${r.owner}/${r.name}`;
  const api = `${l.api}/repos/${full}`;
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: full,
    private: r.visibility === 'private',
    visibility: r.visibility,
    owner: userJson(l, r.owner),
    html_url: `${l.web}/${full}`,
    description: r.description,
    fork: false,
    url: api,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    statuses_url: `${api}/statuses/{sha}`,
    contents_url: `${api}/contents/{+path}`,
    git_url: `${l.web}/${full}.git`,
    clone_url: `${l.web}/${full}.git`,
    created_at: r.createdAt,
    updated_at: r.pushedAt,
    pushed_at: r.pushedAt,
    homepage: null,
    size: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    is_template: false,
    open_issues_count: [...r.issues.values()].filter((i) => i.state === 'open').length,
    topics: [],
    default_branch: r.defaultBranch,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    delete_branch_on_merge: false,
  };
}

export function labelJson(l: Links, r: RepoRecord, label: LabelRecord): Json {
  return { id: label.id, node_id: `LA_${label.id}`, url: `${l.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(label.name)}`, name: label.name, color: label.color, default: label.default, description: label.description };
}

/** Issue labels by name, in the repository's spelling. */
function issueLabels(l: Links, r: RepoRecord, names: readonly string[]): Json[] {
  return names.map((n) => r.labels.get(n.toLowerCase())).filter((x): x is LabelRecord => x !== undefined).map((x) => labelJson(l, r, x));
}

export function issueJson(l: Links, r: RepoRecord, i: IssueRecord, pull?: PullRecord): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  const web = `${l.web}/${r.owner}/${r.name}`;
  return {
    url: `${api}/issues/${i.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${i.number}/labels{/name}`,
    comments_url: `${api}/issues/${i.number}/comments`,
    events_url: `${api}/issues/${i.number}/events`,
    html_url: `${web}/${i.isPull ? 'pull' : 'issues'}/${i.number}`,
    id: i.id,
    node_id: `I_${i.id}`,
    number: i.number,
    title: i.title,
    user: userJson(l, i.user),
    labels: issueLabels(l, r, i.labels),
    state: i.state,
    state_reason: i.stateReason,
    locked: false,
    assignee: i.assignees[0] ? userJson(l, i.assignees[0]) : null,
    assignees: i.assignees.map((a) => userJson(l, a)),
    milestone: null,
    comments: i.comments.length,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    author_association: i.user === r.owner ? 'OWNER' : 'MEMBER',
    active_lock_reason: null,
    draft: pull?.draft ?? false,
    body: i.body,
    ...(pull ? { pull_request: { url: `${api}/pulls/${i.number}`, html_url: `${web}/pull/${i.number}`, diff_url: `${web}/pull/${i.number}.diff`, patch_url: `${web}/pull/${i.number}.patch`, merged_at: pull.mergedAt } } : {}),
  };
}

export function commentJson(l: Links, r: RepoRecord, i: IssueRecord, c: CommentRecord): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  return {
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${l.web}/${r.owner}/${r.name}/${i.isPull ? 'pull' : 'issues'}/${i.number}#issuecomment-${c.id}`,
    issue_url: `${api}/issues/${i.number}`,
    id: c.id,
    node_id: `IC_${c.id}`,
    user: userJson(l, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: 'MEMBER',
    body: c.body,
  };
}

export interface PullExtras {
  baseSha: string;
  mergeable: boolean | null;
  commits: number;
  changedFiles: number;
}

export function pullJson(l: Links, r: RepoRecord, p: PullRecord, x: PullExtras): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  const web = `${l.web}/${r.owner}/${r.name}`;
  const repo = repoJson(l, r);
  const i = p.issue;
  return {
    url: `${api}/pulls/${p.number}`,
    id: p.id,
    node_id: `PR_${p.id}`,
    html_url: `${web}/pull/${p.number}`,
    diff_url: `${web}/pull/${p.number}.diff`,
    patch_url: `${web}/pull/${p.number}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${p.headSha}`,
    number: p.number,
    state: i.state,
    locked: false,
    title: i.title,
    user: userJson(l, i.user),
    body: i.body,
    labels: issueLabels(l, r, i.labels),
    milestone: null,
    active_lock_reason: null,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha ?? p.testMergeSha ?? null,
    assignee: i.assignees[0] ? userJson(l, i.assignees[0]) : null,
    assignees: i.assignees.map((a) => userJson(l, a)),
    requested_reviewers: [],
    requested_teams: [],
    head: { label: `${r.owner}:${p.headRef}`, ref: p.headRef, sha: p.headSha, user: userJson(l, r.owner), repo },
    base: { label: `${r.owner}:${p.baseRef}`, ref: p.baseRef, sha: x.baseSha, user: userJson(l, r.owner), repo },
    _links: { self: { href: `${api}/pulls/${p.number}` }, html: { href: `${web}/pull/${p.number}` }, issue: { href: `${api}/issues/${p.number}` }, statuses: { href: `${api}/statuses/${p.headSha}` } },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: p.draft,
    merged: p.merged,
    mergeable: p.merged ? null : x.mergeable,
    rebaseable: p.merged ? null : x.mergeable,
    mergeable_state: p.merged ? 'unknown' : x.mergeable === false ? 'dirty' : 'clean',
    merged_by: p.mergedBy ? userJson(l, p.mergedBy) : null,
    comments: i.comments.length,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: x.commits,
    additions: 0,
    deletions: 0,
    changed_files: x.changedFiles,
  };
}

export function reviewJson(l: Links, r: RepoRecord, p: PullRecord, v: ReviewRecord): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  return {
    id: v.id,
    node_id: `PRR_${v.id}`,
    user: userJson(l, v.user),
    body: v.body,
    state: v.state,
    html_url: `${l.web}/${r.owner}/${r.name}/pull/${p.number}#pullrequestreview-${v.id}`,
    pull_request_url: `${api}/pulls/${p.number}`,
    author_association: 'MEMBER',
    _links: { html: { href: `${l.web}/${r.owner}/${r.name}/pull/${p.number}#pullrequestreview-${v.id}` }, pull_request: { href: `${api}/pulls/${p.number}` } },
    ...(v.state === 'PENDING' ? {} : { submitted_at: v.submittedAt }),
    commit_id: v.commitId,
  };
}

export function checkRunJson(l: Links, r: RepoRecord, c: CheckRunRecord): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  return {
    id: c.id,
    head_sha: c.headSha,
    node_id: `CR_${c.id}`,
    external_id: c.externalId ?? '',
    url: `${api}/check-runs/${c.id}`,
    html_url: `${l.web}/${r.owner}/${r.name}/runs/${c.id}`,
    details_url: c.detailsUrl ?? `${l.web}/${r.owner}/${r.name}/runs/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: { title: c.output.title, summary: c.output.summary, text: c.output.text, annotations_count: 0, annotations_url: `${api}/check-runs/${c.id}/annotations` },
    name: c.name,
    check_suite: { id: c.id },
    app: { ...ACTIONS_APP, node_id: 'MDM6QXBwMTUzNjg=', owner: userJson(l, 'github'), description: 'Automate your workflow from idea to production', external_url: 'https://help.github.com/en/actions', html_url: 'https://github.com/apps/github-actions', created_at: '2018-07-30T09:30:17Z', updated_at: '2019-12-10T19:04:12Z', permissions: {}, events: [] },
    pull_requests: [...r.pulls.values()].filter((p) => p.headSha === c.headSha && p.issue.state === 'open').map((p) => ({ url: `${api}/pulls/${p.number}`, id: p.id, number: p.number, head: { ref: p.headRef, sha: p.headSha, repo: { id: r.id, url: api, name: r.name } }, base: { ref: p.baseRef, sha: '', repo: { id: r.id, url: api, name: r.name } } })),
  };
}

export function statusJson(l: Links, r: RepoRecord, s: StatusRecord): Json {
  return { url: `${l.api}/repos/${r.owner}/${r.name}/statuses/${s.sha}`, avatar_url: '', id: s.id, node_id: `SC_${s.id}`, state: s.state, description: s.description, target_url: s.targetUrl, context: s.context, created_at: s.createdAt, updated_at: s.createdAt, creator: userJson(l, s.creator) };
}

export function assetJson(l: Links, r: RepoRecord, rel: ReleaseRecord, a: AssetRecord): Json {
  return {
    url: `${l.api}/repos/${r.owner}/${r.name}/releases/assets/${a.id}`,
    browser_download_url: `${l.web}/${r.owner}/${r.name}/releases/download/${encodeURIComponent(rel.tagName)}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: `RA_${a.id}`,
    name: a.name,
    label: a.label,
    state: 'uploaded',
    content_type: a.contentType,
    size: a.data.length,
    download_count: 0,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    uploader: userJson(l, a.uploader),
  };
}

export function releaseJson(l: Links, r: RepoRecord, rel: ReleaseRecord): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  const web = `${l.web}/${r.owner}/${r.name}`;
  return {
    url: `${api}/releases/${rel.id}`,
    html_url: `${web}/releases/tag/${encodeURIComponent(rel.tagName)}`,
    assets_url: `${api}/releases/${rel.id}/assets`,
    // The uploads host of GHES is <server>/api/uploads; the local GitHub serves it the same way.
    upload_url: `${l.web}/api/uploads/repos/${r.owner}/${r.name}/releases/${rel.id}/assets{?name,label}`,
    tarball_url: `${api}/tarball/${rel.tagName}`,
    zipball_url: `${api}/zipball/${rel.tagName}`,
    id: rel.id,
    node_id: `RE_${rel.id}`,
    tag_name: rel.tagName,
    target_commitish: rel.targetCommitish,
    name: rel.name,
    body: rel.body,
    draft: rel.draft,
    prerelease: rel.prerelease,
    created_at: rel.createdAt,
    published_at: rel.publishedAt,
    author: userJson(l, rel.author),
    assets: rel.assets.map((a) => assetJson(l, r, rel, a)),
  };
}

export function deploymentJson(l: Links, r: RepoRecord, d: DeploymentRecord): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(l, d.creator),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
  };
}

export function deploymentStatusJson(l: Links, r: RepoRecord, d: DeploymentRecord, s: DeploymentStatusRecord): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  return {
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_${s.id}`,
    state: s.state,
    creator: userJson(l, s.creator),
    description: s.description,
    environment: d.environment,
    target_url: s.logUrl,
    log_url: s.logUrl,
    environment_url: s.environmentUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
  };
}

export function environmentJson(l: Links, r: RepoRecord, e: EnvironmentRecord): Json {
  const rules: Json[] = [];
  if (e.waitTimer > 0) rules.push({ id: e.id * 10 + 1, node_id: `GA_${e.id}_1`, type: 'wait_timer', wait_timer: e.waitTimer });
  if (e.reviewers.length)
    rules.push({
      id: e.id * 10 + 2,
      node_id: `GA_${e.id}_2`,
      type: 'required_reviewers',
      prevent_self_review: e.preventSelfReview,
      reviewers: e.reviewers.map((v) => ({ type: v.type, reviewer: v.type === 'User' ? userJson(l, v.name) : { id: v.id, slug: v.name.split('/')[1] ?? v.name, name: v.name.split('/')[1] ?? v.name } })),
    });
  if (e.deploymentBranchPolicy) rules.push({ id: e.id * 10 + 3, node_id: `GA_${e.id}_3`, type: 'branch_policy' });
  return {
    id: e.id,
    node_id: `EN_${e.id}`,
    name: e.name,
    url: `${l.api}/repos/${r.owner}/${r.name}/environments/${encodeURIComponent(e.name)}`,
    html_url: `${l.web}/${r.owner}/${r.name}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
    can_admins_bypass: true,
    protection_rules: rules,
    deployment_branch_policy: e.deploymentBranchPolicy ? { protected_branches: e.deploymentBranchPolicy.protectedBranches, custom_branch_policies: e.deploymentBranchPolicy.customBranchPolicies } : null,
  };
}

const iso = (s: number): string => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A commit as `repos/get-commit` returns it (`login` maps a commit email back to its user, as GitHub does). */
export function commitJson(l: Links, r: RepoRecord, c: CommitInfo, files: readonly ChangedFile[] | undefined, login: (email: string) => string | undefined): Json {
  const api = `${l.api}/repos/${r.owner}/${r.name}`;
  const web = `${l.web}/${r.owner}/${r.name}`;
  const author = login(c.author.email);
  const committer = login(c.committer.email);
  return {
    sha: c.sha,
    node_id: `C_${c.sha}`,
    url: `${api}/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, date: iso(c.author.time) },
      committer: { name: c.committer.name, email: c.committer.email, date: iso(c.committer.time) },
      message: c.message.replace(/\n$/, ''),
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
    },
    author: author ? userJson(l, author) : null,
    committer: committer ? userJson(l, committer) : null,
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${web}/commit/${p}` })),
    ...(files
      ? {
          stats: { total: 0, additions: 0, deletions: 0 },
          files: files.map((f) => ({ sha: null, filename: f.filename, status: f.status, additions: 0, deletions: 0, changes: 0, blob_url: `${web}/blob/${c.sha}/${f.filename}`, raw_url: `${web}/raw/${c.sha}/${f.filename}`, contents_url: `${api}/contents/${f.filename}?ref=${c.sha}`, ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}) })),
        }
      : {}),
  };
}

export function isoSeconds(s: number): string {
  return iso(s);
}
