import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { JobRunRecord, Permissions, RunAnnotation, RunnerFacingGitHub, StepRunRecord, WorkflowRunRecord } from '../types.js';
import { inputEnvName, loadLocalAction, resolveInputs } from './actions.js';
import type { ActionMeta } from './actions.js';
import { defaultEnv, githubContext, mergeStepEnv, runnerArch, runnerContext } from './contexts.js';
import type { JobIdentity, RunIdentity } from './contexts.js';
import { RunnerError, errorMessage } from './errors.js';
import { evaluateCondition, evaluateStringMap, evaluateToken, evaluateTokenString, interpolate, isMappingToken, stringOf } from './expressions.js';
import type { Contexts, ExpressionFunctions, Json } from './expressions.js';
import { CommandReader, maskText, parseKeyValueFile, parsePathFile } from './file-commands.js';
import { hashFiles } from './fsutil.js';
import { ancestorsOf, jobStatusFunctions } from './graph.js';
import type { JobResult } from './graph.js';
import type { RunnerLogger } from './logger.js';
import { expandMatrix } from './matrix.js';
import type { JobModel, StepModel, WorkflowModel } from './model.js';
import { resolvePermissions } from './permissions.js';
import type { DefaultTokenPermissions } from './permissions.js';
import { capture, killGroups, runProcess, which } from './process.js';
import { planShell, shellArgs } from './shell.js';
import { versionOf } from './standins/types.js';
import type { RunExtras, StandIn, StandInContext, StandInServices, StandInVersion } from './standins/types.js';

/**
 * One job, run the way a hosted runner runs it: "Set up job" (token, action resolution,
 * a clean workspace, HOME and RUNNER_TEMP), the steps in order with their conditions,
 * file commands and workflow commands, post steps in reverse, the job's outputs, and
 * "Complete job" (token revoked, orphan processes ended).
 */

export type StepStatus = 'success' | 'failure' | 'cancelled' | 'skipped';

/** What the runner shares with every job. */
export interface RunnerEnvironment {
  github: RunnerFacingGitHub;
  logger: RunnerLogger;
  standIns: ReadonlyMap<string, StandIn>;
  services: Omit<StandInServices, 'extras'>;
  /** PATH entries jobs get from the host (git, jq, curl, node, …). */
  hostPath: string;
  /** Host variables passed through (proxies, CA bundles), so jobs reach the network as the host does. */
  passEnv: Readonly<Record<string, string>>;
  /** Runner-provided tools (gh), first on PATH. */
  toolsDir?: string;
  jobsDir: string;
  graceMs: number;
  keepWorkspaces: boolean;
  defaultPermissions: DefaultTokenPermissions;
  acquireSlot: () => Promise<() => void>;
}

/** What the jobs of one run share. */
export interface RunState {
  record: WorkflowRunRecord;
  model: WorkflowModel;
  identity: RunIdentity;
  workflowEnv: Record<string, string>;
  inputs: Record<string, Json>;
  vars: Record<string, string>;
  secrets: Record<string, string>;
  cancelled: boolean;
  cancel: AbortController;
  extras: RunExtras;
  results: Map<string, { result: JobResult; outputs: Record<string, string> }>;
  changed: () => void;
}

interface Scope {
  steps: Record<string, { outputs: Record<string, string>; outcome: StepStatus; conclusion: StepStatus }>;
  /** The job's (or composite action's) status the step-level success()/failure() read. */
  status: 'success' | 'failure';
  /** Inside a composite action: its inputs and directory. */
  composite?: { inputs: Record<string, string>; path: string; display: string };
}

interface PostStep {
  display: string;
  condition: string;
  run: () => Promise<StepStatus>;
}

interface FileCommandPaths {
  GITHUB_OUTPUT: string;
  GITHUB_ENV: string;
  GITHUB_PATH: string;
  GITHUB_STEP_SUMMARY: string;
  GITHUB_STATE: string;
}

const MAX_ANNOTATIONS_PER_STEP = 10;

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

function tokenSource(token: TemplateToken | undefined): string {
  const t = token as unknown as { source?: string; value?: unknown; expression?: string } | undefined;
  if (!t) return '';
  if (typeof t.value === 'string') return t.value;
  return t.source ?? (t.expression ? `\${{ ${t.expression} }}` : '');
}

function parseUses(uses: string): { key: string; ref: string } {
  const at = uses.lastIndexOf('@');
  return at < 0 ? { key: uses, ref: '' } : { key: uses.slice(0, at), ref: uses.slice(at + 1) };
}

/** The stand-in registered for `owner/repo[/path]` (keys compare case-insensitively, as GitHub resolves them). */
export function findStandIn(standIns: ReadonlyMap<string, StandIn>, key: string): StandIn | undefined {
  return standIns.get(key.toLowerCase()) ?? undefined;
}

export class JobRuntime {
  readonly record: JobRunRecord;
  private readonly abort = new AbortController();
  private cancelled = false;
  private readonly pgids = new Set<number>();
  private readonly masks = new Set<string>();
  private readonly postSteps: PostStep[] = [];
  private jobEnv: Record<string, string> = {};
  private readonly paths: string[] = [];
  private token = '';
  private permissions: Permissions = {};
  private identity!: JobIdentity;
  private matrix: Json = null;
  private dirs!: { root: string; workspace: string; temp: string; home: string; toolCache: string; fileCommands: string; eventPath: string };
  private readonly main: Scope = { steps: {}, status: 'success' };
  private currentStep = '';
  private readonly annotationCounts = new Map<string, number>();

  constructor(
    private readonly env: RunnerEnvironment,
    private readonly run: RunState,
    private readonly job: JobModel,
  ) {
    this.record = { id: job.id, name: job.id, status: 'queued', conclusion: null, steps: [], annotations: [], outputs: {}, actions: [], summary: '', duration_ms: 0 };
    for (const s of Object.values(run.secrets)) this.masks.add(s);
  }

