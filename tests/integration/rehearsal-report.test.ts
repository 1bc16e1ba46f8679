/**
 * The rehearsal report in a real browser: headless Chromium opens the page from file://
 * (no server, no network) and the test reads the rendered DOM over the DevTools protocol.
 * Also parses every Mermaid block the model card generator can write with Mermaid's own
 * parser, in the same browser: mermaid.parse needs a DOM (it sanitises labels with
 * DOMPurify, which does nothing without a window), so it cannot run under jest's node
 * environment.
 */

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeReport } from '../../rehearsal/report/index.js';
import { PAGE_SCRIPTS } from '../../rehearsal/report/html.js';
import { Chromium } from '../helpers/chromium.js';
import { mermaidBlocks, modelCardVariants, xyChartEdgeCases } from '../fixtures/rehearsal-report/model-card.js';
import { syntheticInput } from '../fixtures/rehearsal-report/synthetic.js';

const SCREENSHOT = resolve('reports/rehearsal-report.png');

interface PageState {
  state: string | null;
  charts: { svg: boolean; errorText: boolean; text: string; width: number; textWidth: number }[];
  chartErrors: string[];
  pending: number;
  pwned: string;
  handlerAttributes: string[];
  scripts: string[];
  javascriptUrls: number;
  sections: Record<string, string>;
  tables: number;
  taskBoxes: { checked: boolean; disabled: boolean }[];
  details: number;
  hostileText: boolean;
}

const READ_PAGE = `(() => {
  const text = (sel) => { const el = document.querySelector(sel); return el ? el.textContent.replace(/\\s+/g, ' ').trim() : ''; };
  const sections = {};
  for (const el of document.querySelectorAll('article[id], details[id], div.job[id]')) sections[el.id] = el.textContent.replace(/\\s+/g, ' ').trim();
  const handlerAttributes = [];
  for (const el of document.querySelectorAll('*')) for (const a of el.attributes) if (/^on/i.test(a.name)) handlerAttributes.push(el.nodeName + ' ' + a.name);
  const javascriptUrls = [...document.querySelectorAll('[href],[src],[action],[xlink\\\\:href]')].filter((el) =>
    ['href', 'src', 'action', 'xlink:href'].some((n) => /^\\s*javascript:/i.test(el.getAttribute(n) || ''))).length;
  return {
    state: document.documentElement.getAttribute('data-report'),
    charts: [...document.querySelectorAll('.markdown-body .chart')].map((c) => {
      const svg = c.querySelector(':scope > svg');
      const copy = c.cloneNode(true);
      for (const s of copy.querySelectorAll('style')) s.remove();
      const text = copy.textContent.replace(/\\s+/g, ' ').trim();
      // Laid out, not drawn in a closed <details> with zero-sized text.
      const labels = svg ? [...svg.querySelectorAll('text')].map((t) => t.getBBox().width) : [];
      return {
        svg: svg !== null,
        errorText: /syntax error|parse error|error in text/i.test(text) || c.querySelector('.error-icon, .error-text') !== null,
        text: text.slice(0, 300),
        width: svg ? svg.getBoundingClientRect().width : 0,
        textWidth: labels.length ? Math.max(...labels) : -1,
      };
    }),
    chartErrors: [...document.querySelectorAll('.chart-error')].map((c) => c.textContent),
    pending: document.querySelectorAll('.markdown-body pre[class^="chart-"]:not(.chart)').length,
    pwned: typeof window.__pwned,
    handlerAttributes,
    scripts: [...document.scripts].map((s) => s.getAttribute('src') || s.type || 'inline'),
    javascriptUrls,
    sections,
    tables: document.querySelectorAll('#pull-2 .markdown-body table').length,
    taskBoxes: [...document.querySelectorAll('#pull-2 .markdown-body input[type=checkbox]')].map((b) => ({ checked: b.checked, disabled: b.disabled })),
    details: document.querySelectorAll('#pull-2 .markdown-body details').length,
    hostileText: text('#comment-11').includes('Nice model!'),
  };
})()`;

