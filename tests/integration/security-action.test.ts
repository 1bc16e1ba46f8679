import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { runAction } from '../helpers/run-action.js';
import { webhookExample } from '../helpers/webhooks.js';

/**
 * The security role's bundled action on scratch repositories (real git history, real
 * lockfile shape, recorded npm audit outputs), reporting to the GitHub stand-in.
 */
const HEAD = 'c'.repeat(40);
const base = webhookExample('pull_request', 'synchronize');
const payload = { ...base, pull_request: { ...(base.pull_request as object), number: 7, head: { ...(base.pull_request as { head: object }).head, sha: HEAD } }, repository: { ...(base.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };
const audit = (name: string): string => join(REPO_ROOT, 'tests/fixtures/npm-audit', name);
// Built at run time so this file holds no token-shaped literal.
const fakeToken = (): string => `ghp_${'Zq7'.repeat(12)}`;

function scratchRepo(): { dir: string; git: (...a: string[]) => string; base: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sec-repo-'));
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'dev');
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'x', lockfileVersion: 3, requires: true, packages: { '': { name: 'x' } } }));
  writeFileSync(join(dir, 'README.md'), '# x\n');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  return { dir, git, base: git('rev-parse', 'HEAD') };
}

describe('security action', () => {
  let gh: GitHubStandIn;
  let api: string;
  let artifactDir: string;
  const eslint = join(mkdtempSync(join(tmpdir(), 'sec-')), 'eslint.json');
  beforeAll(async () => {
    await initBackend('wasm');
    artifactDir = await saveArtifact(artifactFixture());
    writeFileSync(eslint, '[]');
  });
  beforeEach(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
  });
  afterEach(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });
  const check = (): { conclusion: string | null; title?: string; summary?: string } => {
    const run = gh.checkRuns.findLast((c) => c.name === 'gitops-ml/security');
    return { conclusion: run?.conclusion ?? null, ...gh.checkOutputs.get(run?.id ?? -1) };
  };
  const run = (cwd: string, inputs: Record<string, string>) =>
    runAction('security', { api, eventName: 'pull_request', payload, cwd, inputs: { 'audit-report': audit('clean.json'), 'eslint-report': eslint, sarif: join(cwd, 'out.sarif'), ...inputs } });

  it('passes a clean repository and artifact, with SARIF for code scanning', async () => {
    const repo = scratchRepo();
    const r = await run(repo.dir, { 'artifact-dir': artifactDir, 'base-ref': repo.base });
    expect(r.code).toBe(0);
    expect(r.outputs.conclusion).toBe('success');
    expect(check()).toMatchObject({ conclusion: 'success', title: 'Security review passes (6 parts)' });
    for (const part of ['audit', 'secrets', 'static-analysis', 'licenses', 'workflows', 'artifact']) expect(check().summary).toMatch(new RegExp(`\\| ${part} \\| ✅ pass`));
    const sarif = JSON.parse(readFileSync(join(repo.dir, 'out.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results).toEqual([]);
    expect((gh.comments.get(7) ?? [])[0]?.body).toContain('- [x] Security review');
  });

  it('an audit the registry refused is "unavailable": action_required, never a pass, and the sign-off does not count it', async () => {
    const repo = scratchRepo();
    const r = await run(repo.dir, { 'audit-report': audit('registry-405.json') });
    expect(r.code).toBe(1);
    expect(r.outputs.conclusion).toBe('action_required');
    expect(check().conclusion).toBe('action_required');
    expect(check().title).toBe('audit unavailable');
    expect(check().summary).toMatch(/\| audit \| ⚠️ unavailable \| audit unavailable: .*405/);
    // The gate reads the same check run: not a passing conclusion.
    gh.pulls.set(7, { number: 7, head: { sha: HEAD, ref: 'model/x' }, base: { ref: 'main' }, state: 'open', title: 'x' });
    const gate = await runAction('approval-gate', { api, eventName: 'pull_request', payload });
    expect(gate.outputs.state).toBe('failure');
    expect((gh.comments.get(7) ?? []).find((c) => c.body.includes('gitops-ml:sign-off'))?.body).toContain('check "gitops-ml/security" concluded action_required');
  });

  it('fails on high and critical advisories, naming them', async () => {
    const repo = scratchRepo();
    const r = await run(repo.dir, { 'audit-report': audit('vulnerable.json') });
    expect(r.outputs.conclusion).toBe('failure');
    expect(check().summary).toContain('minimist');
    const sarif = JSON.parse(readFileSync(join(repo.dir, 'out.sarif'), 'utf8')) as { runs: { results: { ruleId: string; level: string }[] }[] };
    expect(sarif.runs[0]?.results.some((x) => x.ruleId.startsWith('audit/') && x.level === 'error')).toBe(true);
  });

  it('finds a token a PR commit added and a later commit deleted, without printing it', async () => {
    const repo = scratchRepo();
    writeFileSync(join(repo.dir, 'config.ts'), `export const token = '${fakeToken()}';\n`);
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'oops');
    writeFileSync(join(repo.dir, 'config.ts'), 'export const token = process.env.TOKEN;\n');
    repo.git('commit', '-q', '-am', 'remove it');
    // The tree alone is clean…
    expect((await run(repo.dir, {})).outputs.conclusion).toBe('success');
    // …the PR's history is not.
    const r = await run(repo.dir, { 'base-ref': repo.base });
    expect(r.outputs.conclusion).toBe('failure');
    expect(check().summary).toMatch(/secret\/github-token.*config\.ts:1.*in a commit of this PR/);
    for (const text of [check().summary ?? '', r.log, r.summary, readFileSync(join(repo.dir, 'out.sarif'), 'utf8')]) expect(text).not.toContain(fakeToken());
  });

  it('runs the workflow scan on the PR workflows: an issue body interpolated into run: fails it', async () => {
    const repo = scratchRepo();
    mkdirSync(join(repo.dir, '.github/workflows'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'tests/fixtures/workflows/bad.yml'), join(repo.dir, '.github/workflows/triage.yml'));
    const r = await run(repo.dir, {});
    expect(r.outputs.conclusion).toBe('failure');
    expect(check().summary).toMatch(/\| workflows \| ❌ fail \| \d+ violations in 1 workflows/);
    expect(check().summary).toMatch(/`workflow\/script-injection` \.github\/workflows\/triage\.yml:\d+/);
  });

  it('refuses a tampered artifact', async () => {
    const repo = scratchRepo();
    const tampered = mkdtempSync(join(tmpdir(), 'tampered-'));
    cpSync(artifactDir, tampered, { recursive: true });
    const w = readFileSync(join(tampered, 'weights.bin'));
    w[0] = (w[0] ?? 0) ^ 0xff;
    writeFileSync(join(tampered, 'weights.bin'), w);
    const r = await run(repo.dir, { 'artifact-dir': tampered });
    expect(r.outputs.conclusion).toBe('failure');
    expect(check().summary).toMatch(/artifact\/integrity.*weights\.bin: sha256 [0-9a-f]+ does not match the manifest/);
  });

  it('an invalid allow-list fails the review with the entry and key it got wrong', async () => {
    const repo = scratchRepo();
    writeFileSync(join(repo.dir, 'allow.yml'), 'audit:\n  - id: GHSA-xxxx-yyyy-zzzz\n    package: lodash\n    expires: 2027-01-01\n');
    const r = await run(repo.dir, { allowlist: join(repo.dir, 'allow.yml') });
    expect(r.outputs.conclusion).toBe('failure');
    expect(check().summary).toMatch(/allow-list is invalid: .*reason/);
  });

  it('reports security lint errors, and shows reviewed exceptions as notes', async () => {
    const repo = scratchRepo();
    const report = join(repo.dir, 'eslint.json');
    writeFileSync(report, JSON.stringify([
      { filePath: join(repo.dir, 'a.ts'), messages: [{ ruleId: 'security/detect-unsafe-regex', severity: 2, message: 'Unsafe Regular Expression', line: 3 }, { ruleId: 'no-unused-vars', severity: 2, message: 'x', line: 1 }], suppressedMessages: [{ ruleId: 'security/detect-non-literal-regexp', severity: 2, message: 'm', line: 9, suppressions: [{ kind: 'directive', justification: 'built from constants' }] }] },
    ]));
    const r = await run(repo.dir, { 'eslint-report': report });
    expect(r.outputs.conclusion).toBe('failure');
    expect(check().summary).toContain('a.ts:3');
    expect(check().summary).not.toContain('no-unused-vars');
    const sarif = JSON.parse(readFileSync(join(repo.dir, 'out.sarif'), 'utf8')) as { runs: { results: { level: string; message: { text: string } }[] }[] };
    expect(sarif.runs[0]?.results.find((x) => x.level === 'note')?.message.text).toContain('built from constants');
  });
});
