import Fastify, { errorCodes } from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SentimentModel } from '../model/inference/sentiment-model.js';
import type { ServiceConfig } from './config.js';
import { problem } from './problems.js';
import type { ProblemKind } from './problems.js';
import { ServiceMetrics } from './metrics.js';
import { registerOip } from './oip.js';
import { installAuth } from './auth.js';
import { CachedScorer, labelOf, toScored } from './scorer.js';
import { registerApiDocs } from './openapi.js';
import type { RouteDoc } from './openapi.js';
import type { InferencePool } from './inference-pool.js';
import { registerProtection, SHED_SAMPLE_MS } from './protection.js';
import type { SheddingState } from './protection.js';
import { securityHeaders } from './security-headers.js';
import { ModelLoader, ReloadError, resolveModelDir } from './reload.js';
import type { ModelHolder } from './reload.js';

export type { ModelHolder } from './reload.js';

/** Version of this server's API implementation (reported by the v2 server metadata). */
export const SERVER_VERSION = '0.1.0';

const PREDICTION = {
  type: 'object',
  required: ['label', 'score'],
  properties: { label: { type: 'string', enum: ['negative', 'positive'] }, score: { type: 'number', description: 'P(positive)' } },
} as const;
const MODEL_REF = { type: 'object', required: ['name', 'version'], properties: { name: { type: 'string' }, version: { type: 'string' } } } as const;
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' } },
} as const;

