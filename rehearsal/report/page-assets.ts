/**
 * The page's own script and style sheet, written to assets/ beside the copied library
 * builds. The script is plain browser JavaScript (no module, no build step): it reads the
 * Markdown sources from the JSON data block, renders each with marked (GFM), sanitizes the
 * HTML with DOMPurify, inserts it, then draws the ```mermaid blocks with mermaid.run().
 * When it is done it sets data-report="ready" (or "errors") on <html>.
 */

import { MARKDOWN_DATA_ID } from './html.js';

export const REPORT_SCRIPT = String.raw`(function () {
  'use strict';
  var root = document.documentElement;
  var problems = 0;
  function fail(where, err) {
    problems++;
    console.error('report: ' + where + ': ' + (err && err.message ? err.message : String(err)));
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // Charts come only from fenced blocks that marked rendered here: the class carries a
  // per-load random part, so HTML written in a comment cannot ask for a chart.
  var CHART_CLASS = 'chart-' + Math.random().toString(36).slice(2);

  function makeMarked(breaks) {
    var m = new marked.Marked({ gfm: true, breaks: breaks });
    m.use({
      renderer: {
        code: function (token) {
          var lang = String(token.lang || '').trim().split(/\s+/)[0].toLowerCase();
          if (lang === 'mermaid') return '<pre class="' + CHART_CLASS + '">' + escapeHtml(token.text) + '</pre>\n';
          return false;
        }
      }
    });
    return m;
  }
  var flavors = { comment: makeMarked(true), document: makeMarked(false) };

  // What GitHub keeps of user HTML, roughly: no scripts, handlers, styles, forms or frames;
  // task-list checkboxes stay, disabled; links open nothing with the page's privileges.
  var PURIFY = {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed', 'link', 'meta', 'base'],
    FORBID_ATTR: ['style', 'srcset', 'formaction', 'autofocus'],
    RETURN_DOM_FRAGMENT: true
  };
  // Images are not fetched: the page stays off the network (no tracking pixel in an issue
  // learns who opened the report); data: images still show, others keep their alt text.
  DOMPurify.addHook('afterSanitizeAttributes', function (node) {
    if (node.nodeName === 'A' && node.hasAttribute('href')) node.setAttribute('rel', 'nofollow noopener noreferrer');
    if (node.nodeName === 'INPUT') node.setAttribute('disabled', '');
    if (node.nodeName === 'IMG') {
      var src = node.getAttribute('src') || '';
      if (!/^data:image\/(png|gif|jpeg|webp);/i.test(src)) {
        node.removeAttribute('src');
        if (src) node.setAttribute('title', 'image not loaded (offline report): ' + src.slice(0, 200));
        node.classList.add('not-loaded');
        if (!node.getAttribute('alt')) node.setAttribute('alt', 'image');
      }
    }
  });

  var sources = {};
  try {
    var block = document.getElementById('${MARKDOWN_DATA_ID}');
    sources = JSON.parse((block && block.textContent) || '{}');
  } catch (err) {
    fail('markdown data', err);
  }

  var targets = document.querySelectorAll('[data-md]');
  for (var i = 0; i < targets.length; i++) {
    var el = targets[i];
    var src = sources[el.getAttribute('data-md')];
    if (typeof src !== 'string') {
      el.textContent = '';
      continue;
    }
    try {
      var html = (flavors[el.getAttribute('data-flavor')] || flavors.document).parse(src);
      el.replaceChildren(DOMPurify.sanitize(html, PURIFY));
    } catch (err) {
      el.textContent = src;
      fail('markdown ' + el.getAttribute('data-md'), err);
    }
  }

  // Mermaid measures text to lay a chart out, and not every browser lays out the content
  // of a closed <details> (Chromium does): closed ancestors are opened while it is drawn.
  function openAncestors(node) {
    var closed = [];
    for (var p = node.parentElement; p; p = p.parentElement) {
      if (p.nodeName === 'DETAILS' && !p.open) {
        p.open = true;
        closed.push(p);
      }
    }
    return function () {
      closed.forEach(function (d) { d.open = false; });
    };
  }

  function chartFailed(node, source, err) {
    var box = document.createElement('div');
    box.className = 'chart-error';
    var title = document.createElement('p');
    title.textContent = 'Unable to render the Mermaid chart: ' + (err && err.message ? err.message : String(err));
    var pre = document.createElement('pre');
    pre.textContent = source;
    box.append(title, pre);
    node.replaceWith(box);
  }

  async function drawCharts() {
    var charts = Array.prototype.slice.call(document.querySelectorAll('pre.' + CHART_CLASS));
    if (charts.length === 0) return;
    if (typeof mermaid === 'undefined') {
      fail('mermaid', new Error('the Mermaid script did not load'));
      return;
    }
    // Strict: labels are sanitised and click handlers dropped. No <img> in labels either:
    // the page fetches no images.
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', dompurifyConfig: { FORBID_TAGS: ['img'] } });
    for (var i = 0; i < charts.length; i++) {
      var node = charts[i];
      var source = node.textContent;
      var restore = openAncestors(node);
      try {
        await mermaid.run({ nodes: [node] });
        node.classList.add('chart');
      } catch (err) {
        chartFailed(node, source, err);
        fail('mermaid chart ' + (i + 1), err);
      } finally {
        restore();
      }
    }
  }

  drawCharts().then(
    function () { root.setAttribute('data-report', problems ? 'errors' : 'ready'); },
    function (err) { fail('charts', err); root.setAttribute('data-report', 'errors'); }
  );
})();
`;

