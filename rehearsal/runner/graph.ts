import { RunnerError } from './errors.js';

/**
 * The job graph of one run (`needs:`), and the job-level meaning of the status
 * functions. GitHub evaluates a job's success()/failure() over every job upstream of it,
 * not only the ones it names: a skipped grandparent skips a job whose parent succeeded
 * (actions/runner#2205).
 */

export interface JobNode {
  id: string;
  needs: readonly string[];
}

/** Job ids in an order where every job follows its needs; refuses cycles and unknown needs. */
export function topologicalOrder(jobs: readonly JobNode[]): string[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') throw new RunnerError('RUNNER_WORKFLOW_INVALID', `The workflow must not contain a dependency cycle: ${[...path, id].join(' -> ')}`);
    const job = byId.get(id);
    if (!job) throw new RunnerError('RUNNER_WORKFLOW_INVALID', `Job '${path[path.length - 1]}' depends on unknown job '${id}'.`);
    state.set(id, 'visiting');
    for (const n of job.needs) visit(n, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const j of jobs) visit(j.id, []);
  return order;
}

/** Every job upstream of `id` (needs, their needs, …). */
export function ancestorsOf(jobs: readonly JobNode[], id: string): Set<string> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.needs ?? [])];
  while (stack.length) {
    const n = stack.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(byId.get(n)?.needs ?? []));
  }
  return seen;
}

/** A finished job's result as dependants see it (needs.<id>.result). */
export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface JobStatusFunctions {
  success: () => boolean;
  failure: () => boolean;
  cancelled: () => boolean;
  always: () => boolean;
}

export function jobStatusFunctions(upstream: readonly JobResult[], runCancelled: boolean): JobStatusFunctions {
  return {
    success: () => !runCancelled && upstream.every((r) => r === 'success'),
    failure: () => !runCancelled && upstream.some((r) => r === 'failure'),
    cancelled: () => runCancelled,
    always: () => true,
  };
}
