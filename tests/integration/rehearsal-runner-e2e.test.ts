import { cpSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowRunner, consoleLogger } from '../../rehearsal/runner/index.js';
import type { WorkflowRunRecord } from '../../rehearsal/types.js';
import { commit, event, FakeGitHub, git, pushEvent } from '../fixtures/rehearsal/fake-github.js';
import { REPO_ROOT } from '../helpers/datasets.js';

/**
 * The fixture repository tests/fixtures/rehearsal/repo, committed to a real git
 * repository and run end to end: events in, workflows read from each event's commit,
 * jobs on the runner with the stand-ins, a node action calling a loopback API with the
 * token GitHub would give it, records out.
 */
describe('workflow runner, end to end on a fixture repository', () => {
  let server: Server;
  let api = '';
  let gh: FakeGitHub;
  let runner: WorkflowRunner;
  let repo = '';
  let out = '';
  const comments: Array<{ token: string; body: string }> = [];

  beforeAll(async () => {
    repo = mkdtempSync(join(tmpdir(), 'rehearsal-e2e-'));
    cpSync(join(REPO_ROOT, 'tests/fixtures/rehearsal/repo'), repo, { recursive: true });
    git(repo, 'init', '--quiet', '-b', 'main');
    commit(repo, {}, 'initial');
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        const minted = gh.minted.find((m) => m.token === token);
        res.setHeader('content-type', 'application/json');
        if (!minted || gh.revoked.includes(token)) return res.writeHead(401).end(JSON.stringify({ message: 'Bad credentials' }));
        if (req.method === 'POST' && req.url === '/repos/acme/models/issues/1/comments') {
          if (minted.permissions.issues !== 'write') return res.writeHead(403).end(JSON.stringify({ message: 'Resource not accessible by integration' }));
          comments.push({ token, body: (JSON.parse(body) as { body: string }).body });
          return res.writeHead(201).end(JSON.stringify({ id: comments.length }));
        }
        res.writeHead(404).end(JSON.stringify({ message: 'Not Found' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    gh = new FakeGitHub(repo, api, api);
    gh.gate = async () => ({ state: 'approved', by: ['ceo'] });
    runner = new WorkflowRunner({ github: gh, repoOwner: 'acme', repo: 'models', workDir: mkdtempSync(join(tmpdir(), 'rehearsal-e2e-work-')), logger: consoleLogger({ write: (t) => (out += t) }), concurrency: 2 });
    runner.start();
  });

  afterAll(async () => {
    await runner.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const summary = (runs: WorkflowRunRecord[]) => Object.fromEntries(runs.map((r) => [r.workflow, [r.conclusion, ...r.jobs.map((j) => `${j.name}:${j.conclusion}`)]]));
  const newRuns = async (before: number): Promise<WorkflowRunRecord[]> => {
    await runner.waitIdle();
    return runner.runs().slice(before);
  };

  it('a push to main runs ci and the path-filtered deploy; the node action comments with its job\'s token', async () => {
    const sha = git(repo, 'rev-parse', 'HEAD');
    gh.emit(pushEvent(sha));
    const runs = await newRuns(0);
    expect(summary(runs)).toEqual({ ci: ['success', 'build:success', 'report:success'], deploy: ['success', 'production:success'] });
    const ci = runs.find((r) => r.workflow === 'ci') as WorkflowRunRecord;
    expect(ci).toMatchObject({ event: 'push', action: null, head_sha: sha, artifacts: ['site'], concurrency: 'ci-refs/heads/main' });
    expect(ci.jobs[0]?.steps.map((s) => s.name)).toEqual(['Set up job', 'Run actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', 'Run ./actions/version', 'Build', 'Run actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', 'Post Run actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', 'Complete job']);
    expect(ci.jobs[0]?.summary).toBe('built 1.0.0\n');
    expect(ci.jobs[0]?.outputs).toEqual({ version: '1.0.0' });
    for (const s of ci.jobs.flatMap((j) => j.steps)) expect(typeof s.duration_ms).toBe('number');
    const reporter = gh.minted.find((m) => m.job === 'report' && m.runId === ci.id);
    expect(comments).toEqual([{ token: reporter?.token, body: 'hello main (version 1.0.0, push of acme/models)' }]);
    expect(gh.revoked).toContain(reporter?.token);
    const deploy = runs.find((r) => r.workflow === 'deploy') as WorkflowRunRecord;
    expect(deploy.jobs[0]?.environment).toEqual({ name: 'production', url: 'https://example.test/1.0.0', waited: true });
    expect(gh.gates.map((g) => [g.environment, g.runId])).toEqual([['production', deploy.id]]);
    expect(out).toContain(`● ci #1 · push · ${sha.slice(0, 7)}`);
    expect(out).toMatch(/✓ ci #1 · success/);
    expect(out).toMatch(/ {6}✓ Run \.\/actions\/version · \d/);
  });

  it('a push that changes no app/ file runs ci only', async () => {
    const before = runner.runs().length;
    const prev = git(repo, 'rev-parse', 'HEAD');
    const sha = commit(repo, { 'README.txt': 'changed\n' }, 'readme');
    gh.emit(pushEvent(sha, { before: prev }));
    expect(summary(await newRuns(before))).toEqual({ ci: ['success', 'build:success', 'report:success'] });
  });

  it('a pull request runs ci on its merge commit; one needing approval waits until approved', async () => {
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    const head = commit(repo, { 'app/greet.mjs': "console.log(`hello ${process.argv[2] ?? 'world'}!`);\n" }, 'feature');
    git(repo, 'checkout', '--quiet', '--detach', base);
    git(repo, 'merge', '--quiet', '--no-ff', '-m', 'Merge feature into main', 'feature');
    const merge = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'update-ref', 'refs/pull/1/merge', merge);
    git(repo, 'checkout', '--quiet', 'main');
    const pr = (action: string) => event('pull_request', merge, { action, number: 1, pull_request: { number: 1, head: { ref: 'feature', sha: head }, base: { ref: 'main', sha: base } } }, { ref: 'refs/pull/1/merge' });
    const before = runner.runs().length;
    gh.emit(pr('opened'));
    const runs = await newRuns(before);
    expect(summary(runs)).toEqual({ ci: ['success', 'build:success', 'report:success'] });
    expect(runs[0]).toMatchObject({ event: 'pull_request', action: 'opened', head_sha: merge, ref: 'refs/pull/1/merge' });
    expect(comments.at(-1)?.body).toBe('hello feature! (version 1.0.0, pull_request of acme/models)');

    gh.emit(pr('synchronize'), { kind: 'approval_required', reason: 'This workflow run was triggered by a pull request GITHUB_TOKEN updated' });
    const waiting = (await newRuns(before + 1))[0] as WorkflowRunRecord;
    expect(waiting).toMatchObject({ workflow: 'ci', conclusion: 'action_required', jobs: [] });
    expect(out).toContain('! ci #4 · pull_request (synchronize): action_required');
    const approved = await runner.approveRun(waiting.id);
    expect(summary([approved])).toEqual({ ci: ['success', 'build:success', 'report:success'] });
  });

  it('a dispatch runs the dispatched workflow with its inputs', async () => {
    const before = runner.runs().length;
    const sha = git(repo, 'rev-parse', 'HEAD');
    gh.emit(event('workflow_dispatch', sha, { inputs: { version: '1.0.1' }, ref: 'refs/heads/main', workflow: '.github/workflows/release.yml' }));
    const runs = await newRuns(before);
    expect(summary(runs)).toEqual({ release: ['success', 'release:success'] });
    expect(runs[0]?.jobs[0]?.steps[1]?.name).toBe('Release 1.0.1');
    expect(runs[0]?.jobs[0]?.summary).toBe('released 1.0.1\n');
  });

  it('records every run as JSON in GitHub\'s words', () => {
    const json = JSON.parse(JSON.stringify(runner.runs())) as WorkflowRunRecord[];
    expect(json.map((r) => r.conclusion)).toEqual(['success', 'success', 'success', 'success', 'success', 'success']);
    for (const r of json) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['workflow', 'event', 'action', 'conclusion', 'jobs']));
      for (const j of r.jobs) for (const s of j.steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['name', 'conclusion', 'duration_ms']));
    }
    expect(gh.updates.length).toBeGreaterThan(0);
  });
});

describe("workflow runner on this repository's committed workflows", () => {
  it('an issue without the new-model label runs intake with every job skipped', async () => {
    const sha = git(REPO_ROOT, 'rev-parse', 'HEAD');
    const gh = new FakeGitHub(REPO_ROOT);
    const runner = new WorkflowRunner({ github: gh, repoOwner: 'acme', repo: 'models', workDir: mkdtempSync(join(tmpdir(), 'rehearsal-self-')) });
    try {
      const runs = await runner.handleEvent(event('issues', sha, { action: 'labeled', label: { name: 'bug' }, issue: { number: 9, title: 'A bug', body: 'It broke', labels: [{ name: 'bug' }] } }), { kind: 'run' });
      expect(runs.map((r) => [r.workflow, r.conclusion, ...r.jobs.map((j) => `${j.id}:${j.conclusion}`)])).toEqual([['intake', 'skipped', 'advise:skipped', 'orchestrate:skipped']]);
      expect(gh.minted).toEqual([]);
    } finally {
      await runner.close();
    }
  });
});
