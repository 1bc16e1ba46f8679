import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, PartResult } from './findings.js';

/**
 * The security role's secret scan. On a pull request only the lines the PR adds are
 * scanned (`git diff --unified=0`), so a secret already on the base branch does not fail
 * every later PR; a tree scan (`git ls-files`) covers the whole repository.
 *
 * Every pattern below is linear-time by construction: each quantifier has a finite upper
 * bound and no quantifier applies to a group that itself contains one, so one match
 * attempt does a bounded amount of work whatever the input (the unit tests check this
 * structure on every regex literal in this file rather than timing them, because a
 * wall-clock test is flaky on shared runners and proves nothing about the worst case).
 * The scanner reads attacker-controlled text (any PR's diff), so a backtracking pattern
 * here would let a crafted line stall the workflow.
 */

export interface SecretRule {
  /** `secret/<name>`: stable, because code scanning matches alerts across runs by it. */
  id: string;
  description: string;
  /** Global, so one line can yield several matches. Capture group 1, when present, is the value. */
  re: RegExp;
  /** Rejects matches that are known non-secrets (documentation examples, placeholders). */
  accept?: (value: string) => boolean;
}

/** AWS's own documentation keys end in EXAMPLE; they are published and never valid. */
const notAwsExample = (value: string): boolean => !value.includes('EXAMPLE');

