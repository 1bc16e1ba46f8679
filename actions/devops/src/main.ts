import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { imageRepository, loadConfig } from '../../shared/src/config.js';
import { deployVersion, GITOPS_BRANCH, httpSmoke, rollbackTo } from '../../shared/src/deploy.js';
import type { DeployOutcome } from '../../shared/src/deploy.js';
import { createClient } from '../../shared/src/github.js';
import { bumpOverlay } from '../../shared/src/k8s-bump.js';
import { checkPlannedVersion, loadProvenance, verifyApprovedArtifact } from '../../shared/src/provenance.js';
import { planAndRelease, planForPullRequest, publishRelease, releaseAssets } from '../../shared/src/release.js';
import type { PushEvent } from '../../shared/src/release.js';

/** The registry image: the config's, else ghcr.io/<owner>/<repo>; the template's placeholder is refused. */
function imageOf(configPath: string): string {
  return imageRepository(existsSync(configPath) ? loadConfig(configPath) : undefined, github.context.repo);
}

function modelAndVersion(): { model: string; version: string } {
  const model = core.getInput('model', { required: true });
  const version = core.getInput('version', { required: true });
  if (!/^[a-z0-9][a-z0-9-]*$/.test(model)) throw new Error(`model must be a model name (lower-case letters, digits, dashes; got "${model}")`);
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`version must be X.Y.Z (got "${version}")`);
  return { model, version };
}

/** The regular files directly in `dir` (the release assets the package job uploaded). */
function filesIn(dir: string): { name: string; data: Buffer }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => lstatSync(join(dir, name)).isFile())
    .map((name) => ({ name, data: readFileSync(join(dir, name)) }));
}

async function release(): Promise<void> {
  if (github.context.eventName !== 'push') throw new Error(`the devops release runs on push to main, not on "${github.context.eventName}"`);
  const gh = createClient(core.getInput('github-token', { required: true }));
  const push = github.context.payload as unknown as PushEvent;
  const assetsDir = core.getInput('assets');
  if (assetsDir) {
    // The release of one model version with its package: checked complete before anything is created.
    const expected = modelAndVersion();
    const assets = releaseAssets(filesIn(assetsDir), expected.model, expected.version);
    const r = await publishRelease(gh, github.context.repo, push, expected, assets);
    const { id, url, uploaded, present, ...planned } = r;
    core.setOutput('releases', JSON.stringify([planned]));
    core.setOutput('tag', r.tag);
    core.setOutput('release-id', String(id));
    core.setOutput('release-url', url);
    await core.summary
      .addHeading(`Release ${r.tag}`, 3)
      .addList([`${r.bump}${r.previous ? ` after ${r.previous}` : ''}: ${r.reasons.join('; ')}`, ...uploaded.map((n) => `${n} (uploaded)`), ...present.map((n) => `${n} (already attached)`)])
      .write();
    return;
  }
  const releases = await planAndRelease(gh, github.context.repo, push, { dryRun: core.getBooleanInput('dry-run') });
  core.setOutput('releases', JSON.stringify(releases));
  core.setOutput('image', imageOf(core.getInput('config') || '.github/gitops-ml.yml'));
  await core.summary
    .addHeading(releases.length ? (core.getBooleanInput('dry-run') ? 'Planned releases' : 'Releases') : 'No model spec changed: nothing to release', 3)
    .addList(releases.map((r) => `${r.tag} (${r.bump}${r.previous ? ` after ${r.previous}` : ''}): ${r.reasons.join('; ')}`))
    .write();
}

/** On a model PR: the version its merge will release, so the PR trains that version. */
async function plan(): Promise<void> {
  const spec = core.getInput('spec', { required: true });
  const base = core.getInput('base-sha', { required: true });
  const head = core.getInput('head-sha', { required: true });
  const gh = createClient(core.getInput('github-token', { required: true }));
  const p = await planForPullRequest(gh, github.context.repo, { spec, base, head });
  core.setOutput('model', p.model);
  core.setOutput('version', p.version);
  core.setOutput('tag', p.tag);
  core.setOutput('bump', p.bump);
  core.setOutput('previous', p.previous ?? '');
  core.setOutput('releases', JSON.stringify([p]));
  await core.summary.addHeading(`The merge will release ${p.tag}`, 3).addList([`${p.bump}${p.previous ? ` after ${p.previous}` : ''}: ${p.reasons.join('; ')}`]).write();
}

const recordOf = (model: string): string => core.getInput('record') || `docs/model-cards/${model}.json`;

