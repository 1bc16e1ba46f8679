import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyInto, walkFiles } from './fsutil.js';

/**
 * The storage GitHub keeps outside a job: artifacts belong to a run; caches to the
 * repository, scoped by branch (a run may restore caches of its own ref, the default
 * branch and, for a pull request, its base).
 */

export interface StoredArtifact {
  id: number;
  name: string;
  size: number;
  files: number;
}

export class ArtifactStore {
  private next = 1;
  private readonly runs = new Map<number, Map<string, StoredArtifact>>();
  constructor(private readonly root: string) {}

  private dir(runId: number, name: string): string {
    return join(this.root, String(runId), encodeURIComponent(name));
  }

  has(runId: number, name: string): boolean {
    return this.runs.get(runId)?.has(name) ?? false;
  }

  /** Stores files (absolute path → path inside the artifact). */
  upload(runId: number, name: string, files: ReadonlyArray<{ abs: string; rel: string }>, overwrite: boolean): StoredArtifact {
    const byName = this.runs.get(runId) ?? new Map<string, StoredArtifact>();
    this.runs.set(runId, byName);
    const dir = this.dir(runId, name);
    if (byName.has(name) && overwrite) rmSync(dir, { recursive: true, force: true });
    let size = 0;
    for (const f of files) {
      copyInto(f.abs, join(dir, f.rel));
      size += readFileSync(f.abs).length;
    }
    mkdirSync(dir, { recursive: true });
    const art = { id: this.next++, name, size, files: files.length };
    byName.set(name, art);
    return art;
  }

  /** The directory holding an artifact's files, by id (the Pages backend reads artifacts this way). */
  filesOf(id: number): string | undefined {
    for (const [runId, byName] of this.runs) for (const a of byName.values()) if (a.id === id) return this.dir(runId, a.name);
    return undefined;
  }

  list(runId: number): StoredArtifact[] {
    return [...(this.runs.get(runId)?.values() ?? [])];
  }

  /** Copies an artifact's files into `dest`; false when the run has no such artifact. */
  download(runId: number, name: string, dest: string): boolean {
    if (!this.has(runId, name)) return false;
    const dir = this.dir(runId, name);
    mkdirSync(dest, { recursive: true });
    for (const rel of walkFiles(dir)) copyInto(join(dir, rel), join(dest, rel));
    return true;
  }
}

interface CacheEntry {
  key: string;
  version: string;
  scope: string;
  created: number;
  dir: string;
}

/** Where a cached file goes back to: inside the workspace, inside HOME, or an absolute path. */
export type CacheRoot = 'workspace' | 'home' | 'absolute';

export class CacheStore {
  private readonly entries: CacheEntry[] = [];
  private seq = 0;
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
    const index = join(root, 'index.json');
    // A runner-level cache outlives one runner instance when its directory is reused.
    if (existsSync(index)) this.entries.push(...(JSON.parse(readFileSync(index, 'utf8')) as CacheEntry[]));
    this.seq = this.entries.length;
  }

  private persist(): void {
    writeFileSync(join(this.root, 'index.json'), JSON.stringify(this.entries, null, 1));
  }

  static version(paths: readonly string[]): string {
    return createHash('sha256').update([...paths, 'gzip'].join('|')).digest('hex');
  }

  /**
   * The entry for `primary` in an allowed scope, else the newest one whose key starts with
   * a restore key (tried in order). Keys compare case-insensitively, as the service does.
   */
  find(primary: string, restoreKeys: readonly string[], version: string, scopes: readonly string[]): CacheEntry | undefined {
    const usable = this.entries.filter((e) => e.version === version && scopes.includes(e.scope));
    // Newest first within each scope, the run's own scope before the others.
    const ordered = scopes.flatMap((s) => usable.filter((e) => e.scope === s).sort((a, b) => b.created - a.created));
    const lower = primary.toLowerCase();
    const exact = ordered.find((e) => e.key.toLowerCase() === lower);
    if (exact) return exact;
    for (const rk of restoreKeys) {
      const p = rk.toLowerCase();
      const hit = ordered.find((e) => e.key.toLowerCase().startsWith(p));
      if (hit) return hit;
    }
    return undefined;
  }

  exists(key: string, version: string, scope: string): boolean {
    return this.entries.some((e) => e.key.toLowerCase() === key.toLowerCase() && e.version === version && e.scope === scope);
  }

  save(key: string, version: string, scope: string, files: ReadonlyArray<{ abs: string; root: CacheRoot; rel: string }>): void {
    const dir = join(this.root, `entry-${++this.seq}`);
    for (const f of files) copyInto(f.abs, join(dir, f.root, f.rel));
    mkdirSync(dir, { recursive: true });
    this.entries.push({ key, version, scope, created: Date.now() + this.seq / 1000, dir });
    this.persist();
  }

  /** Copies an entry back; returns how many files. */
  restore(entry: { dir: string }, targets: Record<CacheRoot, string>): number {
    let n = 0;
    for (const root of ['workspace', 'home', 'absolute'] as const) {
      const base = join(entry.dir, root);
      if (!existsSync(base)) continue;
      for (const rel of walkFiles(base)) {
        copyInto(join(base, rel), join(targets[root], rel));
        n++;
      }
    }
    return n;
  }

  keys(): string[] {
    return this.entries.map((e) => e.key);
  }

  clear(): void {
    for (const e of this.entries) rmSync(e.dir, { recursive: true, force: true });
    this.entries.length = 0;
    this.persist();
  }
}

export function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
