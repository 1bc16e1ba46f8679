/**
 * `npm run bench:service`: load-tests the inference service with wrk and, in the same
 * run and with the same request bodies, the servers that put its numbers in context:
 *
 * - ours with the cache off (the model does all the work): defaults (one inference
 *   thread here), two inference threads, the model on the main thread with and without
 *   micro-batching; and with all defaults (cache on); plus 256 connections and a
 *   2-minute RSS soak with inference threads on (the default server) and off;
 * - stub: our app with a constant-score model (framework + validation cost);
 * - floor: a bare Fastify route that validates `{text}` and answers a constant;
 * - peer: FastAPI + uvicorn (uvloop, httptools; pinned versions) serving scikit-learn
 *   TF-IDF + logistic regression, one worker (also at 256 connections) and two workers.
 *   (An earlier two-worker row took ~44 ms per request: Nagle's algorithm, see
 *   bench/peer_fastapi.py.)
 * - model cost: the served model's single-text score() in this process, p50 and p99.
 *
 * Each server runs alone, as its own process, one after the other; each cell is a
 * warm-up wrk run then a measured one. Prints one markdown table on stdout (progress,
 * with the time left, on stderr), writes reports/bench-service.json and regenerates the
 * service section of docs/BENCHMARKS.md from it (bench/benchmarks-doc.ts). Not a test:
 * no assertions.
 *
 * Options: --duration S (10), --warmup S (2), --soak S (120; 0 skips), --conns 1,16,64,
 * --only id,id (ids: ours, ours-2threads, ours-main, ours-main-nobatch, ours-cache, stub,
 * floor, peer, peer-2workers), --docs-only (re-render the docs from the last report),
 * --profile (run every Node server, ours, stub and floor, under `node --cpu-prof`; the
 * peer is not profiled; each server's profiles land in reports/profiles/<id>/ and their
 * summaries, self time by function and by package over the measured runs, in
 * reports/profiles/<id>.md, see bench/cpu-profile.ts; profiling skews the timings, so a
 * --profile run writes neither reports/bench-service.json nor docs/BENCHMARKS.md).
 * MODEL_DIR picks the artifact (default: the newest under model/artifacts).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { METADATA_FILE, newestArtifactDir } from '../model/artifact/artifact.js';
import { resolveDatasetFile } from '../model/data/resolve.js';
import { loadArtifact } from '../model/artifact/artifact.js';
import { loadConfig } from '../service/config.js';
import { table, targetLines, withServiceSection } from './benchmarks-doc.js';
import { parseProfile, profileFileInfo, renderProfileSummary, summariseProfile } from './cpu-profile.js';
import type { ReportCell, ReportSoak, ServiceReport } from './benchmarks-doc.js';
import { parseWrkOutput } from './wrk-output.js';
import type { WrkResult } from './wrk-output.js';

const WRK = '/usr/bin/wrk';
const PYTHON = '/usr/bin/python3';
const HOST = '127.0.0.1';
/** wrk's default (2 s) would turn a slow-but-answered request at 64 connections into a socket error. */
const WRK_TIMEOUT_S = 10;
const READY_TIMEOUT_MS = { node: 60_000, peer: 300_000 };

/** dist/bench/ at run time; the repo root is two levels up (sources are read from there). */
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');

interface ServerSpec {
  id: string;
  label: string;
  command: string;
  args: string[];
  /** Variables on top of a minimal base environment (PORT and HOST are added per start). */
  env: Record<string, string>;
  readyTimeoutMs: number;
  /** Connection counts measured for this server only (on top of --conns). */
  extraConns?: number[];
  /** Run the RSS soak on this server. */
  soak?: boolean;
}

type Soak = ReportSoak;

/** rss_mb: peak resident set of the server process, MB (see rssScope). */
type Cell = ReportCell;

interface Failure {
  server: string;
  label: string;
  error: string;
}

interface Options {
  durationS: number;
  warmupS: number;
  soakS: number;
  conns: number[];
  only?: Set<string>;
  docsOnly: boolean;
  profile: boolean;
}

