/**
 * The report page as a string: the structure is written here with every text escaped,
 * and each Markdown body is a placeholder the page fills in the browser (marked, then
 * DOMPurify, then Mermaid) from the JSON data block. Pure: no file system.
 */

import type { Badge, CheckRunView, ConversationEntry, DeploymentView, EnvironmentView, IssueView, JobView, MarkdownRef, PullView, ReleaseView, ReportData, RunView, StatusView } from './model.js';
import type { RunAnnotation } from '../types.js';
import { safeHttpUrl, shortSha } from './model.js';

/** The scripts the page loads, in order, from assets/. */
export const PAGE_SCRIPTS = ['marked.umd.js', 'purify.min.js', 'mermaid.min.js', 'report.js'] as const;
export const PAGE_STYLES = ['report.css'] as const;

/** The id of the `<script type="application/json">` block holding the Markdown sources. */
export const MARKDOWN_DATA_ID = 'report-markdown';

/**
 * Keeps the page off the network: scripts from its own files only, no fetch/XHR/WebSocket
 * (default-src 'none'), images only from its folder or data: URLs, no forms, no <base>.
 * Inline styles are for Mermaid's SVGs and the timeline bars. Inline script is not refused:
 * Chromium logs a CSP error each time DOMPurify parses HTML that carries an on*= handler
 * (in its inert document, where nothing runs), so refusing it would fill the console for
 * every hostile comment; DOMPurify is what keeps script out (the browser test proves it).
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'none'";

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and in double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` become \u escapes
 * so no `</script>` or `<!--` in the content can end the block, and U+2028/U+2029 are escaped
 * too. JSON.parse of the block's text gives the value back unchanged.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const e = escapeHtml;

const ICONS: Record<Badge['tone'], string> = { success: '✓', failure: '✗', neutral: '–', pending: '●', skipped: '⊘', merged: '✓', closed: '●', open: '○' };

function badgeHtml(b: Badge, extra = ''): string {
  return `<span class="badge tone-${b.tone}${extra ? ` ${extra}` : ''}"><span class="icon" aria-hidden="true">${ICONS[b.tone]}</span> ${e(b.text)}</span>`;
}

function markdownHtml(ref: MarkdownRef | undefined, cls = ''): string {
  if (!ref) return '';
  return `<div class="markdown-body${cls ? ` ${cls}` : ''}" data-md="${e(ref.key)}" data-flavor="${ref.flavor}"><p class="muted">Rendering…</p></div>`;
}

function timeHtml(at: string | undefined): string {
  if (!at) return '';
  const text = at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  return ` <time datetime="${e(at)}">${e(text)}</time>`;
}

function labelsHtml(labels: readonly string[]): string {
  return labels.length === 0 ? '' : ` <span class="labels">${labels.map((l) => `<span class="label">${e(l)}</span>`).join(' ')}</span>`;
}

function pct(part: number, whole: number): string {
  if (!(whole > 0) || !(part > 0)) return '0';
  return Math.min(100, (part / whole) * 100).toFixed(2);
}

/** A horizontal bar: a part of a whole, optionally starting at an offset (both in the same unit). */
function barHtml(tone: Badge['tone'], value: number, scale: number, offset = 0): string {
  const left = offset > 0 ? `margin-left:${pct(offset, scale)}%;` : '';
  return `<span class="track" aria-hidden="true"><span class="bar tone-${tone}" style="${left}width:${pct(value, scale)}%"></span></span>`;
}

function entryHtml(c: ConversationEntry, threadAnchor: string): string {
  const id = c.kind === 'body' ? `${threadAnchor}-body` : `${c.kind}-${c.id}`;
  const classes = ['entry', c.kind, c.bot ? 'by-bot' : 'by-person'].join(' ');
  const head = [
    `<span class="avatar" aria-hidden="true">${e(c.author.slice(0, 1).toUpperCase() || '?')}</span>`,
    `<strong class="author">${e(c.author)}</strong>`,
    c.bot ? ' <span class="tag">bot</span>' : '',
    c.badge ? ` ${badgeHtml(c.badge)}` : '',
    ` <span class="muted">${e(c.verb)}${timeHtml(c.at)}</span>`,
    c.sticky ? ` <span class="tag sticky" title="sticky comment key">${e(c.sticky)}</span>` : '',
  ].join('');
  return `<div class="${classes}" id="${e(id)}"><div class="entry-head">${head}</div>${markdownHtml(c.body)}</div>`;
}

