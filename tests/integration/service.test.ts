import type { FastifyInstance } from 'fastify';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { buildApp } from '../../service/app.js';
import type { ModelHolder } from '../../service/app.js';
import { loadConfig } from '../../service/config.js';
import { PROBLEM_BASE } from '../../service/problems.js';
import { testConfig } from '../helpers/service-config.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';

let app: FastifyInstance;
let base: string;
const holder: ModelHolder = {};

beforeAll(async () => {
  await initBackend('wasm');
  const dir = await saveArtifact(artifactFixture());
  holder.model = await loadArtifact(dir);
  app = buildApp(testConfig({ MAX_TEXT_LENGTH: '200', MAX_BATCH_SIZE: '4', BODY_LIMIT_BYTES: '2048' }), holder);
  // Real HTTP on loopback, not inject(): the same parsing and limits a client meets.
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
});

const post = (path: string, body: string, type = 'application/json'): Promise<Response> => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

async function expectProblem(res: Response, status: number, slug: string): Promise<{ detail: string }> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as { type: string; status: number; title: string; detail: string };
  expect(body.type).toBe(`${PROBLEM_BASE}${slug}`);
  expect(body.status).toBe(status);
  // Nothing internal leaks: no stack frames, no file paths.
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\(|\/work\/|node_modules|\.ts:\d/);
  return body;
}

describe('inference service over HTTP', () => {
  it('predicts one text with the model reference', async () => {
    const res = await post('/v1/predict', JSON.stringify({ text: "I didn't like it" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { label: string; score: number; model: { name: string; version: string } };
    expect(body.model).toEqual({ name: 'sentiment', version: '0.1.0' });
    expect(body.label).toBe(body.score >= 0.5 ? 'positive' : 'negative');
    // Same answer as the library: the service adds no preprocessing of its own.
    expect(body.score).toBeCloseTo(holder.model?.score("I didn't like it") as number, 10);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('predicts a batch in order', async () => {
    const texts = ['great movie', 'not good', 'bad'];
    const res = await post('/v1/predict', JSON.stringify({ texts }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { predictions: { label: string; score: number }[] };
    expect(body.predictions.map((p) => p.score)).toEqual(texts.map((t) => holder.model?.score(t)));
  });

  it('answers health, readiness and model metadata', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', model: { name: 'sentiment', version: '0.1.0' } });
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { models: { name: string; version: string; labels: string[] }[] };
    expect(models.models[0]).toMatchObject({ name: 'sentiment', version: '0.1.0', labels: ['negative', 'positive'] });
  });

  it('refuses bad requests with stable problem types', async () => {
    await expectProblem(await post('/v1/predict', '{"text": '), 400, 'malformed-json');
    await expectProblem(await post('/v1/predict', JSON.stringify({ text: 42 })), 422, 'invalid-request');
    await expectProblem(await post('/v1/predict', JSON.stringify({ text: '' })), 422, 'invalid-request');
    await expectProblem(await post('/v1/predict', JSON.stringify({ text: 'x'.repeat(201) })), 422, 'invalid-request');
    await expectProblem(await post('/v1/predict', JSON.stringify({ texts: ['a', 'b', 'c', 'd', 'e'] })), 422, 'invalid-request');
    await expectProblem(await post('/v1/predict', JSON.stringify({ texts: [] })), 422, 'invalid-request');
    await expectProblem(await post('/v1/predict', JSON.stringify({ text: 'a', extra: 1 })), 422, 'invalid-request');
    await expectProblem(await post('/v1/predict', JSON.stringify({ texts: ['a'.repeat(150), 'b'.repeat(150)], pad: 'p'.repeat(3000) })), 413, 'body-too-large');
    await expectProblem(await post('/v1/predict', 'text=hello', 'text/plain'), 415, 'unsupported-media-type');
    const missing = await fetch(`${base}/v1/nothing-here`);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    await expectProblem(missing, 404, 'not-found');
  });

  it('says 503 with Retry-After until a model is loaded', async () => {
    const empty = buildApp(testConfig(), {});
    const url = await empty.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.headers.get('retry-after')).toBe('5');
      await expectProblem(res, 503, 'model-not-ready');
      await expectProblem(await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' }), 503, 'model-not-ready');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const v2 = await fetch(`${url}/v2/health/ready`);
      expect(v2.status).toBe(503);
      expect(await v2.json()).toEqual({ error: 'model not ready' });
      expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    } finally {
      await empty.close();
    }
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { oneOf: { properties: Record<string, { maxLength?: number; maxItems?: number }> }[] } }> } }>> };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths).sort()).toEqual(['/admin/reload', '/healthz', '/readyz', '/v1/models', '/v1/predict', '/v2/models/{name}/infer', '/v2/models/{name}/versions/{version}/infer']);
    const schema = doc.paths['/v1/predict']?.post?.requestBody?.content['application/json']?.schema;
    // The limits in the document are the configured ones the server enforces.
    expect(schema?.oneOf[0]?.properties.text?.maxLength).toBe(200);
    expect(schema?.oneOf[1]?.properties.texts?.maxItems).toBe(4);
  });
});

