/**
 * The container and monitoring configuration, checked without a container engine:
 * the Dockerfile (parsed with dockerfile-ast, validated with dockerfile-utils — the
 * parser and linter of the Dockerfile language server — plus this project's rules),
 * .dockerignore, docker-compose.yml, and the Prometheus config and alert rules
 * (`promtool check` and `promtool test rules` where promtool is installed, as in CI, and
 * the metric names and routes the alerts use against what the service really exports).
 * .ci/container-test.sh builds and runs the image for real.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import dockerfileAst from 'dockerfile-ast';
import dockerfileUtils from 'dockerfile-utils';
import YAML from 'yaml';
import { buildApp } from '../../service/app.js';
import { loadConfig } from '../../service/config.js';
import { ServiceMetrics } from '../../service/metrics.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { testConfig } from '../helpers/service-config.js';

const { DockerfileParser } = dockerfileAst;
const { validate, ValidationSeverity } = dockerfileUtils;
type Dockerfile = ReturnType<typeof DockerfileParser.parse>;

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const DOCKERFILE = read('Dockerfile');
const dockerfile = DockerfileParser.parse(DOCKERFILE);
const PROM_DIR = join(REPO_ROOT, 'deploy/prometheus');

/** `${NAME}` / `$NAME` in a FROM line, from the global ARG defaults (what `docker build` uses without --build-arg). */
function resolveGlobalArgs(df: Dockerfile, text: string): string {
  const defaults = new Map(df.getInitialARGs().flatMap((a) => (a.getProperty() ? [[a.getProperty()!.getName(), a.getProperty()!.getValue() ?? '']] : [])));
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_whole, a: string | undefined, b: string | undefined) => defaults.get((a ?? b) as string) ?? '');
}

/** name[:tag][@digest] of an image reference (a registry port is not a tag). */
function parseImageRef(ref: string): { name: string; tag?: string; digest?: string } {
  const [nameTag, digest] = ref.split('@') as [string, string | undefined];
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  if (colon > slash) return { name: nameTag.slice(0, colon), tag: nameTag.slice(colon + 1), ...(digest ? { digest } : {}) };
  return { name: nameTag, ...(digest ? { digest } : {}) };
}

/** The base images (FROMs that are not an earlier stage), with global ARGs resolved. */
function baseImages(df: Dockerfile): { line: number; ref: string }[] {
  const stageNames = new Set<string>();
  const out: { line: number; ref: string }[] = [];
  for (const from of df.getFROMs()) {
    const image = from.getImage() ?? '';
    if (!stageNames.has(image)) out.push({ line: from.getRange().start.line + 1, ref: resolveGlobalArgs(df, image) });
    if (from.getBuildStage()) stageNames.add(from.getBuildStage()!);
  }
  return out;
}

/** The instructions of the last stage (what the image runs). */
function finalStage(df: Dockerfile) {
  const lastFrom = df.getFROMs().at(-1)?.getRange().start.line ?? -1;
  return df.getInstructions().filter((i) => i.getRange().start.line > lastFrom);
}

/**
 * The Dockerfile rules that matter here, as findings (empty = clean): the dockerfile-utils
 * validator with every rule as an error (syntax, arguments, flags, casing, relative
 * WORKDIR, duplicate stages…), then what hadolint would say about pinning, users and
 * installs: an explicit base tag or digest and never `latest` (DL3006/DL3007), a non-root
 * USER in the final stage (DL3002), a HEALTHCHECK, COPY rather than ADD (DL3020, and ADD
 * fetches URLs), `npm ci` rather than `npm install` (reproducible from the lockfile), and
 * ENTRYPOINT/CMD in exec form (DL3025: no shell as PID 1 to swallow SIGTERM).
 */
