import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecData } from '../../model/pipeline/data.js';
import { loadSpec } from '../../model/spec/spec.js';
import { silentProgress } from '../../model/train/progress.js';

const BODY = 'sentence\tlabel\ngood film\t1\nbad film\t0\n';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
let server: Server;
let url = '';
let hits = 0;
let tmp: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-length': Buffer.byteLength(BODY) }).end(BODY);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/team/train.tsv`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pin-'));
  hits = 0;
  process.env.GITOPS_ML_CACHE_DIR = join(tmp, 'cache');
});
afterEach(() => {
  delete process.env.GITOPS_ML_CACHE_DIR;
  rmSync(tmp, { recursive: true, force: true });
});

function writeSpec(dataset: Record<string, unknown>): string {
  const path = join(tmp, 'team.json');
  writeFileSync(path, `${JSON.stringify({ name: 'team', task: 'binary-text-classification', dataset, architecture: { type: 'bigru' } }, null, 2)}\n`);
  return path;
}

describe('a team dataset given as a URL is fetched only pinned', () => {
  it('a local run pins an unpinned URL into the spec; the next run verifies against the pin', async () => {
    const specPath = writeSpec({ train: url });
    const lines: string[] = [];
    const raw = await loadSpecData(loadSpec(specPath), { ...silentProgress, line: (l: string) => lines.push(l) }, { mode: 'write', specPath });
    expect(raw.train).toHaveLength(2);
    const written = JSON.parse(readFileSync(specPath, 'utf8'));
    expect(written.dataset).toEqual({ train: url, sha256: { train: sha(BODY) } });
    expect(lines.some((l) => l.includes(`pinned ${url} at sha256 ${sha(BODY)}`))).toBe(true);
    // Pinned now: refusing mode accepts it.
    await expect(loadSpecData(loadSpec(specPath), silentProgress, { mode: 'refuse' })).resolves.toMatchObject({ sources: { train: { sha256: sha(BODY) } } });
  });

  it('CI refuses an unpinned URL before fetching anything', async () => {
    const specPath = writeSpec({ train: url });
    await expect(loadSpecData(loadSpec(specPath), silentProgress, { mode: 'refuse' })).rejects.toMatchObject({
      code: 'E_DATASET_UNPINNED',
      message: expect.stringContaining(`dataset.train is the URL ${url} with no dataset.sha256.train`),
    });
    expect(hits).toBe(0);
  });

  it('a pin that the bytes do not match fails and keeps nothing', async () => {
    const specPath = writeSpec({ train: url, sha256: { train: sha('other') } });
    await expect(loadSpecData(loadSpec(specPath), silentProgress, { mode: 'refuse' })).rejects.toMatchObject({ code: 'E_DOWNLOAD_CHECKSUM' });
  });

  it('a malformed pin is a spec error naming the field', () => {
    const specPath = writeSpec({ train: url, sha256: { train: 'abc' } });
    expect(() => loadSpec(specPath)).toThrow(/sha256/);
  });
});

describe('extra training files (dataset.extraTrain)', () => {
  it('are appended to train in order, each recorded in the provenance as train+N', async () => {
    const extra = join(tmp, 'extra.tsv');
    writeFileSync(extra, 'sentence\tlabel\ngreat film\t1\nbad film\t0\n');
    const main = join(tmp, 'main.tsv');
    writeFileSync(main, BODY);
    const raw = await loadSpecData(loadSpec(writeSpec({ train: main, extraTrain: [extra] })), silentProgress);
    expect(raw.train.map((e) => e.text)).toEqual(['good film', 'bad film', 'great film', 'bad film']);
    expect(raw.sources['train+1']).toMatchObject({ ref: extra, rows: 2, source: 'explicit', sha256: sha('sentence\tlabel\ngreat film\t1\nbad film\t0\n') });
    expect(raw.sources.train).toMatchObject({ ref: main, rows: 2 });
  });

  it('a URL among them is refused before anything is fetched, naming the entry', async () => {
    const main = join(tmp, 'main.tsv');
    writeFileSync(main, BODY);
    await expect(loadSpecData(loadSpec(writeSpec({ train: main, extraTrain: [url] })), silentProgress)).rejects.toMatchObject({
      code: 'E_DATASET_REF',
      message: expect.stringContaining(`dataset.extraTrain[0] is the URL ${url}`),
    });
    expect(hits).toBe(0);
  });
});
