/**
 * Parses the text wrk (https://github.com/wg/wrk, 4.x) prints after a run with
 * `--latency`. Pure, so it is unit-tested on recorded output; wrk has no machine-readable
 * output mode without a Lua `done()` hook, and its summary text is stable.
 */

export interface WrkSocketErrors {
  connect: number;
  read: number;
  write: number;
  timeout: number;
}

export interface WrkResult {
  /** Completed requests (any status). */
  requests: number;
  durationS: number;
  requestsPerSec: number;
  /** From the "Latency Distribution" block, in milliseconds. */
  latencyMs: { p50: number; p75: number; p90: number; p95?: number; p99: number };
  /** Responses with a status outside 2xx/3xx. */
  non2xx: number;
  socketErrors: WrkSocketErrors;
  /** non2xx plus every socket error: anything that was not a good answer. */
  errors: number;
}

/** wrk's time units (format_time in wrk's units.c), as milliseconds. */
const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export class WrkOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrkOutputError';
  }
}

/** "756.00us" → 0.756; "1.43ms" → 1.43; "2.10s" → 2100. */
export function parseWrkTime(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new WrkOutputError(`not a wrk time value: ${JSON.stringify(text)}`);
  return Number(m[1]) * (TIME_UNITS_MS[m[2] as string] as number);
}

function match(output: string, re: RegExp, what: string): RegExpExecArray {
  const m = re.exec(output);
  if (!m) throw new WrkOutputError(`wrk output has no ${what} (was --latency passed? did wrk fail?):\n${output.slice(0, 500)}`);
  return m;
}

function percentile(output: string, p: number): number {
  // Only inside the distribution block: the "Thread Stats" rows also end in "%".
  const block = match(output, /Latency Distribution\n((?:\s+\d+(?:\.\d+)?%\s+\S+\n?)+)/, 'latency distribution').at(1) as string;
  const row = new RegExp(`^\\s*${p}(?:\\.0+)?%\\s+(\\S+)`, 'm').exec(block);
  if (!row) throw new WrkOutputError(`wrk latency distribution has no ${p}% row`);
  return parseWrkTime(row[1] as string);
}

function socketErrors(output: string): WrkSocketErrors {
  // The line is absent when there were none.
  const m = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  if (!m) return { connect: 0, read: 0, write: 0, timeout: 0 };
  return { connect: Number(m[1]), read: Number(m[2]), write: Number(m[3]), timeout: Number(m[4]) };
}

/** The p95 line bench/wrk-predict.lua's done() prints (absent with other scripts). */
function p95(output: string): { p95?: number } {
  const m = /^Latency p95: (\d+)us$/m.exec(output);
  return m ? { p95: Number(m[1]) / 1000 } : {};
}

export function parseWrkOutput(output: string): WrkResult {
  const total = match(output, /^\s*(\d+) requests in ([\d.]+(?:us|ms|s|m|h)),/m, '"N requests in T" line');
  const rps = match(output, /^Requests\/sec:\s+([\d.]+)/m, '"Requests/sec" line');
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const sockets = socketErrors(output);
  return {
    requests: Number(total[1]),
    durationS: parseWrkTime(total[2] as string) / 1000,
    requestsPerSec: Number(rps[1]),
    latencyMs: { p50: percentile(output, 50), p75: percentile(output, 75), p90: percentile(output, 90), p99: percentile(output, 99), ...p95(output) },
    non2xx,
    socketErrors: sockets,
    errors: non2xx + sockets.connect + sockets.read + sockets.write + sockets.timeout,
  };
}
