/**
 * The approval gate's rule, as a pure function of what the GitHub API reports about a
 * pull request. Sign-off = every required check green on the head commit AND an
 * APPROVED review on that same head commit by someone configured as CEO, with no CEO
 * still asking for changes. Its result becomes the commit status `gitops-ml/sign-off`.
 */

/** A review as the REST API lists it (`pulls.listReviews`) or a webhook carries it (lower-case state). */
export interface ReviewLike {
  id: number;
  user: { login: string } | null;
  state: string;
  commit_id: string | null;
  submitted_at?: string | null;
}

/** A check run on the head commit (`checks.listForRef`). */
export interface CheckRunLike {
  id?: number;
  name: string;
  status: string;
  conclusion: string | null;
  started_at?: string | null;
}

export interface SignOffInput {
  headSha: string;
  /** Whose check runs `checkRuns` are: the head, or the commit below the docs job's card commits (see carriesChecks). */
  checkedSha?: string;
  reviews: readonly ReviewLike[];
  checkRuns: readonly CheckRunLike[];
  requiredChecks: readonly string[];
  /** Logins that count as CEO: configured logins plus the members of configured teams. */
  ceoLogins: readonly string[];
}

export type CommitState = 'success' | 'pending' | 'failure';

export interface SignOffDecision {
  state: CommitState;
  /** Fits a commit status description (GitHub truncates at 140 characters). */
  description: string;
  /** What is still missing, one line each, for the PR checklist. */
  missing: string[];
  /** CEO logins whose approval on the head commit counts. */
  approvedBy: string[];
}

/** Conclusions GitHub's branch protection also accepts for a required check. */
const PASSING = new Set(['success', 'neutral', 'skipped']);
/** Review states that change a reviewer's verdict; COMMENTED and PENDING leave it as it was. */
const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

const order = (a: { submitted_at?: string | null; id: number }, b: { submitted_at?: string | null; id: number }): number =>
  (a.submitted_at ?? '').localeCompare(b.submitted_at ?? '') || a.id - b.id;

/** Each reviewer's standing verdict: their latest decisive review (GitHub logins are case-insensitive). */
export function latestVerdicts(reviews: readonly ReviewLike[]): Map<string, ReviewLike & { state: string }> {
  const verdicts = new Map<string, ReviewLike & { state: string }>();
  for (const r of [...reviews].sort(order)) {
    const state = r.state.toUpperCase();
    if (!r.user || !DECISIVE.has(state)) continue;
    verdicts.set(r.user.login.toLowerCase(), { ...r, state });
  }
  return verdicts;
}

/** The latest run of each check name (a re-run replaces the earlier one). */
function latestRuns(runs: readonly CheckRunLike[]): Map<string, CheckRunLike> {
  const byName = new Map<string, CheckRunLike>();
  const sorted = [...runs].sort((a, b) => (a.started_at ?? '').localeCompare(b.started_at ?? '') || (a.id ?? 0) - (b.id ?? 0));
  for (const r of sorted) byName.set(r.name, r);
  return byName;
}

export function decideSignOff(input: SignOffInput): SignOffDecision {
  const ceos = new Set(input.ceoLogins.map((l) => l.toLowerCase()));
  const missing: string[] = [];
  let failed = false;

  const runs = latestRuns(input.checkRuns);
  for (const name of input.requiredChecks) {
    const run = runs.get(name);
    if (!run) missing.push(`check "${name}" has not run on the head commit${input.checkedSha && input.checkedSha !== input.headSha ? ` (or on ${input.checkedSha.slice(0, 7)}, below the model-card commit)` : ''}`);
    else if (run.status !== 'completed') missing.push(`check "${name}" is ${run.status.replace('_', ' ')}`);
    else if (!PASSING.has(run.conclusion ?? '')) {
      failed = true;
      missing.push(`check "${name}" concluded ${run.conclusion ?? 'without a conclusion'}`);
    }
  }

  const approvedBy: string[] = [];
  const staleApprovals: string[] = [];
  for (const [login, v] of latestVerdicts(input.reviews)) {
    if (!ceos.has(login)) continue;
    const who = v.user?.login ?? login;
    if (v.state === 'CHANGES_REQUESTED') {
      failed = true;
      missing.push(`${who} (CEO) requested changes`);
    } else if (v.state === 'APPROVED') {
      if (v.commit_id === input.headSha) approvedBy.push(who);
      else staleApprovals.push(who);
    }
  }
  const ceoBlocks = missing.some((m) => m.endsWith('(CEO) requested changes'));
  if (approvedBy.length === 0 && !ceoBlocks) {
    missing.push(
      staleApprovals.length > 0
        ? `CEO approval is on an older commit (${staleApprovals.join(', ')}); approve the head commit ${input.headSha.slice(0, 7)} again`
        : `no approving review from a CEO (${[...input.ceoLogins].join(', ') || 'none configured'}) on the head commit`,
    );
  }

  const state: CommitState = failed ? 'failure' : missing.length === 0 ? 'success' : 'pending';
  const description =
    state === 'success'
      ? `Signed off by ${approvedBy.join(', ')} on ${input.headSha.slice(0, 7)}`
      : `${state === 'failure' ? 'Blocked' : 'Waiting'}: ${missing[0] ?? ''}${missing.length > 1 ? ` (+${missing.length - 1} more)` : ''}`;
  return { state, description: description.length > 140 ? `${description.slice(0, 139)}…` : description, missing, approvedBy };
}

/** A commit as `repos.getCommit` returns it (the fields the carry-over rule reads). */
export interface CommitLike {
  sha: string;
  parents: readonly { sha: string }[];
  author: { login: string } | null;
  files?: readonly { filename: string }[];
}

/** The one bot whose commits may carry checks over: the workflows' own GITHUB_TOKEN. */
export const ACTIONS_BOT = 'github-actions[bot]';
/** What the docs job commits: the generated model card and its evaluation record, nothing a check reads. */
export const CARRY_OVER_PATHS = /^docs\/model-cards\/[\w-]+\.(?:md|json)$/;

/**
 * Whether a commit may inherit its parent's check runs: the docs job's commit of the
 * regenerated model card, made with GITHUB_TOKEN after the checks ran. It changes only
 * files under docs/model-cards/, so re-training and re-testing it would prove nothing;
 * requiring it to be re-checked would leave the sign-off waiting forever, because a
 * GITHUB_TOKEN push starts no workflow. The CEO's approval is still required on it.
 */
export function carriesChecks(c: CommitLike): boolean {
  return c.author?.login === ACTIONS_BOT && c.parents.length === 1 && (c.files?.length ?? 0) > 0 && (c.files ?? []).every((f) => CARRY_OVER_PATHS.test(f.filename));
}
