import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { buildApp } from '../../service/app.js';
import { keyMatches, parseKeyHashes } from '../../service/auth.js';
import { PROBLEM_BASE } from '../../service/problems.js';
import { testConfig } from '../helpers/service-config.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  await initBackend('wasm');
  const model = await loadArtifact(await saveArtifact(artifactFixture()));
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  writeFileSync(join(dir, 'keys'), `# team keys\n${sha('file-key')}\n`);
  app = buildApp(testConfig({ API_KEY_SHA256: sha('s3cret-key'), API_KEYS_FILE: join(dir, 'keys') }), { model });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
});

const predict = (auth?: string): Promise<Response> =>
  fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: '{"text":"fine"}' });

describe('API-key auth', () => {
  it('accepts a configured key from the variable or the file', async () => {
    expect((await predict('Bearer s3cret-key')).status).toBe(200);
    expect((await predict('Bearer file-key')).status).toBe(200);
  });

  it('refuses a missing, wrong or malformed key with 401 and WWW-Authenticate', async () => {
    for (const auth of [undefined, 'Bearer wrong', 'Bearer s3cret-keyX', 'Basic czNjcmV0LWtleQ==', 'Bearer ', `Bearer ${sha('s3cret-key')}`]) {
      const res = await predict(auth);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gitops-ml"');
      expect(((await res.json()) as { type: string }).type).toBe(`${PROBLEM_BASE}unauthorized`);
    }
  });

  it('keeps probes and metrics open, and protects the v2 inference routes', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/v2/models/sentiment`)).status).toBe(401);
  });

  it('compares hashes, so the hash itself is not a key, and rejects malformed hash config', () => {
    const hashes = parseKeyHashes({ API_KEY_SHA256: `${sha('a')},${sha('b')}` });
    expect(keyMatches('a', hashes)).toBe(true);
    expect(keyMatches('b', hashes)).toBe(true);
    expect(keyMatches(sha('a'), hashes)).toBe(false);
    expect(() => parseKeyHashes({ API_KEY_SHA256: 'not-a-hash' })).toThrow(/API key hash #1 must be 64 hex characters/);
    expect(() => parseKeyHashes({ API_KEYS_FILE: '/nonexistent/keys' })).toThrow(/API_KEYS_FILE=\/nonexistent\/keys: cannot read \(ENOENT\)/);
  });
});
