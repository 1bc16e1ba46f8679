import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { basicAuthHeader } from '../git.js';
import { inside } from '../fsutil.js';
import type { StandIn, StandInContext } from './types.js';
import { must } from './util.js';

/**
 * actions/checkout (v4.2.2's inputs): fetches the repository from the local GitHub over
 * git into GITHUB_WORKSPACE (or `path`), the way checkout does it: `git init`, a fetch of
 * exactly the refspecs checkout computes (depth 1 by default, all branches and tags for
 * fetch-depth 0), an optional sparse checkout, then a branch (`-B`) or detached checkout.
 * The token reaches git as checkout's extraheader: in .git/config up to v5, in a separate
 * credentials file under RUNNER_TEMP that .git/config includes from v6 on. It stays only
 * with persist-credentials, and the post step removes it.
 */

const SHA = /^[0-9a-f]{40}$/i;

export interface RefPlan {
  refspecs: string[];
  /** What `git checkout` gets, and whether it is a branch to create with -B. */
  target: { ref: string; branch?: string } | { unqualified: string };
}

/** The refspecs and checkout target for (ref, commit), following checkout's ref-helper. */
export function planRefs(ref: string, commit: string, fetchDepth: number): RefPlan {
  const refspecs: string[] = [];
  let target: RefPlan['target'];
  const pull = /^refs\/pull\/(\d+)\/(\w+)$/.exec(ref);
  if (!ref && commit) {
    refspecs.push(commit);
    target = { ref: commit };
  } else if (ref.startsWith('refs/heads/')) {
    const b = ref.slice('refs/heads/'.length);
    refspecs.push(`+${commit || ref}:refs/remotes/origin/${b}`);
    target = { ref: `refs/remotes/origin/${b}`, branch: b };
  } else if (pull) {
    refspecs.push(`+${commit || ref}:refs/remotes/pull/${pull[1]}/${pull[2]}`);
    target = { ref: `refs/remotes/pull/${pull[1]}/${pull[2]}` };
  } else if (ref.startsWith('refs/tags/')) {
    refspecs.push(`+${commit || ref}:${ref}`);
    target = { ref };
  } else if (ref.startsWith('refs/')) {
    refspecs.push(`+${commit || ref}:${ref}`);
    target = { ref: commit || ref };
  } else {
    refspecs.push(`+refs/heads/${ref}*:refs/remotes/origin/${ref}*`, `+refs/tags/${ref}*:refs/tags/${ref}*`);
    target = { unqualified: ref };
  }
  if (fetchDepth <= 0) {
    // All history: every branch and tag, plus the commit when it is on none of them (a PR merge ref).
    const all = ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'];
    const extra = pull || (!ref && commit) ? refspecs : [];
    return { refspecs: [...all, ...extra], target };
  }
  return { refspecs, target };
}

function authKey(serverUrl: string): string {
  const u = new URL(serverUrl);
  return `http.${u.protocol}//${u.host}/.extraheader`;
}

