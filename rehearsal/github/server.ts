import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Core } from './core.js';
import { serveGitCgi } from './git-http.js';
import type { HookRequest } from './git-http.js';
import { authorize } from './permissions.js';
import type { Principal } from './permissions.js';
import { pushRefusalLines } from './protection.js';
import { handleRest, tokenFrom } from './rest/dispatch.js';

/**
 * URL layout (GitHub Enterprise Server's, so every client already knows it):
 *   /api/v3/…                               REST (GITHUB_API_URL)
 *   /api/uploads/repos/…/releases/ID/assets  release asset uploads (a release's upload_url)
 *   /<owner>/<repo>.git/…                    git smart HTTP (gitRemote)
 *   /<owner>/<repo>/releases/download/T/N    asset downloads (browser_download_url)
 *   /<owner>/<repo>/raw/<ref>/<path>         raw files (download_url)
 *   /_local/git-hook                         the repositories' hooks (not GitHub's; secret push ids)
 */

export const API_PREFIX = '/api/v3';
export const UPLOADS_PREFIX = '/api/uploads';
export const HOOK_PATH = '/_local/git-hook';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

export function requestHandler(core: Core): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(core, req, res).catch((err: unknown) => {
      core.problems.push(`server error on ${req.method ?? ''} ${req.url ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) text(res, 500, 'local GitHub error');
      else res.end();
    });
  };
}

async function route(core: Core, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const path = url.pathname;
  if (path.startsWith(`${API_PREFIX}/`) || path.startsWith(`${UPLOADS_PREFIX}/`)) {
    const below = path.slice(path.startsWith(API_PREFIX) ? API_PREFIX.length : UPLOADS_PREFIX.length);
    const answer = await handleRest(core, { method: req.method ?? 'GET', path: below, query: url.searchParams, headers: req.headers, body: await readBody(req) });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    return;
  }
  if (path === HOOK_PATH && req.method === 'POST') return hook(core, req, res);
  const git = /^\/([^/]+)\/([^/]+?)\.git(\/.*)$/.exec(path);
  if (git) return serveGit(core, req, res, git[1] as string, git[2] as string, git[3] as string, url);
  const download = /^\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/.exec(path);
  if (download) return serveDownload(core, req, res, download.slice(1).map((s) => decodeURIComponent(s)) as [string, string, string, string]);
  const raw = /^\/([^/]+)\/([^/]+)\/raw\/([^/]+)\/(.+)$/.exec(path);
  if (raw) return serveRaw(core, req, res, raw.slice(1).map((s) => decodeURIComponent(s)) as [string, string, string, string]);
  text(res, 404, 'Not Found');
}

function principalOf(core: Core, req: IncomingMessage): Principal | 'bad' {
  const token = tokenFrom(req.headers.authorization);
  if (token === undefined) return { kind: 'anonymous' };
  return core.principal(token) ?? 'bad';
}

const CHALLENGE = { 'www-authenticate': 'Basic realm="GitHub"' };

async function serveGit(core: Core, req: IncomingMessage, res: ServerResponse, owner: string, name: string, rest: string, url: URL): Promise<void> {
  const repo = core.repo(owner, name);
  const principal = principalOf(core, req);
  if (principal === 'bad') return text(res, 401, 'Invalid username or token. Password authentication is not supported for Git operations.', CHALLENGE);
  const service = rest === '/info/refs' ? url.searchParams.get('service') : rest.replace(/^\//, '');
  const write = service === 'git-receive-pack';
  const access = repo ? { owner: repo.owner, repo: repo.name, visibility: repo.visibility } : { owner, repo: name, visibility: 'private' as const };
  const decision = repo ? authorize(principal, [{ scope: 'contents', level: write ? 'write' : 'read' }], access) : { allowed: false as const, code: 'GH_NOT_FOUND' as const };
  if (!decision.allowed || !repo) {
    // Git asks for credentials only after a 401; an authenticated caller without access learns nothing more.
    if (principal.kind === 'anonymous') return text(res, 401, 'Authentication required', CHALLENGE);
    // A fetch without read access looks like a missing repository; a push without write access says so (as GitHub's git does).
    if (!repo || !write) return text(res, 404, 'Repository not found.');
    return text(res, 403, `Permission to ${owner}/${name}.git denied to ${core.actorOf(principal).login}.`);
  }
  const actor = core.actorOf(principal);
  const id = randomBytes(16).toString('hex');
  if (write) core.pushes.set(id, { repo, actor });
  try {
    await serveGitCgi(req, res, {
      projectRoot: join(core.dir, 'repos'),
      pathInfo: `/${repo.owner}/${repo.name}.git${rest}`,
      query: url.search.replace(/^\?/, ''),
      ...(principal.kind !== 'anonymous' ? { remoteUser: actor.login } : {}),
      hookEnv: write ? { LOCAL_GITHUB_HOOK_URL: core.hookUrl, LOCAL_GITHUB_PUSH_ID: id } : {},
    });
  } finally {
    core.pushes.delete(id);
  }
}

/** The repositories' pre-receive and post-receive hooks ask here; GitHub's verdict goes back as hook output. */
async function hook(core: Core, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (ok: boolean, lines: string[] = []): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok, lines }));
  };
  const h = JSON.parse((await readBody(req)).toString('utf8')) as HookRequest;
  const push = core.pushes.get(h.id);
  if (!push) return send(false, ['this push is not known to the local GitHub']);
  const updates = h.updates.map((u) => ({ ref: u.ref, before: u.oldSha, after: u.newSha }));
  if (h.phase === 'pre-receive') {
    const env = Object.fromEntries(Object.entries(h.env).filter(([, v]) => v !== ''));
    const lines: string[] = [];
    for (const u of updates) {
      // GitHub owns refs/pull/*: "deny updating a hidden ref".
      if (u.ref.startsWith('refs/pull/')) {
        lines.push(`deny updating a hidden ref: ${u.ref}`);
        continue;
      }
      const violations = await core.pushViolations(push.repo, push.actor, u, env);
      if (violations.length) lines.push(...pushRefusalLines(u.ref, violations));
    }
    return send(lines.length === 0, lines);
  }
  await core.afterRefUpdates(push.repo, push.actor, updates);
  send(true);
}

async function serveDownload(core: Core, req: IncomingMessage, res: ServerResponse, [owner, name, tag, file]: [string, string, string, string]): Promise<void> {
  const repo = core.repo(owner, name);
  const principal = principalOf(core, req);
  if (!repo || principal === 'bad' || !authorize(principal, [{ scope: 'contents', level: 'read' }], { owner: repo.owner, repo: repo.name, visibility: repo.visibility }).allowed) return text(res, 404, 'Not Found');
  const asset = repo.releases.find((r) => r.tagName === tag)?.assets.find((a) => a.name === file);
  if (!asset) return text(res, 404, 'Not Found');
  res.writeHead(200, { 'content-type': asset.contentType, 'content-length': String(asset.data.length) });
  res.end(asset.data);
}

async function serveRaw(core: Core, req: IncomingMessage, res: ServerResponse, [owner, name, ref, file]: [string, string, string, string]): Promise<void> {
  const repo = core.repo(owner, name);
  const principal = principalOf(core, req);
  if (!repo || principal === 'bad' || !authorize(principal, [{ scope: 'contents', level: 'read' }], { owner: repo.owner, repo: repo.name, visibility: repo.visibility }).allowed) return text(res, 404, 'Not Found');
  const sha = await core.resolveRef(repo, ref);
  const entry = sha ? await repo.git.entry(sha, file) : undefined;
  if (!entry || entry.type !== 'blob') return text(res, 404, 'Not Found');
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(await repo.git.readBlob(entry.sha));
}