  cancel(): void {
    this.cancelled = true;
    this.abort.abort();
  }

  /* ---------- contexts ---------- */

  private needsContext(): Record<string, Json> {
    return Object.fromEntries(this.job.needs.map((id) => [id, { result: this.run.results.get(id)?.result ?? 'skipped', outputs: this.run.results.get(id)?.outputs ?? {} }]));
  }

  private jobLevelContexts(extra: Record<string, Json> = {}): Contexts {
    return {
      github: githubContext(this.run.identity, this.identity),
      inputs: this.run.inputs,
      vars: this.run.vars,
      secrets: { ...this.run.secrets, GITHUB_TOKEN: this.token },
      needs: this.needsContext(),
      strategy: { 'fail-fast': true, 'job-index': 0, 'job-total': 1, 'max-parallel': 1 },
      matrix: this.matrix,
      env: this.run.workflowEnv,
      ...extra,
    };
  }

  private stepContexts(scope: Scope, stepName: string, stepEnv?: Record<string, string>, action?: { path?: string; repository?: string; ref?: string }): Contexts {
    const github = githubContext(this.run.identity, this.identity, { name: stepName, path: action?.path ?? scope.composite?.path, repository: action?.repository, ref: action?.ref });
    const ctx: Record<string, Json> = {
      github,
      inputs: scope.composite ? scope.composite.inputs : this.run.inputs,
      vars: this.run.vars,
      secrets: { ...this.run.secrets, GITHUB_TOKEN: this.token },
      needs: this.needsContext(),
      strategy: { 'fail-fast': true, 'job-index': 0, 'job-total': 1, 'max-parallel': 1 },
      matrix: this.matrix,
      env: { ...this.jobEnv, ...(stepEnv ?? {}) },
      steps: scope.steps,
      job: { status: this.jobStatusWord(scope), container: { network: '' }, services: {} },
      runner: runnerContext(this.identity),
    };
    return ctx;
  }

  private jobStatusWord(scope: Scope): string {
    return this.cancelled ? 'cancelled' : scope.status;
  }

  private stepFunctions(scope: Scope): ExpressionFunctions {
    return {
      success: () => !this.cancelled && scope.status === 'success',
      failure: () => scope.status === 'failure',
      cancelled: () => this.cancelled,
      always: () => true,
      hashFiles: (patterns) => hashFiles(this.dirs.workspace, patterns),
    };
  }

  /* ---------- output ---------- */

  private mask(text: string): string {
    return maskText(text, this.masks);
  }

  private line(text: string): void {
    this.env.logger.log({ type: 'line', run: this.run.record, job: this.record, step: this.currentStep, text: this.mask(text) });
  }

  private annotate(level: RunAnnotation['level'], message: string, props: Partial<Omit<RunAnnotation, 'level' | 'message'>> = {}): void {
    const step = props.step ?? (this.currentStep || undefined);
    // GitHub keeps at most 10 error and 10 warning annotations per step.
    const k = `${step ?? ''}|${level}`;
    const n = (this.annotationCounts.get(k) ?? 0) + 1;
    this.annotationCounts.set(k, n);
    if (n > MAX_ANNOTATIONS_PER_STEP && level !== 'notice') return;
    const a: RunAnnotation = { level, message: this.mask(message), ...props, ...(step ? { step } : {}) };
    this.record.annotations.push(a);
    this.env.logger.log({ type: 'annotation', run: this.run.record, job: this.record, annotation: a });
  }

  /* ---------- the job ---------- */

