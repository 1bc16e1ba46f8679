import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_FILE, REQUIRED_FILES } from '../../../model/artifact/files.js';
import { MANIFEST_FILE, verifyArtifactFiles } from '../../../model/artifact/manifest.js';
import { sha256Hex } from '../../../model/data/checksum.js';
import { GitopsMlError } from '../../../model/errors.js';

/**
 * Build once, promote: the artifact a model PR trained, evaluated and had approved is the
 * one the deploy ships. The PR's docs job writes where that artifact is (the workflow run
 * and the artifact name) and what it is (the sha256 of its manifest.json, which lists the
 * sha256 of every file, so it pins them all) into the evaluation record it commits,
 * `docs/model-cards/<name>.json`. On the merge, deploy.yml reads that record from main,
 * downloads the artifact from that run and checks the bytes against it before anything is
 * packaged, released or built. Pure checks here; the reading of files is at the end.
 */

export interface ArtifactProvenance {
  /** The model-pr workflow run that trained and evaluated the artifact (github.run_id). */
  workflow_run_id: number;
  /** The workflow artifact's name in that run (actions/upload-artifact `name`). */
  artifact_name: string;
  /** Where the artifact directory is inside the uploaded workflow artifact: `<name>/<version>`. */
  artifact_path: string;
  /** sha256 of the artifact's manifest.json bytes. */
  manifest_sha256: string;
  model: { name: string; version: string };
}

