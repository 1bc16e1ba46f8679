import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ALLOWLIST_PATH, isExpired } from './audit.js';
import type { LicenseException } from './audit.js';
import type { Finding, PartResult } from './findings.js';

/**
 * The licence part of the security review: every package the service ships with (the
 * lockfile's non-dev packages) must carry a licence on the allow-list, or an exception
 * with a reason and an expiry in `.github/security-allowlist.yml`. The policy is pure;
 * reading the installed `package.json` files is kept apart in `readInstalledLicenses`.
 */

/**
 * Licences a production dependency may carry without an exception: permissive ones,
 * whose only duty is to keep the notice. CC-BY-4.0 is here for data packages (e.g.
 * caniuse-lite) and only asks for attribution; Python-2.0 is argparse's permissive licence;
 * Zlib (pako, under autocannon) is the zlib licence, permissive and OSI-approved.
 * MPL-2.0 is deliberately not: it is file-level copyleft, so shipping a modified MPL file
 * in the service image obliges us to publish that file's source. That is often fine, but
 * someone should decide it per package, which is what an allow-list exception records.
 */
export const DEFAULT_ALLOWED_LICENSES: readonly string[] = [
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
  'Python-2.0',
  'CC-BY-4.0',
  'Zlib',
];

export interface ProductionPackage {
  name: string;
  version: string;
  /** The lockfile key, e.g. `node_modules/a/node_modules/b`. */
  path: string;
  optional: boolean;
  /** The licence npm copied from the registry into the lockfile, if any. */
  lockLicense?: string;
}

export interface PackageLicense extends ProductionPackage {
  /** The declared licence (an SPDX expression, if the package is well behaved); undefined if none. */
  license: string | undefined;
  /** Where it was read: lockfile only for packages not installed here (optional, other platforms). */
  source: 'package.json' | 'package-lock.json' | 'none';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The packages a production install gets, from a package-lock.json (lockfileVersion 2
 * or 3): all but the root and `dev` ones. `devOptional` means "dev, or optional for a
 * production dependency", so production can install it; optional ones ship where their
 * platform matches, so they count too. Links are skipped: their target has its own entry.
 */
export function productionPackages(lock: unknown): ProductionPackage[] {
  if (!isObject(lock)) throw new Error('package-lock.json is not a JSON object');
  if (typeof lock.lockfileVersion !== 'number' || lock.lockfileVersion < 2 || !isObject(lock.packages)) {
    throw new Error(`package-lock.json has lockfileVersion ${JSON.stringify(lock.lockfileVersion)} without a "packages" map; regenerate it with npm 7 or later`);
  }
  const out: ProductionPackage[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !isObject(entry) || entry.dev === true || entry.link === true) continue;
    // An aliased install (`"x": "npm:y@1"`) records the real name; otherwise the name is the path's last package.
    const at = path.lastIndexOf('node_modules/');
    const name = typeof entry.name === 'string' ? entry.name : at >= 0 ? path.slice(at + 'node_modules/'.length) : path;
    out.push({
      name,
      version: typeof entry.version === 'string' ? entry.version : '',
      path,
      optional: entry.optional === true || entry.devOptional === true,
      ...(typeof entry.license === 'string' ? { lockLicense: entry.license } : {}),
    });
  }
  return out;
}

/**
 * A package.json's licence: the `license` string; the legacy `license: { type }`; or the
 * legacy `licenses: [{ type }]`, whose several entries offered a choice (hence OR).
 */
export function licenseOf(pkgJson: unknown): string | undefined {
  if (!isObject(pkgJson)) return undefined;
  const typeOf = (v: unknown): string | undefined => {
    const t = typeof v === 'string' ? v : isObject(v) && typeof v.type === 'string' ? v.type : undefined;
    return t?.trim() ? t.trim() : undefined;
  };
  const single = typeOf(pkgJson.license);
  if (single) return single;
  if (Array.isArray(pkgJson.licenses)) {
    const all = pkgJson.licenses.map(typeOf).filter((t): t is string => t !== undefined);
    if (all.length === 1) return all[0];
    if (all.length > 1) return `(${all.map((t) => (/\s/.test(t) ? `(${t})` : t)).join(' OR ')})`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// SPDX expressions
// ---------------------------------------------------------------------------

export type SpdxNode =
  | { license: string; plus: boolean; exception?: string }
  | { conjunction: 'AND' | 'OR'; left: SpdxNode; right: SpdxNode };

const isIdChar = (c: string): boolean => /[A-Za-z0-9.\-:]/.test(c);

function tokenize(expr: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr.charAt(i);
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i += 1;
    } else if (isIdChar(c)) {
      let j = i;
      while (j < expr.length && isIdChar(expr.charAt(j))) j += 1;
      // `+` ("or any later version") belongs to the identifier it follows.
      if (expr.charAt(j) === '+') j += 1;
      tokens.push(expr.slice(i, j));
      i = j;
    } else {
      throw new Error(`unexpected "${c}" at position ${i + 1}`);
    }
  }
  return tokens;
}

