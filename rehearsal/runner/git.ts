import { RunnerError } from './errors.js';
import { capture } from './process.js';

/** git, with an environment that ignores the caller's and the machine's configuration. */
export function gitEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C.UTF-8',
    ...extra,
  };
}

export async function git(args: readonly string[], opts: { cwd: string; env: Record<string, string>; signal?: AbortSignal }): Promise<string> {
  const r = await capture('git', args, { ...opts, graceMs: 500 });
  if (r.code !== 0) throw new RunnerError('RUNNER_GIT', `git ${args.filter((a) => !a.startsWith('http.extraheader')).join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** The Authorization header actions/checkout gives git for a token. */
export function basicAuthHeader(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/** The `http.<url>.extraheader` key for a remote (its scheme://host/), or undefined for local paths. */
export function extraHeaderKey(remote: string): string | undefined {
  const m = /^(https?:\/\/[^/]+)\//i.exec(remote.endsWith('/') ? remote : `${remote}/`);
  return m ? `http.${m[1]}/.extraheader` : undefined;
}
