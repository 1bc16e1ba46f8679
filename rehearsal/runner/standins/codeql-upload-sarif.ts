import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { StandIn, StandInContext } from './types.js';

/**
 * github/codeql-action/upload-sarif (v4.31.9): the SARIF file (or every .sarif in a
 * directory) must be SARIF 2.1.0 JSON whose runs name their tool driver; the upload needs
 * `security-events: write` on the token (GitHub answers 403 otherwise). A valid upload is
 * recorded on the run instead of being sent to code scanning.
 */

interface SarifSummary {
  tool: string;
  results: number;
}

/** Checks a SARIF document's shape; returns its tool and result count, or the reason it is refused. */
export function validateSarif(text: string, file: string): SarifSummary | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `Invalid SARIF. JSON syntax error in ${file}: ${e instanceof Error ? e.message : String(e)}`;
  }
  const d = doc as { version?: unknown; runs?: unknown };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return `Invalid SARIF. ${file} is not a SARIF log (an object)`;
  if (d.version !== '2.1.0') return `Invalid SARIF. Version '${String(d.version)}' in ${file} is not supported: SARIF 2.1.0 is`;
  if (!Array.isArray(d.runs)) return `Invalid SARIF. Missing 'runs' array in ${file}`;
  let tool = '';
  let results = 0;
  for (const [i, run] of d.runs.entries()) {
    const name = (run as { tool?: { driver?: { name?: unknown } } } | null)?.tool?.driver?.name;
    if (typeof name !== 'string' || !name) return `Invalid SARIF. runs[${i}].tool.driver.name is required in ${file}`;
    tool ||= name;
    const r = (run as { results?: unknown }).results;
    if (r !== undefined && !Array.isArray(r)) return `Invalid SARIF. runs[${i}].results must be an array in ${file}`;
    results += Array.isArray(r) ? r.length : 0;
  }
  return { tool, results };
}

async function run(ctx: StandInContext): Promise<void> {
  const input = ctx.getInput('sarif_file') || '../results';
  const path = resolve(ctx.workspace, input);
  if (!existsSync(path)) ctx.fail(`Path does not exist: ${input}`);
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.sarif'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) ctx.fail(`No SARIF files found to upload in "${input}".`);
  const token = ctx.getInput('token');
  if (token === ctx.jobToken && ctx.permissions['security-events'] !== 'write') ctx.fail('Resource not accessible by integration - https://docs.github.com/rest (the job needs permissions: security-events: write)');
  const category = ctx.getInput('category');
  for (const f of files) {
    const v = validateSarif(readFileSync(f, 'utf8'), f);
    if (typeof v === 'string') ctx.fail(v);
    ctx.services.extras.codeScanning.push({ category, tool: v.tool, results: v.results, file: f.startsWith(ctx.workspace) ? f.slice(ctx.workspace.length + 1) : f });
    ctx.info(`Uploading ${f}: ${v.results} result(s) from ${v.tool}${category ? ` (category ${category})` : ''}`);
  }
  const id = randomUUID();
  ctx.setOutput('sarif-id', id);
  ctx.setOutput('sarif-ids', JSON.stringify({ 'code-scanning': id }));
}

export const uploadSarif: StandIn = {
  key: 'github/codeql-action/upload-sarif',
  releases: { '5d4e8d1aca955e8d8589aabd499c5cae939e33c7': 'v4.31.9' },
  meta: () => ({
    name: 'Code Scanning : Upload SARIF',
    using: 'node24',
    inputs: {
      sarif_file: { default: '../results' },
      checkout_path: { default: '${{ github.workspace }}' },
      ref: {},
      sha: {},
      token: { default: '${{ github.token }}' },
      matrix: { default: '${{ toJson(matrix) }}' },
      category: {},
      'wait-for-processing': { required: true, default: 'true' },
    },
    outputs: ['sarif-id', 'sarif-ids'],
  }),
  main: run,
};
