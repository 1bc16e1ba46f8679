import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compilePathPatterns, pathGlobToRegExp } from '../glob.js';
import { globFiles, inside } from '../fsutil.js';
import type { StandIn, StandInContext } from './types.js';

/**
 * actions/upload-artifact (v4.4.3) and actions/download-artifact (v4.1.8) over the
 * runner's run-scoped artifact store. Upload keeps paths relative to the least common
 * ancestor of the search paths and leaves out hidden files unless asked, as v4.4 does;
 * download by name extracts into `path` itself, all artifacts into `path/<name>`.
 */

const INVALID_NAME = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

/** The directory upload-artifact makes artifact paths relative to. */
export function artifactRoot(searchRoots: readonly string[]): string {
  const split = searchRoots.map((r) => r.split('/'));
  const first = split[0] ?? [''];
  let n = first.length;
  for (const s of split) {
    let i = 0;
    while (i < n && i < s.length && s[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join('/') || '/';
}

async function upload(ctx: StandInContext): Promise<void> {
  const name = ctx.getInput('name') || 'artifact';
  const bad = INVALID_NAME.filter((c) => name.includes(c));
  if (bad.length) ctx.fail(`The artifact name is not valid: ${name}. Contains the following character: ${bad.map((c) => JSON.stringify(c)).join(', ')}`);
  const raw = ctx.getInput('path', { required: true });
  const patterns = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  const ifNone = ctx.getInput('if-no-files-found') || 'warn';
  if (!['warn', 'error', 'ignore'].includes(ifNone)) ctx.fail(`Unrecognized if-no-files-found input. Provided: ${ifNone}. Available options: warn, error, ignore`);
  const includeHidden = ctx.getBooleanInput('include-hidden-files');
  const overwrite = ctx.getBooleanInput('overwrite');
  const compiled = compilePathPatterns(patterns, ctx.workspace, ctx.home).filter((c) => !c.negated);
  // A search path that is a file contributes its directory to the common root.
  const roots = compiled.map((c) => {
    try {
      return statSync(c.root).isFile() ? dirname(c.root) : c.root;
    } catch {
      return c.root;
    }
  });
  const root = artifactRoot(roots);
  const files = globFiles(ctx.workspace, patterns, { home: ctx.home, includeHidden }).filter((f) => !includeHidden ? !(inside(root, f) ?? '').split('/').some((s) => s.startsWith('.')) : true);
  if (files.length === 0) {
    const message = `No files were found with the provided path: ${patterns.join(', ')}. No artifacts will be uploaded.`;
    if (ifNone === 'error') ctx.fail(message);
    if (ifNone === 'warn') ctx.warning(message);
    else ctx.info(message);
    return;
  }
  ctx.info(`With the provided path, there will be ${files.length} file${files.length === 1 ? '' : 's'} uploaded`);
  // From v7, archive: false uploads one file as it is, under its own name.
  const archive = ctx.version.major !== undefined && ctx.version.major < 7 ? true : ctx.getBooleanInput('archive');
  if (!archive && files.length > 1) ctx.fail(`When 'archive' is set to false, only a single file can be uploaded. Found ${files.length} files to upload.`);
  const artifactName = archive ? name : (files[0] as string).split('/').pop() as string;
  const runId = ctx.github.runId;
  if (ctx.services.artifacts.has(runId, artifactName) && !overwrite) ctx.fail('Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run');
  const art = ctx.services.artifacts.upload(runId, artifactName, files.map((abs) => ({ abs, rel: inside(root, abs) ?? abs })), overwrite);
  ctx.info(`Artifact ${artifactName} has been successfully uploaded! Final size is ${art.size} bytes. Artifact ID is ${art.id}`);
  ctx.setOutput('artifact-id', String(art.id));
  ctx.setOutput('artifact-url', `${ctx.github.serverUrl}/${ctx.github.repository}/actions/runs/${runId}/artifacts/${art.id}`);
  if (ctx.version.major === undefined || ctx.version.major >= 7) {
    // The real digest is the zip's; this one covers the same files (paths and contents).
    const h = createHash('sha256');
    for (const abs of [...files].sort()) h.update(`${inside(root, abs) ?? abs}\0`).update(readFileSync(abs));
    ctx.setOutput('artifact-digest', h.digest('hex'));
  }
}

async function download(ctx: StandInContext): Promise<void> {
  const name = ctx.getInput('name');
  const pattern = ctx.getInput('pattern');
  const merge = ctx.getBooleanInput('merge-multiple');
  let path = ctx.getInput('path') || ctx.workspace;
  if (path === '~' || path.startsWith('~/')) path = ctx.home + path.slice(1);
  const dest = resolve(ctx.workspace, path);
  const token = ctx.getInput('github-token');
  const repository = ctx.getInput('repository');
  const runIdInput = ctx.getInput('run-id');
  let runId = ctx.github.runId;
  if (token && (repository !== ctx.github.repository || runIdInput !== String(ctx.github.runId))) {
    // Another run of this repository (the deploy promoting a model PR's artifact): the
    // artifacts API answers to a token with actions: read, as download-artifact's docs say.
    if (repository !== ctx.github.repository) ctx.fail('Downloading artifacts of another repository is not supported by this runner');
    if (!/^\d+$/.test(runIdInput)) ctx.fail(`run-id must be a workflow run id, got "${runIdInput}"`);
    if (token === ctx.jobToken && ctx.permissions.actions !== 'read' && ctx.permissions.actions !== 'write') ctx.fail('Unable to download artifact(s): Resource not accessible by integration (the job token needs actions: read to read another run)');
    runId = Number(runIdInput);
  }
  const store = ctx.services.artifacts;
  const ids = ctx.getInput('artifact-ids').split(',').map((x) => x.trim()).filter(Boolean);
  if (name && ids.length) ctx.fail("Inputs 'name' and 'artifact-ids' cannot be used together. Please specify only one.");
  if (ids.length) {
    for (const id of ids) {
      const a = store.list(runId).find((x) => String(x.id) === id);
      if (!a) ctx.fail(`Unable to download artifact(s): Artifact not found for ID: ${id}`);
      store.download(runId, a.name, ids.length === 1 || merge ? dest : resolve(dest, a.name));
    }
    ctx.info(`Total of ${ids.length} artifact(s) downloaded`);
  } else if (name) {
    if (!store.download(runId, name, dest))
      ctx.fail(`Unable to download artifact(s): Artifact not found for name: ${name}\n        Please ensure that your artifact is not expired and the artifact was uploaded using a compatible version of toolkit/upload-artifact.\n        For more information, visit the GitHub Artifacts FAQ: https://github.com/actions/toolkit/blob/main/packages/artifact/docs/faq.md`);
    ctx.info(`Artifact download completed successfully.`);
  } else {
    const re = pattern ? pathGlobToRegExp(pattern) : undefined;
    const all = store.list(runId).filter((a) => !re || re.test(a.name));
    ctx.info(`Found ${all.length} artifact(s)`);
    for (const a of all) store.download(runId, a.name, merge ? dest : resolve(dest, a.name));
    ctx.info('Total of ' + all.length + ' artifact(s) downloaded');
  }
  ctx.setOutput('download-path', dest);
}

const UPLOAD_INPUTS = {
  name: { default: 'artifact' },
  path: { required: true },
  'if-no-files-found': { default: 'warn' },
  'retention-days': {},
  'compression-level': { default: '6' },
  overwrite: { default: 'false' },
  'include-hidden-files': { default: 'false' },
};

export const uploadArtifact: StandIn = {
  key: 'actions/upload-artifact',
  releases: { b4b15b8c7c6ac21ea08fcf65892d2ee8f75cf882: 'v4.4.3', bbbca2ddaa5d8feaa63e36b76fdaad77386f024f: 'v7.0.0' },
  meta: (major) =>
    major !== undefined && major < 7
      ? { name: 'Upload a Build Artifact', using: major < 5 ? 'node20' : 'node24', inputs: UPLOAD_INPUTS, outputs: ['artifact-id', 'artifact-url'] }
      : { name: 'Upload a Build Artifact', using: 'node24', inputs: { ...UPLOAD_INPUTS, archive: { default: 'true' } }, outputs: ['artifact-id', 'artifact-url', 'artifact-digest'] },
  main: upload,
};

const DOWNLOAD_INPUTS = {
  name: {},
  path: {},
  pattern: {},
  'merge-multiple': { default: 'false' },
  'github-token': {},
  repository: { default: '${{ github.repository }}' },
  'run-id': { default: '${{ github.run_id }}' },
};

export const downloadArtifact: StandIn = {
  key: 'actions/download-artifact',
  releases: { fa0a91b85d4f404e444e00e005971372dc801d16: 'v4.1.8', '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c': 'v8.0.1' },
  meta: (major) =>
    major !== undefined && major < 8
      ? { name: 'Download a Build Artifact', using: major < 5 ? 'node20' : 'node24', inputs: DOWNLOAD_INPUTS, outputs: ['download-path'] }
      : { name: 'Download a Build Artifact', using: 'node24', inputs: { ...DOWNLOAD_INPUTS, 'artifact-ids': {}, 'skip-decompress': { default: 'false' }, 'digest-mismatch': { default: 'error' } }, outputs: ['download-path'] },
  main: download,
};
