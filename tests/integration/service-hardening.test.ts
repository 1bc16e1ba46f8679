import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import type * as NodeCrypto from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Attacks on the running service over real HTTP on loopback: auth bypasses, header
 * injection and request smuggling (raw sockets), path traversal on the Swagger UI's
 * static files, slow clients, hostile bodies and reflected input. Each answer is checked
 * for its documented status and body, and for leaks (stack traces, server paths,
 * framework or runtime versions). The breadth of malformed bodies is the fuzz test's job
 * (service-fuzz.test.ts); here each attack class has a few pointed cases.
 */

// Calls into node:crypto, recorded so the auth test can see *how* keys are compared. The
// mock passes everything through, and must be in place before the service modules load:
// they are imported below, after it, not with static imports (those would run first).
const cryptoCalls = { createHash: [] as string[], timingSafeEqual: [] as [number, number][] };
jest.unstable_mockModule('node:crypto', () => {
  const real = jest.requireActual<typeof NodeCrypto>('node:crypto');
  const createHash = (algorithm: string, options?: NodeCrypto.HashOptions): NodeCrypto.Hash => {
    cryptoCalls.createHash.push(algorithm);
    return real.createHash(algorithm, options);
  };
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
    cryptoCalls.timingSafeEqual.push([a.byteLength, b.byteLength]);
    return real.timingSafeEqual(a, b);
  };
  return { ...real, createHash, timingSafeEqual, default: { ...real, createHash, timingSafeEqual } };
});

const { buildApp } = await import('../../service/app.js');
const { keyIndex, parseKeyHashes } = await import('../../service/auth.js');
const { loadConfig } = await import('../../service/config.js');
const { ServiceMetrics } = await import('../../service/metrics.js');
const { PROBLEM_BASE } = await import('../../service/problems.js');
const { loadArtifact, saveArtifact, TOKENIZER_FILE } = await import('../../model/artifact/artifact.js');
const { initBackend } = await import('../../model/nn/backend.js');
const { artifactFixture } = await import('../helpers/artifact-fixture.js');
const { testConfig } = await import('../helpers/service-config.js');
const { REPO_ROOT } = await import('../helpers/datasets.js');
const { freePort } = await import('../helpers/net.js');

type Metrics = InstanceType<typeof ServiceMetrics>;

const KEY = 's3cret-key-0123456789';
const sha = (s: string): string => jest.requireActual<typeof NodeCrypto>('node:crypto').createHash('sha256').update(s).digest('hex');

// ---------------------------------------------------------------------------------------
// Raw HTTP over a socket: requests Node's own clients refuse to send, and every byte of the
// answer (several answers, if the server answered a smuggled request too).

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface RawResult {
  responses: RawResponse[];
  /** The server closed the connection (rather than the client giving up after `timeoutMs`). */
  closed: boolean;
  ms: number;
}

/** Splits a byte stream into HTTP/1.1 responses (Content-Length or chunked bodies). */
function parseResponses(data: Buffer): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = data;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine = '', ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(statusLine)?.[1]);
    if (!status) break;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let body: Buffer;
    rest = rest.subarray(end + 4);
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      for (;;) {
        const eol = rest.indexOf('\r\n');
        const size = eol < 0 ? 0 : parseInt(rest.subarray(0, eol).toString('latin1'), 16);
        if (eol < 0 || !size) {
          rest = eol < 0 ? Buffer.alloc(0) : rest.subarray(eol + 4);
          break;
        }
        parts.push(rest.subarray(eol + 2, eol + 2 + size));
        rest = rest.subarray(eol + 2 + size + 2);
      }
      body = Buffer.concat(parts);
    } else {
      const length = headers['content-length'] === undefined ? rest.length : Number(headers['content-length']);
      body = rest.subarray(0, length);
      rest = rest.subarray(length);
    }
    out.push({ status, headers, body: body.toString('utf8') });
  }
  return out;
}

/**
 * Sends `parts` on a fresh connection, `gapMs` apart (parts left when the server closes are
 * dropped), and waits for the server to close it, at most `timeoutMs`.
 */
function raw(port: number, parts: (string | Buffer)[] | string | Buffer, opts: { gapMs?: number; timeoutMs?: number } = {}): Promise<RawResult> {
  const list = Array.isArray(parts) ? parts : [parts];
  const { gapMs = 0, timeoutMs = 5000 } = opts;
  return new Promise((resolve) => {
    const t0 = Date.now();
    const chunks: Buffer[] = [];
    let closedByServer = true;
    const socket = connect(port, '127.0.0.1');
    const giveUp = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    // A reset after the server's answer (it closed while we were still writing) is an answer too.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ responses: parseResponses(Buffer.concat(chunks)), closed: closedByServer, ms: Date.now() - t0 });
    });
    let i = 0;
    const writeNext = (): void => {
      if (socket.destroyed || !socket.writable) return;
      const part = list[i++];
      if (part === undefined) return;
      socket.write(part);
      if (gapMs > 0) setTimeout(writeNext, gapMs);
      else writeNext();
    };
    socket.once('connect', writeNext);
  });
}

