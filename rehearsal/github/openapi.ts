import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAjv } from '../../model/util/ajv.js';

/**
 * GitHub's published REST description (@octokit/openapi) as a router and a body checker.
 * Every request the local GitHub answers is first matched here, so a client that calls a
 * route GitHub does not have, or sends a body GitHub would refuse, fails the same way it
 * would against github.com instead of passing on a lenient fake.
 */

export interface Operation {
  operationId: string;
  method: string;
  template: string;
  params: readonly string[];
  /** GitHub's docs link for the operation (its errors point there). */
  docsUrl: string;
  category: string;
  subcategory: string;
  /** False where GitHub refuses app tokens (GITHUB_TOKEN is one) outright. */
  enabledForApps: boolean;
  /** The JSON request-body schema, when the operation takes one. */
  bodySchema?: unknown;
  /** True when the body is raw bytes (release asset uploads), not JSON. */
  rawBody: boolean;
  regex: RegExp;
  /** The same with a last parameter that may hold slashes (git refs, content paths). */
  loose: RegExp;
}

type Json = Record<string, unknown>;

let doc: Json | undefined;
let operations: Operation[] | undefined;
const byId = new Map<string, Operation>();

/** Walks up from this module (src or dist) to the node_modules that holds the description. */
function specPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules/@octokit/openapi/generated/api.github.com.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@octokit/openapi is not installed: the local GitHub needs generated/api.github.com.json');
    dir = parent;
  }
}

function load(): Operation[] {
  if (operations) return operations;
  // One 13 MB file of the package; requiring the package would load every GHES variant.
  doc = JSON.parse(readFileSync(specPath(), 'utf8')) as Json;
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    const params = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '([^/]+)');
    const regex = new RegExp(`^${escaped}$`);
    // Only git refs and content paths may hold unencoded slashes (heads/model/x, model/specs/x.json).
    const loose = /\{(ref|path)\}$/.test(template) ? new RegExp(`^${escaped.replace(/\(\[\^\/\]\+\)$/, '(.+)')}$`) : regex;
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const content = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      const gh = (op['x-github'] ?? {}) as Json;
      const operation: Operation = {
        operationId: op.operationId as string,
        method: method.toUpperCase(),
        template,
        params,
        docsUrl: ((op.externalDocs as Json | undefined)?.url as string | undefined) ?? 'https://docs.github.com/rest',
        category: (gh.category as string | undefined) ?? '',
        subcategory: (gh.subcategory as string | undefined) ?? '',
        enabledForApps: gh.enabledForGitHubApps !== false,
        bodySchema: content?.['application/json']?.schema,
        rawBody: content !== undefined && content['application/json'] === undefined,
        regex,
        loose,
      };
      ops.push(operation);
      // The octokit build lists a few operations twice (e.g. compare {basehead} and {base}...{head}); the first wins.
      if (!byId.has(operation.operationId)) byId.set(operation.operationId, operation);
    }
  }
  // Literal segments first: /pulls/comments must not match /pulls/{pull_number}.
  operations = ops.sort((a, b) => a.params.length - b.params.length);
  return operations;
}

export interface RouteMatch {
  op: Operation;
  params: Record<string, string>;
}

/** The operation GitHub would route `method pathname` to, with its decoded path parameters. */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  const ops = load();
  const strict = ops.find((o) => o.method === method && o.regex.test(pathname));
  const op = strict ?? ops.find((o) => o.method === method && o.loose.test(pathname));
  if (!op) {
    // The repository root's listing: Octokit sends an empty {path} as ".../contents/".
    const root = /^\/repos\/([^/]+)\/([^/]+)\/contents\/?$/.exec(pathname);
    const getContent = byId.get('repos/get-content');
    if (root && method === 'GET' && getContent) return { op: getContent, params: { owner: decodeURIComponent(root[1] as string), repo: decodeURIComponent(root[2] as string), path: '' } };
    return undefined;
  }
  const values = (strict ? op.regex : op.loose).exec(pathname)?.slice(1) ?? [];
  const params: Record<string, string> = {};
  op.params.forEach((name, i) => {
    params[name] = decodeURIComponent(values[i] ?? '');
  });
  return { op, params };
}

export function operation(operationId: string): Operation | undefined {
  load();
  return byId.get(operationId);
}

/** Every operationId GitHub documents (for coverage checks). */
export function allOperationIds(): string[] {
  return [...new Set(load().map((o) => o.operationId))];
}

function resolveRefs(node: unknown, depth = 0): unknown {
  if (depth > 40 || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => resolveRefs(n, depth + 1));
  const obj = node as Json;
  if (typeof obj.$ref === 'string') {
    const target = obj.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((acc, k) => (acc as Json | undefined)?.[k], doc);
    return resolveRefs(target, depth + 1);
  }
  const out = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolveRefs(v, depth + 1)]));
  // OpenAPI 3.0's `nullable` is JSON Schema's type union; ajv refuses it without a `type`.
  if (out.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    delete out.nullable;
  }
  return out;
}

// GitHub's description uses OpenAPI keywords ajv does not know (nullable, example): not strict.
const ajv = createAjv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

export interface BodyProblem {
  /** ajv's text, e.g. "data must have required property 'body'". */
  text: string;
  /** GitHub-style `errors` entries for the 422 answer. */
  errors: { resource: string; field: string; code: string; message: string }[];
}

/** Undefined when `body` is what the operation accepts; the problem otherwise. */
export function validateBody(op: Operation, body: unknown): BodyProblem | undefined {
  if (op.bodySchema === undefined) return undefined;
  let validate = compiled.get(op.operationId);
  if (!validate) {
    try {
      validate = ajv.compile(resolveRefs(op.bodySchema) as object);
    } catch (err) {
      // A schema ajv cannot compile must not pass silently: the caller records it as a problem.
      return { text: `the local GitHub cannot compile GitHub's schema for ${op.operationId}: ${err instanceof Error ? err.message : String(err)}`, errors: [] };
    }
    compiled.set(op.operationId, validate);
  }
  if (validate(body ?? {})) return undefined;
  const resource = op.category.replace(/s$/, '');
  return {
    text: ajv.errorsText(validate.errors),
    errors: (validate.errors ?? []).map((e) => ({ resource, field: e.instancePath.replace(/^\//, '') || String((e.params as { missingProperty?: string }).missingProperty ?? ''), code: e.keyword === 'required' ? 'missing_field' : 'invalid', message: e.message ?? '' })),
  };
}