function issueHtml(i: IssueView, kind: 'issue' | 'pull request', extra = ''): string {
  return [
    `<article class="thread" id="${e(i.anchor)}" data-kind="${kind === 'issue' ? 'issue' : 'pull'}">`,
    `<header><h3><span class="title">${e(i.title)}</span> <span class="number">#${i.number}</span></h3>`,
    `<p>${badgeHtml(i.state, 'state')} <strong>${e(i.author)}</strong> <span class="muted">opened this ${kind}</span>${labelsHtml(i.labels)}</p>${extra}</header>`,
    `<div class="conversation">${i.conversation.map((c) => entryHtml(c, i.anchor)).join('\n')}</div>`,
    '</article>',
  ].join('\n');
}

function pullHtml(p: PullView): string {
  const branch = `<p class="muted">${p.mergedBy ? `${e(p.mergedBy)} merged` : 'wants to merge'} <code>${e(p.headRef)}</code> into <code>${e(p.baseRef)}</code> · head <code>${e(shortSha(p.headSha))}</code></p>`;
  const checks =
    p.headChecks.length === 0
      ? ''
      : `<ul class="head-checks">${p.headChecks.map((c) => `<li>${badgeHtml(c.badge)} ${c.anchor ? `<a href="#${e(c.anchor)}">${e(c.name)}</a>` : e(c.name)}</li>`).join('')}</ul>`;
  return issueHtml(p, 'pull request', branch + checks);
}

function checkRunHtml(c: CheckRunView): string {
  return [
    `<details class="check-run" id="${e(c.anchor)}" open>`,
    `<summary>${badgeHtml(c.badge)} <strong class="name">${e(c.name)}</strong>${c.title ? ` <span class="check-title">${e(c.title)}</span>` : ''} <span class="muted">on <code>${e(shortSha(c.headSha))}</code> by ${e(c.creator)}</span></summary>`,
    c.summary ? markdownHtml(c.summary) : '<p class="muted no-summary">No summary.</p>',
    '</details>',
  ].join('\n');
}

