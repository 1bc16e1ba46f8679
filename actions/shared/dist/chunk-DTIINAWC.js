import { createRequire as __gitopsCreateRequire } from 'node:module';
const require = __gitopsCreateRequire(import.meta.url);
import {
  ArtifactError
} from "./chunk-M65ECSYA.js";

// model/artifact/files.ts
var MODEL_FILE = "model.json";
var WEIGHTS_FILE = "weights.bin";
var TOKENIZER_FILE = "tokenizer.json";
var METADATA_FILE = "metadata.json";
var REQUIRED_FILES = [MODEL_FILE, WEIGHTS_FILE, TOKENIZER_FILE, METADATA_FILE];

// model/data/checksum.ts
import { createHash } from "node:crypto";
function sha256Hex(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

// model/artifact/manifest.ts
import { existsSync, lstatSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
var MANIFEST_FILE = "manifest.json";
var ARTIFACT_LIMITS = { maxFileBytes: 512 * 1024 * 1024, maxManifestBytes: 1024 * 1024, maxFiles: 64 };
function verifyArtifactFiles(dir, required, limits = ARTIFACT_LIMITS) {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new ArtifactError("E_ARTIFACT_NO_MANIFEST", `${dir}: no ${MANIFEST_FILE}; not a gitops-ml artifact or an incomplete copy`);
  const manifestSize = statSync(manifestPath).size;
  if (manifestSize > limits.maxManifestBytes) throw new ArtifactError("E_ARTIFACT_TOO_LARGE", `${manifestPath}: ${manifestSize} bytes, more than the ${limits.maxManifestBytes} a manifest may have`);
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (err) {
    throw new ArtifactError("E_ARTIFACT_MANIFEST", `${manifestPath}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (manifest?.algorithm !== "sha256" || typeof manifest.files !== "object" || manifest.files === null) {
    throw new ArtifactError("E_ARTIFACT_MANIFEST", `${manifestPath}: expected {"algorithm":"sha256","files":{...}}`);
  }
  for (const name of required) {
    if (!(name in manifest.files)) throw new ArtifactError("E_ARTIFACT_MANIFEST", `${manifestPath}: does not list required file ${name}`);
  }
  const entries = Object.entries(manifest.files);
  if (entries.length > limits.maxFiles) throw new ArtifactError("E_ARTIFACT_MANIFEST", `${manifestPath}: lists ${entries.length} files, more than ${limits.maxFiles}`);
  for (const [name, entry] of entries) {
    if (!Number.isSafeInteger(entry?.bytes) || entry.bytes < 0 || typeof entry.sha256 !== "string") throw new ArtifactError("E_ARTIFACT_MANIFEST", `${manifestPath}: entry "${name}" needs "bytes" (a non-negative integer) and "sha256"`);
    if (entry.bytes > limits.maxFileBytes) throw new ArtifactError("E_ARTIFACT_TOO_LARGE", `${manifestPath}: "${name}" is ${entry.bytes} bytes, more than the ${limits.maxFileBytes} an artifact file may have`);
  }
  const verified = /* @__PURE__ */ new Map();
  for (const [name, entry] of Object.entries(manifest.files)) {
    if (name.includes("/") || name.includes("\\") || name.startsWith(".")) {
      throw new ArtifactError("E_ARTIFACT_MANIFEST", `${manifestPath}: file name "${name}" must be a plain file name inside the artifact`);
    }
    const path = join(dir, name);
    if (existsSync(path) && !lstatSync(path).isFile()) throw new ArtifactError("E_ARTIFACT_MANIFEST", `${path}: not a regular file (a symlink or a directory is refused: it could point outside the artifact)`);
    if (!existsSync(path)) throw new ArtifactError("E_ARTIFACT_MISSING_FILE", `${path}: listed in the manifest but missing`);
    const size = statSync(path).size;
    if (size !== entry.bytes) {
      throw new ArtifactError("E_ARTIFACT_SIZE", `${path}: ${size} bytes, manifest says ${entry.bytes} (truncated or modified file)`);
    }
    const content = readFileSync(path);
    const actual = sha256Hex(content);
    if (actual !== entry.sha256) {
      throw new ArtifactError("E_ARTIFACT_CHECKSUM", `${path}: sha256 ${actual} does not match the manifest (${entry.sha256}); the file was modified`);
    }
    verified.set(name, content);
  }
  return verified;
}

export {
  METADATA_FILE,
  REQUIRED_FILES,
  sha256Hex,
  MANIFEST_FILE,
  verifyArtifactFiles
};