/** Codes: E_PROVENANCE_MISSING (no record, or no provenance in it), E_PROVENANCE_INVALID (a malformed one), E_PROVENANCE_VERSION (not the release's model version), E_PROVENANCE_MANIFEST (other bytes than the approved ones). */
export class ProvenanceError extends GitopsMlError {
  constructor(code: 'E_PROVENANCE_MISSING' | 'E_PROVENANCE_INVALID' | 'E_PROVENANCE_VERSION' | 'E_PROVENANCE_MANIFEST', message: string) {
    super(code, message);
    this.name = 'ProvenanceError';
  }
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const VERSION = /^\d+\.\d+\.\d+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const ARTIFACT_NAME_BAD = /["':<>|*?\r\n\\/]/;

/** The provenance the docs job records for an artifact directory's manifest bytes. */
export function provenanceFor(o: { runId: number; artifactName: string; manifest: Uint8Array; model: { name: string; version: string } }): ArtifactProvenance {
  const p: ArtifactProvenance = { workflow_run_id: o.runId, artifact_name: o.artifactName, artifact_path: `${o.model.name}/${o.model.version}`, manifest_sha256: sha256Hex(o.manifest), model: { name: o.model.name, version: o.model.version } };
  const problems = provenanceProblems(p);
  if (problems.length) throw new ProvenanceError('E_PROVENANCE_INVALID', `cannot record the artifact's provenance: ${problems.join('; ')}`);
  return p;
}

function provenanceProblems(p: Partial<ArtifactProvenance> | undefined): string[] {
  const out: string[] = [];
  if (!Number.isSafeInteger(p?.workflow_run_id) || (p?.workflow_run_id as number) < 1) out.push('workflow_run_id must be a positive integer (a workflow run id)');
  if (typeof p?.artifact_name !== 'string' || p.artifact_name === '' || ARTIFACT_NAME_BAD.test(p.artifact_name)) out.push('artifact_name must be a workflow artifact name');
  if (typeof p?.model?.name !== 'string' || !NAME.test(p.model.name)) out.push('model.name must be a model name');
  if (typeof p?.model?.version !== 'string' || !VERSION.test(p.model.version)) out.push('model.version must be X.Y.Z');
  if (p?.artifact_path !== `${String(p?.model?.name)}/${String(p?.model?.version)}`) out.push('artifact_path must be <model.name>/<model.version>');
  if (typeof p?.manifest_sha256 !== 'string' || !HEX64.test(p.manifest_sha256)) out.push('manifest_sha256 must be 64 lower-case hex digits');
  return out;
}

/** The evaluation record (evaluation.json's text) with its `provenance`, formatted as the pipeline writes records. */
export function recordWithProvenance(recordText: string, p: ArtifactProvenance): string {
  const record = JSON.parse(recordText) as Record<string, unknown>;
  const model = record.model as { name?: unknown; version?: unknown } | undefined;
  if (model?.name !== p.model.name || model?.version !== p.model.version) throw new ProvenanceError('E_PROVENANCE_INVALID', `the evaluation record is of ${String(model?.name)} ${String(model?.version)}, the artifact is ${p.model.name} ${p.model.version}`);
  return `${JSON.stringify({ ...record, provenance: p }, null, 2)}\n`;
}

/** The provenance in a committed evaluation record; `source` names the file in errors. */
export function readProvenance(recordText: string, source: string): ArtifactProvenance {
  let record: { provenance?: Partial<ArtifactProvenance>; model?: { name?: unknown; version?: unknown } };
  try {
    record = JSON.parse(recordText) as typeof record;
  } catch (err) {
    throw new ProvenanceError('E_PROVENANCE_INVALID', `${source}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!record?.provenance) throw new ProvenanceError('E_PROVENANCE_MISSING', `${source} records no provenance of an approved artifact (which model-pr run, which artifact, its manifest sha256): re-run the model PR so its docs job records it, then merge that`);
  const problems = provenanceProblems(record.provenance);
  if (problems.length) throw new ProvenanceError('E_PROVENANCE_INVALID', `${source}: provenance: ${problems.join('; ')}`);
  const p = record.provenance as ArtifactProvenance;
  if (record.model?.name !== p.model.name || record.model?.version !== p.model.version) throw new ProvenanceError('E_PROVENANCE_INVALID', `${source}: the record is of ${String(record.model?.name)} ${String(record.model?.version)}, its provenance names ${p.model.name} ${p.model.version}`);
  return p;
}

/** The approved artifact must be the version the release will have (the PR planned it; main may have moved since). */
export function checkPlannedVersion(p: ArtifactProvenance, planned: { model: string; version: string }): void {
  if (p.model.name !== planned.model || p.model.version !== planned.version) {
    throw new ProvenanceError('E_PROVENANCE_VERSION', `the approved artifact is ${p.model.name} ${p.model.version}, the release would be ${planned.model} ${planned.version}: re-run the model PR (a new one if it is merged) so that it trains ${planned.version}, and have it approved`);
  }
}

/** The downloaded manifest is the approved one: its sha256 as recorded. */
export function checkManifestSha(p: ArtifactProvenance, manifest: Uint8Array): void {
  const sha = sha256Hex(manifest);
  if (sha !== p.manifest_sha256) throw new ProvenanceError('E_PROVENANCE_MANIFEST', `the downloaded artifact's ${MANIFEST_FILE} has sha256 ${sha}, the approved one ${p.manifest_sha256}: these are not the bytes the PR evaluated and the CEO approved; nothing is deployed`);
}

/** The downloaded bytes are the approved ones: sha256(manifest.json) as recorded, and metadata of the planned version. */
export function checkApprovedBytes(p: ArtifactProvenance, got: { manifest: Uint8Array; metadata: { name?: unknown; version?: unknown } }, planned: { model: string; version: string }): void {
  checkManifestSha(p, got.manifest);
  if (got.metadata.name !== planned.model || got.metadata.version !== planned.version) {
    throw new ProvenanceError('E_PROVENANCE_VERSION', `the approved artifact is ${String(got.metadata.name)} ${String(got.metadata.version)}, the release would be ${planned.model} ${planned.version}: re-run the model PR (a new one if it is merged) so that it trains ${planned.version}, and have it approved`);
  }
}

/** Reads the committed record; a missing file is the same refusal as a record without provenance. */
export function loadProvenance(recordPath: string): ArtifactProvenance {
  if (!existsSync(recordPath)) throw new ProvenanceError('E_PROVENANCE_MISSING', `no evaluation record ${recordPath} on this commit: the model PR's docs job commits it; re-run the model PR`);
  return readProvenance(readFileSync(recordPath, 'utf8'), recordPath);
}

/**
 * The downloaded artifact under `root` (where actions/download-artifact extracted it),
 * checked against the record: manifest sha256, then every file against the manifest
 * (size and sha256, model/artifact/manifest.ts), then its metadata's name and version.
 * Returns the artifact directory.
 */
export function verifyApprovedArtifact(root: string, p: ArtifactProvenance, planned: { model: string; version: string }): string {
  checkPlannedVersion(p, planned);
  const dir = join(root, p.artifact_path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ProvenanceError('E_PROVENANCE_MANIFEST', `the downloaded artifact ${p.artifact_name} has no ${p.artifact_path}/ under ${root}`);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new ProvenanceError('E_PROVENANCE_MANIFEST', `${dir}: no ${MANIFEST_FILE}`);
  const manifest = readFileSync(manifestPath);
  // The manifest first: once it is the approved one, its file hashes decide the rest.
  checkManifestSha(p, manifest);
  const files = verifyArtifactFiles(dir, REQUIRED_FILES);
  const metadata = JSON.parse((files.get(METADATA_FILE) as Buffer).toString('utf8')) as { name?: unknown; version?: unknown };
  checkApprovedBytes(p, { manifest, metadata }, planned);
  return dir;
}
