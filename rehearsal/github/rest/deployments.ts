import { ghError, validationError } from '../errors.js';
import type { DeploymentRecord, DeploymentStatusRecord, EnvironmentReviewer, RepoRecord } from '../model.js';
import { deploymentJson, deploymentStatusJson, environmentJson, userJson } from '../payloads.js';
import type { Call, Handler } from './context.js';
import { noContent, ok, paged, repoOf, str } from './context.js';
import { latestStatuses } from './checks.js';

/** Deployments and their statuses, environments with their protection rules, pending deployment reviews. */

function deploymentOf(repo: RepoRecord, id: string | undefined): DeploymentRecord {
  const d = repo.deployments.find((x) => x.id === Number(id));
  if (!d) throw ghError('GH_NOT_FOUND');
  return d;
}

const createDeployment: Handler = async (c) => {
  const repo = repoOf(c);
  const ref = String(c.body.ref ?? '');
  const sha = await c.core.resolveRef(repo, ref);
  if (!sha) throw ghError('GH_NO_REF', { ref });
  const required = c.body.required_contexts as string[] | undefined;
  // Without required_contexts every status and check on the ref must have passed.
  const contexts = [...latestStatuses(repo, sha).map((s) => ({ context: s.context, state: s.state })), ...repo.checkRuns.filter((r) => r.headSha === sha).map((r) => ({ context: r.name, state: r.status !== 'completed' ? 'pending' : ['success', 'neutral', 'skipped'].includes(r.conclusion ?? '') ? 'success' : 'failure' }))];
  const considered = required === undefined ? contexts : contexts.filter((x) => required.includes(x.context));
  const missing = required?.filter((r) => !contexts.some((x) => x.context === r)) ?? [];
  if (considered.some((x) => x.state !== 'success') || missing.length) throw ghError('GH_DEPLOYMENT_CHECKS_FAILED', { ref, contexts: JSON.stringify(contexts) });
  const environment = str(c.body.environment) ?? 'production';
  c.core.ensureEnvironment(repo, environment, 'workflow');
  let payload: unknown = c.body.payload ?? {};
  if (typeof payload === 'string') {
    try {
      payload = payload === '' ? {} : (JSON.parse(payload) as unknown);
    } catch {
      throw validationError([{ resource: 'Deployment', code: 'invalid', field: 'payload' }]);
    }
  }
  const d: DeploymentRecord = {
    id: c.core.id(),
    sha,
    ref,
    task: str(c.body.task) ?? 'deploy',
    environment,
    payload,
    description: str(c.body.description) ?? null,
    creator: c.actor.login,
    createdAt: c.core.now(),
    transientEnvironment: c.body.transient_environment === true,
    productionEnvironment: typeof c.body.production_environment === 'boolean' ? c.body.production_environment : environment === 'production',
    statuses: [],
  };
  repo.deployments.push(d);
  c.core.emit(repo, { name: 'deployment', action: 'created', payload: { deployment: deploymentJson(c.core.links, repo, d), workflow: null, workflow_run: null }, actor: c.actor, sha, ref: /^[0-9a-f]{40}$/i.test(ref) ? '' : ref.startsWith('refs/') ? ref : `refs/heads/${ref}` });
  return ok(deploymentJson(c.core.links, repo, d), 201);
};

const listDeployments: Handler = (c) => {
  const repo = repoOf(c);
  const env = c.query.get('environment');
  const sha = c.query.get('sha');
  const ref = c.query.get('ref');
  const task = c.query.get('task');
  const list = [...repo.deployments].reverse().filter((d) => (!env || d.environment === env) && (!sha || d.sha === sha) && (!ref || d.ref === ref) && (!task || d.task === task));
  return paged(
    c,
    list.map((d) => deploymentJson(c.core.links, repo, d)),
  );
};

const getDeployment: Handler = (c) => {
  const repo = repoOf(c);
  return ok(deploymentJson(c.core.links, repo, deploymentOf(repo, c.params.deployment_id)));
};

async function emitDeploymentStatus(c: Call, repo: RepoRecord, d: DeploymentRecord, s: DeploymentStatusRecord): Promise<void> {
  c.core.emit(repo, { name: 'deployment_status', action: 'created', payload: { deployment_status: deploymentStatusJson(c.core.links, repo, d, s), deployment: deploymentJson(c.core.links, repo, d), check_run: null, workflow: null, workflow_run: null }, actor: c.actor, sha: d.sha, ref: /^[0-9a-f]{40}$/i.test(d.ref) ? '' : `refs/heads/${d.ref}` });
}

const createDeploymentStatus: Handler = async (c) => {
  const repo = repoOf(c);
  const d = deploymentOf(repo, c.params.deployment_id);
  const s: DeploymentStatusRecord = { id: c.core.id(), state: String(c.body.state), description: str(c.body.description) ?? '', environmentUrl: str(c.body.environment_url) ?? '', logUrl: str(c.body.log_url) ?? str(c.body.target_url) ?? '', creator: c.actor.login, createdAt: c.core.now() };
  if (typeof c.body.environment === 'string') d.environment = c.body.environment;
  d.statuses.push(s);
  await emitDeploymentStatus(c, repo, d, s);
  // auto_inactive (default true): a success marks earlier non-transient deployments of the environment inactive.
  if (s.state === 'success' && c.body.auto_inactive !== false) {
    for (const other of repo.deployments) {
      if (other === d || other.environment !== d.environment || other.transientEnvironment) continue;
      if (other.statuses.at(-1)?.state !== 'success') continue;
      const inactive: DeploymentStatusRecord = { id: c.core.id(), state: 'inactive', description: '', environmentUrl: '', logUrl: '', creator: c.actor.login, createdAt: c.core.now() };
      other.statuses.push(inactive);
      await emitDeploymentStatus(c, repo, other, inactive);
    }
  }
  return ok(deploymentStatusJson(c.core.links, repo, d, s), 201);
};

