import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { compilePathPatterns, matchesPathPatterns } from './glob.js';

/** Every file under `root` (relative POSIX paths, sorted), not following symbolic links to directories. */
export function walkFiles(root: string, opts: { includeHidden?: boolean } = {}): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (opts.includeHidden === false && name.startsWith('.')) continue;
      const abs = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      let st;
      try {
        st = lstatSync(abs);
      } catch {
        continue;
      }
      if (st.isDirectory()) visit(abs, r);
      else out.push(r);
    }
  };
  visit(root, '');
  return out;
}

/** Files matching path globs (relative ones under `base`), as absolute paths in walk order. */
export function globFiles(base: string, patterns: readonly string[], opts: { home?: string; includeHidden?: boolean } = {}): string[] {
  const compiled = compilePathPatterns(patterns, base, opts.home);
  const results = new Set<string>();
  const roots = [...new Set(compiled.filter((c) => !c.negated).map((c) => c.root))];
  for (const root of roots) {
    let st;
    try {
      st = lstatSync(root);
    } catch {
      continue;
    }
    if (!st.isDirectory()) {
      if (matchesPathPatterns(compiled, root)) results.add(root);
      continue;
    }
    for (const rel of walkFiles(root, { includeHidden: opts.includeHidden })) {
      const abs = root === '/' ? `/${rel}` : `${root}/${rel}`;
      if (matchesPathPatterns(compiled, abs)) results.add(abs);
    }
  }
  return [...results];
}

/**
 * hashFiles(): the SHA-256 of the SHA-256 digests of every matching regular file under
 * the workspace, in walk order, or '' when nothing matches (as the runner's hashFiles
 * script computes it).
 */
export function hashFiles(workspace: string, patterns: readonly string[]): string {
  // Only files inside the workspace count, as the runner's hashFiles ignores the rest.
  const files = globFiles(workspace, patterns).filter((f) => {
    if (inside(workspace, f) === undefined) return false;
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
  if (files.length === 0) return '';
  const outer = createHash('sha256');
  for (const f of files) outer.update(createHash('sha256').update(readFileSync(f)).digest());
  return outer.digest('hex');
}

export function copyInto(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(src, dest, { recursive: true, force: true, verbatimSymlinks: true });
}

/** `p` relative to `root`, or undefined when outside it. */
export function inside(root: string, p: string): string | undefined {
  const rel = relative(root, p);
  if (rel === '' ) return '';
  if (rel.startsWith('..') || rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel)) return undefined;
  return rel.split(sep).join('/');
}

export function exists(p: string): boolean {
  return existsSync(p);
}
