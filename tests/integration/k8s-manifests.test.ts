import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import { bumpOverlay } from '../../actions/shared/src/k8s-bump.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { checkManifests, kubectlVersion, MODEL_VERSION_LABEL, parseImage, parseQuantity, policyIssues, renderKustomize, schemaIssues } from '../helpers/k8s-manifests.js';
import type { Manifest, PolicyOptions } from '../helpers/k8s-manifests.js';

/**
 * deploy/k8s: the base and both overlays are rendered with `kubectl kustomize` (as CI and
 * Argo CD / Flux do), every rendered object is validated offline against kubernetes-models,
 * and our own checks cover what schema validation lets through: unknown fields (typos),
 * images, probes, ports, security context, resources, selectors, autoscaling, the
 * disruption budget and the service's own configuration. A deliberately broken overlay
 * and a table of single mistakes show that each check fires.
 */

const K8S = join(REPO_ROOT, 'deploy/k8s');
const ENVIRONMENTS: { name: string; dir: string; opts: PolicyOptions }[] = [
  { name: 'base', dir: 'base', opts: { environment: 'base' } },
  { name: 'staging', dir: 'overlays/staging', opts: { environment: 'staging', namespace: 'gitops-ml-staging', registry: true } },
  { name: 'production', dir: 'overlays/production', opts: { environment: 'production', namespace: 'gitops-ml-production', registry: true } },
];

const rendered = new Map<string, Manifest[]>();
const find = <T>(objects: Manifest[], kind: string): T & Manifest => {
  const o = objects.find((x) => x.kind === kind);
  if (!o) throw new Error(`no ${kind} rendered`);
  return o as T & Manifest;
};
const deploymentOf = (objects: Manifest[]) => find<IDeployment>(objects, 'Deployment');
const serverOf = (objects: Manifest[]): IContainer => {
  const c = deploymentOf(objects).spec?.template?.spec?.containers?.[0];
  if (!c) throw new Error('no container');
  return c;
};
const hpaOf = (objects: Manifest[]) => find<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');

beforeAll(() => {
  const version = kubectlVersion();
  if (!version) {
    throw new Error('kubectl not found on PATH: these tests render deploy/k8s with `kubectl kustomize` (kubectl 1.27+, which bundles Kustomize v5). CI has it; install kubectl to run them locally.');
  }
  for (const e of ENVIRONMENTS) rendered.set(e.name, renderKustomize(join(K8S, e.dir)));
});

describe.each(ENVIRONMENTS)('deploy/k8s/$dir', ({ name, opts }) => {
  const objects = (): Manifest[] => rendered.get(name) as Manifest[];

  it('renders the service, its identity, autoscaler and disruption budget (and the ServiceMonitor in production only)', () => {
    const kinds = objects()
      .map((o) => `${o.apiVersion} ${o.kind}`)
      .sort();
    expect(kinds).toEqual(
      [
        'v1 ServiceAccount',
        'v1 Service',
        'apps/v1 Deployment',
        'autoscaling/v2 HorizontalPodAutoscaler',
        'policy/v1 PodDisruptionBudget',
        ...(name === 'production' ? ['monitoring.coreos.com/v1 ServiceMonitor'] : []),
      ].sort(),
    );
  });

  it('every object validates against its kubernetes-models schema, with no unknown field', () => {
    expect(objects().flatMap(schemaIssues)).toEqual([]);
  });

  it('passes every policy check (images, probes, ports, security, resources, selectors, autoscaling, budget, config)', () => {
    expect(policyIssues(objects(), opts)).toEqual([]);
  });
});

