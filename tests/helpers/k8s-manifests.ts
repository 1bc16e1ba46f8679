import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { IService } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { loadConfig } from '../../service/config.js';

/**
 * Offline checks of rendered Kubernetes manifests (`kubectl kustomize` output), in three
 * layers:
 * 1. schema: every object against its kubernetes-models class (types, enums, required);
 * 2. unknown fields, which that validation lets through: the generated validators read
 *    every property their schema knows, so validating a Proxy of the object records which
 *    keys the schema knows at each level, and any other key (`readinesProbe`) is reported;
 *    the ServiceMonitor (a CRD) is checked against a hand-written shape instead;
 * 3. policy: what a valid object can still get wrong for this service (images, probes,
 *    ports, security context, resources, selectors, autoscaling, disruption budget,
 *    the service's own environment variables, shutdown timing).
 * Each problem is one line: `<Kind>/<name> <path>: <what is wrong>`.
 */

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

type Validatable = { prototype: { validate(): void } };
/** The kubernetes-models class of each apiVersion/kind the manifests may use. */
const MODELS: Record<string, Validatable> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
};

export const MODEL_VERSION_LABEL = 'gitops-ml/model-version';
export const RUN_AS_USER = 10001;
const SERVICE_MONITOR = 'monitoring.coreos.com/v1/ServiceMonitor';

// ---------------------------------------------------------------- rendering

