import { PROBLEM_BASE, PROBLEMS } from '../../../service/problems.js';
import type { ProblemKind } from '../../../service/problems.js';
import { OIP_INPUT, OIP_OUTPUT } from '../../../service/oip.js';
import type { ContractArea, ContractResult } from './qa.js';

/**
 * The API contract the qa role checks against the live service: v1 (predict, models,
 * health, readiness, metrics, the OpenAPI document) and the Open Inference Protocol v2
 * routes, with edge cases and invalid input. Each case is a request and a pure check
 * of the answer (status, content type, body); errors must be the service's documented
 * ones (problem+json `type` URIs on v1, `{"error"}` bodies on v2), never a 5xx.
 */

export interface Answer {
  status: number;
  contentType: string;
  /** The Retry-After header, when the answer carries one. */
  retryAfter?: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  text: string;
}

export interface ContractContext {
  model: { name: string; version: string };
  /** The limits the service runs with (its config). */
  maxTextLength: number;
  maxBatch: number;
  bodyLimit: number;
  /** Answers of the cases run so far, by case id (cross-checks: batch vs single, v2 vs v1). */
  answers: Map<string, Answer>;
}

export interface ContractCase {
  id: string;
  area: ContractArea;
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: { json: unknown } | { raw: string; contentType: string };
  expected: string;
  /** Why the answer breaks the contract, or undefined when it keeps it. */
  check: (a: Answer, ctx: ContractContext) => string | undefined;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const isProb = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
/** Scores of the same text through two paths (single/batch, v1/v2, main thread/inference thread) agree to this. */
const SAME_SCORE = 1e-6;

function status(a: Answer, expected: number): string | undefined {
  return a.status === expected ? undefined : `expected status ${expected}`;
}

function jsonBody(a: Answer, expected = 200): Json | string {
  const s = status(a, expected);
  if (s) return s;
  if (!a.contentType.startsWith('application/json')) return `content type "${a.contentType}", expected application/json`;
  return obj(a.json) ?? 'the body is not a JSON object';
}

/** A v1 error: the status and `type` of the service's problem kind, as application/problem+json. */
const problemOf =
  (kind: ProblemKind) =>
  (a: Answer): string | undefined => {
    const p = PROBLEMS[kind];
    if (a.status !== p.status) return `expected status ${p.status} (${p.slug})`;
    if (!a.contentType.startsWith('application/problem+json')) return `content type "${a.contentType}", expected application/problem+json`;
    const b = obj(a.json);
    if (b?.type !== `${PROBLEM_BASE}${p.slug}`) return `problem type ${JSON.stringify(b?.type)}, expected ${PROBLEM_BASE}${p.slug}`;
    if (b.status !== p.status || typeof b.title !== 'string' || typeof b.detail !== 'string') return 'not a problem document (status, title, detail)';
    return undefined;
  };

/** A v2 error: the status and a `{"error": "..."}` body (the protocol's error shape). */
const oipError =
  (code: number) =>
  (a: Answer): string | undefined => {
    if (a.status !== code) return `expected status ${code}`;
    const b = obj(a.json);
    if (typeof b?.error !== 'string' || b.error === '') return 'no {"error": "..."} body';
    return undefined;
  };

function checkModelRef(ref: unknown, ctx: ContractContext): string | undefined {
  const m = obj(ref);
  if (m?.name !== ctx.model.name || m.version !== ctx.model.version) return `model ${JSON.stringify(ref)}, expected ${ctx.model.name} ${ctx.model.version}`;
  return undefined;
}

function checkPrediction(p: unknown): string | undefined {
  const x = obj(p);
  if (!x) return 'a prediction is not an object';
  if (!isProb(x.score)) return `score ${JSON.stringify(x.score)} is not a probability`;
  const label = x.score >= 0.5 ? 'positive' : 'negative';
  if (x.label !== label) return `label ${JSON.stringify(x.label)} does not match score ${x.score} (expected ${label})`;
  return undefined;
}

function singlePrediction(a: Answer, ctx: ContractContext): string | undefined {
  const b = jsonBody(a);
  if (typeof b === 'string') return b;
  return checkPrediction(b) ?? checkModelRef(b.model, ctx);
}

function scoreOf(ctx: ContractContext, id: string): number | undefined {
  const s = obj(ctx.answers.get(id)?.json)?.score;
  return typeof s === 'number' ? s : undefined;
}

/** A v2 inference answer for `n` texts; returns P(positive) per text, or the reason it is not one. */
function oipProbs(a: Answer, ctx: ContractContext, n: number, id?: string): number[] | string {
  const b = jsonBody(a);
  if (typeof b === 'string') return b;
  if (b.model_name !== ctx.model.name || b.model_version !== ctx.model.version) return `model_name/model_version ${JSON.stringify([b.model_name, b.model_version])}, expected ${ctx.model.name} ${ctx.model.version}`;
  if (id !== undefined && b.id !== id) return `id ${JSON.stringify(b.id)} not echoed (expected "${id}")`;
  const outputs = Array.isArray(b.outputs) ? b.outputs : [];
  const out = obj(outputs[0]);
  if (outputs.length !== 1 || out?.name !== OIP_OUTPUT) return `expected one output "${OIP_OUTPUT}"`;
  if (out.datatype !== 'FP32') return `output datatype ${JSON.stringify(out.datatype)}, expected FP32`;
  if (JSON.stringify(out.shape) !== JSON.stringify([n, 2])) return `output shape ${JSON.stringify(out.shape)}, expected [${n}, 2]`;
  const data = Array.isArray(out.data) ? (out.data as unknown[]) : [];
  if (data.length !== 2 * n || !data.every(isProb)) return `output data must be ${2 * n} probabilities`;
  const probs: number[] = [];
  for (let i = 0; i < n; i++) {
    const neg = data[2 * i] as number;
    const pos = data[2 * i + 1] as number;
    if (Math.abs(neg + pos - 1) > SAME_SCORE) return `row ${i} does not sum to 1 (${neg} + ${pos})`;
    probs.push(pos);
  }
  return probs;
}

const infer = (texts: unknown[], extra: Json = {}, input: Json = {}): { json: unknown } => ({ json: { ...extra, inputs: [{ name: OIP_INPUT, shape: [texts.length], datatype: 'BYTES', data: texts, ...input }] } });

/** Texts the cases score: ordinary reviews, and edge cases the service must still answer. */
export const TEXTS = {
  single: 'A warm, funny and beautifully acted film.',
  batch: ['A warm, funny and beautifully acted film.', 'Dull, slow and far too long.', 'not bad at all'],
  unicode: 'Très bien ! 😀 非常好 — naïve café',
  noWords: ' .,;!?  ',
} as const;

/** The cases, in the order they run (the metrics case last: it reads what the others counted). */
export function contractCases(ctx: Pick<ContractContext, 'model' | 'maxTextLength' | 'maxBatch' | 'bodyLimit'>): ContractCase[] {
  const { name, version } = ctx.model;
  const v2 = `/v2/models/${encodeURIComponent(name)}`;
  const long = 'good '.repeat(Math.ceil(ctx.maxTextLength / 5)).slice(0, ctx.maxTextLength);
  return [
    // Operations.
    { id: 'healthz', area: 'operations', name: 'liveness', method: 'GET', path: '/healthz', expected: '200 {"status":"ok"}', check: (a) => { const b = jsonBody(a); return typeof b === 'string' ? b : b.status === 'ok' ? undefined : `status ${JSON.stringify(b.status)}`; } },
    { id: 'readyz', area: 'operations', name: 'readiness names the PR\'s model', method: 'GET', path: '/readyz', expected: `200, ready, ${name} ${version}`, check: (a, c) => { const b = jsonBody(a); return typeof b === 'string' ? b : b.status !== 'ready' ? `status ${JSON.stringify(b.status)}` : checkModelRef(b.model, c); } },
    {
      id: 'openapi', area: 'operations', name: 'OpenAPI document describes the routes and limits', method: 'GET', path: '/openapi.json', expected: `200, /v1/predict (text ≤ ${ctx.maxTextLength} chars) and ${v2.replace(encodeURIComponent(name), '{name}')}/infer`,
      check: (a, c) => {
        const b = jsonBody(a);
        if (typeof b === 'string') return b;
        const paths = obj(b.paths) ?? {};
        for (const p of ['/healthz', '/readyz', '/v1/models', '/v1/predict', '/v2/models/{name}/infer']) if (!(p in paths)) return `no path ${p}`;
        const schema = obj(obj(obj(obj(obj(obj(paths['/v1/predict'])?.post)?.requestBody)?.content)?.['application/json'])?.schema);
        const text = obj(obj(obj((schema?.oneOf as unknown[] | undefined)?.[0])?.properties)?.text);
        return text?.maxLength === c.maxTextLength ? undefined : `text maxLength ${JSON.stringify(text?.maxLength)}, the service runs with ${c.maxTextLength}`;
      },
    },
    // v1.
    {
      id: 'v1-models', area: 'v1', name: 'model metadata', method: 'GET', path: '/v1/models', expected: `200, ${name} ${version}, labels`,
      check: (a, c) => {
        const b = jsonBody(a);
        if (typeof b === 'string') return b;
        const m = Array.isArray(b.models) ? obj(b.models[0]) : undefined;
        if (!m) return 'no models[0]';
        return checkModelRef(m, c) ?? (JSON.stringify(m.labels) === '["negative","positive"]' ? undefined : `labels ${JSON.stringify(m.labels)}`);
      },
    },
    { id: 'v1-single', area: 'v1', name: 'one text', method: 'POST', path: '/v1/predict', body: { json: { text: TEXTS.single } }, expected: '200, label and score in [0, 1], model', check: singlePrediction },
    {
      id: 'v1-batch', area: 'v1', name: 'a batch agrees with the single answer', method: 'POST', path: '/v1/predict', body: { json: { texts: TEXTS.batch } }, expected: `200, ${TEXTS.batch.length} predictions in order`,
      check: (a, c) => {
        const b = jsonBody(a);
        if (typeof b === 'string') return b;
        const preds = Array.isArray(b.predictions) ? b.predictions : [];
        if (preds.length !== TEXTS.batch.length) return `${preds.length} predictions for ${TEXTS.batch.length} texts`;
        const bad = preds.map(checkPrediction).find(Boolean) ?? checkModelRef(b.model, c);
        if (bad) return bad;
        const single = scoreOf(c, 'v1-single');
        const first = (obj(preds[0])?.score as number | undefined) ?? Number.NaN;
        return single === undefined || Math.abs(single - first) <= SAME_SCORE ? undefined : `the batch scores "${TEXTS.single}" ${first}, alone it scored ${single}`;
      },
    },
    { id: 'v1-long', area: 'v1', name: `text of exactly ${ctx.maxTextLength} characters`, method: 'POST', path: '/v1/predict', body: { json: { text: long } }, expected: '200, a prediction', check: singlePrediction },
    { id: 'v1-unicode', area: 'v1', name: 'accents, emoji, CJK', method: 'POST', path: '/v1/predict', body: { json: { text: TEXTS.unicode } }, expected: '200, a prediction', check: singlePrediction },
    { id: 'v1-no-words', area: 'v1', name: 'punctuation and spaces only', method: 'POST', path: '/v1/predict', body: { json: { text: TEXTS.noWords } }, expected: '200, a prediction', check: singlePrediction },
    { id: 'v1-empty', area: 'v1', name: 'empty text', method: 'POST', path: '/v1/predict', body: { json: { text: '' } }, expected: '422 invalid-request', check: problemOf('invalidRequest') },
    { id: 'v1-too-long', area: 'v1', name: `text over ${ctx.maxTextLength} characters`, method: 'POST', path: '/v1/predict', body: { json: { text: `${long}x` } }, expected: '422 invalid-request', check: problemOf('invalidRequest') },
    { id: 'v1-wrong-type', area: 'v1', name: 'text is a number', method: 'POST', path: '/v1/predict', body: { json: { text: 42 } }, expected: '422 invalid-request', check: problemOf('invalidRequest') },
    { id: 'v1-null', area: 'v1', name: 'text is null', method: 'POST', path: '/v1/predict', body: { json: { text: null } }, expected: '422 invalid-request', check: problemOf('invalidRequest') },
    { id: 'v1-array-body', area: 'v1', name: 'body is an array', method: 'POST', path: '/v1/predict', body: { json: [TEXTS.single] }, expected: '422 invalid-request', check: problemOf('invalidRequest') },
    { id: 'v1-unknown-field', area: 'v1', name: 'an unknown field', method: 'POST', path: '/v1/predict', body: { json: { text: TEXTS.single, threshold: 0.3 } }, expected: '422 invalid-request', check: problemOf('invalidRequest') },
    { id: 'v1-empty-batch', area: 'v1', name: 'empty batch', method: 'POST', path: '/v1/predict', body: { json: { texts: [] } }, expected: '422 invalid-request', check: problemOf('invalidRequest') },
    { id: 'v1-big-batch', area: 'v1', name: `batch over ${ctx.maxBatch} texts`, method: 'POST', path: '/v1/predict', body: { json: { texts: Array.from({ length: ctx.maxBatch + 1 }, (_, i) => `text ${i}`) } }, expected: '422 invalid-request', check: problemOf('invalidRequest') },
    { id: 'v1-bad-json', area: 'v1', name: 'invalid JSON', method: 'POST', path: '/v1/predict', body: { raw: '{"text": "unterminated', contentType: 'application/json' }, expected: '400 malformed-json', check: problemOf('malformedJson') },
    { id: 'v1-media-type', area: 'v1', name: 'not JSON (text/plain)', method: 'POST', path: '/v1/predict', body: { raw: TEXTS.single, contentType: 'text/plain' }, expected: '415 unsupported-media-type', check: problemOf('unsupportedMediaType') },
    { id: 'v1-too-large', area: 'v1', name: `body over ${ctx.bodyLimit} bytes`, method: 'POST', path: '/v1/predict', body: { raw: JSON.stringify({ text: 'a'.repeat(ctx.bodyLimit + 16) }), contentType: 'application/json' }, expected: '413 body-too-large', check: problemOf('bodyTooLarge') },
    { id: 'v1-unknown-route', area: 'v1', name: 'unknown route', method: 'GET', path: '/v1/nothing-here', expected: '404 not-found', check: problemOf('notFound') },
    // Open Inference Protocol v2.
    { id: 'v2-live', area: 'v2', name: 'server live', method: 'GET', path: '/v2/health/live', expected: '200 {"live":true}', check: (a) => { const b = jsonBody(a); return typeof b === 'string' ? b : b.live === true ? undefined : `live ${JSON.stringify(b.live)}`; } },
    { id: 'v2-ready', area: 'v2', name: 'server ready', method: 'GET', path: '/v2/health/ready', expected: '200 {"ready":true}', check: (a) => { const b = jsonBody(a); return typeof b === 'string' ? b : b.ready === true ? undefined : `ready ${JSON.stringify(b.ready)}`; } },
    { id: 'v2-server', area: 'v2', name: 'server metadata', method: 'GET', path: '/v2', expected: '200, name, version, extensions', check: (a) => { const b = jsonBody(a); return typeof b === 'string' ? b : typeof b.name === 'string' && typeof b.version === 'string' && Array.isArray(b.extensions) ? undefined : 'not {name, version, extensions}'; } },
    {
      id: 'v2-model', area: 'v2', name: 'model metadata', method: 'GET', path: v2, expected: `200, versions [${version}], input ${OIP_INPUT} BYTES [-1], output ${OIP_OUTPUT} FP32 [-1, 2]`,
      check: (a) => {
        const b = jsonBody(a);
        if (typeof b === 'string') return b;
        if (b.name !== name || !Array.isArray(b.versions) || !b.versions.includes(version)) return `name/versions ${JSON.stringify([b.name, b.versions])}`;
        const input = JSON.stringify(b.inputs) === JSON.stringify([{ name: OIP_INPUT, datatype: 'BYTES', shape: [-1] }]);
        const output = JSON.stringify(b.outputs) === JSON.stringify([{ name: OIP_OUTPUT, datatype: 'FP32', shape: [-1, 2] }]);
        return input && output ? undefined : `inputs ${JSON.stringify(b.inputs)}, outputs ${JSON.stringify(b.outputs)}`;
      },
    },
    { id: 'v2-model-ready', area: 'v2', name: 'model ready', method: 'GET', path: `${v2}/ready`, expected: `200 {"name":"${name}","ready":true}`, check: (a) => { const b = jsonBody(a); return typeof b === 'string' ? b : b.name === name && b.ready === true ? undefined : `got ${a.text.slice(0, 100)}`; } },
    { id: 'v2-version', area: 'v2', name: 'model version metadata', method: 'GET', path: `${v2}/versions/${encodeURIComponent(version)}`, expected: '200, model metadata', check: (a) => { const b = jsonBody(a); return typeof b === 'string' ? b : b.name === name ? undefined : `name ${JSON.stringify(b.name)}`; } },
    {
      id: 'v2-infer', area: 'v2', name: 'infer agrees with v1', method: 'POST', path: `${v2}/infer`, body: infer([...TEXTS.batch], { id: 'qa-1' }), expected: `200, id echoed, ${OIP_OUTPUT} FP32 [${TEXTS.batch.length}, 2], rows sum to 1`,
      check: (a, c) => {
        const probs = oipProbs(a, c, TEXTS.batch.length, 'qa-1');
        if (typeof probs === 'string') return probs;
        const v1 = scoreOf(c, 'v1-single');
        return v1 === undefined || Math.abs(v1 - (probs[0] as number)) <= SAME_SCORE ? undefined : `P(positive) of "${TEXTS.single}" is ${probs[0]} on v2, ${v1} on v1`;
      },
    },
    { id: 'v2-infer-version', area: 'v2', name: 'infer on the version route', method: 'POST', path: `${v2}/versions/${encodeURIComponent(version)}/infer`, body: infer([TEXTS.single]), expected: `200, ${OIP_OUTPUT} [1, 2]`, check: (a, c) => { const p = oipProbs(a, c, 1); return typeof p === 'string' ? p : undefined; } },
    { id: 'v2-nested', area: 'v2', name: 'nested data, shape [2, 1]', method: 'POST', path: `${v2}/infer`, body: infer([['good'], ['bad']], {}, { shape: [2, 1] }), expected: `200, ${OIP_OUTPUT} [2, 2]`, check: (a, c) => { const p = oipProbs(a, c, 2); return typeof p === 'string' ? p : undefined; } },
    { id: 'v2-unknown-model', area: 'v2', name: 'unknown model', method: 'POST', path: `/v2/models/${encodeURIComponent(`${name}-nonexistent`)}/infer`, body: infer([TEXTS.single]), expected: '404 {"error"}', check: oipError(404) },
    { id: 'v2-unknown-model-meta', area: 'v2', name: 'unknown model metadata', method: 'GET', path: `/v2/models/${encodeURIComponent(`${name}-nonexistent`)}`, expected: '404 {"error"}', check: oipError(404) },
    { id: 'v2-unknown-version', area: 'v2', name: 'unknown version', method: 'POST', path: `${v2}/versions/0.0.0-nonexistent/infer`, body: infer([TEXTS.single]), expected: '404 {"error"}', check: oipError(404) },
    { id: 'v2-datatype', area: 'v2', name: 'datatype FP32 for text', method: 'POST', path: `${v2}/infer`, body: infer([1.5], {}, { datatype: 'FP32' }), expected: '400 {"error"}', check: oipError(400) },
    { id: 'v2-shape', area: 'v2', name: 'shape does not match data', method: 'POST', path: `${v2}/infer`, body: infer(['good', 'bad'], {}, { shape: [3] }), expected: '400 {"error"}', check: oipError(400) },
    { id: 'v2-input-name', area: 'v2', name: 'wrong input name', method: 'POST', path: `${v2}/infer`, body: infer(['good'], {}, { name: 'sentence' }), expected: '400 {"error"}', check: oipError(400) },
    { id: 'v2-no-inputs', area: 'v2', name: 'no inputs', method: 'POST', path: `${v2}/infer`, body: { json: { inputs: [] } }, expected: '400 {"error"}', check: oipError(400) },
    { id: 'v2-empty-text', area: 'v2', name: 'empty string element', method: 'POST', path: `${v2}/infer`, body: infer(['']), expected: '400 {"error"}', check: oipError(400) },
    { id: 'v2-not-string', area: 'v2', name: 'number in BYTES data', method: 'POST', path: `${v2}/infer`, body: infer([7]), expected: '400 {"error"}', check: oipError(400) },
    { id: 'v2-too-long', area: 'v2', name: `element over ${ctx.maxTextLength} characters`, method: 'POST', path: `${v2}/infer`, body: infer([`${long}x`]), expected: '400 {"error"}', check: oipError(400) },
    { id: 'v2-output', area: 'v2', name: 'unknown output requested', method: 'POST', path: `${v2}/infer`, body: { json: { ...(infer(['good']).json as Json), outputs: [{ name: 'logits' }] } }, expected: '400 {"error"}', check: oipError(400) },
    { id: 'v2-bad-json', area: 'v2', name: 'invalid JSON', method: 'POST', path: `${v2}/infer`, body: { raw: '{"inputs": [', contentType: 'application/json' }, expected: '400 {"error"}', check: oipError(400) },
    // Last: the counters of everything above.
    {
      id: 'metrics', area: 'operations', name: 'Prometheus metrics count the traffic', method: 'GET', path: '/metrics', expected: `200, gitops_ml_model_info{${name} ${version}} 1, predictions counted for v1 and v2`,
      check: (a) => {
        if (a.status !== 200) return 'expected status 200';
        if (!a.contentType.startsWith('text/plain')) return `content type "${a.contentType}", expected text/plain`;
        if (!a.text.includes(`gitops_ml_model_info{name="${name}",version="${version}"} 1`)) return 'no gitops_ml_model_info line for the served model';
        for (const endpoint of ['v1', 'v2']) {
          const prefix = `gitops_ml_predictions_total{endpoint="${endpoint}"} `;
          const line = a.text.split('\n').find((l) => l.startsWith(prefix));
          if (!line || !(Number(line.slice(prefix.length)) > 0)) return `gitops_ml_predictions_total{endpoint="${endpoint}"} did not count the predictions`;
        }
        return undefined;
      },
    },
  ];
}

/** Sends one case's request; a network failure is an answer-less result, not a throw. */
export async function send(base: string, c: ContractCase, timeoutMs = 10_000): Promise<Answer> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (c.body && 'json' in c.body) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(c.body.json);
  } else if (c.body) {
    headers['content-type'] = c.body.contentType;
    body = c.body.raw;
  }
  const res = await fetch(`${base}${c.path}`, { method: c.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  const retryAfter = res.headers.get('retry-after');
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', ...(retryAfter !== null ? { retryAfter } : {}), json, text };
}

/** How often a case is sent again after load shedding, and the longest wait honoured. */
export const SHED_RETRIES = 3;
const SHED_MAX_WAIT_S = 10;

/**
 * The seconds to wait before sending again, when the answer is the service shedding load
 * (503 with Retry-After, which it documents as "come back later"); undefined otherwise.
 * A busy host (a shared runner) can trip the event-loop delay limit for a moment; a
 * client that honours Retry-After gets its answer, and the case still judges that answer.
 */
export function shedWait(a: Answer): number | undefined {
  if (a.status !== 503 || a.retryAfter === undefined) return undefined;
  const s = Number(a.retryAfter);
  return Number.isFinite(s) && s >= 0 ? Math.min(s, SHED_MAX_WAIT_S) : undefined;
}

/** Judges one answer: any 5xx fails whatever the case expected; a check that throws is a failure too. */
export function judge(c: ContractCase, a: Answer, ctx: ContractContext): ContractResult {
  const base = { id: c.id, area: c.area, name: c.name, request: `${c.method} ${c.path}`, expected: c.expected, status: a.status };
  let why: string | undefined;
  try {
    why = c.check(a, ctx);
  } catch (err) {
    why = `the check failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (a.status >= 500) why = `server error${why ? ` (${why})` : ''}`;
  return { ...base, pass: why === undefined, ...(why ? { detail: why } : {}) };
}

/** Runs every case in order against the live service at `base`. */
export async function runContract(base: string, ctx: Omit<ContractContext, 'answers'>, cases: readonly ContractCase[] = contractCases(ctx)): Promise<ContractResult[]> {
  const full: ContractContext = { ...ctx, answers: new Map() };
  const results: ContractResult[] = [];
  for (const c of cases) {
    let a: Answer;
    let shed = 0;
    try {
      a = await send(base, c);
      for (let wait = shedWait(a); wait !== undefined && shed < SHED_RETRIES; wait = shedWait(a)) {
        shed++;
        await new Promise((r) => setTimeout(r, wait * 1000));
        a = await send(base, c);
      }
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      results.push({ id: c.id, area: c.area, name: c.name, request: `${c.method} ${c.path}`, expected: c.expected, pass: false, detail: `no answer (${cause ?? (err instanceof Error ? err.message : String(err))})` });
      continue;
    }
    full.answers.set(c.id, a);
    const r = judge(c, a, full);
    // Shedding is reported, never hidden: a pass says it needed retries, a failure how many it got.
    if (shed) r.detail = `${r.detail ? `${r.detail}; ` : ''}${shedWait(a) !== undefined ? `still shedding load (503 + Retry-After) after ${shed} retries` : `answered after ${shed} retr${shed === 1 ? 'y' : 'ies'}: the service shed load (503 + Retry-After)`}`;
    results.push(r);
  }
  return results;
}
