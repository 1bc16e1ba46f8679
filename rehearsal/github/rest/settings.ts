import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { ghError } from '../errors.js';
import { repoJson, userJson } from '../payloads.js';
import { protectionFromRequest, protectionToResponse } from '../protection.js';
import type { Handler } from './context.js';
import { noContent, ok, paged, repoOf } from './context.js';

/** Repository metadata and settings, branch protection, variables and secrets, teams, workflow dispatch. */

const getRepo: Handler = (c) => {
  const repo = repoOf(c);
  const json = repoJson(c.core.links, repo);
  if (c.principal.kind === 'person') {
    const role = c.principal.role;
    json.permissions = { admin: role === 'admin', maintain: role === 'admin', push: role !== 'read', triage: true, pull: true };
  }
  return ok(json);
};

const getWorkflowPermissions: Handler = (c) => {
  const repo = repoOf(c);
  return ok({ default_workflow_permissions: repo.settings.defaultWorkflowPermissions, can_approve_pull_request_reviews: repo.settings.canApprovePullRequestReviews });
};

const setWorkflowPermissions: Handler = (c) => {
  const repo = repoOf(c);
  if (c.body.default_workflow_permissions === 'read' || c.body.default_workflow_permissions === 'write') repo.settings.defaultWorkflowPermissions = c.body.default_workflow_permissions;
  if (typeof c.body.can_approve_pull_request_reviews === 'boolean') repo.settings.canApprovePullRequestReviews = c.body.can_approve_pull_request_reviews;
  return noContent();
};

const protectionUrl = (api: string, owner: string, name: string, branch: string): string => `${api}/repos/${owner}/${name}/branches/${branch}/protection`;

const getProtection: Handler = (c) => {
  const repo = repoOf(c);
  const branch = c.params.branch ?? '';
  const rule = repo.protections.get(branch);
  // GitHub's 404 for an unprotected branch says so (UNCONFIRMED beyond "Branch not protected" seen in API clients).
  if (!rule) return { status: 404, body: { message: 'Branch not protected', documentation_url: c.op.docsUrl } };
  return ok(protectionToResponse(rule, protectionUrl(c.core.links.api, repo.owner, repo.name, branch), (l) => userJson(c.core.links, l)));
};

const updateProtection: Handler = async (c) => {
  const repo = repoOf(c);
  const branch = c.params.branch ?? '';
  if (!(await repo.git.branchHead(branch))) throw ghError('GH_BRANCH_NOT_FOUND', { branch });
  const rule = protectionFromRequest(c.body);
  repo.protections.set(branch, rule);
  return ok(protectionToResponse(rule, protectionUrl(c.core.links.api, repo.owner, repo.name, branch), (l) => userJson(c.core.links, l)));
};

const deleteProtection: Handler = (c) => {
  const repo = repoOf(c);
  if (!repo.protections.delete(c.params.branch ?? '')) return { status: 404, body: { message: 'Branch not protected', documentation_url: c.op.docsUrl } };
  return noContent();
};

const variableJson = (name: string, v: { value: string; createdAt: string; updatedAt: string }): Record<string, unknown> => ({ name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt });

const listVariables: Handler = (c) => {
  const repo = repoOf(c);
  const all = [...repo.variables.entries()].map(([k, v]) => variableJson(k, v));
  return paged(c, all, (page) => ({ total_count: all.length, variables: page }));
};

const getVariable: Handler = (c) => {
  const repo = repoOf(c);
  const name = (c.params.name ?? '').toUpperCase();
  const v = repo.variables.get(name);
  if (!v) throw ghError('GH_NOT_FOUND');
  return ok(variableJson(name, v));
};

const createVariable: Handler = (c) => {
  const repo = repoOf(c);
  // Variable names are case-insensitive and stored upper-case, as the settings page shows them.
  const name = String(c.body.name ?? '').toUpperCase();
  if (repo.variables.has(name)) throw ghError('GH_ALREADY_EXISTS', { resource: 'ActionsVariable', field: 'name' });
  const now = c.core.now();
  repo.variables.set(name, { value: String(c.body.value ?? ''), createdAt: now, updatedAt: now });
  return ok({}, 201);
};

