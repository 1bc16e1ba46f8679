import { createClient } from '../../actions/shared/src/github.js';
import { tickTask } from '../../actions/shared/src/orchestrator.js';
import { parseSpec } from '../../model/spec/spec.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';
import type { ActionRun } from '../helpers/run-action.js';
import { issueFormBody } from '../helpers/issue-form.js';

const labeled = webhookExample('issues', 'labeled');
const ISSUE = 21;
const answers: Record<string, string> = { name: 'reviews', goal: 'Route angry reviews to support within minutes.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '50', architecture: 'cnn (convolutional, fastest)' };
const form = issueFormBody;

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

  function run(body: string): Promise<ActionRun> {
    const payload = { ...labeled, issue: { ...(labeled.issue as object), number: ISSUE, body, labels: [{ name: 'new-model' }, { name: 'accepted' }] }, repository: { ...(labeled.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };
    // runAction passes the action.yml defaults as a runner does, so the dispatch input is model-pr.yml.
    return runAction('orchestrator', { api, eventName: 'issues', payload });
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
    expect(r.outputs['pull-number']).toBe(String(pr?.number));
    const checklist = (gh.comments.get(pr?.number as number) ?? []).filter((c) => c.body.startsWith('<!-- gitops-ml:checklist -->'));
    expect(checklist).toHaveLength(1);
    expect(checklist[0]?.body).toContain('- [ ] Data preparation <!-- task:data -->');
    // The PR (opened with GITHUB_TOKEN) starts no workflow by itself: the model workflow is dispatched on the branch.
    expect(gh.dispatches).toEqual([{ workflow: 'model-pr.yml', ref: 'model/reviews', inputs: { 'pull-number': String(pr?.number) } }]);
  });

  it('when the repository does not let Actions open pull requests, it fails saying exactly what to turn on, on the issue too', async () => {
    gh.allowActionsPullRequests = false;
    try {
      const r = await run(form({ ...answers, name: 'blocked' }));
      expect(r.code).toBe(1);
      expect(r.log).toContain('Allow GitHub Actions to create and approve pull requests');
      const notes = (gh.comments.get(ISSUE) ?? []).filter((c) => c.body.startsWith('<!-- gitops-ml:orchestrator-setup -->'));
      expect(notes).toHaveLength(1);
      expect(notes[0]?.body).toContain('npx gitops-ml setup');
      expect([...gh.pulls.values()].some((p) => p.head.ref === 'model/blocked')).toBe(false);
    } finally {
      gh.allowActionsPullRequests = true;
    }
  });

  it('is idempotent: a re-run updates the spec on the same branch and reuses the PR and its checklist', async () => {
    const before = gh.pulls.size;
    const r = await run(form({ ...answers, 'target-accuracy': '0.84' }));
    expect(r.code).toBe(0);
    expect(gh.pulls.size).toBe(before);
    expect(JSON.parse(gh.files.get('model/reviews:model/specs/reviews.json')?.content ?? '{}').targets.accuracy).toBe(0.84);
    expect(gh.commits.map((c) => c.message).filter((m) => m.includes('model reviews'))).toEqual(['Add spec for model reviews (#21)', 'Update spec for model reviews (#21)']);
    const pr = [...gh.pulls.values()].find((p) => p.head.ref === 'model/reviews');
    expect((gh.comments.get(pr?.number as number) ?? []).filter((c) => c.body.includes('gitops-ml:checklist'))).toHaveLength(1);
  });

  it('the same request read again (GitHub sends opened and labeled for a form issue) commits nothing and dispatches no second training', async () => {
    const commits = gh.commits.length;
    const dispatches = gh.dispatches.length;
    const r = await run(form({ ...answers, 'target-accuracy': '0.84' }));
    expect(r.code).toBe(0);
    expect(gh.commits.length).toBe(commits);
    expect(gh.dispatches.length).toBe(dispatches);
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
