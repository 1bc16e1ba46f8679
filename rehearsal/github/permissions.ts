import { PERMISSION_SCOPES } from '../types.js';
import type { Permissions } from '../types.js';
import type { ErrorCode } from './errors.js';

/**
 * Which permission each REST operation needs, and whether a token has it. Pure data and
 * one decision function, so the table can be read (and tested) without a server.
 *
 * GitHub documents the needed permission per endpoint on the docs site
 * ("Permissions required for fine-grained personal access tokens" / GitHub Apps), not in
 * the OpenAPI description; the table below follows those pages for the operations the
 * project uses, and falls back to the operation's category for the rest.
 */

/** A job's GITHUB_TOKEN scopes, plus the repository/organization permissions it can never hold. */
export type Scope = (typeof PERMISSION_SCOPES)[number] | 'metadata' | 'administration' | 'members' | 'variables' | 'secrets';
export type Level = 'read' | 'write';

export interface Need {
  scope: Scope;
  level: Level;
}

/** Any one of the alternatives suffices (issue comments: issues OR pull-requests write). */
export type Requirement = readonly Need[];

const r = (scope: Scope): Requirement => [{ scope, level: 'read' }];
const w = (scope: Scope): Requirement => [{ scope, level: 'write' }];
// Issues and pull requests share numbers; GitHub accepts either scope on the shared endpoints
// (the x-accepted-github-permissions header says "issues=write; pull_requests=write").
const issueOrPullRead: Requirement = [
  { scope: 'issues', level: 'read' },
  { scope: 'pull-requests', level: 'read' },
];
const issueOrPullWrite: Requirement = [
  { scope: 'issues', level: 'write' },
  { scope: 'pull-requests', level: 'write' },
];