describe('rehearsal report in headless Chromium', () => {
  let browser: Chromium;
  let dir: string;
  let page: PageState;
  let markdown: Record<string, string> = {};
  const input = syntheticInput();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gitops-ml-report-'));
    const { index, data } = writeReport(dir, input);
    browser = await Chromium.launch({ width: 1280, height: 900 });
    await browser.open(pathToFileURL(index).href);
    await browser.waitFor(`document.documentElement.getAttribute('data-report')`, 40_000);
    page = await browser.evaluate<PageState>(READ_PAGE);
    markdown = data.markdown;
    mkdirSync(resolve('reports'), { recursive: true });
    writeFileSync(SCREENSHOT, await browser.screenshot());
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes index.html and its assets, and loads nothing from elsewhere', () => {
    expect(readdirSync(join(dir, 'assets')).sort()).toEqual([...PAGE_SCRIPTS, 'report.css'].sort());
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    // Links may point anywhere (a deployment's URL); what the page loads is only its own files.
    expect(html.match(/<(script|link|img|iframe)\b[^>]*>/g)?.filter((t) => /\b(src|href)=/.test(t) && !/\b(src|href)="assets\//.test(t))).toEqual([]);
    expect(page.scripts).toEqual(['application/json', ...PAGE_SCRIPTS.map((s) => `assets/${s}`)]);
  });

  it('renders every Mermaid block as an SVG chart, with no error text', () => {
    const expected = Object.values(markdown).reduce((n, md) => n + (md.match(/^```mermaid$/gm)?.length ?? 0), 0);
    // The card's two charts, the checklist's flowchart, the check summary's pie, the hostile flowchart.
    expect(expected).toBe(5);
    expect(page.state).toBe('ready');
    expect(page.chartErrors).toEqual([]);
    expect(page.pending).toBe(0);
    expect(page.charts).toHaveLength(expected);
    for (const c of page.charts) {
      expect(c.svg).toBe(true);
      expect(c.errorText).toBe(false);
      expect(c.width).toBeGreaterThan(100);
      expect(c.textWidth).not.toBe(0);
    }
    // The card's charts carry their titles; the one in a closed <details> has measured text too.
    const all = page.charts.map((c) => c.text).join(' ');
    expect(all).toContain('Confusion counts (test)');
    expect(all).toContain('Reliability (test)');
  });

  it('logs no console error, exception or error log entry', () => {
    expect(browser.problems).toEqual([]);
  });

  it('shows the issue, the PR and its conversation, each check run and each deployment', () => {
    const { snapshot } = input;
    for (const i of snapshot.issues) expect(page.sections[`issue-${i.number}`]).toContain(i.title);
    for (const p of snapshot.pulls) {
      const text = page.sections[`pull-${p.number}`] ?? '';
      expect(text).toContain(p.title);
      expect(text).toContain('Model card: reviews 1.3.0');
      expect(text).toContain('approved these changes');
      expect(text).toContain('Signed off.');
    }
    expect(page.tables).toBeGreaterThanOrEqual(1);
    expect(page.taskBoxes).toEqual([
      { checked: true, disabled: true },
      { checked: true, disabled: true },
      { checked: false, disabled: true },
    ]);
    expect(page.details).toBeGreaterThanOrEqual(1);
    for (const c of snapshot.checkRuns) {
      expect(page.sections[`check-run-${c.id}`]).toContain(c.name);
      if (c.title) expect(page.sections[`check-run-${c.id}`]).toContain(c.title);
    }
    for (const d of snapshot.deployments) {
      const text = page.sections[`deployment-${d.id}`] ?? '';
      expect(text).toContain(d.environment);
      for (const s of d.statuses) expect(text).toContain(s.description);
    }
    for (const r of input.runs) {
      expect(page.sections[`run-${r.id}`]).toContain(r.workflow);
      for (const j of r.jobs) for (const s of j.steps) expect(page.sections[`run-${r.id}-job-${j.id}`]).toContain(s.name);
    }
    for (const r of snapshot.releases) for (const a of r.assets) expect(page.sections[`release-${r.id}`]).toContain(a.name);
  });

  it('runs no script from comments, titles or charts and keeps no handler attribute', () => {
    expect(page.hostileText).toBe(true);
    expect(page.pwned).toBe('undefined');
    expect(page.handlerAttributes).toEqual([]);
    expect(page.javascriptUrls).toBe(0);
  });

  it('parses every Mermaid block the model card generator writes, with mermaid.parse', async () => {
    const variants = [...modelCardVariants(), ...xyChartEdgeCases()];
    const blocks = variants.flatMap((v) => mermaidBlocks(v.markdown).map((b, i) => ({ where: `${v.name} #${i + 1}`, source: b })));
    // Every chart section of the evaluated card: confusion, reliability, scores, champion, robustness, EEC.
    expect(mermaidBlocks(variants[0]?.markdown ?? '').length).toBe(6);
    const results = await browser.evaluate<{ where: string; parsed: string | null; rendered: string | null }[]>(`(async () => {
      const blocks = ${JSON.stringify(blocks)};
      const out = [];
      let n = 0;
      for (const b of blocks) {
        let parsed = null, rendered = null;
        try { const r = await mermaid.parse(b.source); if (!r) parsed = 'parse returned ' + r; } catch (e) { parsed = String(e && e.message || e); }
        try {
          const { svg } = await mermaid.render('parse-check-' + (n++), b.source);
          if (!svg.includes('<svg') || /syntax error/i.test(svg)) rendered = 'no chart drawn';
        } catch (e) { rendered = String(e && e.message || e); }
        out.push({ where: b.where, parsed, rendered });
      }
      return out;
    })()`);
    expect(results.length).toBeGreaterThanOrEqual(20);
    expect(results.filter((r) => r.parsed !== null || r.rendered !== null)).toEqual([]);
    expect(browser.problems).toEqual([]);
  }, 60_000);
});
