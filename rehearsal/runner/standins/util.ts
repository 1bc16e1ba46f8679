import type { StandInContext } from './types.js';

/** Runs a command through the step and fails the step (with its stderr) when it fails. */
export async function must(ctx: StandInContext, command: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string>; silent?: boolean } = {}): Promise<string> {
  const r = await ctx.exec(command, args, opts);
  if (r.code !== 0) ctx.fail(`The process '${command}' failed with exit code ${r.code ?? 'null'}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
  return r.stdout;
}

/** Multi-line or comma-separated list inputs, as docker/* actions read them (Util.getInputList). */
export function inputList(value: string, { commas = true }: { commas?: boolean } = {}): string[] {
  const parts = commas ? value.split(/\r?\n|,/) : value.split(/\r?\n/);
  return parts.map((s) => s.trim()).filter(Boolean);
}
