/**
 * Summarises a V8 CPU profile (the `.cpuprofile` JSON that `node --cpu-prof` writes when
 * the process exits) into what a "profile first" look needs: how much of the sampled
 * time was busy, which functions own the most SELF time, and which owners (npm package,
 * Node internal module, our own file, V8's own entries) that time adds up to. Pure (no
 * file system); `npm run bench:service -- --profile` reads the files and calls these.
 *
 * Time model (as Chrome DevTools does it): sample i is taken at startTime +
 * timeDeltas[0..i] and stands for the time until the next sample (the last one: until
 * endTime); a negative delta (V8 emits a few) counts as 0. Idle time is the "(idle)"
 * node's; busy = sampled − idle, and every share is a share of busy time.
 */
import { fileURLToPath } from 'node:url';
import { GitopsMlError } from '../model/errors.js';

export interface CpuProfileCallFrame {
  functionName: string;
  url: string;
  /** 0-based, −1 for V8's own entries. */
  lineNumber: number;
  columnNumber: number;
  scriptId?: string | number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CpuProfileCallFrame;
  children?: number[];
  hitCount?: number;
}

/** The fields of a `.cpuprofile` this module reads (V8's Profiler.Profile). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Node id of the top of the stack at each sample. */
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
  /** Microseconds, on the monotonic clock (CLOCK_MONOTONIC on Linux: process.hrtime's). */
  startTime: number;
  endTime: number;
}

export type CpuProfileErrorCode = 'E_CPUPROFILE_JSON' | 'E_CPUPROFILE_SHAPE';

/** Input that is not a `.cpuprofile`; the message names the first thing wrong with it. */
export class CpuProfileError extends GitopsMlError {
  constructor(
    code: CpuProfileErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'CpuProfileError';
  }
}

/** A function, by name and location, with the self time of all its nodes (every call stack it was on top of). */
export interface ProfileFunction {
  /** functionName, "(anonymous)" when V8 has none. */
  name: string;
  /** Shortened location (see shortenUrl), "" for V8's own entries, "(native)" for other native code. */
  file: string;
  /** 1-based; null when V8 gives none. */
  line: number | null;
  /** The owner the time is grouped under (see ownerOf). */
  owner: string;
  selfUs: number;
  /** selfUs / busyUs (0 when nothing was busy). */
  share: number;
  /** selfUs / requests; null without a request count. */
  usPerRequest: number | null;
}

export interface ProfileOwner {
  owner: string;
  selfUs: number;
  share: number;
  usPerRequest: number | null;
  /** Distinct functions of this owner that had self time. */
  functions: number;
}

export interface ProfileSummary {
  /** Sampled time inside the windows (the whole profile without windows), µs. */
  totalUs: number;
  idleUs: number;
  busyUs: number;
  samples: number;
  /** endTime − startTime: what the profile covers, windows or not. */
  profiledUs: number;
  /** How many windows the samples were restricted to; null: the whole profile. */
  windows: number | null;
  requests: number | null;
  /** busyUs / requests. */
  busyUsPerRequest: number | null;
  /** The `top` functions with the most self time, idle excluded; most first. */
  top: ProfileFunction[];
  /** Every owner with self time, idle excluded; most first. */
  owners: ProfileOwner[];
}

export interface SummariseOptions {
  /** Requests served in the summarised time: adds µs per request to every row. */
  requests?: number;
  /** How many functions to keep (default 15). */
  top?: number;
  /** Repository root (absolute path): our files are shown relative to it. */
  root?: string;
  /**
   * Only samples taken inside these [startUs, endUs) intervals count, in the profile's
   * clock (on Linux process.hrtime.bigint() / 1000n of any process on the machine).
   */
  windows?: readonly { startUs: number; endUs: number }[];
}

/** V8's pseudo-frames: their own owners, shown without a file. */
const V8_ENTRIES = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
const IDLE = '(idle)';

// --- validation ---

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);
const shape = (message: string): CpuProfileError => new CpuProfileError('E_CPUPROFILE_SHAPE', `not a V8 .cpuprofile: ${message}`);

function finite(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw shape(`${what} is not a finite number (got ${kind(v)})`);
  return v;
}