export const REQUIREMENTS: Readonly<Record<string, Requirement>> = {
  // Metadata: granted to every app token (docs: "GitHub Apps have the Read-only metadata permission by default").
  'repos/get': r('metadata'),
  'repos/list-tags': r('metadata'),
  'repos/list-branches': r('metadata'),
  'repos/get-branch': r('metadata'),
  'repos/get-collaborator-permission-level': r('metadata'),
  // Contents: files, commits, refs, releases, merging.
  'repos/get-content': r('contents'),
  'repos/create-or-update-file-contents': w('contents'),
  'repos/delete-file': w('contents'),
  'repos/get-commit': r('contents'),
  'repos/list-commits': r('contents'),
  'repos/compare-commits': r('contents'),
  'repos/compare-commits-with-basehead': r('contents'),
  'git/get-ref': r('contents'),
  'git/list-matching-refs': r('contents'),
  'git/create-ref': w('contents'),
  'git/update-ref': w('contents'),
  'git/delete-ref': w('contents'),
  'git/get-commit': r('contents'),
  'repos/create-release': w('contents'),
  'repos/get-release-by-tag': r('contents'),
  'repos/get-release': r('contents'),
  'repos/list-releases': r('contents'),
  'repos/get-latest-release': r('contents'),
  'repos/update-release': w('contents'),
  'repos/upload-release-asset': w('contents'),
  'repos/list-release-assets': r('contents'),
  'repos/get-release-asset': r('contents'),
  'repos/delete-release-asset': w('contents'),
  'pulls/merge': w('contents'),
  // Pull requests.
  'pulls/create': w('pull-requests'),
  'pulls/get': r('pull-requests'),
  'pulls/list': r('pull-requests'),
  'pulls/update': w('pull-requests'),
  'pulls/list-files': r('pull-requests'),
  'pulls/list-reviews': r('pull-requests'),
  'pulls/create-review': w('pull-requests'),
  // Issues (and the endpoints issues share with pull requests).
  'issues/create': w('issues'),
  'issues/get': issueOrPullRead,
  'issues/update': issueOrPullWrite,
  'issues/list-for-repo': r('issues'),
  'issues/list-comments': issueOrPullRead,
  'issues/create-comment': issueOrPullWrite,
  'issues/update-comment': issueOrPullWrite,
  'issues/list-labels-on-issue': issueOrPullRead,
  'issues/add-labels': issueOrPullWrite,
  'issues/remove-label': issueOrPullWrite,
  'issues/list-labels-for-repo': issueOrPullRead,
  'issues/create-label': issueOrPullWrite,
  'issues/get-label': issueOrPullRead,
  // Checks and statuses.
  'checks/create': w('checks'),
  'checks/update': w('checks'),
  'checks/get': r('checks'),
  'checks/list-for-ref': r('checks'),
  'repos/create-commit-status': w('statuses'),
  'repos/get-combined-status-for-ref': r('statuses'),
  'repos/list-commit-statuses-for-ref': r('statuses'),
  // Deployments.
  'repos/create-deployment': w('deployments'),
  'repos/list-deployments': r('deployments'),
  'repos/get-deployment': r('deployments'),
  'repos/create-deployment-status': w('deployments'),
  'repos/list-deployment-statuses': r('deployments'),
  // Actions.
  'actions/create-workflow-dispatch': w('actions'),
  'actions/get-pending-deployments-for-run': r('actions'),
  // Any reviewer with read access may approve; being a listed reviewer is the real gate.
  'actions/review-pending-deployments-for-run': r('metadata'),
  'repos/get-all-environments': r('actions'),
  'repos/get-environment': r('actions'),
  // Administration: no GITHUB_TOKEN ever holds it.
  'repos/create-or-update-environment': w('administration'),
  'repos/delete-an-environment': w('administration'),
  'repos/delete-branch-protection': w('administration'),
  'repos/get-branch-protection': r('administration'),
  'repos/update-branch-protection': w('administration'),
  'actions/get-github-actions-default-workflow-permissions-repository': r('administration'),
  'actions/set-github-actions-default-workflow-permissions-repository': w('administration'),
  // Variables and secrets are their own fine-grained permissions, outside GITHUB_TOKEN's scopes.
  'actions/list-repo-variables': r('variables'),
  'actions/get-repo-variable': r('variables'),
  'actions/create-repo-variable': w('variables'),
  'actions/update-repo-variable': w('variables'),
  'actions/delete-repo-variable': w('variables'),
  'actions/list-repo-secrets': r('secrets'),
  'actions/get-repo-secret': r('secrets'),
  'actions/create-or-update-repo-secret': w('secrets'),
  'actions/delete-repo-secret': w('secrets'),
  'actions/get-repo-public-key': r('secrets'),
  // Organization members (team membership): an organization permission, not a repository one.
  'teams/list-members-in-org': r('members'),
  'teams/get-by-name': r('members'),
  // Public profiles: any authenticated caller (setup resolves the CEO logins to ids for environment reviewers).
  'users/get-by-username': [],
  // Enabling Pages is a repository setting: administration (and pages) write; a job token never has it.
  'repos/get-pages': r('pages'),
  'repos/create-pages-site': w('administration'),
  'repos/update-information-about-pages-site': w('administration'),
  'repos/delete-pages-site': w('administration'),
  // deploy-pages creates and polls its deployment with the job token: pages write / read.
  'repos/create-pages-deployment': w('pages'),
  'repos/get-pages-deployment': r('pages'),
  // Code scanning.
  'code-scanning/upload-sarif': w('security-events'),
};

const CATEGORY_SCOPE: Readonly<Record<string, Scope>> = {
  pulls: 'pull-requests',
  issues: 'issues',
  checks: 'checks',
  deployments: 'deployments',
  actions: 'actions',
  git: 'contents',
  releases: 'contents',
  'code-scanning': 'security-events',
  packages: 'packages',
  pages: 'pages',
  teams: 'members',
  orgs: 'members',
};

/** The operation's requirement: the table, else its category (statuses and commits refined), read for GET. */
export function requirementFor(op: { operationId: string; method: string; category: string; subcategory: string }): Requirement {
  const known = REQUIREMENTS[op.operationId];
  if (known) return known;
  const level: Level = op.method === 'GET' ? 'read' : 'write';
  let scope: Scope = CATEGORY_SCOPE[op.category] ?? 'administration';
  if (op.category === 'repos' || op.category === 'commits' || op.category === 'branches') scope = op.subcategory === 'statuses' ? 'statuses' : op.method === 'GET' ? 'contents' : 'administration';
  return [{ scope, level }];
}

/** Who holds a token. */
export type Principal =
  | { kind: 'workflow'; owner: string; repo: string; permissions: Permissions }
  | { kind: 'person'; login: string; role: Role }
  /** GitHub itself reading a repository (the runner fetching workflow files): contents read, nothing else. */
  | { kind: 'platform' }
  | { kind: 'anonymous' };

/** A person's role on the repositories (GitHub's repository roles, simplified to three). */
export type Role = 'admin' | 'write' | 'read';

export interface RepoAccess {
  owner: string;
  repo: string;
  visibility: 'public' | 'private';
}

