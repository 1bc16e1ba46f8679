import { resolveInputs, inputEnvName } from '../../rehearsal/runner/actions.js';
import { defaultEnv, mergeStepEnv, refName } from '../../rehearsal/runner/contexts.js';
import type { JobIdentity, RunIdentity } from '../../rehearsal/runner/contexts.js';
import { CommandReader, maskText, parseKeyValueFile, parsePathFile, parseWorkflowCommand } from '../../rehearsal/runner/file-commands.js';
import { filterPatternToRegExp, matchesFilters, matchesPathPatterns, compilePathPatterns } from '../../rehearsal/runner/glob.js';
import { ancestorsOf, jobStatusFunctions, topologicalOrder } from '../../rehearsal/runner/graph.js';
import { expandMatrix } from '../../rehearsal/runner/matrix.js';
import { defaultPermissions, resolvePermissions, toPermissionsSpec } from '../../rehearsal/runner/permissions.js';
import { planShell, shellArgs, splitTemplate } from '../../rehearsal/runner/shell.js';
import { artifactRoot } from '../../rehearsal/runner/standins/artifacts.js';
import { planRefs } from '../../rehearsal/runner/standins/checkout.js';
import { validateSarif } from '../../rehearsal/runner/standins/codeql-upload-sarif.js';
import { declaredArgs, registryOf, unconsumedBuildArgs } from '../../rehearsal/runner/standins/dockerfile.js';
import { requestedMajor } from '../../rehearsal/runner/standins/setup-node.js';
import { inputList } from '../../rehearsal/runner/standins/util.js';
import { decideTrigger, resolveDispatchInputs } from '../../rehearsal/runner/triggers.js';
import { expectGitopsError } from '../helpers/expect-error.js';

describe('filter patterns (GitHub\'s cheat sheet)', () => {
  // Rows of the "Filter pattern cheat sheet": pattern → matches / does not match.
  const rows: Array<[string, string[], string[]]> = [
    ['feature/*', ['feature/my-branch', 'feature/your-branch'], ['feature/your/branch', 'feature']],
    ['feature/**', ['feature/beta-a/my-branch', 'feature/your-branch', 'feature/mona/the/octocat'], ['features/x']],
    ['*', ['main', 'releases'], ['releases/x']],
    ['**', ['all/the/branches', 'main'], []],
    ['*feature', ['mona-feature', 'feature', 'ver-10-feature'], ['feature-x']],
    ['v2*', ['v2', 'v2.0', 'v2.9'], ['v3']],
    ['v[12].[0-9]+.[0-9]+', ['v1.10.1', 'v2.0.0'], ['v3.0.0', 'v1.x.0']],
    ['*.jsx?', ['page.js', 'page.jsx'], ['page.jsxx', 'src/page.js']],
    ['*.js', ['app.js', 'index.js'], ['js/index.js']],
    ['**.js', ['index.js', 'js/index.js', 'src/js/app.js'], ['index.ts']],
    ['docs/*', ['docs/README.md', 'docs/file.txt'], ['docs/a/b.md']],
    ['docs/**', ['docs/README.md', 'docs/mona/octocat.txt'], ['doc/x']],
    ['docs/**/*.md', ['docs/README.md', 'docs/mona/hello-world.md', 'docs/a/markdown/file.md'], ['docs/x.txt']],
    ['**/docs/**', ['docs/hello.md', 'dir/docs/my-file.txt', 'space/docs/plan/space.doc'], ['mydocs/x']],
    ['**/README.md', ['README.md', 'js/README.md'], ['README.mdx']],
    ['**/*src/**', ['a/src/app.js', 'my-src/code/js/app.js'], ['src.js']],
    ['**/*-post.md', ['my-post.md', 'path/their-post.md'], ['post.md']],
    ['**/migrate-*.sql', ['migrate-10909.sql', 'db/migrate-v1.0.sql', 'db/sept/migrate-v1.sql'], ['migrate.sql']],
    ['model/**', ['model/specs/sentiment.json'], ['models/x', 'model']],
  ];
  it.each(rows)('%s', (pattern, yes, no) => {
    const re = filterPatternToRegExp(pattern);
    for (const v of yes) expect([v, re.test(v)]).toEqual([v, true]);
    for (const v of no) expect([v, re.test(v)]).toEqual([v, false]);
  });

  it('applies patterns in order, the last match deciding (negations)', () => {
    const p = ['*.md', '!README.md'];
    expect(matchesFilters(p, 'hello.md')).toBe(true);
    expect(matchesFilters(p, 'README.md')).toBe(false);
    expect(matchesFilters(p, 'docs/hello.md')).toBe(false);
    const q = ['*.md', '!README.md', 'README*'];
    expect(['hello.md', 'README.md', 'README.doc'].map((f) => matchesFilters(q, f))).toEqual([true, true, true]);
    expect(matchesFilters(['!main'], 'main')).toBe(false);
  });

  it('a broken matcher that lets * cross directories is caught', () => {
    const broken = (p: string): RegExp => new RegExp(`^${p.replace(/\*/g, '.*')}$`);
    expect(broken('docs/*').test('docs/a/b.md')).toBe(true);
    expect(filterPatternToRegExp('docs/*').test('docs/a/b.md')).toBe(false);
  });
});

