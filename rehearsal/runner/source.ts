import { mkdirSync } from 'node:fs';
import { git, gitEnv } from './git.js';

/**
 * The repository as the runner reads it before any job: the workflow files of the event's
 * commit (GitHub reads workflows from the commit the event is about, never from a working
 * tree) and, for `paths` filters, the files an event changed. One bare repository per
 * runner, fetched into over `gitRemote`.
 */
export class RepositorySource {
  private ready: Promise<void> | undefined;
  private readonly env: Record<string, string>;

  constructor(
    private readonly dir: string,
    private readonly remote: () => string,
    home: string,
  ) {
    this.env = gitEnv(home);
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      mkdirSync(this.dir, { recursive: true });
      await git(['init', '--bare', '--quiet', this.dir], { cwd: this.dir, env: this.env });
    })();
    return this.ready;
  }

  private async has(sha: string): Promise<boolean> {
    try {
      await git(['cat-file', '-e', `${sha}^{commit}`], { cwd: this.dir, env: this.env });
      return true;
    } catch {
      return false;
    }
  }

  /** Makes `sha` and its history present locally (fetches are incremental, and merge bases need history). */
  async ensure(sha: string): Promise<void> {
    await this.init();
    if (await this.has(sha)) return;
    await git(['fetch', '--quiet', '--no-tags', this.remote(), sha], { cwd: this.dir, env: this.env });
  }

  /** `.github/workflows/*.yml|yaml` at `sha`: path → content. */
  async workflows(sha: string): Promise<Map<string, string>> {
    await this.ensure(sha);
    const out = new Map<string, string>();
    let listing = '';
    try {
      listing = await git(['ls-tree', '--name-only', `${sha}:.github/workflows`], { cwd: this.dir, env: this.env });
    } catch {
      return out;
    }
    for (const name of listing.split('\n').filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const path = `.github/workflows/${name}`;
      out.set(path, await git(['show', `${sha}:${path}`], { cwd: this.dir, env: this.env }));
    }
    return out;
  }

  /** Files changed between two commits; `mergeBase` compares from their merge base (a pull request's diff). */
  async changedFiles(base: string, head: string, mergeBase: boolean): Promise<string[]> {
    await this.ensure(head);
    await this.ensure(base);
    const range = mergeBase ? `${base}...${head}` : `${base}..${head}`;
    const out = await git(['diff', '--name-only', '--no-renames', range], { cwd: this.dir, env: this.env });
    return out.split('\n').filter(Boolean);
  }

  /** The files of one commit (a push that created its branch has no `before`). */
  async filesOfCommit(sha: string): Promise<string[]> {
    await this.ensure(sha);
    const out = await git(['diff-tree', '--root', '--no-commit-id', '--name-only', '-r', sha], { cwd: this.dir, env: this.env });
    return out.split('\n').filter(Boolean);
  }
}
