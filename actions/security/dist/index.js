import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  keyName,
  parseYamlStrict,
  require_dist
} from "../../shared/dist/chunk-6KN4MZDE.js";
import {
  reportTarget
} from "../../shared/dist/chunk-JR3SJQYI.js";
import {
  REQUIRED_FILES,
  verifyArtifactFiles
} from "../../shared/dist/chunk-DTIINAWC.js";
import {
  tickTask
} from "../../shared/dist/chunk-COOD3UHG.js";
import "../../shared/dist/chunk-WUHT45SO.js";
import "../../shared/dist/chunk-3ABW4EEF.js";
import {
  ValidationError,
  __toESM,
  context,
  createAjv,
  createClient,
  getInput,
  setFailed,
  setOutput,
  summary
} from "../../shared/dist/chunk-M65ECSYA.js";

// actions/security/src/main.ts
import { resolve as resolve2 } from "node:path";

// actions/shared/src/security-role.ts
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync as readFileSync3, writeFileSync } from "node:fs";
import { dirname, join as join3 } from "node:path";
import { readdirSync } from "node:fs";

// actions/shared/src/security/audit.ts
var SEVERITIES = ["critical", "high", "moderate", "low", "info"];
var BLOCKING = /* @__PURE__ */ new Set(["critical", "high"]);
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var isSeverity = (v) => typeof v === "string" && SEVERITIES.includes(v);
var firstLine = (s, max = 160) => {
  const line = s.trim().split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max)}\u2026` : line;
};
function entryProblem(key, v) {
  if (!isObject(v)) return `vulnerabilities["${key}"] is not an object`;
  if (typeof v.name !== "string") return `vulnerabilities["${key}"].name is missing`;
  if (!isSeverity(v.severity)) return `vulnerabilities["${key}"].severity is ${JSON.stringify(v.severity)}, not one of ${SEVERITIES.join(", ")}`;
  if (!Array.isArray(v.via)) return `vulnerabilities["${key}"].via is not a list`;
  for (const [i, via] of v.via.entries()) {
    if (typeof via === "string") continue;
    if (!isObject(via)) return `vulnerabilities["${key}"].via[${i}] is neither a package name nor an advisory`;
    for (const field of ["name", "title", "url"]) {
      if (typeof via[field] !== "string") return `vulnerabilities["${key}"].via[${i}].${field} is missing`;
    }
    if (typeof via.source !== "number" && typeof via.source !== "string") return `vulnerabilities["${key}"].via[${i}].source is missing`;
    if (!isSeverity(via.severity)) return `vulnerabilities["${key}"].via[${i}].severity is ${JSON.stringify(via.severity)}`;
  }
  return void 0;
}
function parseAuditReport(raw) {
  const unavailable = (reason) => ({ kind: "unavailable", reason });
  if (raw.trim() === "") return unavailable("npm audit printed nothing on stdout (did the audit step run?)");
  let doc;
  try {
    doc = JSON.parse(raw);
  } catch {
    return unavailable(`npm audit output is not JSON: "${firstLine(raw, 120)}"`);
  }
  if (!isObject(doc)) return unavailable(`npm audit output is not a JSON object: "${firstLine(raw, 120)}"`);
  if (doc.auditReportVersion === void 0) {
    if (typeof doc.statusCode === "number") {
      const message = typeof doc.message === "string" ? doc.message : `${String(doc.method ?? "request")} ${String(doc.uri ?? "")}`.trim();
      return unavailable(`the registry answered HTTP ${doc.statusCode} to the audit request (${firstLine(message)})`);
    }
    if (isObject(doc.error)) {
      const { code, summary: summary2, detail } = doc.error;
      const text = [summary2, detail].filter((s) => typeof s === "string" && s.trim() !== "").map((s) => firstLine(s));
      return unavailable(`npm audit failed${typeof code === "string" ? ` with ${code}` : ""}${text.length ? `: ${text.join(" \u2014 ")}` : ""}`);
    }
    if (isObject(doc.advisories) && "actions" in doc) return unavailable("the report is in npm 6 format (no auditReportVersion); run the audit with npm 7 or later");
    if (typeof doc.message === "string") return unavailable(`npm audit failed: ${firstLine(doc.message)}`);
    return unavailable("npm audit output is not an audit report (no auditReportVersion)");
  }
  if (doc.auditReportVersion !== 2) return unavailable(`unsupported audit report version ${JSON.stringify(doc.auditReportVersion)} (this reads version 2)`);
  if (!isObject(doc.vulnerabilities)) return unavailable('the audit report has no "vulnerabilities" object');
  const vulnerabilities = {};
  const counts = { critical: 0, high: 0, moderate: 0, low: 0, info: 0, total: 0 };
  for (const [key, v] of Object.entries(doc.vulnerabilities)) {
    const problem = entryProblem(key, v);
    if (problem) return unavailable(`the audit report is malformed: ${problem}`);
    const e = v;
    vulnerabilities[key] = {
      name: e.name,
      severity: e.severity,
      isDirect: e.isDirect === true,
      via: e.via,
      effects: Array.isArray(e.effects) ? e.effects.filter((x) => typeof x === "string") : [],
      range: typeof e.range === "string" ? e.range : "",
      nodes: Array.isArray(e.nodes) ? e.nodes.filter((x) => typeof x === "string") : [],
      fixAvailable: e.fixAvailable ?? false
    };
    counts[e.severity] += 1;
    counts.total += 1;
  }
  return { kind: "report", vulnerabilities, counts };
}
var ALLOWLIST_PATH = ".github/security-allowlist.yml";
var DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
var REASON = { type: "string", pattern: "\\S" };
var ALLOWLIST_SECTIONS = ["audit", "licenses"];
var ALLOWLIST_SCHEMA = {
  type: ["object", "null"],
  additionalProperties: false,
  properties: {
    audit: {
      type: ["array", "null"],
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "package", "reason", "expires"],
        properties: {
          id: { type: "string", pattern: "^(GHSA-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}|https://[^\\s]+)$" },
          package: { type: "string", minLength: 1 },
          reason: REASON,
          expires: { type: "string", pattern: DATE_RE.source }
        }
      }
    },
    licenses: {
      type: ["array", "null"],
      items: {
        type: "object",
        additionalProperties: false,
        required: ["package", "license", "reason", "expires"],
        properties: {
          package: { type: "string", minLength: 1 },
          license: { type: "string", minLength: 1 },
          reason: REASON,
          expires: { type: "string", pattern: DATE_RE.source }
        }
      }
    }
  }
};
var ENTRY_KEYS = { audit: ["id", "package", "reason", "expires"], licenses: ["package", "license", "reason", "expires"] };
var KEY_RULES = {
  id: "must be a GitHub advisory id (GHSA-xxxx-xxxx-xxxx) or the advisory URL (https://github.com/advisories/GHSA-\u2026)",
  package: "must name the package",
  license: "must be the licence the package declares (its SPDX expression, or NONE)",
  reason: "must say why the exception is acceptable (a non-empty text)",
  expires: "must be a date YYYY-MM-DD (the last day the exception holds)"
};
var allowlistValidator;
function describeAllowlistError(e, value) {
  const key = keyName(e.instancePath);
  const last = e.instancePath.split("/").pop() ?? "";
  const got = () => {
    let node = value;
    for (const p of e.instancePath.split("/").slice(1)) node = isObject(node) || Array.isArray(node) ? node[p] : void 0;
    return JSON.stringify(node);
  };
  switch (e.keyword) {
    case "required": {
      const missing = e.params.missingProperty;
      return `${key}: missing key "${missing}" (${KEY_RULES[missing] ?? "required"})`;
    }
    case "additionalProperties": {
      const extra = e.params.additionalProperty;
      const section = e.instancePath.split("/")[1] ?? "";
      const allowed = key ? ENTRY_KEYS[section] ?? [] : ALLOWLIST_SECTIONS;
      return `${key || "the top level"}: unknown key "${extra}"; allowed keys: ${allowed.join(", ")}`;
    }
    case "pattern":
    case "minLength":
      return `${key}: ${KEY_RULES[last] ?? (e.message ?? "is not valid")}; got ${got()}`;
    case "type":
      return `${key || "the top level"} must be ${e.params.type.toString().replace(",null", "").replace(",", " or ")}; got ${got()}`;
    default:
      return `${key || "the top level"} ${e.message ?? "is not valid"}`;
  }
}
function isCalendarDate(s) {
  const [y, m, d] = s.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
function parseAllowlist(text, file = ALLOWLIST_PATH) {
  const { doc, lines } = parseYamlStrict(text, file);
  const value = doc.toJS();
  allowlistValidator ??= createAjv({ allowUnionTypes: true }).compile(ALLOWLIST_SCHEMA);
  const lineOf = (pointer) => {
    const path = pointer.split("/").slice(1).map((p) => /^\d+$/.test(p) ? Number(p) : p);
    const node = doc.getIn(path, true);
    return node?.range ? ` (line ${lines.linePos(node.range[0]).line})` : "";
  };
  const problems = [];
  if (!allowlistValidator(value)) {
    for (const e of allowlistValidator.errors ?? []) problems.push(`${describeAllowlistError(e, value)}${lineOf(e.instancePath)}`);
  }
  const raw = isObject(value) ? value : {};
  const list = (v) => Array.isArray(v) ? v : [];
  for (const section of ALLOWLIST_SECTIONS) {
    list(raw[section]).forEach((entry, i) => {
      const expires = isObject(entry) ? entry.expires : void 0;
      if (typeof expires === "string" && DATE_RE.test(expires) && !isCalendarDate(expires)) {
        problems.push(`${section}[${i}].expires: ${JSON.stringify(expires)} is not a real date${lineOf(`/${section}/${i}/expires`)}`);
      }
    });
  }
  if (problems.length > 0) throw new ValidationError(`${file} is not a valid security allow-list`, [...new Set(problems)]);
  return { audit: list(raw.audit), licenses: list(raw.licenses) };
}
function isoDay(today) {
  return today.toISOString().slice(0, 10);
}
function isExpired(expires, today) {
  return isoDay(today) > expires;
}
function ghsaId(url) {
  const m = /GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/i.exec(url);
  return m ? `GHSA-${m[0].slice(5).toLowerCase()}` : void 0;
}
function directDependents(report, name) {
  const seen = /* @__PURE__ */ new Set([name]);
  const queue = [...report.vulnerabilities[name]?.effects ?? []];
  const direct = /* @__PURE__ */ new Set();
  while (queue.length > 0) {
    const next = queue.shift();
    if (seen.has(next)) continue;
    seen.add(next);
    const v = report.vulnerabilities[next];
    if (!v) continue;
    if (v.isDirect) direct.add(next);
    queue.push(...v.effects);
  }
  return [...direct].sort();
}
function advisoriesOf(report) {
  const found = /* @__PURE__ */ new Map();
  for (const v of Object.values(report.vulnerabilities)) {
    for (const via of v.via) {
      if (typeof via === "string") continue;
      const id = ghsaId(via.url) ?? String(via.source);
      const key = `${id}\0${via.name}`;
      const seen = found.get(key);
      if (seen) {
        seen.nodes = [.../* @__PURE__ */ new Set([...seen.nodes, ...v.nodes])];
        continue;
      }
      found.set(key, { advisory: via, id, nodes: [...v.nodes], isDirect: v.isDirect, through: v.isDirect ? [] : directDependents(report, v.name), fix: v.fixAvailable });
    }
  }
  const rank = (s) => SEVERITIES.indexOf(s);
  return [...found.values()].sort((a, b) => rank(a.advisory.severity) - rank(b.advisory.severity) || a.advisory.name.localeCompare(b.advisory.name) || a.id.localeCompare(b.id));
}
var matches = (entry, a) => entry.package === a.advisory.name && (entry.id.toLowerCase() === a.id.toLowerCase() || entry.id === a.advisory.url || ghsaId(entry.id)?.toLowerCase() === a.id.toLowerCase());
function describeAdvisory(a) {
  const { advisory } = a;
  const where = a.isDirect ? "a direct dependency" : a.through.length ? `a dependency of ${a.through.join(", ")}` : "a transitive dependency";
  const fix = a.fix === true ? "`npm audit fix` resolves it" : typeof a.fix === "object" && a.fix ? `fixed by ${a.fix.name}@${a.fix.version}${a.fix.isSemVerMajor ? " (a major upgrade)" : ""}` : "no fix is available yet";
  return `${advisory.name} (${advisory.severity}, ${where}, vulnerable ${advisory.range || "range unknown"}): ${advisory.title} \u2014 ${advisory.url}; ${fix}.`;
}
function auditPolicy(report, allowlist, today) {
  if (report.kind === "unavailable") {
    return {
      part: "audit",
      outcome: "unavailable",
      summary: `audit unavailable: ${report.reason}`,
      findings: [{ ruleId: "audit/unavailable", level: "error", message: `The dependency audit could not be made: ${report.reason}. Re-run it when the registry answers; this is not a pass.`, path: "package-lock.json" }]
    };
  }
  const advisories = advisoriesOf(report);
  const findings = [];
  const used = /* @__PURE__ */ new Set();
  let blocking = 0;
  let allowed = 0;
  for (const a of advisories) {
    const entries = allowlist.audit.filter((e) => matches(e, a));
    entries.forEach((e) => used.add(e));
    const cover = entries.find((e) => !isExpired(e.expires, today));
    const ruleId = `audit/${a.id}`;
    if (cover) {
      allowed += 1;
      findings.push({ ruleId, level: "note", message: `Allowed until ${cover.expires} (${cover.reason}): ${describeAdvisory(a)}`, path: "package-lock.json" });
      continue;
    }
    const level = BLOCKING.has(a.advisory.severity) ? "error" : a.advisory.severity === "info" ? "note" : "warning";
    if (level === "error") blocking += 1;
    findings.push({ ruleId, level, message: describeAdvisory(a), path: "package-lock.json" });
    for (const e of entries) {
      findings.push({
        ruleId: "audit/allowlist-expired",
        level,
        message: `The allow-list entry for ${e.id} in ${e.package} expired on ${e.expires} (reason given: ${e.reason}); fix the dependency, or renew the entry with a new date if the reason still holds.`,
        path: ALLOWLIST_PATH
      });
    }
  }
  for (const e of allowlist.audit) {
    if (used.has(e)) continue;
    const expired = isExpired(e.expires, today);
    findings.push({
      ruleId: expired ? "audit/allowlist-expired" : "audit/allowlist-unused",
      level: expired ? "warning" : "note",
      message: expired ? `The allow-list entry for ${e.id} in ${e.package} expired on ${e.expires} and the audit no longer reports it; remove the entry.` : `The allow-list entry for ${e.id} in ${e.package} (until ${e.expires}) matches nothing the audit reports; remove it once the fix is merged.`,
      path: ALLOWLIST_PATH
    });
  }
  const bySeverity = { critical: 0, high: 0, moderate: 0, low: 0, info: 0 };
  for (const a of advisories) bySeverity[a.advisory.severity] += 1;
  const counts = SEVERITIES.filter((s) => s !== "info" || bySeverity.info > 0).map((s) => `${bySeverity[s]} ${s}`).join(", ");
  const verdict2 = blocking > 0 ? `${blocking} high/critical not on the allow-list` : advisories.length === 0 ? "no known vulnerabilities" : "no high/critical outside the allow-list";
  return {
    part: "audit",
    outcome: blocking > 0 ? "fail" : "pass",
    summary: `${advisories.length} advisories (${counts}) in ${report.counts.total} vulnerable packages${allowed ? `, ${allowed} allowed until expiry` : ""}; ${verdict2}`,
    findings
  };
}

// actions/shared/src/security/licenses.ts
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
var DEFAULT_ALLOWED_LICENSES = [
  "MIT",
  "ISC",
  "Apache-2.0",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "0BSD",
  "BlueOak-1.0.0",
  "CC0-1.0",
  "Unlicense",
  "Python-2.0",
  "CC-BY-4.0",
  "Zlib"
];
var isObject2 = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function productionPackages(lock) {
  if (!isObject2(lock)) throw new Error("package-lock.json is not a JSON object");
  if (typeof lock.lockfileVersion !== "number" || lock.lockfileVersion < 2 || !isObject2(lock.packages)) {
    throw new Error(`package-lock.json has lockfileVersion ${JSON.stringify(lock.lockfileVersion)} without a "packages" map; regenerate it with npm 7 or later`);
  }
  const out = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "" || !isObject2(entry) || entry.dev === true || entry.link === true) continue;
    const at = path.lastIndexOf("node_modules/");
    const name = typeof entry.name === "string" ? entry.name : at >= 0 ? path.slice(at + "node_modules/".length) : path;
    out.push({
      name,
      version: typeof entry.version === "string" ? entry.version : "",
      path,
      optional: entry.optional === true || entry.devOptional === true,
      ...typeof entry.license === "string" ? { lockLicense: entry.license } : {}
    });
  }
  return out;
}
function licenseOf(pkgJson) {
  if (!isObject2(pkgJson)) return void 0;
  const typeOf = (v) => {
    const t = typeof v === "string" ? v : isObject2(v) && typeof v.type === "string" ? v.type : void 0;
    return t?.trim() ? t.trim() : void 0;
  };
  const single = typeOf(pkgJson.license);
  if (single) return single;
  if (Array.isArray(pkgJson.licenses)) {
    const all = pkgJson.licenses.map(typeOf).filter((t) => t !== void 0);
    if (all.length === 1) return all[0];
    if (all.length > 1) return `(${all.map((t) => /\s/.test(t) ? `(${t})` : t).join(" OR ")})`;
  }
  return void 0;
}
var isIdChar = (c) => /[A-Za-z0-9.\-:]/.test(c);
function tokenize(expr) {
  const tokens = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr.charAt(i);
    if (c === " " || c === "	" || c === "\n" || c === "\r") {
      i += 1;
    } else if (c === "(" || c === ")") {
      tokens.push(c);
      i += 1;
    } else if (isIdChar(c)) {
      let j = i;
      while (j < expr.length && isIdChar(expr.charAt(j))) j += 1;
      if (expr.charAt(j) === "+") j += 1;
      tokens.push(expr.slice(i, j));
      i = j;
    } else {
      throw new Error(`unexpected "${c}" at position ${i + 1}`);
    }
  }
  return tokens;
}
var OPERATORS = /* @__PURE__ */ new Set(["AND", "OR", "WITH"]);
var IDSTRING = /^[A-Za-z0-9.-]+$/;
function isLicenseId(s) {
  const parts = s.split(":");
  if (parts.length === 1) return IDSTRING.test(s);
  const [doc, ref] = parts;
  return parts.length === 2 && doc.startsWith("DocumentRef-") && ref.startsWith("LicenseRef-") && IDSTRING.test(doc) && IDSTRING.test(ref);
}
function parseSpdx(expr) {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what) => {
    throw new Error(`${what} at token ${pos + 1}${peek() !== void 0 ? ` ("${peek()}")` : " (end)"}`);
  };
  const identifier = () => {
    const t = peek();
    if (t === void 0 || t === "(" || t === ")" || OPERATORS.has(t)) return fail("expected a licence identifier");
    pos += 1;
    return t;
  };
  const term = () => {
    if (peek() === "(") {
      pos += 1;
      const inner = or();
      if (peek() !== ")") fail('expected ")"');
      pos += 1;
      return inner;
    }
    const id = identifier();
    const plus = id.endsWith("+");
    const license = plus ? id.slice(0, -1) : id;
    if (!isLicenseId(license)) fail(`"${id}" is not a licence identifier`);
    if (peek() === "WITH") {
      pos += 1;
      const exception = identifier();
      if (!IDSTRING.test(exception)) fail(`"${exception}" is not an exception identifier`);
      return { license, plus, exception };
    }
    return { license, plus };
  };
  const and = () => {
    let left = term();
    while (peek() === "AND") {
      pos += 1;
      left = { conjunction: "AND", left, right: term() };
    }
    return left;
  };
  const or = () => {
    let left = and();
    while (peek() === "OR") {
      pos += 1;
      left = { conjunction: "OR", left, right: and() };
    }
    return left;
  };
  if (tokens.length === 0) throw new Error("the expression is empty");
  const tree = or();
  if (pos < tokens.length) fail("unexpected text after the expression");
  return tree;
}
function disallowedLicenses(node, allowed) {
  const ok = new Set(allowed.map((a) => a.toLowerCase()));
  const visit = (n) => {
    if ("conjunction" in n) {
      const l = visit(n.left);
      const r = visit(n.right);
      if (n.conjunction === "AND") return [...l, ...r];
      return l.length === 0 || r.length === 0 ? [] : [...l, ...r];
    }
    const full = `${n.license}${n.plus ? "+" : ""}${n.exception ? ` WITH ${n.exception}` : ""}`;
    return ok.has(n.license.toLowerCase()) || ok.has(full.toLowerCase()) ? [] : [full];
  };
  return [...new Set(visit(node))];
}
var normalise = (s) => s.replace(/\s+/g, " ").trim().toLowerCase();
var NONE = "NONE";
function verdict(p, allowed) {
  const lic = p.license;
  if (lic === void 0 && p.source === "none") return { ruleId: "license/missing", why: "is not installed here and package-lock.json records no licence (run npm ci and check again)" };
  if (lic === void 0) return { ruleId: "license/missing", why: "declares no licence" };
  if (lic.toUpperCase() === "UNLICENSED") return { ruleId: "license/unlicensed", why: "is UNLICENSED (proprietary: no right to use or ship it is granted)" };
  let tree;
  try {
    tree = parseSpdx(lic);
  } catch (err) {
    return { ruleId: "license/unknown", why: `declares "${lic}", which is not an SPDX expression (${err.message})` };
  }
  const blocking = disallowedLicenses(tree, allowed);
  return blocking.length ? { ruleId: "license/not-allowed", why: `is licensed "${lic}"; not on the allow-list: ${blocking.join(", ")}` } : void 0;
}
function licensePolicy(pkgs, allowed, exceptions, today) {
  const findings = [];
  const used = /* @__PURE__ */ new Set();
  let excepted = 0;
  let refused = 0;
  for (const p of pkgs) {
    const bad = verdict(p, allowed);
    if (!bad) continue;
    const declared = p.license ?? NONE;
    const candidates = exceptions.filter((e) => e.package === p.name);
    const matching = candidates.filter((e) => normalise(e.license) === normalise(declared));
    matching.forEach((e) => used.add(e));
    const where = `${p.name}@${p.version} (${p.path}${p.source === "package-lock.json" ? ", not installed here: licence from package-lock.json" : ""})`;
    const cover = matching.find((e) => !isExpired(e.expires, today));
    if (cover) {
      excepted += 1;
      findings.push({ ruleId: "license/excepted", level: "note", message: `${where} ${bad.why}; allowed by exception until ${cover.expires}: ${cover.reason}.`, path: "package-lock.json" });
      continue;
    }
    refused += 1;
    const hint = matching.length ? ` Its exception expired on ${matching.map((e) => e.expires).join(", ")}.` : candidates.length ? ` An exception in ${ALLOWLIST_PATH} names licence ${candidates.map((e) => `"${e.license}"`).join(", ")}, not this one.` : "";
    findings.push({ ruleId: bad.ruleId, level: "error", message: `${where} ${bad.why}.${hint}`, path: "package-lock.json" });
    for (const e of matching) {
      findings.push({
        ruleId: "license/exception-expired",
        level: "error",
        message: `The licence exception for ${e.package} (${e.license}) expired on ${e.expires} (reason given: ${e.reason}); renew it with a new date if the reason still holds, or replace the package.`,
        path: ALLOWLIST_PATH
      });
    }
  }
  for (const e of exceptions) {
    if (used.has(e)) continue;
    findings.push({
      ruleId: "license/exception-unused",
      level: "note",
      message: `The licence exception for ${e.package} (${e.license}, until ${e.expires}) matches no production package with that licence; remove it.`,
      path: ALLOWLIST_PATH
    });
  }
  const fromLock = pkgs.filter((p) => p.source === "package-lock.json").length;
  const parts = [`${pkgs.length - refused - excepted} allowed`, ...excepted ? [`${excepted} by exception`] : [], `${refused} not allowed`];
  return {
    part: "licenses",
    outcome: refused > 0 ? "fail" : "pass",
    summary: `${pkgs.length} production packages: ${parts.join(", ")}${fromLock ? ` (${fromLock} not installed here, licence read from package-lock.json)` : ""}`,
    findings
  };
}
function readInstalledLicenses(root, pkgs) {
  const base = resolve(root);
  return pkgs.map((p) => {
    const file = join(base, p.path, "package.json");
    const rel = relative(base, file);
    if (rel.startsWith("..") || isAbsolute(rel)) throw new Error(`package-lock.json entry "${p.path}" points outside ${base}`);
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if (err.code !== "ENOENT") throw new Error(`${file}: cannot read (${err.code ?? err.message})`);
      return p.lockLicense !== void 0 ? { ...p, license: p.lockLicense, source: "package-lock.json" } : { ...p, license: void 0, source: "none" };
    }
    let json;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${err.message})`);
    }
    return { ...p, license: licenseOf(json), source: "package.json" };
  });
}

