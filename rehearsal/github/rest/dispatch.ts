import type { Core } from '../core.js';
import { isLocalGitHubError, REST_DOC, ghError, validationError } from '../errors.js';
import type { LocalGitHubError } from '../errors.js';
import { matchRoute, validateBody } from '../openapi.js';
import { acceptedPermissionsHeader, authorize, requirementFor } from '../permissions.js';
import type { Principal } from '../permissions.js';
import { checkHandlers } from './checks.js';
import { contentHandlers } from './contents.js';
import type { Handler, Reply } from './context.js';
import { deploymentHandlers } from './deployments.js';
import { issueHandlers } from './issues.js';
import { pagesHandlers } from './pages.js';
import { pullHandlers } from './pulls.js';
import { releaseHandlers } from './releases.js';
import { settingHandlers } from './settings.js';

/**
 * The REST pipeline, in GitHub's order: route (404), credentials (401), permission (403),
 * body (400/422), then the operation. Every answer is logged; protocol violations (an
 * unknown route, a body GitHub's schema refuses, an operation nobody implemented) also
 * go to `problems`, which a test asserts is empty.
 */

export const HANDLERS: Readonly<Record<string, Handler>> = {
  ...contentHandlers,
  ...pullHandlers,
  ...issueHandlers,
  ...checkHandlers,
  ...releaseHandlers,
  ...deploymentHandlers,
  ...settingHandlers,
  ...pagesHandlers,
};

export interface RestRequest {
  method: string;
  /** The path below the REST root, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export interface RestAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The refusal, when the answer is one (in-process callers rethrow it). */
  error?: LocalGitHubError;
}

/** The token in an Authorization header: `token X`, `Bearer X`, or Basic with the token as password (git's way). */
export function tokenFrom(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return undefined;
  const m = /^(token|bearer|basic)\s+(.+)$/i.exec(h.trim());
  if (!m) return h.trim();
  if ((m[1] as string).toLowerCase() !== 'basic') return m[2];
  const decoded = Buffer.from(m[2] as string, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): RestAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: status === 204 ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body ?? {})) };
}

export async function handleRest(core: Core, req: RestRequest): Promise<RestAnswer> {
  const match = matchRoute(req.method, req.path);
  const record = (status: number, operationId: string, actor: string, code?: string): void => {
    core.requests.push({ method: req.method, path: req.path, operationId, status, actor, ...(code ? { code } : {}) });
  };
  if (!match) {
    core.problems.push(`unknown route ${req.method} ${req.path}`);
    record(404, '', '');
    return json(404, { message: 'Not Found', documentation_url: REST_DOC, status: '404' });
  }
  const { op, params } = match;
  const fail = (err: LocalGitHubError, actor: string, headers: Record<string, string> = {}): RestAnswer => {
    record(err.status, op.operationId, actor, err.code);
    return { ...json(err.status, err.body(op.docsUrl), headers), error: err };
  };

  const token = tokenFrom(req.headers.authorization);
  let principal: Principal = { kind: 'anonymous' };
  if (token !== undefined) {
    const p = core.principal(token);
    if (!p) return fail(ghError('GH_BAD_CREDENTIALS'), '');
    principal = p;
  }
  const actor = core.actorOf(principal);

  const repo = params.owner !== undefined && params.repo !== undefined ? core.repo(params.owner, params.repo) : undefined;
  if (params.owner !== undefined && params.repo !== undefined && !repo) return fail(ghError('GH_NOT_FOUND'), actor.login);
  const need = requirementFor(op);
  const access = repo ? { owner: repo.owner, repo: repo.name, visibility: repo.visibility } : { owner: params.org ?? '', repo: '', visibility: 'private' as const };
  const decision = authorize(principal, need, access, { enabledForApps: op.enabledForApps });
  if (!decision.allowed) return fail(ghError(decision.code), actor.login, decision.code === 'GH_NOT_FOUND' ? {} : { 'x-accepted-github-permissions': acceptedPermissionsHeader(need) });

  let body: unknown;
  if (!op.rawBody && req.body.length > 0) {
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      core.problems.push(`${op.operationId}: body is not JSON`);
      return fail(ghError('GH_BAD_JSON'), actor.login);
    }
  }
  if (!op.rawBody) {
    const problem = validateBody(op, body);
    if (problem) {
      core.problems.push(`${op.operationId}: invalid body ${JSON.stringify(body)}: ${problem.text}`);
      return fail(validationError(problem.errors), actor.login);
    }
  }
  const handler = HANDLERS[op.operationId];
  if (!handler) {
    core.problems.push(`the local GitHub does not implement ${op.operationId} (${req.method} ${op.template})`);
    return fail(ghError('GH_NOT_IMPLEMENTED', { operationId: op.operationId }), actor.login);
  }
  let reply: Reply;
  try {
    reply = await handler({ core, op, params, query: req.query, body: (body ?? {}) as Record<string, unknown>, raw: req.body, headers: req.headers, principal, actor, repo });
  } catch (err) {
    if (isLocalGitHubError(err)) return fail(err, actor.login);
    core.problems.push(`${op.operationId} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    record(500, op.operationId, actor.login);
    return json(500, { message: 'Server Error', documentation_url: op.docsUrl });
  }
  record(reply.status, op.operationId, actor.login);
  if (reply.raw) return { status: reply.status, headers: { 'content-type': 'application/octet-stream', ...reply.headers }, body: reply.raw };
  return json(reply.status, reply.body, reply.headers);
}