const updateVariable: Handler = (c) => {
  const repo = repoOf(c);
  const name = (c.params.name ?? '').toUpperCase();
  const v = repo.variables.get(name);
  if (!v) throw ghError('GH_NOT_FOUND');
  if (typeof c.body.value === 'string') v.value = c.body.value;
  v.updatedAt = c.core.now();
  return noContent();
};

const deleteVariable: Handler = (c) => {
  const repo = repoOf(c);
  if (!repo.variables.delete((c.params.name ?? '').toUpperCase())) throw ghError('GH_NOT_FOUND');
  return noContent();
};

const listSecrets: Handler = (c) => {
  const repo = repoOf(c);
  // Values never leave GitHub: the API lists names and dates only.
  const all = [...repo.secrets.entries()].map(([name, s]) => ({ name, created_at: s.createdAt, updated_at: s.updatedAt }));
  return paged(c, all, (page) => ({ total_count: all.length, secrets: page }));
};

const getSecret: Handler = (c) => {
  const repo = repoOf(c);
  const name = (c.params.secret_name ?? '').toUpperCase();
  const s = repo.secrets.get(name);
  if (!s) throw ghError('GH_NOT_FOUND');
  return ok({ name, created_at: s.createdAt, updated_at: s.updatedAt });
};

const publicKey: Handler = () => ok({ key_id: '568250167242549743', key: randomBytes(32).toString('base64') });

const putSecret: Handler = (c) => {
  const repo = repoOf(c);
  const name = (c.params.secret_name ?? '').toUpperCase();
  const existing = repo.secrets.get(name);
  const now = c.core.now();
  // The value arrives sealed with the repository's libsodium key; the local GitHub cannot open
  // it, so a secret set this way is present with an empty value. Set real values with setSecret().
  repo.secrets.set(name, { value: existing?.value ?? '', createdAt: existing?.createdAt ?? now, updatedAt: now });
  return existing ? noContent() : ok({}, 201);
};

const deleteSecret: Handler = (c) => {
  const repo = repoOf(c);
  if (!repo.secrets.delete((c.params.secret_name ?? '').toUpperCase())) throw ghError('GH_NOT_FOUND');
  return noContent();
};

const teamMembers: Handler = (c) => {
  const team = c.core.teams.get(`${c.params.org ?? ''}/${c.params.team_slug ?? ''}`);
  if (!team) throw ghError('GH_NOT_FOUND');
  return paged(
    c,
    team.members.map((login) => userJson(c.core.links, login)),
  );
};

const getUser: Handler = (c) => {
  const login = c.params.username ?? '';
  // A login nobody has used is not a user: GitHub answers 404.
  if (!c.core.users.has(login)) throw ghError('GH_NOT_FOUND');
  return ok(userJson(c.core.links, login));
};

const getTeam: Handler = (c) => {
  const key = `${c.params.org ?? ''}/${c.params.team_slug ?? ''}`;
  const team = c.core.teams.get(key);
  if (!team) throw ghError('GH_NOT_FOUND');
  return ok({ id: team.id, node_id: `T_${team.id}`, name: c.params.team_slug, slug: c.params.team_slug, description: null, privacy: 'closed', permission: 'pull', url: `${c.core.links.api}/orgs/${key.replace('/', '/teams/')}`, html_url: `${c.core.links.web}/orgs/${key.replace('/', '/teams/')}`, members_url: '', repositories_url: '', parent: null });
};

const collaboratorPermission: Handler = (c) => {
  repoOf(c);
  const login = c.params.username ?? '';
  const role = c.core.roleOf(login);
  if (!role) throw ghError('GH_NOT_FOUND');
  return ok({ permission: role, role_name: role, user: userJson(c.core.links, login) });
};

interface WorkflowInput {
  required?: boolean;
  default?: unknown;
  type?: string;
  options?: string[];
}

/**
 * Dispatch reads the workflow file at the ref, as GitHub does: it must exist, declare
 * `workflow_dispatch`, and receive only the inputs it declares (the required ones present).
 */
