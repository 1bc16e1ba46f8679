import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { buildApp } from '../../service/app.js';
import type { ModelHolder } from '../../service/app.js';
import { loadConfig } from '../../service/config.js';
import { ServiceMetrics } from '../../service/metrics.js';
import { ModelLoader } from '../../service/reload.js';
import { PROBLEM_BASE } from '../../service/problems.js';
import { testConfig } from '../helpers/service-config.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const json = { 'content-type': 'application/json' };
let fixtureDir: string;
const apps: FastifyInstance[] = [];

async function start(env: Record<string, string>, holder?: ModelHolder, options: Parameters<typeof buildApp>[3] = {}): Promise<{ app: FastifyInstance; base: string; holder: ModelHolder }> {
  const h = holder ?? { model: await loadArtifact(fixtureDir) };
  const app = buildApp(testConfig({ ...env }), h, new ServiceMetrics({ collectProcess: false }), options);
  apps.push(app);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base, holder: h };
}

const predict = (base: string, text: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${base}/v1/predict`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ text }) });

async function problemType(res: Response): Promise<string> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as { type: string; status: number; detail: string };
  expect(body.status).toBe(res.status);
  expect(body.detail).not.toMatch(/\/tmp\/|\/work\/|node_modules/);
  return body.type.slice(PROBLEM_BASE.length);
}

beforeAll(async () => {
  await initBackend('wasm');
  fixtureDir = await saveArtifact(artifactFixture());
});

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

describe('micro-batching', () => {
  it('groups concurrent requests into fewer model calls, and every request still gets its own answer', async () => {
    const { base, holder } = await start({ MICROBATCH_MAX_WAIT_MS: '25', MICROBATCH_MAX_TEXTS: '64', CACHE_SIZE: '0', RATE_LIMIT_MAX: '0' });
    const texts = Array.from({ length: 12 }, (_, i) => `good movie number ${i} ${'not '.repeat(i % 3)}bad`);
    const answers = await Promise.all(texts.map(async (t) => (await predict(base, t)).json() as Promise<{ score: number }>));
    answers.forEach((a, i) => expect(a.score).toBeCloseTo(holder.model?.score(texts[i] as string) as number, 10));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const calls = Number(/^gitops_ml_batch_size_count (\d+)$/m.exec(metrics)?.[1]);
    const scored = Number(/^gitops_ml_batch_size_sum (\d+)$/m.exec(metrics)?.[1]);
    expect(scored).toBe(12);
    // Concurrent requests over loopback arrive within the 25 ms window of each other.
    expect(calls).toBeLessThan(12);
  });

  it('refuses a bad batching setting by name', () => {
    expect(() => loadConfig({ MICROBATCH_MAX_WAIT_MS: '-3' })).toThrow(/MICROBATCH_MAX_WAIT_MS="-3": must be an integer from 0 to 1000/);
    expect(() => loadConfig({ RATE_LIMIT_MAX: 'lots' })).toThrow(/RATE_LIMIT_MAX="lots"/);
    expect(() => loadConfig({ LOG_REQUEST_TEXT: 'yes' })).toThrow(/LOG_REQUEST_TEXT="yes": must be one of true, false/);
  });
});

describe('rate limiting', () => {
  it('gives each client its budget, answers 429 problem+json with Retry-After, and never throttles probes', async () => {
    const { base } = await start({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    for (let i = 0; i < 3; i++) expect((await predict(base, 'fine')).status).toBe(200);
    const limited = await predict(base, 'fine');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expect(await problemType(limited)).toBe('rate-limited');
    const v2 = await fetch(`${base}/v2/models/sentiment/infer`, { method: 'POST', headers: json, body: JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['fine'] }] }) });
    expect(v2.status).toBe(429);
    expect(((await v2.json()) as { error: string }).error).toMatch(/rate limit/);
    for (const path of ['/healthz', '/readyz', '/metrics', '/v2/health/live']) expect((await fetch(`${base}${path}`)).status).toBe(200);
  });

  it('counts per API key when auth is on, so one key cannot use up another one\'s budget', async () => {
    const { base } = await start({ RATE_LIMIT_MAX: '2', API_KEY_SHA256: `${sha('key-a')},${sha('key-b')}` });
    const a = { authorization: 'Bearer key-a' };
    const b = { authorization: 'Bearer key-b' };
    expect((await predict(base, 'x', a)).status).toBe(200);
    expect((await predict(base, 'x', a)).status).toBe(200);
    expect((await predict(base, 'x', a)).status).toBe(429);
    expect((await predict(base, 'x', b)).status).toBe(200);
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop is saturated, keeps liveness open, and recovers', async () => {
    const { base } = await start({ SHED_MAX_EVENT_LOOP_DELAY_MS: '20', SHED_RETRY_AFTER_SECONDS: '3', RATE_LIMIT_MAX: '0' });
    expect((await predict(base, 'fine')).status).toBe(200);
    // Saturate this process's event loop (the server shares it): 1.5 s of synchronous work.
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      /* busy */
    }
    // Let the overdue sampler run so it sees the delay, then ask.
    await new Promise((r) => setTimeout(r, 5));
    const [shed, live, v2] = await Promise.all([
      predict(base, 'fine'),
      fetch(`${base}/healthz`),
      fetch(`${base}/v2/models/sentiment/infer`, { method: 'POST', headers: json, body: JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['x'] }] }) }),
    ]);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('3');
    expect(await problemType(shed)).toBe('overloaded');
    expect(live.status).toBe(200);
    expect(v2.status).toBe(503);
    expect(((await v2.json()) as { error: string }).error).toMatch(/overloaded/);
    // The next samples see an idle loop again.
    await new Promise((r) => setTimeout(r, 700));
    expect((await predict(base, 'fine')).status).toBe(200);
  });

  it('does not shed because of its own model load (startup, hot reload)', async () => {
    const holder: ModelHolder = { model: await loadArtifact(fixtureDir) };
    // A load that blocks the event loop for 1.5 s, as parsing a large artifact does.
    const slowLoad = async (dir: string): ReturnType<typeof loadArtifact> => {
      const model = await loadArtifact(dir);
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        /* busy */
      }
      return model;
    };
    const loader = new ModelLoader(holder, new ServiceMetrics({ collectProcess: false }), () => fixtureDir, slowLoad);
    const { base } = await start({ SHED_MAX_EVENT_LOOP_DELAY_MS: '20', API_KEY_SHA256: sha('ops') }, holder, { loader });
    const auth = { authorization: 'Bearer ops' };
    expect((await fetch(`${base}/admin/reload`, { method: 'POST', headers: auth })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    expect((await predict(base, 'right after the reload', auth)).status).toBe(200);
  });
});

describe('hot reload', () => {
  /** MODEL_DIR as a symlink a deploy re-points, the usual way to swap a directory atomically. */
  function linkedModelDir(target: string): { link: string; repoint: (to: string) => void } {
    const root = mkdtempSync(join(tmpdir(), 'serve-'));
    const link = join(root, 'current');
    symlinkSync(target, link);
    return {
      link,
      repoint: (to) => {
        const tmp = join(root, `next-${Date.now()}`);
        symlinkSync(to, tmp);
        renameSync(tmp, link);
      },
    };
  }

  it('keeps the admin route shut when no API keys are configured', async () => {
    const { base } = await start({ RATE_LIMIT_MAX: '0' });
    const res = await fetch(`${base}/admin/reload`, { method: 'POST' });
    expect(res.status).toBe(403);
    expect(await problemType(res)).toBe('forbidden');
  });

  it('swaps the model under concurrent load without failing a request, and refuses a tampered artifact', async () => {
    const v2dir = await saveArtifact(artifactFixture('0.2.0'));
    const served = linkedModelDir(fixtureDir);
    const env = { MODEL_DIR: served.link, API_KEY_SHA256: sha('ops'), RATE_LIMIT_MAX: '0', MICROBATCH_MAX_WAIT_MS: '2' };
    const { base, holder } = await start(env, { model: await loadArtifact(served.link) });
    const auth = { authorization: 'Bearer ops' };
    expect(holder.model?.version).toBe('0.1.0');

    // 8 clients predicting in a loop while the model is swapped.
    let stop = false;
    const seen: { status: number; version?: string; after: boolean }[] = [];
    let reloaded = false;
    const client = async (id: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const after = reloaded;
        const res = await predict(base, `client ${id} request ${i} good`, auth);
        const body = (await res.json()) as { model?: { version: string } };
        seen.push({ status: res.status, version: body.model?.version, after });
      }
    };
    const clients = Array.from({ length: 8 }, (_, i) => client(i));
    await new Promise((r) => setTimeout(r, 200));
    served.repoint(v2dir);
    const res = await fetch(`${base}/admin/reload`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'reloaded', model: { name: 'sentiment', version: '0.2.0' }, previous: { version: '0.1.0' } });
    reloaded = true;
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(clients);

    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    expect(new Set(seen.map((s) => s.version))).toEqual(new Set(['0.1.0', '0.2.0']));
    // A request sent after the reload answered is served by the new model.
    expect(seen.filter((s) => s.after && s.version !== '0.2.0')).toEqual([]);

    // A weight file changed after packaging: the manifest does not verify, the swap is refused.
    const tampered = mkdtempSync(join(tmpdir(), 'tampered-'));
    cpSync(v2dir, tampered, { recursive: true });
    const weights = join(tampered, 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    writeFileSync(weights, bytes);
    served.repoint(tampered);
    const refused = await fetch(`${base}/admin/reload`, { method: 'POST', headers: auth });
    expect(refused.status).toBe(409);
    expect(await problemType(refused)).toBe('artifact-refused');
    expect(holder.model?.version).toBe('0.2.0');
    expect((await predict(base, 'still fine', auth)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^gitops_ml_model_reloads_total\{outcome="loaded"\} 1$/m);
    expect(metrics).toMatch(/^gitops_ml_model_reloads_total\{outcome="refused"\} 1$/m);
    expect(metrics).toMatch(/^gitops_ml_model_info\{name="sentiment",version="0.2.0"\} 1$/m);

    // Without a key the route is protected like any other.
    expect((await fetch(`${base}/admin/reload`, { method: 'POST' })).status).toBe(401);
  });
});

describe('request-text logging', () => {
  async function logsOf(env: Record<string, string>): Promise<string> {
    let logs = '';
    const { base } = await start({ ...env, LOG_LEVEL: 'info', RATE_LIMIT_MAX: '0' }, undefined, { logStream: { write: (line: string) => void (logs += line) } });
    expect((await predict(base, 'my neighbour Alice hated it')).status).toBe(200);
    return logs;
  }

  it('does not log request texts by default, and does when LOG_REQUEST_TEXT=true', async () => {
    const quiet = await logsOf({});
    expect(quiet).toContain('"reqId"');
    expect(quiet).not.toContain('Alice');
    const verbose = await logsOf({ LOG_REQUEST_TEXT: 'true' });
    expect(verbose).toContain('"texts":["my neighbour Alice hated it"]');
  });
});

describe('interactive API docs', () => {
  it('serves Swagger UI from the package and the same document as /openapi.json', async () => {
    const { base } = await start({ RATE_LIMIT_MAX: '0' });
    const page = await fetch(`${base}/docs/static/index.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    const bundle = await fetch(`${base}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    // Read it all: an unread stream keeps the connection busy and app.close() waiting.
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const docJson = await (await fetch(`${base}/docs/json`)).json();
    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(docJson).toEqual(openapi);
    expect(Object.keys(openapi.paths)).toContain('/v1/predict');
  });
});
