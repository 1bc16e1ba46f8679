/**
 * The contract between the local GitHub (rehearsal/github) and the workflow runner
 * (rehearsal/runner). The runner never reaches into the GitHub's state: it sees events
 * GitHub would deliver, mints the job token GitHub would mint, clones over git, and
 * calls the REST API like any runner does.
 */

/** GITHUB_TOKEN scopes, as a job's `permissions:` block names them. */
export type PermissionLevel = 'read' | 'write' | 'none';
export type Permissions = Readonly<Record<string, PermissionLevel>>;

/** The scopes GitHub knows (docs: "Controlling permissions for GITHUB_TOKEN"). */
export const PERMISSION_SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'id-token',
  'issues',
  'discussions',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;

/** Who caused an event: a person's token, or a workflow's GITHUB_TOKEN. */
export interface Actor {
  login: string;
  /** True when the write was made with a workflow run's GITHUB_TOKEN. */
  workflowToken: boolean;
}

/**
 * An event as GitHub delivers it to Actions: the webhook name, its payload shaped like
 * @octokit/webhooks-examples, and the commit/ref the run gets as GITHUB_SHA/GITHUB_REF.
 */
export interface RepositoryEvent {
  name: string;
  payload: Record<string, unknown>;
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  actor: Actor;
  /** For push: the files changed between `before` and `after`, for `paths` filters. */
  changedFiles?: readonly string[];
}

/** What GitHub decides about an event before any workflow file is read. */
export type RunAdmission =
  /** Workflows whose `on:` matches run. */
  | { kind: 'run' }
  /** Runs are created but wait for a person's "Approve workflows to run". */
  | { kind: 'approval_required'; reason: string }
  /** No run is created at all (e.g. an event caused by GITHUB_TOKEN). */
  | { kind: 'none'; reason: string };

export interface MintTokenRequest {
  owner: string;
  repo: string;
  /** The job's effective permissions (already resolved from workflow/job blocks). */
  permissions: Permissions;
  runId: number;
  job: string;
}

/** A deployment job waiting on an environment's protection rules. */
export interface EnvironmentGateRequest {
  owner: string;
  repo: string;
  environment: string;
  runId: number;
  job: string;
  ref: string;
}

export type EnvironmentGateResult =
  | { state: 'approved'; by: readonly string[] }
  | { state: 'rejected'; by: string; comment?: string };

/** The local GitHub as the runner sees it. */
export interface RunnerFacingGitHub {
  /** REST root, e.g. http://127.0.0.1:PORT (GITHUB_API_URL). */
  readonly apiUrl: string;
  /** GITHUB_SERVER_URL. */
  readonly serverUrl: string;
  /** A URL or path `git clone`/`git fetch` accept for the repository. */
  gitRemote(owner: string, repo: string): string;
  /** A GITHUB_TOKEN bound to the permissions, valid until revoked (the job ends). */
  mintToken(req: MintTokenRequest): string;
  revokeToken(token: string): void;
  /** Creates the environment if missing (unprotected, as GitHub does) and resolves when its rules pass. */
  environmentGate(req: EnvironmentGateRequest): Promise<EnvironmentGateResult>;
  /** Every event GitHub would deliver, with GitHub's admission decision. */
  onEvent(listener: (event: RepositoryEvent, admission: RunAdmission) => void): () => void;
  /** Repository variables and secrets, as `vars` and `secrets` see them. */
  variables(owner: string, repo: string): Readonly<Record<string, string>>;
  secrets(owner: string, repo: string): Readonly<Record<string, string>>;
}
