import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RepositoryEvent, RunAdmission, RunAnnotation, RunnerFacingGitHub, RunReporting, WorkflowRunRecord } from '../types.js';
import { githubContext } from './contexts.js';
import type { RunIdentity } from './contexts.js';
import { RunnerError, errorMessage } from './errors.js';
import { evaluateStringMap, evaluateToken, stringOf } from './expressions.js';
import type { Json } from './expressions.js';
import { topologicalOrder } from './graph.js';
import { JobRuntime } from './job.js';
import type { RunnerEnvironment, RunState } from './job.js';
import { silentLogger } from './logger.js';
import type { RunnerLogger } from './logger.js';
import { parseWorkflowFile } from './model.js';
import type { WorkflowModel } from './model.js';
import type { DefaultTokenPermissions } from './permissions.js';
import { RepositorySource } from './source.js';
import { builtinStandIns } from './standins/index.js';
import type { StandIn } from './standins/types.js';
import { ArtifactStore, CacheStore } from './stores.js';
import { ToolServer } from './tools/tool-server.js';
import { decideTrigger, resolveDispatchInputs } from './triggers.js';
import type { DispatchInputConfig, TriggerInput } from './triggers.js';

/**
 * The workflow runner: GitHub's Actions service and its hosted runners for one
 * repository. An event (with GitHub's admission decision) selects workflows from the
 * event's commit; each selected workflow becomes a run that waits for approval, for its
 * concurrency group, then runs its jobs in `needs` order on a limited number of runners.
 */

export interface WorkflowRunnerOptions {
  github: RunnerFacingGitHub & RunReporting;
  repoOwner: string;
  repo: string;
  /** Where the runner keeps job directories, artifacts, caches and its copy of the repository. */
  workDir: string;
  /** How many jobs run at once (hosted runners available); default 2. */
  concurrency?: number;
  logger?: RunnerLogger;
  /** Stand-ins for third-party actions; default the built-in ones. */
  standIns?: Iterable<StandIn>;
  /** The warm npm cache setup-node's `cache: npm` exposes; default the host's ~/.npm. */
  npmCacheDir?: string;
  /** The repository's "Workflow permissions" setting; default restricted (new repositories). */
  defaultPermissions?: DefaultTokenPermissions;
  /** Keep job directories after jobs end (debugging); default false. */
  keepWorkspaces?: boolean;
  /** SIGINT→SIGTERM grace when a step is cancelled; the runner's is 7500 ms. */
  cancelGraceMs?: number;
  /** The host PATH jobs see; default this process's PATH without project-local directories. */
  hostPath?: string;
  /** First run id (GitHub's are large numbers; any increasing ones do). */
  firstRunId?: number;
  /**
   * Only these workflow files (paths like .github/workflows/x.yml) run; the others are left
   * out by the caller's choice (a rehearsal leaves out the repository's own CI). Default all.
   */
  workflows?: readonly string[];
  /**
   * The runner machine's own environment for every job, as a self-hosted runner's `.env`
   * file gives it (a registry mirror, a proxy). Workflows do not see where it came from.
   */
  runnerEnv?: Readonly<Record<string, string>>;
}

interface RunHandle {
  record: WorkflowRunRecord;
  model: WorkflowModel;
  event: RepositoryEvent;
  cancel: AbortController;
  cancelled: boolean;
  /** Resolves when the run is completed. */
  done: Promise<WorkflowRunRecord>;
  resolveDone: (r: WorkflowRunRecord) => void;
  wake?: (go: boolean) => void;
  group?: string;
  /** needs-level results of its jobs (a job allowed to fail counts as success). */
  results?: ReadonlyMap<string, { result: string }>;
}

interface Group {
  running?: RunHandle;
  pending?: RunHandle;
}

const ZERO_SHA = /^0{40}$/;

/** Host PATH without directories of a project (node_modules/.bin, the caller's cwd): jobs start clean. */
export function sanitizeHostPath(path: string, cwd: string): string {
  return path
    .split(delimiter)
    .filter((d) => d && !d.includes('node_modules') && !resolve(d).startsWith(resolve(cwd) + '/') && resolve(d) !== resolve(cwd))
    .join(delimiter);
}

