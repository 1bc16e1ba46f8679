import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunnerError } from '../../rehearsal/runner/index.js';
import { commit, event, pushEvent } from '../fixtures/rehearsal/fake-github.js';
import { harness, job, runOnce, steps } from '../fixtures/rehearsal/harness.js';

const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1';

describe('jobs: needs, if:, outputs', () => {
  it('passes outputs through needs, skips what a skipped or failed job gates, runs always() jobs', async () => {
    const { run } = await runOnce(`name: graph
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      greeting: \${{ steps.s.outputs.greeting }}
      list: \${{ steps.s.outputs.list }}
    steps:
      - id: s
        run: |
          echo "greeting=hello" >> "$GITHUB_OUTPUT"
          { echo 'list<<EOF'; echo one; echo two; echo EOF; } >> "$GITHUB_OUTPUT"
  b:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: test "\${{ needs.a.outputs.greeting }}" = hello && test "\${{ needs.a.result }}" = success
      - run: test "$LIST" = "$(printf 'one\\ntwo')"
        env:
          LIST: \${{ needs.a.outputs.list }}
  skipped:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps: [{ run: exit 1 }]
  after-skipped:
    needs: skipped
    runs-on: ubuntu-latest
    steps: [{ run: exit 1 }]
  grandchild:
    needs: [b, after-skipped]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: test "\${{ needs.after-skipped.result }}" = skipped && test "\${{ needs.b.result }}" = success
  on-failure:
    needs: b
    if: failure()
    runs-on: ubuntu-latest
    steps: [{ run: exit 1 }]
`);
    expect(run.conclusion).toBe('success');
    expect(Object.fromEntries(run.jobs.map((j) => [j.id, j.conclusion]))).toEqual({ a: 'success', b: 'success', skipped: 'skipped', 'after-skipped': 'skipped', grandchild: 'success', 'on-failure': 'skipped' });
    expect(job(run, 'a').outputs).toEqual({ greeting: 'hello', list: 'one\ntwo' });
    expect(job(run, 'skipped').steps).toEqual([]);
  });

  it('a skipped grandparent skips a job whose own need succeeded (success() is over every upstream job)', async () => {
    const { run } = await runOnce(`on: push
jobs:
  gate:
    if: false
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
  middle:
    needs: gate
    if: always()
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
  last:
    needs: middle
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
`);
    expect(run.jobs.map((j) => [j.id, j.conclusion])).toEqual([
      ['gate', 'skipped'],
      ['middle', 'success'],
      ['last', 'skipped'],
    ]);
  });

  it('a failed step fails the job and the run; later steps skip unless always()/failure(); dependants skip', async () => {
    const { run } = await runOnce(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo before
      - name: Break
        run: exit 3
      - run: echo never
      - if: failure()
        run: echo on failure
      - if: always()
        run: echo always
      - if: success()
        run: echo success
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
`);
    expect(run.conclusion).toBe('failure');
    expect(steps(run, 'build')).toEqual([
      ['Run echo before', 'success'],
      ['Break', 'failure'],
      ['Run echo never', 'skipped'],
      ['Run echo on failure', 'success'],
      ['Run echo always', 'success'],
      ['Run echo success', 'skipped'],
    ]);
    expect(job(run, 'build').annotations).toEqual([{ level: 'error', message: 'Process completed with exit code 3.', step: 'Break' }]);
    expect(job(run, 'deploy').conclusion).toBe('skipped');
  });

  it('continue-on-error: a step\'s outcome is failure and its conclusion success; a job\'s failure lets dependants and the run pass', async () => {
    const { run } = await runOnce(`on: push
jobs:
  flaky:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - id: t
        continue-on-error: true
        run: exit 1
      - if: steps.t.outcome == 'failure' && steps.t.conclusion == 'success' && success()
        run: echo saw it
      - run: exit 2
  next:
    needs: flaky
    runs-on: ubuntu-latest
    steps:
      - run: test "\${{ needs.flaky.result }}" = success
`);
    expect(job(run, 'flaky').steps.find((s) => s.name === 'Run exit 1')).toMatchObject({ outcome: 'failure', conclusion: 'success' });
    expect(steps(run, 'flaky')[1]).toEqual(['Run echo saw it', 'success']);
    expect(job(run, 'flaky').conclusion).toBe('failure');
    expect(job(run, 'next').conclusion).toBe('success');
    expect(run.conclusion).toBe('success');
  });
});

describe('jobs: timeouts', () => {
  it('timeout-minutes on a job ends its process group; the job is cancelled, always() steps still run, the run fails', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'orphan-')), 'survived');
    const { run } = await runOnce(`on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    timeout-minutes: 0.02
    steps:
      - run: (sleep 4; touch ${marker}) & sleep 30
      - run: echo skipped
      - if: always()
        run: echo cleanup
`);
    expect(job(run, 'slow').conclusion).toBe('cancelled');
    expect(steps(run, 'slow')).toEqual([
      [`Run (sleep 4; touch ${marker}) & sleep 30`, 'cancelled'],
      ['Run echo skipped', 'skipped'],
      ['Run echo cleanup', 'success'],
    ]);
    expect(job(run, 'slow').annotations.map((a) => a.message)).toContain('The job running on runner GitHub Actions 1 has exceeded the maximum execution time of 0.02 minutes.');
    expect(run.conclusion).toBe('failure');
    await new Promise((r) => setTimeout(r, 4500));
    expect(() => readFileSync(marker)).toThrow();
  }, 30000);

  it('timeout-minutes on a step fails that step (continue-on-error applies)', async () => {
    const { run } = await runOnce(`on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - name: Hang
        timeout-minutes: 0.01
        continue-on-error: true
        run: sleep 30
      - run: echo next
`);
    expect(job(run, 'j').steps.find((s) => s.name === 'Hang')).toMatchObject({ outcome: 'failure', conclusion: 'success' });
    expect(job(run, 'j').annotations.map((a) => a.message)).toContain("The action 'Hang' has timed out after 0.01 minutes.");
    expect(run.conclusion).toBe('success');
  }, 30000);
});

describe('jobs: token, permissions, environment', () => {
  it('mints a token bound to the job\'s permissions, keeps it out of env and logs, and revokes it at the end', async () => {
    const { run, h } = await runOnce(`on: push
permissions: {}
jobs:
  writer:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: read
    steps:
      - run: |
          test -z "\${GITHUB_TOKEN:-}"
          test "$T" = "$S"
          echo "token is $T"
        env:
          T: \${{ github.token }}
          S: \${{ secrets.GITHUB_TOKEN }}
  none:
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
`);
    expect(run.conclusion).toBe('success');
    const writer = h.gh.minted.find((m) => m.job === 'writer');
    expect(writer?.permissions).toMatchObject({ contents: 'write', 'pull-requests': 'read', issues: 'none' });
    expect(Object.values(h.gh.minted.find((m) => m.job === 'none')?.permissions ?? {}).every((v) => v === 'none')).toBe(true);
    expect(h.gh.revoked.sort()).toEqual(h.gh.minted.map((m) => m.token).sort());
    expect(writer?.runId).toBe(run.id);
    const lines = h.logger.lines();
    expect(lines).toContain('token is ***');
    expect(lines.join('\n')).not.toContain(writer?.token as string);
  });

  it('waits on the environment gate before any step, and fails the job when it is rejected', async () => {
    const wf = `on: push
jobs:
  staging:
    runs-on: ubuntu-latest
    environment: staging
    steps: [{ run: 'true' }]
  production:
    needs: staging
    runs-on: ubuntu-latest
    environment:
      name: production
      url: https://example.test
    steps: [{ run: 'true' }]
`;
    const seen: string[] = [];
    const { run, h } = await runOnce(wf, {}, {
      setup: (hh) => {
        hh.gh.gate = async (req) => {
          seen.push(`${req.environment}:${hh.runner.runs()[0]?.jobs.find((j) => j.id === req.job)?.status}`);
          return req.environment === 'production' ? { state: 'rejected', by: 'ceo', comment: 'not today' } : { state: 'approved', by: ['ceo'] };
        };
      },
    });
    expect(seen).toEqual(['staging:waiting', 'production:waiting']);
    expect(h.gh.gates.map((g) => [g.environment, g.job, g.ref])).toEqual([
      ['staging', 'staging', 'refs/heads/main'],
      ['production', 'production', 'refs/heads/main'],
    ]);
    expect(job(run, 'staging')).toMatchObject({ conclusion: 'success', environment: { name: 'staging', waited: true } });
    expect(job(run, 'production')).toMatchObject({ conclusion: 'failure', steps: [] });
    expect(job(run, 'production').annotations[0]?.message).toMatch(/rejected by ceo: not today/);
    expect(h.gh.minted.map((m) => m.job)).toEqual(['staging']);
  });
});

describe('steps: environment, shells, file and workflow commands', () => {
  it('gives the runner\'s variables, env precedence, GITHUB_ENV/PATH/OUTPUT/STEP_SUMMARY and a clean HOME and workspace', async () => {
    const { run } = await runOnce(`name: envs
on: push
env:
  A: workflow
  B: workflow
  C: workflow
jobs:
  e:
    runs-on: ubuntu-latest
    env:
      B: job
      C: job
    steps:
      - name: defaults
        env:
          C: step
        run: |
          test "$A/$B/$C" = "workflow/job/step"
          test "$CI" = true && test "$GITHUB_ACTIONS" = true && test "$RUNNER_OS" = Linux
          test "$GITHUB_WORKFLOW" = envs && test "$GITHUB_JOB" = e && test "$GITHUB_ACTION" = __run
          test "$GITHUB_REPOSITORY" = acme/models && test "$GITHUB_REPOSITORY_OWNER" = acme && test "$GITHUB_REF_NAME" = main
          test "$GITHUB_EVENT_NAME" = push && test -n "$GITHUB_RUN_ID" && test "$GITHUB_RUN_NUMBER" = 1 && test "$GITHUB_RUN_ATTEMPT" = 1
          test "$(jq -r .after "$GITHUB_EVENT_PATH")" = "$GITHUB_SHA"
          test -d "$RUNNER_TEMP" && test -d "$RUNNER_TOOL_CACHE" && test "$PWD" = "$GITHUB_WORKSPACE"
          test -z "$(ls -A "$GITHUB_WORKSPACE")" && test -z "$(ls -A "$HOME")"
          test "$GITHUB_API_URL" = http://127.0.0.1:9 && test "$GITHUB_GRAPHQL_URL" = http://127.0.0.1:9/graphql
          command -v git jq sha256sum curl > /dev/null
          echo "B=from-env-file" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-ran\\n' > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
          echo "### Summary" >> "$GITHUB_STEP_SUMMARY"
      - id: second
        run: |
          test "$B" = from-env-file && test "\${{ env.B }}" = from-env-file
          test "$(mytool)" = tool-ran
          echo "::add-mask::hunter2"
          echo "password hunter2"
          echo "::group::Details"
          echo "::error file=src/a.ts,line=4,col=2,title=Bad::broken%0Athing"
          echo "::endgroup::"
          echo "v=1" >> "$GITHUB_OUTPUT"
      - env:
          B: step-wins
        run: test "$B" = step-wins && test "\${{ steps.second.outputs.v }}" = 1
`);
    expect(run.conclusion).toBe('success');
    expect(job(run, 'e').summary).toBe('### Summary\n');
    expect(job(run, 'e').annotations).toEqual([{ level: 'error', message: 'broken\nthing', file: 'src/a.ts', line: 4, col: 2, title: 'Bad', step: 'Run test "$B" = from-env-file && test "${{ env.B }}" = from-env-file' }]);
  });

  it('logs the masked value as ***', async () => {
    const { h } = await runOnce('on: push\njobs:\n  m:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo "::add-mask::hunter2"\n          echo "password hunter2"\n');
    expect(h.logger.lines()).toContain('password ***');
  });

  it('runs each shell with GitHub\'s command line: pipefail only with shell: bash; sh; python; working-directory', async () => {
    const { run } = await runOnce(`on: push
jobs:
  s:
    runs-on: ubuntu-latest
    steps:
      - name: default keeps going past a failing pipe
        run: false | true
      - name: bash stops at it
        shell: bash
        continue-on-error: true
        run: false | true
      - shell: sh
        run: test -z "\${BASH_VERSION:-}"
      - shell: python3 {0}
        run: |
          import os
          assert os.environ["GITHUB_ACTIONS"] == "true"
      - run: mkdir -p sub/dir
      - working-directory: sub/dir
        run: test "$(basename "$PWD")" = dir
      - name: missing directory
        working-directory: nowhere
        continue-on-error: true
        run: 'true'
`);
    const s = job(run, 's').steps;
    expect(s.find((x) => x.name === 'default keeps going past a failing pipe')?.outcome).toBe('success');
    expect(s.find((x) => x.name === 'bash stops at it')?.outcome).toBe('failure');
    expect(s.filter((x) => x.name !== 'bash stops at it' && x.name !== 'missing directory').every((x) => x.outcome === 'success')).toBe(true);
    expect(s.find((x) => x.name === 'missing directory')?.outcome).toBe('failure');
    expect(job(run, 's').annotations.map((a) => a.message)).toContainEqual(expect.stringMatching(/working directory '.*\/nowhere'. No such file or directory/));
  });
});

const NODE_ACTION = {
  'actions/hello/action.yml': `name: hello
description: test action
inputs:
  who:
    description: who
    required: true
  token:
    description: the token
    default: \${{ github.token }}
  greeting:
    description: greeting
    default: Hello
outputs:
  said:
    description: what it said
runs:
  using: node24
  main: main.js
  post: post.js
`,
  'actions/hello/main.js': `const fs = require('node:fs');
const who = process.env['INPUT_WHO'];
if (!who) { console.log('::error::Input required and not supplied: who'); process.exit(1); }
if (!process.env['INPUT_TOKEN'].startsWith('ghs_')) { console.log('::error::no token'); process.exit(1); }
if (process.env['GITHUB_TOKEN']) { console.log('::error::GITHUB_TOKEN leaked'); process.exit(1); }
fs.appendFileSync(process.env.GITHUB_OUTPUT, 'said=' + process.env['INPUT_GREETING'] + ' ' + who + '\\n');
fs.appendFileSync(process.env.GITHUB_STATE, 'who=' + who + '\\n');
console.log('main ' + who);
`,
  'actions/hello/post.js': `console.log('post ' + process.env['STATE_who']);\n`,
  'actions/twice/action.yml': `name: twice
description: composite
inputs:
  word:
    description: a word
    default: hi
outputs:
  doubled:
    description: the word twice
    value: \${{ steps.d.outputs.v }}
runs:
  using: composite
  steps:
    - id: d
      shell: bash
      run: echo "v=\${{ inputs.word }}\${{ inputs.word }}" >> "$GITHUB_OUTPUT"
    - shell: bash
      run: test -f "$GITHUB_ACTION_PATH/action.yml"
`,
};

describe('local actions', () => {
  it('runs node actions from the checked-out workspace: defaults, INPUT_*, outputs, post steps in reverse order', async () => {
    const { run, h } = await runOnce(`on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - id: one
        uses: ./actions/hello
        with:
          who: Mona
      - id: two
        uses: ./actions/hello
        with:
          who: Octocat
          greeting: Hi
          colour: blue
      - run: test "\${{ steps.one.outputs.said }}" = "Hello Mona" && test "\${{ steps.two.outputs.said }}" = "Hi Octocat"
      - id: c
        uses: ./actions/twice
        with:
          word: ab
      - run: test "\${{ steps.c.outputs.doubled }}" = abab
      - name: required input left out
        id: missing
        continue-on-error: true
        uses: ./actions/hello
`, NODE_ACTION);
    expect(run.conclusion).toBe('success');
    expect(steps(run, 'a').map(([n]) => n)).toEqual([
      `Run ${CHECKOUT}`,
      'Run ./actions/hello',
      'Run ./actions/hello',
      'Run test "${{ steps.one.outputs.said }}" = "Hello Mona" && test "${{ steps.two.outputs.said }}" = "Hi Octocat"',
      'Run ./actions/twice',
      'Run test "${{ steps.c.outputs.doubled }}" = abab',
      'required input left out',
      'Post required input left out',
      'Post Run ./actions/hello',
      'Post Run ./actions/hello',
      `Post Run ${CHECKOUT}`,
    ]);
    const lines = h.logger.lines();
    expect(lines.indexOf('post Octocat')).toBeLessThan(lines.indexOf('post Mona'));
    const annotations = job(run, 'a').annotations.map((a) => [a.level, a.message]);
    expect(annotations).toContainEqual(['warning', "Unexpected input(s) 'colour', valid inputs are ['who', 'token', 'greeting']"]);
    // The runner does not enforce required: (actions/runner#1070); the action's own check fails it.
    expect(annotations).toContainEqual(['error', 'Input required and not supplied: who']);
    expect(job(run, 'a').steps.find((s) => s.name === 'required input left out')).toMatchObject({ outcome: 'failure', conclusion: 'success' });
    expect(job(run, 'a').actions).toContainEqual({ uses: './actions/hello', ref: '', runtime: 'node24' });
  });

  it('fails a local action step when the workspace has no checkout', async () => {
    const { run } = await runOnce('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./actions/hello\n        with: { who: x }\n', NODE_ACTION);
    expect(run.conclusion).toBe('failure');
    expect(job(run, 'a').annotations[0]?.message).toMatch(/Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '.*\/actions\/hello'. Did you forget to run actions\/checkout/);
  });

  it('fails the job at "Set up job" for an action without a stand-in', async () => {
    const { run, h } = await runOnce('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo never\n      - uses: someone/something@0123456789abcdef0123456789abcdef01234567\n');
    expect(run.conclusion).toBe('failure');
    expect(job(run, 'a').steps.map((s) => [s.name, s.conclusion])).toEqual([
      ['Set up job', 'failure'],
      ['Complete job', 'success'],
    ]);
    expect(job(run, 'a').annotations[0]?.message).toBe('no stand-in for action someone/something@0123456789abcdef0123456789abcdef01234567');
    expect(h.gh.revoked).toHaveLength(1);
  });
});

describe('runs: triggers, approval, concurrency', () => {
  it('reads workflows from the event\'s commit and evaluates paths filters from git when the event has no file list', async () => {
    const h = harness({ '.github/workflows/paths.yml': 'on:\n  push:\n    paths: [model/**]\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps: [{ run: "true" }]\n', 'README.md': 'x\n' });
    try {
      const docsOnly = commit(h.repo, { 'README.md': 'y\n' }, 'docs');
      expect(await h.runner.handleEvent(pushEvent(docsOnly, { before: h.sha }), { kind: 'run' })).toEqual([]);
      const model = commit(h.repo, { 'model/specs/a.json': '{}\n' }, 'model');
      const runs = await h.runner.handleEvent(pushEvent(model, { before: docsOnly }), { kind: 'run' });
      expect(runs.map((r) => [r.path, r.conclusion])).toEqual([['.github/workflows/paths.yml', 'success']]);
      // A workflow added in a later commit exists only for events on that commit.
      const added = commit(h.repo, { '.github/workflows/new.yml': 'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps: [{ run: "true" }]\n' }, 'new workflow');
      expect((await h.runner.handleEvent(pushEvent(model, { before: docsOnly }), { kind: 'run' })).map((r) => r.path)).toEqual(['.github/workflows/paths.yml']);
      expect((await h.runner.handleEvent(pushEvent(added, { before: model }), { kind: 'run' })).map((r) => r.path)).toEqual(['.github/workflows/new.yml']);
      expect(await h.runner.handleEvent(pushEvent(added), { kind: 'none', reason: 'GITHUB_TOKEN' })).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('records an invalid workflow file as a failed run', async () => {
    const { run } = await runOnce('on: push\njobs:\n  a:\n    runs-on: x\n    permissions:\n      bogus: write\n    steps: [{ run: echo }]\n');
    expect(run).toMatchObject({ conclusion: 'failure', jobs: [] });
    expect(run.annotations[0]?.message).toMatch(/Invalid workflow file: \.github\/workflows\/test\.yml[\s\S]*Unexpected value 'bogus'/);
  });

  it('workflow_dispatch: inputs context with types and defaults, github.event.inputs as strings', async () => {
    const { run } = await runOnce(`on:
  workflow_dispatch:
    inputs:
      model: { type: string, required: true }
      environment: { type: choice, options: [staging, production], default: staging }
      dry: { type: boolean, default: true }
jobs:
  j:
    runs-on: ubuntu-latest
    environment: \${{ inputs.environment }}
    steps:
      - run: |
          test "\${{ inputs.model }}/\${{ inputs.environment }}" = "sentiment/staging"
          test "\${{ inputs.dry == true }}" = true && test "\${{ github.event.inputs.dry == 'true' }}" = true
`, {}, { event: (sha) => event('workflow_dispatch', sha, { inputs: { model: 'sentiment' }, ref: 'refs/heads/main' }) });
    expect(run.conclusion).toBe('success');
    expect(job(run, 'j').environment?.name).toBe('staging');
  });

  it('workflow_dispatch runs only the workflow the dispatch names, not every file with the trigger', async () => {
    const wf = (input: string): string => `on:\n  workflow_dispatch:\n    inputs:\n      ${input}: { type: string, required: true }\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps: [{ run: "true" }]\n`;
    const h = harness({ '.github/workflows/a.yml': wf('pull-number'), '.github/workflows/b.yml': wf('model') });
    try {
      const runs = await h.runner.handleEvent(event('workflow_dispatch', h.sha, { inputs: { 'pull-number': '3' }, ref: 'refs/heads/main', workflow: '.github/workflows/a.yml' }), { kind: 'run' });
      expect(runs.map((r) => [r.path, r.conclusion])).toEqual([['.github/workflows/a.yml', 'success']]);
    } finally {
      await h.close();
    }
  });

  it('approval_required: the run is action_required with no job started until approveRun', async () => {
    const h = harness({ '.github/workflows/pr.yml': 'on: pull_request\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps: [{ run: "true" }]\n' });
    try {
      const pr = event('pull_request', h.sha, { action: 'opened', number: 3, pull_request: { number: 3, head: { ref: 'model/x', sha: h.sha }, base: { ref: 'main', sha: h.sha } } }, { ref: 'refs/pull/3/merge' });
      const [run] = await h.runner.handleEvent(pr, { kind: 'approval_required', reason: 'created by GITHUB_TOKEN' });
      expect(run).toMatchObject({ conclusion: 'action_required', status: 'completed', approval_reason: 'created by GITHUB_TOKEN' });
      expect(h.gh.minted).toEqual([]);
      const approved = await h.runner.approveRun(run?.id as number);
      expect(approved).toMatchObject({ id: run?.id, conclusion: 'success' });
      expect(job(approved, 'j').conclusion).toBe('success');
      const again = await h.runner.approveRun(run?.id as number).catch((e: unknown) => e);
      expect(isRunnerError(again, 'RUNNER_UNKNOWN_RUN')).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('concurrency: cancel-in-progress cancels the older run; without it the newer waits and a newer still replaces the waiting one', async () => {
    const wf = (name: string, cancel: boolean) => `name: ${name}\non: push\nconcurrency:\n  group: g-\${{ github.ref }}\n  cancel-in-progress: ${cancel}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 2\n      - if: always()\n        run: echo cleanup\n`;
    const h = harness({ '.github/workflows/c.yml': wf('c', true) });
    try {
      const first = h.runner.handleEvent(pushEvent(h.sha), { kind: 'run' });
      await new Promise((r) => setTimeout(r, 700));
      const second = await h.runner.handleEvent(pushEvent(h.sha), { kind: 'run' });
      const [older] = await first;
      expect(older).toMatchObject({ conclusion: 'cancelled', concurrency: 'g-refs/heads/main' });
      expect(older?.annotations[0]?.message).toBe("Canceling since a higher priority waiting request for 'g-refs/heads/main' exists");
      expect(job(older!, 'j').steps.map((s) => s.conclusion)).toEqual(['success', 'cancelled', 'success', 'success']);
      expect(second[0]?.conclusion).toBe('success');
    } finally {
      await h.close();
    }
    const q = harness({ '.github/workflows/q.yml': wf('q', false) });
    try {
      const a = q.runner.handleEvent(pushEvent(q.sha), { kind: 'run' });
      await new Promise((r) => setTimeout(r, 500));
      const b = q.runner.handleEvent(pushEvent(q.sha), { kind: 'run' });
      await new Promise((r) => setTimeout(r, 300));
      expect(q.runner.runs().map((r) => r.status)).toEqual(['in_progress', 'pending']);
      const c = q.runner.handleEvent(pushEvent(q.sha), { kind: 'run' });
      const [[ra], [rb], [rc]] = await Promise.all([a, b, c]);
      expect([ra?.conclusion, rb?.conclusion, rc?.conclusion]).toEqual(['success', 'cancelled', 'success']);
      expect(rb?.jobs).toEqual([]);
    } finally {
      await q.close();
    }
  }, 30000);

  it('cancelRun stops a run as "Cancel workflow" does', async () => {
    const h = harness({ '.github/workflows/long.yml': 'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 20\n  later:\n    needs: j\n    runs-on: ubuntu-latest\n    steps: [{ run: "true" }]\n' });
    try {
      const pending = h.runner.handleEvent(pushEvent(h.sha), { kind: 'run' });
      await new Promise((r) => setTimeout(r, 500));
      const id = h.runner.runs()[0]?.id as number;
      const cancelled = await h.runner.cancelRun(id);
      expect(cancelled.conclusion).toBe('cancelled');
      expect(cancelled.jobs.map((j) => [j.id, j.conclusion])).toEqual([
        ['j', 'cancelled'],
        ['later', 'cancelled'],
      ]);
      expect((await pending)[0]?.id).toBe(id);
    } finally {
      await h.close();
    }
  });

  it('a one-combination matrix gives the matrix context; what the runner cannot run fails with the reason', async () => {
    const { run } = await runOnce(`on: push
jobs:
  one:
    strategy:
      matrix:
        node: [24]
    runs-on: ubuntu-latest
    steps:
      - run: test "\${{ matrix.node }}" = 24
  many:
    strategy:
      matrix:
        node: [20, 24]
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
  boxed:
    runs-on: ubuntu-latest
    container: node:24
    steps: [{ run: 'true' }]
`);
    expect(run.jobs.map((j) => [j.name, j.conclusion])).toEqual([
      ['one (24)', 'success'],
      ['many', 'failure'],
      ['boxed', 'failure'],
    ]);
    expect(job(run, 'many').annotations[0]?.message).toMatch(/2 combinations is not supported/);
    expect(job(run, 'boxed').annotations[0]?.message).toMatch(/\(container:\) are not supported/);
  });

  it('runs at most `concurrency` jobs at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slots-'));
    const jobsYaml = ['a', 'b', 'c', 'd'].map((j) => `  ${j}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          mkdir ${dir}/$GITHUB_JOB; ls ${dir} | wc -l >> ${dir}.counts; sleep 0.4; rmdir ${dir}/$GITHUB_JOB\n`).join('');
    const { run } = await runOnce(`on: push\njobs:\n${jobsYaml}`, {}, { runner: { concurrency: 2 } });
    expect(run.conclusion).toBe('success');
    const counts = readFileSync(`${dir}.counts`, 'utf8').trim().split('\n').map(Number);
    expect(Math.max(...counts)).toBe(2);
  });
});