export type Decision = { allowed: true } | { allowed: false; code: ErrorCode };

const rank = (l: Level | 'none' | undefined): number => (l === 'write' ? 2 : l === 'read' ? 1 : 0);

/** The level a principal holds on one scope of a repository. */
export function levelOf(principal: Principal, scope: Scope, repo: RepoAccess): Level | 'none' {
  if (principal.kind === 'platform') return scope === 'contents' || scope === 'metadata' ? 'read' : 'none';
  if (principal.kind === 'anonymous') return repo.visibility === 'public' && scope !== 'administration' && scope !== 'variables' && scope !== 'secrets' ? 'read' : 'none';
  if (principal.kind === 'person') {
    if (principal.role === 'admin') return 'write';
    if (scope === 'administration' || scope === 'variables' || scope === 'secrets') return 'none';
    if (scope === 'members' || scope === 'metadata') return 'read';
    // Anyone who can read a repository may open issues, comment and review pull requests.
    if (scope === 'issues' || scope === 'pull-requests') return 'write';
    return principal.role === 'write' ? 'write' : 'read';
  }
  if (principal.owner !== repo.owner || principal.repo !== repo.repo) {
    // A job token is scoped to its own repository; others are as anonymous sees them.
    return levelOf({ kind: 'anonymous' }, scope, repo);
  }
  if (scope === 'metadata') return 'read';
  if (scope === 'administration' || scope === 'variables' || scope === 'secrets' || scope === 'members') return 'none';
  const granted = principal.permissions[scope] ?? 'none';
  // Public repositories are readable by anyone, so a token without the scope still reads them.
  if (granted === 'none' && repo.visibility === 'public') return 'read';
  return granted;
}

/** Whether the principal may call an operation with this requirement on the repository, and GitHub's refusal if not. */
export function authorize(principal: Principal, need: Requirement, repo: RepoAccess, opts: { enabledForApps?: boolean } = {}): Decision {
  if (principal.kind === 'workflow' && opts.enabledForApps === false) return { allowed: false, code: 'GH_NOT_ACCESSIBLE_BY_INTEGRATION' };
  if (need.length === 0 && principal.kind !== 'anonymous') return { allowed: true };
  if (need.some((n) => rank(levelOf(principal, n.scope, repo)) >= rank(n.level))) return { allowed: true };
  const reads = need.every((n) => n.level === 'read');
  if (principal.kind === 'anonymous') return { allowed: false, code: repo.visibility === 'private' ? 'GH_NOT_FOUND' : 'GH_REQUIRES_AUTHENTICATION' };
  if (principal.kind === 'platform') return { allowed: false, code: 'GH_NOT_FOUND' };
  // A private repository the token cannot read at all is one it must not learn exists.
  if (reads && repo.visibility === 'private' && levelOf(principal, 'metadata', repo) === 'none') return { allowed: false, code: 'GH_NOT_FOUND' };
  if (principal.kind === 'workflow') {
    // GITHUB_TOKEN asking for org team members gets 404, not 403 (actions/github-script#518; JabRef's run in takanome-dev/assign-issue-action#379).
    if (need.every((n) => n.scope === 'members')) return { allowed: false, code: 'GH_NOT_FOUND' };
    return { allowed: false, code: 'GH_NOT_ACCESSIBLE_BY_INTEGRATION' };
  }
  if (need.some((n) => n.scope === 'administration' || n.scope === 'variables' || n.scope === 'secrets')) return { allowed: false, code: 'GH_ADMIN_RIGHTS' };
  return { allowed: false, code: 'GH_NOT_ACCESSIBLE_BY_PAT' };
}

/** GitHub's `x-accepted-github-permissions` header value for a requirement ("issues=write; pull_requests=write"). */
export function acceptedPermissionsHeader(need: Requirement): string {
  return need.map((n) => `${n.scope.replace(/-/g, '_')}=${n.level}`).join('; ');
}

/** A job's `permissions:` as a full map (scopes it does not name are `none`), as GitHub mints it. */
export function normalizePermissions(p: Permissions): Permissions {
  const out: Record<string, 'read' | 'write' | 'none'> = {};
  for (const s of PERMISSION_SCOPES) out[s] = p[s] ?? 'none';
  for (const k of Object.keys(p)) if (!(k in out)) throw new Error(`unknown GITHUB_TOKEN permission "${k}" (GitHub knows: ${PERMISSION_SCOPES.join(', ')})`);
  return out;
}
