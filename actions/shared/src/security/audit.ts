import type { ErrorObject } from 'ajv';
import { ValidationError } from '../../../../model/errors.js';
import { createAjv } from '../../../../model/util/ajv.js';
import { keyName, parseYamlStrict } from '../config.js';
import type { Finding, Level, PartResult } from './findings.js';

/**
 * The dependency-audit part of the security review: `npm audit --json` is run by a
 * workflow step; this reads what it printed, applies the repository's allow-list and
 * decides. npm prints an error object instead of a report when the registry refuses
 * the audit (this sandbox's registry answers 405); that is `unavailable`, never a pass.
 */

export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';
/** Most severe first: the order of summaries and findings. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'moderate', 'low', 'info'];
const BLOCKING: ReadonlySet<Severity> = new Set(['critical', 'high']);

/** An advisory as npm puts it in a `via` list (auditReportVersion 2). */
export interface Advisory {
  /** npm's numeric advisory id; the GHSA id is in `url`. */
  source: number;
  /** The vulnerable package. */
  name: string;
  dependency: string;
  title: string;
  url: string;
  severity: Severity;
  range: string;
  cwe?: string[];
  cvss?: { score: number; vectorString: string | null };
}

/** One vulnerable package. `via` strings name dependencies it is vulnerable through. */
export interface Vulnerability {
  name: string;
  severity: Severity;
  isDirect: boolean;
  via: (string | Advisory)[];
  effects: string[];
  range: string;
  nodes: string[];
  fixAvailable: boolean | { name: string; version: string; isSemVerMajor: boolean };
}

export interface AuditData {
  kind: 'report';
  vulnerabilities: Record<string, Vulnerability>;
  /** Vulnerable packages by severity, as npm counts them in `metadata.vulnerabilities`. */
  counts: Record<Severity | 'total', number>;
}

export interface AuditUnavailable {
  kind: 'unavailable';
  reason: string;
}

export type AuditReport = AuditData | AuditUnavailable;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeverity = (v: unknown): v is Severity => typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
const firstLine = (s: string, max = 160): string => {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
};

/** The problem with one `vulnerabilities` entry, or undefined if npm's shape holds. */
function entryProblem(key: string, v: unknown): string | undefined {
  if (!isObject(v)) return `vulnerabilities["${key}"] is not an object`;
  if (typeof v.name !== 'string') return `vulnerabilities["${key}"].name is missing`;
  if (!isSeverity(v.severity)) return `vulnerabilities["${key}"].severity is ${JSON.stringify(v.severity)}, not one of ${SEVERITIES.join(', ')}`;
  if (!Array.isArray(v.via)) return `vulnerabilities["${key}"].via is not a list`;
  for (const [i, via] of v.via.entries()) {
    if (typeof via === 'string') continue;
    if (!isObject(via)) return `vulnerabilities["${key}"].via[${i}] is neither a package name nor an advisory`;
    for (const field of ['name', 'title', 'url'] as const) {
      if (typeof via[field] !== 'string') return `vulnerabilities["${key}"].via[${i}].${field} is missing`;
    }
    if (typeof via.source !== 'number' && typeof via.source !== 'string') return `vulnerabilities["${key}"].via[${i}].source is missing`;
    if (!isSeverity(via.severity)) return `vulnerabilities["${key}"].via[${i}].severity is ${JSON.stringify(via.severity)}`;
  }
  return undefined;
}

/**
 * Reads the stdout of `npm audit --json` (npm 7 and later). Anything that is not a
 * complete report — npm's HTTP error object (the registry refused the audit), its
 * `{ error: { code } }` object (no lockfile, offline…), nothing at all, not JSON, or the
 * npm 6 format — comes back as `unavailable` with the reason, so it cannot pass.
 */
