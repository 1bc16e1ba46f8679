import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_FILE, REQUIRED_FILES } from '../../../model/artifact/files.js';
import { MANIFEST_FILE, verifyArtifactFiles } from '../../../model/artifact/manifest.js';
import type { GitHub, RepoRef } from './github.js';
import { tickTask } from './orchestrator.js';
import { provenanceFor, recordWithProvenance } from './provenance.js';

export interface DocsResult {
  committed: string[];
  unchanged: string[];
}

const SAFE_PATH = /^docs\/[\w./-]+$/;

/**
 * The model card a training run wrote into its artifact, as the committed file
 * `docs/model-cards/<name>.md`, and its evaluation record as `docs/model-cards/<name>.json`. The name comes from the artifact's metadata, which the
 * artifact schema restricts to a slug, so it cannot point outside that folder.
 *
 * With `provenance` (the workflow run and the name of the workflow artifact the directory
 * was uploaded as), the artifact is verified against its manifest and the record carries
 * where it is and the sha256 of its manifest.json: deploy.yml promotes exactly those bytes
 * once the PR is merged (see provenance.ts).
 */
export function modelCardDoc(artifactDir: string, provenance?: { runId: number; artifactName: string }): { path: string; content: string }[] {
  const meta = JSON.parse(readFileSync(join(artifactDir, METADATA_FILE), 'utf8')) as { name?: unknown; version?: unknown };
  if (typeof meta.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(meta.name)) throw new Error(`docs: ${join(artifactDir, METADATA_FILE)} has no model name usable as a file name`);
  let content: string;
  try {
    content = readFileSync(join(artifactDir, 'model-card.md'), 'utf8');
  } catch {
    throw new Error(`docs: ${artifactDir} has no model-card.md; was it written by \`gitops-ml train\`?`);
  }
  const docs = [{ path: `docs/model-cards/${meta.name}.md`, content }];
  // The evaluation record beside it: once merged, it is the champion the next version of
  // this model is compared with (per-example test predictions included).
  const record = join(artifactDir, 'evaluation.json');
  if (provenance) {
    if (!existsSync(record)) throw new Error(`docs: ${artifactDir} has no evaluation.json to record the artifact's provenance in; was it trained with the evaluation gates?`);
    // The bytes the record pins must be whole: every file as its manifest says.
    verifyArtifactFiles(artifactDir, REQUIRED_FILES);
    const p = provenanceFor({ runId: provenance.runId, artifactName: provenance.artifactName, manifest: readFileSync(join(artifactDir, MANIFEST_FILE)), model: { name: meta.name, version: String(meta.version) } });
    docs.push({ path: `docs/model-cards/${meta.name}.json`, content: recordWithProvenance(readFileSync(record, 'utf8'), p) });
  } else if (existsSync(record)) docs.push({ path: `docs/model-cards/${meta.name}.json`, content: readFileSync(record, 'utf8') });
  return docs;
}

/**
 * The docs role: commits regenerated documentation (the model card, the API description)
 * to the model PR's branch through the contents API, one commit per changed file, and
 * ticks the docs task. Only files under docs/ are accepted, and an unchanged file is
 * not committed again (re-runs do not pile up empty commits).
 */
export async function commitDocs(gh: GitHub, where: RepoRef & { pullNumber: number }, branch: string, files: readonly string[], readLocal: (path: string) => string = (p) => readFileSync(p, 'utf8')): Promise<DocsResult> {
  const { owner, repo } = where;
  const result: DocsResult = { committed: [], unchanged: [] };
  for (const path of files) {
    if (!SAFE_PATH.test(path) || path.split('/').includes('..')) throw new Error(`docs: "${path}" is not a file under docs/`);
    const content = readLocal(path);
    let sha: string | undefined;
    let current: string | undefined;
    try {
      const { data } = await gh.rest.repos.getContent({ owner, repo, path, ref: branch });
      if (!Array.isArray(data) && data.type === 'file' && 'content' in data) {
        sha = data.sha;
        current = Buffer.from(data.content, 'base64').toString('utf8');
      }
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    if (current === content) {
      result.unchanged.push(path);
      continue;
    }
    await gh.rest.repos.createOrUpdateFileContents({ owner, repo, path, branch, message: `docs: regenerate ${path} (#${where.pullNumber})`, content: Buffer.from(content).toString('base64'), ...(sha ? { sha } : {}) });
    result.committed.push(path);
  }
  await tickTask(gh, where, 'docs', 'done', result.committed.length ? `updated ${result.committed.join(', ')}` : 'up to date');
  return result;
}