/** kubectl's client version, or undefined when kubectl is not on PATH. */
export function kubectlVersion(): string | undefined {
  try {
    return execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

/** `kubectl kustomize <dir>`, parsed: one object per YAML document. Throws with kustomize's own message. */
export function renderKustomize(dir: string): Manifest[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr.trim() || (err as Error).message}`);
  }
  return parseManifests(out);
}

export function parseManifests(text: string): Manifest[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('not YAML documents');
  const objects: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value as Manifest);
  }
  return objects;
}

const id = (o: Manifest): string => `${String(o.kind)}/${String(o.metadata?.name)}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------- schema and unknown fields

interface Access {
  read: Set<string>;
  /** The validator enumerated the keys (a free-form map such as labels): all of them are known. */
  all: boolean;
  /** The validator looked into this object at all (an untouched one is opaque to it). */
  touched: boolean;
}

/** Wraps `root` so that every property read by a validator is recorded per object. */
function track(root: unknown): { proxy: unknown; access: WeakMap<object, Access> } {
  const access = new WeakMap<object, Access>();
  const proxies = new WeakMap<object, object>();
  const wrap = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const known = proxies.get(v);
    if (known) return known;
    const rec: Access = { read: new Set(), all: false, touched: false };
    access.set(v, rec);
    const proxy = new Proxy(v, {
      get(target, key, receiver) {
        rec.touched = true;
        if (typeof key === 'string') rec.read.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        rec.touched = true;
        if (typeof key === 'string') rec.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        rec.touched = true;
        rec.all = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(v, proxy);
    return proxy;
  };
  return { proxy: wrap(root), access };
}

const joinPath = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

function unknownKeys(value: unknown, access: WeakMap<object, Access>, path: string, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownKeys(item, access, joinPath(path, i), out));
    return;
  }
  if (!isObject(value)) return;
  const rec = access.get(value);
  if (!rec?.touched) return;
  for (const key of Object.keys(value)) {
    if (!rec.all && !rec.read.has(key)) out.push(`${joinPath(path, key)}: unknown field "${key}"`);
    else unknownKeys(value[key], access, joinPath(path, key), out);
  }
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
const dotted = (pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .reduce((p, seg) => joinPath(p, /^\d+$/.test(seg) ? Number(seg) : seg.replace(/~1/g, '/').replace(/~0/g, '~')), '');

/** Schema errors and unknown fields of one object, against its kubernetes-models class (or the ServiceMonitor shape). */
export function schemaIssues(obj: Manifest): string[] {
  if (!isObject(obj)) return [`${String(obj)}: not an object`];
  const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  if (key === SERVICE_MONITOR) return serviceMonitorShape(obj).map((p) => `${id(obj)} ${p}`);
  const model = MODELS[key];
  if (!model) return [`${id(obj)}: no schema for apiVersion ${String(obj.apiVersion)} kind ${String(obj.kind)} (add its kubernetes-models class to MODELS in tests/helpers/k8s-manifests.ts, or a shape for a CRD)`];
  const out: string[] = [];
  const { proxy, access } = track(obj);
  try {
    // The class's validate() with `this` = the proxy: the generated validator reads it directly.
    model.prototype.validate.call(proxy);
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] }).errors;
    if (!errors) throw err;
    for (const e of errors) out.push(`${dotted(e.instancePath) || '(root)'}: ${e.message ?? 'invalid'}${e.params && 'allowedValues' in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ''}`);
  }
  unknownKeys(obj, access, '', out);
  return [...new Set(out)].map((p) => `${id(obj)} ${p}`);
}

// The ServiceMonitor (monitoring.coreos.com/v1, a CRD kubernetes-models does not ship):
// a hand-written shape of the fields we use and a few common ones; anything else is unknown.
type Shape = 'string' | 'boolean' | 'integer' | 'duration' | 'any' | { enum: readonly string[] } | { map: Shape } | { list: Shape; min?: number } | { fields: Record<string, Shape>; required?: readonly string[] };

const LABEL_SELECTOR: Shape = {
  fields: {
    matchLabels: { map: 'string' },
    matchExpressions: { list: { fields: { key: 'string', operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: { list: 'string' } }, required: ['key', 'operator'] } },
  },
};
const METADATA: Shape = { fields: { name: 'string', namespace: 'string', labels: { map: 'string' }, annotations: { map: 'string' } }, required: ['name'] };
const SERVICE_MONITOR_SHAPE: Shape = {
  fields: {
    apiVersion: 'string',
    kind: 'string',
    metadata: METADATA,
    spec: {
      required: ['selector', 'endpoints'],
      fields: {
        selector: LABEL_SELECTOR,
        namespaceSelector: { fields: { any: 'boolean', matchNames: { list: 'string' } } },
        jobLabel: 'string',
        targetLabels: { list: 'string' },
        podTargetLabels: { list: 'string' },
        sampleLimit: 'integer',
        endpoints: {
          min: 1,
          list: {
            fields: {
              port: 'string',
              targetPort: 'any',
              path: 'string',
              scheme: { enum: ['http', 'https'] },
              interval: 'duration',
              scrapeTimeout: 'duration',
              honorLabels: 'boolean',
              honorTimestamps: 'boolean',
              relabelings: { list: 'any' },
              metricRelabelings: { list: 'any' },
            },
          },
        },
      },
    },
  },
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
};

function checkShape(v: unknown, shape: Shape, path: string, out: string[]): void {
  const at = path || '(root)';
  if (shape === 'any') return;
  if (shape === 'string' || shape === 'duration') {
    if (typeof v !== 'string') out.push(`${at}: must be a string`);
    else if (shape === 'duration' && !/^(\d+(ms|s|m|h|d|w|y))+$/.test(v)) out.push(`${at}: "${v}" is not a Prometheus duration (30s, 1m30s)`);
    return;
  }
  if (shape === 'boolean' || shape === 'integer') {
    if (shape === 'boolean' ? typeof v !== 'boolean' : !Number.isInteger(v)) out.push(`${at}: must be ${shape === 'boolean' ? 'a boolean' : 'an integer'}`);
    return;
  }
  if ('enum' in shape) {
    if (!shape.enum.includes(v as string)) out.push(`${at}: must be one of ${shape.enum.join(', ')}`);
    return;
  }
  if ('list' in shape) {
    if (!Array.isArray(v)) out.push(`${at}: must be a list`);
    else {
      if (v.length < (shape.min ?? 0)) out.push(`${at}: needs at least ${shape.min} entries`);
      v.forEach((item, i) => checkShape(item, shape.list, joinPath(path, i), out));
    }
    return;
  }
  if (!isObject(v)) {
    out.push(`${at}: must be a mapping`);
    return;
  }
  if ('map' in shape) {
    for (const [k, item] of Object.entries(v)) checkShape(item, shape.map, joinPath(path, k), out);
    return;
  }
  for (const r of shape.required ?? []) if (!(r in v)) out.push(`${at}: ${r} is required`);
  for (const [k, item] of Object.entries(v)) {
    const sub = shape.fields[k];
    if (sub === undefined) out.push(`${joinPath(path, k)}: unknown field "${k}"`);
    else checkShape(item, sub, joinPath(path, k), out);
  }
}

function serviceMonitorShape(obj: Manifest): string[] {
  const out: string[] = [];
  checkShape(obj, SERVICE_MONITOR_SHAPE, '', out);
  return out;
}

// ---------------------------------------------------------------- policy

export interface PolicyOptions {
  /** production: at least 2 replicas and a PodDisruptionBudget minAvailable ≥ 1. */
  environment: 'base' | 'staging' | 'production';
  /** Every object must be in this namespace (overlays); undefined: none may set one (base). */
  namespace?: string;
  /** Images must come from a registry (the overlay's images: entry mapped the base's logical name). */
  registry?: boolean;
  /** Where the image has the model (MODEL_DIR). */
  modelDir?: string;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

/** Does the label selector select a pod with these labels? (An empty selector selects everything: refused elsewhere.) */
export function selects(selector: Selector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key] as string);
    const ok = e.operator === 'In' ? inValues : e.operator === 'NotIn' ? !inValues : e.operator === 'Exists' ? has : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}