// --- child processes: every one is registered so an error or Ctrl-C never leaves a server behind ---

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Keeps the last few KB a child printed, to explain a failed start. */
function captureTail(child: ChildProcess, limit = 4000): () => string {
  let tail = '';
  const add = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-limit);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => tail.trim();
}

/** A minimal environment, so a CACHE_SIZE or BATCH_* in the caller's shell cannot skew a run. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (same approach as tests/helpers/net.ts). */
function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, HOST, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Under --profile a server writes its profiles while exiting (a few MB after a soak): more time before SIGKILL, which would lose them. */
const PROFILE_EXIT_MS = 30_000;

/** The clock of a .cpuprofile's timestamps on Linux (CLOCK_MONOTONIC, µs), the same in every process. */
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

interface Running {
  child: ChildProcess;
  pid: number;
  url: string;
}

/** Polls GET /readyz until 200; fails early, with the server's own output, if it exits. */
async function waitReady(child: ChildProcess, base: string, timeoutMs: number, tail: () => string, label: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail()}`);
    }
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${label} was not ready after ${timeoutMs / 1000} s:\n${tail()}`);
}

/** With profileDir (a Node server under --profile), node writes a .cpuprofile per thread there when the process exits. */
async function startServer(spec: ServerSpec, profileDir?: string): Promise<Running> {
  const port = await freePort();
  const args = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, ...spec.args] : spec.args;
  const child = track(spawn(spec.command, args, { cwd: ROOT, env: { ...baseEnv(), ...spec.env, PORT: String(port), HOST }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const tail = captureTail(child);
  const spawnError = new Promise<never>((_, rej) => child.once('error', (e) => rej(new Error(`cannot start ${spec.command}: ${e.message}`))));
  const base = `http://${HOST}:${port}`;
  try {
    await Promise.race([waitReady(child, base, spec.readyTimeoutMs, tail, spec.label), spawnError]);
  } catch (e) {
    // A server that never became ready may still be running (training, hung): do not leave it.
    await stopServer(child, profileDir ? PROFILE_EXIT_MS : undefined);
    throw e;
  }
  return { child, pid: child.pid as number, url: `${base}/v1/predict` };
}

/** SIGTERM (all our servers exit cleanly on it: process.exit after closing), SIGKILL if one hangs for graceMs. */
async function stopServer(child: ChildProcess, graceMs = 5000): Promise<void> {
  // No pid: the spawn itself failed, there is nothing to stop.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (killed) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** One request before the load: a server that answers every body with an error should stop the bench, not fill a row. */
async function checkPredict(url: string, body: string, label: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let answered: unknown;
  try {
    answered = (JSON.parse(text) as { label?: unknown }).label;
  } catch {
    answered = undefined;
  }
  if (res.status !== 200 || (answered !== 'positive' && answered !== 'negative')) {
    throw new Error(`${label}: POST /v1/predict answered ${res.status} ${text.slice(0, 300)}; expected 200 with a label`);
  }
}

// --- measurements ---

/** Resets the process's VmHWM (Linux clear_refs "5") so the next read covers one cell only. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `work` while sampling the process's VmRSS every 250 ms, and returns the median (MB)
 * of the samples taken in its last `lastS` seconds, with their range and count.
 */
async function sampledRss<T>(pid: number, lastS: number, work: () => Promise<T>): Promise<{ result: T; median: number | null; range: { min: number; max: number; n: number } | null }> {
  const samples: { t: number; mb: number }[] = [];
  const timer = setInterval(() => {
    const mb = statusMb(pid, 'VmRSS');
    if (mb !== null) samples.push({ t: performance.now(), mb });
  }, 250);
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(timer);
  }
  const end = performance.now();
  const window = samples.filter((x) => x.t >= end - lastS * 1000).map((x) => x.mb).sort((a, b) => a - b);
  if (window.length === 0) return { result, median: null, range: null };
  return { result, median: window[window.length >> 1] as number, range: { min: window[0] as number, max: window[window.length - 1] as number, n: window.length } };
}

/** A memory figure of a process from /proc/<pid>/status, MB: VmHWM (peak resident) or VmRSS (current). */
function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

function runWrk(url: string, conns: number, seconds: number, bodiesFile: string): Promise<WrkResult> {
  // wrk needs at least one connection per thread; two threads is all the 2 cores can spare.
  const threads = Math.min(conns, 2);
  const args = ['-t', String(threads), '-c', String(conns), '-d', `${seconds}s`, '--timeout', `${WRK_TIMEOUT_S}s`, '--latency'];
  args.push('-s', join(ROOT, 'bench', 'wrk-predict.lua'), url, '--', bodiesFile, String(threads));
  return new Promise((res, rej) => {
    const child = track(spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', (e) => rej(new Error(`cannot run ${WRK}: ${e.message}`)));
    child.once('close', (code) => {
      if (code !== 0) return rej(new Error(`wrk exited ${code}: ${(err || out).trim()}`));
      try {
        res(parseWrkOutput(out));
      } catch (e) {
        rej(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

const progress = (line: string): boolean => process.stderr.write(`[bench:service] ${line}\n`);

/** Planned load seconds and what is done, for the "time left" of each progress line. */
const plan = { totalS: 0, doneS: 0, started: performance.now() };
const mmss = (s: number): string => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
function charge(seconds: number): string {
  plan.doneS += seconds;
  const elapsed = (performance.now() - plan.started) / 1000;
  const left = Math.max(0, plan.totalS - plan.doneS);
  return `[${Math.round((100 * plan.doneS) / Math.max(1, plan.totalS))}% of the load, ${mmss(elapsed)} elapsed, ~${mmss(left)} of load left]`;
}

interface ServerResult {
  cells: Cell[];
  rssPerCell: boolean;
  soak?: Soak;
  pid: number;
  /** When each measured wrk run went (nowUs), to count only their samples in a profile. */
  windows: { startUs: number; endUs: number }[];
}

/** One server: start, then per connection count a warm-up run and a measured run, then stop. */
async function benchServer(spec: ServerSpec, opts: Options, bodiesFile: string, profileDir?: string): Promise<ServerResult> {
  const started = performance.now();
  progress(`${spec.label}: starting…`);
  const server = await startServer(spec, profileDir);
  const cells: Cell[] = [];
  const windows: ServerResult['windows'] = [];
  let rssPerCell = true;
  let soak: Soak | undefined;
  try {
    await checkPredict(server.url, readFileSync(bodiesFile, 'utf8').split('\n', 1)[0] as string, spec.label);
    progress(`${spec.label}: ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (spec.soak && opts.soakS > 0) {
      // Memory growth under steady load: resident set after a warm-up vs after the soak, first,
      // on the fresh server (after the 256-connection cell the heap is still shrinking back).
      const conns = 16;
      progress(`${spec.label}: RSS soak, 10 s warm-up + ${opts.soakS} s at ${conns} conns…`);
      // One VmRSS sample swings with the collector's sawtooth (~15% on a 200 MB server), more than
      // the 10% being judged: compare medians of samples over the end of each run instead.
      const warm = await sampledRss(server.pid, 5, () => runWrk(server.url, conns, 10, bodiesFile));
      const soaked = await sampledRss(server.pid, 10, () => runWrk(server.url, conns, opts.soakS, bodiesFile));
      const rssAfterWarmupMb = warm.median;
      const wrk = soaked.result;
      soak = { server: spec.id, label: spec.label, conns, seconds: opts.soakS, rssAfterWarmupMb, rssAfterSoakMb: soaked.median, rssSamples: { warmup: warm.range, soak: soaked.range }, wrk };
      progress(`  RSS ${rssAfterWarmupMb?.toFixed(0) ?? '?'} MB → ${soak.rssAfterSoakMb?.toFixed(0) ?? '?'} MB ${charge(10 + opts.soakS)}`);
    }
    for (const conns of [...opts.conns, ...(spec.extraConns ?? [])]) {
      const t0 = performance.now();
      progress(`${spec.label} @ ${conns} conns: ${opts.warmupS} s warm-up + ${opts.durationS} s…`);
      if (opts.warmupS > 0) await runWrk(server.url, conns, opts.warmupS, bodiesFile);
      rssPerCell = resetPeakRss(server.pid) && rssPerCell;
      const startUs = nowUs();
      const wrk = await runWrk(server.url, conns, opts.durationS, bodiesFile);
      windows.push({ startUs, endUs: nowUs() });
      const seconds = (performance.now() - t0) / 1000;
      cells.push({ server: spec.id, label: spec.label, conns, wrk, rss_mb: statusMb(server.pid, 'VmHWM'), seconds });
      progress(`  ${wrk.requestsPerSec.toFixed(0)} req/s, p99 ${wrk.latencyMs.p99.toFixed(2)} ms, ${wrk.errors} errors (${seconds.toFixed(1)} s) ${charge(opts.warmupS + opts.durationS)}`);
    }
  } finally {
    await stopServer(server.child, profileDir ? PROFILE_EXIT_MS : undefined);
  }
  return { cells, rssPerCell, ...(soak ? { soak } : {}), pid: server.pid, windows };
}

// --- --profile ---

const PROFILES = join(ROOT, 'reports', 'profiles');

/** Only Node servers can run under --cpu-prof (ours, stub, floor; not the Python peer). */
const profilable = (spec: ServerSpec): boolean => spec.command === process.execPath;

/** reports/profiles/<id>/, emptied of an earlier run's .cpuprofile files so it holds this run's only. */
function profileDirFor(spec: ServerSpec): string {
  const dir = join(PROFILES, spec.id);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.cpuprofile')) rmSync(join(dir, f), { force: true });
  return dir;
}

/**
 * Summarises the profiles the server (pid) left in dir, one per thread, over its measured
 * runs, into reports/profiles/<id>.md; returns that path, or null when it wrote none.
 */
function writeProfileSummary(spec: ServerSpec, dir: string, r: ServerResult, command: string): string | null {
  const files = readdirSync(dir)
    .map((name) => ({ name, info: profileFileInfo(name) }))
    .filter((f) => f.info?.pid === r.pid)
    .sort((a, b) => (a.info?.threadId ?? 0) - (b.info?.threadId ?? 0) || (a.info?.seq ?? 0) - (b.info?.seq ?? 0));
  if (files.length === 0) return null;
  const requests = r.cells.reduce((n, c) => n + c.wrk.requests, 0);
  const conns = r.cells.map((c) => c.conns).join(', ');
  const out = [
    `# CPU profile: ${spec.label}`,
    '',
    `\`${command}\`, ${new Date().toISOString()}. Profiles (open them in Chrome DevTools' Performance panel or VS Code): ${files.map((f) => `\`${relative(ROOT, join(dir, f.name))}\``).join(', ')}.`,
    '',
    `Only samples taken during wrk's measured runs count (${r.cells.length} run${r.cells.length === 1 ? '' : 's'}, at ${conns} connections); start-up, warm-ups${r.soak ? ' and the RSS soak' : ''} are left out. µs/req divides by the ${requests.toLocaleString('en-US')} requests wrk counted in those runs. The profiler slows the server down: read the shares, not the absolute times, and take throughput from a run without --profile.`,
  ];
  for (const f of files) {
    const profile = parseProfile(readFileSync(join(dir, f.name), 'utf8'), f.name);
    let summary = summariseProfile(profile, { requests, root: ROOT, windows: r.windows, top: 15 });
    let caveat = '';
    if (summary.samples === 0) {
      // The windows are on this process's monotonic clock; a profile on another clock has no sample inside them.
      summary = summariseProfile(profile, { root: ROOT, top: 15 });
      caveat = 'No sample fell inside the measured runs (a clock mismatch?): this is the whole profile, start-up included, without per-request figures.\n\n';
    }
    out.push('', `## ${f.info?.thread ?? f.name} (\`${f.name}\`)`, '', `${caveat}${renderProfileSummary(summary)}`);
  }
  const file = join(PROFILES, `${spec.id}.md`);
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

// --- inputs ---

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '10' }, warmup: { type: 'string', default: '2' }, soak: { type: 'string', default: '120' }, conns: { type: 'string', default: '1,16,64' }, only: { type: 'string' }, 'docs-only': { type: 'boolean', default: false }, profile: { type: 'boolean', default: false } },
  });
  const durationS = Number(values.duration);
  const warmupS = Number(values.warmup);
  const soakS = Number(values.soak);
  if (!Number.isInteger(soakS) || soakS < 0) throw new Error(`--soak must be a whole number of seconds ≥ 0 (0 skips it), got ${values.soak}`);
  const conns = values.conns.split(',').map(Number);
  if (!Number.isInteger(durationS) || durationS < 1) throw new Error(`--duration must be a whole number of seconds ≥ 1, got ${values.duration}`);
  if (!Number.isInteger(warmupS) || warmupS < 0) throw new Error(`--warmup must be a whole number of seconds ≥ 0, got ${values.warmup}`);
  if (conns.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--conns must be positive integers separated by commas, got ${values.conns}`);
  if (values.profile && values['docs-only']) throw new Error('--profile runs the servers; --docs-only only re-renders the docs: pass one of them');
  return { durationS, warmupS, soakS, conns, only: values.only ? new Set(values.only.split(',')) : undefined, docsOnly: values['docs-only'], profile: values.profile };
}

function findModelDir(): string {
  const dir = process.env.MODEL_DIR ?? newestArtifactDir(join(ROOT, 'model', 'artifacts'));
  if (!dir) throw new Error('no model artifact under model/artifacts: run `npm run pipeline` first (or set MODEL_DIR to an artifact directory)');
  if (!existsSync(dir)) throw new Error(`MODEL_DIR ${dir} does not exist`);
  return resolve(dir);
}

/** SST-2 test sentences as one JSON body per line; distinct, so a cache has to learn each. */
function writeBodies(testTsv: string, file: string): number {
  const lines = readFileSync(testTsv, 'utf8').split('\n');
  if (lines[0]?.trimEnd() !== 'sentence\tlabel') throw new Error(`${testTsv}: expected header "sentence<TAB>label"`);
  const texts = new Set<string>();
  for (const line of lines.slice(1)) {
    const tab = line.lastIndexOf('\t');
    if (tab > 0) texts.add(line.slice(0, tab));
  }
  if (texts.size === 0) throw new Error(`${testTsv}: no sentences`);
  writeFileSync(file, `${[...texts].map((text) => JSON.stringify({ text })).join('\n')}\n`);
  return texts.size;
}

function checkTools(needPeer: boolean): void {
  if (!existsSync(WRK)) throw new Error(`${WRK} not found: install the Debian package wrk (apt-get install wrk)`);
  if (needPeer && !existsSync(PYTHON)) throw new Error(`${PYTHON} not found: the peer server needs Debian's python3 with python3-fastapi, uvicorn, python3-sklearn`);
  for (const f of ['service/server.js', 'bench/stub-server.js', 'bench/floor-server.js']) {
    if (!existsSync(join(ROOT, 'dist', f))) throw new Error(`dist/${f} missing: run npm run build`);
  }
}

function serverSpecs(modelDir: string, trainTsv: string): ServerSpec[] {
  const node = process.execPath;
  const nodeReady = READY_TIMEOUT_MS.node;
  const service = { LOG_LEVEL: 'warn', MODEL_DIR: modelDir, RATE_LIMIT_MAX: '0' };
  const ours = (id: string, label: string, env: Record<string, string>): ServerSpec => ({
    id,
    label,
    command: node,
    args: [join(ROOT, 'dist', 'service', 'server.js')],
    env: { ...service, ...env },
    readyTimeoutMs: nodeReady,
  });
  const off = { MICROBATCH_MAX_TEXTS: '1' };
  const mainThread = { INFERENCE_THREADS: '0' };
  const peer = (id: string, label: string, workers: number): ServerSpec => ({
    id,
    label,
    command: PYTHON,
    args: [join(ROOT, 'bench', 'peer_fastapi.py'), '--train', trainTsv, '--workers', String(workers)],
    env: { PYTHONDONTWRITEBYTECODE: '1' },
    readyTimeoutMs: READY_TIMEOUT_MS.peer,
  });
  return [
    // The default server (one inference thread on this 2-core machine), cache off so the model does all the work.
    { ...ours('ours', 'ours (defaults, cache off)', { CACHE_SIZE: '0' }), extraConns: [256], soak: true },
    ours('ours-2threads', 'ours (2 inference threads, cache off)', { CACHE_SIZE: '0', INFERENCE_THREADS: '2' }),
    { ...ours('ours-main', 'ours (model on the main thread, cache off)', { CACHE_SIZE: '0', ...mainThread }), soak: true },
    ours('ours-main-nobatch', 'ours (main thread, no batching, cache off)', { CACHE_SIZE: '0', ...mainThread, ...off }),
    ours('ours-cache', 'ours (all defaults, cache on)', {}),
    // Our app with the model replaced by a constant, main thread, no batching: the gap to the floor is our plumbing.
    { id: 'stub', label: 'stub (our app, constant model)', command: node, args: [join(ROOT, 'dist', 'bench', 'stub-server.js')], env: { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', CACHE_SIZE: '0', ...mainThread, ...off }, readyTimeoutMs: nodeReady },
    { id: 'floor', label: 'floor (bare Fastify)', command: node, args: [join(ROOT, 'dist', 'bench', 'floor-server.js')], env: {}, readyTimeoutMs: nodeReady },
    { ...peer('peer', 'peer (FastAPI + sklearn, 1 worker)', 1), extraConns: [256] },
    peer('peer-2workers', 'peer (FastAPI + sklearn, 2 workers)', 2),
  ];
}

// --- output ---

interface Context {
  opts: Options;
  modelDir: string;
  model: string;
  bodies: number;
  defaultCache: number;
  rssPerCell: boolean;
  machine: string;
  failures: Failure[];
  soaks: Soak[];
}

function notes(ctx: Context): string[] {
  const out = [
    `- machine: ${ctx.machine}. wrk and the server under test share these cores (one server runs at a time; wrk uses min(conns, 2) threads), so wrk's own CPU can cap the fastest rows (floor): compare rows, not machines.`,
    // The artifact's name and version, not its path: the path is the benchmarking machine's.
    `- model: ${ctx.model}, the artifact in MODEL_DIR.`,
    `- each cell: ${ctx.opts.warmupS} s warm-up, then ${ctx.opts.durationS} s measured (wrk --latency, --timeout ${WRK_TIMEOUT_S}s); bodies: ${ctx.bodies} distinct SST-2 test sentences, POST /v1/predict {"text": …}, each thread at its own offset.`,
    `- errors = non-2xx answers + wrk socket errors. RSS = peak resident set (VmHWM) of the server process ${ctx.rssPerCell ? 'during the measured run (reset after warm-up)' : 'since it started (the per-cell reset was refused)'}.`,
    `- ours is one process (one event loop for HTTP, plus its inference threads); stub and floor are one thread; the peer is one process per uvicorn worker.`,
    `- ours defaults: INFERENCE_THREADS=${loadConfig({}).inferenceThreads} (the default: cores − 1, at most 4), micro-batching MICROBATCH_MAX_WAIT_MS=0 (one model call per event-loop turn, up to 32 texts; texts queued while the call slots were busy are shared among the slots free at that turn, two slots per inference thread); "no batching" = MICROBATCH_MAX_TEXTS=1. All ours rows run with RATE_LIMIT_MAX=0 so the single load-generating IP is not throttled; load shedding stays on (its 503s would count as errors).`,
    `- default cache: ${ctx.defaultCache} entries${ctx.defaultCache >= ctx.bodies ? ` ≥ ${ctx.bodies} distinct bodies, so after warm-up that row measures cache hits only (an upper bound)` : ''}.`,
    '- stub: our app (security headers, request ids, metrics, schemas, logger) with a model that returns a constant, same env as "no batching, cache off"; floor: bare Fastify with a {text: string} body schema.',
  ];
  out.push(`- RSS soaks: on the freshly started server, before its cells: 10 s at 16 connections, then ${ctx.opts.soakS} s more at 16 connections; resident set (VmRSS) sampled every 250 ms, the median of the last 5 s of the first run against the median of the last 10 s of the soak (one sample swings with the collector); with inference threads (defaults) and without (INFERENCE_THREADS=0).`);
  out.push('- model cost: the served model loaded in the benchmark process, `score()` of each distinct body text after two warm-up passes, three timed passes (tokenizer, n-grams and the forward pass; no HTTP).');
  out.push('- peer: uvicorn with `--loop uvloop --http httptools`, access log off, one BLAS/OpenMP thread per worker; each worker trains its own copy before listening.');
  if (ctx.opts.profile) out.push('- PROFILED RUN (--profile): the Node servers ran under `node --cpu-prof`, which slows them down; these numbers are not comparable with a normal run (see reports/profiles/).');
  // The first line says what failed, the last one usually why (the server's own last words).
  for (const f of ctx.failures) {
    const lines = f.error.split('\n').filter((l) => l.trim());
    out.push(`- ${f.label} failed: ${lines[0]}${lines.length > 1 ? ` … ${lines[lines.length - 1]}` : ''}`);
  }
  return out;
}

/** "name version" and the test accuracy from the artifact's metadata, for the notes. */
function modelRef(modelDir: string): { ref: string; testAccuracy: number | null } {
  const file = join(modelDir, METADATA_FILE);
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown; metrics?: { test?: { accuracy?: unknown } } };
    const acc = m.metrics?.test?.accuracy;
    return { ref: `${String(m.name)} ${String(m.version)}`, testAccuracy: typeof acc === 'number' ? acc : null };
  } catch (e) {
    throw new Error(`${file}: cannot read the model's name and version (${e instanceof Error ? e.message : String(e)}); is ${modelDir} an artifact?`);
  }
}

/** Single-text cost of the served model in this process: p50/p99 of score() over the bodies' texts. */
async function modelCost(modelDir: string, bodiesFile: string): Promise<{ texts: number; p50_ms: number; p99_ms: number }> {
  const model = await loadArtifact(modelDir);
  const texts = readFileSync(bodiesFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
  for (let pass = 0; pass < 2; pass++) for (const t of texts) model.score(t);
  const times: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    for (const t of texts) {
      const t0 = performance.now();
      model.score(t);
      times.push(performance.now() - t0);
    }
  }
  times.sort((x, y) => x - y);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] as number;
  return { texts: times.length, p50_ms: q(0.5), p99_ms: q(0.99) };
}

/** The peer script's pinned and installed versions (null when python3 is missing). */
function peerVersions(): Record<string, string | null> | null {
  const r = spawnSync(PYTHON, [join(ROOT, 'bench', 'peer_fastapi.py'), '--versions'], { encoding: 'utf8', env: { ...baseEnv(), PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.status !== 0) return null;
  try {
    return (JSON.parse(r.stdout) as { installed: Record<string, string | null> }).installed;
  } catch {
    return null;
  }
}

const REPORT = join(ROOT, 'reports', 'bench-service.json');
const DOC = join(ROOT, 'docs', 'BENCHMARKS.md');

function writeDocs(report: ServiceReport): void {
  writeFileSync(DOC, withServiceSection(readFileSync(DOC, 'utf8'), report));
  progress('regenerated the service section of docs/BENCHMARKS.md');
}

async function main(): Promise<void> {
  const opts = parseOptions();
  if (opts.docsOnly) {
    writeDocs(JSON.parse(readFileSync(REPORT, 'utf8')) as ServiceReport);
    return;
  }
  const modelDir = findModelDir();
  const testTsv = (await resolveDatasetFile('sst2', 'test')).path;
  const specs = serverSpecs(modelDir, (await resolveDatasetFile('sst2', 'train')).path).filter((s) => !opts.only || opts.only.has(s.id));
  if (specs.length === 0) throw new Error(`--only matched no server (ids: ${serverSpecs('', '').map((s) => s.id).join(', ')})`);
  checkTools(specs.some((s) => s.id.startsWith('peer')));

  const work = mkdtempSync(join(tmpdir(), 'bench-service-'));
  process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  const bodiesFile = join(work, 'bodies.jsonl');
  const bodies = writeBodies(testTsv, bodiesFile);
  const wrkVersion = spawnSync(WRK, ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '?';
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}, ${wrkVersion.split(' Copyright')[0]}`;
  const { ref, testAccuracy } = modelRef(modelDir);
  const ctx: Context = {
    opts,
    modelDir,
    model: ref,
    bodies,
    defaultCache: loadConfig({}).cacheSize,
    rssPerCell: true,
    machine,
    failures: [],
    soaks: [],
  };
  const cellsPlanned = specs.reduce((n, s) => n + opts.conns.length + (s.extraConns?.length ?? 0), 0);
  plan.totalS = cellsPlanned * (opts.durationS + opts.warmupS) + specs.filter((s) => s.soak).length * (opts.soakS > 0 ? 10 + opts.soakS : 0);
  progress(`${specs.length} servers, ${cellsPlanned} cells: ~${mmss(plan.totalS)} of load plus start-ups (the peers train first); ${bodies} bodies`);
  if (opts.profile) {
    progress('--profile: the Node servers run under --cpu-prof (profiles and summaries in reports/profiles/); profiling skews the timings, so this run writes neither reports/bench-service.json nor docs/BENCHMARKS.md');
  }
  progress('model cost in process…');
  const cost = await modelCost(modelDir, bodiesFile);
  progress(`  single text p50 ${cost.p50_ms.toFixed(3)} ms, p99 ${cost.p99_ms.toFixed(3)} ms`);

  const args = process.argv.slice(2);
  const command = `${process.env.MODEL_DIR ? 'MODEL_DIR=… ' : ''}npm run bench:service${args.length ? ` -- ${args.join(' ')}` : ''}`;
  plan.started = performance.now();
  const cells: Cell[] = [];
  for (const spec of specs) {
    try {
      const profileDir = opts.profile && profilable(spec) ? profileDirFor(spec) : undefined;
      if (opts.profile && !profileDir) progress(`${spec.label}: not profiled (not a Node server)`);
      const r = await benchServer(spec, opts, bodiesFile, profileDir);
      cells.push(...r.cells);
      ctx.rssPerCell &&= r.rssPerCell;
      if (r.soak) ctx.soaks.push(r.soak);
      if (profileDir) {
        // A profile that cannot be summarised is worth a line, not the server's numbers.
        try {
          const md = writeProfileSummary(spec, profileDir, r, command);
          progress(md ? `${spec.label}: CPU profile summary in ${relative(ROOT, md)}` : `${spec.label}: wrote no CPU profile in ${relative(ROOT, profileDir)} (killed before it could exit?)`);
        } catch (e) {
          progress(`${spec.label}: cannot summarise its CPU profile: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } catch (e) {
      // One broken server (say, python3-fastapi missing) should not throw away the others' numbers.
      const error = e instanceof Error ? e.message : String(e);
      ctx.failures.push({ server: spec.id, label: spec.label, error });
      progress(`${spec.label} FAILED: ${error}`);
    }
  }
  progress(`done in ${mmss((performance.now() - plan.started) / 1000)}`);

  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  const report: ServiceReport & Record<string, unknown> = {
    generated_at: new Date().toISOString(),
    command,
    machine,
    settings: { duration_s: opts.durationS, warmup_s: opts.warmupS, conns: opts.conns, wrk_timeout_s: WRK_TIMEOUT_S, bodies, wrk: wrkVersion } as ServiceReport['settings'],
    model: { dir: modelDir, ref, test_accuracy: testAccuracy },
    model_cost: cost,
    peer_versions: specs.some((s) => s.id.startsWith('peer')) ? peerVersions() : null,
    default_cache_size: ctx.defaultCache,
    rss_scope: ctx.rssPerCell ? 'measured run' : 'process lifetime',
    notes: notes(ctx),
    soaks: ctx.soaks,
    cells,
    failures: ctx.failures,
  };
  process.stdout.write(`\n${table(cells, ctx.failures)}\n\n${targetLines(report).join('\n')}\n\n${report.notes.join('\n')}\n`);
  if (opts.profile) {
    progress('--profile: left reports/bench-service.json and docs/BENCHMARKS.md as they were (profiled timings)');
  } else {
    writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
    progress('wrote reports/bench-service.json');
    writeDocs(report);
  }
  if (ctx.failures.length) process.exitCode = 1;
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the servers`);
    killAll();
    process.exit(130);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:service failed: ${err instanceof Error ? err.message : String(err)}\n`);
  killAll();
  process.exit(1);
});
