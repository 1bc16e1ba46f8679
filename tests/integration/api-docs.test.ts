import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { buildApp } from '../../service/app.js';
import { loadConfig } from '../../service/config.js';
import type { ServiceConfig } from '../../service/config.js';
import { ServiceMetrics } from '../../service/metrics.js';
import { PROBLEMS } from '../../service/problems.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { markdownlint } from '../helpers/markdownlint.js';

/**
 * The API documentation against the code it describes: docs/API_SPEC.yaml is the
 * service's generated OpenAPI document, and the integration guide, runbook and
 * architecture notes name only routes, problem types, defaults, metrics, files and
 * benchmark figures that exist.
 */

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const DOCS = ['docs/INTEGRATION_GUIDE.md', 'docs/RUNBOOK.md', 'docs/ARCHITECTURE.md', 'examples/README.md'];
const guide = read('docs/INTEGRATION_GUIDE.md');
const runbook = read('docs/RUNBOOK.md');
const architecture = read('docs/ARCHITECTURE.md');
const ALERTS_FILE = 'deploy/prometheus/alerts.yml';

/** Cells of the Markdown table rows in `text` whose first cell matches. */
function tableRows(text: string, firstCell: RegExp): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .map((l) => l.slice(1, l.endsWith('|') ? -1 : undefined).split('|').map((c) => c.trim()))
    .filter((cells) => firstCell.test(cells[0] ?? ''));
}

/** Text of the section under a `## heading` (up to the next `## `). */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('docs/API_SPEC.yaml', () => {
  it('is the OpenAPI document the service builds from its route schemas (regenerated in memory, default limits)', async () => {
    // Load shedding off: on a busy CI machine the event loop's delay at start-up can pass the
    // 200 ms default and the document would be answered with a 503; shedding adds no route.
    const app = buildApp(loadConfig({ LOG_LEVEL: 'silent', INFERENCE_THREADS: '0', SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }), {});
    try {
      // Over loopback, not inject(): light-my-request needs an ESM-only `cookie` that jest 29 cannot require.
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${base}/openapi.json`);
      const live = (await res.json()) as Record<string, unknown>;
      expect({ status: res.status, title: live.title }).toEqual({ status: 200, title: undefined });
      expect(Object.keys(live.paths as object).length).toBeGreaterThan(0);
      expect(parse(read('docs/API_SPEC.yaml'))).toEqual(live);
    } finally {
      await app.close();
    }
  });

  it('is byte for byte what `node scripts/api-spec.mjs` writes (through the compiled CLI)', () => {
    const r = spawnSync(process.execPath, ['scripts/api-spec.mjs', '--check'], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', MAX_TEXT_LENGTH: '7' } });
    // MAX_TEXT_LENGTH in the caller's environment must not leak into the document.
    expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, output: 'docs/API_SPEC.yaml is current' });
  });
});

describe('docs/INTEGRATION_GUIDE.md', () => {
  const defaults: ServiceConfig = loadConfig({});

  it('documents every route of the API description', () => {
    const spec = parse(read('docs/API_SPEC.yaml')) as { paths: Record<string, unknown> };
    for (const path of Object.keys(spec.paths)) expect({ path, documented: guide.includes(`\`${path}\``) }).toEqual({ path, documented: true });
  });

  it('lists every problem type with its status', () => {
    const rows = new Map(tableRows(section(guide, 'Errors'), /^`[a-z-]+`$/).map((c) => [(c[0] as string).slice(1, -1), Number(c[1])]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.values(PROBLEMS).map((p) => [p.slug, p.status])));
  });

  it('gives the service defaults for every limit it lists', () => {
    const byVar: Record<string, number> = {
      MAX_TEXT_LENGTH: defaults.maxTextLength,
      MAX_BATCH_SIZE: defaults.maxBatch,
      BODY_LIMIT_BYTES: defaults.bodyLimit,
      RATE_LIMIT_MAX: defaults.rateLimitMax,
      RATE_LIMIT_WINDOW_MS: defaults.rateLimitWindowMs,
      SHED_MAX_EVENT_LOOP_DELAY_MS: defaults.shedMaxEventLoopDelayMs,
      SHED_RETRY_AFTER_SECONDS: defaults.shedRetryAfterSeconds,
      HEADERS_TIMEOUT_MS: defaults.headersTimeoutMs,
      REQUEST_TIMEOUT_MS: defaults.requestTimeoutMs,
      KEEP_ALIVE_TIMEOUT_MS: defaults.keepAliveTimeoutMs,
    };
    const rows = tableRows(section(guide, 'Limits'), /^`[A-Z_]+`$/);
    expect(Object.fromEntries(rows.map((c) => [(c[0] as string).slice(1, -1), Number(c[1])]))).toEqual(byVar);
  });

  it('quotes the benchmark figures exactly as docs/BENCHMARKS.md reports them', () => {
    const readme = tableRows(read('docs/BENCHMARKS.md'), /^(ours|peer|stub|floor) /).map((c) => c.join(' | '));
    const quoted = tableRows(section(guide, 'Performance and service levels'), /^(ours|peer|stub|floor) /).map((c) => c.join(' | '));
    expect(quoted.length).toBeGreaterThanOrEqual(4);
    for (const row of quoted) expect({ row, inReadme: readme.includes(row) }).toEqual({ row, inReadme: true });
  });

  it('states the deprecation policy as a commitment, since the service sends no Deprecation or Sunset header', () => {
    const policy = section(guide, 'Versioning and deprecation');
    expect(policy).toMatch(/a commitment; nothing is deprecated today/);
    for (const header of ['`Deprecation`', '`Sunset`']) expect(policy).toContain(header);
    const service = ['app.ts', 'oip.ts', 'protection.ts', 'security-headers.ts'].map((f) => read(`service/${f}`)).join('\n');
    expect(service).not.toMatch(/['"](deprecation|sunset)['"]/i);
  });
});

