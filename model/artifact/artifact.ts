import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArtifactError, ValidationError } from '../errors.js';
import { initLoadingBackend } from '../nn/backend.js';
import { deserializeLayersModel, extractEnsemble, serializeLayersModel, buildLayersModel, WEIGHTS_FILE } from '../nn/layers-export.js';
import { NEGATION_VERSION } from '../text/negation.js';
import type { EnsembleWeights } from '../nn/layers-export.js';
import { SentimentModel } from '../inference/sentiment-model.js';
import type { TokenizerFile } from '../inference/sentiment-model.js';
import { validateVocabularyJSON } from '../text/vocabulary.js';
import { MANIFEST_FILE, buildManifest, verifyArtifactFiles } from './manifest.js';
import { validateMetadata } from './metadata.js';
import type { ArtifactMetadata } from './metadata.js';

import { METADATA_FILE, MODEL_FILE, REQUIRED_FILES, TOKENIZER_FILE } from './files.js';

export { METADATA_FILE, MODEL_FILE, REQUIRED_FILES, TOKENIZER_FILE } from './files.js';

const SEMVER_DIR = /^(\d+)\.(\d+)\.(\d+)$/;

export function compareSemver(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Versions present under `<root>/<name>/`, oldest first. */
export function listVersions(root: string, name: string): string[] {
  const dir = join(root, name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && SEMVER_DIR.test(d.name) && existsSync(join(dir, d.name, MANIFEST_FILE)))
    .map((d) => d.name)
    .sort(compareSemver);
}

/** Next patch version after the newest local artifact of `name` (0.1.0 for the first). */
export function nextVersion(root: string, name: string): string {
  const versions = listVersions(root, name);
  const last = versions[versions.length - 1];
  if (!last) return '0.1.0';
  const [maj, min, pat] = last.split('.').map(Number) as [number, number, number];
  return `${maj}.${min}.${pat + 1}`;
}

/** The newest artifact directory under root (any model name), or undefined. */
export function newestArtifactDir(root: string, name?: string): string | undefined {
  if (!existsSync(root)) return undefined;
  // Dot folders hold derived copies (e.g. `.quantized/`), never a model of their own.
  const names = name ? [name] : readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  let best: { dir: string; version: string } | undefined;
  for (const n of names) {
    const versions = listVersions(root, n);
    const v = versions[versions.length - 1];
    if (v && (!best || compareSemver(v, best.version) > 0)) best = { dir: join(root, n, v), version: v };
  }
  return best?.dir;
}

export interface SaveArtifactInput {
  root: string;
  metadata: ArtifactMetadata;
  tokenizer: TokenizerFile;
  ensemble: EnsembleWeights;
  /** Reports and card drafts stored beside the model (and covered by the manifest). */
  extraFiles?: Record<string, string | Uint8Array>;
  /**
   * Files computed from the serialized ones (e.g. the evaluation record, which holds the
   * artifact's size and load time), written before the manifest so it covers them too.
   */
  lateFiles?: Record<string, (files: ReadonlyMap<string, Uint8Array>) => Promise<string> | string>;
}

/**
 * Writes `<root>/<name>/<version>/` atomically: files go to a temporary sibling folder
 * that is renamed into place only once the manifest is written, so a crash never
 * leaves a half-written artifact that looks complete. An existing version is never
 * overwritten.
 */
export async function saveArtifact(input: SaveArtifactInput): Promise<string> {
  const metadata = validateMetadata(input.metadata);
  const target = resolve(input.root, metadata.name, metadata.version);
  if (existsSync(target)) throw new ArtifactError('E_ARTIFACT_EXISTS', `${target} already exists: artifacts are immutable, choose another version`);
  const layers = buildLayersModel(input.ensemble);
  const { modelJson, weightsBin } = await serializeLayersModel(layers);
  layers.dispose();
  const files: Record<string, string | Uint8Array> = {
    ...(input.extraFiles ?? {}),
    [MODEL_FILE]: modelJson,
    [WEIGHTS_FILE]: weightsBin,
    [TOKENIZER_FILE]: JSON.stringify(input.tokenizer),
    [METADATA_FILE]: `${JSON.stringify(metadata, null, 2)}\n`,
  };
  const encoded = new Map(Object.entries(files).map(([name, c]) => [name, typeof c === 'string' ? Buffer.from(c) : c] as const));
  for (const [name, make] of Object.entries(input.lateFiles ?? {})) files[name] = await make(encoded);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp, name), content);
    writeFileSync(join(tmp, MANIFEST_FILE), `${JSON.stringify(buildManifest(files), null, 2)}\n`);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return target;
}

