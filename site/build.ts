import { posix } from 'node:path';
import { openApiToMarkdown } from './openapi-markdown.js';

/**
 * The documentation site's pages, as Markdown: the home page, one page per model (its
 * card and its version history from the releases), the API reference and the guides.
 * Links between the repository's Markdown files become links between pages; links to
 * other files of the repository go to the repository on GitHub. Pure: the caller reads
 * the files and the releases and writes the pages.
 */

export interface SiteRelease {
  tag_name: string;
  name: string | null;
  published_at: string | null;
  html_url: string;
  draft?: boolean;
  prerelease?: boolean;
  assets: ReadonlyArray<{ name: string; size: number; browser_download_url: string }>;
}

export interface SiteInputs {
  /** owner/name, for titles and links. */
  repository: string;
  /** https://github.com/owner/name: where links to non-page files go (left relative when absent). */
  repoUrl?: string;
  /** The commit or branch those links name. */
  ref?: string;
  /** docs/*.md (repository path → text), the guides. */
  guides: ReadonlyArray<{ path: string; text: string }>;
  /** docs/model-cards/<name>.md and its JSON record. */
  cards: ReadonlyArray<{ name: string; markdown: string; record?: Record<string, unknown> }>;
  /** The service's OpenAPI document (docs/API_SPEC.yaml). */
  openapi: Record<string, unknown>;
  releases: readonly SiteRelease[];
}

export interface SitePage {
  /** Path inside the site, e.g. models/sentiment.html. */
  path: string;
  title: string;
  markdown: string;
}

const API_PATH = 'api.html';

/** Repository path of a Markdown file → its page, for the files that have one. */
export function pageFor(repoPath: string, cards: ReadonlySet<string>): string | undefined {
  if (repoPath === 'README.md' || repoPath === 'docs/README.md') return 'index.html';
  if (repoPath === 'docs/API_SPEC.yaml') return API_PATH;
  const card = /^docs\/model-cards\/([^/]+)\.md$/.exec(repoPath);
  if (card) return cards.has(card[1] as string) ? `models/${card[1]}.html` : undefined;
  const guide = /^docs\/([^/]+)\.md$/.exec(repoPath);
  return guide ? `guides/${guide[1]}.html` : undefined;
}

/**
 * Rewrites the relative links of a Markdown text written at `fromRepo` (a repository
 * path) for a page at `fromPage`: to pages where the target has one, else to the
 * repository on GitHub. Absolute URLs, anchors and mail links stay as they are.
 */
export function rewriteLinks(markdown: string, fromRepo: string, fromPage: string, opts: { cards: ReadonlySet<string>; repoUrl?: string; ref?: string }): string {
  return markdown.replace(/(!?)\[([^\]\n]*)\]\(([^)\s]+)(\s+"[^"]*")?\)/g, (whole, bang: string, text: string, target: string, title: string | undefined) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) return whole;
    const [path = '', hash] = target.split('#', 2) as [string, string | undefined];
    const repoPath = posix.normalize(posix.join(posix.dirname(fromRepo), decodeURI(path)));
    if (repoPath.startsWith('..')) return whole;
    const page = pageFor(repoPath, opts.cards);
    let to: string | undefined;
    if (page) to = posix.relative(posix.dirname(fromPage), page) || posix.basename(page);
    else if (opts.repoUrl) to = `${opts.repoUrl}/blob/${opts.ref ?? 'HEAD'}/${encodeURI(repoPath)}`;
    if (!to) return whole;
    return `${bang}[${text}](${to}${hash ? `#${hash}` : ''}${title ?? ''})`;
  });
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

/** The releases of one model (tags `<model>-v<version>`), newest first, published ones only. */
export function modelReleases(releases: readonly SiteRelease[], model: string): SiteRelease[] {
  const prefix = `${model}-v`;
  return releases
    .filter((r) => !r.draft && r.tag_name.startsWith(prefix))
    .sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? '') || b.tag_name.localeCompare(a.tag_name, 'en', { numeric: true }));
}

export function versionHistoryMarkdown(releases: readonly SiteRelease[], model: string): string {
  const mine = modelReleases(releases, model);
  const lines = ['## Version history', ''];
  if (mine.length === 0) return [...lines, 'No release yet: a version is released when its pull request is merged and deployed.'].join('\n');
  lines.push('| version | released | assets |', '| --- | --- | --- |');
  for (const r of mine) {
    const version = r.tag_name.slice(model.length + 2);
    const assets = r.assets.map((a) => `[${cell(a.name)}](${a.browser_download_url}) (${sizeText(a.size)})`).join('<br>');
    lines.push(`| [${cell(version)}](${r.html_url})${r.prerelease ? ' (pre-release)' : ''} | ${(r.published_at ?? '').slice(0, 10)} | ${assets} |`);
  }
  return lines.join('\n');
}

function guideTitle(g: { path: string; text: string }): string {
  return /^#\s+(.+)$/m.exec(g.text)?.[1]?.trim() ?? posix.basename(g.path, '.md');
}

function num(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(3) : '';
}

export function buildSite(inputs: SiteInputs): SitePage[] {
  const cards = new Set(inputs.cards.map((c) => c.name));
  const link = { cards, repoUrl: inputs.repoUrl, ref: inputs.ref };
  const guides = inputs.guides.filter((g) => g.path !== 'docs/README.md').sort((a, b) => a.path.localeCompare(b.path));
  const pages: SitePage[] = [];

  const home: string[] = [`# ${inputs.repository}`, '', 'Models, their cards and version history, the inference API and the guides.', '', '## Models', ''];
  if (inputs.cards.length === 0) home.push('No model card yet.');
  else {
    home.push('| model | version in production | test accuracy | ECE |', '| --- | --- | --- | --- |');
    for (const c of inputs.cards) {
      const released = modelReleases(inputs.releases, c.name)[0];
      const version = released ? released.tag_name.slice(c.name.length + 2) : 'not released';
      const test = (c.record?.test ?? {}) as Record<string, unknown>;
      home.push(`| [${cell(c.name)}](models/${encodeURIComponent(c.name)}.html) | ${cell(version)} | ${num(test.accuracy)} | ${num(test.ece)} |`);
    }
  }
  home.push('', '## Reference', '', `- [Inference API](${API_PATH}): every operation of the service, from its OpenAPI description`, '', '## Guides', '');
  for (const g of guides) home.push(`- [${cell(guideTitle(g))}](${pageFor(g.path, cards)})`);
  const intro = inputs.guides.find((g) => g.path === 'docs/README.md');
  if (intro) home.push('', '---', '', rewriteLinks(intro.text.replace(/^#\s+.+\n/, ''), intro.path, 'index.html', link));
  pages.push({ path: 'index.html', title: inputs.repository, markdown: home.join('\n') });

  for (const c of inputs.cards) {
    const path = `models/${c.name}.html`;
    pages.push({ path, title: `${c.name} — model card`, markdown: `${rewriteLinks(c.markdown, `docs/model-cards/${c.name}.md`, path, link)}\n\n${versionHistoryMarkdown(inputs.releases, c.name)}\n` });
  }

  pages.push({ path: API_PATH, title: 'Inference API', markdown: openApiToMarkdown(inputs.openapi) });

  for (const g of guides) {
    const path = pageFor(g.path, cards) as string;
    pages.push({ path, title: guideTitle(g), markdown: rewriteLinks(g.text, g.path, path, link) });
  }
  return pages;
}
