import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';

const prEvent = webhookExample('pull_request', 'opened');
const HEAD = 'f'.repeat(40);
const payload = { ...prEvent, pull_request: { ...(prEvent.pull_request as object), number: 9, head: { ...(prEvent.pull_request as { head: object }).head, sha: HEAD } }, repository: { ...(prEvent.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };

// The qa action tests the model behind the live service: tests/integration/qa-action.test.ts.
describe('tech-lead action (bundled entry, GitHub stand-in)', () => {
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
