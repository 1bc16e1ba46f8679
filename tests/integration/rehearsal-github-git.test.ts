import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalGitHub, gitAuthConfig, isLocalGitHubError } from '../../rehearsal/github/index.js';

// Git over smart HTTP (git http-backend behind the local GitHub): clones need a token with
// contents:read on a private repository, pushes need write access, go through branch
// protection in the pre-receive hook, and are delivered as push events.

const OWNER = 'acme';
const REPO = 'models';
let clock = Date.parse('2026-11-26T10:00:00Z');
const now = (): Date => new Date((clock += 1000));

const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };
// Asynchronous on purpose: the server answering git lives in this process, so a synchronous git would deadlock.
const git = (args: string[], cwd?: string): Promise<{ code: number | null; out: string; err: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: gitEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });

describe('local GitHub git transport', () => {
  let dir: string;
  let work: string;
  let gh: LocalGitHub;
  const bare = (): string => join(dir, 'repos', OWNER, `${REPO}.git`);
  const head = (ref: string): string => execFileSync('git', ['-C', bare(), 'rev-parse', ref], { encoding: 'utf8' }).trim();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'local-github-git-'));
    work = mkdtempSync(join(tmpdir(), 'local-github-clones-'));
    gh = await new LocalGitHub({ dir, now }).start();
    gh.userToken('octo-admin', 'admin');
    gh.userToken('dev', 'write');
    await gh.createFromTemplate({ owner: OWNER, repo: REPO, as: 'octo-admin', files: { 'README.md': '# models\n', 'model/specs/a.json': '{}\n' } });
  });

  afterAll(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(gh.problems).toEqual([]);
  });

  it('clones a private repository with a job token that can read contents, as actions/checkout authenticates', async () => {
    const token = gh.mintToken({ owner: OWNER, repo: REPO, permissions: { contents: 'read' }, runId: 1, job: 'checkout' });
    const r = await git([...gitAuthConfig(token), 'clone', '--quiet', gh.cloneUrl(OWNER, REPO), join(work, 'job')]);
    expect(r.err).toBe('');
    expect((await git(['rev-parse', 'HEAD'], join(work, 'job'))).out.trim()).toBe(head('main'));
  });

  it('refuses an anonymous clone (401) and a token without contents access (404 "Repository not found.")', async () => {
    const anon = await git(['clone', '--quiet', gh.cloneUrl(OWNER, REPO), join(work, 'anon')]);
    expect(anon.code).not.toBe(0);
    expect(anon.err).toMatch(/could not read Username|Authentication failed/);
    const token = gh.mintToken({ owner: OWNER, repo: REPO, permissions: {}, runId: 1, job: 'none' });
    const none = await git([...gitAuthConfig(token), 'clone', '--quiet', gh.cloneUrl(OWNER, REPO), join(work, 'none')]);
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/Repository not found/);
  });

  it('lets the platform (the runner reading workflow files) fetch through gitRemote without a job token', async () => {
    const src = join(work, 'source.git');
    await git(['init', '--bare', '--quiet', src]);
    const r = await git(['fetch', '--quiet', '--no-tags', gh.gitRemote(OWNER, REPO), head('main')], src);
    expect(r.code).toBe(0);
    expect((await git(['cat-file', '-t', head('main')], src)).out.trim()).toBe('commit');
    // That credential only reads: a push with it is refused.
    const clone = join(work, 'platform');
    await git(['clone', '--quiet', gh.gitRemote(OWNER, REPO), clone]);
    writeFileSync(join(clone, 'x.txt'), 'x\n');
    await git(['add', '.'], clone);
    await git(['commit', '--quiet', '-m', 'x'], clone);
    const push = await git(['push', 'origin', 'HEAD:refs/heads/sneaky'], clone);
    expect(push.code).not.toBe(0);
    expect(push.err).toMatch(/denied to github/);
  });

  it('delivers a person\'s git push as a push event with the changed files, and synchronizes the pull request on that branch', async () => {
    await gh.push(OWNER, REPO, { as: 'dev', branch: 'model/a', files: { 'model/specs/a.json': '{"v":1}\n' }, message: 'Tune a' });
    const pr = await gh.openPullRequest(OWNER, REPO, { as: 'dev', head: 'model/a', title: 'Model: a' });
    const clone = join(work, 'dev');
    expect((await git([...gitAuthConfig(gh.userToken('dev')), 'clone', '--quiet', '--branch', 'model/a', gh.cloneUrl(OWNER, REPO), clone])).code).toBe(0);
    writeFileSync(join(clone, 'model/specs/a.json'), '{"v":2}\n');
    writeFileSync(join(clone, 'notes.md'), 'n\n');
    await git(['add', '.'], clone);
    await git(['commit', '--quiet', '-m', 'More tuning'], clone);
    const before = head('model/a');
    const result = await gh.push(OWNER, REPO, { as: 'dev', branch: 'model/a', fromWorkdir: clone });
    expect(result).toEqual({ ref: 'refs/heads/model/a', before, after: (await git(['rev-parse', 'HEAD'], clone)).out.trim() });
    const push = gh.events.find((e) => e.event.name === 'push' && e.event.payload.after === result.after);
    expect(push?.event).toMatchObject({ ref: 'refs/heads/model/a', actor: { login: 'dev', workflowToken: false }, changedFiles: ['model/specs/a.json', 'notes.md'] });
    expect((push?.event.payload.commits as { message: string; added: string[]; modified: string[] }[]).map((c) => [c.message, c.added, c.modified])).toEqual([['More tuning', ['notes.md'], ['model/specs/a.json']]]);
    const sync = gh.events.at(-1);
    expect([sync?.event.name, sync?.event.payload.action, (sync?.event.payload as { after: string }).after]).toEqual(['pull_request', 'synchronize', result.after]);
    // The test merge moved with the head, and a job can fetch it as actions/checkout does for pull_request runs.
    const refs = await gh.refs(OWNER, REPO);
    expect(refs[`refs/pull/${pr}/head`]).toBe(result.after);
    const merge = refs[`refs/pull/${pr}/merge`] ?? '';
    expect(execFileSync('git', ['-C', bare(), 'log', '-1', '--format=%P', merge], { encoding: 'utf8' }).trim()).toBe(`${head('main')} ${result.after}`);
    const token = gh.mintToken({ owner: OWNER, repo: REPO, permissions: { contents: 'read' }, runId: 2, job: 'train' });
    const ws = join(work, 'ws');
    await git(['init', '--quiet', ws]);
    expect((await git([...gitAuthConfig(token), 'fetch', '--quiet', gh.cloneUrl(OWNER, REPO), `+refs/pull/${pr}/merge:refs/remotes/pull/${pr}/merge`], ws)).code).toBe(0);
  });

  it('refuses a git push to a protected branch with GH006 from the hook, leaving the branch where it was', async () => {
    await gh.protectBranch(OWNER, REPO, 'main', { required_pull_request_reviews: { required_approving_review_count: 1 } }, { as: 'octo-admin' });
    const clone = join(work, 'direct');
    await git([...gitAuthConfig(gh.userToken('dev')), 'clone', '--quiet', gh.cloneUrl(OWNER, REPO), clone]);
    writeFileSync(join(clone, 'README.md'), 'direct\n');
    await git(['commit', '--quiet', '-am', 'direct'], clone);
    const before = head('main');
    const err = await gh.push(OWNER, REPO, { as: 'dev', branch: 'main', fromWorkdir: clone }).catch((e: unknown) => e);
    expect(isLocalGitHubError(err, 'GH_PUSH_PROTECTED') && [err.message, ...err.details]).toEqual(['GH006: Protected branch update failed for refs/heads/main.', '', '- Changes must be made through a pull request.']);
    expect(head('main')).toBe(before);
    // Plain `git push` prints it the way GitHub's remote does.
    const raw = await git([...gitAuthConfig(gh.userToken('dev')), 'push', gh.cloneUrl(OWNER, REPO), 'HEAD:refs/heads/main'], clone);
    expect(raw.err).toContain('remote: error: GH006: Protected branch update failed for refs/heads/main.');
    expect(raw.err).toContain('remote: - Changes must be made through a pull request.');
  });

  it('refuses pushes GitHub refuses: a job token without contents:write, GitHub\'s refs/pull/*, and any push around the server', async () => {
    const clone = join(work, 'dev');
    const token = gh.mintToken({ owner: OWNER, repo: REPO, permissions: { contents: 'read' }, runId: 3, job: 'j' });
    const denied = await git([...gitAuthConfig(token), 'push', gh.cloneUrl(OWNER, REPO), 'HEAD:refs/heads/bot'], clone);
    expect(denied.err).toMatch(/Permission to acme\/models\.git denied to github-actions\[bot\]/);
    writeFileSync(join(clone, 'hidden.md'), 'h\n');
    await git(['add', '.'], clone);
    await git(['commit', '--quiet', '-m', 'hidden'], clone);
    const hidden = await git([...gitAuthConfig(gh.userToken('dev')), 'push', gh.cloneUrl(OWNER, REPO), 'HEAD:refs/pull/1/head'], clone);
    expect(hidden.err).toContain('deny updating a hidden ref');
    // The bare repository on disk is no back door: its hook refuses what did not come through the server.
    const direct = await git(['push', bare(), 'HEAD:refs/heads/around'], clone);
    expect(direct.code).not.toBe(0);
    expect(direct.err).toContain('accepts pushes only through the local GitHub');
  });
});