// actions/shared/src/security/sarif.ts
import { createHash } from "node:crypto";

// actions/shared/src/security/secrets.ts
import { lstatSync, readFileSync as readFileSync2 } from "node:fs";
import { join as join2 } from "node:path";
var notAwsExample = (value) => !value.includes("EXAMPLE");
var SECRET_RULES = [
  { id: "secret/github-token", description: "GitHub token (personal, OAuth, user-to-server, server-to-server or refresh)", re: /\bgh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  { id: "secret/github-fine-grained-pat", description: "GitHub fine-grained personal access token", re: /\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9])/g },
  { id: "secret/aws-access-key-id", description: "AWS access key ID", re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g, accept: notAwsExample },
  {
    id: "secret/aws-secret-access-key",
    description: "AWS secret access key",
    // Forty base64 characters alone are far too common (hashes, ids); only the name makes it an AWS secret.
    re: /aws[_-]?secret[A-Za-z0-9_-]{0,30}["']?[ \t]{0,3}(?::=|=>|[:=])[ \t]{0,3}["'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    accept: notAwsExample
  },
  // The header is enough: a key pasted anywhere starts with it, and the body is not one line.
  { id: "secret/private-key", description: "private key block", re: /-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----/g },
  { id: "secret/slack-token", description: "Slack token", re: /\bxox[abprs]-[A-Za-z0-9-]{10,250}/g },
  { id: "secret/google-api-key", description: "Google API key", re: /\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
  { id: "secret/npm-token", description: "npm access token", re: /\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  { id: "secret/stripe-live-key", description: "Stripe live secret or restricted key", re: /\b[rs]k_live_[A-Za-z0-9]{20,247}/g },
  // Header and payload are base64url JSON objects, so both start with `eyJ` (`{"`). The
  // lookbehind (not `\b`, for which `-` is a boundary) lets an attempt start only where a
  // base64url run starts, so a long run like `eyJeyJ…` is walked once, not once per `eyJ`.
  { id: "secret/jwt", description: "JSON Web Token", re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,2000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{16,2000}/g }
];
var GENERIC_RULE = {
  id: "secret/generic-assignment",
  description: "high-entropy value assigned to a credential-like name",
  re: /(?:api[_-]?key|secret|passw(?:or)?d|pwd|token|access[_-]?key|auth[_-]?key|private[_-]?key)[A-Za-z0-9_-]{0,20}["']?[ \t]{0,3}(?::=|=>|[:=])[ \t]{0,3}(["'`]?)([^\s"'`]{1,200})/gi
};
var ALL_SECRET_RULES = [...SECRET_RULES, GENERIC_RULE];
var GENERIC_MIN_LENGTH = 16;
var GENERIC_MIN_ENTROPY = 3.5;
var ALLOW_MARKER = "gitops-ml:allow-secret";
var ALLOW_WITH_REASON = /gitops-ml:allow-secret[\s:=(-]{1,8}[A-Za-z0-9]/;
var DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
var BINARY_SNIFF_BYTES = 8192;
function shannonEntropy(s) {
  if (!s.length) return 0;
  const counts = /* @__PURE__ */ new Map();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...s].length;
  let h = 0;
  for (const c of counts.values()) h -= c / n * Math.log2(c / n);
  return h;
}
function isPlaceholder(value) {
  const v = value.toLowerCase();
  if (/^(?:\$|%|\{\{|<|#)/.test(v)) return true;
  const markers = ["${", "{{", "changeme", "change_me", "change-me", "xxx", "***", "...", "your", "example", "placeholder", "dummy", "redacted", "process.env", "secrets.", "env.", "os.environ", "getenv"];
  return markers.some((m) => v.includes(m));
}
function genericValue(quote, raw) {
  const value = quote ? raw : raw.replace(/[,;]$/, "");
  if (!quote && (/[.,;(){}[\]<>$]/.test(value) || !/[0-9]/.test(value))) return void 0;
  if (value.length < GENERIC_MIN_LENGTH || isPlaceholder(value)) return void 0;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  if (classes < 2 || shannonEntropy(value) < GENERIC_MIN_ENTROPY) return void 0;
  return value;
}
function redact(value) {
  return `${value.slice(0, 4)}\u2026`;
}
function normalizePath(path) {
  let p = path.replace(/\\/g, "/");
  while (p.startsWith("./")) p = p.slice(2);
  return p;
}
function isAllowedPath(path, allowPaths = []) {
  const p = normalizePath(path);
  return allowPaths.some((raw) => {
    const prefix = normalizePath(raw);
    if (!prefix) return false;
    return p === prefix.replace(/\/$/, "") || p.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);
  });
}
function finding(rule, path, line, shown) {
  const what = shown ? `${rule.description} (${shown})` : rule.description;
  return {
    ruleId: rule.id,
    level: "error",
    message: `Possible ${what} at ${path}:${line} (${rule.id}): revoke it where it was issued and remove it from the change; for a deliberate test fixture, add "${ALLOW_MARKER} <reason>" on that line.`,
    path,
    line
  };
}
function scanLine(path, lineNo, text) {
  if (ALLOW_WITH_REASON.test(text)) return [];
  const out = [];
  const taken = [];
  for (const rule of SECRET_RULES) {
    for (const m of text.matchAll(rule.re)) {
      const value = m[1] ?? m[0];
      if (rule.accept && !rule.accept(value)) continue;
      taken.push([m.index, m.index + m[0].length]);
      out.push(finding(rule, path, lineNo, rule.id === "secret/private-key" ? void 0 : redact(value)));
    }
  }
  for (const m of text.matchAll(GENERIC_RULE.re)) {
    const start = m.index + m[0].length - (m[2] ?? "").length;
    const end = m.index + m[0].length;
    if (taken.some(([a, b]) => start < b && a < end)) continue;
    const value = genericValue(m[1] ?? "", m[2] ?? "");
    if (value) out.push(finding(GENERIC_RULE, path, lineNo, redact(value)));
  }
  return out;
}
function sizeNote(path, bytes, maxBytes) {
  return {
    ruleId: "secret/skipped-large-file",
    level: "note",
    message: `${path} was not scanned for secrets: ${bytes} bytes is over the ${maxBytes}-byte limit; check it by other means or keep large data out of the repository.`,
    path
  };
}
function scanText(path, text, options = {}) {
  const p = normalizePath(path);
  if (isAllowedPath(p, options.allowPaths)) return [];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) return [sizeNote(p, bytes, maxBytes)];
  if (text.slice(0, BINARY_SNIFF_BYTES).includes("\0")) return [];
  return text.split(/\r?\n/).flatMap((line, i) => scanLine(p, i + 1, line));
}
function unquoteGitPath(raw) {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const bytes = [];
  const body = raw.slice(1, -1);
  const simple = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else if (Object.hasOwn(simple, next)) {
      bytes.push(simple[next]);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
function newSidePath(raw) {
  const unquoted = unquoteGitPath(raw.replace(/\t$/, ""));
  if (unquoted === "/dev/null") return void 0;
  return normalizePath(unquoted.startsWith("b/") ? unquoted.slice(2) : unquoted);
}
function addedLinesFromDiff(unifiedDiff) {
  const out = [];
  let path;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of unifiedDiff.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (oldLeft > 0 || newLeft > 0) {
      const tag = line[0];
      if (tag === "+") {
        if (path !== void 0) out.push({ path, line: newLine, text: line.slice(1) });
        newLine++;
        newLeft--;
        continue;
      }
      if (tag === "-") {
        oldLeft--;
        continue;
      }
      if (tag === " " || line === "") {
        newLine++;
        newLeft--;
        oldLeft--;
        continue;
      }
      if (tag === "\\") continue;
      oldLeft = 0;
      newLeft = 0;
    }
    if (line.startsWith("\\")) continue;
    if (line.startsWith("diff --git ")) {
      path = void 0;
      continue;
    }
    if (line.startsWith("+++ ")) {
      path = newSidePath(line.slice(4));
      continue;
    }
    const hunk = /^@@ -\d{1,10}(,?)(\d{0,10}) \+(\d{1,10})(,?)(\d{0,10}) @@/.exec(line);
    if (hunk) {
      oldLeft = hunk[1] ? Number(hunk[2]) : 1;
      newLine = Number(hunk[3]);
      newLeft = hunk[4] ? Number(hunk[5]) : 1;
    }
  }
  return out;
}
function scanDiff(unifiedDiff, options = {}) {
  return addedLinesFromDiff(unifiedDiff).filter((l) => !isAllowedPath(l.path, options.allowPaths)).flatMap((l) => scanLine(l.path, l.line, l.text));
}
function scanTree(root, paths, options = {}) {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const out = [];
  for (const raw of paths) {
    const path = normalizePath(raw);
    if (!path || isAllowedPath(path, options.allowPaths)) continue;
    const file = join2(root, path);
    let size;
    try {
      const st = lstatSync(file);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue;
    }
    if (size > maxBytes) {
      out.push(sizeNote(path, size, maxBytes));
      continue;
    }
    const buf = readFileSync2(file);
    if (buf.subarray(0, BINARY_SNIFF_BYTES).includes(0)) continue;
    out.push(...scanText(path, buf.toString("utf8"), { maxBytes: Infinity }));
  }
  return out;
}

// actions/shared/src/security/sarif.ts
var SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
var MAX_RESULTS_PER_RUN = 25e3;
var DEPENDENCY_ANCHOR = "package-lock.json";
var CONFIG_ANCHOR = ".github/gitops-ml.yml";
function anchorFor(part) {
  return part === "audit" || part === "licenses" ? DEPENDENCY_ANCHOR : CONFIG_ANCHOR;
}
function artifactUri(path) {
  let p = normalizePath(path);
  while (p.startsWith("/")) p = p.slice(1);
  return encodeURI(p).replace(/#/g, "%23").replace(/\?/g, "%3F");
}
var PART_NAMES = {
  audit: "dependency audit",
  secrets: "secret scan",
  "static-analysis": "static analysis",
  licenses: "licence check",
  workflows: "workflow security scan",
  artifact: "artifact integrity"
};
var SECRET_HELP = 'A credential in the repository is exposed to everyone who can read it, including its history. Revoke or rotate it where it was issued, remove it from the change, and load it from a GitHub Actions secret or the environment instead. A test fixture that needs a secret-shaped string can carry "gitops-ml:allow-secret <reason>" on the same line.';
function ruleInfo(ruleId, part, first) {
  const secret = ALL_SECRET_RULES.find((r) => r.id === ruleId);
  if (secret) {
    const short2 = `Possible ${secret.description}`;
    return { short: short2, full: `${short2} committed to the repository.`, help: SECRET_HELP, level: first.level, tags: ["security", "secret"] };
  }
  if (ruleId === "secret/skipped-large-file") {
    const short2 = "File too large to scan for secrets";
    return { short: short2, full: `${short2}; it was reported rather than passed unchecked.`, help: "Check the file by other means, or keep large data out of the repository (an artifact store or Git LFS).", level: "note", tags: ["security", "secret"] };
  }
  const short = `${PART_NAMES[part]}: ${ruleId}`;
  return {
    short,
    full: `A finding of the security review's ${PART_NAMES[part]} (rule ${ruleId}).`,
    help: `Reported by the ${PART_NAMES[part]} part of the gitops-ml security review; the check run "gitops-ml/security" on the commit has the details and what to change.`,
    level: first.level,
    tags: ["security", part]
  };
}
function fingerprintKey(f, uri) {
  let msg = f.message;
  if (f.path !== void 0 && f.line !== void 0) msg = msg.split(`${f.path}:${f.line}`).join(f.path);
  if (f.line !== void 0) msg = msg.split(`line ${f.line}`).join("line");
  return createHash("sha256").update(`${f.ruleId}\0${uri}\0${msg}`).digest("hex").slice(0, 16);
}
function toSarif(results, tool) {
  const rules = [];
  const ruleIndex = /* @__PURE__ */ new Map();
  const seen = /* @__PURE__ */ new Map();
  const sarifResults = [];
  const all = results.flatMap((r) => r.findings.map((f) => ({ part: r.part, f })));
  const rank = { error: 0, warning: 1, note: 2 };
  const kept = all.length > MAX_RESULTS_PER_RUN ? [...all].sort((a, b) => rank[a.f.level] - rank[b.f.level]).slice(0, MAX_RESULTS_PER_RUN) : all;
  for (const { part, f } of kept) {
    let index = ruleIndex.get(f.ruleId);
    if (index === void 0) {
      index = rules.length;
      ruleIndex.set(f.ruleId, index);
      rules.push({ id: f.ruleId, ...ruleInfo(f.ruleId, part, f) });
    }
    const uri = artifactUri(f.path !== void 0 && f.path.trim() !== "" ? f.path : anchorFor(part));
    const startLine = f.line !== void 0 && Number.isInteger(f.line) && f.line >= 1 ? f.line : 1;
    const key = fingerprintKey(f, uri);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    sarifResults.push({
      ruleId: f.ruleId,
      ruleIndex: index,
      level: f.level,
      message: { text: f.message.trim() || f.ruleId },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine } } }],
      partialFingerprints: { primaryLocationLineHash: `${key}:${n}` }
    });
  }
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            // Code scanning prefers semanticVersion when it is there; only a real semver qualifies.
            .../^\d{1,9}\.\d{1,9}\.\d{1,9}(?:[-+][0-9A-Za-z.+-]{1,100}|)$/.test(tool.version) ? { semanticVersion: tool.version } : {},
            informationUri: tool.informationUri,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.short },
              fullDescription: { text: r.full },
              help: { text: r.help },
              defaultConfiguration: { level: r.level },
              properties: { tags: r.tags }
            }))
          }
        },
        results: sarifResults,
        // Not read by code scanning; kept so the log alone says which parts ran and whether any was cut.
        properties: {
          parts: results.map((r) => ({ part: r.part, outcome: r.outcome, summary: r.summary })),
          ...kept.length < all.length ? { truncated: { total: all.length, kept: kept.length } } : {}
        }
      }
    ]
  };
}

