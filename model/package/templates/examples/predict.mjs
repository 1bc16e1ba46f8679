// Calls the inference service's REST API from Node.js 20+ (built-in fetch, no dependencies).
//
//   GITOPS_ML_URL=http://localhost:8080 GITOPS_ML_API_KEY=... node examples/predict.mjs "a text" ["another text" ...]
//   node examples/predict.mjs --samples    # sends sample_requests.json, compares with the recorded answers
//
// GITOPS_ML_URL defaults to http://localhost:8080. GITOPS_ML_API_KEY is needed only when the
// service has API keys configured; it is sent as "Authorization: Bearer <key>".
// GITOPS_ML_TIMEOUT_SECONDS bounds each attempt (default 10). One text is sent as
// {"text": …}, several as {"texts": [...]}; import predict/predictBatch to reuse the client.
/* global AbortSignal */
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const API_URL = (process.env.GITOPS_ML_URL || 'http://localhost:8080').replace(/\/+$/, '');
const API_KEY = process.env.GITOPS_ML_API_KEY;
const TIMEOUT_MS = (Number(process.env.GITOPS_ML_TIMEOUT_SECONDS) || 10) * 1000;

/** An error answer of the API: RFC 9457 problem details with a stable `type`. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(`${status} ${problem.title ?? ''}: ${problem.detail ?? ''} (${problem.type ?? 'no type'})`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * POST /v1/predict with `body` ({text} or {texts}). Retries once after the Retry-After
 * delay when the service answers 503 (model loading, overloaded) or 429 (rate limited).
 */
export async function callPredict(body, { retries = 1 } = {}) {
  const headers = { 'content-type': 'application/json', ...(API_KEY ? { authorization: `Bearer ${API_KEY}` } : {}) };
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${API_URL}/v1/predict`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (res.ok) return res.json();
    const problem = await res.json().catch(() => ({ detail: res.statusText }));
    if ((res.status === 503 || res.status === 429) && attempt < retries) {
      const seconds = Math.min(Number(res.headers.get('retry-after')) || 1, 30);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      continue;
    }
    throw new ApiError(res.status, problem);
  }
}

/** {label, score, model} of one text. */
export const predict = (text) => callPredict({ text });
/** {predictions: [{label, score}, ...], model} of several texts, in order. */
export const predictBatch = (texts) => callPredict({ texts });

async function runSamples() {
  const samples = JSON.parse(readFileSync(new URL('../sample_requests.json', import.meta.url), 'utf8'));
  let mismatches = 0;
  for (const r of samples.requests) {
    const answer = await callPredict(r.request);
    const labels = 'text' in r.request ? [answer.label] : answer.predictions.map((p) => p.label);
    const expected = 'text' in r.request ? [r.expected_label] : r.expected_labels;
    const same = JSON.stringify(labels) === JSON.stringify(expected) && answer.model.version === samples.model.version;
    if (!same) mismatches++;
    process.stdout.write(`${same ? 'ok  ' : 'DIFF'} ${r.name}: ${JSON.stringify(answer)}\n`);
  }
  process.stdout.write(`${samples.requests.length - mismatches}/${samples.requests.length} sample requests answered as recorded\n`);
  return mismatches === 0 ? 0 : 1;
}

const isMain = process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
if (isMain) {
  const args = process.argv.slice(2);
  try {
    if (args[0] === '--samples') process.exitCode = await runSamples();
    else if (args.length === 1) process.stdout.write(`${JSON.stringify(await predict(args[0]))}\n`);
    else if (args.length > 1) process.stdout.write(`${JSON.stringify(await predictBatch(args))}\n`);
    else {
      process.stderr.write('usage: node examples/predict.mjs TEXT [TEXT ...] | --samples\n');
      process.exitCode = 2;
    }
  } catch (err) {
    process.stderr.write(`${err instanceof ApiError ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
