import { summarizeLatencies } from '../../../model/eval/latency.js';

/**
 * The qa role's pure part: what the API contract cases and the load levels measured
 * against the live service, the gate decided on them, and the Markdown of the check run.
 * No I/O here (qa-contract.ts, qa-load.ts and qa-service.ts do it), so every verdict,
 * failing ones included, is unit-tested on plain data.
 *
 * The gate: every contract case passes (none answered 5xx); at every load level no
 * request failed (connection errors, timeouts, non-2xx answers) and at least one
 * completed; and the p95 latency at the LOWEST concurrency level is within the latency
 * budget of the model request. That level is the latency one client sees without
 * queueing behind others, which is what the request's "ms p95" means; the higher levels
 * show throughput and queueing on the runner's cores, are reported, and gate only on
 * errors. No budget at all is a failure, never a pass.
 */

export type ContractArea = 'operations' | 'v1' | 'v2';

export interface ContractResult {
  id: string;
  area: ContractArea;
  name: string;
  /** "POST /v1/predict" */
  request: string;
  expected: string;
  /** HTTP status received; undefined when no answer came (connection refused, timeout). */
  status?: number;
  pass: boolean;
  /** Why it failed (or a note on a pass). */
  detail?: string;
}

export interface LoadLevel {
  connections: number;
  /** Seconds the level ran, as measured. */
  seconds: number;
  /** Answers received (any status). */
  requests: number;
  /** Answers per second. */
  throughput: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** Connection errors (refused, reset, …), timeouts are counted apart. */
  errors: number;
  timeouts: number;
  /** Answers with a status outside 2xx. */
  non2xx: number;
  /** Answers by status code. */
  statusCodes: Record<string, number>;
}

export interface LatencyBudget {
  ms?: number;
  /** Where it came from, for the summary ("input latency-budget-ms", "the PR's request"). */
  source: string;
}

export interface QaRun {
  model?: { name: string; version: string };
  /** How the service ran ("dist/service/server.js, 3 inference threads"). */
  service?: string;
  /** Set when the role could not get as far as testing (no artifact, the service did not start). */
  setupError?: string;
  /** Set when the load test itself could not run. */
  loadError?: string;
  contract: ContractResult[];
  load: LoadLevel[];
  /** The load test's request, for the table heading. */
  loadRequest?: string;
  budget: LatencyBudget;
}

export interface QaReason {
  /** A few words for the check title and the checklist note. */
  short: string;
  detail: string;
}

export interface QaDecision {
  pass: boolean;
  title: string;
  reasons: QaReason[];
}

/** What the orchestrator writes in the model PR's body from the issue form's answer. */
const BUDGET_LINE = /Latency budget from the request:\s*([\d.]+)\s*ms\b/i;

/** The latency budget (ms) in a model PR's body, as the orchestrator writes it; undefined when absent. */
export function budgetFromPullBody(body: string | null | undefined): number | undefined {
  const m = BUDGET_LINE.exec(body ?? '');
  const ms = m ? Number(m[1]) : undefined;
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** A budget given as an input (milliseconds); a value that is not a positive number is refused, not ignored. */
export function parseBudgetInput(raw: string): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const m = /^([\d.]+)\s*(ms)?$/i.exec(text);
  const ms = m ? Number(m[1]) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`latency-budget-ms: "${raw}" is not a positive number of milliseconds`);
  return ms;
}

/** "1,16,64" → [1, 16, 64]: distinct, increasing, each 1 to 1024. */
export function parseConnections(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const levels = parts.map(Number);
  if (levels.length === 0 || levels.some((n) => !Number.isInteger(n) || n < 1 || n > 1024)) throw new Error(`connections: "${raw}" must be a comma-separated list of integers from 1 to 1024`);
  return [...new Set(levels)].sort((a, b) => a - b);
}

/** Seconds per load level: 1 to 300. */
export function parseDuration(raw: string): number {
  const s = Number(raw.trim());
  if (!Number.isFinite(s) || s < 1 || s > 300) throw new Error(`duration-seconds: "${raw}" must be a number of seconds from 1 to 300`);
  return s;
}

/** One load level from the answers' latencies and the load generator's counts. */
export function loadLevel(connections: number, seconds: number, latenciesMs: ArrayLike<number>, counts: { errors: number; timeouts: number; non2xx: number; statusCodes: Record<string, number> }): LoadLevel {
  const s = summarizeLatencies(latenciesMs);
  const requests = latenciesMs.length;
  return {
    connections,
    seconds,
    requests,
    throughput: seconds > 0 ? requests / seconds : 0,
    p50_ms: s.p50_ms,
    p95_ms: s.p95_ms,
    p99_ms: s.p99_ms,
    errors: counts.errors,
    timeouts: counts.timeouts,
    non2xx: counts.non2xx,
    statusCodes: counts.statusCodes,
  };
}

const ms = (v: number): string => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : 'n/a');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function loadProblems(l: LoadLevel): string[] {
  const out: string[] = [];
  if (l.errors) out.push(plural(l.errors, 'connection error'));
  if (l.timeouts) out.push(plural(l.timeouts, 'timeout'));
  if (l.non2xx) {
    const codes = Object.entries(l.statusCodes)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ');
    out.push(`${plural(l.non2xx, 'non-2xx answer')}${codes ? ` (${codes})` : ''}`);
  }
  return out;
}

