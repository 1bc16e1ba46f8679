/**
 * What the rehearsal report shows, shaped from a repository snapshot, the runner's run
 * records and the story record: plain data, no HTML. Markdown stays Markdown (the page
 * renders it in the browser, as GitHub would); every other text is shown as text.
 */

import type { RepositorySnapshot } from '../github/local-github.js';
import type { StoryRecord } from '../story.js';
import type { RunAnnotation, WorkflowRunRecord } from '../types.js';

export interface ReportInput {
  snapshot: RepositorySnapshot;
  runs: readonly WorkflowRunRecord[];
  /** The story's own record (scenario, expectations); a report of bare data has none. */
  record?: StoryRecord;
}

/** A Markdown body, by key into ReportData.markdown. `comment` bodies turn single newlines into line breaks, as GitHub does in conversations. */
export interface MarkdownRef {
  key: string;
  flavor: 'comment' | 'document';
}

/** GitHub's colour families for states and conclusions. */
export type Tone = 'success' | 'failure' | 'neutral' | 'pending' | 'skipped' | 'merged' | 'closed' | 'open';

export interface Badge {
  text: string;
  tone: Tone;
}

export interface ConversationEntry {
  kind: 'body' | 'comment' | 'review';
  id: number;
  author: string;
  bot: boolean;
  /** ISO time, when the snapshot has it. */
  at?: string;
  /** What GitHub writes beside the author: "commented", "approved these changes", … */
  verb: string;
  /** A review's state, as a badge. */
  badge?: Badge;
  /** The key of a sticky comment (`<!-- gitops-ml:KEY -->`), e.g. model-card. */
  sticky?: string;
  /** Absent for a review with no body. */
  body?: MarkdownRef;
}

export interface IssueView {
  anchor: string;
  number: number;
  title: string;
  author: string;
  state: Badge;
  labels: string[];
  conversation: ConversationEntry[];
}

export interface PullView extends IssueView {
  headRef: string;
  baseRef: string;
  headSha: string;
  mergedBy: string | null;
  /** The latest check run of each name and the latest status of each context on the head commit. */
  headChecks: { name: string; badge: Badge; anchor?: string }[];
}

export interface CheckRunView {
  anchor: string;
  id: number;
  name: string;
  headSha: string;
  badge: Badge;
  creator: string;
  title: string | null;
  summary?: MarkdownRef;
}

export interface StatusView {
  sha: string;
  context: string;
  badge: Badge;
  description: string | null;
  creator: string;
}

export interface StepView {
  name: string;
  badge: Badge;
  duration: string;
  duration_ms: number;
  /** Steps run one after another: where this one starts in its job, in ms. */
  offset_ms: number;
  uses?: string;
}

export interface JobView {
  anchor: string;
  name: string;
  badge: Badge;
  duration: string;
  duration_ms: number;
  environment?: string;
  steps: StepView[];
  annotations: RunAnnotation[];
  summary?: MarkdownRef;
}

export interface RunView {
  anchor: string;
  id: number;
  title: string;
  workflow: string;
  path: string;
  event: string;
  actor: string;
  headSha: string;
  badge: Badge;
  duration: string;
  duration_ms: number;
  annotations: RunAnnotation[];
  jobs: JobView[];
  artifacts: string[];
}

export interface ReleaseView {
  anchor: string;
  tagName: string;
  name: string;
  author: string;
  badges: Badge[];
  body?: MarkdownRef;
  assets: { name: string; size: string; contentType: string }[];
}

export interface DeploymentView {
  anchor: string;
  id: number;
  environment: string;
  ref: string;
  sha: string;
  creator: string;
  /** The latest status. */
  badge: Badge;
  /** Oldest first, as they were posted. */
  statuses: { badge: Badge; description: string; url: string | null }[];
}

export interface EnvironmentView {
  name: string;
  reviewers: string[];
  waitTimer: number;
  reviews: { runId: number; job: string; state: Badge; by: string; comment: string }[];
}

