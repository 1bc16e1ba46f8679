import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { RunnerError } from './errors.js';
import { isMappingToken } from './expressions.js';
import type { StepModel } from './model.js';
import { loadActionParser } from './parser.js';

/**
 * Action metadata (action.yml) as the runner reads it, and the runner's handling of a
 * step's `with:` against it: declared defaults fill what the step leaves out (their
 * expressions evaluated in the step's contexts), keys the metadata does not declare draw
 * the runner's warning, and every input reaches the action as INPUT_<NAME>. The runner
 * does not enforce `required:` (actions/runner#1070); the action's own core.getInput does.
 */

export interface ActionInputDef {
  id: string;
  required: boolean;
  /** A token from action.yml, or a plain string (stand-ins) that may hold ${{ }}. */
  default?: TemplateToken | string;
  deprecationMessage?: string;
}

export interface ActionMeta {
  name: string;
  inputs: ActionInputDef[];
  outputs: Array<{ id: string; value?: TemplateToken | string }>;
  runs: {
    using: string;
    main?: string;
    pre?: string;
    post?: string;
    preIf?: string;
    postIf?: string;
    steps?: StepModel[];
  };
}

export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface ResolvedInputs {
  inputs: Record<string, string>;
  warnings: string[];
}

/** `with:` values plus evaluated defaults; the warnings the runner prints for unknown and deprecated inputs. */
export function resolveInputs(meta: Pick<ActionMeta, 'inputs'>, given: Readonly<Record<string, string>>, evalDefault: (d: TemplateToken | string, input: string) => string): ResolvedInputs {
  const declared = new Map(meta.inputs.map((i) => [i.id.toLowerCase(), i]));
  const inputs: Record<string, string> = {};
  const warnings: string[] = [];
  const unexpected: string[] = [];
  for (const [k, v] of Object.entries(given)) {
    const def = declared.get(k.toLowerCase());
    if (!def) unexpected.push(k);
    else if (def.deprecationMessage) warnings.push(`Input '${def.id}' has been deprecated with message: ${def.deprecationMessage}`);
    inputs[def?.id ?? k] = v;
  }
  for (const def of meta.inputs) {
    if (def.id in inputs || def.default === undefined) continue;
    inputs[def.id] = evalDefault(def.default, def.id);
  }
  if (unexpected.length) warnings.unshift(`Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${meta.inputs.map((i) => i.id).join("', '")}']`);
  return { inputs, warnings };
}

interface AnyToken {
  templateTokenType: number;
  value?: unknown;
  find?(key: string): TemplateToken | undefined;
  [Symbol.iterator]?: () => Iterator<TemplateToken>;
}

function find(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  if (!token || !isMappingToken(token)) return undefined;
  return (token as unknown as AnyToken).find?.(key);
}

/** Composite step ids the way the runner names unnamed ones (__run, __run_2, __owner_repo). */
function generatedId(step: { uses?: string }, taken: Set<string>): string {
  let base = '__run';
  if (step.uses) {
    if (step.uses.startsWith('./')) base = '__self';
    else {
      const [path] = step.uses.split('@');
      const segs = (path ?? '').split('/').filter(Boolean);
      base = segs.length >= 2 ? `__${segs[0]}_${segs[1]}` : '__action';
    }
  }
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

/** Reads `<dir>/action.yml` (or .yaml) with GitHub's action parser. */
export async function loadLocalAction(dir: string, display: string): Promise<ActionMeta> {
  const file = ['action.yml', 'action.yaml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) {
    if (existsSync(join(dir, 'Dockerfile'))) throw new RunnerError('RUNNER_ACTION_INVALID', `${display}: Dockerfile actions are not supported by this runner`);
    throw new RunnerError('RUNNER_ACTION_NOT_FOUND', `Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '${dir}'. Did you forget to run actions/checkout before running your local action?`);
  }
  const p = await loadActionParser();
  const parsed = p.parseAction({ name: file, content: readFileSync(file, 'utf8') }, { info: () => undefined, verbose: () => undefined, error: () => undefined });
  const template = parsed.value ? p.convertActionTemplate(parsed.context, parsed.value, { errorPolicy: 1 }) : undefined;
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !template) throw new RunnerError('RUNNER_ACTION_INVALID', `${display}: invalid action metadata ${file}\n${errors.join('\n')}`);
  const runs = template.runs;
  let steps: StepModel[] | undefined;
  if (runs.using === 'composite') {
    const rawSteps = [...((find(find(parsed.value, 'runs'), 'steps') as unknown as Iterable<TemplateToken> | undefined) ?? [])];
    const taken = new Set<string>();
    steps = runs.steps.map((s, i) => {
      const rs = rawSteps[i];
      const uses = 'uses' in s ? s.uses.value : undefined;
      const explicit = Boolean(s.id);
      if (explicit) taken.add(s.id);
      return {
        id: explicit ? s.id : '',
        explicitId: explicit,
        name: s.name,
        if: s.if?.expression ?? 'success()',
        env: 'env' in s ? s.env : undefined,
        run: 'run' in s ? s.run : undefined,
        uses,
        with: find(rs, 'with'),
        shell: find(rs, 'shell'),
        workingDirectory: find(rs, 'working-directory'),
        continueOnError: typeof s['continue-on-error'] === 'object' ? s['continue-on-error'] : find(rs, 'continue-on-error'),
      };
    });
    for (const s of steps) if (!s.id) s.id = generatedId(s, taken);
  } else if (runs.using === 'docker') {
    throw new RunnerError('RUNNER_ACTION_INVALID', `${display}: Docker container actions are not supported by this runner`);
  }
  return {
    name: template.name,
    inputs: (template.inputs ?? []).map((i) => ({ id: i.id, required: Boolean(i.required), default: i.default, deprecationMessage: i.deprecationMessage })),
    outputs: (template.outputs ?? []).map((o) => ({ id: o.id, value: o.value })),
    runs: {
      using: runs.using,
      main: 'main' in runs ? runs.main : undefined,
      pre: 'pre' in runs ? runs.pre : undefined,
      post: 'post' in runs ? runs.post : undefined,
      preIf: 'preIf' in runs ? runs.preIf : undefined,
      postIf: 'postIf' in runs ? runs.postIf : undefined,
      steps,
    },
  };
}
