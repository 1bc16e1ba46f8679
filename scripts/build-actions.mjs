#!/usr/bin/env node
// Bundles each action (actions/<role>/src/index.ts) into actions/<role>/dist/index.js,
// the file its action.yml runs: one self-contained ESM file, so `uses: ./actions/<role>`
// works in a fresh repository created from the template with no build step (GitHub's
// typescript-action convention). `--check` rebuilds in memory and fails when a committed
// bundle differs from its sources (CI runs it through the test suite).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

// Some bundled dependencies are CommonJS and call require() for Node built-ins.
const banner = "import { createRequire as __gitopsCreateRequire } from 'node:module';\nconst require = __gitopsCreateRequire(import.meta.url);";

export async function bundle(role, write) {
  const outfile = join(root, 'actions', role, 'dist', 'index.js');
  const result = await build({
    entryPoints: [join(root, 'actions', role, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: banner },
    legalComments: 'none',
    logLevel: 'silent',
    write,
  });
  return { outfile, text: write ? undefined : result.outputFiles[0].text };
}

const roles = readdirSync(join(root, 'actions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'actions', d.name, 'src', 'index.ts')))
  .map((d) => d.name);

let stale = 0;
for (const role of roles) {
  if (!check) {
    const { outfile } = await bundle(role, true);
    console.log(`bundled ${role} → ${outfile.slice(root.length + 1)}`);
    continue;
  }
  const { outfile, text } = await bundle(role, false);
  const committed = existsSync(outfile) ? readFileSync(outfile, 'utf8') : undefined;
  if (committed !== text) {
    stale++;
    console.error(`${outfile.slice(root.length + 1)} is ${committed === undefined ? 'missing' : 'stale'}: run npm run build:actions and commit it`);
  }
}
if (check && stale === 0) console.log(`all ${roles.length} action bundles are current`);
process.exit(stale ? 1 : 0);
