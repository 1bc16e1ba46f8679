import { BEYOND_REFERENCE, datasetsDir as sharedDatasetsDir } from '../helpers/datasets.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitopsMlError } from '../../model/errors.js';
import { createHash } from 'node:crypto';
import { canonicalUrl } from '../../model/data/canonical.js';
import { detokenizePtb, normalise, normaliseSstTreePhrases, normaliseSstTrees, normaliseSstTreesAsWritten } from '../../model/data/normalise.js';
import { CANONICAL_ARCHIVES, DATASET_REGISTRY, defaultSplit, getDataset, getDatasetFile } from '../../model/data/registry.js';
import type { DatasetFile } from '../../model/data/registry.js';
import { defaultCacheDir, parseDatasetRef, resolveDatasetRef } from '../../model/data/resolve.js';
import { canonicalMember } from '../helpers/canonical-mirror.js';

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
    expect(Object.keys(DATASET_REGISTRY.sst2.files).sort()).toEqual(['dev', 'test', 'test_as_written', 'train', 'train_phrases', 'train_sentences']);
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
    expect(err.message).toContain('train, dev, test, train_sentences, train_phrases, test_as_written');
    expect(getDatasetFile('sst2', 'dev').file.rows).toBe(872);
  });

  it('the default split exists only for single-file datasets', () => {
    expect(defaultSplit(getDataset('mr'))).toBe('all');
    expect(defaultSplit(getDataset('sst2'))).toBeUndefined();
  });

  it('a mirror keeps the canonical path and swaps scheme and host (a base path is a prefix)', () => {
    const glue = CANONICAL_ARCHIVES['glue-sst2'];
    expect(canonicalUrl(glue, undefined)).toEqual({ url: 'https://dl.fbaipublicfiles.com/glue/data/SST-2.zip', viaMirror: false });
    expect(canonicalUrl(glue, 'http://127.0.0.1:8080')).toEqual({ url: 'http://127.0.0.1:8080/glue/data/SST-2.zip', viaMirror: true });
    expect(canonicalUrl(glue, 'https://files.acme.example/datasets/')).toEqual({ url: 'https://files.acme.example/datasets/glue/data/SST-2.zip', viaMirror: true });
    expect(() => canonicalUrl(glue, 'ftp://x.example')).toThrow(/GITOPS_ML_CANONICAL_MIRROR must be an http\(s\) URL/);
    expect(() => canonicalUrl(glue, 'not a url')).toThrow(/GITOPS_ML_CANONICAL_MIRROR is not a URL/);
  });

  it('every file names its archive, members and rule; published archive pins are sha256', () => {
    for (const entry of Object.values(DATASET_REGISTRY)) {
      for (const file of Object.values(entry.files) as DatasetFile[]) {
        expect(file.source?.members.length).toBeGreaterThan(0);
        expect(Object.keys(CANONICAL_ARCHIVES)).toContain(file.source?.archive);
      }
    }
    expect(Object.entries(CANONICAL_ARCHIVES).filter(([, a]) => 'sha256' in a).map(([n]) => n)).toEqual(['glue-sst2', 'sst-trees', 'mr-polarity']);
  });

  it('the pins follow from the canonical members: member hashes, and the normalisation replayed on them', () => {
    const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
    for (const entry of Object.values(DATASET_REGISTRY)) {
      for (const file of Object.values(entry.files) as DatasetFile[]) {
        const source = file.source as NonNullable<DatasetFile['source']>;
        const members = source.members.map((m) => canonicalMember(source.archive, m.path));
        // Canonical members fetched from the EEC's host may be its corrected release.
        const release = (file.variants ?? []).find((v) => v.memberSha256.every((h, i) => h === sha(members[i] as Buffer)));
        expect(members.map((b) => sha(b))).toEqual(release?.memberSha256 ?? source.members.map((m) => m.sha256));
        const text = normalise(source.normalise, members);
        expect([entry.name, file.path, sha(text)]).toEqual([entry.name, file.path, release?.sha256 ?? file.sha256]);
        expect(text.split('\n').length - 2).toBe(file.rows);
        // A variant's pins follow from its members the same way.
        for (const v of file.variants ?? []) {
          if (release) continue;
          const fixed = members.map((b) => Buffer.from(b.toString('utf8').replace(/dissapointed/g, 'disappointed')));
          expect(fixed.map((b) => sha(b))).toEqual(v.memberSha256);
          expect(sha(normalise(source.normalise, fixed))).toBe(v.sha256);
        }
      }
    }
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
      // The reference lists every file but those the registry added after it, which are pinned too.
      expect(new Map(ours)).toEqual(new Map([...sums, ...Object.entries(BEYOND_REFERENCE)]));
      for (const path of Object.keys(BEYOND_REFERENCE)) expect(sums.has(path)).toBe(false);
    },
  );
});

