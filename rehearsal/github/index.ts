/** The local GitHub: product code the runner, the story and `gitops-ml rehearse` build on. */
export { LocalGitHub, gitAuthConfig } from './local-github.js';
export type { ApiResult, EnvironmentSetup, FiledIssue, LocalGitHubOptions, PushOptions, PushResult, RepositoryOptions, RepositorySnapshot, TemplateOptions } from './local-github.js';
export type { EventRecord, RequestRecord } from './core.js';
export { ACTIONS_BOT } from './core.js';
export { ERRORS, LocalGitHubError, isLocalGitHubError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { admit } from './admission.js';
export { renderIssueForm, parseIssueForm } from './issue-form.js';
export type { FormAnswers, IssueForm, RenderedIssue } from './issue-form.js';
export { REQUIREMENTS, authorize, requirementFor } from './permissions.js';
export type { Principal, Requirement, Role } from './permissions.js';
export { evaluateMerge, evaluatePush } from './protection.js';
export type { BranchProtection, Violation } from './protection.js';
export { HANDLERS } from './rest/dispatch.js';
