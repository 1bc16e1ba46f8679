import { createHash } from 'node:crypto';
import { GitopsMlError } from '../../../model/errors.js';
import type { GitHub, RepoRef } from './github.js';
import { planVersion, releaseNotes } from './versioning.js';
import type { Bump } from './versioning.js';

export interface PushEvent {
  before: string;
  after: string;
  commits?: { added?: string[]; modified?: string[] }[];
}

export interface PlannedRelease {
  model: string;
  specPath: string;
  version: string;
  previous?: string;
  bump: Bump;
  reasons: string[];
  tag: string;
}

/** Codes: E_RELEASE_SPEC (no spec to plan from), E_RELEASE_ASSETS (the package is incomplete), E_RELEASE_VERSION (the plan moved since the package was built). */
export class ReleaseError extends GitopsMlError {
  constructor(code: 'E_RELEASE_SPEC' | 'E_RELEASE_ASSETS' | 'E_RELEASE_VERSION', message: string) {
    super(code, message);
    this.name = 'ReleaseError';
  }
}

const SPEC = /^model\/specs\/[\w-]+\.json$/;

/** Spec files a push added or changed. */
export function changedSpecs(push: PushEvent): string[] {
  return [...new Set((push.commits ?? []).flatMap((c) => [...(c.added ?? []), ...(c.modified ?? [])]).filter((f) => SPEC.test(f)))].sort();
}

