import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../../actions/shared/src/github.js';
import { LocalGitHub } from '../../rehearsal/github/index.js';
import type { Permissions } from '../../rehearsal/types.js';
import { REPO_ROOT } from '../helpers/datasets.js';

// The REST side of the local GitHub through a real Octokit over loopback: GitHub's routes
// and bodies, its credentials and permission answers, and git-backed semantics.

const OWNER = 'acme';
const REPO = 'models';
let clock = Date.parse('2026-11-26T10:00:00Z');
const now = (): Date => new Date((clock += 1000));

interface HttpError {
  status: number;
  message: string;
  response?: { data: { message: string; documentation_url: string; errors?: unknown[] }; headers: Record<string, string> };
}

async function refusal(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (err) {
    return err as HttpError;
  }
  throw new Error('expected GitHub to refuse the call');
}

describe('local GitHub REST API', () => {
  let dir: string;
  let gh: LocalGitHub;
  let adminToken: string;
  const job = (permissions: Permissions): string => gh.mintToken({ owner: OWNER, repo: REPO, permissions, runId: 7, job: 'test' });
  const bare = (): string => join(dir, 'repos', OWNER, `${REPO}.git`);
  const revParse = (rev: string): string => execFileSync('git', ['-C', bare(), 'rev-parse', rev], { encoding: 'utf8' }).trim();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'local-github-rest-'));
    gh = await new LocalGitHub({ dir, now }).start();
    adminToken = gh.userToken('octo-admin', 'admin');
    gh.userToken('dev', 'write');
    gh.userToken('reader', 'read');
    await gh.createFromTemplate({ owner: OWNER, repo: REPO, as: 'octo-admin', files: { 'README.md': '# models\n', 'model/specs/base.json': '{"name":"base"}\n', '.github/workflows/model-pr.yml': 'on:\n  workflow_dispatch:\n    inputs:\n      pull-number:\n        required: true\n        type: string\njobs: {}\n', '.github/workflows/ci.yml': 'on: push\njobs: {}\n' } });
  });

  afterAll(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    // Every call a test makes on purpose outside GitHub's description is cleared by that test.
    expect(gh.problems).toEqual([]);
  });

  it('answers unknown routes, bodies GitHub refuses and unimplemented operations as GitHub would, and records each', async () => {
    const api = (path: string, init?: RequestInit): Promise<Response> => fetch(`${gh.apiUrl}${path}`, { ...init, headers: { authorization: `token ${adminToken}`, 'content-type': 'application/json' } });
    const unknown = await api(`/repos/${OWNER}/${REPO}/no-such-thing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    const invalid = await api(`/repos/${OWNER}/${REPO}/issues/1/comments`, { method: 'POST', body: JSON.stringify({ text: 'wrong field' }) });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment' });
    const notJson = await api(`/repos/${OWNER}/${REPO}/issues`, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    const unimplemented = await api(`/repos/${OWNER}/${REPO}/forks`, { method: 'POST', body: '{}' });
    expect(unimplemented.status).toBe(501);
    expect(gh.problems).toEqual([
      `unknown route GET /repos/${OWNER}/${REPO}/no-such-thing`,
      expect.stringMatching(/^issues\/create-comment: invalid body .*must have required property 'body'/),
      'issues/create: body is not JSON',
      expect.stringMatching(/does not implement repos\/create-fork/),
    ]);
    (gh.problems as string[]).length = 0;
  });

  it('refuses unknown or revoked tokens with 401 "Bad credentials"', async () => {
    const token = job({ contents: 'read' });
    expect((await createClient(token, gh.apiUrl).rest.repos.get({ owner: OWNER, repo: REPO })).status).toBe(200);
    gh.revokeToken(token);
    const err = await refusal(createClient(token, gh.apiUrl).rest.repos.get({ owner: OWNER, repo: REPO }));
    expect(err.status).toBe(401);
    expect(err.response?.data).toMatchObject({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    expect((await refusal(createClient('ghs_made_up', gh.apiUrl).rest.repos.get({ owner: OWNER, repo: REPO }))).status).toBe(401);
  });

  it('bounds a job token by its permissions: 403 "Resource not accessible by integration" with the docs link and accepted permissions', async () => {
    const reader = createClient(job({ contents: 'read' }), gh.apiUrl);
    const err = await refusal(reader.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'hi' }));
    expect(err.status).toBe(403);
    expect(err.response?.data).toMatchObject({ message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment' });
    expect(err.response?.headers['x-accepted-github-permissions']).toBe('issues=write; pull_requests=write');
    // With `permissions: {}` the token reads the repository's metadata and nothing else (a private repository).
    const none = createClient(job({}), gh.apiUrl);
    expect((await none.rest.repos.get({ owner: OWNER, repo: REPO })).data.default_branch).toBe('main');
    expect((await refusal(none.rest.repos.getContent({ owner: OWNER, repo: REPO, path: 'README.md' }))).status).toBe(403);
    // Administration is never a job token's: environments, protection, Actions settings.
    const writer = createClient(job({ contents: 'write', actions: 'write', deployments: 'write' }), gh.apiUrl);
    for (const call of [
      writer.rest.repos.createOrUpdateEnvironment({ owner: OWNER, repo: REPO, environment_name: 'production' }),
      writer.rest.repos.updateBranchProtection({ owner: OWNER, repo: REPO, branch: 'main', required_status_checks: null, enforce_admins: null, required_pull_request_reviews: null, restrictions: null }),
      writer.rest.actions.setGithubActionsDefaultWorkflowPermissionsRepository({ owner: OWNER, repo: REPO, can_approve_pull_request_reviews: true }),
      writer.rest.actions.createRepoVariable({ owner: OWNER, repo: REPO, name: 'X', value: '1' }),
    ]) {
      const e = await refusal(call);
      expect([e.status, e.response?.data.message]).toEqual([403, 'Resource not accessible by integration']);
    }
    // A person with write access is refused the admin-only ones with GitHub's own sentence.
    const dev = createClient(gh.userToken('dev'), gh.apiUrl);
    const e = await refusal(dev.rest.repos.createOrUpdateEnvironment({ owner: OWNER, repo: REPO, environment_name: 'production' }));
    expect([e.status, e.response?.data.message]).toEqual([403, 'Must have admin rights to Repository.']);
  });

  it('serves contents from git: the blob sha git computes, base64 content, directories', async () => {
    const gh2 = createClient(job({ contents: 'read' }), gh.apiUrl);
    const { data } = await gh2.rest.repos.getContent({ owner: OWNER, repo: REPO, path: 'model/specs/base.json' });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) throw new Error('expected a file');
    expect(data.sha).toBe(revParse('main:model/specs/base.json'));
    expect(Buffer.from(data.content, 'base64').toString('utf8')).toBe('{"name":"base"}\n');
    const listing = (await gh2.rest.repos.getContent({ owner: OWNER, repo: REPO, path: 'model' })).data;
    expect(Array.isArray(listing) && listing.map((e) => [e.name, e.type])).toEqual([['specs', 'dir']]);
    expect((await refusal(gh2.rest.repos.getContent({ owner: OWNER, repo: REPO, path: 'nope.txt' }))).status).toBe(404);
  });

  it('writes files as real commits and refuses what GitHub refuses: missing sha 422, stale sha 409, unknown branch 404', async () => {
    const bot = createClient(job({ contents: 'write' }), gh.apiUrl);
    const where = { owner: OWNER, repo: REPO };
    await bot.rest.git.createRef({ ...where, ref: 'refs/heads/work', sha: revParse('main') });
    expect((await refusal(bot.rest.git.createRef({ ...where, ref: 'refs/heads/work', sha: revParse('main') }))).response?.data.message).toBe('Reference already exists');
    const created = await bot.rest.repos.createOrUpdateFileContents({ ...where, path: 'docs/a.md', branch: 'work', message: 'Add a', content: Buffer.from('one\n').toString('base64') });
    expect(created.status).toBe(201);
    expect(created.data.commit.sha).toBe(revParse('work'));
    expect(created.data.content?.sha).toBe(revParse('work:docs/a.md'));
    const missing = await refusal(bot.rest.repos.createOrUpdateFileContents({ ...where, path: 'docs/a.md', branch: 'work', message: 'again', content: Buffer.from('two\n').toString('base64') }));
    expect([missing.status, missing.response?.data.message]).toEqual([422, 'Invalid request.\n\n"sha" wasn\'t supplied.']);
    const stale = await refusal(bot.rest.repos.createOrUpdateFileContents({ ...where, path: 'docs/a.md', branch: 'work', message: 'again', sha: 'deadbeef', content: Buffer.from('two\n').toString('base64') }));
    expect([stale.status, stale.response?.data.message]).toEqual([409, 'docs/a.md does not match deadbeef']);
    const noBranch = await refusal(bot.rest.repos.createOrUpdateFileContents({ ...where, path: 'x', branch: 'nowhere', message: 'm', content: '' }));
    expect([noBranch.status, noBranch.response?.data.message]).toEqual([404, 'Branch nowhere not found']);
    const updated = await bot.rest.repos.createOrUpdateFileContents({ ...where, path: 'docs/a.md', branch: 'work', message: 'Update a', sha: created.data.content?.sha ?? '', content: Buffer.from('two\n').toString('base64') });
    expect(updated.status).toBe(200);
    // repos/get-commit: the files changed, the parent, and the author mapped back to the bot's login.
    const commit = (await bot.rest.repos.getCommit({ ...where, ref: updated.data.commit.sha ?? '' })).data;
    expect(commit.parents.map((p) => p.sha)).toEqual([created.data.commit.sha]);
    expect(commit.files?.map((f) => [f.filename, f.status])).toEqual([['docs/a.md', 'modified']]);
    expect(commit.author?.login).toBe('github-actions[bot]');
    expect(commit.commit.message).toBe('Update a');
    expect((await refusal(bot.rest.repos.getCommit({ ...where, ref: 'f'.repeat(40) }))).response?.data.message).toBe(`No commit found for SHA: ${'f'.repeat(40)}`);
    const ref = (await bot.rest.git.getRef({ ...where, ref: 'heads/work' })).data;
    expect(ref).toMatchObject({ ref: 'refs/heads/work', object: { sha: revParse('work'), type: 'commit' } });
    const cmp = (await bot.rest.repos.compareCommitsWithBasehead({ ...where, basehead: 'main...work' })).data;
    expect([cmp.status, cmp.ahead_by, cmp.files?.map((f) => f.filename)]).toEqual(['ahead', 2, ['docs/a.md']]);
  });

  it('keeps issues, labels and comments, and refuses comment bodies over 65,536 characters with 422', async () => {
    const bot = createClient(job({ issues: 'write' }), gh.apiUrl);
    const where = { owner: OWNER, repo: REPO };
    const issue = (await bot.rest.issues.create({ ...where, title: 'Model: x', body: 'please' })).data;
    // Adding a label through the API creates it when the repository does not have it.
    const labels = (await bot.rest.issues.addLabels({ ...where, issue_number: issue.number, labels: ['needs-info'] })).data;
    expect(labels.map((l) => l.name)).toEqual(['needs-info']);
    expect((await bot.rest.issues.listLabelsForRepo(where)).data.map((l) => l.name)).toContain('needs-info');
    const gone = await refusal(bot.rest.issues.removeLabel({ ...where, issue_number: issue.number, name: 'accepted' }));
    expect([gone.status, gone.response?.data.message]).toEqual([404, 'Label does not exist']);
    await bot.rest.issues.removeLabel({ ...where, issue_number: issue.number, name: 'needs-info' });
    const c = (await bot.rest.issues.createComment({ ...where, issue_number: issue.number, body: 'first' })).data;
    await bot.rest.issues.updateComment({ ...where, comment_id: c.id, body: 'edited' });
    const all = await bot.paginate(bot.rest.issues.listComments, { ...where, issue_number: issue.number, per_page: 100 });
    expect(all.map((x) => [x.body, x.user?.login])).toEqual([['edited', 'github-actions[bot]']]);
    const long = await refusal(bot.rest.issues.createComment({ ...where, issue_number: issue.number, body: 'x'.repeat(65_537) }));
    expect(long.status).toBe(422);
    expect(long.response?.data).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' }] });
    expect((await bot.rest.issues.createComment({ ...where, issue_number: issue.number, body: 'x'.repeat(65_536) })).status).toBe(201);
    const dup = await refusal(createClient(job({ issues: 'write' }), gh.apiUrl).rest.issues.createLabel({ ...where, name: 'Needs-Info', color: 'ff0000' }));
    expect(dup.response?.data).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] });
  });

  it('paginates with Link headers the way Octokit follows them', async () => {
    const bot = createClient(job({ issues: 'write' }), gh.apiUrl);
    const issue = (await bot.rest.issues.create({ owner: OWNER, repo: REPO, title: 'many comments' })).data;
    for (let i = 0; i < 5; i++) await bot.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: issue.number, body: `c${i}` });
    const first = await bot.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: issue.number, per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toMatch(/rel="next"/);
    const all = await bot.paginate(bot.rest.issues.listComments, { owner: OWNER, repo: REPO, issue_number: issue.number, per_page: 2 });
    expect(all.map((c) => c.body)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('records check runs (apps only) and commit statuses per commit', async () => {
    const sha = revParse('main');
    const bot = createClient(job({ checks: 'write', statuses: 'write' }), gh.apiUrl);
    const where = { owner: OWNER, repo: REPO };
    const run = (await bot.rest.checks.create({ ...where, name: 'evaluation', head_sha: sha, status: 'in_progress' })).data;
    await bot.rest.checks.update({ ...where, check_run_id: run.id, conclusion: 'success', output: { title: 'Gates passed', summary: 'all green' } });
    await bot.rest.checks.create({ ...where, name: 'qa', head_sha: sha, conclusion: 'failure', output: { title: 'x', summary: 'y' } });
    const runs = await bot.paginate(bot.rest.checks.listForRef, { ...where, ref: sha, per_page: 100 });
    expect(runs.map((r) => [r.name, r.status, r.conclusion, r.output.summary]).sort()).toEqual([
      ['evaluation', 'completed', 'success', 'all green'],
      ['qa', 'completed', 'failure', 'y'],
    ]);
    const tooLong = await refusal(bot.rest.checks.create({ ...where, name: 'big', head_sha: sha, conclusion: 'success', output: { title: 't', summary: 'é'.repeat(40_000) } }));
    expect(tooLong.response?.data).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'CheckRun', field: 'summary', message: 'summary exceeds a maximum bytesize of 65535' }] });
    // Check runs belong to apps: a person's token cannot create one, whatever its access.
    const person = await refusal(createClient(adminToken, gh.apiUrl).rest.checks.create({ ...where, name: 'manual', head_sha: sha }));
    expect([person.status, person.response?.data.message]).toEqual([403, 'You must authenticate via a GitHub App.']);
    await bot.rest.repos.createCommitStatus({ ...where, sha, state: 'pending', context: 'gitops-ml/sign-off' });
    await bot.rest.repos.createCommitStatus({ ...where, sha, state: 'success', context: 'gitops-ml/sign-off' });
    const combined = (await bot.rest.repos.getCombinedStatusForRef({ ...where, ref: 'main' })).data;
    expect([combined.state, combined.total_count, combined.statuses[0]?.state]).toEqual(['success', 1, 'success']);
    expect((await refusal(bot.rest.repos.createCommitStatus({ ...where, sha: 'a'.repeat(40), state: 'success' }))).response?.data.message).toBe(`No commit found for SHA: ${'a'.repeat(40)}`);
  });

  it('creates releases with a real tag, uploads assets to the upload_url and serves the download', async () => {
    const bot = createClient(job({ contents: 'write' }), gh.apiUrl);
    const where = { owner: OWNER, repo: REPO };
    const rel = (await bot.rest.repos.createRelease({ ...where, tag_name: 'base-v1.0.0', target_commitish: revParse('main'), name: 'base 1.0.0', body: 'notes' })).data;
    expect(revParse('refs/tags/base-v1.0.0')).toBe(revParse('main'));
    const dup = await refusal(bot.rest.repos.createRelease({ ...where, tag_name: 'base-v1.0.0' }));
    expect(dup.response?.data).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] });
    expect((await bot.rest.repos.listTags(where)).data.map((t) => t.name)).toEqual(['base-v1.0.0']);
    expect((await bot.rest.repos.getReleaseByTag({ ...where, tag: 'base-v1.0.0' })).data.id).toBe(rel.id);
    const upload = rel.upload_url.replace(/\{.*$/, '');
    const res = await fetch(`${upload}?name=card.md`, { method: 'POST', body: '# card\n', headers: { authorization: `token ${job({ contents: 'write' })}`, 'content-type': 'text/markdown' } });
    expect(res.status).toBe(201);
    const assets = (await bot.rest.repos.listReleaseAssets({ ...where, release_id: rel.id })).data;
    expect(assets.map((a) => [a.name, a.size, a.content_type])).toEqual([['card.md', 7, 'text/markdown']]);
    const download = await fetch(assets[0]?.browser_download_url ?? '', { headers: { authorization: `token ${adminToken}` } });
    expect(await download.text()).toBe('# card\n');
  });

  it('keeps deployments and their statuses, and refuses one whose commit statuses failed unless required_contexts says otherwise', async () => {
    const bot = createClient(job({ deployments: 'write', statuses: 'write' }), gh.apiUrl);
    const where = { owner: OWNER, repo: REPO };
    await bot.rest.repos.createCommitStatus({ ...where, sha: revParse('main'), state: 'failure', context: 'ci/other' });
    const blocked = await refusal(bot.rest.repos.createDeployment({ ...where, ref: 'main', environment: 'staging' }));
    expect([blocked.status, blocked.response?.data.message]).toEqual([409, 'Conflict: Commit status checks failed for main.']);
    const d = (await bot.rest.repos.createDeployment({ ...where, ref: 'main', environment: 'staging', required_contexts: [], auto_merge: false, payload: { version: '1.0.0' } })).data;
    if (!('id' in d)) throw new Error('expected a deployment');
    await bot.rest.repos.createDeploymentStatus({ ...where, deployment_id: d.id, state: 'in_progress' });
    await bot.rest.repos.createDeploymentStatus({ ...where, deployment_id: d.id, state: 'success', environment_url: 'http://staging.example' });
    const statuses = (await bot.rest.repos.listDeploymentStatuses({ ...where, deployment_id: d.id })).data;
    expect(statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect((await bot.rest.repos.listDeployments({ ...where, environment: 'staging' })).data.map((x) => [x.id, x.sha])).toEqual([[d.id, revParse('main')]]);
    // A deployment names its environment into existence, unprotected.
    expect(gh.snapshot(OWNER, REPO).environments).toContainEqual({ name: 'staging', reviewers: [], waitTimer: 0, preventSelfReview: false, createdBy: 'workflow' });
  });

  it('dispatches workflows after reading the workflow file at the ref, with GitHub\'s 422s', async () => {
    const bot = createClient(job({ actions: 'write' }), gh.apiUrl);
    const where = { owner: OWNER, repo: REPO };
    const e = (p: Promise<unknown>): Promise<unknown> => refusal(p).then((x) => [x.status, x.response?.data.message]);
    expect(await e(bot.rest.actions.createWorkflowDispatch({ ...where, workflow_id: 'ci.yml', ref: 'main' }))).toEqual([422, "Workflow does not have 'workflow_dispatch' trigger"]);
    expect(await e(bot.rest.actions.createWorkflowDispatch({ ...where, workflow_id: 'model-pr.yml', ref: 'nope' }))).toEqual([422, 'No ref found for: nope']);
    expect(await e(bot.rest.actions.createWorkflowDispatch({ ...where, workflow_id: 'model-pr.yml', ref: 'main' }))).toEqual([422, "Required input 'pull-number' not provided"]);
    expect(await e(bot.rest.actions.createWorkflowDispatch({ ...where, workflow_id: 'model-pr.yml', ref: 'main', inputs: { 'pull-number': '3', extra: 'x' } }))).toEqual([422, 'Unexpected inputs provided: ["extra"]']);
    expect(await e(bot.rest.actions.createWorkflowDispatch({ ...where, workflow_id: 'missing.yml', ref: 'main' }))).toEqual([404, 'Not Found']);
    expect((await bot.rest.actions.createWorkflowDispatch({ ...where, workflow_id: 'model-pr.yml', ref: 'main', inputs: { 'pull-number': '3' } })).status).toBe(204);
    const last = gh.events.at(-1);
    expect(last?.event).toMatchObject({ name: 'workflow_dispatch', ref: 'refs/heads/main', sha: revParse('main'), payload: { inputs: { 'pull-number': '3' }, workflow: '.github/workflows/model-pr.yml' } });
    // Dispatch is the exception: a run starts even though GITHUB_TOKEN asked.
    expect(last?.admission).toEqual({ kind: 'run' });
  });

  it('answers the Actions PR setting, team members (not to job tokens) and repository metadata', async () => {
    const admin = createClient(adminToken, gh.apiUrl);
    const where = { owner: OWNER, repo: REPO };
    expect((await admin.rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository(where)).data).toEqual({ default_workflow_permissions: 'read', can_approve_pull_request_reviews: false });
    gh.addTeam(OWNER, 'leads', ['ceo-ann']);
    expect((await admin.rest.teams.listMembersInOrg({ org: OWNER, team_slug: 'leads' })).data.map((m) => m.login)).toEqual(['ceo-ann']);
    // GITHUB_TOKEN cannot read organization teams: GitHub answers 404, as if the team did not exist.
    const e = await refusal(createClient(job({ contents: 'read' }), gh.apiUrl).rest.teams.listMembersInOrg({ org: OWNER, team_slug: 'leads' }));
    expect(e.status).toBe(404);
    const repo = (await admin.rest.repos.get(where)).data;
    expect(repo).toMatchObject({ full_name: `${OWNER}/${REPO}`, private: true, default_branch: 'main', permissions: { admin: true } });
  });
});

describe('webhook payloads', () => {
  // Fields of GitHub's examples the local GitHub leaves out on purpose (app installations,
  // reactions, enterprise and rarely-read links); everything else must be there.
  const OMITTED = new Set(['installation', 'enterprise', 'reactions', 'performed_via_github_app', 'timeline_url', 'node_id', 'avatar_url', 'gravatar_id', 'followers_url', 'following_url', 'gists_url', 'starred_url', 'subscriptions_url', 'organizations_url', 'repos_url', 'events_url', 'received_events_url', 'review_comment_url', 'user_view_type']);

  it('carry the top-level and main-object fields @octokit/webhooks-examples show for each event', async () => {
    const examples = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as { name: string; examples: Record<string, unknown>[] }[];
    const dir = mkdtempSync(join(tmpdir(), 'local-github-payloads-'));
    const gh = await new LocalGitHub({ dir, now }).start();
    try {
      gh.userToken('octo-admin', 'admin');
      gh.userToken('dev', 'write');
      await gh.createFromTemplate({ owner: OWNER, repo: REPO, as: 'octo-admin', files: { 'README.md': 'x\n', '.github/workflows/d.yml': 'on: workflow_dispatch\njobs: {}\n' } });
      const issue = await gh.api<{ number: number }>(gh.userToken('dev'), 'POST', `/repos/${OWNER}/${REPO}/issues`, { title: 't', body: 'b', labels: ['bug'] });
      await gh.comment(OWNER, REPO, issue.data.number, 'c', { as: 'dev' });
      await gh.push(OWNER, REPO, { as: 'dev', branch: 'feature', files: { 'a.txt': 'a\n' } });
      const pr = await gh.openPullRequest(OWNER, REPO, { as: 'dev', head: 'feature', title: 'PR' });
      gh.userToken('lead', 'write');
      await gh.review(OWNER, REPO, pr, { as: 'lead', event: 'APPROVE' });
      const bot = gh.mintToken({ owner: OWNER, repo: REPO, permissions: { checks: 'write', statuses: 'write', contents: 'write', deployments: 'write', actions: 'write' }, runId: 1, job: 'j' });
      const sha = (await gh.refs(OWNER, REPO))['refs/heads/main'];
      await gh.api(bot, 'POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'c', head_sha: sha, conclusion: 'success' });
      await gh.api(bot, 'POST', `/repos/${OWNER}/${REPO}/statuses/${sha}`, { state: 'success', context: 'x' });
      await gh.api(bot, 'POST', `/repos/${OWNER}/${REPO}/releases`, { tag_name: 'v1' });
      const d = await gh.api<{ id: number }>(bot, 'POST', `/repos/${OWNER}/${REPO}/deployments`, { ref: 'main', required_contexts: [] });
      await gh.api(bot, 'POST', `/repos/${OWNER}/${REPO}/deployments/${d.data.id}/statuses`, { state: 'success' });
      await gh.api(bot, 'POST', `/repos/${OWNER}/${REPO}/actions/workflows/d.yml/dispatches`, { ref: 'main' });
      await gh.merge(OWNER, REPO, pr, { as: 'dev' });
      expect(gh.problems).toEqual([]);
      const main: Record<string, string> = { issues: 'issue', issue_comment: 'comment', pull_request: 'pull_request', pull_request_review: 'review', check_run: 'check_run', release: 'release', deployment: 'deployment', deployment_status: 'deployment_status', status: 'commit', push: 'head_commit' };
      const missing: string[] = [];
      const seen = new Set<string>();
      for (const { event } of gh.events) {
        const key = `${event.name}.${String(event.payload.action ?? '')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const example = examples.find((e) => e.name === event.name)?.examples.find((x) => (x.action ?? '') === (event.payload.action ?? ''));
        if (!example) continue;
        for (const k of Object.keys(example)) if (!OMITTED.has(k) && !(k in event.payload)) missing.push(`${key}: ${k}`);
        const obj = main[event.name];
        const ours = obj ? (event.payload[obj] as Record<string, unknown> | null) : undefined;
        const theirs = obj ? (example[obj] as Record<string, unknown> | null) : undefined;
        // A check run's `deployment` appears only for jobs that deploy to an environment.
        if (ours && theirs) for (const k of Object.keys(theirs)) if (!OMITTED.has(k) && !(obj === 'check_run' && k === 'deployment') && !(k in ours)) missing.push(`${key}: ${obj}.${k}`);
      }
      expect(missing).toEqual([]);
      // The events the brief lists all occurred.
      expect([...seen].sort()).toEqual(expect.arrayContaining(['issues.opened', 'issues.labeled', 'issue_comment.created', 'push.', 'pull_request.opened', 'pull_request.closed', 'pull_request_review.submitted', 'check_run.completed', 'status.', 'release.published', 'deployment.created', 'deployment_status.created', 'workflow_dispatch.']));
    } finally {
      await gh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
