/**
 * The handoff package of one model version: everything a backend team needs to call or
 * embed the model, in one reproducible `.tar.gz` with a sha256 manifest.
 *
 *   <name>-<version>/
 *     model/                 the artifact, byte for byte (model.json, weights.bin, tokenizer.json,
 *                            metadata.json, manifest.json, evaluation.json and reports when present)
 *     model_metadata.json    backend-friendly summary (labels, schemas, limits, metrics, weights sha256)
 *     MODEL_CARD.md          the artifact's model-card.md
 *     INTEGRATION_GUIDE.md   docs/INTEGRATION_GUIDE.md, or a generated guide
 *     API_SPEC.yaml          the service's OpenAPI document
 *     README.md, package.json, predict.mjs, predict.d.ts
 *     lib/                   gitops-ml-model.mjs (bundled loader + inference), THIRD_PARTY_LICENSES.txt
 *     examples/              predict.sh (curl), predict.mjs (REST), predict-local.mjs (in-process)
 *     sample_requests.json   requests with this version's answers
 *     test/package.test.mjs  the package's self-test (node:test)
 *     SHA256SUMS             sha256 of every other file (`sha256sum -c SHA256SUMS`)
 *
 * The same artifact, repository build and service configuration give the same bytes:
 * sorted entries, normalised modes, and every timestamp set to the model's created_at.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { REQUIRED_FILES, modelFromFiles } from '../artifact/artifact.js';
import { WEIGHTS_FILE } from '../artifact/files.js';
import { MANIFEST_FILE, verifyArtifactFiles } from '../artifact/manifest.js';
import { QUANTIZATION_DTYPES, QUANTIZATION_FILE, quantizeArtifact } from '../artifact/quantize.js';
import type { QuantizationDtype, QuantizationReport } from '../artifact/quantize.js';
import { sha256Hex } from '../data/checksum.js';
import { ArtifactError, GitopsMlError } from '../errors.js';
import { tf } from '../nn/backend.js';
import { bundleRuntime, findRepoRoot } from './bundle.js';
import {
  LOADER_FILE,
  MODEL_METADATA_FILE,
  PACKAGE_TEST_FILE,
  RUNTIME_FILE,
  SAMPLE_BATCH,
  SAMPLE_REQUESTS_FILE,
  SAMPLE_TEXTS,
  SUMS_FILE,
  fallbackIntegrationGuide,
  fallbackModelCard,
  modelMetadata,
  packageJson,
  packageReadme,
  runtimeDependencies,
  sampleRequests,
  sha256Sums,
} from './contents.js';
import type { PackageFiles, QuantizationSummary, ServiceLimits } from './contents.js';

export const PACKAGE_EXTENSIONS = ['.tar.gz', '.tgz'] as const;
/** Where docs/INTEGRATION_GUIDE.md is looked for, relative to the repository root. */
export const INTEGRATION_GUIDE_DOC = 'docs/INTEGRATION_GUIDE.md';
const MODEL_CARD_FILE = 'model-card.md';

/** Files copied verbatim from model/package/templates/ into the package. */
const TEMPLATES: readonly { from: string; to: string; executable?: boolean }[] = [
  { from: 'predict.mjs', to: LOADER_FILE },
  { from: 'predict.d.ts', to: 'predict.d.ts' },
  { from: 'test/package.test.mjs', to: PACKAGE_TEST_FILE },
  { from: 'examples/predict.sh', to: 'examples/predict.sh', executable: true },
  { from: 'examples/predict.mjs', to: 'examples/predict.mjs' },
  { from: 'examples/predict-local.mjs', to: 'examples/predict-local.mjs' },
];