function lintDockerfile(text: string): string[] {
  const df = DockerfileParser.parse(text);
  const asError = Object.fromEntries(
    ['deprecatedMaintainer', 'directiveCasing', 'emptyContinuationLine', 'instructionCasing', 'instructionCmdMultiple', 'instructionEntrypointMultiple', 'instructionHealthcheckMultiple', 'instructionJSONInSingleQuotes', 'instructionWorkdirRelative'].map((k) => [k, ValidationSeverity.ERROR]),
  );
  const findings = validate(text, asError).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  const bases = baseImages(df);
  for (const { line, ref } of bases) {
    const { tag, digest } = parseImageRef(ref);
    if (!ref) findings.push(`line ${line}: FROM: the image is empty (an ARG without a default?)`);
    else if (!tag && !digest) findings.push(`line ${line}: FROM ${ref}: pin a tag or a digest`);
    else if (tag === 'latest') findings.push(`line ${line}: FROM ${ref}: never latest`);
  }
  if (df.getFROMs().length < 2) findings.push('single stage: build in one stage, run in a slim one');
  const final = finalStage(df);
  const user = final.filter((i) => i.getKeyword() === 'USER').at(-1)?.getArgumentsContent();
  if (!user) findings.push('final stage: no USER, it runs as root');
  else if (user.split(':').some((id) => id === 'root' || id === '0')) findings.push(`final stage: USER ${user} is root`);
  const health = final.filter((i) => i.getKeyword() === 'HEALTHCHECK').at(-1)?.getArgumentsContent();
  if (!health || /^NONE\b/i.test(health)) findings.push('final stage: no HEALTHCHECK');
  for (const i of df.getInstructions()) {
    const line = i.getRange().start.line + 1;
    const args = i.getArgumentsContent() ?? '';
    if (i.getKeyword() === 'ADD') findings.push(`line ${line}: ADD ${args}: use COPY (ADD fetches URLs and unpacks archives)`);
    if (i.getKeyword() === 'RUN' && /\bnpm\s+(install|i|add|update)\b/.test(args)) findings.push(`line ${line}: npm install: use npm ci (the lockfile, exactly)`);
    if ((i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT') && !args.trim().startsWith('[')) findings.push(`line ${line}: ${i.getKeyword()} in shell form: use the exec form (JSON), so SIGTERM reaches the process`);
  }
  return findings;
}

describe('Dockerfile', () => {
  it('passes the lint: dockerfile-utils validation and the pinning, user, healthcheck and install rules', () => {
    expect(lintDockerfile(DOCKERFILE)).toEqual([]);
  });

  it('the lint catches each rule (it does not pass everything)', () => {
    const bad = ['FROM node:latest', 'ADD https://example.com/app.tgz /app', 'WORKDIR app', 'RUN npm install', 'COPY onlyone', 'CMD node server.js', ''].join('\n');
    expect(lintDockerfile(bad)).toEqual([
      'line 3: WORKDIR paths should be absolute',
      'line 5: COPY requires at least two arguments',
      'line 1: FROM node:latest: never latest',
      'single stage: build in one stage, run in a slim one',
      'final stage: no USER, it runs as root',
      'final stage: no HEALTHCHECK',
      'line 2: ADD https://example.com/app.tgz /app: use COPY (ADD fetches URLs and unpacks archives)',
      'line 4: npm install: use npm ci (the lockfile, exactly)',
      'line 6: CMD in shell form: use the exec form (JSON), so SIGTERM reaches the process',
    ]);
    const unpinned = ['ARG BASE', 'FROM node AS build', 'FROM ${BASE}', 'USER 0:0', 'HEALTHCHECK NONE', 'CMD ["node"]', ''].join('\n');
    expect(lintDockerfile(unpinned)).toEqual([
      'line 2: FROM node: pin a tag or a digest',
      'line 3: FROM: the image is empty (an ARG without a default?)',
      'final stage: USER 0:0 is root',
      'final stage: no HEALTHCHECK',
    ]);
  });

  it('builds from the official node:24 slim image (the Node.js LTS the project targets)', () => {
    const bases = baseImages(dockerfile).map((b) => b.ref);
    expect(bases.length).toBeGreaterThanOrEqual(2); // build and runtime
    for (const b of bases) expect(b).toMatch(/^node:24(\.\d+){0,2}-(bookworm|bullseye|trixie)-slim(@sha256:[0-9a-f]{64})?$/);
    expect(JSON.parse(read('package.json')).engines.node).toMatch(/(\^|>=)24\./);
  });

  it('runs the final stage as a numeric non-root user, with HEALTHCHECK on /healthz and node as PID 1', () => {
    const final = finalStage(dockerfile);
    const keyword = (k: string) => final.filter((i) => i.getKeyword() === k);
    const user = keyword('USER').at(-1)!.getArgumentsContent()!;
    // Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
    expect(user).toMatch(/^\d+(:\d+)?$/);
    for (const id of user.split(':')) expect(Number(id)).toBeGreaterThan(0);
    // Nothing is installed or changed in the runtime stage: no RUN at all.
    expect(keyword('RUN')).toEqual([]);
    expect(keyword('HEALTHCHECK')).toHaveLength(1);
    expect(keyword('HEALTHCHECK')[0]!.getArgumentsContent()).toMatch(/CMD \["node", "-e", ".*\/healthz/);
    // Exec form: node is PID 1 and receives SIGTERM itself (the server drains and exits 0).
    expect(JSON.parse(keyword('ENTRYPOINT').at(-1)!.getArgumentsContent()!)).toEqual(['node']);
    expect(JSON.parse(keyword('CMD').at(-1)!.getArgumentsContent()!)).toEqual(['dist/service/server.js']);
    expect(keyword('STOPSIGNAL').map((s) => s.getArgumentsContent())).toEqual(['SIGTERM']);
  });

  it('serves the baked model from MODEL_DIR on the default port, listening on all interfaces', () => {
    const final = finalStage(dockerfile);
    const finalFrom = dockerfile.getFROMs().at(-1)!.getRange().start.line;
    const env = new Map(
      dockerfile
        .getENVs()
        .filter((e) => e.getRange().start.line > finalFrom)
        .flatMap((e) => e.getProperties().map((p) => [p.getName(), p.getValue() ?? ''] as const)),
    );
    expect(env.get('MODEL_DIR')).toBe('/app/model');
    expect(env.get('NODE_ENV')).toBe('production');
    expect(env.get('HOST')).toBe('0.0.0.0');
    const port = loadConfig({ PORT: env.get('PORT') }).port;
    expect(port).toBe(loadConfig({}).port);
    const exposed = final.filter((i) => i.getKeyword() === 'EXPOSE').map((i) => i.getArgumentsContent());
    expect(exposed).toEqual([String(port)]);
    // The model and the code come from the build stage; from the context only package.json (for "type": "module").
    const copies = dockerfile
      .getCOPYs()
      .filter((c) => c.getRange().start.line > finalFrom)
      .map((c) => `${c.getFromFlag() ? `--from=${c.getFromFlag()!.getValue() ?? ''} ` : ''}${c.getArguments().map((a) => a.getValue()).join(' ')}`);
    expect(copies).toEqual(['package.json ./', '--from=build /app/node_modules ./node_modules', '--from=build /app/dist ./dist', '--from=build /baked-model ./model']);
  });

  it('installs from the lockfile before copying the sources (the npm ci layer stays cached)', () => {
    const lines = DOCKERFILE.split('\n');
    const lock = lines.findIndex((l) => l.startsWith('COPY package.json package-lock.json'));
    const ci = lines.findIndex((l) => /\bnpm ci\b/.test(l));
    const sources = lines.findIndex((l) => l.startsWith('COPY service/'));
    expect(lock).toBeGreaterThan(-1);
    expect(lock).toBeLessThan(ci);
    expect(ci).toBeLessThan(sources);
    // Production dependencies only in the image.
    expect(DOCKERFILE).toMatch(/npm prune --omit=dev/);
  });

  it('.dockerignore lets in only what the build copies: an allow-list without .git, node_modules, dist or .env', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(patterns[0]).toBe('*');
    const allowed = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/\/$/, ''));
    for (const secret of ['.git', '.env', 'node_modules', 'dist', 'reports', 'tests', '.cache']) expect(allowed).not.toContain(secret);
    expect(patterns).toContain('**/node_modules/');
    // Every context source the Dockerfile copies is let in (else the build fails far from the cause).
    const sources = dockerfile
      .getCOPYs()
      .filter((c) => !c.getFromFlag())
      .flatMap((c) => c.getArguments().slice(0, -1).map((a) => a.getValue()));
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) {
      const top = src.replace(/\/$/, '').split('/')[0]!;
      expect(allowed).toContain(top);
      expect(existsSync(join(REPO_ROOT, src))).toBe(true);
    }
  });
});

interface ComposeService {
  build?: { context: string; args?: Record<string, string> };
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period: string };
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  stop_grace_period?: string;
  command?: string[];
  volumes?: string[];
  depends_on?: string[];
  privileged?: boolean;
}

