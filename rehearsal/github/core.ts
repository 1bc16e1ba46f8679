import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor, EnvironmentGateRequest, EnvironmentGateResult, MintTokenRequest, RepositoryEvent, RunAdmission } from '../types.js';
import { admit } from './admission.js';
import { ghError } from './errors.js';
import { BareRepo, ZERO_SHA } from './git.js';
import type { FileChange, Person } from './git.js';
import { installHooks, writeHookScript } from './git-http.js';
import type { EnvironmentRecord, IssueRecord, PendingDeploymentRecord, PersonRecord, PullRecord, RepoRecord, TokenRecord, UserRecord } from './model.js';
import { issueJson, pullJson, repoJson, reviewJson, userJson } from './payloads.js';
import type { Links, PullExtras } from './payloads.js';
import { normalizePermissions } from './permissions.js';
import type { Principal, Role } from './permissions.js';
import { evaluatePush } from './protection.js';
import type { CommitChecks, ProtectionActor, Violation } from './protection.js';

/**
 * The local GitHub's state and the services every door shares (REST handlers, git
 * pushes, the person-facing methods): ids and time, users and tokens, repositories and
 * their bare git repositories, commits, events with their admission, pull request refs.
 */

export const ACTIONS_BOT = 'github-actions[bot]';
const ACTIONS_BOT_ID = 41898282;

export interface CoreOptions {
  /** Where bare repositories and the hook script live. */
  dir: string;
  /** Defaults to the wall clock; tests pass a fixed one for reproducible commit ids. */
  now?: () => Date;
}

export interface EventRecord {
  event: RepositoryEvent;
  admission: RunAdmission;
}

export interface RequestRecord {
  method: string;
  path: string;
  operationId: string;
  status: number;
  actor: string;
  /** The refusal's code, when the answer was an error. */
  code?: string;
}

type Listener = (event: RepositoryEvent, admission: RunAdmission) => void;

export interface RefUpdate {
  ref: string;
  before: string;
  after: string;
}

/** Skips push/pull_request runs when the head commit says so (docs.github.com "Skipping workflow runs"). */
const SKIP_MARKERS = /\[(skip ci|ci skip|no ci|skip actions|actions skip)\]/i;

export class Core {
  readonly dir: string;
  readonly links: Links;
  readonly repos = new Map<string, RepoRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly people = new Map<string, PersonRecord>();
  /** `org/slug` → member logins. */
  readonly teams = new Map<string, { id: number; members: string[] }>();
  readonly tokens = new Map<string, TokenRecord>();
  /** Protocol violations a test asserts empty: unknown routes, invalid bodies, unimplemented operations. */
  readonly problems: string[] = [];
  readonly events: EventRecord[] = [];
  readonly requests: RequestRecord[] = [];
  /** Accepted git pushes waiting for their hooks, by push id. */
  readonly pushes = new Map<string, { repo: RepoRecord; actor: Actor }>();
  hookUrl = '';
  /**
   * The Pages backend's access to Actions artifacts: the directory holding an artifact's
   * files, by id, for a repository's runs. The artifact store is the runner's, so whoever
   * runs the workflows connects it (LocalGitHub.connectPagesArtifacts).
   */
  pagesArtifacts?: (owner: string, repo: string, artifactId: number) => string | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly clock: () => Date;
  private lastSecond = 0;
  private nextId = 1000;
  private readonly locks = new Map<string, Promise<unknown>>();
  readonly hookScript: string;
  /** GitHub's own read access to its repositories (the runner reading workflow files); never given to jobs. */
  readonly platformToken = `ghp_platform_${randomBytes(12).toString('hex')}`;

