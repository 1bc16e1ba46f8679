import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';

/**
 * The `gh` of GitHub's runner image, for the one subcommand the workflows use:
 * `gh release upload <tag> <files>… [--clobber] [--repo OWNER/REPO]`. It makes the REST
 * calls gh makes (release by tag, asset list, upload to the release's upload_url) against
 * the local GitHub, with gh's token rules (GH_TOKEN, then GITHUB_TOKEN) and gh's error
 * wording; any other subcommand fails and says it is not provided.
 */

export interface GhInvocation {
  argv: string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** REST root of the GitHub the runner serves (gh's host). */
  apiUrl: string;
}

export interface GhResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MIME: Record<string, string> = {
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.tar': 'application/x-tar',
};

const fail = (stderr: string, code = 1): GhResult => ({ code, stdout: '', stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n` });

export const GH_TOKEN_HELP = 'gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable. Example:\n  env:\n    GH_TOKEN: ${{ github.token }}\n';

interface ReleaseJson {
  id: number;
  upload_url?: string;
  assets?: Array<{ id: number; name: string }>;
}

async function api(method: string, url: string, token: string, body?: Buffer, contentType?: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json', 'user-agent': 'GitHub CLI (gitops-ml rehearsal)', ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

function httpError(status: number, json: unknown, url: string): GhResult {
  const message = (json as { message?: string } | undefined)?.message ?? '';
  return fail(`HTTP ${status}: ${message} (${url})`);
}

export async function runGh(inv: GhInvocation): Promise<GhResult> {
  const [cmd, sub, ...rest] = inv.argv;
  if (cmd !== 'release' || sub !== 'upload') return fail(`gh ${inv.argv.join(' ')}: not provided by this runner (its gh stand-in implements only 'gh release upload')`);
  let repo = inv.env.GH_REPO;
  let clobber = false;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--clobber') clobber = true;
    else if (a === '--repo' || a === '-R') repo = rest[++i];
    else if (a.startsWith('--repo=')) repo = a.slice('--repo='.length);
    else if (a.startsWith('-')) return fail(`unknown flag: ${a}\n\nUsage:  gh release upload <tag> <files>... [flags]`);
    else positional.push(a);
  }
  const [tag, ...files] = positional;
  if (!tag || files.length === 0) return fail('accepts at least 2 arg(s), received ' + positional.length);
  const token = inv.env.GH_TOKEN || inv.env.GITHUB_TOKEN;
  if (!token) return fail(GH_TOKEN_HELP, 4);
  if (!repo || !/^[^/]+\/[^/]+$/.test(repo)) return fail('could not determine the repository: pass --repo OWNER/REPO or set GH_REPO');
  const assets: Array<{ path: string; name: string; label: string }> = [];
  for (const f of files) {
    const hash = f.indexOf('#');
    const path = resolve(inv.cwd, hash >= 0 ? f.slice(0, hash) : f);
    if (!existsSync(path) || !statSync(path).isFile()) return fail(`open ${hash >= 0 ? f.slice(0, hash) : f}: no such file or directory`);
    assets.push({ path, name: basename(path), label: hash >= 0 ? f.slice(hash + 1) : '' });
  }
  const base = inv.apiUrl.replace(/\/+$/, '');
  const releaseUrl = `${base}/repos/${repo}/releases/tags/${encodeURIComponent(tag)}`;
  const rel = await api('GET', releaseUrl, token);
  if (rel.status === 404) return fail('release not found');
  if (rel.status >= 300) return httpError(rel.status, rel.json, releaseUrl);
  const release = rel.json as ReleaseJson;
  const existing = new Map((release.assets ?? []).map((a) => [a.name, a.id]));
  const dup = assets.filter((a) => existing.has(a.name)).map((a) => a.name);
  if (dup.length && !clobber) return fail(`asset under the same name already exists: [${dup.join(' ')}]`);
  const uploadBase = (release.upload_url ?? `${base}/repos/${repo}/releases/${release.id}/assets`).replace(/\{[^}]*\}$/, '');
  for (const a of assets) {
    const oldId = existing.get(a.name);
    if (oldId !== undefined) {
      const delUrl = `${base}/repos/${repo}/releases/assets/${oldId}`;
      const del = await api('DELETE', delUrl, token);
      if (del.status >= 300) return httpError(del.status, del.json, delUrl);
    }
    const url = `${uploadBase}?name=${encodeURIComponent(a.name)}&label=${encodeURIComponent(a.label)}`;
    const up = await api('POST', url, token, readFileSync(a.path), MIME[extname(a.name).toLowerCase()] ?? 'application/octet-stream');
    if (up.status >= 300) return httpError(up.status, up.json, url);
  }
  return { code: 0, stdout: '', stderr: '' };
}
