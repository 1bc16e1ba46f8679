import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT, datasetsDir } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';
import { issueFormBody } from '../helpers/issue-form.js';

/**
 * The story, end to end, each role through its bundled action against one stand-in
 * GitHub: issue → needs-info → edit → accepted → branch + spec + PR + checklist → the
 * committed spec trained for real on a small slice of SST-2 (`gitops-ml train --preset
 * smoke`, as the model-pr workflow runs it) → evaluate, QA, security, tech-lead check
 * runs → the model card committed by docs → non-CEO approval (no sign-off) → CEO
 * approval (sign-off) → new commit (reset) → CEO re-approval (sign-off) → merge →
 * release with the next version. The config is the committed .github/gitops-ml.yml
 * (CEO: octocat) with the gates' bars lowered to what 600 training sentences can reach.
 */
const example = (name: string, action: string): Record<string, unknown> => webhookExample(name, action);
const form = issueFormBody;
const committedConfig = parse(readFileSync(join(REPO_ROOT, '.github/gitops-ml.yml'), 'utf8')) as { required_checks: string[]; gates: Record<string, number> };
const repository = { name: 'models', full_name: 'acme/models', owner: { login: 'acme' } };

describe('GitOps flow, end to end (intake → PR → checks → sign-off → release)', () => {
  it('goes from a new-model issue to a released model; a new commit resets the sign-off', async () => {
    const work = mkdtempSync(join(tmpdir(), 'flow-'));
    mkdirSync(join(work, '.github'));
    const configFile = join(work, '.github/gitops-ml.yml');
    // Every committed gate stays on; the bars are what a 600-sentence model can reach.
    writeFileSync(configFile, stringify({ ...committedConfig, gates: { ...committedConfig.gates, accuracy_min: 0.6, f1_macro_min: 0.6, roc_auc_min: 0.6, ece_max: 0.15, fairness_max_flip_share: 0.3, privacy_max_mia_auc: 0.8, robustness_max_mft_failure_rate: 1 } }));
    copyFileSync(join(REPO_ROOT, '.github/gitops-ml.schema.json'), join(work, '.github/gitops-ml.schema.json'));
    const reports = join(work, 'reports');
    mkdirSync(reports);
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

      // The train job: the spec the orchestrator committed, trained by the CLI (smoke preset: 600 sentences, 1 epoch).
      const specFile = join(work, 'model/specs/reviews.json');
      mkdirSync(join(work, 'model/specs'), { recursive: true });
      writeFileSync(specFile, gh.files.get('model/reviews:model/specs/reviews.json')?.content ?? '');
      const trained = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/gitops-ml.js'), 'train', '--spec', specFile, '--preset', 'smoke', '--out', join(work, 'out'), '--version', '0.1.0', '--backend', 'wasm'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, DATASETS_DIR: datasetsDir() } });
      expect(trained.stderr + trained.stdout).toMatch(/test: accuracy 0\.\d+/);
      expect(trained.status).toBe(0);
      const artifactDir = join(work, 'out/reviews/0.1.0');
      const testAccuracy = (JSON.parse(readFileSync(join(artifactDir, 'metadata.json'), 'utf8')) as { metrics: { test: { accuracy: number } } }).metrics.test.accuracy;

      // 3. The model-pr workflow's jobs report on the head commit through their actions.
      const prEvent = (sha: string): Record<string, unknown> => {
        const base = example('pull_request', 'synchronize');
        // The PR's body as GitHub sends it: the orchestrator's, with the request's latency budget (qa reads it).
        return { ...base, pull_request: { ...(base.pull_request as object), number: PR, body: gh.pullBodies.get(PR) ?? null, head: { ...(base.pull_request as { head: object }).head, sha } }, repository: { ...(base.repository as object), ...repository } };
      };
      const modelJobs = async (sha: string): Promise<void> => {
        for (const [role, inputs] of [
          ['trainer', { 'artifact-dir': artifactDir }],
          ['evaluator', { 'artifact-dir': artifactDir, config: configFile }],
          // The trained model behind the real service (dist/, built by npm test as the qa job builds it); short load levels.
          ['qa', { 'artifact-dir': artifactDir, connections: '1,4', 'duration-seconds': '1' }],
          // In this repository's checkout, as the job runs it: real tree, lockfile, node_modules.
          ['security', { 'audit-report': join(REPO_ROOT, 'tests/fixtures/npm-audit/clean.json'), 'eslint-report': join(reports, 'eslint.json'), 'artifact-dir': artifactDir, 'base-ref': 'HEAD', sarif: join(reports, 'security.sarif') }],
          ['tech-lead', { 'eslint-report': join(reports, 'eslint.json'), typecheck: 'success' }],
          ['docs', { 'model-card-from': artifactDir, branch: 'model/reviews' }],
        ] as const) {
          const r = await runAction(role, { api, eventName: 'pull_request', payload: prEvent(sha), inputs });
          expect([role, r.code, r.code === 0 ? '' : r.log]).toEqual([role, 0, '']);
        }
      };
      await modelJobs(head1);
      expect(new Set(gh.checkRuns.filter((c) => c.head_sha === head1).map((c) => c.name))).toEqual(new Set(committedConfig.required_checks));
      expect(JSON.parse(readFileSync(join(reports, 'security.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
      // The evaluator decided every configured gate from the artifact's evaluation record.
      const evaluated = gh.checkRuns.find((c) => c.name === 'gitops-ml/evaluate' && c.head_sha === head1);
      const gateSummary = gh.checkOutputs.get(evaluated?.id ?? -1)?.summary ?? '';
      for (const gate of ['test accuracy', 'champion/challenger', 'robustness', 'fairness (mean score gap, EEC)', 'privacy (membership-inference AUC)', 'latency p95', 'artifact size']) expect(gateSummary).toContain(`| ${gate}`);
      expect(gateSummary).not.toContain('not measured');
      // docs committed the card the training run wrote; the PR head is now that commit.
      const cardCommit = gh.pulls.get(PR)?.head.sha as string;
      expect(cardCommit).not.toBe(head1);
      // Two bot commits: the card, then the evaluation record (the next version's champion).
      expect(gh.commits.at(-2)).toMatchObject({ parent: head1, author: 'github-actions[bot]', files: ['docs/model-cards/reviews.md'] });
      expect(gh.commits.at(-1)).toMatchObject({ sha: cardCommit, parent: gh.commits.at(-2)?.sha, author: 'github-actions[bot]', files: ['docs/model-cards/reviews.json'] });
      expect(JSON.parse(gh.files.get('model/reviews:docs/model-cards/reviews.json')?.content ?? '{}')).toMatchObject({ schema_version: 1, model: { name: 'reviews', version: '0.1.0' } });
      expect(gh.files.get('model/reviews:docs/model-cards/reviews.md')?.content).toBe(readFileSync(join(artifactDir, 'model-card.md'), 'utf8'));
      expect(gh.files.get('model/reviews:docs/model-cards/reviews.md')?.content).toContain(testAccuracy.toFixed(4));
      const tasks = (gh.comments.get(PR) ?? []).find((c) => c.body.includes('gitops-ml:checklist'))?.body ?? '';
      for (const t of ['Data preparation', 'Training', 'Evaluation', 'API', 'QA', 'Security review', 'Tech-lead review', 'Docs']) expect(tasks).toContain(`- [x] ${t}`);
      expect((gh.comments.get(PR) ?? []).some((c) => c.body.startsWith('<!-- gitops-ml:model-card -->'))).toBe(true);
      const reviewEvent = (): Record<string, unknown> => {
        const base = example('pull_request_review', 'submitted');
        return { ...base, pull_request: { ...(base.pull_request as object), number: PR }, repository: { ...(base.repository as object), ...repository } };
      };
      const gate = async (): Promise<string | undefined> => {
        const r = await runAction('approval-gate', { api, eventName: 'pull_request_review', payload: reviewEvent(), inputs: { config: configFile } });
        expect(r.code).toBe(0);
        return r.outputs.state;
      };

      // 4. A non-CEO approval does not sign off; the CEO's does, on the card commit, whose
      // checks are those of the commit below it.
      gh.addReview(PR, 'qa-lead', 'APPROVED', cardCommit);
      expect(await gate()).toBe('pending');
      gh.addReview(PR, 'octocat', 'APPROVED', head1);
      expect(await gate()).toBe('pending');
      gh.addReview(PR, 'octocat', 'APPROVED', cardCommit);
      expect(await gate()).toBe('success');
      expect(gh.statuses.at(-1)).toMatchObject({ sha: cardCommit, state: 'success', context: 'gitops-ml/sign-off' });
      expect((gh.comments.get(PR) ?? []).find((c) => c.body.includes('gitops-ml:sign-off'))?.body).toContain(`checks from \`${head1.slice(0, 7)}\``);

      // 5. A person's commit resets it until its checks ran and the CEO approves it.
      const head2 = gh.pushCommit('model/reviews', { 'model/specs/reviews.json': `${gh.files.get('model/reviews:model/specs/reviews.json')?.content ?? ''}\n` }, 'dev');
      expect(gh.pulls.get(PR)?.head.sha).toBe(head2);
      expect(await gate()).toBe('pending');
      await modelJobs(head2);
      // Same artifact, same card: nothing new to commit, the head stays head2.
      expect(gh.pulls.get(PR)?.head.sha).toBe(head2);
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
