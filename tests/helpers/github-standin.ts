import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { matchRoute, validateBody } from '../../rehearsal/github/openapi.js';

/**
 * A stateful stand-in for the parts of the GitHub REST API the actions use, served over
 * real HTTP on loopback. Every request is matched against GitHub's own OpenAPI
 * description (@octokit/openapi): an unknown route, or a body that does not validate
 * against the operation's schema, is answered with an error AND recorded in `problems`,
 * which tests assert is empty. Operations the stand-in does not implement are recorded
 * too, so a test cannot pass on a call that was silently ignored.
 */

type Json = Record<string, unknown>;



export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string;
  params: Record<string, string>;
  body: unknown;
}

export interface Review {
  id: number;
  user: { login: string; type: string };
  state: string;
  commit_id: string;
  submitted_at: string;
  body: string | null;
}

export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  started_at: string;
}

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}

export interface Pull {
  number: number;
  head: { sha: string; ref: string };
  base: { ref: string };
  state: string;
  title: string;
}

export interface ReleaseAsset {
  id: number;
  name: string;
  content_type: string;
  size: number;
  data: Buffer;
}

export interface Release {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft?: boolean;
  assets?: ReleaseAsset[];
}

/** Where release assets are uploaded: GitHub's `uploads.github.com`, GHES' `/api/uploads`; here `<base>/uploads`. */
const UPLOADS = '/uploads';

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly problems: string[] = [];
  readonly pulls = new Map<number, Pull>();
  readonly reviews = new Map<number, Review[]>();
  readonly checkRuns: CheckRun[] = [];
  readonly statuses: { sha: string; state: string; context: string; description?: string }[] = [];
  readonly comments = new Map<number, Comment[]>();
  readonly teams = new Map<string, string[]>();
  /** Labels per issue or PR number. */
  readonly labels = new Map<number, string[]>();
  defaultBranch = 'main';
  /** Branch name → head commit sha. */
  readonly refs = new Map<string, string>([['main', '1'.repeat(40)]]);
  /** `branch:path` → file content (utf8) and blob sha. */
  readonly files = new Map<string, { content: string; sha: string }>();
  /** Commits made through the contents API or pushCommit, newest last. */
  readonly commits: { branch: string; path: string; message: string; sha: string; parent: string; author: string; files: string[] }[] = [];
  private fakeSha(): string {
    return this.id().toString(16).padStart(40, '0');
  }
  /** The login the token belongs to (the Actions bot). */
  botLogin = 'github-actions[bot]';
  /** Output (title, summary) of check runs created through the API, by id. */
  readonly checkOutputs = new Map<number, { title?: string; summary?: string }>();
  /** Releases created through the API; a published one (not a draft) is a tag. */
  readonly releases: Release[] = [];
  /** Branches under classic protection, with their required status checks: the contents API refuses the bot's writes there. */
  readonly protectedBranches = new Map<string, string[]>();
  /** Deployments and their statuses, created through the API. */
  readonly deployments: { id: number; ref: string; environment: string; payload: unknown; statuses: { state: string; description?: string; environment_url?: string }[] }[] = [];
  /** Workflow dispatches requested through the API. */
  readonly dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[] = [];
  /** Bodies of PRs opened through the API. */
  readonly pullBodies = new Map<number, string>();
  /** Changed files of a PR whose commits the test did not make through the stand-in. */
  readonly pullFiles = new Map<number, string[]>();
  /** The repository setting "Allow GitHub Actions to create and approve pull requests" (off in a new repository). */
  allowActionsPullRequests = true;
  private server?: Server;
  private base = '';
  private nextId = 1000;
  private clock = Date.parse('2026-11-26T10:00:00Z');

  constructor(
    readonly owner = 'acme',
    readonly repo = 'models',
  ) {}

  id(): number {
    return this.nextId++;
  }

  now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  addReview(pull: number, login: string, state: string, commitId: string): Review {
    const r: Review = { id: this.id(), user: { login, type: 'User' }, state, commit_id: commitId, submitted_at: this.now(), body: null };
    this.reviews.set(pull, [...(this.reviews.get(pull) ?? []), r]);
    return r;
  }

  addCheckRun(sha: string, name: string, conclusion: string | null, status = 'completed'): CheckRun {
    const c: CheckRun = { id: this.id(), name, head_sha: sha, status, conclusion, started_at: this.now() };
    this.checkRuns.push(c);
    return c;
  }

  /** A push to a branch by someone (a person, by default): moves the branch and any open PR on it. */
  pushCommit(branch: string, files: Record<string, string>, author = 'dev', message = 'change'): string {
    const parent = this.refs.get(branch) ?? '0'.repeat(40);
    for (const [path, content] of Object.entries(files)) this.files.set(`${branch}:${path}`, { content, sha: this.fakeSha() });
    return this.recordCommit(branch, Object.keys(files), message, parent, author);
  }

  private recordCommit(branch: string, files: string[], message: string, parent: string, author: string): string {
    const sha = this.fakeSha();
    this.refs.set(branch, sha);
    this.commits.push({ branch, path: files[0] ?? '', message, sha, parent, author, files });
    for (const pr of this.pulls.values()) if (pr.state === 'open' && pr.head.ref === branch) pr.head = { ...pr.head, sha };
    return sha;
  }

  private releaseJson(r: Release): Record<string, unknown> {
    const api = `${this.base}/repos/${this.owner}/${this.repo}`;
    return {
      id: r.id,
      url: `${api}/releases/${r.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/releases/${r.draft ? `untagged-${r.id}` : `tag/${r.tag_name}`}`,
      assets_url: `${api}/releases/${r.id}/assets`,
      upload_url: `${this.base}${UPLOADS}/repos/${this.owner}/${this.repo}/releases/${r.id}/assets{?name,label}`,
      tag_name: r.tag_name,
      target_commitish: r.target_commitish,
      name: r.name,
      body: r.body,
      draft: r.draft === true,
      prerelease: false,
      assets: (r.assets ?? []).map((a) => ({ id: a.id, name: a.name, content_type: a.content_type, size: a.size, state: 'uploaded', label: null })),
    };
  }

  /** The published releases: the ones that are tags. */
  private get tags(): Release[] {
    return this.releases.filter((r) => !r.draft);
  }

  private uploadAsset(p: Record<string, string>, q: URLSearchParams, data: Buffer, contentType: string): [number, unknown] {
    const r = this.releases.find((x) => x.id === Number(p.release_id));
    if (!r) return [404, { message: 'Not Found' }];
    const name = q.get('name');
    if (!name) return [422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' }] }];
    if ((r.assets ?? []).some((a) => a.name === name)) return [422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] }];
    const asset: ReleaseAsset = { id: this.id(), name, content_type: contentType, size: data.byteLength, data };
    r.assets = [...(r.assets ?? []), asset];
    return [201, { id: asset.id, name, content_type: contentType, size: asset.size, state: 'uploaded', label: null, browser_download_url: `https://github.com/${this.owner}/${this.repo}/releases/download/${r.tag_name}/${name}` }];
  }

  async start(): Promise<string> {
    matchRoute('GET', '/');
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.base;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // Release assets go to the uploads host (a release's upload_url), everything else to the API.
    const uploads = url.pathname.startsWith(`${UPLOADS}/`);
    const pathname = uploads ? url.pathname.slice(UPLOADS.length) : url.pathname;
    // GitHub's OpenAPI description, through the same router the local GitHub uses.
    const match = matchRoute(method, pathname);
    const op = match?.op;
    if (!op || uploads !== (op.operationId === 'repos/upload-release-asset')) {
      this.problems.push(`unknown route ${method} ${url.pathname}${op ? ` (${op.operationId} is served by ${uploads ? 'the API host' : 'the uploads host, at the release\'s upload_url'})` : ''}`);
      return send(404, { message: 'Not Found' });
    }
    const params = match?.params ?? {};
    if (uploads) {
      // The asset's bytes, as they are: GitHub wants a Content-Type and the name in the query.
      const raw = Buffer.concat(chunks);
      const type = req.headers['content-type'];
      if (!type || type.startsWith('application/json')) {
        this.problems.push(`repos/upload-release-asset: Content-Type ${type ?? '(none)'} (the asset's media type is required)`);
        return send(422, { message: 'Validation Failed' });
      }
      this.requests.push({ method, path: url.pathname, operationId: op.operationId, params: { ...params, name: url.searchParams.get('name') ?? '' }, body: { bytes: raw.byteLength, contentType: type } });
      const [status, out] = this.uploadAsset(params, url.searchParams, raw, type);
      return send(status, out);
    }
    let body: unknown;
    if (chunks.length > 0) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        this.problems.push(`${op.operationId}: body is not JSON`);
        return send(400, { message: 'Problems parsing JSON' });
      }
    }
    const invalid = validateBody(op, body);
    if (invalid) {
      this.problems.push(`${op.operationId}: invalid body ${JSON.stringify(body)}: ${invalid.text}`);
      return send(422, { message: 'Validation Failed', errors: invalid.errors });
    }
    this.requests.push({ method, path: url.pathname, operationId: op.operationId, params, body });
    const handler = this.handlers[op.operationId];
    if (!handler) {
      this.problems.push(`stand-in does not implement ${op.operationId} (${method} ${op.template})`);
      return send(501, { message: 'not implemented by the stand-in' });
    }
    const [status, out] = handler(params, (body ?? {}) as Json, url.searchParams);
    send(status, out);
  }

  /** One handler per GitHub operationId, answering with the fields the API documents. */
  private readonly handlers: Record<string, (p: Record<string, string>, body: Json, q: URLSearchParams) => [number, unknown]> = {
    'pulls/get': (p) => {
      const pull = this.pulls.get(Number(p.pull_number));
      return pull ? [200, { ...pull, id: pull.number, user: { login: 'author' } }] : [404, { message: 'Not Found' }];
    },
    'pulls/list-files': (p) => {
      const pull = this.pulls.get(Number(p.pull_number));
      if (!pull) return [404, { message: 'Not Found' }];
      // Files the PR's branch touched through the stand-in, plus those a test says it carries (a model spec by default).
      const touched = [...new Set(this.commits.filter((c) => c.branch === pull.head.ref).flatMap((c) => c.files))];
      const files = [...new Set([...(this.pullFiles.get(pull.number) ?? ['model/specs/sentiment.json']), ...touched])];
      return [200, files.map((filename) => ({ filename, status: 'modified', sha: '0'.repeat(40), additions: 1, deletions: 0, changes: 1, blob_url: '', raw_url: '', contents_url: '' }))];
    },
    'pulls/list-reviews': (p) => [200, this.reviews.get(Number(p.pull_number)) ?? []],
    'checks/list-for-ref': (p, _b, q) => {
      const runs = this.checkRuns.filter((c) => c.head_sha === p.ref && (!q.get('check_name') || c.name === q.get('check_name')));
      return [200, { total_count: runs.length, check_runs: runs }];
    },
    'repos/create-commit-status': (p, b) => {
      const s = { sha: p.sha as string, state: b.state as string, context: (b.context as string | undefined) ?? 'default', description: b.description as string | undefined };
      this.statuses.push(s);
      return [201, { id: this.id(), ...s, created_at: this.now() }];
    },
    'issues/list-comments': (p) => [200, this.comments.get(Number(p.issue_number)) ?? []],
    'issues/create-comment': (p, b) => {
      const c: Comment = { id: this.id(), body: b.body as string, user: { login: this.botLogin, type: 'Bot' }, created_at: this.now(), updated_at: this.now() };
      const n = Number(p.issue_number);
      this.comments.set(n, [...(this.comments.get(n) ?? []), c]);
      return [201, c];
    },
    'issues/update-comment': (p, b) => {
      for (const list of this.comments.values()) {
        const c = list.find((x) => x.id === Number(p.comment_id));
        if (c) {
          c.body = b.body as string;
          c.updated_at = this.now();
          return [200, c];
        }
      }
      return [404, { message: 'Not Found' }];
    },
    'issues/add-labels': (p, b) => {
      const n = Number(p.issue_number);
      const next = [...new Set([...(this.labels.get(n) ?? []), ...((b.labels as string[] | undefined) ?? [])])];
      this.labels.set(n, next);
      return [200, next.map((name) => ({ id: this.id(), name, color: 'ededed', default: false }))];
    },
    'issues/remove-label': (p) => {
      const n = Number(p.issue_number);
      const current = this.labels.get(n) ?? [];
      if (!current.includes(p.name as string)) return [404, { message: 'Label does not exist' }];
      this.labels.set(n, current.filter((l) => l !== p.name));
      return [200, (this.labels.get(n) ?? []).map((name) => ({ id: this.id(), name }))];
    },
    'checks/create': (_p, b) => {
      const c = this.addCheckRun(b.head_sha as string, b.name as string, (b.conclusion as string | undefined) ?? null, (b.status as string | undefined) ?? 'queued');
      this.checkOutputs.set(c.id, (b.output as { title?: string; summary?: string } | undefined) ?? {});
      return [201, { ...c, output: b.output ?? {} }];
    },
    'actions/create-workflow-dispatch': (p, b) => {
      this.dispatches.push({ workflow: p.workflow_id as string, ref: b.ref as string, inputs: (b.inputs as Record<string, string> | undefined) ?? {} });
      return [204, ''];
    },
    'repos/list-tags': () => [200, this.tags.map((r) => ({ name: r.tag_name, commit: { sha: this.refs.get(r.target_commitish) ?? r.target_commitish } }))],
    'repos/create-release': (_p, b) => {
      if (this.releases.some((r) => r.tag_name === b.tag_name && !r.draft)) return [422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] }];
      const r: Release = { id: this.id(), tag_name: b.tag_name as string, target_commitish: (b.target_commitish as string | undefined) ?? this.defaultBranch, name: (b.name as string | undefined) ?? null, body: (b.body as string | undefined) ?? null, draft: b.draft === true, assets: [] };
      this.releases.push(r);
      return [201, this.releaseJson(r)];
    },
    'repos/update-release': (p, b) => {
      const r = this.releases.find((x) => x.id === Number(p.release_id));
      if (!r) return [404, { message: 'Not Found' }];
      // Publishing a draft makes its tag; a published release with that tag already exists → 422.
      if (r.draft && b.draft === false && this.tags.some((x) => x.tag_name === r.tag_name)) return [422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] }];
      if (typeof b.draft === 'boolean') r.draft = b.draft;
      if (typeof b.name === 'string') r.name = b.name;
      if (typeof b.body === 'string') r.body = b.body;
      return [200, this.releaseJson(r)];
    },
    'repos/list-releases': () => [200, [...this.releases].reverse().map((r) => this.releaseJson(r))],
    'repos/create-deployment': (_p, b) => {
      const d = { id: this.id(), ref: b.ref as string, environment: (b.environment as string | undefined) ?? 'production', payload: b.payload ?? {}, statuses: [] };
      this.deployments.push(d);
      return [201, { id: d.id, sha: d.ref, ref: d.ref, task: 'deploy', environment: d.environment, payload: d.payload, description: b.description ?? null, created_at: this.now() }];
    },
    'repos/create-deployment-status': (p, b) => {
      const d = this.deployments.find((x) => x.id === Number(p.deployment_id));
      if (!d) return [404, { message: 'Not Found' }];
      const st = { state: b.state as string, ...(b.description !== undefined ? { description: b.description as string } : {}), ...(b.environment_url !== undefined ? { environment_url: b.environment_url as string } : {}) };
      d.statuses.push(st);
      return [201, { id: this.id(), ...st, created_at: this.now() }];
    },
    'repos/get': (p) => [200, { id: 1, name: p.repo, full_name: `${p.owner}/${p.repo}`, default_branch: this.defaultBranch, private: false }],
    'git/get-ref': (p) => {
      const ref = p.ref as string;
      if (ref.startsWith('tags/')) {
        const rel = this.tags.find((r) => r.tag_name === ref.slice(5));
        const sha = rel ? (this.refs.get(rel.target_commitish) ?? rel.target_commitish) : undefined;
        return sha ? [200, { ref: `refs/${ref}`, object: { sha, type: 'commit' } }] : [404, { message: 'Not Found' }];
      }
      const branch = ref.replace(/^heads\//, '');
      const sha = this.refs.get(branch);
      return sha ? [200, { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } }] : [404, { message: 'Not Found' }];
    },
    'git/create-ref': (_p, b) => {
      const branch = (b.ref as string).replace(/^refs\/heads\//, '');
      if (this.refs.has(branch)) return [422, { message: 'Reference already exists' }];
      // The new branch has the files of the branch (or commit) it starts at.
      const from = [...this.refs.entries()].find(([, sha]) => sha === b.sha)?.[0] ?? (b.sha as string);
      for (const [key, f] of [...this.files.entries()]) if (key.startsWith(`${from}:`)) this.files.set(`${branch}:${key.slice(from.length + 1)}`, { ...f });
      this.refs.set(branch, b.sha as string);
      return [201, { ref: b.ref, object: { sha: b.sha, type: 'commit' } }];
    },
    'repos/get-content': (p, _b, q) => {
      const f = this.files.get(`${q.get('ref') ?? this.defaultBranch}:${p.path}`);
      return f ? [200, { type: 'file', path: p.path, sha: f.sha, encoding: 'base64', content: Buffer.from(f.content).toString('base64') }] : [404, { message: 'Not Found' }];
    },
    'repos/create-or-update-file-contents': (p, b) => {
      const branch = (b.branch as string | undefined) ?? this.defaultBranch;
      if (!this.refs.has(branch)) return [404, { message: `Branch ${branch} not found` }];
      const required = this.protectedBranches.get(branch);
      // Classic protection has no bypass for GITHUB_TOKEN (the contents API's 409 and sentence).
      if (required) return [409, { message: `Could not update file: ${required.length === 1 ? `Required status check "${required[0] ?? ''}" is expected.` : `${required.length} of ${required.length} required status checks are expected.`}`, documentation_url: 'https://docs.github.com/articles/about-protected-branches' }];
      const key = `${branch}:${p.path}`;
      const existing = this.files.get(key);
      if (existing && b.sha !== existing.sha) return [409, { message: `${p.path} does not match ${String(b.sha)}` }];
      if (!existing && b.sha !== undefined) return [422, { message: 'sha given for a new file' }];
      const sha = this.fakeSha();
      this.files.set(key, { content: Buffer.from(b.content as string, 'base64').toString('utf8'), sha });
      const commit = this.recordCommit(branch, [p.path as string], b.message as string, this.refs.get(branch) as string, this.botLogin);
      return [existing ? 200 : 201, { content: { path: p.path, sha }, commit: { sha: commit, message: b.message } }];
    },
    'repos/get-commit': (p) => {
      // A sha a test set directly (not made through the API) stands for a person's push.
      const c = this.commits.find((x) => x.sha === p.ref) ?? (/^[0-9a-f]{40}$/.test(p.ref as string) ? { sha: p.ref as string, parent: '0'.repeat(40), author: 'dev', message: 'change', files: ['model/specs/x.json'] } : undefined);
      if (!c) return [422, { message: `No commit found for SHA: ${p.ref as string}` }];
      return [200, { sha: c.sha, parents: [{ sha: c.parent }], author: { login: c.author, type: c.author.endsWith('[bot]') ? 'Bot' : 'User' }, commit: { message: c.message }, files: c.files.map((filename) => ({ filename, status: 'modified' })) }];
    },
    'pulls/list': (_p, _b, q) => {
      const head = (q.get('head') ?? '').split(':').pop();
      const state = q.get('state') ?? 'open';
      return [200, [...this.pulls.values()].filter((pr) => (!head || pr.head.ref === head) && (state === 'all' || pr.state === state))];
    },
    'pulls/create': (_p, b) => {
      if (!this.allowActionsPullRequests) return [403, { message: 'GitHub Actions is not permitted to create or approve pull requests.', documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request', status: '403' }];
      const branch = b.head as string;
      const sha = this.refs.get(branch);
      if (!sha) return [422, { message: `head ${branch} does not exist` }];
      const number = Math.max(0, ...this.pulls.keys(), ...this.labels.keys(), ...this.comments.keys()) + 1;
      const pr: Pull = { number, head: { sha, ref: branch }, base: { ref: b.base as string }, state: 'open', title: b.title as string };
      this.pulls.set(number, pr);
      this.pullBodies.set(number, (b.body as string | undefined) ?? '');
      return [201, { ...pr, id: number, body: b.body, user: { login: this.botLogin } }];
    },
    'teams/list-members-in-org': (p) => {
      const members = this.teams.get(`${p.org}/${p.team_slug}`);
      return members ? [200, members.map((login) => ({ login, type: 'User' }))] : [404, { message: 'Not Found' }];
    },
  };
}
