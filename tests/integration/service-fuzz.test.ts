import { appendFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { buildApp } from '../../service/app.js';
import type { ModelHolder } from '../../service/app.js';
import { testConfig } from '../helpers/service-config.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { deepCases, describeCase, FUZZ_KINDS, generateCases, V1_PREDICT } from '../helpers/fuzz-bodies.js';
import type { FuzzCase, FuzzLimits } from '../helpers/fuzz-bodies.js';

/**
 * Fuzzes the service over real HTTP with thousands of malformed and hostile requests:
 * no answer may be a 5xx (other than a 503 with Retry-After), every refusal keeps the
 * documented error shape, nothing internal leaks, and the server stays up. Reproduce a
 * failure with FUZZ_SEED=<seed> (and FUZZ_COUNT); each failure names its case index.
 * FUZZ_REPORT=<file> appends every violation (not just one per category) to that file.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260611) >>> 0;
const COUNT = Number(process.env.FUZZ_COUNT ?? 3600);
const CONCURRENCY = 32;
const LIMITS: FuzzLimits = { bodyLimit: 4096, maxTextLength: 1000, maxBatch: 8 };
/** The production default body limit: room for 10k+ levels of nesting and near-megabyte strings. */
const LARGE_LIMITS: FuzzLimits = { bodyLimit: 1048576, maxTextLength: 5000, maxBatch: 64 };

const LEAK = /\bat .*\(|\/work\/|node_modules|\.ts:\d/;
const MAX_KEPT_BODY = 1 << 20;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Outcome {
  c: FuzzCase;
  answer?: Answer;
  /** Client-side error code when no answer came (ECONNRESET, …). */
  error?: string;
  /** Node refused to send it (header injection). */
  skipped?: string;
  ms: number;
}

function sendOnce(port: number, c: FuzzCase, agent: Agent | false): Promise<Omit<Outcome, 'c' | 'ms'> & { reused: boolean }> {
  return new Promise((resolve) => {
    let done = false;
    let reused = false;
    const finish = (o: Omit<Outcome, 'c' | 'ms'>): void => {
      if (done) return;
      done = true;
      resolve({ ...o, reused });
    };
    const headers: Record<string, string | number> = { ...c.headers };
    if (c.body !== undefined && !c.chunked) headers['content-length'] = c.body.length;
    let req;
    try {
      req = request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent, setHost: !('host' in headers) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      finish(c.mayBeUnsendable ? { skipped: code } : { error: `client refused: ${code}` });
      return;
    }
    req.setTimeout(20000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('socket', () => {
      reused = req.reusedSocket;
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size <= MAX_KEPT_BODY) chunks.push(d);
      });
      const end = (): void => finish({ answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } });
      res.on('end', end);
      // The server may close right after a refusal: what arrived is the answer.
      res.on('error', end);
      res.on('aborted', end);
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code ?? err.message }));
    if (c.body !== undefined) {
      if (c.chunked) {
        // A few writes so the server sees a streamed body.
        const step = Math.max(1, Math.ceil(c.body.length / 4));
        for (let i = 0; i < c.body.length; i += step) req.write(c.body.subarray(i, i + step));
        req.end();
      } else req.end(c.body);
    } else req.end();
  });
}

async function send(port: number, c: FuzzCase, agent: Agent): Promise<Outcome> {
  const t0 = performance.now();
  let r = await sendOnce(port, c, c.fresh ? false : agent);
  // A kept-alive socket the server closed between two requests: the documented retry case.
  if (r.error === 'ECONNRESET' && r.reused) r = await sendOnce(port, c, false);
  return { c, answer: r.answer, error: r.error, skipped: r.skipped, ms: performance.now() - t0 };
}

async function pool<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

