import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { GitopsMlError } from '../../../model/errors.js';

export interface LocalRunOptions {
  role: string;
  eventFile: string;
  /** Default: guessed from the payload (issue → issues, review → pull_request_review, …). */
  eventName?: string;
  dryRun: boolean;
  /** `with:` values, on top of the action.yml defaults. */
  inputs?: Record<string, string>;
  token?: string;
  /** The GitHub API (default $GITHUB_API_URL, else https://api.github.com). */
  apiUrl?: string;
  /** Where dry-run lines and the result go. */
  print: (line: string) => void;
}

export interface LocalRunResult {
  code: number | null;
  outputs: Record<string, string>;
  summary: string;
}

/** The repository root: this module is in actions/shared/src (sources) or dist/actions/shared/src (build). */
function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = (n: number): string => resolve(here, ...Array<string>(n).fill('..'));
  return existsSync(join(up(3), 'actions')) && existsSync(join(up(3), 'package.json')) ? up(3) : up(4);
}

export function localRoles(root = repoRoot()): string[] {
  return readdirSync(join(root, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'actions', d.name, 'action.yml')) && existsSync(join(root, 'actions', d.name, 'dist', 'index.js')))
    .map((d) => d.name)
    .sort();
}

/** The event name a runner would set for this payload. */
export function guessEventName(payload: Record<string, unknown>): string {
  if (payload.review && payload.pull_request) return 'pull_request_review';
  if (payload.pull_request) return 'pull_request';
  if (payload.check_run) return 'check_run';
  if (payload.issue) return 'issues';
  if (Array.isArray(payload.commits) && typeof payload.before === 'string') return 'push';
  throw new GitopsMlError('E_EVENT', 'cannot tell the event from the payload: pass --event-name');
}

/** Parses `GITHUB_OUTPUT` (name<<DELIMITER … DELIMITER). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1] as string] = m[3] as string;
  return out;
}

/**
 * A loopback stand-in for the GitHub API that forwards reads to the real one and, instead
 * of sending writes, prints them and answers with an empty success, so the role runs to
 * its end without changing anything.
 */
async function dryRunProxy(upstream: string, token: string | undefined, print: (l: string) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      if (method !== 'GET') {
        print(`[dry-run] ${method} ${req.url ?? ''} ${Buffer.concat(chunks).toString('utf8')}`);
        res.writeHead(method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 0, number: 0, sha: '0'.repeat(40), html_url: '' }));
        return;
      }
      fetch(`${upstream}${req.url ?? ''}`, { headers: { accept: req.headers.accept ?? 'application/vnd.github+json', 'user-agent': 'gitops-ml-local', ...(token ? { authorization: `Bearer ${token}` } : {}) } }).then(
        async (r) => {
          const link = r.headers.get('link');
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json', ...(link ? { link: link.split(upstream).join(`http://127.0.0.1:${(server.address() as { port: number }).port}`) } : {}) });
          res.end(Buffer.from(await r.arrayBuffer()));
        },
        (err: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `dry-run proxy: ${err instanceof Error ? err.message : String(err)}` }));
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/**
 * Runs a role's action on a local webhook payload exactly as a runner would: its bundled
 * entry, the GITHUB_* variables, its action.yml defaults plus the given inputs. With
 * `dryRun`, reads still go to GitHub and writes are printed instead of sent.
 */
export async function runRoleLocally(o: LocalRunOptions): Promise<LocalRunResult> {
  const root = repoRoot();
  const roles = localRoles(root);
  if (!roles.includes(o.role)) throw new GitopsMlError('E_USAGE', `unknown role "${o.role}" (roles: ${roles.join(', ')})`);
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(o.eventFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new GitopsMlError('E_EVENT', `${o.eventFile}: cannot read the event payload (${err instanceof Error ? err.message : String(err)})`);
  }
  const repository = (payload.repository as { full_name?: string } | undefined)?.full_name ?? process.env.GITHUB_REPOSITORY;
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new GitopsMlError('E_EVENT', `${o.eventFile}: no repository.full_name in the payload; set GITHUB_REPOSITORY=owner/repo`);
  if (!o.token) throw new GitopsMlError('E_TOKEN', 'set GITHUB_TOKEN: even a dry run reads from GitHub');

  const meta = parse(readFileSync(join(root, 'actions', o.role, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: unknown }> };
  const defaults = Object.fromEntries(Object.entries(meta.inputs ?? {}).flatMap(([k, v]) => (v.default !== undefined && !String(v.default).includes('${{') ? [[k, String(v.default)]] : [])));
  for (const k of Object.keys(o.inputs ?? {})) if (!(k in (meta.inputs ?? {}))) throw new GitopsMlError('E_USAGE', `role "${o.role}" has no input "${k}" (inputs: ${Object.keys(meta.inputs ?? {}).join(', ')})`);
  const inputs = { ...defaults, ...o.inputs, 'github-token': o.token };

  const upstream = (o.apiUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const proxy = o.dryRun ? await dryRunProxy(upstream, o.token, o.print) : undefined;
  const work = mkdtempSync(join(tmpdir(), `gitops-ml-${o.role}-`));
  writeFileSync(join(work, 'output'), '');
  writeFileSync(join(work, 'summary'), '');
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: o.eventName ?? guessEventName(payload),
      GITHUB_EVENT_PATH: resolve(o.eventFile),
      GITHUB_REPOSITORY: repository,
      GITHUB_API_URL: proxy?.url ?? upstream,
      GITHUB_OUTPUT: join(work, 'output'),
      GITHUB_STEP_SUMMARY: join(work, 'summary'),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    };
    const child = spawn(process.execPath, [join(root, 'actions', o.role, 'dist', 'index.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    return { code, outputs: parseOutputFile(readFileSync(join(work, 'output'), 'utf8')), summary: readFileSync(join(work, 'summary'), 'utf8') };
  } finally {
    proxy?.server.close();
  }
}
