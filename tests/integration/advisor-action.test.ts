import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formFields } from '../../actions/shared/src/advisor.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';

const opened = webhookExample('issues', 'opened');
const edited = webhookExample('issues', 'edited');
const fields = formFields(parse(readFileSync(join(REPO_ROOT, '.github/ISSUE_TEMPLATE/new-model.yml'), 'utf8')) as Parameters<typeof formFields>[0]);
const ISSUE = 12;

const form = (a: Record<string, string>): string => fields.map((f) => `### ${f.label}\n\n${a[f.id] ?? '_No response_'}`).join('\n\n');

describe('advisor action (bundled entry, runner environment, GitHub stand-in)', () => {
  let gh: GitHubStandIn;
  let api: string;
  beforeAll(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
  });
  afterAll(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });

  async function run(base: Record<string, unknown>, action: string, body: string): Promise<{ code: number | null; outputs: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'advisor-'));
    const labels = (gh.labels.get(ISSUE) ?? []).map((name) => ({ name }));
    const payload = { ...base, action, issue: { ...(base.issue as object), number: ISSUE, body, labels }, repository: { ...(base.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };
    writeFileSync(join(dir, 'event.json'), JSON.stringify(payload));
    writeFileSync(join(dir, 'out'), '');
    writeFileSync(join(dir, 'summary'), '');
    const env = { PATH: process.env.PATH, GITHUB_EVENT_NAME: 'issues', GITHUB_EVENT_PATH: join(dir, 'event.json'), GITHUB_REPOSITORY: 'acme/models', GITHUB_API_URL: api, GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), 'INPUT_GITHUB-TOKEN': 'ghs_x' };
    const child = spawn(process.execPath, [join(REPO_ROOT, 'actions/advisor/dist/index.js')], { cwd: REPO_ROOT, env, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, outputs: readFileSync(join(dir, 'out'), 'utf8') };
  }
  const sticky = (): { id: number; body: string }[] => (gh.comments.get(ISSUE) ?? []).filter((c) => c.body.startsWith('<!-- gitops-ml:advisor -->'));

  it('skips an issue without the new-model label', async () => {
    gh.labels.set(ISSUE, ['bug']);
    const r = await run(opened, 'opened', 'please fix');
    expect(r.code).toBe(0);
    expect(r.outputs).toMatch(/accepted<<.*\nfalse\n/);
    expect(sticky()).toEqual([]);
  });

  it('asks, labels needs-info, then accepts the edited issue in the same comment and swaps the labels', async () => {
    gh.labels.set(ISSUE, ['new-model']);
    let r = await run(opened, 'opened', form({ name: 'Reviews!', dataset: 'sst2' }));
    expect(r.code).toBe(0);
    expect(gh.labels.get(ISSUE)).toEqual(['new-model', 'needs-info']);
    expect(sticky()).toHaveLength(1);
    expect(sticky()[0]?.body).toContain('**Goal and business context** is empty');
    expect(sticky()[0]?.body).toContain('"Reviews!" cannot name a branch');

    r = await run(edited, 'edited', form({ name: 'reviews', goal: 'Route angry reviews to support within minutes.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '50', architecture: 'auto (let the advisor choose)' }));
    expect(r.outputs).toMatch(/accepted<<.*\ntrue\n/);
    expect(r.outputs).toMatch(/slug<<.*\nreviews\n/);
    expect(gh.labels.get(ISSUE)).toEqual(['new-model', 'accepted']);
    expect(sticky()).toHaveLength(1);
    expect(sticky()[0]?.body).toContain('### ✅ Request accepted');
  });
});
