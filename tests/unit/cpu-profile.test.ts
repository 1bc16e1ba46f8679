// bench/cpu-profile.ts on a hand-built profile (every figure below follows from the
// sample durations), on bad input, and on a real profile written by `node --cpu-prof`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuProfileError, ownerOf, parseProfile, profileFileInfo, renderProfileSummary, shortenUrl, summariseProfile } from '../../bench/cpu-profile.js';
import type { CpuProfile, CpuProfileNode } from '../../bench/cpu-profile.js';
import { expectGitopsError } from '../helpers/expect-error.js';
import { markdownlint } from '../helpers/markdownlint.js';

const ROOT = '/repo';
const frame = (functionName: string, url: string, lineNumber = -1): CpuProfileNode['callFrame'] => ({ functionName, url, lineNumber, columnNumber: lineNumber < 0 ? -1 : 2, scriptId: 0 });
const HANDLE = frame('handle', 'file:///repo/dist/service/app.js', 9);

const NODES: CpuProfileNode[] = [
  { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4, 5, 7, 8] },
  { id: 2, callFrame: frame('(program)', '') },
  { id: 3, callFrame: frame('(idle)', '') },
  { id: 4, callFrame: frame('(garbage collector)', '') },
  { id: 5, callFrame: HANDLE, children: [9, 10] },
  // The same function on another stack: its self time adds to node 5's.
  { id: 6, callFrame: HANDLE },
  { id: 7, callFrame: frame('processTicksAndRejections', 'node:internal/process/task_queues', 94), children: [6] },
  { id: 8, callFrame: frame('emit', 'node:events', 500) },
  { id: 9, callFrame: frame('serialize', 'file:///repo/node_modules/fast-json-stringify/index.js', 99) },
  { id: 10, callFrame: frame('validate', 'file:///repo/node_modules/@fastify/ajv-compiler/lib/v.js', 4), children: [11, 12, 13] },
  { id: 11, callFrame: frame('writev', '') },
  { id: 12, callFrame: frame('onStreamRead', 'node:internal/stream_base_commons', 160) },
  // A pnpm-style path: the package is the one after the LAST node_modules/.
  { id: 13, callFrame: frame('', 'file:///repo/node_modules/.pnpm/@fastify+ajv-compiler@4.0.0/node_modules/@fastify/ajv-compiler/index.js', 20) },
];

/** [node id, µs until the next sample]; busy = 700, idle = 600. */
const TIMELINE: [number, number][] = [
  [3, 500],
  [5, 100],
  [9, 200],
  [10, 50],
  [11, 80],
  [12, 40],
  [6, 60],
  [4, 30],
  [2, 20],
  [8, 10],
  [13, 10],
  [3, 100],
  [9, 100],
];
const START = 1_000_000;

function handBuilt(): CpuProfile {
  const samples = TIMELINE.map(([id]) => id);
  // Sample i is taken when sample i − 1's duration is over; the first at startTime.
  const timeDeltas = TIMELINE.map((_, i) => (i === 0 ? 0 : (TIMELINE[i - 1] as [number, number])[1]));
  const endTime = START + TIMELINE.reduce((n, [, us]) => n + us, 0);
  return { nodes: structuredClone(NODES), samples, timeDeltas, startTime: START, endTime };
}

