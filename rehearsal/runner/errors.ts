import { GitopsMlError } from '../../model/errors.js';

/**
 * Every error the workflow runner raises, by stable code. Callers and tests match on the
 * code; the message is what a person reading the run's log needs to fix the cause, and
 * where GitHub's runner has its own wording for the same problem, it is that wording.
 */
export const RUNNER_ERRORS = {
  /** A workflow file GitHub's parser refuses (GitHub records a failed run "Invalid workflow file"). */
  RUNNER_WORKFLOW_INVALID: 'workflow file is invalid',
  /** An action.yml GitHub's action parser refuses, or a runtime the runner does not run. */
  RUNNER_ACTION_INVALID: 'action metadata is invalid or unsupported',
  /** `uses: ./x` where x has no action.yml in the workspace. */
  RUNNER_ACTION_NOT_FOUND: 'local action not found',
  /** `uses: owner/repo@ref` with no stand-in registered for it. */
  RUNNER_NO_STANDIN: 'no stand-in for a third-party action',
  /** A `${{ }}` expression that does not parse or evaluate. */
  RUNNER_EXPRESSION: 'expression error',
  /** A workflow_dispatch whose inputs GitHub's API would have refused. */
  RUNNER_DISPATCH_INPUT: 'invalid workflow_dispatch inputs',
  /** A malformed GITHUB_OUTPUT/GITHUB_ENV/GITHUB_STATE file. */
  RUNNER_FILE_COMMAND: 'invalid file command',
  /** A `shell:` the runner cannot start. */
  RUNNER_SHELL: 'unsupported shell',
  /** git failed while reading workflows or checking out. */
  RUNNER_GIT: 'git failed',
  /** A stand-in (or a tool it needs) failed the step, as core.setFailed would. */
  RUNNER_STEP_FAILED: 'step failed',
  /** approveRun on a run that is not waiting for approval. */
  RUNNER_UNKNOWN_RUN: 'no such run awaiting approval',
  /** Runner options that cannot work (e.g. a concurrency below 1). */
  RUNNER_OPTIONS: 'invalid runner options',
} as const;

export type RunnerErrorCode = keyof typeof RUNNER_ERRORS;

export class RunnerError extends GitopsMlError {
  constructor(
    override readonly code: RunnerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'RunnerError';
  }
}

export function isRunnerError(e: unknown, code?: RunnerErrorCode): e is RunnerError {
  return e instanceof RunnerError && (code === undefined || e.code === code);
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
