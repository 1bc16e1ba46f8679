import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './datasets.js';

interface MarkdownlintError {
  lineNumber: number;
  ruleNames: string[];
  ruleDescription: string;
  errorDetail: string | null;
  errorContext: string | null;
}
type Lint = (options: { strings: Record<string, string>; config: unknown }) => Promise<Record<string, MarkdownlintError[]>>;

/**
 * markdownlint's programmatic API with the repository's `.markdownlint-cli2.jsonc`,
 * both through markdownlint-cli2 (a devDependency): its re-export of markdownlint's
 * promise API and its own JSONC parser, so the card is linted exactly as the CLI would.
 * The specifiers are variables because markdownlint-cli2 ships no type declarations.
 */
export async function markdownlint(): Promise<(text: string) => Promise<string[]>> {
  const lintModule = 'markdownlint-cli2/markdownlint/promise';
  const jsoncModule = 'markdownlint-cli2/parsers/jsonc';
  const { lint } = (await import(lintModule)) as { lint: Lint };
  const parse = ((await import(jsoncModule)) as { default: (text: string) => unknown }).default;
  const options = parse(readFileSync(join(REPO_ROOT, '.markdownlint-cli2.jsonc'), 'utf8')) as { config?: unknown };
  if (!options.config) throw new Error('.markdownlint-cli2.jsonc has no "config"');
  return async (text) => {
    const results = await lint({ strings: { card: text }, config: options.config });
    return (results.card ?? []).map((e) => `line ${e.lineNumber}: ${e.ruleNames.join('/')} ${e.ruleDescription}${e.errorDetail ? ` [${e.errorDetail}]` : ''}${e.errorContext ? ` (${e.errorContext})` : ''}`);
  };
}