describe('summariseProfile on a hand-built profile', () => {
  const s = summariseProfile(handBuilt(), { requests: 10, root: ROOT, top: 20 });

  it('splits the sampled time into idle and busy', () => {
    expect(s.totalUs).toBe(1300);
    expect(s.idleUs).toBe(600);
    expect(s.busyUs).toBe(700);
    expect(s.samples).toBe(TIMELINE.length);
    expect(s.profiledUs).toBe(1300);
    expect(s.windows).toBeNull();
    expect(s.busyUsPerRequest).toBe(70);
  });

  it('ranks functions by self time, merging a function seen on several stacks, idle left out', () => {
    expect(s.top.map((f) => [f.name, f.selfUs])).toEqual([
      ['serialize', 300],
      ['handle', 160],
      ['writev', 80],
      ['validate', 50],
      ['onStreamRead', 40],
      ['(garbage collector)', 30],
      ['(program)', 20],
      ['(anonymous)', 10],
      ['emit', 10],
    ]);
    expect(s.top.some((f) => f.name === '(idle)')).toBe(false);
    const serialize = s.top[0];
    expect(serialize).toMatchObject({ file: 'fast-json-stringify/index.js', line: 100, owner: 'fast-json-stringify', usPerRequest: 30 });
    expect(serialize?.share).toBeCloseTo(300 / 700, 12);
    expect(s.top.reduce((n, f) => n + f.share, 0)).toBeCloseTo(1, 12);
  });

  it('shortens files: after the last node_modules/, relative to the root, node: kept, native marked', () => {
    const byName = new Map(s.top.map((f) => [f.name, f]));
    expect(byName.get('handle')).toMatchObject({ file: 'dist/service/app.js', line: 10, owner: 'service/app.ts' });
    expect(byName.get('(anonymous)')).toMatchObject({ file: '@fastify/ajv-compiler/index.js', owner: '@fastify/ajv-compiler' });
    expect(byName.get('onStreamRead')).toMatchObject({ file: 'node:internal/stream_base_commons', line: 161 });
    expect(byName.get('writev')).toMatchObject({ file: '(native)', line: null, owner: 'writev' });
    expect(byName.get('(garbage collector)')).toMatchObject({ file: '', line: null, owner: '(garbage collector)' });
  });

  it('groups self time by owner: scoped and unscoped packages, node: modules, our files, V8 and native entries', () => {
    expect(s.owners.map((o) => [o.owner, o.selfUs, o.functions])).toEqual([
      ['fast-json-stringify', 300, 1],
      ['service/app.ts', 160, 1],
      ['writev', 80, 1],
      ['@fastify/ajv-compiler', 60, 2],
      ['node:stream_base_commons', 40, 1],
      ['(garbage collector)', 30, 1],
      ['(program)', 20, 1],
      ['node:events', 10, 1],
    ]);
    expect(s.owners.find((o) => o.owner === '@fastify/ajv-compiler')?.usPerRequest).toBe(6);
    expect(s.owners.reduce((n, o) => n + o.selfUs, 0)).toBe(s.busyUs);
  });

  it('keeps the top N only, and has no per-request figures without a request count', () => {
    const t = summariseProfile(handBuilt(), { top: 2, root: ROOT });
    expect(t.top.map((f) => f.name)).toEqual(['serialize', 'handle']);
    expect(t.owners).toHaveLength(8);
    expect(t.requests).toBeNull();
    expect(t.busyUsPerRequest).toBeNull();
    expect(t.top[0]?.usPerRequest).toBeNull();
  });

  it('counts only the samples inside the windows', () => {
    // Samples at START (idle 500), +500 (handle 100), +600 (serialize 200); the next one, at +800, is outside.
    const w = summariseProfile(handBuilt(), { windows: [{ startUs: START, endUs: START + 800 }], requests: 3, root: ROOT });
    expect(w).toMatchObject({ totalUs: 800, idleUs: 500, busyUs: 300, samples: 3, windows: 1, profiledUs: 1300, busyUsPerRequest: 100 });
    expect(w.top.map((f) => [f.name, f.selfUs])).toEqual([
      ['serialize', 200],
      ['handle', 100],
    ]);
  });

  it('counts a negative time delta (V8 emits a few) as zero', () => {
    const p = handBuilt();
    p.timeDeltas[2] = -5;
    const n = summariseProfile(p, { root: ROOT });
    expect(n.top.find((f) => f.name === 'handle')?.selfUs).toBe(60);
  });

  it('renders two lint-clean markdown tables with the totals', async () => {
    const md = renderProfileSummary(s, { owners: 5 });
    expect(md).toMatch(/^Sampled 1\.30 ms \(13 samples\): busy 0\.70 ms \(53\.8%\), idle 0\.60 ms\. 10 requests: 70\.0 µs busy per request\./);
    expect(md).toContain('| `serialize` ');
    expect(md).toMatch(/\| `fast-json-stringify\/index\.js:100` +\| `fast-json-stringify` +\| +0\.30 \| +42\.9% \| +30\.0 \|/);
    expect(md).toMatch(/\| 3 others +\| +3 \| +0\.06 \| +8\.6% \| +6\.00 \|/);
    const lint = await markdownlint();
    expect(await lint(`# Profile\n\n${md}\n`)).toEqual([]);
  });
});

describe('ownerOf and shortenUrl', () => {
  it('name packages, Node modules, our files and V8 entries', () => {
    expect(ownerOf({ functionName: 'x', url: 'file:///a/node_modules/@scope/pkg/lib/x.js' })).toBe('@scope/pkg');
    expect(ownerOf({ functionName: 'x', url: 'file:///a/node_modules/pino/lib/x.js' })).toBe('pino');
    expect(ownerOf({ functionName: 'x', url: 'node:internal/streams/readable' })).toBe('node:streams');
    expect(ownerOf({ functionName: 'x', url: 'node:_http_server' })).toBe('node:_http_server');
    expect(ownerOf({ functionName: 'x', url: 'node:internal/deps/undici/undici' })).toBe('node:deps/undici');
    expect(ownerOf({ functionName: '(garbage collector)', url: '' })).toBe('(garbage collector)');
    expect(ownerOf({ functionName: '', url: '' })).toBe('(anonymous native)');
    expect(ownerOf({ functionName: 'x', url: 'wasm://wasm/00a1b2c3' })).toBe('wasm');
    expect(ownerOf({ functionName: 'x', url: 'file:///repo/dist/bench/stub-server.js' }, ROOT)).toBe('bench/stub-server.ts');
    expect(ownerOf({ functionName: 'x', url: 'file:///elsewhere/x.js' }, ROOT)).toBe('/elsewhere/x.js');
    expect(shortenUrl('file:///repo/dist/service/app.js', ROOT)).toBe('dist/service/app.js');
    expect(shortenUrl('file:///repo/dist/service/app.js')).toBe('/repo/dist/service/app.js');
    expect(shortenUrl('node:events', ROOT)).toBe('node:events');
  });

  it('reads pid and thread from node’s profile file names', () => {
    expect(profileFileInfo('CPU.20260102.030405.4242.0.001.cpuprofile')).toEqual({ pid: 4242, threadId: 0, seq: 1, thread: 'main thread' });
    expect(profileFileInfo('/x/CPU.20260102.030405.4242.3.007.cpuprofile')).toEqual({ pid: 4242, threadId: 3, seq: 7, thread: 'worker thread 3' });
    expect(profileFileInfo('Heap.20260102.030405.4242.0.001.heapprofile')).toBeNull();
  });
});

