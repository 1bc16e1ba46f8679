import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runGh } from './gh.js';

/**
 * Tools of GitHub's runner image that the host does not have, served by the runner
 * itself: the job's PATH holds a small `gh` that forwards its arguments, working
 * directory and token variables over a Unix socket, and the runner answers with the
 * command's output and exit code (so the tool's logic is TypeScript, tested like the rest).
 */

const SHIM = (socket: string): string => `#!${process.execPath}
// gh, as provided by the gitops-ml workflow runner (see rehearsal/runner/tools/gh.ts).
const http = require('node:http');
const keys = ['GH_TOKEN', 'GITHUB_TOKEN', 'GH_REPO', 'GH_HOST', 'GITHUB_API_URL'];
const env = Object.fromEntries(keys.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
const body = JSON.stringify({ tool: 'gh', argv: process.argv.slice(2), cwd: process.cwd(), env });
const req = http.request({ socketPath: ${JSON.stringify(socket)}, path: '/run', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
  let data = '';
  res.setEncoding('utf8');
  res.on('data', (d) => (data += d));
  res.on('end', () => {
    const r = JSON.parse(data);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exit(r.code);
  });
});
req.on('error', (e) => { process.stderr.write('gh: the runner is not reachable: ' + e.message + '\\n'); process.exit(1); });
req.end(body);
`;

export class ToolServer {
  readonly binDir: string;
  private readonly server: Server;
  private apiUrl = '';

  constructor(dir: string, apiUrl?: string) {
    this.binDir = join(dir, 'bin');
    mkdirSync(this.binDir, { recursive: true });
    // Unix socket paths are limited to ~107 bytes; a deep work directory uses the temp dir.
    let socket = join(dir, 'tools.sock');
    if (socket.length > 100) socket = join(tmpdir(), `gitops-ml-tools-${randomUUID().slice(0, 8)}.sock`);
    rmSync(socket, { force: true });
    this.apiUrl = apiUrl ?? '';
    this.server = createServer((req, res) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (data += d));
      req.on('end', () => {
        void (async () => {
          let out: { code: number; stdout: string; stderr: string };
          try {
            const body = JSON.parse(data) as { argv: string[]; cwd: string; env: Record<string, string> };
            out = await runGh({ argv: body.argv, cwd: body.cwd, env: body.env, apiUrl: body.env.GITHUB_API_URL ?? this.apiUrl });
          } catch (e) {
            out = { code: 1, stdout: '', stderr: `gh: ${e instanceof Error ? e.message : String(e)}\n` };
          }
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(out));
        })();
      });
    });
    this.server.listen(socket);
    this.server.unref();
    const gh = join(this.binDir, 'gh');
    writeFileSync(gh, SHIM(socket));
    chmodSync(gh, 0o755);
  }

  close(): Promise<void> {
    return new Promise((res) => this.server.close(() => res()));
  }
}