function numberArray(v: unknown, what: string, integers: boolean): number[] {
  if (!Array.isArray(v)) throw shape(`${what} is not an array (got ${kind(v)})`);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !(integers ? Number.isInteger(x) : Number.isFinite(x))) throw shape(`${what}[${i}] is not ${integers ? 'an integer' : 'a finite number'} (got ${JSON.stringify(x) ?? kind(x)})`);
  }
  return v as number[];
}

/** Checks that `value` has a .cpuprofile's shape (every field this module reads) and returns it typed. */
export function validateProfile(value: unknown): CpuProfile {
  if (!isRecord(value)) throw shape(`expected an object with nodes, samples, timeDeltas, startTime and endTime, got ${kind(value)}`);
  const missing = ['nodes', 'samples', 'timeDeltas', 'startTime', 'endTime'].filter((k) => !(k in value));
  if (missing.length) throw shape(`missing ${missing.join(', ')} (keys present: ${Object.keys(value).slice(0, 10).join(', ') || 'none'})`);
  if (!Array.isArray(value.nodes) || value.nodes.length === 0) throw shape(`nodes is not a non-empty array (got ${Array.isArray(value.nodes) ? 'an empty array' : kind(value.nodes)})`);
  const ids = new Set<number>();
  value.nodes.forEach((n: unknown, i) => {
    const at = `nodes[${i}]`;
    if (!isRecord(n)) throw shape(`${at} is not an object (got ${kind(n)})`);
    if (typeof n.id !== 'number' || !Number.isInteger(n.id)) throw shape(`${at}.id is not an integer (got ${kind(n.id)})`);
    if (ids.has(n.id)) throw shape(`${at}.id ${n.id} is not unique`);
    ids.add(n.id);
    const cf = n.callFrame;
    if (!isRecord(cf)) throw shape(`${at}.callFrame is not an object (got ${kind(cf)})`);
    for (const k of ['functionName', 'url'] as const) if (typeof cf[k] !== 'string') throw shape(`${at}.callFrame.${k} is not a string (got ${kind(cf[k])})`);
    for (const k of ['lineNumber', 'columnNumber'] as const) finite(cf[k], `${at}.callFrame.${k}`);
    if (n.children !== undefined) numberArray(n.children, `${at}.children`, true);
  });
  const samples = numberArray(value.samples, 'samples', true);
  const deltas = numberArray(value.timeDeltas, 'timeDeltas', false);
  if (samples.length !== deltas.length) throw shape(`samples has ${samples.length} entries but timeDeltas has ${deltas.length}; they must pair up`);
  const unknown = samples.findIndex((s) => !ids.has(s));
  if (unknown >= 0) throw shape(`samples[${unknown}] is node id ${samples[unknown]}, which no node has`);
  const start = finite(value.startTime, 'startTime');
  const end = finite(value.endTime, 'endTime');
  if (end < start) throw shape(`endTime ${end} is before startTime ${start}`);
  return value as unknown as CpuProfile;
}