const selectorKeys = (s: Selector | undefined): string[] => [...Object.keys(s?.matchLabels ?? {}), ...(s?.matchExpressions ?? []).map((e) => e.key)];
const emptySelector = (s: Selector | undefined): boolean => selectorKeys(s).length === 0;

const UNITS: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
/** A Kubernetes quantity (`500m`, `1`, `768Mi`, `1Gi`) as a number, or undefined. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q);
  return m ? Number(m[1]) * (UNITS[m[2] ?? ''] as number) : undefined;
}

/** `registry/path/name[:tag][@digest]` → its parts. */
export function parseImage(ref: string): { name: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  return { name: colon > slash ? rest.slice(0, colon) : rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
const fromRegistry = (name: string): boolean => {
  const first = name.split('/')[0] ?? '';
  return name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
};

/** The container port number `port` (a name or a number) points at, or undefined when the container has no such named port. */
function resolvePort(c: IContainer, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

interface Workload {
  d: IDeployment & Manifest;
  pod: IPodSpec;
  labels: Record<string, string>;
}

function checkProbe(name: string, probe: IProbe | undefined, path: string, c: IContainer, servedPort: number | undefined, at: string, out: string[]): void {
  if (!probe) {
    out.push(`${at}.${name}: missing (the service answers ${path})`);
    return;
  }
  const get = probe.httpGet;
  if (!get) {
    out.push(`${at}.${name}: must be an httpGet probe on ${path}`);
    return;
  }
  if (get.path !== path) out.push(`${at}.${name}.httpGet.path: "${String(get.path)}", the service answers ${path}`);
  if (get.scheme !== undefined && get.scheme !== 'HTTP') out.push(`${at}.${name}.httpGet.scheme: ${String(get.scheme)}, the service speaks plain HTTP`);
  const port = resolvePort(c, get.port);
  if (port === undefined) out.push(`${at}.${name}.httpGet.port: "${String(get.port)}" is no port of the container`);
  else if (servedPort !== undefined && port !== servedPort) out.push(`${at}.${name}.httpGet.port: ${String(get.port)} (${port}) is not the port the Service sends traffic to (${servedPort})`);
}

/** What every container must get right. */
function checkContainer(w: Workload, c: IContainer, at: string, opts: PolicyOptions, out: string[]): void {
  // Image: pinned, and from a registry once an overlay mapped it.
  if (typeof c.image !== 'string' || c.image.trim() === '') out.push(`${at}.image: missing`);
  else {
    const img = parseImage(c.image);
    if (img.tag === undefined && img.digest === undefined) out.push(`${at}.image: "${c.image}" has no tag or digest`);
    if (img.tag === 'latest' && img.digest === undefined) out.push(`${at}.image: "${c.image}" uses latest, which names no version`);
    if (img.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(img.digest)) out.push(`${at}.image: "${img.digest}" is not a sha256 digest`);
    if (opts.registry && !fromRegistry(img.name)) out.push(`${at}.image: "${c.image}" is not from a registry (does the overlay's images: name match the base's image name?)`);
  }

  // Resources: requests and limits for CPU and memory, requests ≤ limits.
  for (const kind of ['requests', 'limits'] as const) {
    for (const r of ['cpu', 'memory']) {
      const q = c.resources?.[kind]?.[r];
      if (q === undefined) out.push(`${at}.resources.${kind}.${r}: missing`);
      else if (parseQuantity(q) === undefined) out.push(`${at}.resources.${kind}.${r}: "${String(q)}" is not a quantity`);
    }
  }
  for (const r of ['cpu', 'memory']) {
    const req = parseQuantity(c.resources?.requests?.[r]);
    const lim = parseQuantity(c.resources?.limits?.[r]);
    if (req !== undefined && lim !== undefined && req > lim) out.push(`${at}.resources: ${r} request ${String(c.resources?.requests?.[r])} exceeds its limit ${String(c.resources?.limits?.[r])}`);
  }

  // Security context: the container's, falling back to the pod's where Kubernetes does.
  const sc = c.securityContext ?? {};
  const psc = w.pod.securityContext ?? {};
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) out.push(`${at}.securityContext.runAsNonRoot: must be true`);
  if ((sc.runAsUser ?? psc.runAsUser) !== RUN_AS_USER) out.push(`${at}.securityContext.runAsUser: ${String(sc.runAsUser ?? psc.runAsUser)}, must be ${RUN_AS_USER} (the image's user)`);
  if (sc.readOnlyRootFilesystem !== true) out.push(`${at}.securityContext.readOnlyRootFilesystem: must be true`);
  if (sc.allowPrivilegeEscalation !== false) out.push(`${at}.securityContext.allowPrivilegeEscalation: must be false`);
  if (sc.privileged === true) out.push(`${at}.securityContext.privileged: must not be true`);
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${at}.securityContext.capabilities.drop: must include ALL`);
  if ((sc.capabilities?.add ?? []).length > 0) out.push(`${at}.securityContext.capabilities.add: must be empty`);

  const volumes = new Map((w.pod.volumes ?? []).map((v) => [v.name, v]));
  for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) out.push(`${at}.volumeMounts: "${m.name}" is no volume of the pod`);
  const names = (c.env ?? []).map((e) => e.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) out.push(`${at}.env: ${dup} is set twice`);
}

/** What the container that runs the service must get right: probes, its port, its configuration, /tmp, shutdown. */
function checkServer(w: Workload, c: IContainer, at: string, servedPort: number | undefined, opts: PolicyOptions, out: string[]): void {
  checkProbe('readinessProbe', c.readinessProbe, '/readyz', c, servedPort, at, out);
  checkProbe('livenessProbe', c.livenessProbe, '/healthz', c, servedPort, at, out);
  if (c.startupProbe) checkProbe('startupProbe', c.startupProbe, '/healthz', c, servedPort, at, out);

  // A read-only root filesystem leaves /tmp to a volume.
  const volumes = new Map((w.pod.volumes ?? []).map((v) => [v.name, v]));
  const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
  if (!tmp) out.push(`${at}.volumeMounts: /tmp must be mounted (the root filesystem is read-only)`);
  else if (!volumes.get(tmp.name)?.emptyDir) out.push(`${at}.volumeMounts: /tmp must be an emptyDir volume`);

  // The service's own configuration: what service/config.ts would say at start.
  const literal: Record<string, string> = {};
  for (const e of c.env ?? []) if (e.value !== undefined) literal[e.name] = e.value;
  try {
    const config = loadConfig(literal);
    if (config.host === '127.0.0.1' || config.host === 'localhost' || config.host === '::1') out.push(`${at}.env.HOST: ${config.host} is unreachable from the kubelet and the Service`);
    if (servedPort !== undefined && config.port !== servedPort) out.push(`${at}.env.PORT: the service listens on ${config.port}, the Service sends traffic to ${servedPort}`);
    const modelDir = opts.modelDir ?? '/app/model';
    if (config.modelDir !== modelDir) out.push(`${at}.env.MODEL_DIR: ${String(config.modelDir)}, the image has the model at ${modelDir}`);
    // Shutdown: preStop, then SIGTERM and up to SHUTDOWN_GRACE_MS of draining, all inside the pod's grace period.
    const grace = w.pod.terminationGracePeriodSeconds ?? 30;
    const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    if (preStop + config.shutdownGraceMs / 1000 >= grace) out.push(`${at}: preStop (${preStop} s) + SHUTDOWN_GRACE_MS (${config.shutdownGraceMs / 1000} s) must end before terminationGracePeriodSeconds (${grace} s), or the kubelet kills in-flight requests`);
  } catch (err) {
    out.push(`${at}.env: the service would refuse to start: ${(err as Error).message.replace(/\n\s*/g, ' ')}`);
  }
}

/** Policy problems of a set of rendered objects (one environment). */
export function policyIssues(objects: Manifest[], opts: PolicyOptions): string[] {
  const out: string[] = [];
  const of = <T>(kind: string): (T & Manifest)[] => objects.filter((o) => o.kind === kind) as (T & Manifest)[];
  const deployments = of<IDeployment>('Deployment');
  const services = of<IService>('Service');
  const hpas = of<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
  const pdbs = of<IPodDisruptionBudget>('PodDisruptionBudget');
  const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
  for (const [kind, list] of [['Deployment', deployments], ['Service', services], ['HorizontalPodAutoscaler', hpas], ['PodDisruptionBudget', pdbs]] as const) {
    if (list.length !== 1) out.push(`${kind}: expected exactly one, found ${list.length}`);
  }

  // Names and namespaces.
  const seen = new Set<string>();
  for (const o of objects) {
    if (!o.metadata?.name) out.push(`${id(o)}: metadata.name missing`);
    if (seen.has(id(o))) out.push(`${id(o)}: defined twice`);
    seen.add(id(o));
    const ns = o.metadata?.namespace;
    if (opts.namespace === undefined && ns !== undefined) out.push(`${id(o)} metadata.namespace: ${ns}, but the base sets none (the overlays do)`);
    if (opts.namespace !== undefined && ns !== opts.namespace) out.push(`${id(o)} metadata.namespace: ${String(ns)}, expected ${opts.namespace}`);
  }

  const d = deployments[0];
  const svc = services[0];
  const pod = d?.spec?.template?.spec;
  const w: Workload | undefined = d && pod ? { d, pod, labels: d.spec?.template?.metadata?.labels ?? {} } : undefined;
  if (d && !w) out.push(`${id(d)} spec.template.spec: missing`);

  // Which container port the Service sends traffic to: it must name a declared port.
  let servedPort: number | undefined;
  let servingContainer: IContainer | undefined;
  if (svc && w) {
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) out.push(`${id(svc)} spec.ports: none`);
    for (const [i, p] of ports.entries()) {
      if (!p.name) out.push(`${id(svc)} spec.ports[${i}].name: missing (the ServiceMonitor refers to ports by name)`);
      const target = p.targetPort ?? p.port;
      if (typeof target !== 'string') out.push(`${id(svc)} spec.ports[${i}].targetPort: ${String(target)}; name the container port instead (it then follows the container)`);
      const declares = (c: IContainer): boolean => (c.ports ?? []).some((cp) => (typeof target === 'string' ? cp.name === target : cp.containerPort === target));
      const container = (w.pod.containers ?? []).find(declares);
      if (!container) out.push(`${id(svc)} spec.ports[${i}].targetPort: "${String(target)}" is no port of any container of ${id(d as Manifest)}`);
      else if (i === 0) {
        servingContainer = container;
        servedPort = resolvePort(container, target);
      }
    }
    if (emptySelector({ matchLabels: svc.spec?.selector })) out.push(`${id(svc)} spec.selector: empty`);
    else if (!selects({ matchLabels: svc.spec?.selector }, w.labels)) out.push(`${id(svc)} spec.selector: ${JSON.stringify(svc.spec?.selector)} does not select the pods of ${id(w.d)} (${JSON.stringify(w.labels)})`);
    if (selectorKeys({ matchLabels: svc.spec?.selector }).includes(MODEL_VERSION_LABEL)) out.push(`${id(svc)} spec.selector: must not use ${MODEL_VERSION_LABEL} (it changes on every deploy)`);
  }

  // The workload.
  if (w) {
    const sel = w.d.spec?.selector as Selector | undefined;
    if (emptySelector(sel)) out.push(`${id(w.d)} spec.selector: empty`);
    else if (!selects(sel, w.labels)) out.push(`${id(w.d)} spec.selector: does not select its own pod template labels`);
    if (selectorKeys(sel).includes(MODEL_VERSION_LABEL)) out.push(`${id(w.d)} spec.selector: must not use ${MODEL_VERSION_LABEL} (selectors are immutable; it changes on every deploy)`);
    if (opts.environment !== 'base') {
      const v = w.labels[MODEL_VERSION_LABEL];
      if (v === undefined) out.push(`${id(w.d)} spec.template.metadata.labels: ${MODEL_VERSION_LABEL} missing (the deploy bumps it)`);
    }
    if (w.pod.automountServiceAccountToken !== false) out.push(`${id(w.d)} spec.template.spec.automountServiceAccountToken: must be false (the service never calls the Kubernetes API)`);
    for (const [i, t] of (w.pod.topologySpreadConstraints ?? []).entries()) {
      if (!selects(t.labelSelector as Selector, w.labels)) out.push(`${id(w.d)} spec.template.spec.topologySpreadConstraints[${i}].labelSelector: does not select the pods`);
    }
    if ((w.pod.containers ?? []).length === 0) out.push(`${id(w.d)} spec.template.spec.containers: none`);
    const groups = [
      ['initContainers', w.pod.initContainers ?? []],
      ['containers', w.pod.containers ?? []],
    ] as const;
    for (const [field, list] of groups) {
      for (const [index, container] of list.entries()) {
        const at = `${id(w.d)} spec.template.spec.${field}[${index}]`;
        checkContainer(w, container, at, opts, out);
        if (container === servingContainer) checkServer(w, container, at, servedPort, opts, out);
      }
    }
    if (svc && !servingContainer) out.push(`${id(w.d)}: no container serves the Service's target port, so no probe could be checked`);
  }

  // Autoscaling: it targets this Deployment, whose CPU requests it scales against.
  const hpa = hpas[0];
  let minReplicas = w?.d.spec?.replicas ?? 1;
  if (hpa) {
    const ref = hpa.spec?.scaleTargetRef;
    if (!d || ref?.kind !== 'Deployment' || ref.apiVersion !== 'apps/v1' || ref.name !== d.metadata.name) out.push(`${id(hpa)} spec.scaleTargetRef: ${JSON.stringify(ref)} is not apps/v1 Deployment ${String(d?.metadata.name)}`);
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? 0;
    if (min < 1 || min > max) out.push(`${id(hpa)} spec: minReplicas ${min} / maxReplicas ${max} must satisfy 1 ≤ min ≤ max`);
    minReplicas = min;
    if (w?.d.spec?.replicas !== undefined) out.push(`${id(w.d)} spec.replicas: set while ${id(hpa)} owns the count (every sync would reset it)`);
    for (const m of hpa.spec?.metrics ?? []) {
      const r = m.type === 'Resource' ? m.resource?.name : undefined;
      if (r && w) for (const c of w.pod.containers ?? []) if (c.resources?.requests?.[r] === undefined) out.push(`${id(hpa)} spec.metrics: scales on ${r} utilization, but container ${c.name} requests no ${r}`);
    }
  }
  if (opts.environment === 'production' && minReplicas < 2) out.push(`${hpa ? `${id(hpa)} spec.minReplicas` : `${id(d as Manifest)} spec.replicas`}: ${minReplicas}; production runs at least 2 replicas`);

  // Disruption budget: it selects these pods and lets a drain proceed.
  const pdb = pdbs[0];
  if (pdb && w) {
    const sel = pdb.spec?.selector as Selector | undefined;
    if (emptySelector(sel)) out.push(`${id(pdb)} spec.selector: empty (would cover every pod of the namespace)`);
    else if (!selects(sel, w.labels)) out.push(`${id(pdb)} spec.selector: does not select the pods of ${id(w.d)}`);
    if (selectorKeys(sel).includes(MODEL_VERSION_LABEL)) out.push(`${id(pdb)} spec.selector: must not use ${MODEL_VERSION_LABEL}`);
    const minA = pdb.spec?.minAvailable;
    const maxU = pdb.spec?.maxUnavailable;
    if ((minA === undefined) === (maxU === undefined)) out.push(`${id(pdb)} spec: set exactly one of minAvailable and maxUnavailable`);
    if (typeof minA === 'number' && minA >= minReplicas) out.push(`${id(pdb)} spec.minAvailable: ${minA} with as few as ${minReplicas} replicas blocks every node drain`);
    if (maxU === 0 || maxU === '0%') out.push(`${id(pdb)} spec.maxUnavailable: 0 blocks every node drain`);
    if (opts.environment === 'production') {
      const ok = typeof minA === 'number' ? minA >= 1 : typeof minA === 'string' && parseFloat(minA) > 0;
      if (!ok) out.push(`${id(pdb)} spec.minAvailable: ${String(minA)}; production keeps at least 1 pod available`);
    }
  }

  // The ServiceMonitor scrapes /metrics on a named port of the Service.
  for (const m of monitors) {
    const spec = (m as { spec?: { selector?: Selector; endpoints?: { port?: string; path?: string; interval?: string; scrapeTimeout?: string }[] } }).spec;
    if (svc && !selects(spec?.selector, svc.metadata.labels)) out.push(`${id(m)} spec.selector: does not select ${id(svc)} (by its labels)`);
    for (const [i, e] of (spec?.endpoints ?? []).entries()) {
      if (!svc?.spec?.ports?.some((p) => p.name === e.port)) out.push(`${id(m)} spec.endpoints[${i}].port: "${String(e.port)}" is no port name of the Service`);
      if ((e.path ?? '/metrics') !== '/metrics') out.push(`${id(m)} spec.endpoints[${i}].path: "${String(e.path)}", the service exposes /metrics`);
      const seconds = (s: string | undefined): number | undefined => {
        if (s === undefined) return undefined;
        const f: Record<string, number> = { ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
        return [...s.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)].reduce((t, x) => t + Number(x[1]) * (f[x[2] as string] as number), 0);
      };
      const iv = seconds(e.interval);
      const to = seconds(e.scrapeTimeout);
      if (iv !== undefined && to !== undefined && to > iv) out.push(`${id(m)} spec.endpoints[${i}].scrapeTimeout: ${String(e.scrapeTimeout)} exceeds the interval ${String(e.interval)}`);
    }
  }
  return out;
}

/** Schema, unknown fields and policy, for one rendered environment. */
export function checkManifests(objects: Manifest[], opts: PolicyOptions): string[] {
  const out = objects.flatMap(schemaIssues);
  try {
    out.push(...policyIssues(objects, opts));
  } catch (err) {
    out.push(`policy checks could not run on these objects: ${(err as Error).message}`);
  }
  return out;
}