export interface ReportData {
  title: string;
  repository: { fullName: string; defaultBranch: string; visibility: string };
  story?: {
    scenario: string;
    badge: Badge;
    held: number;
    expectations: { what: string; held: boolean; detail?: string }[];
    standIns: string[];
    serving: { environment: string; url: string; tag?: string }[];
  };
  issues: IssueView[];
  pulls: PullView[];
  checkRuns: CheckRunView[];
  statuses: StatusView[];
  runs: RunView[];
  releases: ReleaseView[];
  deployments: DeploymentView[];
  environments: EnvironmentView[];
  /** Every Markdown body by key: the page renders these in the browser. */
  markdown: Record<string, string>;
}

/* ---- small pure helpers, exported for tests ---- */

export const BOT_SUFFIX = '[bot]';

export function isBot(login: string): boolean {
  return login.endsWith(BOT_SUFFIX);
}

/** GitHub's way of writing a duration: 850ms, 4.2s, 3m 07s, 1h 02m. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(sec).padStart(2, '0')}s`;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** The colour a GitHub state or conclusion word takes; unknown words are neutral. */
export function toneOf(word: string | null | undefined): Tone {
  switch ((word ?? '').toLowerCase()) {
    case 'success':
    case 'approved':
    case 'active':
      return 'success';
    case 'failure':
    case 'error':
    case 'timed_out':
    case 'startup_failure':
    case 'rejected':
    case 'changes_requested':
      return 'failure';
    case 'skipped':
    case 'inactive':
    case 'dismissed':
      return 'skipped';
    case 'cancelled':
    case 'neutral':
    case 'stale':
    case 'commented':
      return 'neutral';
    default:
      return 'pending';
  }
}

export function badge(word: string | null | undefined, fallback = 'pending'): Badge {
  const text = word ?? fallback;
  return { text: text.replace(/_/g, ' ').toLowerCase(), tone: toneOf(word ?? fallback) };
}

/** The key of a sticky comment's `<!-- gitops-ml:KEY -->` marker, if it has one. */
export function stickyKey(body: string): string | undefined {
  return /<!--\s*gitops-ml:([\w.-]+)\s*-->/.exec(body)?.[1];
}

const REVIEW_VERBS: Record<string, string> = {
  APPROVED: 'approved these changes',
  CHANGES_REQUESTED: 'requested changes',
  COMMENTED: 'reviewed',
  DISMISSED: 'reviewed (dismissed)',
  PENDING: 'started a review',
};

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** A URL the page may link to: http(s) only, so no `javascript:` from data. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function prState(p: RepositorySnapshot['pulls'][number]): Badge {
  if (p.merged) return { text: 'merged', tone: 'merged' };
  return p.state === 'open' ? { text: 'open', tone: 'open' } : { text: 'closed', tone: 'closed' };
}

function issueState(state: string): Badge {
  return state === 'open' ? { text: 'open', tone: 'open' } : { text: state, tone: 'closed' };
}