describe('path globs (@actions/glob semantics)', () => {
  it('matches files under directories, ** at any depth, and ! excludes', () => {
    const c = compilePathPatterns(['out/artifacts', 'src/**/*.ts', '!src/gen/**', '~/cache'], '/ws', '/home/r');
    expect(matchesPathPatterns(c, '/ws/out/artifacts/a/b.json')).toBe(true);
    expect(matchesPathPatterns(c, '/ws/src/a.ts')).toBe(true);
    expect(matchesPathPatterns(c, '/ws/src/x/y/a.ts')).toBe(true);
    expect(matchesPathPatterns(c, '/ws/src/gen/a.ts')).toBe(false);
    expect(matchesPathPatterns(c, '/home/r/cache/x')).toBe(true);
    expect(matchesPathPatterns(c, '/ws/out/other')).toBe(false);
    expect(c.map((x) => x.root)).toEqual(['/ws/out/artifacts', '/ws/src', '/ws/src/gen', '/home/r/cache']);
  });
});

describe('triggers', () => {
  const events = { push: { branches: ['main'], paths: ['model/specs/**'] }, pull_request: { types: ['opened', 'labeled'], paths: ['model/**'] }, issues: { types: ['opened'] }, workflow_dispatch: {} };

  it('pull_request defaults to opened, synchronize, reopened; issues to every type', () => {
    expect(decideTrigger({ pull_request: {} }, { name: 'pull_request', action: 'synchronize', ref: 'refs/pull/1/merge', baseRef: 'main' }).run).toBe(true);
    expect(decideTrigger({ pull_request: {} }, { name: 'pull_request', action: 'labeled', ref: 'refs/pull/1/merge', baseRef: 'main' }).run).toBe(false);
    expect(decideTrigger({ issues: {} }, { name: 'issues', action: 'labeled', ref: 'refs/heads/main' }).run).toBe(true);
    expect(decideTrigger(events, { name: 'issues', action: 'edited', ref: 'refs/heads/main' })).toEqual({ run: false, reason: expect.stringContaining("'edited'") });
  });

  it('push: branches, tags and paths', () => {
    const base = { name: 'push', ref: 'refs/heads/main' };
    expect(decideTrigger(events, { ...base, changedFiles: ['model/specs/a.json'] }).run).toBe(true);
    expect(decideTrigger(events, { ...base, changedFiles: ['README.md'] }).run).toBe(false);
    expect(decideTrigger(events, { ...base, ref: 'refs/heads/dev', changedFiles: ['model/specs/a.json'] }).run).toBe(false);
    expect(decideTrigger(events, { ...base, changedFiles: undefined }).run).toBe(false);
    // Only branch filters: a tag push does not run; only tag filters: a branch push does not.
    expect(decideTrigger({ push: { branches: ['main'] } }, { name: 'push', ref: 'refs/tags/v1' }).run).toBe(false);
    expect(decideTrigger({ push: { tags: ['v*'] } }, { name: 'push', ref: 'refs/tags/v1' }).run).toBe(true);
    expect(decideTrigger({ push: { tags: ['v*'] } }, { name: 'push', ref: 'refs/heads/main' }).run).toBe(false);
    expect(decideTrigger({ push: {} }, { name: 'push', ref: 'refs/tags/v1' }).run).toBe(true);
    expect(decideTrigger({ push: { 'branches-ignore': ['dev/**'] } }, { name: 'push', ref: 'refs/heads/dev/x' }).run).toBe(false);
    expect(decideTrigger({ push: { 'paths-ignore': ['docs/**'] } }, { name: 'push', ref: 'refs/heads/main', changedFiles: ['docs/a.md'] }).run).toBe(false);
    expect(decideTrigger({ push: { 'paths-ignore': ['docs/**'] } }, { name: 'push', ref: 'refs/heads/main', changedFiles: ['docs/a.md', 'src/a.ts'] }).run).toBe(true);
  });

  it('pull_request: branches match the base; paths the PR\'s files; not-listed events never run', () => {
    expect(decideTrigger({ pull_request: { branches: ['main'] } }, { name: 'pull_request', action: 'opened', ref: 'refs/pull/3/merge', baseRef: 'release' }).run).toBe(false);
    expect(decideTrigger(events, { name: 'pull_request', action: 'labeled', ref: 'refs/pull/3/merge', baseRef: 'main', changedFiles: ['model/specs/x.json'] }).run).toBe(true);
    expect(decideTrigger(events, { name: 'pull_request', action: 'opened', ref: 'refs/pull/3/merge', baseRef: 'main', changedFiles: ['docs/x.md'] }).run).toBe(false);
    expect(decideTrigger(events, { name: 'release', action: 'published', ref: 'refs/tags/v1' }).run).toBe(false);
  });

  it('workflow_dispatch inputs: defaults, required, choice and boolean', () => {
    const cfg = { model: { type: 'string', required: true }, env: { type: 'choice', options: ['staging', 'production'], default: 'staging' }, dry: { type: 'boolean', default: false } };
    expect(resolveDispatchInputs(cfg, { model: 'm' })).toEqual({ inputs: { model: 'm', env: 'staging', dry: false }, eventInputs: { model: 'm', env: 'staging', dry: 'false' } });
    expect(resolveDispatchInputs(cfg, { model: 'm', dry: 'true', env: 'production' }).inputs).toEqual({ model: 'm', env: 'production', dry: true });
    expectGitopsError(() => resolveDispatchInputs(cfg, {}), 'RUNNER_DISPATCH_INPUT', /Required input 'model' not provided/);
    expectGitopsError(() => resolveDispatchInputs(cfg, { model: 'm', env: 'qa' }), 'RUNNER_DISPATCH_INPUT', /not in the list of allowed values/);
    expectGitopsError(() => resolveDispatchInputs(cfg, { model: 'm', dry: 'yes' }), 'RUNNER_DISPATCH_INPUT', /not a boolean/);
    expectGitopsError(() => resolveDispatchInputs(cfg, { model: 'm', other: 1 }), 'RUNNER_DISPATCH_INPUT', /Unexpected inputs provided: \["other"\]/);
  });
});

