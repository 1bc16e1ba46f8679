import { mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError, GitopsMlError } from '../errors.js';
import { CANONICAL_MIRROR_ENV, CanonicalSession, fetchCanonicalFile, writeFileAtomic } from './canonical.js';
import { sha256File, sha256Hex } from './checksum.js';
import { downloadFile } from './download.js';
import type { DownloadOptions, ProgressCallback } from './download.js';
import { DATASET_REGISTRY, acceptedOutputs, defaultSplit, getDataset, getDatasetFile } from './registry.js';
import type { DatasetFile, DatasetRegistry } from './registry.js';

export type DatasetSource = 'explicit' | 'datasets_dir' | 'cache' | 'download';

export interface ResolvedDataset {
  /** Absolute path of a local file whose bytes hash to `sha256`. */
  path: string;
  sha256: string;
  source: DatasetSource;
  /** Registry name and split, when resolved through the registry. */
  name?: string;
  split?: string;
  /** Where the bytes came from, for URL references and registry downloads. */
  url?: string;
  /** The release of a registry file that has more than one (the EEC's typo fix); "original" otherwise. */
  variant?: string;
}

export interface ResolveOptions {
  /** The user's own file; wins over everything and is not checked against the registry hash. */
  path?: string;
  /** Overrides $DATASETS_DIR. */
  datasetsDir?: string;
  /** Overrides the datasets cache (`defaultCacheDir()`). */
  cacheDir?: string;
  /** Overrides $GITOPS_ML_CANONICAL_MIRROR. */
  mirror?: string;
  /** Shares archive downloads between files (fetch-datasets); a private one otherwise. */
  session?: CanonicalSession;
  /** Download tuning (tests shorten the backoff and timeouts). */
  download?: Omit<DownloadOptions, 'expectedSha256' | 'maxBytes' | 'onProgress'>;
  /** Environment to read instead of process.env (tests pass `{}` to ignore the CI's DATASETS_DIR). */
  env?: NodeJS.ProcessEnv;
  registry?: DatasetRegistry;
  onProgress?: ProgressCallback | false;
}

export const CACHE_DIR_ENV = 'GITOPS_ML_CACHE_DIR';

/**
 * The per-user cache root, so two clones share one download: $GITOPS_ML_CACHE_DIR,
 * else $XDG_CACHE_HOME/gitops-ml, else ~/.cache/gitops-ml (the XDG default).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env[CACHE_DIR_ENV]) return resolve(env[CACHE_DIR_ENV]);
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec ignores a relative XDG_CACHE_HOME.
  if (xdg && xdg.startsWith('/')) return join(xdg, 'gitops-ml');
  return join(env.HOME || homedir(), '.cache', 'gitops-ml');
}

/** Where normalised dataset files are cached: `<cache root>/datasets/<name>/<file>`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'datasets');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function resolveExplicit(path: string): Promise<ResolvedDataset> {
  const abs = resolve(path);
  if (!(await isFile(abs))) {
    throw new DataError('E_DATASET_NOT_FOUND', 'dataset file not found', abs);
  }
  return { path: abs, sha256: await sha256File(abs), source: 'explicit' };
}

/** The accepted release a file's hash belongs to, if any. */
function releaseOf(file: DatasetFile, sha256: string): string | undefined {
  return acceptedOutputs(file).find((o) => o.sha256 === sha256)?.name;
}

export async function resolveDatasetFile(
  name: string,
  split: string,
  opts: ResolveOptions = {},
): Promise<ResolvedDataset> {
  const { file } = getDatasetFile(name, split, opts.registry ?? DATASET_REGISTRY);
  if (opts.path !== undefined) {
    return { ...(await resolveExplicit(opts.path)), name, split };
  }
  const env = opts.env ?? process.env;

  const datasetsDir = opts.datasetsDir ?? (env.DATASETS_DIR || undefined);
  if (datasetsDir !== undefined) {
    const candidate = resolve(datasetsDir, name, file.path);
    if (await isFile(candidate)) {
      const actual = await sha256File(candidate);
      const variant = releaseOf(file, actual);
      // A wrong file here is someone's mistake to fix, not something to paper over by downloading.
      if (variant === undefined) {
        throw new DataError(
          'E_DATASET_CHECKSUM',
          `sha256 mismatch for ${name}:${split}: expected ${acceptedOutputs(file).map((o) => o.sha256).join(' or ')}, actual ${actual}`,
          candidate,
        );
      }
      return { path: candidate, sha256: actual, source: 'datasets_dir', name, split, variant };
    }
  }

  const cached = resolve(opts.cacheDir ?? defaultCacheDir(env), name, file.path);
  // A cached file with the wrong hash (bit rot, manual edit) is simply fetched again.
  if (await isFile(cached)) {
    const actual = await sha256File(cached);
    const variant = releaseOf(file, actual);
    if (variant !== undefined) return { path: cached, sha256: actual, source: 'cache', name, split, variant };
  }

  if (!file.source) {
    throw new GitopsMlError(
      'E_DATASET_UNAVAILABLE',
      `dataset ${name}:${split} (${file.path}) is not in DATASETS_DIR (${datasetsDir ?? 'not set'}) nor in the cache (${cached}), ` +
        `and the registry names no canonical source to download it from; set DATASETS_DIR to a folder holding ${name}/${file.path}`,
    );
  }
  const session = opts.session ?? new CanonicalSession(resolve(opts.cacheDir ?? defaultCacheDir(env)), { ...opts.download, onProgress: opts.onProgress });
  try {
    const mirror = opts.mirror ?? (env[CANONICAL_MIRROR_ENV] || undefined);
    const r = await fetchCanonicalFile(name, split, file, cached, { session, mirror });
    return { path: r.path, sha256: r.sha256, source: 'download', name, split, url: r.url, variant: r.variant };
  } finally {
    if (!opts.session) await session.close();
  }
}

