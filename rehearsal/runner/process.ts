import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Child processes as the runner starts them: their own process group (so a timeout or a
 * cancellation reaches everything the step started), no stdin, output by lines. The
 * runner sends SIGINT, then SIGTERM 7.5 s later, then kills; `graceMs` shortens that for
 * callers that cannot wait.
 */

export interface RunProcessOptions {
  cwd: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  graceMs?: number;
  /** Called with the process group id; the job kills what is left of its groups when it ends. */
  onSpawn?: (pgid: number) => void;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when `signal` aborted the process. */
  aborted: boolean;
}

export function runProcess(command: string, args: readonly string[], opts: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let aborted = false;
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const timers: NodeJS.Timeout[] = [];
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = (): void => {
      aborted = true;
      const grace = opts.graceMs ?? 7500;
      killGroup('SIGINT');
      timers.push(setTimeout(() => killGroup('SIGTERM'), grace));
      timers.push(setTimeout(() => killGroup('SIGKILL'), grace + Math.min(grace, 2500)));
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const pipe = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): void => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        buf += d;
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          opts.onLine?.(buf.slice(0, nl).replace(/\r$/, ''), name);
          buf = buf.slice(nl + 1);
          nl = buf.indexOf('\n');
        }
      });
      stream.on('end', () => {
        if (buf) opts.onLine?.(buf, name);
        buf = '';
      });
    };
    pipe(child.stdout, 'stdout');
    pipe(child.stderr, 'stderr');
    child.on('error', (e) => {
      opts.onLine?.(`${command}: ${e.message}`, 'stderr');
      finish(127, null);
    });
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const t of timers) clearTimeout(t);
      resolve({ code: code ?? (signal ? null : 127), signal, aborted });
    };
    child.on('close', finish);
    child.on('exit', (code, signal) => {
      // A background process the step started may hold the pipes open; the step still
      // ends when its own process does (the runner leaves such processes running until
      // the job's "Cleaning up orphan processes").
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, 1000).unref();
    });
  });
}

/** Runs a command to completion and returns its output (for git and other helpers). */
export async function capture(command: string, args: readonly string[], opts: { cwd: string; env: Record<string, string>; signal?: AbortSignal; graceMs?: number; onSpawn?: (pgid: number) => void }): Promise<{ code: number | null; stdout: string; stderr: string; aborted: boolean }> {
  const out: string[] = [];
  const err: string[] = [];
  const r = await runProcess(command, args, { ...opts, onLine: (l, s) => (s === 'stdout' ? out : err).push(l) });
  return { code: r.code, stdout: out.join('\n'), stderr: err.join('\n'), aborted: r.aborted };
}

/** The first executable `name` on a PATH string. */
/** Ends every process left in the given groups (a job's orphans). */
export function killGroups(pgids: Iterable<number>): void {
  for (const pgid of pgids) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export function which(name: string, path: string): string | undefined {
  if (name.includes('/')) return name;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, name);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // next
    }
  }
  return undefined;
}