export function parseAuditReport(raw: string): AuditReport {
  const unavailable = (reason: string): AuditUnavailable => ({ kind: 'unavailable', reason });
  if (raw.trim() === '') return unavailable('npm audit printed nothing on stdout (did the audit step run?)');
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return unavailable(`npm audit output is not JSON: "${firstLine(raw, 120)}"`);
  }
  if (!isObject(doc)) return unavailable(`npm audit output is not a JSON object: "${firstLine(raw, 120)}"`);
  if (doc.auditReportVersion === undefined) {
    // npm prints the registry's HTTP error as is (message, uri, statusCode, body…); its
    // own `error` key is there too, empty, so the status has to be looked at first.
    if (typeof doc.statusCode === 'number') {
      const message = typeof doc.message === 'string' ? doc.message : `${String(doc.method ?? 'request')} ${String(doc.uri ?? '')}`.trim();
      return unavailable(`the registry answered HTTP ${doc.statusCode} to the audit request (${firstLine(message)})`);
    }
    if (isObject(doc.error)) {
      const { code, summary, detail } = doc.error;
      const text = [summary, detail].filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => firstLine(s));
      return unavailable(`npm audit failed${typeof code === 'string' ? ` with ${code}` : ''}${text.length ? `: ${text.join(' — ')}` : ''}`);
    }
    if (isObject(doc.advisories) && 'actions' in doc) return unavailable('the report is in npm 6 format (no auditReportVersion); run the audit with npm 7 or later');
    if (typeof doc.message === 'string') return unavailable(`npm audit failed: ${firstLine(doc.message)}`);
    return unavailable('npm audit output is not an audit report (no auditReportVersion)');
  }
  if (doc.auditReportVersion !== 2) return unavailable(`unsupported audit report version ${JSON.stringify(doc.auditReportVersion)} (this reads version 2)`);
  if (!isObject(doc.vulnerabilities)) return unavailable('the audit report has no "vulnerabilities" object');
  const vulnerabilities: Record<string, Vulnerability> = {};
  const counts: AuditData['counts'] = { critical: 0, high: 0, moderate: 0, low: 0, info: 0, total: 0 };
  for (const [key, v] of Object.entries(doc.vulnerabilities)) {
    const problem = entryProblem(key, v);
    if (problem) return unavailable(`the audit report is malformed: ${problem}`);
    const e = v as Record<string, unknown> & Pick<Vulnerability, 'name' | 'severity' | 'via'>;
    vulnerabilities[key] = {
      name: e.name,
      severity: e.severity,
      isDirect: e.isDirect === true,
      via: e.via,
      effects: Array.isArray(e.effects) ? e.effects.filter((x): x is string => typeof x === 'string') : [],
      range: typeof e.range === 'string' ? e.range : '',
      nodes: Array.isArray(e.nodes) ? e.nodes.filter((x): x is string => typeof x === 'string') : [],
      fixAvailable: (e.fixAvailable ?? false) as Vulnerability['fixAvailable'],
    };
    counts[e.severity] += 1;
    counts.total += 1;
  }
  return { kind: 'report', vulnerabilities, counts };
}

// ---------------------------------------------------------------------------
// The allow-list: `.github/security-allowlist.yml`
// ---------------------------------------------------------------------------

export const ALLOWLIST_PATH = '.github/security-allowlist.yml';

/** An advisory accepted, for one package, until a date. */
export interface AuditException {
  /** `GHSA-xxxx-xxxx-xxxx` or the advisory's URL. */
  id: string;
  package: string;
  reason: string;
  /** `YYYY-MM-DD`, the last day the exception holds (UTC). */
  expires: string;
}

/** A licence accepted for one package until a date; `license` must match what the package declares (`NONE` for no licence). */
export interface LicenseException {
  package: string;
  license: string;
  reason: string;
  expires: string;
}

export interface Allowlist {
  audit: AuditException[];
  licenses: LicenseException[];
}