// actions/shared/src/security/static-analysis.ts
var isSecurityRule = (id) => typeof id === "string" && id.startsWith("security/");
function staticAnalysisPart(report, root) {
  if (!report) return { part: "static-analysis", outcome: "unavailable", summary: "static analysis unavailable: no ESLint report (did the lint step run?)", findings: [] };
  const rel = (p) => p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p;
  const findings = [];
  for (const file of report) {
    for (const m of file.messages) {
      if (isSecurityRule(m.ruleId)) findings.push({ ruleId: `eslint/${m.ruleId}`, level: m.severity === 2 ? "error" : "warning", message: m.message, path: rel(file.filePath), ...m.line ? { line: m.line } : {} });
    }
    for (const m of file.suppressedMessages ?? []) {
      if (!isSecurityRule(m.ruleId)) continue;
      const why = (m.suppressions ?? []).map((s) => s.justification.trim()).filter(Boolean).join("; ");
      findings.push({
        ruleId: `eslint/${m.ruleId}`,
        level: why ? "note" : "error",
        message: why ? `Reviewed and allowed: ${why}` : `${m.message} (silenced without a reason: add "-- why" to the eslint-disable comment)`,
        path: rel(file.filePath),
        ...m.line ? { line: m.line } : {}
      });
    }
  }
  const errors = findings.filter((f) => f.level === "error").length;
  const notes = findings.filter((f) => f.level === "note").length;
  return {
    part: "static-analysis",
    outcome: errors ? "fail" : "pass",
    summary: `${errors} security-rule errors, ${findings.length - errors - notes} warnings, ${notes} reviewed exceptions in ${report.length} files`,
    findings
  };
}