  async execute(): Promise<{ result: JobResult; outputs: Record<string, string> }> {
    const started = Date.now();
    const upstream = [...ancestorsOf(this.run.model.jobs, this.job.id)].map((id) => this.run.results.get(id)?.result ?? 'skipped');
    const jobFns = jobStatusFunctions(upstream, this.run.cancelled);
    this.identity = { jobId: this.job.id, workspace: '', eventPath: '', temp: '', toolCache: '', home: '', token: '', arch: runnerArch(process.arch), runnerName: 'GitHub Actions 1' };

    const finish = (conclusion: Exclude<JobRunRecord['conclusion'], null>, result: JobResult): { result: JobResult; outputs: Record<string, string> } => {
      this.record.status = 'completed';
      this.record.conclusion = conclusion;
      this.record.duration_ms = Date.now() - started;
      this.env.logger.log({ type: 'job-completed', run: this.run.record, job: this.record });
      this.run.changed();
      return { result, outputs: this.record.outputs };
    };

    // Strategy: one combination of a matrix can run; more would need parallel jobs.
    if (this.job.strategy) {
      try {
        const strategy = evaluateToken(this.job.strategy, this.jobLevelContexts()) as Record<string, Json> | null;
        const combos = expandMatrix(strategy?.matrix ?? null);
        if (combos.length > 1) {
          this.annotate('error', `strategy.matrix with ${combos.length} combinations is not supported by this runner (one combination is)`);
          return finish('failure', 'failure');
        }
        this.matrix = Object.keys(combos[0] ?? {}).length ? (combos[0] as Json) : null;
      } catch (e) {
        this.annotate('error', `Error when evaluating 'strategy' for job '${this.job.id}'. ${errorMessage(e)}`);
        return finish('failure', 'failure');
      }
    }

    try {
      const name = this.job.name ? evaluateTokenString(this.job.name, this.jobLevelContexts(), {}, 'job name') : this.job.id;
      const combo = this.matrix && typeof this.matrix === 'object' && !Array.isArray(this.matrix) ? Object.values(this.matrix).map((v) => stringOf(typeof v === 'object' ? JSON.stringify(v) : v)) : [];
      this.record.name = name || this.job.id;
      if (!this.job.name && combo.length) this.record.name = `${this.job.id} (${combo.join(', ')})`;
    } catch {
      this.record.name = this.job.id;
    }

    let go: boolean;
    try {
      go = evaluateCondition(this.job.if, this.jobLevelContexts(), jobFns);
    } catch (e) {
      this.annotate('error', `Error when evaluating 'if' for job '${this.job.id}'. ${errorMessage(e)}`);
      return finish('failure', 'failure');
    }
    // A run cancelled before this job started leaves it cancelled, not skipped.
    if (!go) return this.run.cancelled ? finish('cancelled', 'cancelled') : finish('skipped', 'skipped');
    if (this.job.unsupported) {
      this.annotate('error', this.job.unsupported);
      return finish('failure', 'failure');
    }
    if (this.job.concurrency) this.annotate('warning', `jobs.${this.job.id}.concurrency is not supported by this runner and was ignored (workflow-level concurrency is)`);
    try {
      const labels = JSON.stringify(evaluateToken(this.job.runsOn, this.jobLevelContexts()) ?? '');
      // Every job runs on this Linux host, whatever runner it asks for.
      if (/windows|macos/i.test(labels)) this.annotate('warning', `runs-on ${labels} asks for a runner this machine is not; the job runs on Linux`);
    } catch {
      // runs-on with an unknown context: GitHub would fail to place it; run it here anyway.
    }

    // Environment protection rules pass before a runner is assigned.
    if (this.job.environment) {
      let envName = '';
      try {
        // Only the name now: a url may name step outputs, known once the steps have run.
        const env = this.job.environment;
        const nameToken = isMappingToken(env) ? (env as unknown as { find(k: string): TemplateToken | undefined }).find('name') : env;
        envName = evaluateTokenString(nameToken, this.jobLevelContexts(), {}, 'environment');
      } catch (e) {
        this.annotate('error', `Error when evaluating 'environment' for job '${this.job.id}'. ${errorMessage(e)}`);
        return finish('failure', 'failure');
      }
      if (envName) {
        this.record.environment = { name: envName, waited: true };
        this.record.status = 'waiting';
        this.env.logger.log({ type: 'job-waiting', run: this.run.record, job: this.record });
        this.run.changed();
        const gate = this.env.github.environmentGate({ owner: this.run.identity.owner, repo: this.run.identity.repo, environment: envName, runId: this.run.identity.runId, job: this.job.id, ref: this.run.identity.event.ref });
        const cancelledWait = new Promise<'cancelled'>((res) => {
          if (this.run.cancel.signal.aborted) res('cancelled');
          this.run.cancel.signal.addEventListener('abort', () => res('cancelled'), { once: true });
        });
        const outcome = await Promise.race([gate, cancelledWait]);
        if (outcome === 'cancelled') return finish('cancelled', 'cancelled');
        if (outcome.state === 'rejected') {
          this.annotate('error', `The deployment to environment '${envName}' was rejected by ${outcome.by}${outcome.comment ? `: ${outcome.comment}` : ''}`);
          return finish('failure', 'failure');
        }
      }
    }

    const release = await this.env.acquireSlot();
    const onRunCancel = (): void => this.cancel();
    this.run.cancel.signal.addEventListener('abort', onRunCancel, { once: true });
    if (this.run.cancel.signal.aborted) this.cancel();
    let timer: NodeJS.Timeout | undefined;
    try {
      this.record.status = 'in_progress';
      this.env.logger.log({ type: 'job-started', run: this.run.record, job: this.record });
      this.run.changed();
      const setUpOk = await this.setUp();
      if (setUpOk) {
        const minutes = this.timeoutMinutes();
        timer = setTimeout(() => {
          this.annotate('error', `The job running on runner ${this.identity.runnerName} has exceeded the maximum execution time of ${minutes} minutes.`, { step: undefined });
          this.cancel();
        }, minutes * 60_000);
        for (const step of this.job.steps) await this.runStep(step, this.main);
        for (const post of this.postSteps.reverse()) await this.runPost(post);
        this.evaluateOutputs();
        this.evaluateEnvironmentUrl();
      }
      clearTimeout(timer);
      timer = undefined;
      this.completeJob();
      const conclusion: 'success' | 'failure' | 'cancelled' = this.cancelled ? 'cancelled' : setUpOk && this.main.status === 'success' ? 'success' : 'failure';
      let continueOnError = false;
      if (conclusion === 'failure' && this.job.continueOnError) {
        try {
          continueOnError = evaluateCondition(exprOf(this.job.continueOnError), this.jobLevelContexts());
        } catch {
          continueOnError = false;
        }
      }
      // A job allowed to fail shows its failure but lets the run and its dependants go on.
      return finish(conclusion, continueOnError ? 'success' : conclusion);
    } finally {
      if (timer) clearTimeout(timer);
      this.run.cancel.signal.removeEventListener('abort', onRunCancel);
      release();
    }
  }

  private timeoutMinutes(): number {
    if (!this.job.timeoutMinutes) return 360;
    try {
      const v = Number(evaluateToken(this.job.timeoutMinutes, this.jobLevelContexts()));
      return Number.isFinite(v) && v > 0 ? v : 360;
    } catch {
      return 360;
    }
  }

  private setUpDirs(): void {
    const root = join(this.env.jobsDir, `${this.run.identity.runId}-${this.job.id}-${randomUUID().slice(0, 8)}`);
    const workspace = join(root, 'work', this.run.identity.repo, this.run.identity.repo);
    const temp = join(root, 'temp');
    const home = join(root, 'home');
    const toolCache = join(root, 'tool_cache');
    const fileCommands = join(temp, '_runner_file_commands');
    const eventPath = join(root, 'workflow', 'event.json');
    for (const d of [workspace, temp, home, toolCache, fileCommands, join(root, 'workflow')]) mkdirSync(d, { recursive: true });
    writeFileSync(eventPath, JSON.stringify(this.run.identity.payload, null, 2));
    this.dirs = { root, workspace, temp, home, toolCache, fileCommands, eventPath };
  }