const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const REASON = { type: 'string', pattern: '\\S' };
const ALLOWLIST_SECTIONS = ['audit', 'licenses'] as const;
const ALLOWLIST_SCHEMA: Record<string, unknown> = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    audit: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'package', 'reason', 'expires'],
        properties: {
          id: { type: 'string', pattern: '^(GHSA-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}|https://[^\\s]+)$' },
          package: { type: 'string', minLength: 1 },
          reason: REASON,
          expires: { type: 'string', pattern: DATE_RE.source },
        },
      },
    },
    licenses: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['package', 'license', 'reason', 'expires'],
        properties: {
          package: { type: 'string', minLength: 1 },
          license: { type: 'string', minLength: 1 },
          reason: REASON,
          expires: { type: 'string', pattern: DATE_RE.source },
        },
      },
    },
  },
};

const ENTRY_KEYS: Record<string, readonly string[]> = { audit: ['id', 'package', 'reason', 'expires'], licenses: ['package', 'license', 'reason', 'expires'] };
/** What each key must hold, in the words a person fixing the file needs. */
const KEY_RULES: Record<string, string> = {
  id: 'must be a GitHub advisory id (GHSA-xxxx-xxxx-xxxx) or the advisory URL (https://github.com/advisories/GHSA-…)',
  package: 'must name the package',
  license: 'must be the licence the package declares (its SPDX expression, or NONE)',
  reason: 'must say why the exception is acceptable (a non-empty text)',
  expires: 'must be a date YYYY-MM-DD (the last day the exception holds)',
};

let allowlistValidator: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

function describeAllowlistError(e: ErrorObject, value: unknown): string {
  const key = keyName(e.instancePath);
  const last = e.instancePath.split('/').pop() ?? '';
  const got = (): string => {
    let node: unknown = value;
    for (const p of e.instancePath.split('/').slice(1)) node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[p] : undefined;
    return JSON.stringify(node);
  };
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return `${key}: missing key "${missing}" (${KEY_RULES[missing] ?? 'required'})`;
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const section = e.instancePath.split('/')[1] ?? '';
      const allowed = key ? (ENTRY_KEYS[section] ?? []) : ALLOWLIST_SECTIONS;
      return `${key || 'the top level'}: unknown key "${extra}"; allowed keys: ${allowed.join(', ')}`;
    }
    case 'pattern':
    case 'minLength':
      return `${key}: ${KEY_RULES[last] ?? (e.message ?? 'is not valid')}; got ${got()}`;
    case 'type':
      return `${key || 'the top level'} must be ${(e.params as { type: string | string[] }).type.toString().replace(',null', '').replace(',', ' or ')}; got ${got()}`;
    default:
      return `${key || 'the top level'} ${e.message ?? 'is not valid'}`;
  }
}

/** Whether `YYYY-MM-DD` names a day that exists (the pattern alone lets 2026-02-30 through). */
function isCalendarDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Parses and validates the allow-list. Every problem is reported at once, each naming
 * the entry (`audit[2]`), the key and what it must hold, with its line; an empty file
 * allows nothing.
 */
export function parseAllowlist(text: string, file = ALLOWLIST_PATH): Allowlist {
  const { doc, lines } = parseYamlStrict(text, file);
  const value: unknown = doc.toJS();
  // Union types let `audit:` with no entries under it (YAML null) mean an empty list.
  allowlistValidator ??= createAjv({ allowUnionTypes: true }).compile(ALLOWLIST_SCHEMA);
  const lineOf = (pointer: string): string => {
    const path = pointer.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? ` (line ${lines.linePos(node.range[0]).line})` : '';
  };
  const problems: string[] = [];
  if (!allowlistValidator(value)) {
    for (const e of allowlistValidator.errors ?? []) problems.push(`${describeAllowlistError(e, value)}${lineOf(e.instancePath)}`);
  }
  const raw = (isObject(value) ? value : {}) as { audit?: unknown; licenses?: unknown };
  const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
  for (const section of ALLOWLIST_SECTIONS) {
    list<Record<string, unknown>>(raw[section]).forEach((entry, i) => {
      const expires = isObject(entry) ? entry.expires : undefined;
      if (typeof expires === 'string' && DATE_RE.test(expires) && !isCalendarDate(expires)) {
        problems.push(`${section}[${i}].expires: ${JSON.stringify(expires)} is not a real date${lineOf(`/${section}/${i}/expires`)}`);
      }
    });
  }
  if (problems.length > 0) throw new ValidationError(`${file} is not a valid security allow-list`, [...new Set(problems)]);
  return { audit: list<AuditException>(raw.audit), licenses: list<LicenseException>(raw.licenses) };
}