function sendProblem(reply: FastifyReply, kind: ProblemKind, detail: string, request?: FastifyRequest): FastifyReply {
  const body = problem(kind, detail, request?.url);
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** Fastify's own error codes for bodies it could not accept, mapped to our problem types. */
function classify(err: FastifyError): { kind: ProblemKind; detail: string } {
  if (err.validation) return { kind: 'invalidRequest', detail: err.message.replace(/^body\/?/, 'body ') };
  if (err.statusCode === 429) return { kind: 'rateLimited', detail: err.message };
  if (err.statusCode === 503) return { kind: 'overloaded', detail: err.message };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { kind: 'bodyTooLarge', detail: 'the request body exceeds the configured limit' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { kind: 'unsupportedMediaType', detail: 'send the body as application/json' };
    // @fastify/static's answer to a path that leaves its folder (../, %00): to a client, a file that is not there.
    case 'FST_STATIC_FORBIDDEN_PATH':
      return { kind: 'notFound', detail: 'no such file' };
    // The client went away (or was cut off by the request timeout) before its body arrived: no one to answer, nothing went wrong here.
    case 'ECONNRESET':
      return { kind: 'malformedRequest', detail: 'the connection closed before the body arrived' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { kind: 'malformedJson', detail: 'the body is not valid JSON' };
    default:
      if (err.statusCode === 400 && err instanceof SyntaxError) return { kind: 'malformedJson', detail: 'the body is not valid JSON' };
      return { kind: 'internal', detail: 'the server could not handle the request' };
  }
}

/**
 * A lone text while the threads are idle is scored right here: the hop to a thread and
 * back costs more than the model (~0.5 ms against ~0.25 ms), and with nothing else
 * running the event loop has nothing better to do. Anything else goes to the threads.
 */
function scoreWithPool(pool: InferencePool, model: SentimentModel, texts: readonly string[]): number[] | Promise<number[]> {
  if (texts.length === 1 && pool.busy === 0) return [model.score(texts[0] as string)];
  return pool.score(model, texts).then((scores) => Array.from(scores));
}

export interface AppOptions {
  /** Swaps the served model (admin route); by default one that reloads MODEL_DIR or the newest artifact. */
  loader?: ModelLoader;
  /** Inference threads to run the model on (the loader must adopt models into it); default: the main thread. */
  pool?: InferencePool;
  /** Where logs go (default stdout); tests capture them here. */
  logStream?: { write(line: string): void };
}

/**
 * The inference service as a Fastify instance: security headers, auth, rate limiting
 * and load shedding first, then the routes (v1, OIP v2, operations) in one plugin so
 * every hook above applies to all of them.
 */
export function buildApp(config: ServiceConfig, holder: ModelHolder, metrics: ServiceMetrics = new ServiceMetrics(), options: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) },
    bodyLimit: config.bodyLimit,
    // Slow clients (slowloris, a body that stalls) are cut off with 408; Fastify's own default is no request timeout at all.
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // How often Node looks for connections past those timeouts (its default, 30 s, would dwarf short ones).
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Fastify answers a bad percent-encoding or an over-long route parameter itself, before any
    // hook: give those answers the documented body and headers too.
    frameworkErrors: (_err, request, rawReply) => {
      const path = request.url.split('?')[0] as string;
      const reply = (rawReply as unknown as FastifyReply).header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
      if (path === '/v2' || path.startsWith('/v2/')) return reply.code(400).send({ error: 'the URL is not valid' });
      return reply.code(400).type('application/problem+json').send(problem('malformedUrl', 'the URL is not valid', path));
    },
    // Requests Node's HTTP parser refuses (unknown method, over 16 KiB of headers, bytes not allowed in a URL), and those that came too slowly.
    clientErrorHandler: (err, socket) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || socket.destroyed) return;
      const body =
        code === 'HPE_HEADER_OVERFLOW'
          ? problem('headersTooLarge', 'the request headers exceed 16 KiB')
          : code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? problem('requestTimeout', 'the request did not arrive in time')
            : problem('malformedRequest', 'the HTTP request could not be parsed');
      const text = JSON.stringify(body);
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${body.status} ${body.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${text}`);
      }
      socket.destroy(err);
    },
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && /^[\w.:-]{1,128}$/.test(req.headers['x-request-id']) ? req.headers['x-request-id'] : crypto.randomUUID()),
  });
  // JSON only: Fastify's default text/plain parser would turn a plain body into a string
  // that then fails validation (422) instead of being refused as the wrong media type (415).
  app.removeContentTypeParser('text/plain');
  // JSON is UTF-8 (RFC 8259): bytes that are not are refused (400) rather than decoded to U+FFFD,
  // which would score a text the client never sent. Fastify's own parser does the rest.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  const routes: RouteDoc[] = [];
  app.addHook('onRoute', (r) => {
    if (r.schema) routes.push({ method: ([] as string[]).concat(r.method as string), url: r.url, schema: r.schema as RouteDoc['schema'] });
  });
  // Once closing, answers to requests still in flight end their keep-alive connection;
  // otherwise an idle keep-alive socket would hold the shutdown for keepAliveTimeout (72 s).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Security headers (OWASP's set for a JSON API: CSP, HSTS, nosniff, …) and the request id on
  // every answer, errors included. Callback-style hooks: no promise per request.
  const headers = { ...securityHeaders() };
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers).header('x-request-id', request.id);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  metrics.countRequests(app);
  installAuth(app, config.apiKeyHashes);
  const shedding: SheddingState = { pausedUntil: 0 };
  void app.register(registerProtection, { config, shedding });

  const { pool } = options;
  // With threads, two calls per thread in flight: one computing, one in transit.
  const batching = { maxTexts: config.batchMaxSize, maxWaitMs: config.batchMaxWaitMs, ...(pool ? { maxInFlight: 2 * pool.size } : {}) };
  const scorer = new CachedScorer(metrics, config.cacheSize, batching, pool ? (model, texts) => scoreWithPool(pool, model, texts) : undefined);
  const loader = options.loader ?? new ModelLoader(holder, metrics, () => resolveModelDir(config), undefined, pool);
  loader.afterLoad.push(() => {
    shedding.pausedUntil = Date.now() + 2 * SHED_SAMPLE_MS + 100;
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { kind, detail } = classify(err);
    if (kind === 'internal') request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, kind, detail, request);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, 'notFound', `no route ${request.method} ${request.url.split('?')[0]}`, request));

  const ready = (reply: FastifyReply, request: FastifyRequest): SentimentModel | undefined => {
    if (!holder.model) {
      sendProblem(reply.header('retry-after', '5'), 'modelNotReady', 'the model is still loading or failed to load', request);
      return undefined;
    }
    return holder.model;
  };

  void app.register(async (api) => {
    metrics.exposeRoute(api);
    api.get('/healthz', { schema: { summary: 'Liveness', tags: ['operations'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

    api.get(
      '/readyz',
      { schema: { summary: 'Readiness: 200 once the model is loaded', tags: ['operations'], response: { 200: { type: 'object', properties: { status: { type: 'string' }, model: MODEL_REF } }, 503: PROBLEM_SCHEMA } } },
      async (request, reply) => {
        const model = ready(reply, request);
        if (model) return { status: 'ready', model: { name: model.name, version: model.version } };
        return reply;
      },
    );

    api.get('/v1/models', { schema: { summary: 'Metadata of the served model', tags: ['v1'], response: { 503: PROBLEM_SCHEMA } } }, async (request, reply) => {
      const model = ready(reply, request);
      if (!model) return reply;
      const m = model.metadata;
      return {
        models: [
          {
            name: m.name,
            version: m.version,
            created_at: m.created_at,
            git_commit: m.git_commit,
            labels: m.labels,
            architecture: m.architecture,
            datasets: m.datasets,
            metrics: { test: m.metrics.test ? { accuracy: (m.metrics.test as { accuracy: number }).accuracy, f1_macro: (m.metrics.test as { f1_macro: number }).f1_macro } : null },
            input_schema: m.input_schema,
            output_schema: m.output_schema,
          },
        ],
      };
    });

    const text = { type: 'string', minLength: 1, maxLength: config.maxTextLength } as const;
    api.post(
      '/v1/predict',
      {
        schema: {
          summary: 'Sentiment of one text or a batch of texts',
          tags: ['v1'],
          body: {
            oneOf: [
              { type: 'object', required: ['text'], additionalProperties: false, properties: { text } },
              { type: 'object', required: ['texts'], additionalProperties: false, properties: { texts: { type: 'array', minItems: 1, maxItems: config.maxBatch, items: text } } },
            ],
          },
          response: {
            200: {
              oneOf: [
                { type: 'object', required: ['label', 'score', 'model'], properties: { ...PREDICTION.properties, model: MODEL_REF } },
                { type: 'object', required: ['predictions', 'model'], properties: { predictions: { type: 'array', items: PREDICTION }, model: MODEL_REF } },
              ],
            },
            413: PROBLEM_SCHEMA,
            422: PROBLEM_SCHEMA,
            429: PROBLEM_SCHEMA,
            503: PROBLEM_SCHEMA,
          },
        },
      },
      async (request, reply) => {
        // Taken once: a hot reload during this request does not change who answers it.
        const model = ready(reply, request);
        if (!model) return reply;
        const body = request.body as { text?: string; texts?: string[] };
        const texts = body.texts ?? [body.text as string];
        if (config.logRequestText) request.log.info({ texts }, 'prediction input');
        metrics.countPredictions('v1', texts.length);
        const scores = await scorer.scoreMany(model, texts);
        const ref = { name: model.name, version: model.version };
        if (body.texts) return { predictions: scores.map(toScored), model: ref };
        const score = scores[0] as number;
        // A literal, not a spread of toScored(): the single-text answer is the hot path.
        return { label: labelOf(score), score, model: ref };
      },
    );

    api.post(
      '/admin/reload',
      {
        schema: {
          summary: 'Hot-reload the model from MODEL_DIR (or the newest artifact); needs an API key',
          tags: ['operations'],
          response: {
            200: { type: 'object', required: ['status', 'model'], properties: { status: { type: 'string' }, model: MODEL_REF, previous: MODEL_REF, load_seconds: { type: 'number' } } },
            403: PROBLEM_SCHEMA,
            409: PROBLEM_SCHEMA,
          },
        },
      },
      async (request, reply) => {
        // Without keys there is no way to tell an operator from anyone else: the route stays shut (SIGHUP still works).
        if (config.apiKeyHashes.length === 0) return sendProblem(reply, 'forbidden', 'admin routes are off: configure API keys (API_KEY_SHA256 or API_KEYS_FILE) to use them, or send SIGHUP to the process', request);
        try {
          const out = await loader.reload();
          request.log.info({ model: out.current, previous: out.previous, dir: out.dir, key: request.apiKeyId }, 'model reloaded');
          return { status: 'reloaded', model: out.current, ...(out.previous ? { previous: out.previous } : {}), load_seconds: out.loadSeconds };
        } catch (err) {
          if (!(err instanceof ReloadError)) throw err;
          request.log.error({ code: err.code, reason: err.message }, 'model reload refused');
          return sendProblem(reply, 'artifactRefused', err.publicDetail, request);
        }
      },
    );

    registerOip(api, config, holder, metrics, scorer, SERVER_VERSION);
  });

  registerApiDocs(app, routes, { title: 'gitops-ml inference API', version: '1.0.0' });
  return app;
}
