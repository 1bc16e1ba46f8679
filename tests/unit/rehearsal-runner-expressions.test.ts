import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, evaluateCondition, evaluateJson, evaluateStringMap, evaluateToken, interpolate, stringOf } from '../../rehearsal/runner/expressions.js';
import { hashFiles } from '../../rehearsal/runner/fsutil.js';
import { parseWorkflowFile } from '../../rehearsal/runner/model.js';
import { builtinStandIns } from '../../rehearsal/runner/standins/index.js';
import { versionOf } from '../../rehearsal/runner/standins/types.js';
import { decideTrigger } from '../../rehearsal/runner/triggers.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { expectGitopsError } from '../helpers/expect-error.js';

const ctx = {
  github: { event: { issue: { labels: [{ name: 'bug' }, { name: 'new-model' }] }, repository: { default_branch: 'main' } }, sha: 'abc', event_name: 'workflow_dispatch' },
  inputs: { 'pull-number': '12' },
  steps: { devops: { outputs: { releases: '[{"model":"sentiment","version":"1.2.0"}]' }, outcome: 'failure', conclusion: 'success' } },
  env: { HEAD_SHA: 'abc' },
};

describe('expressions through @actions/expressions', () => {
  it('evaluates the expressions the workflows use', () => {
    expect(evaluateJson('github.event.pull_request.number || inputs.pull-number', ctx)).toBe('12');
    expect(evaluateCondition("contains(github.event.issue.labels.*.name, 'new-model')", ctx)).toBe(true);
    expect(evaluateJson('fromJSON(steps.devops.outputs.releases)[0].model', ctx)).toBe('sentiment');
    expect(evaluateJson('github.event.pull_request.base.sha || github.event.repository.default_branch', ctx)).toBe('main');
    expect(evaluateJson("format('model-pr-{0}', github.event.pull_request.number || inputs.pull-number)", ctx)).toBe('model-pr-12');
    expect(evaluateJson('steps.devops.outcome', ctx)).toBe('failure');
    expect(evaluateJson('toJSON(github.event.issue.labels[0])', ctx)).toBe('{\n  "name": "bug"\n}');
    // Contexts are case-insensitive, as on GitHub.
    expect(evaluateJson('GITHUB.SHA', ctx)).toBe('abc');
  });

  it('status functions answer through the hooks the caller gives', () => {
    const fns = { success: () => false, failure: () => true, cancelled: () => false, always: () => true };
    expect(evaluateCondition('success() && (github.sha == \'abc\')', ctx, fns)).toBe(false);
    expect(evaluateCondition('failure()', ctx, fns)).toBe(true);
    expect(evaluateCondition('always() && !cancelled()', ctx, fns)).toBe(true);
    expectGitopsError(() => evaluate('success()', ctx), 'RUNNER_EXPRESSION', /success\(\) is not available here/);
  });

  it('hashFiles: sha256 of the files\' sha256s, in path order; "" when nothing matches; only workspace files', () => {
    const ws = mkdtempSync(join(tmpdir(), 'hash-'));
    mkdirSync(join(ws, 'model/data'), { recursive: true });
    writeFileSync(join(ws, 'model/data/registry.ts'), 'export {};\n');
    writeFileSync(join(ws, 'model/data/b.ts'), 'b\n');
    writeFileSync(join(ws, 'package-lock.json'), '{}\n');
    const digest = (files: string[]): string => {
      const outer = createHash('sha256');
      for (const f of files) outer.update(createHash('sha256').update(readFileSync(join(ws, f))).digest());
      return outer.digest('hex');
    };
    const hf = (p: string[]): string => hashFiles(ws, p);
    expect(evaluateJson("hashFiles('model/data/registry.ts')", ctx, { hashFiles: hf })).toBe(digest(['model/data/registry.ts']));
    expect(evaluateJson("hashFiles('model/**/*.ts', '**/package-lock.json')", ctx, { hashFiles: hf })).toBe(digest(['model/data/b.ts', 'model/data/registry.ts', 'package-lock.json']));
    expect(evaluateJson("hashFiles('model/**', '!model/data/b.ts')", ctx, { hashFiles: hf })).toBe(digest(['model/data/registry.ts']));
    expect(evaluateCondition("hashFiles('reports/security.sarif') != ''", ctx, { hashFiles: hf })).toBe(false);
    expect(hf(['/etc/hostname'])).toBe('');
    // A digest over file names instead of contents would not change with an edit: this one does.
    const before = hf(['model/**']);
    writeFileSync(join(ws, 'model/data/b.ts'), 'changed\n');
    expect(hf(['model/**'])).not.toBe(before);
    expectGitopsError(() => evaluate("hashFiles('x')", ctx), 'RUNNER_EXPRESSION', /only available in steps/);
  });

  it('refuses expressions that do not parse, unknown contexts and objects where a string goes', () => {
    expectGitopsError(() => evaluate('github.sha ==', ctx), 'RUNNER_EXPRESSION', /github\.sha ==/);
    expectGitopsError(() => evaluate('nosuchcontext.x', ctx), 'RUNNER_EXPRESSION', /nosuchcontext/);
    expectGitopsError(() => evaluate("fromJSON('')", ctx), 'RUNNER_EXPRESSION', /empty input/);
    expectGitopsError(() => stringOf({ a: 1 }), 'RUNNER_EXPRESSION', /A mapping was not expected/);
    expect([stringOf(true), stringOf(20), stringOf(null), stringOf(0.5)]).toEqual(['true', '20', '', '0.5']);
  });

  it('unescapes every \'\' of a string literal, as GitHub does (the library alone unescapes only the first)', async () => {
    const { Lexer } = await import('@actions/expressions');
    const raw = new Lexer("'a ''b'' c'").lex().tokens[0]?.value;
    expect(raw).toBe("a 'b'' c"); // the upstream behaviour this runner corrects
    expect(evaluateJson("'a ''b'' c'", ctx)).toBe("a 'b' c");
    const wf = await parseWorkflowFile('.github/workflows/q.yml', "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: tr -d '[:space:]' < '${{ github.sha }}'\n");
    expect(evaluateToken(wf.jobs[0]?.steps[0]?.run, ctx)).toBe("tr -d '[:space:]' < 'abc'");
  });

  it('interpolates ${{ }} inside text, string literals with }} included', () => {
    expect(interpolate("a ${{ github.sha }} b ${{ 'x}}y' }} ${{ github.server_url == 'https://github.com' && github.token || '' }}", { github: { sha: 's', server_url: 'http://local', token: 't' } })).toBe('a s b x}}y ');
    expectGitopsError(() => interpolate('${{ github.sha', ctx), 'RUNNER_EXPRESSION', /unclosed/);
  });

  it('evaluates tokens of a parsed workflow (env, with:, if:) with GitHub\'s format() rewrite', async () => {
    const wf = await parseWorkflowFile('.github/workflows/x.yml', 'on: push\nenv:\n  A: pre-${{ github.sha }}-post\n  N: 3\njobs:\n  j:\n    runs-on: ubuntu-latest\n    if: github.sha == \'abc\'\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ env.HEAD_SHA }}\n          fetch-depth: 0\n');
    expect(evaluateStringMap(wf.env, ctx)).toEqual({ A: 'pre-abc-post', N: '3' });
    expect(wf.jobs[0]?.if).toBe("success() && (github.sha == 'abc')");
    expect(evaluateToken(wf.jobs[0]?.steps[0]?.with, ctx)).toEqual({ ref: 'abc', 'fetch-depth': '0' });
    expect(wf.jobs[0]?.steps[0]?.id).toBe('__actions_checkout');
  });
});

