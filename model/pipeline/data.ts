import { loadExamples } from '../data/loaders.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { GitopsMlError } from '../errors.js';
import { parseDatasetRef, resolveDatasetRef } from '../data/resolve.js';
import { cleanExamples, dedupeExamples, findLeakage, stratifiedSplit } from '../data/prepare.js';
import type { CleaningReport, DedupeReport, LeakageReport } from '../data/prepare.js';
import { augmentExamples } from '../data/augment.js';
import { addNegationExamples } from '../data/negation-augment.js';
import { buildEdaReport, renderEdaMarkdown } from '../data/eda.js';
import type { ModelSpec } from '../spec/spec.js';
import type { ProgressSink } from '../train/progress.js';
import type { Example } from '../types.js';

export interface SourceRecord {
  ref: string;
  path: string;
  sha256: string;
  rows: number;
  source: string;
  variant?: string;
}

export interface RawData {
  train: Example[];
  dev?: Example[];
  test?: Example[];
  sources: Record<string, SourceRecord>;
}

export interface PreparedData {
  train: Example[];
  dev: Example[];
  test: Example[];
  sources: Record<string, SourceRecord>;
  cleaning: Record<string, CleaningReport>;
  dedupe: DedupeReport | null;
  leakage: { test: LeakageReport | null; dev: LeakageReport | null };
  augmented: number;
  eda: unknown;
  edaMarkdown: string;
  summary: string;
}

/**
 * What to do with an https dataset URL the spec does not pin: `write` fetches it once and
 * writes its sha256 into the spec file (dataset.sha256.<split>), so later runs verify the
 * same bytes; `refuse` (CI) stops before fetching, since a pin written on a runner is lost.
 */
export type UrlPinning = { mode: 'write'; specPath: string } | { mode: 'refuse' };

