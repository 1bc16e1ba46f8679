import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStderrProgress,
  downloadFile,
  formatProgress,
  isTestEnvironment,
} from '../../model/data/download.js';
import type { DatasetRegistry } from '../../model/data/registry.js';
import { resolveDatasetFile, resolveDatasetRef } from '../../model/data/resolve.js';

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

interface Route {
  status?: number;
  body?: Buffer;
  /** Omit Content-Length (chunked transfer). */
  chunked?: boolean;
  /** Send headers and this many body bytes, then stall. */
  stallAfter?: number;
  /** Send headers and this many body bytes, then drop the connection. */
  dropAfter?: number;
  /** Answer this many requests with 503 before serving the body. */
  failFirst?: number;
}

/** A loopback file server that records every request path. */
class TestServer {
  readonly routes = new Map<string, Route>();
  readonly requests: string[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '';
      this.requests.push(path);
      const route = this.routes.get(path);
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      if (route.failFirst !== undefined && this.count(path) <= route.failFirst) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
        return;
      }
      const body = route.body ?? Buffer.alloc(0);
      const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
      if (!route.chunked) headers['content-length'] = body.length;
      res.writeHead(route.status ?? 200, headers);
      if (route.dropAfter !== undefined) {
        res.write(body.subarray(0, route.dropAfter), () => res.destroy());
        return;
      }
      if (route.stallAfter !== undefined) {
        res.write(body.subarray(0, route.stallAfter));
        return;
      }
      // Two writes so the client sees the body arrive in more than one piece.
      const half = Math.floor(body.length / 2);
      res.write(body.subarray(0, half));
      res.end(body.subarray(half));
    });
    await new Promise<void>((ok) => this.server?.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(path: string): number {
    return this.requests.filter((p) => p === path).length;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((ok, fail) => server.close((err) => (err ? fail(err) : ok())));
  }
}

const server = new TestServer();
let tmp: string;
const BIG = Buffer.alloc(300 * 1024, 'sentiment ');

beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gitops-ml-data-'));
  server.routes.clear();
  server.requests.length = 0;
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('downloadFile', () => {
  it('streams to the destination, returns the sha256 and reports progress up to the total', async () => {
    server.routes.set('/big.bin', { body: BIG });
    const calls: [number, number | undefined][] = [];
    const dest = join(tmp, 'sub', 'big.bin');
    const result = await downloadFile(`${server.url}/big.bin`, dest, {
      expectedSha256: sha(BIG),
      onProgress: (received, total) => calls.push([received, total]),
    });
    expect(result).toEqual({ path: dest, sha256: sha(BIG), bytes: BIG.length });
    expect(readFileSync(dest).equals(BIG)).toBe(true);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every(([, total]) => total === BIG.length)).toBe(true);
    expect(calls.map(([r]) => r)).toEqual([...calls.map(([r]) => r)].sort((a, b) => a - b));
    expect(calls.at(-1)).toEqual([BIG.length, BIG.length]);
    expect(readdirSync(join(tmp, 'sub'))).toEqual(['big.bin']);
  });

  it('reports an undefined total when the server sends no Content-Length', async () => {
    server.routes.set('/chunked', { body: Buffer.from('abc'), chunked: true });
    const totals: (number | undefined)[] = [];
    await downloadFile(`${server.url}/chunked`, join(tmp, 'c'), { onProgress: (_r, t) => totals.push(t) });
    expect(totals.length).toBeGreaterThan(0);
    expect(totals.every((t) => t === undefined)).toBe(true);
  });

  it('a checksum mismatch throws and leaves no file behind', async () => {
    server.routes.set('/f.tsv', { body: Buffer.from('sentence\tlabel\nx\t1\n') });
    const expected = sha('something else');
    const err = await downloadFile(`${server.url}/f.tsv`, join(tmp, 'f.tsv'), { expectedSha256: expected }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'E_DOWNLOAD_CHECKSUM' });
    expect((err as Error).message).toContain(expected);
    expect((err as Error).message).toContain(sha('sentence\tlabel\nx\t1\n'));
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a non-2xx status is an error naming the URL and the status', async () => {
    const url = `${server.url}/missing.tsv`;
    const err = await downloadFile(url, join(tmp, 'm.tsv'), { retries: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DOWNLOAD_HTTP' });
    expect((err as Error).message).toContain(url);
    expect((err as Error).message).toContain('404');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a stalled body hits the timeout and the partial file is removed', async () => {
    server.routes.set('/slow', { body: BIG, stallAfter: 1000 });
    const err = await downloadFile(`${server.url}/slow`, join(tmp, 'slow'), { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DOWNLOAD_TIMEOUT' });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a connection dropped mid-body fails and the partial file is removed', async () => {
    server.routes.set('/drop', { body: BIG, dropAfter: 1000 });
    const err = await downloadFile(`${server.url}/drop`, join(tmp, 'drop'), { retries: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DOWNLOAD_FAILED' });
    expect((err as Error).message).toContain('broke off');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a transient failure is retried with backoff; a 404 is not', async () => {
    server.routes.set('/flaky', { body: BIG, failFirst: 2 });
    await expect(downloadFile(`${server.url}/flaky`, join(tmp, 'flaky'), { retries: 2, backoffMs: 20 })).resolves.toMatchObject({ bytes: BIG.length });
    expect(server.count('/flaky')).toBe(3);
    server.routes.set('/busy', { body: BIG, failFirst: 5 });
    await expect(downloadFile(`${server.url}/busy`, join(tmp, 'busy'), { retries: 1, backoffMs: 20 })).rejects.toMatchObject({ code: 'E_DOWNLOAD_HTTP' });
    expect(server.count('/busy')).toBe(2);
    await expect(downloadFile(`${server.url}/gone`, join(tmp, 'gone'), { retries: 3, backoffMs: 20 })).rejects.toMatchObject({ code: 'E_DOWNLOAD_HTTP' });
    expect(server.count('/gone')).toBe(1);
  });

  it('a refused connection is a download failure naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const url = `http://127.0.0.1:${port}/x`;
    const err = await downloadFile(url, join(tmp, 'x'), { retries: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DOWNLOAD_FAILED' });
    expect((err as Error).message).toContain(url);
    expect((err as Error).message).toContain('ECONNREFUSED');
  });
});

describe('progress printing', () => {
  it('formats percent and MB', () => {
    expect(formatProgress(5 * 1024 * 1024, 10 * 1024 * 1024)).toBe('50% (5.0 / 10.0 MB)');
    expect(formatProgress(1536 * 1024, undefined)).toBe('1.5 MB');
  });

  it('writes a line per 10% to a log and a redrawn line to a terminal', () => {
    const log: string[] = [];
    const toLog = createStderrProgress('dl', { write: (s: string) => log.push(s) > 0 } as unknown as NodeJS.WritableStream);
    for (let r = 0; r <= 100; r += 5) toLog(r, 100);
    expect(log).toHaveLength(11);
    expect(log.at(-1)).toBe('dl: 100% (0.0 / 0.0 MB)\n');

    const tty: string[] = [];
    const toTty = createStderrProgress('dl', {
      isTTY: true,
      write: (s: string) => tty.push(s) > 0,
    } as unknown as NodeJS.WritableStream);
    toTty(50, 100);
    toTty(100, 100);
    expect(tty[0]?.startsWith('\rdl: 50%')).toBe(true);
    expect(tty[1]?.endsWith('\n')).toBe(true);
  });

  it('the default printer is off under jest', () => {
    expect(isTestEnvironment()).toBe(true);
    expect(isTestEnvironment({})).toBe(false);
    expect(isTestEnvironment({ NODE_ENV: 'test' })).toBe(true);
  });
});

describe('resolveDatasetFile order: explicit > DATASETS_DIR > cache > download', () => {
  const TOY = Buffer.from('sentence\tlabel\ngood\t1\nbad\t0\n');
  const registry: DatasetRegistry = {
    toy: {
      name: 'toy',
      kind: 'sentiment',
      description: 'fixture',
      license: 'none',
      citation: 'none',
      homepage: 'https://example.invalid/',
      format: 'tsv',
      textColumn: 'sentence',
      labelColumn: 'label',
      files: { train: { path: 'train.tsv', sha256: sha(TOY), rows: 2 } },
    },
  };
  let datasetsDir: string;
  let cacheDir: string;
  let emptyDir: string;
  const opts = () => ({ registry, cacheDir, env: {}, onProgress: false as const });

  beforeEach(() => {
    datasetsDir = join(tmp, 'datasets');
    cacheDir = join(tmp, 'cache');
    emptyDir = join(tmp, 'empty');
    for (const d of [join(datasetsDir, 'toy'), join(cacheDir, 'toy'), emptyDir]) mkdirSync(d, { recursive: true });
    writeFileSync(join(datasetsDir, 'toy', 'train.tsv'), TOY);
    writeFileSync(join(cacheDir, 'toy', 'train.tsv'), TOY);
    server.routes.set('/toy/train.tsv', { body: TOY });
  });

  it('an explicit path wins and is hashed, not checked against the registry', async () => {
    const own = join(tmp, 'own.tsv');
    writeFileSync(own, 'sentence\tlabel\nmine\t1\n');
    const r = await resolveDatasetFile('toy', 'train', { ...opts(), datasetsDir, path: own });
    expect(r).toMatchObject({ path: own, source: 'explicit', sha256: sha('sentence\tlabel\nmine\t1\n') });
    await expect(resolveDatasetFile('toy', 'train', { ...opts(), path: join(tmp, 'nope.tsv') })).rejects.toMatchObject({
      code: 'E_DATASET_NOT_FOUND',
    });
  });

  it('DATASETS_DIR beats the cache (option or environment)', async () => {
    const viaOption = await resolveDatasetFile('toy', 'train', { ...opts(), datasetsDir });
    expect(viaOption).toMatchObject({ path: join(datasetsDir, 'toy', 'train.tsv'), source: 'datasets_dir', sha256: sha(TOY) });
    const viaEnv = await resolveDatasetFile('toy', 'train', { ...opts(), env: { DATASETS_DIR: datasetsDir } });
    expect(viaEnv.source).toBe('datasets_dir');
    expect(server.requests).toEqual([]);
  });

  it('a DATASETS_DIR file with the wrong hash is an error naming the file and both hashes', async () => {
    writeFileSync(join(datasetsDir, 'toy', 'train.tsv'), 'tampered');
    const err = await resolveDatasetFile('toy', 'train', { ...opts(), datasetsDir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DATASET_CHECKSUM', file: join(datasetsDir, 'toy', 'train.tsv') });
    expect((err as Error).message).toContain(sha(TOY));
    expect((err as Error).message).toContain(sha('tampered'));
  });

  it('the cache is used when DATASETS_DIR lacks the file; a corrupt cached copy is not', async () => {
    const cached = await resolveDatasetFile('toy', 'train', { ...opts(), datasetsDir: emptyDir });
    expect(cached).toMatchObject({ path: join(cacheDir, 'toy', 'train.tsv'), source: 'cache', variant: 'original' });
    writeFileSync(join(cacheDir, 'toy', 'train.tsv'), 'half a fi');
    // This fixture names no canonical source, so there is nothing to download from.
    const err = await resolveDatasetFile('toy', 'train', { ...opts(), datasetsDir: emptyDir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DATASET_UNAVAILABLE' });
    expect((err as Error).message).toContain('DATASETS_DIR');
    expect((err as Error).message).toContain('toy/train.tsv');
    expect(server.requests).toEqual([]);
  });

  it('a registry reference string resolves like resolveDatasetFile', async () => {
    const r = await resolveDatasetRef('toy:train', { ...opts(), datasetsDir });
    expect(r).toMatchObject({ source: 'datasets_dir', name: 'toy', split: 'train' });
    const single = await resolveDatasetRef('toy', { ...opts(), datasetsDir });
    expect(single.split).toBe('train');
  });
});

describe('resolveDatasetRef with a URL', () => {
  const BODY = Buffer.from('{"text":"hi","label":1}\n');

  it('downloads into the cache by URL hash, records the checksum and reuses the copy', async () => {
    server.routes.set('/shared/my%20data.jsonl', { body: BODY });
    const url = `${server.url}/shared/my%20data.jsonl`;
    const cacheDir = join(tmp, 'cache');
    const first = await resolveDatasetRef(url, { cacheDir, env: {}, onProgress: false });
    expect(first).toMatchObject({ source: 'download', sha256: sha(BODY), url });
    expect(first.path.startsWith(join(cacheDir, 'urls', sha(url).slice(0, 16)))).toBe(true);
    expect(first.path.endsWith('my_data.jsonl')).toBe(true);
    expect(readFileSync(`${first.path}.sha256`, 'utf8').trim()).toBe(sha(BODY));

    const second = await resolveDatasetRef(url, { cacheDir, env: {}, onProgress: false });
    expect(second).toMatchObject({ source: 'cache', path: first.path, sha256: sha(BODY) });
    expect(server.count('/shared/my%20data.jsonl')).toBe(1);

    writeFileSync(first.path, 'changed on disk');
    const third = await resolveDatasetRef(url, { cacheDir, env: {}, onProgress: false });
    expect(third.source).toBe('download');
    expect(readFileSync(third.path).equals(BODY)).toBe(true);
    expect(server.count('/shared/my%20data.jsonl')).toBe(2);
  });

  it('a pinned sha256 is enforced', async () => {
    server.routes.set('/d.jsonl', { body: BODY });
    const cacheDir = join(tmp, 'cache');
    await expect(
      resolveDatasetRef(`${server.url}/d.jsonl`, { cacheDir, env: {}, onProgress: false, sha256: sha('x') }),
    ).rejects.toMatchObject({ code: 'E_DOWNLOAD_CHECKSUM' });
  });

  it('a filesystem path reference is resolved as an explicit file', async () => {
    const own = join(tmp, 'own.csv');
    writeFileSync(own, 'text,label\na,1\n');
    await expect(resolveDatasetRef(own, { env: {} })).resolves.toMatchObject({ source: 'explicit', path: own });
  });
});