/** The documented error body a refusal must carry, by the scope its path falls in. */
function scopeOf(path: string): 'v2' | 'problem' {
  const p = path.split('?')[0] as string;
  return p === '/v2' || p.startsWith('/v2/') ? 'v2' : 'problem';
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

type Check = 'serverError' | 'leak' | 'shape' | 'headers';

interface Violation {
  check: Check;
  /** What kind of wrong answer, without the request-specific parts: failures are grouped by it. */
  category: string;
  message: string;
}

/** A short signature of a JSON error body: its keys and, for Fastify's own bodies, its code or message. */
function signature(status: number, ct: string, doc: Record<string, unknown> | undefined, text: string): string {
  const what = doc ? `keys ${Object.keys(doc).join(',')}${typeof doc.code === 'string' ? ` code ${doc.code}` : typeof doc.message === 'string' && doc.message.length < 60 ? ` message ${JSON.stringify(doc.message)}` : ''}` : `non-JSON ${JSON.stringify(text.slice(0, 40))}`;
  return `${status} ${ct.split(';')[0] || '(no content-type)'} ${what}`;
}

const isProblem = (ct: string, doc: Record<string, unknown> | undefined, status: number): boolean =>
  /^application\/problem\+json/.test(ct) && !!doc && typeof doc.type === 'string' && typeof doc.title === 'string' && doc.status === status && typeof doc.detail === 'string';
const isOipError = (doc: Record<string, unknown> | undefined): boolean => !!doc && typeof doc.error === 'string' && Object.keys(doc).length === 1;

/** Everything wrong with one outcome (empty = fine). */
function violations(o: Outcome): Violation[] {
  const out: Violation[] = [];
  const { c, answer } = o;
  if (o.skipped) return out;
  if (!answer) {
    if (!(c.mayReset && (o.error === 'ECONNRESET' || o.error === 'EPIPE'))) out.push({ check: 'serverError', category: `no answer (${o.error})`, message: `no answer: ${o.error}` });
    return out;
  }
  const { status, headers, body } = answer;
  const text = body.toString('utf8');
  const ct = String(headers['content-type'] ?? '');
  const doc = parseJson(body) as Record<string, unknown> | undefined;
  const shown = `${status} ${ct} ${JSON.stringify(text.slice(0, 300))}`;
  const sig = signature(status, ct, doc, text);
  if (status >= 500 && !(status === 503 && headers['retry-after'])) out.push({ check: 'serverError', category: sig, message: `server error: ${shown}` });
  if (LEAK.test(text) || LEAK.test(JSON.stringify(headers))) out.push({ check: 'leak', category: sig, message: `leaks internals: ${shown}` });
  if (status >= 400 && status < 500 && c.method !== 'HEAD') {
    // A request the HTTP parser refused never reached a route: either documented shape will do.
    const ok = c.parserMayRefuse ? isProblem(ct, doc, status) || isOipError(doc) : scopeOf(c.path) === 'v2' ? isOipError(doc) : isProblem(ct, doc, status);
    if (!ok) out.push({ check: 'shape', category: `${c.parserMayRefuse ? 'parser-refused' : scopeOf(c.path)} → ${sig}`, message: `expected ${c.parserMayRefuse ? 'problem+json or {"error": string}' : scopeOf(c.path) === 'v2' ? '{"error": string}' : `problem+json with status ${status}`}: ${shown}` });
  }
  // README: every answer carries the security headers and an x-request-id.
  if (!c.parserMayRefuse) {
    const missing = [headers['x-request-id'] ? '' : 'x-request-id', headers['x-content-type-options'] === 'nosniff' ? '' : 'x-content-type-options: nosniff'].filter(Boolean);
    if (missing.length) out.push({ check: 'headers', category: `${sig} without ${missing.join(', ')}`, message: `missing ${missing.join(', ')}: ${shown}` });
  }
  return out;
}

interface Report {
  outcomes: Outcome[];
  histogram: Map<number | string, number>;
  byKind: Map<string, Map<number | string, number>>;
  violations: { c: FuzzCase; v: Violation }[];
  ms: number;
}

function report(outcomes: Outcome[], ms: number): Report {
  const r: Report = { outcomes, histogram: new Map(), byKind: new Map(), violations: [], ms };
  for (const o of outcomes) {
    const key = o.answer ? o.answer.status : o.skipped ? `skipped:${o.skipped}` : `error:${o.error}`;
    r.histogram.set(key, (r.histogram.get(key) ?? 0) + 1);
    const k = r.byKind.get(o.c.kind) ?? new Map<number | string, number>();
    k.set(key, (k.get(key) ?? 0) + 1);
    r.byKind.set(o.c.kind, k);
    for (const v of violations(o)) r.violations.push({ c: o.c, v });
  }
  if (process.env.FUZZ_REPORT) {
    const lines = r.violations.map(({ c, v }) => `[${v.check}] ${v.category}\n  ${describeCase(c, 400)}\n  → ${v.message}`);
    appendFileSync(process.env.FUZZ_REPORT, `${lines.join('\n')}\n`);
  }
  return r;
}

/**
 * The violations of some checks, grouped by category: one line per category with its
 * count and the first case that showed it (enough to reproduce with the seed).
 */
function grouped(r: Report, ...checks: Check[]): string[] {
  const groups = new Map<string, { n: number; example: string }>();
  for (const { c, v } of r.violations) {
    if (!checks.includes(v.check)) continue;
    const key = `[${v.check}] ${v.category}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { n: 1, example: `${describeCase(c)}\n      → ${v.message}` });
  }
  return [...groups.entries()].map(([key, g]) => `${g.n} × ${key}\n    e.g. ${g.example}`);
}

const fmt = (h: Map<number | string, number>): string =>
  [...h.entries()]
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    .map(([k, n]) => `${k}:${n}`)
    .join(' ');

async function startServer(env: Record<string, string>, holder: ModelHolder): Promise<{ app: FastifyInstance; port: number }> {
  // testConfig: no rate limit or load shedding, so the barrage reaches every refusal path.
  const app = buildApp(testConfig(env), holder);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as { port: number }).port };
}

async function barrage(port: number, cases: FuzzCase[]): Promise<Report> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const t0 = performance.now();
  try {
    const outcomes = await pool(cases, CONCURRENCY, (c) => send(port, c, agent));
    return report(outcomes, performance.now() - t0);
  } finally {
    agent.destroy();
  }
}

async function stillServes(port: number): Promise<void> {
  const predict = await fetch(`http://127.0.0.1:${port}${V1_PREDICT}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"good movie"}' });
  expect(predict.status).toBe(200);
  expect(await predict.json()).toMatchObject({ label: expect.stringMatching(/^(negative|positive)$/), model: { name: 'sentiment' } });
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
}

const holder: ModelHolder = {};
let prototypeKeys: string[];

beforeAll(async () => {
  prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  await initBackend('wasm');
  holder.model = await loadArtifact(await saveArtifact(artifactFixture()));
});

describe(`service fuzz (FUZZ_SEED=${SEED}, FUZZ_COUNT=${COUNT})`, () => {
  let server: { app: FastifyInstance; port: number };
  let r: Report;

  beforeAll(async () => {
    server = await startServer({ BODY_LIMIT_BYTES: String(LIMITS.bodyLimit), MAX_TEXT_LENGTH: String(LIMITS.maxTextLength), MAX_BATCH_SIZE: String(LIMITS.maxBatch) }, holder);
    r = await barrage(server.port, generateCases(SEED, COUNT, LIMITS));
    console.log(
      `fuzz seed=${SEED}: ${r.outcomes.length} requests in ${(r.ms / 1000).toFixed(1)} s\nstatuses: ${fmt(r.histogram)}\n` +
        [...r.byKind.entries()].map(([k, h]) => `  ${k}: ${fmt(h)}`).join('\n'),
    );
  }, 120000);

  afterAll(async () => {
    await server?.app.close();
  });

  it('sends thousands of requests of every kind', () => {
    expect(r.outcomes.length).toBeGreaterThanOrEqual(3000);
    expect(new Set(r.outcomes.map((o) => o.c.kind))).toEqual(new Set(FUZZ_KINDS));
    // Only header-injection cases may be refused by the client, and most requests are sent.
    expect(r.outcomes.filter((o) => o.skipped && !o.c.mayBeUnsendable)).toEqual([]);
    expect(r.outcomes.filter((o) => o.answer).length).toBeGreaterThan(r.outcomes.length * 0.95);
  });

  it('no answer is a 5xx other than a 503 with Retry-After, and no request goes unanswered', () => {
    expect(grouped(r, 'serverError')).toEqual([]);
  });

  it('no answer leaks a stack trace or an internal path', () => {
    expect(grouped(r, 'leak')).toEqual([]);
  });

  it('every refusal has the documented body: problem+json outside /v2, {"error": …} under /v2', () => {
    expect(grouped(r, 'shape')).toEqual([]);
  });

  it('every answer carries x-request-id and the security headers', () => {
    expect(grouped(r, 'headers')).toEqual([]);
  });

  it('reaches every documented refusal: 400, 404, 413, 415 and 422 (and some successes)', () => {
    const missing = [200, 400, 404, 413, 415, 422].filter((status) => !r.histogram.get(status));
    expect(missing).toEqual([]);
  });

  it('pollutes no prototype', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still answers a valid prediction and /healthz afterwards', async () => {
    await stillServes(server.port);
  });
});

describe('service fuzz at the production body limit (deep nesting, near-megabyte bodies)', () => {
  let server: { app: FastifyInstance; port: number };
  let r: Report;

  beforeAll(async () => {
    server = await startServer({}, holder);
    r = await barrage(server.port, deepCases(LARGE_LIMITS));
    console.log(`large-limit fuzz: ${r.outcomes.length} requests in ${(r.ms / 1000).toFixed(1)} s\nstatuses: ${fmt(r.histogram)}`);
  }, 120000);

  afterAll(async () => {
    await server?.app.close();
  });

  it('no 5xx, no leak, documented bodies', () => {
    expect(grouped(r, 'serverError', 'leak', 'shape', 'headers')).toEqual([]);
    expect(r.histogram.get(413) ?? 0).toBeGreaterThan(0);
  });

  it('still answers a valid prediction and /healthz afterwards', async () => {
    await stillServes(server.port);
  });
});

describe('service fuzz while no model is loaded (the documented 503s)', () => {
  let server: { app: FastifyInstance; port: number };
  let r: Report;

  beforeAll(async () => {
    server = await startServer({ BODY_LIMIT_BYTES: String(LIMITS.bodyLimit), MAX_TEXT_LENGTH: String(LIMITS.maxTextLength), MAX_BATCH_SIZE: String(LIMITS.maxBatch) }, {});
    r = await barrage(server.port, generateCases(SEED + 1, 500, LIMITS));
    console.log(`no-model fuzz: ${r.outcomes.length} requests in ${(r.ms / 1000).toFixed(1)} s\nstatuses: ${fmt(r.histogram)}`);
  }, 120000);

  afterAll(async () => {
    await server?.app.close();
  });

  it('answers 503 only with Retry-After, and nothing else is a 5xx', () => {
    expect(r.histogram.get(503) ?? 0).toBeGreaterThan(0);
    expect(grouped(r, 'serverError', 'leak')).toEqual([]);
  });

  it('still answers /healthz', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
  });
});
