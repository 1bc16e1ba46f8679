import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalGitHub } from '../../rehearsal/github/index.js';
import { MemoryLogger, WorkflowRunner } from '../../rehearsal/runner/index.js';
import type { WorkflowRunRecord } from '../../rehearsal/types.js';

/*
 * GitHub Pages as a workflow deploys it: actions/upload-pages-artifact and
 * actions/deploy-pages (the pins the repository's pages.yml uses) on the runner, the
 * Pages API and backend on the local GitHub. Each way a first deployment fails on
 * github.com is rehearsed with deploy-pages' own message.
 */

const UPLOAD_PAGES = 'actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9'; // v5.0.0
const DEPLOY_PAGES = 'actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128'; // v5.0.0
const UPLOAD = 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f'; // v7.0.0

function workflow(o: { deployPermissions?: string; build?: string } = {}): string {
  return `name: pages
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: |
${(o.build ?? `          mkdir -p _site/models && echo '<h1>site</h1>' > _site/index.html && echo card > _site/models/m.html
          echo secret > _site/.env && ln -s ../index.html _site/models/link.html`).replace(/^/gm, '')}
      - uses: ${UPLOAD_PAGES}
        with:
          path: _site
  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
${o.deployPermissions ?? '      pages: write\n      id-token: write'}
    environment:
      name: github-pages
      url: \${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: ${DEPLOY_PAGES}
        with:
          reporting_interval: 10
`;
}