describe('what the environments differ in', () => {
  const staging = (): Manifest[] => rendered.get('staging') as Manifest[];
  const production = (): Manifest[] => rendered.get('production') as Manifest[];

  it('production: more replicas (HPA-owned), a larger ceiling, a PDB that keeps pods available, bigger pods', () => {
    expect(deploymentOf(production()).spec?.replicas).toBeUndefined();
    expect(hpaOf(production()).spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpaOf(production()).spec?.maxReplicas).toBeGreaterThan(hpaOf(staging()).spec?.maxReplicas as number);
    expect(find<IPodDisruptionBudget>(production(), 'PodDisruptionBudget').spec?.minAvailable).toBeGreaterThanOrEqual(1);
    for (const kind of ['requests', 'limits'] as const) {
      for (const r of ['cpu', 'memory']) {
        expect(parseQuantity(serverOf(production()).resources?.[kind]?.[r])).toBeGreaterThanOrEqual(parseQuantity(serverOf(staging()).resources?.[kind]?.[r]) as number);
      }
    }
    expect(parseQuantity(serverOf(production()).resources?.requests?.cpu)).toBeGreaterThan(parseQuantity(serverOf(staging()).resources?.requests?.cpu) as number);
  });

  it('staging: one pod, and a budget that never blocks a drain of it', () => {
    expect(hpaOf(staging()).spec?.minReplicas).toBe(1);
    expect(find<IPodDisruptionBudget>(staging(), 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1 });
    expect(find<IPodDisruptionBudget>(staging(), 'PodDisruptionBudget').spec?.minAvailable).toBeUndefined();
  });

  it('both run the registry image the overlay pins, and label pods with the model version outside every selector', () => {
    for (const objects of [staging(), production()]) {
      expect(parseImage(serverOf(objects).image as string)).toEqual({ name: 'ghcr.io/owner/gitops-ml', tag: 'sentiment-0.1.0' });
      const d = deploymentOf(objects);
      expect(d.spec?.template?.metadata?.labels?.[MODEL_VERSION_LABEL]).toBe('0.1.0');
      expect(Object.keys(d.spec?.selector?.matchLabels ?? {})).not.toContain(MODEL_VERSION_LABEL);
      expect(Object.keys(find<IService>(objects, 'Service').spec?.selector ?? {})).not.toContain(MODEL_VERSION_LABEL);
    }
  });
});

describe('the GitOps bump renders', () => {
  it.each(['staging', 'production'])('%s: bumpOverlay output builds with kustomize, runs the new image and carries the new version', (env) => {
    const tree = mkdtempSync(join(tmpdir(), 'k8s-bump-'));
    cpSync(K8S, tree, { recursive: true });
    const file = join(tree, 'overlays', env, 'kustomization.yaml');
    const digest = `sha256:${'c'.repeat(64)}`;
    writeFileSync(file, bumpOverlay(readFileSync(file, 'utf8'), { image: 'registry.example.com/acme/gitops-ml', tag: 'sentiment-2.3.4', modelVersion: '2.3.4' }));
    let objects = renderKustomize(join(tree, 'overlays', env));
    expect(serverOf(objects).image).toBe('registry.example.com/acme/gitops-ml:sentiment-2.3.4');
    expect(deploymentOf(objects).spec?.template?.metadata?.labels?.[MODEL_VERSION_LABEL]).toBe('2.3.4');
    expect(checkManifests(objects, ENVIRONMENTS.find((e) => e.name === env)?.opts as PolicyOptions)).toEqual([]);
    // Pinned by digest instead: kustomize writes image@digest.
    writeFileSync(file, bumpOverlay(readFileSync(file, 'utf8'), { image: 'registry.example.com/acme/gitops-ml', tag: digest, modelVersion: '2.3.5' }));
    objects = renderKustomize(join(tree, 'overlays', env));
    expect(serverOf(objects).image).toBe(`registry.example.com/acme/gitops-ml@${digest}`);
    expect(checkManifests(objects, ENVIRONMENTS.find((e) => e.name === env)?.opts as PolicyOptions)).toEqual([]);
  });
});

