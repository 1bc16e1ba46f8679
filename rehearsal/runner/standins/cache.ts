import { CacheStore } from '../stores.js';
import type { CacheRoot } from '../stores.js';
import { globFiles, inside } from '../fsutil.js';
import type { StandIn, StandInContext } from './types.js';

/**
 * actions/cache (v4.2.0): restore in the main step (exact key, then restore-keys by
 * prefix, newest first, from the caches of this ref, the base branch and the default
 * branch), save in the post step (post-if success()) unless the primary key was hit, with
 * the action's messages. Entries live in the runner's cache directory.
 */

function scopes(ctx: StandInContext): string[] {
  const s = [ctx.github.ref];
  if (ctx.github.baseRef) s.push(`refs/heads/${ctx.github.baseRef}`);
  if (ctx.github.defaultBranch) s.push(`refs/heads/${ctx.github.defaultBranch}`);
  return [...new Set(s)];
}

function validateKey(ctx: StandInContext, key: string): void {
  if (key.length > 512) ctx.fail(`Key Validation Error: ${key} cannot be larger than 512 characters.`);
  if (key.includes(',')) ctx.fail(`Key Validation Error: ${key} cannot contain commas.`);
}

async function restore(ctx: StandInContext): Promise<void> {
  const primary = ctx.getInput('key', { required: true });
  ctx.saveState('CACHE_KEY', primary);
  const restoreKeys = ctx.getMultilineInput('restore-keys');
  const paths = ctx.getMultilineInput('path', { required: true });
  for (const k of [primary, ...restoreKeys]) validateKey(ctx, k);
  const version = CacheStore.version(paths);
  const entry = ctx.services.cache.find(primary, restoreKeys, version, scopes(ctx));
  if (!entry) {
    // cache-hit is left unset on a miss, as the action does (actions/cache#1466).
    if (ctx.getBooleanInput('fail-on-cache-miss')) ctx.fail(`Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: ${primary}`);
    ctx.info(`Cache not found for input keys: ${[primary, ...restoreKeys].join(', ')}`);
    return;
  }
  ctx.saveState('CACHE_RESULT', entry.key);
  const exact = entry.key.toLowerCase() === primary.toLowerCase();
  ctx.setOutput('cache-hit', String(exact));
  if (ctx.getBooleanInput('lookup-only')) {
    ctx.info(`Cache found and can be restored from key: ${entry.key}`);
    return;
  }
  const n = ctx.services.cache.restore(entry, { workspace: ctx.workspace, home: ctx.home, absolute: '/' });
  ctx.info(`Cache restored from key: ${entry.key} (${n} files)`);
}

async function save(ctx: StandInContext): Promise<void> {
  const primary = ctx.getState('CACHE_KEY');
  if (!primary) {
    ctx.warning('Key is not specified.');
    return;
  }
  const matched = ctx.getState('CACHE_RESULT');
  if (matched && matched.toLowerCase() === primary.toLowerCase()) {
    ctx.info(`Cache hit occurred on the primary key ${primary}, not saving cache.`);
    return;
  }
  const paths = ctx.getMultilineInput('path', { required: true });
  const files = globFiles(ctx.workspace, paths, { home: ctx.home }).map((abs) => {
    const ws = inside(ctx.workspace, abs);
    const home = inside(ctx.home, abs);
    const where: { root: CacheRoot; rel: string } = ws !== undefined ? { root: 'workspace', rel: ws } : home !== undefined ? { root: 'home', rel: home } : { root: 'absolute', rel: abs.replace(/^\/+/, '') };
    return { abs, ...where };
  });
  if (files.length === 0) {
    ctx.warning('Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.');
    return;
  }
  const version = CacheStore.version(paths);
  if (ctx.services.cache.exists(primary, version, ctx.github.ref)) {
    ctx.warning(`Failed to save: Unable to reserve cache with key ${primary}, another job may be creating this cache.`);
    return;
  }
  ctx.services.cache.save(primary, version, ctx.github.ref, files);
  ctx.info(`Cache saved with key: ${primary}`);
}

export const cache: StandIn = {
  key: 'actions/cache',
  releases: { '1bd1e32a3bdc45362d1e726936510720a7c30a57': 'v4.2.0', '27d5ce7f107fe9357f9df03efb73ab90386fccae': 'v5.0.5' },
  meta: (major) => ({
    name: 'Cache',
    using: major !== undefined && major < 5 ? 'node20' : 'node24',
    postIf: 'success()',
    inputs: {
      path: { required: true },
      key: { required: true },
      'restore-keys': {},
      'upload-chunk-size': {},
      enableCrossOsArchive: { default: 'false' },
      'fail-on-cache-miss': { default: 'false' },
      'lookup-only': { default: 'false' },
      'save-always': { default: 'false', deprecationMessage: 'save-always does not work as intended and will be removed in a future release.\nA separate `actions/cache/restore` step should be used instead.\nSee https://github.com/actions/cache/tree/main/save#always-save-cache for more details.' },
    },
    outputs: ['cache-hit'],
  }),
  main: restore,
  post: save,
};
