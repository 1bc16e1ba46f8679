import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';

const prEvent = webhookExample('pull_request', 'opened');
const HEAD = 'f'.repeat(40);
const payload = { ...prEvent, pull_request: { ...(prEvent.pull_request as object), number: 9, head: { ...(prEvent.pull_request as { head: object }).head, sha: HEAD } }, repository: { ...(prEvent.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };

describe('qa and tech-lead actions (bundled entry, GitHub stand-in)', () => {
  let gh: GitHubStandIn;
  let api: string;
  let dir: string;
  beforeEach(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
    dir = mkdtempSync(join(tmpdir(), 'reports-'));
  });
  afterEach(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });
  const checklist = (): string => (gh.comments.get(9) ?? []).find((c) => c.body.includes('gitops-ml:checklist'))?.body ?? '';

  it('qa: a green jest run is a green check run and ticks QA and API', async () => {
    writeFileSync(join(dir, 'jest.json'), JSON.stringify({ success: true, numTotalTests: 12, numPassedTests: 12, numFailedTests: 0, numPendingTests: 0, numRuntimeErrorTestSuites: 0, testResults: [] }));
    const r = await runAction('qa', { api, eventName: 'pull_request', payload, inputs: { results: join(dir, 'jest.json') } });
    expect(r.code).toBe(0);
    expect(gh.checkRuns).toEqual([expect.objectContaining({ name: 'gitops-ml/qa', head_sha: HEAD, conclusion: 'success' })]);
    expect(checklist()).toContain('- [x] QA <!-- task:qa -->');
    expect(checklist()).toContain('- [x] API <!-- task:api -->');
  });

  it('qa: a missing results file is a failed check, never a pass', async () => {
    const r = await runAction('qa', { api, eventName: 'pull_request', payload, inputs: { results: join(dir, 'missing.json') } });
    expect(r.code).toBe(1);
    expect(gh.checkRuns[0]).toMatchObject({ name: 'gitops-ml/qa', conclusion: 'failure' });
    expect(gh.checkOutputs.get(gh.checkRuns[0]?.id as number)?.summary).toMatch(/cannot read the jest report/);
  });

  it('tech-lead: a failed type-check fails the check even with a clean lint report', async () => {
    writeFileSync(join(dir, 'eslint.json'), '[]');
    const ok = await runAction('tech-lead', { api, eventName: 'pull_request', payload, inputs: { 'eslint-report': join(dir, 'eslint.json'), typecheck: 'success' } });
    expect(ok.code).toBe(0);
    const bad = await runAction('tech-lead', { api, eventName: 'pull_request', payload, inputs: { 'eslint-report': join(dir, 'eslint.json'), typecheck: 'failure' } });
    expect(bad.code).toBe(1);
    expect(gh.checkRuns.map((c) => c.conclusion)).toEqual(['success', 'failure']);
    expect(checklist()).toContain('- [ ] ❌ Tech-lead review <!-- task:tech-lead --> — type errors; 0 lint errors');
  });
});