const OPERATORS = new Set(['AND', 'OR', 'WITH']);
const IDSTRING = /^[A-Za-z0-9.-]+$/;
/** `idstring`, `LicenseRef-idstring`, or `DocumentRef-idstring:LicenseRef-idstring`. */
function isLicenseId(s: string): boolean {
  const parts = s.split(':');
  if (parts.length === 1) return IDSTRING.test(s);
  const [doc, ref] = parts as [string, string];
  return parts.length === 2 && doc.startsWith('DocumentRef-') && ref.startsWith('LicenseRef-') && IDSTRING.test(doc) && IDSTRING.test(ref);
}

/**
 * Parses an SPDX licence expression (SPDX 2.3 annex D): identifiers with an optional
 * `+`, `WITH` exceptions, `AND` binding tighter than `OR`, parentheses. Operators are
 * upper case, as the spec says they are matched case-sensitively. Throws on anything
 * else ("SEE LICENSE IN …", "Apache 2.0", a dangling operator).
 */
export function parseSpdx(expr: string): SpdxNode {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const fail = (what: string): never => {
    throw new Error(`${what} at token ${pos + 1}${peek() !== undefined ? ` ("${peek()}")` : ' (end)'}`);
  };
  const identifier = (): string => {
    const t = peek();
    if (t === undefined || t === '(' || t === ')' || OPERATORS.has(t)) return fail('expected a licence identifier');
    pos += 1;
    return t as string;
  };
  const term = (): SpdxNode => {
    if (peek() === '(') {
      pos += 1;
      const inner = or();
      if (peek() !== ')') fail('expected ")"');
      pos += 1;
      return inner;
    }
    const id = identifier();
    const plus = id.endsWith('+');
    const license = plus ? id.slice(0, -1) : id;
    if (!isLicenseId(license)) fail(`"${id}" is not a licence identifier`);
    if (peek() === 'WITH') {
      pos += 1;
      const exception = identifier();
      if (!IDSTRING.test(exception)) fail(`"${exception}" is not an exception identifier`);
      return { license, plus, exception };
    }
    return { license, plus };
  };
  const and = (): SpdxNode => {
    let left = term();
    while (peek() === 'AND') {
      pos += 1;
      left = { conjunction: 'AND', left, right: term() };
    }
    return left;
  };
  const or = (): SpdxNode => {
    let left = and();
    while (peek() === 'OR') {
      pos += 1;
      left = { conjunction: 'OR', left, right: and() };
    }
    return left;
  };
  if (tokens.length === 0) throw new Error('the expression is empty');
  const tree = or();
  if (pos < tokens.length) fail('unexpected text after the expression');
  return tree;
}

/**
 * The licences that stop the expression from being allowed (empty if it is). OR needs
 * one allowed side, AND both. An exception (`WITH`) only grants extra permissions, so
 * it is allowed when its licence is; `X+` may be taken as X itself. Identifiers compare
 * case-insensitively, as SPDX says.
 */
export function disallowedLicenses(node: SpdxNode, allowed: readonly string[]): string[] {
  const ok = new Set(allowed.map((a) => a.toLowerCase()));
  const visit = (n: SpdxNode): string[] => {
    if ('conjunction' in n) {
      const l = visit(n.left);
      const r = visit(n.right);
      if (n.conjunction === 'AND') return [...l, ...r];
      return l.length === 0 || r.length === 0 ? [] : [...l, ...r];
    }
    const full = `${n.license}${n.plus ? '+' : ''}${n.exception ? ` WITH ${n.exception}` : ''}`;
    return ok.has(n.license.toLowerCase()) || ok.has(full.toLowerCase()) ? [] : [full];
  };
  return [...new Set(visit(node))];
}

// ---------------------------------------------------------------------------
// The policy
// ---------------------------------------------------------------------------

const normalise = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();
/** How an exception names "no licence at all". */
const NONE = 'NONE';

