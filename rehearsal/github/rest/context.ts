import type { Actor } from '../../types.js';
import type { Core } from '../core.js';
import { ghError } from '../errors.js';
import type { IssueRecord, PullRecord, RepoRecord } from '../model.js';
import type { Operation } from '../openapi.js';
import type { Principal } from '../permissions.js';

/** One REST call as a handler sees it: already routed, authenticated, authorized and validated. */
export interface Call {
  core: Core;
  op: Operation;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The raw body, for operations that upload bytes. */
  raw: Buffer;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  principal: Principal;
  actor: Actor;
  /** The repository of /repos/{owner}/{repo}/… operations. */
  repo: RepoRecord | undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Bytes to send instead of JSON (raw content, asset downloads). */
  raw?: Buffer;
}

export type Handler = (c: Call) => Promise<Reply> | Reply;

export function repoOf(c: Call): RepoRecord {
  if (!c.repo) throw ghError('GH_NOT_FOUND');
  return c.repo;
}

export function issueOf(repo: RepoRecord, n: string | undefined): IssueRecord {
  const issue = repo.issues.get(Number(n));
  if (!issue) throw ghError('GH_NOT_FOUND');
  return issue;
}

export function pullOf(repo: RepoRecord, n: string | undefined): PullRecord {
  const pr = repo.pulls.get(Number(n));
  if (!pr) throw ghError('GH_NOT_FOUND');
  return pr;
}

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({ status, body, ...(headers ? { headers } : {}) });
export const noContent = (): Reply => ({ status: 204 });

/** GitHub's page/per_page paging with a Link header, which Octokit's paginate() follows. */
export function paged<T>(c: Call, items: readonly T[], wrap?: (page: T[]) => unknown): Reply {
  const perPage = Math.min(100, Math.max(1, Number(c.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(c.query.get('page') ?? 1) || 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = {};
  if (page < last) {
    const link = (p: number): string => {
      const q = new URLSearchParams(c.query);
      q.set('page', String(p));
      q.set('per_page', String(perPage));
      return `<${c.core.links.api}${c.op.template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(c.params[k] ?? ''))}?${q.toString()}>`;
    };
    headers.link = `${link(page + 1)}; rel="next", ${link(last)}; rel="last"`;
  }
  return { status: 200, body: wrap ? wrap(slice) : slice, headers };
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
