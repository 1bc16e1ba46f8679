import { GitopsMlError } from '../errors.js';

/** File formats the loaders understand. */
export type DatasetFormat = 'tsv' | 'csv' | 'jsonl';

/** One file of a dataset, as stored under `<datasets dir>/<name>/<path>`. */
export interface DatasetFile {
  /** Path relative to the dataset's own directory. */
  path: string;
  /** sha256 (hex) of the normalised file; checked whenever the file is used. */
  sha256: string;
  /** Number of data rows (header excluded). */
  rows: number;
}

interface DatasetEntryBase {
  name: string;
  description: string;
  license: string;
  citation: string;
  /** Canonical source page of the original release. */
  homepage: string;
  /** Original archives the normalised files were derived from, for provenance only. */
  sourceArchives: readonly string[];
  format: DatasetFormat;
  textColumn: string;
  files: Readonly<Record<string, DatasetFile>>;
}

/** Labelled data the classifier trains or is evaluated on. */
export interface SentimentDatasetEntry extends DatasetEntryBase {
  kind: 'sentiment';
  labelColumn: string;
}

/** Unlabelled probe sentences for bias measurement (no sentiment label to train on). */
export interface FairnessDatasetEntry extends DatasetEntryBase {
  kind: 'fairness';
  columns: readonly string[];
}

export type DatasetEntry = SentimentDatasetEntry | FairnessDatasetEntry;

export const DATASET_REGISTRY = {
  sst2: {
    name: 'sst2',
    kind: 'sentiment',
    description:
      'Stanford Sentiment Treebank, binary (SST-2). train/dev as packaged by GLUE (train includes phrases); ' +
      'test is the standard labelled binary SST test set (GLUE hides these labels, so it comes from the original ' +
      'treebank release); train_sentences is the train split restricted to full sentences. Lower-cased, PTB-tokenised.',
    license: 'No explicit license; distributed by the Stanford NLP group for research use (see homepage).',
    citation:
      'Socher et al., "Recursive Deep Models for Semantic Compositionality Over a Sentiment Treebank", EMNLP 2013; ' +
      'Wang et al., "GLUE: A Multi-Task Benchmark and Analysis Platform for Natural Language Understanding", 2018.',
    homepage: 'https://nlp.stanford.edu/sentiment/',
    sourceArchives: ['https://dl.fbaipublicfiles.com/glue/data/SST-2.zip', 'https://nlp.stanford.edu/sentiment/'],
    format: 'tsv',
    textColumn: 'sentence',
    labelColumn: 'label',
    files: {
      train: {
        path: 'train.tsv',
        sha256: 'c75796b01672b41c38cd4b35f4ff1ade88ca79b7577f3926e01ff69739d85ec9',
        rows: 67349,
      },
      dev: {
        path: 'dev.tsv',
        sha256: 'f7271f7a919ea884ca8563e13ed03028aa44296d1f738c003af3142b9a2188f8',
        rows: 872,
      },
      test: {
        path: 'test.tsv',
        sha256: '1da6e04ccd65c1ade32864afa62129b3b3d5df0f1b314961ec345af304274093',
        rows: 1821,
      },
      train_sentences: {
        path: 'train_sentences.tsv',
        sha256: 'cd45f1cdd4adcd66563b8116669136877f7b9525697cb486b2d46b960231f94d',
        rows: 6920,
      },
    },
  },
  mr: {
    name: 'mr',
    kind: 'sentiment',
    description:
      'Movie Review sentence polarity v1.0 (Pang & Lee 2005). No official split: use cross-validation. ' +
      'SST was built from the same reviews, so never train on one and test on the other.',
    license: 'No explicit license; distributed by the authors for research use (see homepage).',
    citation:
      'Pang & Lee, "Seeing stars: Exploiting class relationships for sentiment categorization with respect to rating scales", ACL 2005.',
    homepage: 'https://www.cs.cornell.edu/people/pabo/movie-review-data/',
    sourceArchives: ['https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz'],
    format: 'tsv',
    textColumn: 'sentence',
    labelColumn: 'label',
    files: {
      all: {
        path: 'rt-polarity.tsv',
        sha256: '45f663e66fafefb064a9c2d2a46c4c801c0777aa36bf4ca66a58a66bd0064ea6',
        rows: 10662,
      },
    },
  },
  eec: {
    name: 'eec',
    kind: 'fairness',
    description:
      'Equity Evaluation Corpus: template sentences differing only in a person name or gendered noun phrase, ' +
      'for measuring gender and race bias. No sentiment labels.',
    license: 'Made freely available by the NRC for research use (see homepage for terms).',
    citation:
      'Kiritchenko & Mohammad, "Examining Gender and Race Bias in Two Hundred Sentiment Analysis Systems", *SEM 2018.',
    homepage: 'https://saifmohammad.com/WebPages/Biases-SA.html',
    sourceArchives: ['https://saifmohammad.com/WebPages/Biases-SA.html'],
    format: 'csv',
    textColumn: 'Sentence',
    columns: ['ID', 'Sentence', 'Template', 'Person', 'Gender', 'Race', 'Emotion', 'Emotion word'],
    files: {
      all: {
        path: 'Equity-Evaluation-Corpus.csv',
        sha256: 'd90ff4e56e46475c12d0bb89c2f7bb3e3d23ef36d0fb64e1fb371157c80a45c3',
        rows: 8640,
      },
    },
  },
} as const satisfies Record<string, DatasetEntry>;