/** Why a package's licence is not allowed, as a finding's rule and message; undefined if it is allowed. */
function verdict(p: PackageLicense, allowed: readonly string[]): { ruleId: string; why: string } | undefined {
  const lic = p.license;
  if (lic === undefined && p.source === 'none') return { ruleId: 'license/missing', why: 'is not installed here and package-lock.json records no licence (run npm ci and check again)' };
  if (lic === undefined) return { ruleId: 'license/missing', why: 'declares no licence' };
  if (lic.toUpperCase() === 'UNLICENSED') return { ruleId: 'license/unlicensed', why: 'is UNLICENSED (proprietary: no right to use or ship it is granted)' };
  let tree: SpdxNode;
  try {
    tree = parseSpdx(lic);
  } catch (err) {
    return { ruleId: 'license/unknown', why: `declares "${lic}", which is not an SPDX expression (${(err as Error).message})` };
  }
  const blocking = disallowedLicenses(tree, allowed);
  return blocking.length ? { ruleId: 'license/not-allowed', why: `is licensed "${lic}"; not on the allow-list: ${blocking.join(', ')}` } : undefined;
}

/**
 * The licence verdict: an error for every production package whose licence is missing,
 * UNLICENSED, not SPDX, or not allowed, unless an unexpired exception names that package
 * and that very licence (so a licence change is noticed). Expired exceptions are reported.
 */
export function licensePolicy(pkgs: readonly PackageLicense[], allowed: readonly string[], exceptions: readonly LicenseException[], today: Date): PartResult {
  const findings: Finding[] = [];
  const used = new Set<LicenseException>();
  let excepted = 0;
  let refused = 0;
  for (const p of pkgs) {
    const bad = verdict(p, allowed);
    if (!bad) continue;
    const declared = p.license ?? NONE;
    const candidates = exceptions.filter((e) => e.package === p.name);
    const matching = candidates.filter((e) => normalise(e.license) === normalise(declared));
    matching.forEach((e) => used.add(e));
    const where = `${p.name}@${p.version} (${p.path}${p.source === 'package-lock.json' ? ', not installed here: licence from package-lock.json' : ''})`;
    const cover = matching.find((e) => !isExpired(e.expires, today));
    if (cover) {
      excepted += 1;
      findings.push({ ruleId: 'license/excepted', level: 'note', message: `${where} ${bad.why}; allowed by exception until ${cover.expires}: ${cover.reason}.`, path: 'package-lock.json' });
      continue;
    }
    refused += 1;
    const hint = matching.length
      ? ` Its exception expired on ${matching.map((e) => e.expires).join(', ')}.`
      : candidates.length
        ? ` An exception in ${ALLOWLIST_PATH} names licence ${candidates.map((e) => `"${e.license}"`).join(', ')}, not this one.`
        : '';
    findings.push({ ruleId: bad.ruleId, level: 'error', message: `${where} ${bad.why}.${hint}`, path: 'package-lock.json' });
    for (const e of matching) {
      findings.push({
        ruleId: 'license/exception-expired',
        level: 'error',
        message: `The licence exception for ${e.package} (${e.license}) expired on ${e.expires} (reason given: ${e.reason}); renew it with a new date if the reason still holds, or replace the package.`,
        path: ALLOWLIST_PATH,
      });
    }
  }
  for (const e of exceptions) {
    if (used.has(e)) continue;
    findings.push({
      ruleId: 'license/exception-unused',
      level: 'note',
      message: `The licence exception for ${e.package} (${e.license}, until ${e.expires}) matches no production package with that licence; remove it.`,
      path: ALLOWLIST_PATH,
    });
  }
  const fromLock = pkgs.filter((p) => p.source === 'package-lock.json').length;
  const parts = [`${pkgs.length - refused - excepted} allowed`, ...(excepted ? [`${excepted} by exception`] : []), `${refused} not allowed`];
  return {
    part: 'licenses',
    outcome: refused > 0 ? 'fail' : 'pass',
    summary: `${pkgs.length} production packages: ${parts.join(', ')}${fromLock ? ` (${fromLock} not installed here, licence read from package-lock.json)` : ''}`,
    findings,
  };
}

/**
 * Each package's declared licence, from `<root>/<path>/package.json`. A package that is
 * not installed (an optional one for another platform) falls back to the licence npm
 * recorded in the lockfile; with neither, its licence is unknown and the policy says so.
 */
export function readInstalledLicenses(root: string, pkgs: readonly ProductionPackage[]): PackageLicense[] {
  const base = resolve(root);
  return pkgs.map((p) => {
    const file = join(base, p.path, 'package.json');
    const rel = relative(base, file);
    // Lockfile keys come from the pull request under review; none may point outside the checkout.
    if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`package-lock.json entry "${p.path}" points outside ${base}`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return p.lockLicense !== undefined ? { ...p, license: p.lockLicense, source: 'package-lock.json' } : { ...p, license: undefined, source: 'none' };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
    }
    return { ...p, license: licenseOf(json), source: 'package.json' };
  });
}
