import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  MANIFEST_FILE,
  METADATA_FILE,
  REQUIRED_FILES,
  sha256Hex,
  verifyArtifactFiles
} from "./chunk-DTIINAWC.js";
import {
  GitopsMlError
} from "./chunk-M65ECSYA.js";

// actions/shared/src/provenance.ts
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
var ProvenanceError = class extends GitopsMlError {
  constructor(code, message) {
    super(code, message);
    this.name = "ProvenanceError";
  }
};
var NAME = /^[a-z0-9][a-z0-9-]*$/;
var VERSION = /^\d+\.\d+\.\d+$/;
var HEX64 = /^[0-9a-f]{64}$/;
var ARTIFACT_NAME_BAD = /["':<>|*?\r\n\\/]/;
function provenanceFor(o) {
  const p = { workflow_run_id: o.runId, artifact_name: o.artifactName, artifact_path: `${o.model.name}/${o.model.version}`, manifest_sha256: sha256Hex(o.manifest), model: { name: o.model.name, version: o.model.version } };
  const problems = provenanceProblems(p);
  if (problems.length) throw new ProvenanceError("E_PROVENANCE_INVALID", `cannot record the artifact's provenance: ${problems.join("; ")}`);
  return p;
}
function provenanceProblems(p) {
  const out = [];
  if (!Number.isSafeInteger(p?.workflow_run_id) || p?.workflow_run_id < 1) out.push("workflow_run_id must be a positive integer (a workflow run id)");
  if (typeof p?.artifact_name !== "string" || p.artifact_name === "" || ARTIFACT_NAME_BAD.test(p.artifact_name)) out.push("artifact_name must be a workflow artifact name");
  if (typeof p?.model?.name !== "string" || !NAME.test(p.model.name)) out.push("model.name must be a model name");
  if (typeof p?.model?.version !== "string" || !VERSION.test(p.model.version)) out.push("model.version must be X.Y.Z");
  if (p?.artifact_path !== `${String(p?.model?.name)}/${String(p?.model?.version)}`) out.push("artifact_path must be <model.name>/<model.version>");
  if (typeof p?.manifest_sha256 !== "string" || !HEX64.test(p.manifest_sha256)) out.push("manifest_sha256 must be 64 lower-case hex digits");
  return out;
}
function recordWithProvenance(recordText, p) {
  const record = JSON.parse(recordText);
  const model = record.model;
  if (model?.name !== p.model.name || model?.version !== p.model.version) throw new ProvenanceError("E_PROVENANCE_INVALID", `the evaluation record is of ${String(model?.name)} ${String(model?.version)}, the artifact is ${p.model.name} ${p.model.version}`);
  return `${JSON.stringify({ ...record, provenance: p }, null, 2)}
`;
}
function readProvenance(recordText, source) {
  let record;
  try {
    record = JSON.parse(recordText);
  } catch (err) {
    throw new ProvenanceError("E_PROVENANCE_INVALID", `${source}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!record?.provenance) throw new ProvenanceError("E_PROVENANCE_MISSING", `${source} records no provenance of an approved artifact (which model-pr run, which artifact, its manifest sha256): re-run the model PR so its docs job records it, then merge that`);
  const problems = provenanceProblems(record.provenance);
  if (problems.length) throw new ProvenanceError("E_PROVENANCE_INVALID", `${source}: provenance: ${problems.join("; ")}`);
  const p = record.provenance;
  if (record.model?.name !== p.model.name || record.model?.version !== p.model.version) throw new ProvenanceError("E_PROVENANCE_INVALID", `${source}: the record is of ${String(record.model?.name)} ${String(record.model?.version)}, its provenance names ${p.model.name} ${p.model.version}`);
  return p;
}
function checkPlannedVersion(p, planned) {
  if (p.model.name !== planned.model || p.model.version !== planned.version) {
    throw new ProvenanceError("E_PROVENANCE_VERSION", `the approved artifact is ${p.model.name} ${p.model.version}, the release would be ${planned.model} ${planned.version}: re-run the model PR (a new one if it is merged) so that it trains ${planned.version}, and have it approved`);
  }
}
function checkManifestSha(p, manifest) {
  const sha = sha256Hex(manifest);
  if (sha !== p.manifest_sha256) throw new ProvenanceError("E_PROVENANCE_MANIFEST", `the downloaded artifact's ${MANIFEST_FILE} has sha256 ${sha}, the approved one ${p.manifest_sha256}: these are not the bytes the PR evaluated and the CEO approved; nothing is deployed`);
}
function checkApprovedBytes(p, got, planned) {
  checkManifestSha(p, got.manifest);
  if (got.metadata.name !== planned.model || got.metadata.version !== planned.version) {
    throw new ProvenanceError("E_PROVENANCE_VERSION", `the approved artifact is ${String(got.metadata.name)} ${String(got.metadata.version)}, the release would be ${planned.model} ${planned.version}: re-run the model PR (a new one if it is merged) so that it trains ${planned.version}, and have it approved`);
  }
}
function loadProvenance(recordPath) {
  if (!existsSync(recordPath)) throw new ProvenanceError("E_PROVENANCE_MISSING", `no evaluation record ${recordPath} on this commit: the model PR's docs job commits it; re-run the model PR`);
  return readProvenance(readFileSync(recordPath, "utf8"), recordPath);
}
function verifyApprovedArtifact(root, p, planned) {
  checkPlannedVersion(p, planned);
  const dir = join(root, p.artifact_path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ProvenanceError("E_PROVENANCE_MANIFEST", `the downloaded artifact ${p.artifact_name} has no ${p.artifact_path}/ under ${root}`);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new ProvenanceError("E_PROVENANCE_MANIFEST", `${dir}: no ${MANIFEST_FILE}`);
  const manifest = readFileSync(manifestPath);
  checkManifestSha(p, manifest);
  const files = verifyArtifactFiles(dir, REQUIRED_FILES);
  const metadata = JSON.parse(files.get(METADATA_FILE).toString("utf8"));
  checkApprovedBytes(p, { manifest, metadata }, planned);
  return dir;
}

export {
  provenanceFor,
  recordWithProvenance,
  checkPlannedVersion,
  loadProvenance,
  verifyApprovedArtifact
};
