import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';

/** trainer and evaluator: the artifact a training step wrote → check runs, checklist, model card comment. */
const prEvent = webhookExample('pull_request', 'synchronize');
const PR = 5;
const HEAD = 'e'.repeat(40);
const payload = { ...prEvent, pull_request: { ...(prEvent.pull_request as object), number: PR, head: { ...((prEvent.pull_request as { head: object }).head), sha: HEAD } }, repository: { ...(prEvent.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };

let artifact: string;
let gh: GitHubStandIn;
let api: string;

function configWithGates(gates: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  copyFileSync(join(REPO_ROOT, '.github/gitops-ml.schema.json'), join(dir, 'gitops-ml.schema.json'));
  writeFileSync(join(dir, 'gitops-ml.yml'), `version: 1\nroles:\n  ceo: [octocat]\nrequired_checks: [gitops-ml/train, gitops-ml/evaluate]\ngates:\n${gates}\n`);
  return join(dir, 'gitops-ml.yml');
}

beforeAll(async () => {
  await initBackend('wasm');
  artifact = await saveArtifact(artifactFixture()); // test accuracy 0.5
});

beforeEach(async () => {
  gh = new GitHubStandIn('acme', 'models');
  api = await gh.start();
});

afterEach(async () => {
  await gh.close();
  expect(gh.problems).toEqual([]);
});

const checklist = (): string => (gh.comments.get(PR) ?? []).find((c) => c.body.includes('gitops-ml:checklist'))?.body ?? '';

describe('trainer action', () => {
  it('verifies the artifact, reports the check run on the head commit and ticks data and training', async () => {
    const r = await runAction('trainer', { api, eventName: 'pull_request', payload, inputs: { 'artifact-dir': artifact } });
    expect(r.code).toBe(0);
    expect(r.outputs.version).toBe('0.1.0');
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: 'gitops-ml/train', head_sha: HEAD, status: 'completed', conclusion: 'success' })]);
    expect(checklist()).toContain('- [x] Data preparation <!-- task:data -->');
    expect(checklist()).toContain('- [x] Training <!-- task:train -->');
  });

  it('refuses a tampered artifact: failed check run, failed task, failed step', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'tampered-'));
    cpSync(artifact, bad, { recursive: true });
    const meta = join(bad, 'metadata.json');
    // Same length, so only the checksum can tell.
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('"accuracy": 0.5', '"accuracy": 0.9'));
    const r = await runAction('trainer', { api, eventName: 'pull_request', payload, inputs: { 'artifact-dir': bad } });
    expect(r.code).toBe(1);
    expect(r.log).toMatch(/::error::.*sha256 .* does not match the manifest/);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: 'gitops-ml/train', conclusion: 'failure' })]);
    expect(checklist()).toContain('- [ ] ❌ Training <!-- task:train --> — no valid artifact');
  });
});

describe('trainer action after a failed training', () => {
  it('with no artifact (the train step failed) it still reports gitops-ml/train as failed, so the sign-off does not wait', async () => {
    const r = await runAction('trainer', { api, eventName: 'pull_request', payload, inputs: { 'artifact-dir': '' } });
    expect(r.code).toBe(1);
    expect(r.log).toContain('training wrote no artifact');
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: 'gitops-ml/train', head_sha: HEAD, conclusion: 'failure' })]);
    expect(checklist()).toContain('- [ ] ❌ Training <!-- task:train --> — no valid artifact');
  });
});

describe('evaluator action', () => {
  it('passes the gates the model meets: green check run with the gate table, model card comment, evaluation ticked', async () => {
    const r = await runAction('evaluator', { api, eventName: 'pull_request', payload, inputs: { 'artifact-dir': artifact, config: configWithGates('  accuracy_min: 0.4') } });
    expect(r.code).toBe(0);
    expect(r.outputs.pass).toBe('true');
    const run = gh.checkRuns.find((c) => c.name === 'gitops-ml/evaluate');
    expect(run).toMatchObject({ head_sha: HEAD, conclusion: 'success' });
    expect(gh.checkOutputs.get(run?.id as number)?.summary).toContain('| test accuracy | ≥ 0.4 | 0.5000 | ✅ pass |');
    const card = (gh.comments.get(PR) ?? []).find((c) => c.body.startsWith('<!-- gitops-ml:model-card -->'))?.body ?? '';
    expect(card).toContain('### Model card: sentiment 0.1.0');
    expect(card.length).toBeLessThanOrEqual(65_536);
    expect(checklist()).toContain('- [x] Evaluation <!-- task:evaluate -->');
  });

  it('fails the gate below threshold, says which, and fails the step', async () => {
    const r = await runAction('evaluator', { api, eventName: 'pull_request', payload, inputs: { 'artifact-dir': artifact, config: configWithGates('  accuracy_min: 0.85') } });
    expect(r.code).toBe(1);
    expect(r.outputs.pass).toBe('false');
    expect(gh.checkRuns.find((c) => c.name === 'gitops-ml/evaluate')?.conclusion).toBe('failure');
    expect(checklist()).toContain('- [ ] ❌ Evaluation <!-- task:evaluate --> — test accuracy 0.5000 (≥ 0.85)');
    expect(r.log).toContain('::error::gates fail: test accuracy (fail)');
  });
});
