import { datasetsDir as sharedDatasetsDir } from '../helpers/datasets.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitopsMlError } from '../../model/errors.js';
import {
  DATASET_REGISTRY,
  DEFAULT_DATASETS_MIRROR,
  datasetFileUrl,
  datasetsBaseUrl,
  defaultSplit,
  getDataset,
  getDatasetFile,
} from '../../model/data/registry.js';
import { defaultCacheDir, parseDatasetRef, resolveDatasetRef } from '../../model/data/resolve.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function thrown(fn: () => unknown): GitopsMlError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GitopsMlError);
    return err as GitopsMlError;
  }
  throw new Error('expected a GitopsMlError, nothing was thrown');
}

describe('dataset registry', () => {
  it('describes sst2 and mr as labelled sentiment data and eec as a fairness probe set', () => {
    expect(getDataset('sst2')).toMatchObject({ kind: 'sentiment', format: 'tsv', textColumn: 'sentence', labelColumn: 'label' });
    expect(getDataset('mr')).toMatchObject({ kind: 'sentiment', files: { all: { path: 'rt-polarity.tsv', rows: 10662 } } });
    const eec = getDataset('eec');
    expect(eec.kind).toBe('fairness');
    expect(eec.textColumn).toBe('Sentence');
    expect(eec.kind === 'fairness' && eec.columns).toEqual([
      'ID', 'Sentence', 'Template', 'Person', 'Gender', 'Race', 'Emotion', 'Emotion word',
    ]);
    expect(Object.keys(DATASET_REGISTRY.sst2.files).sort()).toEqual(['dev', 'test', 'train', 'train_sentences']);
    for (const entry of Object.values(DATASET_REGISTRY)) {
      expect(entry.homepage).toMatch(/^https:\/\//);
      expect(entry.citation.length).toBeGreaterThan(10);
      for (const file of Object.values(entry.files)) expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('an unknown name is an error listing the known names', () => {
    const err = thrown(() => getDataset('sst5'));
    expect(err.code).toBe('E_DATASET_UNKNOWN');
    expect(err.message).toContain('"sst5"');
    expect(err.message).toContain('sst2, mr, eec');
    // Inherited object keys must not pass for datasets.
    expect(thrown(() => getDataset('toString')).code).toBe('E_DATASET_UNKNOWN');
  });

  it('an unknown split is an error listing the splits', () => {
    const err = thrown(() => getDatasetFile('sst2', 'validation'));
    expect(err.code).toBe('E_DATASET_SPLIT_UNKNOWN');
    expect(err.message).toContain('train, dev, test, train_sentences');
    expect(getDatasetFile('sst2', 'dev').file.rows).toBe(872);
  });

  it('the default split exists only for single-file datasets', () => {
    expect(defaultSplit(getDataset('mr'))).toBe('all');
    expect(defaultSplit(getDataset('sst2'))).toBeUndefined();
  });

  it('download URLs are <base>/<name>/<path>, base from option, then env, then the placeholder', () => {
    const file = DATASET_REGISTRY.sst2.files.dev;
    expect(datasetFileUrl('sst2', file, 'https://m.example/data/')).toBe('https://m.example/data/sst2/dev.tsv');
    expect(datasetsBaseUrl({ baseUrl: 'https://a.example/', env: { GITOPS_ML_DATASETS_URL: 'https://b.example' } })).toBe(
      'https://a.example',
    );
    expect(datasetsBaseUrl({ env: { GITOPS_ML_DATASETS_URL: 'https://b.example' } })).toBe('https://b.example');
    expect(datasetsBaseUrl({ env: {} })).toBe(DEFAULT_DATASETS_MIRROR);
    expect(new URL(DEFAULT_DATASETS_MIRROR).hostname.endsWith('.invalid')).toBe(true);
  });

  const datasetsDir = sharedDatasetsDir();
  it(
    'every registry checksum equals the one in the reference SHA256SUMS',
    () => {
      const sums = new Map(
        readFileSync(resolve(datasetsDir, 'SHA256SUMS'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => {
            const [hash = '', path = ''] = l.trim().split(/\s+\*?/);
            return [path, hash] as const;
          }),
      );
      const ours = Object.values(DATASET_REGISTRY).flatMap((e) =>
        Object.values(e.files).map((f) => [`${e.name}/${f.path}`, f.sha256] as const),
      );
      expect(new Map(ours)).toEqual(sums);
    },
  );
});

describe('cache location', () => {
  it('defaults to <repo>/.cache/datasets, overridable by GITOPS_ML_CACHE_DIR', () => {
    expect(defaultCacheDir({})).toBe(resolve(REPO_ROOT, '.cache', 'datasets'));
    expect(defaultCacheDir({ GITOPS_ML_CACHE_DIR: '/var/cache/gm' })).toBe('/var/cache/gm');
  });
});

describe('dataset references', () => {
  it.each([
    ['sst2:train', { kind: 'registry', name: 'sst2', split: 'train' }],
    ['mr', { kind: 'registry', name: 'mr', split: undefined }],
    ['sst5:train', { kind: 'registry', name: 'sst5', split: 'train' }],
    ['data/train.tsv', { kind: 'path', path: 'data/train.tsv' }],
    ['./sst2:train', { kind: 'path', path: './sst2:train' }],
    ['mydata', { kind: 'path', path: 'mydata' }],
    ['/abs/x.jsonl', { kind: 'path', path: '/abs/x.jsonl' }],
    ['file:///tmp/x.csv', { kind: 'path', path: '/tmp/x.csv' }],
    ['https://example.org/a/b.tsv', { kind: 'url', url: 'https://example.org/a/b.tsv' }],
  ])('parseDatasetRef(%p)', (ref, expected) => {
    expect(parseDatasetRef(ref)).toEqual(expected);
  });

  it('rejects empty references and unsupported schemes', () => {
    expect(thrown(() => parseDatasetRef('  ')).code).toBe('E_DATASET_REF');
    const ftp = thrown(() => parseDatasetRef('ftp://example.org/x.tsv'));
    expect(ftp.code).toBe('E_DATASET_REF');
    expect(ftp.message).toContain('"ftp"');
  });

  it('resolving an unknown registry reference lists the known names; a multi-split one needs a split', async () => {
    await expect(resolveDatasetRef('sst5:train', { env: {} })).rejects.toMatchObject({
      code: 'E_DATASET_UNKNOWN',
      message: expect.stringContaining('sst2, mr, eec'),
    });
    await expect(resolveDatasetRef('sst2', { env: {} })).rejects.toMatchObject({
      code: 'E_DATASET_SPLIT_REQUIRED',
      message: expect.stringContaining('sst2:test'),
    });
  });

  it('refuses plain http to a non-loopback host before any request', async () => {
    await expect(resolveDatasetRef('http://example.org/data.tsv', { env: {} })).rejects.toMatchObject({
      code: 'E_DATASET_INSECURE_URL',
    });
  });
});
