import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/*
 * The supported Node.js lines are declared once: `.nvmrc` names the release everything
 * targets, `engines.node` the range that is supported. The workflows, the Dockerfile and
 * the README must agree with them, so a version bump is one edit that this test follows.
 */

const ROOT = process.cwd();
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

/** The comparator sets of an engines range such as "^20.19.0 || ^22.12.0 || >=24.0.0". */
function satisfies(range: string, version: string): boolean {
  const [maj, min, pat] = version.split('.').map(Number) as [number, number, number];
  const cmp = (a: number[], b: number[]): number => (a[0]! - b[0]!) || (a[1]! - b[1]!) || (a[2]! - b[2]!);
  return range.split('||').some((part) => {
    const m = /^\s*(\^|>=)(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (!m) throw new Error(`engines.node: unsupported comparator "${part.trim()}"`);
    const floor = [Number(m[2]), Number(m[3]), Number(m[4])];
    const v = [maj, min || 0, pat || 0];
    if (cmp(v, floor) < 0) return false;
    return m[1] === '>=' || maj === floor[0];
  });
}

describe('the supported Node.js versions', () => {
  const nvmrc = read('.nvmrc').trim();
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

  it('.nvmrc names one major release, inside the engines range', () => {
    expect(nvmrc).toMatch(/^\d+$/);
    expect(satisfies(engines, `${nvmrc}.0.0`)).toBe(true);
    // The range check itself can say no.
    expect(satisfies(engines, '18.20.0')).toBe(false);
    expect(satisfies(engines, '23.0.0')).toBe(false);
  });

  it('every setup-node step of every workflow reads .nvmrc instead of naming a version', () => {
    const dir = join(ROOT, '.github', 'workflows');
    const seen: string[] = [];
    for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const wf = parse(read(join('.github', 'workflows', f))) as { jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }> };
      for (const [job, spec] of Object.entries(wf.jobs)) {
        for (const step of spec.steps ?? []) {
          if (!step.uses?.startsWith('actions/setup-node@')) continue;
          seen.push(`${f}:${job}`);
          expect({ where: `${f}:${job}`, with: step.with }).toEqual({ where: `${f}:${job}`, with: expect.objectContaining({ 'node-version-file': '.nvmrc' }) });
          expect(step.with?.['node-version']).toBeUndefined();
        }
      }
    }
    expect(seen.length).toBeGreaterThan(0);
  });

  it('the Dockerfile builds from the .nvmrc release', () => {
    const arg = /^ARG NODE_IMAGE=node:(\d+)[-.@]/m.exec(read('Dockerfile'));
    expect(arg?.[1]).toBe(nvmrc);
  });

  it('the README names the .nvmrc release', () => {
    expect(read('README.md')).toContain(`Node.js ${nvmrc}`);
  });
});
