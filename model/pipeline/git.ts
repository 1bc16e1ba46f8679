import { execFileSync } from 'node:child_process';

/** The current commit (with "-dirty" when the tree has changes), or null outside a git checkout. */
export function gitCommit(cwd = process.cwd()): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    // Not a git checkout (e.g. an unpacked release tarball): metadata records null.
    return null;
  }
}