export interface PackageOptions {
  /** The artifact folder to package (verified against its manifest first). */
  modelDir: string;
  /** The .tar.gz to write (default `dist/packages/<folder>.tar.gz`, relative to the working directory). */
  out?: string;
  /** Package a quantized copy of the artifact instead of the float32 one. */
  quantize?: QuantizationDtype;
  /** Where docs/INTEGRATION_GUIDE.md is looked up (default: this repository's root, found from this module). */
  repoRoot?: string;
  /** Environment the service limits and the API document are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface PackageResult {
  /** Absolute path of the written .tar.gz. */
  file: string;
  /** Top folder inside the archive: `<name>-<version>` (`-<dtype>` appended when quantized). */
  folder: string;
  bytes: number;
  sha256: string;
  /** Paths inside the top folder, sorted. */
  files: string[];
  modelMetadata: Record<string, unknown>;
  integrationGuide: 'docs' | 'generated';
  /** Third-party packages inside lib/gitops-ml-model.mjs. */
  bundled: string[];
}

function templatesDir(root: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Beside the source module; from dist/ (tsc copies no .mjs), in the repository's source tree.
  for (const dir of [join(here, 'templates'), join(root, 'model', 'package', 'templates')]) if (existsSync(join(dir, 'predict.mjs'))) return dir;
  throw new GitopsMlError('E_PACKAGE_TEMPLATES', `model/package/templates/ not found (looked beside ${here} and under ${root})`);
}

/** The repository's version and the TensorFlow.js versions it pins (the bundle was built against them). */
function repoVersions(root: string): { tool: string; dependencies: Record<string, string> } {
  let pkg: { version?: string; dependencies?: Record<string, string> } = {};
  try {
    pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    // Not a checkout: fall back to the loaded TensorFlow.js version.
  }
  const tfjs = pkg.dependencies?.['@tensorflow/tfjs'] ?? tf.version.tfjs;
  return { tool: pkg.version ?? 'unknown', dependencies: runtimeDependencies(tfjs, pkg.dependencies?.['@tensorflow/tfjs-backend-wasm'] ?? tfjs) };
}

/** The service's OpenAPI document and limits for this environment, generated from its route schemas (no model needed). */
async function serviceContract(env: NodeJS.ProcessEnv): Promise<{ openapi: Record<string, unknown>; limits: ServiceLimits }> {
  const [{ buildApp }, { loadConfig }] = await Promise.all([import('../../service/app.js'), import('../../service/config.js')]);
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent', INFERENCE_THREADS: '0' });
  const app = buildApp(config, {});
  try {
    // The document GET /openapi.json serves (built once the routes are ready), through JSON as over HTTP.
    await app.ready();
    const openapi = JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
    return { openapi, limits: { maxTextLength: config.maxTextLength, maxBatch: config.maxBatch, bodyLimitBytes: config.bodyLimit } };
  } finally {
    await app.close();
  }
}

