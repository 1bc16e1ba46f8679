import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

interface Started {
  child: ChildProcessWithoutNullStreams;
  base: string;
  logs: () => string;
  exited: Promise<number | null>;
}

async function startServer(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], { cwd: REPO_ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env } });
  let logs = '';
  child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, () => `server did not become ready:\n${logs}`);
  return { child, base, logs: () => logs, exited };
}

async function waitFor(ok: () => Promise<boolean>, what: () => string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(what());
    await new Promise((r) => setTimeout(r, 50));
  }
}

const servedVersion = async (base: string): Promise<string | undefined> => ((await (await fetch(`${base}/readyz`)).json()) as { model?: { version: string } }).model?.version;

describe('the npm start process', () => {
  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const dir = await saveArtifact(artifactFixture());
    // Each request waits 400 ms in the micro-batcher: they are certainly in flight at SIGTERM.
    const s = await startServer({ MODEL_DIR: dir, MICROBATCH_MAX_WAIT_MS: '400', MICROBATCH_MAX_TEXTS: '1000', INFERENCE_THREADS: '2' });
    const requests = Array.from({ length: 16 }, (_, i) =>
      fetch(`${s.base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `in flight ${i}` }) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { score?: number } }),
        (err: unknown) => ({ status: 0, body: { error: String(err) } as { score?: number } }),
      ),
    );
    await new Promise((r) => setTimeout(r, 150));
    s.child.kill('SIGTERM');
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status)).toEqual(new Array(16).fill(200));
    expect(answers.every((a) => typeof a.body.score === 'number')).toBe(true);
    expect(await s.exited).toBe(0);
    expect(s.logs()).toContain('"inference_threads":2');
    // Closed for new work.
    await expect(fetch(`${s.base}/healthz`)).rejects.toThrow();
  });

  it('hot-reloads on SIGHUP, and keeps serving when the new artifact is refused', async () => {
    const root = mkdtempSync(join(tmpdir(), 'served-'));
    const link = join(root, 'current');
    const repoint = (to: string): void => {
      symlinkSync(to, `${link}.next`);
      renameSync(`${link}.next`, link);
    };
    symlinkSync(await saveArtifact(artifactFixture('1.0.0')), link);
    const s = await startServer({ MODEL_DIR: link, INFERENCE_THREADS: '1' });
    expect(await servedVersion(s.base)).toBe('1.0.0');
    repoint(await saveArtifact(artifactFixture('1.1.0')));
    s.child.kill('SIGHUP');
    await waitFor(async () => (await servedVersion(s.base)) === '1.1.0', () => `no reload:\n${s.logs()}`);
    // An empty directory is no artifact: refused, the running model stays.
    repoint(mkdtempSync(join(tmpdir(), 'not-an-artifact-')));
    s.child.kill('SIGHUP');
    await waitFor(async () => s.logs().includes('model reload refused'), () => `no refusal logged:\n${s.logs()}`);
    expect(s.logs()).toContain('E_ARTIFACT_NO_MANIFEST');
    expect(await servedVersion(s.base)).toBe('1.1.0');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('serves MODEL_DIR, answers, and exits 0 on SIGTERM', async () => {
    const dir = await saveArtifact(artifactFixture());
    const port = await freePort();
    const child = spawn(process.execPath, [entry], { cwd: REPO_ROOT, env: { ...process.env, MODEL_DIR: dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', INFERENCE_THREADS: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