describe('permissions', () => {
  it('job block over workflow block over the repository default; unlisted scopes are none', () => {
    expect(resolvePermissions({}, undefined).contents).toBe('none');
    expect(resolvePermissions({}, { contents: 'write' })).toMatchObject({ contents: 'write', issues: 'none', packages: 'none' });
    expect(resolvePermissions({ issues: 'write' }, undefined)).toMatchObject({ issues: 'write', contents: 'none' });
    expect(resolvePermissions(undefined, undefined)).toEqual(defaultPermissions('restricted'));
    expect(resolvePermissions(undefined, undefined, 'permissive')).toMatchObject({ contents: 'write', 'id-token': 'none' });
    expect(Object.values(resolvePermissions('read-all', undefined)).every((v) => v === 'read')).toBe(true);
    expect(resolvePermissions(undefined, 'write-all').deployments).toBe('write');
    expect(resolvePermissions(undefined, { contents: 'write' }, 'restricted', { fromFork: true }).contents).toBe('read');
    expect(toPermissionsSpec({ contents: 'read', bogus: 1 })).toEqual({ contents: 'read' });
  });
  it('a resolver that merges the job block into the workflow block is caught', () => {
    const merged = { ...resolvePermissions({ issues: 'write' }, undefined), contents: 'read' as const };
    expect(resolvePermissions({ issues: 'write' }, { contents: 'read' })).not.toEqual(merged);
  });
});

