import autocannon from 'autocannon';
import { loadLevel } from './qa.js';
import type { LoadLevel } from './qa.js';

/**
 * The qa role's load test: autocannon against `POST /v1/predict` at each concurrency
 * level in turn. Every request carries a text no other request sent (a review sentence
 * and a counter), so the service's prediction cache never answers and each request runs
 * the model. Percentiles are computed from every answer's own latency (autocannon's
 * histogram keeps whole milliseconds and has no p95).
 */

export const LOAD_PATH = '/v1/predict';

const SENTENCES = [
  'A warm, funny and beautifully acted film',
  'Dull, slow and far too long',
  'The plot falls apart in the second half but the cast keeps it watchable',
  'not bad at all',
  'One of the best things I have seen this year, and I would watch it again tomorrow',
  'I wanted to like it, I really did, yet it never finds its rhythm',
  'Sharp writing',
  'An overlong, joyless slog with nothing new to say about anything',
];

/** A request body with a text that was never sent before (the n-th of the run). */
export function loadBody(n: number): string {
  return JSON.stringify({ text: `${SENTENCES[n % SENTENCES.length] as string} (review ${n})` });
}

export interface LoadOptions {
  connections: readonly number[];
  durationSeconds: number;
  /** Requests sent at 1 connection before the measured levels (JIT, caches, threads), not reported. */
  warmupRequests?: number;
}

async function level(base: string, o: { connections: number; duration?: number; amount?: number }, next: () => number): Promise<LoadLevel> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: `${base}${LOAD_PATH}`,
    connections: o.connections,
    ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.duration ?? 1 }),
    timeout: 10,
    requests: [{ method: 'POST', path: LOAD_PATH, headers: { 'content-type': 'application/json' }, setupRequest: (r) => ({ ...r, body: loadBody(next()) }) }],
  });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const r = await instance;
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
  return loadLevel(o.connections, r.duration, latencies, { errors: Math.max(0, r.errors - r.timeouts), timeouts: r.timeouts, non2xx: r.non2xx, statusCodes });
}

/** Runs the levels in increasing order of connections. */
export async function runLoad(base: string, o: LoadOptions): Promise<LoadLevel[]> {
  let n = 0;
  const next = (): number => n++;
  if ((o.warmupRequests ?? 200) > 0) await level(base, { connections: 1, amount: o.warmupRequests ?? 200 }, next);
  const out: LoadLevel[] = [];
  for (const c of o.connections) out.push(await level(base, { connections: c, duration: o.durationSeconds }, next));
  return out;
}
