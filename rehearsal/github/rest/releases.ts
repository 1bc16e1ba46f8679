import { ghError, validationError } from '../errors.js';
import { ZERO_SHA } from '../git.js';
import type { AssetRecord, ReleaseRecord, RepoRecord } from '../model.js';
import { assetJson, releaseJson } from '../payloads.js';
import type { Call, Handler } from './context.js';
import { ok, paged, repoOf, str } from './context.js';

/** Releases (a new tag is a real git ref, with its push), assets and tags. */

function releaseOf(repo: RepoRecord, id: string | undefined): ReleaseRecord {
  const rel = repo.releases.find((r) => r.id === Number(id));
  if (!rel) throw ghError('GH_NOT_FOUND');
  return rel;
}

async function emitRelease(c: Call, repo: RepoRecord, rel: ReleaseRecord, action: string): Promise<void> {
  const sha = (await repo.git.resolveCommit(`refs/tags/${rel.tagName}`)) ?? (await c.core.defaultHead(repo));
  c.core.emit(repo, { name: 'release', action, payload: { release: releaseJson(c.core.links, repo, rel) }, actor: c.actor, sha, ref: `refs/tags/${rel.tagName}` });
}

/** Creates the tag a published release names, if it does not exist yet (GitHub tags target_commitish). */
async function ensureTag(c: Call, repo: RepoRecord, rel: ReleaseRecord): Promise<void> {
  const ref = `refs/tags/${rel.tagName}`;
  if (await repo.git.refSha(ref)) return;
  const sha = await c.core.resolveRef(repo, rel.targetCommitish);
  if (!sha) throw validationError([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
  await repo.git.updateRef(ref, sha, ZERO_SHA);
  await c.core.afterRefUpdates(repo, c.actor, [{ ref, before: ZERO_SHA, after: sha }]);
}

const createRelease: Handler = async (c) => {
  const repo = repoOf(c);
  const tagName = String(c.body.tag_name ?? '');
  if (repo.releases.some((r) => r.tagName === tagName)) throw ghError('GH_ALREADY_EXISTS', { resource: 'Release', field: 'tag_name' });
  const target = str(c.body.target_commitish) ?? repo.defaultBranch;
  if (!(await repo.git.refSha(`refs/tags/${tagName}`)) && !(await c.core.resolveRef(repo, target))) throw validationError([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
  const now = c.core.now();
  const draft = c.body.draft === true;
  const rel: ReleaseRecord = { id: c.core.id(), tagName, targetCommitish: target, name: str(c.body.name) ?? null, body: str(c.body.body) ?? null, draft, prerelease: c.body.prerelease === true, author: c.actor.login, createdAt: now, publishedAt: draft ? null : now, assets: [] };
  repo.releases.push(rel);
  if (!draft) await ensureTag(c, repo, rel);
  await emitRelease(c, repo, rel, 'created');
  if (!draft) {
    await emitRelease(c, repo, rel, 'published');
    if (!rel.prerelease) await emitRelease(c, repo, rel, 'released');
  }
  return ok(releaseJson(c.core.links, repo, rel), 201);
};

const updateRelease: Handler = async (c) => {
  const repo = repoOf(c);
  const rel = releaseOf(repo, c.params.release_id);
  const wasDraft = rel.draft;
  if (typeof c.body.name === 'string') rel.name = c.body.name;
  if (typeof c.body.body === 'string') rel.body = c.body.body;
  if (typeof c.body.tag_name === 'string') rel.tagName = c.body.tag_name;
  if (typeof c.body.target_commitish === 'string') rel.targetCommitish = c.body.target_commitish;
  if (typeof c.body.prerelease === 'boolean') rel.prerelease = c.body.prerelease;
  if (typeof c.body.draft === 'boolean') rel.draft = c.body.draft;
  if (wasDraft && !rel.draft) {
    rel.publishedAt = c.core.now();
    await ensureTag(c, repo, rel);
    await emitRelease(c, repo, rel, 'published');
  } else await emitRelease(c, repo, rel, 'edited');
  return ok(releaseJson(c.core.links, repo, rel));
};

const byTag: Handler = (c) => {
  const repo = repoOf(c);
  const rel = repo.releases.find((r) => r.tagName === c.params.tag && !r.draft);
  if (!rel) throw ghError('GH_NOT_FOUND');
  return ok(releaseJson(c.core.links, repo, rel));
};

const getRelease: Handler = (c) => {
  const repo = repoOf(c);
  return ok(releaseJson(c.core.links, repo, releaseOf(repo, c.params.release_id)));
};

const listReleases: Handler = (c) => {
  const repo = repoOf(c);
  return paged(
    c,
    [...repo.releases].reverse().map((r) => releaseJson(c.core.links, repo, r)),
  );
};

const latestRelease: Handler = (c) => {
  const repo = repoOf(c);
  const rel = [...repo.releases].reverse().find((r) => !r.draft && !r.prerelease);
  if (!rel) throw ghError('GH_NOT_FOUND');
  return ok(releaseJson(c.core.links, repo, rel));
};

const uploadAsset: Handler = (c) => {
  const repo = repoOf(c);
  const rel = releaseOf(repo, c.params.release_id);
  const name = c.query.get('name');
  if (!name) throw ghError('GH_VALIDATION', {}, ['name is required']);
  if (rel.assets.some((a) => a.name === name)) throw ghError('GH_ALREADY_EXISTS', { resource: 'ReleaseAsset', field: 'name' });
  const asset: AssetRecord = { id: c.core.id(), name, label: c.query.get('label'), contentType: String(c.headers['content-type'] ?? 'application/octet-stream'), data: c.raw, uploader: c.actor.login, createdAt: c.core.now() };
  rel.assets.push(asset);
  return ok(assetJson(c.core.links, repo, rel, asset), 201);
};

const listAssets: Handler = (c) => {
  const repo = repoOf(c);
  const rel = releaseOf(repo, c.params.release_id);
  return paged(
    c,
    rel.assets.map((a) => assetJson(c.core.links, repo, rel, a)),
  );
};

const getAsset: Handler = (c) => {
  const repo = repoOf(c);
  for (const rel of repo.releases) {
    const asset = rel.assets.find((a) => a.id === Number(c.params.asset_id));
    if (!asset) continue;
    // GitHub redirects octet-stream requests to storage; serving the bytes directly is what the client ends with.
    if (String(c.headers.accept ?? '').includes('application/octet-stream')) return { status: 200, raw: asset.data, headers: { 'content-type': asset.contentType } };
    return ok(assetJson(c.core.links, repo, rel, asset));
  }
  throw ghError('GH_NOT_FOUND');
};

const deleteAsset: Handler = (c) => {
  const repo = repoOf(c);
  for (const rel of repo.releases) {
    const i = rel.assets.findIndex((a) => a.id === Number(c.params.asset_id));
    if (i < 0) continue;
    rel.assets.splice(i, 1);
    return { status: 204 };
  }
  throw ghError('GH_NOT_FOUND');
};

/** Version-aware, newest first: the order in which `repos/list-tags` is read in practice. */
const byVersionDesc = (a: string, b: string): number => b.localeCompare(a, 'en', { numeric: true });

const listTags: Handler = async (c) => {
  const repo = repoOf(c);
  const tags = (await repo.git.refs('refs/tags/')).map((t) => t.ref.slice('refs/tags/'.length)).sort(byVersionDesc);
  const api = `${c.core.links.api}/repos/${repo.owner}/${repo.name}`;
  const out = [];
  for (const name of tags) {
    const sha = (await repo.git.resolveCommit(`refs/tags/${name}`)) ?? '';
    out.push({ name, commit: { sha, url: `${api}/commits/${sha}` }, zipball_url: `${api}/zipball/refs/tags/${name}`, tarball_url: `${api}/tarball/refs/tags/${name}`, node_id: `TAG_${name}` });
  }
  return paged(c, out);
};

export const releaseHandlers: Record<string, Handler> = {
  'repos/create-release': createRelease,
  'repos/update-release': updateRelease,
  'repos/get-release-by-tag': byTag,
  'repos/get-release': getRelease,
  'repos/list-releases': listReleases,
  'repos/get-latest-release': latestRelease,
  'repos/upload-release-asset': uploadAsset,
  'repos/list-release-assets': listAssets,
  'repos/get-release-asset': getAsset,
  'repos/delete-release-asset': deleteAsset,
  'repos/list-tags': listTags,
};