describe('needs graph and job-level status functions', () => {
  const jobs = [
    { id: 'a', needs: [] },
    { id: 'b', needs: ['a'] },
    { id: 'c', needs: ['b'] },
    { id: 'd', needs: [] },
  ];
  it('orders jobs after their needs and knows every upstream job', () => {
    const order = topologicalOrder(jobs);
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('c'));
    expect([...ancestorsOf(jobs, 'c')].sort()).toEqual(['a', 'b']);
  });
  it('refuses cycles and unknown needs', () => {
    expectGitopsError(() => topologicalOrder([{ id: 'x', needs: ['y'] }, { id: 'y', needs: ['x'] }]), 'RUNNER_WORKFLOW_INVALID', /cycle/);
    expectGitopsError(() => topologicalOrder([{ id: 'x', needs: ['zzz'] }]), 'RUNNER_WORKFLOW_INVALID', /unknown job 'zzz'/);
  });
  it('success() needs every upstream job successful (a skipped grandparent skips), failure() any failed', () => {
    expect(jobStatusFunctions(['success', 'success'], false).success()).toBe(true);
    expect(jobStatusFunctions(['skipped', 'success'], false).success()).toBe(false);
    expect(jobStatusFunctions(['failure', 'success'], false).failure()).toBe(true);
    expect(jobStatusFunctions(['skipped'], false).failure()).toBe(false);
    expect(jobStatusFunctions([], true).cancelled()).toBe(true);
    expect(jobStatusFunctions([], true).success()).toBe(false);
    expect(jobStatusFunctions(['failure'], true).always()).toBe(true);
  });
});

describe('shells', () => {
  it('picks the shell GitHub picks', () => {
    expect(planShell(undefined, true).template).toBe('bash -e {0}');
    expect(planShell(undefined, false).template).toBe('sh -e {0}');
    expect(planShell('bash', true)).toMatchObject({ command: 'bash', args: ['--noprofile', '--norc', '-eo', 'pipefail', '{0}'], extension: '.sh' });
    expect(planShell('sh', true).template).toBe('sh -e {0}');
    expect(planShell('python', true)).toMatchObject({ command: 'python', extension: '.py' });
    expect(shellArgs(planShell('perl {0}', true), '/t/x')).toEqual(['/t/x']);
    expect(splitTemplate('pwsh -command ". \'{0}\'"')).toEqual(['pwsh', '-command', ". '{0}'"]);
  });
  it('refuses a custom shell without {0} and Windows shells', () => {
    expectGitopsError(() => planShell('perl', true), 'RUNNER_SHELL', /must contain '\{0\}'/);
    expectGitopsError(() => planShell('cmd', true), 'RUNNER_SHELL', /Windows/);
  });
});

describe('file commands and workflow commands', () => {
  it('parses name=value and heredoc blocks', () => {
    expect(parseKeyValueFile('a=1\nb=x=y\n\nc<<EOF\nline1\nline2\nEOF\nd<<ghadelimiter_1\n\nghadelimiter_1\n')).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['c', 'line1\nline2'],
      ['d', ''],
    ]);
    expect(parseKeyValueFile('a=1\r\nb<<X\r\nv\r\nX\r\n')).toEqual([
      ['a', '1'],
      ['b', 'v'],
    ]);
    expect(parsePathFile('/a\n\n  /b  \n')).toEqual(['/a', '/b']);
  });
  it('refuses a heredoc without its delimiter and a line without a name', () => {
    expectGitopsError(() => parseKeyValueFile('a<<EOF\nno end\n'), 'RUNNER_FILE_COMMAND', /Matching delimiter not found 'EOF'/);
    expectGitopsError(() => parseKeyValueFile('=1\n'), 'RUNNER_FILE_COMMAND', /Name must not be empty/);
    expectGitopsError(() => parseKeyValueFile('justtext\n'), 'RUNNER_FILE_COMMAND', /Invalid format/);
  });
  it('reads ::commands:: with escapes, and honours stop-commands', () => {
    expect(parseWorkflowCommand('::error file=a%3Ab.ts,line=3,title=T%2CU::bad%0Athing %25')).toEqual({ command: 'error', properties: { file: 'a:b.ts', line: '3', title: 'T,U' }, data: 'bad\nthing %' });
    expect(parseWorkflowCommand('plain :: text')).toBeUndefined();
    const r = new CommandReader();
    expect(r.read('::add-mask::s3cret')).toEqual({ kind: 'add-mask', value: 's3cret' });
    expect(r.read('::stop-commands::tok')).toEqual({ kind: 'stop-commands', token: 'tok' });
    expect(r.read('::error::not a command now')).toBeUndefined();
    expect(r.read('::tok::')).toBeUndefined();
    expect(r.read('::warning::again')).toMatchObject({ kind: 'annotation', level: 'warning' });
    expect(r.read('::set-env name=A::1')).toEqual({ kind: 'disabled', command: 'set-env' });
  });
  it('masks secrets, longest first, line by line', () => {
    expect(maskText('token ghs_abc and ghs_abcdef, two\nlines', ['ghs_abc', 'ghs_abcdef', 'two\nlines', ''])).toBe('token *** and ***, ***');
    // Printed one line at a time, each line of a multi-line secret is still hidden.
    expect(maskText('two', ['two\nlines'])).toBe('***');
    expect(maskText('nothing here', [''])).toBe('nothing here');
  });
});

