import { join } from 'node:path';
import type { StandIn, StandInContext } from './types.js';

/**
 * actions/upload-pages-artifact (v5.0.0, a composite action) and actions/deploy-pages
 * (v5.0.0). Upload runs the same `tar` command line the composite runs on Linux and
 * uploads artifact.tar as the run's `github-pages` artifact (upload-artifact v7's rules);
 * deploy asks for the job's OIDC token, finds the artifact, creates the Pages deployment
 * over the REST API with the job token and polls its status, with deploy-pages' own
 * messages for each way that fails. The content checks are the Pages backend's
 * (rehearsal/github/rest/pages.ts), not the action's.
 */

async function uploadPages(ctx: StandInContext): Promise<void> {
  const name = ctx.getInput('name') || 'github-pages';
  const path = ctx.getInput('path', { required: true });
  const hidden = ctx.getInput('include-hidden-files') === 'true';
  const tarFile = join(ctx.temp, 'artifact.tar');
  const args = ['--dereference', '--hard-dereference', '--directory', path, '-cvf', tarFile, '--exclude=.git', '--exclude=.github', ...(hidden ? [] : ['--exclude=.[^/]*']), '.'];
  ctx.info('::group::Archive artifact');
  const r = await ctx.exec('tar', args, { cwd: ctx.workspace });
  ctx.info('::endgroup::');
  if (r.code !== 0) ctx.fail(`Process completed with exit code ${r.code ?? 1}.`);
  const runId = ctx.github.runId;
  if (ctx.services.artifacts.has(runId, name)) ctx.fail('Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run');
  const art = ctx.services.artifacts.upload(runId, name, [{ abs: tarFile, rel: 'artifact.tar' }], false);
  ctx.info(`Artifact ${name} has been successfully uploaded! Final size is ${art.size} bytes. Artifact ID is ${art.id}`);
  ctx.setOutput('artifact_id', String(art.id));
}

export const uploadPagesArtifact: StandIn = {
  key: 'actions/upload-pages-artifact',
  releases: { fc324d3547104276b827a68afc52ff2a11cc49c9: 'v5.0.0' },
  meta: () => ({
    name: 'Upload GitHub Pages artifact',
    using: 'composite',
    inputs: { name: { default: 'github-pages' }, path: { required: true, default: '_site/' }, 'retention-days': { default: '1' }, 'include-hidden-files': { default: 'false' } },
    outputs: ['artifact_id'],
  }),
  main: uploadPages,
};

const FINAL_ERRORS: Record<string, string> = {
  deployment_failed: 'Deployment failed, try again later.',
  deployment_content_failed: 'Artifact could not be deployed. Please ensure the content does not contain any hard links, symlinks and total size is less than 10GB.',
  deployment_cancelled: 'Deployment cancelled.',
  deployment_lost: 'Deployment failed to report final status.',
};

const ONE_GIGABYTE = 1073741824;

/**
 * The job's ID token as the Actions OIDC provider would issue it (unsigned here: nothing
 * but the local Pages backend reads it, and it checks the claims that name the run).
 */
function idToken(ctx: StandInContext): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = { iss: 'https://token.actions.githubusercontent.com', aud: `https://github.com/${ctx.github.owner}`, sub: `repo:${ctx.github.repository}:ref:${ctx.github.ref}`, repository: ctx.github.repository, repository_owner: ctx.github.owner, ref: ctx.github.ref, sha: ctx.github.sha, run_id: String(ctx.github.runId), job: ctx.github.job, actor: ctx.github.actor };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

