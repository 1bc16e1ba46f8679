import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './datasets.js';

export interface ActionRun {
  code: number | null;
  /** Outputs the action set (GITHUB_OUTPUT), by name. */
  outputs: Record<string, string>;
  summary: string;
  log: string;
}

/** Parses the GITHUB_OUTPUT file format @actions/core writes (name<<DELIM … DELIM). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1] as string] = m[3] as string;
  return out;
}

/**
 * Runs `actions/<role>/dist/index.js` the way a runner does: a fresh event file, the
 * GITHUB_* variables, INPUT_* for inputs, and GitHub's API at `api`.
 */
export async function runAction(role: string, o: { api: string; eventName: string; payload: unknown; inputs?: Record<string, string>; repository?: string; cwd?: string }): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), `${role}-`));
  writeFileSync(join(dir, 'event.json'), JSON.stringify(o.payload));
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
  // As a runner does: the action.yml defaults (expressions like ${{ github.token }} aside), then the step's `with:`.
  const meta = parse(readFileSync(join(REPO_ROOT, 'actions', role, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: string }> };
  const defaults = Object.fromEntries(Object.entries(meta.inputs ?? {}).flatMap(([k, v]) => (v.default !== undefined && !String(v.default).includes('${{') ? [[k, String(v.default)]] : [])));
  const inputs = Object.fromEntries(Object.entries({ ...defaults, 'github-token': 'ghs_test', ...o.inputs }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const env = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.eventName,
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: o.repository ?? 'acme/models',
    GITHUB_API_URL: o.api,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    ...inputs,
  };
  const child = spawn(process.execPath, [join(REPO_ROOT, 'actions', role, 'dist/index.js')], { cwd: o.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, outputs: parseOutputs(readFileSync(join(dir, 'output'), 'utf8')), summary: readFileSync(join(dir, 'summary'), 'utf8'), log };
}
