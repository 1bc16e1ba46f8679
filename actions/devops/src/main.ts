import { existsSync } from 'node:fs';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { imageRepository, loadConfig } from '../../shared/src/config.js';
import { deployVersion, httpSmoke, rollbackTo } from '../../shared/src/deploy.js';
import type { DeployOutcome } from '../../shared/src/deploy.js';
import { createClient } from '../../shared/src/github.js';
import { bumpOverlay } from '../../shared/src/k8s-bump.js';
import { planAndRelease } from '../../shared/src/release.js';
import type { PushEvent } from '../../shared/src/release.js';

/** The registry image: the config's, else ghcr.io/<owner>/<repo>; the template's placeholder is refused. */
function imageOf(configPath: string): string {
  return imageRepository(existsSync(configPath) ? loadConfig(configPath) : undefined, github.context.repo);
}

async function release(): Promise<void> {
  if (github.context.eventName !== 'push') throw new Error(`the devops release runs on push to main, not on "${github.context.eventName}"`);
  const gh = createClient(core.getInput('github-token', { required: true }));
  const releases = await planAndRelease(gh, github.context.repo, github.context.payload as unknown as PushEvent, { dryRun: core.getBooleanInput('dry-run') });
  core.setOutput('releases', JSON.stringify(releases));
  core.setOutput('image', imageOf(core.getInput('config') || '.github/gitops-ml.yml'));
  await core.summary
    .addHeading(releases.length ? 'Releases' : 'No model spec changed: nothing to release', 3)
    .addList(releases.map((r) => `${r.tag} (${r.bump}${r.previous ? ` after ${r.previous}` : ''}): ${r.reasons.join('; ')}`))
    .write();
}

async function deployOrRollback(mode: 'deploy' | 'rollback'): Promise<void> {
  const config = loadConfig(core.getInput('config') || '.github/gitops-ml.yml');
  const environment = core.getInput('environment', { required: true });
  if (environment !== 'staging' && environment !== 'production') throw new Error(`environment must be "staging" or "production" (got "${environment}")`);
  const model = core.getInput('model', { required: true });
  const version = core.getInput('version', { required: true });
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`version must be X.Y.Z (got "${version}")`);
  const image = core.getInput('image') || imageOf(core.getInput('config') || '.github/gitops-ml.yml');
  const url = core.getInput('url') || config.environments[environment]?.url;
  const apiKey = core.getInput('smoke-api-key');
  if (apiKey) core.setSecret(apiKey);
  const gh = createClient(core.getInput('github-token', { required: true }));
  const attempts = Number(core.getInput('smoke-attempts') || '10');
  const interval = Number(core.getInput('smoke-interval-seconds') || '3');
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`smoke-attempts must be a positive integer (got "${core.getInput('smoke-attempts')}")`);
  if (!(interval >= 0)) throw new Error(`smoke-interval-seconds must be a number ≥ 0 (got "${core.getInput('smoke-interval-seconds')}")`);
  const deps = { bump: bumpOverlay, smoke: httpSmoke({ attempts, delayMs: interval * 1000, ...(apiKey ? { apiKey } : {}) }) };
  const target = { environment, model, version, image, ...(url ? { url } : {}) };
  const outcome: DeployOutcome = mode === 'rollback' ? await rollbackTo(gh, github.context.repo, target, deps) : await deployVersion(gh, github.context.repo, { ...target, ref: core.getInput('ref') || github.context.sha }, deps);
  core.setOutput('state', outcome.state);
  core.setOutput('deployment-id', String(outcome.deploymentId));
  core.setOutput('tag', outcome.tag);
  await core.summary
    .addHeading(`${mode === 'rollback' ? 'Rollback' : 'Deploy'} of ${model} ${version} to ${environment}: ${outcome.state}`, 3)
    .addList([`image ${image}:${outcome.tag}${outcome.previousTag ? ` (was ${outcome.previousTag})` : ''}`, outcome.detail, ...(outcome.rolledBack ? [`rolled back to ${outcome.previousTag ?? 'the previous overlay'}`] : [])])
    .write();
  if (outcome.state !== 'success') core.setFailed(`${mode} failed: ${outcome.detail}${outcome.rolledBack ? '; rolled back' : ''}`);
}

/** Thin entry: `mode` release (push to main), deploy (one version to one environment) or rollback. */
export async function run(): Promise<void> {
  try {
    const mode = core.getInput('mode') || 'release';
    if (mode === 'release') await release();
    else if (mode === 'deploy' || mode === 'rollback') await deployOrRollback(mode);
    else throw new Error(`mode must be release, deploy or rollback (got "${mode}")`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