/** JSON.parse + validateProfile; `source` (a file name) prefixes the message. */
export function parseProfile(text: string, source = 'profile'): CpuProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CpuProfileError('E_CPUPROFILE_JSON', `${source}: not JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  try {
    return validateProfile(value);
  } catch (e) {
    if (e instanceof CpuProfileError) throw new CpuProfileError(e.code as CpuProfileErrorCode, `${source}: ${e.message}`);
    throw e;
  }
}

// --- where a frame comes from ---

/** The npm package a path after `node_modules/` belongs to: "fastify/lib/x.js" → "fastify", "@fastify/ajv/x.js" → "@fastify/ajv". */
function packageOf(afterNodeModules: string): string {
  const parts = afterNodeModules.split('/');
  return (parts[0]?.startsWith('@') && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0]) || afterNodeModules;
}

function pathOf(url: string): string | null {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return null;
    }
  }
  return url.startsWith('/') ? url : null;
}

function underRoot(path: string, root: string | undefined): string | null {
  if (!root) return null;
  const r = root.endsWith('/') ? root : `${root}/`;
  return path.startsWith(r) ? path.slice(r.length) : null;
}

/**
 * A frame's url, shortened: the path after the last `node_modules/` for packages,
 * relative to `root` for our files, `node:` urls as they are, other urls unchanged.
 */
export function shortenUrl(url: string, root?: string): string {
  const path = pathOf(url);
  if (path === null) return url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  return underRoot(path, root) ?? path;
}

/**
 * Who a frame's self time is charged to: the npm package (scoped ones as "@scope/name"),
 * "node:<module>" for Node's own JavaScript (node:internal/streams/readable → node:streams,
 * node:_http_server → node:_http_server), the repository file for our code (a compiled
 * dist/x/y.js is charged to its source x/y.ts), "wasm" for WebAssembly, and V8's
 * pseudo-frames and native functions (url "") under their own names: "(garbage
 * collector)", "(program)", "writev".
 */
export function ownerOf(callFrame: Pick<CpuProfileCallFrame, 'functionName' | 'url'>, root?: string): string {
  const { url, functionName } = callFrame;
  if (url === '') return functionName || '(anonymous native)';
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    if (parts[0] === 'internal' && parts.length > 1) parts.shift();
    // internal/deps/undici/undici → deps/undici: the vendored package, not "deps".
    return `node:${parts[0] === 'deps' && parts.length > 1 ? `deps/${parts[1]}` : parts[0]}`;
  }
  if (url.startsWith('wasm://')) return 'wasm';
  const path = pathOf(url);
  if (path === null) return url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return packageOf(path.slice(nm + '/node_modules/'.length));
  const mine = underRoot(path, root);
  if (mine === null) return path;
  const dist = /^dist\/(.+)\.(m?)js$/.exec(mine);
  return dist ? `${dist[1]}.${dist[2]}ts` : mine;
}

// --- summary ---

/** Self time per node id, µs, counting only samples inside the windows (all without). */
function selfTimes(profile: CpuProfile, windows: SummariseOptions['windows']): { self: Map<number, number>; samples: number } {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  const inside = (t: number): boolean => !windows || windows.some((w) => t >= w.startUs && t < w.endUs);
  let t = profile.startTime;
  let counted = 0;
  for (let i = 0; i < samples.length; i++) {
    t += Math.max(0, timeDeltas[i] as number);
    const next = i + 1 < samples.length ? t + Math.max(0, timeDeltas[i + 1] as number) : Math.max(t, profile.endTime);
    if (!inside(t)) continue;
    const id = samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (next - t));
    counted++;
  }
  return { self, samples: counted };
}

/** Validates `profile` (see validateProfile) and summarises it. */
export function summariseProfile(profile: unknown, options: SummariseOptions = {}): ProfileSummary {
  const p = validateProfile(profile);
  const { requests, root, windows } = options;
  const topN = options.top ?? 15;
  if (requests !== undefined && !(Number.isFinite(requests) && requests >= 0)) throw new RangeError(`requests must be a number ≥ 0, got ${requests}`);
  if (!Number.isInteger(topN) || topN < 0) throw new RangeError(`top must be a whole number ≥ 0, got ${topN}`);
  const { self, samples } = selfTimes(p, windows);
  const perRequest = (us: number): number | null => (requests ? us / requests : null);

  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, Omit<ProfileFunction, 'share' | 'usPerRequest'>>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of self) {
    totalUs += us;
    const cf = (byNode.get(id) as CpuProfileNode).callFrame;
    if (cf.url === '' && cf.functionName === IDLE) {
      idleUs += us;
      continue;
    }
    const key = `${cf.functionName}\0${cf.url}\0${cf.lineNumber}\0${cf.columnNumber}`;
    const f = functions.get(key);
    if (f) f.selfUs += us;
    else {
      const native = cf.url === '';
      functions.set(key, {
        name: cf.functionName || '(anonymous)',
        file: native ? (V8_ENTRIES.has(cf.functionName) ? '' : '(native)') : shortenUrl(cf.url, root),
        line: native || cf.lineNumber < 0 ? null : cf.lineNumber + 1,
        owner: ownerOf(cf, root),
        selfUs: us,
      });
    }
  }
  const busyUs = totalUs - idleUs;
  const share = (us: number): number => (busyUs > 0 ? us / busyUs : 0);
  const all = [...functions.values()].filter((f) => f.selfUs > 0).sort((a, b) => b.selfUs - a.selfUs || a.name.localeCompare(b.name));

  const owners = new Map<string, { selfUs: number; functions: number }>();
  for (const f of all) {
    const o = owners.get(f.owner) ?? { selfUs: 0, functions: 0 };
    o.selfUs += f.selfUs;
    o.functions++;
    owners.set(f.owner, o);
  }
  return {
    totalUs,
    idleUs,
    busyUs,
    samples,
    profiledUs: p.endTime - p.startTime,
    windows: windows ? windows.length : null,
    requests: requests ?? null,
    busyUsPerRequest: perRequest(busyUs),
    top: all.slice(0, topN).map((f) => ({ ...f, share: share(f.selfUs), usPerRequest: perRequest(f.selfUs) })),
    owners: [...owners]
      .map(([owner, o]) => ({ owner, selfUs: o.selfUs, share: share(o.selfUs), usPerRequest: perRequest(o.selfUs), functions: o.functions }))
      .sort((a, b) => b.selfUs - a.selfUs || a.owner.localeCompare(b.owner)),
  };
}

// --- markdown ---

/** Which thread wrote a profile, from node's file name CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile (tid 0: the main thread). */
export function profileFileInfo(fileName: string): { pid: number; threadId: number; seq: number; thread: string } | null {
  const m = /(?:^|\/)CPU\.\d{8}\.\d{6}\.(\d+)\.(\d+)\.(\d+)\.cpuprofile$/.exec(fileName);
  if (!m) return null;
  const threadId = Number(m[2]);
  return { pid: Number(m[1]), threadId, seq: Number(m[3]), thread: threadId === 0 ? 'main thread' : `worker thread ${threadId}` };
}

export interface RenderOptions {
  /** Owners to list (default 10); the rest are summed into one row. */
  owners?: number;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');
const code = (s: string): string => (s === '' ? '' : `\`${s.replace(/`/g, "'")}\``);
const msOf = (us: number): string => (us / 1000).toFixed(us < 10_000 ? 2 : 1);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const usReq = (v: number | null): string => (v === null ? '–' : v.toFixed(v < 10 ? 2 : 1));