function writePin(specPath: string, split: string, sha256: string): void {
  const doc = JSON.parse(readFileSync(specPath, 'utf8')) as { dataset: { sha256?: Record<string, string> } };
  doc.dataset.sha256 = { ...doc.dataset.sha256, [split]: sha256 };
  writeFileSync(specPath, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Resolves and loads the spec's dataset references (registry ref, path or URL). */
export async function loadSpecData(spec: ModelSpec, progress: ProgressSink, pinning: UrlPinning = { mode: 'refuse' }): Promise<RawData> {
  const sources: Record<string, SourceRecord> = {};
  const load = async (split: 'train' | 'dev' | 'test' | `train+${number}`, ref: string | undefined): Promise<Example[] | undefined> => {
    if (!ref) return undefined;
    const pin = split === 'train' || split === 'dev' || split === 'test' ? spec.dataset.sha256?.[split] : undefined;
    const isUrl = parseDatasetRef(ref).kind === 'url';
    if (isUrl && pin === undefined && pinning.mode === 'refuse') {
      throw new GitopsMlError(
        'E_DATASET_UNPINNED',
        `dataset.${split} is the URL ${ref} with no dataset.sha256.${split} in the spec; a URL is fetched only pinned. ` +
          'Run the training once locally (it writes the pin into the spec), review and commit it, or add the sha256 yourself',
      );
    }
    const resolved = await resolveDatasetRef(ref, pin !== undefined ? { sha256: pin } : {});
    if (isUrl && pin === undefined && pinning.mode === 'write') {
      writePin(pinning.specPath, split, resolved.sha256);
      progress.line(`[data] ${split}: pinned ${ref} at sha256 ${resolved.sha256} in ${pinning.specPath} (commit it)`);
    }
    const loaded = await loadExamples(resolved.path, { textColumn: spec.dataset.textColumn, labelColumn: spec.dataset.labelColumn });
    sources[split] = { ref, path: resolved.path, sha256: loaded.sha256, rows: loaded.examples.length, source: resolved.source, ...(resolved.variant ? { variant: resolved.variant } : {}) };
    progress.line(`[data] ${split}: ${ref} → ${resolved.path} (${loaded.examples.length} rows, ${resolved.source}, sha256 ${loaded.sha256.slice(0, 12)}…)`);
    return loaded.examples;
  };
  const train = (await load('train', spec.dataset.train)) as Example[];
  for (const [i, ref] of (spec.dataset.extraTrain ?? []).entries()) {
    // A URL is fetched only against a pin, and pins are kept per split: extra data comes from the registry or a file.
    if (parseDatasetRef(ref).kind === 'url') {
      throw new GitopsMlError('E_DATASET_REF', `dataset.extraTrain[${i}] is the URL ${ref}; extra training data must be a registry reference (such as sst2:train_phrases) or a path`);
    }
    // Recorded as its own entry (train+1, train+2, …) in the artifact's dataset provenance.
    for (const e of (await load(`train+${i + 1}`, ref)) as Example[]) train.push(e);
  }
  const dev = await load('dev', spec.dataset.dev);
  const test = await load('test', spec.dataset.test);
  return { train, dev, test, sources };
}

/**
 * Cleaning, de-duplication (train only: dev/test stay comparable with published
 * numbers), splits when the spec gives none, the leakage check, optional augmentation
 * and the EDA report. Pure: no I/O.
 */
export function prepareData(spec: ModelSpec, raw: RawData): PreparedData {
  const seed = spec.training.seed;
  const cleaning: Record<string, CleaningReport> = {};
  const clean = (name: string, xs: Example[] | undefined): Example[] | undefined => {
    if (!xs) return undefined;
    const r = cleanExamples(xs);
    cleaning[name] = r.report;
    return r.examples;
  };
  let train = clean('train', raw.train) as Example[];
  let dev = clean('dev', raw.dev);
  let test = clean('test', raw.test);
  let dedupe: DedupeReport | null = null;
  if (spec.preprocessing.dedupe) {
    const d = dedupeExamples(train);
    train = d.examples;
    dedupe = d.report;
  }
  if (!test) {
    const s = stratifiedSplit(train, { train: 0.8, dev: dev ? 0 : 0.1, test: dev ? 0.2 : 0.1 }, seed);
    train = s.train;
    test = s.test;
    dev = dev ?? s.dev;
  } else if (!dev) {
    const f = spec.dataset.devFraction;
    const s = stratifiedSplit(train, { train: 1 - f, dev: f, test: 0 }, seed);
    train = s.train;
    dev = s.dev;
  }
  const leakage = { test: findLeakage(train, test), dev: dev.length ? findLeakage(train, dev) : null };
  const cap = spec.training.maxTrainExamples;
  if (cap !== undefined && train.length > cap) train = stratifiedSplit(train, { train: cap / train.length, dev: 0, test: 1 - cap / train.length }, seed).train;
  let augmented = 0;
  if (spec.preprocessing.augmentation.enabled) {
    const before = train.length;
    train = augmentExamples(train, { ratio: spec.preprocessing.augmentation.ratio, seed }).examples;
    augmented = train.length - before;
  }
  const na = spec.preprocessing.negationAugmentation;
  if (na?.enabled) {
    const before = train.length;
    train = addNegationExamples(train, { ratio: na.ratio, framesPerWord: na.framesPerWord, clauseRatio: na.clauseRatio ?? 0, swapsPerText: na.swapsPerText ?? 0, seed }).examples;
    augmented += train.length - before;
  }
  const eda = buildEdaReport({ splits: { train, dev, test }, leakage: leakage.test ?? undefined, cleaning, dedupe: dedupe ?? undefined });
  const summary =
    `train ${train.length}${dedupe ? ` (${dedupe.duplicatesRemoved} duplicates removed)` : ''}${augmented ? ` incl. ${augmented} augmented` : ''}, ` +
    `dev ${dev.length}, test ${test.length}; leakage: ${leakage.test.leakedExamples} test sentence(s) also in train (${(leakage.test.share * 100).toFixed(2)}%)`;
  return { train, dev, test, sources: raw.sources, cleaning, dedupe, leakage, augmented, eda, edaMarkdown: renderEdaMarkdown(eda), summary };
}
