/**
 * The documentation site GitHub Pages publishes: built from this repository's docs, cards
 * and OpenAPI document (with releases as the REST API lists them), then opened from
 * file:// in headless Chromium, which renders each page with the report's renderer.
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { buildSite, readSiteInputs, rewriteLinks, versionHistoryMarkdown, writeSite } from '../../site/index.js';
import type { SiteRelease } from '../../site/index.js';
import { openApiToMarkdown } from '../../site/openapi-markdown.js';
import { Chromium } from '../helpers/chromium.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const release = (tag: string, at: string, extra: Partial<SiteRelease> = {}): SiteRelease => ({
  tag_name: tag,
  name: tag,
  published_at: at,
  html_url: `https://github.com/acme/models/releases/tag/${tag}`,
  assets: [{ name: `${tag}.tar.gz`, size: 2_400_000, browser_download_url: `https://github.com/acme/models/releases/download/${tag}/${tag}.tar.gz` }],
  ...extra,
});
const RELEASES = [release('sentiment-v1.0.0', '2026-11-01T10:00:00Z'), release('sentiment-v1.1.0', '2026-11-20T10:00:00Z'), release('sentiment-v2.0.0', '2026-11-25T10:00:00Z', { draft: true, published_at: null }), release('reviews-v0.1.0', '2026-11-21T10:00:00Z')];

describe('the documentation site (pure parts)', () => {
  const opts = { cards: new Set(['sentiment']), repoUrl: 'https://github.com/acme/models', ref: 'abc123' };

  it('turns links between Markdown files into links between pages, other files into links to the repository', () => {
    const md = '[flow](FLOW.md#jobs) [card](model-cards/sentiment.md) [top](../README.md) [spec](API_SPEC.yaml) [ex](../examples/go/main.go) [web](https://example.com/a.md) [here](#x) [gone](model-cards/other.md)';
    expect(rewriteLinks(md, 'docs/GETTING_STARTED.md', 'guides/GETTING_STARTED.html', opts)).toBe(
      '[flow](FLOW.html#jobs) [card](../models/sentiment.html) [top](../index.html) [spec](../api.html) [ex](https://github.com/acme/models/blob/abc123/examples/go/main.go) [web](https://example.com/a.md) [here](#x) [gone](https://github.com/acme/models/blob/abc123/docs/model-cards/other.md)',
    );
    expect(rewriteLinks('[g](docs/FLOW.md)', 'README.md', 'index.html', opts)).toBe('[g](guides/FLOW.html)');
  });

  it('lists a model\'s published releases newest first; drafts and other models\' releases stay out', () => {
    const md = versionHistoryMarkdown(RELEASES, 'sentiment');
    const rows = md.split('\n').filter((l) => l.startsWith('| ['));
    expect(rows.map((r) => /\[([\d.]+)\]/.exec(r)?.[1])).toEqual(['1.1.0', '1.0.0']);
    expect(md).toContain('(2.3 MB)');
    expect(versionHistoryMarkdown(RELEASES, 'other')).toMatch(/No release yet/);
  });

  it('documents every operation of the service\'s OpenAPI description', () => {
    const doc = parse(readFileSync(join(REPO_ROOT, 'docs/API_SPEC.yaml'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const md = openApiToMarkdown(doc);
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m)).map((m) => `${m.toUpperCase()} <code>${p}</code>`));
    expect(ops.length).toBeGreaterThan(3);
    for (const op of ops) expect(md).toContain(op);
  });
});

interface SitePageState {
  state: string | null;
  charts: { svg: boolean; error: boolean }[];
  chartErrors: number;
  text: string;
  links: string[];
  rows: string[];
}

const READ = `(() => ({
  state: document.documentElement.getAttribute('data-report'),
  charts: [...document.querySelectorAll('.markdown-body .chart')].map((c) => ({ svg: c.querySelector(':scope > svg') !== null, error: /syntax error|parse error/i.test(c.textContent) })),
  chartErrors: document.querySelectorAll('.chart-error').length,
  text: document.body.innerText,
  links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
  rows: [...document.querySelectorAll('table tr')].map((r) => r.innerText.replace(/\\s+/g, ' ').trim()),
}))()`;

describe('the documentation site in headless Chromium', () => {
  let browser: Chromium;
  let dir: string;
  let pages: ReturnType<typeof buildSite>;
  const open = async (path: string): Promise<SitePageState> => {
    await browser.open(pathToFileURL(join(dir, path)).href);
    await browser.waitFor(`document.documentElement.getAttribute('data-report')`, 40_000);
    return browser.evaluate<SitePageState>(READ);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gitops-ml-site-'));
    const inputs = readSiteInputs(REPO_ROOT, { repository: 'acme/models', repoUrl: 'https://github.com/acme/models', ref: 'main', releases: RELEASES });
    pages = buildSite(inputs);
    writeSite(dir, pages, 'acme/models');
    browser = await Chromium.launch({ width: 1100, height: 900 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the home page lists the model with its production version, the API reference and every guide', async () => {
    const p = await open('index.html');
    expect(p.state).toBe('ready');
    expect(p.rows.find((r) => r.startsWith('sentiment'))).toMatch(/^sentiment 1\.1\.0 0\.\d{3} 0\.\d{3}$/);
    expect(p.links).toEqual(expect.arrayContaining(['models/sentiment.html', 'api.html', 'guides/GETTING_STARTED.html', 'guides/FLOW.html']));
    expect(browser.problems).toEqual([]);
  }, 60_000);

  it('the model page draws every chart of the card as SVG and shows the version history', async () => {
    const p = await open('models/sentiment.html');
    const blocks = (readFileSync(join(REPO_ROOT, 'docs/model-cards/sentiment.md'), 'utf8').match(/^```mermaid$/gm) ?? []).length;
    expect(blocks).toBeGreaterThan(2);
    expect(p.state).toBe('ready');
    expect(p.charts).toHaveLength(blocks);
    expect(p.charts.every((c) => c.svg && !c.error)).toBe(true);
    expect(p.chartErrors).toBe(0);
    expect(p.text).toContain('Version history');
    expect(p.rows.filter((r) => /^1\.\d\.0 /.test(r)).map((r) => r.split(' ').slice(0, 2).join(' '))).toEqual(['1.1.0 2026-11-20', '1.0.0 2026-11-01']);
    expect(p.text).not.toContain('2.0.0');
    mkdirSync(resolve('reports'), { recursive: true });
    writeFileSync(resolve('reports/docs-site-model.png'), await browser.screenshot(2400));
    expect(browser.problems).toEqual([]);
  }, 90_000);

  it('the API page and every guide render with no console error, and their links stay inside the site or go to GitHub', async () => {
    const api = await open('api.html');
    expect(api.state).toBe('ready');
    const spec = parse(readFileSync(join(REPO_ROOT, 'docs/API_SPEC.yaml'), 'utf8')) as { paths: Record<string, unknown> };
    for (const path of Object.keys(spec.paths)) expect(api.text).toContain(path);
    for (const g of pages.filter((x) => x.path.startsWith('guides/'))) {
      const p = await open(g.path);
      expect({ page: g.path, state: p.state }).toEqual({ page: g.path, state: 'ready' });
      for (const href of p.links) expect({ page: g.path, href }).toEqual({ page: g.path, href: expect.stringMatching(/^(#|\.\.\/|[A-Z_]+\.html|https?:|mailto:)/) });
    }
    expect(browser.problems).toEqual([]);
  }, 120_000);
});
