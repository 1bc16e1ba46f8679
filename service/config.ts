import { availableParallelism } from 'node:os';
import { ValidationError } from '../model/errors.js';
import { createAjv } from '../model/util/ajv.js';
import { parseKeyHashes } from './auth.js';

/** Service settings, all from environment variables (12-factor), validated at start. */
export interface ServiceConfig {
  port: number;
  host: string;
  /** Artifact folder to serve; when unset, the newest under artifactsRoot. */
  modelDir?: string;
  artifactsRoot: string;
  /** Largest accepted request body, bytes (413 above). */
  bodyLimit: number;
  /** Longest accepted text, characters (422 above). */
  maxTextLength: number;
  /** Most texts in one request (422 above). */
  maxBatch: number;
  /** Entries of the prediction LRU cache; 0 disables it. */
  cacheSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** sha256 digests of the accepted API keys; empty = auth off. */
  apiKeyHashes: Buffer[];
  /** Micro-batching: most texts per model call (1 = off), and how long a text may wait for others (0 = only those that arrived in the same event-loop turn). */
  batchMaxSize: number;
  batchMaxWaitMs: number;
  /** Requests per client (API key, else IP) per window; 0 = off. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Shed load (503 + Retry-After) when the mean event-loop delay exceeds this; 0 = off. */
  shedMaxEventLoopDelayMs: number;
  shedRetryAfterSeconds: number;
  /** Threads that run the model (0 = on the main thread, beside HTTP). */
  inferenceThreads: number;
  /** On SIGTERM, how long in-flight requests may take before their connections are cut. */
  shutdownGraceMs: number;
  /** Log the texts of prediction requests (off by default: inputs may be personal data). */
  logRequestText: boolean;
  /** Slow-client limits: all headers must arrive within headersTimeoutMs and the whole request (headers and body) within requestTimeoutMs of its start (408 after either); an idle keep-alive connection closes after keepAliveTimeoutMs. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/** The service's environment, validated at start; its descriptions are the documentation (renderEnvTable). */
export const ENV_SCHEMA = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: 'where to listen (0: any free port)' },
    HOST: { type: 'string', minLength: 1, default: '0.0.0.0', description: 'the address to listen on' },
    MODEL_DIR: { type: 'string', minLength: 1, description: 'the artifact to serve (its manifest is verified first); default the newest under `ARTIFACTS_DIR`' },
    ARTIFACTS_DIR: { type: 'string', minLength: 1, default: 'model/artifacts', description: 'where to look for the newest artifact when `MODEL_DIR` is unset' },
    BODY_LIMIT_BYTES: { type: 'integer', minimum: 1024, maximum: 104857600, default: 1048576, description: 'largest request body (413 beyond)' },
    MAX_TEXT_LENGTH: { type: 'integer', minimum: 1, maximum: 1000000, default: 5000, description: 'longest text, in characters (422 beyond)' },
    MAX_BATCH_SIZE: { type: 'integer', minimum: 1, maximum: 10000, default: 64, description: 'most texts in one request (422 beyond)' },
    CACHE_SIZE: { type: 'integer', minimum: 0, maximum: 10000000, default: 10000, description: 'entries of the prediction LRU cache; 0 turns it off' },
    LOG_LEVEL: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'pino log level' },
    MICROBATCH_MAX_TEXTS: { type: 'integer', minimum: 1, maximum: 4096, default: 32, description: 'most texts grouped into one model call' },
    MICROBATCH_MAX_WAIT_MS: { type: 'integer', minimum: 0, maximum: 1000, default: 0, description: 'how long a request waits for others to share a model call; 0 turns micro-batching off' },
    RATE_LIMIT_MAX: { type: 'integer', minimum: 0, maximum: 100000000, default: 6000, description: 'requests per client per window (the API key when auth is on, else the IP); 0 turns it off; probes and `/metrics` are never limited' },
    RATE_LIMIT_WINDOW_MS: { type: 'integer', minimum: 100, maximum: 86400000, default: 60000, description: 'the rate limit window' },
    SHED_MAX_EVENT_LOOP_DELAY_MS: { type: 'integer', minimum: 0, maximum: 60000, default: 200, description: 'shed load with 503 + `Retry-After` when the mean event-loop delay passes this; 0 turns it off' },
    SHED_RETRY_AFTER_SECONDS: { type: 'integer', minimum: 1, maximum: 3600, default: 2, description: 'the `Retry-After` of a shed request' },
    INFERENCE_THREADS: { type: 'integer', minimum: 0, maximum: 64, description: 'worker threads that run the model (0: on the main thread); default min(4, CPUs − 1)' },
    SHUTDOWN_GRACE_MS: { type: 'integer', minimum: 0, maximum: 600000, default: 10000, description: 'on SIGTERM, how long in-flight requests may take before their connections are cut' },
    LOG_REQUEST_TEXT: { enum: ['true', 'false'], default: 'false', description: '`true` logs prediction texts; off by default because inputs may be personal data' },
    HEADERS_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 3600000, default: 10000, description: 'a request whose headers take longer gets 408 (may not exceed `REQUEST_TIMEOUT_MS`)' },
    REQUEST_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 3600000, default: 30000, description: 'a request whose headers and body take longer gets 408 (raise it with `BODY_LIMIT_BYTES` for slow links)' },
    KEEP_ALIVE_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 3600000, default: 72000, description: 'an idle keep-alive connection is closed after this (keep it above your load balancer\'s idle timeout)' },
  },
} as const;

