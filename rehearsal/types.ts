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
  /** Who triggered the run (optional): an environment with prevent_self_review refuses their approval. */
  actor?: string;
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

/* ---- What the workflow runner records of a run (rehearsal/runner), in GitHub's words ---- */

/** GitHub's conclusion words for runs, jobs and steps. */
export type RunConclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'action_required';

/** A workflow command or runner message shown on the run's summary page. */
export interface RunAnnotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  /** The step (display name) that raised it, when one did. */
  step?: string;
}

export interface StepRunRecord {
  name: string;
  /** Before continue-on-error (steps.<id>.outcome). */
  outcome: Exclude<RunConclusion, 'action_required'>;
  /** After continue-on-error (steps.<id>.conclusion). */
  conclusion: Exclude<RunConclusion, 'action_required'>;
  duration_ms: number;
  /** `uses:` as written (owner/repo@ref, ./path), for action steps. */
  uses?: string;
}

export interface JobRunRecord {
  id: string;
  name: string;
  status: 'queued' | 'waiting' | 'in_progress' | 'completed';
  conclusion: Exclude<RunConclusion, 'action_required'> | null;
  steps: StepRunRecord[];
  annotations: RunAnnotation[];
  outputs: Record<string, string>;
  /** The token scopes the job ran with. */
  permissions?: Permissions;
  environment?: { name: string; url?: string; waited: boolean };
  /** Third-party actions the job used, with the ref it pinned and the runtime its metadata declares. */
  actions: Array<{ uses: string; ref: string; runtime: string; version?: string }>;
  /** GITHUB_STEP_SUMMARY contents, in step order. */
  summary: string;
  duration_ms: number;
}

export interface WorkflowRunRecord {
  id: number;
  run_number: number;
  run_attempt: number;
  /** The workflow's name (its path when it has none). */
  workflow: string;
  path: string;
  event: string;
  /** payload.action, null for events without one. */
  action: string | null;
  head_sha: string;
  ref: string;
  actor: string;
  status: 'queued' | 'waiting' | 'pending' | 'in_progress' | 'completed';
  conclusion: RunConclusion | null;
  concurrency?: string;
  /** Why the run waits for approval (admission approval_required). */
  approval_reason?: string;
  /** Workflow-level messages (invalid file, cancelled by a newer run, …). */
  annotations: RunAnnotation[];
  jobs: JobRunRecord[];
  /** Artifacts uploaded in the run (actions/upload-artifact). */
  artifacts?: string[];
  /** SARIF files uploaded (github/codeql-action/upload-sarif). */
  code_scanning?: Array<{ category: string; tool: string; results: number; file: string }>;
  /** Images built (docker/build-push-action). */
  images?: Array<{ tags: string[]; id: string; pushed: boolean; labels: Record<string, string> }>;
  duration_ms: number;
}

/**
 * Optional: a GitHub that wants to show runs (REST /actions/runs, check suites) may
 * implement this; the runner calls it on every status change with the live record.
 */
export interface RunReporting {
  runUpdated?(run: Readonly<WorkflowRunRecord>): void;
}
