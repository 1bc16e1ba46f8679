import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDatasets } from '../../model/data/fetch.js';
import { DATASET_REGISTRY } from '../../model/data/registry.js';
import { datasetsDir } from '../helpers/datasets.js';

describe('fetch-datasets (what CI on GitHub uses to lay out DATASETS_DIR)', () => {
  it('lays out every registry file, each with the registry\'s checksum', async () => {
    const out = mkdtempSync(join(tmpdir(), 'datasets-out-'));
    const lines: string[] = [];
    const n = (await fetchDatasets({ out, datasetsDir: datasetsDir(), cacheDir: mkdtempSync(join(tmpdir(), 'cache-')), env: {}, onFile: (l) => lines.push(l) })).length;
    const files = Object.values(DATASET_REGISTRY).flatMap((e) => Object.values(e.files as Record<string, { path: string; sha256: string }>).map((f) => ({ name: e.name, ...f })));
    expect(n).toBe(files.length);
    for (const f of files) expect([f.name, f.path, createHash('sha256').update(readFileSync(join(out, f.name, f.path))).digest('hex')]).toEqual([f.name, f.path, f.sha256]);
    expect(lines[0]).toMatch(/^sst2:train → .*sst2\/train\.tsv \(datasets_dir, sha256 [0-9a-f]{12}…\)$/);
  });
});