/** The UTC day of `today`, as the allow-list writes dates. */
export function isoDay(today: Date): string {
  return today.toISOString().slice(0, 10);
}

/** An exception holds through its `expires` day and lapses the day after. */
export function isExpired(expires: string, today: Date): boolean {
  return isoDay(today) > expires;
}

// ---------------------------------------------------------------------------
// The policy
// ---------------------------------------------------------------------------

/** `GHSA-xxxx-xxxx-xxxx` from an advisory URL, if it has one. */
export function ghsaId(url: string): string | undefined {
  const m = /GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/i.exec(url);
  return m ? `GHSA-${m[0].slice(5).toLowerCase()}` : undefined;
}

export interface FoundAdvisory {
  advisory: Advisory;
  id: string;
  nodes: string[];
  isDirect: boolean;
  /** The direct dependencies that bring the package in, as far as the report shows them. */
  through: string[];
  fix: Vulnerability['fixAvailable'];
}

/** Walks `effects` up to the direct dependencies, so a finding says what to upgrade. */
function directDependents(report: AuditData, name: string): string[] {
  const seen = new Set<string>([name]);
  const queue = [...(report.vulnerabilities[name]?.effects ?? [])];
  const direct = new Set<string>();
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    const v = report.vulnerabilities[next];
    if (!v) continue;
    if (v.isDirect) direct.add(next);
    queue.push(...v.effects);
  }
  return [...direct].sort();
}

/**
 * The advisories in a report, once each: a package appears under every path that
 * reaches it, but its advisories sit only in its own entry. npm can list one GHSA twice
 * (one `source` per vulnerable range), so they are keyed by GHSA id and package.
 */
export function advisoriesOf(report: AuditData): FoundAdvisory[] {
  const found = new Map<string, FoundAdvisory>();
  for (const v of Object.values(report.vulnerabilities)) {
    for (const via of v.via) {
      if (typeof via === 'string') continue;
      const id = ghsaId(via.url) ?? String(via.source);
      const key = `${id}\u0000${via.name}`;
      const seen = found.get(key);
      if (seen) {
        seen.nodes = [...new Set([...seen.nodes, ...v.nodes])];
        continue;
      }
      found.set(key, { advisory: via, id, nodes: [...v.nodes], isDirect: v.isDirect, through: v.isDirect ? [] : directDependents(report, v.name), fix: v.fixAvailable });
    }
  }
  const rank = (s: Severity): number => SEVERITIES.indexOf(s);
  return [...found.values()].sort((a, b) => rank(a.advisory.severity) - rank(b.advisory.severity) || a.advisory.name.localeCompare(b.advisory.name) || a.id.localeCompare(b.id));
}

const matches = (entry: AuditException, a: FoundAdvisory): boolean =>
  entry.package === a.advisory.name && (entry.id.toLowerCase() === a.id.toLowerCase() || entry.id === a.advisory.url || ghsaId(entry.id)?.toLowerCase() === a.id.toLowerCase());

function describeAdvisory(a: FoundAdvisory): string {
  const { advisory } = a;
  // `effects` lists only dependents that are vulnerable themselves, so a transitive
  // package whose parents are not may have no direct dependency to name.
  const where = a.isDirect ? 'a direct dependency' : a.through.length ? `a dependency of ${a.through.join(', ')}` : 'a transitive dependency';
  const fix =
    a.fix === true ? '`npm audit fix` resolves it' : typeof a.fix === 'object' && a.fix ? `fixed by ${a.fix.name}@${a.fix.version}${a.fix.isSemVerMajor ? ' (a major upgrade)' : ''}` : 'no fix is available yet';
  return `${advisory.name} (${advisory.severity}, ${where}, vulnerable ${advisory.range || 'range unknown'}): ${advisory.title} — ${advisory.url}; ${fix}.`;
}

