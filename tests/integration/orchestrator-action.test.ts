import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formFields } from '../../actions/shared/src/advisor.js';
import { createClient } from '../../actions/shared/src/github.js';
import { tickTask } from '../../actions/shared/src/orchestrator.js';
import { parseSpec } from '../../model/spec/spec.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';

const labeled = webhookExample('issues', 'labeled');
const fields = formFields(parse(readFileSync(join(REPO_ROOT, '.github/ISSUE_TEMPLATE/new-model.yml'), 'utf8')) as Parameters<typeof formFields>[0]);
const ISSUE = 21;
const answers: Record<string, string> = { name: 'reviews', goal: 'Route angry reviews to support within minutes.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '50', architecture: 'cnn (convolutional, fastest)' };
const form = (a: Record<string, string>): string => fields.map((f) => `### ${f.label}\n\n${a[f.id] ?? '_No response_'}`).join('\n\n');

describe('orchestrator action (bundled entry, runner environment, GitHub stand-in)', () => {
  let gh: GitHubStandIn;
  let api: string;
  beforeAll(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
  });
  afterAll(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });

  async function run(body: string): Promise<{ code: number | null; outputs: string; log: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'orch-'));
    const payload = { ...labeled, issue: { ...(labeled.issue as object), number: ISSUE, body, labels: [{ name: 'new-model' }, { name: 'accepted' }] }, repository: { ...(labeled.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };
    writeFileSync(join(dir, 'event.json'), JSON.stringify(payload));
    writeFileSync(join(dir, 'out'), '');
    writeFileSync(join(dir, 'summary'), '');
    // The runner passes action.yml defaults as inputs; so does this test.
    const env = { PATH: process.env.PATH, GITHUB_EVENT_NAME: 'issues', GITHUB_EVENT_PATH: join(dir, 'event.json'), GITHUB_REPOSITORY: 'acme/models', GITHUB_API_URL: api, GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), 'INPUT_GITHUB-TOKEN': 'ghs_x', INPUT_DISPATCH: 'model-pr.yml' };
    const child = spawn(process.execPath, [join(REPO_ROOT, 'actions/orchestrator/dist/index.js')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, outputs: readFileSync(join(dir, 'out'), 'utf8'), log };
  }

  it('creates the branch, commits a valid spec, opens the PR that closes the issue, and posts the checklist', async () => {
    const r = await run(form(answers));
    expect(r.code).toBe(0);
    expect(gh.refs.has('model/reviews')).toBe(true);
    const file = gh.files.get('model/reviews:model/specs/reviews.json');
    expect(file).toBeDefined();
    // The committed spec is one the pipeline accepts: the cnn preset, SST-2 splits, the request's target.
    const spec = parseSpec(JSON.parse(file?.content ?? '{}'), { source: 'committed spec' });
    expect(spec).toMatchObject({ name: 'reviews', dataset: { train: 'sst2:train', dev: 'sst2:dev', test: 'sst2:test' }, architecture: { type: 'text-cnn' }, targets: { accuracy: 0.85 } });
    const pr = [...gh.pulls.values()].find((p) => p.head.ref === 'model/reviews');
    expect(pr).toMatchObject({ base: { ref: 'main' }, title: 'Model: reviews', state: 'open' });
    expect(gh.pullBodies.get(pr?.number as number)).toMatch(/^Closes #21\./);
    expect(r.outputs).toMatch(new RegExp(`pull-number<<.*\\n${pr?.number}\\n`));
    const checklist = (gh.comments.get(pr?.number as number) ?? []).filter((c) => c.body.startsWith('<!-- gitops-ml:checklist -->'));
    expect(checklist).toHaveLength(1);
    expect(checklist[0]?.body).toContain('- [ ] Data preparation <!-- task:data -->');
    // The PR (opened with GITHUB_TOKEN) starts no workflow by itself: the model workflow is dispatched on the branch.
    expect(gh.dispatches).toEqual([{ workflow: 'model-pr.yml', ref: 'model/reviews', inputs: { 'pull-number': String(pr?.number) } }]);
  });

  it('is idempotent: a re-run updates the spec on the same branch and reuses the PR and its checklist', async () => {
    const before = gh.pulls.size;
    const r = await run(form({ ...answers, 'target-accuracy': '0.84' }));
    expect(r.code).toBe(0);
    expect(gh.pulls.size).toBe(before);
    expect(JSON.parse(gh.files.get('model/reviews:model/specs/reviews.json')?.content ?? '{}').targets.accuracy).toBe(0.84);
    expect(gh.commits.map((c) => c.message)).toEqual(['Add spec for model reviews (#21)', 'Update spec for model reviews (#21)']);
    const pr = [...gh.pulls.values()].find((p) => p.head.ref === 'model/reviews');
    expect((gh.comments.get(pr?.number as number) ?? []).filter((c) => c.body.includes('gitops-ml:checklist'))).toHaveLength(1);
  });

  it('jobs tick their task without touching the others', async () => {
    const pr = [...gh.pulls.values()].find((p) => p.head.ref === 'model/reviews');
    const client = createClient('ghs_x', api);
    await tickTask(client, { owner: 'acme', repo: 'models', pullNumber: pr?.number as number }, 'data', 'done');
    await tickTask(client, { owner: 'acme', repo: 'models', pullNumber: pr?.number as number }, 'evaluate', 'failed', 'accuracy 0.84 < 0.85');
    const body = (gh.comments.get(pr?.number as number) ?? []).find((c) => c.body.includes('gitops-ml:checklist'))?.body ?? '';
    expect(body).toContain('- [x] Data preparation <!-- task:data -->');
    expect(body).toContain('- [ ] ❌ Evaluation <!-- task:evaluate --> — accuracy 0.84 < 0.85');
    expect(body).toContain('- [ ] Training <!-- task:train -->');
  });

  it('refuses an issue that is not an accepted request', async () => {
    const r = await run(form({ name: 'x' }));
    expect(r.code).toBe(1);
    expect(r.log).toMatch(/::error::issue #21 is not an accepted request: \*\*Goal and business context\*\* is empty/);
  });
});