const compose = YAML.parse(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
const promConfig = YAML.parse(readFileSync(join(PROM_DIR, 'prometheus.yml'), 'utf8')) as {
  global: { scrape_interval: string };
  rule_files: string[];
  scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
};
const alertsFile = YAML.parse(readFileSync(join(PROM_DIR, 'alerts.yml'), 'utf8')) as { groups: { name: string; rules: { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] };
const alerts = alertsFile.groups.flatMap((g) => g.rules);
const seconds = (d: string): number => {
  const m = /^(\d+)(ms|s|m)$/.exec(d);
  if (!m) throw new Error(`duration ${d}`);
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[m[2]!]!;
};

describe('docker-compose.yml', () => {
  const svc = compose.services['gitops-ml']!;
  const prom = compose.services.prometheus!;

  it('builds the service from this Dockerfile and runs it locked down', () => {
    expect(svc.build?.context).toBe('.');
    expect(Object.keys(svc.build?.args ?? {})).toEqual(expect.arrayContaining(['MODEL_NAME', 'MODEL_VERSION']));
    expect(svc.image).toBeDefined();
    expect(svc.read_only).toBe(true);
    expect(svc.cap_drop).toEqual(['ALL']);
    expect(svc.security_opt).toContain('no-new-privileges:true');
    expect(svc.privileged).toBeUndefined();
    // Published on loopback only, to the container port the service listens on.
    expect(svc.ports).toHaveLength(1);
    expect(svc.ports![0]).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\$\\{GITOPS_ML_PORT:-\\d+\\}:${loadConfig({}).port}$`));
    // docker stops it with SIGTERM and waits longer than the service's own drain period.
    const grace = Number(svc.environment?.SHUTDOWN_GRACE_MS ?? loadConfig({}).shutdownGraceMs) / 1000;
    expect(seconds(svc.stop_grace_period ?? '10s')).toBeGreaterThan(grace);
    // Every variable it sets is one the service accepts.
    expect(() => loadConfig(svc.environment ?? {})).not.toThrow();
  });

  it('has a healthcheck on /readyz (healthy = model loaded) that a slim image can run', () => {
    const hc = svc.healthcheck!;
    expect(hc.test[0]).toBe('CMD');
    expect(hc.test.slice(1, 3)).toEqual(['node', '-e']);
    expect(hc.test.join(' ')).toMatch(/\/readyz/);
    expect(seconds(hc.start_period)).toBeGreaterThanOrEqual(10);
    expect(hc.retries).toBeGreaterThan(0);
  });

  it('runs a pinned Prometheus with deploy/prometheus mounted read-only, depending on the service', () => {
    const ref = parseImageRef(prom.image ?? '');
    expect(ref.name).toBe('prom/prometheus');
    expect(ref.tag).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(prom.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    expect(prom.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    const storage = prom.command?.find((c) => c.startsWith('--storage.tsdb.path='))?.split('=')[1];
    expect(prom.volumes?.some((v) => v.endsWith(`:${storage}`) && Object.keys(compose.volumes ?? {}).includes(v.split(':')[0]!))).toBe(true);
    expect(prom.depends_on).toContain('gitops-ml');
    expect(prom.ports?.[0]).toMatch(/^127\.0\.0\.1:/);
  });

  it('Prometheus scrapes the compose service by its name and container port, and loads the alert rules', () => {
    const job = promConfig.scrape_configs.find((j) => j.job_name === 'gitops-ml')!;
    expect(job).toBeDefined();
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job.static_configs.flatMap((s) => s.targets)).toEqual([`gitops-ml:${loadConfig({}).port}`]);
    expect(promConfig.rule_files).toEqual(['alerts.yml']);
    // The rules every alert selects on: job="gitops-ml" is this scrape job.
    for (const a of alerts) expect(a.expr).toMatch(/job="gitops-ml"/);
  });
});

describe('Prometheus alert rules', () => {
  it('alert on the error rate, the p99 latency and a model that is not ready', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual(['GitopsMlHighErrorRate', 'GitopsMlHighP99Latency', 'GitopsMlModelNotReady']);
    for (const a of alerts) {
      expect(a.for).toBeDefined();
      expect(['page', 'ticket']).toContain(a.labels?.severity);
      expect(a.annotations?.summary).toBeTruthy();
      expect(a.annotations?.description).toBeTruthy();
    }
    const byName = new Map(alerts.map((a) => [a.alert, a.expr]));
    expect(byName.get('GitopsMlHighErrorRate')).toMatch(/status=~"5\.\."/);
    expect(byName.get('GitopsMlHighP99Latency')).toMatch(/histogram_quantile\(0\.99,/);
    expect(byName.get('GitopsMlModelNotReady')).toMatch(/gitops_ml_model_info/);
  });

  it('use only metric and label names that service/metrics.ts exports', async () => {
    const metrics = new ServiceMetrics({ collectProcess: false }); // the alerts use no process metrics
    const exported = new Map<string, Set<string>>();
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      const metric = metrics.registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] };
      const labels = ['job', 'instance', ...(metric.labelNames ?? [])];
      if (String(m.type) === 'histogram') {
        exported.set(`${m.name}_bucket`, new Set([...labels, 'le']));
        for (const suffix of ['_sum', '_count']) exported.set(m.name + suffix, new Set(labels));
      } else exported.set(m.name, new Set(labels));
    }
    exported.set('up', new Set(['job', 'instance'])); // Prometheus' own series for every target
    const used: string[] = [];
    for (const a of alerts) {
      const expr = a.expr.replace(/"[^"]*"/g, '""'); // label values are not names
      for (const [, name, braces] of expr.matchAll(/\b(gitops_ml_\w+|nodejs_\w+|process_\w+|up)\b\s*(\{[^}]*\})?/g)) {
        expect({ alert: a.alert, metric: name, exported: exported.has(name!) }).toEqual({ alert: a.alert, metric: name, exported: true });
        for (const [, label] of (braces ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) {
          expect({ alert: a.alert, metric: name, label, known: exported.get(name!)!.has(label!) }).toEqual({ alert: a.alert, metric: name, label, known: true });
        }
        used.push(name!);
      }
      // Aggregations keep only labels every series has.
      for (const [, list] of a.expr.matchAll(/\b(?:by|on)\s*\(([^)]*)\)/g)) {
        for (const l of list!.split(',').map((x) => x.trim())) expect(['job', 'instance', 'le']).toContain(l);
      }
    }
    expect(new Set(used)).toEqual(new Set(['gitops_ml_http_requests_total', 'gitops_ml_http_request_duration_seconds_bucket', 'gitops_ml_model_info', 'up']));
  });

  it('select routes by the templates the service registers (the label is the route template, not the URL)', async () => {
    const app = buildApp(testConfig(), {}, new ServiceMetrics({ collectProcess: false }));
    await app.ready();
    try {
      const matchers = alerts.flatMap((a) => [...a.expr.matchAll(/route(=~|!~)"([^"]+)"/g)].map((m) => m[2]!));
      expect(matchers.length).toBeGreaterThan(0);
      const routes: { method: string; url: string }[] = [
        { method: 'POST', url: '/v1/predict' },
        { method: 'POST', url: '/v2/models/:name/infer' },
        { method: 'POST', url: '/v2/models/:name/versions/:version/infer' },
        { method: 'GET', url: '/healthz' },
        { method: 'GET', url: '/readyz' },
        { method: 'GET', url: '/metrics' },
        { method: 'GET', url: '/v2/health/ready' },
        { method: 'GET', url: '/v2/health/live' },
      ];
      for (const r of routes) expect({ ...r, registered: app.hasRoute(r) }).toEqual({ ...r, registered: true });
      // Prometheus anchors label regexes: each alternative must match a whole template.
      const latency = alerts.find((a) => a.alert === 'GitopsMlHighP99Latency')!.expr;
      const predictRoutes = new RegExp(`^(?:${/route=~"([^"]+)"/.exec(latency)![1]!})$`);
      expect(routes.filter((r) => predictRoutes.test(r.url)).map((r) => r.url)).toEqual(['/v1/predict', '/v2/models/:name/infer', '/v2/models/:name/versions/:version/infer']);
      const errors = alerts.find((a) => a.alert === 'GitopsMlHighErrorRate')!.expr;
      const probes = new RegExp(`^(?:${/route!~"([^"]+)"/.exec(errors)![1]!})$`);
      expect(routes.filter((r) => probes.test(r.url)).map((r) => r.url)).toEqual(['/healthz', '/readyz', '/metrics', '/v2/health/ready', '/v2/health/live']);
    } finally {
      await app.close();
    }
  });
});

// promtool comes with Debian's prometheus package (.ci/install-system-deps.sh); without it
// these tests fail, by name, rather than being skipped.
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));

