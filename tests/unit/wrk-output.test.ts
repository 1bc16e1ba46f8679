// Parser only, on output recorded from wrk 4.1.0 (Debian) against bench/floor-server
// and against a test server that answers some 503s and resets some connections.
import { parseWrkOutput, parseWrkTime, WrkOutputError } from '../../bench/wrk-output.js';

const CLEAN = [
  'Running 3s test @ http://127.0.0.1:18765/v1/predict',
  '  2 threads and 16 connections',
  '  Thread Stats   Avg      Stdev     Max   +/- Stdev',
  '    Latency     1.70ms    3.65ms  74.90ms   94.74%',
  '    Req/Sec     8.17k     3.84k   17.93k    62.30%',
  '  Latency Distribution',
  '     50%  756.00us',
  '     75%    1.43ms',
  '     90%    3.61ms',
  '     99%   17.01ms',
  '  49660 requests in 3.09s, 9.61MB read',
  'Requests/sec:  16067.73',
  'Transfer/sec:      3.11MB',
].join('\n');

const WITH_ERRORS = [
  'Running 2s test @ http://127.0.0.1:18767/v1/predict',
  '  2 threads and 4 connections',
  '  Thread Stats   Avg      Stdev     Max   +/- Stdev',
  '    Latency     1.00ms    2.20ms  29.48ms   90.94%',
  '    Req/Sec     6.87k     1.85k   16.44k    87.80%',
  '  Latency Distribution',
  '     50%  160.00us',
  '     75%    0.95ms',
  '     90%    2.99ms',
  '     99%   10.16ms',
  '  28103 requests in 2.10s, 1.14MB read',
  '  Socket errors: connect 0, read 572, write 0, timeout 0',
  '  Non-2xx or 3xx responses: 4014',
  'Requests/sec:  13396.29',
  'Transfer/sec:    555.06KB',
].join('\n');

describe('parseWrkTime', () => {
  it('converts every wrk unit to milliseconds', () => {
    expect(parseWrkTime('756.00us')).toBeCloseTo(0.756, 9);
    expect(parseWrkTime('1.43ms')).toBe(1.43);
    expect(parseWrkTime('2.10s')).toBe(2100);
    expect(parseWrkTime('1.50m')).toBe(90000);
  });

  it('refuses anything else', () => {
    expect(() => parseWrkTime('12 ms')).toThrow(WrkOutputError);
    expect(() => parseWrkTime('-nan%')).toThrow(WrkOutputError);
  });
});

describe('parseWrkOutput', () => {
  it('reads throughput, percentiles and counts of a clean run', () => {
    const r = parseWrkOutput(CLEAN);
    expect(r.requests).toBe(49660);
    expect(r.durationS).toBeCloseTo(3.09, 9);
    expect(r.requestsPerSec).toBe(16067.73);
    expect(r.latencyMs.p50).toBeCloseTo(0.756, 9);
    expect(r.latencyMs.p75).toBe(1.43);
    expect(r.latencyMs.p90).toBe(3.61);
    expect(r.latencyMs.p99).toBe(17.01);
    expect(r.non2xx).toBe(0);
    expect(r.socketErrors).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 });
    expect(r.errors).toBe(0);
  });

  it('counts non-2xx answers and socket errors together as errors', () => {
    const r = parseWrkOutput(WITH_ERRORS);
    expect(r.requests).toBe(28103);
    expect(r.requestsPerSec).toBe(13396.29);
    expect(r.latencyMs.p50).toBeCloseTo(0.16, 9);
    expect(r.latencyMs.p99).toBe(10.16);
    expect(r.non2xx).toBe(4014);
    expect(r.socketErrors).toEqual({ connect: 0, read: 572, write: 0, timeout: 0 });
    expect(r.errors).toBe(4014 + 572);
  });

  it('takes percentiles from the distribution block, not from the Thread Stats rows', () => {
    // "94.74%" in Thread Stats must not be read as a percentile row.
    expect(parseWrkOutput(CLEAN).latencyMs.p90).toBe(3.61);
  });

  it('reads the p95 line that bench/wrk-predict.lua prints, and leaves p95 out without it', () => {
    expect(parseWrkOutput(`${CLEAN.trimEnd()}\nLatency p95: 8123us\n`).latencyMs.p95).toBeCloseTo(8.123, 9);
    expect(parseWrkOutput(CLEAN).latencyMs.p95).toBeUndefined();
  });

  it('explains what is missing when wrk ran without --latency or failed', () => {
    const noLatency = CLEAN.replace(/ {2}Latency Distribution\n(?:\s+\d+%.*\n)+/, '');
    expect(() => parseWrkOutput(noLatency)).toThrow(/latency distribution/);
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(WrkOutputError);
  });
});
