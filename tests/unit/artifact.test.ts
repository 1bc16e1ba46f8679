import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadArtifact, nextVersion, newestArtifactDir, saveArtifact } from '../../model/artifact/artifact.js';
import type { SaveArtifactInput } from '../../model/artifact/artifact.js';
import { PREDICTION_INPUT_SCHEMA, PREDICTION_OUTPUT_SCHEMA } from '../../model/artifact/metadata.js';
import type { ArtifactMetadata } from '../../model/artifact/metadata.js';
import { ArtifactError, GitopsMlError } from '../../model/errors.js';
import { initBackend } from '../../model/nn/backend.js';
import type { TextCnnWeights } from '../../model/nn/text-cnn.js';
import { TOKENIZER_VERSION } from '../../model/text/tokenizer.js';
import { Vocabulary } from '../../model/text/vocabulary.js';
import { createRng } from '../../model/util/random.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function fixture(version = '0.1.0'): SaveArtifactInput & { root: string } {
  const vocabulary = Vocabulary.build([['good', 'bad', 'movie', 'not', 'great']]);
  const dim = 4;
  const widths = [1, 2];
  const filters = 3;
  const rng = createRng(5);
  const r = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next() - 0.5);
  const embedding = r(vocabulary.size * dim);
  embedding.fill(0, 0, dim);
  const member: TextCnnWeights = {
    kind: 'text-cnn',
    config: { vocabSize: vocabulary.size, dim, widths, filters, dropout: 0, staticColumns: 0 },
    embedding,
    projection: r(dim * 3 * filters),
    convBias: r(widths.length * filters),
    outKernel: r(widths.length * filters),
    outBias: 0.1,
  };
  const metadata: ArtifactMetadata = {
    schema_version: 1,
    name: 'sentiment',
    version,
    created_at: '2026-11-22T08:00:00Z',
    git_commit: 'abcdef1',
    labels: ['negative', 'positive'],
    framework: { name: 'tensorflow.js', version: tf.version.tfjs, training_backend: 'wasm' },
    architecture: { type: 'text-cnn', widths, filters },
    hyperparameters: { epochs: 1 },
    preprocessing: { tokenizer: TOKENIZER_VERSION, max_tokens: 20, vocabulary_size: vocabulary.size, pretrained: null },
    datasets: { train: { ref: 'sst2:train', sha256: 'a'.repeat(64), rows: 10, source: 'datasets_dir' } },
    metrics: { test: { accuracy: 0.5 } },
    training: { seconds: 1, preset: null, members: [{ seed: 42, best_epoch: 1, history: [] }] },
    input_schema: PREDICTION_INPUT_SCHEMA,
    output_schema: PREDICTION_OUTPUT_SCHEMA,
  };
  return {
    root: mkdtempSync(join(tmpdir(), 'artifacts-')),
    metadata,
    tokenizer: { tokenizer: TOKENIZER_VERSION, max_tokens: 20, vocabulary: vocabulary.toJSON() },
    ensemble: { cnn: [member], gru: [], linearShare: 0 },
    extraFiles: { 'model-card.md': '# card\n' },
  };
}

async function expectArtifactError(dir: string, code: string, message: RegExp): Promise<void> {
  const err = await loadArtifact(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitopsMlError);
  expect((err as GitopsMlError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
}

describe('model artifacts', () => {
  it('saves a versioned folder with TF.js files, tokenizer, metadata and a manifest, and loads it back', async () => {
    const input = fixture();
    const dir = await saveArtifact(input);
    expect(dir).toBe(join(input.root, 'sentiment', '0.1.0'));
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'metadata.json', 'model-card.md', 'model.json', 'tokenizer.json', 'weights.bin']);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
    expect(Object.keys(manifest.files).sort()).toEqual(['metadata.json', 'model-card.md', 'model.json', 'tokenizer.json', 'weights.bin']);
    const model = await loadArtifact(dir);
    expect(model.version).toBe('0.1.0');
    const p = model.predict('Not a good movie!');
    expect(['negative', 'positive']).toContain(p.label);
    expect(p.score).toBeGreaterThanOrEqual(0);
    expect(p.score).toBeLessThanOrEqual(1);
    expect(p.label).toBe(p.score >= 0.5 ? 'positive' : 'negative');
    // The raw and the pre-tokenized form reach the model as the same ids.
    expect(Array.from(model.encode("Didn't like it"))).toEqual(Array.from(model.encode("did n't like it")));
  });

  it('never overwrites a version and picks the next one', async () => {
    const input = fixture();
    await saveArtifact(input);
    await expect(saveArtifact(input)).rejects.toThrow(/already exists: artifacts are immutable/);
    expect(nextVersion(input.root, 'sentiment')).toBe('0.1.1');
    await saveArtifact({ ...fixture('0.1.10'), root: input.root });
    expect(nextVersion(input.root, 'sentiment')).toBe('0.1.11');
    expect(newestArtifactDir(input.root)).toBe(join(input.root, 'sentiment', '0.1.10'));
  });

  it('refuses a tampered weight file', async () => {
    const dir = await saveArtifact(fixture());
    const path = join(dir, 'weights.bin');
    const bytes = readFileSync(path);
    bytes[10] = (bytes[10] as number) ^ 0xff;
    writeFileSync(path, bytes);
    await expectArtifactError(dir, 'E_ARTIFACT_CHECKSUM', /weights\.bin: sha256 .* does not match the manifest/);
  });

  it('refuses a truncated or grown file with its sizes', async () => {
    const dir = await saveArtifact(fixture());
    truncateSync(join(dir, 'model.json'), 100);
    await expectArtifactError(dir, 'E_ARTIFACT_SIZE', /model\.json: 100 bytes, manifest says \d+ \(truncated or modified file\)/);
    const dir2 = await saveArtifact(fixture('0.2.0'));
    appendFileSync(join(dir2, 'tokenizer.json'), ' ');
    await expectArtifactError(dir2, 'E_ARTIFACT_SIZE', /tokenizer\.json/);
  });

  it('refuses a missing file, a missing manifest and a manifest that escapes the folder', async () => {
    const input = fixture();
    const dir = await saveArtifact(input);
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, unknown> };
    manifest.files['../../etc/passwd'] = { sha256: 'a'.repeat(64), bytes: 1 };
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await expectArtifactError(dir, 'E_ARTIFACT_MANIFEST', /must be a plain file name/);
    delete manifest.files['model.json'];
    delete manifest.files['../../etc/passwd'];
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await expectArtifactError(dir, 'E_ARTIFACT_MANIFEST', /does not list required file model\.json/);
    writeFileSync(manifestPath, '');
    await expectArtifactError(dir, 'E_ARTIFACT_MANIFEST', /not valid JSON/);
    const empty = mkdtempSync(join(tmpdir(), 'not-artifact-'));
    await expectArtifactError(empty, 'E_ARTIFACT_NO_MANIFEST', /no manifest\.json/);
  });

  it('rejects invalid metadata before writing anything', async () => {
    const input = fixture();
    const bad = { ...input, metadata: { ...input.metadata, version: 'v1', created_at: 'yesterday' } };
    await expect(saveArtifact(bad)).rejects.toThrow(/\/version: must match pattern[\s\S]*\/created_at: must match format/);
    expect(existsSync(join(input.root, 'sentiment'))).toBe(false);
  });

  it('is an ArtifactError subclass with a stable code', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'not-artifact-'));
    await expect(loadArtifact(empty)).rejects.toBeInstanceOf(ArtifactError);
  });
});
