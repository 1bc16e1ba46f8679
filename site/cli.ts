import { parseArgs } from 'node:util';
import { GitopsMlError } from '../model/errors.js';
import { buildSite, fetchReleases, readSiteInputs, writeSite } from './index.js';

const USAGE = `gitops-ml site [--out DIR] [--repository OWNER/NAME] [--root DIR]

Builds the documentation site (model cards with their version history, the API
reference, the guides) as static pages in DIR (default _site). With a repository
(--repository, else $GITHUB_REPOSITORY) the version history comes from its releases
through the REST API, with $GITHUB_TOKEN; without one the site is built with no releases.`;

export async function cmdSite(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, repository: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const repository = values.repository ?? process.env.GITHUB_REPOSITORY;
  if (repository !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new GitopsMlError('E_USAGE', `--repository must be OWNER/NAME (got "${repository}")`);
  let releases: Awaited<ReturnType<typeof fetchReleases>> = [];
  if (repository) {
    const token = process.env.GITHUB_TOKEN;
    if (!token) throw new GitopsMlError('E_USAGE', `listing the releases of ${repository} needs GITHUB_TOKEN (contents: read)`);
    releases = await fetchReleases(repository, token, process.env.GITHUB_API_URL);
  }
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const inputs = readSiteInputs(values.root ?? process.cwd(), {
    repository: repository ?? 'gitops-ml',
    ...(repository ? { repoUrl: `${server}/${repository}` } : {}),
    ref: process.env.GITHUB_SHA ?? 'main',
    releases,
  });
  const pages = buildSite(inputs);
  const out = values.out ?? '_site';
  writeSite(out, pages, inputs.repository);
  process.stdout.write(`site: ${pages.length} pages (${inputs.cards.length} model card${inputs.cards.length === 1 ? '' : 's'}, ${releases.length} release${releases.length === 1 ? '' : 's'}) in ${out}\n`);
  return 0;
}
