import { parse as parseYaml } from 'yaml';
import type { GitHub, RepoRef } from './github.js';

/**
 * The devops role's deployment: a GitOps bump of the environment's kustomize overlay
 * (image tag and model version) committed by the bot to the GitOps branch (`deploy` by
 * default), recorded as a GitHub Deployment with statuses, checked by a smoke test against
 * the environment's URL when one is configured, and rolled back automatically (the
 * previous overlay restored on that branch, the deployment marked failed) when that test
 * fails. The cluster itself follows the GitOps branch (Argo CD / Flux watch the overlay
 * there); this code never talks to it.
 *
 * Why not main: main is protected (required status gitops-ml/sign-off), and classic
 * branch protection has no bypass for GITHUB_TOKEN, so the bot's push would be refused;
 * a bot PR would need its own sign-off. The GitOps branch is outside the protection; the
 * deploy creates it from main the first time (docs/RUNBOOK.md, "Deploy").
 */

export interface DeployTarget {
  environment: string;
  model: string;
  version: string;
  /** Registry image without tag, e.g. ghcr.io/acme/models. */
  image: string;
  /** The commit being deployed (the release's). */
  ref: string;
  /** Where the environment answers (its /readyz and /v1/predict), if configured. */
  url?: string;
}

export interface SmokeResult {
  ok: boolean;
  detail: string;
}

export type Smoke = (url: string) => Promise<SmokeResult>;
export type Bump = (kustomization: string, to: { image: string; tag: string; modelVersion: string }) => string;

export interface DeployOutcome {
  state: 'success' | 'failure';
  deploymentId: number;
  tag: string;
  previousTag?: string;
  rolledBack: boolean;
  detail: string;
}

/** One image per model version: `<model>-<version>`, never `latest`. */
export const imageTag = (model: string, version: string): string => `${model}-${version}`;

export const overlayPath = (environment: string): string => `deploy/k8s/overlays/${environment}/kustomization.yaml`;

/** The tag the overlay deploys now (its kustomize `images:` entry), if any. */
export function currentTag(kustomization: string): string | undefined {
  const doc = parseYaml(kustomization) as { images?: { newTag?: unknown }[] } | null;
  const tag = doc?.images?.[0]?.newTag;
  return typeof tag === 'string' || typeof tag === 'number' ? String(tag) : undefined;
}

/** `<model>-<version>` back to the version; undefined for tags of another shape. */
export function versionOfTag(model: string, tag: string | undefined): string | undefined {
  return tag?.startsWith(`${model}-`) ? tag.slice(model.length + 1) : undefined;
}

/**
 * The smoke test: the environment is ready and answers a prediction with a label. Real
 * HTTP with a time budget; retried because a rollout takes a moment to reach the URL.
 */