describe('the checks catch mistakes', () => {
  it('the deliberately broken overlay (tests/fixtures/k8s/broken): every planted mistake is reported', () => {
    const objects = renderKustomize(join(REPO_ROOT, 'tests/fixtures/k8s/broken'));
    const issues = checkManifests(objects, { environment: 'production', namespace: 'gitops-ml-broken', registry: true });
    const container = 'Deployment/gitops-ml spec.template.spec.containers[0]';
    expect(issues).toEqual(
      expect.arrayContaining([
        // Unknown fields, which kubernetes-models' validation lets through.
        `${container}.readinesProbe: unknown field "readinesProbe"`,
        'HorizontalPodAutoscaler/gitops-ml spec.targetCPUUtilizationPercentage: unknown field "targetCPUUtilizationPercentage"',
        // A schema error kubernetes-models reports.
        expect.stringMatching(/^Deployment\/gitops-ml spec\.template\.spec\.terminationGracePeriodSeconds: must be integer/),
        // Policy.
        `${container}.readinessProbe: missing (the service answers /readyz)`,
        `${container}.livenessProbe.httpGet.path: "/health", the service answers /healthz`,
        `${container}.image: "ghcr.io/owner/gitops-ml:latest" uses latest, which names no version`,
        `${container}.securityContext.allowPrivilegeEscalation: must be false`,
        expect.stringMatching(/^Service\/gitops-ml spec\.selector: .* does not select the pods of Deployment\/gitops-ml/),
        expect.stringMatching(/^HorizontalPodAutoscaler\/gitops-ml spec\.scaleTargetRef: .*"name":"gitops-ml-api".* is not apps\/v1 Deployment gitops-ml/),
      ]),
    );
    // And only what was planted (plus its direct consequences), nothing spurious.
    expect(issues).toHaveLength(9);
  });

  describe('unknown fields at any depth, on every kind (typos kubernetes-models accepts)', () => {
    type Mutate = (o: Manifest[]) => void;
    const cases: [string, Mutate, string][] = [
      ['a top-level typo', (o) => Object.assign(deploymentOf(o), { spce: {} }), 'Deployment/gitops-ml spce: unknown field "spce"'],
      ['a metadata typo', (o) => Object.assign(deploymentOf(o).metadata, { lables: {} }), 'Deployment/gitops-ml metadata.lables: unknown field "lables"'],
      ['spec.replica', (o) => Object.assign(deploymentOf(o).spec as object, { replica: 3 }), 'Deployment/gitops-ml spec.replica: unknown field "replica"'],
      ['a probe typo', (o) => Object.assign(serverOf(o), { readinesProbe: {} }), 'Deployment/gitops-ml spec.template.spec.containers[0].readinesProbe: unknown field "readinesProbe"'],
      ['deep in a probe', (o) => Object.assign(serverOf(o).livenessProbe?.httpGet as object, { paht: '/x' }), 'Deployment/gitops-ml spec.template.spec.containers[0].livenessProbe.httpGet.paht: unknown field "paht"'],
      ['a security context typo', (o) => Object.assign(serverOf(o).securityContext as object, { readOnlyRootFileSystem: true }), 'Deployment/gitops-ml spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: unknown field "readOnlyRootFileSystem"'],
      ['an env entry typo', (o) => serverOf(o).env?.push({ name: 'X', valu: '1' } as never), 'Deployment/gitops-ml spec.template.spec.containers[0].env[7].valu: unknown field "valu"'],
      ['a Service typo', (o) => Object.assign(find<IService>(o, 'Service').spec as object, { selecter: {} }), 'Service/gitops-ml spec.selecter: unknown field "selecter"'],
      ['a PDB typo', (o) => Object.assign(find<IPodDisruptionBudget>(o, 'PodDisruptionBudget').spec as object, { minAvailabe: 1 }), 'PodDisruptionBudget/gitops-ml spec.minAvailabe: unknown field "minAvailabe"'],
      ['an HPA typo', (o) => Object.assign(hpaOf(o).spec as object, { minReplica: 1 }), 'HorizontalPodAutoscaler/gitops-ml spec.minReplica: unknown field "minReplica"'],
      ['a ServiceAccount typo', (o) => Object.assign(find<Manifest>(o, 'ServiceAccount'), { automountServiceAccountTokens: false }), 'ServiceAccount/gitops-ml automountServiceAccountTokens: unknown field "automountServiceAccountTokens"'],
      ['a ServiceMonitor typo (hand-written shape)', (o) => Object.assign((find<{ spec: { endpoints: object[] } }>(o, 'ServiceMonitor').spec.endpoints[0] as object), { intervall: '30s' }), 'ServiceMonitor/gitops-ml spec.endpoints[0].intervall: unknown field "intervall"'],
    ];
    it.each(cases)('%s', (_what, mutate, expected) => {
      const objects = structuredClone(rendered.get('production') as Manifest[]);
      mutate(objects);
      expect(objects.flatMap(schemaIssues)).toEqual([expected]);
    });

    it('free-form maps (labels, annotations, resources) are not "unknown"', () => {
      const objects = structuredClone(rendered.get('production') as Manifest[]);
      Object.assign(deploymentOf(objects).metadata, { annotations: { 'example.com/anything': 'x' } });
      Object.assign(serverOf(objects).resources?.limits as object, { 'ephemeral-storage': '1Gi' });
      expect(objects.flatMap(schemaIssues)).toEqual([]);
    });

    it('schema errors are reported with their path; an unknown kind is refused', () => {
      const objects = structuredClone(rendered.get('production') as Manifest[]);
      Object.assign(deploymentOf(objects).spec as object, { replicas: 'three' });
      Object.assign(serverOf(objects).readinessProbe as object, { periodSeconds: '5' });
      expect(objects.flatMap(schemaIssues)).toEqual([
        'Deployment/gitops-ml spec.replicas: must be integer',
        'Deployment/gitops-ml spec.template.spec.containers[0].readinessProbe.periodSeconds: must be integer',
      ]);
      expect(schemaIssues({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingres', metadata: { name: 'x' } })).toEqual([expect.stringMatching(/^Ingres\/x: no schema for apiVersion networking\.k8s\.io\/v1 kind Ingres/)]);
      expect(schemaIssues({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'm' }, spec: { selector: {}, endpoints: [{ port: 'http', interval: 'often' }] } })).toEqual(['ServiceMonitor/m spec.endpoints[0].interval: "often" is not a Prometheus duration (30s, 1m30s)']);
    });
  });

  describe('each policy check fires on its mistake (one change to the production render)', () => {
    type Env = { name: string; value?: string };
    const setEnv = (c: IContainer, name: string, value: string | undefined): void => {
      const env = (c.env ?? []) as Env[];
      const i = env.findIndex((e) => e.name === name);
      if (value === undefined) env.splice(i, 1);
      else if (i >= 0) (env[i] as Env).value = value;
      else env.push({ name, value });
    };
    const dep = (o: Manifest[]) => deploymentOf(o);
    const pod = (o: Manifest[]) => dep(o).spec?.template?.spec as NonNullable<NonNullable<NonNullable<IDeployment['spec']>['template']>['spec']>;
    const svc = (o: Manifest[]) => find<IService>(o, 'Service');
    const pdb = (o: Manifest[]) => find<IPodDisruptionBudget>(o, 'PodDisruptionBudget');
    const monitor = (o: Manifest[]) => find<{ spec: { endpoints: { port: string; path: string; scrapeTimeout: string }[]; selector: { matchLabels: Record<string, string> } } }>(o, 'ServiceMonitor');
    const cases: [string, (o: Manifest[]) => void, RegExp][] = [
      // Images.
      ['no image', (o) => delete serverOf(o).image, /containers\[0\]\.image: missing/],
      ['an image without tag', (o) => (serverOf(o).image = 'ghcr.io/owner/gitops-ml'), /has no tag or digest/],
      ['the latest tag', (o) => (serverOf(o).image = 'ghcr.io/owner/gitops-ml:latest'), /uses latest/],
      ['the base image name left unmapped', (o) => (serverOf(o).image = 'gitops-ml:sentiment-0.1.0'), /is not from a registry \(does the overlay's images: name match/],
      // Probes and ports.
      ['readiness on /healthz', (o) => (serverOf(o).readinessProbe = { httpGet: { path: '/healthz', port: 'http' } }), /readinessProbe\.httpGet\.path: "\/healthz", the service answers \/readyz/],
      ['liveness on /readyz', (o) => (serverOf(o).livenessProbe = { httpGet: { path: '/readyz', port: 'http' } }), /livenessProbe\.httpGet\.path: "\/readyz", the service answers \/healthz/],
      ['a startup probe on /metrics', (o) => (serverOf(o).startupProbe = { httpGet: { path: '/metrics', port: 'http' } }), /startupProbe\.httpGet\.path: "\/metrics"/],
      ['no liveness probe', (o) => delete serverOf(o).livenessProbe, /livenessProbe: missing/],
      ['a TCP readiness probe', (o) => (serverOf(o).readinessProbe = { tcpSocket: { port: 'http' } }), /readinessProbe: must be an httpGet probe on \/readyz/],
      ['liveness on another port number', (o) => (serverOf(o).livenessProbe = { httpGet: { path: '/healthz', port: 9090 } }), /livenessProbe\.httpGet\.port: 9090 \(9090\) is not the port the Service sends traffic to \(8080\)/],
      ['readiness on an undeclared port name', (o) => (serverOf(o).readinessProbe = { httpGet: { path: '/readyz', port: 'metrics' } }), /readinessProbe\.httpGet\.port: "metrics" is no port of the container/],
      ['a numeric Service targetPort', (o) => ((svc(o).spec?.ports?.[0] as { targetPort: unknown }).targetPort = 8080), /targetPort: 8080; name the container port instead/],
      ['a Service targetPort no container declares', (o) => ((svc(o).spec?.ports?.[0] as { targetPort: unknown }).targetPort = 'web'), /targetPort: "web" is no port of any container/],
      ['PORT differs from the container port', (o) => setEnv(serverOf(o), 'PORT', '9000'), /env\.PORT: the service listens on 9000, the Service sends traffic to 8080/],
      // Security context.
      ['root', (o) => (serverOf(o).securityContext = { ...serverOf(o).securityContext, runAsUser: 0 }), /securityContext\.runAsUser: 0, must be 10001/],
      ['runAsNonRoot false', (o) => (serverOf(o).securityContext = { ...serverOf(o).securityContext, runAsNonRoot: false }), /securityContext\.runAsNonRoot: must be true/],
      ['a writable root filesystem', (o) => (serverOf(o).securityContext = { ...serverOf(o).securityContext, readOnlyRootFilesystem: false }), /readOnlyRootFilesystem: must be true/],
      ['privilege escalation', (o) => (serverOf(o).securityContext = { ...serverOf(o).securityContext, allowPrivilegeEscalation: true }), /allowPrivilegeEscalation: must be false/],
      ['capabilities kept', (o) => (serverOf(o).securityContext = { ...serverOf(o).securityContext, capabilities: { drop: ['NET_RAW'] } }), /capabilities\.drop: must include ALL/],
      ['a capability added', (o) => (serverOf(o).securityContext = { ...serverOf(o).securityContext, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }), /capabilities\.add: must be empty/],
      ['no /tmp volume', (o) => (serverOf(o).volumeMounts = []), /volumeMounts: \/tmp must be mounted/],
      ['/tmp on a missing volume', (o) => (pod(o).volumes = []), /volumeMounts: "tmp" is no volume of the pod/],
      ['a service account token', (o) => (pod(o).automountServiceAccountToken = true), /automountServiceAccountToken: must be false/],
      // Resources.
      ['no memory limit', (o) => delete serverOf(o).resources?.limits?.memory, /resources\.limits\.memory: missing/],
      ['no CPU request (also what the HPA scales on)', (o) => delete serverOf(o).resources?.requests?.cpu, /resources\.requests\.cpu: missing/],
      ['a request above its limit', (o) => ((serverOf(o).resources?.requests as Record<string, string>).memory = '2Gi'), /memory request 2Gi exceeds its limit 1Gi/],
      ['a malformed quantity', (o) => ((serverOf(o).resources?.limits as Record<string, string>).cpu = 'two'), /resources\.limits\.cpu: "two" is not a quantity/],
      // The service's configuration and shutdown.
      ['a value the service refuses', (o) => setEnv(serverOf(o), 'MAX_BATCH_SIZE', 'lots'), /env: the service would refuse to start: .*MAX_BATCH_SIZE="lots"/],
      ['listening on loopback', (o) => setEnv(serverOf(o), 'HOST', '127.0.0.1'), /env\.HOST: 127\.0\.0\.1 is unreachable/],
      ['no MODEL_DIR', (o) => setEnv(serverOf(o), 'MODEL_DIR', undefined), /env\.MODEL_DIR: undefined, the image has the model at \/app\/model/],
      ['a variable set twice', (o) => serverOf(o).env?.push({ name: 'LOG_LEVEL', value: 'debug' }), /env: LOG_LEVEL is set twice/],
      ['a grace period shorter than the drain', (o) => (pod(o).terminationGracePeriodSeconds = 20), /preStop \(5 s\) \+ SHUTDOWN_GRACE_MS \(20 s\) must end before terminationGracePeriodSeconds \(20 s\)/],
      // Selectors.
      ['a Service selecting other pods', (o) => (svc(o).spec = { ...svc(o).spec, selector: { 'app.kubernetes.io/name': 'other' } }), /^Service\/gitops-ml spec\.selector: .* does not select the pods/],
      ['a PDB selecting other pods', (o) => (pdb(o).spec = { ...pdb(o).spec, selector: { matchLabels: { app: 'other' } } }), /^PodDisruptionBudget\/gitops-ml spec\.selector: does not select the pods/],
      ['a PDB with an empty selector', (o) => (pdb(o).spec = { ...pdb(o).spec, selector: {} }), /^PodDisruptionBudget\/gitops-ml spec\.selector: empty/],
      ['the model version in the Deployment selector', (o) => (dep(o).spec?.selector?.matchLabels as Record<string, string>)[MODEL_VERSION_LABEL] = '0.1.0', /^Deployment\/gitops-ml spec\.selector: must not use gitops-ml\/model-version/],
      ['no model-version label on the pods', (o) => delete (dep(o).spec?.template?.metadata?.labels as Record<string, string>)[MODEL_VERSION_LABEL], /labels: gitops-ml\/model-version missing/],
      ['a topology spread selecting nothing', (o) => ((pod(o).topologySpreadConstraints?.[0] as { labelSelector: unknown }).labelSelector = { matchLabels: { app: 'x' } }), /topologySpreadConstraints\[0\]\.labelSelector: does not select the pods/],
      // Autoscaling and the disruption budget.
      ['an HPA targeting another Deployment', (o) => ((hpaOf(o).spec?.scaleTargetRef as { name: string }).name = 'gitops-ml-v2'), /^HorizontalPodAutoscaler\/gitops-ml spec\.scaleTargetRef: .* is not apps\/v1 Deployment gitops-ml/],
      ['one production replica', (o) => ((hpaOf(o).spec as { minReplicas: number }).minReplicas = 1), /spec\.minReplicas: 1; production runs at least 2 replicas/],
      ['min above max', (o) => ((hpaOf(o).spec as { maxReplicas: number }).maxReplicas = 2), /minReplicas 3 \/ maxReplicas 2 must satisfy/],
      ['replicas fighting the HPA', (o) => ((dep(o).spec as { replicas: number }).replicas = 3), /spec\.replicas: set while HorizontalPodAutoscaler\/gitops-ml owns the count/],
      ['a production PDB that keeps nothing', (o) => (pdb(o).spec = { ...pdb(o).spec, minAvailable: 0 }), /spec\.minAvailable: 0; production keeps at least 1 pod available/],
      ['a PDB that blocks every drain', (o) => (pdb(o).spec = { ...pdb(o).spec, minAvailable: 3 }), /spec\.minAvailable: 3 with as few as 3 replicas blocks every node drain/],
      ['a PDB with both bounds', (o) => (pdb(o).spec = { ...pdb(o).spec, maxUnavailable: 1 }), /set exactly one of minAvailable and maxUnavailable/],
      // Monitoring, names, namespaces.
      ['a ServiceMonitor on an unnamed port', (o) => (monitor(o).spec.endpoints[0] = { ...monitor(o).spec.endpoints[0], port: 'metrics' } as never), /spec\.endpoints\[0\]\.port: "metrics" is no port name of the Service/],
      ['a ServiceMonitor on the wrong path', (o) => (monitor(o).spec.endpoints[0] = { ...monitor(o).spec.endpoints[0], path: '/metric' } as never), /spec\.endpoints\[0\]\.path: "\/metric"/],
      ['a scrape timeout above the interval', (o) => (monitor(o).spec.endpoints[0] = { ...monitor(o).spec.endpoints[0], scrapeTimeout: '1m' } as never), /scrapeTimeout: 1m exceeds the interval 30s/],
      ['a ServiceMonitor selecting another Service', (o) => (monitor(o).spec.selector = { matchLabels: { app: 'x' } }), /^ServiceMonitor\/gitops-ml spec\.selector: does not select Service\/gitops-ml/],
      ['an object in another namespace', (o) => (svc(o).metadata.namespace = 'default'), /^Service\/gitops-ml metadata\.namespace: default, expected gitops-ml-production/],
      ['a second Deployment', (o) => o.push(structuredClone(dep(o))), /Deployment: expected exactly one, found 2/],
    ];

    it('the production render itself has no issue (the baseline of the table)', () => {
      expect(checkManifests(structuredClone(rendered.get('production') as Manifest[]), ENVIRONMENTS[2]?.opts as PolicyOptions)).toEqual([]);
    });

    it.each(cases)('%s', (_what, mutate, expected) => {
      const objects = structuredClone(rendered.get('production') as Manifest[]);
      mutate(objects);
      const issues = checkManifests(objects, ENVIRONMENTS[2]?.opts as PolicyOptions);
      expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    });

    it('a digest instead of a tag is fine', () => {
      const objects = structuredClone(rendered.get('production') as Manifest[]);
      serverOf(objects).image = `ghcr.io/owner/gitops-ml@sha256:${'a'.repeat(64)}`;
      expect(checkManifests(objects, ENVIRONMENTS[2]?.opts as PolicyOptions)).toEqual([]);
    });
  });
});
