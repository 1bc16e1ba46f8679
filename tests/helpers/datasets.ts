import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The reference datasets (CI sets DATASETS_DIR to ../shared/datasets). Tests that need
 * them fail with this message rather than being skipped when the folder is absent.
 */
export function datasetsDir(): string {
  const dir = process.env.DATASETS_DIR ?? resolve(REPO_ROOT, '../shared/datasets');
  if (!existsSync(dir)) throw new Error(`datasets not found at ${dir}: set DATASETS_DIR to the folder holding sst2/, mr/ and eec/`);
  return dir;
}