export type DatasetName = keyof typeof DATASET_REGISTRY;

/** A registry shaped like DATASET_REGISTRY; resolution takes one so tests can inject their own. */
export type DatasetRegistry = Readonly<Record<string, DatasetEntry>>;

/*
 * The canonical archives (zip/tar.gz, different file names and layouts, GLUE's test set
 * without labels) cannot be fetched file-by-file into the normalised layout above, so
 * downloads go to a mirror that serves exactly these files as `<base>/<name>/<path>`.
 * A team hosts such a mirror (any static file server, e.g. a release asset bucket) and
 * points GITOPS_ML_DATASETS_URL at it. The default is a deliberately unresolvable
 * placeholder (.invalid is reserved by RFC 2606) so nothing is fetched by accident.
 */
export const DEFAULT_DATASETS_MIRROR = 'https://datasets-mirror-not-configured.invalid/gitops-ml';
export const DATASETS_URL_ENV = 'GITOPS_ML_DATASETS_URL';

export function getDataset(name: string, registry: DatasetRegistry = DATASET_REGISTRY): DatasetEntry {
  const entry = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!entry) {
    throw new GitopsMlError(
      'E_DATASET_UNKNOWN',
      `unknown dataset "${name}"; known datasets: ${Object.keys(registry).join(', ')}`,
    );
  }
  return entry;
}

export function getDatasetFile(
  name: string,
  split: string,
  registry: DatasetRegistry = DATASET_REGISTRY,
): { entry: DatasetEntry; file: DatasetFile } {
  const entry = getDataset(name, registry);
  const file = Object.hasOwn(entry.files, split) ? entry.files[split] : undefined;
  if (!file) {
    throw new GitopsMlError(
      'E_DATASET_SPLIT_UNKNOWN',
      `dataset "${name}" has no split "${split}"; its splits: ${Object.keys(entry.files).join(', ')}`,
    );
  }
  return { entry, file };
}

/** The split to use when a reference names only the dataset: defined only when there is exactly one. */
export function defaultSplit(entry: DatasetEntry): string | undefined {
  const splits = Object.keys(entry.files);
  return splits.length === 1 ? splits[0] : undefined;
}

export function datasetsBaseUrl(
  opts: { baseUrl?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const env = opts.env ?? process.env;
  const raw = opts.baseUrl ?? (env[DATASETS_URL_ENV] || undefined) ?? DEFAULT_DATASETS_MIRROR;
  return raw.replace(/\/+$/, '');
}

export function datasetFileUrl(name: string, file: DatasetFile, baseUrl: string): string {
  const encodedPath = file.path.split('/').map(encodeURIComponent).join('/');
  return `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(name)}/${encodedPath}`;
}