// actions/shared/src/security/workflow-scan.ts
var import_yaml = __toESM(require_dist(), 1);
var PERSIST_CREDENTIALS_OPT_OUT = "gitops-ml: persist-credentials needed";
var UNTRUSTED_INPUTS = [
  "github.event.issue.title",
  "github.event.issue.body",
  "github.event.pull_request.title",
  "github.event.pull_request.body",
  "github.event.pull_request.head.ref",
  "github.event.pull_request.head.label",
  "github.event.pull_request.head.repo.default_branch",
  "github.event.comment.body",
  "github.event.review.body",
  "github.event.review_comment.body",
  "github.event.discussion.title",
  "github.event.discussion.body",
  "github.event.pages.*.page_name",
  "github.event.commits.*.message",
  "github.event.commits.*.author.email",
  "github.event.commits.*.author.name",
  "github.event.head_commit.message",
  "github.event.head_commit.author.email",
  "github.event.head_commit.author.name",
  "github.event.head_commit.committer.email",
  "github.event.head_commit.committer.name",
  "github.event.workflow_run.head_branch",
  "github.event.workflow_run.display_title",
  "github.event.workflow_run.head_commit.message",
  "github.event.workflow_run.head_commit.author.email",
  "github.event.workflow_run.head_commit.author.name",
  "github.event.workflow_run.pull_requests.*.head.ref",
  "github.head_ref"
];
var UNTRUSTED_SUFFIXES = /* @__PURE__ */ new Set(["body", "default_branch", "email", "head_ref", "label", "message", "name", "page_name", "ref", "title", "head_branch"]);
var TRUSTED_EVENT_SUBTREES = /* @__PURE__ */ new Set(["repository", "organization", "enterprise", "installation"]);
var UNTRUSTED_PATTERNS = UNTRUSTED_INPUTS.map((p) => p.split("."));
var SAFE_FUNCTIONS = /* @__PURE__ */ new Set(["contains", "startswith", "endswith"]);
var PR_EVENTS = ["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"];
var FORK_PRIVILEGED_EVENTS = ["pull_request_target", "workflow_run"];
var DEPLOY_SCOPES = ["packages", "deployments", "id-token"];
var SHA_RE = /^[0-9a-f]{40}$/;
var DIGEST_RE = /@sha256:[0-9a-f]{64}$/;
function expressionsIn(text) {
  const out = [];
  let from = 0;
  for (; ; ) {
    const open = text.indexOf("${{", from);
    if (open < 0) break;
    const close = text.indexOf("}}", open + 3);
    if (close < 0) break;
    out.push({ body: text.slice(open + 3, close), raw: text.slice(open, close + 2) });
    from = close + 2;
  }
  return out;
}
var isIdentStart = (c) => c >= "a" && c <= "z" || c >= "A" && c <= "Z" || c === "_";
var isIdentChar = (c) => isIdentStart(c) || c >= "0" && c <= "9" || c === "-";
function skipString(s, i) {
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === "'") {
      if (s[j + 1] === "'") j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}
