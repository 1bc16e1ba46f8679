/**
 * The workflow runner: runs a repository's .github/workflows as GitHub Actions does,
 * against a GitHub that implements RunnerFacingGitHub (rehearsal/types.ts).
 */
export { WorkflowRunner, sanitizeHostPath, triggersOf } from './runner.js';
export type { WorkflowRunnerOptions } from './runner.js';
export { RunnerError, RUNNER_ERRORS, isRunnerError } from './errors.js';
export type { RunnerErrorCode } from './errors.js';
export { consoleLogger, silentLogger, MemoryLogger, formatAnnotation, formatDuration } from './logger.js';
export type { RunnerLogger, RunnerLogEvent } from './logger.js';
export { builtinStandIns } from './standins/index.js';
export type { StandIn, StandInContext, StandInMeta, StandInServices } from './standins/index.js';
export { decideTrigger, resolveDispatchInputs, DEFAULT_TYPES } from './triggers.js';
export { resolvePermissions, defaultPermissions } from './permissions.js';
export { parseWorkflowFile } from './model.js';
export type { WorkflowModel, JobModel, StepModel } from './model.js';