describe('bad input', () => {
  const SHAPE = 'E_CPUPROFILE_SHAPE';
  const withChange = (change: (p: Record<string, unknown>) => void): unknown => {
    const p = handBuilt() as unknown as Record<string, unknown>;
    change(p);
    return p;
  };

  it('names what is wrong, with a stable code', () => {
    expectGitopsError(() => summariseProfile('nope'), SHAPE, /not a V8 \.cpuprofile: expected an object with nodes, samples, timeDeltas, startTime and endTime, got string/);
    // A trace-event file (DevTools' "Save profile" in another format) is an array.
    expectGitopsError(() => summariseProfile([{ ph: 'P' }]), SHAPE, /got an array/);
    expectGitopsError(() => summariseProfile({ nodes: [] }), SHAPE, /missing samples, timeDeltas, startTime, endTime/);
    expectGitopsError(() => summariseProfile(withChange((p) => (p.nodes = []))), SHAPE, /nodes is not a non-empty array/);
    expectGitopsError(() => summariseProfile(withChange((p) => ((p.nodes as CpuProfileNode[])[1] = { id: 2, callFrame: { ...frame('x', ''), url: 7 as unknown as string } }))), SHAPE, /nodes\[1\]\.callFrame\.url is not a string \(got number\)/);
    expectGitopsError(() => summariseProfile(withChange((p) => (p.timeDeltas = [0]))), SHAPE, /samples has 13 entries but timeDeltas has 1/);
    expectGitopsError(() => summariseProfile(withChange((p) => ((p.samples as number[])[4] = 99))), SHAPE, /samples\[4\] is node id 99, which no node has/);
    expectGitopsError(() => summariseProfile(withChange((p) => ((p.timeDeltas as unknown[])[2] = 'x'))), SHAPE, /timeDeltas\[2\] is not a finite number/);
    expectGitopsError(() => summariseProfile(withChange((p) => (p.endTime = START - 1))), SHAPE, /endTime .* is before startTime/);
  });

  it('names the file when parsing text', () => {
    expectGitopsError(() => parseProfile('{"nodes":', 'CPU.x.cpuprofile'), 'E_CPUPROFILE_JSON', /^CPU\.x\.cpuprofile: not JSON/);
    expectGitopsError(() => parseProfile('{}', 'CPU.x.cpuprofile'), SHAPE, /^CPU\.x\.cpuprofile: not a V8 \.cpuprofile: missing nodes/);
    expect(() => parseProfile('[]')).toThrow(CpuProfileError);
    expect(parseProfile(JSON.stringify(handBuilt())).samples).toHaveLength(TIMELINE.length);
  });

  it('refuses a negative request count or top', () => {
    expect(() => summariseProfile(handBuilt(), { requests: -1 })).toThrow(RangeError);
    expect(() => summariseProfile(handBuilt(), { top: 1.5 })).toThrow(RangeError);
  });
});

describe('a real profile from node --cpu-prof', () => {
  it('puts a busy loop on top of the self-time table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpu-profile-test-'));
    try {
      const script = 'function spinForProfile(ms) { const end = performance.now() + ms; let x = 0; while (performance.now() < end) for (let i = 0; i < 10000; i++) x += Math.sqrt(i); return x; } spinForProfile(250);';
      const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '-e', script], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status).toBe(0);
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      const name = files[0] as string;
      expect(profileFileInfo(name)).toMatchObject({ pid: r.pid, threadId: 0, thread: 'main thread' });
      const s = summariseProfile(parseProfile(readFileSync(join(dir, name), 'utf8'), name), { requests: 1 });
      expect(s.top[0]).toMatchObject({ name: 'spinForProfile', owner: '[eval]' });
      expect(s.top[0]?.share).toBeGreaterThan(0.5);
      expect(s.top[0]?.selfUs).toBeGreaterThan(150_000);
      expect(s.busyUs).toBeGreaterThan(200_000);
      expect(s.owners[0]?.owner).toBe('[eval]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
