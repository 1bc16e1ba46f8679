import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { EnvironmentGateRequest, EnvironmentGateResult, MintTokenRequest, RepositoryEvent, RunAdmission, RunnerFacingGitHub } from '../types.js';
import { Core } from './core.js';
import type { EventRecord, RequestRecord } from './core.js';
import { ghError, LocalGitHubError } from './errors.js';
import { runGit, ZERO_SHA } from './git.js';
import type { FileChange } from './git.js';
import { parseIssueForm, renderIssueForm } from './issue-form.js';
import type { FormAnswers } from './issue-form.js';
import type { ReviewState } from './model.js';
import type { Role } from './permissions.js';
import { pushRefusalLines } from './protection.js';
import type { BranchProtection } from './protection.js';
import { handleRest } from './rest/dispatch.js';
import { openIssue } from './rest/issues.js';
import { API_PREFIX, requestHandler } from './server.js';

/**
 * A faithful local GitHub: real bare git repositories, the REST API checked against
 * GitHub's OpenAPI description, job tokens bound to their permissions, and GitHub's
 * platform rules (see rehearsal/github/README.md). The runner sees it through
 * RunnerFacingGitHub; a story drives the people (issues, reviews, merges, pushes) through
 * the methods below, which go through the same REST pipeline as any client.
 */

export interface LocalGitHubOptions {
  /** A directory the local GitHub owns (bare repositories, hook script). */
  dir: string;
  /** Clock for timestamps and commit dates (default: the wall clock). */
  now?: () => Date;
}

export interface RepositoryOptions {
  /** Default `private`: a job token's missing scopes then show, as on a private repository. */
  visibility?: 'public' | 'private';
  defaultBranch?: string;
  description?: string;
}

export interface TemplateOptions extends RepositoryOptions {
  owner: string;
  repo: string;
  /** A git work tree: its tracked files (as they are on disk) become the first commit. A plain directory: all its files but .git and node_modules. */
  templateDir?: string;
  /** Or the files themselves. */
  files?: Readonly<Record<string, string | Buffer>>;
  /** Who creates the repository (default: the owner). */
  as?: string;
  message?: string;
}

export interface PushOptions {
  as: string;
  branch: string;
  /** Paths to write (null deletes), applied on the branch's head (or on `from` for a new branch). */
  files?: Readonly<Record<string, string | Buffer | null>>;
  message?: string;
  /** Where a new branch starts (default: the default branch). */
  from?: string;
  /** A clone whose HEAD is pushed with `git push` over HTTP, as the person would. */
  fromWorkdir?: string;
  force?: boolean;
}

export interface PushResult {
  ref: string;
  before: string;
  after: string;
}

export interface ApiResult<T = unknown> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

export interface FiledIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  /** The form's labels the repository did not have, silently dropped as GitHub does. */
  droppedLabels: string[];
}

export interface EnvironmentSetup {
  reviewers?: { users?: readonly string[]; teams?: readonly string[] };
  waitTimer?: number;
  preventSelfReview?: boolean;
  /** Only protected branches may deploy. */
  protectedBranchesOnly?: boolean;
}

