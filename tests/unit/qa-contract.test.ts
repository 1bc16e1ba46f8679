import { createServer } from 'node:http';
import { delimiter, dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SHED_RETRIES, TEXTS, contractCases, judge, runContract } from '../../actions/shared/src/qa-contract.js';
import type { Answer, ContractCase, ContractContext } from '../../actions/shared/src/qa-contract.js';
import { loadBody, runLoad } from '../../actions/shared/src/qa-load.js';
import { nodeOnPath, serviceEnv, startService } from '../../actions/shared/src/qa-service.js';
import { decideQa } from '../../actions/shared/src/qa.js';

const limits = { model: { name: 'sentiment', version: '0.1.0' }, maxTextLength: 50, maxBatch: 4, bodyLimit: 2048 };
const ctx = (answers: Record<string, Answer> = {}): ContractContext => ({ ...limits, answers: new Map(Object.entries(answers)) });
const cases = contractCases(limits);
const byId = (id: string): ContractCase => {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};
const json = (status: number, body: unknown, contentType = 'application/json; charset=utf-8'): Answer => ({ status, contentType, json: body, text: JSON.stringify(body) });
const problem = (status: number, slug: string): Answer => json(status, { type: `https://gitops-ml.dev/problems/${slug}`, title: 'x', status, detail: 'y' }, 'application/problem+json; charset=utf-8');
const model = { name: 'sentiment', version: '0.1.0' };

