import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { GitopsMlError } from '../errors.js';

/** A member to pull out of an archive, with the most bytes it may expand to. */
export interface MemberRequest {
  path: string;
  maxBytes: number;
}

/** An archive that is not what it should be; `code` says how, `archive` and `member` where. */
export class ArchiveError extends GitopsMlError {
  constructor(
    code: 'E_ARCHIVE_CORRUPT' | 'E_ARCHIVE_UNSAFE_PATH' | 'E_ARCHIVE_LINK' | 'E_ARCHIVE_MEMBER_MISSING' | 'E_ARCHIVE_MEMBER_TOO_LARGE',
    message: string,
    readonly archive: string,
    readonly member?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'ArchiveError';
  }
}

/**
 * Why an entry name is unsafe to honour (zip-slip), or undefined. Every entry is
 * checked, not only the ones asked for: an archive that carries one is not the
 * published archive, whatever else it holds.
 */
export function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\0')) return 'a NUL byte';
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  if (name.split(/[\\/]/).includes('..')) return 'a ".." segment';
  return undefined;
}

function checkName(archive: string, name: string): void {
  const why = unsafeEntryName(name);
  if (why) throw new ArchiveError('E_ARCHIVE_UNSAFE_PATH', `archive ${archive} holds an entry with ${why} ("${name}"); refused`, archive, name);
}

function missing(archive: string, wanted: readonly MemberRequest[], found: Map<string, Buffer>): void {
  const absent = wanted.filter((m) => !found.has(m.path)).map((m) => m.path);
  if (absent.length > 0) {
    throw new ArchiveError('E_ARCHIVE_MEMBER_MISSING', `archive ${archive} has no member ${absent.join(', ')}`, archive, absent[0]);
  }
}

function tooLarge(archive: string, m: MemberRequest): ArchiveError {
  return new ArchiveError('E_ARCHIVE_MEMBER_TOO_LARGE', `member ${m.path} of ${archive} expands beyond ${m.maxBytes} bytes; refused`, archive, m.path);
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function zipEntryIsLink(entry: Entry): boolean {
  // Unix "made by" (3): the high 16 bits of the external attributes are st_mode.
  return entry.versionMadeBy >> 8 === 3 && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((ok, fail) =>
    // Names are checked here (checkName) so the error says which entry and why.
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) =>
      err || !zip ? fail(err) : ok(zip),
    ),
  );
}

async function readZipEntry(zip: ZipFile, entry: Entry, archive: string, m: MemberRequest): Promise<Buffer> {
  if (entry.uncompressedSize > m.maxBytes) throw tooLarge(archive, m);
  const stream = await new Promise<NodeJS.ReadableStream>((ok, fail) =>
    zip.openReadStream(entry, (err, s) => (err || !s ? fail(err) : ok(s))),
  );
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > m.maxBytes) throw tooLarge(archive, m);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function extractZip(path: string, archive: string, wanted: readonly MemberRequest[]): Promise<Map<string, Buffer>> {
  let zip: ZipFile;
  try {
    zip = await openZip(path);
  } catch (err) {
    throw new ArchiveError('E_ARCHIVE_CORRUPT', `archive ${archive} is not a readable zip: ${(err as Error).message}`, archive, undefined, { cause: err });
  }
  const found = new Map<string, Buffer>();
  try {
    await new Promise<void>((ok, fail) => {
      zip.on('error', fail);
      zip.on('end', ok);
      zip.on('entry', (entry: Entry) => {
        void (async () => {
          const name = (entry.fileName as unknown as Buffer).toString('utf8');
          checkName(archive, name);
          const m = wanted.find((w) => w.path === name);
          if (m) {
            if (zipEntryIsLink(entry)) throw new ArchiveError('E_ARCHIVE_LINK', `member ${name} of ${archive} is a link; refused`, archive, name);
            found.set(name, await readZipEntry(zip, entry, archive, m));
          }
          zip.readEntry();
        })().catch(fail);
      });
      zip.readEntry();
    });
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError('E_ARCHIVE_CORRUPT', `archive ${archive} is corrupt: ${(err as Error).message}`, archive, undefined, { cause: err });
  } finally {
    zip.close();
  }
  missing(archive, wanted, found);
  return found;
}

const LINK_TYPES = new Set(['SymbolicLink', 'Link']);

async function extractTar(path: string, archive: string, wanted: readonly MemberRequest[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  let failure: unknown;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      try {
        checkName(archive, entry.path);
        const m = wanted.find((w) => w.path === entry.path);
        if (!m) return void entry.resume();
        if (LINK_TYPES.has(entry.type)) throw new ArchiveError('E_ARCHIVE_LINK', `member ${entry.path} of ${archive} is a link; refused`, archive, entry.path);
        if ((entry.size ?? 0) > m.maxBytes) throw tooLarge(archive, m);
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => found.set(m.path, Buffer.concat(chunks)));
      } catch (err) {
        failure ??= err;
        entry.resume();
      }
    },
  });
  try {
    await pipeline(createReadStream(path), parser);
  } catch (err) {
    throw failure instanceof ArchiveError
      ? failure
      : new ArchiveError('E_ARCHIVE_CORRUPT', `archive ${archive} is corrupt: ${(err as Error).message}`, archive, undefined, { cause: err });
  }
  if (failure) throw failure;
  missing(archive, wanted, found);
  return found;
}

/**
 * Reads only the named members of a zip or gzipped tar into memory; nothing is written
 * to disk, so no entry name can reach outside the cache. Unsafe names anywhere in the
 * archive, links among the members, and members beyond their size cap are refused.
 */
export async function extractMembers(
  path: string,
  format: 'zip' | 'tar.gz',
  wanted: readonly MemberRequest[],
  label = path,
): Promise<Map<string, Buffer>> {
  return format === 'zip' ? extractZip(path, label, wanted) : extractTar(path, label, wanted);
}
