import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { WorkflowTemplate } from '@actions/workflow-parser';
import { RunnerError } from './errors.js';
import { evaluateToken, isMappingToken } from './expressions.js';
import type { Json } from './expressions.js';
import { loadWorkflowParser } from './parser.js';
import { toPermissionsSpec } from './permissions.js';
import type { PermissionsSpec } from './permissions.js';

/**
 * A workflow file as the runner executes it. GitHub's parser validates the file against
 * GitHub's schema and converts what it models (events, jobs, needs, if: with its implied
 * success(), step ids); keys its converter drops (permissions, timeout-minutes,
 * continue-on-error, with:, shell:, working-directory:, defaults:) are read from the same
 * validated token tree. Values that may hold expressions stay tokens until the runner
 * evaluates them with the contexts of the moment.
 */

export interface DefaultsModel {
  shell?: string;
  workingDirectory?: string;
}

export interface StepModel {
  /** The step's context name: its `id:` or the parser's generated one (__run, __actions_checkout…). */
  id: string;
  explicitId: boolean;
  name?: TemplateToken;
  /** The condition with its status function, as GitHub's parser completes it. */
  if: string;
  env?: TemplateToken;
  run?: TemplateToken;
  uses?: string;
  with?: TemplateToken;
  shell?: TemplateToken;
  workingDirectory?: TemplateToken;
  continueOnError?: TemplateToken;
  timeoutMinutes?: TemplateToken;
}

export interface JobModel {
  id: string;
  name?: TemplateToken;
  needs: string[];
  if: string;
  env?: TemplateToken;
  outputs?: TemplateToken;
  environment?: TemplateToken;
  strategy?: TemplateToken;
  concurrency?: TemplateToken;
  runsOn?: TemplateToken;
  permissions?: PermissionsSpec;
  timeoutMinutes?: TemplateToken;
  continueOnError?: TemplateToken;
  defaults: DefaultsModel;
  steps: StepModel[];
  /** What this runner cannot do for the job (container:, services:, reusable workflows), said when it would run. */
  unsupported?: string;
}

export interface WorkflowModel {
  /** .github/workflows/<file> */
  path: string;
  /** `name:`, or the path as GitHub shows a workflow without one. */
  name: string;
  events: Readonly<Record<string, unknown>>;
  env?: TemplateToken;
  concurrency?: TemplateToken;
  runName?: TemplateToken;
  permissions?: PermissionsSpec;
  defaults: DefaultsModel;
  jobs: JobModel[];
}

interface AnyMapping {
  find(key: string): TemplateToken | undefined;
}

function find(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  if (!token || !isMappingToken(token)) return undefined;
  return (token as unknown as AnyMapping).find(key);
}

function literal(token: TemplateToken | undefined): Json {
  // Literal-only blocks (permissions, defaults): no contexts are available there.
  return token ? evaluateToken(token, {}) : null;
}

function defaultsOf(token: TemplateToken | undefined): DefaultsModel {
  const run = find(find(token, 'defaults'), 'run');
  const value = literal(run) as Record<string, Json> | null;
  return {
    shell: typeof value?.shell === 'string' ? value.shell : undefined,
    workingDirectory: typeof value?.['working-directory'] === 'string' ? (value['working-directory'] as string) : undefined,
  };
}

function tokenOf(t: { value?: unknown } | undefined): string | undefined {
  return typeof t?.value === 'string' ? t.value : undefined;
}

export async function parseWorkflowFile(path: string, content: string): Promise<WorkflowModel> {
  const p = await loadWorkflowParser();
  const parsed = p.parseWorkflow({ name: path, content }, new p.NoOperationTraceWriter());
  let template: WorkflowTemplate | undefined;
  if (parsed.value) template = await p.convertWorkflowTemplate(parsed.context, parsed.value, undefined, { errorPolicy: 1 });
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !parsed.value || !template) throw new RunnerError('RUNNER_WORKFLOW_INVALID', `Invalid workflow file: ${path}\n${errors.join('\n')}`);
  const root = parsed.value;
  const rawJobs = find(root, 'jobs');
  const jobs: JobModel[] = template.jobs.map((job) => {
    const id = job.id.value;
    const raw = find(rawJobs, id);
    if (job.type !== 'job') {
      return { id, name: job.name, needs: (job.needs ?? []).map((n) => n.value), if: job.if.expression, defaults: {}, steps: [], unsupported: 'reusable workflows (jobs.<id>.uses) are not supported by this runner' };
    }
    const rawSteps = [...((find(raw, 'steps') as unknown as Iterable<TemplateToken> | undefined) ?? [])];
    const steps: StepModel[] = job.steps.map((s, i) => {
      const rs = rawSteps[i];
      if (!('run' in s) && !('uses' in s)) throw new RunnerError('RUNNER_WORKFLOW_INVALID', `${path}: job '${id}' step ${i + 1}: only run: and uses: steps are supported`);
      return {
        id: s.id,
        explicitId: find(rs, 'id') !== undefined,
        name: s.name,
        if: s.if.expression,
        env: s.env,
        run: 'run' in s ? s.run : undefined,
        uses: 'uses' in s ? s.uses.value : undefined,
        with: find(rs, 'with'),
        shell: find(rs, 'shell'),
        workingDirectory: find(rs, 'working-directory'),
        continueOnError: find(rs, 'continue-on-error'),
        timeoutMinutes: find(rs, 'timeout-minutes'),
      };
    });
    const unsupported = job.container ? 'job containers (container:) are not supported by this runner' : job.services ? 'service containers (services:) are not supported by this runner' : undefined;
    return {
      id,
      // The parser names a job without `name:` by its id; the runner needs to know which.
      name: find(raw, 'name') ? job.name : undefined,
      needs: (job.needs ?? []).map((n) => n.value),
      if: job.if.expression,
      env: job.env,
      outputs: job.outputs,
      environment: job.environment,
      strategy: job.strategy,
      concurrency: job.concurrency,
      runsOn: job['runs-on'],
      permissions: toPermissionsSpec(literal(find(raw, 'permissions'))),
      timeoutMinutes: find(raw, 'timeout-minutes'),
      continueOnError: find(raw, 'continue-on-error'),
      defaults: defaultsOf(raw),
      steps,
      unsupported,
    };
  });
  const name = tokenOf(find(root, 'name') as { value?: unknown } | undefined);
  return {
    path,
    name: name ?? path,
    events: template.events as Readonly<Record<string, unknown>>,
    env: find(root, 'env'),
    concurrency: find(root, 'concurrency'),
    runName: find(root, 'run-name'),
    permissions: toPermissionsSpec(literal(find(root, 'permissions'))),
    defaults: defaultsOf(root),
    jobs,
  };
}