  constructor(opts: CoreOptions) {
    this.dir = opts.dir;
    this.clock = opts.now ?? (() => new Date());
    this.hookScript = join(opts.dir, 'local-github-hook.mjs');
    this.links = { api: '', web: '', user: (login) => this.user(login) };
    this.users.set(ACTIONS_BOT, { login: ACTIONS_BOT, id: ACTIONS_BOT_ID, type: 'Bot' });
    this.users.set('github', { login: 'github', id: 9919, type: 'Organization' });
    this.tokens.set(this.platformToken, { kind: 'platform' });
  }

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'repos'), { recursive: true });
    await writeHookScript(this.hookScript);
  }

  id(): number {
    return this.nextId++;
  }

  /** Seconds since the epoch, never going backwards (commits must not predate their parents). */
  seconds(): number {
    this.lastSecond = Math.max(this.lastSecond, Math.floor(this.clock().getTime() / 1000));
    return this.lastSecond;
  }

  now(): string {
    return new Date(this.seconds() * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  // ---- users, people, tokens ------------------------------------------------------------

  user(login: string): UserRecord {
    let u = this.users.get(login);
    if (!u) {
      u = { login, id: this.id(), type: login.endsWith('[bot]') ? 'Bot' : 'User' };
      this.users.set(login, u);
    }
    return u;
  }

  organization(login: string): UserRecord {
    const u = this.user(login);
    u.type = 'Organization';
    return u;
  }

  setPerson(login: string, role: Role): void {
    this.user(login);
    this.people.set(login, { login, role });
  }

  roleOf(login: string): Role | undefined {
    return this.people.get(login)?.role;
  }

  /** Team slugs (`org/slug` and bare `slug`) a person belongs to. */
  teamsOf(login: string): string[] {
    return [...this.teams.entries()].filter(([, t]) => t.members.includes(login)).flatMap(([k]) => [k, k.slice(k.indexOf('/') + 1)]);
  }

  /** The identity git records for a login; the email maps back to the login, as GitHub's noreply addresses do. */
  gitPerson(login: string): Person {
    const u = this.user(login);
    return { name: u.login, email: `${u.id}+${u.login}@users.noreply.github.com`, time: this.seconds() };
  }

  loginForEmail(email: string): string | undefined {
    const m = /^(\d+)\+(.+)@users\.noreply\.github\.com$/.exec(email);
    if (m && this.users.get(m[2] as string)?.id === Number(m[1])) return m[2];
    return undefined;
  }

  mintWorkflowToken(req: MintTokenRequest): string {
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    this.tokens.set(token, { kind: 'workflow', owner: req.owner, repo: req.repo, permissions: normalizePermissions(req.permissions), runId: req.runId, job: req.job });
    return token;
  }

  personToken(login: string): string {
    const token = `github_pat_${randomBytes(18).toString('hex')}`;
    this.tokens.set(token, { kind: 'person', login });
    return token;
  }

  /** The principal behind a token; undefined for an unknown or revoked one. */
  principal(token: string): Principal | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.kind === 'workflow') return { kind: 'workflow', owner: t.owner, repo: t.repo, permissions: t.permissions };
    if (t.kind === 'platform') return { kind: 'platform' };
    return { kind: 'person', login: t.login, role: this.roleOf(t.login) ?? 'read' };
  }

  actorOf(p: Principal): Actor {
    if (p.kind === 'workflow') return { login: ACTIONS_BOT, workflowToken: true };
    if (p.kind === 'person') return { login: p.login, workflowToken: false };
    return { login: p.kind === 'platform' ? 'github' : 'ghost', workflowToken: false };
  }

  protectionActor(actor: Actor): ProtectionActor {
    return { login: actor.login, isAdmin: !actor.workflowToken && this.roleOf(actor.login) === 'admin', workflowToken: actor.workflowToken, teams: this.teamsOf(actor.login) };
  }

  /** Whether a login's reviews count toward required approvals (write access). */
  canWrite(login: string): boolean {
    if (login === ACTIONS_BOT) return true;
    const role = this.roleOf(login);
    return role === 'admin' || role === 'write';
  }

  // ---- repositories ---------------------------------------------------------------------

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  requireRepo(owner: string, name: string): RepoRecord {
    const r = this.repo(owner, name);
    if (!r) throw ghError('GH_NOT_FOUND');
    return r;
  }

  repoDir(owner: string, name: string): string {
    return join(this.dir, 'repos', owner, `${name}.git`);
  }

  async createRepo(owner: string, name: string, o: { visibility?: 'public' | 'private'; defaultBranch?: string; description?: string } = {}): Promise<RepoRecord> {
    if (!/^[A-Za-z0-9_.-]+$/.test(owner) || !/^[A-Za-z0-9_.-]+$/.test(name)) throw ghError('GH_VALIDATION', {}, [`invalid repository name ${owner}/${name}`]);
    if (this.repo(owner, name)) throw ghError('GH_ALREADY_EXISTS', { resource: 'Repository', field: 'name' });
    if (!this.people.has(owner)) this.organization(owner);
    const defaultBranch = o.defaultBranch ?? 'main';
    const git = await BareRepo.init(this.repoDir(owner, name), defaultBranch);
    await installHooks(git.dir, this.hookScript);
    const now = this.now();
    const r: RepoRecord = {
      owner,
      name,
      id: this.id(),
      git,
      visibility: o.visibility ?? 'private',
      defaultBranch,
      description: o.description ?? null,
      createdAt: now,
      pushedAt: now,
      settings: { canApprovePullRequestReviews: false, defaultWorkflowPermissions: 'read' },
      labels: new Map(),
      issues: new Map(),
      pulls: new Map(),
      nextNumber: 1,
      checkRuns: [],
      statuses: [],
      releases: [],
      deployments: [],
      environments: new Map(),
      protections: new Map(),
      variables: new Map(),
      secrets: new Map(),
      dispatches: [],
      pendingDeployments: [],
    };
    this.repos.set(`${owner}/${name}`.toLowerCase(), r);
    return r;
  }

  /** Runs API writes to one repository one at a time: each reads a head, builds on it, then moves it. */
  async withLock<T>(repo: RepoRecord, fn: () => Promise<T>): Promise<T> {
    const key = `${repo.owner}/${repo.name}`;
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    this.locks.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  }

  /** A commit on `parent` (none: a root commit) with the changes, authored by `login`. No ref moves. */
  async commit(repo: RepoRecord, o: { parent: string | undefined; changes: ReadonlyMap<string, FileChange>; message: string; author: string; authorPerson?: Person; modes?: ReadonlyMap<string, string> }): Promise<string> {
    const tree = await repo.git.treeWith(o.parent, o.changes, o.modes);
    const author = o.authorPerson ?? this.gitPerson(o.author);
    return repo.git.commitTree(tree, o.parent ? [o.parent] : [], o.message, author, author);
  }

  /** The branch a ref names, or undefined for other refs. */
  static branchOf(ref: string): string | undefined {
    return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  }

  /** Resolves a branch, tag or sha the way the REST API does. */
  async resolveRef(repo: RepoRecord, ref: string): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/i.test(ref)) return (await repo.git.objectType(ref)) === 'commit' ? ref.toLowerCase() : undefined;
    const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`, ref];
    for (const c of candidates) {
      const sha = await repo.git.resolveCommit(c);
      if (sha) return sha;
    }
    return undefined;
  }

  // ---- events ---------------------------------------------------------------------------

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers an event as GitHub would: repository and sender added, GitHub's admission decided. */
  emit(repo: RepoRecord, e: { name: string; action?: string; payload: Record<string, unknown>; actor: Actor; sha: string; ref: string; changedFiles?: readonly string[]; mergeable?: boolean; headCommitMessage?: string }): EventRecord {
    const payload: Record<string, unknown> = { ...(e.action ? { action: e.action } : {}), ...e.payload, repository: repoJson(this.links, repo), sender: userJson(this.links, e.actor.login) };
    if (this.user(repo.owner).type === 'Organization') payload.organization = { login: repo.owner, id: this.user(repo.owner).id, url: `${this.links.api}/orgs/${repo.owner}` };
    const event: RepositoryEvent = { name: e.name, payload, owner: repo.owner, repo: repo.name, sha: e.sha, ref: e.ref, actor: e.actor, ...(e.changedFiles ? { changedFiles: e.changedFiles } : {}) };
    let admission = admit({ name: e.name, ...(e.action ? { action: e.action } : {}), actor: e.actor, ...(e.mergeable !== undefined ? { mergeable: e.mergeable } : {}) });
    if ((e.name === 'push' || e.name === 'pull_request') && e.headCommitMessage && SKIP_MARKERS.test(e.headCommitMessage) && admission.kind !== 'none')
      admission = { kind: 'none', reason: `the head commit's message contains ${SKIP_MARKERS.exec(e.headCommitMessage)?.[0] ?? '[skip ci]'}: push and pull_request runs are skipped` };
    const record = { event, admission };
    this.events.push(record);
    for (const l of this.listeners) {
      try {
        l(event, admission);
      } catch (err) {
        this.problems.push(`event listener failed on ${e.name}${e.action ? `.${e.action}` : ''}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return record;
  }

  /** Where issue-like events run: the default branch's head. */
  async defaultHead(repo: RepoRecord): Promise<string> {
    return (await repo.git.branchHead(repo.defaultBranch)) ?? ZERO_SHA;
  }

  // ---- pull requests ----------------------------------------------------------------------

  /** Keeps refs/pull/N/head and the test merge refs/pull/N/merge current, as GitHub does for checkouts. */
  async refreshPull(repo: RepoRecord, pr: PullRecord): Promise<void> {
    await repo.git.updateRef(`refs/pull/${pr.number}/head`, pr.headSha);
    if (pr.merged || pr.issue.state === 'closed') return;
    const base = await repo.git.branchHead(pr.baseRef);
    const tree = base ? await repo.git.mergeTree(base, pr.headSha) : undefined;
    if (!base || !tree) {
      delete pr.testMergeSha;
      await repo.git.deleteRef(`refs/pull/${pr.number}/merge`);
      return;
    }
    const bot = { name: 'GitHub', email: 'noreply@github.com', time: this.seconds() };
    pr.testMergeSha = await repo.git.commitTree(tree, [base, pr.headSha], `Merge ${pr.headSha} into ${base}\n`, bot, bot);
    await repo.git.updateRef(`refs/pull/${pr.number}/merge`, pr.testMergeSha);
  }

  async pullExtras(repo: RepoRecord, pr: PullRecord): Promise<PullExtras> {
    let baseSha = (await repo.git.branchHead(pr.baseRef)) ?? ZERO_SHA;
    if (pr.merged && pr.mergeCommitSha) baseSha = (await repo.git.commitInfo(pr.mergeCommitSha))?.parents[0] ?? baseSha;
    const files = await this.pullFiles(repo, pr, baseSha);
    const commits = baseSha === ZERO_SHA ? [] : await repo.git.commitsBetween(pr.headSha, [baseSha]);
    return { baseSha, mergeable: pr.merged ? null : pr.testMergeSha !== undefined, commits: commits.length, changedFiles: files.length };
  }

  /** The three-dot diff GitHub shows (and `paths` filters read) for a pull request. */
  async pullFiles(repo: RepoRecord, pr: PullRecord, baseSha?: string): Promise<{ filename: string; status: string; previousFilename?: string }[]> {
    const base = baseSha ?? (await repo.git.branchHead(pr.baseRef));
    const mb = base ? await repo.git.mergeBase(base, pr.headSha) : undefined;
    return repo.git.changedFiles(mb, pr.headSha);
  }

  async pullPayload(repo: RepoRecord, pr: PullRecord): Promise<Record<string, unknown>> {
    return pullJson(this.links, repo, pr, await this.pullExtras(repo, pr));
  }

  /** Emits a pull_request (or pull_request_review) event where GitHub runs it: the test merge. */
  async emitPull(repo: RepoRecord, pr: PullRecord, name: 'pull_request' | 'pull_request_review', action: string, actor: Actor, extra: Record<string, unknown> = {}): Promise<EventRecord> {
    const files = (await this.pullFiles(repo, pr)).map((f) => f.filename);
    const head = await repo.git.commitInfo(pr.headSha);
    const sha = pr.merged && pr.mergeCommitSha ? pr.mergeCommitSha : (pr.testMergeSha ?? pr.headSha);
    return this.emit(repo, {
      name,
      action,
      payload: { ...(name === 'pull_request' ? { number: pr.number } : {}), pull_request: await this.pullPayload(repo, pr), ...extra },
      actor,
      sha,
      ref: `refs/pull/${pr.number}/merge`,
      changedFiles: files,
      // Closed pull requests have no test merge; only open ones can be "dirty".
      ...(pr.issue.state === 'open' ? { mergeable: pr.testMergeSha !== undefined } : {}),
      ...(head ? { headCommitMessage: head.message } : {}),
    });
  }

  /** The issue-side event for an issue or a pull request (issues.* vs pull_request.*). */
  async emitIssueEvent(repo: RepoRecord, issue: IssueRecord, action: string, actor: Actor, extra: Record<string, unknown> = {}): Promise<void> {
    const pr = issue.isPull ? repo.pulls.get(issue.number) : undefined;
    if (pr) {
      await this.emitPull(repo, pr, 'pull_request', action, actor, extra);
      return;
    }
    this.emit(repo, { name: 'issues', action, payload: { issue: issueJson(this.links, repo, issue), ...extra }, actor, sha: await this.defaultHead(repo), ref: `refs/heads/${repo.defaultBranch}` });
  }

  reviewPayload(repo: RepoRecord, pr: PullRecord, reviewId: number): Record<string, unknown> {
    const v = pr.reviews.find((x) => x.id === reviewId);
    return v ? reviewJson(this.links, repo, pr, v) : {};
  }

  // ---- protection ------------------------------------------------------------------------

  commitChecks(repo: RepoRecord, sha: string): CommitChecks {
    return {
      checkRuns: repo.checkRuns.filter((c) => c.headSha === sha).map((c) => ({ name: c.name, status: c.status, conclusion: c.conclusion })),
      statuses: repo.statuses.filter((s) => s.sha === sha).map((s) => ({ context: s.context, state: s.state })),
    };
  }

  /** GitHub's verdict on moving `ref` from `before` to `after` outside a pull request merge. */
  async pushViolations(repo: RepoRecord, actor: Actor, u: RefUpdate, env?: Record<string, string>): Promise<Violation[]> {
    const branch = Core.branchOf(u.ref);
    const rule = branch ? repo.protections.get(branch) : undefined;
    if (!rule) return [];
    const deleted = u.after === ZERO_SHA;
    const forced = u.before !== ZERO_SHA && !deleted && !(await repo.git.isAncestor(u.before, u.after, env));
    return evaluatePush(rule, { actor: this.protectionActor(actor), checks: this.commitChecks(repo, u.after), forced, deleted });
  }

  // ---- after refs move --------------------------------------------------------------------

  /**
   * Everything GitHub does once refs have moved, whichever door moved them: `create` and
   * `push` events, pull requests on the branch synchronized (stale approvals dismissed
   * where the rule says so), test merges of pull requests into it refreshed.
   */
  async afterRefUpdates(repo: RepoRecord, actor: Actor, updates: readonly RefUpdate[]): Promise<void> {
    repo.pushedAt = this.now();
    for (const u of updates) {
      if (u.ref.startsWith('refs/pull/')) continue;
      const branch = Core.branchOf(u.ref);
      const tag = u.ref.startsWith('refs/tags/') ? u.ref.slice('refs/tags/'.length) : undefined;
      if (u.before === ZERO_SHA && (branch || tag)) {
        this.emit(repo, { name: 'create', payload: { ref: branch ?? tag, ref_type: branch ? 'branch' : 'tag', master_branch: repo.defaultBranch, description: repo.description, pusher_type: 'user' }, actor, sha: u.after, ref: u.ref });
      }
      if (u.after === ZERO_SHA && (branch || tag)) {
        this.emit(repo, { name: 'delete', payload: { ref: branch ?? tag, ref_type: branch ? 'branch' : 'tag', pusher_type: 'user' }, actor, sha: await this.defaultHead(repo), ref: `refs/heads/${repo.defaultBranch}` });
      }
      const push = await this.pushPayload(repo, actor, u);
      this.emit(repo, { name: 'push', payload: push.payload, actor, sha: u.after === ZERO_SHA ? u.before : u.after, ref: u.ref, changedFiles: push.changedFiles, ...(push.headMessage !== undefined ? { headCommitMessage: push.headMessage } : {}) });
      if (!branch) continue;
      for (const pr of repo.pulls.values()) {
        if (pr.issue.state !== 'open') continue;
        if (pr.headRef === branch && u.after !== ZERO_SHA && pr.headSha !== u.after) {
          const before = pr.headSha;
          pr.headSha = u.after;
          pr.issue.updatedAt = this.now();
          await this.refreshPull(repo, pr);
          const rule = repo.protections.get(pr.baseRef);
          if (rule?.requiredReviews?.dismissStale) {
            for (const v of pr.reviews.filter((x) => x.state === 'APPROVED' && x.commitId !== u.after)) {
              v.state = 'DISMISSED';
              await this.emitPull(repo, pr, 'pull_request_review', 'dismissed', { login: ACTIONS_BOT, workflowToken: false }, { review: this.reviewPayload(repo, pr, v.id) });
            }
          }
          await this.emitPull(repo, pr, 'pull_request', 'synchronize', actor, { before, after: u.after });
        } else if (pr.baseRef === branch) {
          await this.refreshPull(repo, pr);
        }
      }
    }
  }

  private async pushPayload(repo: RepoRecord, actor: Actor, u: RefUpdate): Promise<{ payload: Record<string, unknown>; changedFiles: string[]; headMessage?: string }> {
    const web = `${this.links.web}/${repo.owner}/${repo.name}`;
    const deleted = u.after === ZERO_SHA;
    const created = u.before === ZERO_SHA;
    const defaultHead = await repo.git.branchHead(repo.defaultBranch);
    const onDefault = u.ref === `refs/heads/${repo.defaultBranch}`;
    let shas: string[] = [];
    let changed: string[] = [];
    if (!deleted) {
      const exclude = created ? (defaultHead && !onDefault ? [defaultHead] : []) : [u.before];
      shas = (await repo.git.commitsBetween(u.after, exclude)).slice(-2048);
      // A new branch is compared with the default branch it grew from; an update with its previous head.
      const from = created ? (defaultHead && !onDefault ? await repo.git.mergeBase(defaultHead, u.after) : undefined) : u.before;
      changed = (await repo.git.changedFiles(from, u.after)).flatMap((f) => (f.previousFilename ? [f.previousFilename, f.filename] : [f.filename]));
    }
    const commits = [];
    for (const sha of shas) {
      const c = await repo.git.commitInfo(sha);
      if (!c) continue;
      const files = await repo.git.changedFiles(c.parents[0], sha);
      const who = (p: Person): Record<string, unknown> => ({ name: p.name, email: p.email, ...(this.loginForEmail(p.email) ? { username: this.loginForEmail(p.email) } : {}) });
      commits.push({
        id: sha,
        tree_id: c.tree,
        distinct: true,
        message: c.message.replace(/\n$/, ''),
        timestamp: new Date(c.committer.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        url: `${web}/commit/${sha}`,
        author: who(c.author),
        committer: who(c.committer),
        added: files.filter((f) => f.status === 'added' || f.status === 'renamed').map((f) => f.filename),
        removed: files.filter((f) => f.status === 'removed').map((f) => f.filename).concat(files.filter((f) => f.status === 'renamed').map((f) => f.previousFilename as string)),
        modified: files.filter((f) => f.status === 'modified').map((f) => f.filename),
      });
    }
    const head = commits.at(-1);
    const pusher = this.user(actor.login);
    return {
      payload: {
        ref: u.ref,
        before: u.before,
        after: u.after,
        created,
        deleted,
        forced: !created && !deleted && !(await repo.git.isAncestor(u.before, u.after)),
        base_ref: null,
        compare: `${web}/compare/${u.before.slice(0, 12)}...${u.after.slice(0, 12)}`,
        commits,
        head_commit: head ?? null,
        pusher: { name: pusher.login, email: this.gitPerson(pusher.login).email },
      },
      changedFiles: [...new Set(changed)],
      ...(head ? { headMessage: String(head.message) } : {}),
    };
  }

  // ---- environments ------------------------------------------------------------------------

  ensureEnvironment(repo: RepoRecord, name: string, createdBy: EnvironmentRecord['createdBy']): EnvironmentRecord {
    const key = name.toLowerCase();
    let env = repo.environments.get(key);
    if (!env) {
      const now = this.now();
      env = { id: this.id(), name, reviewers: [], waitTimer: 0, preventSelfReview: false, deploymentBranchPolicy: null, createdAt: now, updatedAt: now, createdBy };
      repo.environments.set(key, env);
    }
    return env;
  }

  isEnvironmentReviewer(env: EnvironmentRecord, login: string): boolean {
    return env.reviewers.some((r) => (r.type === 'User' ? r.name === login : (this.teams.get(r.name)?.members ?? []).includes(login)));
  }

  /** Resolves when the environment's rules let the job run (see RunnerFacingGitHub.environmentGate). */
  environmentGate(req: EnvironmentGateRequest): Promise<EnvironmentGateResult> {
    const repo = this.requireRepo(req.owner, req.repo);
    const env = this.ensureEnvironment(repo, req.environment, 'workflow');
    const branch = req.ref.replace(/^refs\/heads\//, '');
    if (env.deploymentBranchPolicy?.protectedBranches && !repo.protections.has(branch)) {
      // The job log's wording on GitHub (UNCONFIRMED beyond memory of real runs).
      return Promise.resolve({ state: 'rejected', by: 'deployment branch policy', comment: `Branch "${branch}" is not allowed to deploy to ${env.name} due to environment protection rules.` });
    }
    if (env.reviewers.length === 0) return Promise.resolve({ state: 'approved', by: [] });
    return new Promise((resolve) => {
      const pending: PendingDeploymentRecord = { runId: req.runId, job: req.job, environment: env.name, ref: req.ref, createdAt: this.now(), state: 'waiting', reviews: [], settle: resolve, ...(req.actor ? { actor: req.actor } : {}) };
      repo.pendingDeployments.push(pending);
    });
  }

  /** A reviewer's decision on the run's waiting jobs for the environments; GitHub needs one approval. */
  reviewDeployments(repo: RepoRecord, runId: number, environments: readonly string[], state: 'approved' | 'rejected', login: string, comment: string): PendingDeploymentRecord[] {
    const decided: PendingDeploymentRecord[] = [];
    for (const name of environments) {
      const env = repo.environments.get(name.toLowerCase());
      const waiting = repo.pendingDeployments.filter((p) => p.runId === runId && p.environment.toLowerCase() === name.toLowerCase() && p.state === 'waiting');
      if (!env || waiting.length === 0) throw ghError('GH_NO_PENDING_DEPLOYMENT');
      if (!this.isEnvironmentReviewer(env, login)) throw ghError('GH_NOT_A_REVIEWER', { login, environment: env.name });
      if (env.preventSelfReview && waiting.some((p) => p.actor === login)) throw ghError('GH_SELF_REVIEW_PREVENTED', { login, environment: env.name });
      for (const p of waiting) {
        p.reviews.push({ login, state, comment, at: this.now() });
        p.state = state;
        p.settle?.(state === 'approved' ? { state: 'approved', by: [login] } : { state: 'rejected', by: login, ...(comment ? { comment } : {}) });
        delete p.settle;
        decided.push(p);
      }
    }
    return decided;
  }
}
