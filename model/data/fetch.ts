import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CanonicalSession } from './canonical.js';
import { DATASET_REGISTRY, getDataset } from './registry.js';
import type { DatasetRegistry } from './registry.js';
import { defaultCacheDir, resolveDatasetFile } from './resolve.js';
import type { ResolveOptions, ResolvedDataset } from './resolve.js';

export interface FetchDatasetsOptions extends Omit<ResolveOptions, 'path' | 'session'> {
  /** Lay the files out here as `<out>/<name>/<file>` (the DATASETS_DIR layout); only the cache when omitted. */
  out?: string;
  /** Registry names to fetch; all when empty. */
  names?: readonly string[];
  onFile?: (line: string) => void;
}

/**
 * Resolves every file of the named datasets the usual way (DATASETS_DIR, the cache, or
 * the canonical archive), so each is verified against its pins, and optionally copies
 * them into the DATASETS_DIR layout. One session: each archive is downloaded once.
 */
export async function fetchDatasets(opts: FetchDatasetsOptions = {}): Promise<ResolvedDataset[]> {
  const registry: DatasetRegistry = opts.registry ?? DATASET_REGISTRY;
  const names = opts.names?.length ? opts.names : Object.keys(registry);
  const entries = names.map((n) => getDataset(n, registry));
  const env = opts.env ?? process.env;
  const session = new CanonicalSession(resolve(opts.cacheDir ?? defaultCacheDir(env)), { ...opts.download, onProgress: opts.onProgress });
  const out: ResolvedDataset[] = [];
  try {
    for (const entry of entries) {
      for (const [split, file] of Object.entries(entry.files)) {
        const resolved = await resolveDatasetFile(entry.name, split, { ...opts, session });
        let where = resolved.path;
        if (opts.out !== undefined) {
          where = join(resolve(opts.out), entry.name, file.path);
          await mkdir(dirname(where), { recursive: true });
          if (resolved.path !== where) await copyFile(resolved.path, where);
        }
        const variant = resolved.variant && resolved.variant !== 'original' ? `, ${resolved.variant} release` : '';
        opts.onFile?.(`${entry.name}:${split} → ${where} (${resolved.source}${variant}, sha256 ${resolved.sha256.slice(0, 12)}…)`);
        out.push({ ...resolved, path: where });
      }
    }
    if (opts.out !== undefined && names.length === Object.keys(registry).length) {
      // The layout's own integrity list, as `sha256sum -c SHA256SUMS` reads it.
      const sums = out.map((f) => `${f.sha256}  ${f.name}/${getDataset(f.name as string, registry).files[f.split as string]?.path}`).sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1)); // byte order, as sha256sum lists sort
      await writeFile(join(resolve(opts.out), 'SHA256SUMS'), `${sums.join('\n')}\n`);
    }
  } finally {
    await session.close();
  }
  return out;
}