/** Plain, detached copies of what the repository holds beside git, for reports and assertions. */
export interface RepositorySnapshot {
  owner: string;
  name: string;
  defaultBranch: string;
  visibility: 'public' | 'private';
  settings: { canApprovePullRequestReviews: boolean; defaultWorkflowPermissions: 'read' | 'write' };
  labels: { name: string; color: string; description: string | null }[];
  issues: { number: number; title: string; body: string | null; state: string; labels: string[]; user: string; comments: { id: number; user: string; body: string; createdAt: string; updatedAt: string }[] }[];
  pulls: {
    number: number;
    title: string;
    body: string | null;
    state: string;
    user: string;
    headRef: string;
    headSha: string;
    baseRef: string;
    labels: string[];
    merged: boolean;
    mergedBy: string | null;
    mergeCommitSha: string | null;
    reviews: { id: number; user: string; state: ReviewState; commitId: string; body: string; submittedAt: string }[];
    comments: { id: number; user: string; body: string }[];
  }[];
  checkRuns: { id: number; name: string; headSha: string; status: string; conclusion: string | null; title: string | null; summary: string | null; creator: string }[];
  statuses: { sha: string; state: string; context: string; description: string | null; creator: string }[];
  releases: { id: number; tagName: string; name: string | null; body: string | null; draft: boolean; prerelease: boolean; author: string; assets: { name: string; size: number; contentType: string }[] }[];
  deployments: { id: number; sha: string; ref: string; environment: string; payload: unknown; creator: string; statuses: { state: string; description: string; environmentUrl: string }[] }[];
  environments: { name: string; reviewers: string[]; waitTimer: number; preventSelfReview: boolean; createdBy: 'admin' | 'workflow' }[];
  /** GitHub Pages (null while not enabled) and its deployments; siteDir holds a successful one's files. */
  pages: { htmlUrl: string; buildType: 'workflow' | 'legacy'; deployments: { id: number; artifactId: number; buildVersion: string; status: string; problem?: string; siteDir?: string; creator: string }[] } | null;
  protections: Record<string, BranchProtection>;
  variables: Record<string, string>;
  secretNames: string[];
  dispatches: { workflow: string; ref: string; sha: string; inputs: Record<string, string>; actor: string }[];
  pendingDeployments: { runId: number; job: string; environment: string; state: string; reviews: { login: string; state: string; comment: string }[] }[];
}

/** The git config that authenticates as a token, the way actions/checkout does. */
export function gitAuthConfig(token: string): string[] {
  return ['-c', `http.extraHeader=AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`];
}

export class LocalGitHub implements RunnerFacingGitHub {
  private readonly core: Core;
  private server?: Server;
  private base = '';
  private readonly personTokens = new Map<string, string>();

  constructor(opts: LocalGitHubOptions) {
    this.core = new Core({ dir: opts.dir, ...(opts.now ? { now: opts.now } : {}) });
  }

  /** Listens on 127.0.0.1 (a free port). */
  async start(): Promise<this> {
    await this.core.init();
    const server = createServer(requestHandler(this.core));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    this.base = `http://127.0.0.1:${port}`;
    this.core.links.api = `${this.base}${API_PREFIX}`;
    this.core.links.web = this.base;
    this.core.hookUrl = `${this.base}/_local/git-hook`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    delete this.server;
  }

  get apiUrl(): string {
    return this.core.links.api;
  }

  get serverUrl(): string {
    return this.base;
  }

  /** Protocol violations (unknown routes, bodies GitHub refuses, unimplemented operations): a test asserts this is empty. */
  get problems(): readonly string[] {
    return this.core.problems;
  }

  /** Every REST answer, in order, with the refusal code when there was one. */
  get requests(): readonly RequestRecord[] {
    return this.core.requests;
  }

  /** Every event delivered, with GitHub's admission. */
  get events(): readonly EventRecord[] {
    return this.core.events;
  }

  // ---- setup -------------------------------------------------------------------------------

  /** An empty repository (no commits), as "Create repository" without a README makes. */
  async createRepository(owner: string, repo: string, o: RepositoryOptions = {}): Promise<void> {
    await this.core.createRepo(owner, repo, o);
  }

  /**
   * "Use this template": one commit with the template's files on the default branch and
   * nothing else: no labels, environments, secrets, variables, branch protection, and
   * default settings ("Allow GitHub Actions to create and approve pull requests" off).
   */
  async createFromTemplate(o: TemplateOptions): Promise<PushResult> {
    const { files, modes } = o.files ? { files: new Map<string, FileChange>(Object.entries(o.files)), modes: new Map<string, string>() } : await templateFiles(o.templateDir ?? '.');
    const r = await this.core.createRepo(o.owner, o.repo, o);
    const actor = { login: o.as ?? o.owner, workflowToken: false };
    const sha = await this.core.commit(r, { parent: undefined, changes: files, message: o.message ?? 'Initial commit', author: actor.login, modes });
    const ref = `refs/heads/${r.defaultBranch}`;
    await r.git.updateRef(ref, sha, ZERO_SHA);
    r.template = o.templateDir ?? 'files';
    await this.core.afterRefUpdates(r, actor, [{ ref, before: ZERO_SHA, after: sha }]);
    return { ref, before: ZERO_SHA, after: sha };
  }

