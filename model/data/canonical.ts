import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GitopsMlError } from '../errors.js';
import { extractMembers } from './archive.js';
import { sha256Hex } from './checksum.js';
import { downloadFile } from './download.js';
import type { DownloadOptions } from './download.js';
import { normalise } from './normalise.js';
import { CANONICAL_ARCHIVES, PRIMARY_VARIANT } from './registry.js';
import type { CanonicalArchive, CanonicalSource, DatasetFile } from './registry.js';

export const CANONICAL_MIRROR_ENV = 'GITOPS_ML_CANONICAL_MIRROR';

/**
 * Where an archive is fetched from. A team mirror keeps the canonical path and swaps
 * scheme and host (`<mirror>/glue/data/SST-2.zip`), so one static copy of the four
 * archives serves every dataset; a path in the mirror's base is kept as a prefix.
 */
export function canonicalUrl(archive: CanonicalArchive, mirror: string | undefined): { url: string; viaMirror: boolean } {
  if (mirror === undefined || mirror === '') return { url: archive.url, viaMirror: false };
  let base: URL;
  try {
    base = new URL(mirror);
  } catch (err) {
    throw new GitopsMlError('E_DATASET_MIRROR', `${CANONICAL_MIRROR_ENV} is not a URL: "${mirror}"`, { cause: err });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new GitopsMlError('E_DATASET_MIRROR', `${CANONICAL_MIRROR_ENV} must be an http(s) URL, got "${mirror}"`);
  }
  const path = new URL(archive.url).pathname;
  return { url: `${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`, viaMirror: true };
}

/** Why a dataset could not be fetched, with the way out; `code` is the underlying failure's. */
export class DatasetFetchError extends GitopsMlError {
  constructor(
    code: string,
    message: string,
    readonly dataset: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'DatasetFetchError';
  }
}

export function wayOut(name: string, file: DatasetFile, url: string): string {
  return (
    `provide the file instead: set DATASETS_DIR to a folder holding ${name}/${file.path}, ` +
    `or set ${CANONICAL_MIRROR_ENV} to a mirror of the canonical archives that keeps their paths (it would serve ${new URL(url).pathname})`
  );
}

/**
 * One fetch-and-normalise pass: each archive is downloaded at most once however many
 * files it yields, into a private temporary folder that `close()` removes.
 */
export class CanonicalSession {
  private readonly archives = new Map<string, Promise<string>>();
  private tmp: Promise<string> | undefined;

  constructor(
    private readonly cacheDir: string,
    private readonly download: Omit<DownloadOptions, 'expectedSha256' | 'maxBytes'> = {},
  ) {}

  archivePath(url: string, archive: CanonicalArchive, viaMirror: boolean): Promise<string> {
    let p = this.archives.get(url);
    if (!p) {
      p = (async () => {
        this.tmp ??= mkdir(this.cacheDir, { recursive: true }).then(() => mkdtemp(join(this.cacheDir, '.fetch-')));
        const dest = join(await this.tmp, `${this.archives.size}-${basename(new URL(url).pathname) || 'archive'}`);
        // Through a mirror the archive's own bytes may differ (a repack); members and outputs are still pinned.
        await downloadFile(url, dest, { ...this.download, expectedSha256: viaMirror ? undefined : archive.sha256, maxBytes: archive.maxBytes });
        return dest;
      })();
      // A failed download must not be memoised as a failure for the next file of another archive.
      p.catch(() => this.archives.delete(url));
      this.archives.set(url, p);
    }
    return p;
  }

  async close(): Promise<void> {
    if (this.tmp) await rm(await this.tmp.catch(() => ''), { recursive: true, force: true }).catch(() => undefined);
    this.tmp = undefined;
    this.archives.clear();
  }
}

/** Which release the members are, by their hashes; undefined when they match none. */
export function memberVariant(file: DatasetFile & { source: CanonicalSource }, hashes: readonly string[]): { name: string; sha256: string } | undefined {
  if (file.source.members.every((m, i) => m.sha256 === hashes[i])) return { name: PRIMARY_VARIANT, sha256: file.sha256 };
  const v = (file.variants ?? []).find((x) => x.memberSha256.every((h, i) => h === hashes[i]));
  return v ? { name: v.name, sha256: v.sha256 } : undefined;
}

/** Writes next to `dest` and renames: a reader sees the old file or the whole new one, never a part. */
export async function writeFileAtomic(dest: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export interface CanonicalFetchResult {
  path: string;
  sha256: string;
  url: string;
  variant: string;
}

/**
 * Fetches the archive, verifies it (where a pin is published and no mirror is used),
 * extracts only the named members, verifies each, normalises, verifies the output and
 * writes it to `dest` atomically. Any failure leaves `dest` as it was.
 */
export async function fetchCanonicalFile(
  name: string,
  split: string,
  file: DatasetFile,
  dest: string,
  opts: { session: CanonicalSession; mirror?: string },
): Promise<CanonicalFetchResult> {
  const source = file.source;
  if (!source) throw new GitopsMlError('E_DATASET_NO_SOURCE', `dataset ${name}:${split} names no canonical source`);
  const archive: CanonicalArchive = CANONICAL_ARCHIVES[source.archive];
  const { url, viaMirror } = canonicalUrl(archive, opts.mirror);
  const fail = (code: string, message: string, cause?: unknown): never => {
    throw new DatasetFetchError(code, `dataset ${name}:${split}: ${message}\n  ${wayOut(name, file, url)}`, name, url, { cause });
  };
  try {
    const path = await opts.session.archivePath(url, archive, viaMirror);
    const members = await extractMembers(path, archive.format, source.members, url);
    const bytes = source.members.map((m) => members.get(m.path) as Buffer);
    const hashes = bytes.map((b) => sha256Hex(b));
    const variant = memberVariant({ ...file, source }, hashes);
    if (!variant) {
      const i = source.members.findIndex((m, j) => m.sha256 !== hashes[j]);
      const m = source.members[i] ?? source.members[0];
      return fail('E_DATASET_MEMBER_CHECKSUM', `member ${m?.path} of ${url} has sha256 ${hashes[i]}, expected ${m?.sha256}${file.variants?.length ? ' (or a known variant)' : ''}`);
    }
    const text = normalise(source.normalise, bytes, source.members.map((m) => `${url}!${m.path}`));
    const sha256 = sha256Hex(text);
    if (sha256 !== variant.sha256) {
      return fail('E_DATASET_OUTPUT_CHECKSUM', `normalised ${file.path} from ${url} has sha256 ${sha256}, expected ${variant.sha256} (${variant.name} release)`);
    }
    await writeFileAtomic(dest, text);
    return { path: dest, sha256, url, variant: variant.name };
  } catch (err) {
    if (err instanceof DatasetFetchError) throw err;
    const code = err instanceof GitopsMlError ? err.code : 'E_DATASET_FETCH';
    return fail(code, err instanceof Error ? err.message : String(err), err);
  }
}
