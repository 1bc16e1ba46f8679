import { approvalsNeededMessage, contentsRefusal, evaluateMerge, evaluatePush, missingChecks, protectionFromRequest, protectionToResponse, pushRefusalLines } from '../../rehearsal/github/protection.js';
import type { MergeFacts } from '../../rehearsal/github/protection.js';

const rule = protectionFromRequest({
  required_status_checks: { strict: false, contexts: ['gitops-ml/evaluate'], checks: [{ context: 'gitops-ml/sign-off' }] },
  enforce_admins: false,
  required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
  restrictions: null,
});
const dev = { login: 'dev', isAdmin: false, workflowToken: false, teams: [] };
const HEAD = 'h'.repeat(40);
const green = { checkRuns: [{ name: 'gitops-ml/evaluate', status: 'completed', conclusion: 'success' }], statuses: [{ context: 'gitops-ml/sign-off', state: 'success' }] };
const approved = [{ login: 'lead', state: 'APPROVED', commitId: HEAD, canWrite: true }];
const facts = (over: Partial<MergeFacts> = {}): MergeFacts => ({ actor: dev, author: 'dev', headSha: HEAD, checks: green, reviews: approved, ...over });

describe('branch protection: merging', () => {
  it('merges when the checks pass and a writer approved the head', () => {
    expect(evaluateMerge(rule, facts())).toEqual([]);
    expect(evaluateMerge(undefined, facts({ reviews: [], checks: { checkRuns: [], statuses: [] } }))).toEqual([]);
  });

  it('names the missing required check the way GitHub\'s 405 does', () => {
    const v = evaluateMerge(rule, facts({ checks: { checkRuns: [], statuses: [{ context: 'gitops-ml/sign-off', state: 'success' }] } }));
    expect(v).toEqual([{ code: 'required_status_checks', message: 'Required status check "gitops-ml/evaluate" is expected.' }]);
    // A failing run counts as missing; a newer passing run of the same name replaces it.
    expect(missingChecks(rule, { checkRuns: [{ name: 'gitops-ml/evaluate', status: 'completed', conclusion: 'failure' }], statuses: green.statuses })).toEqual(['gitops-ml/evaluate']);
    expect(missingChecks(rule, { checkRuns: [{ name: 'gitops-ml/evaluate', status: 'completed', conclusion: 'failure' }, { name: 'gitops-ml/evaluate', status: 'completed', conclusion: 'success' }], statuses: green.statuses })).toEqual([]);
    // Neutral and skipped pass, as in the merge box; in-progress does not.
    expect(missingChecks(rule, { checkRuns: [{ name: 'gitops-ml/evaluate', status: 'completed', conclusion: 'skipped' }], statuses: green.statuses })).toEqual([]);
    expect(missingChecks(rule, { checkRuns: [{ name: 'gitops-ml/evaluate', status: 'in_progress', conclusion: null }], statuses: green.statuses })).toEqual(['gitops-ml/evaluate']);
  });

  it('asks for approvals from reviewers with write access, in GitHub\'s words (singular and plural)', () => {
    expect(evaluateMerge(rule, facts({ reviews: [] }))).toEqual([{ code: 'required_reviews', message: 'At least 1 approving review is required by reviewers with write access.' }]);
    expect(approvalsNeededMessage(2)).toBe('At least 2 approving reviews are required by reviewers with write access.');
    // Broken fixtures: a read-only reviewer, the author, and an approval of an older commit under dismiss_stale_reviews.
    expect(evaluateMerge(rule, facts({ reviews: [{ ...approved[0], canWrite: false } as (typeof approved)[0]] }))[0]?.code).toBe('required_reviews');
    expect(evaluateMerge(rule, facts({ reviews: [{ ...approved[0], login: 'dev' } as (typeof approved)[0]] }))[0]?.code).toBe('required_reviews');
    expect(evaluateMerge(rule, facts({ reviews: [{ ...approved[0], commitId: 'o'.repeat(40) } as (typeof approved)[0]] }))[0]?.code).toBe('required_reviews');
    // Without dismiss_stale_reviews an older approval still counts.
    const keep = protectionFromRequest({ required_pull_request_reviews: { required_approving_review_count: 1 } });
    expect(evaluateMerge(keep, facts({ reviews: [{ ...approved[0], commitId: 'o'.repeat(40) } as (typeof approved)[0]] }))).toEqual([]);
    // A reviewer's latest verdict stands: changes requested after an approval blocks.
    expect(evaluateMerge(rule, facts({ reviews: [...approved, { login: 'lead', state: 'CHANGES_REQUESTED', commitId: HEAD, canWrite: true }] }))[0]?.code).toBe('changes_requested');
  });

  it('lets admins through unless enforce_admins is on', () => {
    const admin = { ...dev, login: 'boss', isAdmin: true };
    expect(evaluateMerge(rule, facts({ actor: admin, reviews: [], checks: { checkRuns: [], statuses: [] } }))).toEqual([]);
    expect(evaluateMerge({ ...rule, enforceAdmins: true }, facts({ actor: admin, reviews: [] }))[0]?.code).toBe('required_reviews');
  });

  it('restricts who may merge/push to the listed users, teams and apps', () => {
    const restricted = { ...rule, requiredReviews: null, requiredStatusChecks: null, restrictions: { users: ['lead'], teams: ['acme/release'], apps: [] } };
    expect(evaluateMerge(restricted, facts())[0]?.message).toMatch(/^You're not authorized to push to this branch\. Visit https:\/\/docs\.github\.com\/.* for more information\.$/);
    expect(evaluateMerge(restricted, facts({ actor: { ...dev, teams: ['acme/release'] } }))).toEqual([]);
    const bot = { login: 'github-actions[bot]', isAdmin: false, workflowToken: true, teams: [] };
    expect(evaluatePush(restricted, { actor: bot, checks: green, forced: false, deleted: false })[0]?.code).toBe('restricted');
    expect(evaluatePush({ ...restricted, restrictions: { users: [], teams: [], apps: ['github-actions'] } }, { actor: bot, checks: green, forced: false, deleted: false })).toEqual([]);
  });
});

describe('branch protection: pushing', () => {
  it('refuses a direct push when reviews are required, and counts missing checks', () => {
    const v = evaluatePush(rule, { actor: dev, checks: { checkRuns: [], statuses: [] }, forced: false, deleted: false });
    expect(v.map((x) => x.message)).toEqual(['Changes must be made through a pull request.', '2 of 2 required status checks are expected.']);
    expect(pushRefusalLines('refs/heads/main', v)).toEqual(['GH006: Protected branch update failed for refs/heads/main.', '', '- Changes must be made through a pull request.', '', '- 2 of 2 required status checks are expected.']);
    // The contents API puts the checks first, as in "Could not update file: 2 of 2 required status checks are expected. Changes must be made through a pull request."
    expect(contentsRefusal(v)).toBe('2 of 2 required status checks are expected. Changes must be made through a pull request.');
  });

  it('refuses force pushes and deletions unless the rule allows them', () => {
    const open = { ...rule, requiredReviews: null, requiredStatusChecks: null };
    expect(evaluatePush(open, { actor: dev, checks: green, forced: true, deleted: false }).map((v) => v.code)).toEqual(['force_push']);
    expect(evaluatePush({ ...open, allowForcePushes: true }, { actor: dev, checks: green, forced: true, deleted: false })).toEqual([]);
    expect(evaluatePush(open, { actor: dev, checks: green, forced: false, deleted: true }).map((v) => v.code)).toEqual(['deletion']);
  });
});

describe('branch protection: the API shape', () => {
  it('reads GitHub\'s request body and answers in GitHub\'s response shape', () => {
    expect(rule).toMatchObject({ requiredStatusChecks: { strict: false, contexts: ['gitops-ml/evaluate', 'gitops-ml/sign-off'] }, requiredReviews: { count: 1, dismissStale: true }, enforceAdmins: false, restrictions: null });
    const out = protectionToResponse(rule, 'http://x/protection', (login) => ({ login }));
    expect(out).toMatchObject({ required_status_checks: { contexts: ['gitops-ml/evaluate', 'gitops-ml/sign-off'] }, enforce_admins: { enabled: false }, required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true } });
    expect(out).not.toHaveProperty('restrictions');
  });
});
