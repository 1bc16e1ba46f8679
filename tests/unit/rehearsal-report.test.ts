/**
 * The rehearsal report's pure parts: what goes into the page (buildReportData) and how
 * the page's HTML escapes it (renderReportHtml, embedJson). The browser side is in
 * tests/integration/rehearsal-report.test.ts.
 */

import { CONTENT_SECURITY_POLICY, embedJson, escapeHtml, MARKDOWN_DATA_ID, PAGE_SCRIPTS, renderReportHtml } from '../../rehearsal/report/html.js';
import { badge, buildReportData, formatBytes, formatDuration, safeHttpUrl, stickyKey, toneOf } from '../../rehearsal/report/model.js';
import { BOT, HOSTILE_COMMENT, syntheticInput, syntheticRuns, syntheticSnapshot } from '../fixtures/rehearsal-report/synthetic.js';

describe('buildReportData', () => {
  const data = buildReportData(syntheticInput());

  it('keeps every issue with its opening post and comments in order, bots marked', () => {
    expect(data.issues).toHaveLength(1);
    const issue = data.issues[0];
    expect(issue?.anchor).toBe('issue-1');
    expect(issue?.state).toEqual({ text: 'closed', tone: 'closed' });
    expect(issue?.conversation.map((c) => [c.kind, c.author, c.bot])).toEqual([
      ['body', 'bob', false],
      ['comment', BOT, true],
      ['comment', 'mallory', false],
    ]);
    expect(issue?.conversation[1]?.sticky).toBe('advisor');
    expect(issue?.conversation[1]?.at).toBe('2026-01-05T10:00:05Z');
  });

  it('interleaves PR comments and reviews in the order they were made (GitHub ids)', () => {
    const pr = data.pulls[0];
    expect(pr?.state).toEqual({ text: 'merged', tone: 'merged' });
    expect(pr?.conversation.map((c) => `${c.kind}:${c.id}`)).toEqual(['body:0', 'comment:12', 'comment:13', 'review:14', 'comment:15', 'review:16']);
    const [, , card, bobReview, , aliceReview] = pr?.conversation ?? [];
    expect(card?.sticky).toBe('model-card');
    expect(bobReview?.verb).toBe('approved these changes on 1111111');
    expect(bobReview?.badge).toEqual({ text: 'approved', tone: 'success' });
    // A review with no body has no Markdown; one with a body has.
    expect(bobReview?.body).toBeUndefined();
    expect(aliceReview?.body?.flavor).toBe('comment');
  });

  it('shows on the PR the latest check of each name and status of each context on its head', () => {
    expect(data.pulls[0]?.headChecks).toEqual([
      { name: 'gitops-ml/evaluate', badge: { text: 'failure', tone: 'failure' }, anchor: 'check-run-21' },
      { name: 'gitops-ml/security', badge: { text: 'in progress', tone: 'pending' }, anchor: 'check-run-22' },
      { name: 'gitops-ml/sign-off', badge: { text: 'success', tone: 'success' } },
    ]);
  });

  it('keeps every check run, its title and its summary as Markdown', () => {
    expect(data.checkRuns.map((c) => [c.anchor, c.name, c.badge.text, c.title])).toEqual([
      ['check-run-20', 'gitops-ml/train', 'success', 'Trained reviews 1.3.0'],
      ['check-run-21', 'gitops-ml/evaluate', 'failure', 'Gates: 12 pass, 1 fail </script>'],
      ['check-run-22', 'gitops-ml/security', 'in progress', null],
    ]);
    const summary = data.checkRuns[1]?.summary;
    expect(summary?.flavor).toBe('document');
    expect(data.markdown[summary?.key ?? '']).toContain('pie title Gates');
    expect(data.checkRuns[2]?.summary).toBeUndefined();
  });

  it('lays steps out one after another within their job', () => {
    const train = data.runs[1]?.jobs[0];
    expect(train?.steps.map((s) => s.offset_ms)).toEqual([0, 1200, 5300, 36_300, 131_300]);
    expect(train?.steps.map((s) => s.duration)).toEqual(['1.2s', '4.1s', '31.0s', '1m 35s', '2.3s']);
    expect(data.runs.map((r) => [r.anchor, r.title, r.event, r.badge.text])).toEqual([
      ['run-101', 'intake #1', 'issues.opened', 'success'],
      ['run-102', 'model-pr #2', 'pull_request.opened', 'failure'],
      ['run-103', 'approval #3', 'pull_request_review.submitted', 'success'],
      ['run-104', 'deploy #4', 'push', 'success'],
    ]);
    expect(data.runs[1]?.jobs[1]?.annotations[0]?.message).toBe('fairness gap 0.12 is above 0.1');
    expect(data.markdown[data.runs[1]?.jobs[0]?.summary?.key ?? '']).toContain('| epoch | dev accuracy |');
    expect(data.runs[3]?.jobs.map((j) => j.environment)).toEqual(['staging', 'production']);
  });

  it('orders runs by id whatever order they come in', () => {
    const d = buildReportData({ snapshot: syntheticSnapshot(), runs: syntheticRuns().reverse() });
    expect(d.runs.map((r) => r.id)).toEqual([101, 102, 103, 104]);
  });

  it('keeps releases with their assets, and deployments with their statuses in order', () => {
    expect(data.releases[0]?.assets).toEqual([
      { name: 'reviews-1.3.0.tar.gz', size: '12 MB', contentType: 'application/gzip' },
      { name: 'reviews-1.3.0.tar.gz.sha256', size: '91 B', contentType: 'text/plain' },
    ]);
    expect(data.releases[0]?.badges).toEqual([{ text: 'latest', tone: 'success' }]);
    expect(data.deployments.map((d) => [d.anchor, d.environment, d.badge.text, d.statuses.map((s) => s.badge.text)])).toEqual([
      ['deployment-40', 'staging', 'success', ['in progress', 'success']],
      ['deployment-41', 'production', 'success', ['success']],
    ]);
    // Only http(s) URLs become links.
    expect(data.deployments[0]?.statuses.map((s) => s.url)).toEqual([null, 'http://127.0.0.1:41001/']);
    expect(data.deployments[1]?.statuses[0]?.url).toBeNull();
    expect(data.environments[1]?.reviews).toEqual([{ runId: 104, job: 'production', state: { text: 'approved', tone: 'success' }, by: 'alice', comment: 'Ship it' }]);
  });

  it('marks only the newest published release as latest', () => {
    const snap = syntheticSnapshot();
    const first = snap.releases[0];
    if (!first) throw new Error('fixture');
    snap.releases.push({ ...first, id: 31, tagName: 'reviews-v1.4.0', name: null }, { ...first, id: 32, tagName: 'reviews-v1.5.0-rc.1', name: null, prerelease: true });
    const d = buildReportData({ snapshot: snap, runs: [] });
    expect(d.releases.map((r) => [r.name, r.badges.map((b) => b.text)])).toEqual([
      ['reviews 1.3.0', []],
      ['reviews-v1.4.0', ['latest']],
      ['reviews-v1.5.0-rc.1', ['pre-release']],
    ]);
  });

  it('says what the story expected and whether it held', () => {
    expect(data.title).toBe('Rehearsal of acme/models — happy');
    expect(data.story?.badge).toEqual({ text: 'passed', tone: 'success' });
    expect(data.story?.held).toBe(2);
    expect(data.story?.serving.map((s) => s.environment)).toEqual(['staging', 'production']);
    expect(buildReportData({ snapshot: syntheticSnapshot(), runs: [] }).story).toBeUndefined();
  });

  it('puts every non-empty Markdown body in the table once, and nothing else', () => {
    const keys = new Set<string>();
    const refs = [
      ...data.issues.flatMap((i) => i.conversation.map((c) => c.body)),
      ...data.pulls.flatMap((p) => p.conversation.map((c) => c.body)),
      ...data.checkRuns.map((c) => c.summary),
      ...data.runs.flatMap((r) => r.jobs.map((j) => j.summary)),
      ...data.releases.map((r) => r.body),
    ].filter((r) => r !== undefined);
    for (const r of refs) keys.add(r.key);
    expect(keys.size).toBe(refs.length);
    expect(Object.keys(data.markdown).sort()).toEqual([...keys].sort());
    expect(Object.values(data.markdown)).toContain(HOSTILE_COMMENT);
  });

  it('is the same for the same input', () => {
    expect(buildReportData(syntheticInput())).toEqual(data);
  });
});