  /** "Set up job": false when the job cannot start (its step then records the reason). */
  private async setUp(): Promise<boolean> {
    const started = Date.now();
    const rec: StepRunRecord = { name: 'Set up job', outcome: 'success', conclusion: 'success', duration_ms: 0 };
    this.currentStep = 'Set up job';
    let ok = true;
    try {
      this.setUpDirs();
      this.permissions = resolvePermissions(this.run.model.permissions, this.job.permissions, this.env.defaultPermissions, { fromFork: isFromFork(this.run.identity.payload) });
      this.record.permissions = this.permissions;
      this.token = this.env.github.mintToken({ owner: this.run.identity.owner, repo: this.run.identity.repo, permissions: this.permissions, runId: this.run.identity.runId, job: this.job.id });
      this.masks.add(this.token);
      this.identity = { ...this.identity, workspace: this.dirs.workspace, eventPath: this.dirs.eventPath, temp: this.dirs.temp, toolCache: this.dirs.toolCache, home: this.dirs.home, token: this.token };
      this.line(`Current runner version: 'gitops-ml rehearsal'`);
      this.line(`GITHUB_TOKEN Permissions`);
      for (const [k, v] of Object.entries(this.permissions)) if (v !== 'none') this.line(`  ${k}: ${v}`);
      // Actions are resolved before any step runs: an unknown one fails the job here.
      for (const step of this.job.steps) {
        if (!step.uses || step.uses.startsWith('./')) continue;
        if (step.uses.startsWith('docker://')) throw new RunnerError('RUNNER_NO_STANDIN', `no stand-in for action ${step.uses} (container actions are not supported)`);
        const { key, ref } = parseUses(step.uses);
        const standIn = findStandIn(this.env.standIns, key);
        if (!standIn) throw new RunnerError('RUNNER_NO_STANDIN', `no stand-in for action ${key}@${ref}`);
        const version = versionOf(standIn, ref);
        this.line(`Download action repository '${key}@${ref}'${version.tag ? ` (${version.tag})` : ''} (stand-in)`);
        if (!this.record.actions.some((a) => a.uses === step.uses)) this.record.actions.push({ uses: step.uses, ref, runtime: standIn.meta(version.major).using, ...(version.tag ? { version: version.tag } : {}) });
      }
      this.jobEnv = { ...this.run.workflowEnv, ...evaluateStringMap(this.job.env, this.jobLevelContexts(), {}, 'env') };
    } catch (e) {
      ok = false;
      this.annotate('error', errorMessage(e));
      rec.outcome = rec.conclusion = 'failure';
      this.main.status = 'failure';
    }
    rec.duration_ms = Date.now() - started;
    this.record.steps.push(rec);
    this.currentStep = '';
    return ok;
  }

  private completeJob(): void {
    const started = Date.now();
    this.currentStep = 'Complete job';
    if (this.token) this.env.github.revokeToken(this.token);
    this.line('Cleaning up orphan processes');
    killGroups(this.pgids);
    if (this.dirs && !this.env.keepWorkspaces) rmSync(this.dirs.root, { recursive: true, force: true });
    this.record.steps.push({ name: 'Complete job', outcome: 'success', conclusion: 'success', duration_ms: Date.now() - started });
    this.currentStep = '';
  }

  private evaluateOutputs(): void {
    if (!this.job.outputs) return;
    const ctx = this.stepContexts(this.main, '');
    for (const pair of this.job.outputs as unknown as Iterable<{ key: { value: string }; value: TemplateToken }>) {
      const name = pair.key.value;
      try {
        const value = evaluateTokenString(pair.value, ctx, this.stepFunctions(this.main), `outputs.${name}`);
        if (value !== this.mask(value)) {
          this.annotate('warning', `Skip output '${name}' since it may contain secret.`, { step: undefined });
          continue;
        }
        this.record.outputs[name] = value;
      } catch (e) {
        this.annotate('error', `Error when evaluating 'outputs' for job '${this.job.id}'. ${errorMessage(e)}`, { step: undefined });
        this.main.status = 'failure';
      }
    }
  }

  /** environment.url may name step outputs, so it is evaluated once the steps have run. */
  private evaluateEnvironmentUrl(): void {
    const env = this.job.environment;
    if (!env || !this.record.environment || !isMappingToken(env)) return;
    const url = (env as unknown as { find(k: string): TemplateToken | undefined }).find('url');
    if (!url) return;
    try {
      const value = evaluateTokenString(url, this.stepContexts(this.main, ''), this.stepFunctions(this.main), 'environment.url');
      if (value) this.record.environment.url = value;
    } catch (e) {
      this.annotate('error', `Error when evaluating 'environment.url' for job '${this.job.id}'. ${errorMessage(e)}`, { step: undefined });
    }
  }

  /* ---------- steps ---------- */

  private displayName(step: StepModel, ctx: Contexts): string {
    if (step.name) {
      try {
        const n = evaluateTokenString(step.name, ctx, {}, 'name');
        if (n) return n;
      } catch {
        return tokenSource(step.name);
      }
    }
    if (step.run) return `Run ${firstLine(tokenSource(step.run))}`;
    return `Run ${step.uses ?? ''}`;
  }

