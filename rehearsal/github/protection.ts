import { PROTECTED_BRANCHES_ARTICLE } from './errors.js';

/**
 * Branch protection (the classic rules a repository admin sets with
 * `PUT /repos/{o}/{r}/branches/{b}/protection`) and GitHub's verdict on a merge or a push.
 * Pure functions over plain facts, so each rule has its own test.
 *
 * Wording (each seen in a GitHub answer quoted in a public issue):
 * - merge API 405: `Required status check "X" is expected.` (bors-ng/bors-ng#1493),
 *   `At least 1 approving review is required by reviewers with write access.`
 *   (Reviewable/Reviewable#561; the plural in Skatteetaten/terraform-nomad-minio#53);
 * - git push: `GH006: Protected branch update failed for refs/heads/main.` then one
 *   `- reason` line each: `Changes must be made through a pull request.`,
 *   `N of M required status checks are expected.` (cloudfoundry/app-autoscaler#857),
 *   `You're not authorized to push to this branch. Visit … for more information.`
 *   (az-digital/arizona-bootstrap#1524), `Cannot force-push to this branch`
 *   (UNCONFIRMED: hexojs/hexo#2817 shows the older "Cannot force-push to a protected branch.").
 */

export interface BranchProtection {
  requiredStatusChecks: { strict: boolean; contexts: string[] } | null;
  enforceAdmins: boolean;
  requiredReviews: { count: number; dismissStale: boolean; requireCodeOwners: boolean; requireLastPushApproval: boolean } | null;
  /** Who may push (users, team slugs, app slugs); null = anyone with write access. */
  restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  requiredLinearHistory: boolean;
}

type Json = Record<string, unknown>;

/** The stored rule from a `repos/update-branch-protection` body (already schema-valid). */
export function protectionFromRequest(body: Json): BranchProtection {
  const checks = body.required_status_checks as { strict?: boolean; contexts?: string[]; checks?: { context: string }[] } | null;
  const reviews = body.required_pull_request_reviews as { dismiss_stale_reviews?: boolean; require_code_owner_reviews?: boolean; required_approving_review_count?: number; require_last_push_approval?: boolean } | null;
  const restrictions = body.restrictions as { users?: string[]; teams?: string[]; apps?: string[] } | null;
  return {
    requiredStatusChecks: checks ? { strict: checks.strict === true, contexts: [...new Set([...(checks.contexts ?? []), ...(checks.checks ?? []).map((c) => c.context)])] } : null,
    enforceAdmins: body.enforce_admins === true,
    // GitHub's default count is 1 when the block is present without one.
    requiredReviews: reviews ? { count: reviews.required_approving_review_count ?? 1, dismissStale: reviews.dismiss_stale_reviews === true, requireCodeOwners: reviews.require_code_owner_reviews === true, requireLastPushApproval: reviews.require_last_push_approval === true } : null,
    restrictions: restrictions ? { users: restrictions.users ?? [], teams: restrictions.teams ?? [], apps: restrictions.apps ?? [] } : null,
    allowForcePushes: body.allow_force_pushes === true,
    allowDeletions: body.allow_deletions === true,
    requiredLinearHistory: body.required_linear_history === true,
  };
}