function mdTable(head: string[], rows: string[][], right: ReadonlySet<number>): string {
  const widths = head.map((_, i) => Math.max(3, ...[head, ...rows].map((r) => (r[i] as string).length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => (right.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/** A short markdown block: one line of totals, the top functions by self time, self time by owner. */
export function renderProfileSummary(s: ProfileSummary, options: RenderOptions = {}): string {
  const ownersShown = options.owners ?? 10;
  const withReq = s.requests !== null;
  const busyShare = s.totalUs > 0 ? ` (${pct(s.busyUs / s.totalUs)})` : '';
  const totals = [
    `Sampled ${msOf(s.totalUs)} ms (${s.samples.toLocaleString('en-US')} samples${s.windows !== null ? ` inside ${s.windows} window${s.windows === 1 ? '' : 's'}, of ${msOf(s.profiledUs)} ms profiled` : ''}): busy ${msOf(s.busyUs)} ms${busyShare}, idle ${msOf(s.idleUs)} ms.`,
  ];
  if (withReq) totals.push(`${(s.requests as number).toLocaleString('en-US')} requests: ${usReq(s.busyUsPerRequest)} µs busy per request.`);
  const reqHead = withReq ? ['µs/req'] : [];
  const fnRows = s.top.map((f) => [code(f.name), code(`${f.file}${f.line !== null ? `:${f.line}` : ''}`), code(f.owner), msOf(f.selfUs), pct(f.share), ...(withReq ? [usReq(f.usPerRequest)] : [])].map(cell));
  const shown = s.owners.slice(0, ownersShown);
  const rest = s.owners.slice(ownersShown);
  const ownerRows = shown.map((o) => [code(o.owner), String(o.functions), msOf(o.selfUs), pct(o.share), ...(withReq ? [usReq(o.usPerRequest)] : [])].map(cell));
  if (rest.length) {
    const us = rest.reduce((n, o) => n + o.selfUs, 0);
    const fns = rest.reduce((n, o) => n + o.functions, 0);
    ownerRows.push([`${rest.length} others`, String(fns), msOf(us), pct(s.busyUs > 0 ? us / s.busyUs : 0), ...(withReq ? [usReq(s.requests ? us / s.requests : null)] : [])]);
  }
  const parts = [totals.join(' ')];
  if (s.busyUs === 0) parts.push('No busy samples.');
  else {
    parts.push(mdTable(['function (self time)', 'file', 'owner', 'self ms', '% busy', ...reqHead], fnRows, new Set([3, 4, 5])));
    parts.push(mdTable(['owner', 'functions', 'self ms', '% busy', ...reqHead], ownerRows, new Set([1, 2, 3, 4])));
  }
  return parts.join('\n\n');
}
