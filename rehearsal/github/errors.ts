/**
 * Every refusal the local GitHub can give, in one place, with GitHub's own status and
 * wording. Tests assert on the stable `code`; the message is what a client (Octokit, git)
 * shows its user, so it must read exactly as github.com's does.
 *
 * Where a message is quoted below it was seen in a GitHub answer reported in a public
 * issue (the source is named beside it). Messages marked UNCONFIRMED are our best
 * reconstruction; keep them apart so a later check can replace them.
 */

/** Where GitHub points protected-branch refusals (seen in bors-ng/bors-ng#1493, 2022). */
export const PROTECTED_BRANCHES_DOC = 'https://docs.github.com/articles/about-protected-branches';
/** The link GH006 pushes print for restricted pushers (az-digital/arizona-bootstrap#1524, 2025). */
export const PROTECTED_BRANCHES_ARTICLE = 'https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches';
/** The REST root documentation, GitHub's link on 401s (hisxo/gitGraber#32). */
export const REST_DOC = 'https://docs.github.com/rest';

export interface ErrorSpec {
  status: number;
  message: (p: Readonly<Record<string, string>>) => string;
  /** GitHub's `errors` array, when its answer carries one. */
  errors?: (p: Readonly<Record<string, string>>) => unknown[];
  /** Overrides the operation's documentation link. */
  documentationUrl?: string;
}

const validation = (resource: string, code: string, field: string | undefined, message?: (p: Readonly<Record<string, string>>) => string) => (p: Readonly<Record<string, string>>) => [
  { resource, code, ...(field ? { field } : {}), ...(message ? { message: message(p) } : {}) },
];

