import { RunnerError } from './errors.js';

/**
 * The command line a `run:` step gets (docs: "Workflow syntax" → steps[*].shell): with no
 * `shell:`, `bash -e {0}` (or `sh -e {0}` where bash is missing); `shell: bash` adds
 * --noprofile --norc and pipefail; a custom shell is any command holding `{0}`.
 */

export interface ShellPlan {
  /** Executable name as written (looked up on PATH by the caller). */
  command: string;
  /** Arguments, one of them holding `{0}` for the script path. */
  args: string[];
  /** The script file's extension (the runner names scripts by shell). */
  extension: string;
  /** The template the log shows ("bash -e {0}"). */
  template: string;
}

const BUILTIN: Readonly<Record<string, { template: string; extension: string }>> = {
  bash: { template: 'bash --noprofile --norc -eo pipefail {0}', extension: '.sh' },
  sh: { template: 'sh -e {0}', extension: '.sh' },
  python: { template: 'python {0}', extension: '.py' },
  pwsh: { template: "pwsh -command \". '{0}'\"", extension: '.ps1' },
};

/** Splits a shell template like the runner does: on spaces, honouring double quotes. */
export function splitTemplate(template: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let has = false;
  for (const c of template.trim()) {
    if (c === '"') {
      quoted = !quoted;
      has = true;
    } else if (c === ' ' && !quoted) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

export function planShell(shell: string | undefined, hasBash: boolean): ShellPlan {
  let template: string;
  let extension = '';
  const s = shell?.trim();
  if (!s) {
    template = hasBash ? 'bash -e {0}' : 'sh -e {0}';
    extension = '.sh';
  } else if (Object.hasOwn(BUILTIN, s)) {
    const b = BUILTIN[s] as { template: string; extension: string };
    template = b.template;
    extension = b.extension;
  } else if (s === 'cmd' || s === 'powershell') {
    throw new RunnerError('RUNNER_SHELL', `shell '${s}' is only available on Windows runners`);
  } else {
    if (!s.includes('{0}')) throw new RunnerError('RUNNER_SHELL', `Invalid shell option. Shell path '${s}' must contain '{0}' (the script path) or be one of bash, sh, python, pwsh`);
    template = s;
    const first = splitTemplate(s)[0] ?? '';
    const known = BUILTIN[first.split('/').pop() ?? ''];
    extension = known?.extension ?? '';
  }
  const [command, ...args] = splitTemplate(template);
  if (!command) throw new RunnerError('RUNNER_SHELL', `empty shell '${shell}'`);
  return { command, args, extension, template };
}

/** The args with the script path substituted, as passed to the process. */
export function shellArgs(plan: ShellPlan, scriptPath: string): string[] {
  return plan.args.map((a) => a.replace('{0}', scriptPath));
}