function contextPaths(expr) {
  const out = [];
  const calls = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr.charAt(i);
    if (c === "'") {
      i = skipString(expr, i);
    } else if (c === "(") {
      calls.push(null);
      i++;
    } else if (c === ")") {
      calls.pop();
      i++;
    } else if (isIdentStart(c) && (i === 0 || !isIdentChar(expr.charAt(i - 1)))) {
      let j = i;
      while (j < expr.length && isIdentChar(expr.charAt(j))) j++;
      const name = expr.slice(i, j);
      let k = j;
      while (expr.charAt(k) === " ") k++;
      if (expr.charAt(k) === "(") {
        calls.push(name.toLowerCase());
        i = k + 1;
        continue;
      }
      const path = [name.toLowerCase()];
      let envName;
      i = j;
      for (; ; ) {
        if (expr.charAt(i) === "." && expr.charAt(i + 1) === "*") {
          path.push("*");
          i += 2;
        } else if (expr.charAt(i) === "." && isIdentStart(expr.charAt(i + 1))) {
          let e = i + 1;
          while (e < expr.length && isIdentChar(expr.charAt(e))) e++;
          if (path.length === 1 && path[0] === "env") envName = expr.slice(i + 1, e);
          path.push(expr.slice(i + 1, e).toLowerCase());
          i = e;
        } else if (expr.charAt(i) === "[") {
          let e = i + 1;
          while (expr.charAt(e) === " ") e++;
          if (expr.charAt(e) === "'") {
            const end = skipString(expr, e);
            const key = expr.slice(e + 1, end - 1).replace(/''/g, "'");
            if (path.length === 1 && path[0] === "env") envName = key;
            path.push(key.toLowerCase());
            e = end;
          } else {
            path.push("*");
          }
          let depth = 1;
          while (e < expr.length && depth > 0) {
            const d = expr.charAt(e);
            if (d === "'") {
              e = skipString(expr, e);
              continue;
            }
            if (d === "[") depth++;
            else if (d === "]") depth--;
            e++;
          }
          i = e;
        } else break;
      }
      const inSafeCall = calls.some((f) => f !== null && SAFE_FUNCTIONS.has(f));
      out.push(envName === void 0 ? { path, inSafeCall } : { path, inSafeCall, envName });
    } else {
      i++;
    }
  }
  return out;
}
var segMatch = (a, b) => a === "*" || b === "*" || a === b;
function untrustedInput(path) {
  if (path[0] !== "github") return void 0;
  for (const pattern of UNTRUSTED_PATTERNS) {
    const n = Math.min(pattern.length, path.length);
    let ok = true;
    for (let k = 0; k < n && ok; k++) ok = segMatch(pattern[k], path[k]);
    if (!ok) continue;
    return path.length >= pattern.length ? pattern.join(".") : `${path.join(".")} (contains ${pattern.join(".")})`;
  }
  const last = path[path.length - 1];
  if (path[1] === "event" && path.length > 2 && UNTRUSTED_SUFFIXES.has(last) && !TRUSTED_EVENT_SUBTREES.has(path[2]) && !(path[2] === "pull_request" && path[3] === "base")) {
    return path.join(".");
  }
  return void 0;
}
var isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var asEnv = (v) => isObj(v) ? v : void 0;
var Locator = class {
  constructor(text) {
    this.text = text;
    this.doc = (0, import_yaml.parseDocument)(text, { lineCounter: this.counter });
    this.lines = text.split("\n");
  }
  text;
  counter = new import_yaml.LineCounter();
  doc;
  lines;
  lineAt(offset) {
    return this.counter.linePos(offset).line;
  }
  /** The line of the key at `path` (its last element is the key), or of the node there. */
  keyLine(path) {
    const key = path[path.length - 1];
    const parent = path.length > 1 ? this.doc.getIn(path.slice(0, -1), true) : this.doc.contents;
    if (typeof key === "string" && (0, import_yaml.isMap)(parent)) {
      const pair = parent.items.find((p) => (0, import_yaml.isScalar)(p.key) && p.key.value === key);
      const range = pair && (0, import_yaml.isScalar)(pair.key) ? pair.key.range : void 0;
      if (range) return this.lineAt(range[0]);
    }
    return this.nodeLine(path);
  }
  nodeLine(path) {
    const node = this.doc.getIn(path, true);
    return node?.range ? this.lineAt(node.range[0]) : void 0;
  }
  /**
   * A finder for texts inside the scalar at `path`, in order: each call returns the line
   * of the needle's next occurrence in the source (searching on from the previous match,
   * so a script with many expressions is still read once), else the scalar's first line.
   */
  textFinder(path) {
    const node = this.doc.getIn(path, true);
    const range = node?.range;
    if (!range) return () => void 0;
    let cursor = range[0];
    return (needle) => {
      const at = this.text.indexOf(needle, cursor);
      if (at < 0 || at >= range[2]) return this.lineAt(range[0]);
      cursor = at + needle.length;
      return this.lineAt(at);
    };
  }
  /** The source lines of the node at `path` and the comment lines just above it. */
  textWithCommentsAbove(path) {
    const node = this.doc.getIn(path, true);
    if (!node?.range) return "";
    const first = this.lineAt(node.range[0]);
    const last = this.lineAt(Math.max(node.range[0], node.range[1] - 1));
    let top = first;
    while (top > 1) {
      const above = (this.lines[top - 2] ?? "").trim();
      if (above.startsWith("#") || above === "-") top--;
      else break;
    }
    return this.lines.slice(top - 1, last).join("\n");
  }
  errors() {
    return this.doc.errors.map((e) => e.message);
  }
};
function triggersOf(on) {
  if (typeof on === "string") return /* @__PURE__ */ new Set([on]);
  if (Array.isArray(on)) return new Set(on.filter((e) => typeof e === "string"));
  if (isObj(on)) return new Set(Object.keys(on));
  return /* @__PURE__ */ new Set();
}
function writeScopes(perms) {
  if (perms === void 0) return void 0;
  if (perms === "write-all") return /* @__PURE__ */ new Set(["all"]);
  const out = /* @__PURE__ */ new Set();
  if (isObj(perms)) {
    for (const [scope, level] of Object.entries(perms)) if (level === "write") out.add(scope);
  }
  return out;
}
function stepLabel(step, index) {
  if (typeof step.name === "string" && step.name.trim() !== "") return step.name;
  if (typeof step.id === "string") return step.id;
  return `steps[${index}]`;
}
function normaliseIf(cond) {
  if (typeof cond !== "string") return "";
  let s = cond.trim();
  if (s.startsWith("${{") && s.endsWith("}}")) s = s.slice(3, -2);
  return s.replace(/\s+/g, "").toLowerCase();
}
var hasBypass = (cond) => cond.includes("||") || /!(?!=)/.test(cond);
function hasRepositoryGuard(cond) {
  const c = normaliseIf(cond);
  if (c === "" || hasBypass(c)) return false;
  const heads = ["github.event.pull_request.head.repo.full_name", "github.event.workflow_run.head_repository.full_name"];
  return heads.some((h) => c.includes(`${h}==github.repository`) || c.includes(`github.repository==${h}`));
}
function excludesPullRequests(cond, prTriggers) {
  const c = normaliseIf(cond);
  if (c === "" || c.includes("||")) return false;
  const equals = [...c.matchAll(/github\.event_name==['"]([a-z_]{1,64})['"]/g)].map((m) => m[1]);
  if (equals.some((e) => !PR_EVENTS.includes(e))) return true;
  if (prTriggers.every((t) => c.includes(`github.event_name!='${t}'`) || c.includes(`github.event_name!="${t}"`))) return true;
  if (!prTriggers.includes("pull_request_target")) {
    const refTests = ["github.ref=='refs/heads/", "github.ref=='refs/tags/", "startswith(github.ref,'refs/heads/", "startswith(github.ref,'refs/tags/"];
    if (refTests.some((t) => c.includes(t))) return true;
  }
  return false;
}
function* strings(value, path = []) {
  if (typeof value === "string") yield { text: value, path };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}
var referencesSecret = (text, exceptToken) => expressionsIn(text).some((e) => contextPaths(e.body).some((p) => p.path[0] === "secrets" && p.path.length > 1 && !(exceptToken && p.path[1] === "github_token")));
function lookupEnv(name, scopes) {
  for (const scope of scopes) {
    if (!scope) continue;
    const direct = scope[name];
    if (direct !== void 0) return String(direct);
    const lower = name.toLowerCase();
    const key = Object.keys(scope).find((k) => k.toLowerCase() === lower);
    if (key !== void 0) return String(scope[key]);
  }
  return void 0;
}
function taintsOf(exprBody, envScopes, cache, depth = 0) {
  const out = [];
  for (const p of contextPaths(exprBody)) {
    if (p.inSafeCall) continue;
    const direct = untrustedInput(p.path);
    if (direct) {
      out.push({ input: direct });
      continue;
    }
    if (p.path[0] === "env" && p.envName !== void 0 && depth < 3) {
      const name = p.envName;
      let taints = cache.get(name);
      if (taints === void 0) {
        cache.set(name, []);
        const value = lookupEnv(name, envScopes) ?? "";
        taints = expressionsIn(value).flatMap((e) => taintsOf(e.body, envScopes, cache, depth + 1).map((t) => ({ input: t.input, via: name })));
        cache.set(name, taints);
      }
      out.push(...taints);
    }
  }
  return out;
}
var PR_HEAD_MARKERS = [
  "github.event.pull_request.head.",
  "github.event.pull_request.merge_commit_sha",
  "github.head_ref",
  "github.event.workflow_run.head_",
  "github.event.workflow_run.pull_requests",
  "refs/pull/"
];
function resolveEnvRefs(text, envScopes) {
  const names = /* @__PURE__ */ new Set();
  for (const e of expressionsIn(text)) for (const p of contextPaths(e.body)) if (p.path[0] === "env" && p.envName !== void 0) names.add(p.envName);
  const values = [...names].map((n) => lookupEnv(n, envScopes) ?? "");
  return [text, ...values].join("\n").toLowerCase().replace(/\s+/g, "");
}
function fetchesPullRequest(script) {
  return script.split("\n").some((line) => {
    const l = line.toLowerCase();
    if (l.includes("gh pr checkout")) return true;
    if (!/\bgit\s/.test(l)) return false;
    return (l.includes("fetch") || l.includes("checkout") || l.includes("pull") || l.includes("switch")) && (l.includes("pull/") || PR_HEAD_MARKERS.some((m) => l.replace(/\s+/g, "").includes(m)));
  });
}
function scanWorkflow(fileName, yamlText) {
  const out = [];
  const loc = new Locator(yamlText);
  const parseErrors = loc.errors();
  if (parseErrors.length > 0) {
    return [{ rule: "invalid-workflow", message: `${fileName}: not valid YAML: ${parseErrors[0] ?? ""}` }];
  }
  const wf = loc.doc.toJS({ maxAliasCount: 100 });
  if (!isObj(wf) || !isObj(wf.jobs)) {
    return [{ rule: "invalid-workflow", message: `${fileName}: not a workflow (no jobs: mapping)` }];
  }
  const onKey = "on" in wf ? "on" : "true";
  const triggers = triggersOf(wf[onKey]);
  const prTriggers = PR_EVENTS.filter((e) => triggers.has(e));
  const forkPrivileged = FORK_PRIVILEGED_EVENTS.filter((e) => triggers.has(e));
  const wfEnv = asEnv(wf.env);
  const topPerms = wf.permissions;
  if (!("permissions" in wf)) {
    out.push({ rule: "least-privilege", message: "no top-level permissions:; set `permissions: {}` (or read-only) and grant each job what it needs", line: 1 });
  } else if (topPerms === "write-all") {
    out.push({ rule: "least-privilege", message: "top-level `permissions: write-all` gives every job every write scope", line: loc.keyLine(["permissions"]) });
  } else {
    const okTop = topPerms === "read-all" || isObj(topPerms) && Object.values(topPerms).every((v) => v === "read" || v === "none");
    if (!okTop) {
      const scopes = [...writeScopes(topPerms) ?? []].join(", ");
      out.push({ rule: "least-privilege", message: scopes ? `top-level permissions grant write (${scopes}); grant write on the jobs that need it` : "top-level permissions: must be {} or read-only", line: loc.keyLine(["permissions"]) });
    }
  }
  if (wfEnv) {
    for (const [name, value] of Object.entries(wfEnv)) {
      if (typeof value === "string" && referencesSecret(value, false)) {
        out.push({ rule: "secret-exposure", message: `workflow-level env ${name} holds a secret, which every step of every job then sees; set it on the job or step that needs it`, line: loc.keyLine(["env", name]) });
      }
    }
  }
  for (const [jobId, jobValue] of Object.entries(wf.jobs)) {
    if (!isObj(jobValue)) continue;
    const job = jobValue;
    const jobPath = ["jobs", jobId];
    const jobEnv = asEnv(job.env);
    if (!("permissions" in job)) {
      out.push({ rule: "least-privilege", message: `job ${jobId} declares no permissions: (it would get the top-level or repository default)`, job: jobId, line: loc.keyLine(jobPath) });
    } else if (job.permissions === "write-all") {
      out.push({ rule: "least-privilege", message: `job ${jobId} has permissions: write-all; list the scopes it needs`, job: jobId, line: loc.keyLine([...jobPath, "permissions"]) });
    }
    const effective = "permissions" in job ? writeScopes(job.permissions) : writeScopes(topPerms);
    const canWrite = effective === void 0 || [...effective].some((s) => s !== "id-token");
    if (typeof job.uses === "string") checkPinned(job.uses, jobId, void 0, loc.keyLine([...jobPath, "uses"]), out);
    const deploys = job.environment !== void 0 || effective !== void 0 && (effective.has("all") || DEPLOY_SCOPES.some((s) => effective.has(s)));
    if (deploys && prTriggers.length > 0 && !excludesPullRequests(job.if, prTriggers)) {
      const why = job.environment !== void 0 ? "it uses an environment" : "its token can write packages or deployments, or mint OIDC tokens";
      const at = job.environment !== void 0 ? [...jobPath, "environment"] : "permissions" in job ? [...jobPath, "permissions"] : jobPath;
      out.push({ rule: "deploy-on-pull-request", message: `job ${jobId} deploys (${why}) and runs on ${prTriggers.join(", ")}; restrict it with if: github.event_name == 'push' (or move it to a workflow PRs do not start)`, job: jobId, line: loc.keyLine(at) });
    }
    if (forkPrivileged.length > 0 && !hasRepositoryGuard(job.if)) {
      const inherits = job.secrets === "inherit";
      const hit = [...strings(job)].find((s) => referencesSecret(s.text, true));
      if (inherits || hit) {
        const line = inherits ? loc.keyLine([...jobPath, "secrets"]) : loc.textFinder([...jobPath, ...hit?.path ?? []])("secrets.");
        out.push({ rule: "secret-exposure", message: `job ${jobId} uses secrets on ${forkPrivileged.join(", ")}, which a fork can trigger; guard the job with if: github.event.pull_request.head.repo.full_name == github.repository (or the workflow_run head_repository equivalent)`, job: jobId, line });
      }
    }
    const steps = Array.isArray(job.steps) ? job.steps : [];
    for (const [index, stepValue] of steps.entries()) {
      if (!isObj(stepValue)) continue;
      const step = stepValue;
      const stepPath = [...jobPath, "steps", index];
      const label = stepLabel(step, index);
      const envScopes = [asEnv(step.env), jobEnv, wfEnv];
      const uses = typeof step.uses === "string" ? step.uses : void 0;
      const usesLower = uses?.toLowerCase() ?? "";
      const withs = asEnv(step.with);
      if (uses !== void 0) checkPinned(uses, jobId, label, loc.keyLine([...stepPath, "uses"]), out);
      const scripts = [];
      if (typeof step.run === "string") scripts.push({ text: step.run, path: [...stepPath, "run"], kind: "run:" });
      if (usesLower.startsWith("actions/github-script@") && typeof withs?.script === "string") {
        scripts.push({ text: withs.script, path: [...stepPath, "with", "script"], kind: "github-script script:" });
      }
      const envCache = /* @__PURE__ */ new Map();
      for (const s of scripts) {
        const lineOf = loc.textFinder(s.path);
        for (const e of expressionsIn(s.text)) {
          const taints = taintsOf(e.body, envScopes, envCache);
          const first = taints[0];
          if (!first) continue;
          const source = first.via ? `env.${first.via} (set from ${first.input})` : first.input;
          out.push({ rule: "script-injection", message: `${s.kind} interpolates ${source}, which an outsider controls; pass it through env: and read it as a variable ("$NAME" / process.env.NAME)`, job: jobId, step: label, line: lineOf(e.raw) });
        }
      }
      const isCheckout = usesLower.startsWith("actions/checkout@");
      if (forkPrivileged.length > 0) {
        if (isCheckout && withs) {
          for (const input of ["ref", "repository"]) {
            const v = withs[input];
            if (typeof v !== "string") continue;
            const resolved = resolveEnvRefs(v, envScopes);
            const marker = PR_HEAD_MARKERS.find((m) => resolved.includes(m));
            if (marker) {
              out.push({ rule: "untrusted-checkout", message: `on ${forkPrivileged.join(", ")} (secrets and a write token), actions/checkout ${input}: points at the pull request's code (${marker}\u2026), which later steps would run`, job: jobId, step: label, line: loc.keyLine([...stepPath, "with", input]) });
            }
          }
        }
        if (typeof step.run === "string" && fetchesPullRequest(step.run)) {
          out.push({ rule: "untrusted-checkout", message: `on ${forkPrivileged.join(", ")}, run: fetches or checks out the pull request's code`, job: jobId, step: label, line: loc.keyLine([...stepPath, "run"]) });
        }
      }
      if (isCheckout && canWrite) {
        const persist = withs?.["persist-credentials"];
        const disabled = persist === false || typeof persist === "string" && persist.trim().toLowerCase() === "false";
        if (!disabled && !loc.textWithCommentsAbove(stepPath).includes(PERSIST_CREDENTIALS_OPT_OUT)) {
          out.push({ rule: "persist-credentials", message: `actions/checkout in job ${jobId}, whose token can write, keeps the token in .git/config for every later step; set persist-credentials: false (or mark a step that pushes with "# ${PERSIST_CREDENTIALS_OPT_OUT}")`, job: jobId, step: label, line: loc.keyLine([...stepPath, "uses"]) });
        }
      }
    }
  }
  return out;
}
function checkPinned(uses, job, step, line, out) {
  if (uses.startsWith("./")) return;
  const base = { rule: "unpinned-action", job, line, ...step === void 0 ? {} : { step } };
  if (uses.startsWith("docker://")) {
    if (!DIGEST_RE.test(uses)) out.push({ ...base, message: `${uses} is not pinned to an image digest (@sha256:\u2026)` });
    return;
  }
  const at = uses.lastIndexOf("@");
  const ref = at < 0 ? "" : uses.slice(at + 1);
  if (!SHA_RE.test(ref)) {
    out.push({ ...base, message: at < 0 ? `${uses} names no version; pin it to a full commit SHA` : `${uses} is pinned to "${ref}", which can be moved; pin the full 40-hex commit SHA (keep the tag as a comment)` });
  }
}
function workflowFindings(fileName, violations) {
  return violations.map((v) => ({ ruleId: `workflow/${v.rule}`, level: "error", message: v.message, path: fileName, ...v.line === void 0 ? {} : { line: v.line } }));
}

// actions/shared/src/security-role.ts
var SECURITY_CHECK = "gitops-ml/security";
var git = (root, args) => execFileSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
function readOptional(path) {
  try {
    return readFileSync3(path, "utf8");
  } catch {
    return void 0;
  }
}
function secretsReview(root, baseRef) {
  let tracked;
  try {
    tracked = git(root, ["ls-files", "-z"]).split("\0").filter(Boolean);
  } catch (err) {
    return { part: "secrets", outcome: "unavailable", summary: `secret scan unavailable: \`git ls-files\` failed in ${root} (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`, findings: [] };
  }
  const findings = scanTree(root, tracked);
  let history = "";
  if (baseRef) {
    try {
      const log = git(root, ["log", "-p", "--unified=0", "--no-color", "--no-ext-diff", "--format=", `${baseRef}..HEAD`]);
      const before = findings.length;
      const seen = new Set(findings.map((f) => `${f.ruleId} ${f.path ?? ""} ${f.message}`));
      for (const f of scanDiff(log)) {
        const key = `${f.ruleId} ${f.path ?? ""} ${f.message}`;
        if (!seen.has(key)) {
          seen.add(key);
          findings.push({ ...f, message: `${f.message} (in a commit of this PR; deleting it later does not remove it from history)` });
        }
      }
      history = `, and the lines the PR's commits since ${baseRef.slice(0, 12)} added (${findings.length - before} more)`;
    } catch (err) {
      return { part: "secrets", outcome: "unavailable", summary: `secret scan of the PR's commits unavailable: \`git log ${baseRef}..HEAD\` failed (${err instanceof Error ? err.message.split("\n")[0] : String(err)}); check out with fetch-depth: 0`, findings };
    }
  }
  const errors = findings.filter((f) => f.level === "error");
  const skipped = findings.filter((f) => f.ruleId === "secret/skipped-large-file").length;
  return {
    part: "secrets",
    outcome: errors.length ? "fail" : "pass",
    summary: `${errors.length} possible secrets in ${tracked.length} tracked files${history}${skipped ? `; ${skipped} files skipped for size` : ""}`,
    findings
  };
}
function artifactReview(dir) {
  try {
    const files = verifyArtifactFiles(dir, REQUIRED_FILES);
    const record = files.get("evaluation.json");
    const privacy = record ? JSON.parse(record.toString("utf8")).privacy : void 0;
    const mia = privacy?.attack_auc !== void 0 ? `; membership-inference attack AUC ${privacy.attack_auc.toFixed(3)} (0.5 = no leak; gated by gitops-ml/evaluate)` : "; no membership-inference measurement in the artifact";
    return { part: "artifact", outcome: "pass", summary: `manifest verified: ${files.size} files, sha256 and sizes match${mia}`, findings: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(dir, "<artifact>") : String(err);
    return { part: "artifact", outcome: "fail", summary: "the artifact does not match its manifest", findings: [{ ruleId: "artifact/integrity", level: "error", message }] };
  }
}
function workflowsReview(root) {
  const dir = join3(root, ".github/workflows");
  let files;
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    return { part: "workflows", outcome: "pass", summary: "no workflows in .github/workflows", findings: [] };
  }
  const findings = files.flatMap((f) => workflowFindings(`.github/workflows/${f}`, scanWorkflow(f, readFileSync3(join3(dir, f), "utf8"))));
  return { part: "workflows", outcome: findings.length ? "fail" : "pass", summary: `${findings.length} violations in ${files.length} workflows`, findings };
}
function licensesReview(root, allowlist, today) {
  const lock = readOptional(join3(root, "package-lock.json"));
  if (lock === void 0) return { part: "licenses", outcome: "unavailable", summary: "licence check unavailable: no package-lock.json", findings: [] };
  const pkgs = readInstalledLicenses(root, productionPackages(JSON.parse(lock)));
  return licensePolicy(pkgs, DEFAULT_ALLOWED_LICENSES, allowlist.licenses, today);
}
function runSecurityReview(i) {
  const today = i.today ?? /* @__PURE__ */ new Date();
  const allowText = readOptional(i.allowlist);
  let allowlist = { audit: [], licenses: [] };
  let allowlistError;
  try {
    if (allowText !== void 0) allowlist = parseAllowlist(allowText, i.allowlist);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    allowlistError = { part: "audit", outcome: "fail", summary: `the allow-list is invalid: ${message}`, findings: [{ ruleId: "allowlist/invalid", level: "error", message, path: i.allowlist }] };
  }
  let eslint;
  const eslintText = readOptional(i.eslintReport);
  if (eslintText !== void 0) {
    try {
      eslint = JSON.parse(eslintText);
    } catch {
      eslint = void 0;
    }
  }
  const parts = [
    allowlistError ?? auditPolicy(parseAuditReport(readOptional(i.auditReport) ?? ""), allowlist, today),
    secretsReview(i.root, i.baseRef),
    staticAnalysisPart(eslint, i.root),
    licensesReview(i.root, allowlist, today),
    workflowsReview(i.root),
    ...i.artifactDir ? [artifactReview(i.artifactDir)] : []
  ];
  const failed = parts.filter((p) => p.outcome === "fail");
  const unavailable = parts.filter((p) => p.outcome === "unavailable");
  const conclusion = failed.length ? "failure" : unavailable.length ? "action_required" : "success";
  const title = conclusion === "success" ? `Security review passes (${parts.length} parts)` : [failed.length ? `${failed.map((p) => p.part).join(", ")} failed` : "", unavailable.length ? `${unavailable.map((p) => p.part).join(", ")} unavailable` : ""].filter(Boolean).join("; ");
  return { parts, conclusion, title, summary: reviewMarkdown(parts) };
}
var ICON = { pass: "\u2705 pass", fail: "\u274C fail", unavailable: "\u26A0\uFE0F unavailable" };
function reviewMarkdown(parts) {
  const cell = (s) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = ["| part | outcome | result |", "| --- | --- | --- |", ...parts.map((p) => `| ${p.part} | ${ICON[p.outcome]} | ${cell(p.summary)} |`)];
  const blocking = parts.flatMap((p) => p.findings.filter((f) => f.level === "error").map((f) => ({ p, f })));
  if (blocking.length) {
    lines.push("", "**Blocking findings**", "");
    for (const { f } of blocking.slice(0, 50)) lines.push(`- \`${f.ruleId}\`${f.path ? ` ${f.path}${f.line ? `:${f.line}` : ""}` : ""}: ${f.message}`);
    if (blocking.length > 50) lines.push(`- \u2026and ${blocking.length - 50} more (all in the SARIF file)`);
  }
  if (parts.some((p) => p.outcome === "unavailable")) lines.push("", "A part that could not run is not a pass: re-run the job when the cause is fixed (for the audit, when the registry answers).");
  const notes = parts.reduce((n, p) => n + p.findings.filter((f) => f.level !== "error").length, 0);
  if (notes) lines.push("", `${notes} warnings and reviewed exceptions are listed in code scanning (SARIF).`);
  return lines.join("\n");
}
function writeSarif(path, review, version) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(toSarif(review.parts, { name: "gitops-ml-security", version, informationUri: "https://github.com/gitops-ml/gitops-ml/blob/main/docs/SECURITY.md" }), null, 2)}
`);
}
async function reportSecurityReview(gh, w, review) {
  const summary2 = review.summary.length > 65e3 ? `${review.summary.slice(0, 64900)}

\u2026(truncated; the SARIF file has everything)` : review.summary;
  await gh.rest.checks.create({ owner: w.owner, repo: w.repo, name: SECURITY_CHECK, head_sha: w.headSha, status: "completed", conclusion: review.conclusion, output: { title: review.title, summary: summary2 } });
  await tickTask(gh, w, "security", review.conclusion === "success" ? "done" : "failed", review.conclusion === "success" ? void 0 : review.title);
}

// actions/security/src/main.ts
async function run() {
  try {
    const target = reportTarget(context.payload, { pullNumber: getInput("pull-number"), headSha: getInput("head-sha") });
    const review = runSecurityReview({
      root: process.cwd(),
      auditReport: getInput("audit-report", { required: true }),
      eslintReport: getInput("eslint-report", { required: true }),
      artifactDir: getInput("artifact-dir") || void 0,
      allowlist: getInput("allowlist") || ".github/security-allowlist.yml",
      baseRef: getInput("base-ref") || void 0
    });
    const sarif = resolve2(getInput("sarif") || "reports/security.sarif");
    writeSarif(sarif, review, "1");
    await reportSecurityReview(createClient(getInput("github-token", { required: true })), { ...context.repo, ...target }, review);
    setOutput("conclusion", review.conclusion);
    setOutput("sarif", sarif);
    await summary.addHeading(`Security review: ${review.title}`, 3).addRaw(review.summary, true).write();
    if (review.conclusion !== "success") setFailed(`security review: ${review.title}`);
  } catch (err) {
    setFailed(err instanceof Error ? err.message : String(err));
  }
}

// actions/security/src/index.ts
void run();