/** A raw request: request line, Host, the given header lines, Connection: close, then the body. */
const req = (line: string, headerLines: string[] = [], body: string | Buffer = ''): Buffer =>
  Buffer.concat([Buffer.from(`${line} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headerLines.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body)]);

const only = (r: RawResult): RawResponse => {
  expect(r.responses).toHaveLength(1);
  return r.responses[0] as RawResponse;
};

// ---------------------------------------------------------------------------------------
// What no answer may carry.

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const LEAKS: RegExp[] = [
  /\bat [\w.<>[\] ]+ \(/, // stack frame
  /\bat (?:file:|node:|\/)/,
  /node_modules/,
  /\.[cm]?[jt]s:\d+/, // file:line
  new RegExp(escapeRe(REPO_ROOT)),
  new RegExp(escapeRe(tmpdir())),
  new RegExp(escapeRe(process.version)),
  new RegExp(`\\b${escapeRe(process.versions.node)}\\b`),
  /fastify/i,
  /\bnode(?:\.js)?[ /]v?\d/i,
];

function expectNoLeak(headers: Record<string, string> | Headers, body: string): void {
  const h: Record<string, string> = headers instanceof Headers ? Object.fromEntries(headers.entries()) : headers;
  expect(h['x-powered-by']).toBeUndefined();
  expect(h.server).toBeUndefined();
  const text = `${JSON.stringify(h)}\n${body}`;
  for (const leak of LEAKS) expect({ leak: leak.source, found: leak.exec(text)?.[0] }).toEqual({ leak: leak.source, found: undefined });
}

/** A documented problem+json answer of `slug` with `status`, and nothing leaked. */
function expectProblem(r: RawResponse | { status: number; headers: Record<string, string>; body: string }, status: number, slug: string): Record<string, unknown> {
  expect({ status: r.status, type: r.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
  const doc = JSON.parse(r.body) as Record<string, unknown>;
  expect(doc).toMatchObject({ type: `${PROBLEM_BASE}${slug}`, status, title: expect.any(String), detail: expect.any(String) });
  expectNoLeak(r.headers, r.body);
  return doc;
}

async function fetchText(url: string, init?: RequestInit): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: await res.text() };
}

/** How many requests the server handled on `route` (by route template), from its metrics. */
async function handled(metrics: Metrics, route: string): Promise<number> {
  const { values } = await metrics.requests.get();
  return values.filter((v) => v.labels.route === route).reduce((n, v) => n + v.value, 0);
}

// ---------------------------------------------------------------------------------------
// Three servers: with API keys, without, and one with short slow-client timeouts.

interface Server {
  app: FastifyInstance;
  port: number;
  base: string;
  metrics: Metrics;
  logs: string[];
}

async function start(env: Record<string, string>, holder: { model?: Awaited<ReturnType<typeof loadArtifact>> }): Promise<Server> {
  const metrics = new ServiceMetrics();
  const logs: string[] = [];
  // Errors are logged (and collected): an attack must never make the server log an unhandled error.
  const app = buildApp(testConfig({ LOG_LEVEL: 'error', ...env }), holder, metrics, { logStream: { write: (line) => void logs.push(line) } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, port, base: `http://127.0.0.1:${port}`, metrics, logs };
}

/** Log lines seen before the running test: each test answers for its own. */
const seen = new Map<Server, number>();
const unhandled = (s: Server): string[] => s.logs.slice(seen.get(s) ?? 0).filter((l) => l.includes('unhandled error'));

let keyed: Server;
let open: Server;
let slow: Server;
let modelLink: string;
let goodArtifact: string;

const repoint = (link: string, to: string): void => {
  symlinkSync(to, `${link}.next`);
  renameSync(`${link}.next`, link);
};

beforeAll(async () => {
  await initBackend('wasm');
  goodArtifact = await saveArtifact(artifactFixture('1.0.0'));
  const model = await loadArtifact(goodArtifact);
  modelLink = join(mkdtempSync(join(tmpdir(), 'hardening-')), 'current');
  symlinkSync(goodArtifact, modelLink);
  [keyed, open, slow] = await Promise.all([
    start({ API_KEY_SHA256: sha(KEY), MODEL_DIR: modelLink }, { model }),
    start({ BODY_LIMIT_BYTES: '4096', MODEL_DIR: modelLink }, { model }),
    // Micro-batching makes every prediction wait 700 ms, longer than the request timeout: only receiving the request is bounded.
    start({ HEADERS_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '500', KEEP_ALIVE_TIMEOUT_MS: '500', MICROBATCH_MAX_WAIT_MS: '700' }, { model }),
  ]);
});

afterAll(async () => {
  await Promise.all([keyed?.app.close(), open?.app.close(), slow?.app.close()]);
});

beforeEach(() => {
  for (const s of [keyed, open, slow]) seen.set(s, s.logs.length);
});

afterEach(() => {
  // No attack may make the server log an unhandled error (a 500 path, or noise an attacker can flood the logs with).
  for (const s of [keyed, open, slow]) expect(unhandled(s)).toEqual([]);
});

// ---------------------------------------------------------------------------------------

describe('auth bypass attempts (API keys configured)', () => {
  const models = (auth: string | undefined, path = '/v1/models'): Promise<{ status: number; headers: Record<string, string>; body: string }> => fetchText(`${keyed.base}${path}`, auth === undefined ? {} : { headers: { authorization: auth } });

  it('accepts the key (control)', async () => {
    const r = await models(`Bearer ${KEY}`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ models: [{ name: 'sentiment' }] });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['"Bearer" without a key', 'Bearer'],
    ['"Bearer " with an empty key', 'Bearer '],
    ['the key without a scheme', KEY],
    ['Basic with the key', `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}`],
    ['Basic with the key as user', `Basic ${Buffer.from(KEY).toString('base64')}`],
    ['Token scheme', `Token ${KEY}`],
    ['Digest scheme', `Digest ${KEY}`],
    ['"Bearer:" with a colon', `Bearer:${KEY}`],
    ['two spaces after Bearer', `Bearer  ${KEY}`],
    ['a key with a space inside', `Bearer ${KEY.slice(0, 5)} ${KEY.slice(5)}`],
    ['the key and a second token', `Bearer ${KEY} ${KEY}`],
    ['the key twice in one header', `Bearer ${KEY}, Bearer ${KEY}`],
    ['a prefix of the key', `Bearer ${KEY.slice(0, -1)}`],
    ['a one-character prefix', `Bearer ${KEY.slice(0, 1)}`],
    ['the key with one more character', `Bearer ${KEY}0`],
    ['the key in upper case', `Bearer ${KEY.toUpperCase()}`],
    ['the sha256 hash itself', `Bearer ${sha(KEY)}`],
    ['the hash in upper case', `Bearer ${sha(KEY).toUpperCase()}`],
    ['the key base64-encoded', `Bearer ${Buffer.from(KEY).toString('base64')}`],
    ['a 600-character key', `Bearer ${KEY.repeat(30)}`],
    ['a 10 KB key', `Bearer ${'k'.repeat(10_000)}`],
  ])('refuses %s with 401, WWW-Authenticate and the problem body', async (_name, auth) => {
    const r = await models(auth);
    const doc = expectProblem(r, 401, 'unauthorized');
    expect(r.headers['www-authenticate']).toBe('Bearer realm="gitops-ml"');
    expect(JSON.stringify(doc)).not.toContain(KEY);
    expect(r.body).not.toContain('sentiment');
  });

  it('refuses a key in the query string, whatever the parameter is called', async () => {
    for (const q of [`api_key=${KEY}`, `key=${KEY}`, `access_token=${KEY}`, `token=${KEY}`, `authorization=Bearer%20${KEY}`, `Authorization=Bearer+${KEY}`]) {
      const r = await models(undefined, `/v1/models?${q}`);
      expectProblem(r, 401, 'unauthorized');
      expect(r.body).not.toContain(KEY);
    }
  });

  it('refuses a key in another header, a cookie or the body', async () => {
    for (const headers of [{ 'x-api-key': KEY }, { 'proxy-authorization': `Bearer ${KEY}` }, { cookie: `authorization=Bearer ${KEY}; api_key=${KEY}` }, { 'x-authorization': `Bearer ${KEY}` }] as Record<string, string>[]) {
      expectProblem(await fetchText(`${keyed.base}/v1/models`, { headers }), 401, 'unauthorized');
    }
    const r = await fetchText(`${keyed.base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'fine', authorization: `Bearer ${KEY}`, api_key: KEY }) });
    expectProblem(r, 401, 'unauthorized');
  });

  it('strips trailing blanks as HTTP does (the same key), but a CR, LF or NUL after the key breaks the request (400)', async () => {
    // Optional whitespace around a field value is not part of it (RFC 9110 §5.5): still the one key.
    for (const tail of [' ', '  ', '\t']) expect(only(await raw(keyed.port, req('GET /v1/models', [`Authorization: Bearer ${KEY}${tail}`]))).status).toBe(200);
    for (const tail of ['\n', '\r', '\0', '\r\n ']) {
      const r = await raw(keyed.port, req('GET /v1/models', [`Authorization: Bearer ${KEY}${tail}`]));
      expect(r.closed).toBe(true);
      expectProblem(only(r), 400, 'malformed-request');
    }
  });

  it('matches the header name case-insensitively (as HTTP requires), still checking the key', async () => {
    for (const name of ['AUTHORIZATION', 'authorization', 'aUtHoRiZaTiOn']) {
      expect(only(await raw(keyed.port, req('GET /v1/models', [`${name}: Bearer ${KEY}`]))).status).toBe(200);
      expectProblem(only(await raw(keyed.port, req('GET /v1/models', [`${name}: Bearer wrong-key`]))), 401, 'unauthorized');
    }
  });

  it('with duplicate Authorization headers, the first decides: a valid key appended after a wrong one does not get in', async () => {
    // Node keeps the first Authorization field and drops the others, so a second one can never add access.
    expectProblem(only(await raw(keyed.port, req('GET /v1/models', ['Authorization: Bearer wrong-key', `Authorization: Bearer ${KEY}`]))), 401, 'unauthorized');
    expectProblem(only(await raw(keyed.port, req('GET /v1/models', ['Authorization:', `Authorization: Bearer ${KEY}`]))), 401, 'unauthorized');
    expectProblem(only(await raw(keyed.port, req('GET /v1/models', ['Authorization: Basic eDp5', `Authorization: Bearer ${KEY}`]))), 401, 'unauthorized');
    expect(only(await raw(keyed.port, req('GET /v1/models', [`Authorization: Bearer ${KEY}`, `Authorization: Bearer ${KEY}`]))).status).toBe(200);
  });

  it('answers a 1 MB Authorization header with 431 (not 500), and keeps serving', async () => {
    const r = await raw(keyed.port, req('GET /v1/models', [`Authorization: Bearer ${'k'.repeat(1 << 20)}`]));
    expect(r.closed).toBe(true);
    expectProblem(only(r), 431, 'headers-too-large');
    expect((await models(`Bearer ${KEY}`)).status).toBe(200);
  });

  it('refuses keys with non-ASCII characters (sent as raw UTF-8 bytes: fetch cannot send them)', async () => {
    for (const key of [`${KEY.slice(0, 3)}é${KEY.slice(4)}`, `${KEY}\u200b`, `\ufeff${KEY}`, KEY.replace('s', '\uff53'), `${KEY}\u00a0`, '🔑'.repeat(8)]) {
      const r = await raw(keyed.port, Buffer.concat([Buffer.from('GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer '), Buffer.from(key, 'utf8'), Buffer.from('\r\n\r\n')]));
      const answer = only(r);
      // Node may refuse some bytes in a field value itself (400); what reaches the auth hook gets 401.
      expect([400, 401]).toContain(answer.status);
      expectProblem(answer, answer.status, answer.status === 401 ? 'unauthorized' : 'malformed-request');
    }
  });

  it('does not let a public path prefix, dot segments or encodings route to a protected route', async () => {
    for (const path of ['/v1/models?/healthz', '/v1/models?x=/docs/', '/healthz/../v1/models', '/docs/../v1/models', '/docs/..%2fv1/models', '/docs/static/../../v1/models', '/%76%31/models', '/v1/%6dodels', '//v1/models', '/v1//models', '/v1/models/', '/V1/MODELS', '/v1/models#/healthz', '/v1/models;/healthz', '/./v1/models', '/healthz%2f..%2fv1/models']) {
      const r = only(await raw(keyed.port, req(`GET ${path}`)));
      expect({ path, status: [400, 401, 404].includes(r.status) ? 'refused' : r.status }).toEqual({ path, status: 'refused' });
      expect(r.body).not.toContain('"models"');
      expectNoLeak(r.headers, r.body);
    }
    for (const path of ['/v1/predict?/healthz', '/docs/../v1/predict', '/%76%31/predict']) {
      const r = only(await raw(keyed.port, req(`POST ${path}`, ['Content-Type: application/json', 'Content-Length: 15'], '{"text":"fine"}')));
      expect([400, 401, 404]).toContain(r.status);
      expect(r.body).not.toContain('"label"');
    }
  });

  it('keeps the probes, the metrics and the API description open as documented; inference needs the key', async () => {
    for (const [path, status] of [
      ['/healthz', 200],
      ['/readyz', 200],
      ['/metrics', 200],
      ['/v2/health/live', 200],
      ['/v2/health/ready', 200],
      ['/openapi.json', 200],
      ['/docs', 200],
      ['/v1/models', 401],
      ['/v2/models/sentiment', 401],
      ['/v2', 401],
    ] as const) {
      const r = await fetchText(`${keyed.base}${path}`);
      expect({ path, status: r.status }).toEqual({ path, status });
      if (path !== '/docs') expectNoLeak(r.headers, r.body);
    }
    // The metrics are open to anyone who reaches the port: no runtime version in them.
    const metrics = (await fetchText(`${keyed.base}/metrics`)).body;
    expect(metrics).toContain('gitops_ml_http_requests_total');
    expect(metrics).not.toContain('nodejs_version_info');
  });

  it('/admin/reload: 401 without the key, 200 with it, and 403 when no keys are configured at all', async () => {
    expectProblem(await fetchText(`${keyed.base}/admin/reload`, { method: 'POST' }), 401, 'unauthorized');
    expectProblem(await fetchText(`${keyed.base}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${sha(KEY)}` } }), 401, 'unauthorized');
    const ok = await fetchText(`${keyed.base}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ status: 'reloaded', model: { name: 'sentiment', version: '1.0.0' } });
    expectNoLeak(ok.headers, ok.body);
    // Without keys, nothing tells an operator from anyone else: every form of the request is refused.
    for (const headers of [{}, { authorization: `Bearer ${KEY}` }, { authorization: 'Bearer anything' }, { 'x-forwarded-for': '127.0.0.1' }] as Record<string, string>[]) {
      const r = await fetchText(`${open.base}/admin/reload`, { method: 'POST', headers });
      expectProblem(r, 403, 'forbidden');
    }
  });
});