  private async runStep(step: StepModel, scope: Scope): Promise<void> {
    const started = Date.now();
    const baseCtx = this.stepContexts(scope, step.id);
    const display = scope.composite ? scope.composite.display : this.displayName(step, baseCtx);
    const rec: StepRunRecord = { name: display, outcome: 'success', conclusion: 'success', duration_ms: 0, ...(step.uses ? { uses: step.uses } : {}) };
    const previous = this.currentStep;
    this.currentStep = display;
    let outcome: StepStatus | undefined;
    let outputs: Record<string, string> = {};
    let continueOnError = false;
    try {
      if (!evaluateCondition(step.if, baseCtx, this.stepFunctions(scope))) outcome = 'skipped';
    } catch (e) {
      this.annotate('error', `Error when evaluating 'if' for step '${display}'. ${errorMessage(e)}`);
      outcome = 'failure';
    }
    if (outcome === undefined) {
      if (!scope.composite) this.env.logger.log({ type: 'step-started', run: this.run.record, job: this.record, step: rec });
      try {
        continueOnError = step.continueOnError ? evaluateCondition(exprOf(step.continueOnError), baseCtx) : false;
      } catch {
        continueOnError = false;
      }
      const r = await this.executeStep(step, scope, display);
      outcome = r.outcome;
      outputs = r.outputs;
    }
    const conclusion: StepStatus = outcome === 'failure' && continueOnError ? 'success' : outcome;
    if (conclusion === 'failure') scope.status = 'failure';
    scope.steps[step.id] = { outputs, outcome, conclusion };
    rec.outcome = outcome;
    rec.conclusion = conclusion;
    rec.duration_ms = outcome === 'skipped' ? 0 : Date.now() - started;
    if (!scope.composite) {
      this.record.steps.push(rec);
      this.env.logger.log({ type: 'step-completed', run: this.run.record, job: this.record, step: rec });
    }
    this.currentStep = previous;
  }

  /** A step's own abort: the job's cancellation, or its timeout-minutes. */
  private stepSignal(step: StepModel, ctx: Contexts): { signal: AbortSignal; timedOut: () => boolean; minutes?: number; dispose: () => void } {
    const ac = new AbortController();
    const onJob = (): void => ac.abort();
    // A step that starts after the job was cancelled (if: always()) still gets to run.
    if (!this.abort.signal.aborted) this.abort.signal.addEventListener('abort', onJob, { once: true });
    let fired = false;
    let timer: NodeJS.Timeout | undefined;
    let minutes: number | undefined;
    if (step.timeoutMinutes) {
      try {
        const m = Number(evaluateToken(step.timeoutMinutes, ctx));
        if (Number.isFinite(m) && m > 0) {
          minutes = m;
          timer = setTimeout(() => {
            fired = true;
            ac.abort();
          }, m * 60_000);
        }
      } catch {
        // An invalid timeout leaves the job's.
      }
    }
    return {
      signal: ac.signal,
      timedOut: () => fired,
      minutes,
      dispose: () => {
        if (timer) clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', onJob);
      },
    };
  }

  private async executeStep(step: StepModel, scope: Scope, display: string): Promise<{ outcome: StepStatus; outputs: Record<string, string> }> {
    let stepEnv: Record<string, string>;
    const ctx0 = this.stepContexts(scope, step.id);
    try {
      stepEnv = evaluateStringMap(step.env, ctx0, this.stepFunctions(scope), 'env');
    } catch (e) {
      this.annotate('error', errorMessage(e));
      return { outcome: 'failure', outputs: {} };
    }
    const ctx = this.stepContexts(scope, step.id, stepEnv);
    const sig = this.stepSignal(step, ctx);
    const fns = this.stepFunctions(scope);
    try {
      let r: { outcome: StepStatus; outputs: Record<string, string> };
      if (step.run) r = await this.execRun(step, scope, ctx, fns, stepEnv, sig.signal);
      else if (step.uses?.startsWith('./')) r = await this.execLocalAction(step, scope, ctx, fns, stepEnv, sig.signal, display);
      else r = await this.execStandIn(step, scope, ctx, fns, stepEnv, sig.signal, display);
      if (sig.timedOut()) {
        this.annotate('error', `The action '${display}' has timed out after ${sig.minutes} minutes.`);
        return { outcome: 'failure', outputs: r.outputs };
      }
      // Stopped by the job's cancellation (not by its own failure after one).
      if (r.outcome === 'failure' && sig.signal.aborted) return { outcome: 'cancelled', outputs: r.outputs };
      return r;
    } catch (e) {
      this.annotate('error', errorMessage(e));
      return { outcome: sig.signal.aborted ? 'cancelled' : 'failure', outputs: {} };
    } finally {
      sig.dispose();
    }
  }

  private baseProcessEnv(): Record<string, string> {
    const path = [...[...this.paths].reverse(), ...(this.env.toolsDir ? [this.env.toolsDir] : []), this.env.hostPath].join(':');
    return { ...this.env.passEnv, PATH: path, HOME: this.dirs.home, LANG: 'C.UTF-8', RUNNER_WORKSPACE: resolve(this.dirs.workspace, '..'), RUNNER_PERFLOG: join(this.dirs.temp, 'perflog') };
  }

  private newFileCommands(): FileCommandPaths {
    const id = randomUUID();
    const f = (n: string): string => {
      const p = join(this.dirs.fileCommands, `${n}_${id}`);
      writeFileSync(p, '');
      return p;
    };
    return { GITHUB_OUTPUT: f('set_output'), GITHUB_ENV: f('set_env'), GITHUB_PATH: f('add_path'), GITHUB_STEP_SUMMARY: f('step_summary'), GITHUB_STATE: f('save_state') };
  }