export const SECRET_RULES: readonly SecretRule[] = [
  { id: 'secret/github-token', description: 'GitHub token (personal, OAuth, user-to-server, server-to-server or refresh)', re: /\bgh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  { id: 'secret/github-fine-grained-pat', description: 'GitHub fine-grained personal access token', re: /\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9])/g },
  { id: 'secret/aws-access-key-id', description: 'AWS access key ID', re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g, accept: notAwsExample },
  {
    id: 'secret/aws-secret-access-key',
    description: 'AWS secret access key',
    // Forty base64 characters alone are far too common (hashes, ids); only the name makes it an AWS secret.
    re: /aws[_-]?secret[A-Za-z0-9_-]{0,30}["']?[ \t]{0,3}(?::=|=>|[:=])[ \t]{0,3}["'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    accept: notAwsExample,
  },
  // The header is enough: a key pasted anywhere starts with it, and the body is not one line.
  { id: 'secret/private-key', description: 'private key block', re: /-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----/g },
  { id: 'secret/slack-token', description: 'Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,250}/g },
  { id: 'secret/google-api-key', description: 'Google API key', re: /\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
  { id: 'secret/npm-token', description: 'npm access token', re: /\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  { id: 'secret/stripe-live-key', description: 'Stripe live secret or restricted key', re: /\b[rs]k_live_[A-Za-z0-9]{20,247}/g },
  // Header and payload are base64url JSON objects, so both start with `eyJ` (`{"`). The
  // lookbehind (not `\b`, for which `-` is a boundary) lets an attempt start only where a
  // base64url run starts, so a long run like `eyJeyJ…` is walked once, not once per `eyJ`.
  { id: 'secret/jwt', description: 'JSON Web Token', re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,2000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{16,2000}/g },
];

/**
 * Names that announce a credential, then the assignment, then the value (group 2; group 1
 * is the opening quote, if any). Last, so a value another rule already named is not
 * reported twice.
 */
export const GENERIC_RULE: SecretRule = {
  id: 'secret/generic-assignment',
  description: 'high-entropy value assigned to a credential-like name',
  re: /(?:api[_-]?key|secret|passw(?:or)?d|pwd|token|access[_-]?key|auth[_-]?key|private[_-]?key)[A-Za-z0-9_-]{0,20}["']?[ \t]{0,3}(?::=|=>|[:=])[ \t]{0,3}(["'`]?)([^\s"'`]{1,200})/gi,
};

/** Every rule the scan can report, in reporting order (SARIF lists them as its rules). */
export const ALL_SECRET_RULES: readonly SecretRule[] = [...SECRET_RULES, GENERIC_RULE];

/** Below these, random strings and English words overlap too much to tell apart. */
export const GENERIC_MIN_LENGTH = 16;
export const GENERIC_MIN_ENTROPY = 3.5;

/**
 * Test fixtures that must hold secret-shaped strings carry this on the same line, with a
 * reason after it, so every exemption says why it is there and shows up in review.
 */
export const ALLOW_MARKER = 'gitops-ml:allow-secret';
const ALLOW_WITH_REASON = /gitops-ml:allow-secret[\s:=(-]{1,8}[A-Za-z0-9]/;

/**
 * Far above this repository's bundled actions (`actions/<role>/dist/index.js`, ~1.5 MB),
 * which ship and so must be scanned; larger files are reported, not silently passed.
 */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** Git's own heuristic for binary content. */
const BINARY_SNIFF_BYTES = 8192;

export interface ScanOptions {
  /**
   * Path prefixes never scanned, repository-relative. A prefix names a file or a folder
   * (`tests/fixtures/keys` covers `tests/fixtures/keys/a.pem`, not `tests/fixtures/keys2`).
   */
  allowPaths?: readonly string[];
  maxBytes?: number;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (!s.length) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...s].length;
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log2(c / n);
  return h;
}

/** Values that stand for a secret rather than being one: references, templates, fillers. */
export function isPlaceholder(value: string): boolean {
  const v = value.toLowerCase();
  if (/^(?:\$|%|\{\{|<|#)/.test(v)) return true; // ${{ secrets.X }}, $VAR, %VAR%, {{ tpl }}, <your-key>, #comment
  // A template or interpolation inside the value (`"ghp_${token}"`) is code, not a key.
  const markers = ['${', '{{', 'changeme', 'change_me', 'change-me', 'xxx', '***', '...', 'your', 'example', 'placeholder', 'dummy', 'redacted', 'process.env', 'secrets.', 'env.', 'os.environ', 'getenv'];
  return markers.some((m) => v.includes(m));
}

/**
 * Whether a generic assignment's value looks like a real credential. Unquoted, it is far
 * more often code (`token: context.payload.token`, `secret = getSecret()`,
 * `parsedToken = parseHashWithOptions`) than a `.env` or YAML value, so it must hold no
 * character of an expression and at least one digit, which camelCase names rarely do and
 * random keys nearly always do.
 */
function genericValue(quote: string, raw: string): string | undefined {
  const value = quote ? raw : raw.replace(/[,;]$/, '');
  if (!quote && (/[.,;(){}[\]<>$]/.test(value) || !/[0-9]/.test(value))) return undefined;
  if (value.length < GENERIC_MIN_LENGTH || isPlaceholder(value)) return undefined;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  // One character class is an identifier or a word, not a key, however long.
  if (classes < 2 || shannonEntropy(value) < GENERIC_MIN_ENTROPY) return undefined;
  return value;
}

/** Never more than the first four characters, so the report cannot leak the secret. */
export function redact(value: string): string {
  return `${value.slice(0, 4)}…`;
}

export function normalizePath(path: string): string {
  let p = path.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

export function isAllowedPath(path: string, allowPaths: readonly string[] = []): boolean {
  const p = normalizePath(path);
  return allowPaths.some((raw) => {
    const prefix = normalizePath(raw);
    if (!prefix) return false;
    return p === prefix.replace(/\/$/, '') || p.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  });
}

function finding(rule: SecretRule, path: string, line: number, shown: string | undefined): Finding {
  const what = shown ? `${rule.description} (${shown})` : rule.description;
  return {
    ruleId: rule.id,
    level: 'error',
    message: `Possible ${what} at ${path}:${line} (${rule.id}): revoke it where it was issued and remove it from the change; for a deliberate test fixture, add "${ALLOW_MARKER} <reason>" on that line.`,
    path,
    line,
  };
}

/** One line's findings; `lineNo` is 1-based. */
function scanLine(path: string, lineNo: number, text: string): Finding[] {
  if (ALLOW_WITH_REASON.test(text)) return [];
  const out: Finding[] = [];
  const taken: [number, number][] = [];
  for (const rule of SECRET_RULES) {
    for (const m of text.matchAll(rule.re)) {
      const value = m[1] ?? m[0];
      if (rule.accept && !rule.accept(value)) continue;
      taken.push([m.index, m.index + m[0].length]);
      out.push(finding(rule, path, lineNo, rule.id === 'secret/private-key' ? undefined : redact(value)));
    }
  }
  for (const m of text.matchAll(GENERIC_RULE.re)) {
    const start = m.index + m[0].length - (m[2] ?? '').length;
    const end = m.index + m[0].length;
    // The value is already reported under its own, more specific rule.
    if (taken.some(([a, b]) => start < b && a < end)) continue;
    const value = genericValue(m[1] ?? '', m[2] ?? '');
    if (value) out.push(finding(GENERIC_RULE, path, lineNo, redact(value)));
  }
  return out;
}

function sizeNote(path: string, bytes: number, maxBytes: number): Finding {
  return {
    ruleId: 'secret/skipped-large-file',
    level: 'note',
    message: `${path} was not scanned for secrets: ${bytes} bytes is over the ${maxBytes}-byte limit; check it by other means or keep large data out of the repository.`,
    path,
  };
}

/** Findings in one file's text. Binary text (a NUL in the first 8 KiB) yields none. */
export function scanText(path: string, text: string, options: ScanOptions = {}): Finding[] {
  const p = normalizePath(path);
  if (isAllowedPath(p, options.allowPaths)) return [];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return [sizeNote(p, bytes, maxBytes)];
  if (text.slice(0, BINARY_SNIFF_BYTES).includes('\0')) return [];
  return text.split(/\r?\n/).flatMap((line, i) => scanLine(p, i + 1, line));
}

export interface AddedLine {
  /** New-side path, repository-relative. */
  path: string;
  /** 1-based line number in the new file. */
  line: number;
  text: string;
}

/** Git C-quotes paths with unusual bytes (`"b/na\303\257ve.txt"`); undo that. */
function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else if (Object.hasOwn(simple, next)) {
      bytes.push(simple[next] as number);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `b/src/x.ts` → `src/x.ts`; undefined for `/dev/null` (the file was deleted). */
function newSidePath(raw: string): string | undefined {
  const unquoted = unquoteGitPath(raw.replace(/\t$/, ''));
  if (unquoted === '/dev/null') return undefined;
  return normalizePath(unquoted.startsWith('b/') ? unquoted.slice(2) : unquoted);
}

/**
 * The added lines of a unified diff (made with `git diff --unified=0`; any context size
 * works). Hunk bodies are consumed by their header's line counts, never by their look,
 * so an added line whose own text starts with `++ ` or `@@` is still an added line.
 * Assumes git's default `a/`/`b/` prefixes; run git with `--no-color --no-ext-diff`
 * (and not `diff.noprefix`) so the headers are what this reads.
 */
export function addedLinesFromDiff(unifiedDiff: string): AddedLine[] {
  const out: AddedLine[] = [];
  let path: string | undefined;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of unifiedDiff.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (oldLeft > 0 || newLeft > 0) {
      const tag = line[0];
      if (tag === '+') {
        if (path !== undefined) out.push({ path, line: newLine, text: line.slice(1) });
        newLine++;
        newLeft--;
        continue;
      }
      if (tag === '-') {
        oldLeft--;
        continue;
      }
      if (tag === ' ' || line === '') {
        newLine++;
        newLeft--;
        oldLeft--;
        continue;
      }
      if (tag === '\\') continue; // "\ No newline at end of file"
      // A malformed count; fall through and read the line as a header.
      oldLeft = 0;
      newLeft = 0;
    }
    if (line.startsWith('\\')) continue;
    if (line.startsWith('diff --git ')) {
      path = undefined;
      continue;
    }
    if (line.startsWith('+++ ')) {
      path = newSidePath(line.slice(4));
      continue;
    }
    // `@@ -a[,b] +c[,d] @@`; an omitted count means 1. Flat, so no quantifier is nested.
    const hunk = /^@@ -\d{1,10}(,?)(\d{0,10}) \+(\d{1,10})(,?)(\d{0,10}) @@/.exec(line);
    if (hunk) {
      oldLeft = hunk[1] ? Number(hunk[2]) : 1;
      newLine = Number(hunk[3]);
      newLeft = hunk[4] ? Number(hunk[5]) : 1;
    }
  }
  return out;
}

/** Findings in the lines a diff adds. */
export function scanDiff(unifiedDiff: string, options: ScanOptions = {}): Finding[] {
  return addedLinesFromDiff(unifiedDiff)
    .filter((l) => !isAllowedPath(l.path, options.allowPaths))
    .flatMap((l) => scanLine(l.path, l.line, l.text));
}

/**
 * Findings in the named files under `root` (pass `git ls-files` output, so ignored and
 * untracked files are left out). Paths that are gone from the working tree, symlinks
 * (their target may be outside the repository) and submodules are skipped.
 */
export function scanTree(root: string, paths: readonly string[], options: ScanOptions = {}): Finding[] {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const out: Finding[] = [];
  for (const raw of paths) {
    const path = normalizePath(raw);
    if (!path || isAllowedPath(path, options.allowPaths)) continue;
    const file = join(root, path);
    let size: number;
    try {
      const st = lstatSync(file);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue;
    }
    // Checked before reading, so a huge file is never loaded just to be skipped.
    if (size > maxBytes) {
      out.push(sizeNote(path, size, maxBytes));
      continue;
    }
    const buf = readFileSync(file);
    if (buf.subarray(0, BINARY_SNIFF_BYTES).includes(0)) continue;
    out.push(...scanText(path, buf.toString('utf8'), { maxBytes: Infinity }));
  }
  return out;
}

/**
 * The part's result. `scanned` is what the caller fed the scan: tracked files in tree
 * mode, files with added lines in diff mode. Only `error` findings fail it; a file skipped
 * for size is shown, because passing it silently would claim a check that was not made.
 */
export function secretsPart(findings: readonly Finding[], mode: 'diff' | 'tree', scanned: number): PartResult {
  const errors = findings.filter((f) => f.level === 'error');
  const skipped = findings.filter((f) => f.ruleId === 'secret/skipped-large-file').length;
  const files = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;
  const scope = mode === 'diff' ? `the added lines of ${files(scanned)}` : `${files(scanned)} in the tree`;
  const skippedNote = skipped ? `; ${files(skipped)} skipped for size` : '';
  if (!errors.length) return { part: 'secrets', outcome: 'pass', summary: `No secrets in ${scope}${skippedNote}.`, findings: [...findings] };
  const inFiles = new Set(errors.map((f) => f.path)).size;
  return {
    part: 'secrets',
    outcome: 'fail',
    summary: `${errors.length} possible secret${errors.length === 1 ? '' : 's'} in ${files(inFiles)} (scanned ${scope}${skippedNote}).`,
    findings: [...findings],
  };
}