async function specAt(gh: GitHub, where: RepoRef, path: string, ref: string): Promise<Record<string, unknown> | undefined> {
  try {
    const { data } = await gh.rest.repos.getContent({ ...where, path, ref });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
    return JSON.parse(Buffer.from(data.content, 'base64').toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

async function listTags(gh: GitHub, where: RepoRef): Promise<{ name: string; sha: string }[]> {
  return (await gh.paginate(gh.rest.repos.listTags, { ...where, per_page: 100 })).map((t) => ({ name: t.name, sha: t.commit.sha }));
}

/**
 * The version a model PR's merge will release, decided exactly as the release on the push
 * to main decides it: the spec at the PR's base and at its head, and the model's latest
 * tag. The PR trains its artifact with this version, so the deploy can promote that very
 * artifact; if main moves in between (another release of the model), the deploy sees the
 * difference and refuses (see provenance.ts).
 */
export async function planForPullRequest(gh: GitHub, where: RepoRef, pr: { spec: string; base: string; head: string }): Promise<PlannedRelease> {
  if (!SPEC.test(pr.spec)) throw new ReleaseError('E_RELEASE_SPEC', `plan: "${pr.spec}" is not a model spec path (model/specs/<name>.json)`);
  const next = await specAt(gh, where, pr.spec, pr.head);
  if (!next) throw new ReleaseError('E_RELEASE_SPEC', `plan: ${pr.spec} does not exist at the PR's head ${pr.head.slice(0, 7)}: nothing to train`);
  const before = await specAt(gh, where, pr.spec, pr.base);
  const { released: _released, ...plan } = planVersion(before, next, await listTags(gh, where));
  return { ...plan, specPath: pr.spec };
}

/**
 * The release plan of a push to main: for each model whose spec the push changed, the
 * next semantic version from what changed and the model's latest tag. A model whose tag
 * already names the pushed commit was released by an earlier run of this push: same version.
 */
export async function planPush(gh: GitHub, where: RepoRef, push: PushEvent): Promise<(PlannedRelease & { released: boolean })[]> {
  const specs = changedSpecs(push);
  if (specs.length === 0) return [];
  const tags = await listTags(gh, where);
  const planned: (PlannedRelease & { released: boolean })[] = [];
  for (const specPath of specs) {
    const next = await specAt(gh, where, specPath, push.after);
    if (!next) continue; // deleted in a later commit of the same push
    const before = /^0+$/.test(push.before) ? undefined : await specAt(gh, where, specPath, push.before);
    planned.push({ ...planVersion(before, next, tags, push.after), specPath });
  }
  return planned;
}

const notesOf = (r: PlannedRelease, sha: string): string => releaseNotes({ model: r.model, version: r.version, ...(r.previous ? { previous: r.previous } : {}), bump: r.bump, reasons: r.reasons, sha });
const strip = ({ released: _released, ...r }: PlannedRelease & { released?: boolean }): PlannedRelease => r;

/**
 * The devops role's release step on a push to main, without assets: plans every changed
 * model and (unless dry-run) creates its GitHub release `<model>-v<version>` on the
 * pushed commit. deploy.yml runs it as a dry run (the `plan` job) and publishes with
 * {@link publishRelease} once the package exists.
 */
export async function planAndRelease(gh: GitHub, where: RepoRef, push: PushEvent, opts: { dryRun?: boolean } = {}): Promise<PlannedRelease[]> {
  const planned = await planPush(gh, where, push);
  if (!opts.dryRun) {
    for (const r of planned) if (!r.released) await gh.rest.repos.createRelease({ ...where, tag_name: r.tag, target_commitish: push.after, name: `${r.model} ${r.version}`, body: notesOf(r, push.after) });
  }
  return planned.map(strip);
}

export interface ReleaseAsset {
  name: string;
  contentType: string;
  data: Buffer;
}

/** The release's files, by name: the handoff package and the model card. */
export const packageAssetName = (model: string, version: string): string => `${model}-${version}.tar.gz`;
export const cardAssetName = (model: string, version: string): string => `${model}-${version}-MODEL_CARD.md`;
export const SUMS_ASSET = 'SHA256SUMS';

/** `sha256sum` output for the files, in byte order of their names (as `sha256sum *` lists them). */
export function sha256Sums(files: readonly { name: string; data: Uint8Array }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${createHash('sha256').update(f.data).digest('hex')}  ${f.name}\n`)
    .join('');
}

/**
 * What a release of `model` `version` carries, from the files the package job produced:
 * exactly the handoff package and the model card (each non-empty), plus their SHA256SUMS.
 * Anything missing or unexpected is refused before any release exists, so a failed or
 * partial package never leaves a release behind.
 */
export function releaseAssets(files: readonly { name: string; data: Buffer }[], model: string, version: string): ReleaseAsset[] {
  const wanted = [
    { name: packageAssetName(model, version), contentType: 'application/gzip' },
    { name: cardAssetName(model, version), contentType: 'text/markdown; charset=utf-8' },
  ];
  const problems: string[] = [];
  const assets: ReleaseAsset[] = [];
  for (const w of wanted) {
    const f = files.find((x) => x.name === w.name);
    if (!f) problems.push(`${w.name} is missing`);
    else if (f.data.byteLength === 0) problems.push(`${w.name} is empty`);
    else assets.push({ ...w, data: f.data });
  }
  const extra = files.filter((f) => !wanted.some((w) => w.name === f.name) && f.name !== SUMS_ASSET).map((f) => f.name);
  if (extra.length) problems.push(`unexpected file(s) ${extra.join(', ')}`);
  if (problems.length) throw new ReleaseError('E_RELEASE_ASSETS', `the release assets of ${model} ${version} are incomplete: ${problems.join('; ')}. The package job did not finish: no release is created.`);
  return [...assets, { name: SUMS_ASSET, contentType: 'text/plain; charset=utf-8', data: Buffer.from(sha256Sums(assets)) }];
}

export interface PublishedRelease extends PlannedRelease {
  id: number;
  url: string;
  /** Assets uploaded by this run, and those already on the release (a re-run). */
  uploaded: string[];
  present: string[];
}

/** upload_url (`…/repos/{o}/{r}/releases/{id}/assets{?name,label}`) → the uploads host to send the bytes to. */
export function uploadsBaseUrl(uploadUrl: string): string {
  const at = uploadUrl.lastIndexOf('/repos/');
  const rest = at < 0 ? '' : uploadUrl.slice(at).replace(/\{\?[\w,]*\}$/, '');
  if (at <= 0 || !/^\/repos\/[^/]+\/[^/]+\/releases\/\d+\/assets$/.test(rest)) throw new Error(`unexpected upload_url ${uploadUrl}`);
  return uploadUrl.slice(0, at);
}

/**
 * The release of one model version, with its assets, created only now that the package
 * exists. The plan is made again from the push (same answer as the `plan` job's unless
 * something moved) and must name `expect.version`. The release is created as a draft,
 * its assets are uploaded (repos.uploadReleaseAsset, to the release's upload_url), then
 * it is published, which creates the tag: a failed upload leaves at most an unpublished
 * draft, no tag, and a re-run finishes that draft (or a published release's missing assets).
 */
export async function publishRelease(gh: GitHub, where: RepoRef, push: PushEvent, expect: { model: string; version: string }, assets: readonly ReleaseAsset[]): Promise<PublishedRelease> {
  const planned = (await planPush(gh, where, push)).find((r) => r.model === expect.model);
  if (!planned) throw new ReleaseError('E_RELEASE_VERSION', `release: this push changes no spec of ${expect.model}`);
  if (planned.version !== expect.version) throw new ReleaseError('E_RELEASE_VERSION', `release: the package was built for ${expect.model} ${expect.version}, the release would now be ${planned.version}: re-run the deploy workflow`);
  const releases = await gh.paginate(gh.rest.repos.listReleases, { ...where, per_page: 100 });
  let release = releases.find((r) => r.tag_name === planned.tag);
  if (!release) {
    ({ data: release } = await gh.rest.repos.createRelease({ ...where, tag_name: planned.tag, target_commitish: push.after, name: `${planned.model} ${planned.version}`, body: notesOf(planned, push.after), draft: true }));
  }
  const present = (release.assets ?? []).map((a) => a.name);
  const uploaded: string[] = [];
  const baseUrl = uploadsBaseUrl(release.upload_url);
  for (const a of assets) {
    if (present.includes(a.name)) continue;
    await gh.rest.repos.uploadReleaseAsset({
      ...where,
      baseUrl,
      release_id: release.id,
      name: a.name,
      // The bytes as they are: Octokit sends a Buffer body unchanged (its type says string).
      data: a.data as unknown as string,
      headers: { 'content-type': a.contentType },
    });
    uploaded.push(a.name);
  }
  if (release.draft) ({ data: release } = await gh.rest.repos.updateRelease({ ...where, release_id: release.id, draft: false }));
  return { ...strip(planned), id: release.id, url: release.html_url, uploaded, present: present.filter((n) => assets.some((a) => a.name === n)) };
}
