import type { GitopsConfig } from './config.js';
import { placeholderProblems } from './config.js';
import type { GitHub, RepoRef } from './github.js';
import { SIGN_OFF_CONTEXT } from './approval-gate.js';

/*
 * The one-time setup of a repository created from the template. GitHub copies only the
 * files: labels, environments, branch protection and the Actions PR permission start
 * empty or off, and the flow needs each of them. Every item is read first and changed
 * only when it is missing, so running setup twice changes nothing the second time.
 */

export type SetupItemId = 'labels' | 'actions-pr-permission' | 'environment:staging' | 'environment:production' | 'branch-protection' | 'pages';

export interface SetupItem {
  id: SetupItemId;
  what: string;
  state: 'ok' | 'missing' | 'changed';
  detail?: string;
}

const LABEL_COLOURS: Record<string, [string, string]> = {
  new_model: ['1d76db', 'A model request filed through the New model form'],
  needs_info: ['fbca04', 'The advisor asked questions: edit the issue to answer'],
  accepted: ['0e8a16', 'The advisor accepted the request; the model PR follows'],
  retrain: ['5319e7', 'On a model PR: train and evaluate again'],
};

function status(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

async function notFoundAsUndefined<T>(p: Promise<{ data: T }>): Promise<T | undefined> {
  try {
    return (await p).data;
  } catch (err) {
    if (status(err) === 404) return undefined;
    throw err;
  }
}

/** Refuses to set up a repository whose config still carries the template's examples. */
export function setupRefusals(config: GitopsConfig): string[] {
  return placeholderProblems(config);
}

async function reviewerIds(gh: GitHub, principals: readonly string[]): Promise<{ type: 'User' | 'Team'; id: number }[]> {
  const out: { type: 'User' | 'Team'; id: number }[] = [];
  for (const p of principals) {
    const [org, team] = p.includes('/') ? (p.split('/') as [string, string]) : [undefined, undefined];
    if (org && team) out.push({ type: 'Team', id: (await gh.rest.teams.getByName({ org, team_slug: team })).data.id });
    else out.push({ type: 'User', id: (await gh.rest.users.getByUsername({ username: p })).data.id });
  }
  return out;
}

/**
 * Checks (and with `apply`, makes) everything the flow needs beyond the files. Returns
 * one item per need; with `apply: false` nothing is written.
 */
export async function runSetup(gh: GitHub, where: RepoRef, config: GitopsConfig, opts: { apply: boolean; branch?: string }): Promise<SetupItem[]> {
  const items: SetupItem[] = [];
  const mark = (id: SetupItemId, what: string, missing: boolean, detail?: string): void => {
    items.push({ id, what, state: missing ? (opts.apply ? 'changed' : 'missing') : 'ok', ...(detail ? { detail } : {}) });
  };

  // Labels: the form's label is applied only if it already exists.
  const existing = new Set((await gh.paginate(gh.rest.issues.listLabelsForRepo, { ...where, per_page: 100 })).map((l) => l.name));
  const wanted = Object.entries(config.labels) as [keyof typeof LABEL_COLOURS, string][];
  const absent = wanted.filter(([, name]) => !existing.has(name));
  if (opts.apply) {
    for (const [key, name] of absent) {
      const [color, description] = LABEL_COLOURS[key] ?? ['ededed', 'gitops-ml'];
      await gh.rest.issues.createLabel({ ...where, name, color, description });
    }
  }
  mark('labels', `labels ${wanted.map(([, n]) => n).join(', ')}`, absent.length > 0, absent.length ? `missing: ${absent.map(([, n]) => n).join(', ')}` : undefined);

  // "Allow GitHub Actions to create and approve pull requests": off in a new repository.
  const perms = (await gh.rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository({ ...where })).data;
  if (!perms.can_approve_pull_request_reviews && opts.apply) {
    await gh.rest.actions.setGithubActionsDefaultWorkflowPermissionsRepository({ ...where, default_workflow_permissions: perms.default_workflow_permissions, can_approve_pull_request_reviews: true });
  }
  mark('actions-pr-permission', 'Actions may create pull requests (Settings → Actions → General)', !perms.can_approve_pull_request_reviews);

  // Environments: referencing one creates it unprotected, so production must exist with its reviewers first.
  const stagingName = config.environments.staging?.github_environment ?? 'staging';
  const staging = await notFoundAsUndefined(gh.rest.repos.getEnvironment({ ...where, environment_name: stagingName }));
  if (!staging && opts.apply) await gh.rest.repos.createOrUpdateEnvironment({ ...where, environment_name: stagingName });
  mark('environment:staging', `environment ${stagingName}`, !staging);

  const prodName = config.environments.production?.github_environment ?? 'production';
  const prod = await notFoundAsUndefined(gh.rest.repos.getEnvironment({ ...where, environment_name: prodName }));
  const rule = (prod?.protection_rules ?? []).find((r) => r.type === 'required_reviewers') as { reviewers?: { reviewer?: { login?: string; slug?: string } }[] } | undefined;
  const hasReviewers = (rule?.reviewers ?? []).length > 0;
  if (!hasReviewers && opts.apply) {
    await gh.rest.repos.createOrUpdateEnvironment({ ...where, environment_name: prodName, reviewers: await reviewerIds(gh, config.roles.ceo) });
  }
  mark('environment:production', `environment ${prodName} with the CEO logins (${config.roles.ceo.join(', ')}) as required reviewers`, !hasReviewers, prod && !hasReviewers ? 'exists without required reviewers' : undefined);

  // Branch protection: the sign-off status is required to merge into the default branch.
  const branch = opts.branch ?? (await gh.rest.repos.get({ ...where })).data.default_branch;
  const protection = await notFoundAsUndefined(gh.rest.repos.getBranchProtection({ ...where, branch }));
  const required = new Set([...(protection?.required_status_checks?.contexts ?? []), ...(protection?.required_status_checks?.checks ?? []).map((c) => c.context)]);
  const protectedOk = required.has(SIGN_OFF_CONTEXT);
  if (!protectedOk && opts.apply) {
    await gh.rest.repos.updateBranchProtection({
      ...where,
      branch,
      required_status_checks: { strict: false, contexts: [SIGN_OFF_CONTEXT] },
      // Admins too: the sign-off is the CEO's, nobody merges around it.
      enforce_admins: true,
      // The sign-off already demands the CEO's approving review on the head commit.
      required_pull_request_reviews: null,
      restrictions: null,
    });
  }
  mark('branch-protection', `${branch} requires the status ${SIGN_OFF_CONTEXT}`, !protectedOk);

  // GitHub Pages, built by a workflow (pages.yml): off in a new repository, and deploy-pages answers 404 until it is on.
  const pages = await notFoundAsUndefined(gh.rest.repos.getPages({ ...where }));
  const pagesOk = pages?.build_type === 'workflow';
  if (!pagesOk && opts.apply) {
    if (pages) await gh.rest.repos.updateInformationAboutPagesSite({ ...where, build_type: 'workflow' });
    else await gh.rest.repos.createPagesSite({ ...where, build_type: 'workflow' });
  }
  mark('pages', 'GitHub Pages built by GitHub Actions (Settings → Pages → Source)', !pagesOk, pages && !pagesOk ? 'enabled, but built from a branch' : undefined);
  return items;
}

export function setupReport(items: readonly SetupItem[]): string {
  const icon = { ok: '✓', missing: '✗', changed: '+' } as const;
  return items.map((i) => `${icon[i.state]} ${i.what}${i.state === 'changed' ? ' (set up now)' : i.state === 'missing' ? ' — missing' : ''}${i.detail && i.state !== 'ok' ? ` (${i.detail})` : ''}`).join('\n');
}