  /** A person's token (cached per login); `role` (default `write` for someone new) is their role on every repository here. */
  userToken(login: string, role?: Role): string {
    if (role !== undefined || this.core.roleOf(login) === undefined) this.core.setPerson(login, role ?? 'write');
    let token = this.personTokens.get(login);
    if (!token) {
      token = this.core.personToken(login);
      this.personTokens.set(login, token);
    }
    return token;
  }

  private tokenOf(login: string): string {
    const token = this.personTokens.get(login);
    if (!token) throw new Error(`${login} has no token: call userToken("${login}", role) first`);
    return token;
  }

  addTeam(org: string, slug: string, members: readonly string[]): { id: number } {
    this.core.organization(org);
    for (const m of members) this.core.user(m);
    const id = this.core.id();
    this.core.teams.set(`${org}/${slug}`, { id, members: [...members] });
    return { id };
  }

  userId(login: string): number {
    return this.core.user(login).id;
  }

  setVariable(owner: string, repo: string, name: string, value: string): void {
    const now = this.core.now();
    this.core.requireRepo(owner, repo).variables.set(name.toUpperCase(), { value, createdAt: now, updatedAt: now });
  }

  setSecret(owner: string, repo: string, name: string, value: string): void {
    const now = this.core.now();
    this.core.requireRepo(owner, repo).secrets.set(name.toUpperCase(), { value, createdAt: now, updatedAt: now });
  }

  // ---- RunnerFacingGitHub ------------------------------------------------------------------

  /**
   * The repository's smart-HTTP URL. It carries GitHub's own read-only credential, which git
   * uses only when the server asks (401) and no Authorization header was sent: the runner
   * reading workflow files is GitHub reading its own repository. A job's clone sends its token
   * as actions/checkout does (gitAuthConfig); the server then judges that token alone, and a
   * push always needs a person's or a job's token with write access.
   */
  gitRemote(owner: string, repo: string): string {
    return `${this.base.replace('://', `://x-access-token:${this.core.platformToken}@`)}/${owner}/${repo}.git`;
  }

  /** The URL without credentials (what a person's clone would use). */
  cloneUrl(owner: string, repo: string): string {
    return `${this.base}/${owner}/${repo}.git`;
  }

  mintToken(req: MintTokenRequest): string {
    this.core.requireRepo(req.owner, req.repo);
    return this.core.mintWorkflowToken(req);
  }

  revokeToken(token: string): void {
    this.core.tokens.delete(token);
  }

  environmentGate(req: EnvironmentGateRequest): Promise<EnvironmentGateResult> {
    return this.core.environmentGate(req);
  }

  onEvent(listener: (event: RepositoryEvent, admission: RunAdmission) => void): () => void {
    return this.core.onEvent(listener);
  }