describe('key comparison', () => {
  it('hashes every presented key with sha256 and compares 32-byte digests with crypto.timingSafeEqual, against every configured hash', () => {
    const hashes = parseKeyHashes({ API_KEY_SHA256: [sha('first'), sha(KEY), sha('third')].join(',') });
    for (const presented of ['', 'x', KEY.slice(0, -1), KEY, `${KEY}x`, sha(KEY), 'k'.repeat(10_000), 'é😀\u0000']) {
      cryptoCalls.createHash.length = 0;
      cryptoCalls.timingSafeEqual.length = 0;
      const index = keyIndex(presented, hashes);
      expect(index).toBe(presented === KEY ? 1 : -1);
      // One hash of the presented key, whatever its length…
      expect(cryptoCalls.createHash).toEqual(['sha256']);
      // …then one constant-time comparison per configured hash, all of equal, fixed length
      // (no early exit on a match, no comparison of the raw key).
      expect(cryptoCalls.timingSafeEqual).toEqual([
        [32, 32],
        [32, 32],
        [32, 32],
      ]);
    }
  });

  it('refuses wrong keys of any length with 401 (comparing digests, never unequal-length buffers that would throw)', async () => {
    for (const key of ['a', KEY.slice(0, 10), 'b'.repeat(64), 'c'.repeat(512)]) expectProblem(await fetchText(`${keyed.base}/v1/models`, { headers: { authorization: `Bearer ${key}` } }), 401, 'unauthorized');
  });
});