export type DatasetRef =
  | { kind: 'registry'; name: string; split: string | undefined }
  | { kind: 'path'; path: string }
  | { kind: 'url'; url: string };

// eslint-disable-next-line security/detect-unsafe-regex -- the ':' separates the two repetitions, so there is one way to match
const REGISTRY_REF = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_-]+))?$/;
const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * Reads a dataset reference as a spec gives it: `name:split` (always a registry
 * reference, so a typo gets the list of known names), a bare registry `name`, an
 * http(s) URL, a `file://` URL, or else a filesystem path (`./foo:bar` reaches a
 * file whose name looks like a registry reference).
 */
export function parseDatasetRef(ref: string, registry: DatasetRegistry = DATASET_REGISTRY): DatasetRef {
  const trimmed = ref.trim();
  if (trimmed === '') throw new GitopsMlError('E_DATASET_REF', 'empty dataset reference');

  const scheme = URL_SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    try {
      return { kind: 'url', url: new URL(trimmed).href };
    } catch (err) {
      throw new GitopsMlError('E_DATASET_REF', `invalid dataset URL "${trimmed}"`, { cause: err });
    }
  }
  if (scheme === 'file') return { kind: 'path', path: fileURLToPath(trimmed) };
  if (scheme !== undefined) {
    throw new GitopsMlError(
      'E_DATASET_REF',
      `unsupported URL scheme "${scheme}" in dataset reference "${trimmed}"; use https://, a path or a registry name`,
    );
  }

  const match = REGISTRY_REF.exec(trimmed);
  if (match) {
    const [, name = '', split] = match;
    if (split !== undefined || Object.hasOwn(registry, name)) return { kind: 'registry', name, split };
  }
  return { kind: 'path', path: trimmed };
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function cacheFileNameFor(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    decoded = last;
  }
  const safe = decoded.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return safe || 'data';
}

async function readRecordedSha(sidecar: string): Promise<string | undefined> {
  try {
    return (await readFile(sidecar, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Downloads an arbitrary URL into `<cache>/urls/<hash of URL>/<file name>`. With no
 * known checksum, the hash computed at download time is recorded next to the file
 * (`.sha256`) so later runs detect a cached copy that changed on disk.
 */
async function resolveUrl(rawUrl: string, opts: ResolveOptions & { sha256?: string }): Promise<ResolvedDataset> {
  const url = new URL(rawUrl);
  if (url.protocol === 'http:' && !isLoopback(url)) {
    throw new GitopsMlError(
      'E_DATASET_INSECURE_URL',
      `refusing to download ${url.href} over plain http with no integrity check; use https`,
    );
  }
  const env = opts.env ?? process.env;
  const dir = resolve(opts.cacheDir ?? defaultCacheDir(env), 'urls', sha256Hex(url.href).slice(0, 16));
  const target = join(dir, cacheFileNameFor(url));
  const sidecar = `${target}.sha256`;
  const expected = opts.sha256?.toLowerCase();

  if (await isFile(target)) {
    const recorded = expected ?? (await readRecordedSha(sidecar));
    if (recorded !== undefined && (await sha256File(target)) === recorded) {
      return { path: target, sha256: recorded, source: 'cache', url: url.href };
    }
  }
  await mkdir(dir, { recursive: true });
  const result = await downloadFile(url.href, target, {
    expectedSha256: expected,
    ...opts.download,
    onProgress: opts.onProgress,
  });
  await writeFileAtomic(sidecar, `${result.sha256}\n`);
  return { path: result.path, sha256: result.sha256, source: 'download', url: url.href };
}

/**
 * Resolves a reference string (see parseDatasetRef). A registry reference without a
 * split is accepted only for single-file datasets. `opts.sha256` pins a URL's content.
 */
export async function resolveDatasetRef(
  ref: string,
  opts: Omit<ResolveOptions, 'path'> & { sha256?: string } = {},
): Promise<ResolvedDataset> {
  const registry = opts.registry ?? DATASET_REGISTRY;
  const parsed = parseDatasetRef(ref, registry);
  switch (parsed.kind) {
    case 'path':
      return resolveExplicit(parsed.path);
    case 'url':
      return resolveUrl(parsed.url, opts);
    case 'registry': {
      const entry = getDataset(parsed.name, registry);
      const split = parsed.split ?? defaultSplit(entry);
      if (split === undefined) {
        throw new GitopsMlError(
          'E_DATASET_SPLIT_REQUIRED',
          `dataset reference "${ref}" needs a split (${Object.keys(entry.files)
            .map((s) => `${parsed.name}:${s}`)
            .join(', ')})`,
        );
      }
      return resolveDatasetFile(parsed.name, split, { ...opts, registry });
    }
  }
}
