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

/**
 * Files the registry builds from the canonical members that the reference folder's
 * SHA256SUMS predates (CI lays them out beside it with scripts/complete-datasets-dir.mjs).
 * Their pins are checked by replaying the normalisation on the canonical members.
 */
export const BEYOND_REFERENCE: Readonly<Record<string, string>> = {
  'sst2/train_phrases.tsv': '48f8075edd3cb51472baffeb9f184fface486f305844249314dccac20539f868',
  'sst2/test_as_written.tsv': '7d8120c84c4ff2f3ca7b42d2cc88cc3e02aa0a4fa6ab73ab5f9221519b08cbab',
};