/** The `repos/get-branch-protection` answer. */
export function protectionToResponse(p: BranchProtection, url: string, user: (login: string) => Json): Json {
  return {
    url,
    ...(p.requiredStatusChecks ? { required_status_checks: { url: `${url}/required_status_checks`, strict: p.requiredStatusChecks.strict, contexts: p.requiredStatusChecks.contexts, checks: p.requiredStatusChecks.contexts.map((context) => ({ context, app_id: null })), contexts_url: `${url}/required_status_checks/contexts` } } : {}),
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
    ...(p.requiredReviews
      ? { required_pull_request_reviews: { url: `${url}/required_pull_request_reviews`, dismiss_stale_reviews: p.requiredReviews.dismissStale, require_code_owner_reviews: p.requiredReviews.requireCodeOwners, required_approving_review_count: p.requiredReviews.count, require_last_push_approval: p.requiredReviews.requireLastPushApproval } }
      : {}),
    ...(p.restrictions ? { restrictions: { url: `${url}/restrictions`, users_url: `${url}/restrictions/users`, teams_url: `${url}/restrictions/teams`, apps_url: `${url}/restrictions/apps`, users: p.restrictions.users.map(user), teams: p.restrictions.teams.map((slug) => ({ slug, name: slug })), apps: p.restrictions.apps.map((slug) => ({ slug, name: slug })) } } : {}),
    required_linear_history: { enabled: p.requiredLinearHistory },
    allow_force_pushes: { enabled: p.allowForcePushes },
    allow_deletions: { enabled: p.allowDeletions },
    required_conversation_resolution: { enabled: false },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
}

export interface ProtectionActor {
  login: string;
  /** Repository admin: bypasses the rule unless `enforce_admins`. */
  isAdmin: boolean;
  workflowToken: boolean;
  /** Team slugs the actor belongs to (for `restrictions.teams`). */
  teams: readonly string[];
}

/** The latest check runs and commit statuses on one commit. */
export interface CommitChecks {
  checkRuns: readonly { name: string; status: string; conclusion: string | null }[];
  statuses: readonly { context: string; state: string }[];
}

export interface ReviewFact {
  login: string;
  state: string;
  commitId: string;
  /** Only reviews by people with write access count toward the requirement. */
  canWrite: boolean;
}

export type ViolationCode = 'required_status_checks' | 'required_reviews' | 'changes_requested' | 'restricted' | 'pull_request_required' | 'force_push' | 'deletion';

export interface Violation {
  code: ViolationCode;
  message: string;
}

/** The required contexts not passing on the commit (a check run neutral or skipped passes, as on GitHub). */
export function missingChecks(p: BranchProtection, checks: CommitChecks): string[] {
  const required = p.requiredStatusChecks?.contexts ?? [];
  return required.filter((context) => {
    // The newest check run of that name decides, as the merge box shows.
    const run = [...checks.checkRuns].reverse().find((c) => c.name === context);
    if (run) return !(run.status === 'completed' && ['success', 'neutral', 'skipped'].includes(run.conclusion ?? ''));
    const status = [...checks.statuses].reverse().find((s) => s.context === context);
    return status?.state !== 'success';
  });
}

function checksViolation(p: BranchProtection, missing: string[], style: 'merge' | 'push'): Violation | undefined {
  if (missing.length === 0) return undefined;
  const total = p.requiredStatusChecks?.contexts.length ?? missing.length;
  // The merge API names a single check; pushes count them (both shapes seen in real answers).
  const message = missing.length === 1 && (style === 'merge' || total === 1) ? `Required status check "${missing[0] ?? ''}" is expected.` : `${missing.length} of ${total} required status checks are expected.`;
  return { code: 'required_status_checks', message };
}

function mayPush(p: BranchProtection, actor: ProtectionActor): boolean {
  if (!p.restrictions) return true;
  if (actor.workflowToken) return p.restrictions.apps.includes('github-actions');
  return p.restrictions.users.includes(actor.login) || actor.teams.some((t) => p.restrictions?.teams.includes(t));
}

const RESTRICTED = `You're not authorized to push to this branch. Visit ${PROTECTED_BRANCHES_ARTICLE} for more information.`;

export function approvalsNeededMessage(count: number): string {
  return count === 1 ? 'At least 1 approving review is required by reviewers with write access.' : `At least ${count} approving reviews are required by reviewers with write access.`;
}

export interface MergeFacts {
  actor: ProtectionActor;
  author: string;
  headSha: string;
  checks: CommitChecks;
  /** Every review on the pull request, oldest first. */
  reviews: readonly ReviewFact[];
}

/** Why GitHub would refuse to merge (empty: it merges). Admins bypass unless `enforce_admins`. */
export function evaluateMerge(p: BranchProtection | undefined, f: MergeFacts): Violation[] {
  if (!p || (f.actor.isAdmin && !p.enforceAdmins)) return [];
  const out: Violation[] = [];
  if (!mayPush(p, f.actor)) out.push({ code: 'restricted', message: RESTRICTED });
  if (p.requiredReviews) {
    // A reviewer's latest APPROVED / CHANGES_REQUESTED review is their verdict; comments do not change it.
    const verdict = new Map<string, ReviewFact>();
    for (const r of f.reviews) if (r.canWrite && r.login !== f.author && (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED')) verdict.set(r.login, r);
    const counted = [...verdict.values()].filter((r) => r.state === 'APPROVED' && (!p.requiredReviews?.dismissStale || r.commitId === f.headSha));
    if ([...verdict.values()].some((r) => r.state === 'CHANGES_REQUESTED')) out.push({ code: 'changes_requested', message: 'Changes have been requested.' }); // UNCONFIRMED wording
    else if (counted.length < p.requiredReviews.count) out.push({ code: 'required_reviews', message: approvalsNeededMessage(p.requiredReviews.count) });
  }
  const checks = checksViolation(p, missingChecks(p, f.checks), 'merge');
  if (checks) out.push(checks);
  return out;
}

export interface PushFacts {
  actor: ProtectionActor;
  /** Checks on the commit the branch would point to. */
  checks: CommitChecks;
  forced: boolean;
  deleted: boolean;
}

/** Why GitHub would refuse a direct push to a protected branch (empty: it accepts). */
export function evaluatePush(p: BranchProtection | undefined, f: PushFacts): Violation[] {
  if (!p || (f.actor.isAdmin && !p.enforceAdmins)) return [];
  const out: Violation[] = [];
  if (p.requiredReviews) out.push({ code: 'pull_request_required', message: 'Changes must be made through a pull request.' });
  const checks = f.deleted ? undefined : checksViolation(p, missingChecks(p, f.checks), 'push');
  if (checks) out.push(checks);
  if (f.forced && !p.allowForcePushes) out.push({ code: 'force_push', message: 'Cannot force-push to this branch' });
  if (f.deleted && !p.allowDeletions) out.push({ code: 'deletion', message: 'Cannot delete this branch' });
  if (!mayPush(p, f.actor)) out.push({ code: 'restricted', message: RESTRICTED });
  return out;
}

/** The lines `git push` prints after "remote: error:" for a refused push. */
export function pushRefusalLines(ref: string, violations: readonly Violation[]): string[] {
  return [`GH006: Protected branch update failed for ${ref}.`, ...violations.flatMap((v) => ['', `- ${v.message}`])];
}

/** The contents API's sentence: the check count first, then the pull request requirement. */
export function contentsRefusal(violations: readonly Violation[]): string {
  const order: ViolationCode[] = ['required_status_checks', 'pull_request_required', 'restricted', 'force_push', 'deletion'];
  return [...violations].sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code)).map((v) => v.message).join(' ');
}