async function api(ctx: StandInContext, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; data: Record<string, unknown> }> {
  const res = await fetch(`${ctx.github.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json', 'x-github-api-version': '2022-11-28' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: ctx.signal,
  });
  const text = await res.text();
  let data: Record<string, unknown> = {};
  try {
    data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    data = { message: text };
  }
  return { status: res.status, data };
}

async function deployPages(ctx: StandInContext): Promise<void> {
  // core.getIDToken needs ACTIONS_ID_TOKEN_REQUEST_URL, which a job only gets with id-token: write.
  if (ctx.permissions['id-token'] !== 'write') {
    ctx.info('Error: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
    ctx.fail('Ensure GITHUB_TOKEN has permission "id-token: write".');
  }
  const token = ctx.getInput('token', { required: true });
  const artifactName = ctx.getInput('artifact_name') || 'github-pages';
  const sha = ctx.github.sha;
  const timeoutInput = Number(ctx.getInput('timeout'));
  if (timeoutInput > 600000) ctx.warning('Warning: timeout value is greater than the allowed maximum - timeout set to the maximum of 600000 milliseconds.');

  ctx.info(`Fetching artifact metadata for "${artifactName}" in this workflow run`);
  const named = ctx.services.artifacts.list(ctx.github.runId).filter((a) => a.name === artifactName);
  if (named.length === 0) {
    ctx.error('Fetching artifact metadata failed. Is githubstatus.com reporting issues with API requests, Pages, or Actions? Please re-run the deployment at a later time.');
    ctx.fail(`No artifacts named "${artifactName}" were found for this workflow run. Ensure artifacts are uploaded with actions/upload-artifact@v4 or later.`);
  }
  const artifact = named[0]!;
  if (artifact.size > ONE_GIGABYTE) ctx.warning(`Uploaded artifact size of ${artifact.size} bytes exceeds the allowed size of 1 GB. Deployment might fail.`);

  const payload = { artifact_id: artifact.id, pages_build_version: sha, oidc_token: idToken(ctx) };
  ctx.info(`Creating Pages deployment with payload:\n${JSON.stringify({ ...payload, oidc_token: '***' }, null, '\t')}`);
  const created = await api(ctx, token, 'POST', `/repos/${ctx.github.repository}/pages/deployments`, payload);
  if (created.status >= 300) {
    ctx.error('Creating Pages deployment failed');
    let message = `Failed to create deployment (status: ${created.status}) with build version ${sha}.`;
    if (created.status === 400) message += ` Responded with: ${String(created.data.message ?? '')}`;
    else if (created.status === 403) message += ' Ensure GITHUB_TOKEN has permission "pages: write".';
    else if (created.status === 404) {
      message += ` Ensure GitHub Pages has been enabled: ${ctx.github.serverUrl}/${ctx.github.repository}/settings/pages`;
      if (new URL(ctx.github.serverUrl).hostname.toLowerCase() !== 'github.com') message += '\nNote: This action version may not yet support GitHub Enterprise Server, please check the compatibility table.';
    } else if (created.status >= 500) message += ' Server error, is githubstatus.com reporting a Pages outage? Please re-run the deployment at a later time.';
    ctx.fail(message);
  }
  const id = String(created.data.id ?? String(created.data.status_url ?? '').split('/').pop() ?? sha);
  ctx.info(`Created deployment for ${sha}, ID: ${id}`);
  ctx.setOutput('page_url', String(created.data.page_url ?? ''));

  const interval = Number(ctx.getInput('reporting_interval')) || 0;
  const maxErrors = Number(ctx.getInput('error_count')) || 10;
  const deadline = Date.now() + (!timeoutInput || timeoutInput <= 0 ? 600000 : Math.min(timeoutInput, 600000));
  let errors = 0;
  for (;;) {
    // The local backend answers at once: the wait is capped at a second instead of reporting_interval.
    await new Promise((r) => setTimeout(r, Math.min(interval, 1000)));
    ctx.info('Getting Pages deployment status...');
    const s = await api(ctx, token, 'GET', `/repos/${ctx.github.repository}/pages/deployments/${id}`);
    if (s.status >= 300) {
      if (++errors >= maxErrors) {
        ctx.error('Too many errors, aborting!');
        ctx.fail(`Failed with status code: ${s.status}`);
      }
      continue;
    }
    const status = String(s.data.status ?? '');
    if (status === 'succeed') {
      ctx.info('Reported success!');
      ctx.setOutput('status', 'succeed');
      return;
    }
    if (FINAL_ERRORS[status]) ctx.fail(FINAL_ERRORS[status]);
    ctx.info(`Current status: ${status}`);
    if (Date.now() > deadline) {
      ctx.error('Timeout reached, aborting!');
      ctx.fail('Timeout reached, aborting!');
    }
  }
}

export const deployPagesAction: StandIn = {
  key: 'actions/deploy-pages',
  releases: { cd2ce8fcbc39b97be8ca5fce6e763baed58fa128: 'v5.0.0', d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e: 'v4.0.5' },
  meta: () => ({
    name: 'Deploy GitHub Pages site',
    using: 'node24',
    inputs: {
      token: { default: '${{ github.token }}', required: true },
      timeout: { default: '600000' },
      error_count: { default: '10' },
      reporting_interval: { default: '5000' },
      artifact_name: { default: 'github-pages' },
      preview: { default: 'false' },
    },
    outputs: ['page_url', 'status'],
  }),
  main: deployPages,
};
