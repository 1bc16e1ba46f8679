import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { ValidationError } from '../../../model/errors.js';
import { createAjv } from '../../../model/util/ajv.js';

/** `.github/gitops-ml.yml`, after validation, with defaults filled in. */
export interface GitopsConfig {
  version: 1;
  roles: { ceo: string[]; qa: string[]; security: string[]; 'tech-lead': string[] };
  required_checks: string[];
  gates: Partial<Record<GateName, number>>;
  labels: { new_model: string; needs_info: string; accepted: string; retrain: string };
  environments: Partial<Record<'staging' | 'production', { url?: string; github_environment?: string }>>;
  registry?: { image: string };
}

export type GateName =
  | 'accuracy_min'
  | 'f1_macro_min'
  | 'roc_auc_min'
  | 'ece_max'
  | 'champion_max_regression'
  | 'champion_alpha'
  | 'robustness_max_failure_rate'
  | 'robustness_max_mft_failure_rate'
  | 'robustness_max_accuracy_drop'
  | 'fairness_max_gap'
  | 'fairness_max_flip_share'
  | 'privacy_max_mia_auc'
  | 'latency_p95_ms_max'
  | 'size_max_mb'
  | 'quantization_max_accuracy_drop';

export const CONFIG_PATH = '.github/gitops-ml.yml';
export const SCHEMA_FILE = 'gitops-ml.schema.json';
const DEFAULT_LABELS: GitopsConfig['labels'] = { new_model: 'new-model', needs_info: 'needs-info', accepted: 'accepted', retrain: 'retrain' };

/**
 * The schema lives beside the config in `.github/` (editors validate with it too), so
 * the config is read with the schema of the same checkout, wherever this code runs
 * (a bundled action, the CLI, tests).
 */
const validators = new Map<string, { validate: ReturnType<ReturnType<typeof createAjv>['compile']>; schema: Record<string, unknown> }>();
function validatorFor(configFile: string): { validate: ReturnType<ReturnType<typeof createAjv>['compile']>; schema: Record<string, unknown> } {
  const schemaFile = join(dirname(configFile), SCHEMA_FILE);
  let v = validators.get(schemaFile);
  if (!v) {
    let schema: Record<string, unknown>;
    try {
      schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ValidationError(`${schemaFile}: cannot read the configuration schema (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it belongs beside ${configFile}`);
    }
    // strict off for the editor-facing keywords (title, description, $id) and `format`.
    v = { validate: createAjv({ strict: false, validateFormats: false }).compile(schema), schema };
    validators.set(schemaFile, v);
  }
  return v;
}

/** `/roles/ceo/0` → `roles.ceo[0]`: how a person reading the YAML names the key. */
export function keyName(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** The schema node an error's instance path points at (to list allowed keys and values). */
function schemaAt(schemaDoc: Record<string, unknown>, pointer: string): Record<string, unknown> | undefined {
  let node: Record<string, unknown> | undefined = schemaDoc;
  const defs = (schemaDoc.definitions ?? {}) as Record<string, Record<string, unknown>>;
  const deref = (n: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    let cur = n;
    for (let i = 0; i < 5 && cur; i++) {
      if (typeof cur.$ref === 'string') cur = defs[cur.$ref.split('/').pop() as string];
      else if (Array.isArray(cur.allOf)) cur = cur.allOf[0] as Record<string, unknown>;
      else break;
    }
    return cur;
  };
  for (const part of pointer.split('/').slice(1)) {
    node = deref(node);
    if (!node) return undefined;
    node = /^\d+$/.test(part) ? (node.items as Record<string, unknown> | undefined) : ((node.properties as Record<string, Record<string, unknown>> | undefined)?.[part] ?? undefined);
  }
  return deref(node);
}

function describe(schemaDoc: Record<string, unknown>, e: ErrorObject): string {
  const key = keyName(e.instancePath);
  const at = key ? `"${key}"` : 'the top level';
  const node = schemaAt(schemaDoc, e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((node?.properties as Record<string, unknown> | undefined) ?? {});
      return `unknown key "${[key, (e.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.')}"; allowed keys in ${at}: ${allowed.join(', ')}`;
    }
    case 'required':
      return `missing key "${[key, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.')}"`;
    case 'enum':
      return `${at} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `${at} is not valid: ${String(node?.description ?? `must match ${(e.params as { pattern: string }).pattern}`)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const lo = node?.minimum ?? node?.exclusiveMinimum;
      const hi = node?.maximum ?? node?.exclusiveMaximum;
      return `${at} ${e.message ?? 'is out of range'} (allowed: ${lo ?? '-∞'} to ${hi ?? '∞'})`;
    }
    default:
      return `${at} ${e.message ?? 'is not valid'}`;
  }
}

