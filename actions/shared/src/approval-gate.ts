import type { GitopsConfig } from './config.js';
import { expandPrincipals } from './github.js';
import type { GitHub, RepoRef } from './github.js';
import { carriesChecks, decideSignOff } from './sign-off.js';
import type { SignOffDecision } from './sign-off.js';
import { upsertStickyComment } from './sticky-comment.js';

export const SIGN_OFF_CONTEXT = 'gitops-ml/sign-off';

/** The pull request an event is about, if any (review, PR, check run/suite events). */
export function pullNumberOf(payload: Record<string, unknown>): number | undefined {
  const pr = payload.pull_request as { number?: number } | undefined;
  if (pr?.number) return pr.number;
  for (const key of ['check_run', 'check_suite'] as const) {
    const prs = (payload[key] as { pull_requests?: { number: number }[] } | undefined)?.pull_requests;
    if (prs?.[0]) return prs[0].number;
  }
  return undefined;
}

export function signOffMarkdown(d: SignOffDecision & { headSha: string; checkedSha?: string }): string {
  const head = d.headSha.slice(0, 7);
  const carried = d.checkedSha && d.checkedSha !== d.headSha ? ` (checks from \`${d.checkedSha.slice(0, 7)}\`: the commits above it only regenerate the model card)` : '';
  if (d.state === 'success') return `### ✅ Signed off\n\nApproved by ${d.approvedBy.map((l) => `@${l}`).join(', ')} on \`${head}\`, with every required check green${carried}. Merging deploys this model.`;
  const title = d.state === 'failure' ? '### ⛔ Sign-off blocked' : '### ⏳ Waiting for sign-off';
  return `${title}\n\nOn head commit \`${head}\`${carried}:\n\n${d.missing.map((m) => `- [ ] ${m}`).join('\n')}\n\nA new commit resets the sign-off: the CEO approves the head commit.`;
}

/** At most this many docs commits in a row are looked through (the docs job makes one per run). */
const MAX_CARRY_OVER = 5;

/** The commit whose check runs stand for the head: the head, or the last commit below the docs job's card commits. */
export async function checkedCommit(gh: GitHub, where: RepoRef, headSha: string): Promise<string> {
  let sha = headSha;
  for (let i = 0; i < MAX_CARRY_OVER; i++) {
    const { data } = await gh.rest.repos.getCommit({ owner: where.owner, repo: where.repo, ref: sha });
    if (!carriesChecks({ sha: data.sha, parents: data.parents, author: data.author && 'login' in data.author ? { login: data.author.login } : null, files: data.files })) break;
    sha = (data.parents[0] as { sha: string }).sha;
  }
  return sha;
}

/** A pull request that trains a model: it adds or changes a spec under model/specs/. */
export function isModelPull(changedFiles: readonly string[]): boolean {
  return changedFiles.some((f) => /^model\/specs\/[^/]+\.json$/.test(f));
}

/**
 * Reads the PR's head commit, reviews and check runs, decides, and records the decision
 * as the commit status `gitops-ml/sign-off` (make it required in branch protection) and
 * as the role's sticky comment explaining what is missing.
 */
export async function runApprovalGate(gh: GitHub, where: RepoRef & { pullNumber: number }, config: GitopsConfig, targetUrl?: string): Promise<SignOffDecision & { headSha: string; checkedSha: string }> {
  const { owner, repo, pullNumber } = where;
  const { data: pull } = await gh.rest.pulls.get({ owner, repo, pull_number: pullNumber });
  const headSha = pull.head.sha;
  const reviews = await gh.paginate(gh.rest.pulls.listReviews, { owner, repo, pull_number: pullNumber, per_page: 100 });
  const checkedSha = await checkedCommit(gh, where, headSha);
  const checkRuns = await gh.paginate(gh.rest.checks.listForRef, { owner, repo, ref: checkedSha, per_page: 100 });
  const ceoLogins = await expandPrincipals(gh, config.roles.ceo);
  const files = await gh.paginate(gh.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: 100 });
  // The model checks exist only where a model is trained: a PR that changes no spec (the
  // config, the docs, the code) needs the CEO's approval, not checks nobody will create.
  const requiredChecks = isModelPull(files.map((f) => f.filename)) ? config.required_checks.filter((c) => c !== SIGN_OFF_CONTEXT) : [];
  const decision = decideSignOff({ headSha, checkedSha, reviews, checkRuns, requiredChecks, ceoLogins });
  await gh.rest.repos.createCommitStatus({ owner, repo, sha: headSha, state: decision.state, context: SIGN_OFF_CONTEXT, description: decision.description, ...(targetUrl ? { target_url: targetUrl } : {}) });
  const result = { ...decision, headSha, checkedSha };
  await upsertStickyComment(gh, { owner, repo, issueNumber: pullNumber }, 'sign-off', signOffMarkdown(result));
  return result;
}