  variables(owner: string, repo: string): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.core.requireRepo(owner, repo).variables.entries()].map(([k, v]) => [k, v.value]));
  }

  secrets(owner: string, repo: string): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.core.requireRepo(owner, repo).secrets.entries()].map(([k, v]) => [k, v.value]));
  }

  // ---- people ------------------------------------------------------------------------------

  /** A REST call in-process with a token (same pipeline as HTTP); `path` is below the REST root. */
  async api<T = unknown>(token: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const url = new URL(path, 'http://local');
    const answer = await handleRest(this.core, {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { ...(token ? { authorization: `token ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
    });
    const text = answer.body.toString('utf8');
    const data = (answer.headers['content-type']?.startsWith('application/json') && text ? JSON.parse(text) : text) as T;
    return { status: answer.status, data, headers: answer.headers };
  }

  /** Like api(), as a person, throwing GitHub's refusal as a LocalGitHubError. */
  private async act<T = Record<string, unknown>>(login: string, method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, 'http://local');
    const answer = await handleRest(this.core, { method, path: url.pathname, query: url.searchParams, headers: { authorization: `token ${this.tokenOf(login)}` }, body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)) });
    if (answer.error) throw answer.error;
    if (answer.status >= 400) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body.toString('utf8')}`);
    const text = answer.body.toString('utf8');
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * A person's push. With `files`, the commit is made here on the branch head; with
   * `fromWorkdir`, `git push` runs over HTTP from that clone. Either way branch protection
   * applies (GH006, as LocalGitHubError code GH_PUSH_PROTECTED with git's reason lines in
   * `details`) and the accepted push is delivered as a `push` event.
   */
  async push(owner: string, repo: string, o: PushOptions): Promise<PushResult> {
    const r = this.core.requireRepo(owner, repo);
    const actor = { login: o.as, workflowToken: false };
    const role = this.core.roleOf(o.as);
    if (role !== 'admin' && role !== 'write') throw ghError('GH_PUSH_DENIED', { repo: `${owner}/${repo}.git`, login: o.as });
    const ref = `refs/heads/${o.branch}`;
    if (o.fromWorkdir) return this.pushFromWorkdir(r.owner, r.name, o, ref);
    return this.core.withLock(r, async () => {
      const head = await r.git.branchHead(o.branch);
      const parent = head ?? (await this.core.resolveRef(r, o.from ?? r.defaultBranch));
      const changes = new Map(Object.entries(o.files ?? {}).map(([p, c]) => [p, c]));
      const after = await this.core.commit(r, { parent, changes, message: o.message ?? 'Update files', author: o.as });
      const update = { ref, before: head ?? ZERO_SHA, after };
      const violations = await this.core.pushViolations(r, actor, update);
      if (violations.length) throw ghError('GH_PUSH_PROTECTED', { ref }, pushRefusalLines(ref, violations).slice(1));
      if (!(await r.git.updateRef(ref, after, update.before))) throw ghError('GH_REF_CHANGED', { ref });
      await this.core.afterRefUpdates(r, actor, [update]);
      return update;
    });
  }

  private async pushFromWorkdir(owner: string, repo: string, o: PushOptions, ref: string): Promise<PushResult> {
    const r = this.core.requireRepo(owner, repo);
    const before = (await r.git.refSha(ref)) ?? ZERO_SHA;
    const dir = o.fromWorkdir as string;
    const res = await runGit([...gitAuthConfig(this.tokenOf(o.as)), '-C', dir, 'push', ...(o.force ? ['--force'] : []), this.cloneUrl(owner, repo), `HEAD:${ref}`]);
    if (res.code !== 0) {
      const remote = res.stderr
        .split('\n')
        .filter((l) => l.startsWith('remote:'))
        .map((l) => l.replace(/^remote:\s?/, '').replace(/^error:\s?/, '').trimEnd());
      if (remote.some((l) => l.startsWith('GH006'))) throw ghError('GH_PUSH_PROTECTED', { ref }, remote.slice(1));
      throw new Error(`git push failed: ${res.stderr.trim()}`);
    }
    return { ref, before, after: (await r.git.refSha(ref)) ?? ZERO_SHA };
  }

  /**
   * Files an issue the way the web UI does from an issue form: the body as GitHub renders
   * the form, the form's labels only where the repository already has them.
   */
  async fileIssueFromForm(owner: string, repo: string, o: { as: string; formPath: string; answers: FormAnswers; title?: string }): Promise<FiledIssue> {
    const r = this.core.requireRepo(owner, repo);
    const head = await r.git.branchHead(r.defaultBranch);
    const entry = head ? await r.git.entry(head, o.formPath) : undefined;
    if (!entry || entry.type !== 'blob') throw ghError('GH_INVALID_FORM', { reason: `${o.formPath} is not on ${r.defaultBranch}` });
    const rendered = renderIssueForm(parseIssueForm((await r.git.readBlob(entry.sha)).toString('utf8'), o.formPath), o.answers, o.title);
    const kept = rendered.labels.filter((l) => r.labels.has(l.toLowerCase()));
    this.core.user(o.as);
    const issue = await openIssue(this.core, r, { login: o.as, workflowToken: false }, { title: rendered.title, body: rendered.body, labels: kept, assignees: rendered.assignees });
    return { number: issue.number, title: issue.title, body: rendered.body, labels: issue.labels, droppedLabels: rendered.labels.filter((l) => !kept.includes(l)) };
  }

  async editIssue(owner: string, repo: string, number: number, o: { as: string; title?: string; body?: string }): Promise<void> {
    await this.act(o.as, 'PATCH', `/repos/${owner}/${repo}/issues/${number}`, { ...(o.title !== undefined ? { title: o.title } : {}), ...(o.body !== undefined ? { body: o.body } : {}) });
  }

  async addLabel(owner: string, repo: string, number: number, label: string, o: { as: string }): Promise<void> {
    await this.act(o.as, 'POST', `/repos/${owner}/${repo}/issues/${number}/labels`, { labels: [label] });
  }

  async comment(owner: string, repo: string, number: number, body: string, o: { as: string }): Promise<number> {
    return (await this.act<{ id: number }>(o.as, 'POST', `/repos/${owner}/${repo}/issues/${number}/comments`, { body })).id;
  }

  async openPullRequest(owner: string, repo: string, o: { as: string; head: string; base?: string; title: string; body?: string }): Promise<number> {
    const r = this.core.requireRepo(owner, repo);
    return (await this.act<{ number: number }>(o.as, 'POST', `/repos/${owner}/${repo}/pulls`, { head: o.head, base: o.base ?? r.defaultBranch, title: o.title, ...(o.body !== undefined ? { body: o.body } : {}) })).number;
  }

  async review(owner: string, repo: string, number: number, o: { as: string; event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT'; body?: string; commitId?: string }): Promise<number> {
    return (await this.act<{ id: number }>(o.as, 'POST', `/repos/${owner}/${repo}/pulls/${number}/reviews`, { event: o.event, ...(o.body !== undefined ? { body: o.body } : {}), ...(o.commitId ? { commit_id: o.commitId } : {}) })).id;
  }

  async merge(owner: string, repo: string, number: number, o: { as: string; method?: 'merge' | 'squash' | 'rebase'; sha?: string }): Promise<string> {
    return (await this.act<{ sha: string }>(o.as, 'PUT', `/repos/${owner}/${repo}/pulls/${number}/merge`, { merge_method: o.method ?? 'merge', ...(o.sha ? { sha: o.sha } : {}) })).sha;
  }

  /** `PUT …/branches/{branch}/protection` as an admin (the body in GitHub's shape). */
  async protectBranch(owner: string, repo: string, branch: string, rule: Record<string, unknown>, o: { as: string }): Promise<void> {
    await this.act(o.as, 'PUT', `/repos/${owner}/${repo}/branches/${encodeURIComponent(branch)}/protection`, { required_status_checks: null, enforce_admins: null, required_pull_request_reviews: null, restrictions: null, ...rule });
  }

  /** Settings → Actions → "Allow GitHub Actions to create and approve pull requests". */
  async allowActionsToCreatePullRequests(owner: string, repo: string, allowed: boolean, o: { as: string }): Promise<void> {
    await this.act(o.as, 'PUT', `/repos/${owner}/${repo}/actions/permissions/workflow`, { can_approve_pull_request_reviews: allowed });
  }

  /** `PUT …/environments/{name}` as an admin; reviewers by login and `org/slug`. */
  async setEnvironment(owner: string, repo: string, name: string, setup: EnvironmentSetup, o: { as: string }): Promise<void> {
    const reviewers = [
      ...(setup.reviewers?.users ?? []).map((login) => ({ type: 'User', id: this.core.user(login).id })),
      ...(setup.reviewers?.teams ?? []).map((slug) => {
        const team = this.core.teams.get(slug);
        if (!team) throw new Error(`no team ${slug}: call addTeam first`);
        return { type: 'Team', id: team.id };
      }),
    ];
    await this.act(o.as, 'PUT', `/repos/${owner}/${repo}/environments/${encodeURIComponent(name)}`, {
      ...(setup.reviewers ? { reviewers } : {}),
      ...(setup.waitTimer !== undefined ? { wait_timer: setup.waitTimer } : {}),
      ...(setup.preventSelfReview !== undefined ? { prevent_self_review: setup.preventSelfReview } : {}),
      ...(setup.protectedBranchesOnly !== undefined ? { deployment_branch_policy: setup.protectedBranchesOnly ? { protected_branches: true, custom_branch_policies: false } : null } : {}),
    });
  }

  /** "Review deployments" → approve, through `POST …/actions/runs/{run_id}/pending_deployments`. */
  async approveDeployment(owner: string, repo: string, runId: number, environment: string, o: { as: string; comment?: string }): Promise<void> {
    await this.reviewDeployment(owner, repo, runId, environment, 'approved', o);
  }

  async rejectDeployment(owner: string, repo: string, runId: number, environment: string, o: { as: string; comment?: string }): Promise<void> {
    await this.reviewDeployment(owner, repo, runId, environment, 'rejected', o);
  }

  private async reviewDeployment(owner: string, repo: string, runId: number, environment: string, state: 'approved' | 'rejected', o: { as: string; comment?: string }): Promise<void> {
    const env = this.core.requireRepo(owner, repo).environments.get(environment.toLowerCase());
    if (!env) throw ghError('GH_NO_PENDING_DEPLOYMENT');
    await this.act(o.as, 'POST', `/repos/${owner}/${repo}/actions/runs/${runId}/pending_deployments`, { environment_ids: [env.id], state, comment: o.comment ?? '' });
  }

  // ---- state, for reports ------------------------------------------------------------------

  /** Lets the Pages backend read the runner's artifacts (see Core.pagesArtifacts). */
  connectPagesArtifacts(find: (owner: string, repo: string, artifactId: number) => string | undefined): void {
    this.core.pagesArtifacts = find;
  }

  /** Enables GitHub Pages with GitHub Actions as the source, as Settings → Pages does. */
  async enablePages(owner: string, repo: string, o: { as: string }): Promise<void> {
    await this.act(o.as, 'POST', `/repos/${owner}/${repo}/pages`, { build_type: 'workflow' });
  }

  snapshot(owner: string, repo: string): RepositorySnapshot {
    const r = this.core.requireRepo(owner, repo);
    const comments = (list: { id: number; user: string; body: string; createdAt: string; updatedAt: string }[]): { id: number; user: string; body: string; createdAt: string; updatedAt: string }[] => list.map((c) => ({ id: c.id, user: c.user, body: c.body, createdAt: c.createdAt, updatedAt: c.updatedAt }));
    return {
      owner: r.owner,
      name: r.name,
      defaultBranch: r.defaultBranch,
      visibility: r.visibility,
      settings: { ...r.settings },
      labels: [...r.labels.values()].map((l) => ({ name: l.name, color: l.color, description: l.description })),
      issues: [...r.issues.values()].filter((i) => !i.isPull).map((i) => ({ number: i.number, title: i.title, body: i.body, state: i.state, labels: [...i.labels], user: i.user, comments: comments(i.comments) })),
      pulls: [...r.pulls.values()].map((p) => ({
        number: p.number,
        title: p.issue.title,
        body: p.issue.body,
        state: p.issue.state,
        user: p.issue.user,
        headRef: p.headRef,
        headSha: p.headSha,
        baseRef: p.baseRef,
        labels: [...p.issue.labels],
        merged: p.merged,
        mergedBy: p.mergedBy,
        mergeCommitSha: p.mergeCommitSha,
        reviews: p.reviews.map((v) => ({ id: v.id, user: v.user, state: v.state, commitId: v.commitId, body: v.body, submittedAt: v.submittedAt })),
        comments: comments(p.issue.comments),
      })),
      checkRuns: r.checkRuns.map((c) => ({ id: c.id, name: c.name, headSha: c.headSha, status: c.status, conclusion: c.conclusion, title: c.output.title, summary: c.output.summary, creator: c.creator })),
      statuses: r.statuses.map((s) => ({ sha: s.sha, state: s.state, context: s.context, description: s.description, creator: s.creator })),
      releases: r.releases.map((x) => ({ id: x.id, tagName: x.tagName, name: x.name, body: x.body, draft: x.draft, prerelease: x.prerelease, author: x.author, assets: x.assets.map((a) => ({ name: a.name, size: a.data.length, contentType: a.contentType })) })),
      deployments: r.deployments.map((d) => ({ id: d.id, sha: d.sha, ref: d.ref, environment: d.environment, payload: structuredClone(d.payload), creator: d.creator, statuses: d.statuses.map((s) => ({ state: s.state, description: s.description, environmentUrl: s.environmentUrl })) })),
      environments: [...r.environments.values()].map((e) => ({ name: e.name, reviewers: e.reviewers.map((v) => v.name), waitTimer: e.waitTimer, preventSelfReview: e.preventSelfReview, createdBy: e.createdBy })),
      protections: Object.fromEntries([...r.protections.entries()].map(([k, v]) => [k, structuredClone(v)])),
      variables: Object.fromEntries([...r.variables.entries()].map(([k, v]) => [k, v.value])),
      secretNames: [...r.secrets.keys()],
      dispatches: r.dispatches.map((d) => ({ workflow: d.workflow, ref: d.ref, sha: d.sha, inputs: { ...d.inputs }, actor: d.actor })),
      pages: r.pages ? { htmlUrl: r.pages.htmlUrl, buildType: r.pages.buildType, deployments: r.pages.deployments.map((d) => ({ id: d.id, artifactId: d.artifactId, buildVersion: d.buildVersion, status: d.status, ...(d.problem ? { problem: d.problem } : {}), ...(d.siteDir ? { siteDir: d.siteDir } : {}), creator: d.creator })) } : null,
      pendingDeployments: r.pendingDeployments.map((p) => ({ runId: p.runId, job: p.job, environment: p.environment, state: p.state, reviews: p.reviews.map((v) => ({ login: v.login, state: v.state, comment: v.comment })) })),
    };
  }

  /** Every ref and the object it points to (branches, tags, refs/pull/*). */
  async refs(owner: string, repo: string): Promise<Record<string, string>> {
    return Object.fromEntries((await this.core.requireRepo(owner, repo).git.refs()).map((r) => [r.ref, r.sha]));
  }

  /** A file's text at a ref, or undefined. */
  async readFile(owner: string, repo: string, ref: string, path: string): Promise<string | undefined> {
    const r = this.core.requireRepo(owner, repo);
    const sha = await this.core.resolveRef(r, ref);
    const entry = sha ? await r.git.entry(sha, path) : undefined;
    return entry?.type === 'blob' ? (await r.git.readBlob(entry.sha)).toString('utf8') : undefined;
  }
}

/** A template's files with their git modes: tracked files of a work tree, or every file of a plain directory. */
async function templateFiles(dir: string): Promise<{ files: Map<string, FileChange>; modes: Map<string, string> }> {
  const files = new Map<string, FileChange>();
  const modes = new Map<string, string>();
  const tracked = await runGit(['-C', dir, 'ls-files', '-z', '--cached']);
  let paths: string[];
  if (tracked.code === 0) paths = tracked.stdout.toString('utf8').split('\0').filter(Boolean);
  else {
    paths = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.name === '.git' || e.name === 'node_modules') continue;
        const full = join(d, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) paths.push(relative(dir, full).split(sep).join('/'));
      }
    };
    await walk(dir);
  }
  for (const p of paths) {
    const full = join(dir, p);
    const st = await lstat(full).catch(() => undefined);
    // A tracked file deleted in the work tree is not part of what would be pushed.
    if (!st?.isFile()) continue;
    files.set(p, await readFile(full));
    if (st.mode & 0o111) modes.set(p, '100755');
  }
  if (files.size === 0) throw new LocalGitHubError('GH_VALIDATION', {}, [`the template ${dir} has no files`]);
  return { files, modes };
}
