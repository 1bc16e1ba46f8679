import { Core } from '../core.js';
import { ghError } from '../errors.js';
import { ZERO_SHA } from '../git.js';
import type { TreeEntry } from '../git.js';
import type { RepoRecord } from '../model.js';
import { commitJson, isoSeconds, userJson } from '../payloads.js';
import { contentsRefusal, protectionToResponse } from '../protection.js';
import type { Call, Handler, Reply } from './context.js';
import { ok, paged, repoOf, str } from './context.js';

/** Files, commits, refs and branches: all read from and written to the bare repository. */

const base64Wrapped = (b: Buffer): string => (b.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n';

function contentEntry(c: Call, repo: RepoRecord, e: TreeEntry, ref: string, withContent?: Buffer): Record<string, unknown> {
  const api = `${c.core.links.api}/repos/${repo.owner}/${repo.name}`;
  const web = `${c.core.links.web}/${repo.owner}/${repo.name}`;
  const type = e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : e.mode === '120000' ? 'symlink' : 'file';
  const self = `${api}/contents/${e.path}?ref=${encodeURIComponent(ref)}`;
  const html = `${web}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${e.path}`;
  const git = `${api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${e.sha}`;
  return {
    type,
    ...(withContent ? { encoding: 'base64', content: base64Wrapped(withContent) } : {}),
    size: e.size,
    name: e.path.split('/').pop() ?? e.path,
    path: e.path,
    sha: e.sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === 'file' ? `${web}/raw/${ref}/${e.path}` : null,
    _links: { self, git, html },
  };
}

/** The ref a read names (default branch when none), resolved to a commit; GitHub's 404 otherwise. */
async function readRef(c: Call, repo: RepoRecord): Promise<{ ref: string; sha: string }> {
  const ref = c.query.get('ref') ?? repo.defaultBranch;
  const sha = await c.core.resolveRef(repo, ref);
  if (!sha) throw ghError('GH_NOT_FOUND');
  return { ref, sha };
}

const getContent: Handler = async (c) => {
  const repo = repoOf(c);
  const { ref, sha } = await readRef(c, repo);
  const path = (c.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const entry = await repo.git.entry(sha, path);
  if (!entry) throw ghError('GH_NOT_FOUND');
  if (entry.type === 'tree') {
    const entries = await repo.git.listTree(sha, path);
    return ok(entries.map((e) => contentEntry(c, repo, e, ref)));
  }
  const data = await repo.git.readBlob(entry.sha);
  const accept = String(c.headers.accept ?? '');
  if (/\.raw\b|raw\+json|vnd\.github\.raw/.test(accept)) return { status: 200, raw: data, headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
  return ok(contentEntry(c, repo, entry, ref, data));
};

/** A file write (create, update or delete) on a branch through the contents API, with GitHub's checks. */
async function writeFile(c: Call, change: 'put' | 'delete'): Promise<Reply> {
  const repo = repoOf(c);
  const path = (c.params.path ?? '').replace(/^\/+/, '');
  const branch = str(c.body.branch) ?? repo.defaultBranch;
  return c.core.withLock(repo, async () => {
    const before = await repo.git.branchHead(branch);
    // An empty repository takes its first commit on the default branch through this endpoint.
    if (!before && !(branch === repo.defaultBranch && (await repo.git.refs('refs/heads/')).length === 0)) throw ghError('GH_BRANCH_NOT_FOUND', { branch });
    const existing = before ? await repo.git.entry(before, path) : undefined;
    const sha = str(c.body.sha);
    if (existing && existing.type === 'blob') {
      if (sha === undefined) throw ghError('GH_SHA_MISSING');
      if (sha !== existing.sha) throw ghError('GH_SHA_MISMATCH', { path, sha });
    } else if (change === 'delete') throw ghError('GH_NOT_FOUND');
    const who = (v: unknown): { name: string; email: string } | undefined => {
      const o = v as { name?: string; email?: string } | undefined;
      return o?.name && o.email ? { name: o.name, email: o.email } : undefined;
    };
    const identity = c.core.gitPerson(c.actor.login);
    const author = { ...identity, ...(who(c.body.author) ?? who(c.body.committer) ?? {}) };
    const content = change === 'put' ? Buffer.from(String(c.body.content ?? ''), 'base64') : null;
    const commit = await c.core.commit(repo, { parent: before, changes: new Map([[path, content]]), message: String(c.body.message ?? ''), author: c.actor.login, authorPerson: author, ...(existing ? { modes: new Map([[path, existing.mode]]) } : {}) });
    const update = { ref: `refs/heads/${branch}`, before: before ?? ZERO_SHA, after: commit };
    const violations = await c.core.pushViolations(repo, c.actor, update);
    if (violations.length) throw ghError('GH_CONTENTS_PROTECTED', { reason: contentsRefusal(violations) });
    if (!(await repo.git.updateRef(update.ref, commit, update.before))) throw ghError('GH_REF_CHANGED', { ref: update.ref });
    await c.core.afterRefUpdates(repo, c.actor, [update]);
    const info = await repo.git.commitInfo(commit);
    const entry = content ? await repo.git.entry(commit, path) : undefined;
    const commitBody = info ? commitJson(c.core.links, repo, info, undefined, (e) => c.core.loginForEmail(e)) : {};
    const gitCommit = info
      ? {
          sha: commit,
          node_id: `C_${commit}`,
          url: `${c.core.links.api}/repos/${repo.owner}/${repo.name}/git/commits/${commit}`,
          html_url: `${c.core.links.web}/${repo.owner}/${repo.name}/commit/${commit}`,
          author: { name: info.author.name, email: info.author.email, date: isoSeconds(info.author.time) },
          committer: { name: info.committer.name, email: info.committer.email, date: isoSeconds(info.committer.time) },
          message: info.message.replace(/\n$/, ''),
          tree: (commitBody.commit as { tree: unknown }).tree,
          parents: commitBody.parents,
          verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
        }
      : {};
    return ok({ content: entry ? contentEntry(c, repo, entry, branch) : null, commit: gitCommit }, change === 'delete' ? 200 : existing ? 200 : 201);
  });
}

const getCommit: Handler = async (c) => {
  const repo = repoOf(c);
  const ref = c.params.ref ?? '';
  const sha = await c.core.resolveRef(repo, ref);
  if (!sha) throw ghError('GH_NO_COMMIT', { ref });
  const info = await repo.git.commitInfo(sha);
  if (!info) throw ghError('GH_NO_COMMIT', { ref });
  const files = await repo.git.changedFiles(info.parents[0], sha);
  return ok(commitJson(c.core.links, repo, info, files, (e) => c.core.loginForEmail(e)));
};

const listCommits: Handler = async (c) => {
  const repo = repoOf(c);
  const from = c.query.get('sha') ?? repo.defaultBranch;
  const sha = await c.core.resolveRef(repo, from);
  if (!sha) return ok([]);
  const path = c.query.get('path');
  const shas = (await repo.git.run(['rev-list', sha, ...(path ? ['--', path] : [])])).stdout.toString('utf8').split('\n').filter(Boolean);
  const out = [];
  for (const s of shas) {
    const info = await repo.git.commitInfo(s);
    if (info) out.push(commitJson(c.core.links, repo, info, undefined, (e) => c.core.loginForEmail(e)));
  }
  return paged(c, out);
};

const compare: Handler = async (c) => {
  const repo = repoOf(c);
  const spec = c.params.basehead ?? `${c.params.base ?? ''}...${c.params.head ?? ''}`;
  const [baseRef, headRef] = spec.split('...') as [string, string | undefined];
  const base = await c.core.resolveRef(repo, baseRef);
  const head = headRef !== undefined ? await c.core.resolveRef(repo, headRef) : undefined;
  if (!base || !head) throw ghError('GH_NOT_FOUND');
  const mb = await repo.git.mergeBase(base, head);
  const ahead = await repo.git.commitsBetween(head, [base]);
  const behind = await repo.git.commitsBetween(base, [head]);
  const files = await repo.git.changedFiles(mb, head);
  const login = (e: string): string | undefined => c.core.loginForEmail(e);
  const json = async (s: string): Promise<unknown> => {
    const info = await repo.git.commitInfo(s);
    return info ? commitJson(c.core.links, repo, info, undefined, login) : null;
  };
  return ok({
    url: `${c.core.links.api}/repos/${repo.owner}/${repo.name}/compare/${spec}`,
    html_url: `${c.core.links.web}/${repo.owner}/${repo.name}/compare/${spec}`,
    base_commit: await json(base),
    merge_base_commit: mb ? await json(mb) : null,
    status: ahead.length && behind.length ? 'diverged' : ahead.length ? 'ahead' : behind.length ? 'behind' : 'identical',
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits: await Promise.all(ahead.map(json)),
    files: files.map((f) => ({ sha: null, filename: f.filename, status: f.status, additions: 0, deletions: 0, changes: 0, ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}) })),
  });
};

function refJson(c: Call, repo: RepoRecord, ref: string, sha: string, type: string): Record<string, unknown> {
  const api = `${c.core.links.api}/repos/${repo.owner}/${repo.name}`;
  return { ref, node_id: `REF_${sha}`, url: `${api}/git/${ref}`, object: { sha, type, url: `${api}/git/${type}s/${sha}` } };
}

const getRef: Handler = async (c) => {
  const repo = repoOf(c);
  const ref = `refs/${(c.params.ref ?? '').replace(/^refs\//, '')}`;
  if (ref.startsWith('refs/pull/')) throw ghError('GH_NOT_FOUND');
  const found = (await repo.git.refs(ref)).find((r) => r.ref === ref);
  if (!found) throw ghError('GH_NOT_FOUND');
  return ok(refJson(c, repo, found.ref, found.sha, found.type));
};

const listMatchingRefs: Handler = async (c) => {
  const repo = repoOf(c);
  const prefix = `refs/${(c.params.ref ?? '').replace(/^refs\//, '')}`;
  const refs = (await repo.git.refs('refs/')).filter((r) => r.ref.startsWith(prefix) && !r.ref.startsWith('refs/pull/'));
  return ok(refs.map((r) => refJson(c, repo, r.ref, r.sha, r.type)));
};

const createRef: Handler = async (c) => {
  const repo = repoOf(c);
  const ref = String(c.body.ref ?? '');
  const sha = String(c.body.sha ?? '');
  // UNCONFIRMED wording: GitHub refuses names that are not fully qualified.
  if (!/^refs\/[^/]+\/.+/.test(ref)) throw ghError('GH_VALIDATION', {}, ['Reference name must start with \'refs/\' and have at least two slashes.']);
  if (ref.startsWith('refs/pull/')) throw ghError('GH_VALIDATION');
  return c.core.withLock(repo, async () => {
    const type = await repo.git.objectType(sha);
    if (!type) throw ghError('GH_REF_INVALID_SHA');
    if (await repo.git.refSha(ref)) throw ghError('GH_REF_EXISTS');
    const update = { ref, before: ZERO_SHA, after: sha };
    if (!(await repo.git.updateRef(ref, sha, ZERO_SHA))) throw ghError('GH_REF_EXISTS');
    await c.core.afterRefUpdates(repo, c.actor, [update]);
    return ok(refJson(c, repo, ref, sha, type), 201);
  });
};

const updateRef: Handler = async (c) => {
  const repo = repoOf(c);
  const ref = `refs/${(c.params.ref ?? '').replace(/^refs\//, '')}`;
  const sha = String(c.body.sha ?? '');
  return c.core.withLock(repo, async () => {
    const before = await repo.git.refSha(ref);
    if (!before) throw ghError('GH_VALIDATION', {}, ['Reference does not exist']);
    if (!(await repo.git.resolveCommit(sha))) throw ghError('GH_REF_INVALID_SHA');
    if (c.body.force !== true && !(await repo.git.isAncestor(before, sha))) throw ghError('GH_REF_NOT_FAST_FORWARD');
    const update = { ref, before, after: sha };
    const violations = await c.core.pushViolations(repo, c.actor, update);
    if (violations.length) throw ghError('GH_REF_PROTECTED', { reason: violations.map((v) => v.message).join(' ') });
    if (!(await repo.git.updateRef(ref, sha, before))) throw ghError('GH_REF_CHANGED', { ref });
    await c.core.afterRefUpdates(repo, c.actor, [update]);
    return ok(refJson(c, repo, ref, sha, 'commit'));
  });
};

const deleteRef: Handler = async (c) => {
  const repo = repoOf(c);
  const ref = `refs/${(c.params.ref ?? '').replace(/^refs\//, '')}`;
  return c.core.withLock(repo, async () => {
    const before = await repo.git.refSha(ref);
    if (!before) throw ghError('GH_VALIDATION', {}, ['Reference does not exist']);
    const update = { ref, before, after: ZERO_SHA };
    const violations = await c.core.pushViolations(repo, c.actor, update);
    if (violations.length) throw ghError('GH_REF_PROTECTED', { reason: violations.map((v) => v.message).join(' ') });
    await repo.git.deleteRef(ref);
    await c.core.afterRefUpdates(repo, c.actor, [update]);
    return { status: 204 };
  });
};

const gitCommit: Handler = async (c) => {
  const repo = repoOf(c);
  const info = await repo.git.commitInfo(c.params.commit_sha ?? '');
  if (!info) throw ghError('GH_NOT_FOUND');
  const body = commitJson(c.core.links, repo, info, undefined, (e) => c.core.loginForEmail(e));
  return ok({ sha: info.sha, node_id: body.node_id, url: `${c.core.links.api}/repos/${repo.owner}/${repo.name}/git/commits/${info.sha}`, html_url: body.html_url, ...(body.commit as Record<string, unknown>), parents: body.parents });
};

async function branchJson(c: Call, repo: RepoRecord, name: string, sha: string): Promise<Record<string, unknown>> {
  const info = await repo.git.commitInfo(sha);
  const api = `${c.core.links.api}/repos/${repo.owner}/${repo.name}`;
  const rule = repo.protections.get(name);
  return {
    name,
    commit: info ? commitJson(c.core.links, repo, info, undefined, (e) => c.core.loginForEmail(e)) : { sha },
    _links: { self: `${api}/branches/${name}`, html: `${c.core.links.web}/${repo.owner}/${repo.name}/tree/${name}` },
    protected: rule !== undefined,
    protection: rule ? protectionToResponse(rule, `${api}/branches/${name}/protection`, (l) => userJson(c.core.links, l)) : { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${name}/protection`,
  };
}

const getBranch: Handler = async (c) => {
  const repo = repoOf(c);
  const name = c.params.branch ?? '';
  const sha = await repo.git.branchHead(name);
  if (!sha) throw ghError('GH_BRANCH_NOT_FOUND', { branch: name });
  return ok(await branchJson(c, repo, name, sha));
};

const listBranches: Handler = async (c) => {
  const repo = repoOf(c);
  const refs = await repo.git.refs('refs/heads/');
  const out = refs.map((r) => {
    const name = Core.branchOf(r.ref) ?? r.ref;
    return { name, commit: { sha: r.sha, url: `${c.core.links.api}/repos/${repo.owner}/${repo.name}/commits/${r.sha}` }, protected: repo.protections.has(name) };
  });
  return paged(c, c.query.get('protected') === 'true' ? out.filter((b) => b.protected) : out);
};

export const contentHandlers: Record<string, Handler> = {
  'repos/get-content': getContent,
  'repos/create-or-update-file-contents': (c) => writeFile(c, 'put'),
  'repos/delete-file': (c) => writeFile(c, 'delete'),
  'repos/get-commit': getCommit,
  'repos/list-commits': listCommits,
  'repos/compare-commits': compare,
  'repos/compare-commits-with-basehead': compare,
  'git/get-ref': getRef,
  'git/list-matching-refs': listMatchingRefs,
  'git/create-ref': createRef,
  'git/update-ref': updateRef,
  'git/delete-ref': deleteRef,
  'git/get-commit': gitCommit,
  'repos/get-branch': getBranch,
  'repos/list-branches': listBranches,
};
