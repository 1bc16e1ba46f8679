import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';
import { issueFormBody } from '../helpers/issue-form.js';

/**
 * The story, end to end, each role through its bundled action against one stand-in
 * GitHub: issue → needs-info → edit → accepted → branch + spec + PR + checklist → train,
 * evaluate, QA, tech-lead check runs → non-CEO approval (no sign-off) → CEO approval
 * (sign-off) → new commit (reset) → CEO re-approval (sign-off) → merge → release with the
 * next version. The committed .github/gitops-ml.yml is the config (CEO: octocat).
 */
const example = (name: string, action: string): Record<string, unknown> => webhookExample(name, action);
const form = issueFormBody;
const config = parse(readFileSync(join(REPO_ROOT, '.github/gitops-ml.yml'), 'utf8')) as { required_checks: string[] };
const repository = { name: 'models', full_name: 'acme/models', owner: { login: 'acme' } };

describe('GitOps flow, end to end (intake → PR → checks → sign-off → release)', () => {
  it('goes from a new-model issue to a released model; a new commit resets the sign-off', async () => {
    await initBackend('wasm');
    // A trained artifact as the training step would leave it (small, with metrics over the committed gates).
    const fixture = artifactFixture();
    fixture.metadata = { ...fixture.metadata, metrics: { test: { accuracy: 0.91, f1_macro: 0.9 } } };
    const artifactDir = await saveArtifact(fixture);
    const reports = mkdtempSync(join(tmpdir(), 'flow-reports-'));
    writeFileSync(join(reports, 'jest.json'), JSON.stringify({ success: true, numTotalTests: 40, numPassedTests: 40, numFailedTests: 0, numPendingTests: 0, numRuntimeErrorTestSuites: 0, testResults: [] }));
    writeFileSync(join(reports, 'eslint.json'), '[]');
    const gh = new GitHubStandIn('acme', 'models');
    const api = await gh.start();
    try {
      const ISSUE = 1;
      gh.labels.set(ISSUE, ['new-model']);
      const issueEvent = (action: string, body: string): Record<string, unknown> => {
        const base = example('issues', action);
        return { ...base, issue: { ...(base.issue as object), number: ISSUE, body, labels: (gh.labels.get(ISSUE) ?? []).map((name) => ({ name })) }, repository: { ...(base.repository as object), ...repository } };
      };

      // 1. An incomplete request: the advisor asks and labels needs-info; no orchestration.
      const first = await runAction('advisor', { api, eventName: 'issues', payload: issueEvent('opened', form({ name: 'reviews', dataset: 'sst2' })) });
      expect(first.outputs.accepted).toBe('false');
      expect(gh.labels.get(ISSUE)).toContain('needs-info');

      // 2. The edited issue is accepted; the intake workflow's next job runs the orchestrator.
      const complete = form({ name: 'reviews', goal: 'Route angry reviews to support within minutes.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '100', architecture: 'auto (let the advisor choose)' });
      const accepted = await runAction('advisor', { api, eventName: 'issues', payload: issueEvent('edited', complete) });
      expect(accepted.outputs).toMatchObject({ accepted: 'true', slug: 'reviews' });
      expect(gh.labels.get(ISSUE)).toEqual(['new-model', 'accepted']);
      const orchestrated = await runAction('orchestrator', { api, eventName: 'issues', payload: issueEvent('edited', complete) });
      expect(orchestrated.code).toBe(0);
      const PR = Number(orchestrated.outputs['pull-number']);
      const head1 = gh.pulls.get(PR)?.head.sha as string;
      expect(gh.pullBodies.get(PR)).toContain(`Closes #${ISSUE}.`);

      // 3. The model-pr workflow's jobs report on the head commit through their actions.
      const prEvent = (sha: string): Record<string, unknown> => {
        const base = example('pull_request', 'synchronize');
        return { ...base, pull_request: { ...(base.pull_request as object), number: PR, head: { ...(base.pull_request as { head: object }).head, sha } }, repository: { ...(base.repository as object), ...repository } };
      };
      const modelJobs = async (sha: string): Promise<void> => {
        for (const [role, inputs] of [
          ['trainer', { 'artifact-dir': artifactDir }],
          ['evaluator', { 'artifact-dir': artifactDir }],
          ['qa', { results: join(reports, 'jest.json') }],
          ['tech-lead', { 'eslint-report': join(reports, 'eslint.json'), typecheck: 'success' }],
        ] as const) {
          const r = await runAction(role, { api, eventName: 'pull_request', payload: prEvent(sha), inputs });
          expect([role, r.code]).toEqual([role, 0]);
        }
      };
      await modelJobs(head1);
      expect(new Set(gh.checkRuns.filter((c) => c.head_sha === head1).map((c) => c.name))).toEqual(new Set(config.required_checks));
      const tasks = (gh.comments.get(PR) ?? []).find((c) => c.body.includes('gitops-ml:checklist'))?.body ?? '';
      for (const t of ['Data preparation', 'Training', 'Evaluation', 'API', 'QA', 'Tech-lead review']) expect(tasks).toContain(`- [x] ${t}`);
      expect((gh.comments.get(PR) ?? []).some((c) => c.body.startsWith('<!-- gitops-ml:model-card -->'))).toBe(true);
      const reviewEvent = (): Record<string, unknown> => {
        const base = example('pull_request_review', 'submitted');
        return { ...base, pull_request: { ...(base.pull_request as object), number: PR }, repository: { ...(base.repository as object), ...repository } };
      };
      const gate = async (): Promise<string | undefined> => {
        const r = await runAction('approval-gate', { api, eventName: 'pull_request_review', payload: reviewEvent() });
        expect(r.code).toBe(0);
        return r.outputs.state;
      };

      // 4. A non-CEO approval does not sign off; the CEO's does.
      gh.addReview(PR, 'qa-lead', 'APPROVED', head1);
      expect(await gate()).toBe('pending');
      gh.addReview(PR, 'octocat', 'APPROVED', head1);
      expect(await gate()).toBe('success');
      expect(gh.statuses.at(-1)).toMatchObject({ sha: head1, state: 'success', context: 'gitops-ml/sign-off' });

      // 5. A new commit resets it until the CEO approves the new head.
      const head2 = 'd'.repeat(40);
      gh.pulls.set(PR, { ...(gh.pulls.get(PR) as NonNullable<ReturnType<typeof gh.pulls.get>>), head: { sha: head2, ref: 'model/reviews' } });
      expect(await gate()).toBe('pending');
      await modelJobs(head2);
      expect(await gate()).toBe('pending');
      gh.addReview(PR, 'octocat', 'APPROVED', head2);
      expect(await gate()).toBe('success');
      expect(gh.statuses.at(-1)).toMatchObject({ sha: head2, state: 'success' });

      // 6. Merge: the push to main carries the new spec; devops releases the model's first version.
      const spec = gh.files.get('model/reviews:model/specs/reviews.json');
      gh.files.set(`${'9'.repeat(40)}:model/specs/reviews.json`, spec as { content: string; sha: string });
      const pushBase = webhookExample('push');
      const merged = await runAction('devops', {
        api,
        eventName: 'push',
        payload: { ...pushBase, ref: 'refs/heads/main', before: '8'.repeat(40), after: '9'.repeat(40), commits: [{ added: ['model/specs/reviews.json'], modified: [], removed: [] }], repository: { ...(pushBase.repository as object), ...repository } },
      });
      expect(merged.code).toBe(0);
      expect(gh.releases.map((r) => r.tag_name)).toEqual(['reviews-v1.0.0']);

      // One sticky comment per role, whatever the number of runs.
      expect((gh.comments.get(ISSUE) ?? []).filter((c) => c.body.includes('gitops-ml:advisor'))).toHaveLength(1);
      expect((gh.comments.get(PR) ?? []).filter((c) => c.body.includes('gitops-ml:sign-off'))).toHaveLength(1);
      expect((gh.comments.get(PR) ?? []).filter((c) => c.body.includes('gitops-ml:checklist'))).toHaveLength(1);
      expect((gh.comments.get(PR) ?? []).filter((c) => c.body.includes('gitops-ml:model-card'))).toHaveLength(1);
      expect(gh.problems).toEqual([]);
    } finally {
      await gh.close();
    }
  });
});
