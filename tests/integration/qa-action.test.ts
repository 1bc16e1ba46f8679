import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '../../actions/shared/src/github.js';
import { runOrchestrator } from '../../actions/shared/src/orchestrator.js';
import { saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';

/**
 * The qa action's bundle as a runner runs it, against a GitHub stand-in: it starts the
 * compiled service (dist/service/server.js, built by `npm test`'s pretest as the
 * workflow's build step does) on a small artifact, runs the contract and a short load
 * test on loopback, and reports the check run. Nothing is trained.
 */
const HEAD = 'e'.repeat(40);
const PR = 9;
const prEvent = webhookExample('pull_request', 'opened');
const payload = (body: string | null): Record<string, unknown> => ({
  ...prEvent,
  pull_request: { ...(prEvent.pull_request as object), number: PR, body, head: { ...(prEvent.pull_request as { head: object }).head, sha: HEAD } },
  repository: { ...(prEvent.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } },
});
// Short levels: the point here is the wiring, not the numbers.
const quick = { connections: '1,4', 'duration-seconds': '1' };

let artifactDir: string;
beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, 'dist/service/server.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  await initBackend('wasm');
  artifactDir = await saveArtifact(artifactFixture('0.3.0'));
});

describe('qa action (bundled entry, the real service on loopback, GitHub stand-in)', () => {
  let gh: GitHubStandIn;
  let api: string;
  beforeEach(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
  });
  afterEach(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });
  const checklist = (): string => (gh.comments.get(PR) ?? []).find((c) => c.body.includes('gitops-ml:checklist'))?.body ?? '';
  const summaryOf = (i: number): string => gh.checkOutputs.get(gh.checkRuns[i]?.id as number)?.summary ?? '';

  it('passes the PR model on the contract and the load test, with the budget the orchestrator wrote in the PR body', async () => {
    // The PR body as the orchestrator writes it from the issue form's answer (latency budget 250 ms).
    gh.refs.set('main', '1'.repeat(40));
    const baseSpec = JSON.parse(readFileSync(join(REPO_ROOT, 'model/specs/sentiment.json'), 'utf8')) as Record<string, unknown>;
    const request = { slug: 'reviews', goal: 'Route angry reviews to support.', dataset: { kind: 'registry' as const, ref: 'sst2' }, targetAccuracy: 0.8, latencyBudgetMs: 250, architecture: 'cnn' as const };
    const opened = await runOrchestrator(createClient('ghs_test', api), { owner: 'acme', repo: 'models' }, 3, request, baseSpec);
    const body = gh.pullBodies.get(opened.pullNumber) ?? '';
    expect(body).toContain('250 ms');

    const r = await runAction('qa', { api, eventName: 'pull_request', payload: payload(body), inputs: { 'artifact-dir': artifactDir, ...quick } });
    expect([r.code, r.code === 0 ? '' : r.log]).toEqual([0, '']);
    expect(r.outputs.pass).toBe('true');
    expect(Number(r.outputs['p95-ms'])).toBeGreaterThan(0);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: 'gitops-ml/qa', head_sha: HEAD, status: 'completed', conclusion: 'success' })]);
    const summary = summaryOf(0);
    expect(summary).toContain('Model `sentiment` 0.3.0 behind the real service (`dist/service/server.js`');
    expect(summary).toContain(`within the latency budget: **250 ms** (the model request, in the body of PR #${PR})`);
    expect(summary).toMatch(/#### API contract: (\d+) of \1 pass/);
    for (const row of [
      '| ✅ pass | operations | readiness names the PR\'s model | `GET /readyz` |',
      '| ✅ pass | v1 | a batch agrees with the single answer | `POST /v1/predict` |',
      '| ✅ pass | v1 | empty text | `POST /v1/predict` | 422 invalid-request | 422 |',
      '| ✅ pass | v1 | invalid JSON | `POST /v1/predict` | 400 malformed-json | 400 |',
      '| ✅ pass | v1 | body over 1048576 bytes | `POST /v1/predict` | 413 body-too-large | 413 |',
      '| ✅ pass | v2 | infer agrees with v1 | `POST /v2/models/sentiment/infer` |',
      '| ✅ pass | v2 | unknown model | `POST /v2/models/sentiment-nonexistent/infer` | 404 {"error"} | 404 |',
      '| ✅ pass | operations | Prometheus metrics count the traffic | `GET /metrics` |',
      '| ✅ pass | operations | graceful shutdown | `SIGTERM` | in-flight requests finish, exit 0 | exited 0 |',
    ]) expect(summary).toContain(row);
    expect(summary).toMatch(/\| 1 \| 1\.\d \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0 \| 0 \| 0 \|/);
    expect(summary).toMatch(/\| 4 \| 1\.\d \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0 \| 0 \| 0 \|/);
    expect(r.summary).toMatch(/<h3>QA: \d+ API checks pass; p95 [\d.]+ ms ≤ 250 ms at 1 connection<\/h3>/);
    expect(checklist()).toContain('- [x] QA <!-- task:qa -->');
    expect(checklist()).toContain('- [x] API <!-- task:api -->');
  });

  it('fails when the budget is impossibly low, with the reason in the summary and the checklist', async () => {
    const r = await runAction('qa', { api, eventName: 'pull_request', payload: payload('Latency budget from the request: 100 ms p95.'), inputs: { 'artifact-dir': artifactDir, 'latency-budget-ms': '0.001', ...quick } });
    expect(r.code).toBe(1);
    expect(r.outputs.pass).toBe('false');
    expect(gh.checkRuns[0]).toMatchObject({ name: 'gitops-ml/qa', conclusion: 'failure' });
    const summary = summaryOf(0);
    expect(summary).toContain('**Result: fail.**');
    expect(summary).toMatch(/- Latency over budget: p95 at 1 connection is [\d.]+ ms, over the budget of 0\.001 ms \(the latency-budget-ms input\)\./);
    // Only the budget failed: the contract and the load levels are clean.
    expect(summary).not.toContain('❌');
    expect(checklist()).toMatch(/- \[ \] ❌ QA <!-- task:qa --> — p95 [\d.]+ ms over the 0\.001 ms budget/);
    expect(checklist()).toMatch(/- \[ \] ❌ API <!-- task:api -->/);
  });

  it('without a built service, a budget, an artifact or valid inputs it fails and says why, never a pass', async () => {
    gh.pulls.set(PR, { number: PR, head: { sha: HEAD, ref: 'model/reviews' }, base: { ref: 'main' }, state: 'open', title: 'Model: reviews' });
    const r = await runAction('qa', { api, eventName: 'workflow_dispatch', payload: { inputs: { 'pull-number': String(PR) } }, inputs: { 'artifact-dir': artifactDir, 'service-entry': 'dist/service/not-built.js', 'pull-number': String(PR), 'head-sha': HEAD, ...quick } });
    expect(r.code).toBe(1);
    expect(gh.checkRuns[0]).toMatchObject({ name: 'gitops-ml/qa', conclusion: 'failure' });
    const summary = summaryOf(0);
    expect(summary).toContain('The service could not be tested: dist/service/not-built.js does not exist: build the service first (npm run build)');
    expect(summary).toContain(`No latency budget: the latency-budget-ms input is empty and the body of PR #${PR} has no "Latency budget from the request" line.`);
    // No artifact at all (training failed): a failed check with the reason, not a missing one.
    const none = await runAction('qa', { api, eventName: 'pull_request', payload: payload('Latency budget from the request: 100 ms p95.'), inputs: { 'artifact-dir': '', ...quick } });
    expect(none.code).toBe(1);
    expect(gh.checkRuns[1]).toMatchObject({ name: 'gitops-ml/qa', conclusion: 'failure' });
    expect(summaryOf(1)).toContain('The artifact could not be read: no artifact directory: the train job wrote none (its log says why)');
    // A wrong input fails the check with the reason before anything starts.
    const wrong = await runAction('qa', { api, eventName: 'pull_request', payload: payload(null), inputs: { 'artifact-dir': artifactDir, connections: 'many' } });
    expect(wrong.code).toBe(1);
    expect(gh.checkRuns[2]).toMatchObject({ name: 'gitops-ml/qa', conclusion: 'failure' });
    expect(summaryOf(2)).toBe('connections: "many" must be a comma-separated list of integers from 1 to 1024');
  });
});
