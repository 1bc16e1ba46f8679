import type { GitHub, RepoRef } from './github.js';
import { readArtifact } from './model-checks.js';
import { budgetFromPullBody, decideQa, parseBudgetInput, renderQaSummary } from './qa.js';
import type { ContractResult, LatencyBudget, QaDecision, QaRun } from './qa.js';
import { runContract } from './qa-contract.js';
import { LOAD_PATH, runLoad } from './qa-load.js';
import { startService } from './qa-service.js';
import type { ServiceHandle } from './qa-service.js';
import { reportVerdict } from './review-checks.js';

/**
 * The qa role: the PR's artifact behind the real service (a child process on loopback),
 * the API contract against it, a load test, and the verdict as the check run
 * gitops-ml/qa with the QA and API tasks ticked. See qa.ts for the gate.
 */

export const QA_CHECK = 'gitops-ml/qa';

export interface QaInputs {
  artifactDir: string;
  /** The compiled service entry (built by the step before the action). */
  serviceEntry: string;
  connections: readonly number[];
  durationSeconds: number;
  budget: LatencyBudget;
  warmupRequests?: number;
  logDir?: string;
  /** Progress lines for the job log. */
  log?: (line: string) => void;
}

export interface QaOutcome {
  run: QaRun;
  decision: QaDecision;
  summary: string;
  /** Where the service's log went (for the job log on failure). */
  serviceLog?: string;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The budget: the input when given, else the line the orchestrator wrote in the PR's body
 * from the issue form's answer (the event's copy of the body, else the PR read back).
 */
export async function resolveBudget(gh: GitHub, w: RepoRef & { pullNumber: number }, input: string, eventBody?: string | null): Promise<LatencyBudget> {
  const given = parseBudgetInput(input);
  if (given !== undefined) return { ms: given, source: 'the latency-budget-ms input' };
  const fromEvent = budgetFromPullBody(eventBody);
  if (fromEvent !== undefined) return { ms: fromEvent, source: `the model request, in the body of PR #${w.pullNumber}` };
  try {
    const { data } = await gh.rest.pulls.get({ owner: w.owner, repo: w.repo, pull_number: w.pullNumber });
    const ms = budgetFromPullBody(data.body);
    if (ms !== undefined) return { ms, source: `the model request, in the body of PR #${w.pullNumber}` };
  } catch (err) {
    return { source: `the latency-budget-ms input is empty and PR #${w.pullNumber} could not be read (${message(err)})` };
  }
  return { source: `the latency-budget-ms input is empty and the body of PR #${w.pullNumber} has no "Latency budget from the request" line` };
}

/** Everything but GitHub: artifact → service → contract → load → stop. Never throws; a step that cannot run is a failure in the verdict. */
export async function runQa(i: QaInputs): Promise<QaOutcome> {
  const run: QaRun = { contract: [], load: [], budget: i.budget, loadRequest: `POST ${LOAD_PATH}` };
  let service: ServiceHandle | undefined;
  let t = performance.now();
  const step = (what: string): void => {
    const now = performance.now();
    i.log?.(`${what} (${((now - t) / 1000).toFixed(1)} s)`);
    t = now;
  };
  try {
    if (i.artifactDir.trim() === '') throw new Error('no artifact directory: the train job wrote none (its log says why)');
    const m = readArtifact(i.artifactDir);
    run.model = { name: m.name, version: m.version };
    service = await startService({ entry: i.serviceEntry, modelDir: i.artifactDir, ...(i.logDir ? { logDir: i.logDir } : {}) });
    step(`the service is ready at ${service.base} with ${m.name} ${m.version}; its log: ${service.logFile}`);
    const c = service.config;
    run.service = `\`${i.serviceEntry}\` on Node.js ${service.node.version}, ${c.inferenceThreads} inference ${c.inferenceThreads === 1 ? 'thread' : 'threads'}, micro-batches of up to ${c.batchMaxSize}, cache ${c.cacheSize} entries, per-client rate limit off`;
    run.contract = await runContract(service.base, { model: run.model, maxTextLength: c.maxTextLength, maxBatch: c.maxBatch, bodyLimit: c.bodyLimit });
    step(`API contract: ${run.contract.filter((r) => r.pass).length} of ${run.contract.length} cases pass`);
    try {
      run.load = await runLoad(service.base, { connections: i.connections, durationSeconds: i.durationSeconds, ...(i.warmupRequests !== undefined ? { warmupRequests: i.warmupRequests } : {}) });
      step(`load test: ${run.load.map((l) => `${l.connections} conn. p95 ${l.p95_ms.toFixed(2)} ms, ${l.throughput.toFixed(0)} req/s`).join('; ')}`);
    } catch (err) {
      run.loadError = message(err);
    }
  } catch (err) {
    run.setupError = `${run.model ? 'The service could not be tested' : 'The artifact could not be read'}: ${message(err)}`;
  } finally {
    if (service) {
      run.contract.push(shutdownResult(await service.stop()));
      step('the service stopped');
    }
  }
  const decision = decideQa(run);
  return { run, decision, summary: renderQaSummary(run, decision), ...(service ? { serviceLog: service.logFile } : {}) };
}

function shutdownResult(e: { code: number | null; signal: NodeJS.Signals | null; killed: boolean }): ContractResult {
  const pass = e.code === 0 && !e.killed;
  const detail = e.killed ? 'still running after the grace period: killed' : e.code !== null ? `exited ${e.code}` : `ended by ${e.signal ?? 'unknown'}`;
  return { id: 'shutdown', area: 'operations', name: 'graceful shutdown', request: 'SIGTERM', expected: 'in-flight requests finish, exit 0', pass, detail };
}

/** The check run, and the QA and API tasks ticked (done, or failed with the title as the note). */
export async function reportQa(gh: GitHub, w: RepoRef & { pullNumber: number; headSha: string }, o: QaOutcome): Promise<void> {
  await reportVerdict(gh, w, QA_CHECK, ['qa', 'api'], { pass: o.decision.pass, title: o.decision.title, summary: o.summary });
}
