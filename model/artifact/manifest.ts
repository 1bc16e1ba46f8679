import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../data/checksum.js';
import { ArtifactError } from '../errors.js';

export const MANIFEST_FILE = 'manifest.json';

export interface Manifest {
  algorithm: 'sha256';
  files: Record<string, { sha256: string; bytes: number }>;
}

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
export function verifyArtifactFiles(dir: string, required: readonly string[]): Map<string, Buffer> {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new ArtifactError('E_ARTIFACT_NO_MANIFEST', `${dir}: no ${MANIFEST_FILE}; not a gitops-ml artifact or an incomplete copy`);
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
  const verified = new Map<string, Buffer>();
  for (const [name, entry] of Object.entries(manifest.files)) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) {
      throw new ArtifactError('E_ARTIFACT_MANIFEST', `${manifestPath}: file name "${name}" must be a plain file name inside the artifact`);
    }
    const path = join(dir, name);
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
