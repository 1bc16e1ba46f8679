import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { loadConfig } from '../../../service/config.js';
import type { ServiceConfig } from '../../../service/config.js';

/**
 * The real inference service as a child process: the compiled `dist/service/server.js`
 * (what the container runs, `npm start`), on 127.0.0.1 at a free port, serving the PR's
 * artifact through MODEL_DIR. Its config is the service's defaults except what a test
 * from one machine needs: loopback only, and no per-client rate limit (every request of
 * the load test comes from one client; load shedding, threads, cache and limits stay as
 * shipped). The child gets no secret: only PATH-like variables and its own config, never
 * the workflow's token.
 */

export interface ServiceHandle {
  base: string;
  /** The Node.js that runs the service, and its version. */
  node: { path: string; version: string };
  config: ServiceConfig;
  logFile: string;
  /** The last part of the service's log (for a failure's explanation). */
  logTail: (bytes?: number) => string;
  /** SIGTERM, then waits for the exit; SIGKILL after `graceMs`. Resolves with the exit code (null when killed). */
  stop: (graceMs?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

/** Variables the child may inherit: how to find programs and temporary space, nothing else. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'LANG'];

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

/**
 * The `node` on PATH (the job's setup-node version, the one the container pins), not the
 * runner's own Node.js that runs this action; the action's own when PATH has none.
 */
export function nodeOnPath(path = process.env.PATH ?? ''): string {
  const names = process.platform === 'win32' ? ['node.exe'] : ['node'];
  for (const dir of path.split(delimiter).filter(Boolean)) for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  return process.execPath;
}

/** The environment the service runs with (without PORT, chosen at start). */
export function serviceEnv(modelDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.fromEntries(INHERITED.flatMap((k) => (process.env[k] !== undefined ? [[k, process.env[k] as string]] : [])));
  return { ...inherited, NODE_ENV: 'production', HOST: '127.0.0.1', MODEL_DIR: resolve(modelDir), RATE_LIMIT_MAX: '0', ...extra };
}

function tail(file: string, bytes: number): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > bytes ? `…${text.slice(-bytes)}` : text;
  } catch {
    return '';
  }
}

/**
 * Starts the service and waits until `/readyz` answers 200 (the model is loaded), or
 * throws with the reason and the log: the entry is missing (not built), the process
 * exited, or it was not ready within `readyTimeoutMs`.
 */
export async function startService(o: { entry: string; modelDir: string; env?: Record<string, string>; readyTimeoutMs?: number; logDir?: string; node?: string }): Promise<ServiceHandle> {
  const entry = resolve(o.entry);
  if (!existsSync(entry)) throw new Error(`${o.entry} does not exist: build the service first (npm run build) in the step before this action`);
  const nodePath = o.node ?? nodeOnPath();
  const nodeVersion = execFileSync(nodePath, ['--version'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).trim();
  const port = await freePort();
  const env = { ...serviceEnv(o.modelDir, o.env), PORT: String(port) };
  // The same validation the service does at start: a wrong value fails here with its name.
  const config = loadConfig(env);
  const logFile = join(o.logDir ?? mkdtempSync(join(tmpdir(), 'qa-service-')), 'service.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // The log goes to a file, not through this process: the load generator shares this event loop.
    child = spawn(nodePath, [entry], { cwd: process.cwd(), env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      done(exit);
    });
    child.once('error', (err) => {
      exit = { code: null, signal: null };
      process.stderr.write(`qa: could not start the service: ${err.message}\n`);
      done(exit);
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const logTail = (bytes = 4000): string => tail(logFile, bytes);
  const stop = async (graceMs = config.shutdownGraceMs + 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> => {
    if (exit) return { ...exit, killed: false };
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = await Promise.race([exited.then(() => false), new Promise<boolean>((done) => (timer = setTimeout(() => done(true), graceMs)))]);
    clearTimeout(timer);
    if (killed) child.kill('SIGKILL');
    const e = await exited;
    return { ...e, killed };
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (exit) throw new Error(`the service exited (${exit.signal ?? `code ${exit.code}`}) before it was ready; its log:\n${logTail()}`);
    const status = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status;
      },
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop(2000);
      throw new Error(`the service was not ready within ${Math.round((o.readyTimeoutMs ?? 120_000) / 1000)} s (last /readyz: ${status || 'no answer'}); its log:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, node: { path: nodePath, version: nodeVersion }, config, logFile, logTail, stop };
}
