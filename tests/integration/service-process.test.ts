import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { freePort } from '../helpers/net.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const entry = join(REPO_ROOT, 'dist/service/server.js');

beforeAll(async () => {
  if (!existsSync(entry)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  await initBackend('wasm');
});

describe('the npm start process', () => {
  it('serves MODEL_DIR, answers, and exits 0 on SIGTERM', async () => {
    const dir = await saveArtifact(artifactFixture());
    const port = await freePort();
    const child = spawn(process.execPath, [entry], { cwd: REPO_ROOT, env: { ...process.env, MODEL_DIR: dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server did not become ready:\n${logs}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"a private sentence"}' });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs).toContain('"msg":"model loaded"');
    expect(logs).toContain('"signal":"SIGTERM"');
    // Request texts are not logged.
    expect(logs).not.toContain('a private sentence');
  });

  it('refuses to start on a bad variable, naming it', async () => {
    const child = spawn(process.execPath, [entry], { cwd: REPO_ROOT, env: { ...process.env, PORT: 'http' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toMatch(/PORT="http": must be an integer from 0 to 65535/);
  });
});
