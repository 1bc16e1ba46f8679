import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArtifact, nextVersion, newestArtifactDir, saveArtifact } from '../../model/artifact/artifact.js';
import { ARTIFACT_LIMITS, buildManifest, verifyArtifactFiles } from '../../model/artifact/manifest.js';
import { ArtifactError, GitopsMlError } from '../../model/errors.js';
import { initBackend } from '../../model/nn/backend.js';
import { PLACEHOLDER_MIN_COUNT, unreliablePlaceholders } from '../../model/inference/sentiment-model.js';
import { Vocabulary } from '../../model/text/vocabulary.js';
import { artifactFixture as fixture } from '../helpers/artifact-fixture.js';

beforeAll(async () => {
  await initBackend('wasm');
});

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

  it('leaves out the placeholders its training data never held, and reads the ones it did', async () => {
    const model = await loadArtifact(await saveArtifact(fixture()));
    // The fixture's vocabulary has no <url>, <user> or <email>.
    expect(model.tokens('Great movie https://example.com/r?id=1 @critic')).toEqual(['great', 'movie']);
    expect(model.score('Great movie https://example.com/r?id=1 @critic')).toBe(model.score('Great movie'));
    expect(Array.from(model.encode('a link: www.example.com'))).toEqual(Array.from(model.encode('a link:')));
    // A text that is only a link scores like an empty one, without an error.
    expect(model.score('https://example.com')).toBe(model.score(''));
    // Unknown words still reach the model as <unk>.
    expect(model.tokens('Great zyzzyva')).toEqual(['great', 'zyzzyva']);
  });

  it('reads a placeholder its training data held often, and not one it held a few times', () => {
    const texts = (n: number, token: string): string[][] => Array.from({ length: n }, () => ['see', token]);
    const vocab = Vocabulary.build([...texts(PLACEHOLDER_MIN_COUNT, '<url>'), ...texts(PLACEHOLDER_MIN_COUNT - 1, '<user>'), ...texts(3, '<num>')]);
    expect([...unreliablePlaceholders(vocab)].sort()).toEqual(['<email>', '<num>', '<user>']);
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

describe('artifact safety: what loading reads, and what it refuses', () => {
  /** An attacker who can write the artifact can rewrite its manifest too: the checks below must hold without it. */
  function rewriteManifest(dir: string): void {
    const files = Object.fromEntries(readdirSync(dir).filter((f) => f !== 'manifest.json').map((f) => [f, readFileSync(join(dir, f))]));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(buildManifest(files)));
  }

  it('refuses sizes over the limits before reading or allocating anything', async () => {
    const dir = await saveArtifact(fixture());
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, { bytes: number }> };
    (manifest.files['weights.bin'] as { bytes: number }).bytes = 2 ** 40;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await expectArtifactError(dir, 'E_ARTIFACT_TOO_LARGE', /"weights\.bin" is 1099511627776 bytes, more than the 536870912/);
    writeFileSync(manifestPath, ' '.repeat(ARTIFACT_LIMITS.maxManifestBytes + 1));
    await expectArtifactError(dir, 'E_ARTIFACT_TOO_LARGE', /manifest\.json: 1048577 bytes/);
    const small = await saveArtifact(fixture('0.3.0'));
    expect(() => verifyArtifactFiles(small, ['model.json'], { ...ARTIFACT_LIMITS, maxFileBytes: 10 })).toThrow(/more than the 10 an artifact file may have/);
  });

  it('refuses a file that is a symlink (it could point outside the artifact)', async () => {
    const dir = await saveArtifact(fixture());
    const outside = join(mkdtempSync(join(tmpdir(), 'outside-')), 'weights.bin');
    writeFileSync(outside, readFileSync(join(dir, 'weights.bin')));
    rmSync(join(dir, 'weights.bin'));
    symlinkSync(outside, join(dir, 'weights.bin'));
    await expectArtifactError(dir, 'E_ARTIFACT_MANIFEST', /weights\.bin: not a regular file/);
  });

  it('with a consistent manifest, cut weights and a vocabulary that disagrees with the metadata are still refused', async () => {
    const dir = await saveArtifact(fixture());
    truncateSync(join(dir, 'weights.bin'), readFileSync(join(dir, 'weights.bin')).length - 8);
    rewriteManifest(dir);
    await expectArtifactError(dir, 'E_ARTIFACT_MODEL', /cannot load the TF\.js model/);
    const dir2 = await saveArtifact(fixture('0.2.0'));
    const meta = JSON.parse(readFileSync(join(dir2, 'metadata.json'), 'utf8')) as { preprocessing: { vocabulary_size: number } };
    meta.preprocessing.vocabulary_size += 1;
    writeFileSync(join(dir2, 'metadata.json'), JSON.stringify(meta));
    rewriteManifest(dir2);
    await expectArtifactError(dir2, 'E_ARTIFACT_SHAPE', /tokenizer has \d+ tokens, metadata says \d+/);
  });

  it('never runs code from an artifact: a Lambda layer carrying JavaScript is refused and not evaluated', async () => {
    const dir = await saveArtifact(fixture());
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: { config?: { layers?: unknown[] }; model_config?: { config?: { layers?: unknown[] } } } };
    const layers = model.modelTopology.model_config?.config?.layers ?? model.modelTopology.config?.layers;
    expect(Array.isArray(layers)).toBe(true);
    (layers as unknown[]).push({ class_name: 'Lambda', name: 'evil', config: { name: 'evil', function: 'globalThis.__gitopsPwned = 1', function_type: 'lambda' }, inbound_nodes: [] });
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    rewriteManifest(dir);
    await expectArtifactError(dir, 'E_ARTIFACT_MODEL', /cannot load the TF\.js model .*Lambda/);
    expect((globalThis as { __gitopsPwned?: number }).__gitopsPwned).toBeUndefined();
  });
});
