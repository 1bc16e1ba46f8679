/**
 * The model's semantic version follows what the merged change did to its spec:
 * a new architecture is a new model (major), new data or anything that retrains it
 * (preprocessing, hyper-parameters, training) is a new fit (minor), and a change that
 * leaves the weights alone (targets, description, presets) is a patch.
 */
export type Bump = 'major' | 'minor' | 'patch';

type Spec = Record<string, unknown>;

const RETRAIN_KEYS = ['dataset', 'preprocessing', 'architecture', 'training', 'search', 'crossValidation', 'labels', 'task'] as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

export function decideBump(previous: Spec | undefined, next: Spec): { bump: Bump; reasons: string[] } {
  if (!previous) return { bump: 'major', reasons: ['first release of this model'] };
  const archType = (s: Spec): unknown => (s.architecture as { type?: unknown } | undefined)?.type;
  if (archType(previous) !== archType(next)) return { bump: 'major', reasons: [`architecture ${String(archType(previous))} → ${String(archType(next))}`] };
  const changed = RETRAIN_KEYS.filter((k) => !same(previous[k], next[k]));
  if (changed.length > 0) return { bump: 'minor', reasons: changed.map((k) => (k === 'dataset' ? 'new data' : `${k} changed (retrain)`)) };
  const other = [...new Set([...Object.keys(previous), ...Object.keys(next)])].filter((k) => !same(previous[k], next[k]));
  return { bump: 'patch', reasons: other.length ? other.map((k) => `${k} changed`) : ['no spec change (rebuild)'] };
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

export function nextVersion(previous: string | undefined, bump: Bump): string {
  if (previous === undefined) return '1.0.0';
  const m = SEMVER.exec(previous);
  if (!m) throw new Error(`"${previous}" is not a semantic version (X.Y.Z)`);
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** Release tags are per model: `<name>-v<version>`. */
export const releaseTag = (model: string, version: string): string => `${model}-v${version}`;

export interface VersionPlan {
  model: string;
  version: string;
  previous?: string;
  bump: Bump;
  reasons: string[];
  tag: string;
  /** True when a tag of this model already names `at`: that commit was released (a re-run), same version. */
  released: boolean;
}

/**
 * The one version decision, shared by the model PR (which trains the version the merge
 * will release) and the release on the push to main: the spec before and after the
 * change, the repository's tags (name and commit), and, for the push, the commit being
 * released. A tag of this model already on that commit means this very push was
 * released before (a re-run of the deploy): its version is kept, not bumped again.
 */
export function planVersion(before: Spec | undefined, next: Spec, tags: readonly { name: string; sha?: string }[], at?: string): VersionPlan {
  const model = next.name;
  if (typeof model !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(model)) throw new Error(`the spec's name ${JSON.stringify(model)} is not a model name (lower-case letters, digits and dashes)`);
  const prefix = `${model}-v`;
  const done = at === undefined ? undefined : tags.find((t) => t.sha === at && t.name.startsWith(prefix) && SEMVER.test(t.name.slice(prefix.length)));
  const decided = decideBump(before, next);
  if (done) {
    const version = done.name.slice(prefix.length);
    const previous = latestVersion(model, tags.filter((t) => t !== done && compareVersions(t.name.slice(prefix.length), version) < 0).map((t) => t.name));
    return { model, version, ...(previous ? { previous } : {}), bump: decided.bump, reasons: decided.reasons, tag: done.name, released: true };
  }
  const previous = latestVersion(model, tags.map((t) => t.name));
  // A model with releases whose spec is new here (renamed file) is still a new major, not a first release.
  const version = nextVersion(previous, decided.bump);
  return { model, version, ...(previous ? { previous } : {}), bump: decided.bump, reasons: decided.reasons, tag: releaseTag(model, version), released: false };
}

/** Orders two X.Y.Z versions (anything else sorts first). */
function compareVersions(a: string, b: string): number {
  const pa = SEMVER.exec(a)?.slice(1).map(Number);
  const pb = SEMVER.exec(b)?.slice(1).map(Number);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return (pa[0] as number) - (pb[0] as number) || (pa[1] as number) - (pb[1] as number) || (pa[2] as number) - (pb[2] as number);
}

/** The version in the newest tag of this model, among tag names (other models' tags ignored). */
export function latestVersion(model: string, tags: readonly string[]): string | undefined {
  const prefix = `${model}-v`;
  const versions = tags.filter((t) => t.startsWith(prefix) && SEMVER.test(t.slice(prefix.length))).map((t) => t.slice(prefix.length).split('.').map(Number) as [number, number, number]);
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const top = versions.at(-1);
  return top ? top.join('.') : undefined;
}

export function releaseNotes(o: { model: string; version: string; previous?: string; bump: Bump; reasons: string[]; sha: string; pullNumber?: number }): string {
  return [
    `## ${o.model} ${o.version}`,
    '',
    `${o.bump} release${o.previous ? ` after ${o.previous}` : ''}, from ${o.pullNumber ? `#${o.pullNumber} (` : ''}${o.sha.slice(0, 7)}${o.pullNumber ? ')' : ''}.`,
    '',
    ...o.reasons.map((r) => `- ${r}`),
  ].join('\n');
}
