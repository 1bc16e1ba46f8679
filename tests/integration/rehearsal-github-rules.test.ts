import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIssueForm } from '../../actions/shared/src/advisor.js';
import { createClient } from '../../actions/shared/src/github.js';
import { LocalGitHub, isLocalGitHubError } from '../../rehearsal/github/index.js';
import type { Permissions } from '../../rehearsal/types.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { formFieldsOfRepo, issueFormBody } from '../helpers/issue-form.js';

// GitHub's platform rules, each shown with GitHub's answer (status and message), on a
// repository created from this project's own template.

const OWNER = 'acme';
const REPO = 'models';
const FORM = '.github/ISSUE_TEMPLATE/new-model.yml';
let clock = Date.parse('2026-11-26T10:00:00Z');
const now = (): Date => new Date((clock += 1000));

interface HttpError {
  status: number;
  response?: { data: { message: string; documentation_url: string; errors?: unknown[] } };
}

async function refusal(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (err) {
    return err as HttpError;
  }
  throw new Error('expected GitHub to refuse');
}

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

const answers = { name: 'reviews', goal: 'Route angry reviews to support.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '50', architecture: 'cnn (convolutional, fastest)' };

describe('local GitHub platform rules', () => {
  let dir: string;
  let gh: LocalGitHub;
  const job = (permissions: Permissions, runId = 1): string => gh.mintToken({ owner: OWNER, repo: REPO, permissions, runId, job: 'j' });
  const where = { owner: OWNER, repo: REPO };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'local-github-rules-'));
    gh = await new LocalGitHub({ dir, now }).start();
    gh.userToken('octo-admin', 'admin');
    gh.userToken('dev', 'write');
    gh.userToken('lead', 'write');
    gh.userToken('ceo-ann', 'write');
    gh.userToken('viewer', 'read');
    await gh.createFromTemplate({ owner: OWNER, repo: REPO, templateDir: REPO_ROOT, as: 'octo-admin' });
  });

  afterAll(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(gh.problems).toEqual([]);
  });

  describe('repository from a template', () => {
    it('copies the tracked files in one commit on main and nothing else (no labels, environments, secrets, variables, protection; Actions may not open PRs)', async () => {
      const refs = await gh.refs(OWNER, REPO);
      expect(Object.keys(refs).filter((r) => r.startsWith('refs/heads/'))).toEqual(['refs/heads/main']);
      const bare = join(dir, 'repos', OWNER, `${REPO}.git`);
      expect(execFileSync('git', ['-C', bare, 'rev-list', '--count', 'main'], { encoding: 'utf8' }).trim()).toBe('1');
      const tracked = execFileSync('git', ['-C', REPO_ROOT, 'ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);
      const copied = execFileSync('git', ['-C', bare, 'ls-tree', '-r', '--name-only', 'main'], { encoding: 'utf8' }).split('\n').filter(Boolean);
      expect(copied).toEqual(expect.arrayContaining([FORM, '.github/workflows/intake.yml', 'package.json']));
      expect(copied.every((f) => tracked.includes(f))).toBe(true);
      expect(copied.some((f) => f.startsWith('node_modules/'))).toBe(false);
      const s = gh.snapshot(OWNER, REPO);
      expect({ labels: s.labels, environments: s.environments, protections: s.protections, variables: s.variables, secrets: s.secretNames, settings: s.settings }).toEqual({
        labels: [],
        environments: [],
        protections: {},
        variables: {},
        secrets: [],
        settings: { canApprovePullRequestReviews: false, defaultWorkflowPermissions: 'read' },
      });
    });

    it('takes only what git tracks from a work tree (an untracked file stays behind)', async () => {
      const work = mkdtempSync(join(tmpdir(), 'template-'));
      execFileSync('git', ['init', '-q', work]);
      writeFileSync(join(work, 'kept.txt'), 'kept\n');
      mkdirSync(join(work, 'bin'));
      writeFileSync(join(work, 'bin/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
      execFileSync('git', ['-C', work, 'add', '.']);
      writeFileSync(join(work, 'local-notes.txt'), 'not tracked\n');
      await gh.createFromTemplate({ owner: OWNER, repo: 'from-worktree', templateDir: work });
      const bare = join(dir, 'repos', OWNER, 'from-worktree.git');
      expect(execFileSync('git', ['-C', bare, 'ls-tree', '-r', 'main'], { encoding: 'utf8' })).toMatch(/^100755 blob \w+\tbin\/run\.sh\n100644 blob \w+\tkept\.txt\n$/);
      rmSync(work, { recursive: true, force: true });
    });
  });

  describe('issue forms', () => {
    it('renders the body as GitHub does and silently drops the form\'s label while the repository lacks it', async () => {
      const before = gh.events.length;
      const filed = await gh.fileIssueFromForm(OWNER, REPO, { as: 'viewer', formPath: FORM, answers, title: 'Model: reviews' });
      // The project's own helper and the advisor's parser agree with the rendering.
      expect(filed.body).toBe(issueFormBody(answers));
      expect(parseIssueForm(filed.body, formFieldsOfRepo)).toEqual(answers);
      expect(filed.body).toContain('### Target macro-F1\n\n_No response_');
      expect([filed.labels, filed.droppedLabels]).toEqual([[], ['new-model']]);
      const delivered = gh.events.slice(before).map((e) => `${e.event.name}.${String(e.event.payload.action)}`);
      expect(delivered).toEqual(['issues.opened']);
      expect(gh.events.at(-1)?.admission).toEqual({ kind: 'run' });
    });

    it('applies the form\'s label once it exists, and delivers issues.opened then issues.labeled', async () => {
      await createClient(gh.userToken('octo-admin'), gh.apiUrl).rest.issues.createLabel({ ...where, name: 'new-model', color: '0e8a16' });
      const before = gh.events.length;
      const filed = await gh.fileIssueFromForm(OWNER, REPO, { as: 'viewer', formPath: FORM, answers });
      expect([filed.title, filed.labels, filed.droppedLabels]).toEqual(['Model: ', ['new-model'], []]);
      const delivered = gh.events.slice(before).map((e) => [e.event.name, e.event.payload.action, (e.event.payload.label as { name?: string } | undefined)?.name]);
      expect(delivered).toEqual([
        ['issues', 'opened', undefined],
        ['issues', 'labeled', 'new-model'],
      ]);
      const payload = gh.events.at(-1)?.event.payload as { issue: { labels: { name: string }[]; number: number }; repository: { default_branch: string }; sender: { login: string } };
      expect([payload.issue.labels.map((l) => l.name), payload.repository.default_branch, payload.sender.login]).toEqual([['new-model'], 'main', 'viewer']);
    });

    it('refuses what the form UI would not submit (a required field empty)', async () => {
      const err = await thrown(gh.fileIssueFromForm(OWNER, REPO, { as: 'viewer', formPath: FORM, answers: { ...answers, dataset: '' } }));
      expect(isLocalGitHubError(err, 'GH_INVALID_FORM') && err.message).toBe('"Dataset" is required');
    });

    it('delivers issues.edited for an edit and issues.labeled for a person\'s label, both admitted', async () => {
      const filed = await gh.fileIssueFromForm(OWNER, REPO, { as: 'dev', formPath: FORM, answers });
      await gh.editIssue(OWNER, REPO, filed.number, { as: 'dev', body: issueFormBody({ ...answers, notes: 'deadline friday' }) });
      const edited = gh.events.at(-1);
      expect([edited?.event.name, edited?.event.payload.action, edited?.admission.kind]).toEqual(['issues', 'edited', 'run']);
      expect((edited?.event.payload.changes as { body: { from: string } }).body.from).toBe(filed.body);
      await gh.addLabel(OWNER, REPO, filed.number, 'retrain', { as: 'lead' });
      expect([gh.events.at(-1)?.event.payload.action, gh.events.at(-1)?.admission.kind]).toEqual(['labeled', 'run']);
    });
  });

  describe('events caused by GITHUB_TOKEN', () => {
    it('start no workflow (a comment, a label), except dispatch', async () => {
      const bot = createClient(job({ issues: 'write', actions: 'write' }), gh.apiUrl);
      const issue = (await bot.rest.issues.create({ ...where, title: 'by the bot' })).data;
      expect(gh.events.at(-1)?.admission).toEqual({ kind: 'none', reason: expect.stringMatching(/GITHUB_TOKEN do not start workflow runs \(except workflow_dispatch and repository_dispatch\)/) });
      await bot.rest.issues.addLabels({ ...where, issue_number: issue.number, labels: ['accepted'] });
      expect([gh.events.at(-1)?.event.name, gh.events.at(-1)?.admission.kind]).toEqual(['issues', 'none']);
      await bot.rest.issues.createComment({ ...where, issue_number: issue.number, body: 'analysis' });
      expect([gh.events.at(-1)?.event.name, gh.events.at(-1)?.admission.kind]).toEqual(['issue_comment', 'none']);
      // The same comment by a person starts runs.
      await gh.comment(OWNER, REPO, issue.number, 'thanks', { as: 'dev' });
      expect(gh.events.at(-1)?.admission).toEqual({ kind: 'run' });
    });
  });

  describe('"Allow GitHub Actions to create and approve pull requests"', () => {
    it('is off in a new repository: POST /pulls with GITHUB_TOKEN answers 403 with GitHub\'s sentence; on, the PR opens with approval-required runs', async () => {
      const bot = createClient(job({ contents: 'write', 'pull-requests': 'write' }), gh.apiUrl);
      await bot.rest.git.createRef({ ...where, ref: 'refs/heads/model/bot', sha: (await bot.rest.git.getRef({ ...where, ref: 'heads/main' })).data.object.sha });
      await bot.rest.repos.createOrUpdateFileContents({ ...where, path: 'model/specs/bot.json', branch: 'model/bot', message: 'Add spec', content: Buffer.from('{}\n').toString('base64') });
      const err = await refusal(bot.rest.pulls.create({ ...where, head: 'model/bot', base: 'main', title: 'Model: bot' }));
      expect([err.status, err.response?.data.message, err.response?.data.documentation_url]).toEqual([403, 'GitHub Actions is not permitted to create or approve pull requests.', 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request']);
      await gh.allowActionsToCreatePullRequests(OWNER, REPO, true, { as: 'octo-admin' });
      const pr = (await bot.rest.pulls.create({ ...where, head: `${OWNER}:model/bot`, base: 'main', title: 'Model: bot' })).data;
      const opened = gh.events.at(-1);
      expect([opened?.event.name, opened?.event.payload.action]).toEqual(['pull_request', 'opened']);
      expect(opened?.admission).toEqual({ kind: 'approval_required', reason: expect.stringContaining('Approve workflows to run') });
      // Runs check out the test merge GitHub keeps at refs/pull/N/merge; its first parent is the base.
      const refs = await gh.refs(OWNER, REPO);
      expect(opened?.event).toMatchObject({ ref: `refs/pull/${pr.number}/merge`, sha: refs[`refs/pull/${pr.number}/merge`], changedFiles: ['model/specs/bot.json'] });
      expect(refs[`refs/pull/${pr.number}/head`]).toBe(pr.head.sha);
      // A commit on the branch with GITHUB_TOKEN: synchronize, again waiting for approval; a label: no run at all.
      const spec = (await bot.rest.repos.getContent({ ...where, path: 'model/specs/bot.json', ref: 'model/bot' })).data as { sha: string };
      await bot.rest.repos.createOrUpdateFileContents({ ...where, path: 'model/specs/bot.json', branch: 'model/bot', message: 'Tune', sha: spec.sha, content: Buffer.from('{"x":1}\n').toString('base64') });
      const sync = gh.events.filter((e) => e.event.name === 'pull_request').at(-1);
      expect([sync?.event.payload.action, sync?.admission.kind, (sync?.event.payload as { before: string }).before]).toEqual(['synchronize', 'approval_required', pr.head.sha]);
      await createClient(job({ issues: 'write' }), gh.apiUrl).rest.issues.addLabels({ ...where, issue_number: pr.number, labels: ['retrain'] });
      expect([gh.events.at(-1)?.event.name, gh.events.at(-1)?.event.payload.action, gh.events.at(-1)?.admission.kind]).toEqual(['pull_request', 'labeled', 'none']);
      // Approving with GITHUB_TOKEN while the setting is off: GitHub's 422.
      await gh.allowActionsToCreatePullRequests(OWNER, REPO, false, { as: 'octo-admin' });
      const approve = await refusal(createClient(job({ 'pull-requests': 'write' }), gh.apiUrl).rest.pulls.createReview({ ...where, pull_number: pr.number, event: 'APPROVE' }));
      expect([approve.status, approve.response?.data.errors]).toEqual([422, ['GitHub Actions is not permitted to approve pull requests.']]);
    });
  });

  describe('pull requests', () => {
    it('refuses what GitHub refuses on creation: no commits between, an existing one, an unknown head', async () => {
      const dev = createClient(gh.userToken('dev'), gh.apiUrl);
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'empty', files: {} });
      const main = (await gh.refs(OWNER, REPO))['refs/heads/main'] ?? '';
      await dev.rest.git.updateRef({ ...where, ref: 'heads/empty', sha: main, force: true });
      const none = await refusal(dev.rest.pulls.create({ ...where, head: 'empty', base: 'main', title: 't' }));
      expect(none.response?.data).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and empty' }] });
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'twice', files: { 'twice.txt': '1\n' } });
      await gh.openPullRequest(OWNER, REPO, { as: 'dev', head: 'twice', title: 'first' });
      const again = await refusal(dev.rest.pulls.create({ ...where, head: 'twice', base: 'main', title: 'second' }));
      expect(again.response?.data.errors).toEqual([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${OWNER}:twice.` }]);
      const unknown = await refusal(dev.rest.pulls.create({ ...where, head: 'no-such-branch', base: 'main', title: 't' }));
      expect(unknown.response?.data.errors).toEqual([{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);
    });

    it('a conflicting pull request has no test merge, runs no pull_request workflow and cannot be merged (405)', async () => {
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'left', files: { 'clash.txt': 'left\n' } });
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'right', files: { 'clash.txt': 'right\n' } });
      const left = await gh.openPullRequest(OWNER, REPO, { as: 'dev', head: 'left', title: 'left' });
      const right = await gh.openPullRequest(OWNER, REPO, { as: 'dev', head: 'right', title: 'right' });
      await gh.merge(OWNER, REPO, left, { as: 'dev', method: 'squash' });
      // Squash: one commit on main, one parent.
      const bare = join(dir, 'repos', OWNER, `${REPO}.git`);
      expect(execFileSync('git', ['-C', bare, 'log', '-1', '--format=%P%n%s', 'main'], { encoding: 'utf8' }).trim().split('\n')).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/), `left (#${left})`]);
      expect((await gh.refs(OWNER, REPO))[`refs/pull/${right}/merge`]).toBeUndefined();
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'right', files: { 'more.txt': 'x\n' } });
      const sync = gh.events.filter((e) => e.event.name === 'pull_request').at(-1);
      expect([sync?.event.payload.action, sync?.admission]).toEqual(['synchronize', { kind: 'none', reason: expect.stringContaining('merge conflict') }]);
      const e = await refusal(createClient(gh.userToken('dev'), gh.apiUrl).rest.pulls.merge({ ...where, pull_number: right }));
      expect([e.status, e.response?.data.message]).toEqual([405, 'Pull Request is not mergeable']);
      const pr = (await createClient(gh.userToken('dev'), gh.apiUrl).rest.pulls.get({ ...where, pull_number: right })).data;
      expect([pr.mergeable, pr.mergeable_state]).toEqual([false, 'dirty']);
    });

    it('delivers a person\'s review as pull_request_review.submitted, admitted, with the review GitHub shows', async () => {
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'reviewed', files: { 'r.txt': 'r\n' } });
      const pr = await gh.openPullRequest(OWNER, REPO, { as: 'dev', head: 'reviewed', title: 'r' });
      await gh.review(OWNER, REPO, pr, { as: 'ceo-ann', event: 'APPROVE', body: 'ship it' });
      const ev = gh.events.at(-1);
      const review = ev?.event.payload.review as { state: string; user: { login: string }; commit_id: string };
      expect([ev?.event.name, ev?.event.payload.action, ev?.admission.kind, review.state, review.user.login]).toEqual(['pull_request_review', 'submitted', 'run', 'APPROVED', 'ceo-ann']);
      expect(review.commit_id).toBe((ev?.event.payload.pull_request as { head: { sha: string } }).head.sha);
    });
  });

  describe('branch protection', () => {
    let pull: number;
    const checks = (): ReturnType<typeof createClient> => createClient(job({ checks: 'write', statuses: 'write' }), gh.apiUrl);

    beforeAll(async () => {
      await gh.protectBranch(OWNER, REPO, 'main', { required_status_checks: { strict: false, contexts: ['gitops-ml/evaluate'] }, required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true }, enforce_admins: false }, { as: 'octo-admin' });
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'model/reviews', files: { 'model/specs/reviews.json': '{"name":"reviews"}\n' }, message: 'Add reviews spec' });
      pull = await gh.openPullRequest(OWNER, REPO, { as: 'dev', head: 'model/reviews', title: 'Model: reviews', body: 'Closes #1.' });
    });

    it('refuses the merge with 405 and GitHub\'s sentence until one approval by someone with write access and the required check pass', async () => {
      const dev = createClient(gh.userToken('dev'), gh.apiUrl);
      const merge = (): Promise<unknown> => dev.rest.pulls.merge({ ...where, pull_number: pull });
      let e = await refusal(merge());
      expect([e.status, e.response?.data.message, e.response?.data.documentation_url]).toEqual([405, 'At least 1 approving review is required by reviewers with write access.', 'https://docs.github.com/articles/about-protected-branches']);
      // Broken fixtures: the author cannot approve, and a read-only reviewer's approval does not count.
      const self = await thrown(gh.review(OWNER, REPO, pull, { as: 'dev', event: 'APPROVE' }));
      expect(isLocalGitHubError(self, 'GH_SELF_APPROVAL') && self.errors).toEqual(['Can not approve your own pull request']);
      await gh.review(OWNER, REPO, pull, { as: 'viewer', event: 'APPROVE' });
      e = await refusal(merge());
      expect(e.response?.data.message).toBe('At least 1 approving review is required by reviewers with write access.');
      await gh.review(OWNER, REPO, pull, { as: 'lead', event: 'APPROVE' });
      e = await refusal(merge());
      expect([e.status, e.response?.data.message]).toEqual([405, 'Required status check "gitops-ml/evaluate" is expected.']);
      const head = gh.snapshot(OWNER, REPO).pulls.find((p) => p.number === pull)?.headSha ?? '';
      await checks().rest.checks.create({ ...where, name: 'gitops-ml/evaluate', head_sha: head, conclusion: 'failure', output: { title: 'gates failed', summary: 'accuracy' } });
      expect((await refusal(merge())).response?.data.message).toBe('Required status check "gitops-ml/evaluate" is expected.');
      // A new commit dismisses the approval (dismiss_stale_reviews), so the check alone does not unblock it.
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'model/reviews', files: { 'model/specs/reviews.json': '{"name":"reviews","v":2}\n' } });
      const pr = gh.snapshot(OWNER, REPO).pulls.find((p) => p.number === pull);
      expect(pr?.reviews.filter((r) => r.user === 'lead').map((r) => r.state)).toEqual(['DISMISSED']);
      expect(gh.events.filter((x) => x.event.name === 'pull_request_review').at(-1)?.event.payload.action).toBe('dismissed');
      await checks().rest.checks.create({ ...where, name: 'gitops-ml/evaluate', head_sha: pr?.headSha ?? '', conclusion: 'success', output: { title: 'ok', summary: 'ok' } });
      expect((await refusal(merge())).response?.data.message).toBe('At least 1 approving review is required by reviewers with write access.');
    });

    it('merges once the rule is met: a real merge commit on main (base, head), a push event, the PR closed as merged, the linked issue closed', async () => {
      await gh.review(OWNER, REPO, pull, { as: 'lead', event: 'APPROVE' });
      const before = (await gh.refs(OWNER, REPO))['refs/heads/main'];
      const head = gh.snapshot(OWNER, REPO).pulls.find((p) => p.number === pull)?.headSha;
      const sha = await gh.merge(OWNER, REPO, pull, { as: 'dev' });
      const bare = join(dir, 'repos', OWNER, `${REPO}.git`);
      expect(execFileSync('git', ['-C', bare, 'rev-parse', 'main'], { encoding: 'utf8' }).trim()).toBe(sha);
      expect(execFileSync('git', ['-C', bare, 'log', '-1', '--format=%P%n%s', 'main'], { encoding: 'utf8' }).trim()).toBe(`${before} ${head}\nMerge pull request #${pull} from ${OWNER}/model/reviews`);
      const push = gh.events.find((x) => x.event.name === 'push' && x.event.payload.after === sha);
      expect(push?.event).toMatchObject({ ref: 'refs/heads/main', actor: { login: 'dev', workflowToken: false }, changedFiles: ['model/specs/reviews.json'] });
      expect(push?.admission).toEqual({ kind: 'run' });
      const closed = gh.events.find((x) => x.event.name === 'pull_request' && x.event.payload.action === 'closed' && x.event.payload.number === pull);
      expect((closed?.event.payload.pull_request as { merged: boolean; merge_commit_sha: string }) ?? {}).toMatchObject({ merged: true, merge_commit_sha: sha });
      expect(gh.snapshot(OWNER, REPO).issues.find((i) => i.number === 1)?.state).toBe('closed');
    });

    it('refuses direct pushes to the protected branch: GH006 for git, 409 "Could not update file: …" for the contents API; admins bypass unless enforce_admins', async () => {
      const err = await thrown(gh.push(OWNER, REPO, { as: 'dev', branch: 'main', files: { 'README.md': 'direct\n' } }));
      expect(isLocalGitHubError(err, 'GH_PUSH_PROTECTED') && [err.message, ...err.details]).toEqual(['GH006: Protected branch update failed for refs/heads/main.', '', '- Changes must be made through a pull request.', '', '- Required status check "gitops-ml/evaluate" is expected.']);
      const bot = createClient(job({ contents: 'write' }), gh.apiUrl);
      const readme = (await bot.rest.repos.getContent({ ...where, path: 'README.md' })).data as { sha: string };
      const e = await refusal(bot.rest.repos.createOrUpdateFileContents({ ...where, path: 'README.md', message: 'bump', sha: readme.sha, content: Buffer.from('x').toString('base64') }));
      expect([e.status, e.response?.data.message]).toEqual([409, 'Could not update file: Required status check "gitops-ml/evaluate" is expected. Changes must be made through a pull request.']);
      // enforce_admins off: the admin's push goes through (and is delivered).
      const ok = await gh.push(OWNER, REPO, { as: 'octo-admin', branch: 'main', files: { 'NOTES.md': 'admin\n' } });
      expect(gh.events.at(-1)?.event).toMatchObject({ name: 'push', payload: { after: ok.after } });
      await gh.protectBranch(OWNER, REPO, 'main', { required_pull_request_reviews: { required_approving_review_count: 1 }, enforce_admins: true, restrictions: { users: ['lead'], teams: [] } }, { as: 'octo-admin' });
      const admin = await thrown(gh.push(OWNER, REPO, { as: 'octo-admin', branch: 'main', files: { 'NOTES.md': 'again\n' } }));
      expect(isLocalGitHubError(admin, 'GH_PUSH_PROTECTED') && admin.details).toContain("- You're not authorized to push to this branch. Visit https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches for more information.");
    });
  });

  describe('environments', () => {
    it('creates a missing environment unprotected and lets the job go at once', async () => {
      const result = await gh.environmentGate({ ...where, environment: 'staging', runId: 40, job: 'deploy', ref: 'refs/heads/main' });
      expect(result).toEqual({ state: 'approved', by: [] });
      expect(gh.snapshot(OWNER, REPO).environments.find((e) => e.name === 'staging')).toEqual({ name: 'staging', reviewers: [], waitTimer: 0, preventSelfReview: false, createdBy: 'workflow' });
    });

    it('with required reviewers, waits for a listed reviewer; a non-reviewer and a job token are refused', async () => {
      gh.addTeam(OWNER, 'executives', ['ceo-ann']);
      await gh.setEnvironment(OWNER, REPO, 'production', { reviewers: { teams: [`${OWNER}/executives`], users: ['lead'] } }, { as: 'octo-admin' });
      let settled: unknown;
      const gate = gh.environmentGate({ ...where, environment: 'production', runId: 41, job: 'production', ref: 'refs/heads/main' }).then((r) => (settled = r));
      await new Promise((r) => setTimeout(r, 20));
      expect(settled).toBeUndefined();
      const pending = (await createClient(gh.userToken('ceo-ann'), gh.apiUrl).rest.actions.getPendingDeploymentsForRun({ ...where, run_id: 41 })).data;
      expect(pending.map((p) => [p.environment.name, p.current_user_can_approve])).toEqual([['production', true]]);
      const outsider = await thrown(gh.approveDeployment(OWNER, REPO, 41, 'production', { as: 'dev' }));
      expect(isLocalGitHubError(outsider, 'GH_NOT_A_REVIEWER')).toBe(true);
      const bot = await refusal(createClient(job({ deployments: 'write', actions: 'write' }), gh.apiUrl).rest.actions.reviewPendingDeploymentsForRun({ ...where, run_id: 41, environment_ids: [1], state: 'approved', comment: '' }));
      expect([bot.status, bot.response?.data.message]).toEqual([403, 'Resource not accessible by integration']);
      expect(settled).toBeUndefined();
      await gh.approveDeployment(OWNER, REPO, 41, 'production', { as: 'ceo-ann', comment: 'ship it' });
      expect(await gate).toEqual({ state: 'approved', by: ['ceo-ann'] });
      expect(gh.snapshot(OWNER, REPO).pendingDeployments.find((p) => p.runId === 41)).toMatchObject({ state: 'approved', reviews: [{ login: 'ceo-ann', state: 'approved', comment: 'ship it' }] });
    });

    it('with prevent_self_review, the person who triggered the run cannot approve it', async () => {
      await gh.setEnvironment(OWNER, REPO, 'production', { preventSelfReview: true }, { as: 'octo-admin' });
      const gate = gh.environmentGate({ ...where, environment: 'production', runId: 44, job: 'production', ref: 'refs/heads/main', actor: 'ceo-ann' });
      await new Promise((r) => setTimeout(r, 10));
      const self = await thrown(gh.approveDeployment(OWNER, REPO, 44, 'production', { as: 'ceo-ann' }));
      expect(isLocalGitHubError(self, 'GH_SELF_REVIEW_PREVENTED')).toBe(true);
      await gh.approveDeployment(OWNER, REPO, 44, 'production', { as: 'lead' });
      expect(await gate).toEqual({ state: 'approved', by: ['lead'] });
      await gh.setEnvironment(OWNER, REPO, 'production', { preventSelfReview: false }, { as: 'octo-admin' });
    });

    it('a rejection fails the job, and a protected-branches policy keeps other branches out', async () => {
      const gate = gh.environmentGate({ ...where, environment: 'production', runId: 42, job: 'production', ref: 'refs/heads/main' });
      await new Promise((r) => setTimeout(r, 10));
      await gh.rejectDeployment(OWNER, REPO, 42, 'production', { as: 'lead', comment: 'not today' });
      expect(await gate).toEqual({ state: 'rejected', by: 'lead', comment: 'not today' });
      await gh.setEnvironment(OWNER, REPO, 'production', { protectedBranchesOnly: true }, { as: 'octo-admin' });
      expect(await gh.environmentGate({ ...where, environment: 'production', runId: 43, job: 'p', ref: 'refs/heads/model/reviews' })).toMatchObject({ state: 'rejected', comment: 'Branch "model/reviews" is not allowed to deploy to production due to environment protection rules.' });
    });
  });
});
