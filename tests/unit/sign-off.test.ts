import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { carriesChecks, decideSignOff, latestVerdicts } from '../../actions/shared/src/sign-off.js';
import type { CheckRunLike, ReviewLike } from '../../actions/shared/src/sign-off.js';
import { REPO_ROOT } from '../helpers/datasets.js';

// Real payloads: GitHub's webhook examples (@octokit/webhooks-examples).
interface Example {
  name: string;
  examples: { action?: string; review?: ReviewLike; pull_request?: { head: { sha: string } }; check_run?: CheckRunLike }[];
}
const examples = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as Example[];
const submitted = examples.find((e) => e.name === 'pull_request_review')?.examples.find((x) => x.action === 'submitted');
const completedRun = examples.find((e) => e.name === 'check_run')?.examples.find((x) => x.action === 'completed')?.check_run;
if (!submitted?.review || !submitted.pull_request || !completedRun) throw new Error('webhook examples changed shape');
const HEAD = submitted.pull_request.head.sha;
const OLD = '0000000000000000000000000000000000000001';

let nextId = 1;
/** The real review payload with the fields a scenario changes. */
function review(login: string, state: string, commit = HEAD, minute = nextId): ReviewLike {
  return { ...(submitted?.review as ReviewLike), id: nextId++, user: { ...(submitted?.review?.user as { login: string }), login }, state, commit_id: commit, submitted_at: `2026-11-26T10:${String(minute).padStart(2, '0')}:00Z` };
}
function run(name: string, conclusion: string | null, status = 'completed', minute = 1): CheckRunLike {
  return { ...(completedRun as CheckRunLike), id: nextId++, name, status, conclusion, started_at: `2026-11-26T09:${String(minute).padStart(2, '0')}:00Z` };
}

const CHECKS = ['gitops-ml/train', 'gitops-ml/evaluate'];
const green = CHECKS.map((n) => run(n, 'success'));
const decide = (reviews: ReviewLike[], checkRuns: CheckRunLike[] = green, ceoLogins = ['the-ceo']) => decideSignOff({ headSha: HEAD, reviews, checkRuns, requiredChecks: CHECKS, ceoLogins });

