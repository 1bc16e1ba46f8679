import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { buildApp } from '../../service/app.js';
import { ServiceMetrics } from '../../service/metrics.js';
import { testConfig } from '../helpers/service-config.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { freePort } from '../helpers/net.js';

const PROMETHEUS = '/usr/bin/prometheus';

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // Prometheus not listening yet: keep polling until the deadline.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let app: FastifyInstance;
let prom: ChildProcess | undefined;
let promUrl: string;

beforeAll(async () => {
  if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} not found: run .ci/install-system-deps.sh (Debian package prometheus)`);
  await initBackend('wasm');
  const holder = { model: await loadArtifact(await saveArtifact(artifactFixture())) };
  const metrics = new ServiceMetrics();
  metrics.setModel(holder.model.name, holder.model.version, 0.05);
  app = buildApp(testConfig(), holder, metrics);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  for (const text of ['good', 'bad', 'fine']) await fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  await fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: ['a', 'b'] }) });
  await fetch(`${base}/nope`);

  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const target = new URL(base).host;
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: gitops-ml\n    static_configs:\n      - targets: ['${target}']\n`);
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prom = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  // The first scrape lands seconds after start: wait for the target to be up, not a fixed sleep.
  await poll('the scrape target to be up', async () => {
    const t = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string }[] } };
    return t.data.activeTargets[0]?.health === 'up' ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  prom?.kill('SIGTERM');
  await app?.close();
});

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return res.data.result;
}

describe('metrics scraped by a real Prometheus', () => {
  it('counts requests by route template and status, and texts by batch', async () => {
    const ok = await query('gitops_ml_http_requests_total{route="/v1/predict",status="200"}');
    expect(Number(ok[0]?.value[1])).toBe(4);
    const missing = await query('gitops_ml_http_requests_total{status="404"}');
    expect(missing[0]?.metric.route).toBe('unmatched');
    expect(Number((await query('gitops_ml_predictions_total'))[0]?.value[1])).toBe(5);
    expect(Number((await query('gitops_ml_batch_size_count'))[0]?.value[1])).toBe(4);
    expect((await query('gitops_ml_http_request_duration_seconds_bucket{route="/v1/predict"}')).length).toBeGreaterThan(5);
    // Five distinct texts: all misses, no hits yet.
    expect(Number((await query('gitops_ml_cache_misses_total'))[0]?.value[1])).toBe(5);
    expect(Number((await query('gitops_ml_cache_hits_total'))[0]?.value[1])).toBe(0);
  });

  it('exposes the model version, load time, event-loop lag and process metrics', async () => {
    const info = await query('gitops_ml_model_info');
    expect(info[0]?.metric).toMatchObject({ name: 'sentiment', version: '0.1.0' });
    expect(Number((await query('gitops_ml_model_load_seconds'))[0]?.value[1])).toBeCloseTo(0.05, 6);
    expect((await query('nodejs_eventloop_lag_p99_seconds')).length).toBe(1);
    expect(Number((await query('process_resident_memory_bytes'))[0]?.value[1])).toBeGreaterThan(0);
  });
});
