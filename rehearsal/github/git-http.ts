import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { cleanEnv } from './git.js';

/**
 * Git's smart HTTP protocol, served by git's own `git http-backend` run as a CGI program.
 *
 * Why HTTP rather than handing out the bare repository's path: a path would let any
 * `git push` rewrite branches without a token, without branch protection and without a
 * `push` event, which is exactly what GitHub never allows. Over HTTP the server sees the
 * credentials (actions/checkout sends `x-access-token:<token>` as Basic auth), and the
 * repository's pre-receive hook asks the server for GitHub's verdict (GH006 and all)
 * before git moves a ref; the post-receive hook reports the accepted updates so the
 * server emits `push` and `pull_request.synchronize` as GitHub does.
 */

/** The hook every bare repository runs; it relays ref updates to the server and prints its answer. */
const HOOK_SCRIPT = `// Written by the local GitHub (rehearsal/github/git-http.ts).
const phase = process.argv[2];
const url = process.env.LOCAL_GITHUB_HOOK_URL;
const id = process.env.LOCAL_GITHUB_PUSH_ID;
let input = '';
for await (const chunk of process.stdin) input += chunk;
if (!url || !id) {
  if (phase === 'pre-receive') {
    console.error('error: this repository accepts pushes only through the local GitHub (its gitRemote URL).');
    process.exit(1);
  }
  process.exit(0);
}
const updates = input.split('\\n').filter(Boolean).map((l) => { const [oldSha, newSha, ref] = l.split(' '); return { oldSha, newSha, ref }; });
const env = { GIT_OBJECT_DIRECTORY: process.env.GIT_OBJECT_DIRECTORY ?? '', GIT_ALTERNATE_OBJECT_DIRECTORIES: process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES ?? '', GIT_QUARANTINE_PATH: process.env.GIT_QUARANTINE_PATH ?? '' };
try {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phase, id, updates, env }) });
  const out = await res.json();
  (out.lines ?? []).forEach((line, i) => console.error(i === 0 && line ? 'error: ' + line : line));
  process.exit(out.ok ? 0 : 1);
} catch (err) {
  console.error('error: the local GitHub did not answer the ' + phase + ' hook: ' + err);
  process.exit(1);
}
`;

/** Writes the relay script once and installs both hooks in a bare repository. */
export async function installHooks(repoDir: string, hookScriptPath: string): Promise<void> {
  for (const phase of ['pre-receive', 'post-receive']) {
    const hook = join(repoDir, 'hooks', phase);
    await writeFile(hook, `#!/bin/sh\nexec "${process.execPath}" "${hookScriptPath}" ${phase}\n`);
    await chmod(hook, 0o755);
  }
}

export async function writeHookScript(path: string): Promise<void> {
  await writeFile(path, HOOK_SCRIPT);
}

export interface HookRequest {
  phase: 'pre-receive' | 'post-receive';
  id: string;
  updates: { oldSha: string; newSha: string; ref: string }[];
  /** The quarantine environment, so the server can read the pushed objects before they are accepted. */
  env: Record<string, string>;
}

export interface GitCgiRequest {
  projectRoot: string;
  /** /<owner>/<repo>.git/<git path> */
  pathInfo: string;
  query: string;
  /** Set when the caller authenticated; http-backend enables receive-pack only then. */
  remoteUser?: string;
  /** Passed down to the hooks. */
  hookEnv: Record<string, string>;
}

/** Runs git http-backend for one request and relays its CGI answer. */
export function serveGitCgi(req: IncomingMessage, res: ServerResponse, r: GitCgiRequest): Promise<void> {
  return new Promise((resolve) => {
    const env = cleanEnv({
      ...r.hookEnv,
      GIT_PROJECT_ROOT: r.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: r.pathInfo,
      QUERY_STRING: r.query,
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(r.remoteUser ? { REMOTE_USER: r.remoteUser } : {}),
    });
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let head = Buffer.alloc(0);
    let headerDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
      if (end < 0) return;
      const sepLen = end === crlf ? 4 : 2;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
        else headers[key] = value;
      }
      headerDone = true;
      res.writeHead(status, headers);
      res.write(head.subarray(end + sepLen));
    });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.on('error', (err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git http-backend failed: ${err.message}`);
      resolve();
    });
    child.on('close', () => {
      if (!headerDone) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(Buffer.concat(stderr).toString('utf8') || 'git http-backend gave no answer');
      } else res.end();
      resolve();
    });
    child.stdin.on('error', () => undefined);
    req.pipe(child.stdin);
  });
}