export function httpSmoke(opts: { attempts?: number; delayMs?: number; timeoutMs?: number; apiKey?: string } = {}): Smoke {
  const attempts = opts.attempts ?? 10;
  const delayMs = opts.delayMs ?? 3000;
  const timeoutMs = opts.timeoutMs ?? 5000;
  return async (url) => {
    const base = url.replace(/\/+$/, '');
    let last = 'not tried';
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, delayMs));
      try {
        const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!ready.ok) {
          last = `GET /readyz answered ${ready.status}`;
          continue;
        }
        const res = await fetch(`${base}/v1/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
          body: JSON.stringify({ text: 'A wonderful, moving film.' }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await res.json().catch(() => undefined)) as { label?: unknown } | undefined;
        if (res.ok && typeof body?.label === 'string') return { ok: true, detail: `ready, and POST /v1/predict answered "${body.label}" (attempt ${i + 1})` };
        last = `POST /v1/predict answered ${res.status}${body?.label === undefined ? ' without a label' : ''}`;
      } catch (err) {
        last = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
    }
    return { ok: false, detail: `${last} (after ${attempts} attempts)` };
  };
}

async function readFile(gh: GitHub, where: RepoRef, path: string, ref: string): Promise<{ content: string; sha: string }> {
  const { data } = await gh.rest.repos.getContent({ ...where, path, ref });
  if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) throw new Error(`${path} on ${ref} is not a file`);
  return { content: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
}

/** The default GitOps branch: the one Argo CD / Flux track. */
export const GITOPS_BRANCH = 'deploy';

/**
 * Makes sure `branch` exists: when it does not, it is created at `from`'s head (git refs
 * API). Returns whether it was created. Another run creating it first is not an error.
 */
export async function ensureBranch(gh: GitHub, where: RepoRef, branch: string, from: string): Promise<boolean> {
  try {
    await gh.rest.git.getRef({ ...where, ref: `heads/${branch}` });
    return false;
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
  const { data: base } = await gh.rest.git.getRef({ ...where, ref: `heads/${from}` });
  try {
    await gh.rest.git.createRef({ ...where, ref: `refs/heads/${branch}`, sha: base.object.sha });
    return true;
  } catch (err) {
    if ((err as { status?: number }).status === 422) return false; // created meanwhile
    throw err;
  }
}

async function commitOverlay(gh: GitHub, where: RepoRef, branch: string, path: string, content: string, sha: string, message: string): Promise<string> {
  const { data } = await gh.rest.repos.createOrUpdateFileContents({ ...where, path, branch, sha, message, content: Buffer.from(content).toString('base64') });
  return data.content?.sha ?? sha;
}

export interface DeployDeps {
  bump: Bump;
  smoke: Smoke;
  /** The GitOps branch the overlay is committed to (default `deploy`). */
  branch?: string;
  /** The branch a missing GitOps branch is created from (default `main`). */
  from?: string;
}

/**
 * Deploys one model version to one environment. The bump commit's message carries
 * `[skip ci]`: it changes only the overlay, which no workflow needs to rebuild.
 */
export async function deployVersion(gh: GitHub, where: RepoRef, t: DeployTarget, deps: DeployDeps): Promise<DeployOutcome> {
  const branch = deps.branch ?? GITOPS_BRANCH;
  const path = overlayPath(t.environment);
  const tag = imageTag(t.model, t.version);
  const { data: deployment } = await gh.rest.repos.createDeployment({
    ...where,
    ref: t.ref,
    environment: t.environment,
    auto_merge: false,
    // The sign-off and the checks were required before the merge; the deploy does not re-check them.
    required_contexts: [],
    payload: { model: t.model, version: t.version, image: `${t.image}:${tag}` },
    description: `${t.model} ${t.version} → ${t.environment}`,
    production_environment: t.environment === 'production',
  });
  if (!('id' in deployment)) throw new Error(`GitHub did not create the deployment: ${(deployment as { message?: string }).message ?? 'no id'}`);
  const id = deployment.id;
  const status = (state: 'in_progress' | 'success' | 'failure', description: string): Promise<unknown> =>
    gh.rest.repos.createDeploymentStatus({ ...where, deployment_id: id, state, description: description.slice(0, 140), ...(t.url ? { environment_url: t.url } : {}), auto_inactive: state === 'success' });

  await status('in_progress', `bumping ${path} on ${branch} to ${tag}`);
  let overlay: { content: string; sha: string };
  try {
    await ensureBranch(gh, where, branch, deps.from ?? 'main');
    overlay = await readFile(gh, where, path, branch);
  } catch (err) {
    await status('failure', `cannot read ${path} on ${branch}`);
    throw err;
  }
  const previousTag = currentTag(overlay.content);
  let bumped: string;
  try {
    bumped = deps.bump(overlay.content, { image: t.image, tag, modelVersion: t.version });
  } catch (err) {
    await status('failure', `cannot bump ${path}: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
  let newSha = overlay.sha;
  try {
    if (bumped !== overlay.content) newSha = await commitOverlay(gh, where, branch, path, bumped, overlay.sha, `deploy(${t.environment}): ${t.model} ${t.version} [skip ci]`);
  } catch (err) {
    // A protected branch (GitHub answers 409 "Could not update file: …"), or the overlay moved meanwhile.
    const why = err instanceof Error ? err.message : String(err);
    await status('failure', `cannot commit ${path} to ${branch}: ${why}`);
    throw new Error(`cannot commit the overlay bump to ${branch}: ${why}${branch === (deps.from ?? 'main') ? ` (a protected ${branch} refuses GITHUB_TOKEN's pushes: use the GitOps branch, gitops-branch: ${GITOPS_BRANCH})` : ''}`);
  }

  if (!t.url) {
    await status('success', `${tag} committed to ${path} on ${branch}; no environment URL configured, smoke test skipped`);
    return { state: 'success', deploymentId: id, tag, ...(previousTag ? { previousTag } : {}), rolledBack: false, detail: 'no environment URL: smoke test skipped' };
  }
  const smoke = await deps.smoke(t.url);
  if (smoke.ok) {
    await status('success', `${tag} is live: ${smoke.detail}`);
    return { state: 'success', deploymentId: id, tag, ...(previousTag ? { previousTag } : {}), rolledBack: false, detail: smoke.detail };
  }
  // Automatic rollback: the overlay goes back to exactly what it was.
  let rolledBack = false;
  if (bumped !== overlay.content) {
    await commitOverlay(gh, where, branch, path, overlay.content, newSha, `rollback(${t.environment}): ${t.model} ${t.version} failed its smoke test, back to ${previousTag ?? 'the previous overlay'} [skip ci]`);
    rolledBack = true;
  }
  await status('failure', `smoke test failed (${smoke.detail}); ${rolledBack ? `rolled back to ${previousTag ?? 'the previous overlay'}` : 'nothing to roll back'}`);
  return { state: 'failure', deploymentId: id, tag, ...(previousTag ? { previousTag } : {}), rolledBack, detail: smoke.detail };
}

/**
 * The manual rollback (workflow_dispatch with a version): the version must have been
 * released (`<model>-v<version>` tag); then it is deployed like any other (the overlay
 * on the GitOps branch, the smoke test included).
 */
export async function rollbackTo(gh: GitHub, where: RepoRef, t: Omit<DeployTarget, 'ref'>, deps: DeployDeps): Promise<DeployOutcome> {
  const tagName = `${t.model}-v${t.version}`;
  let ref: string;
  try {
    const { data } = await gh.rest.git.getRef({ ...where, ref: `tags/${tagName}` });
    ref = data.object.sha;
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw new Error(`rollback: ${t.model} ${t.version} was never released (no tag ${tagName}); released versions are the ${t.model}-v* tags`);
    throw err;
  }
  return deployVersion(gh, where, { ...t, ref }, deps);
}
