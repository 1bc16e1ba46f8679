import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { which } from '../process.js';
import { registryOf, unconsumedBuildArgs } from './dockerfile.js';
import type { StandIn, StandInContext } from './types.js';
import { inputList, must } from './util.js';

/**
 * docker/login-action (v3.4.0), docker/setup-buildx-action (v3.10.0) and
 * docker/build-push-action (v6.18.0) on Podman, the engine this machine has. Logins are
 * kept per run and checked when a build pushes; a push to ghcr.io with the job's token
 * needs `packages: write`, as GHCR requires; pushed images go to an OCI layout under the
 * runner's registry directory.
 */

function podman(ctx: StandInContext, action: string): string {
  const p = which('podman', ctx.env.PATH ?? '');
  if (!p) ctx.fail(`podman is needed to run ${action} on this runner (podman was not found on PATH)`);
  return p;
}

async function login(ctx: StandInContext): Promise<void> {
  const registry = ctx.getInput('registry') || 'docker.io';
  const username = ctx.getInput('username');
  const password = ctx.getInput('password');
  if (!username || !password) ctx.fail('Username and password required');
  ctx.setSecret(password);
  ctx.info(`Logging into ${registry}...`);
  ctx.services.extras.logins.set(registry, { username, password, job: ctx.github.job });
  ctx.saveState('registry', registry);
  ctx.saveState('logout', String(ctx.getBooleanInput('logout')));
  ctx.info('Login Succeeded!');
}

async function logout(ctx: StandInContext): Promise<void> {
  if (ctx.getState('logout') !== 'true') return;
  const registry = ctx.getState('registry');
  if (!registry) return;
  ctx.info(`Logging out of ${registry}...`);
  ctx.services.extras.logins.delete(registry);
}

async function setupBuildx(ctx: StandInContext): Promise<void> {
  podman(ctx, 'docker/setup-buildx-action');
  const name = ctx.getInput('name') || `builder-${ctx.github.runId}-${ctx.github.job}`;
  ctx.info(`Using podman as the builder ${name}`);
  ctx.setOutput('name', name);
  ctx.setOutput('driver', ctx.getInput('driver') || 'docker-container');
  ctx.setOutput('platforms', `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`);
  ctx.setOutput('nodes', '[]');
  ctx.setOutput('endpoint', name);
  ctx.setOutput('status', 'running');
  ctx.setOutput('flags', '');
}

/** The repository part of a tag, made into a directory name for the OCI layout. */
function layoutName(tag: string): { dir: string; ref: string } {
  const at = tag.lastIndexOf(':');
  const slash = tag.lastIndexOf('/');
  const [name, ref] = at > slash ? [tag.slice(0, at), tag.slice(at + 1)] : [tag, 'latest'];
  return { dir: name.replace(/[^A-Za-z0-9._-]+/g, '_'), ref };
}