/** The /v1/predict request and 200 response schemas of the OpenAPI document. */
function predictSchemas(openapi: Record<string, unknown>): { request: unknown; response: unknown } {
  type Op = { requestBody?: { content?: Record<string, { schema?: unknown }> }; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
  const op = (openapi.paths as Record<string, Record<string, Op>> | undefined)?.['/v1/predict']?.post;
  const request = op?.requestBody?.content?.['application/json']?.schema;
  const response = op?.responses?.['200']?.content?.['application/json']?.schema;
  if (!request || !response) throw new GitopsMlError('E_PACKAGE_OPENAPI', 'the service OpenAPI document has no POST /v1/predict with request and 200 response schemas');
  return { request, response };
}

function checkOut(out: string): string {
  if (!PACKAGE_EXTENSIONS.some((e) => out.endsWith(e))) throw new GitopsMlError('E_USAGE', `--out must name a ${PACKAGE_EXTENSIONS.join(' or ')} file (got "${out}")`);
  const abs = resolve(out);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new GitopsMlError('E_USAGE', `--out ${out} is a directory; name the .tar.gz file to write`);
  return abs;
}

function checkModelDir(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new ArtifactError('E_PACKAGE_MODEL', `--model ${dir}: no such directory`);
  if (!statSync(abs).isDirectory()) throw new ArtifactError('E_PACKAGE_MODEL', `--model ${dir}: not a directory (give the artifact folder, e.g. model/artifacts/sentiment/0.1.0)`);
  if (!existsSync(join(abs, MANIFEST_FILE))) throw new ArtifactError('E_ARTIFACT_NO_MANIFEST', `--model ${dir}: no ${MANIFEST_FILE}, so not a gitops-ml artifact (give a folder written by train/pipeline, e.g. model/artifacts/sentiment/0.1.0)`);
  return abs;
}

/**
 * Writes the package tree under `stage/<folder>/` with normalised modes; returns the files
 * to archive, sorted. Folders get no entries of their own (tar's portable mode would give
 * them no mtime, i.e. 1970): extraction creates them, as for an npm tarball.
 */
function writeTree(stage: string, folder: string, files: PackageFiles, executables: ReadonlySet<string>): string[] {
  const dirs = new Set<string>([folder]);
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${folder}/${parts.slice(0, i).join('/')}`);
  }
  for (const d of dirs) mkdirSync(join(stage, d), { recursive: true });
  for (const [path, content] of files) {
    const target = join(stage, folder, path);
    writeFileSync(target, content);
    chmodSync(target, executables.has(path) ? 0o755 : 0o644);
  }
  for (const d of dirs) chmodSync(join(stage, d), 0o755);
  return [...files.keys()].map((p) => `${folder}/${p}`).sort();
}

/**
 * Builds the handoff package of the artifact in `opts.modelDir` and writes it as a
 * `.tar.gz`. The artifact is verified (manifest, metadata, loadable model) first; the
 * sample requests' expected answers come from running the packaged model itself.
 */
export async function packageModel(opts: PackageOptions): Promise<PackageResult> {
  const src = checkModelDir(opts.modelDir);
  if (opts.quantize !== undefined && !(QUANTIZATION_DTYPES as readonly string[]).includes(opts.quantize)) {
    throw new GitopsMlError('E_USAGE', `--quantize must be one of ${QUANTIZATION_DTYPES.join(', ')} (got "${String(opts.quantize)}")`);
  }
  const out = opts.out === undefined ? undefined : checkOut(opts.out);
  // The code's own checkout gives the templates and the versions the bundle is built against; docs may come from elsewhere.
  const codeRoot = findRepoRoot();
  const docsRoot = opts.repoRoot ? resolve(opts.repoRoot) : codeRoot;
  const env = opts.env ?? process.env;
  const templates = templatesDir(codeRoot);
  const { tool: version, dependencies } = repoVersions(codeRoot);

  const work = mkdtempSync(join(tmpdir(), 'gitops-ml-package-'));
  try {
    // The artifact to ship: the source, or its quantized copy (which quantizeArtifact verifies and writes atomically).
    let dir = src;
    let report: QuantizationReport | undefined;
    const sourceFiles = verifyArtifactFiles(src, REQUIRED_FILES);
    if (opts.quantize) {
      const q = await quantizeArtifact(src, join(work, 'quantized'), { dtype: opts.quantize });
      dir = q.dir;
      report = q.report;
    }
    const artifactFiles = opts.quantize ? verifyArtifactFiles(dir, REQUIRED_FILES) : sourceFiles;
    const model = await modelFromFiles(artifactFiles, dir);
    const metadata = model.metadata;
    const folder = `${metadata.name}-${metadata.version}${opts.quantize ? `-${opts.quantize}` : ''}`;
    const target = out ?? resolve('dist', 'packages', `${folder}.tar.gz`);

    let quantization: QuantizationSummary | null = null;
    if (report) {
      const original = await modelFromFiles(sourceFiles, src);
      const texts = [...SAMPLE_TEXTS.map((s) => s.text), ...SAMPLE_BATCH];
      const a = original.predictBatch(texts);
      const b = model.predictBatch(texts);
      quantization = {
        dtype: report.dtype,
        method: report.method,
        weights_bytes_before: report.weights_bytes_before,
        weights_bytes_after: report.weights_bytes_after,
        source_weights_sha256: report.source.weights_sha256,
        sample_max_abs_score_delta: Math.max(...a.map((p, i) => Math.abs(p.score - (b[i] as typeof p).score))),
        sample_label_agreement: a.filter((p, i) => p.label === b[i]?.label).length / a.length,
        note: `${report.note} Details per tensor: model/${QUANTIZATION_FILE}.`,
      };
    }

    const { openapi, limits } = await serviceContract(env);
    const schemas = predictSchemas(openapi);
    const files: PackageFiles = new Map();
    // The artifact byte for byte, with its own manifest: model/ is a servable artifact (MODEL_DIR=…/model).
    for (const [name, content] of artifactFiles) files.set(`model/${name}`, content);
    files.set(`model/${MANIFEST_FILE}`, readFileSync(join(dir, MANIFEST_FILE)));

    const card = artifactFiles.get(MODEL_CARD_FILE);
    files.set('MODEL_CARD.md', card ?? fallbackModelCard(metadata));

    const samples = sampleRequests(metadata, (texts) => model.predictBatch(texts));
    files.set(SAMPLE_REQUESTS_FILE, `${JSON.stringify(samples, null, 2)}\n`);
    const first = (samples.requests as { expected_response: { label: string; score: number }; request: { text: string } }[])[0];

    const guidePath = join(docsRoot, INTEGRATION_GUIDE_DOC);
    const guideFromDocs = existsSync(guidePath);
    files.set(
      'INTEGRATION_GUIDE.md',
      guideFromDocs
        ? readFileSync(guidePath)
        : fallbackIntegrationGuide({ metadata, folder, limits, dependencies, samples: { text: first?.request.text ?? '', label: first?.expected_response.label ?? '', score: Number((first?.expected_response.score ?? 0).toFixed(4)) } }),
    );

    const info = (openapi.info ?? {}) as Record<string, unknown>;
    const apiDoc = { ...openapi, info: { ...info, 'x-gitops-ml-model': { name: metadata.name, version: metadata.version } } };
    files.set(
      'API_SPEC.yaml',
      `# REST API of the gitops-ml inference service serving ${metadata.name} ${metadata.version}.\n# Generated by \`gitops-ml package\` from the service's route schemas (the same document as GET /openapi.json).\n${YAML.stringify(apiDoc, { lineWidth: 0 })}`,
    );

    const weights = artifactFiles.get(WEIGHTS_FILE) as Uint8Array;
    const summary = modelMetadata({ metadata, requestSchema: schemas.request, responseSchema: schemas.response, limits, weights, quantization, dependencies, toolVersion: version, apiVersion: String(info.version ?? 'unknown') });
    files.set(MODEL_METADATA_FILE, `${JSON.stringify(summary, null, 2)}\n`);

    const runtime = await bundleRuntime(version);
    files.set(RUNTIME_FILE, runtime.code);
    files.set('lib/THIRD_PARTY_LICENSES.txt', runtime.licenses);
    for (const t of TEMPLATES) files.set(t.to, readFileSync(join(templates, t.from)));
    files.set('package.json', packageJson(metadata, dependencies));
    files.set('README.md', packageReadme(metadata, folder, quantization, guideFromDocs));
    files.set(SUMS_FILE, sha256Sums(files));

    const stage = join(work, 'stage');
    const entries = writeTree(stage, folder, files, new Set(TEMPLATES.filter((t) => t.executable).map((t) => t.to)));
    mkdirSync(dirname(target), { recursive: true });
    const tmpOut = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
    const { create } = await import('tar');
    try {
      await create({ file: tmpOut, cwd: stage, gzip: { level: 9 }, portable: true, noDirRecurse: true, mtime: new Date(metadata.created_at) }, entries);
      renameSync(tmpOut, target);
    } catch (err) {
      rmSync(tmpOut, { force: true });
      throw err;
    }
    const archive = readFileSync(target);
    return {
      file: target,
      folder,
      bytes: archive.byteLength,
      sha256: sha256Hex(archive),
      files: [...files.keys()].sort(),
      modelMetadata: summary,
      integrationGuide: guideFromDocs ? 'docs' : 'generated',
      bundled: runtime.bundled,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