describe('contexts and environment', () => {
  const run: RunIdentity = {
    runId: 7,
    runNumber: 2,
    runAttempt: 1,
    workflowName: 'ci',
    workflowPath: '.github/workflows/ci.yml',
    owner: 'acme',
    repo: 'models',
    event: { name: 'pull_request', owner: 'acme', repo: 'models', sha: 'f'.repeat(40), ref: 'refs/pull/4/merge', actor: { login: 'mona', workflowToken: false }, payload: {} },
    payload: { pull_request: { head: { ref: 'model/x' }, base: { ref: 'main' } }, repository: { id: 9, owner: { id: 8 } } },
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
  };
  const job: JobIdentity = { jobId: 'test', workspace: '/w', eventPath: '/e.json', temp: '/t', toolCache: '/tc', home: '/h', token: 'ghs_x', arch: 'X64', runnerName: 'GitHub Actions 1' };
  it('sets the runner\'s default variables, never GITHUB_TOKEN', () => {
    const env = defaultEnv(run, job, '__run');
    expect(env).toMatchObject({ CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_ACTION: '__run', GITHUB_REF_NAME: '4/merge', GITHUB_HEAD_REF: 'model/x', GITHUB_BASE_REF: 'main', GITHUB_REPOSITORY_ID: '9', GITHUB_RUN_NUMBER: '2', RUNNER_OS: 'Linux', GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql' });
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
    expect(env).not.toHaveProperty('GITHUB_ACTION_PATH');
    expect(refName('refs/tags/v1.2')).toBe('v1.2');
  });
  it('step env over job env over the host; GITHUB_* cannot be overridden, CI can', () => {
    const env = mergeStepEnv({ PATH: '/bin', A: 'host' }, { A: 'job', B: 'job', CI: 'false' }, { B: 'step', GITHUB_SHA: 'x' }, { CI: 'true', GITHUB_SHA: 'real' });
    expect(env).toEqual({ PATH: '/bin', A: 'job', B: 'step', CI: 'false', GITHUB_SHA: 'real' });
  });
});

describe('action inputs', () => {
  const meta = { inputs: [{ id: 'github-token', required: false, default: '${{ github.token }}' }, { id: 'config', required: false, default: 'cfg.yml' }, { id: 'old', required: false, deprecationMessage: 'use new' }, { id: 'artifact-dir', required: true }] };
  it('fills defaults (evaluated), warns about unknown and deprecated inputs, and does not enforce required', () => {
    const r = resolveInputs(meta, { 'artifact-DIR': 'x', bogus: '1', old: 'y' }, (d) => (typeof d === 'string' && d.includes('github.token') ? 'ghs_t' : String(d)));
    expect(r.inputs).toEqual({ 'artifact-dir': 'x', bogus: '1', old: 'y', 'github-token': 'ghs_t', config: 'cfg.yml' });
    expect(r.warnings).toEqual(["Unexpected input(s) 'bogus', valid inputs are ['github-token', 'config', 'old', 'artifact-dir']", "Input 'old' has been deprecated with message: use new"]);
    expect(resolveInputs(meta, {}, () => '').inputs).not.toHaveProperty('artifact-dir');
    expect(inputEnvName('my input-name')).toBe('INPUT_MY_INPUT-NAME');
  });
});

describe('stand-in logic', () => {
  it('checkout computes checkout\'s refspecs and targets', () => {
    const sha = 'a'.repeat(40);
    expect(planRefs('refs/heads/main', sha, 1)).toEqual({ refspecs: [`+${sha}:refs/remotes/origin/main`], target: { ref: 'refs/remotes/origin/main', branch: 'main' } });
    expect(planRefs('refs/pull/5/merge', sha, 1).refspecs).toEqual([`+${sha}:refs/remotes/pull/5/merge`]);
    expect(planRefs('', sha, 1)).toEqual({ refspecs: [sha], target: { ref: sha } });
    expect(planRefs('main', '', 1).refspecs).toEqual(['+refs/heads/main*:refs/remotes/origin/main*', '+refs/tags/main*:refs/tags/main*']);
    expect(planRefs('refs/heads/main', sha, 0).refspecs).toEqual(['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']);
    expect(planRefs('refs/pull/5/merge', sha, 0).refspecs).toContain(`+${sha}:refs/remotes/pull/5/merge`);
  });
  it('SARIF validation accepts 2.1.0 with a named driver and refuses the rest', () => {
    const ok = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'gitops-ml' } }, results: [{}, {}] }] });
    expect(validateSarif(ok, 'a.sarif')).toEqual({ tool: 'gitops-ml', results: 2 });
    expect(validateSarif('{', 'a.sarif')).toMatch(/JSON syntax error/);
    expect(validateSarif(JSON.stringify({ version: '2.0.0', runs: [] }), 'a.sarif')).toMatch(/Version '2.0.0'/);
    expect(validateSarif(JSON.stringify({ version: '2.1.0', runs: [{ tool: {} }] }), 'a.sarif')).toMatch(/runs\[0\]\.tool\.driver\.name/);
  });
  it('Dockerfile ARGs: every stage, continuations, escape directive; unconsumed build-args', () => {
    const df = '# escape=`\nARG NODE_IMAGE=node:20\nFROM ${NODE_IMAGE}\nARG MODEL_NAME=sentiment `\n    MODEL_VERSION\n# ARG COMMENTED\nRUN echo hi\n';
    expect([...declaredArgs(df)].sort()).toEqual(['MODEL_NAME', 'MODEL_VERSION', 'NODE_IMAGE']);
    expect(unconsumedBuildArgs(df, ['MODEL_ARTIFACT=x', 'MODEL_NAME=s', 'HTTP_PROXY=p', 'COMMENTED=1'])).toEqual(['MODEL_ARTIFACT', 'COMMENTED']);
    expect(registryOf('ghcr.io/acme/models:1')).toBe('ghcr.io');
    expect(registryOf('acme/models:1')).toBe('docker.io');
    expect(registryOf('localhost/x')).toBe('localhost');
    expect(inputList('a,b\nc', { commas: false })).toEqual(['a,b', 'c']);
    expect(inputList('a, b\nc')).toEqual(['a', 'b', 'c']);
  });
  it('upload-artifact roots paths at the search paths\' common ancestor; setup-node reads a version spec', () => {
    expect(artifactRoot(['/w/out/artifacts'])).toBe('/w/out/artifacts');
    expect(artifactRoot(['/w/out/a', '/w/out/b/c'])).toBe('/w/out');
    expect(requestedMajor('20')).toBe(20);
    expect(requestedMajor('20.x')).toBe(20);
    expect(requestedMajor('v18.19.0')).toBe(18);
    expect(requestedMajor('lts/*')).toBeUndefined();
  });
  it('matrix: cartesian product, exclude, include', () => {
    expect(expandMatrix(null)).toEqual([{}]);
    expect(expandMatrix({ node: [20] })).toEqual([{ node: 20 }]);
    expect(expandMatrix({ os: ['a', 'b'], node: [1, 2], exclude: [{ os: 'b', node: 2 }], include: [{ os: 'a', extra: true }, { os: 'c' }] })).toEqual([
      { os: 'a', node: 1, extra: true },
      { os: 'a', node: 2, extra: true },
      { os: 'b', node: 1 },
      { os: 'c' },
    ]);
  });
});