describe("this repository's workflows", () => {
  const dir = join(REPO_ROOT, '.github/workflows');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
  const load = (f: string) => parseWorkflowFile(`.github/workflows/${f}`, readFileSync(join(dir, f), 'utf8'));

  it('every one parses into a model the runner can run', async () => {
    for (const f of files) {
      const wf = await load(f);
      expect([f, wf.jobs.length > 0, wf.jobs.every((j) => !j.unsupported)]).toEqual([f, true, true]);
    }
  });

  it('decides their triggers as GitHub would', async () => {
    const deploy = await load('deploy.yml');
    expect(decideTrigger(deploy.events, { name: 'push', ref: 'refs/heads/main', changedFiles: ['model/specs/sentiment.json'] }).run).toBe(true);
    expect(decideTrigger(deploy.events, { name: 'push', ref: 'refs/heads/main', changedFiles: ['deploy/k8s/overlays/staging/kustomization.yaml'] }).run).toBe(false);
    const intake = await load('intake.yml');
    expect(decideTrigger(intake.events, { name: 'issues', action: 'closed', ref: 'refs/heads/main' }).run).toBe(false);
    expect(decideTrigger(intake.events, { name: 'issues', action: 'labeled', ref: 'refs/heads/main' }).run).toBe(true);
    const pr = await load('model-pr.yml');
    expect(decideTrigger(pr.events, { name: 'pull_request', action: 'labeled', ref: 'refs/pull/2/merge', baseRef: 'main', changedFiles: ['model/specs/x.json'] }).run).toBe(true);
    expect(decideTrigger(pr.events, { name: 'pull_request', action: 'closed', ref: 'refs/pull/2/merge', baseRef: 'main', changedFiles: ['model/specs/x.json'] }).run).toBe(false);
    expect(decideTrigger(pr.events, { name: 'workflow_dispatch', ref: 'refs/heads/model/x' }).run).toBe(true);
    // The gate runs whatever happened upstream, with a token that can set its status.
    const job = pr.jobs.find((j) => j.id === 'sign-off');
    expect(job?.if).toMatch(/^always\(\)/);
    expect(job?.permissions).toMatchObject({ statuses: 'write' });
    expect(pr.permissions).toEqual({});
  });

  it('every third-party action they pin has a stand-in that knows the pinned release and declares every with: key', async () => {
    const standIns = builtinStandIns();
    const seen: string[] = [];
    for (const f of files) {
      for (const j of (await load(f)).jobs) {
        for (const step of j.steps) {
          if (!step.uses || step.uses.startsWith('./')) continue;
          const [key, ref] = step.uses.split('@') as [string, string];
          const standIn = standIns.find((x) => x.key === key);
          expect([step.uses, standIn !== undefined]).toEqual([step.uses, true]);
          const version = versionOf(standIn!, ref);
          expect([step.uses, version.tag]).toEqual([step.uses, expect.stringMatching(/^v\d+\.\d+\.\d+$/)]);
          const declared = Object.keys(standIn!.meta(version.major).inputs);
          const given = [...((step.with as unknown as Iterable<{ key: { value: string } }> | undefined) ?? [])].map((p) => p.key.value);
          for (const k of given) expect([step.uses, k, declared.includes(k)]).toEqual([step.uses, k, true]);
          seen.push(key);
        }
      }
    }
    expect(new Set(seen).size).toBeGreaterThanOrEqual(5);
  });

  it('refuses a workflow GitHub\'s parser refuses', async () => {
    const refused = await parseWorkflowFile('.github/workflows/bad.yml', 'on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: echo }]\n  b:\n    runs-on: x\n    needs: [zzz]\n    steps: [{ run: echo }]\n').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RUNNER_WORKFLOW_INVALID' });
    expect((refused as Error).message).toMatch(/Invalid workflow file: \.github\/workflows\/bad\.yml\n.*depends on unknown job 'zzz'/);
  });
});