const PASS_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'TZ', 'CONTAINERS_CONF', 'CONTAINERS_STORAGE_CONF', 'CONTAINERS_REGISTRIES_CONF'];

export class WorkflowRunner {
  private readonly github: RunnerFacingGitHub & RunReporting;
  private readonly owner: string;
  private readonly repo: string;
  private readonly logger: RunnerLogger;
  private readonly source: RepositorySource;
  private readonly env: RunnerEnvironment;
  private readonly tools: ToolServer;
  private readonly all: RunHandle[] = [];
  private readonly awaitingApproval = new Map<number, RunHandle>();
  private readonly groups = new Map<string, Group>();
  private readonly active = new Set<Promise<unknown>>();
  private readonly runNumbers = new Map<string, number>();
  private nextRunId: number;
  private slotsFree: number;
  private readonly slotQueue: Array<() => void> = [];
  private unsubscribe: (() => void) | undefined;
  private readonly only: ReadonlySet<string> | undefined;

  constructor(opts: WorkflowRunnerOptions) {
    this.only = opts.workflows ? new Set(opts.workflows) : undefined;
    const concurrency = opts.concurrency ?? 2;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RunnerError('RUNNER_OPTIONS', `concurrency must be a positive integer (got ${concurrency})`);
    this.github = opts.github;
    this.owner = opts.repoOwner;
    this.repo = opts.repo;
    this.logger = opts.logger ?? silentLogger;
    this.nextRunId = opts.firstRunId ?? 1000;
    this.slotsFree = concurrency;
    const workDir = resolve(opts.workDir);
    mkdirSync(workDir, { recursive: true });
    const home = join(workDir, 'runner-home');
    mkdirSync(home, { recursive: true });
    this.source = new RepositorySource(join(workDir, 'source.git'), () => this.github.gitRemote(this.owner, this.repo), home);
    const standIns = new Map<string, StandIn>();
    for (const s of opts.standIns ?? builtinStandIns()) standIns.set(s.key.toLowerCase(), s);
    this.tools = new ToolServer(join(workDir, 'tools'));
    const passEnv: Record<string, string> = {};
    for (const k of PASS_ENV) if (process.env[k] !== undefined) passEnv[k] = process.env[k] as string;
    Object.assign(passEnv, opts.runnerEnv ?? {});
    this.env = {
      github: this.github,
      logger: this.logger,
      standIns,
      services: {
        github: this.github,
        artifacts: new ArtifactStore(join(workDir, 'artifacts')),
        cache: new CacheStore(join(workDir, 'cache')),
        npmCacheDir: opts.npmCacheDir ?? join(homedir(), '.npm'),
        registryDir: join(workDir, 'registry'),
      },
      hostPath: opts.hostPath ?? sanitizeHostPath(process.env.PATH ?? '/usr/bin:/bin', process.cwd()),
      passEnv,
      toolsDir: this.tools.binDir,
      jobsDir: join(workDir, 'jobs'),
      graceMs: opts.cancelGraceMs ?? 7500,
      keepWorkspaces: opts.keepWorkspaces ?? false,
      defaultPermissions: opts.defaultPermissions ?? 'restricted',
      acquireSlot: () => this.acquireSlot(),
    };
  }

  /** The directory holding an uploaded artifact's files, by artifact id (for the Pages backend). */
  artifactFiles(artifactId: number): string | undefined {
    return this.env.services.artifacts.filesOf(artifactId);
  }

  /** Every run so far, in creation order (live records). */
  runs(): WorkflowRunRecord[] {
    return this.all.map((h) => h.record);
  }

  /** Runs every event the GitHub delivers, until the returned function is called. */
  start(): () => void {
    this.unsubscribe?.();
    const off = this.github.onEvent((event, admission) => {
      this.track(this.handleEvent(event, admission)).catch((e: unknown) => this.logger.log({ type: 'annotation', run: placeholderRun(event), annotation: { level: 'error', message: errorMessage(e) } }));
    });
    this.unsubscribe = () => {
      off();
      this.unsubscribe = undefined;
    };
    return this.unsubscribe;
  }

