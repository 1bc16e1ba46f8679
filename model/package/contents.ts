/**
 * The generated documents of a handoff package (pure functions of their inputs, so a
 * package built twice from the same artifact is the same bytes).
 */
import { sha256Hex } from '../data/checksum.js';
import type { ArtifactMetadata } from '../artifact/metadata.js';
import type { QuantizationReport } from '../artifact/quantize.js';
import type { Prediction } from '../inference/sentiment-model.js';
import { PROBLEMS, PROBLEM_BASE } from '../../service/problems.js';

/** The package's files, by path inside its top folder. */
export type PackageFiles = Map<string, string | Uint8Array>;

export const MODEL_METADATA_FILE = 'model_metadata.json';
export const SAMPLE_REQUESTS_FILE = 'sample_requests.json';
export const SUMS_FILE = 'SHA256SUMS';
export const LOADER_FILE = 'predict.mjs';
export const RUNTIME_FILE = 'lib/gitops-ml-model.mjs';
export const PACKAGE_TEST_FILE = 'test/package.test.mjs';
/** Scores from the package's loader may differ from the recorded ones by float rounding (SIMD vs plain JavaScript paths), never by more. */
export const SCORE_TOLERANCE = 1e-4;

/** Realistic requests (movie reviews, like the training data, plus the messy parts of real input). */
export const SAMPLE_TEXTS: readonly { name: string; text: string }[] = [
  { name: 'clearly positive review', text: 'A gorgeous, heartfelt film with terrific performances. I loved every minute of it.' },
  { name: 'clearly negative review', text: 'The plot was predictable and the acting was wooden; I walked out halfway through.' },
  { name: 'negation', text: "I didn't like it at all." },
  { name: 'negated negative', text: 'Not bad at all, actually one of the better thrillers this year.' },
  { name: 'mixed review', text: 'The first hour is slow and the dialogue clunky, but the ending is genuinely moving.' },
  { name: 'shouting and punctuation', text: 'WORST SEQUEL EVER MADE!!! Total waste of two hours...' },
  { name: 'emoji and hashtag', text: 'Great movie 😍 #mustsee' },
  { name: 'url, mention and number', text: '@sam you were right, 10/10 would watch again: https://example.com/review/123' },
  {
    name: 'long review (truncated to the model max_tokens)',
    text:
      'I went in with low expectations, having been burned by the last two films in the series, and for the first twenty minutes it seemed I was right: ' +
      'the setup is clumsy, the exposition heavy and the villain a cardboard cutout. Then something shifts. The two leads find a rhythm, the script ' +
      'starts trusting its audience, and the middle act is as tense and funny as anything I have seen this year. The score is lovely, the photography ' +
      'is crisp, and the final scene earns every tear. Flawed, yes, but warm, clever and well worth seeing on a big screen.',
  },
];

export const SAMPLE_BATCH: readonly string[] = ['An instant classic.', 'Dull, overlong and badly acted.', 'It was fine, I guess.'];

export interface ServiceLimits {
  maxTextLength: number;
  maxBatch: number;
  bodyLimitBytes: number;
}

export interface ModelRef {
  name: string;
  version: string;
}

export function sampleRequests(model: ModelRef, predict: (texts: readonly string[]) => Prediction[]): Record<string, unknown> {
  const singles = predict(SAMPLE_TEXTS.map((s) => s.text));
  const batch = predict(SAMPLE_BATCH);
  const ref = { name: model.name, version: model.version };
  return {
    model: ref,
    endpoint: { method: 'POST', path: '/v1/predict', content_type: 'application/json' },
    score_tolerance: SCORE_TOLERANCE,
    note: 'expected_* are what this model version answers (computed when the package was built), not ground truth. A different model version may answer differently; scores may differ by float rounding up to score_tolerance.',
    requests: [
      ...SAMPLE_TEXTS.map((s, i) => {
        const p = singles[i] as Prediction;
        return { name: s.name, request: { text: s.text }, expected_label: p.label, expected_response: { label: p.label, score: p.score, model: ref } };
      }),
      {
        name: 'batch',
        request: { texts: [...SAMPLE_BATCH] },
        expected_labels: batch.map((p) => p.label),
        expected_response: { predictions: batch.map((p) => ({ label: p.label, score: p.score })), model: ref },
      },
    ],
  };
}

