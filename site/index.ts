import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { createClient } from '../actions/shared/src/github.js';
import { GitopsMlError } from '../model/errors.js';
import { escapeHtml, pageDocument } from '../rehearsal/report/html.js';
import { writePageAssets } from '../rehearsal/report/index.js';
import type { SiteInputs, SitePage, SiteRelease } from './build.js';

/**
 * The documentation site: reads the repository's docs, model cards and OpenAPI document,
 * lists the releases, and writes static pages rendered in the browser by the same
 * renderer as the rehearsal report (marked, DOMPurify, Mermaid, shipped in assets/), so a
 * card reads the same on the PR, in the report and on the site. Every link is relative:
 * the site works under https://<owner>.github.io/<repo>/ and from file://.
 */

export { buildSite, rewriteLinks, versionHistoryMarkdown, modelReleases, pageFor } from './build.js';
export type { SiteInputs, SitePage, SiteRelease } from './build.js';

/** Reads what the site is built from, in a checkout at `root`. */
export function readSiteInputs(root: string, o: { repository: string; repoUrl?: string; ref?: string; releases: readonly SiteRelease[] }): SiteInputs {
  const docs = join(root, 'docs');
  const spec = join(docs, 'API_SPEC.yaml');
  if (!existsSync(spec)) throw new GitopsMlError('E_SITE_INPUT', `${spec} is missing: the API reference is generated from it (npm run build && node scripts/api-spec.mjs)`);
  const guides = readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => ({ path: `docs/${f}`, text: readFileSync(join(docs, f), 'utf8') }));
  const cardsDir = join(docs, 'model-cards');
  const cards = existsSync(cardsDir)
    ? readdirSync(cardsDir)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => {
          const name = f.slice(0, -3);
          const json = join(cardsDir, `${name}.json`);
          let record: Record<string, unknown> | undefined;
          if (existsSync(json)) {
            try {
              record = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
            } catch (err) {
              throw new GitopsMlError('E_SITE_INPUT', `${json} is not valid JSON: ${(err as Error).message}`);
            }
          }
          return { name, markdown: readFileSync(join(cardsDir, f), 'utf8'), ...(record ? { record } : {}) };
        })
    : [];
  return { repository: o.repository, ...(o.repoUrl ? { repoUrl: o.repoUrl } : {}), ...(o.ref ? { ref: o.ref } : {}), guides, cards, openapi: parse(readFileSync(spec, 'utf8')) as Record<string, unknown>, releases: o.releases };
}

/** Every published release of a repository, through the REST API (contents: read is enough). */
export async function fetchReleases(repository: string, token: string, apiUrl?: string): Promise<SiteRelease[]> {
  const [owner, repo] = repository.split('/') as [string, string];
  const gh = createClient(token, apiUrl);
  const all = await gh.paginate(gh.rest.repos.listReleases, { owner, repo, per_page: 100 });
  return all.map((r) => ({ tag_name: r.tag_name, name: r.name, published_at: r.published_at, html_url: r.html_url, draft: r.draft, prerelease: r.prerelease, assets: r.assets.map((a) => ({ name: a.name, size: a.size, browser_download_url: a.browser_download_url })) }));
}

const SITE_CSS = `.site-nav { display: flex; gap: 1em; flex-wrap: wrap; padding: .5em 0; border-bottom: 1px solid var(--border); margin-bottom: 1em; }
.site-nav a { text-decoration: none; }
main.site { max-width: 980px; margin: 0 auto; padding: 0 1em 3em; }
`;

function pageHtml(page: SitePage, pages: readonly SitePage[], siteTitle: string): string {
  const up = posix.relative(posix.dirname(page.path), '.') || '.';
  const link = (to: string): string => posix.relative(posix.dirname(page.path), to) || posix.basename(to);
  const guides = pages.filter((p) => p.path.startsWith('guides/'));
  const models = pages.filter((p) => p.path.startsWith('models/'));
  const nav = [`<a href="${escapeHtml(link('index.html'))}">${escapeHtml(siteTitle)}</a>`, ...models.map((m) => `<a href="${escapeHtml(link(m.path))}">${escapeHtml(m.title.replace(/ — model card$/, ''))}</a>`), `<a href="${escapeHtml(link('api.html'))}">API</a>`, ...guides.map((g) => `<a href="${escapeHtml(link(g.path))}">${escapeHtml(g.title)}</a>`)];
  const body = [
    '<main class="site">',
    `<nav class="site-nav">${nav.join(' ')}</nav>`,
    '<noscript><p class="warning">The pages are Markdown rendered by their scripts: enable JavaScript to read them.</p></noscript>',
    `<article class="markdown-body" data-md="page" data-flavor="document"><p class="muted">Rendering…</p></article>`,
    '</main>',
  ].join('\n');
  return pageDocument({ title: page.title, assets: `${up}/assets`, body, markdown: { page: page.markdown }, extraStyles: ['site.css'] }).join('\n');
}

/** Writes the pages and assets/ under `outDir`; returns the written page paths. */
export function writeSite(outDir: string, pages: readonly SitePage[], siteTitle: string): string[] {
  const root = resolve(outDir);
  writePageAssets(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'site.css'), SITE_CSS);
  const written: string[] = [];
  for (const p of pages) {
    const file = join(root, p.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, pageHtml(p, pages, siteTitle));
    written.push(file);
  }
  return written;
}