  /** Resolves once no run is queued, pending or in progress (runs awaiting approval do not count). */
  async waitIdle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active]);
  }

  /** Stops the runner's helper server and event subscription. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.tools.close();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.active.add(p);
    const drop = (): void => {
      this.active.delete(p);
    };
    p.then(drop, drop);
    return p;
  }

  private changed(record: WorkflowRunRecord): void {
    try {
      this.github.runUpdated?.(record);
    } catch {
      // A reporting failure must not stop the run.
    }
  }

  private async acquireSlot(): Promise<() => void> {
    if (this.slotsFree > 0) this.slotsFree--;
    else await new Promise<void>((res) => this.slotQueue.push(res));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.slotQueue.shift();
      if (next) next();
      else this.slotsFree++;
    };
  }

  /**
   * The runs an event creates, resolved when every one of them has completed (a run
   * waiting for approval is complete with conclusion action_required).
   */
  handleEvent(event: RepositoryEvent, admission: RunAdmission): Promise<WorkflowRunRecord[]> {
    return this.track(this.handle(event, admission));
  }

  private async handle(event: RepositoryEvent, admission: RunAdmission): Promise<WorkflowRunRecord[]> {
    if (admission.kind === 'none') return [];
    if (event.owner.toLowerCase() !== this.owner.toLowerCase() || event.repo.toLowerCase() !== this.repo.toLowerCase()) return [];
    const files = await this.source.workflows(event.sha);
    const handles: RunHandle[] = [];
    let changed: readonly string[] | undefined | null = null;
    const changedFiles = async (): Promise<readonly string[] | undefined> => {
      if (changed === null) changed = await this.changedFilesOf(event);
      return changed;
    };
    for (const [path, content] of files) {
      if (this.only && !this.only.has(path)) continue;
      // A dispatch names one workflow file; no other workflow with a workflow_dispatch trigger runs.
      if (event.name === 'workflow_dispatch' && typeof event.payload.workflow === 'string' && event.payload.workflow !== path) continue;
      let model: WorkflowModel;
      try {
        model = await parseWorkflowFile(path, content);
      } catch (e) {
        if (triggersOf(content).includes(event.name) || (event.name === 'push' && triggersOf(content).length === 0)) handles.push(this.invalidRun(path, event, errorMessage(e)));
        continue;
      }
      const input = await this.triggerInput(event, model, changedFiles);
      if (!decideTrigger(model.events, input).run) continue;
      handles.push(this.createRun(model, event));
    }
    for (const h of handles) {
      if (h.record.status === 'completed') continue;
      if (admission.kind === 'approval_required') {
        h.record.status = 'completed';
        h.record.conclusion = 'action_required';
        h.record.approval_reason = admission.reason;
        this.awaitingApproval.set(h.record.id, h);
        this.logger.log({ type: 'run-action-required', run: h.record });
        this.changed(h.record);
        h.resolveDone(h.record);
      } else {
        void this.safeExecute(h);
      }
    }
    return Promise.all(handles.map((h) => h.done));
  }

  /** Runs a run that waited for "Approve workflows to run"; resolves when it completes. */
  approveRun(runId: number): Promise<WorkflowRunRecord> {
    const h = this.awaitingApproval.get(runId);
    if (!h) return Promise.reject(new RunnerError('RUNNER_UNKNOWN_RUN', `run ${runId} is not awaiting approval`));
    this.awaitingApproval.delete(runId);
    h.record.status = 'queued';
    h.record.conclusion = null;
    h.done = new Promise((res) => (h.resolveDone = res));
    return this.track(this.safeExecute(h));
  }

  /** Cancels a run (as "Cancel workflow" does); resolves when it has stopped. */
  async cancelRun(runId: number): Promise<WorkflowRunRecord> {
    const h = this.all.find((x) => x.record.id === runId);
    if (!h) throw new RunnerError('RUNNER_UNKNOWN_RUN', `no run ${runId}`);
    this.cancelHandle(h);
    return h.done;
  }

  private cancelHandle(h: RunHandle, annotation?: string): void {
    if (h.record.status === 'completed' || h.cancelled) return;
    h.cancelled = true;
    if (annotation) this.runAnnotation(h, { level: 'error', message: annotation });
    h.cancel.abort();
    // A run still waiting for its group never starts.
    h.wake?.(false);
  }

  private runAnnotation(h: RunHandle, a: RunAnnotation): void {
    h.record.annotations.push(a);
    this.logger.log({ type: 'annotation', run: h.record, annotation: a });
  }

  private async changedFilesOf(event: RepositoryEvent): Promise<readonly string[] | undefined> {
    if (event.changedFiles) return event.changedFiles;
    const p = event.payload;
    try {
      if (event.name === 'push') {
        const before = String(p.before ?? '');
        const after = String(p.after ?? event.sha);
        if (!before || ZERO_SHA.test(before)) return await this.source.filesOfCommit(after);
        return await this.source.changedFiles(before, after, false);
      }
      const pr = p.pull_request as { base?: { sha?: string }; head?: { sha?: string } } | undefined;
      if (pr?.base?.sha && pr.head?.sha) return await this.source.changedFiles(pr.base.sha, pr.head.sha, true);
    } catch {
      return undefined;
    }
    return undefined;
  }

  private async triggerInput(event: RepositoryEvent, model: WorkflowModel, changedFiles: () => Promise<readonly string[] | undefined>): Promise<TriggerInput> {
    const p = event.payload;
    const pr = p.pull_request as { base?: { ref?: string } } | undefined;
    const wr = p.workflow_run as { name?: string; head_branch?: string } | undefined;
    const cfg = model.events[event.name] as { paths?: unknown; 'paths-ignore'?: unknown } | undefined;
    const needsFiles = Boolean(cfg && (cfg.paths || cfg['paths-ignore']));
    return {
      name: event.name,
      action: typeof p.action === 'string' ? p.action : undefined,
      ref: event.ref,
      baseRef: pr?.base?.ref,
      workflowName: wr?.name,
      headBranch: wr?.head_branch,
      changedFiles: needsFiles ? await changedFiles() : undefined,
    };
  }

  private newHandle(record: WorkflowRunRecord, model: WorkflowModel, event: RepositoryEvent): RunHandle {
    let resolveDone!: (r: WorkflowRunRecord) => void;
    const done = new Promise<WorkflowRunRecord>((res) => (resolveDone = res));
    const h: RunHandle = { record, model, event, cancel: new AbortController(), cancelled: false, done, resolveDone };
    this.all.push(h);
    return h;
  }

  private baseRecord(path: string, workflow: string, event: RepositoryEvent): WorkflowRunRecord {
    const n = (this.runNumbers.get(path) ?? 0) + 1;
    this.runNumbers.set(path, n);
    return {
      id: this.nextRunId++,
      run_number: n,
      run_attempt: 1,
      workflow,
      path,
      event: event.name,
      action: typeof event.payload.action === 'string' ? event.payload.action : null,
      head_sha: event.sha,
      ref: event.ref,
      actor: event.actor.login,
      status: 'queued',
      conclusion: null,
      annotations: [],
      jobs: [],
      duration_ms: 0,
    };
  }

  private invalidRun(path: string, event: RepositoryEvent, message: string): RunHandle {
    const record = this.baseRecord(path, path, event);
    const h = this.newHandle(record, { path, name: path, events: {}, defaults: {}, jobs: [] }, event);
    record.status = 'completed';
    record.conclusion = 'failure';
    this.runAnnotation(h, { level: 'error', message, file: path });
    this.logger.log({ type: 'run-completed', run: record });
    this.changed(record);
    h.resolveDone(record);
    return h;
  }

  private createRun(model: WorkflowModel, event: RepositoryEvent): RunHandle {
    const record = this.baseRecord(model.path, model.name, event);
    const h = this.newHandle(record, model, event);
    this.logger.log({ type: 'run-queued', run: record });
    this.changed(record);
    return h;
  }

  private identityOf(h: RunHandle, payload: Record<string, unknown>): RunIdentity {
    return {
      runId: h.record.id,
      runNumber: h.record.run_number,
      runAttempt: h.record.run_attempt,
      workflowName: h.model.name,
      workflowPath: h.model.path,
      owner: this.owner,
      repo: this.repo,
      event: h.event,
      payload,
      serverUrl: this.github.serverUrl,
      apiUrl: this.github.apiUrl,
    };
  }

  private finishRun(h: RunHandle, started: number): WorkflowRunRecord {
    const r = h.record;
    r.status = 'completed';
    if (h.cancelled) r.conclusion = 'cancelled';
    else if (!r.conclusion) {
      // A job that failed (or timed out) fails the run unless continue-on-error let it pass.
      const results = [...(h.results?.values() ?? [])].map((x) => x.result);
      const failed = results.some((x) => x === 'failure' || x === 'cancelled');
      r.conclusion = failed ? 'failure' : results.length > 0 && results.every((x) => x === 'skipped') ? 'skipped' : 'success';
    }
    r.duration_ms = Date.now() - started;
    this.leaveGroup(h);
    this.logger.log({ type: 'run-completed', run: r });
    this.changed(r);
    h.resolveDone(r);
    return r;
  }

  /** Waits for the run's concurrency group; false when the run was cancelled while waiting. */
  private enterGroup(h: RunHandle, group: string, cancelInProgress: boolean): Promise<boolean> {
    const key = group.toLowerCase();
    const g = this.groups.get(key) ?? {};
    this.groups.set(key, g);
    h.group = key;
    h.record.concurrency = group;
    const message = `Canceling since a higher priority waiting request for '${group}' exists`;
    if (!g.running && !g.pending) {
      g.running = h;
      return Promise.resolve(true);
    }
    // At most one run waits per group: a newer one replaces (cancels) the waiting one.
    if (g.pending) this.cancelHandle(g.pending, message);
    if (cancelInProgress && g.running) this.cancelHandle(g.running, message);
    g.pending = h;
    h.record.status = 'pending';
    this.logger.log({ type: 'run-pending', run: h.record });
    this.changed(h.record);
    return new Promise<boolean>((res) => (h.wake = res));
  }

  private leaveGroup(h: RunHandle): void {
    if (!h.group) return;
    const g = this.groups.get(h.group);
    if (!g) return;
    if (g.pending === h) g.pending = undefined;
    if (g.running === h) {
      g.running = g.pending;
      g.pending = undefined;
      const next = g.running;
      if (next?.wake) {
        const wake = next.wake;
        next.wake = undefined;
        wake(true);
      }
    }
    if (!g.running && !g.pending) this.groups.delete(h.group);
  }

  /** A run always completes: a runner fault is recorded on the run instead of leaving it in progress. */
  private async safeExecute(h: RunHandle): Promise<WorkflowRunRecord> {
    const started = Date.now();
    try {
      return await this.execute(h);
    } catch (e) {
      this.runAnnotation(h, { level: 'error', message: `The runner failed: ${errorMessage(e)}` });
      h.record.conclusion = 'failure';
      return this.finishRun(h, started);
    }
  }

  private async execute(h: RunHandle): Promise<WorkflowRunRecord> {
    const started = Date.now();
    const { model, event } = h;
    const payload: Record<string, unknown> = structuredClone(event.payload);
    let inputs: Record<string, Json> = {};
    const vars = { ...this.github.variables(this.owner, this.repo) };
    const secrets = { ...this.github.secrets(this.owner, this.repo) };
    const identity = this.identityOf(h, payload);
    const fail = (message: string): WorkflowRunRecord => {
      this.runAnnotation(h, { level: 'error', message, file: model.path });
      h.record.conclusion = 'failure';
      return this.finishRun(h, started);
    };
    try {
      if (event.name === 'workflow_dispatch') {
        const cfg = (model.events.workflow_dispatch as { inputs?: Record<string, DispatchInputConfig> } | undefined)?.inputs;
        const resolved = resolveDispatchInputs(cfg, (payload.inputs as Record<string, unknown> | undefined) ?? {});
        inputs = resolved.inputs;
        payload.inputs = resolved.eventInputs;
      }
    } catch (e) {
      return fail(errorMessage(e));
    }
    const baseCtx = { github: githubContext(identity), inputs, vars };
    let workflowEnv: Record<string, string>;
    try {
      workflowEnv = evaluateStringMap(model.env, { ...baseCtx, secrets }, {}, 'env');
    } catch (e) {
      return fail(`Error when evaluating 'env'. ${errorMessage(e)}`);
    }
    if (model.concurrency) {
      let group = '';
      let cancelInProgress = false;
      try {
        const c = evaluateToken(model.concurrency, baseCtx);
        if (typeof c === 'object' && c !== null && !Array.isArray(c)) {
          group = stringOf(c.group ?? '');
          cancelInProgress = c['cancel-in-progress'] === true || c['cancel-in-progress'] === 'true';
        } else group = stringOf(c);
      } catch (e) {
        return fail(`Error when evaluating 'concurrency'. ${errorMessage(e)}`);
      }
      if (group && !(await this.enterGroup(h, group, cancelInProgress))) return this.finishRun(h, started);
    }
    try {
      topologicalOrder(model.jobs);
    } catch (e) {
      return fail(errorMessage(e));
    }
    const state: RunState = {
      record: h.record,
      model,
      identity,
      workflowEnv,
      inputs,
      vars,
      secrets,
      get cancelled() {
        return h.cancelled;
      },
      set cancelled(v: boolean) {
        h.cancelled = v;
      },
      cancel: h.cancel,
      extras: { images: [], codeScanning: [], logins: new Map() },
      results: new Map(),
      changed: () => this.changed(h.record),
    };
    h.results = state.results;
    h.record.status = 'in_progress';
    this.logger.log({ type: 'run-started', run: h.record });
    this.changed(h.record);
    const runtimes = new Map(model.jobs.map((j) => [j.id, new JobRuntime(this.env, state, j)]));
    h.record.jobs = [...runtimes.values()].map((r) => r.record);
    await this.runJobs(model, state, runtimes);
    const artifacts = this.env.services.artifacts.list(h.record.id).map((a) => a.name);
    if (artifacts.length) h.record.artifacts = artifacts;
    if (state.extras.codeScanning.length) h.record.code_scanning = state.extras.codeScanning;
    if (state.extras.images.length) h.record.images = state.extras.images;
    return this.finishRun(h, started);
  }

  /** Jobs in `needs` order; independent ones at once (the runner slots bound how many run). */
  private async runJobs(model: WorkflowModel, state: RunState, runtimes: Map<string, JobRuntime>): Promise<void> {
    const started = new Map<string, Promise<void>>();
    const start = (id: string): Promise<void> => {
      const existing = started.get(id);
      if (existing) return existing;
      const job = model.jobs.find((j) => j.id === id);
      const p = (async () => {
        await Promise.all((job?.needs ?? []).map((n) => start(n)));
        const rt = runtimes.get(id) as JobRuntime;
        const res = await rt.execute();
        state.results.set(id, res);
      })();
      started.set(id, p);
      return p;
    };
    await Promise.all(model.jobs.map((j) => start(j.id)));
  }
}

/** The events a workflow file names in `on:`, read leniently (for files GitHub's parser refuses). */
export function triggersOf(content: string): string[] {
  try {
    const doc = parseYaml(content) as Record<string, unknown> | null;
    const on = doc?.on ?? doc?.true;
    if (typeof on === 'string') return [on];
    if (Array.isArray(on)) return on.map(String);
    if (on && typeof on === 'object') return Object.keys(on);
  } catch {
    return [];
  }
  return [];
}

function placeholderRun(event: RepositoryEvent): WorkflowRunRecord {
  return { id: 0, run_number: 0, run_attempt: 1, workflow: '', path: '', event: event.name, action: null, head_sha: event.sha, ref: event.ref, actor: event.actor.login, status: 'completed', conclusion: 'failure', annotations: [], jobs: [], duration_ms: 0 };
}
