import type { RepositoryEvent } from '../types.js';
import type { Json } from './expressions.js';

/**
 * The `github`, `runner`, `job` and `strategy` contexts and the runner's default
 * environment variables (docs: "Contexts reference", "Variables reference"), built from
 * the event and the run's identity. Pure.
 */

export interface RunIdentity {
  runId: number;
  runNumber: number;
  runAttempt: number;
  workflowName: string;
  /** .github/workflows/<file> */
  workflowPath: string;
  owner: string;
  repo: string;
  event: RepositoryEvent;
  /** The payload the run sees (workflow_dispatch inputs completed with defaults). */
  payload: Record<string, unknown>;
  serverUrl: string;
  apiUrl: string;
}

export interface JobIdentity {
  jobId: string;
  workspace: string;
  eventPath: string;
  temp: string;
  toolCache: string;
  home: string;
  token: string;
  arch: string;
  runnerName: string;
}

export function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\//, '');
}

export function refType(ref: string): string {
  if (ref.startsWith('refs/tags/')) return 'tag';
  if (ref.startsWith('refs/heads/') || ref.startsWith('refs/pull/')) return 'branch';
  return '';
}

function prField(run: RunIdentity, side: 'head' | 'base'): string {
  if (run.event.name !== 'pull_request' && run.event.name !== 'pull_request_target') return '';
  const pr = run.payload.pull_request as Record<string, Record<string, unknown>> | undefined;
  return String(pr?.[side]?.ref ?? '');
}

export function graphqlUrl(apiUrl: string): string {
  // github.com: https://api.github.com/graphql; GHES and stand-ins: <api>/graphql.
  return `${apiUrl.replace(/\/+$/, '')}/graphql`;
}

function workflowRef(run: RunIdentity): string {
  return `${run.owner}/${run.repo}/${run.workflowPath}@${run.event.ref}`;
}

export function githubContext(run: RunIdentity, job?: JobIdentity, action?: { name: string; path?: string; repository?: string; ref?: string }): Record<string, Json> {
  const repository = run.payload.repository as Record<string, unknown> | undefined;
  const owner = repository?.owner as Record<string, unknown> | undefined;
  const sender = run.payload.sender as Record<string, unknown> | undefined;
  return {
    action: action?.name ?? '',
    action_path: action?.path ?? '',
    action_repository: action?.repository ?? '',
    action_ref: action?.ref ?? '',
    actor: run.event.actor.login,
    actor_id: String(sender?.id ?? ''),
    api_url: run.apiUrl,
    base_ref: prField(run, 'base'),
    event: run.payload as Json,
    event_name: run.event.name,
    event_path: job?.eventPath ?? '',
    graphql_url: graphqlUrl(run.apiUrl),
    head_ref: prField(run, 'head'),
    job: job?.jobId ?? '',
    ref: run.event.ref,
    ref_name: refName(run.event.ref),
    ref_protected: false,
    ref_type: refType(run.event.ref),
    repository: `${run.owner}/${run.repo}`,
    repository_id: String(repository?.id ?? ''),
    repository_owner: run.owner,
    repository_owner_id: String(owner?.id ?? ''),
    repositoryUrl: `${run.serverUrl.replace(/^https?:/, 'git:')}/${run.owner}/${run.repo}.git`,
    retention_days: '90',
    run_id: String(run.runId),
    run_number: String(run.runNumber),
    run_attempt: String(run.runAttempt),
    secret_source: 'Actions',
    server_url: run.serverUrl,
    sha: run.event.sha,
    token: job?.token ?? '',
    triggering_actor: run.event.actor.login,
    workflow: run.workflowName,
    workflow_ref: workflowRef(run),
    workflow_sha: run.event.sha,
    workspace: job?.workspace ?? '',
  };
}

export function runnerContext(job: JobIdentity): Record<string, Json> {
  return {
    name: job.runnerName,
    os: 'Linux',
    arch: job.arch,
    temp: job.temp,
    tool_cache: job.toolCache,
    debug: '',
    environment: 'github-hosted',
  };
}

/** RUNNER_ARCH as the runner spells it (X64, ARM64, …) from Node's process.arch. */
export function runnerArch(nodeArch: string): string {
  return ({ x64: 'X64', arm64: 'ARM64', arm: 'ARM', ia32: 'X86' } as Record<string, string>)[nodeArch] ?? nodeArch.toUpperCase();
}

/** The variables every step gets, whatever the workflow's env says (GITHUB_* and RUNNER_* cannot be overridden). */
export function defaultEnv(run: RunIdentity, job: JobIdentity, stepContextName: string, action?: { path?: string; repository?: string; ref?: string }): Record<string, string> {
  const g = githubContext(run, job);
  const env: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: stepContextName,
    GITHUB_ACTOR: String(g.actor),
    GITHUB_ACTOR_ID: String(g.actor_id),
    GITHUB_API_URL: run.apiUrl,
    GITHUB_BASE_REF: String(g.base_ref),
    GITHUB_EVENT_NAME: run.event.name,
    GITHUB_EVENT_PATH: job.eventPath,
    GITHUB_GRAPHQL_URL: graphqlUrl(run.apiUrl),
    GITHUB_HEAD_REF: String(g.head_ref),
    GITHUB_JOB: job.jobId,
    GITHUB_REF: run.event.ref,
    GITHUB_REF_NAME: String(g.ref_name),
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_REF_TYPE: String(g.ref_type),
    GITHUB_REPOSITORY: `${run.owner}/${run.repo}`,
    GITHUB_REPOSITORY_ID: String(g.repository_id),
    GITHUB_REPOSITORY_OWNER: run.owner,
    GITHUB_REPOSITORY_OWNER_ID: String(g.repository_owner_id),
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_RUN_ATTEMPT: String(run.runAttempt),
    GITHUB_RUN_ID: String(run.runId),
    GITHUB_RUN_NUMBER: String(run.runNumber),
    GITHUB_SERVER_URL: run.serverUrl,
    GITHUB_SHA: run.event.sha,
    GITHUB_TRIGGERING_ACTOR: String(g.triggering_actor),
    GITHUB_WORKFLOW: run.workflowName,
    GITHUB_WORKFLOW_REF: String(g.workflow_ref),
    GITHUB_WORKFLOW_SHA: run.event.sha,
    GITHUB_WORKSPACE: job.workspace,
    RUNNER_ARCH: job.arch,
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_NAME: job.runnerName,
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: job.temp,
    RUNNER_TOOL_CACHE: job.toolCache,
  };
  // Only action steps learn where their action lives.
  if (action?.path !== undefined) env.GITHUB_ACTION_PATH = action.path;
  if (action?.repository !== undefined) env.GITHUB_ACTION_REPOSITORY = action.repository;
  if (action?.ref !== undefined) env.GITHUB_ACTION_REF = action.ref;
  return env;
}

/**
 * A step's environment, lowest precedence first: the host basics (PATH, HOME, …), the
 * workflow's and job's `env:` (with GITHUB_ENV additions over them), the step's `env:`,
 * then the runner's defaults, which the workflow cannot override.
 */
export function mergeStepEnv(base: Readonly<Record<string, string>>, jobEnv: Readonly<Record<string, string>>, stepEnv: Readonly<Record<string, string>>, defaults: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = { ...base, ...jobEnv, ...stepEnv };
  for (const [k, v] of Object.entries(defaults)) {
    // CI is a default too, but a workflow may set it (only GITHUB_*/RUNNER_* are reserved).
    if (k === 'CI' && (k in jobEnv || k in stepEnv)) continue;
    env[k] = v;
  }
  return env;
}