describe('Open Inference Protocol v2', () => {
  const infer = (body: unknown, path = '/v2/models/sentiment/infer'): Promise<Response> => post(path, JSON.stringify(body));
  const textInput = (data: unknown[], shape = [data.length]): unknown => ({ name: 'text', shape, datatype: 'BYTES', data });

  it('answers health, server and model metadata as the protocol shapes them', async () => {
    expect(await (await fetch(`${base}/v2/health/live`)).json()).toEqual({ live: true });
    expect(await (await fetch(`${base}/v2/health/ready`)).json()).toEqual({ ready: true });
    expect(await (await fetch(`${base}/v2`)).json()).toEqual({ name: 'gitops-ml', version: '0.1.0', extensions: [] });
    const meta = await (await fetch(`${base}/v2/models/sentiment`)).json();
    expect(meta).toEqual({
      name: 'sentiment',
      versions: ['0.1.0'],
      platform: 'tfjs_layers',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
      outputs: [{ name: 'probs', datatype: 'FP32', shape: [-1, 2] }],
    });
    expect(await (await fetch(`${base}/v2/models/sentiment/versions/0.1.0/ready`)).json()).toEqual({ name: 'sentiment', ready: true });
  });

  it('infers a batch: probs [n, 2] row-major, id echoed, nested data accepted', async () => {
    const res = await infer({ id: '42', inputs: [textInput([['great movie'], ['awful plot']], [2, 1])], outputs: [{ name: 'probs' }] }, '/v2/models/sentiment/versions/0.1.0/infer');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model_name: string; model_version: string; id: string; outputs: { name: string; shape: number[]; datatype: string; data: number[] }[] };
    expect(body).toMatchObject({ model_name: 'sentiment', model_version: '0.1.0', id: '42' });
    const out = body.outputs[0];
    expect(out).toMatchObject({ name: 'probs', shape: [2, 2], datatype: 'FP32' });
    const p = holder.model?.score('awful plot') as number;
    expect(out?.data[2]).toBeCloseTo(1 - p, 10);
    expect(out?.data[3]).toBeCloseTo(p, 10);
  });

  it('errors use the protocol body {"error": ...} with a useful status', async () => {
    const expectError = async (res: Response, status: number, pattern: RegExp): Promise<void> => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toMatch(pattern);
    };
    await expectError(await infer({ inputs: [textInput(['a'])] }, '/v2/models/other/infer'), 404, /model "other" not found/);
    await expectError(await infer({ inputs: [textInput(['a'])] }, '/v2/models/sentiment/versions/9.9.9/infer'), 404, /no version "9\.9\.9"/);
    await expectError(await infer({ inputs: [{ name: 'text', shape: [1], datatype: 'FP32', data: [1] }] }), 400, /datatype BYTES/);
    await expectError(await infer({ inputs: [textInput(['a', 'b'], [3])] }), 400, /shape \[3\] \(3 elements\) but 2 data elements/);
    await expectError(await infer({ inputs: [textInput(['a'])], outputs: [{ name: 'logits' }] }), 400, /unknown output "logits"/);
    await expectError(await infer({ inputs: [textInput(['a', 'b', 'c', 'd', 'e'])] }), 400, /1 to 4 texts/);
    await expectError(await infer({ inputs: 'nope' }), 400, /inputs/);
    await expectError(await post('/v2/models/sentiment/infer', '{"inputs": ['), 400, /not valid JSON/);
    await expectError(await fetch(`${base}/v2/nothing`), 404, /no route/);
  });
});

describe('prediction cache', () => {
  it('answers repeated texts from the LRU cache with the same result, counting hits and misses', async () => {
    const scrape = async (): Promise<{ hits: number; misses: number }> => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const num = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      return { hits: num('gitops_ml_cache_hits_total'), misses: num('gitops_ml_cache_misses_total') };
    };
    const before = await scrape();
    const a = await (await post('/v1/predict', JSON.stringify({ text: 'a cache test sentence' }))).json();
    const b = await (await post('/v1/predict', JSON.stringify({ text: 'a cache test sentence' }))).json();
    expect(b).toEqual(a);
    const after = await scrape();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);
  });

  it('CACHE_SIZE=0 turns it off', async () => {
    const off = buildApp(testConfig({ CACHE_SIZE: '0' }), holder);
    const url = await off.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (let i = 0; i < 2; i++) await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"same"}' });
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toMatch(/^gitops_ml_cache_hits_total 0$/m);
      expect(text).toMatch(/^gitops_ml_cache_misses_total 0$/m);
    } finally {
      await off.close();
    }
  });
});

describe('service configuration', () => {
  it('applies defaults', () => {
    expect(loadConfig({})).toMatchObject({ port: 8080, bodyLimit: 1048576, maxBatch: 64, artifactsRoot: 'model/artifacts' });
  });

  it('a wrong value names the variable and what is allowed', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(/PORT="eighty": must be an integer from 0 to 65535[\s\S]*LOG_LEVEL="loud": must be one of fatal, error/);
  });
});