/**
 * YAML with every syntax error reported at once (line and column each) and duplicate keys
 * refused; the line counter maps validation errors back to lines.
 */
export function parseYamlStrict(text: string, file: string): { doc: ReturnType<typeof parseDocument>; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ValidationError(
      `${file} is not valid YAML`,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return `line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0] ?? e.code}`;
      }),
    );
  }
  return { doc, lines };
}

/**
 * Parses and validates the config text. Every problem is reported at once, each naming
 * the key (and its line) and what is allowed; defaults fill in what is left out.
 */
export function parseConfig(text: string, file = CONFIG_PATH): GitopsConfig {
  const { doc, lines } = parseYamlStrict(text, file);
  const value: unknown = doc.toJS();
  const { validate, schema } = validatorFor(file);
  if (!validate(value)) {
    const problems = (validate.errors ?? [])
      // "must match a schema in allOf" repeats what the inner error already says.
      .filter((e) => e.keyword !== 'allOf')
      .map((e) => {
        const path = e.instancePath.split('/').slice(1);
        const node = doc.getIn(path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), true) as { range?: [number, number, number] } | undefined;
        const line = node?.range ? ` (line ${lines.linePos(node.range[0]).line})` : '';
        return `${describe(schema, e)}${line}`;
      });
    throw new ValidationError(`${file} is not a valid gitops-ml configuration`, [...new Set(problems)]);
  }
  const raw = value as Partial<GitopsConfig> & Pick<GitopsConfig, 'version' | 'roles' | 'required_checks'>;
  return {
    version: raw.version,
    roles: { ceo: raw.roles.ceo, qa: raw.roles.qa ?? [], security: raw.roles.security ?? [], 'tech-lead': raw.roles['tech-lead'] ?? [] },
    required_checks: raw.required_checks,
    gates: raw.gates ?? {},
    labels: { ...DEFAULT_LABELS, ...raw.labels },
    environments: raw.environments ?? {},
    ...(raw.registry ? { registry: raw.registry } : {}),
  };
}

/**
 * Values the template ships as examples, which a repository made from it must replace
 * before the flow can sign anything off or push an image: each entry names the key.
 */
export function placeholderProblems(config: GitopsConfig): string[] {
  const problems: string[] = [];
  if (config.roles.ceo.some((l) => l.toLowerCase() === 'octocat')) {
    problems.push('roles.ceo lists "octocat", the template\'s example login: name the people whose approval signs a model off');
  }
  if (config.registry && /^ghcr\.io\/owner\//.test(config.registry.image)) {
    problems.push(`registry.image is the template's placeholder "${config.registry.image}": remove it (the default is ghcr.io/<owner>/<repo>) or name your registry`);
  }
  return problems;
}

/** The image repository: the config's, else ghcr.io/<owner>/<repo> lower-cased (GHCR requires it). */
export function imageRepository(config: GitopsConfig | undefined, repo: { owner: string; repo: string }): string {
  const fromConfig = config?.registry?.image;
  if (fromConfig && /^ghcr\.io\/owner\//.test(fromConfig)) {
    throw new ValidationError(`registry.image in ${CONFIG_PATH} is the template's placeholder "${fromConfig}"`, ['remove it to push to ghcr.io/<owner>/<repo>, or name your registry']);
  }
  return fromConfig ?? `ghcr.io/${repo.owner}/${repo.repo}`.toLowerCase();
}

export function loadConfig(path: string = CONFIG_PATH): GitopsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ValidationError(`${path}: cannot read the gitops-ml configuration (${(err as NodeJS.ErrnoException).code ?? 'error'}); copy it from the template repository`);
  }
  return parseConfig(text, path);
}
