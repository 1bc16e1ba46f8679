/**
 * gitops-ml client in TypeScript for Node.js 20+ (built-in fetch, no dependencies).
 *
 * Sends one text, then a batch, to POST /v1/predict and prints one line per text:
 *
 *   model   <name>  <version>
 *   single  <label> <score> <text>
 *   batch   <label> <score> <text>
 *
 * Environment: GITOPS_ML_URL (default http://localhost:8080), GITOPS_ML_API_KEY (sent as
 * "Authorization: Bearer <key>" when set), GITOPS_ML_TIMEOUT_SECONDS (each attempt,
 * default 10). Arguments: the texts (default: three sample sentences); the first is sent
 * alone, then all of them as one batch.
 *
 * 429 and 503 are retried after the answer's Retry-After, a refused or reset connection
 * with exponential backoff, at most 5 attempts in all. A timeout is not retried: the
 * server may still be working on the request. Exit code 0 on success, 1 otherwise.
 *
 * Uses only type annotations TypeScript can erase, so it runs with
 * `node --experimental-strip-types predict.ts` (Node 22.6+) as well as compiled by tsc.
 */

type Label = 'negative' | 'positive';
interface Prediction {
  label: Label;
  /** P(positive) */
  score: number;
}
interface ModelRef {
  name: string;
  version: string;
}
type SingleResponse = Prediction & { model: ModelRef };
interface BatchResponse {
  predictions: Prediction[];
  model: ModelRef;
}
/** RFC 9457 problem details, the body of every v1 error. */
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

const SAMPLES = ['I did not like this movie at all.', 'What a wonderful film.', 'The plot was dull and far too long.'];
const MAX_ATTEMPTS = 5;
const MAX_WAIT_SECONDS = 60;

class ApiError extends Error {}

const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** 0.5 s, 1 s, 2 s, ... with up to 20 % jitter so that clients do not retry in lockstep. */
function backoffSeconds(attempt: number): number {
  return Math.min(0.5 * 2 ** (attempt - 1), MAX_WAIT_SECONDS) * (1 + Math.random() * 0.2);
}

/** Seconds to wait: the Retry-After header (delta-seconds or HTTP-date), else exponential backoff. */
function retryAfterSeconds(value: string | null, attempt: number): number {
  if (value !== null) {
    if (/^\d+$/.test(value.trim())) return Math.min(Number(value), MAX_WAIT_SECONDS);
    const when = Date.parse(value);
    if (!Number.isNaN(when)) return Math.min(Math.max((when - Date.now()) / 1000, 0), MAX_WAIT_SECONDS);
  }
  return backoffSeconds(attempt);
}

async function describe(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as Problem;
    return `${problem.type}: ${problem.detail}`;
  } catch {
    return text.slice(0, 200);
  }
}

async function predict<T>(baseUrl: string, apiKey: string, timeoutSeconds: number, body: unknown): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/v1/predict`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') throw new ApiError(`timed out after ${timeoutSeconds} s`);
      const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      if (attempt >= MAX_ATTEMPTS) throw new ApiError(`cannot reach ${baseUrl}: ${reason}`);
      const wait = backoffSeconds(attempt);
      console.error(`connection failed (${reason}), retrying in ${wait.toFixed(1)} s`);
      await sleep(wait);
      continue;
    }
    if (response.ok) return (await response.json()) as T;
    if ((response.status === 429 || response.status === 503) && attempt < MAX_ATTEMPTS) {
      await response.body?.cancel();
      const wait = retryAfterSeconds(response.headers.get('retry-after'), attempt);
      console.error(`HTTP ${response.status}, retrying in ${wait.toFixed(1)} s (attempt ${attempt} of ${MAX_ATTEMPTS})`);
      await sleep(wait);
      continue;
    }
    throw new ApiError(`HTTP ${response.status}: ${await describe(response)}`);
  }
}

const line = (kind: string, p: Prediction, text: string): string => `${kind}\t${p.label}\t${p.score.toFixed(4)}\t${text}`;

async function main(argv: string[]): Promise<number> {
  const baseUrl = (process.env.GITOPS_ML_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  const apiKey = process.env.GITOPS_ML_API_KEY ?? '';
  const timeoutSeconds = Number(process.env.GITOPS_ML_TIMEOUT_SECONDS ?? '10');
  if (!(timeoutSeconds > 0)) {
    console.error('error: GITOPS_ML_TIMEOUT_SECONDS must be a positive number');
    return 1;
  }
  const texts = argv.length > 0 ? argv : SAMPLES;
  try {
    const single = await predict<SingleResponse>(baseUrl, apiKey, timeoutSeconds, { text: texts[0] });
    console.log(`model\t${single.model.name}\t${single.model.version}`);
    console.log(line('single', single, texts[0] as string));
    const batch = await predict<BatchResponse>(baseUrl, apiKey, timeoutSeconds, { texts });
    batch.predictions.forEach((p, i) => console.log(line('batch', p, texts[i] as string)));
    return 0;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    console.error(`error: ${err.message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