describe('promtool', () => {
  const promtool = (...args: string[]) => {
    if (!PROMTOOL) throw new Error('promtool not found: install the Debian package prometheus (.ci/install-system-deps.sh)');
    const r = spawnSync(PROMTOOL, args, { cwd: PROM_DIR, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('check config: the scrape config and the rule files it names are valid', () => {
    const r = promtool('check', 'config', 'prometheus.yml');
    expect(r).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') });
    expect(r.out).toMatch(/SUCCESS: 3 rules found/);
  });

  it('check rules: alerts.yml is valid', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toEqual({ code: 0, out: expect.stringContaining('SUCCESS: 3 rules found') });
  });

  it('test rules: each alert fires, and stays silent, when its unit tests say', () => {
    const r = promtool('test', 'rules', 'alerts.test.yml');
    expect(r).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') });
    const tests = YAML.parse(readFileSync(join(PROM_DIR, 'alerts.test.yml'), 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    // Every alert has a case where it fires and one where it does not.
    for (const a of alerts) {
      expect({ alert: a.alert, fires: cases.some((c) => c.alertname === a.alert && c.exp_alerts.length > 0) }).toEqual({ alert: a.alert, fires: true });
      expect({ alert: a.alert, silent: cases.some((c) => c.alertname === a.alert && c.exp_alerts.length === 0) }).toEqual({ alert: a.alert, silent: true });
    }
  });
});

describe('the image build the deploy workflow asks for', () => {
  /** The ARGs a Dockerfile declares, in any stage. */
  const declaredArgs = (text: string): Set<string> => {
    const df = dockerfileAst.DockerfileParser.parse(text);
    return new Set(df.getInstructions().filter((i) => i.getKeyword() === 'ARG').map((i) => (i.getArguments()[0]?.getValue() ?? '').split('=')[0] as string));
  };
  const buildArgKeys = (workflow: string): string[] => {
    const doc = YAML.parse(readFileSync(join(REPO_ROOT, '.github/workflows', workflow), 'utf8')) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, string> }[] }> };
    return Object.values(doc.jobs)
      .flatMap((j) => j.steps ?? [])
      .filter((s) => s.uses?.startsWith('docker/build-push-action@'))
      .flatMap((s) => (s.with?.['build-args'] ?? '').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split('=')[0] as string));
  };

  it('every build-arg deploy.yml passes is an ARG the Dockerfile declares (docker would ignore it with a warning)', () => {
    const keys = buildArgKeys('deploy.yml');
    expect(keys.length).toBeGreaterThan(0);
    const declared = declaredArgs(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
    for (const k of keys) expect([k, declared.has(k)]).toEqual([k, true]);
    // The check itself fails on a Dockerfile that lacks the ARG.
    expect(declaredArgs('FROM node:24-bookworm-slim\nARG MODEL_NAME=x\n').has('MODEL_ARTIFACT')).toBe(false);
  });
});