describe('cache location', () => {
  it('is per user (two clones share it): GITOPS_ML_CACHE_DIR, else $XDG_CACHE_HOME/gitops-ml, else ~/.cache/gitops-ml', () => {
    expect(defaultCacheDir({ GITOPS_ML_CACHE_DIR: '/var/cache/gm', XDG_CACHE_HOME: '/x' })).toBe('/var/cache/gm/datasets');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/home/a' })).toBe('/x/gitops-ml/datasets');
    // A relative XDG_CACHE_HOME is invalid per the XDG spec and ignored.
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/a' })).toBe('/home/a/.cache/gitops-ml/datasets');
    expect(defaultCacheDir({ HOME: '/home/a' })).toBe('/home/a/.cache/gitops-ml/datasets');
    expect(defaultCacheDir({ HOME: '/home/a' })).not.toContain(REPO_ROOT);
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

describe('the tree-phrase rule (sst2:train_phrases)', () => {
  const trees = [
    '(3 (2 It) (4 (2 is) (4 (3 not) (0 -LRB-dull-RRB-))))',
    "(1 (2 (2 A) (2 co-writer\\/director)) (1 (2 is) (0 (2 n't) (3 funny))))",
    '(4 (3 not) (2 it))',
    '',
  ].join('\n');

  it('lists every non-neutral node once, root first, in GLUE spelling, the first label of a repeated text kept', () => {
    expect(normaliseSstTreePhrases(Buffer.from(trees)).split('\n')).toEqual([
      'sentence\tlabel',
      'it is not (dull)\t1',
      'is not (dull)\t1',
      'not (dull)\t1',
      'not\t1',
      '(dull)\t0',
      "a co-writer/director is n't funny\t0",
      "is n't funny\t0",
      "n't funny\t0",
      'funny\t1',
      'not it\t1',
      '',
    ]);
  });

  it.each([
    ['(5 (2 a))', /a node must start with "\(<0-4> " \(column 1\)/],
    ['(3 (2 a)', /the tree is not balanced/],
    ['(3 (2 a)))', /unbalanced "\)" \(column 10\)/],
    ['(3 (2 a', /a leaf is not closed/],
  ])('refuses the malformed tree %p with the line and what is wrong', (tree, message) => {
    let err: unknown;
    try {
      normaliseSstTreePhrases(Buffer.from(`(3 (2 fine))\n${tree}\n`), 'trees/train.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GitopsMlError);
    expect((err as GitopsMlError).message).toMatch(message);
    expect((err as GitopsMlError).message).toMatch(/trees\/train\.txt.*2|2.*trees\/train\.txt/);
  });
});

describe('the as-written rule (sst2:test_as_written)', () => {
  it('undoes the treebank tokenizer: casing kept, escapes undone, clitics and punctuation joined', () => {
    expect(
      detokenizePtb(['It', 'does', "n't", '-LRB-', 'quite', '-RRB-', 'work', ',', '``', 'sadly', "''", '--', 'a', '$', '5', 'co-writer\\/director', '...']),
    ).toBe('It doesn\'t (quite) work, "sadly" -- a $5 co-writer/director...');
    expect(detokenizePtb(['I', "'m", 'sure', 'they', "'ll", 'say', '`', 'wow', "'", '!'])).toBe("I'm sure they'll say 'wow'!");
  });

  it('keeps root labels and drops neutral trees, like the lower-cased rule on the same member', () => {
    const trees = "(3 (2 It) (4 (2 's) (4 good)))\n(2 (2 Meh) (2 .))\n(0 (2 Not) (1 (2 my) (0 thing)))\n";
    expect(normaliseSstTreesAsWritten(Buffer.from(trees), 'trees/test.txt')).toBe("sentence\tlabel\nIt's good\t1\nNot my thing\t0\n");
    expect(normaliseSstTrees(Buffer.from(trees), 'trees/test.txt')).toBe("sentence\tlabel\nit 's good\t1\nnot my thing\t0\n");
  });
});