  /** Applies what a step wrote to its command files; returns its outputs and saved state. */
  private applyFileCommands(files: FileCommandPaths, outputs: Record<string, string>, state: Record<string, string>): void {
    const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '');
    const tryParse = (p: string, name: string): Array<[string, string]> => {
      try {
        return parseKeyValueFile(read(p), name);
      } catch (e) {
        this.annotate('error', errorMessage(e));
        return [];
      }
    };
    for (const [k, v] of tryParse(files.GITHUB_OUTPUT, 'GITHUB_OUTPUT')) outputs[k] = v;
    for (const [k, v] of tryParse(files.GITHUB_STATE, 'GITHUB_STATE')) state[k] = v;
    for (const [k, v] of tryParse(files.GITHUB_ENV, 'GITHUB_ENV')) {
      // The runner refuses NODE_OPTIONS from GITHUB_ENV (it would change every later action's node).
      if (k.toUpperCase() === 'NODE_OPTIONS') {
        this.annotate('warning', "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
        continue;
      }
      this.jobEnv[k] = v;
    }
    for (const p of parsePathFile(read(files.GITHUB_PATH))) this.paths.push(p);
    const summary = read(files.GITHUB_STEP_SUMMARY);
    if (summary) {
      if (summary.length > 1024 * 1024) this.annotate('error', `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.ceil(summary.length / 1024)}k.`);
      else this.record.summary += this.mask(summary);
    }
  }