/** The gate (see the module comment): pass only when every part was measured and is within bounds. */
export function decideQa(run: QaRun): QaDecision {
  const reasons: QaReason[] = [];
  if (run.setupError) reasons.push({ short: 'not tested', detail: run.setupError });
  const failed = run.contract.filter((c) => !c.pass);
  const serverErrors = run.contract.filter((c) => (c.status ?? 0) >= 500);
  if (failed.length) {
    reasons.push({
      short: `${failed.length} API contract ${failed.length === 1 ? 'case fails' : 'cases fail'}`,
      detail: `${failed.length} of ${run.contract.length} API contract cases fail${serverErrors.length ? ` (${plural(serverErrors.length, 'server error')}, 5xx)` : ''}: ${failed.map((c) => `${c.area} ${c.name}`).join('; ')}.`,
    });
  } else if (!run.setupError && run.contract.length === 0) {
    reasons.push({ short: 'no API contract cases ran', detail: 'No API contract case ran.' });
  }
  if (!run.setupError && run.load.length === 0) reasons.push({ short: 'no load test', detail: run.loadError ? `The load test failed: ${run.loadError}` : 'The load test did not run.' });
  const broken = run.load.map((l) => ({ l, problems: loadProblems(l) })).filter((x) => x.problems.length > 0);
  if (broken.length) {
    reasons.push({
      short: 'errors under load',
      detail: `Requests failed under load: ${broken.map(({ l, problems }) => `at ${plural(l.connections, 'connection')}, ${problems.join(', ')}`).join('; ')}.`,
    });
  }
  const empty = run.load.filter((l) => l.requests === 0);
  if (empty.length) reasons.push({ short: 'no answers under load', detail: `No request completed at ${empty.map((l) => plural(l.connections, 'connection')).join(', ')}.` });
  const lowest = run.load[0];
  if (run.budget.ms === undefined) {
    reasons.push({ short: 'no latency budget', detail: `No latency budget: ${run.budget.source}. Pass the latency-budget-ms input, or keep the line "Latency budget from the request: N ms p95." the orchestrator writes in the PR body.` });
  } else if (lowest && lowest.requests > 0 && !(lowest.p95_ms <= run.budget.ms)) {
    reasons.push({
      short: `p95 ${ms(lowest.p95_ms)} ms over the ${run.budget.ms} ms budget`,
      detail: `Latency over budget: p95 at ${plural(lowest.connections, 'connection')} is ${ms(lowest.p95_ms)} ms, over the budget of ${run.budget.ms} ms (${run.budget.source}).`,
    });
  }
  const pass = reasons.length === 0;
  const title = pass
    ? `${run.contract.length} API checks pass; p95 ${ms(lowest?.p95_ms ?? Number.NaN)} ms ≤ ${run.budget.ms} ms at ${plural(lowest?.connections ?? 0, 'connection')}`
    : reasons.map((r) => r.short).join('; ');
  return { pass, title, reasons };
}

/** Table cells: no pipes or line breaks from a server's answer may break the table. */
const cell = (s: string): string => s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').slice(0, 300);

/** The check run's summary (and the job summary): the gate, the reasons, the contract table, the load table. */
export function renderQaSummary(run: QaRun, d: QaDecision = decideQa(run)): string {
  const lines: string[] = [];
  const what = run.model ? `Model \`${run.model.name}\` ${run.model.version}` : 'The model';
  lines.push(`${what} behind the real service${run.service ? ` (${run.service})` : ''}, on loopback.`);
  lines.push('');
  const budget = run.budget.ms !== undefined ? `**${run.budget.ms} ms** (${run.budget.source})` : `**none** (${run.budget.source})`;
  lines.push(`**Gate:** every API contract case passes and none answers 5xx; no connection errors, timeouts or non-2xx answers at any load level; p95 latency at the lowest level within the latency budget: ${budget}.`);
  lines.push('');
  lines.push(d.pass ? '**Result: pass.**' : '**Result: fail.**');
  if (d.reasons.length) {
    lines.push('');
    for (const r of d.reasons) lines.push(`- ${r.detail}`);
  }
  if (run.contract.length) {
    const passed = run.contract.filter((c) => c.pass).length;
    lines.push('', `#### API contract: ${passed} of ${run.contract.length} pass`, '');
    lines.push('| Result | Area | Case | Request | Expected | Got |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of run.contract) {
      const got = c.status !== undefined ? `${c.status}${c.detail ? `: ${c.detail}` : ''}` : (c.detail ?? 'no answer');
      lines.push(`| ${c.pass ? '✅ pass' : '❌ fail'} | ${c.area} | ${cell(c.name)} | \`${cell(c.request)}\` | ${cell(c.expected)} | ${cell(got)} |`);
    }
  }
  if (run.load.length) {
    lines.push('', `#### Load: ${run.loadRequest ? `\`${cell(run.loadRequest)}\`` : 'the predict endpoint'}, a distinct text per request`, '');
    lines.push('| Connections | Seconds | Requests | Throughput (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | Errors | Timeouts | Non-2xx |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const l of run.load) {
      lines.push(`| ${l.connections} | ${l.seconds.toFixed(1)} | ${l.requests} | ${l.throughput.toFixed(0)} | ${ms(l.p50_ms)} | ${ms(l.p95_ms)} | ${ms(l.p99_ms)} | ${l.errors} | ${l.timeouts} | ${l.non2xx} |`);
    }
    lines.push('', `The latency budget applies to the first row (${plural(run.load[0]?.connections ?? 0, 'connection')}); the other rows gate on errors only.`);
  }
  return lines.join('\n');
}
