import { execFile, spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import YAML from 'yaml';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { packageModel } from '../../model/package/package.js';
import type { PackageResult } from '../../model/package/package.js';
import { buildApp } from '../../service/app.js';
import { loadConfig } from '../../service/config.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { datasetsDir, REPO_ROOT } from '../helpers/datasets.js';
import { testConfig } from '../helpers/service-config.js';

const execFileAsync = promisify(execFile);
const tmp = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts });
}

/** `tar -xzf` into a fresh temp dir; returns the package folder (the archive's only top-level entry). */
function unpack(tarball: string): string {
  const dir = tmp('handoff-unpacked-');
  const r = run('tar', ['-xzf', tarball, '-C', dir]);
  if (r.status !== 0) throw new Error(`tar -xzf failed: ${r.stderr}`);
  const top = readdirSync(dir);
  expect(top).toHaveLength(1);
  return join(dir, top[0] as string);
}

/** What `npm install` gives a backend team, without the network: the package.json's dependencies, symlinked from this repository. */
function installDeclaredDependencies(pkgDir: string): string[] {
  const deps = Object.keys((JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  for (const dep of deps) {
    mkdirSync(join(pkgDir, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules', dep), join(pkgDir, 'node_modules', dep), 'dir');
  }
  return deps;
}

const ownTest = (pkgDir: string): SpawnSyncReturns<string> => run(process.execPath, ['--test', 'test/package.test.mjs'], { cwd: pkgDir });

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

const ARTIFACT_FILES = ['manifest.json', 'metadata.json', 'model-card.md', 'model.json', 'tokenizer.json', 'weights.bin'];
const PACKAGE_FILES = [
  'API_SPEC.yaml',
  'INTEGRATION_GUIDE.md',
  'MODEL_CARD.md',
  'README.md',
  'SHA256SUMS',
  'examples/predict-local.mjs',
  'examples/predict.mjs',
  'examples/predict.sh',
  'lib/THIRD_PARTY_LICENSES.txt',
  'lib/gitops-ml-model.mjs',
  'model_metadata.json',
  'package.json',
  'predict.d.ts',
  'predict.mjs',
  'sample_requests.json',
  'test/package.test.mjs',
];

interface Samples {
  model: { name: string; version: string };
  score_tolerance: number;
  requests: { name: string; request: { text?: string; texts?: string[] }; expected_label?: string; expected_labels?: string[]; expected_response: Record<string, unknown> }[];
}

describe('handoff package from a fixture artifact (in-process packaging)', () => {
  let artifact: string;
  let result: PackageResult;
  let pkg: string;

  beforeAll(async () => {
    await initBackend('wasm');
    artifact = await saveArtifact(artifactFixture('1.2.3'));
    const out = join(tmp('handoff-out-'), 'nested', 'sentiment-1.2.3.tar.gz');
    // A repository root without docs/INTEGRATION_GUIDE.md: the generated guide is used.
    result = await packageModel({ modelDir: artifact, out, repoRoot: tmp('no-docs-'), env: { MAX_TEXT_LENGTH: '1000', MAX_BATCH_SIZE: '16' } });
    pkg = unpack(result.file);
  });

  it('has the layout a backend team expects, under <name>-<version>/', () => {
    expect(result.folder).toBe('sentiment-1.2.3');
    expect(pkg.endsWith('/sentiment-1.2.3')).toBe(true);
    expect(listFiles(pkg)).toEqual([...PACKAGE_FILES, ...ARTIFACT_FILES.map((f) => `model/${f}`)].sort());
    expect(result.files).toEqual(listFiles(pkg));
    expect(statSync(join(pkg, 'examples/predict.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(pkg, 'model_metadata.json')).mode & 0o777).toBe(0o644);
    // The archive has exactly one top folder and nothing outside it.
    const listing = run('tar', ['-tzf', result.file]).stdout.trim().split('\n');
    expect(listing.every((p) => p.startsWith('sentiment-1.2.3/'))).toBe(true);
    expect(sha256(readFileSync(result.file))).toBe(result.sha256);
  });

  it('model/ is the artifact byte for byte, and loads as one', async () => {
    for (const f of ARTIFACT_FILES) expect(sha256(readFileSync(join(pkg, 'model', f)))).toBe(sha256(readFileSync(join(artifact, f))));
    expect(readFileSync(join(pkg, 'MODEL_CARD.md'), 'utf8')).toBe(readFileSync(join(artifact, 'model-card.md'), 'utf8'));
    const model = await loadArtifact(join(pkg, 'model'));
    expect(model.version).toBe('1.2.3');
  });

  it('SHA256SUMS covers every file and passes `sha256sum -c`; a modified file fails it', () => {
    const sums = readFileSync(join(pkg, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums.map((l) => l.slice(66)).sort()).toEqual(listFiles(pkg).filter((f) => f !== 'SHA256SUMS'));
    const ok = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: pkg });
    expect(ok.status).toBe(0);
    const copy = join(tmp('handoff-tampered-'), 'pkg');
    cpSync(pkg, copy, { recursive: true });
    writeFileSync(join(copy, 'MODEL_CARD.md'), `${readFileSync(join(copy, 'MODEL_CARD.md'), 'utf8')}\nedited\n`);
    const bad = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: copy });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/MODEL_CARD\.md: FAILED/);
  });

  it('model_metadata.json summarises the model for a backend', () => {
    const m = JSON.parse(readFileSync(join(pkg, 'model_metadata.json'), 'utf8')) as Record<string, unknown> & { input_schema: { oneOf: { properties: Record<string, { maxLength?: number; maxItems?: number }> }[] }; runtime: { dependencies: Record<string, string> } };
    expect(m).toMatchObject({ name: 'sentiment', version: '1.2.3', labels: ['negative', 'positive'], created_at: '2026-11-22T08:00:00Z', max_text_length: 1000, max_batch_size: 16, max_tokens: 20, weights_dtype: 'float32', quantization: null });
    expect(m.weights_sha256).toBe(sha256(readFileSync(join(artifact, 'weights.bin'))));
    expect(m.metrics).toEqual({ test: { accuracy: 0.5 } });
    // The REST schemas carry this environment's limits.
    expect(m.input_schema.oneOf[0]?.properties.text?.maxLength).toBe(1000);
    expect(m.input_schema.oneOf[1]?.properties.texts?.maxItems).toBe(16);
    expect(m.output_schema).toBeDefined();
    const pkgJson = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; type: string; version: string };
    expect(pkgJson).toMatchObject({ type: 'module', version: '1.2.3' });
    expect(Object.keys(pkgJson.dependencies).sort()).toEqual(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']);
    expect(m.runtime.dependencies).toEqual(pkgJson.dependencies);
  });

  it('API_SPEC.yaml is the service OpenAPI document, as YAML', async () => {
    const spec = YAML.parse(readFileSync(join(pkg, 'API_SPEC.yaml'), 'utf8')) as { info: Record<string, unknown>; paths: Record<string, unknown> };
    expect(spec.info['x-gitops-ml-model']).toEqual({ name: 'sentiment', version: '1.2.3' });
    const app = buildApp(loadConfig({ LOG_LEVEL: 'silent', INFERENCE_THREADS: '0', MAX_TEXT_LENGTH: '1000', MAX_BATCH_SIZE: '16' }), {});
    try {
      // What the service serves, over real HTTP.
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { info: Record<string, unknown> };
      delete spec.info['x-gitops-ml-model'];
      expect(spec).toEqual(doc);
    } finally {
      await app.close();
    }
    expect(Object.keys(spec.paths)).toContain('/v1/predict');
  });

  it('sample_requests.json holds realistic requests and what this model answers', async () => {
    const s = JSON.parse(readFileSync(join(pkg, 'sample_requests.json'), 'utf8')) as Samples;
    const model = await loadArtifact(artifact);
    expect(s.model).toEqual({ name: 'sentiment', version: '1.2.3' });
    expect(s.requests.length).toBeGreaterThanOrEqual(8);
    for (const r of s.requests) {
      if (r.request.text !== undefined) {
        const p = model.predict(r.request.text);
        expect(r.expected_label).toBe(p.label);
        expect(r.expected_response).toEqual({ ...p, model: s.model });
      } else {
        expect(r.expected_labels).toEqual(model.predictBatch(r.request.texts as string[]).map((p) => p.label));
      }
    }
  });

  it('the generated INTEGRATION_GUIDE.md describes this model and this package', () => {
    expect(result.integrationGuide).toBe('generated');
    const guide = readFileSync(join(pkg, 'INTEGRATION_GUIDE.md'), 'utf8');
    expect(guide).toMatch(/^# Integration guide: sentiment 1\.2\.3/);
    for (const s of ['POST /v1/predict', '{"texts":', 'Authorization: Bearer', 'sha256sum -c SHA256SUMS', 'npm install', 'npm test', 'API_SPEC.yaml', '1 to 1000 characters', 'at most 16 texts', 'https://gitops-ml.dev/problems/invalid-request', 'first 20 tokens']) {
      expect(guide).toContain(s);
    }
  });

  it('the loader bundle is self-contained: only Node built-ins and @tensorflow/tfjs are imported', () => {
    const code = readFileSync(join(pkg, 'lib/gitops-ml-model.mjs'), 'utf8');
    // Module loads esbuild leaves in the output: static imports, dynamic import() and CommonJS __require().
    // (Not ajv's code-generation strings such as `require("ajv/dist/runtime/equal")`, which never run here.)
    const specifiers = new Set<string>();
    for (const re of [/^import\s[^;]*?\bfrom\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g, /\b__require\(\s*["']([^"']+)["']\s*\)/g]) {
      for (const m of code.matchAll(re)) specifiers.add(m[1] as string);
    }
    expect(specifiers.has('node:fs')).toBe(true);
    const nonBuiltin = [...specifiers].filter((s) => !s.startsWith('node:'));
    // Loading passes the weights through TF.js's cpu backend (part of @tensorflow/tfjs): the wasm backend is never loaded.
    expect(nonBuiltin.sort()).toEqual(['@tensorflow/tfjs']);
    expect(readFileSync(join(pkg, 'lib/THIRD_PARTY_LICENSES.txt'), 'utf8')).toMatch(/ajv@\d+\.\d+\.\d+ \(MIT\)/);
    // Nothing points back into this checkout.
    for (const f of listFiles(pkg)) expect(readFileSync(join(pkg, f)).includes(REPO_ROOT)).toBe(false);
  });

  it("runs its own test (node --test) with only its package.json's dependencies installed", () => {
    expect(installDeclaredDependencies(pkg)).toEqual(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']);
    const r = ownTest(pkg);
    if (r.status !== 0) throw new Error(`package test failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toMatch(/# pass 6\b/);
    expect(r.stdout).toMatch(/# fail 0\b/);
    // The in-process loader as a command, too.
    const p = run(process.execPath, ['predict.mjs', 'great movie', 'bad movie'], { cwd: pkg });
    expect(p.status).toBe(0);
    const lines = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; score: number });
    expect(lines).toHaveLength(2);
    expect(lines[0]?.label).toBe((lines[0]?.score ?? 0) >= 0.5 ? 'positive' : 'negative');
  });

  it("its own test fails when the model's weights are modified (the loader verifies the manifest)", () => {
    const copy = join(tmp('handoff-bad-weights-'), 'pkg');
    cpSync(pkg, copy, { recursive: true, verbatimSymlinks: true });
    const w = readFileSync(join(copy, 'model/weights.bin'));
    w[0] = (w[0] as number) ^ 1;
    writeFileSync(join(copy, 'model/weights.bin'), w);
    const r = ownTest(copy);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/does not match the manifest/);
  });

  it('the same artifact packages to the same bytes', async () => {
    const again = await packageModel({ modelDir: artifact, out: join(tmp('handoff-again-'), 'again.tar.gz'), repoRoot: tmp('no-docs-'), env: { MAX_TEXT_LENGTH: '1000', MAX_BATCH_SIZE: '16' } });
    expect(again.sha256).toBe(result.sha256);
  });

  it('copies docs/INTEGRATION_GUIDE.md when the repository has one', async () => {
    const root = tmp('with-docs-');
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs/INTEGRATION_GUIDE.md'), '# Integration guide\n\nThe team-written guide.\n');
    const r = await packageModel({ modelDir: artifact, out: join(tmp('handoff-docs-'), 'p.tgz'), repoRoot: root });
    expect(r.integrationGuide).toBe('docs');
    expect(readFileSync(join(unpack(r.file), 'INTEGRATION_GUIDE.md'), 'utf8')).toBe('# Integration guide\n\nThe team-written guide.\n');
  });

  it('refuses a folder that is not an artifact, and a tampered artifact', async () => {
    await expect(packageModel({ modelDir: join(tmp('x-'), 'missing') })).rejects.toThrow(/no such directory/);
    await expect(packageModel({ modelDir: tmp('empty-') })).rejects.toThrow(/not a gitops-ml artifact/);
    const copy = tmp('tampered-artifact-');
    cpSync(artifact, copy, { recursive: true });
    writeFileSync(join(copy, 'tokenizer.json'), '{}');
    await expect(packageModel({ modelDir: copy, out: join(tmp('o-'), 'x.tar.gz') })).rejects.toThrow(/manifest/);
  });
});

describe('the package examples against a running service', () => {
  let app: FastifyInstance;
  let base: string;
  let pkg: string;
  const key = 'handoff-test-key';

  beforeAll(async () => {
    const artifact = await saveArtifact(artifactFixture('2.0.0'));
    const r = await packageModel({ modelDir: artifact, out: join(tmp('handoff-ex-'), 'p.tar.gz'), repoRoot: tmp('no-docs-') });
    pkg = unpack(r.file);
    // The service serves the package's model/ folder, with API keys on (as in production).
    const holder = { model: await loadArtifact(join(pkg, 'model')) };
    app = buildApp(testConfig({ API_KEY_SHA256: sha256(key) }), holder);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('examples/predict.mjs --samples gets every recorded answer from the REST API', async () => {
    const r = await execFileAsync(process.execPath, ['examples/predict.mjs', '--samples'], { cwd: pkg, env: { ...process.env, GITOPS_ML_URL: base, GITOPS_ML_API_KEY: key } });
    const samples = JSON.parse(readFileSync(join(pkg, 'sample_requests.json'), 'utf8')) as Samples;
    expect(r.stdout).toContain(`${samples.requests.length}/${samples.requests.length} sample requests answered as recorded`);
    expect(r.stdout).not.toMatch(/^DIFF/m);
  });

  it('examples/predict.mjs prints the API answer for texts, and the problem without a key', async () => {
    const one = await execFileAsync(process.execPath, ['examples/predict.mjs', 'great movie'], { cwd: pkg, env: { ...process.env, GITOPS_ML_URL: base, GITOPS_ML_API_KEY: key } });
    expect(JSON.parse(one.stdout)).toMatchObject({ model: { name: 'sentiment', version: '2.0.0' } });
    const two = await execFileAsync(process.execPath, ['examples/predict.mjs', 'great movie', 'bad movie'], { cwd: pkg, env: { ...process.env, GITOPS_ML_URL: base, GITOPS_ML_API_KEY: key } });
    expect((JSON.parse(two.stdout) as { predictions: unknown[] }).predictions).toHaveLength(2);
    const env: NodeJS.ProcessEnv = { ...process.env, GITOPS_ML_URL: base };
    delete env.GITOPS_ML_API_KEY;
    await expect(execFileAsync(process.execPath, ['examples/predict.mjs', 'great movie'], { cwd: pkg, env })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/401 Unauthorized.*problems\/unauthorized/) });
  });

  it('examples/predict.sh (curl) sends one text and a batch', async () => {
    const text = 'She said "wow" \\ twice.\tReally.';
    const r = await execFileAsync('bash', ['examples/predict.sh', text], { cwd: pkg, env: { ...process.env, GITOPS_ML_URL: base, GITOPS_ML_API_KEY: key } });
    const [single, batch] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const model = await loadArtifact(join(pkg, 'model'));
    expect(single).toEqual({ ...model.predict(text), model: { name: 'sentiment', version: '2.0.0' } });
    expect((batch as { predictions: unknown[] }).predictions).toHaveLength(2);
    const env: NodeJS.ProcessEnv = { ...process.env, GITOPS_ML_URL: base };
    delete env.GITOPS_ML_API_KEY;
    await expect(execFileAsync('bash', ['examples/predict.sh'], { cwd: pkg, env })).rejects.toMatchObject({ stdout: expect.stringContaining('unauthorized') });
  });
});

describe('gitops-ml package (CLI, smoke-trained artifact)', () => {
  const bin = join(REPO_ROOT, 'bin/gitops-ml.js');
  const work = tmp('handoff-cli-');
  /** Runs the real `gitops-ml` command (compiled by `npm test`'s pretest build); packaging runs in a scratch folder so the default dist/packages/ lands there. */
  const cli = (...args: string[]): SpawnSyncReturns<string> => {
    if (!existsSync(join(REPO_ROOT, 'dist/model/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    return run(process.execPath, [bin, ...args], { cwd: args[0] === 'train' ? REPO_ROOT : work, env: { ...process.env, DATASETS_DIR: datasetsDir() } });
  };
  let artifact: string;

  beforeAll(() => {
    const r = cli('train', '--spec', join(REPO_ROOT, 'model/specs/sentiment.json'), '--preset', 'smoke', '--out', join(work, 'artifacts'), '--version', '0.0.1');
    if (r.status !== 0) throw new Error(`train failed (${r.status}):\n${r.stderr}`);
    artifact = join(work, 'artifacts', 'sentiment', '0.0.1');
  });

  it('writes dist/packages/<name>-<version>.tar.gz whose own test passes after unpacking', () => {
    const r = cli('package', '--model', artifact);
    expect(r.status).toBe(0);
    const file = join(work, 'dist', 'packages', 'sentiment-0.0.1.tar.gz');
    expect(r.stdout).toContain(`wrote ${file}`);
    expect(r.stdout).toMatch(/^sha256 [0-9a-f]{64}$/m);
    const pkg = unpack(file);
    expect(pkg.endsWith('/sentiment-0.0.1')).toBe(true);
    expect(readdirSync(join(pkg, 'model'))).toContain('evaluation.json');
    expect(run('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: pkg }).status).toBe(0);
    // A backend team runs `npm install` here; without the network, the repository's node_modules stands in.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    const t = ownTest(pkg);
    if (t.status !== 0) throw new Error(`package test failed (${t.status}):\n${t.stdout}\n${t.stderr}`);
    const m = JSON.parse(readFileSync(join(pkg, 'model_metadata.json'), 'utf8')) as { metrics: { test: { n: number; accuracy: number } }; max_tokens: number };
    expect(m.metrics.test.n).toBe(1821);
    expect(m.max_tokens).toBe(80);
  });

  it('--quantize packages a quantized copy and records it in model_metadata.json', () => {
    const out = join(work, 'q', 'sentiment-q.tar.gz');
    const r = cli('package', '--model', artifact, '--out', out, '--quantize', 'uint8');
    expect(r.status).toBe(0);
    const pkg = unpack(out);
    expect(pkg.endsWith('/sentiment-0.0.1-uint8')).toBe(true);
    expect(readdirSync(join(pkg, 'model'))).toContain('quantization.json');
    const m = JSON.parse(readFileSync(join(pkg, 'model_metadata.json'), 'utf8')) as { weights_dtype: string; weights_bytes: number; weights_sha256: string; quantization: { dtype: string; weights_bytes_before: number; weights_bytes_after: number; source_weights_sha256: string; sample_label_agreement: number } };
    const source = readFileSync(join(artifact, 'weights.bin'));
    expect(m.weights_dtype).toBe('uint8');
    expect(m.quantization).toMatchObject({ dtype: 'uint8', weights_bytes_before: source.byteLength, source_weights_sha256: sha256(source) });
    expect(m.quantization.weights_bytes_after).toBe(m.weights_bytes);
    expect(m.weights_bytes).toBeLessThan(source.byteLength / 2);
    expect(m.weights_sha256).toBe(sha256(readFileSync(join(pkg, 'model/weights.bin'))));
    expect(m.quantization.sample_label_agreement).toBeGreaterThan(0.5);
    expect(readFileSync(join(pkg, 'README.md'), 'utf8')).toMatch(/uint8 weights/);
    expect(run('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: pkg }).status).toBe(0);
    installDeclaredDependencies(pkg);
    const t = ownTest(pkg);
    if (t.status !== 0) throw new Error(`package test failed (${t.status}):\n${t.stdout}\n${t.stderr}`);
  });

  it('bad input is refused with a clear message and exit code 2, writing nothing', () => {
    const notArtifact = tmp('not-artifact-');
    writeFileSync(join(notArtifact, 'notes.txt'), 'hello\n');
    const tampered = join(tmp('tampered-'), 'a');
    cpSync(artifact, tampered, { recursive: true });
    writeFileSync(join(tampered, 'metadata.json'), `${readFileSync(join(tampered, 'metadata.json'), 'utf8')} `);
    const out = join(work, 'refused', 'x.tar.gz');
    const cases: [string[], RegExp][] = [
      [[], /package needs --model DIR/],
      [['--model', join(work, 'nope')], /--model .*nope: no such directory/],
      [['--model', join(notArtifact, 'notes.txt')], /not a directory/],
      [['--model', notArtifact], /no manifest\.json, so not a gitops-ml artifact/],
      [['--model', tampered, '--out', out], /metadata\.json: \d+ bytes, manifest says \d+/],
      [['--model', artifact, '--out', join(work, 'p.zip')], /--out must name a \.tar\.gz file/],
      [['--model', artifact, '--quantize', 'int4'], /--quantize must be one of uint8, uint16, float16/],
      [['--model', artifact, '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = cli('package', ...args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toMatch(/^gitops-ml package: /);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(work, 'p.zip'))).toBe(false);
  });
});