function statusesHtml(statuses: readonly StatusView[]): string {
  if (statuses.length === 0) return '';
  const rows = statuses.map((s) => `<tr><td>${badgeHtml(s.badge)}</td><td><strong>${e(s.context)}</strong></td><td>${e(s.description ?? '')}</td><td><code>${e(shortSha(s.sha))}</code></td><td>${e(s.creator)}</td></tr>`);
  return `<h3>Commit statuses</h3><table class="grid"><thead><tr><th>state</th><th>context</th><th>description</th><th>commit</th><th>by</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function annotationsHtml(list: readonly RunAnnotation[]): string {
  if (list.length === 0) return '';
  const items = list.map((a) => {
    const where = a.file ? ` <span class="muted">${e(a.file)}${a.line !== undefined ? `:${a.line}` : ''}</span>` : '';
    const step = a.step ? ` <span class="muted">(${e(a.step)})</span>` : '';
    return `<li class="annotation level-${a.level}"><strong>${e(a.level)}</strong>${a.title ? ` ${e(a.title)}:` : ''} ${e(a.message)}${where}${step}</li>`;
  });
  return `<ul class="annotations">${items.join('')}</ul>`;
}

function jobHtml(j: JobView, runScale: number): string {
  const stepScale = Math.max(j.duration_ms, j.steps.reduce((s, x) => s + Math.max(0, x.duration_ms), 0));
  const steps = j.steps.map(
    (s) =>
      `<li class="step"><span class="lane-name" title="${e(s.uses ?? s.name)}">${badgeHtml(s.badge, 'compact')} <span class="step-name">${e(s.name)}</span>${s.uses && !s.name.includes(s.uses) ? ` <code class="muted">${e(s.uses)}</code>` : ''}</span>${barHtml(s.badge.tone, s.duration_ms, stepScale, s.offset_ms)}<span class="duration">${e(s.duration)}</span></li>`,
  );
  return [
    `<div class="job" id="${e(j.anchor)}">`,
    `<div class="job-head"><span class="lane-name">${badgeHtml(j.badge)} <strong class="job-name">${e(j.name)}</strong>${j.environment ? ` <span class="tag">environment: ${e(j.environment)}</span>` : ''}</span>${barHtml(j.badge.tone, j.duration_ms, runScale)}<span class="duration">${e(j.duration)}</span></div>`,
    annotationsHtml(j.annotations),
    steps.length > 0 ? `<ol class="steps">${steps.join('')}</ol>` : '',
    j.summary ? `<details class="job-summary" open><summary>Job summary</summary>${markdownHtml(j.summary)}</details>` : '',
    '</div>',
  ].join('\n');
}

function runHtml(r: RunView, longest: number): string {
  const runScale = Math.max(r.duration_ms, ...r.jobs.map((j) => j.duration_ms));
  return [
    `<details class="run" id="${e(r.anchor)}" open>`,
    `<summary class="lane"><span class="lane-name">${badgeHtml(r.badge)} <strong class="run-title">${e(r.title)}</strong> <span class="muted">${e(r.event)} · ${e(r.actor)} · <code>${e(shortSha(r.headSha))}</code></span></span>${barHtml(r.badge.tone, r.duration_ms, longest)}<span class="duration">${e(r.duration)}</span></summary>`,
    `<p class="muted small"><code>${e(r.path)}</code>${r.artifacts.length > 0 ? ` · artifacts: ${r.artifacts.map((a) => `<code>${e(a)}</code>`).join(', ')}` : ''}</p>`,
    annotationsHtml(r.annotations),
    `<div class="jobs">${r.jobs.map((j) => jobHtml(j, runScale)).join('\n')}</div>`,
    '</details>',
  ].join('\n');
}

function releaseHtml(r: ReleaseView): string {
  const assets =
    r.assets.length === 0
      ? '<p class="muted">No assets.</p>'
      : `<table class="grid assets"><thead><tr><th>asset</th><th>size</th><th>type</th></tr></thead><tbody>${r.assets.map((a) => `<tr><td><code>${e(a.name)}</code></td><td class="num">${e(a.size)}</td><td>${e(a.contentType)}</td></tr>`).join('')}</tbody></table>`;
  return [
    `<article class="release" id="${e(r.anchor)}">`,
    `<header><h3>${e(r.name)} ${r.badges.map((b) => badgeHtml(b)).join(' ')}</h3><p class="muted"><code>${e(r.tagName)}</code> · released by ${e(r.author)}</p></header>`,
    markdownHtml(r.body),
    `<h4>Assets</h4>${assets}`,
    '</article>',
  ].join('\n');
}

function deploymentHtml(d: DeploymentView): string {
  const statuses = d.statuses.map((s) => {
    const url = safeHttpUrl(s.url);
    return `<li>${badgeHtml(s.badge)}${s.description ? ` ${e(s.description)}` : ''}${url ? ` <a href="${e(url)}" rel="noopener noreferrer">${e(url)}</a>` : ''}</li>`;
  });
  return [
    `<article class="deployment" id="${e(d.anchor)}">`,
    `<header><h3><span class="environment">${e(d.environment)}</span> ${badgeHtml(d.badge)}</h3><p class="muted">deployment ${d.id} of <code>${e(d.ref)}</code> at <code>${e(shortSha(d.sha))}</code> by ${e(d.creator)}</p></header>`,
    statuses.length > 0 ? `<ol class="deployment-statuses">${statuses.join('')}</ol>` : '<p class="muted">No statuses.</p>',
    '</article>',
  ].join('\n');
}

function environmentsHtml(envs: readonly EnvironmentView[]): string {
  if (envs.length === 0) return '';
  const rows = envs.map((v) => {
    const reviews = v.reviews.map((r) => `${badgeHtml(r.state)} ${r.by ? e(r.by) : ''} <span class="muted">run ${r.runId} · ${e(r.job)}</span>${r.comment ? ` “${e(r.comment)}”` : ''}`).join('<br>');
    return `<tr><td><strong>${e(v.name)}</strong></td><td>${v.reviewers.length > 0 ? v.reviewers.map(e).join(', ') : '<span class="muted">none</span>'}</td><td class="num">${v.waitTimer}</td><td>${reviews || '<span class="muted">none</span>'}</td></tr>`;
  });
  return `<h3>Environments</h3><table class="grid"><thead><tr><th>environment</th><th>required reviewers</th><th>wait (min)</th><th>deployment reviews</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function section(id: string, title: string, body: string, empty: string): string {
  return `<section id="${id}"><h2>${e(title)}</h2>\n${body.trim() === '' ? `<p class="muted">${e(empty)}</p>` : body}\n</section>`;
}

function storyHtml(data: ReportData): string {
  const s = data.story;
  if (!s) return '';
  const items = s.expectations.map((x) => `<li class="${x.held ? 'held' : 'not-held'}">${badgeHtml(x.held ? { text: 'held', tone: 'success' } : { text: 'did not hold', tone: 'failure' })} ${e(x.what)}${x.detail ? ` <span class="muted">(${e(x.detail)})</span>` : ''}</li>`);
  const serving = s.serving.map((v) => `<li><strong>${e(v.environment)}</strong> ${e(v.url)}${v.tag ? ` serves <code>${e(v.tag)}</code>` : ''}</li>`);
  return section(
    'story',
    'The story',
    [
      `<p>Scenario <strong>${e(s.scenario)}</strong> ${badgeHtml(s.badge)} <span class="muted">${s.held} of ${s.expectations.length} expectations held</span></p>`,
      `<ul class="expectations">${items.join('')}</ul>`,
      serving.length > 0 ? `<h3>Serving</h3><ul>${serving.join('')}</ul>` : '',
      s.standIns.length > 0 ? `<h3>Stand-ins</h3><ul class="muted">${s.standIns.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : '',
    ].join('\n'),
    '',
  );
}

/** The whole page. Asset URLs are relative (`assets/…`) so it opens from file://. */
export function renderReportHtml(data: ReportData): string {
  const longest = Math.max(0, ...data.runs.map((r) => r.duration_ms));
  const nav: [string, string, number][] = [
    ['issues', 'Issues', data.issues.length],
    ['pulls', 'Pull requests', data.pulls.length],
    ['checks', 'Checks', data.checkRuns.length],
    ['actions', 'Actions', data.runs.length],
    ['releases', 'Releases', data.releases.length],
    ['deployments', 'Deployments', data.deployments.length],
  ];
  const body = [
    `<header class="page-head"><h1>${e(data.title)}</h1>`,
    `<p class="muted"><strong>${e(data.repository.fullName)}</strong> · ${e(data.repository.visibility)} · default branch <code>${e(data.repository.defaultBranch)}</code> · what the team would see on GitHub</p>`,
    `<nav>${nav.map(([id, label, n]) => `<a href="#${id}">${e(label)} <span class="count">${n}</span></a>`).join(' ')}</nav>`,
    '<noscript><p class="warning">Comments, summaries and charts are Markdown rendered by the page’s scripts: enable JavaScript to read them.</p></noscript>',
    '</header>',
    '<main>',
    storyHtml(data),
    section('issues', 'Issues', data.issues.map((i) => issueHtml(i, 'issue')).join('\n'), 'No issues.'),
    section('pulls', 'Pull requests', data.pulls.map(pullHtml).join('\n'), 'No pull requests.'),
    section('checks', 'Checks', data.checkRuns.map(checkRunHtml).join('\n') + statusesHtml(data.statuses), 'No check runs or statuses.'),
    section('actions', 'Actions: workflow runs', data.runs.map((r) => runHtml(r, longest)).join('\n'), 'No workflow runs.'),
    section('releases', 'Releases', data.releases.map(releaseHtml).join('\n'), 'No releases.'),
    section('deployments', 'Deployments', data.deployments.map(deploymentHtml).join('\n') + environmentsHtml(data.environments), 'No deployments.'),
    '</main>',
  ].join('\n');
  return pageDocument({ title: data.title, assets: 'assets', body, markdown: data.markdown }).join('\n');
}

/**
 * A whole page around `body` that the page script renders: the CSP, the style sheets, the
 * Markdown sources as a JSON data block, and the scripts, all from `assets` (a relative
 * URL). Shared by the report and the documentation site. Returns its lines.
 */
export function pageDocument(o: { title: string; assets: string; body: string; markdown: Record<string, string>; extraStyles?: readonly string[] }): string[] {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(CONTENT_SECURITY_POLICY)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${e(o.title)}</title>`,
    ...[...PAGE_STYLES, ...(o.extraStyles ?? [])].map((s) => `<link rel="stylesheet" href="${e(`${o.assets}/${s}`)}">`),
    '</head>',
    '<body>',
    o.body,
    `<script type="application/json" id="${MARKDOWN_DATA_ID}">${embedJson(o.markdown)}</script>`,
    ...PAGE_SCRIPTS.map((s) => `<script src="${e(`${o.assets}/${s}`)}"></script>`),
    '</body>',
    '</html>',
    '',
  ];
}