async function run(ctx: StandInContext): Promise<void> {
  const repository = ctx.getInput('repository') || ctx.github.repository;
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (!m) ctx.fail(`Invalid repository '${repository}'. Expected format {owner}/{repo}.`);
  const [owner, repo] = [m[1] as string, m[2] as string];
  const repositoryPath = resolve(ctx.workspace, ctx.getInput('path') || '.');
  if (inside(ctx.workspace, repositoryPath) === undefined) ctx.fail(`Repository path '${repositoryPath}' is not under '${ctx.workspace}'`);
  const token = ctx.getInput('token', { required: true });
  const persist = ctx.getBooleanInput('persist-credentials');
  const depthInput = Number(ctx.getInput('fetch-depth') || '1');
  const fetchDepth = Number.isNaN(depthInput) || depthInput < 0 ? 0 : Math.floor(depthInput);
  const fetchTags = ctx.getBooleanInput('fetch-tags');
  const sparse = ctx.getMultilineInput('sparse-checkout');
  const cone = ctx.getBooleanInput('sparse-checkout-cone-mode');
  const submodules = ctx.getInput('submodules');
  if (ctx.getBooleanInput('lfs')) ctx.warning('lfs: true is not supported by this runner; LFS pointers are checked out as they are');
  if (submodules && submodules !== 'false') ctx.warning(`submodules: ${submodules} is not supported by this runner; submodules are not checked out`);

  const isWorkflowRepo = repository.toLowerCase() === ctx.github.repository.toLowerCase();
  let ref = ctx.getInput('ref');
  let commit = '';
  if (!ref) {
    if (isWorkflowRepo) {
      ref = ctx.github.ref;
      commit = ctx.github.sha;
    }
  } else if (SHA.test(ref)) {
    commit = ref;
    ref = '';
  }
  ctx.info(`Syncing repository: ${repository}`);
  const remote = ctx.services.github.gitRemote(owner, repo);
  const git = (args: string[], opts: { silent?: boolean } = {}): Promise<string> => must(ctx, 'git', args, { cwd: repositoryPath, ...opts });

  mkdirSync(repositoryPath, { recursive: true });
  if (!existsSync(join(repositoryPath, '.git')) && readdirSync(repositoryPath).length) {
    ctx.info(`Deleting the contents of '${repositoryPath}'`);
    for (const e of readdirSync(repositoryPath)) rmSync(join(repositoryPath, e), { recursive: true, force: true });
  }
  if (ctx.getBooleanInput('set-safe-directory')) await must(ctx, 'git', ['config', '--global', '--add', 'safe.directory', repositoryPath], { cwd: ctx.workspace, silent: true });
  if (!existsSync(join(repositoryPath, '.git'))) {
    await git(['init', '--quiet', repositoryPath]);
    await git(['remote', 'add', 'origin', remote]);
  }
  await git(['config', '--local', 'gc.auto', '0']);
  const key = authKey(ctx.github.serverUrl);
  const header = basicAuthHeader(token);
  ctx.setSecret(header);
  // v6 moved the credential out of .git/config into an included file (actions/checkout#2286).
  const separateFile = ctx.version.major === undefined || ctx.version.major >= 6;
  const credentialsPath = join(ctx.temp, `git-credentials-${randomUUID()}.config`);
  const gitDir = join(repositoryPath, '.git');
  if (separateFile) {
    await git(['config', '--file', credentialsPath, key, header], { silent: true });
    await git(['config', '--local', `includeIf.gitdir:${gitDir}.path`, credentialsPath], { silent: true });
    await git(['config', '--local', `includeIf.gitdir:${gitDir}/worktrees/*.path`, credentialsPath], { silent: true });
  } else {
    await git(['config', '--local', key, header], { silent: true });
  }
  const removeAuth = async (): Promise<void> => {
    if (separateFile) {
      await ctx.exec('git', ['config', '--local', '--unset-all', `includeIf.gitdir:${gitDir}.path`], { cwd: repositoryPath, silent: true });
      await ctx.exec('git', ['config', '--local', '--unset-all', `includeIf.gitdir:${gitDir}/worktrees/*.path`], { cwd: repositoryPath, silent: true });
      rmSync(credentialsPath, { force: true });
    } else {
      await ctx.exec('git', ['config', '--local', '--unset-all', key], { cwd: repositoryPath, silent: true });
    }
  };
  if (!ref && !commit) {
    // Another repository without a ref: its default branch, as the API would name it.
    const head = await git(['ls-remote', '--symref', 'origin', 'HEAD'], { silent: true });
    const b = /ref: refs\/heads\/(\S+)\s+HEAD/.exec(head)?.[1];
    if (!b) ctx.fail(`Unable to determine the default branch of ${repository}`);
    ref = `refs/heads/${b}`;
  }
  const plan = planRefs(ref, commit, fetchDepth);
  const fetchArgs = ['-c', 'protocol.version=2', 'fetch', ...(fetchTags || fetchDepth <= 0 ? [] : ['--no-tags']), '--prune', '--no-recurse-submodules', ...(fetchDepth > 0 ? [`--depth=${fetchDepth}`] : []), 'origin', ...plan.refspecs];
  ctx.info(`[command]git ${fetchArgs.join(' ')}`);
  await git(fetchArgs);
  if (sparse.length) await git(['sparse-checkout', 'set', ...(cone ? [] : ['--no-cone']), ...sparse]);
  let checkout: string[];
  if ('unqualified' in plan.target) {
    const name = plan.target.unqualified;
    const branch = await ctx.exec('git', ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${name}`], { cwd: repositoryPath, silent: true });
    if (branch.code === 0) checkout = ['checkout', '--progress', '--force', '-B', name, `refs/remotes/origin/${name}`];
    else {
      const tag = await ctx.exec('git', ['rev-parse', '--verify', '--quiet', `refs/tags/${name}`], { cwd: repositoryPath, silent: true });
      if (tag.code !== 0) ctx.fail(`A branch or tag with the name '${name}' could not be found`);
      checkout = ['checkout', '--progress', '--force', `refs/tags/${name}`];
    }
  } else {
    checkout = plan.target.branch ? ['checkout', '--progress', '--force', '-B', plan.target.branch, plan.target.ref] : ['checkout', '--progress', '--force', plan.target.ref];
  }
  await git(checkout);
  const sha = (await git(['rev-parse', 'HEAD'], { silent: true })).trim();
  ctx.info(`HEAD is now at ${sha.slice(0, 7)}`);
  if (!persist) await removeAuth();
  else {
    ctx.saveState('authKey', key);
    if (separateFile) ctx.saveState('credentialsPath', credentialsPath);
  }
  ctx.saveState('repositoryPath', repositoryPath);
  ctx.setOutput('ref', ref);
  ctx.setOutput('commit', sha);
}

async function post(ctx: StandInContext): Promise<void> {
  const path = ctx.getState('repositoryPath');
  const key = ctx.getState('authKey');
  const credentials = ctx.getState('credentialsPath');
  if (!path || !existsSync(join(path, '.git')) || !key) return;
  ctx.info('Removing auth');
  if (credentials) {
    const gitDir = join(path, '.git');
    await ctx.exec('git', ['config', '--local', '--unset-all', `includeIf.gitdir:${gitDir}.path`], { cwd: path, silent: true });
    await ctx.exec('git', ['config', '--local', '--unset-all', `includeIf.gitdir:${gitDir}/worktrees/*.path`], { cwd: path, silent: true });
    rmSync(credentials, { force: true });
  } else {
    await ctx.exec('git', ['config', '--local', '--unset-all', key], { cwd: path, silent: true });
  }
}

const INPUTS = {
  repository: { default: '${{ github.repository }}' },
  ref: {},
  token: { default: '${{ github.token }}' },
  'ssh-key': {},
  'ssh-known-hosts': {},
  'ssh-strict': { default: 'true' },
  'ssh-user': { default: 'git' },
  'persist-credentials': { default: 'true' },
  path: {},
  clean: { default: 'true' },
  filter: {},
  'sparse-checkout': {},
  'sparse-checkout-cone-mode': { default: 'true' },
  'fetch-depth': { default: '1' },
  'fetch-tags': { default: 'false' },
  'show-progress': { default: 'true' },
  lfs: { default: 'false' },
  submodules: { default: 'false' },
  'set-safe-directory': { default: 'true' },
  'github-server-url': {},
};

export const checkout: StandIn = {
  key: 'actions/checkout',
  releases: { '11bd71901bbe5b1630ceea73d27597364c9af683': 'v4.2.2', '3d3c42e5aac5ba805825da76410c181273ba90b1': 'v7.0.1' },
  meta: (major) =>
    major !== undefined && major < 5
      ? { name: 'Checkout', using: 'node20', inputs: INPUTS, outputs: ['ref', 'commit'] }
      : { name: 'Checkout', using: 'node24', inputs: { ...INPUTS, 'allow-unsafe-pr-checkout': { default: 'false' } }, outputs: ['ref', 'commit'] },
  main: run,
  post,
};