/** Builds everything the page shows. Pure: the same input gives the same data. */
export function buildReportData(input: ReportInput): ReportData {
  const { snapshot: snap, runs, record } = input;
  const markdown: Record<string, string> = {};
  let next = 0;
  const md = (text: string | null | undefined, flavor: MarkdownRef['flavor']): MarkdownRef | undefined => {
    if (text === null || text === undefined || text.trim() === '') return undefined;
    const key = `md${++next}`;
    markdown[key] = text;
    return { key, flavor };
  };

  const comment = (c: { id: number; user: string; body: string; createdAt?: string }): ConversationEntry => {
    const sticky = stickyKey(c.body);
    return {
      kind: 'comment',
      id: c.id,
      author: c.user,
      bot: isBot(c.user),
      ...(c.createdAt ? { at: c.createdAt } : {}),
      verb: 'commented',
      ...(sticky ? { sticky } : {}),
      ...optional('body', md(c.body, 'comment')),
    };
  };
  // The opening post: what the author wrote when filing (GitHub shows "No description provided" for none).
  const opening = (author: string, body: string | null): ConversationEntry => ({
    kind: 'body',
    id: 0,
    author,
    bot: isBot(author),
    verb: 'opened this',
    ...optional('body', md(body, 'comment') ?? md('_No description provided._', 'comment')),
  });

  const issues: IssueView[] = snap.issues.map((i) => ({
    anchor: `issue-${i.number}`,
    number: i.number,
    title: i.title,
    author: i.user,
    state: issueState(i.state),
    labels: [...i.labels],
    conversation: [opening(i.user, i.body), ...[...i.comments].sort(byId).map(comment)],
  }));

  // The latest check run of each name (highest id) is what a PR shows.
  const latestChecks = (sha: string): CheckRunView[] => {
    const byName = new Map<string, RepositorySnapshot['checkRuns'][number]>();
    for (const c of snap.checkRuns) if (c.headSha === sha && (byName.get(c.name)?.id ?? -1) < c.id) byName.set(c.name, c);
    return [...byName.values()].map((c) => ({ anchor: `check-run-${c.id}`, id: c.id, name: c.name, headSha: c.headSha, badge: checkBadge(c), creator: c.creator, title: c.title }));
  };
  const latestStatuses = (sha: string): RepositorySnapshot['statuses'] => {
    const byContext = new Map<string, RepositorySnapshot['statuses'][number]>();
    for (const s of snap.statuses) if (s.sha === sha) byContext.set(s.context, s);
    return [...byContext.values()];
  };

  const pulls: PullView[] = snap.pulls.map((p) => {
    const comments = p.comments.map((c) => comment(c as { id: number; user: string; body: string; createdAt?: string }));
    const reviews: ConversationEntry[] = p.reviews.map((v) => ({
      kind: 'review',
      id: v.id,
      author: v.user,
      bot: isBot(v.user),
      at: v.submittedAt,
      verb: `${REVIEW_VERBS[v.state] ?? 'reviewed'} on ${shortSha(v.commitId)}`,
      badge: badge(v.state),
      ...optional('body', md(v.body, 'comment')),
    }));
    return {
      anchor: `pull-${p.number}`,
      number: p.number,
      title: p.title,
      author: p.user,
      state: prState(p),
      labels: [...p.labels],
      headRef: p.headRef,
      baseRef: p.baseRef,
      headSha: p.headSha,
      mergedBy: p.mergedBy,
      // Comments and reviews share GitHub's id sequence: by id is the order they were made.
      conversation: [opening(p.user, p.body), ...[...comments, ...reviews].sort(byId)],
      headChecks: [
        ...latestChecks(p.headSha).map((c) => ({ name: c.name, badge: c.badge, anchor: c.anchor })),
        ...latestStatuses(p.headSha).map((s) => ({ name: s.context, badge: badge(s.state) })),
      ],
    };
  });

  const checkRuns: CheckRunView[] = snap.checkRuns.map((c) => ({
    anchor: `check-run-${c.id}`,
    id: c.id,
    name: c.name,
    headSha: c.headSha,
    badge: checkBadge(c),
    creator: c.creator,
    title: c.title,
    ...optional('summary', md(c.summary, 'document')),
  }));

  const statuses: StatusView[] = snap.statuses.map((s) => ({ sha: s.sha, context: s.context, badge: badge(s.state), description: s.description, creator: s.creator }));

  const runViews: RunView[] = [...runs].sort((a, b) => a.id - b.id).map((r) => ({
    anchor: `run-${r.id}`,
    id: r.id,
    title: `${r.workflow} #${r.run_number}${r.run_attempt > 1 ? ` (attempt ${r.run_attempt})` : ''}`,
    workflow: r.workflow,
    path: r.path,
    event: r.action ? `${r.event}.${r.action}` : r.event,
    actor: r.actor,
    headSha: r.head_sha,
    badge: r.status === 'completed' ? badge(r.conclusion) : badge(r.status),
    duration: formatDuration(r.duration_ms),
    duration_ms: r.duration_ms,
    annotations: [...r.annotations],
    artifacts: [...(r.artifacts ?? [])],
    jobs: r.jobs.map((j) => {
      let offset = 0;
      return {
        anchor: `run-${r.id}-job-${j.id}`,
        name: j.name,
        badge: j.status === 'completed' ? badge(j.conclusion) : badge(j.status),
        duration: formatDuration(j.duration_ms),
        duration_ms: j.duration_ms,
        ...(j.environment ? { environment: j.environment.name } : {}),
        annotations: [...j.annotations],
        steps: j.steps.map((s) => {
          const step: StepView = { name: s.name, badge: badge(s.conclusion), duration: formatDuration(s.duration_ms), duration_ms: s.duration_ms, offset_ms: offset, ...(s.uses ? { uses: s.uses } : {}) };
          offset += Math.max(0, s.duration_ms);
          return step;
        }),
        ...optional('summary', md(j.summary, 'document')),
      };
    }),
  }));

  const releases: ReleaseView[] = snap.releases.map((x) => ({
    anchor: `release-${x.id}`,
    tagName: x.tagName,
    name: x.name || x.tagName,
    author: x.author,
    badges: [...(x.draft ? [{ text: 'draft', tone: 'skipped' as const }] : []), ...(x.prerelease ? [{ text: 'pre-release', tone: 'pending' as const }] : []), ...(!x.draft && !x.prerelease ? [{ text: 'latest', tone: 'success' as const }] : [])],
    ...optional('body', md(x.body, 'comment')),
    assets: x.assets.map((a) => ({ name: a.name, size: formatBytes(a.size), contentType: a.contentType })),
  }));
  // Only the newest published release is "latest".
  let latestSeen = false;
  for (const r of [...releases].reverse()) {
    const i = r.badges.findIndex((b) => b.text === 'latest');
    if (i < 0) continue;
    if (latestSeen) r.badges.splice(i, 1);
    latestSeen = true;
  }

  const deployments: DeploymentView[] = snap.deployments.map((d) => ({
    anchor: `deployment-${d.id}`,
    id: d.id,
    environment: d.environment,
    ref: d.ref,
    sha: d.sha,
    creator: d.creator,
    badge: badge(d.statuses.at(-1)?.state ?? 'pending'),
    statuses: d.statuses.map((s) => ({ badge: badge(s.state), description: s.description, url: safeHttpUrl(s.environmentUrl) })),
  }));

  const environments: EnvironmentView[] = snap.environments.map((e) => ({
    name: e.name,
    reviewers: [...e.reviewers],
    waitTimer: e.waitTimer,
    reviews: snap.pendingDeployments
      .filter((p) => p.environment.toLowerCase() === e.name.toLowerCase())
      .flatMap((p) => (p.reviews.length > 0 ? p.reviews.map((v) => ({ runId: p.runId, job: p.job, state: badge(v.state), by: v.login, comment: v.comment })) : [{ runId: p.runId, job: p.job, state: badge(p.state), by: '', comment: '' }])),
  }));

  const held = record ? record.expectations.filter((e) => e.held).length : 0;
  return {
    title: `Rehearsal of ${snap.owner}/${snap.name}${record ? ` — ${record.scenario}` : ''}`,
    repository: { fullName: `${snap.owner}/${snap.name}`, defaultBranch: snap.defaultBranch, visibility: snap.visibility },
    ...(record
      ? {
          story: {
            scenario: record.scenario,
            badge: record.ok ? { text: 'passed', tone: 'success' as const } : { text: 'failed', tone: 'failure' as const },
            held,
            expectations: record.expectations.map((e) => ({ ...e })),
            standIns: [...record.standIns],
            serving: Object.entries(record.serving).map(([environment, s]) => ({ environment, url: s.url, ...(s.tag ? { tag: s.tag } : {}) })),
          },
        }
      : {}),
    issues,
    pulls,
    checkRuns,
    statuses,
    runs: runViews,
    releases,
    deployments,
    environments,
    markdown,
  };
}

function checkBadge(c: { status: string; conclusion: string | null }): Badge {
  return c.status === 'completed' ? badge(c.conclusion, 'neutral') : badge(c.status);
}

function byId(a: { id: number }, b: { id: number }): number {
  return a.id - b.id;
}

/** `{ [key]: value }` when value is defined, else `{}`, for exactOptional-friendly spreads. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
