import { operation } from '../../rehearsal/github/openapi.js';
import { acceptedPermissionsHeader, authorize, normalizePermissions, REQUIREMENTS, requirementFor } from '../../rehearsal/github/permissions.js';
import type { Principal } from '../../rehearsal/github/permissions.js';
import { HANDLERS } from '../../rehearsal/github/rest/dispatch.js';

const repo = { owner: 'acme', repo: 'models', visibility: 'private' as const };
const workflow = (permissions: Record<string, 'read' | 'write' | 'none'>): Principal => ({ kind: 'workflow', owner: 'acme', repo: 'models', permissions: normalizePermissions(permissions) });
const need = (operationId: string): ReturnType<typeof requirementFor> => {
  const op = operation(operationId);
  if (!op) throw new Error(`GitHub has no ${operationId}`);
  return requirementFor(op);
};

describe('permission table', () => {
  it('names the scope and level GitHub asks for the operations the project uses', () => {
    expect(need('pulls/create')).toEqual([{ scope: 'pull-requests', level: 'write' }]);
    expect(need('checks/create')).toEqual([{ scope: 'checks', level: 'write' }]);
    expect(need('checks/list-for-ref')).toEqual([{ scope: 'checks', level: 'read' }]);
    expect(need('actions/create-workflow-dispatch')).toEqual([{ scope: 'actions', level: 'write' }]);
    expect(need('repos/create-or-update-file-contents')).toEqual([{ scope: 'contents', level: 'write' }]);
    expect(need('repos/create-release')).toEqual([{ scope: 'contents', level: 'write' }]);
    expect(need('repos/create-deployment')).toEqual([{ scope: 'deployments', level: 'write' }]);
    expect(need('repos/create-commit-status')).toEqual([{ scope: 'statuses', level: 'write' }]);
    expect(need('issues/create-comment')).toEqual([
      { scope: 'issues', level: 'write' },
      { scope: 'pull-requests', level: 'write' },
    ]);
    expect(need('repos/update-branch-protection')).toEqual([{ scope: 'administration', level: 'write' }]);
  });

  it('has an explicit entry for every operation the local GitHub implements (no guessing from categories)', () => {
    expect(Object.keys(HANDLERS).filter((id) => !(id in REQUIREMENTS))).toEqual([]);
    // And every entry is an operation GitHub documents.
    expect(Object.keys(REQUIREMENTS).filter((id) => operation(id) === undefined)).toEqual([]);
  });

  it('falls back on the category for the rest: GET reads, other methods write', () => {
    expect(requirementFor({ operationId: 'pulls/list-requested-reviewers', method: 'GET', category: 'pulls', subcategory: 'review-requests' })).toEqual([{ scope: 'pull-requests', level: 'read' }]);
    expect(requirementFor({ operationId: 'x', method: 'POST', category: 'repos', subcategory: 'statuses' })).toEqual([{ scope: 'statuses', level: 'write' }]);
  });
});