const validate = createAjv({ useDefaults: true, coerceTypes: true, allErrors: true, strict: false }).compile(ENV_SCHEMA);

/** Reads the config from `env`; a wrong value names the variable and what is allowed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const keys = Object.keys(ENV_SCHEMA.properties);
  const doc: Record<string, unknown> = {};
  for (const k of keys) if (env[k] !== undefined && env[k] !== '') doc[k] = env[k];
  if (!validate(doc)) {
    const problems = (validate.errors ?? []).map((e) => {
      const name = e.instancePath.replace(/^\//, '');
      const rule = ENV_SCHEMA.properties[name as keyof typeof ENV_SCHEMA.properties] as Record<string, unknown> | undefined;
      const allowed = rule?.enum ? `one of ${(rule.enum as string[]).join(', ')}` : rule?.type === 'integer' ? `an integer from ${String(rule.minimum)} to ${String(rule.maximum)}` : 'a non-empty string';
      return `${name}=${JSON.stringify(env[name])}: must be ${allowed}`;
    });
    throw new ValidationError('invalid service configuration', problems);
  }
  // Node refuses a headers timeout longer than the request timeout (the headers are part of the request).
  if ((doc.HEADERS_TIMEOUT_MS as number) > (doc.REQUEST_TIMEOUT_MS as number)) {
    throw new ValidationError('invalid service configuration', [`HEADERS_TIMEOUT_MS=${String(doc.HEADERS_TIMEOUT_MS)}: must not exceed REQUEST_TIMEOUT_MS (${String(doc.REQUEST_TIMEOUT_MS)})`]);
  }
  return {
    port: doc.PORT as number,
    host: doc.HOST as string,
    modelDir: doc.MODEL_DIR as string | undefined,
    artifactsRoot: doc.ARTIFACTS_DIR as string,
    bodyLimit: doc.BODY_LIMIT_BYTES as number,
    maxTextLength: doc.MAX_TEXT_LENGTH as number,
    maxBatch: doc.MAX_BATCH_SIZE as number,
    cacheSize: doc.CACHE_SIZE as number,
    logLevel: doc.LOG_LEVEL as ServiceConfig['logLevel'],
    apiKeyHashes: parseKeyHashes(env),
    batchMaxSize: doc.MICROBATCH_MAX_TEXTS as number,
    batchMaxWaitMs: doc.MICROBATCH_MAX_WAIT_MS as number,
    rateLimitMax: doc.RATE_LIMIT_MAX as number,
    rateLimitWindowMs: doc.RATE_LIMIT_WINDOW_MS as number,
    shedMaxEventLoopDelayMs: doc.SHED_MAX_EVENT_LOOP_DELAY_MS as number,
    shedRetryAfterSeconds: doc.SHED_RETRY_AFTER_SECONDS as number,
    // Default: every core but one for the model, the last one for HTTP (at most 4 threads).
    inferenceThreads: (doc.INFERENCE_THREADS as number | undefined) ?? Math.min(4, Math.max(0, availableParallelism() - 1)),
    shutdownGraceMs: doc.SHUTDOWN_GRACE_MS as number,
    logRequestText: doc.LOG_REQUEST_TEXT === 'true',
    headersTimeoutMs: doc.HEADERS_TIMEOUT_MS as number,
    requestTimeoutMs: doc.REQUEST_TIMEOUT_MS as number,
    keepAliveTimeoutMs: doc.KEEP_ALIVE_TIMEOUT_MS as number,
  };
}
