import { RunnerError } from './errors.js';
import { matchesFilters } from './glob.js';

/**
 * Which workflows an event starts, as GitHub decides before any job runs: the event name,
 * its activity `types` (with the per-event defaults), the branch/tag filters and the path
 * filters (docs: "Events that trigger workflows", "Workflow syntax" → on.<event>.*).
 * Pure: the caller supplies the changed files.
 */

/** Events whose runs, without `types:`, start only for some activity types. */
export const DEFAULT_TYPES: Readonly<Record<string, readonly string[]>> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_target: ['opened', 'synchronize', 'reopened'],
};

export interface EventFilterConfig {
  types?: string[];
  branches?: string[];
  'branches-ignore'?: string[];
  tags?: string[];
  'tags-ignore'?: string[];
  paths?: string[];
  'paths-ignore'?: string[];
  workflows?: string[];
}

export interface TriggerInput {
  name: string;
  /** payload.action, for events with activity types. */
  action?: string;
  /** The pushed ref (push) — refs/heads/x or refs/tags/x. */
  ref: string;
  /** pull_request*: the base branch the filters match. */
  baseRef?: string;
  /** workflow_run: the triggering workflow's name and head branch. */
  workflowName?: string;
  headBranch?: string;
  /** Changed files for `paths` filters; undefined when unknown (filters then cannot match). */
  changedFiles?: readonly string[];
}

export type TriggerDecision = { run: true } | { run: false; reason: string };

const yes: TriggerDecision = { run: true };
const no = (reason: string): TriggerDecision => ({ run: false, reason });

function refFilter(cfg: EventFilterConfig, kind: 'branches' | 'tags', name: string): TriggerDecision {
  const include = cfg[kind];
  const ignore = cfg[`${kind}-ignore`];
  if (include) return matchesFilters(include, name) ? yes : no(`${kind} filter does not match '${name}'`);
  if (ignore) return matchesFilters(ignore, name) ? no(`${kind}-ignore matches '${name}'`) : yes;
  return yes;
}

function pathFilter(cfg: EventFilterConfig, files: readonly string[] | undefined): TriggerDecision {
  if (!cfg.paths && !cfg['paths-ignore']) return yes;
  if (!files) return no('paths filter set but the changed files are unknown');
  if (cfg.paths) {
    const paths = cfg.paths;
    return files.some((f) => matchesFilters(paths, f)) ? yes : no('no changed file matches paths');
  }
  const ignore = cfg['paths-ignore'] ?? [];
  return files.some((f) => !matchesFilters(ignore, f)) ? yes : no('every changed file matches paths-ignore');
}

export function decideTrigger(events: Readonly<Record<string, unknown>>, ev: TriggerInput): TriggerDecision {
  if (!Object.hasOwn(events, ev.name)) return no(`not triggered by ${ev.name}`);
  const cfg = (events[ev.name] ?? {}) as EventFilterConfig;
  const types = cfg.types ?? DEFAULT_TYPES[ev.name];
  if (types && ev.action !== undefined && !types.includes(ev.action)) return no(`activity type '${ev.action}' not in [${types.join(', ')}]`);

  if (ev.name === 'push') {
    const hasBranches = Boolean(cfg.branches || cfg['branches-ignore']);
    const hasTags = Boolean(cfg.tags || cfg['tags-ignore']);
    if (ev.ref.startsWith('refs/tags/')) {
      // Only branch filters: tag pushes do not run (and paths are not evaluated for tags).
      if (hasBranches && !hasTags) return no('branch filters only; a tag was pushed');
      return refFilter(cfg, 'tags', ev.ref.slice('refs/tags/'.length));
    }
    if (hasTags && !hasBranches) return no('tag filters only; a branch was pushed');
    const branch = refFilter(cfg, 'branches', ev.ref.replace(/^refs\/heads\//, ''));
    return branch.run ? pathFilter(cfg, ev.changedFiles) : branch;
  }
  if (ev.name === 'pull_request' || ev.name === 'pull_request_target') {
    const branch = refFilter(cfg, 'branches', ev.baseRef ?? '');
    return branch.run ? pathFilter(cfg, ev.changedFiles) : branch;
  }
  if (ev.name === 'workflow_run') {
    if (cfg.workflows && !cfg.workflows.includes(ev.workflowName ?? '')) return no(`workflow '${ev.workflowName}' not in workflows`);
    return refFilter(cfg, 'branches', ev.headBranch ?? '');
  }
  return yes;
}

export interface DispatchInputConfig {
  type?: string;
  required?: boolean;
  default?: string | boolean | number;
  options?: string[];
  description?: string;
}

export interface ResolvedDispatchInputs {
  /** The `inputs` context: booleans and numbers keep their type. */
  inputs: Record<string, string | boolean | number>;
  /** github.event.inputs: every value a string, defaults filled in. */
  eventInputs: Record<string, string>;
}

/**
 * The inputs of a workflow_dispatch as GitHub's API validates them (it answers 422 with
 * these messages) and as the run then sees them.
 */
export function resolveDispatchInputs(config: Readonly<Record<string, DispatchInputConfig>> | undefined, provided: Readonly<Record<string, unknown>>): ResolvedDispatchInputs {
  const defs = config ?? {};
  const unexpected = Object.keys(provided).filter((k) => !(k in defs));
  if (unexpected.length) throw new RunnerError('RUNNER_DISPATCH_INPUT', `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const inputs: Record<string, string | boolean | number> = {};
  const eventInputs: Record<string, string> = {};
  for (const [name, def] of Object.entries(defs)) {
    const given = provided[name];
    let raw: unknown = given ?? def.default;
    if (raw === undefined || raw === '') {
      if (def.required) throw new RunnerError('RUNNER_DISPATCH_INPUT', `Required input '${name}' not provided`);
      raw = def.type === 'boolean' ? false : '';
    }
    const type = def.type ?? 'string';
    if (type === 'boolean') {
      const s = String(raw);
      if (s !== 'true' && s !== 'false') throw new RunnerError('RUNNER_DISPATCH_INPUT', `Provided value '${s}' for input '${name}' is not a boolean`);
      inputs[name] = s === 'true';
    } else if (type === 'number') {
      const n = Number(raw);
      if (String(raw).trim() === '' || Number.isNaN(n)) throw new RunnerError('RUNNER_DISPATCH_INPUT', `Provided value '${String(raw)}' for input '${name}' is not a number`);
      inputs[name] = n;
    } else {
      const s = String(raw);
      if (type === 'choice' && s !== '' && !(def.options ?? []).includes(s)) throw new RunnerError('RUNNER_DISPATCH_INPUT', `Provided value '${s}' for input '${name}' not in the list of allowed values`);
      inputs[name] = s;
    }
    eventInputs[name] = String(inputs[name]);
  }
  return { inputs, eventInputs };
}
