import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import type { Pull } from '../helpers/github-standin.js';
import { runAction } from '../helpers/run-action.js';
import type { ActionRun } from '../helpers/run-action.js';

/**
 * The approval-gate action run the way a runner runs it: `node actions/approval-gate/dist/index.js`
 * (the committed bundle its action.yml names), with the runner's environment variables,
 * a real webhook payload, and GitHub played by the stand-in over HTTP.
 */
const reviewEvent = webhookExample('pull_request_review', 'submitted');

const PR = 7;
const H1 = 'a'.repeat(40);
const H2 = 'b'.repeat(40);
const CHECKS = ['gitops-ml/train', 'gitops-ml/evaluate'];

let gh: GitHubStandIn;
let api: string;
let work: string;

function writeConfig(dir: string, ceo: string): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(REPO_ROOT, '.github/gitops-ml.schema.json'), join(dir, 'gitops-ml.schema.json'));
  const file = join(dir, 'gitops-ml.yml');
  writeFileSync(file, `version: 1\nroles:\n  ceo: [${ceo}]\nrequired_checks: [${CHECKS.join(', ')}]\n`);
  return file;
}

/** Runs the bundled action once for an event on PR #7; returns its exit code, outputs, summary and log. */
function runGate(config: string, event: Record<string, unknown> = reviewEvent, eventName = 'pull_request_review', pull = PR): Promise<ActionRun> {
  const payload = { ...event, pull_request: { ...(event.pull_request as object), number: pull }, repository: { ...(event.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };
  return runAction('approval-gate', { api, eventName, payload, inputs: { config } });
}

const lastStatus = (): { sha: string; state: string; context: string; description?: string } | undefined => gh.statuses.at(-1);
const stickyComments = (): { id: number; body: string }[] => (gh.comments.get(PR) ?? []).filter((c) => c.body.startsWith('<!-- gitops-ml:sign-off -->'));

beforeEach(async () => {
  gh = new GitHubStandIn('acme', 'models');
  api = await gh.start();
  work = mkdtempSync(join(tmpdir(), 'gate-'));
  gh.pulls.set(PR, { number: PR, head: { sha: H1, ref: 'model/sentiment' }, base: { ref: 'main' }, state: 'open', title: 'Model: sentiment' });
  for (const c of CHECKS) gh.addCheckRun(H1, c, 'success');
});

afterEach(async () => {
  await gh.close();
  // Every request the action made was a documented GitHub route with a valid body.
  expect(gh.problems).toEqual([]);
});

describe('approval-gate action (bundled entry, runner environment, GitHub stand-in)', () => {
  it('walks the review story: non-CEO approval, CEO approval, new commit, re-approval, changes requested', async () => {
    const config = writeConfig(join(work, 'cfg'), 'the-ceo');

    gh.addReview(PR, 'qa-lead', 'APPROVED', H1);
    let r = await runGate(config);
    expect(r.code).toBe(0);
    expect(lastStatus()).toMatchObject({ sha: H1, state: 'pending', context: 'gitops-ml/sign-off' });
    expect(r.outputs.state).toBe('pending');
    expect(stickyComments()).toHaveLength(1);
    expect(stickyComments()[0]?.body).toContain('- [ ] no approving review from a CEO (the-ceo) on the head commit');

    gh.addReview(PR, 'the-ceo', 'APPROVED', H1);
    r = await runGate(config);
    expect(lastStatus()).toMatchObject({ sha: H1, state: 'success', description: `Signed off by the-ceo on ${H1.slice(0, 7)}` });
    expect(r.outputs['signed-off']).toBe('true');
    expect(r.summary).toContain('gitops-ml/sign-off: success');
    // The same comment, updated in place.
    expect(stickyComments()).toHaveLength(1);
    expect(stickyComments()[0]?.body).toContain('Signed off');

    // A new commit: the approval was for H1, so the sign-off resets.
    gh.pulls.set(PR, { ...(gh.pulls.get(PR) as Pull), head: { sha: H2, ref: 'model/sentiment' } });
    for (const c of CHECKS) gh.addCheckRun(H2, c, 'success');
    await runGate(config, reviewEvent, 'pull_request');
    expect(lastStatus()).toMatchObject({ sha: H2, state: 'pending' });
    expect(stickyComments()[0]?.body).toContain('CEO approval is on an older commit (the-ceo)');

    gh.addReview(PR, 'the-ceo', 'APPROVED', H2);
    await runGate(config);
    expect(lastStatus()).toMatchObject({ sha: H2, state: 'success' });

    gh.addReview(PR, 'the-ceo', 'CHANGES_REQUESTED', H2);
    await runGate(config);
    expect(lastStatus()).toMatchObject({ sha: H2, state: 'failure', description: 'Blocked: the-ceo (CEO) requested changes' });
    expect(stickyComments()).toHaveLength(1);

    // Only documented calls, with valid bodies (checked in afterEach), and the ones expected.
    expect(new Set(gh.requests.map((q) => q.operationId))).toEqual(new Set(['pulls/get', 'repos/get-commit', 'pulls/list-reviews', 'pulls/list-files', 'checks/list-for-ref', 'repos/create-commit-status', 'issues/list-comments', 'issues/create-comment', 'issues/update-comment']));
  });

  it('an ordinary PR (no model spec changed) is signed off by the CEO alone: no model check will ever exist for it', async () => {
    const config = writeConfig(join(work, 'cfg'), 'the-ceo');
    const ordinary = 8;
    gh.pulls.set(ordinary, { number: ordinary, head: { sha: H2, ref: 'tune-gates' }, base: { ref: 'main' }, state: 'open', title: 'Lower the ECE gate' });
    gh.pullFiles.set(ordinary, ['.github/gitops-ml.yml']);
    gh.addReview(ordinary, 'the-ceo', 'APPROVED', H2);
    await runGate(config, reviewEvent, 'pull_request_review', ordinary);
    expect(lastStatus()).toMatchObject({ sha: H2, state: 'success', context: 'gitops-ml/sign-off' });
    // The same PR with a spec in it needs the model checks, which H2 does not have.
    gh.pullFiles.set(ordinary, ['.github/gitops-ml.yml', 'model/specs/sentiment.json']);
    await runGate(config, reviewEvent, 'pull_request_review', ordinary);
    expect(lastStatus()).toMatchObject({ sha: H2, state: 'pending' });
  });

  it('counts members of a CEO team, and waits for a failed-then-running check', async () => {
    gh.teams.set('acme/leadership', ['alice']);
    const config = writeConfig(join(work, 'team'), 'acme/leadership');
    gh.addReview(PR, 'alice', 'APPROVED', H1);
    await runGate(config);
    expect(lastStatus()?.state).toBe('success');
    gh.addCheckRun(H1, 'gitops-ml/evaluate', null, 'in_progress');
    await runGate(config);
    expect(lastStatus()).toMatchObject({ state: 'pending', description: 'Waiting: check "gitops-ml/evaluate" is in progress' });
  });

  it('carries checks over the docs job model-card commit only: a bot commit of docs/model-cards/*, nothing else', async () => {
    const config = writeConfig(join(work, 'carry'), 'the-ceo');
    gh.refs.set('model/sentiment', H1);
    // The docs job's commit (GITHUB_TOKEN, contents API): the head moves, its checks are H1's.
    const card = gh.pushCommit('model/sentiment', { 'docs/model-cards/sentiment.md': '# card\n' }, 'github-actions[bot]');
    gh.addReview(PR, 'the-ceo', 'APPROVED', H1);
    await runGate(config);
    // The CEO's approval is still needed on the head itself.
    expect(lastStatus()).toMatchObject({ sha: card, state: 'pending' });
    gh.addReview(PR, 'the-ceo', 'APPROVED', card);
    await runGate(config);
    expect(lastStatus()).toMatchObject({ sha: card, state: 'success' });
    expect(stickyComments()[0]?.body).toContain(`checks from \`${H1.slice(0, 7)}\``);

    // The bot touching anything else, or a person touching the card, needs checks of its own.
    for (const [files, author] of [
      [{ 'docs/model-cards/sentiment.md': '# card 2\n', 'model/specs/sentiment.json': '{}' }, 'github-actions[bot]'],
      [{ 'docs/model-cards/sentiment.md': '# edited by hand\n' }, 'dev'],
      [{ 'docs/RUNBOOK.md': 'x' }, 'github-actions[bot]'],
    ] as const) {
      gh.refs.set('model/sentiment', card);
      const sha = gh.pushCommit('model/sentiment', files, author);
      gh.addReview(PR, 'the-ceo', 'APPROVED', sha);
      await runGate(config);
      expect([author, Object.keys(files), lastStatus()?.state, lastStatus()?.description]).toEqual([author, Object.keys(files), 'pending', 'Waiting: check "gitops-ml/train" has not run on the head commit (+1 more)']);
    }
  });

  it('fails the step with the config problem when the config is wrong, and touches nothing', async () => {
    const dir = join(work, 'bad');
    const config = writeConfig(dir, 'the-ceo');
    writeFileSync(config, 'version: 1\nroles:\n  cto: [x]\nrequired_checks: []\n');
    const r = await runGate(config);
    expect(r.code).toBe(1);
    expect(r.log).toMatch(/::error::.*unknown key "roles\.cto"; allowed keys in "roles": ceo, qa, security, tech-lead/);
    expect(gh.requests).toEqual([]);
  });
});
