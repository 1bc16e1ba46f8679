#!/usr/bin/env node
// Bundles each action (actions/<role>/src/index.ts) into actions/<role>/dist/index.js,
// the file its action.yml runs, so `uses: ./actions/<role>` works in a fresh repository
// created from the template with no build step (GitHub's typescript-action convention).
//
// The ten roles share most of their code (Octokit and undici, ajv, the model spec), so they
// are built in one pass with code splitting: what two or more roles import goes once into
// actions/shared/dist/chunk-*.js and each role's index.js imports it by relative path. That
// keeps the committed bundles at about a sixth of ten self-contained files while they stay
// unminified, so a stack trace from a runner names real functions and lines and a bundle's
// diff can be read. A runner checks out (or downloads) the whole repository, so the relative
// imports always resolve. `--check` rebuilds in memory and fails when a committed bundle or
// chunk differs from what the sources build to, or when a chunk no longer built is still
// committed (CI runs it through the test suite).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const actionsDir = join(root, 'actions');
const chunkDir = join(actionsDir, 'shared', 'dist');
const check = process.argv.includes('--check');

// Some bundled dependencies are CommonJS and call require() for Node built-ins.
const banner = "import { createRequire as __gitopsCreateRequire } from 'node:module';\nconst require = __gitopsCreateRequire(import.meta.url);";

const roles = readdirSync(actionsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(actionsDir, d.name, 'src', 'index.ts')))
  .map((d) => d.name);

const result = await build({
  entryPoints: Object.fromEntries(roles.map((role) => [`${role}/dist/index`, join(actionsDir, role, 'src', 'index.ts')])),
  outdir: actionsDir,
  chunkNames: 'shared/dist/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: banner },
  legalComments: 'none',
  logLevel: 'silent',
  write: false,
});

const built = new Map(result.outputFiles.map((f) => [f.path, f.text]));
const committedChunks = existsSync(chunkDir) ? readdirSync(chunkDir).filter((f) => f.endsWith('.js')).map((f) => join(chunkDir, f)) : [];
const rel = (p) => relative(root, p);

if (!check) {
  // Chunk names carry a content hash: a chunk the sources no longer produce is removed, not left to rot.
  for (const file of committedChunks) if (!built.has(file)) rmSync(file);
  for (const [path, text] of built) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  const bytes = [...built.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
  console.log(`bundled ${roles.length} actions into ${built.size} files (${(bytes / 1048576).toFixed(1)} MiB): ${roles.join(', ')}`);
  process.exit(0);
}

const problems = [];
for (const [path, text] of built) {
  const committed = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (committed !== text) problems.push(`${rel(path)} is ${committed === undefined ? 'missing' : 'stale'}`);
}
for (const file of committedChunks) if (!built.has(file)) problems.push(`${rel(file)} is no longer built`);
for (const p of problems) console.error(`${p}: run npm run build:actions and commit the result`);
if (problems.length === 0) console.log(`all ${roles.length} action bundles are current (${built.size} files)`);
process.exit(problems.length ? 1 : 0);