describe('authorize', () => {
  it('lets a job token do what its permissions cover, and refuses the rest as an integration', () => {
    const t = workflow({ issues: 'write', contents: 'read' });
    expect(authorize(t, need('issues/create-comment'), repo)).toEqual({ allowed: true });
    expect(authorize(t, need('repos/get-content'), repo)).toEqual({ allowed: true });
    expect(authorize(t, need('repos/create-or-update-file-contents'), repo)).toEqual({ allowed: false, code: 'GH_NOT_ACCESSIBLE_BY_INTEGRATION' });
    expect(authorize(t, need('checks/create'), repo)).toEqual({ allowed: false, code: 'GH_NOT_ACCESSIBLE_BY_INTEGRATION' });
  });

  it('with `permissions: {}` leaves only metadata; on a public repository reads still work, as for anyone', () => {
    const t = workflow({});
    expect(authorize(t, need('repos/get'), repo)).toEqual({ allowed: true });
    expect(authorize(t, need('repos/get-content'), repo).allowed).toBe(false);
    expect(authorize(t, need('repos/get-content'), { ...repo, visibility: 'public' })).toEqual({ allowed: true });
    expect(authorize(t, need('issues/create-comment'), { ...repo, visibility: 'public' }).allowed).toBe(false);
  });

  it('never grants a job token administration, variables, secrets or organization members', () => {
    const all = workflow(Object.fromEntries(['actions', 'checks', 'contents', 'deployments', 'issues', 'pull-requests', 'statuses'].map((s) => [s, 'write'])));
    for (const id of ['repos/create-or-update-environment', 'repos/update-branch-protection', 'actions/set-github-actions-default-workflow-permissions-repository', 'actions/create-repo-variable', 'actions/create-or-update-repo-secret'])
      expect([id, authorize(all, need(id), repo)]).toEqual([id, { allowed: false, code: 'GH_NOT_ACCESSIBLE_BY_INTEGRATION' }]);
    // Team membership answers 404, as GitHub does for GITHUB_TOKEN.
    expect(authorize(all, need('teams/list-members-in-org'), { owner: 'acme', repo: '', visibility: 'private' })).toEqual({ allowed: false, code: 'GH_NOT_FOUND' });
  });

  it('refuses app tokens outright where GitHub disables the endpoint for apps (reviewing pending deployments)', () => {
    const op = operation('actions/review-pending-deployments-for-run');
    expect(op?.enabledForApps).toBe(false);
    expect(authorize(workflow({ deployments: 'write', actions: 'write' }), need('actions/review-pending-deployments-for-run'), repo, { enabledForApps: false })).toEqual({ allowed: false, code: 'GH_NOT_ACCESSIBLE_BY_INTEGRATION' });
    expect(authorize({ kind: 'person', login: 'ceo', role: 'read' }, need('actions/review-pending-deployments-for-run'), repo, { enabledForApps: false })).toEqual({ allowed: true });
  });

  it('scopes a job token to its own repository', () => {
    const t = workflow({ contents: 'write' });
    expect(authorize(t, need('repos/get-content'), { owner: 'acme', repo: 'other', visibility: 'private' })).toEqual({ allowed: false, code: 'GH_NOT_FOUND' });
  });

  it('bounds people by their role: admin-only settings say so, read-only people cannot write contents', () => {
    const dev: Principal = { kind: 'person', login: 'dev', role: 'write' };
    const viewer: Principal = { kind: 'person', login: 'v', role: 'read' };
    const admin: Principal = { kind: 'person', login: 'a', role: 'admin' };
    expect(authorize(dev, need('repos/create-or-update-environment'), repo)).toEqual({ allowed: false, code: 'GH_ADMIN_RIGHTS' });
    expect(authorize(admin, need('repos/create-or-update-environment'), repo)).toEqual({ allowed: true });
    expect(authorize(viewer, need('repos/create-or-update-file-contents'), repo)).toEqual({ allowed: false, code: 'GH_NOT_ACCESSIBLE_BY_PAT' });
    // Anyone who can read may open issues and review pull requests.
    expect(authorize(viewer, need('pulls/create-review'), repo)).toEqual({ allowed: true });
  });

  it('hides a private repository from anonymous callers, and asks for credentials to write a public one', () => {
    expect(authorize({ kind: 'anonymous' }, need('repos/get'), repo)).toEqual({ allowed: false, code: 'GH_NOT_FOUND' });
    expect(authorize({ kind: 'anonymous' }, need('repos/get-content'), { ...repo, visibility: 'public' })).toEqual({ allowed: true });
    expect(authorize({ kind: 'anonymous' }, need('issues/create'), { ...repo, visibility: 'public' })).toEqual({ allowed: false, code: 'GH_REQUIRES_AUTHENTICATION' });
  });

  it('formats x-accepted-github-permissions as GitHub does', () => {
    expect(acceptedPermissionsHeader(need('issues/add-labels'))).toBe('issues=write; pull_requests=write');
  });

  it('mints full permission maps and refuses scopes GitHub does not know', () => {
    expect(normalizePermissions({ contents: 'read' })).toMatchObject({ contents: 'read', issues: 'none', 'pull-requests': 'none' });
    expect(() => normalizePermissions({ content: 'read' })).toThrow('unknown GITHUB_TOKEN permission "content"');
  });
});