/** Numbers, strings, short number pairs (confidence intervals) and flat objects of those; drops curves and per-example data. */
function summarizeMetrics(metrics: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const scalar = (v: unknown): boolean => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
  const keep = (v: unknown, depth: number): unknown => {
    if (scalar(v)) return v;
    if (Array.isArray(v)) return v.length <= 2 && v.every((x) => typeof x === 'number') ? v : undefined;
    if (v && typeof v === 'object' && depth < 2) {
      const entries = Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => [k, keep(x, depth + 1)] as const)
        .filter(([, x]) => x !== undefined);
      return entries.length ? Object.fromEntries(entries) : undefined;
    }
    return undefined;
  };
  return Object.fromEntries(Object.entries(metrics).map(([split, m]) => [split, (keep(m, 0) ?? {}) as Record<string, unknown>]));
}

export interface QuantizationSummary {
  dtype: QuantizationReport['dtype'];
  method: string;
  weights_bytes_before: number;
  weights_bytes_after: number;
  source_weights_sha256: string;
  /** Largest |score(quantized) − score(float32)| over the sample requests. */
  sample_max_abs_score_delta: number;
  /** Share of sample texts both models label the same. */
  sample_label_agreement: number;
  note: string;
}

export interface ModelMetadataInput {
  metadata: ArtifactMetadata;
  requestSchema: unknown;
  responseSchema: unknown;
  limits: ServiceLimits;
  weights: Uint8Array;
  quantization: QuantizationSummary | null;
  dependencies: Record<string, string>;
  toolVersion: string;
  apiVersion: string;
}

/** model_metadata.json: what a backend needs about the model, in one flat, stable document. */
export function modelMetadata(i: ModelMetadataInput): Record<string, unknown> {
  const m = i.metadata;
  return {
    schema_version: 1,
    name: m.name,
    version: m.version,
    created_at: m.created_at,
    git_commit: m.git_commit,
    task: 'binary sentiment classification of English text',
    labels: m.labels,
    decision: { score: `P(${m.labels[1]})`, threshold: 0.5, rule: `label = "${m.labels[1]}" when score >= 0.5, else "${m.labels[0]}"` },
    input_schema: i.requestSchema,
    output_schema: i.responseSchema,
    prediction_schema: { input: m.input_schema, output: m.output_schema },
    max_text_length: i.limits.maxTextLength,
    max_batch_size: i.limits.maxBatch,
    max_body_bytes: i.limits.bodyLimitBytes,
    max_tokens: m.preprocessing.max_tokens,
    preprocessing: { tokenizer: m.preprocessing.tokenizer, vocabulary_size: m.preprocessing.vocabulary_size, truncation: `texts are cut to the first ${m.preprocessing.max_tokens} tokens` },
    architecture: m.architecture.type ?? null,
    framework: m.framework,
    metrics: summarizeMetrics(m.metrics),
    datasets: Object.fromEntries(Object.entries(m.datasets).map(([split, d]) => [split, { ref: d.ref, rows: d.rows, sha256: d.sha256 }])),
    weights_sha256: sha256Hex(i.weights),
    weights_bytes: i.weights.byteLength,
    weights_dtype: i.quantization ? i.quantization.dtype : 'float32',
    quantization: i.quantization,
    api: {
      version: i.apiVersion,
      predict: 'POST /v1/predict',
      health: { liveness: 'GET /healthz', readiness: 'GET /readyz' },
      model_info: 'GET /v1/models',
      openapi: 'GET /openapi.json (also API_SPEC.yaml in this package)',
      auth: 'Authorization: Bearer <API key>, when the service has API keys configured (API_KEY_SHA256 or API_KEYS_FILE); otherwise none',
      errors: 'application/problem+json (RFC 9457); match on "type"',
    },
    runtime: { node: '>=20', dependencies: i.dependencies, loader: LOADER_FILE, bundle: RUNTIME_FILE },
    packaged_with: { tool: 'gitops-ml', version: i.toolVersion },
  };
}

/** `sha256sum -c` format: "<hex>  <path>", sorted by path. */
export function sha256Sums(files: PackageFiles): string {
  return `${[...files.keys()]
    .sort()
    .map((p) => `${sha256Hex(files.get(p) as string | Uint8Array)}  ${p}`)
    .join('\n')}\n`;
}