async function buildPush(ctx: StandInContext): Promise<void> {
  const bin = podman(ctx, 'docker/build-push-action');
  let context = ctx.getInput('context');
  if (!context) {
    // The action's default is the Git context: the event's commit, not the workspace.
    const dir = join(ctx.temp, `git-context-${ctx.github.sha.slice(0, 12)}`);
    if (!existsSync(dir)) {
      const remote = ctx.services.github.gitRemote(ctx.github.owner, ctx.github.repo);
      await must(ctx, 'git', ['init', '--quiet', dir], { silent: true });
      await must(ctx, 'git', ['fetch', '--quiet', '--depth=1', remote, ctx.github.sha], { cwd: dir, silent: true });
      await must(ctx, 'git', ['checkout', '--quiet', 'FETCH_HEAD'], { cwd: dir, silent: true });
    }
    context = dir;
  }
  const contextDir = resolve(ctx.workspace, context);
  const file = ctx.getInput('file') ? resolve(ctx.workspace, ctx.getInput('file')) : join(contextDir, 'Dockerfile');
  if (!existsSync(file)) ctx.fail(`ERROR: failed to solve: failed to read dockerfile: open ${file}: no such file or directory`);
  const buildArgs = inputList(ctx.getInput('build-args'), { commas: false });
  const labels = inputList(ctx.getInput('labels'), { commas: false });
  const tags = inputList(ctx.getInput('tags'));
  const push = ctx.getBooleanInput('push');
  const unconsumed = unconsumedBuildArgs(readFileSync(file, 'utf8'), buildArgs);
  if (unconsumed.length) ctx.warning(`[Warning] One or more build-args [${unconsumed.join(' ')}] were not consumed`);
  if (push) {
    for (const tag of tags) {
      const registry = registryOf(tag);
      const creds = ctx.services.extras.logins.get(registry);
      if (!creds) ctx.fail(`ERROR: failed to push ${tag}: unauthorized: authentication required (no docker/login-action for ${registry} in this run)`);
      if (registry === 'ghcr.io' && creds.password === ctx.jobToken && ctx.permissions.packages !== 'write') ctx.fail(`ERROR: failed to push ${tag}: denied: permission_denied: write_package`);
    }
  }
  const iid = join(ctx.temp, `iid-${Date.now()}`);
  const args = ['build', '--network', 'host', '-f', file, '--iidfile', iid];
  for (const a of buildArgs) args.push('--build-arg', a);
  for (const l of labels) args.push('--label', l);
  for (const t of tags) args.push('-t', t);
  const target = ctx.getInput('target');
  if (target) args.push('--target', target);
  if (ctx.getBooleanInput('no-cache')) args.push('--no-cache');
  if (ctx.getBooleanInput('pull')) args.push('--pull');
  args.push(contextDir);
  ctx.info(`[command]podman ${args.join(' ')}`);
  await must(ctx, bin, args);
  const id = readFileSync(iid, 'utf8').trim();
  const digest = id.startsWith('sha256:') ? id : `sha256:${id}`;
  if (push) {
    for (const tag of tags) {
      const { dir, ref } = layoutName(tag);
      const dest = join(ctx.services.registryDir, dir);
      mkdirSync(ctx.services.registryDir, { recursive: true });
      await must(ctx, bin, ['push', id, `oci:${dest}:${ref}`]);
      ctx.info(`pushed ${tag} (local registry ${dest}:${ref})`);
    }
  }
  ctx.services.extras.images.push({ tags, id: digest, pushed: push, labels: Object.fromEntries(labels.map((l) => [l.split('=')[0] ?? l, l.split('=').slice(1).join('=')])) });
  ctx.setOutput('imageid', digest);
  ctx.setOutput('digest', digest);
  ctx.setOutput('metadata', JSON.stringify({ 'containerimage.digest': digest, 'image.name': tags.join(',') }));
}

export const loginAction: StandIn = {
  key: 'docker/login-action',
  releases: { '74a5d142397b4f367a81961eba4e8cd7edddf772': 'v3.4.0' },
  meta: () => ({
    name: 'Docker Login',
    using: 'node20',
    inputs: { registry: {}, username: {}, password: {}, ecr: { default: 'auto' }, logout: { default: 'true' } },
    outputs: [],
  }),
  main: login,
  post: logout,
};

export const setupBuildxAction: StandIn = {
  key: 'docker/setup-buildx-action',
  releases: { b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2: 'v3.10.0' },
  meta: () => ({
    name: 'Docker Setup Buildx',
    using: 'node20',
    inputs: {
      version: {},
      driver: { default: 'docker-container' },
      'driver-opts': {},
      'buildkitd-flags': {},
      'buildkitd-config': {},
      'buildkitd-config-inline': {},
      install: { default: 'false' },
      use: { default: 'true' },
      name: {},
      endpoint: {},
      platforms: {},
      append: {},
      'cache-binary': { default: 'true' },
      cleanup: { default: 'true' },
      config: {},
      'config-inline': {},
    },
    outputs: ['name', 'driver', 'platforms', 'nodes', 'endpoint', 'status', 'flags'],
  }),
  main: setupBuildx,
  post: async (ctx) => ctx.info('Removing builder'),
};

const BUILD_PUSH_INPUTS = ['add-hosts', 'allow', 'annotations', 'attests', 'build-args', 'build-contexts', 'builder', 'cache-from', 'cache-to', 'call', 'cgroup-parent', 'context', 'file', 'labels', 'network', 'no-cache-filters', 'outputs', 'platforms', 'provenance', 'sbom', 'secrets', 'secret-envs', 'secret-files', 'shm-size', 'ssh', 'tags', 'target', 'ulimit'];

export const buildPushAction: StandIn = {
  key: 'docker/build-push-action',
  releases: { '263435318d21b8e681c14492fe198d362a7d2c83': 'v6.18.0' },
  meta: () => ({
    name: 'Build and push Docker images',
    using: 'node20',
    inputs: {
      ...Object.fromEntries(BUILD_PUSH_INPUTS.map((k) => [k, {}])),
      load: { default: 'false' },
      'no-cache': { default: 'false' },
      pull: { default: 'false' },
      push: { default: 'false' },
      'github-token': { default: '${{ github.token }}' },
    },
    outputs: ['imageid', 'digest', 'metadata'],
  }),
  main: buildPush,
};