const dispatch: Handler = async (c) => {
  const repo = repoOf(c);
  const ref = String(c.body.ref ?? '');
  const sha = await c.core.resolveRef(repo, ref);
  if (!sha) throw ghError('GH_DISPATCH_NO_REF', { ref });
  const id = c.params.workflow_id ?? '';
  const path = id.includes('/') ? id : `.github/workflows/${id}`;
  const entry = await repo.git.entry(sha, path);
  if (!entry || entry.type !== 'blob') throw ghError('GH_NOT_FOUND');
  let on: unknown;
  try {
    on = (parse((await repo.git.readBlob(entry.sha)).toString('utf8')) as { on?: unknown } | null)?.on;
  } catch {
    throw ghError('GH_DISPATCH_NO_TRIGGER');
  }
  const triggers = typeof on === 'string' ? { [on]: null } : Array.isArray(on) ? Object.fromEntries((on as string[]).map((t) => [t, null])) : ((on ?? {}) as Record<string, unknown>);
  if (!('workflow_dispatch' in triggers)) throw ghError('GH_DISPATCH_NO_TRIGGER');
  const declared = ((triggers.workflow_dispatch as { inputs?: Record<string, WorkflowInput> } | null)?.inputs ?? {}) as Record<string, WorkflowInput>;
  const given = (c.body.inputs ?? {}) as Record<string, unknown>;
  const unexpected = Object.keys(given).filter((k) => !(k in declared));
  if (unexpected.length) throw ghError('GH_DISPATCH_UNEXPECTED_INPUTS', { inputs: JSON.stringify(unexpected) });
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? spec.default;
    if (value === undefined || value === '') {
      if (spec.required) throw ghError('GH_DISPATCH_REQUIRED_INPUT', { input: name });
      continue;
    }
    inputs[name] = String(value);
  }
  const branchRef = ref.startsWith('refs/') ? ref : (await repo.git.refSha(`refs/heads/${ref}`)) ? `refs/heads/${ref}` : `refs/tags/${ref}`;
  repo.dispatches.push({ workflow: path, ref: branchRef, sha, inputs, actor: c.actor.login, createdAt: c.core.now() });
  c.core.emit(repo, { name: 'workflow_dispatch', payload: { inputs, ref: branchRef, workflow: path }, actor: c.actor, sha, ref: branchRef });
  return noContent();
};

const uploadSarif: Handler = (c) => {
  const repo = repoOf(c);
  // UNCONFIRMED wording: private repositories without GitHub Advanced Security refuse code scanning uploads.
  if (repo.visibility === 'private') return { status: 403, body: { message: 'Advanced Security must be enabled for this repository to use code scanning.', documentation_url: c.op.docsUrl } };
  const id = randomBytes(16).toString('hex');
  return ok({ id, url: `${c.core.links.api}/repos/${repo.owner}/${repo.name}/code-scanning/sarifs/${id}` }, 202);
};

export const settingHandlers: Record<string, Handler> = {
  'repos/get': getRepo,
  'actions/get-github-actions-default-workflow-permissions-repository': getWorkflowPermissions,
  'actions/set-github-actions-default-workflow-permissions-repository': setWorkflowPermissions,
  'repos/get-branch-protection': getProtection,
  'repos/update-branch-protection': updateProtection,
  'repos/delete-branch-protection': deleteProtection,
  'actions/list-repo-variables': listVariables,
  'actions/get-repo-variable': getVariable,
  'actions/create-repo-variable': createVariable,
  'actions/update-repo-variable': updateVariable,
  'actions/delete-repo-variable': deleteVariable,
  'actions/list-repo-secrets': listSecrets,
  'actions/get-repo-secret': getSecret,
  'actions/get-repo-public-key': publicKey,
  'actions/create-or-update-repo-secret': putSecret,
  'actions/delete-repo-secret': deleteSecret,
  'teams/list-members-in-org': teamMembers,
  'teams/get-by-name': getTeam,
  'users/get-by-username': getUser,
  'repos/get-collaborator-permission-level': collaboratorPermission,
  'actions/create-workflow-dispatch': dispatch,
  'code-scanning/upload-sarif': uploadSarif,
};
