import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { buildApp } from '../../service/app.js';
import { ServiceMetrics } from '../../service/metrics.js';
import { currentTag } from '../../actions/shared/src/deploy.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { runAction } from '../helpers/run-action.js';
import { testConfig } from '../helpers/service-config.js';
import { webhookExample } from '../helpers/webhooks.js';

/**
 * The devops role's deploy and rollback through its bundled action, against the GitHub
 * stand-in (deployments, statuses, the bump commit on the GitOps branch `deploy`, created
 * from a protected main when missing) and, for the smoke test, a real service on loopback
 * (or a broken one that answers 503).
 */
const OVERLAY = 'deploy/k8s/overlays/staging/kustomization.yaml';
const dispatch = { ...webhookExample('workflow_dispatch'), repository: { name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };

describe('devops action: deploy and rollback', () => {
  let gh: GitHubStandIn;
  let api: string;
  let app: FastifyInstance;
  let live: string;
  let broken: Server;
  let brokenUrl: string;
  let cfgDir: string;
  let overlay0: string;

  beforeAll(async () => {
    await initBackend('wasm');
    const model = await loadArtifact(await saveArtifact(artifactFixture()));
    app = buildApp(testConfig({}), { model }, new ServiceMetrics({ collectProcess: false }));
    live = await app.listen({ port: 0, host: '127.0.0.1' });
    broken = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"status":"not ready"}');
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    brokenUrl = `http://127.0.0.1:${(broken.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await new Promise((r) => broken.close(r));
  });

  beforeEach(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
    // The committed staging overlay, as the repository ships it, deploying 1.0.0.
    overlay0 = `# staging overlay\nresources:\n  - ../../base\nimages:\n  - name: gitops-ml\n    newName: ghcr.io/acme/models\n    newTag: reviews-1.0.0\n`;
    gh.files.set(`main:${OVERLAY}`, { content: overlay0, sha: 'f'.repeat(40) });
    // main, as the template's setup protects it: the bot cannot push there.
    gh.protectedBranches.set('main', ['gitops-ml/sign-off']);
    for (const v of ['1.0.0', '1.1.0']) gh.releases.push({ id: gh.id(), tag_name: `reviews-v${v}`, target_commitish: v === '1.0.0' ? 'a'.repeat(40) : 'b'.repeat(40), name: null, body: null });
    cfgDir = mkdtempSync(join(tmpdir(), 'deploy-cfg-'));
    mkdirSync(join(cfgDir, '.github'));
    copyFileSync(join(REPO_ROOT, '.github/gitops-ml.schema.json'), join(cfgDir, '.github/gitops-ml.schema.json'));
  });
  afterEach(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });

  const config = (url?: string): string => {
    const file = join(cfgDir, '.github/gitops-ml.yml');
    writeFileSync(file, stringify({ version: 1, roles: { ceo: ['octocat'] }, required_checks: [], registry: { image: 'ghcr.io/acme/models' }, environments: { staging: { github_environment: 'staging', ...(url ? { url } : {}) } } }));
    return file;
  };
  const run = (inputs: Record<string, string>) => runAction('devops', { api, eventName: 'workflow_dispatch', payload: dispatch, inputs: { mode: 'deploy', environment: 'staging', model: 'reviews', 'smoke-attempts': '2', 'smoke-interval-seconds': '0', ...inputs } });
  const overlayNow = (branch = 'deploy'): string => gh.files.get(`${branch}:${OVERLAY}`)?.content ?? '';
  const createdRefs = (): unknown[] => gh.requests.filter((q) => q.operationId === 'git/create-ref').map((q) => q.body);

  it('deploys: the GitOps branch is created from main, the bump committed there (main untouched), a deployment with in_progress then success, smoke test against the live service', async () => {
    const r = await run({ version: '1.1.0', ref: 'b'.repeat(40), config: config(live) });
    expect([r.code, r.outputs.state, r.outputs.tag]).toEqual([0, 'success', 'reviews-1.1.0']);
    expect(createdRefs()).toEqual([{ ref: 'refs/heads/deploy', sha: '1'.repeat(40) }]);
    expect(currentTag(overlayNow())).toBe('reviews-1.1.0');
    expect(overlayNow()).toContain('# staging overlay');
    expect(overlayNow('main')).toBe(overlay0);
    expect(gh.commits.map((c) => [c.branch, c.message])).toEqual([['deploy', 'deploy(staging): reviews 1.1.0 [skip ci]']]);
    expect(gh.deployments).toHaveLength(1);
    expect(gh.deployments[0]).toMatchObject({ ref: 'b'.repeat(40), environment: 'staging', payload: { model: 'reviews', version: '1.1.0', image: 'ghcr.io/acme/models:reviews-1.1.0' } });
    expect(gh.deployments[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(gh.deployments[0]?.statuses[1]?.description).toMatch(/reviews-1\.1\.0 is live: ready, and POST \/v1\/predict answered "(positive|negative)"/);
    expect(gh.deployments[0]?.statuses[1]?.environment_url).toBe(live);
    expect(r.summary).toContain('overlay on branch deploy');

    // The next deploy finds the branch and commits on top of the previous bump.
    gh.releases.push({ id: gh.id(), tag_name: 'reviews-v1.2.0', target_commitish: 'c'.repeat(40), name: null, body: null });
    const next = await run({ version: '1.2.0', ref: 'c'.repeat(40), config: config(live) });
    expect([next.code, currentTag(overlayNow())]).toEqual([0, 'reviews-1.2.0']);
    expect(createdRefs()).toHaveLength(1);
    expect(gh.commits.map((c) => c.branch)).toEqual(['deploy', 'deploy']);
  });

  it('gitops-branch names another branch; committing to the protected main is refused, said so, and the deployment marked failed', async () => {
    const other = await run({ version: '1.1.0', ref: 'b'.repeat(40), config: config(), 'gitops-branch': 'gitops/clusters' });
    expect([other.code, currentTag(overlayNow('gitops/clusters'))]).toEqual([0, 'reviews-1.1.0']);
    const onMain = await run({ version: '1.1.0', ref: 'b'.repeat(40), config: config(), 'gitops-branch': 'main' });
    expect(onMain.code).toBe(1);
    expect(onMain.log).toContain('cannot commit the overlay bump to main: Could not update file: Required status check "gitops-ml/sign-off" is expected.');
    expect(onMain.log).toContain('use the GitOps branch, gitops-branch: deploy');
    expect(gh.deployments[1]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(overlayNow('main')).toBe(overlay0);
    const bad = await run({ version: '1.1.0', config: config(), 'gitops-branch': '../main' });
    expect(bad.log).toContain('gitops-branch must be a branch name (got "../main")');
  });

  it('a failed smoke test rolls back: the overlay is restored exactly and the deployment is marked failed', async () => {
    const r = await run({ version: '1.1.0', ref: 'b'.repeat(40), config: config(brokenUrl) });
    expect([r.code, r.outputs.state]).toEqual([1, 'failure']);
    expect(overlayNow()).toBe(overlay0);
    expect(gh.commits.map((c) => [c.branch, c.message])).toEqual([
      ['deploy', 'deploy(staging): reviews 1.1.0 [skip ci]'],
      ['deploy', 'rollback(staging): reviews 1.1.0 failed its smoke test, back to reviews-1.0.0 [skip ci]'],
    ]);
    expect(gh.deployments[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(gh.deployments[0]?.statuses[1]?.description).toMatch(/^smoke test failed \(GET \/readyz answered 503 \(after 2 attempts\)\); rolled back to reviews-1\.0\.0/);
    expect(r.log).toContain('::error::deploy failed: GET /readyz answered 503');
  });

  it('without an environment URL: deployed, smoke test skipped (said so)', async () => {
    const r = await run({ version: '1.1.0', ref: 'b'.repeat(40), config: config() });
    expect(r.outputs.state).toBe('success');
    expect(gh.deployments[0]?.statuses[1]?.description).toMatch(/no environment URL configured, smoke test skipped/);
  });

  it('manual rollback to a released version (on the GitOps branch), and a clear refusal for one never released', async () => {
    gh.refs.set('deploy', 'd'.repeat(40));
    gh.files.set(`deploy:${OVERLAY}`, { content: overlay0.replace('reviews-1.0.0', 'reviews-1.1.0'), sha: 'e'.repeat(40) });
    const r = await run({ mode: 'rollback', version: '1.0.0', config: config(live) });
    expect([r.code, r.outputs.state]).toEqual([0, 'success']);
    expect(currentTag(overlayNow())).toBe('reviews-1.0.0');
    expect(createdRefs()).toEqual([]);
    expect(gh.commits.map((c) => [c.branch, c.message])).toEqual([['deploy', 'deploy(staging): reviews 1.0.0 [skip ci]']]);
    expect(gh.deployments[0]).toMatchObject({ ref: 'a'.repeat(40), payload: { version: '1.0.0' } });
    const bad = await run({ mode: 'rollback', version: '0.9.0', config: config(live) });
    expect(bad.code).toBe(1);
    expect(bad.log).toContain('rollback: reviews 0.9.0 was never released (no tag reviews-v0.9.0)');
    expect(gh.deployments).toHaveLength(1);
  });

  it('bad inputs are named', async () => {
    const r = await run({ version: 'v2', config: config(live) });
    expect(r.log).toContain('version must be X.Y.Z (got "v2")');
    const e = await run({ version: '1.1.0', environment: 'qa', config: config(live) });
    expect(e.log).toContain('environment must be "staging" or "production" (got "qa")');
    expect(gh.requests).toEqual([]);
  });
});