/** The package's npm dependencies: TensorFlow.js (decodes the weights) and its wasm backend (fast, and quiet: the plain-JS backend prints a banner). */
export function runtimeDependencies(tfjsVersion: string, wasmVersion = tfjsVersion): Record<string, string> {
  return { '@tensorflow/tfjs': tfjsVersion, '@tensorflow/tfjs-backend-wasm': wasmVersion };
}

export function packageJson(m: ModelRef, dependencies: Record<string, string>): string {
  const doc = {
    name: `${m.name}-model`,
    version: m.version,
    private: true,
    description: `The ${m.name} model ${m.version} (gitops-ml handoff package): model files, a loader, examples and a self-test.`,
    type: 'module',
    main: `./${LOADER_FILE}`,
    types: './predict.d.ts',
    exports: { '.': { types: './predict.d.ts', default: `./${LOADER_FILE}` }, './package.json': './package.json' },
    engines: { node: '>=20' },
    scripts: { test: `node --test ${PACKAGE_TEST_FILE}`, verify: `sha256sum -c ${SUMS_FILE}`, predict: `node ${LOADER_FILE}` },
    dependencies,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The card when an artifact has no model-card.md (the pipeline always writes one; hand-made artifacts may not). */
export function fallbackModelCard(m: ArtifactMetadata): string {
  const test = m.metrics.test as Record<string, unknown> | undefined;
  const fmt = (v: unknown): string => (typeof v === 'number' ? v.toFixed(4) : 'not recorded');
  return `# Model card: ${m.name} ${m.version}

This artifact carries no model card (model-card.md); this summary is generated from its metadata.json.

- Task: binary sentiment classification of English text; labels ${m.labels.map((l) => `\`${l}\``).join(', ')}.
- Created: ${m.created_at}; commit: ${m.git_commit ?? 'unknown'}.
- Architecture: ${String(m.architecture.type ?? 'see metadata.json')}; tokenizer \`${m.preprocessing.tokenizer}\`, first ${m.preprocessing.max_tokens} tokens of a text.
- Test accuracy: ${fmt(test?.accuracy)}; test macro-F1: ${fmt(test?.f1_macro)}.
- Training data: ${Object.values(m.datasets).map((d) => `\`${d.ref}\` (${d.rows} rows)`).join(', ') || 'not recorded'}.

See \`model/metadata.json\` for the full record.
`;
}

export interface GuideInput {
  metadata: ArtifactMetadata;
  folder: string;
  limits: ServiceLimits;
  dependencies: Record<string, string>;
  samples: { text: string; label: string; score: number };
}

function problemRows(): string {
  const wanted: (keyof typeof PROBLEMS)[] = ['malformedJson', 'unauthorized', 'bodyTooLarge', 'unsupportedMediaType', 'invalidRequest', 'rateLimited', 'modelNotReady', 'overloaded', 'internal'];
  const advice: Partial<Record<keyof typeof PROBLEMS, string>> = {
    malformedJson: 'fix the client; do not retry',
    unauthorized: 'send `Authorization: Bearer <key>`',
    bodyTooLarge: 'split the batch',
    unsupportedMediaType: 'send `content-type: application/json`',
    invalidRequest: 'fix the request (empty or too long text, too many texts, unknown field); do not retry',
    rateLimited: 'retry after `Retry-After` seconds',
    modelNotReady: 'retry after `Retry-After` seconds (the model is loading)',
    overloaded: 'retry after `Retry-After` seconds, with backoff',
    internal: 'retry once, then report with the `x-request-id` header',
  };
  return wanted.map((k) => `| ${PROBLEMS[k].status} | \`${PROBLEM_BASE}${PROBLEMS[k].slug}\` | ${advice[k] ?? ''} |`).join('\n');
}

/**
 * INTEGRATION_GUIDE.md when the repository has no docs/INTEGRATION_GUIDE.md: how to
 * verify, call and embed this model, with this model's real values.
 */
