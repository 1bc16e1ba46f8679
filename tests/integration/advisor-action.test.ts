import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';
import type { ActionRun } from '../helpers/run-action.js';
import { issueFormBody } from '../helpers/issue-form.js';

const opened = webhookExample('issues', 'opened');
const edited = webhookExample('issues', 'edited');
const ISSUE = 12;

const form = issueFormBody;

describe('advisor action (bundled entry, runner environment, GitHub stand-in)', () => {
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

  async function run(base: Record<string, unknown>, action: string, body: string): Promise<ActionRun> {
    const labels = (gh.labels.get(ISSUE) ?? []).map((name) => ({ name }));
    const payload = { ...base, action, issue: { ...(base.issue as object), number: ISSUE, body, labels }, repository: { ...(base.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };
    return runAction('advisor', { api, eventName: 'issues', payload });
  }
  const sticky = (): { id: number; body: string }[] => (gh.comments.get(ISSUE) ?? []).filter((c) => c.body.startsWith('<!-- gitops-ml:advisor -->'));

  it('skips an issue without the new-model label', async () => {
    gh.labels.set(ISSUE, ['bug']);
    const r = await run(opened, 'opened', 'please fix');
    expect(r.code).toBe(0);
    expect(r.outputs.accepted).toBe('false');
    expect(sticky()).toEqual([]);
  });

  it('reads an issue filed through the form whose label GitHub dropped, and adds new-model itself', async () => {
    const other = 31;
    const payload = { ...opened, action: 'opened', issue: { ...(opened.issue as object), number: other, body: form({ name: 'reviews', goal: 'Route angry reviews to support within minutes.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '50', architecture: 'cnn (convolutional, fastest)' }), labels: [] }, repository: { ...(opened.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };
    const r = await runAction('advisor', { api, eventName: 'issues', payload });
    expect(r.code).toBe(0);
    expect(r.outputs.accepted).toBe('true');
    expect(gh.labels.get(other)).toEqual(['new-model', 'accepted']);
  });

  it('asks, labels needs-info, then accepts the edited issue in the same comment and swaps the labels', async () => {
    gh.labels.set(ISSUE, ['new-model']);
    let r = await run(opened, 'opened', form({ name: 'Reviews!', dataset: 'sst2' }));
    expect(r.code).toBe(0);
    expect(gh.labels.get(ISSUE)).toEqual(['new-model', 'needs-info']);
    expect(sticky()).toHaveLength(1);
    expect(sticky()[0]?.body).toContain('**Goal and business context** is empty');
    expect(sticky()[0]?.body).toContain('"Reviews!" cannot name a branch');

    r = await run(edited, 'edited', form({ name: 'reviews', goal: 'Route angry reviews to support within minutes.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '50', architecture: 'auto (let the advisor choose)' }));
    expect(r.outputs.accepted).toBe('true');
    expect(r.outputs.slug).toBe('reviews');
    expect(gh.labels.get(ISSUE)).toEqual(['new-model', 'accepted']);
    expect(sticky()).toHaveLength(1);
    expect(sticky()[0]?.body).toContain('### ✅ Request accepted');
  });
});