describe('sign-off rule', () => {
  it('signs off with green checks and a CEO approval on the head commit', () => {
    const d = decide([review('the-ceo', 'APPROVED')]);
    expect(d).toMatchObject({ state: 'success', approvedBy: ['the-ceo'], missing: [] });
    expect(d.description).toBe(`Signed off by the-ceo on ${HEAD.slice(0, 7)}`);
  });

  it('never signs off on a non-CEO approval', () => {
    const d = decide([review('Codertocat', 'APPROVED'), review('qa-lead', 'APPROVED')]);
    expect(d.state).toBe('pending');
    expect(d.missing).toEqual(['no approving review from a CEO (the-ceo) on the head commit']);
  });

  it('does not count a CEO approval on an older commit', () => {
    const d = decide([review('the-ceo', 'APPROVED', OLD)]);
    expect(d.state).toBe('pending');
    expect(d.missing[0]).toMatch(/^CEO approval is on an older commit \(the-ceo\); approve the head commit/);
  });

  it('a later CHANGES_REQUESTED by the CEO revokes the approval and blocks', () => {
    const d = decide([review('the-ceo', 'APPROVED', HEAD, 1), review('the-ceo', 'CHANGES_REQUESTED', HEAD, 2)]);
    expect(d.state).toBe('failure');
    expect(d.missing).toEqual(['the-ceo (CEO) requested changes']);
    // …and a later approval lifts it again.
    expect(decide([review('the-ceo', 'CHANGES_REQUESTED', HEAD, 3), review('the-ceo', 'APPROVED', HEAD, 4)]).state).toBe('success');
  });

  it('a comment does not change a verdict; a dismissal withdraws it', () => {
    expect(decide([review('the-ceo', 'APPROVED', HEAD, 5), review('the-ceo', 'COMMENTED', HEAD, 6)]).state).toBe('success');
    expect(decide([review('the-ceo', 'APPROVED', HEAD, 7), review('the-ceo', 'DISMISSED', HEAD, 8)]).state).toBe('pending');
  });

  it('any CEO asking for changes blocks, even when another CEO approved', () => {
    const d = decide([review('ceo-a', 'APPROVED'), review('ceo-b', 'CHANGES_REQUESTED')], green, ['ceo-a', 'ceo-b']);
    expect(d.state).toBe('failure');
  });

  it('matches logins case-insensitively and reads webhook (lower-case) states', () => {
    expect(decide([review('The-CEO', 'approved')]).state).toBe('success');
    expect(latestVerdicts([review('x', 'changes_requested')]).get('x')?.state).toBe('CHANGES_REQUESTED');
  });

  it('waits for missing or running checks and fails on a failed one; the latest run of a check counts', () => {
    const approved = [review('the-ceo', 'APPROVED')];
    expect(decide(approved, [run('gitops-ml/train', 'success')]).missing).toEqual(['check "gitops-ml/evaluate" has not run on the head commit']);
    expect(decide(approved, [run('gitops-ml/train', 'success'), run('gitops-ml/evaluate', null, 'in_progress')])).toMatchObject({ state: 'pending', missing: ['check "gitops-ml/evaluate" is in progress'] });
    const failed = decide(approved, [run('gitops-ml/train', 'success'), run('gitops-ml/evaluate', 'failure')]);
    expect(failed.state).toBe('failure');
    expect(failed.description).toBe('Blocked: check "gitops-ml/evaluate" concluded failure');
    const rerun = [run('gitops-ml/train', 'success'), run('gitops-ml/evaluate', 'failure', 'completed', 1), run('gitops-ml/evaluate', 'success', 'completed', 2)];
    expect(decide(approved, rerun).state).toBe('success');
    expect(decide(approved, [run('gitops-ml/train', 'skipped'), run('gitops-ml/evaluate', 'neutral')]).state).toBe('success');
  });

  it('keeps the status description within GitHub\'s 140 characters and counts what else is missing', () => {
    const long = Array.from({ length: 5 }, (_, i) => `gitops-ml/a-very-long-check-name-number-${i}-${'x'.repeat(60)}`);
    const d = decideSignOff({ headSha: HEAD, reviews: [], checkRuns: [], requiredChecks: long, ceoLogins: ['the-ceo'] });
    expect(d.description.length).toBeLessThanOrEqual(140);
    expect(d.missing).toHaveLength(6);
    expect(decide([], [run('gitops-ml/train', 'success')]).description).toMatch(/^Waiting: check "gitops-ml\/evaluate" has not run on the head commit \(\+1 more\)$/);
  });
});

describe('carriesChecks (the docs job model-card commit)', () => {
  const card = { sha: 'b'.repeat(40), parents: [{ sha: 'a'.repeat(40) }], author: { login: 'github-actions[bot]' }, files: [{ filename: 'docs/model-cards/reviews.md' }] };
  it('carries a GITHUB_TOKEN commit that only changes model cards', () => {
    expect(carriesChecks(card)).toBe(true);
    expect(carriesChecks({ ...card, files: [{ filename: 'docs/model-cards/a.md' }, { filename: 'docs/model-cards/b.md' }] })).toBe(true);
  });
  it('does not carry anything else', () => {
    expect(carriesChecks({ ...card, author: { login: 'dev' } })).toBe(false);
    expect(carriesChecks({ ...card, author: { login: 'dependabot[bot]' } })).toBe(false);
    expect(carriesChecks({ ...card, author: null })).toBe(false);
    expect(carriesChecks({ ...card, parents: [...card.parents, { sha: 'c'.repeat(40) }] })).toBe(false);
    expect(carriesChecks({ ...card, files: [] })).toBe(false);
    expect(carriesChecks({ ...card, files: [{ filename: 'docs/model-cards/../../package.json' }] })).toBe(false);
    expect(carriesChecks({ ...card, files: [{ filename: 'docs/model-cards/sub/x.md' }] })).toBe(false);
    expect(carriesChecks({ ...card, files: [...card.files, { filename: 'model/specs/reviews.json' }] })).toBe(false);
  });
});