export function fallbackIntegrationGuide(g: GuideInput): string {
  const m = g.metadata;
  const [neg, pos] = m.labels;
  const s = g.samples;
  return `# Integration guide: ${m.name} ${m.version}

This package hands the \`${m.name}\` model (version ${m.version}) to the teams that call it.
It classifies English text as \`${neg}\` or \`${pos}\`: every prediction is
\`{"label", "score"}\`, where \`score\` is P(${pos}) in [0, 1] and \`label\` is \`${pos}\`
when \`score >= 0.5\`. Pick your own threshold on \`score\` if your use case needs a
different precision/recall trade-off.

There are two ways to use it: call the inference service over HTTP (recommended for
production: auth, limits, metrics and hot reload are built in), or load the model
in-process in Node.js with the bundled loader.

## 1. Verify the package

\`\`\`sh
tar -xzf ${g.folder}.tar.gz && cd ${g.folder}
sha256sum -c ${SUMS_FILE}        # macOS: shasum -a 256 -c ${SUMS_FILE}
\`\`\`

Every file is listed in \`${SUMS_FILE}\`. The model folder has its own \`model/manifest.json\`
(size and sha256 of each artifact file), which the loader and the service check before
they use the model: a modified file is refused, never served.

## 2. Call the REST API

The model's operators run the service (the model repository's inference server, \`npm start\`
or its container image) with \`MODEL_DIR\` set to an artifact folder such as this package's
\`model/\`; it listens on port 8080 by default. The full contract is in
\`API_SPEC.yaml\` (OpenAPI 3, generated from the service's route schemas).

\`POST /v1/predict\` with \`content-type: application/json\`:

| Request | Response (200) |
| --- | --- |
| \`{"text": "..."}\` | \`{"label": "${pos}", "score": 0.97, "model": {"name": "${m.name}", "version": "${m.version}"}}\` |
| \`{"texts": ["...", "..."]}\` | \`{"predictions": [{"label", "score"}, ...], "model": {...}}\` (same order as \`texts\`) |

Limits (as configured when this package was built; the operator may change them):
texts of 1 to ${g.limits.maxTextLength} characters (\`MAX_TEXT_LENGTH\`), at most ${g.limits.maxBatch} texts per
request (\`MAX_BATCH_SIZE\`), bodies up to ${g.limits.bodyLimitBytes} bytes (\`BODY_LIMIT_BYTES\`). Unknown fields are
refused. The model reads the first ${m.preprocessing.max_tokens} tokens of a text; the rest does not change the score.

Auth: when the service has API keys configured (\`API_KEY_SHA256\` or \`API_KEYS_FILE\`),
send \`Authorization: Bearer <key>\`; \`/healthz\`, \`/readyz\`, \`/metrics\` and \`/openapi.json\` stay open.

\`\`\`sh
curl -sS -X POST "\${GITOPS_ML_URL:-http://localhost:8080}/v1/predict" \\
  -H 'content-type: application/json' -H "Authorization: Bearer $GITOPS_ML_API_KEY" \\
  -d '{"text": ${JSON.stringify(s.text)}}'
# → {"label":"${s.label}","score":${s.score},"model":{"name":"${m.name}","version":"${m.version}"}}
\`\`\`

Ready-made clients: \`examples/predict.sh\` (curl) and \`examples/predict.mjs\` (Node.js fetch,
with retry on 503/429). Both read \`GITOPS_ML_URL\` (default \`http://localhost:8080\`),
\`GITOPS_ML_API_KEY\` and \`GITOPS_ML_TIMEOUT_SECONDS\` (default 10). \`node examples/predict.mjs --samples\` sends every request in
\`${SAMPLE_REQUESTS_FILE}\` and compares the answers with the ones recorded for this version:
use it as a smoke test after a deployment.

Errors are \`application/problem+json\` (RFC 9457). Match on \`type\`, not on \`detail\`:

| Status | \`type\` | What to do |
| --- | --- | --- |
${problemRows()}

Every response carries \`x-request-id\` (send your own to correlate logs). \`GET /readyz\` answers
200 once the model is loaded; \`GET /v1/models\` describes the served model. Check the
\`model.version\` of responses if you need to know which version answered (hot reloads swap it).

## 3. Load the model in-process (Node.js)

\`\`\`sh
cd ${g.folder}
npm install          # installs ${Object.entries(g.dependencies).map(([n, v]) => `${n} ${v}`).join(' and ')}
npm test             # runs test/package.test.mjs: loads the model, checks the sample requests
\`\`\`

\`\`\`js
import { loadModel } from './predict.mjs';   // or: npm install ./${g.folder}, then import from '${m.name}-model'
const model = await loadModel();              // verifies model/ against model/manifest.json
model.predict(${JSON.stringify(s.text)});
// → { label: '${s.label}', score: ${s.score} }
model.predictBatch(['An instant classic.', 'Dull and overlong.']);
\`\`\`

\`predict.mjs\` wraps \`${RUNTIME_FILE}\`: the model repository's own loader, tokenizer and
inference code bundled into one file, so predictions here are the service's predictions.
TensorFlow.js only decodes the weights at load (its wasm backend when installed, else
its plain-JavaScript one, which prints a suggestion to install tfjs-node: harmless); scoring is plain JavaScript (about a
millisecond per text or less), synchronous, and safe to call from many requests. Load the
model once per process and reuse it. Types are in \`predict.d.ts\`.

## 4. What is in the package

| Path | What |
| --- | --- |
| \`model/\` | the model artifact: \`model.json\` + \`weights.bin\` (TensorFlow.js layers format), \`tokenizer.json\`, \`metadata.json\`, \`manifest.json\` (sha256 of each file) and the artifact's reports |
| \`${MODEL_METADATA_FILE}\` | name, version, labels, input/output schemas, limits, metrics, weights sha256 |
| \`MODEL_CARD.md\` | intended use, data, metrics, fairness and robustness results, limitations |
| \`API_SPEC.yaml\` | the REST API (OpenAPI 3) |
| \`${SAMPLE_REQUESTS_FILE}\` | realistic requests with this version's answers |
| \`examples/\` | \`predict.sh\` (curl), \`predict.mjs\` (REST client), \`predict-local.mjs\` (in-process) |
| \`predict.mjs\`, \`${RUNTIME_FILE}\` | the in-process loader and the bundled runtime |
| \`${PACKAGE_TEST_FILE}\` | the package's self-test (\`npm test\`) |
| \`${SUMS_FILE}\` | sha256 of every file |

## 5. Before you rely on it

Read \`MODEL_CARD.md\`: it states what the model was trained on (English movie reviews),
how it was evaluated and where it is known to be weak. Scores are not calibrated
probabilities unless the card says so. Inputs may be personal data: the service does not
log request texts unless \`LOG_REQUEST_TEXT=true\`.
`;
}