describe('GitHub Pages deployments (upload-pages-artifact, deploy-pages, the Pages backend)', () => {
  let dir: string;
  let gh: LocalGitHub;
  let runner: WorkflowRunner;
  const logger = new MemoryLogger();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rehearsal-pages-'));
    gh = await new LocalGitHub({ dir: join(dir, 'github') }).start();
    gh.userToken('octo-admin', 'admin');
    await gh.createFromTemplate({ owner: 'acme', repo: 'site', files: { 'README.md': '# site\n' }, as: 'octo-admin', visibility: 'public' });
    runner = new WorkflowRunner({ github: gh, repoOwner: 'acme', repo: 'site', workDir: join(dir, 'runner'), logger, cancelGraceMs: 300 });
    gh.connectPagesArtifacts((_o, _r, id) => runner.artifactFiles(id));
    runner.start();
  });

  afterAll(async () => {
    await runner.close();
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function push(text: string, message: string): Promise<WorkflowRunRecord> {
    const before = runner.runs().length;
    await gh.push('acme', 'site', { as: 'octo-admin', branch: 'main', message, files: { '.github/workflows/pages.yml': text } });
    await runner.waitIdle();
    const runs = runner.runs().slice(before);
    expect(runs).toHaveLength(1);
    return runs[0] as WorkflowRunRecord;
  }
  const jobOf = (run: WorkflowRunRecord, id: string): WorkflowRunRecord['jobs'][number] => run.jobs.find((j) => j.id === id) as WorkflowRunRecord['jobs'][number];
  const errors = (run: WorkflowRunRecord, id: string): string[] => jobOf(run, id).annotations.filter((a) => a.level === 'error').map((a) => a.message);

  it('fails a first deployment of a new repository: Pages is not enabled (404), with deploy-pages\' message', async () => {
    const run = await push(workflow(), 'pages workflow');
    expect(jobOf(run, 'build').conclusion).toBe('success');
    expect(jobOf(run, 'deploy').conclusion).toBe('failure');
    expect(errors(run, 'deploy')).toContain(`Failed to create deployment (status: 404) with build version ${run.head_sha}. Ensure GitHub Pages has been enabled: ${gh.serverUrl}/acme/site/settings/pages\nNote: This action version may not yet support GitHub Enterprise Server, please check the compatibility table.`);
    expect(gh.snapshot('acme', 'site').pages).toBeNull();
  });

  it('a job token cannot enable Pages; an admin can (Actions as the source), and the github-pages environment appears', async () => {
    const token = gh.mintToken({ owner: 'acme', repo: 'site', permissions: { pages: 'write', contents: 'write' }, runId: 1, job: 'x' });
    const denied = await fetch(`${gh.apiUrl}/repos/acme/site/pages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ build_type: 'workflow' }) });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { message: string }).message).toBe('Resource not accessible by integration');
    await gh.enablePages('acme', 'site', { as: 'octo-admin' });
    const snap = gh.snapshot('acme', 'site');
    expect(snap.pages).toMatchObject({ htmlUrl: 'https://acme.github.io/site/', buildType: 'workflow', deployments: [] });
    expect(snap.environments.map((e) => e.name)).toContain('github-pages');
    await expect(gh.enablePages('acme', 'site', { as: 'octo-admin' })).rejects.toThrow(/409|already enabled/);
  });

  it('deploys: the tar of the site (links dereferenced, hidden files left out) is published, page_url is the environment URL', async () => {
    const run = await push(`${workflow()}# again\n`, 'deploy again');
    expect(run.conclusion).toBe('success');
    const deploy = jobOf(run, 'deploy');
    expect(deploy.environment).toMatchObject({ name: 'github-pages', url: 'https://acme.github.io/site/' });
    const pages = gh.snapshot('acme', 'site').pages;
    const last = pages?.deployments.at(-1);
    expect(last).toMatchObject({ status: 'succeed', buildVersion: run.head_sha });
    const site = last?.siteDir as string;
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toBe('<h1>site</h1>\n');
    expect(readFileSync(join(site, 'models/m.html'), 'utf8')).toBe('card\n');
    // upload-pages-artifact's tar --dereference: the link arrives as the file it pointed to.
    expect(readFileSync(join(site, 'models/link.html'), 'utf8')).toBe('<h1>site</h1>\n');
    expect(existsSync(join(site, '.env'))).toBe(false);
    const deployments = gh.snapshot('acme', 'site').deployments.filter((d) => d.environment === 'github-pages');
    expect(deployments.at(-1)?.statuses.map((s) => [s.state, s.environmentUrl])).toEqual([['success', 'https://acme.github.io/site/']]);
  });

  it('needs id-token: write and pages: write, each with deploy-pages\' message', async () => {
    const noId = await push(workflow({ deployPermissions: '      pages: write' }), 'no id-token');
    expect(errors(noId, 'deploy')).toEqual(['Ensure GITHUB_TOKEN has permission "id-token: write".']);
    const noPages = await push(workflow({ deployPermissions: '      id-token: write' }), 'no pages');
    expect(errors(noPages, 'deploy')).toContain(`Failed to create deployment (status: 403) with build version ${noPages.head_sha}. Ensure GITHUB_TOKEN has permission "pages: write".`);
  });

  it('refuses content that is not one tar of plain files: a bare artifact, a tar carrying a symlink', async () => {
    const bare = workflow().replace(`      - uses: ${UPLOAD_PAGES}\n        with:\n          path: _site`, `      - uses: ${UPLOAD}\n        with:\n          name: github-pages\n          path: _site`);
    const run = await push(bare, 'bare artifact');
    expect(errors(run, 'deploy')).toEqual(['Artifact could not be deployed. Please ensure the content does not contain any hard links, symlinks and total size is less than 10GB.']);
    expect(gh.snapshot('acme', 'site').pages?.deployments.at(-1)).toMatchObject({ status: 'deployment_content_failed', problem: expect.stringMatching(/files; Pages wants a single tar file/) });

    const linked = workflow({ build: '          mkdir -p site && echo hi > site/index.html && ln -s index.html site/home.html && mkdir out && tar -C site -cf out/artifact.tar .' }).replace(`      - uses: ${UPLOAD_PAGES}\n        with:\n          path: _site`, `      - uses: ${UPLOAD}\n        with:\n          name: github-pages\n          path: out/artifact.tar`);
    const run2 = await push(linked, 'symlink in the tar');
    expect(jobOf(run2, 'deploy').conclusion).toBe('failure');
    expect(gh.snapshot('acme', 'site').pages?.deployments.at(-1)).toMatchObject({ status: 'deployment_content_failed', problem: './home.html: a symbolic link' });
    expect(gh.problems).toEqual([]);
  });
});
