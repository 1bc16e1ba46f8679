import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { StandIn, StandInContext } from './types.js';

/**
 * actions/setup-node (v4.1.0's inputs). The job keeps the host's node (it is put on PATH
 * as setup-node puts the version it installs); the requested version is recorded and a
 * different major is warned about. `cache: npm` restores the runner's warm npm cache as
 * ~/.npm, as setup-node's cache restore does, after the same lock-file check.
 */

const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock'];

/** The major version a node-version spec asks for, when it names one (20, 20.x, v20.1.0, >=20). */
export function requestedMajor(spec: string): number | undefined {
  const m = /^\s*(?:>=|\^|~|v)?\s*(\d+)(?:[.x*\d]*)\s*$/.exec(spec);
  return m ? Number(m[1]) : undefined;
}

function versionFromFile(ctx: StandInContext, file: string): string {
  const path = resolve(ctx.workspace, file);
  if (!existsSync(path)) ctx.fail(`The specified node version file at: ${path} does not exist`);
  const text = readFileSync(path, 'utf8');
  if (file.endsWith('package.json')) {
    const pkg = JSON.parse(text) as { volta?: { node?: string }; engines?: { node?: string }; devEngines?: { runtime?: { version?: string } } };
    return pkg.volta?.node ?? pkg.devEngines?.runtime?.version ?? pkg.engines?.node ?? '';
  }
  const toolVersions = /^nodejs\s+(\S+)/m.exec(text);
  return (toolVersions?.[1] ?? text.split('\n')[0] ?? '').trim();
}

async function run(ctx: StandInContext): Promise<void> {
  const spec = ctx.getInput('node-version') || (ctx.getInput('node-version-file') ? versionFromFile(ctx, ctx.getInput('node-version-file')) : '');
  const host = process.versions.node;
  if (spec) {
    const major = requestedMajor(spec);
    ctx.info(`node-version ${spec} requested; the runner provides Node.js v${host}`);
    if (major !== undefined && major !== Number(host.split('.')[0])) ctx.warning(`node-version ${spec} was requested but this runner has Node.js v${host}: the job runs on v${host}`);
  }
  ctx.addPath(dirname(process.execPath));
  ctx.setOutput('node-version', `v${host}`);
  const registry = ctx.getInput('registry-url');
  if (registry) {
    const url = new URL(registry);
    const npmrc = join(ctx.temp, '.npmrc');
    const scope = ctx.getInput('scope');
    const lines = [`${url.href.replace(/^https?:/, '')}:_authToken=\${NODE_AUTH_TOKEN}`, `${scope ? `@${scope.replace(/^@/, '').toLowerCase()}:` : ''}registry=${url.href}`];
    writeFileSync(npmrc, `${lines.join('\n')}\n`);
    ctx.exportVariable('NPM_CONFIG_USERCONFIG', npmrc);
    ctx.exportVariable('NODE_AUTH_TOKEN', 'XXXXX-XXXXX-XXXXX-XXXXX');
  }
  let cache = ctx.getInput('cache');
  // From v5, npm named as package.json's packageManager turns caching on by itself.
  if (!cache && (ctx.version.major === undefined || ctx.version.major >= 5) && ctx.getInput('package-manager-cache') !== 'false') {
    const pkg = join(ctx.workspace, 'package.json');
    const field = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { packageManager?: string; devEngines?: { packageManager?: { name?: string } } }) : {};
    if (field.packageManager?.startsWith('npm') || field.devEngines?.packageManager?.name === 'npm') {
      ctx.info("Detected npm as the package manager from package.json's packageManager field. Auto caching has been enabled for npm. If you want to disable it, set package-manager-cache input to false");
      cache = 'npm';
    }
  }
  if (!cache) return;
  ctx.saveState('cache', cache);
  if (cache !== 'npm') ctx.fail(`Caching for '${cache}' is not supported by this runner's setup-node stand-in (npm is)`);
  const depPath = ctx.getInput('cache-dependency-path');
  const found = depPath ? existsSync(resolve(ctx.workspace, depPath)) : LOCK_FILES.some((f) => existsSync(join(ctx.workspace, f)));
  if (!found) ctx.fail(`Dependencies lock file is not found in ${ctx.workspace}. Supported file patterns: ${LOCK_FILES.join(',')}`);
  const target = ctx.services.npmCacheDir;
  mkdirSync(target, { recursive: true });
  const npmDir = join(ctx.home, '.npm');
  let present = false;
  try {
    lstatSync(npmDir);
    present = true;
  } catch {
    present = false;
  }
  if (!present) symlinkSync(target, npmDir, 'dir');
  const hit = readdirSync(target).length > 0;
  ctx.setOutput('cache-hit', String(hit));
  if (ctx.version.major === undefined || ctx.version.major >= 5) {
    ctx.setOutput('cache-primary-key', `node-cache-${process.platform}-${process.arch}-npm`);
    ctx.setOutput('cache-matched-key', hit ? `node-cache-${process.platform}-${process.arch}-npm` : '');
  }
  ctx.info(hit ? `Cache restored from the runner's npm cache (${target})` : 'npm cache is not found');
}

async function post(ctx: StandInContext): Promise<void> {
  // The warm cache is the restored ~/.npm itself: what npm wrote there is already saved.
  if (ctx.getState('cache') === 'npm') ctx.info('Cache saved (the runner keeps its npm cache)');
}

const COMMON = {
  'node-version': {},
  'node-version-file': {},
  architecture: {},
  'check-latest': { default: 'false' },
  'registry-url': {},
  scope: {},
  token: { default: "${{ github.server_url == 'https://github.com' && github.token || '' }}" },
  cache: {},
  'cache-dependency-path': {},
};

export const setupNode: StandIn = {
  key: 'actions/setup-node',
  releases: { '39370e3970a6d050c480ffad4ff0ed4d3fdee5af': 'v4.1.0', '820762786026740c76f36085b0efc47a31fe5020': 'v7.0.0' },
  meta: (major) =>
    major !== undefined && major < 5
      ? { name: 'Setup Node.js environment', using: 'node20', postIf: 'success()', inputs: { 'always-auth': { default: 'false' }, ...COMMON }, outputs: ['cache-hit', 'node-version'] }
      : {
          name: 'Setup Node.js environment',
          using: 'node24',
          postIf: 'success()',
          inputs: { ...COMMON, 'package-manager-cache': { default: 'true' }, mirror: {}, 'mirror-token': {} },
          outputs: ['cache-hit', 'cache-primary-key', 'cache-matched-key', 'node-version'],
        },
  main: run,
  post,
};
