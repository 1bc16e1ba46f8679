import type { Actor, RunAdmission } from '../types.js';

/**
 * GitHub's decision about an event before any workflow file is read: does it create runs,
 * runs that wait for approval, or nothing. The rules live here, apart from the server, so
 * each one can be shown with a test.
 *
 * Sources: docs.github.com "Triggering a workflow from a workflow" (GITHUB_TOKEN events
 * start no runs, except workflow_dispatch and repository_dispatch); docs.github.com
 * concepts/security/github_token and community discussion 199292 (since 2026, pull
 * requests a workflow opens or updates with GITHUB_TOKEN get approval-required runs).
 */

export const DISPATCH_EVENTS: ReadonlySet<string> = new Set(['workflow_dispatch', 'repository_dispatch']);
/** The pull_request activity types that, made with GITHUB_TOKEN, produce runs waiting for approval. */
export const APPROVAL_TYPES: ReadonlySet<string> = new Set(['opened', 'synchronize', 'reopened']);

export const REASON_TOKEN_EVENT = 'events triggered by a workflow run\'s GITHUB_TOKEN do not start workflow runs (except workflow_dispatch and repository_dispatch)';
export const REASON_PR_APPROVAL = 'this pull request was opened or updated with a workflow run\'s GITHUB_TOKEN: its pull_request runs wait until a user with write access selects "Approve workflows to run"';
export const REASON_MERGE_CONFLICT = 'the pull request has a merge conflict: GitHub cannot create refs/pull/N/merge, so pull_request workflows do not run';

export interface AdmissionInput {
  name: string;
  action?: string;
  actor: Actor;
  /** pull_request events only: false when the head does not merge cleanly into the base. */
  mergeable?: boolean;
}

export function admit(e: AdmissionInput): RunAdmission {
  const isPullEvent = e.name === 'pull_request' || e.name === 'pull_request_review' || e.name === 'pull_request_review_comment';
  if (isPullEvent && e.mergeable === false) return { kind: 'none', reason: REASON_MERGE_CONFLICT };
  if (!e.actor.workflowToken) return { kind: 'run' };
  if (DISPATCH_EVENTS.has(e.name)) return { kind: 'run' };
  if (e.name === 'pull_request' && e.action !== undefined && APPROVAL_TYPES.has(e.action)) return { kind: 'approval_required', reason: REASON_PR_APPROVAL };
  return { kind: 'none', reason: REASON_TOKEN_EVENT };
}