export const REPORT_CSS = `:root {
  --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --canvas: #ffffff; --subtle: #f6f8fa;
  --success: #1a7f37; --failure: #d1242f; --pending: #9a6700; --neutral: #59636e; --merged: #8250df; --open: #1a7f37; --closed: #cf222e;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, "Liberation Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  color: var(--fg); background: var(--canvas); font-size: 14px; line-height: 1.5;
}
body { margin: 0; }
.page-head, main { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
.page-head { padding-top: 16px; border-bottom: 1px solid var(--border); }
.page-head h1 { font-size: 24px; margin: 8px 0 4px; font-weight: 600; }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 8px 0 12px; }
nav a { color: var(--fg); text-decoration: none; }
nav a:hover { color: #0969da; }
.count { display: inline-block; min-width: 18px; padding: 0 6px; border-radius: 2em; background: #e6eaef; font-size: 12px; text-align: center; }
section { margin: 32px 0; }
section > h2 { font-size: 20px; font-weight: 600; border-bottom: 1px solid var(--border); padding-bottom: 6px; }
h3 { font-size: 16px; margin: 16px 0 4px; }
a { color: #0969da; }
code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 85%; background: rgba(175,184,193,0.2); padding: 0.1em 0.35em; border-radius: 6px; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.warning { border: 1px solid var(--pending); background: #fff8c5; padding: 8px 12px; border-radius: 6px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 2em; font-size: 12px; font-weight: 500; line-height: 20px; color: #fff; white-space: nowrap; vertical-align: middle; }
.badge.compact { padding: 0 6px; }
.tone-success { background: var(--success); } .tone-failure { background: var(--failure); } .tone-pending { background: var(--pending); }
.tone-neutral, .tone-skipped { background: var(--neutral); } .tone-merged { background: var(--merged); } .tone-open { background: var(--open); } .tone-closed { background: var(--closed); }
.tag { display: inline-block; border: 1px solid var(--border); border-radius: 2em; padding: 0 7px; font-size: 12px; color: var(--muted); line-height: 18px; }
.label { display: inline-block; background: #ddf4ff; color: #0550ae; border-radius: 2em; padding: 0 8px; font-size: 12px; font-weight: 500; }
.thread, .release, .deployment { margin: 16px 0 28px; }
.thread h3 { font-size: 20px; font-weight: 400; margin-bottom: 4px; }
.thread .number { color: var(--muted); font-weight: 300; }
.conversation { border-left: 2px solid var(--border); margin-left: 16px; padding-left: 0; }
.entry { margin: 0 0 16px 20px; border: 1px solid var(--border); border-radius: 6px; background: var(--canvas); }
.entry.review { border-color: #c8e1ff; }
.entry-head { background: var(--subtle); border-bottom: 1px solid var(--border); border-radius: 6px 6px 0 0; padding: 6px 12px; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.entry.review .entry-head:last-child, .entry-head:last-child { border-bottom: none; border-radius: 6px; }
.entry.by-bot .entry-head { background: #f3f0ff; }
.avatar { display: inline-flex; width: 20px; height: 20px; border-radius: 50%; background: #8c959f; color: #fff; font-size: 11px; align-items: center; justify-content: center; font-weight: 600; }
.by-bot .avatar { background: var(--merged); border-radius: 4px; }
.markdown-body { padding: 8px 16px; overflow-x: auto; }
.markdown-body table { border-collapse: collapse; margin: 8px 0; display: block; overflow-x: auto; }
.markdown-body th, .markdown-body td, table.grid th, table.grid td { border: 1px solid var(--border); padding: 4px 10px; }
.markdown-body tr:nth-child(2n), table.grid tr:nth-child(2n) { background: var(--subtle); }
.markdown-body th, table.grid th { font-weight: 600; background: var(--subtle); }
.markdown-body pre { background: var(--subtle); padding: 12px; border-radius: 6px; overflow-x: auto; }
.markdown-body pre code { background: none; padding: 0; }
.markdown-body blockquote { margin: 0; padding: 0 1em; color: var(--muted); border-left: 0.25em solid var(--border); }
/* Task lists, as GitHub draws them: the checkbox instead of the bullet. */
.markdown-body li:has(> input[type="checkbox"]:first-child), .markdown-body li:has(> p:first-child > input[type="checkbox"]:first-child) { list-style: none; }
.markdown-body li > input[type="checkbox"]:first-child, .markdown-body li > p:first-child > input[type="checkbox"]:first-child { margin: 0 0.3em 0 -1.3em; vertical-align: middle; }
.markdown-body details { border: 1px solid var(--border); border-radius: 6px; padding: 4px 12px; margin: 8px 0; }
.markdown-body summary { cursor: pointer; font-weight: 500; }
.markdown-body img { max-width: 100%; }
.markdown-body img.not-loaded { display: inline-block; border: 1px dashed var(--border); padding: 0 4px; color: var(--muted); font-size: 12px; }
.markdown-body .chart { background: var(--canvas); text-align: center; }
.markdown-body .chart svg { max-width: 100%; max-height: 560px; height: auto; }
.chart-error { border: 1px solid var(--failure); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.chart-error p { color: var(--failure); margin: 0 0 6px; }
table.grid { border-collapse: collapse; margin: 8px 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.head-checks { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
details.check-run, details.run { border: 1px solid var(--border); border-radius: 6px; margin: 10px 0; }
details.check-run > summary, details.run > summary { cursor: pointer; padding: 8px 12px; background: var(--subtle); border-radius: 6px; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; list-style: none; }
details[open].check-run > summary, details[open].run > summary { border-bottom: 1px solid var(--border); border-radius: 6px 6px 0 0; }
.check-title { font-weight: 400; }
.no-summary { padding: 0 16px; }
details.run > p, details.run > ul { margin: 6px 12px; }
.jobs { padding: 4px 12px 8px; }
.job { border-left: 3px solid var(--border); padding: 4px 0 4px 12px; margin: 10px 0; }
/* Runs, jobs and steps share three columns (name, bar, duration) so their bars line up. */
details.run > summary.lane, .job-head, .step { display: grid; grid-template-columns: 470px minmax(80px, 1fr) 64px; align-items: center; column-gap: 10px; }
.job-head { grid-template-columns: 455px minmax(80px, 1fr) 64px; }
.step { grid-template-columns: 440px minmax(80px, 1fr) 64px; }
.lane-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.steps { list-style: none; margin: 4px 0; padding: 0 0 0 15px; }
.step { font-size: 13px; padding: 1px 0; }
.track { height: 8px; background: #eef1f4; border-radius: 4px; overflow: hidden; display: flex; }
.track .bar { display: block; height: 100%; min-width: 2px; border-radius: 4px; }
.duration { min-width: 64px; text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); font-size: 12px; }
.annotations { list-style: none; padding: 0; }
.annotation { border-left: 3px solid var(--neutral); padding: 2px 8px; margin: 4px 0; background: var(--subtle); }
.annotation.level-error { border-color: var(--failure); } .annotation.level-warning { border-color: var(--pending); }
.job-summary { margin: 6px 0; } .job-summary > summary { cursor: pointer; color: var(--muted); }
.job-summary .markdown-body { border: 1px solid var(--border); border-radius: 6px; margin-top: 4px; }
.deployment-statuses { margin: 4px 0; }
.expectations { list-style: none; padding: 0; } .expectations li { margin: 3px 0; }
`;
