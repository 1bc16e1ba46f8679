import { readFileSync } from 'node:fs';
import { GitopsMlError } from '../../../model/errors.js';
import { pullNumberOf, runApprovalGate } from './approval-gate.js';
import { loadConfig } from './config.js';
import { createClient } from './github.js';

/** Roles that run locally (`gitops-ml action <role>`); the others arrive with their actions. */
export const LOCAL_ROLES = ['approval-gate'] as const;
export type LocalRole = (typeof LOCAL_ROLES)[number];

export interface LocalRunOptions {
  role: string;
  eventFile: string;
  dryRun: boolean;
  configPath?: string;
  token?: string;
  /** Where the dry run prints the requests it would send. */
  print: (line: string) => void;
}

/**
 * Runs a role on a local event payload, like its action would on a runner. Reads go to
 * the GitHub API (GITHUB_API_URL, token from GITHUB_TOKEN); with `dryRun` every write is
 * printed instead of sent and answered with an empty success.
 */
export async function runRoleLocally(o: LocalRunOptions): Promise<Record<string, unknown>> {
  if (!(LOCAL_ROLES as readonly string[]).includes(o.role)) throw new GitopsMlError('E_USAGE', `unknown role "${o.role}" (runs locally: ${LOCAL_ROLES.join(', ')})`);
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(o.eventFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new GitopsMlError('E_EVENT', `${o.eventFile}: cannot read the event payload (${err instanceof Error ? err.message : String(err)})`);
  }
  const fullName = (payload.repository as { full_name?: string } | undefined)?.full_name ?? process.env.GITHUB_REPOSITORY;
  const [owner, repo] = (fullName ?? '').split('/');
  if (!owner || !repo) throw new GitopsMlError('E_EVENT', `${o.eventFile}: no repository.full_name in the payload; set GITHUB_REPOSITORY=owner/repo`);
  if (!o.token) throw new GitopsMlError('E_TOKEN', 'set GITHUB_TOKEN: even a dry run reads the pull request, reviews and checks from GitHub');
  const config = loadConfig(o.configPath ?? '.github/gitops-ml.yml');
  const gh = createClient(o.token);
  if (o.dryRun) {
    gh.hook.wrap('request', async (request, options) => {
      if (options.method === 'GET') return request(options);
      const url = String(options.url).replace(/\{(\w+)\}/g, (_m, k: string) => String((options as Record<string, unknown>)[k]));
      const body = Object.fromEntries(Object.entries(options).filter(([k]) => !['method', 'url', 'baseUrl', 'headers', 'request', 'mediaType', 'owner', 'repo', 'sha', 'issue_number', 'comment_id', 'pull_number'].includes(k)));
      o.print(`[dry-run] ${options.method} ${url} ${JSON.stringify(body)}`);
      return { status: 200, url, headers: {}, data: { id: 0 } } as never;
    });
  }
  const pullNumber = pullNumberOf(payload);
  if (!pullNumber) return { skipped: 'the event is not about a pull request' };
  const d = await runApprovalGate(gh, { owner, repo, pullNumber }, config);
  return { state: d.state, description: d.description, missing: d.missing, head_sha: d.headSha };
}