describe('header injection and request smuggling (raw sockets)', () => {
  // Every smuggled request asks for /openapi.json: the metrics show whether it ever ran.
  const HIDDEN = 'GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  const PREDICT = 'POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';

  it.each([
    ['a bare CR in a header value hiding a request', `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\r${HIDDEN}`],
    ['a bare LF in a header value hiding a request', `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\n${HIDDEN}`],
    ['a bare LF ending the header block', `GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n${HIDDEN}`],
    ['a NUL in a header value', `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\0b\r\n\r\n${HIDDEN}`],
    ['a space before the colon', `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note : a\r\n\r\n${HIDDEN}`],
    ['obs-fold (a continuation line)', `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\r\n b\r\n\r\n${HIDDEN}`],
    ['obs-fold on Transfer-Encoding', `${PREDICT}Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n${HIDDEN}`],
    ['Content-Length and Transfer-Encoding (CL.TE)', `${PREDICT}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${HIDDEN}`],
    ['Transfer-Encoding and Content-Length (TE.CL)', `${PREDICT}Transfer-Encoding: chunked\r\nContent-Length: 60\r\n\r\n0\r\n\r\n${HIDDEN}`],
    ['two Content-Lengths that differ', `${PREDICT}Content-Length: 11\r\nContent-Length: 48\r\n\r\n{"text":"a"}${HIDDEN}`],
    ['two equal Content-Lengths', `${PREDICT}Content-Length: 12\r\nContent-Length: 12\r\n\r\n{"text":"a"}${HIDDEN}`],
    ['a Content-Length list', `${PREDICT}Content-Length: 12, 12\r\n\r\n{"text":"a"}${HIDDEN}`],
    ['a signed Content-Length', `${PREDICT}Content-Length: +12\r\n\r\n{"text":"a"}${HIDDEN}`],
    ['a Transfer-Encoding that does not end in chunked', `${PREDICT}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${HIDDEN}`],
    ['an unknown Transfer-Encoding', `${PREDICT}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${HIDDEN}`],
    ['two Transfer-Encodings', `${PREDICT}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n${HIDDEN}`],
    ['a chunk size that is not hex', `${PREDICT}Transfer-Encoding: chunked\r\n\r\nzz\r\n{"text":"a"}\r\n0\r\n\r\n${HIDDEN}`],
    ['a negative chunk size', `${PREDICT}Transfer-Encoding: chunked\r\n\r\n-c\r\n{"text":"a"}\r\n0\r\n\r\n${HIDDEN}`],
    ['a chunk extension with a bare LF', `${PREDICT}Transfer-Encoding: chunked\r\n\r\nc;x=\n\r\n{"text":"a"}\r\n0\r\n\r\n${HIDDEN}`],
  ])('%s → 400, the connection closes and the hidden request never runs', async (_name, attack) => {
    const before = await handled(open.metrics, '/openapi.json');
    const r = await raw(open.port, attack);
    expect(r.closed).toBe(true);
    expect(r.responses.length).toBeGreaterThanOrEqual(1);
    // The last answer on the connection is the parser's refusal; nothing answered the hidden request.
    const last = r.responses[r.responses.length - 1] as RawResponse;
    expectProblem(last, 400, 'malformed-request');
    for (const answer of r.responses) {
      expect(answer.body).not.toContain('"openapi"');
      expectNoLeak(answer.headers, answer.body);
    }
    expect(await handled(open.metrics, '/openapi.json')).toBe(before);
  });

  it('(control) a pipelined second request is executed: the counter would see a smuggled one', async () => {
    const before = await handled(open.metrics, '/openapi.json');
    const r = await raw(open.port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(r.responses.map((x) => x.status)).toEqual([200, 200]);
    expect(await handled(open.metrics, '/openapi.json')).toBe(before + 1);
  });

  it('a client-chosen request id is kept only when it is a plain token', async () => {
    const r = only(await raw(open.port, req('GET /healthz', ['X-Request-Id: <script>alert(1)</script>'])));
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('path traversal on the Swagger UI static files', () => {
  const packageJson = readFileSync(join(REPO_ROOT, 'package.json'), 'utf8');

  it('serves the UI files themselves (control)', async () => {
    const css = only(await raw(open.port, req('GET /docs/static/swagger-ui.css')));
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it.each([
    '/docs/static/../../../../package.json',
    '/docs/static/../../../../../../../../etc/passwd',
    '/docs/static/..%2f..%2f..%2f..%2fpackage.json',
    '/docs/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
    '/docs/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json',
    '/docs/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
    '/docs/static/.%2e/.%2e/.%2e/.%2e/package.json',
    '/docs/static/%252e%252e/%252e%252e/%252e%252e/%252e%252e/package.json',
    '/docs/static/%252e%252e%252f%252e%252e%252fpackage.json',
    '/docs/static/..\\..\\..\\..\\package.json',
    '/docs/static/..%5c..%5c..%5c..%5cpackage.json',
    '/docs/static/..%255c..%255cpackage.json',
    '/docs/static/....//....//....//....//package.json',
    '/docs/static/./../../../../package.json',
    '/docs/static//etc/passwd',
    '/docs/static/%2fetc%2fpasswd',
    '/docs/static/index.html%00.png',
    '/docs/static/%00',
    '/docs/static/../../../../package.json%00.css',
    '/docs/static/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
    '/docs/static/%e0%80%ae%e0%80%ae/package.json',
    '/docs/static/swagger-ui.css/../../../../../package.json',
    '/docs/..%2f..%2fpackage.json',
    '/docs/static/../../../../tsconfig.json',
    '/docs/static/../index.js',
    '/docs/static/package.json',
    `/docs/static/${'a'.repeat(5000)}`,
  ])('%s → 404/400 with the documented body, never a file outside the UI folder', async (path) => {
    const r = only(await raw(open.port, req(`GET ${path}`)));
    expect([400, 404]).toContain(r.status);
    expectProblem(r, r.status, r.status === 404 ? 'not-found' : 'malformed-url');
    expect(r.body).not.toContain('root:x:0:0');
    expect(r.body).not.toContain('"dependencies"');
    expect(r.body).not.toContain(packageJson.slice(0, 40));
    expect(r.body).not.toMatch(/compilerOptions|require\(|module\.exports|fastify-plugin/);
  });
});

describe('slow clients (HEADERS_TIMEOUT_MS=300, REQUEST_TIMEOUT_MS=500)', () => {
  const cutOff = (r: RawResult): void => {
    // "Closed by the server well before the client gave up", not a timing measurement.
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(5000);
    expectProblem(only(r), 408, 'request-timeout');
  };

  it('passes the timeouts to Node, and validates them', () => {
    expect({ headers: slow.app.server.headersTimeout, request: slow.app.server.requestTimeout, keepAlive: slow.app.server.keepAliveTimeout }).toEqual({ headers: 300, request: 500, keepAlive: 500 });
    expect(loadConfig({})).toMatchObject({ headersTimeoutMs: 10000, requestTimeoutMs: 30000, keepAliveTimeoutMs: 72000 });
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '2000', REQUEST_TIMEOUT_MS: '1000' })).toThrow(/HEADERS_TIMEOUT_MS=2000: must not exceed REQUEST_TIMEOUT_MS \(1000\)/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' })).toThrow(/REQUEST_TIMEOUT_MS="0": must be an integer from 100 to 3600000/);
  });

  it('cuts off connections that send nothing, dribble headers, stall a body or dribble it, while serving everyone else', async () => {
    const headerLines = Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: ${i}\r\n`);
    const attacks = Promise.all([
      raw(slow.port, []),
      raw(slow.port, ['GET /healthz HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', ...headerLines], { gapMs: 100 }),
      raw(slow.port, `${'POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n'}{"text":"stal`),
      raw(slow.port, ['POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n', ...'{"text":"dribble dribble dribble"}'.split('')], { gapMs: 100 }),
      raw(slow.port, ['POST /v2/models/sentiment/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', '5\r\n{"inp\r\n'], { gapMs: 100 }),
      // A crowd of idle sockets.
      ...Array.from({ length: 20 }, () => raw(slow.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')),
    ]);
    // Meanwhile the service answers others, a prediction included (it waits 700 ms in the
    // micro-batcher, beyond the request timeout: only receiving a request is bounded).
    const [health, predict] = await Promise.all([
      fetchText(`${slow.base}/healthz`),
      fetchText(`${slow.base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"good movie"}' }),
    ]);
    expect(health.status).toBe(200);
    expect(predict.status).toBe(200);
    expect(JSON.parse(predict.body)).toMatchObject({ label: expect.stringMatching(/^(negative|positive)$/) });
    for (const r of await attacks) cutOff(r);
    expect((await fetchText(`${slow.base}/readyz`)).status).toBe(200);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const r = await raw(slow.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(5000);
    expect(only(r).status).toBe(200);
  });

  it('npm start reads the timeouts from the environment (the built server process)', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/service/server.js')], {
      cwd: REPO_ROOT,
      env: { ...process.env, MODEL_DIR: goodArtifact, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', INFERENCE_THREADS: '0', HEADERS_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '400' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false))) {
        if (Date.now() > deadline) throw new Error(`server did not become ready:\n${logs}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const [idle, stalled] = await Promise.all([raw(port, []), raw(port, 'POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{')]);
      cutOff(idle);
      cutOff(stalled);
      const ok = await fetchText(`http://127.0.0.1:${port}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"good"}' });
      expect(ok.status).toBe(200);
      expectNoLeak(ok.headers, ok.body);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(logs).not.toContain('unhandled error');
  });
});

describe('hostile bodies (the fuzz test covers the space; one documented answer each)', () => {
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) => raw(open.port, req(`POST ${path}`, [...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`], body));

  it('over BODY_LIMIT_BYTES: 413, announced or chunked', async () => {
    const big = JSON.stringify({ text: 'a'.repeat(5000) });
    expectProblem(only(await post('/v1/predict', big)), 413, 'body-too-large');
    const chunked = await raw(open.port, req('POST /v1/predict', ['Content-Type: application/json', 'Transfer-Encoding: chunked'], `${(big.length).toString(16)}\r\n${big}\r\n0\r\n\r\n`));
    expectProblem(only(chunked), 413, 'body-too-large');
  });

  it('deeply nested JSON: 422 when it parses, 400 when it does not, 413 beyond the limit', async () => {
    const nested = (depth: number): string => `{"text":${'['.repeat(depth)}"a"${']'.repeat(depth)}}`;
    expectProblem(only(await post('/v1/predict', nested(1500))), 422, 'invalid-request');
    expectProblem(only(await post('/v1/predict', '['.repeat(4000))), 400, 'malformed-json');
    expectProblem(only(await post('/v1/predict', nested(50_000))), 413, 'body-too-large');
  });

  it('invalid UTF-8: 400 malformed-json (v1) and {"error"} (v2), never scored as U+FFFD', async () => {
    const bad = (bytes: number[]): Buffer => Buffer.concat([Buffer.from('{"text":"good '), Buffer.from(bytes), Buffer.from(' movie"}')]);
    for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80]]) {
      expectProblem(only(await post('/v1/predict', bad(bytes))), 400, 'malformed-json');
      const v2 = Buffer.concat([Buffer.from('{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["'), Buffer.from(bytes), Buffer.from('"]}]}')]);
      const answer = only(await post('/v2/models/sentiment/infer', v2));
      expect(answer.status).toBe(400);
      expect(Object.keys(JSON.parse(answer.body) as object)).toEqual(['error']);
      expectNoLeak(answer.headers, answer.body);
    }
    // (control) Valid multi-byte UTF-8, split across chunks mid-character, is scored.
    const body = Buffer.from('{"text":"très bon 中文 😀"}');
    const r = await raw(open.port, [req('POST /v1/predict', ['Content-Type: application/json', `Content-Length: ${body.length}`]), body.subarray(0, 12), body.subarray(12, 22), body.subarray(22)], { gapMs: 20 });
    expect(only(r).status).toBe(200);
  });
});

describe('information leakage', () => {
  it('a model that fails to load (admin reload of a broken artifact): 409 without a stack or a server path, and the old model keeps serving', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const broken = mkdtempSync(join(tmpdir(), 'not-an-artifact-'));
    writeFileSync(join(broken, 'metadata.json'), '{"name": "sentiment", "version": "9.9.9"');
    const tampered = await saveArtifact(artifactFixture('2.0.0'));
    writeFileSync(join(tampered, TOKENIZER_FILE), `${readFileSync(join(tampered, TOKENIZER_FILE), 'utf8')} `);
    try {
      for (const dir of [broken, tampered, join(tmpdir(), 'does-not-exist-hardening')]) {
        repoint(modelLink, dir);
        const r = await fetchText(`${keyed.base}/admin/reload`, { method: 'POST', headers: auth });
        const doc = expectProblem(r, 409, 'artifact-refused');
        expect(String(doc.detail)).not.toContain(dir);
        // The artifact's error code is public (it names the problem, not the file system); no exception text.
        expect(r.body).not.toMatch(/Error:|ENOENT|\n\s+at /);
      }
    } finally {
      repoint(modelLink, goodArtifact);
    }
    const still = await fetchText(`${keyed.base}/v1/models`, { headers: auth });
    expect(JSON.parse(still.body)).toMatchObject({ models: [{ version: '1.0.0' }] });
  });

  it('an unknown route does not reflect its path as HTML (reflected XSS)', async () => {
    for (const path of ['/<script>alert(1)</script>', '/"><img%20src=x%20onerror=alert(1)>', '/v2/<script>alert(1)</script>', '/docs/<script>alert(1)</script>', '/%3Cscript%3Ealert(1)%3C/script%3E']) {
      const r = only(await raw(open.port, req(`GET ${path}`, ['Accept: text/html'])));
      expect(r.status).toBe(404);
      expect(r.headers['content-type']).toMatch(/^application\/(problem\+)?json/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
      // JSON, not markup: the body is a JSON document, and its first character is "{".
      expect(r.body.startsWith('{')).toBe(true);
      expect(() => JSON.parse(r.body) as unknown).not.toThrow();
      expectNoLeak(r.headers, r.body);
    }
    // With keys configured the answer is a 401, JSON all the same.
    const r = only(await raw(keyed.port, req('GET /<script>alert(1)</script>', ['Accept: text/html'])));
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('no answer names the server software or its versions', async () => {
    for (const path of ['/healthz', '/readyz', '/v2', '/nope', '/openapi.json']) {
      const r = await fetchText(`${open.base}${path}`);
      expectNoLeak(r.headers, path === '/openapi.json' ? '' : r.body);
    }
  });
});
