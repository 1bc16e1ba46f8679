import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import type { PagesDeploymentRecord, PagesRecord, RepoRecord } from '../model.js';
import type { Call, Handler, Reply } from './context.js';
import { noContent, ok, repoOf, str } from './context.js';

/**
 * GitHub Pages with GitHub Actions as the source: enabling it (POST /pages, what
 * `gitops-ml setup` does), and the deployments actions/deploy-pages creates. The Pages
 * backend's part is here too: it takes the run's artifact (the store is the runner's, so
 * the local GitHub asks it through `Core.pagesArtifacts`), refuses content that is not a
 * tar of plain files and directories under 10 GB, as upload-pages-artifact's README
 * describes, and publishes the files.
 */

/** The unofficial absolute limit upload-pages-artifact's README gives: Pages will not attempt a larger site. */
export const PAGES_MAX_BYTES = 10 * 1024 ** 3;

function notEnabled(c: Call): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: c.op.docsUrl } };
}

function pageJson(c: Call, repo: RepoRecord, p: PagesRecord): Record<string, unknown> {
  return {
    url: `${c.core.links.api}/repos/${repo.owner}/${repo.name}/pages`,
    status: p.deployments.some((d) => d.status === 'succeed') ? 'built' : null,
    cname: null,
    custom_404: false,
    html_url: p.htmlUrl,
    build_type: p.buildType,
    source: p.source,
    public: repo.visibility === 'public',
    https_enforced: true,
  };
}

const getPages: Handler = (c) => {
  const repo = repoOf(c);
  return repo.pages ? ok(pageJson(c, repo, repo.pages)) : notEnabled(c);
};

const createPagesSite: Handler = (c) => {
  const repo = repoOf(c);
  // UNCONFIRMED wording: the conflict GitHub answers when Pages is already enabled.
  if (repo.pages) return { status: 409, body: { message: 'GitHub Pages is already enabled.', documentation_url: c.op.docsUrl } };
  const buildType = c.body.build_type === 'workflow' ? 'workflow' : 'legacy';
  const source = c.body.source as { branch?: string; path?: string } | undefined;
  repo.pages = {
    buildType,
    source: source?.branch ? { branch: source.branch, path: source.path ?? '/' } : buildType === 'legacy' ? { branch: repo.defaultBranch, path: '/' } : null,
    // Project sites live under the owner's github.io host; the owner part is lower-cased.
    htmlUrl: `https://${repo.owner.toLowerCase()}.github.io/${repo.name}/`,
    deployments: [],
  };
  // With Actions as the source GitHub creates the github-pages environment for the deployments.
  if (buildType === 'workflow') c.core.ensureEnvironment(repo, 'github-pages', 'admin');
  return ok(pageJson(c, repo, repo.pages), 201);
};

const updatePagesSite: Handler = (c) => {
  const repo = repoOf(c);
  if (!repo.pages) return notEnabled(c);
  if (c.body.build_type === 'workflow' || c.body.build_type === 'legacy') repo.pages.buildType = c.body.build_type;
  if (repo.pages.buildType === 'workflow') c.core.ensureEnvironment(repo, 'github-pages', 'admin');
  return noContent();
};

const deletePagesSite: Handler = (c) => {
  const repo = repoOf(c);
  if (!repo.pages) return notEnabled(c);
  delete repo.pages;
  return noContent();
};

/** The OIDC token's claims (deploy-pages sends the job's ID token; Pages checks where it comes from). */
function claims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** What the Pages backend refuses in a site tar, or undefined when it is plain files and directories. */
export async function pagesContentProblem(tarFile: string): Promise<string | undefined> {
  const problems: string[] = [];
  let total = 0;
  await tar.t({
    file: tarFile,
    onReadEntry: (entry) => {
      const path = String(entry.path);
      if (path.startsWith('/') || path.split('/').includes('..')) problems.push(`${path}: a path outside the site`);
      else if (entry.type === 'SymbolicLink') problems.push(`${path}: a symbolic link`);
      else if (entry.type === 'Link') problems.push(`${path}: a hard link`);
      else if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory') problems.push(`${path}: a ${entry.type} entry`);
      total += entry.size ?? 0;
    },
  });
  if (total > PAGES_MAX_BYTES) problems.push(`${total} bytes, above 10 GB`);
  return problems.length ? problems.join('; ') : undefined;
}

