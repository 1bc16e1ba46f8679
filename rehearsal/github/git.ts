import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Git plumbing on a bare repository: every commit the local GitHub makes (contents API,
 * merges, template copies, people's pushes) is a real object written with hash-object,
 * a tree built in a throw-away index, commit-tree and a compare-and-swap update-ref.
 * No work tree exists, as on GitHub's servers, so nothing can drift from the objects.
 */

export const ZERO_SHA = '0'.repeat(40);

export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (${code ?? 'signal'}): ${stderr.trim()}`);
  }
}

export interface GitResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The process environment without GIT_* variables a caller's own git may have set (GIT_DIR would redirect us). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', ...extra };
}

export function runGit(args: readonly string[], opts: { cwd?: string; input?: Buffer | string; env?: Record<string, string> } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env: cleanEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export interface Person {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  path: string;
  size: number;
}

export type FileStatus = 'added' | 'modified' | 'removed' | 'renamed';

export interface ChangedFile {
  filename: string;
  status: FileStatus;
  previousFilename?: string;
}

/** A new file's content, or null to delete the path. */
export type FileChange = Buffer | string | null;

const parsePerson = (line: string): Person => {
  const m = /^(.*) <([^>]*)> (\d+) [+-]\d{4}$/.exec(line);
  return m ? { name: m[1] as string, email: m[2] as string, time: Number(m[3]) } : { name: line, email: '', time: 0 };
};

export class BareRepo {
  constructor(readonly dir: string) {}

  static async init(dir: string, defaultBranch: string): Promise<BareRepo> {
    await mkdir(dir, { recursive: true });
    const r = await runGit(['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`, dir]);
    if (r.code !== 0) throw new GitError(['init', dir], r.code, r.stderr);
    const repo = new BareRepo(dir);
    // Smart HTTP clients may fetch any advertised sha (actions/checkout fetches a bare sha).
    await repo.git(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
    await repo.git(['config', 'receive.denyDeleteCurrent', 'warn']);
    return repo;
  }

  async run(args: readonly string[], opts: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<GitResult> {
    return runGit(args, { cwd: this.dir, ...opts });
  }

  async git(args: readonly string[], opts: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new GitError(args, r.code, r.stderr);
    return r.stdout.toString('utf8');
  }

  /** The commit a revision names, or undefined. */
  async resolveCommit(rev: string, env?: Record<string, string>): Promise<string | undefined> {
    const r = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], env ? { env } : {});
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  async branchHead(branch: string): Promise<string | undefined> {
    const r = await this.run(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  async refs(prefix = 'refs/'): Promise<{ ref: string; sha: string; type: string }[]> {
    const out = await this.git(['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)', prefix]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [sha, type, ref] = l.split(' ') as [string, string, string];
        return { ref, sha, type };
      });
  }

  async refSha(ref: string): Promise<string | undefined> {
    const r = await this.run(['rev-parse', '--verify', '--quiet', ref]);
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  async objectType(sha: string, env?: Record<string, string>): Promise<string | undefined> {
    const r = await this.run(['cat-file', '-t', sha], env ? { env } : {});
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  async hashBlob(content: Buffer | string): Promise<string> {
    return (await this.git(['hash-object', '-w', '--stdin'], { input: content })).trim();
  }

  /** Writes many blobs with one git process (a template has hundreds of files). */
  async hashBlobs(contents: readonly (Buffer | string)[]): Promise<string[]> {
    if (contents.length === 0) return [];
    if (contents.length === 1) return [await this.hashBlob(contents[0] as Buffer | string)];
    const dir = await mkdtemp(join(this.dir, 'blobs-'));
    try {
      const paths = await Promise.all(contents.map(async (c, i) => {
        const p = join(dir, String(i));
        await writeFile(p, c);
        return p;
      }));
      const out = await this.git(['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: `${paths.join('\n')}\n` });
      return out.split('\n').filter(Boolean);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * The tree of `base` (a commit, or none for an empty tree) with `changes` applied, built
   * in a private index file so concurrent writers never share one.
   */
  async treeWith(base: string | undefined, changes: ReadonlyMap<string, FileChange>, modes: ReadonlyMap<string, string> = new Map()): Promise<string> {
    const index = join(this.dir, `index-${randomBytes(6).toString('hex')}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.git(base ? ['read-tree', `${base}^{tree}`] : ['read-tree', '--empty'], { env });
      const writes = [...changes].filter((e): e is [string, Buffer | string] => e[1] !== null);
      const shas = await this.hashBlobs(writes.map(([, c]) => c));
      const lines: string[] = [];
      for (const [path, content] of changes) if (content === null) lines.push(`0 ${ZERO_SHA}\t${path}`);
      writes.forEach(([path], i) => lines.push(`${modes.get(path) ?? '100644'} ${shas[i] ?? ''}\t${path}`));
      if (lines.length) await this.git(['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
      return (await this.git(['write-tree'], { env })).trim();
    } finally {
      await rm(index, { force: true });
    }
  }

  async treeOf(commit: string): Promise<string> {
    return (await this.git(['rev-parse', `${commit}^{tree}`])).trim();
  }

  async commitTree(tree: string, parents: readonly string[], message: string, author: Person, committer: Person = author): Promise<string> {
    const env = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: `@${author.time} +0000`,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: `@${committer.time} +0000`,
    };
    return (await this.git(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], { env, input: message })).trim();
  }

  /** Compare-and-swap: false when the ref no longer holds `expected` (ZERO_SHA: must not exist). */
  async updateRef(ref: string, sha: string, expected?: string): Promise<boolean> {
    const r = await this.run(['update-ref', ref, sha, ...(expected !== undefined ? [expected] : [])]);
    return r.code === 0;
  }

  async deleteRef(ref: string): Promise<void> {
    await this.run(['update-ref', '-d', ref]);
  }

  async commitInfo(sha: string, env?: Record<string, string>): Promise<CommitInfo | undefined> {
    const r = await this.run(['cat-file', 'commit', sha], env ? { env } : {});
    if (r.code !== 0) return undefined;
    const text = r.stdout.toString('utf8');
    const split = text.indexOf('\n\n');
    const head = text.slice(0, split < 0 ? text.length : split).split('\n');
    const info: CommitInfo = { sha, tree: '', parents: [], author: parsePerson(''), committer: parsePerson(''), message: split < 0 ? '' : text.slice(split + 2) };
    for (const line of head) {
      const sp = line.indexOf(' ');
      const key = line.slice(0, sp);
      const value = line.slice(sp + 1);
      if (key === 'tree') info.tree = value;
      else if (key === 'parent') info.parents.push(value);
      else if (key === 'author') info.author = parsePerson(value);
      else if (key === 'committer') info.committer = parsePerson(value);
    }
    return info;
  }

  /** The entry at `path` in a commit (empty path: the root tree). */
  async entry(commit: string, path: string): Promise<TreeEntry | undefined> {
    if (path === '') return { mode: '040000', type: 'tree', sha: await this.treeOf(commit), path: '', size: 0 };
    const out = await this.run(['ls-tree', '--long', '--full-tree', commit, '--', path]);
    if (out.code !== 0) return undefined;
    const line = out.stdout.toString('utf8').split('\n').find((l) => l.endsWith(`\t${path}`));
    return line ? parseTreeLine(line) : undefined;
  }

  async listTree(commit: string, dir: string): Promise<TreeEntry[]> {
    const out = await this.git(['ls-tree', '--long', '--full-tree', commit, '--', dir === '' ? '.' : `${dir}/`]);
    return out.split('\n').filter(Boolean).map(parseTreeLine);
  }

  /** Every file path in a commit. */
  async listFiles(commit: string): Promise<string[]> {
    const out = await this.git(['ls-tree', '-r', '--name-only', '-z', '--full-tree', commit]);
    return out.split('\0').filter(Boolean);
  }

  async readBlob(sha: string): Promise<Buffer> {
    const r = await this.run(['cat-file', 'blob', sha]);
    if (r.code !== 0) throw new GitError(['cat-file', 'blob', sha], r.code, r.stderr);
    return r.stdout;
  }

  /** Files changed from `from` to `to` (from undefined: everything in `to` is added). */
  async changedFiles(from: string | undefined, to: string, env?: Record<string, string>): Promise<ChangedFile[]> {
    const args = from ? ['diff-tree', '-r', '-z', '--name-status', '-M', from, to] : ['diff-tree', '-r', '-z', '--name-status', '--root', to];
    const out = (await this.run(args, env ? { env } : {})).stdout.toString('utf8').split('\0').filter((s) => s !== '');
    // `--root <commit>` prints the commit id first.
    if (!from && out[0] && /^[0-9a-f]{40}$/.test(out[0])) out.shift();
    const files: ChangedFile[] = [];
    for (let i = 0; i < out.length; ) {
      const status = out[i++] as string;
      if (status.startsWith('R')) {
        const previous = out[i++] as string;
        files.push({ filename: out[i++] as string, status: 'renamed', previousFilename: previous });
      } else {
        files.push({ filename: out[i++] as string, status: status === 'A' ? 'added' : status === 'D' ? 'removed' : 'modified' });
      }
    }
    return files;
  }

  async isAncestor(ancestor: string, descendant: string, env?: Record<string, string>): Promise<boolean> {
    return (await this.run(['merge-base', '--is-ancestor', ancestor, descendant], env ? { env } : {})).code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const r = await this.run(['merge-base', a, b]);
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  /** The tree of merging `theirs` into `ours` (git merge-tree --write-tree), or undefined on a conflict. */
  async mergeTree(ours: string, theirs: string): Promise<string | undefined> {
    const r = await this.run(['merge-tree', '--write-tree', '--allow-unrelated-histories', ours, theirs]);
    if (r.code !== 0) return undefined;
    return r.stdout.toString('utf8').split('\n')[0]?.trim();
  }

  /** Commits reachable from `to` and not from any of `exclude`, oldest first. */
  async commitsBetween(to: string, exclude: readonly string[], env?: Record<string, string>): Promise<string[]> {
    const out = await this.run(['rev-list', '--reverse', '--topo-order', to, ...exclude.map((e) => `^${e}`)], env ? { env } : {});
    return out.stdout.toString('utf8').split('\n').filter(Boolean);
  }
}

function parseTreeLine(line: string): TreeEntry {
  const tab = line.indexOf('\t');
  const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/) as [string, TreeEntry['type'], string, string];
  return { mode, type, sha, path: line.slice(tab + 1), size: size === '-' ? 0 : Number(size) };
}
