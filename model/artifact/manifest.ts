import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../data/checksum.js';
import { ArtifactError } from '../errors.js';

export const MANIFEST_FILE = 'manifest.json';

export interface Manifest {
  algorithm: 'sha256';
  files: Record<string, { sha256: string; bytes: number }>;
}

/**
 * Bounds on what loading will read, checked against the manifest and the file system
 * before any file is read: an artifact comes from a release or a PR, and a manifest
 * claiming a 50 GB weights file must be refused, not allocated. The default model's
 * weights are tens of MB; 512 MiB leaves room for larger vocabularies.
 */
export const ARTIFACT_LIMITS = { maxFileBytes: 512 * 1024 * 1024, maxManifestBytes: 1024 * 1024, maxFiles: 64 } as const;

export function buildManifest(files: Record<string, Uint8Array | string>): Manifest {
  const entries = Object.keys(files)
    .sort()
    .map((name) => {
      const content = files[name] as Uint8Array | string;
      const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
      return [name, { sha256: sha256Hex(content), bytes }] as const;
    });
  return { algorithm: 'sha256', files: Object.fromEntries(entries) };
}

/**
 * Checks every file listed in the artifact's manifest (size first, so a truncated file
 * gets a precise message, then sha256) and that `required` files are listed.
 * Returns the verified file contents so callers never read a file twice (and never
 * read a different version than the one verified).
 */
export function verifyArtifactFiles(dir: string, required: readonly string[], limits: { maxFileBytes: number; maxManifestBytes: number; maxFiles: number } = ARTIFACT_LIMITS): Map<string, Buffer> {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new ArtifactError('E_ARTIFACT_NO_MANIFEST', `${dir}: no ${MANIFEST_FILE}; not a gitops-ml artifact or an incomplete copy`);
  const manifestSize = statSync(manifestPath).size;
  if (manifestSize > limits.maxManifestBytes) throw new ArtifactError('E_ARTIFACT_TOO_LARGE', `${manifestPath}: ${manifestSize} bytes, more than the ${limits.maxManifestBytes} a manifest may have`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch (err) {
    throw new ArtifactError('E_ARTIFACT_MANIFEST', `${manifestPath}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (manifest?.algorithm !== 'sha256' || typeof manifest.files !== 'object' || manifest.files === null) {
    throw new ArtifactError('E_ARTIFACT_MANIFEST', `${manifestPath}: expected {"algorithm":"sha256","files":{...}}`);
  }
  for (const name of required) {
    if (!(name in manifest.files)) throw new ArtifactError('E_ARTIFACT_MANIFEST', `${manifestPath}: does not list required file ${name}`);
  }
  const entries = Object.entries(manifest.files);
  if (entries.length > limits.maxFiles) throw new ArtifactError('E_ARTIFACT_MANIFEST', `${manifestPath}: lists ${entries.length} files, more than ${limits.maxFiles}`);
  for (const [name, entry] of entries) {
    if (!Number.isSafeInteger(entry?.bytes) || entry.bytes < 0 || typeof entry.sha256 !== 'string') throw new ArtifactError('E_ARTIFACT_MANIFEST', `${manifestPath}: entry "${name}" needs "bytes" (a non-negative integer) and "sha256"`);
    if (entry.bytes > limits.maxFileBytes) throw new ArtifactError('E_ARTIFACT_TOO_LARGE', `${manifestPath}: "${name}" is ${entry.bytes} bytes, more than the ${limits.maxFileBytes} an artifact file may have`);
  }
  const verified = new Map<string, Buffer>();
  for (const [name, entry] of Object.entries(manifest.files)) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) {
      throw new ArtifactError('E_ARTIFACT_MANIFEST', `${manifestPath}: file name "${name}" must be a plain file name inside the artifact`);
    }
    const path = join(dir, name);
    if (existsSync(path) && !lstatSync(path).isFile()) throw new ArtifactError('E_ARTIFACT_MANIFEST', `${path}: not a regular file (a symlink or a directory is refused: it could point outside the artifact)`);
    if (!existsSync(path)) throw new ArtifactError('E_ARTIFACT_MISSING_FILE', `${path}: listed in the manifest but missing`);
    const size = statSync(path).size;
    if (size !== entry.bytes) {
      throw new ArtifactError('E_ARTIFACT_SIZE', `${path}: ${size} bytes, manifest says ${entry.bytes} (truncated or modified file)`);
    }
    const content = readFileSync(path);
    const actual = sha256Hex(content);
    if (actual !== entry.sha256) {
      throw new ArtifactError('E_ARTIFACT_CHECKSUM', `${path}: sha256 ${actual} does not match the manifest (${entry.sha256}); the file was modified`);
    }
    verified.set(name, content);
  }
  return verified;
}
