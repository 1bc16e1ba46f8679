import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DATASET_REGISTRY } from './registry.js';
import type { DatasetRegistry } from './registry.js';
import { resolveDatasetFile } from './resolve.js';
import type { ResolveOptions } from './resolve.js';

/**
 * Lays out every registry file under `out/<name>/<file>` (the DATASETS_DIR layout the
 * tests and the pipeline read), each resolved the usual way (DATASETS_DIR, the cache, or
 * a download from $GITOPS_ML_DATASETS_URL) and so verified against its sha256.
 */
export async function fetchDatasets(out: string, opts: ResolveOptions & { onFile?: (line: string) => void } = {}): Promise<number> {
  const registry: DatasetRegistry = opts.registry ?? DATASET_REGISTRY;
  let n = 0;
  for (const entry of Object.values(registry)) {
    for (const [split, file] of Object.entries(entry.files)) {
      const resolved = await resolveDatasetFile(entry.name, split, opts);
      const target = join(out, entry.name, file.path);
      mkdirSync(dirname(target), { recursive: true });
      if (resolved.path !== target) copyFileSync(resolved.path, target);
      opts.onFile?.(`${entry.name}:${split} → ${target} (${resolved.source}, sha256 ${resolved.sha256.slice(0, 12)}…)`);
      n++;
    }
  }
  return n;
}