/** The one tar an artifact must hold (upload-pages-artifact's artifact.tar), or why not. */
function siteTar(dir: string): { file: string } | { problem: string } {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory());
  if (files.length !== 1) return { problem: `the artifact holds ${files.length} files; Pages wants a single tar file` };
  const f = files[0]!;
  const file = join(f.parentPath, f.name);
  if (!f.name.endsWith('.tar') || !statSync(file).isFile()) return { problem: `the artifact holds ${f.name}, not a tar file` };
  return { file };
}

const createPagesDeployment: Handler = async (c) => {
  const repo = repoOf(c);
  if (!repo.pages) return notEnabled(c);
  const nwo = `${repo.owner}/${repo.name}`;
  const oidc = claims(String(c.body.oidc_token ?? ''));
  // UNCONFIRMED wording: Pages only deploys an artifact whose ID token names this repository.
  if (!oidc || String(oidc.repository ?? '').toLowerCase() !== nwo.toLowerCase()) return { status: 400, body: { message: 'Invalid OIDC token', documentation_url: c.op.docsUrl } };
  const artifactId = Number(c.body.artifact_id ?? String(c.body.artifact_url ?? '').split('/').pop());
  const dir = Number.isFinite(artifactId) ? c.core.pagesArtifacts?.(repo.owner, repo.name, artifactId) : undefined;
  // UNCONFIRMED wording of the answer for an artifact id the repository's runs do not have.
  if (!dir) return { status: 404, body: { message: 'Artifact not found', documentation_url: c.op.docsUrl } };
  const environment = str(c.body.environment) ?? 'github-pages';
  const d: PagesDeploymentRecord = { id: c.core.id(), artifactId, buildVersion: String(c.body.pages_build_version ?? ''), environment, status: 'succeed', createdAt: c.core.now(), creator: c.actor.login };
  const found = siteTar(dir);
  const problem = 'problem' in found ? found.problem : await pagesContentProblem(found.file);
  if (problem || 'problem' in found) {
    d.status = 'deployment_content_failed';
    d.problem = problem;
  } else {
    const siteDir = join(c.core.dir, 'pages', repo.owner, repo.name, String(d.id));
    rmSync(siteDir, { recursive: true, force: true });
    mkdirSync(siteDir, { recursive: true });
    await tar.x({ file: found.file, cwd: siteDir });
    d.siteDir = siteDir;
  }
  repo.pages.deployments.push(d);
  if (d.status === 'succeed') {
    // A Pages deployment is also a deployment of the github-pages environment, as on GitHub.
    c.core.ensureEnvironment(repo, environment, 'workflow');
    const now = c.core.now();
    repo.deployments.push({
      id: c.core.id(),
      sha: d.buildVersion,
      ref: d.buildVersion,
      task: 'deploy',
      environment,
      payload: {},
      description: null,
      creator: c.actor.login,
      createdAt: now,
      transientEnvironment: false,
      productionEnvironment: false,
      statuses: [{ id: c.core.id(), state: 'success', description: 'Deployed to GitHub Pages', environmentUrl: repo.pages.htmlUrl, logUrl: '', creator: c.actor.login, createdAt: now }],
    });
  }
  const statusUrl = `${c.core.links.api}/repos/${repo.owner}/${repo.name}/pages/deployments/${d.id}/status`;
  return ok({ id: d.id, status_url: statusUrl, page_url: repo.pages.htmlUrl });
};

const getPagesDeployment: Handler = (c) => {
  const repo = repoOf(c);
  const d = repo.pages?.deployments.find((x) => String(x.id) === c.params.pages_deployment_id);
  if (!d) return notEnabled(c);
  return ok({ status: d.status });
};

export const pagesHandlers: Record<string, Handler> = {
  'repos/get-pages': getPages,
  'repos/create-pages-site': createPagesSite,
  'repos/update-information-about-pages-site': updatePagesSite,
  'repos/delete-pages-site': deletePagesSite,
  'repos/create-pages-deployment': createPagesDeployment,
  'repos/get-pages-deployment': getPagesDeployment,
};