  /** Output of a process: workflow commands honoured, everything else logged. */
  private lineHandler(outputs: Record<string, string>, state: Record<string, string>): (line: string) => void {
    const reader = new CommandReader();
    return (line) => {
      const cmd = reader.read(line);
      if (!cmd) {
        this.line(line);
        return;
      }
      switch (cmd.kind) {
        case 'annotation': {
          const p = cmd.properties;
          const num = (v: string | undefined): number | undefined => (v !== undefined && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);
          this.annotate(cmd.level, cmd.message, {
            ...(p.title ? { title: p.title } : {}),
            ...(p.file ? { file: p.file } : {}),
            ...(num(p.line) !== undefined ? { line: num(p.line) } : {}),
            ...(num(p.endLine) !== undefined ? { endLine: num(p.endLine) } : {}),
            ...(num(p.col) !== undefined ? { col: num(p.col) } : {}),
            ...(num(p.endColumn) !== undefined ? { endColumn: num(p.endColumn) } : {}),
          });
          this.line(`${cmd.level[0]?.toUpperCase()}${cmd.level.slice(1)}: ${cmd.message}`);
          break;
        }
        case 'add-mask':
          if (cmd.value) this.masks.add(cmd.value);
          break;
        case 'group':
          this.line(`▸ ${cmd.title}`);
          break;
        case 'endgroup':
          break;
        case 'debug':
          break;
        case 'set-output':
          this.annotate('warning', 'The `set-output` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/');
          if (cmd.name) outputs[cmd.name] = cmd.value;
          break;
        case 'save-state':
          this.annotate('warning', 'The `save-state` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/');
          if (cmd.name) state[cmd.name] = cmd.value;
          break;
        case 'disabled':
          this.annotate('error', `Unable to process command '::${cmd.command}' successfully. The \`${cmd.command}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`.`);
          break;
        default:
          this.line(line);
      }
    };
  }

  private resolveWorkingDirectory(step: StepModel, ctx: Contexts, fns: ExpressionFunctions): string {
    const wd = step.workingDirectory ? evaluateTokenString(step.workingDirectory, ctx, fns, 'working-directory') : this.job.defaults.workingDirectory ?? this.run.model.defaults.workingDirectory;
    return wd ? resolve(this.dirs.workspace, wd) : this.dirs.workspace;
  }

  private async execRun(step: StepModel, scope: Scope, ctx: Contexts, fns: ExpressionFunctions, stepEnv: Record<string, string>, signal: AbortSignal): Promise<{ outcome: StepStatus; outputs: Record<string, string> }> {
    const script = evaluateTokenString(step.run, ctx, fns, 'run');
    const shellName = step.shell ? evaluateTokenString(step.shell, ctx, fns, 'shell') : this.job.defaults.shell ?? this.run.model.defaults.shell;
    if (scope.composite && !shellName) throw new RunnerError('RUNNER_SHELL', "Required property is missing: shell");
    const base = this.baseProcessEnv();
    const plan = planShell(shellName, which('bash', base.PATH ?? '') !== undefined);
    const command = which(plan.command, base.PATH ?? '');
    if (!command) throw new RunnerError('RUNNER_SHELL', `${plan.command}: command not found (shell '${plan.template}')`);
    const cwd = this.resolveWorkingDirectory(step, ctx, fns);
    const file = join(this.dirs.temp, `${randomUUID()}${plan.extension}`);
    writeFileSync(file, script);
    for (const l of script.replace(/\n$/, '').split('\n')) this.line(`\u001b[36;1m${l}\u001b[0m`);
    this.line(`shell: ${[command, ...plan.args].join(' ')}`);
    if (Object.keys(stepEnv).length) {
      this.line('env:');
      for (const [k, v] of Object.entries(stepEnv)) this.line(`  ${k}: ${v}`);
    }
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
      this.annotate('error', `An error occurred trying to start process '${command}' with working directory '${cwd}'. No such file or directory`);
      return { outcome: 'failure', outputs: {} };
    }
    const files = this.newFileCommands();
    const defaults = defaultEnv(this.run.identity, this.identity, step.id, scope.composite ? { path: scope.composite.path } : undefined);
    const env = { ...mergeStepEnv(base, this.jobEnv, stepEnv, defaults), ...files };
    const outputs: Record<string, string> = {};
    const state: Record<string, string> = {};
    const r = await runProcess(command, shellArgs(plan, file), { cwd, env, signal, graceMs: this.env.graceMs, onLine: this.lineHandler(outputs, state), onSpawn: (p) => this.pgids.add(p) });
    this.applyFileCommands(files, outputs, state);
    if (r.aborted) return { outcome: this.cancelled ? 'cancelled' : 'failure', outputs };
    if (r.code !== 0) {
      this.annotate('error', `Process completed with exit code ${r.code ?? 1}.`);
      return { outcome: 'failure', outputs };
    }
    return { outcome: 'success', outputs };
  }

  private evalInputDefault(ctx: Contexts, fns: ExpressionFunctions): (d: TemplateToken | string) => string {
    return (d) => (typeof d === 'string' ? interpolate(d, ctx, fns) : evaluateTokenString(d, ctx, fns, 'input default'));
  }

  private async execLocalAction(step: StepModel, scope: Scope, ctx: Contexts, fns: ExpressionFunctions, stepEnv: Record<string, string>, signal: AbortSignal, display: string): Promise<{ outcome: StepStatus; outputs: Record<string, string> }> {
    const uses = step.uses as string;
    const dir = resolve(this.dirs.workspace, uses);
    const meta = await loadLocalAction(dir, uses);
    if (!this.record.actions.some((a) => a.uses === uses)) this.record.actions.push({ uses, ref: '', runtime: meta.runs.using });
    const actionCtx = this.stepContexts(scope, step.id, stepEnv, { path: dir, repository: '', ref: '' });
    const given = evaluateStringMap(step.with, actionCtx, fns, 'with');
    const { inputs, warnings } = resolveInputs(meta, given, this.evalInputDefault(actionCtx, fns));
    for (const w of warnings) this.annotate('warning', w);
    if (meta.runs.using === 'composite') return this.execComposite(meta, dir, inputs, display);
    if (!/^node\d+$/.test(meta.runs.using) || !meta.runs.main) throw new RunnerError('RUNNER_ACTION_INVALID', `${uses}: runs.using '${meta.runs.using}' is not supported by this runner`);
    const state: Record<string, string> = {};
    const run = async (entry: string, sig: AbortSignal, stateIn: Record<string, string>): Promise<{ outcome: StepStatus; outputs: Record<string, string> }> => {
      const base = this.baseProcessEnv();
      const files = this.newFileCommands();
      const defaults = defaultEnv(this.run.identity, this.identity, step.id, { path: dir, repository: '', ref: '' });
      const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v]));
      const stateEnv = Object.fromEntries(Object.entries(stateIn).map(([k, v]) => [`STATE_${k}`, v]));
      const env = { ...mergeStepEnv(base, this.jobEnv, stepEnv, defaults), ...inputEnv, ...stateEnv, ...files };
      const outputs: Record<string, string> = {};
      // The declared runtime (node20/node24) is recorded; the host's node runs it.
      const r = await runProcess(process.execPath, [join(dir, entry)], { cwd: this.dirs.workspace, env, signal: sig, graceMs: this.env.graceMs, onLine: this.lineHandler(outputs, state), onSpawn: (p) => this.pgids.add(p) });
      this.applyFileCommands(files, outputs, state);
      if (r.aborted) return { outcome: this.cancelled ? 'cancelled' : 'failure', outputs };
      return { outcome: r.code === 0 ? 'success' : 'failure', outputs };
    };
    const result = await run(meta.runs.main, signal, {});
    if (meta.runs.post) {
      const post = meta.runs.post;
      this.postSteps.push({ display: `Post ${display}`, condition: meta.runs.postIf ?? 'always()', run: async () => (await run(post, this.postSignal(), state)).outcome });
    }
    return result;
  }

  private async execComposite(meta: ActionMeta, dir: string, inputs: Record<string, string>, display: string): Promise<{ outcome: StepStatus; outputs: Record<string, string> }> {
    const scope: Scope = { steps: {}, status: 'success', composite: { inputs, path: dir, display } };
    for (const s of meta.runs.steps ?? []) await this.runStep(s, scope);
    const outputs: Record<string, string> = {};
    const ctx = this.stepContexts(scope, '');
    for (const o of meta.outputs) {
      if (o.value === undefined) continue;
      try {
        outputs[o.id] = typeof o.value === 'string' ? interpolate(o.value, ctx) : evaluateTokenString(o.value, ctx, {}, `outputs.${o.id}`);
      } catch (e) {
        this.annotate('error', errorMessage(e));
      }
    }
    return { outcome: this.cancelled ? 'cancelled' : scope.status, outputs };
  }

  private async execStandIn(step: StepModel, scope: Scope, ctx: Contexts, fns: ExpressionFunctions, stepEnv: Record<string, string>, signal: AbortSignal, display: string): Promise<{ outcome: StepStatus; outputs: Record<string, string> }> {
    const { key, ref } = parseUses(step.uses as string);
    const standIn = findStandIn(this.env.standIns, key);
    if (!standIn) throw new RunnerError('RUNNER_NO_STANDIN', `no stand-in for action ${key}@${ref}`);
    const actionCtx = this.stepContexts(scope, step.id, stepEnv, { path: '', repository: key.split('/').slice(0, 2).join('/'), ref });
    const given = evaluateStringMap(step.with, actionCtx, fns, 'with');
    const version = versionOf(standIn, ref);
    const standInMeta = standIn.meta(version.major);
    const meta = { inputs: Object.entries(standInMeta.inputs).map(([id, d]) => ({ id, required: Boolean(d.required), default: d.default, deprecationMessage: d.deprecationMessage })) };
    const { inputs, warnings } = resolveInputs(meta, given, this.evalInputDefault(actionCtx, fns));
    for (const w of warnings) this.annotate('warning', w);
    const state: Record<string, string> = {};
    const env = mergeStepEnv(this.baseProcessEnv(), this.jobEnv, stepEnv, defaultEnv(this.run.identity, this.identity, step.id, { path: '', repository: key, ref }));
    const invoke = async (fn: (c: StandInContext) => Promise<void>, sig: AbortSignal): Promise<{ outcome: StepStatus; outputs: Record<string, string> }> => {
      const outputs: Record<string, string> = {};
      const c = this.standInContext(inputs, env, outputs, state, sig, version);
      try {
        await fn(c);
        return { outcome: 'success', outputs };
      } catch (e) {
        if (sig.aborted) return { outcome: this.cancelled ? 'cancelled' : 'failure', outputs };
        this.annotate('error', errorMessage(e));
        return { outcome: 'failure', outputs };
      }
    };
    const result = await invoke((c) => standIn.main(c), signal);
    if (standIn.post) {
      const post = standIn.post.bind(standIn);
      this.postSteps.push({ display: `Post ${display}`, condition: standInMeta.postIf ?? 'always()', run: async () => (await invoke(post, this.postSignal())).outcome });
    }
    return result;
  }

  private standInContext(inputs: Record<string, string>, env: Record<string, string>, outputs: Record<string, string>, state: Record<string, string>, signal: AbortSignal, version: StandInVersion): StandInContext {
    const get = (name: string, opts?: { required?: boolean; trimWhitespace?: boolean }): string => {
      const v = inputs[name] ?? Object.entries(inputs).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? '';
      if (opts?.required && !v) throw new RunnerError('RUNNER_STEP_FAILED', `Input required and not supplied: ${name}`);
      return opts?.trimWhitespace === false ? v : v.trim();
    };
    const id = this.run.identity;
    const payload = id.payload;
    const repository = payload.repository as Record<string, unknown> | undefined;
    const pr = payload.pull_request as Record<string, Record<string, unknown>> | undefined;
    return {
      inputs,
      getInput: get,
      getBooleanInput(name, opts) {
        const v = get(name, opts);
        if (['true', 'True', 'TRUE'].includes(v)) return true;
        if (['false', 'False', 'FALSE'].includes(v)) return false;
        throw new RunnerError('RUNNER_STEP_FAILED', `Input does not meet YAML 1.2 "Core Schema" specification: ${name}\nSupport boolean input list: \`true | True | TRUE | false | False | FALSE\``);
      },
      getMultilineInput(name, opts) {
        return get(name, opts)
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
      },
      github: {
        owner: id.owner,
        repo: id.repo,
        repository: `${id.owner}/${id.repo}`,
        sha: id.event.sha,
        ref: id.event.ref,
        eventName: id.event.name,
        payload,
        serverUrl: id.serverUrl,
        apiUrl: id.apiUrl,
        runId: id.runId,
        job: this.job.id,
        actor: id.event.actor.login,
        defaultBranch: typeof repository?.default_branch === 'string' ? repository.default_branch : undefined,
        baseRef: typeof pr?.base?.ref === 'string' ? pr.base.ref : undefined,
      },
      workspace: this.dirs.workspace,
      temp: this.dirs.temp,
      home: this.dirs.home,
      toolCache: this.dirs.toolCache,
      env,
      permissions: this.permissions,
      jobToken: this.token,
      signal,
      version,
      services: { ...this.env.services, extras: this.run.extras },
      info: (l) => this.line(l),
      warning: (m, p) => this.annotate('warning', m, p),
      error: (m, p) => this.annotate('error', m, p),
      notice: (m) => this.annotate('notice', m),
      setOutput: (n, v) => {
        outputs[n] = v;
      },
      exportVariable: (n, v) => {
        this.jobEnv[n] = v;
      },
      addPath: (d) => {
        this.paths.push(d);
      },
      setSecret: (v) => {
        if (v) this.masks.add(v);
      },
      saveState: (n, v) => {
        state[n] = v;
      },
      getState: (n) => state[n] ?? '',
      exec: async (command, args, opts) => {
        const r = await capture(command, args, { cwd: opts?.cwd ?? this.dirs.workspace, env: { ...env, ...(opts?.env ?? {}) }, signal, graceMs: this.env.graceMs, onSpawn: (p) => this.pgids.add(p) });
        if (!opts?.silent) for (const l of [r.stdout, r.stderr].filter(Boolean).join('\n').split('\n')) if (l) this.line(l);
        return { code: r.code, stdout: r.stdout, stderr: r.stderr };
      },
      fail(message): never {
        throw new RunnerError('RUNNER_STEP_FAILED', message);
      },
    };
  }

  /** Post steps run after a cancellation too; only a cancellation during them stops them. */
  private postSignal(): AbortSignal {
    return this.abort.signal.aborted ? new AbortController().signal : this.abort.signal;
  }

  private async runPost(post: PostStep): Promise<void> {
    const started = Date.now();
    const rec: StepRunRecord = { name: post.display, outcome: 'success', conclusion: 'success', duration_ms: 0 };
    this.currentStep = post.display;
    let go: boolean;
    try {
      go = evaluateCondition(post.condition, this.stepContexts(this.main, ''), this.stepFunctions(this.main));
    } catch (e) {
      this.annotate('error', errorMessage(e));
      go = false;
    }
    if (!go) {
      rec.outcome = rec.conclusion = 'skipped';
    } else {
      const outcome = await post.run();
      rec.outcome = rec.conclusion = outcome;
      if (outcome === 'failure') this.main.status = 'failure';
    }
    rec.duration_ms = Date.now() - started;
    this.record.steps.push(rec);
    this.env.logger.log({ type: 'step-completed', run: this.run.record, job: this.record, step: rec });
    this.currentStep = '';
  }
}

function exprOf(token: TemplateToken): string {
  const t = token as unknown as { expression?: string; value?: unknown };
  if (typeof t.expression === 'string') return t.expression;
  return JSON.stringify(Boolean(t.value === true || t.value === 'true'));
}

function isFromFork(payload: Record<string, unknown>): boolean {
  const pr = payload.pull_request as { head?: { repo?: { full_name?: string } }; base?: { repo?: { full_name?: string } } } | undefined;
  const head = pr?.head?.repo?.full_name;
  const base = pr?.base?.repo?.full_name;
  return Boolean(head && base && head !== base);
}

