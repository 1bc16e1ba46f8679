import { budgetFromPullBody, decideQa, loadLevel, parseBudgetInput, parseConnections, parseDuration, renderQaSummary } from '../../actions/shared/src/qa.js';
import type { ContractResult, LoadLevel, QaRun } from '../../actions/shared/src/qa.js';
import { markdownlint } from '../helpers/markdownlint.js';

const ok = (id: string, area: ContractResult['area'] = 'v1'): ContractResult => ({ id, area, name: id, request: `GET /${id}`, expected: '200', status: 200, pass: true });
const level = (connections: number, p95: number, extra: Partial<LoadLevel> = {}): LoadLevel => ({ connections, seconds: 5, requests: 1000, throughput: 200, p50_ms: p95 / 2, p95_ms: p95, p99_ms: p95 * 1.5, errors: 0, timeouts: 0, non2xx: 0, statusCodes: { 200: 1000 }, ...extra });
const green = (): QaRun => ({
  model: { name: 'sentiment', version: '0.1.0' },
  service: '`dist/service/server.js`, 3 inference threads',
  contract: [ok('healthz', 'operations'), ok('v1-single'), ok('v2-infer', 'v2')],
  load: [level(1, 2.5), level(16, 30), level(64, 120)],
  loadRequest: 'POST /v1/predict',
  budget: { ms: 10, source: 'the model request, in the body of PR #9' },
});

describe('qa gate', () => {
  it('passes a clean run: the budget applies to the lowest level only (64 connections at 120 ms is not a failure)', () => {
    const d = decideQa(green());
    expect(d).toEqual({ pass: true, title: '3 API checks pass; p95 2.50 ms ≤ 10 ms at 1 connection', reasons: [] });
  });

  it('fails when the p95 at the lowest level exceeds the budget, and says by how much and where the budget came from', () => {
    const d = decideQa({ ...green(), load: [level(1, 12.34), level(16, 30)] });
    expect(d.pass).toBe(false);
    expect(d.title).toBe('p95 12.3 ms over the 10 ms budget');
    expect(d.reasons.map((r) => r.detail)).toEqual(['Latency over budget: p95 at 1 connection is 12.3 ms, over the budget of 10 ms (the model request, in the body of PR #9).']);
  });

  it('fails on a contract case that fails, naming it, and counts the 5xx among them', () => {
    const bad: ContractResult = { id: 'v1-empty', area: 'v1', name: 'empty text', request: 'POST /v1/predict', expected: '422 invalid-request', status: 500, pass: false, detail: 'server error (expected status 422 (invalid-request))' };
    const d = decideQa({ ...green(), contract: [...green().contract, bad] });
    expect(d.pass).toBe(false);
    expect(d.title).toBe('1 API contract case fails');
    expect(d.reasons[0]?.detail).toBe('1 of 4 API contract cases fail (1 server error, 5xx): v1 empty text.');
  });

  it('fails on errors under load at any level, with the status codes, even when the latency is fine', () => {
    const d = decideQa({ ...green(), load: [level(1, 1), level(16, 2, { errors: 2, timeouts: 1, non2xx: 7, statusCodes: { 200: 993, 503: 5, 429: 2 } })] });
    expect(d.pass).toBe(false);
    expect(d.title).toBe('errors under load');
    expect(d.reasons[0]?.detail).toBe('Requests failed under load: at 16 connections, 2 connection errors, 1 timeout, 7 non-2xx answers (429 ×2, 503 ×5).');
  });

  it('never passes without a budget, without load results or without contract results', () => {
    expect(decideQa({ ...green(), budget: { source: 'the input is empty' } })).toMatchObject({ pass: false, title: 'no latency budget' });
    expect(decideQa({ ...green(), load: [], loadError: 'boom' }).reasons.map((r) => r.detail)).toEqual(['The load test failed: boom']);
    expect(decideQa({ ...green(), contract: [] })).toMatchObject({ pass: false, title: 'no API contract cases ran' });
    expect(decideQa({ ...green(), load: [level(1, Number.NaN, { requests: 0, statusCodes: {} })] }).reasons.map((r) => r.short)).toEqual(['no answers under load']);
    // Set-up failures say what went wrong and nothing else about what was not measured.
    const setup = decideQa({ contract: [], load: [], budget: { ms: 10, source: 'input' }, setupError: 'The service could not be tested: dist/service/server.js does not exist' });
    expect(setup).toMatchObject({ pass: false, title: 'not tested' });
    expect(setup.reasons).toHaveLength(1);
  });

  it('several failures are all listed, in the title too (the checklist note)', () => {
    const d = decideQa({ ...green(), contract: [{ ...ok('v2-infer', 'v2'), pass: false, status: 404 }], load: [level(1, 50, { non2xx: 1, statusCodes: { 200: 999, 500: 1 } })] });
    expect(d.title).toBe('1 API contract case fails; errors under load; p95 50.0 ms over the 10 ms budget');
  });
});