const listDeploymentStatuses: Handler = (c) => {
  const repo = repoOf(c);
  const d = deploymentOf(repo, c.params.deployment_id);
  return paged(
    c,
    [...d.statuses].reverse().map((s) => deploymentStatusJson(c.core.links, repo, d, s)),
  );
};

const putEnvironment: Handler = (c) => {
  const repo = repoOf(c);
  const name = c.params.environment_name ?? '';
  const env = c.core.ensureEnvironment(repo, name, 'admin');
  if (Array.isArray(c.body.reviewers)) {
    const reviewers: EnvironmentReviewer[] = [];
    for (const r of c.body.reviewers as { type: 'User' | 'Team'; id: number }[]) {
      const found = r.type === 'User' ? [...c.core.users.values()].find((u) => u.id === r.id && u.type === 'User')?.login : [...c.core.teams.entries()].find(([, t]) => t.id === r.id)?.[0];
      if (!found) throw validationError([{ resource: 'Environment', code: 'invalid', field: 'reviewers', message: `${r.type} with id ${r.id} not found` }]);
      reviewers.push({ type: r.type, name: found, id: r.id });
    }
    if (reviewers.length > 6) throw validationError([{ resource: 'Environment', code: 'invalid', field: 'reviewers', message: 'at most 6 reviewers' }]);
    env.reviewers = reviewers;
  }
  if (typeof c.body.wait_timer === 'number') env.waitTimer = c.body.wait_timer;
  if (typeof c.body.prevent_self_review === 'boolean') env.preventSelfReview = c.body.prevent_self_review;
  if ('deployment_branch_policy' in c.body) {
    const p = c.body.deployment_branch_policy as { protected_branches: boolean; custom_branch_policies: boolean } | null;
    if (p && p.protected_branches === p.custom_branch_policies) throw validationError([{ resource: 'Environment', code: 'invalid', field: 'deployment_branch_policy' }]);
    env.deploymentBranchPolicy = p ? { protectedBranches: p.protected_branches, customBranchPolicies: p.custom_branch_policies } : null;
  }
  env.updatedAt = c.core.now();
  return ok(environmentJson(c.core.links, repo, env));
};

const getEnvironment: Handler = (c) => {
  const repo = repoOf(c);
  const env = repo.environments.get((c.params.environment_name ?? '').toLowerCase());
  if (!env) throw ghError('GH_NOT_FOUND');
  return ok(environmentJson(c.core.links, repo, env));
};

const listEnvironments: Handler = (c) => {
  const repo = repoOf(c);
  const all = [...repo.environments.values()].map((e) => environmentJson(c.core.links, repo, e));
  return paged(c, all, (page) => ({ total_count: all.length, environments: page }));
};

const pendingDeployments: Handler = (c) => {
  const repo = repoOf(c);
  const runId = Number(c.params.run_id);
  const waiting = repo.pendingDeployments.filter((p) => p.runId === runId && p.state === 'waiting');
  return ok(
    waiting.map((p) => {
      const env = repo.environments.get(p.environment.toLowerCase());
      const json = env ? environmentJson(c.core.links, repo, env) : { id: 0, name: p.environment };
      return {
        environment: { id: json.id, node_id: json.node_id, name: json.name, url: json.url, html_url: json.html_url },
        wait_timer: env?.waitTimer ?? 0,
        wait_timer_started_at: p.createdAt,
        current_user_can_approve: env ? c.core.isEnvironmentReviewer(env, c.actor.login) : false,
        reviewers: (env?.reviewers ?? []).map((r) => ({ type: r.type, reviewer: r.type === 'User' ? userJson(c.core.links, r.name) : { id: r.id, slug: r.name.split('/')[1] ?? r.name } })),
      };
    }),
  );
};

const reviewPending: Handler = (c) => {
  const repo = repoOf(c);
  const ids = (c.body.environment_ids as number[] | undefined) ?? [];
  const names = ids.map((id) => [...repo.environments.values()].find((e) => e.id === id)?.name ?? `#${id}`);
  const decided = c.core.reviewDeployments(repo, Number(c.params.run_id), names, c.body.state === 'rejected' ? 'rejected' : 'approved', c.actor.login, String(c.body.comment ?? ''));
  // GitHub answers with the deployments the approval lets through; jobs create theirs when they start.
  return ok(decided.map((p) => ({ environment: p.environment, state: p.state, run_id: p.runId })));
};

export const deploymentHandlers: Record<string, Handler> = {
  'repos/create-deployment': createDeployment,
  'repos/list-deployments': listDeployments,
  'repos/get-deployment': getDeployment,
  'repos/create-deployment-status': createDeploymentStatus,
  'repos/list-deployment-statuses': listDeploymentStatuses,
  'repos/create-or-update-environment': putEnvironment,
  'repos/get-environment': getEnvironment,
  'repos/get-all-environments': listEnvironments,
  'actions/get-pending-deployments-for-run': pendingDeployments,
  'actions/review-pending-deployments-for-run': reviewPending,
  'repos/delete-an-environment': (c) => {
    const repo = repoOf(c);
    if (!repo.environments.delete((c.params.environment_name ?? '').toLowerCase())) throw ghError('GH_NOT_FOUND');
    return noContent();
  },
};