describe('docs/RUNBOOK.md and docs/ARCHITECTURE.md', () => {
  it('name only metrics the service exports', async () => {
    const names = new Set((await new ServiceMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    for (const [doc, text] of [
      ['runbook', runbook],
      ['guide', guide],
      ['architecture', architecture],
    ] as const) {
      const used = [...text.matchAll(/\b((?:gitops_ml|nodejs|process)_[a-z_]+?)(?:_bucket|_sum|_count)?\b(?=[`{ )[])/g)].map((m) => m[1] as string);
      for (const metric of new Set(used)) expect({ doc, metric, exported: names.has(metric) }).toEqual({ doc, metric, exported: true });
    }
  });

  it('explain every alert of deploy/prometheus/alerts.yml, by its name', () => {
    const explained = tableRows(section(runbook, 'Monitoring'), /^`[A-Za-z0-9]+`$/).map((c) => (c[0] as string).slice(1, -1));
    const rules = (parse(read(ALERTS_FILE)) as { groups?: { rules?: { alert?: string }[] }[] }).groups?.flatMap((g) => g.rules ?? []) ?? [];
    const defined = rules.map((r) => r.alert).filter((a): a is string => typeof a === 'string');
    expect(defined.length).toBeGreaterThanOrEqual(3);
    expect([...explained].sort()).toEqual([...defined].sort());
  });

  it('point at repository paths that exist', () => {
    for (const [doc, text] of [
      ['docs/RUNBOOK.md', runbook],
      ['docs/ARCHITECTURE.md', architecture],
      ['docs/INTEGRATION_GUIDE.md', guide],
    ] as const) {
      const paths = [...text.matchAll(/`((?:\.github|actions|bench|bin|deploy|docs|examples|model|scripts|service|tests)\/[^`\s]*)`/g)]
        .map((m) => (m[1] as string).replace(/\/$/, ''))
        // Placeholders and globs (`model/specs/<name>.json`, `model/specs/**`) name patterns, not files.
        .filter((p) => !/[<>*{}]/.test(p));
      for (const p of new Set(paths)) expect({ doc, path: p, exists: existsSync(join(REPO_ROOT, p)) }).toEqual({ doc, path: p, exists: true });
    }
    // The role table's library modules live in actions/shared/src/.
    for (const row of tableRows(section(architecture, 'Components and where their code lives'), /^[a-z]/)) {
      for (const m of (row[2] ?? '').matchAll(/`([\w-]+\.ts|[\w-]+\/)`/g)) {
        const file = join(REPO_ROOT, 'actions/shared/src', m[1] as string);
        if (row.length === 4) expect({ module: m[1], exists: existsSync(file) }).toEqual({ module: m[1], exists: true });
      }
    }
  });

  it('draws the architecture as Mermaid flowcharts', () => {
    const blocks = [...architecture.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const b of blocks) {
      expect(b).toMatch(/^flowchart (LR|TB)\n/);
      expect((b.match(/^\s*subgraph\b/gm) ?? []).length).toBe((b.match(/^\s*end\s*$/gm) ?? []).length);
      for (const [open, close] of [
        ['[', ']'],
        ['(', ')'],
        ['{', '}'],
      ] as const)
        expect(b.split(open).length).toBe(b.split(close).length);
    }
  });
});

describe('the documents', () => {
  it.each(DOCS)('%s passes markdownlint with the repository config', async (path) => {
    const lint = await markdownlint();
    expect(await lint(read(path))).toEqual([]);
  });

  it.each(DOCS)('%s links only to files that exist', (path) => {
    const text = read(path);
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = (m[1] as string).split('#')[0] as string;
      if (target === '' || /^[a-z]+:/.test(target)) continue;
      expect({ link: m[1], exists: existsSync(resolve(dirname(join(REPO_ROOT, path)), target)) }).toEqual({ link: m[1], exists: true });
    }
  });
});
