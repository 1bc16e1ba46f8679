import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/datasets.js';
import { markdownlint } from '../helpers/markdownlint.js';

/** Every tracked Markdown file (README, docs, model cards, examples) lints clean with the repository's markdownlint-cli2 config. */
describe('Markdown', () => {
  const files = execFileSync('git', ['ls-files', '*.md'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

  it('covers the documents a team reads', () => {
    for (const f of ['README.md', 'docs/GETTING_STARTED.md', 'docs/INTEGRATION_GUIDE.md', 'docs/RUNBOOK.md', 'docs/ARCHITECTURE.md', 'docs/SECURITY.md', 'docs/model-cards/sentiment.md']) expect(files).toContain(f);
  });

  it('lints clean', async () => {
    const lint = await markdownlint();
    const problems: string[] = [];
    for (const f of files) for (const p of await lint(readFileSync(join(REPO_ROOT, f), 'utf8'))) problems.push(`${f}: ${p}`);
    expect(problems).toEqual([]);
  });
});
