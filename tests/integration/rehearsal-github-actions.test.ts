import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LocalGitHub } from '../../rehearsal/github/index.js';
import type { Permissions } from '../../rehearsal/types.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { runAction } from '../helpers/run-action.js';

// The project's own bundled actions, run as a runner runs them, against the local GitHub
// with the token each job's `permissions:` block would get: every octokit call they make
// must be a documented route with a valid body, implemented, and allowed by that block.

const OWNER = 'acme';
const REPO = 'models';
let clock = Date.parse('2026-11-26T10:00:00Z');
const now = (): Date => new Date((clock += 1000));

/** A job's `permissions:` exactly as the repository's workflow file declares it. */
function permissionsOf(workflow: string, job: string): Permissions {
  const doc = parse(readFileSync(join(REPO_ROOT, '.github/workflows', workflow), 'utf8')) as { jobs: Record<string, { permissions?: Permissions }> };
  const p = doc.jobs[job]?.permissions;
  if (!p) throw new Error(`${workflow} job ${job} has no permissions block`);
  return p;
}

const answers = { name: 'reviews', goal: 'Route angry reviews to support.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '50', architecture: 'cnn (convolutional, fastest)' };

describe('the project\'s actions against the local GitHub', () => {
  let dir: string;
  let gh: LocalGitHub;
  let issueEvent: Record<string, unknown>;
  let runId = 100;
  const token = (workflow: string, job: string): string => gh.mintToken({ owner: OWNER, repo: REPO, permissions: permissionsOf(workflow, job), runId: runId++, job });
  const act = (role: string, eventName: string, payload: unknown, t: string, inputs: Record<string, string> = {}): ReturnType<typeof runAction> => runAction(role, { api: gh.apiUrl, eventName, payload, inputs: { 'github-token': t, ...inputs }, repository: `${OWNER}/${REPO}` });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'local-github-actions-'));
    gh = await new LocalGitHub({ dir, now }).start();
    gh.userToken('octo-admin', 'admin');
    gh.userToken('po', 'read');
    await gh.createFromTemplate({ owner: OWNER, repo: REPO, templateDir: REPO_ROOT, as: 'octo-admin' });
    // The setup step a team runs once (the template cannot carry it).
    await gh.allowActionsToCreatePullRequests(OWNER, REPO, true, { as: 'octo-admin' });
    await gh.fileIssueFromForm(OWNER, REPO, { as: 'po', formPath: '.github/ISSUE_TEMPLATE/new-model.yml', answers, title: 'Model: reviews' });
    issueEvent = gh.events.filter((e) => e.event.name === 'issues').at(-1)?.event.payload as Record<string, unknown>;
  });

  afterAll(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(gh.problems).toEqual([]);
    // A 403 would mean a job's permissions do not cover a call its action makes.
    expect(gh.requests.filter((r) => r.status === 403 || r.status === 501)).toEqual([]);
  });

  it('advisor (intake.yml advise): answers in a sticky comment and labels the issue; the label it adds is created and starts no run', async () => {
    const r = await act('advisor', 'issues', issueEvent, token('intake.yml', 'advise'));
    expect(r.log).not.toMatch(/::error::/);
    expect([r.code, r.outputs.accepted, r.outputs.slug]).toEqual([0, 'true', 'reviews']);
    const issue = gh.snapshot(OWNER, REPO).issues.find((i) => i.title === 'Model: reviews');
    expect(issue?.comments.map((c) => c.user)).toEqual(['github-actions[bot]']);
    expect(issue?.labels).toContain('accepted');
    expect(gh.snapshot(OWNER, REPO).labels.map((l) => l.name)).toContain('accepted');
    const labeled = gh.events.filter((e) => e.event.name === 'issues' && e.event.payload.action === 'labeled').at(-1);
    expect(labeled?.admission.kind).toBe('none');
  });

  it('orchestrator (intake.yml orchestrate): branch, spec commit, pull request, checklist, and the dispatch GitHub validates against model-pr.yml', async () => {
    const r = await act('orchestrator', 'issues', issueEvent, token('intake.yml', 'orchestrate'));
    expect(r.log).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    const s = gh.snapshot(OWNER, REPO);
    const pr = s.pulls.find((p) => p.headRef === 'model/reviews');
    expect(pr).toMatchObject({ baseRef: 'main', title: 'Model: reviews', state: 'open', user: 'github-actions[bot]' });
    expect(r.outputs['pull-number']).toBe(String(pr?.number));
    expect(JSON.parse((await gh.readFile(OWNER, REPO, 'model/reviews', 'model/specs/reviews.json')) ?? '{}')).toMatchObject({ name: 'reviews' });
    expect(pr?.comments.some((c) => c.body.startsWith('<!-- gitops-ml:checklist -->'))).toBe(true);
    expect(s.dispatches).toEqual([{ workflow: '.github/workflows/model-pr.yml', ref: 'refs/heads/model/reviews', sha: pr?.headSha, inputs: { 'pull-number': String(pr?.number) }, actor: 'github-actions[bot]' }]);
    const admissions = gh.events.filter((e) => ['pull_request', 'workflow_dispatch'].includes(e.event.name)).map((e) => [e.event.name, e.admission.kind]);
    expect(admissions).toEqual([
      ['pull_request', 'approval_required'],
      ['workflow_dispatch', 'run'],
    ]);
  });

  it('approval gate (approval.yml sign-off): records gitops-ml/sign-off on the head commit and explains what is missing', async () => {
    const opened = gh.events.find((e) => e.event.name === 'pull_request' && e.event.payload.action === 'opened')?.event.payload as { pull_request: { number: number; head: { sha: string } } };
    const r = await act('approval-gate', 'pull_request', opened, token('approval.yml', 'sign-off'));
    expect(r.log).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    const status = gh.snapshot(OWNER, REPO).statuses.find((x) => x.context === 'gitops-ml/sign-off');
    expect(status).toMatchObject({ sha: opened.pull_request.head.sha, state: 'pending', creator: 'github-actions[bot]' });
  });

  it('devops release (deploy.yml release): on the merge\'s push, the next version\'s release and its tag', async () => {
    const pr = gh.snapshot(OWNER, REPO).pulls.find((p) => p.headRef === 'model/reviews');
    await gh.merge(OWNER, REPO, pr?.number ?? 0, { as: 'octo-admin' });
    const push = gh.events.filter((e) => e.event.name === 'push' && e.event.ref === 'refs/heads/main').at(-1);
    expect(push?.event.changedFiles).toEqual(['model/specs/reviews.json']);
    const r = await act('devops', 'push', push?.event.payload, token('deploy.yml', 'release'));
    expect(r.log).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    const [release] = JSON.parse(r.outputs.releases ?? '[]') as { tag: string }[];
    expect(release?.tag).toMatch(/^reviews-v\d+\.\d+\.\d+$/);
    expect(gh.snapshot(OWNER, REPO).releases.map((x) => x.tagName)).toEqual([release?.tag]);
    expect((await gh.refs(OWNER, REPO))[`refs/tags/${release?.tag}`]).toBe(push?.event.sha);
  });
});
