import type { BareRepo } from './git.js';
import type { Role } from './permissions.js';
import type { BranchProtection } from './protection.js';
import type { EnvironmentGateResult } from '../types.js';

/**
 * What the local GitHub remembers, as plain records. Git objects and refs live in the
 * bare repository; everything GitHub keeps beside git (issues, reviews, checks…) is here.
 */

export type UserType = 'User' | 'Bot' | 'Organization';

export interface UserRecord {
  login: string;
  id: number;
  type: UserType;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface CommentRecord {
  id: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

/** An issue, or the issue side of a pull request (GitHub numbers them together). */
export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  user: string;
  assignees: string[];
  comments: CommentRecord[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  isPull: boolean;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ReviewRecord {
  id: number;
  user: string;
  state: ReviewState;
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface PullRecord {
  number: number;
  id: number;
  /** The shared issue (title, body, state, labels, comments). */
  issue: IssueRecord;
  headRef: string;
  headSha: string;
  baseRef: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  /** The test merge (refs/pull/N/merge), or undefined when the head conflicts with the base. */
  testMergeSha?: string;
  reviews: ReviewRecord[];
  maintainerCanModify: boolean;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  detailsUrl: string | null;
  externalId: string | null;
  creator: string;
}

export interface StatusRecord {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

export interface AssetRecord {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  data: Buffer;
  uploader: string;
  createdAt: string;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  createdAt: string;
  publishedAt: string | null;
  assets: AssetRecord[];
}

export interface DeploymentStatusRecord {
  id: number;
  state: string;
  description: string;
  environmentUrl: string;
  logUrl: string;
  creator: string;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: unknown;
  description: string | null;
  creator: string;
  createdAt: string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  statuses: DeploymentStatusRecord[];
}

export interface EnvironmentReviewer {
  type: 'User' | 'Team';
  /** A login, or `org/slug` for a team. */
  name: string;
  id: number;
}

export interface EnvironmentRecord {
  id: number;
  name: string;
  reviewers: EnvironmentReviewer[];
  waitTimer: number;
  preventSelfReview: boolean;
  deploymentBranchPolicy: { protectedBranches: boolean; customBranchPolicies: boolean } | null;
  createdAt: string;
  updatedAt: string;
  /** GitHub creates an environment a workflow names; an admin's PUT creates it with rules. */
  createdBy: 'admin' | 'workflow';
}

export interface DeploymentReviewRecord {
  login: string;
  state: 'approved' | 'rejected';
  comment: string;
  at: string;
}

export interface PendingDeploymentRecord {
  runId: number;
  job: string;
  environment: string;
  ref: string;
  actor?: string;
  createdAt: string;
  state: 'waiting' | 'approved' | 'rejected';
  reviews: DeploymentReviewRecord[];
  /** Resolves the runner's environmentGate promise. */
  settle?: (r: EnvironmentGateResult) => void;
}

export interface DispatchRecord {
  workflow: string;
  ref: string;
  sha: string;
  inputs: Record<string, string>;
  actor: string;
  createdAt: string;
}

export interface RepoSettings {
  /** "Allow GitHub Actions to create and approve pull requests": off in new repositories (changelog 2022-05-03). */
  canApprovePullRequestReviews: boolean;
  defaultWorkflowPermissions: 'read' | 'write';
}

/** One Pages deployment (POST /repos/{owner}/{repo}/pages/deployments) and what the Pages backend made of it. */
export interface PagesDeploymentRecord {
  id: number;
  artifactId: number;
  buildVersion: string;
  environment: string;
  /** GitHub's pages-deployment-status values (the ones deploy-pages acts on). */
  status: 'succeed' | 'deployment_content_failed';
  /** Why the content was refused, in the backend's words (not part of the API's answer). */
  problem?: string;
  /** Where the published files are (the last successful deployment's are the site). */
  siteDir?: string;
  createdAt: string;
  creator: string;
}

/** GitHub Pages of a repository: off until someone enables it (Settings → Pages, or POST /pages). */
export interface PagesRecord {
  buildType: 'workflow' | 'legacy';
  source: { branch: string; path: string } | null;
  htmlUrl: string;
  deployments: PagesDeploymentRecord[];
}

export interface RepoRecord {
  owner: string;
  name: string;
  id: number;
  git: BareRepo;
  visibility: 'public' | 'private';
  defaultBranch: string;
  description: string | null;
  createdAt: string;
  pushedAt: string;
  settings: RepoSettings;
  labels: Map<string, LabelRecord>;
  issues: Map<number, IssueRecord>;
  pulls: Map<number, PullRecord>;
  nextNumber: number;
  checkRuns: CheckRunRecord[];
  statuses: StatusRecord[];
  releases: ReleaseRecord[];
  deployments: DeploymentRecord[];
  environments: Map<string, EnvironmentRecord>;
  protections: Map<string, BranchProtection>;
  variables: Map<string, { value: string; createdAt: string; updatedAt: string }>;
  secrets: Map<string, { value: string; createdAt: string; updatedAt: string }>;
  dispatches: DispatchRecord[];
  pendingDeployments: PendingDeploymentRecord[];
  /** GitHub Pages; undefined while it is not enabled (as in a new repository). */
  pages?: PagesRecord;
  /** Where the files came from, for reports. */
  template?: string;
}

export type TokenRecord =
  | { kind: 'workflow'; owner: string; repo: string; permissions: Readonly<Record<string, 'read' | 'write' | 'none'>>; runId: number; job: string }
  | { kind: 'person'; login: string }
  | { kind: 'platform' };

export interface PersonRecord {
  login: string;
  role: Role;
}