function parseJson(content: Buffer, path: string): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch (err) {
    throw new ArtifactError('E_ARTIFACT_JSON', `${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function validateTokenizerFile(doc: unknown, path: string): TokenizerFile {
  const t = doc as Partial<TokenizerFile>;
  const problems: string[] = [];
  if (typeof t?.tokenizer !== 'string') problems.push('"tokenizer" must be a string');
  if (!Number.isInteger(t?.max_tokens) || (t?.max_tokens as number) < 1) problems.push('"max_tokens" must be a positive integer');
  if (t?.negation !== undefined && t.negation !== NEGATION_VERSION) problems.push(`"negation" is ${JSON.stringify(t.negation)}; this code marks negation as ${NEGATION_VERSION}`);
  problems.push(...validateVocabularyJSON(t?.vocabulary).map((p) => `vocabulary: ${p}`));
  if (problems.length) throw new ValidationError(`${path} is not a valid tokenizer file`, problems);
  return t as TokenizerFile;
}

/** Verifies the manifest, validates metadata, and loads the model. Refuses anything tampered. */
export async function loadArtifact(dir: string): Promise<SentimentModel> {
  const abs = resolve(dir);
  return modelFromFiles(verifyArtifactFiles(abs, REQUIRED_FILES), abs);
}

/**
 * The model from an artifact's file contents (already verified, or just serialized):
 * metadata and tokenizer validated, shapes cross-checked. `where` names the artifact in errors.
 */
export async function modelFromFiles(files: ReadonlyMap<string, Uint8Array>, where: string): Promise<SentimentModel> {
  const abs = where;
  const get = (name: string): Buffer => {
    const b = files.get(name);
    if (!b) throw new ArtifactError('E_ARTIFACT_MISSING_FILE', `${abs}: no ${name}`);
    return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  };
  const metadata = validateMetadata(parseJson(get(METADATA_FILE), join(abs, METADATA_FILE)), join(abs, METADATA_FILE));
  const tokenizer = validateTokenizerFile(parseJson(get(TOKENIZER_FILE), join(abs, TOKENIZER_FILE)), join(abs, TOKENIZER_FILE));
  const vocabSize = tokenizer.vocabulary.tokens.length;
  if (vocabSize !== metadata.preprocessing.vocabulary_size) {
    throw new ArtifactError('E_ARTIFACT_SHAPE', `${abs}: tokenizer has ${vocabSize} tokens, metadata says ${metadata.preprocessing.vocabulary_size}`);
  }
  let ensemble: EnsembleWeights;
  // Weights pass through TF.js once at load (serving never computes there).
  await initLoadingBackend();
  try {
    const layers = await deserializeLayersModel({ modelJson: get(MODEL_FILE).toString('utf8'), weightsBin: get(WEIGHTS_FILE) });
    ensemble = extractEnsemble(layers);
    layers.dispose();
  } catch (err) {
    throw new ArtifactError('E_ARTIFACT_MODEL', `${abs}: cannot load the TF.js model (${err instanceof Error ? err.message : String(err)})`);
  }
  for (const m of [...ensemble.cnn, ...ensemble.gru]) {
    if (m.config.vocabSize !== vocabSize) {
      throw new ArtifactError('E_ARTIFACT_SHAPE', `${abs}: embedding has ${m.config.vocabSize} rows but the vocabulary has ${vocabSize} tokens`);
    }
  }
  // One weight per word n-gram, then one per hashed subword bucket and the negated-polarity feature (when the vocabulary has them).
  const ngramFeatures = tokenizer.ngrams ? tokenizer.ngrams.ngrams.length + (tokenizer.ngrams.subword?.buckets ?? 0) + (tokenizer.ngrams.negationLexicon ? 1 : 0) : undefined;
  if (ensemble.linear && ensemble.linear.weights.length !== (ngramFeatures ?? -1)) {
    throw new ArtifactError('E_ARTIFACT_SHAPE', `${abs}: the n-gram member has ${ensemble.linear.weights.length} weights but tokenizer.json lists ${ngramFeatures ?? 'no'} n-gram features`);
  }
  return new SentimentModel(metadata, tokenizer, ensemble);
}