export const ERRORS = {
  GH_NOT_FOUND: { status: 404, message: () => 'Not Found' },
  // hisxo/gitGraber#32: {"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}
  GH_BAD_CREDENTIALS: { status: 401, message: () => 'Bad credentials', documentationUrl: REST_DOC },
  GH_REQUIRES_AUTHENTICATION: { status: 401, message: () => 'Requires authentication' },
  // pascalgn/size-label-action#33, eps1lon/actions-label-merge-conflict#146 (with the operation's docs link)
  GH_NOT_ACCESSIBLE_BY_INTEGRATION: { status: 403, message: () => 'Resource not accessible by integration' },
  // PyGithub/PyGithub#2951: a fine-grained token outside its grant
  GH_NOT_ACCESSIBLE_BY_PAT: { status: 403, message: () => 'Resource not accessible by personal access token' },
  GH_ADMIN_RIGHTS: { status: 403, message: () => 'Must have admin rights to Repository.' },
  GH_BAD_JSON: { status: 400, message: () => 'Problems parsing JSON' },
  GH_VALIDATION: { status: 422, message: () => 'Validation Failed' },
  GH_NOT_IMPLEMENTED: { status: 501, message: (p) => `The local GitHub does not implement ${p.operationId ?? 'this operation'}` },
  // peter-evans/create-pull-request#3979: "... - https://docs.github.com/rest/pulls/pulls#create-a-pull-request"
  GH_ACTIONS_CANNOT_CREATE_PR: { status: 403, message: () => 'GitHub Actions is not permitted to create or approve pull requests.' },
  // github/docs#31550: 422 {"message":"Unprocessable Entity","errors":["GitHub Actions is not permitted to approve pull requests."]}
  GH_ACTIONS_CANNOT_APPROVE: { status: 422, message: () => 'Unprocessable Entity', errors: () => ['GitHub Actions is not permitted to approve pull requests.'] },
  // hubtty/hubtty#33: 422 {"message":"Unprocessable Entity","errors":["Can not approve your own pull request"]}
  GH_SELF_APPROVAL: { status: 422, message: () => 'Unprocessable Entity', errors: () => ['Can not approve your own pull request'] },
  GH_REVIEW_BODY_REQUIRED: { status: 422, message: () => 'Unprocessable Entity', errors: (p) => [`Body is required when using ${p.event ?? 'REQUEST_CHANGES'}`] }, // UNCONFIRMED wording
  // PennyDreadfulMTG/Penny-Dreadful-Tools#6226, Reviewable/Reviewable#561: the protection's own sentence, 405
  GH_MERGE_BLOCKED: { status: 405, message: (p) => p.reason ?? 'Pull Request is not mergeable', documentationUrl: PROTECTED_BRANCHES_DOC },
  // BobAnkh/auto-generate-changelog#78: 409 "Could not update file: 2 of 2 required status checks are expected. Changes must be made through a pull request."
  GH_CONTENTS_PROTECTED: { status: 409, message: (p) => `Could not update file: ${p.reason ?? ''}`, documentationUrl: PROTECTED_BRANCHES_DOC },
  // googleapis/repo-automation-bots#5551 shows the sentence; the 422 status is UNCONFIRMED
  GH_REF_PROTECTED: { status: 422, message: (p) => p.reason ?? 'Changes must be made through a pull request.', documentationUrl: PROTECTED_BRANCHES_DOC },
  // gitbucket/gitbucket#2482 copies GitHub's 405 for an unmergeable PR
  GH_NOT_MERGEABLE: { status: 405, message: () => 'Pull Request is not mergeable' },
  GH_ALREADY_MERGED: { status: 405, message: () => 'Pull Request is not mergeable' },
  // dlang/dlang-bot#77: 409 when `sha` no longer matches the head
  GH_HEAD_MODIFIED: { status: 409, message: () => 'Head branch was modified. Review and try the merge again.' },
  // pome-sh/digital-twins#400 measured these three against github.com
  GH_SHA_MISMATCH: { status: 409, message: (p) => `${p.path ?? ''} does not match ${p.sha ?? ''}` },
  GH_SHA_MISSING: { status: 422, message: () => 'Invalid request.\n\n"sha" wasn\'t supplied.' },
  GH_BRANCH_NOT_FOUND: { status: 404, message: (p) => `Branch ${p.branch ?? ''} not found` },
  // xorbitsai/xagent#2403: POST git/refs for an existing ref answers 422 "Reference already exists"
  GH_REF_EXISTS: { status: 422, message: () => 'Reference already exists' },
  GH_REF_NOT_FAST_FORWARD: { status: 422, message: () => 'Update is not a fast forward' },
  GH_REF_INVALID_SHA: { status: 422, message: () => 'Object does not exist' },
  GH_REF_CHANGED: { status: 409, message: (p) => `Reference update failed: ${p.ref ?? ''} was updated concurrently` }, // UNCONFIRMED wording
  // rust-lang/homu#141, yegor256/rultor#1344
  GH_NO_COMMIT: { status: 422, message: (p) => `No commit found for SHA: ${p.ref ?? ''}` },
  // tgymnich/fork-sync#112: {"resource":"PullRequest","code":"custom","message":"No commits between master and master"}
  GH_NO_COMMITS_BETWEEN: { status: 422, message: () => 'Validation Failed', errors: validation('PullRequest', 'custom', undefined, (p) => `No commits between ${p.base ?? ''} and ${p.head ?? ''}`) },
  // ovity/octotree#557: "Validation failed: A pull request already exists for tajawal:HUB-1222."
  GH_PULL_EXISTS: { status: 422, message: () => 'Validation Failed', errors: validation('PullRequest', 'custom', undefined, (p) => `A pull request already exists for ${p.head ?? ''}.`) },
  GH_HEAD_INVALID: { status: 422, message: () => 'Validation Failed', errors: validation('PullRequest', 'invalid', 'head') },
  GH_BASE_INVALID: { status: 422, message: () => 'Validation Failed', errors: validation('PullRequest', 'invalid', 'base') },
  // jmikedupont2/ai-ticket#51 (2023): the current shape of the 65,536-character limit
  GH_BODY_TOO_LONG: { status: 422, message: () => 'Validation Failed', errors: validation('IssueComment', 'unprocessable', 'data', () => 'Body is too long (maximum is 65536 characters)') },
  // trstringer/manual-approval#89: issue bodies have the same limit
  GH_ISSUE_BODY_TOO_LONG: { status: 422, message: () => 'Validation Failed', errors: validation('Issue', 'custom', 'body', () => 'body is too long (maximum is 65536 characters)') },
  GH_LABEL_NOT_ON_ISSUE: { status: 404, message: () => 'Label does not exist' },
  GH_ALREADY_EXISTS: { status: 422, message: () => 'Validation Failed', errors: (p) => [{ resource: p.resource ?? '', code: 'already_exists', field: p.field ?? '' }] },
  // convictional/trigger-workflow-and-wait#44, #4 and peter-evans/slash-command-dispatch#97
  GH_DISPATCH_NO_REF: { status: 422, message: (p) => `No ref found for: ${p.ref ?? ''}` },
  GH_DISPATCH_NO_TRIGGER: { status: 422, message: () => "Workflow does not have 'workflow_dispatch' trigger" },
  GH_DISPATCH_UNEXPECTED_INPUTS: { status: 422, message: (p) => `Unexpected inputs provided: ${p.inputs ?? '[]'}` },
  GH_DISPATCH_REQUIRED_INPUT: { status: 422, message: (p) => `Required input '${p.input ?? ''}' not provided` },
  GH_NOT_A_REVIEWER: { status: 422, message: (p) => `${p.login ?? 'The user'} is not a required reviewer of environment ${p.environment ?? ''}` }, // UNCONFIRMED wording and status
  GH_NO_PENDING_DEPLOYMENT: { status: 422, message: () => 'No pending deployment requests to approve or reject' }, // UNCONFIRMED wording
  GH_ISSUE_IS_PULL: { status: 404, message: () => 'Not Found' },
  GH_SHA_REQUIRED_FOR_STATUS: { status: 422, message: (p) => `No commit found for SHA: ${p.sha ?? ''}` },
  GH_INVALID_FORM: { status: 422, message: (p) => p.reason ?? 'The issue form was not filled in as its template requires' },
  GH_SELF_REQUEST_CHANGES: { status: 422, message: () => 'Unprocessable Entity', errors: () => ['Can not request changes on your own pull request'] },
  // EnricoMi/publish-unit-test-result-action#53, actions/github-script#118: only apps (GITHUB_TOKEN is one) create check runs
  GH_CHECKS_APP_ONLY: { status: 403, message: () => 'You must authenticate via a GitHub App.' },
  // github/docs#35252 (2024): the limit is on bytes
  GH_CHECK_OUTPUT_TOO_LONG: { status: 422, message: () => 'Validation Failed', errors: (p) => [{ resource: 'CheckRun', code: 'custom', field: p.field ?? 'summary', message: `${p.field ?? 'summary'} exceeds a maximum bytesize of 65535` }] },
  // drevops/vortex#1903, remind101/slashdeploy#1: without required_contexts every status must be green
  GH_DEPLOYMENT_CHECKS_FAILED: { status: 409, message: (p) => `Conflict: Commit status checks failed for ${p.ref ?? ''}.`, errors: (p) => [{ contexts: JSON.parse(p.contexts ?? '[]') as unknown, resource: 'Deployment', field: 'required_contexts', code: 'invalid' }] },
  GH_NO_REF: { status: 422, message: (p) => `No ref found for: ${p.ref ?? ''}` },
  GH_REBASE_FAILED: { status: 405, message: () => "This branch can't be rebased" },
  GH_HIDDEN_REF: { status: 422, message: () => 'deny updating a hidden ref' },
  GH_SELF_REVIEW_PREVENTED: { status: 422, message: (p) => `${p.login ?? 'The user'} triggered this run and the ${p.environment ?? ''} environment prevents self-review` }, // UNCONFIRMED wording
  // Git pushes: GH006 with one "- reason" line each (foundry-rs/block-explorers#110, cloudfoundry/app-autoscaler#857)
  GH_PUSH_PROTECTED: { status: 403, message: (p) => `GH006: Protected branch update failed for ${p.ref ?? ''}.` },
  GH_PUSH_DENIED: { status: 403, message: (p) => `Permission to ${p.repo ?? ''} denied to ${p.login ?? ''}.` },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** GitHub's JSON error body. */
export interface ErrorBody {
  message: string;
  documentation_url: string;
  errors?: unknown[];
  status?: string;
}

/**
 * A refusal with GitHub's status and body. REST handlers throw it; person-facing methods
 * (push, approveDeployment, fileIssueFromForm) throw it to their caller the same way, so
 * a story can assert `err.code === 'GH_PUSH_PROTECTED'` whichever door it used.
 */
export class LocalGitHubError extends Error {
  override readonly name = 'LocalGitHubError';
  readonly status: number;
  readonly errors?: unknown[];
  /** Extra lines (a GH006 push lists one reason per line). */
  readonly details: readonly string[];

  constructor(
    readonly code: ErrorCode,
    readonly params: Readonly<Record<string, string>> = {},
    details: readonly string[] = [],
    errors?: unknown[],
  ) {
    const spec: ErrorSpec = ERRORS[code];
    super(spec.message(params));
    this.status = spec.status;
    // A bare "Validation Failed" carries its reasons as GitHub's `errors` entries.
    const list = errors ?? spec.errors?.(params) ?? (code === 'GH_VALIDATION' && details.length ? details.map((message) => ({ code: 'custom', message })) : undefined);
    if (list) this.errors = list;
    this.details = details;
  }

  /** The body GitHub sends, with the operation's documentation link unless the error has its own. */
  body(operationDocs = REST_DOC): ErrorBody {
    const spec: ErrorSpec = ERRORS[this.code];
    return { message: this.message, ...(this.errors ? { errors: this.errors } : {}), documentation_url: spec.documentationUrl ?? operationDocs, status: String(this.status) };
  }
}

export function ghError(code: ErrorCode, params: Readonly<Record<string, string>> = {}, details: readonly string[] = []): LocalGitHubError {
  return new LocalGitHubError(code, params, details);
}

/** GitHub's 422 for a body its schema refuses, with one `errors` entry per problem. */
export function validationError(errors: unknown[]): LocalGitHubError {
  return new LocalGitHubError('GH_VALIDATION', {}, [], errors);
}

export function isLocalGitHubError(err: unknown, code?: ErrorCode): err is LocalGitHubError {
  return err instanceof LocalGitHubError && (code === undefined || err.code === code);
}
