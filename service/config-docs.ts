import { ENV_SCHEMA } from './config.js';

/** Variables read outside the validated schema (service/auth.ts reads the API keys itself). */
const OTHER_VARIABLES: readonly [name: string, fallback: string, meaning: string][] = [
  ['API_KEY_SHA256', 'unset (auth off)', 'sha256 hex digests of accepted API keys, comma-separated; clients send `Authorization: Bearer <key>`'],
  ['API_KEYS_FILE', 'unset', 'a file with one sha256 hex digest per line (read at start and on reload)'],
];

function range(rule: Record<string, unknown>): string {
  if (Array.isArray(rule.enum)) return (rule.enum as string[]).join(' \\| ');
  if (rule.type === 'integer') return `integer ${String(rule.minimum)}–${String(rule.maximum)}`;
  return 'text';
}

/**
 * The Markdown table of the service's environment variables, from the schema the service
 * validates its environment with: a variable added to the code appears here, and the
 * README's copy is checked against it by a test.
 */
export function renderEnvTable(): string {
  const rows = ['| variable | default | allowed | meaning |', '| --- | --- | --- | --- |'];
  for (const [name, rule] of Object.entries(ENV_SCHEMA.properties) as [string, Record<string, unknown>][]) {
    const def = rule.default === undefined ? '–' : `\`${String(rule.default)}\``;
    rows.push(`| \`${name}\` | ${def} | ${range(rule)} | ${String(rule.description ?? '')} |`);
  }
  for (const [name, def, meaning] of OTHER_VARIABLES) rows.push(`| \`${name}\` | ${def} | text | ${meaning} |`);
  return rows.join('\n');
}

export const ENV_TABLE_START = '<!-- env-table:start (generated from service/config.ts: npm run docs:env) -->';
export const ENV_TABLE_END = '<!-- env-table:end -->';

/** `text` with the block between the markers replaced by the current table. */
export function withEnvTable(text: string): string {
  const a = text.indexOf(ENV_TABLE_START);
  const b = text.indexOf(ENV_TABLE_END);
  if (a < 0 || b < a) throw new Error(`no ${ENV_TABLE_START} … ${ENV_TABLE_END} block`);
  return `${text.slice(0, a + ENV_TABLE_START.length)}\n${renderEnvTable()}\n${text.slice(b)}`;
}