describe('qa summary (Markdown)', () => {
  it('has the gate, the contract table and the load table, and lints clean', async () => {
    const run = green();
    const text = renderQaSummary(run);
    expect(text).toContain('Model `sentiment` 0.1.0 behind the real service (`dist/service/server.js`, 3 inference threads), on loopback.');
    expect(text).toContain('within the latency budget: **10 ms** (the model request, in the body of PR #9)');
    expect(text).toContain('**Result: pass.**');
    expect(text).toContain('#### API contract: 3 of 3 pass');
    expect(text).toContain('| ✅ pass | v1 | v1-single | `GET /v1-single` | 200 | 200 |');
    expect(text).toContain('| Connections | Seconds | Requests | Throughput (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | Errors | Timeouts | Non-2xx |');
    expect(text).toContain('| 1 | 5.0 | 1000 | 200 | 1.25 | 2.50 | 3.75 | 0 | 0 | 0 |');
    expect(text).toContain('| 64 | 5.0 | 1000 | 200 | 60.0 | 120.0 | 180.0 | 0 | 0 | 0 |');
    // A fragment under the check run's own title: no top-level heading of its own.
    expect((await (await markdownlint())(`${text}\n`)).filter((e) => !e.includes('MD041'))).toEqual([]);
  });

  it('a failing run lists the reasons; an answer with pipes and newlines cannot break the table', () => {
    const bad: ContractResult = { id: 'x', area: 'v2', name: 'a | b', request: 'POST /v2/models/m/infer', expected: '400 {"error"}', status: 200, pass: false, detail: 'expected status 400\nthen | more' };
    const shutdown: ContractResult = { id: 'shutdown', area: 'operations', name: 'graceful shutdown', request: 'SIGTERM', expected: 'exit 0', pass: false, detail: 'exited 1' };
    const text = renderQaSummary({ ...green(), contract: [bad, shutdown] });
    expect(text).toContain('**Result: fail.**');
    expect(text).toContain('- 2 of 2 API contract cases fail: v2 a | b; operations graceful shutdown.');
    expect(text).toContain('| ❌ fail | v2 | a \\| b | `POST /v2/models/m/infer` | 400 {"error"} | 200: expected status 400 then \\| more |');
    expect(text).toContain('| ❌ fail | operations | graceful shutdown | `SIGTERM` | exit 0 | exited 1 |');
  });
});

describe('qa inputs', () => {
  it('reads the budget line the orchestrator writes in the PR body', () => {
    expect(budgetFromPullBody('Closes #3.\n\nLatency budget from the request: 100 ms p95.')).toBe(100);
    expect(budgetFromPullBody('Latency budget from the request: 2.5ms p95.')).toBe(2.5);
    expect(budgetFromPullBody('Latency budget from the request: 0 ms p95.')).toBeUndefined();
    expect(budgetFromPullBody('Latency budget from the request: 1.2.3 ms p95.')).toBeUndefined();
    expect(budgetFromPullBody(null)).toBeUndefined();
  });

  it('validates the inputs instead of ignoring a wrong value', () => {
    expect(parseBudgetInput('')).toBeUndefined();
    expect(parseBudgetInput(' 50 ')).toBe(50);
    expect(parseBudgetInput('7.5 ms')).toBe(7.5);
    expect(() => parseBudgetInput('fast')).toThrow('latency-budget-ms: "fast" is not a positive number of milliseconds');
    expect(() => parseBudgetInput('0')).toThrow(/not a positive number/);
    expect(parseConnections('64, 1,16,1')).toEqual([1, 16, 64]);
    expect(() => parseConnections('1,x')).toThrow(/integers from 1 to 1024/);
    expect(() => parseConnections('')).toThrow(/integers from 1 to 1024/);
    expect(parseDuration('5')).toBe(5);
    expect(() => parseDuration('0')).toThrow(/from 1 to 300/);
  });

  it('turns answers into a level: nearest-rank percentiles, throughput per measured second', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(loadLevel(4, 2, latencies, { errors: 0, timeouts: 0, non2xx: 0, statusCodes: { 200: 100 } })).toEqual({ connections: 4, seconds: 2, requests: 100, throughput: 50, p50_ms: 50, p95_ms: 95, p99_ms: 99, errors: 0, timeouts: 0, non2xx: 0, statusCodes: { 200: 100 } });
  });
});
