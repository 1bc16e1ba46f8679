import type { GitHub, RepoRef } from './github.js';
import { decideBump, latestVersion, nextVersion, releaseNotes, releaseTag } from './versioning.js';
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

/**
 * The devops role's release step on a push to main: for each model whose spec the push
 * changed, the next semantic version from what changed and the model's latest tag, and a
 * GitHub release `<model>-v<version>` on the pushed commit. (Packaging, image and
 * deployment attach to this release in the next step of the project.)
 */
export async function planAndRelease(gh: GitHub, where: RepoRef, push: PushEvent, opts: { dryRun?: boolean } = {}): Promise<PlannedRelease[]> {
  const specs = changedSpecs(push);
  if (specs.length === 0) return [];
  const tags = (await gh.paginate(gh.rest.repos.listTags, { ...where, per_page: 100 })).map((t) => t.name);
  const planned: PlannedRelease[] = [];
  for (const specPath of specs) {
    const next = await specAt(gh, where, specPath, push.after);
    if (!next) continue; // deleted in a later commit of the same push
    const model = String(next.name);
    const before = /^0+$/.test(push.before) ? undefined : await specAt(gh, where, specPath, push.before);
    const previous = latestVersion(model, tags);
    const decided = decideBump(before, next);
    // A model with releases whose spec is new here (renamed file) is still a new major, not a first release.
    const version = nextVersion(previous, decided.bump);
    const tag = releaseTag(model, version);
    planned.push({ model, specPath, version, ...(previous ? { previous } : {}), bump: decided.bump, reasons: decided.reasons, tag });
    if (!opts.dryRun) {
      await gh.rest.repos.createRelease({ ...where, tag_name: tag, target_commitish: push.after, name: `${model} ${version}`, body: releaseNotes({ model, version, ...(previous ? { previous } : {}), bump: decided.bump, reasons: decided.reasons, sha: push.after }) });
    }
  }
  return planned;
}
