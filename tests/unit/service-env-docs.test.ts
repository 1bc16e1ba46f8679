import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_SCHEMA } from '../../service/config.js';
import { ENV_TABLE_END, ENV_TABLE_START, renderEnvTable, withEnvTable } from '../../service/config-docs.js';
import { REPO_ROOT } from '../helpers/datasets.js';

describe("the README's table of service environment variables", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it('is the table generated from the schema the service validates with (npm run docs:env regenerates it)', () => {
    expect(readme).toContain(ENV_TABLE_START);
    expect(withEnvTable(readme)).toBe(readme);
  });

  it('names every variable of the schema, INFERENCE_THREADS included, each with a description', () => {
    const table = renderEnvTable();
    for (const [name, rule] of Object.entries(ENV_SCHEMA.properties)) {
      expect([name, table.includes(`| \`${name}\` |`)]).toEqual([name, true]);
      expect([name, typeof (rule as { description?: unknown }).description]).toEqual([name, 'string']);
    }
    expect(table).toContain('`INFERENCE_THREADS`');
  });

  it('a README whose table drifted from the schema is caught', () => {
    const drifted = readme.replace(/\| `INFERENCE_THREADS` \|[^\n]*\n/, '');
    expect(drifted).not.toBe(readme);
    expect(withEnvTable(drifted)).not.toBe(drifted);
    expect(() => withEnvTable('no markers')).toThrow(ENV_TABLE_END);
  });
});
