import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';

const event = webhookExample('pull_request_review', 'submitted');
const HEAD = 'c'.repeat(40);

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/gitops-ml.js'), ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out };
}

describe('gitops-ml action (local runs of a role)', () => {
  let gh: GitHubStandIn;
  let env: Record<string, string>;
  let eventFile: string;
  beforeAll(async () => {
    gh = new GitHubStandIn('acme', 'models');
    const api = await gh.start();
    gh.pulls.set(3, { number: 3, head: { sha: HEAD, ref: 'model/x' }, base: { ref: 'main' }, state: 'open', title: 'x' });
    gh.addReview(3, 'octocat', 'APPROVED', HEAD); // the committed config's CEO
    const dir = mkdtempSync(join(tmpdir(), 'cli-action-'));
    eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify({ ...event, pull_request: { ...(event.pull_request as object), number: 3 }, repository: { ...(event.repository as object), full_name: 'acme/models' } }));
    env = { GITHUB_TOKEN: 'ghp_local', GITHUB_API_URL: api };
  });
  afterAll(async () => {
    await gh.close();
  });

  it('--dry-run runs the role\'s action as a runner would: reads from GitHub, prints the writes instead of sending them', async () => {
    const r = await cli(['action', 'approval-gate', '--event', eventFile, '--dry-run'], env);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`[dry-run] POST /repos/acme/models/statuses/${HEAD} {"state":"pending","context":"gitops-ml/sign-off"`);
    expect(r.out).toContain('[dry-run] POST /repos/acme/models/issues/3/comments');
    expect(gh.statuses).toEqual([]);
    expect(gh.comments.get(3)).toBeUndefined();
    // The committed config requires checks that have not run here; the outputs say so.
    expect(r.out).toContain('{"role":"approval-gate","exit_code":0,"outputs":{"state":"pending","signed-off":"false"}}');
    expect(gh.problems).toEqual([]);
  });

  it('runs any role, with inputs: the advisor on an issue payload', async () => {
    const issues = webhookExample('issues', 'opened');
    const file = join(mkdtempSync(join(tmpdir(), 'cli-issue-')), 'issue.json');
    writeFileSync(file, JSON.stringify({ ...issues, issue: { ...(issues.issue as object), number: 44, body: '### Model name\n\nx', labels: [{ name: 'new-model' }] }, repository: { ...(issues.repository as object), full_name: 'acme/models' } }));
    const r = await cli(['action', 'advisor', '--event', file, '--dry-run', '--input', 'form=.github/ISSUE_TEMPLATE/new-model.yml'], env);
    expect(r.code).toBe(0);
    expect(r.out).toContain('[dry-run] POST /repos/acme/models/issues/44/comments');
    expect(r.out).toContain('[dry-run] POST /repos/acme/models/issues/44/labels {"labels":["needs-info"]}');
    expect(r.out).toContain('"outputs":{"accepted":"false","slug":""}');
    expect(gh.labels.get(44)).toBeUndefined();
  });

  it('without --dry-run it writes the status and the sticky comment', async () => {
    const r = await cli(['action', 'approval-gate', '--event', eventFile], env);
    expect(r.code).toBe(0);
    expect(gh.statuses).toEqual([expect.objectContaining({ sha: HEAD, state: 'pending', context: 'gitops-ml/sign-off' })]);
    expect(gh.comments.get(3)).toHaveLength(1);
    expect(gh.problems).toEqual([]);
  });

  it('explains what is missing: the role, an input, the event, the token', async () => {
    expect((await cli(['action', 'advisorr', '--event', eventFile], env)).out).toMatch(/unknown role "advisorr" \(roles: advisor, approval-gate, devops, docs, evaluator, orchestrator, qa, security, tech-lead, trainer\)/);
    expect((await cli(['action', 'advisor', '--event', eventFile, '--input', 'nope=1'], env)).out).toMatch(/role "advisor" has no input "nope" \(inputs: github-token, config, form\)/);
    expect((await cli(['action', 'approval-gate'], env)).out).toMatch(/--event FILE is required/);
    expect((await cli(['action', 'approval-gate', '--event', eventFile], { GITHUB_API_URL: env.GITHUB_API_URL as string })).out).toMatch(/set GITHUB_TOKEN/);
  });
});
