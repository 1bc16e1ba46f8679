import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CanonicalSession } from '../../model/data/canonical.js';
import { fetchDatasets } from '../../model/data/fetch.js';
import { CANONICAL_ARCHIVES, DATASET_REGISTRY } from '../../model/data/registry.js';
import type { CanonicalArchiveName } from '../../model/data/registry.js';
import { resolveDatasetFile } from '../../model/data/resolve.js';
import { CanonicalMirror, archivePath, buildArchive, fixtureEntries } from '../helpers/canonical-mirror.js';
import type { FixtureEntry } from '../helpers/canonical-mirror.js';
import { BEYOND_REFERENCE, REPO_ROOT, datasetsDir } from '../helpers/datasets.js';

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const FAST = { retries: 1, backoffMs: 10, idleTimeoutMs: 400 };

/** Every file under `dir` with its sha256: what "the cache as it was" means. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = sha(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const referenceSums = readFileSync(join(datasetsDir(), 'SHA256SUMS'), 'utf8');
// Every registry file: the reference folder's list plus the files the registry added after it.
const reference: Record<string, string> = {
  ...Object.fromEntries(
    referenceSums
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/) as [string, string])
      .map(([h, f]) => [f, h]),
  ),
  ...BEYOND_REFERENCE,
};

const mirror = new CanonicalMirror();
let tmp: string;
beforeAll(async () => {
  await mirror.start();
});
afterAll(() => mirror.stop());
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'canonical-'));
  mirror.routes.clear();
  mirror.serveAll();
  mirror.requests.length = 0;
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('fetch from the canonical archives (fixture archives on a loopback mirror)', () => {
  it('an empty cache is filled with every file of the reference datasets, byte for byte, each archive fetched once', async () => {
    const cacheDir = join(tmp, 'cache');
    const out = join(tmp, 'layout');
    const lines: string[] = [];
    const files = await fetchDatasets({ out, cacheDir, mirror: mirror.url, env: {}, onProgress: false, onFile: (l) => lines.push(l), download: FAST });
    expect(files).toHaveLength(Object.keys(reference).length);
    for (const [rel, hash] of Object.entries(reference)) {
      expect([rel, sha(readFileSync(join(out, rel)))]).toEqual([rel, hash]);
      expect([rel, sha(readFileSync(join(cacheDir, rel)))]).toEqual([rel, hash]);
      // Byte for byte against the reference folder's own copy (the added files are checked by hash above).
      if (!(rel in BEYOND_REFERENCE)) expect(readFileSync(join(out, rel)).equals(readFileSync(join(datasetsDir(), rel)))).toBe(true);
    }
    for (const name of Object.keys(CANONICAL_ARCHIVES) as CanonicalArchiveName[]) expect([name, mirror.count(archivePath(name))]).toEqual([name, 1]);
    expect(files.every((f) => f.source === 'download')).toBe(true);
    expect(files.find((f) => f.name === 'eec')?.variant).toBe('original');
    expect(lines[0]).toMatch(/^sst2:train → .*sst2\/train\.tsv \(download, sha256 4c5e12ec5fab…\)$/);
    const sums = Object.entries(reference).map(([f, h]) => `${h}  ${f}`).sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1));
    expect(readFileSync(join(out, 'SHA256SUMS'), 'utf8')).toBe(`${sums.join('\n')}\n`);
    for (const line of referenceSums.trim().split('\n')) expect(sums).toContain(line.trim());
    // No temporary archive or part file is left in the cache.
    expect(Object.keys(snapshot(cacheDir)).sort()).toEqual(Object.keys(reference).sort());

    // A second run is served from the cache without a request.
    mirror.requests.length = 0;
    const again = await fetchDatasets({ cacheDir, mirror: mirror.url, env: {}, onProgress: false });
    expect(again.every((f) => f.source === 'cache')).toBe(true);
    expect(mirror.requests).toEqual([]);
  });

  it('the corrected EEC release is accepted and recorded as such', async () => {
    const fixed = fixtureEntries('eec', (es) => es.map((e) => ({ ...e, data: Buffer.from(e.data.toString('utf8').replace(/dissapointed/g, 'disappointed')) })));
    mirror.routes.set(archivePath('eec'), { kind: 'body', body: buildArchive('eec', fixed) });
    const r = await resolveDatasetFile('eec', 'all', { cacheDir: join(tmp, 'cache'), mirror: mirror.url, env: {}, onProgress: false, download: FAST });
    expect(r).toMatchObject({ source: 'download', variant: 'corrected', sha256: DATASET_REGISTRY.eec.files.all.variants[0].sha256 });
    expect(readFileSync(r.path, 'utf8')).not.toContain('dissapointed');
    // From the cache, the variant is still known.
    const cached = await resolveDatasetFile('eec', 'all', { cacheDir: join(tmp, 'cache'), mirror: mirror.url, env: {}, onProgress: false });
    expect(cached).toMatchObject({ source: 'cache', variant: 'corrected' });
  });

  it('two concurrent fetches of the same dataset end with one intact cache entry', async () => {
    const cacheDir = join(tmp, 'cache');
    const opts = { cacheDir, mirror: mirror.url, env: {}, onProgress: false as const, download: FAST };
    const [a, b] = await Promise.all([resolveDatasetFile('mr', 'all', opts), resolveDatasetFile('mr', 'all', opts)]);
    expect(a.path).toBe(b.path);
    expect(snapshot(cacheDir)).toEqual({ 'mr/rt-polarity.tsv': reference['mr/rt-polarity.tsv'] });
  });
});

describe('a failing source: its own error, the way out, and the cache as it was', () => {
  const mutate = (archive: CanonicalArchiveName, change: (es: FixtureEntry[]) => FixtureEntry[]): void => {
    mirror.routes.set(archivePath(archive), { kind: 'body', body: buildArchive(archive, fixtureEntries(archive, change)) });
  };
  const body = (archive: CanonicalArchiveName): Buffer => buildArchive(archive, fixtureEntries(archive));

  const cases: [string, () => void, CanonicalArchiveName, string | RegExp, RegExp][] = [
    ['a corrupted archive', () => mirror.routes.set(archivePath('mr-polarity'), { kind: 'body', body: Buffer.concat([body('mr-polarity').subarray(0, 2000), Buffer.alloc(3000, 7)]) }), 'mr-polarity', 'E_ARCHIVE_CORRUPT', /corrupt/],
    ['a member that differs by one byte', () => mutate('mr-polarity', (es) => es.map((e, i) => (i === 0 ? { ...e, data: Buffer.concat([e.data.subarray(0, 10), Buffer.from([e.data[10]! ^ 1]), e.data.subarray(11)]) } : e))), 'mr-polarity', 'E_DATASET_MEMBER_CHECKSUM', /member rt-polaritydata\/rt-polarity\.neg .* expected 4af43bf4/],
    ['a member path with ".."', () => mutate('eec', (es) => [{ name: '../../evil.csv', data: Buffer.from('x') }, ...es]), 'eec', 'E_ARCHIVE_UNSAFE_PATH', /"\.\." segment \("\.\.\/\.\.\/evil\.csv"\)/],
    ['an absolute member path', () => mutate('mr-polarity', (es) => [{ name: '/etc/cron.d/evil', data: Buffer.from('x') }, ...es]), 'mr-polarity', 'E_ARCHIVE_UNSAFE_PATH', /absolute path \("\/etc\/cron\.d\/evil"\)/],
    ['a member that is a link', () => mutate('eec', (es) => es.map((e) => ({ ...e, data: Buffer.from('/etc/passwd'), symlink: true }))), 'eec', 'E_ARCHIVE_LINK', /is a link/],
    ['a truncated body', () => mirror.routes.set(archivePath('mr-polarity'), { kind: 'truncate', body: body('mr-polarity'), after: 1000 }), 'mr-polarity', /^E_DOWNLOAD_(FAILED|TRUNCATED)$/, /broke off after|ended after/],
    ['HTTP 404', () => mirror.routes.set(archivePath('mr-polarity'), { kind: 'status', status: 404 }), 'mr-polarity', 'E_DOWNLOAD_HTTP', /HTTP 404/],
    ['HTTP 500', () => mirror.routes.set(archivePath('mr-polarity'), { kind: 'status', status: 500 }), 'mr-polarity', 'E_DOWNLOAD_HTTP', /HTTP 500/],
    ['a redirect loop', () => {
      mirror.routes.set(archivePath('mr-polarity'), { kind: 'redirect', to: '/loop-b' });
      mirror.routes.set('/loop-b', { kind: 'redirect', to: archivePath('mr-polarity') });
    }, 'mr-polarity', 'E_DOWNLOAD_REDIRECTS', /redirect loop/],
    ['a body over the size cap', () => mirror.routes.set(archivePath('mr-polarity'), { kind: 'body', body: Buffer.alloc(CANONICAL_ARCHIVES['mr-polarity'].maxBytes + 1), chunked: true }), 'mr-polarity', 'E_DOWNLOAD_TOO_LARGE', /cap of 4194304/],
    ['a server that stops sending', () => mirror.routes.set(archivePath('mr-polarity'), { kind: 'stall', body: body('mr-polarity'), after: 1000 }), 'mr-polarity', 'E_DOWNLOAD_STALLED', /stalled: nothing received for 400 ms/],
  ];

  it.each(cases)('%s', async (_what, arrange, archive, code, message) => {
    arrange();
    const cacheDir = join(tmp, 'cache');
    // Something already cached must survive the failure untouched.
    mkdirSync(join(cacheDir, 'sst2'), { recursive: true });
    writeFileSync(join(cacheDir, 'sst2', 'dev.tsv'), readFileSync(join(datasetsDir(), 'sst2/dev.tsv')));
    const before = snapshot(cacheDir);
    const [name, split] = archive === 'eec' ? ['eec', 'all'] : ['mr', 'all'];
    const err = (await resolveDatasetFile(name, split, { cacheDir, mirror: mirror.url, env: {}, onProgress: false, download: FAST }).catch((e: unknown) => e)) as Error & { code: string };
    if (typeof code === 'string') expect(err.code).toBe(code);
    else expect(err.code).toMatch(code);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`dataset ${name}:${split}`);
    expect(err.message).toContain(`${mirror.url}${archivePath(archive)}`);
    expect(err.message).toContain('DATASETS_DIR');
    expect(err.message).toContain('GITOPS_ML_CANONICAL_MIRROR');
    expect(snapshot(cacheDir)).toEqual(before);
  });

  it('without a mirror the published archive checksum is enforced', async () => {
    const session = new CanonicalSession(join(tmp, 'cache'), { ...FAST, onProgress: false });
    const archive = { ...CANONICAL_ARCHIVES['mr-polarity'], url: `${mirror.url}${archivePath('mr-polarity')}` };
    await expect(session.archivePath(archive.url, archive, false)).rejects.toMatchObject({ code: 'E_DOWNLOAD_CHECKSUM' });
    await expect(session.archivePath(archive.url, archive, true)).resolves.toMatch(/rt-polaritydata\.tar\.gz$/);
    await session.close();
    expect(snapshot(join(tmp, 'cache'))).toEqual({});
  });

  it('offline with no mirror: the CLI names the canonical URL and the way out, and exits 2 (a usage or input error)', () => {
    // The host resolver is replaced in the child so the test means "offline" on any machine.
    const offline = 'data:text/javascript,' + encodeURIComponent('import dns from "node:dns";const f=(h,o,cb)=>{cb=typeof o==="function"?o:cb;const e=Object.assign(new Error("getaddrinfo ENOTFOUND "+h),{code:"ENOTFOUND",hostname:h});process.nextTick(()=>cb(e));};dns.lookup=f;');
    const cacheDir = join(tmp, 'cache');
    const r = spawnSync(process.execPath, ['--import', offline, join(REPO_ROOT, 'bin/gitops-ml.js'), 'fetch-datasets', 'mr'], {
      env: { PATH: process.env.PATH, HOME: tmp, GITOPS_ML_CACHE_DIR: cacheDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('dataset mr:all');
    expect(r.stderr).toContain('https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz');
    expect(r.stderr).toContain('could not resolve www.cs.cornell.edu (ENOTFOUND)');
    expect(r.stderr).toContain('DATASETS_DIR');
    expect(r.stderr).toContain('GITOPS_ML_CANONICAL_MIRROR');
    expect(snapshot(cacheDir)).toEqual({});
  });
});
