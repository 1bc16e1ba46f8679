import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { build as esbuildBuild } from 'esbuild';
import { GitopsMlError } from '../errors.js';

/** Packages the bundle leaves to the package's own node_modules (declared in its package.json, or optional). */
export const RUNTIME_EXTERNALS = ['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'] as const;

export interface RuntimeBundle {
  /** lib/gitops-ml-model.mjs */
  code: string;
  /** Name, version, license and license text of every third-party package inside the bundle. */
  licenses: string;
  /** Third-party packages bundled (name@version), sorted. */
  bundled: string[];
}

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The entry to bundle: the compiled sibling when running from dist/ (the same build as
 * the packager), else the TypeScript source (tests, a checkout without a build).
 */
function runtimeEntry(): string {
  for (const name of ['runtime-entry.js', 'runtime-entry.ts']) {
    const path = join(HERE, name);
    if (existsSync(path)) return path;
  }
  throw new GitopsMlError('E_PACKAGE_RUNTIME', `no runtime-entry.js or runtime-entry.ts beside ${HERE}: the gitops-ml installation is incomplete`);
}

/** The directory holding the repository's package.json, walking up from this module (src and dist alike). */
export function findRepoRoot(from = HERE): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

// CommonJS dependencies inside an ESM bundle call require() (for Node built-ins).
const REQUIRE_SHIM = "import { createRequire as __gitopsMlCreateRequire } from 'node:module';\nconst require = __gitopsMlCreateRequire(import.meta.url);";

function packageOf(input: string): string | undefined {
  // "node_modules/ajv/dist/ajv.js" → "node_modules/ajv"; scoped names keep their scope.
  const parts = input.split('/');
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return undefined;
  const name = parts[i + 1]?.startsWith('@') ? parts.slice(i + 1, i + 3) : parts.slice(i + 1, i + 2);
  return [...parts.slice(0, i + 1), ...name].join('/');
}

function licenseText(pkgDir: string): string {
  const file = readdirSync(pkgDir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(join(pkgDir, file), 'utf8').trim() : '(no license file in the package; see its package.json)';
}

/**
 * Bundles the repository's artifact loader and inference code (model/package/runtime-entry.ts
 * and everything it imports: artifact verification, metadata and tokenizer validation,
 * the tokenizer, the predictors) into one ESM file. esbuild is a dev dependency, so
 * packaging needs a full install (`npm ci`), not a production-only one.
 */
export async function bundleRuntime(toolVersion: string): Promise<RuntimeBundle> {
  let build: typeof esbuildBuild;
  try {
    ({ build } = await import('esbuild'));
  } catch (err) {
    throw new GitopsMlError('E_PACKAGE_ESBUILD', `packaging bundles the model runtime with esbuild, which is not installed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): run \`npm ci\` with dev dependencies`);
  }
  const root = findRepoRoot();
  const result = await build({
    entryPoints: [runtimeEntry()],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...RUNTIME_EXTERNALS],
    banner: { js: `// gitops-ml model runtime, bundled by gitops-ml ${toolVersion} from model/package/runtime-entry.ts (esbuild).\n// Third-party code inside: see THIRD_PARTY_LICENSES.txt beside this file.\n${REQUIRE_SHIM}` },
    legalComments: 'eof',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles?.[0]?.text;
  if (!code) throw new GitopsMlError('E_PACKAGE_RUNTIME', 'esbuild produced no output for the model runtime');
  const pkgDirs = [...new Set(Object.keys(result.metafile.inputs).map(packageOf).filter((p): p is string => p !== undefined))].sort();
  const sections: string[] = [];
  const bundled: string[] = [];
  for (const rel of pkgDirs) {
    const dir = join(root, rel);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    bundled.push(`${pkg.name}@${pkg.version}`);
    sections.push(`${pkg.name}@${pkg.version} (${pkg.license ?? 'license not declared'})\n\n${licenseText(dir)}`);
  }
  const licenses = `Third-party packages bundled into gitops-ml-model.mjs\n${'='.repeat(52)}\n\n${sections.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`;
  return { code, licenses, bundled: [...new Set(bundled)].sort() };
}
