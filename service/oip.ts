import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ModelHolder } from './app.js';
import type { ServiceConfig } from './config.js';
import type { ServiceMetrics } from './metrics.js';
import type { CachedScorer } from './scorer.js';

/**
 * Open Inference Protocol v2 (KServe / Seldon / MLServer) REST routes, as an
 * encapsulated Fastify plugin: its errors use the protocol's `{"error": "..."}` body,
 * not problem+json. Input: one BYTES tensor "text" (shape [n]); output: FP32 "probs"
 * of shape [n, 2] = [P(negative), P(positive)] per text.
 */
export const OIP_INPUT = 'text';
export const OIP_OUTPUT = 'probs';

class OipError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Row-major leaves of nested arrays, without recursion (a hostile body can nest 100k deep). */
function flatten(data: unknown[]): unknown[] {
  const out: unknown[] = [];
  const stack: { items: unknown[]; i: number }[] = [{ items: data, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { items: unknown[]; i: number };
    if (top.i >= top.items.length) {
      stack.pop();
      continue;
    }
    const d = top.items[top.i++];
    if (Array.isArray(d)) stack.push({ items: d, i: 0 });
    else out.push(d);
  }
  return out;
}

const INFER_BODY = {
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string' },
    parameters: { type: 'object' },
    inputs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype', 'data'],
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
          datatype: { type: 'string' },
          parameters: { type: 'object' },
          data: { type: 'array' },
        },
      },
    },
    outputs: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, parameters: { type: 'object' } } } },
  },
} as const;

export function registerOip(app: FastifyInstance, config: ServiceConfig, holder: ModelHolder, metrics: ServiceMetrics, scorer: CachedScorer, serverVersion: string): void {
  void app.register(
    async (v2) => {
      v2.setErrorHandler((err: FastifyError | OipError, _request, reply) => {
        if (err instanceof OipError) {
          if (err.status === 503) reply.header('retry-after', '5');
          return reply.code(err.status).send({ error: err.message });
        }
        const fe = err as FastifyError;
        if (fe.validation) return reply.code(400).send({ error: fe.message });
        if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: 'request body too large' });
        if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ error: 'send the body as application/json' });
        if (fe.statusCode === 400) return reply.code(400).send({ error: 'the body is not valid JSON' });
        // Rate limiting (429) and load shedding (503) raise errors from their hooks;
        // their Retry-After header is already on the reply.
        if (fe.statusCode === 429) return reply.code(429).send({ error: 'rate limit exceeded: retry after the Retry-After header\'s seconds' });
        if (fe.statusCode === 503) return reply.code(503).send({ error: fe.message });
        return reply.code(500).send({ error: 'internal error' });
      });
      v2.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

      const model = (name?: string, version?: string): NonNullable<ModelHolder['model']> => {
        const m = holder.model;
        if (!m) throw new OipError(503, 'model not ready');
        if (name !== undefined && name !== m.name) throw new OipError(404, `model "${name}" not found (serving "${m.name}")`);
        if (version !== undefined && version !== m.version) throw new OipError(404, `model "${name}" has no version "${version}" (serving "${m.version}")`);
        return m;
      };
      const notReady = (reply: FastifyReply): FastifyReply => reply.code(503).header('retry-after', '5').send({ error: 'model not ready' });

      v2.get('/health/live', async () => ({ live: true }));
      v2.get('/health/ready', async (_r, reply) => (holder.model ? { ready: true } : notReady(reply)));
      v2.get('/', async () => ({ name: 'gitops-ml', version: serverVersion, extensions: [] }));

      type P = { name: string; version?: string };
      const metadata = async (request: { params: unknown }): Promise<unknown> => {
        const { name, version } = request.params as P;
        const m = model(name, version);
        return {
          name: m.name,
          versions: [m.version],
          platform: 'tfjs_layers',
          inputs: [{ name: OIP_INPUT, datatype: 'BYTES', shape: [-1] }],
          outputs: [{ name: OIP_OUTPUT, datatype: 'FP32', shape: [-1, 2] }],
        };
      };
      const ready = async (request: { params: unknown }): Promise<unknown> => {
        const { name, version } = request.params as P;
        return { name: model(name, version).name, ready: true };
      };
      const infer = async (request: { params: unknown; body: unknown }): Promise<unknown> => {
        const { name, version } = request.params as P;
        const m = model(name, version);
        const body = request.body as { id?: string; inputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[]; outputs?: { name: string }[] };
        if (body.inputs.length !== 1 || body.inputs[0]?.name !== OIP_INPUT) throw new OipError(400, `expected exactly one input named "${OIP_INPUT}"`);
        const input = body.inputs[0];
        if (input.datatype !== 'BYTES') throw new OipError(400, `input "${OIP_INPUT}" must have datatype BYTES, got ${input.datatype}`);
        const texts = flatten(input.data);
        const expected = input.shape.reduce((a, b) => a * b, 1);
        if (texts.length !== expected) throw new OipError(400, `input "${OIP_INPUT}" has shape [${input.shape.join(', ')}] (${expected} elements) but ${texts.length} data elements`);
        if (texts.length === 0 || texts.length > config.maxBatch) throw new OipError(400, `input "${OIP_INPUT}" must hold 1 to ${config.maxBatch} texts, got ${texts.length}`);
        texts.forEach((t, i) => {
          if (typeof t !== 'string' || t.length === 0) throw new OipError(400, `input "${OIP_INPUT}" element ${i} must be a non-empty string`);
          if (t.length > config.maxTextLength) throw new OipError(400, `input "${OIP_INPUT}" element ${i} is longer than ${config.maxTextLength} characters`);
        });
        for (const o of body.outputs ?? []) if (o.name !== OIP_OUTPUT) throw new OipError(400, `unknown output "${o.name}" (this model has "${OIP_OUTPUT}")`);
        metrics.countPredictions('v2', texts.length);
        const data = (await scorer.scoreMany(m, texts as string[])).flatMap((p) => [1 - p, p]);
        return { model_name: m.name, model_version: m.version, ...(body.id !== undefined ? { id: body.id } : {}), outputs: [{ name: OIP_OUTPUT, shape: [texts.length, 2], datatype: 'FP32', data }] };
      };
      for (const prefix of ['/models/:name', '/models/:name/versions/:version']) {
        v2.get(prefix, metadata);
        v2.get(`${prefix}/ready`, ready);
        v2.post(`${prefix}/infer`, { schema: { body: INFER_BODY } }, infer);
      }
    },
    { prefix: '/v2' },
  );
}