/**
 * The audit verdict: fails on any high or critical advisory no unexpired allow-list
 * entry covers; moderate and low are warnings. An expired entry covers nothing and is
 * reported itself, so the expiry is seen and renewed or the dependency fixed.
 */
export function auditPolicy(report: AuditReport, allowlist: Pick<Allowlist, 'audit'>, today: Date): PartResult {
  if (report.kind === 'unavailable') {
    return {
      part: 'audit',
      outcome: 'unavailable',
      summary: `audit unavailable: ${report.reason}`,
      findings: [{ ruleId: 'audit/unavailable', level: 'error', message: `The dependency audit could not be made: ${report.reason}. Re-run it when the registry answers; this is not a pass.`, path: 'package-lock.json' }],
    };
  }
  const advisories = advisoriesOf(report);
  const findings: Finding[] = [];
  const used = new Set<AuditException>();
  let blocking = 0;
  let allowed = 0;
  for (const a of advisories) {
    const entries = allowlist.audit.filter((e) => matches(e, a));
    entries.forEach((e) => used.add(e));
    const cover = entries.find((e) => !isExpired(e.expires, today));
    const ruleId = `audit/${a.id}`;
    if (cover) {
      allowed += 1;
      findings.push({ ruleId, level: 'note', message: `Allowed until ${cover.expires} (${cover.reason}): ${describeAdvisory(a)}`, path: 'package-lock.json' });
      continue;
    }
    const level: Level = BLOCKING.has(a.advisory.severity) ? 'error' : a.advisory.severity === 'info' ? 'note' : 'warning';
    if (level === 'error') blocking += 1;
    findings.push({ ruleId, level, message: describeAdvisory(a), path: 'package-lock.json' });
    for (const e of entries) {
      findings.push({
        ruleId: 'audit/allowlist-expired',
        level,
        message: `The allow-list entry for ${e.id} in ${e.package} expired on ${e.expires} (reason given: ${e.reason}); fix the dependency, or renew the entry with a new date if the reason still holds.`,
        path: ALLOWLIST_PATH,
      });
    }
  }
  for (const e of allowlist.audit) {
    if (used.has(e)) continue;
    const expired = isExpired(e.expires, today);
    findings.push({
      ruleId: expired ? 'audit/allowlist-expired' : 'audit/allowlist-unused',
      level: expired ? 'warning' : 'note',
      message: expired
        ? `The allow-list entry for ${e.id} in ${e.package} expired on ${e.expires} and the audit no longer reports it; remove the entry.`
        : `The allow-list entry for ${e.id} in ${e.package} (until ${e.expires}) matches nothing the audit reports; remove it once the fix is merged.`,
      path: ALLOWLIST_PATH,
    });
  }
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, moderate: 0, low: 0, info: 0 };
  for (const a of advisories) bySeverity[a.advisory.severity] += 1;
  const counts = SEVERITIES.filter((s) => s !== 'info' || bySeverity.info > 0)
    .map((s) => `${bySeverity[s]} ${s}`)
    .join(', ');
  const verdict = blocking > 0 ? `${blocking} high/critical not on the allow-list` : advisories.length === 0 ? 'no known vulnerabilities' : 'no high/critical outside the allow-list';
  return {
    part: 'audit',
    outcome: blocking > 0 ? 'fail' : 'pass',
    summary: `${advisories.length} advisories (${counts}) in ${report.counts.total} vulnerable packages${allowed ? `, ${allowed} allowed until expiry` : ''}; ${verdict}`,
    findings,
  };
}