describe('report helpers', () => {
  it('writes durations and sizes the way GitHub does', () => {
    expect([0, 850, 4200, 59_940, 60_000, 187_000, 3_725_000].map(formatDuration)).toEqual(['0ms', '850ms', '4.2s', '59.9s', '1m 00s', '3m 07s', '1h 02m']);
    expect(formatDuration(-1)).toBe('–');
    expect([0, 1023, 1024, 15_000, 12_345_678, 5 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KB', '15 KB', '12 MB', '5.0 GB']);
  });

  it('colours states and conclusions', () => {
    expect(['success', 'failure', 'error', 'cancelled', 'skipped', 'queued', 'in_progress', 'APPROVED', 'CHANGES_REQUESTED', 'weird', null].map(toneOf)).toEqual([
      'success', 'failure', 'failure', 'neutral', 'skipped', 'pending', 'pending', 'success', 'failure', 'pending', 'pending',
    ]);
    expect(badge('in_progress')).toEqual({ text: 'in progress', tone: 'pending' });
    expect(badge(null, 'neutral')).toEqual({ text: 'neutral', tone: 'neutral' });
  });

  it('finds sticky comment keys and refuses non-http URLs', () => {
    expect(stickyKey('<!-- gitops-ml:model-card -->\nbody')).toBe('model-card');
    expect(stickyKey('no marker')).toBeUndefined();
    expect(['https://x.example/a', 'http://127.0.0.1:1', 'javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'not a url', '', null].map(safeHttpUrl)).toEqual([
      'https://x.example/a', 'http://127.0.0.1:1/', null, null, null, null, null, null,
    ]);
  });
});

describe('renderReportHtml', () => {
  const data = buildReportData(syntheticInput());
  const html = renderReportHtml(data);

  it('escapes every text it writes itself', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(html).toContain('Model: reviews &lt;script&gt;window.__pwned=13&lt;/script&gt;');
    expect(html).not.toContain('<script>window.__pwned');
    const outsideData = html.replace(/<script type="application\/json"[^>]*>[^<]*<\/script>/, '');
    expect(outsideData).toContain('deployment-41');
    expect(outsideData).not.toContain('javascript:');
  });

  it('embeds the Markdown as JSON that no content can break out of', () => {
    const nasty = { a: '</script><script>alert(1)</script>', b: '<!-- <script>', c: 'x\u2028y\u2029z & >' };
    const text = embedJson(nasty);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(nasty);
    const block = new RegExp(`<script type="application/json" id="${MARKDOWN_DATA_ID}">([^<]*)</script>`).exec(html);
    expect(block).not.toBeNull();
    expect(JSON.parse(block?.[1] ?? '')).toEqual(data.markdown);
    // The only script elements: the data block and the page's own files.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([`<script type="application/json" id="${MARKDOWN_DATA_ID}">`, ...PAGE_SCRIPTS.map((s) => `<script src="assets/${s}">`)]);
  });

  it('keeps the page off the network and names every section', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    for (const id of ['story', 'issues', 'pulls', 'checks', 'actions', 'releases', 'deployments', 'issue-1', 'pull-2', 'check-run-20', 'check-run-21', 'check-run-22', 'run-102', 'run-102-job-train', 'release-30', 'deployment-40', 'deployment-41'])
      expect(html).toContain(`id="${id}"`);
    for (const key of Object.keys(data.markdown)) expect(html).toContain(`data-md="${key}"`);
  });

  it('draws bars as shares of the longest run, steps offset within their job', () => {
    // train's "Train" step starts at 36.3s of the 133.9s job and lasts 95s.
    const train = /id="run-102-job-train"[\s\S]*?Train<\/span>[\s\S]*?style="([^"]*)"/.exec(html);
    expect(train?.[1]).toBe('margin-left:27.11%;width:70.95%');
  });
});