export function packageReadme(m: ArtifactMetadata, folder: string, quantization: QuantizationSummary | null, guideFromDocs: boolean): string {
  return `# ${m.name} ${m.version}${quantization ? ` (${quantization.dtype} weights)` : ''}

Handoff package of the model \`${m.name}\` (English sentiment: ${m.labels.map((l) => `\`${l}\``).join(' or ')}), built by
\`gitops-ml package\`.
Start with [INTEGRATION_GUIDE.md](INTEGRATION_GUIDE.md); the model's facts are in
[${MODEL_METADATA_FILE}](${MODEL_METADATA_FILE}) and [MODEL_CARD.md](MODEL_CARD.md), the REST
contract in [API_SPEC.yaml](API_SPEC.yaml).

\`\`\`sh
cd ${folder}
sha256sum -c ${SUMS_FILE}                  # every file as built
npm install                               # TensorFlow.js (@tensorflow/tfjs, -backend-wasm)
npm test                                  # load the model, check ${SAMPLE_REQUESTS_FILE}
node predict.mjs "A gorgeous, heartfelt film."
\`\`\`

The REST clients in \`examples/\` read \`GITOPS_ML_URL\` and \`GITOPS_ML_API_KEY\`;
\`node examples/predict.mjs --samples\` checks a deployment against ${SAMPLE_REQUESTS_FILE}.
${guideFromDocs ? `\nINTEGRATION_GUIDE.md is the model repository's docs/INTEGRATION_GUIDE.md as of this build: its
links that leave this folder (\`../examples/\`, other docs) point into that repository.\n` : ''}${quantization ? `\nThe weights are quantized (${quantization.method}); the metrics in ${MODEL_METADATA_FILE} were measured on the float32 model.\n` : ''}`;
}