describe('qa contract cases (pure checks on answers)', () => {
  it('cover v1, v2 and operations, with unique ids, sized from the service limits', () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.area))).toEqual(new Set(['operations', 'v1', 'v2']));
    expect(cases.at(-1)?.id).toBe('metrics');
    expect((byId('v1-long').body as { json: { text: string } }).json.text).toHaveLength(50);
    expect((byId('v1-too-long').body as { json: { text: string } }).json.text).toHaveLength(51);
    expect((byId('v1-big-batch').body as { json: { texts: string[] } }).json.texts).toHaveLength(5);
    expect((byId('v1-too-large').body as { raw: string }).raw.length).toBeGreaterThan(2048);
  });

  it('v1 errors must be the documented problem type, never another 4xx or a 5xx', () => {
    const empty = byId('v1-empty');
    expect(judge(empty, problem(422, 'invalid-request'), ctx())).toMatchObject({ pass: true, status: 422 });
    expect(judge(empty, problem(400, 'malformed-json'), ctx())).toMatchObject({ pass: false, detail: 'expected status 422 (invalid-request)' });
    expect(judge(empty, json(422, { error: 'x' }), ctx())).toMatchObject({ pass: false, detail: 'content type "application/json; charset=utf-8", expected application/problem+json' });
    expect(judge(empty, problem(500, 'internal'), ctx())).toMatchObject({ pass: false, detail: 'server error (expected status 422 (invalid-request))' });
    // A 5xx fails even a case whose check would not look at the status.
    const throwing: ContractCase = { ...empty, check: () => undefined };
    expect(judge(throwing, json(503, {}), ctx())).toMatchObject({ pass: false, detail: 'server error' });
  });

  it('a prediction must be a probability with the label that goes with it, for the served model', () => {
    const single = byId('v1-single');
    expect(judge(single, json(200, { label: 'positive', score: 0.9, model }), ctx()).pass).toBe(true);
    expect(judge(single, json(200, { label: 'negative', score: 0.9, model }), ctx())).toMatchObject({ pass: false, detail: 'label "negative" does not match score 0.9 (expected positive)' });
    expect(judge(single, json(200, { label: 'positive', score: 1.2, model }), ctx())).toMatchObject({ pass: false, detail: 'score 1.2 is not a probability' });
    expect(judge(single, json(200, { label: 'positive', score: 0.9, model: { ...model, version: '0.0.9' } }), ctx()).detail).toMatch(/^model .*expected sentiment 0\.1\.0$/);
  });

  it('the batch must agree with the single answer for the same text', () => {
    const single = json(200, { label: 'positive', score: 0.8, model });
    const batch = (first: number): Answer => json(200, { predictions: [{ label: 'positive', score: first }, { label: 'negative', score: 0.1 }, { label: 'positive', score: 0.6 }], model });
    expect(judge(byId('v1-batch'), batch(0.8), ctx({ 'v1-single': single })).pass).toBe(true);
    expect(judge(byId('v1-batch'), batch(0.7), ctx({ 'v1-single': single }))).toMatchObject({ pass: false, detail: `the batch scores "${TEXTS.single}" 0.7, alone it scored 0.8` });
  });

  it('v2 infer: id echoed, FP32 [n, 2], rows that sum to 1, and the same P(positive) as v1', () => {
    const single = json(200, { label: 'positive', score: 0.75, model });
    const answer = (patch: Record<string, unknown> = {}, data = [0.25, 0.75, 0.9, 0.1, 0.5, 0.5]): Answer => json(200, { model_name: 'sentiment', model_version: '0.1.0', id: 'qa-1', outputs: [{ name: 'probs', shape: [3, 2], datatype: 'FP32', data }], ...patch });
    const infer = byId('v2-infer');
    expect(judge(infer, answer(), ctx({ 'v1-single': single })).pass).toBe(true);
    expect(judge(infer, answer({ id: undefined }), ctx()).detail).toBe('id undefined not echoed (expected "qa-1")');
    expect(judge(infer, answer({}, [0.3, 0.75, 0.9, 0.1, 0.5, 0.5]), ctx()).detail).toBe('row 0 does not sum to 1 (0.3 + 0.75)');
    expect(judge(infer, answer({}, [0.4, 0.6, 0.9, 0.1, 0.5, 0.5]), ctx({ 'v1-single': single })).detail).toBe(`P(positive) of "${TEXTS.single}" is 0.6 on v2, 0.75 on v1`);
    expect(judge(byId('v2-unknown-model'), json(404, { error: 'model "x" not found' }), ctx()).pass).toBe(true);
    expect(judge(byId('v2-unknown-model'), problem(404, 'not-found'), ctx())).toMatchObject({ pass: false, detail: 'no {"error": "..."} body' });
  });

  it('metrics must count the predictions of both protocols', () => {
    const text = (v2: number): Answer => ({ status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', json: undefined, text: `gitops_ml_model_info{name="sentiment",version="0.1.0"} 1\ngitops_ml_predictions_total{endpoint="v1"} 12\ngitops_ml_predictions_total{endpoint="v2"} ${v2}\n` });
    expect(judge(byId('metrics'), text(3), ctx()).pass).toBe(true);
    expect(judge(byId('metrics'), text(0), ctx()).detail).toBe('gitops_ml_predictions_total{endpoint="v2"} did not count the predictions');
  });

  it('a service that does not answer fails every case (no answer), and the verdict says so', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const results = await runContract(`http://127.0.0.1:${port}`, limits, cases.slice(0, 3));
    expect(results.map((r) => [r.pass, r.status, r.detail])).toEqual(Array(3).fill([false, undefined, 'no answer (ECONNREFUSED)']));
    expect(decideQa({ contract: results, load: [], budget: { ms: 1, source: 'x' } }).pass).toBe(false);
  });

  it('a shed request (503 + Retry-After) is sent again, up to SHED_RETRIES times, and the result says so', async () => {
    let shedding = 2;
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      if (shedding-- > 0) return res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/problem+json' }).end('{"status":503}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const [ok] = await runContract(base, limits, [byId('healthz')]);
      expect([ok?.pass, ok?.status, ok?.detail, requests]).toEqual([true, 200, 'answered after 2 retries: the service shed load (503 + Retry-After)', 3]);
      shedding = 100;
      requests = 0;
      const [shed] = await runContract(base, limits, [byId('healthz')]);
      expect([shed?.pass, shed?.status, requests]).toEqual([false, 503, SHED_RETRIES + 1]);
      expect(shed?.detail).toMatch(/^server error .*; still shedding load \(503 \+ Retry-After\) after 3 retries$/);
      // A 503 without Retry-After is not shedding: no retry.
      const bare = createServer((_req, res) => res.writeHead(503).end());
      await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
      requests = 0;
      const [once] = await runContract(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`, limits, [byId('healthz')]);
      await new Promise<void>((r) => bare.close(() => r()));
      expect([once?.pass, once?.detail]).toEqual([false, expect.not.stringContaining('retr')]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('qa load test (autocannon against a loopback server)', () => {
  it('sends a distinct text per request and counts every non-2xx answer per level', async () => {
    const texts = new Set<string>();
    let n = 0;
    // Every 10th answer is a 503: errors under load that the gate must see.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        texts.add((JSON.parse(body) as { text: string }).text);
        res.writeHead(++n % 10 === 0 ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const levels = await runLoad(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: [1, 4], durationSeconds: 1, warmupRequests: 20 });
      expect(levels.map((l) => l.connections)).toEqual([1, 4]);
      for (const l of levels) {
        // Enough answers for the every-10th 503 to appear; not a speed bar (a busy runner is slow).
        expect(l.requests).toBeGreaterThanOrEqual(10);
        expect(l.non2xx).toBeGreaterThan(0);
        expect(l.statusCodes['503']).toBe(l.non2xx);
        expect(l.p50_ms).toBeLessThanOrEqual(l.p95_ms);
        expect(l.p95_ms).toBeLessThanOrEqual(l.p99_ms);
      }
      // No text repeats: the service's prediction cache cannot answer any of them.
      expect(texts.size).toBe(n);
      const d = decideQa({ contract: [{ id: 'x', area: 'v1', name: 'x', request: 'GET /', expected: '200', status: 200, pass: true }], load: levels, budget: { ms: 1000, source: 'test' } });
      expect(d).toMatchObject({ pass: false, title: 'errors under load' });
      expect(d.reasons[0]?.detail).toMatch(/^Requests failed under load: at 1 connection, \d+ non-2xx answers \(503 ×\d+\); at 4 connections, \d+ non-2xx answers \(503 ×\d+\)\.$/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('bodies are valid JSON requests for the predict endpoint', () => {
    expect(JSON.parse(loadBody(0))).toEqual({ text: 'A warm, funny and beautifully acted film (review 0)' });
    expect(loadBody(8)).not.toBe(loadBody(0));
  });
});

describe('qa service process', () => {
  it('gets no secret from the action: only PATH-like variables and its own config', () => {
    process.env['INPUT_GITHUB-TOKEN'] = 'ghs_secret';
    process.env.GITHUB_TOKEN = 'ghs_secret';
    try {
      const env = serviceEnv('/artifacts/sentiment/0.1.0');
      expect(Object.values(env)).not.toContain('ghs_secret');
      expect(env).toMatchObject({ HOST: '127.0.0.1', MODEL_DIR: '/artifacts/sentiment/0.1.0', RATE_LIMIT_MAX: '0', NODE_ENV: 'production' });
      expect(Object.keys(env).filter((k) => !['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'LANG', 'NODE_ENV', 'HOST', 'MODEL_DIR', 'RATE_LIMIT_MAX'].includes(k))).toEqual([]);
    } finally {
      delete process.env['INPUT_GITHUB-TOKEN'];
      delete process.env.GITHUB_TOKEN;
    }
  });

  it('runs the service on the node of PATH (the setup-node version), else on its own', () => {
    expect(nodeOnPath('')).toBe(process.execPath);
    expect(nodeOnPath(`/nonexistent${delimiter}${dirname(process.execPath)}`)).toBe(join(dirname(process.execPath), 'node'));
  });

  it('refuses to start without a build, saying how to make one', async () => {
    await expect(startService({ entry: 'dist/service/missing.js', modelDir: '/nowhere' })).rejects.toThrow('dist/service/missing.js does not exist: build the service first (npm run build)');
  });
});