/** On the merge: where the approved artifact is, from the merged evaluation record, refused when it is not the release's version. */
async function approvedArtifact(): Promise<void> {
  const planned = modelAndVersion();
  const p = loadProvenance(recordOf(planned.model));
  checkPlannedVersion(p, planned);
  core.setOutput('run-id', String(p.workflow_run_id));
  core.setOutput('artifact-name', p.artifact_name);
  core.setOutput('artifact-path', p.artifact_path);
  core.setOutput('manifest-sha256', p.manifest_sha256);
  await core.summary.addHeading(`Approved artifact: ${p.model.name} ${p.model.version}`, 3).addList([`workflow run ${p.workflow_run_id}, artifact ${p.artifact_name}, ${p.artifact_path}/`, `manifest.json sha256 ${p.manifest_sha256}`]).write();
}

/** After the download: the bytes are the approved ones, every file as the manifest says. */
async function verifyArtifact(): Promise<void> {
  const planned = modelAndVersion();
  const p = loadProvenance(recordOf(planned.model));
  const dir = verifyApprovedArtifact(core.getInput('artifact-dir') || 'model/artifacts', p, planned);
  core.setOutput('artifact-dir', dir);
  await core.summary.addHeading(`Verified: ${dir} is the approved ${p.model.name} ${p.model.version}`, 3).addList([`manifest.json sha256 ${p.manifest_sha256} as recorded in ${recordOf(planned.model)}`, 'every file matches the manifest (size and sha256)']).write();
}

async function deployOrRollback(mode: 'deploy' | 'rollback'): Promise<void> {
  const config = loadConfig(core.getInput('config') || '.github/gitops-ml.yml');
  const environment = core.getInput('environment', { required: true });
  if (environment !== 'staging' && environment !== 'production') throw new Error(`environment must be "staging" or "production" (got "${environment}")`);
  const { model, version } = modelAndVersion();
  const image = core.getInput('image') || imageOf(core.getInput('config') || '.github/gitops-ml.yml');
  const url = core.getInput('url') || config.environments[environment]?.url;
  const apiKey = core.getInput('smoke-api-key');
  if (apiKey) core.setSecret(apiKey);
  const branch = core.getInput('gitops-branch') || GITOPS_BRANCH;
  if (!/^[\w./-]+$/.test(branch) || branch.includes('..') || branch.includes('//') || branch.startsWith('/') || branch.endsWith('/')) throw new Error(`gitops-branch must be a branch name (got "${branch}")`);
  const gh = createClient(core.getInput('github-token', { required: true }));
  const attempts = Number(core.getInput('smoke-attempts') || '10');
  const interval = Number(core.getInput('smoke-interval-seconds') || '3');
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`smoke-attempts must be a positive integer (got "${core.getInput('smoke-attempts')}")`);
  if (!(interval >= 0)) throw new Error(`smoke-interval-seconds must be a number ≥ 0 (got "${core.getInput('smoke-interval-seconds')}")`);
  const from = (github.context.payload.repository as { default_branch?: string } | undefined)?.default_branch ?? 'main';
  const deps = { bump: bumpOverlay, smoke: httpSmoke({ attempts, delayMs: interval * 1000, ...(apiKey ? { apiKey } : {}) }), branch, from };
  const target = { environment, model, version, image, ...(url ? { url } : {}) };
  const outcome: DeployOutcome = mode === 'rollback' ? await rollbackTo(gh, github.context.repo, target, deps) : await deployVersion(gh, github.context.repo, { ...target, ref: core.getInput('ref') || github.context.sha }, deps);
  core.setOutput('state', outcome.state);
  core.setOutput('deployment-id', String(outcome.deploymentId));
  core.setOutput('tag', outcome.tag);
  await core.summary
    .addHeading(`${mode === 'rollback' ? 'Rollback' : 'Deploy'} of ${model} ${version} to ${environment}: ${outcome.state}`, 3)
    .addList([`image ${image}:${outcome.tag}${outcome.previousTag ? ` (was ${outcome.previousTag})` : ''}`, `overlay on branch ${branch}`, outcome.detail, ...(outcome.rolledBack ? [`rolled back to ${outcome.previousTag ?? 'the previous overlay'}`] : [])])
    .write();
  if (outcome.state !== 'success') core.setFailed(`${mode} failed: ${outcome.detail}${outcome.rolledBack ? '; rolled back' : ''}`);
}

const MODES = ['release', 'plan', 'approved-artifact', 'verify-artifact', 'deploy', 'rollback'] as const;

/**
 * Thin entry, one `mode` per step: plan (a model PR: the version its merge will release),
 * release (push to main: plan in dry-run, or publish one version with its assets),
 * approved-artifact and verify-artifact (the merged record's artifact, found and checked),
 * deploy (one version to one environment) or rollback.
 */
export async function run(): Promise<void> {
  try {
    const mode = core.getInput('mode') || 'release';
    if (mode === 'release') await release();
    else if (mode === 'plan') await plan();
    else if (mode === 'approved-artifact') await approvedArtifact();
    else if (mode === 'verify-artifact') await verifyArtifact();
    else if (mode === 'deploy' || mode === 'rollback') await deployOrRollback(mode);
    else throw new Error(`mode must be ${MODES.join(', ')} (got "${mode}")`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
