import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LicenseException } from '../../actions/shared/src/security/audit.js';
import {
  DEFAULT_ALLOWED_LICENSES,
  disallowedLicenses,
  licenseOf,
  licensePolicy,
  parseSpdx,
  productionPackages,
  readInstalledLicenses,
} from '../../actions/shared/src/security/licenses.js';
import type { PackageLicense } from '../../actions/shared/src/security/licenses.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const TODAY = new Date('2026-11-26T12:00:00Z');
const pkg = (name: string, license: string | undefined, extra: Partial<PackageLicense> = {}): PackageLicense => ({
  name,
  version: '1.0.0',
  path: `node_modules/${name}`,
  optional: false,
  license,
  source: 'package.json',
  ...extra,
});
const allowedBy = (expr: string, allowed: readonly string[] = DEFAULT_ALLOWED_LICENSES): string[] => disallowedLicenses(parseSpdx(expr), allowed);

describe('SPDX expressions', () => {
  it('parses identifiers, +, WITH, and AND binding tighter than OR', () => {
    expect(parseSpdx('MIT')).toEqual({ license: 'MIT', plus: false });
    expect(parseSpdx('GPL-2.0+')).toEqual({ license: 'GPL-2.0', plus: true });
    expect(parseSpdx('GPL-2.0-only WITH Classpath-exception-2.0')).toEqual({ license: 'GPL-2.0-only', plus: false, exception: 'Classpath-exception-2.0' });
    expect(parseSpdx('MIT OR GPL-3.0-only AND BSD-2-Clause')).toEqual({
      conjunction: 'OR',
      left: { license: 'MIT', plus: false },
      right: { conjunction: 'AND', left: { license: 'GPL-3.0-only', plus: false }, right: { license: 'BSD-2-Clause', plus: false } },
    });
    expect(parseSpdx('(MIT OR GPL-3.0-only) AND BSD-2-Clause')).toMatchObject({ conjunction: 'AND', left: { conjunction: 'OR' } });
    expect(parseSpdx('LicenseRef-Proprietary')).toEqual({ license: 'LicenseRef-Proprietary', plus: false });
    expect(parseSpdx('DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2')).toMatchObject({ license: 'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2' });
  });

  it.each([
    ['', /empty/],
    ['MIT OR', /expected a licence identifier at token 3 \(end\)/],
    ['(MIT OR ISC', /expected "\)"/],
    ['MIT)', /unexpected text after the expression/],
    ['MIT AND OR ISC', /expected a licence identifier/],
    ['Apache 2.0', /unexpected text after the expression/],
    ['SEE LICENSE IN LICENSE.md', /unexpected text/],
    ['MIT/X11', /unexpected "\/"/],
    ['MIT or ISC', /unexpected text/],
    ['GPL-2.0 WITH', /expected a licence identifier/],
  ])('rejects %j', (expr, message) => {
    expect(() => parseSpdx(expr)).toThrow(message);
  });

  it('OR passes if any alternative is allowed, AND only if all are; WITH and + follow their licence', () => {
    expect(allowedBy('(MIT OR Apache-2.0)')).toEqual([]);
    expect(allowedBy('(MIT OR GPL-3.0-only)')).toEqual([]);
    expect(allowedBy('(GPL-3.0-only OR AGPL-3.0-only)')).toEqual(['GPL-3.0-only', 'AGPL-3.0-only']);
    expect(allowedBy('Apache-2.0 AND MIT')).toEqual([]);
    expect(allowedBy('(BSD-3-Clause AND Apache-2.0)')).toEqual([]);
    expect(allowedBy('MIT AND GPL-3.0-only')).toEqual(['GPL-3.0-only']);
    expect(allowedBy('(MIT OR GPL-3.0-only) AND LGPL-2.1-only')).toEqual(['LGPL-2.1-only']);
    expect(allowedBy('Apache-2.0 WITH LLVM-exception')).toEqual([]);
    expect(allowedBy('GPL-2.0-only WITH Classpath-exception-2.0')).toEqual(['GPL-2.0-only WITH Classpath-exception-2.0']);
    expect(allowedBy('GPL-2.0-only WITH Classpath-exception-2.0', ['GPL-2.0-only WITH Classpath-exception-2.0'])).toEqual([]);
    expect(allowedBy('MPL-2.0')).toEqual(['MPL-2.0']);
    expect(allowedBy('Apache-2.0+', ['Apache-2.0'])).toEqual([]);
    // SPDX identifiers match case-insensitively.
    expect(allowedBy('mit')).toEqual([]);
  });
});

describe('licenseOf', () => {
  it.each([
    [{ license: 'MIT' }, 'MIT'],
    [{ license: ' (MIT OR Apache-2.0) ' }, '(MIT OR Apache-2.0)'],
    [{ license: { type: 'BSD-3-Clause', url: 'https://example.org' } }, 'BSD-3-Clause'],
    [{ licenses: [{ type: 'MIT' }] }, 'MIT'],
    [{ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }, '(MIT OR Apache-2.0)'],
    [{ licenses: ['ISC'] }, 'ISC'],
    [{ license: '' }, undefined],
    [{ name: 'x' }, undefined],
    [null, undefined],
  ])('%j → %j', (json, expected) => {
    expect(licenseOf(json)).toBe(expected);
  });
});

describe('licensePolicy', () => {
  it('passes allowed licences and fails the rest, each naming the package and licence', () => {
    const v = licensePolicy(
      [pkg('a', 'MIT'), pkg('b', '(MIT OR GPL-3.0-only)'), pkg('c', 'GPL-3.0-only'), pkg('d', undefined), pkg('e', 'UNLICENSED'), pkg('f', 'SEE LICENSE IN LICENSE.md'), pkg('g', 'MIT AND AGPL-3.0-only')],
      DEFAULT_ALLOWED_LICENSES,
      [],
      TODAY,
    );
    expect(v.part).toBe('licenses');
    expect(v.outcome).toBe('fail');
    expect(v.summary).toBe('7 production packages: 2 allowed, 5 not allowed');
    expect(v.findings.map((f) => [f.ruleId, f.level])).toEqual([
      ['license/not-allowed', 'error'],
      ['license/missing', 'error'],
      ['license/unlicensed', 'error'],
      ['license/unknown', 'error'],
      ['license/not-allowed', 'error'],
    ]);
    expect(v.findings[0]?.message).toBe('c@1.0.0 (node_modules/c) is licensed "GPL-3.0-only"; not on the allow-list: GPL-3.0-only.');
    expect(v.findings[1]?.message).toContain('d@1.0.0 (node_modules/d) declares no licence');
    expect(v.findings[2]?.message).toContain('e@1.0.0 (node_modules/e) is UNLICENSED');
    expect(v.findings[3]?.message).toContain('f@1.0.0 (node_modules/f) declares "SEE LICENSE IN LICENSE.md", which is not an SPDX expression');
    expect(v.findings[4]?.message).toContain('not on the allow-list: AGPL-3.0-only');
    for (const f of v.findings) expect(f.path).toBe('package-lock.json');
  });

  it('an exception covers its package and that licence until it expires', () => {
    const exceptions: LicenseException[] = [{ package: 'c', license: 'MPL-2.0', reason: 'used unmodified', expires: '2026-12-31' }];
    const pkgs = [pkg('a', 'MIT'), pkg('c', 'MPL-2.0')];
    const before = licensePolicy(pkgs, DEFAULT_ALLOWED_LICENSES, exceptions, new Date('2026-12-31T23:00:00Z'));
    expect(before.outcome).toBe('pass');
    expect(before.summary).toBe('2 production packages: 1 allowed, 1 by exception, 0 not allowed');
    expect(before.findings).toEqual([expect.objectContaining({ ruleId: 'license/excepted', level: 'note', message: expect.stringContaining('allowed by exception until 2026-12-31: used unmodified') as unknown })]);

    const after = licensePolicy(pkgs, DEFAULT_ALLOWED_LICENSES, exceptions, new Date('2027-01-01T00:00:00Z'));
    expect(after.outcome).toBe('fail');
    expect(after.findings.map((f) => f.ruleId)).toEqual(['license/not-allowed', 'license/exception-expired']);
    expect(after.findings[1]?.message).toContain('expired on 2026-12-31');
  });

  it('an exception for another licence does not cover a changed one; unused exceptions are pointed out', () => {
    const exceptions: LicenseException[] = [
      { package: 'c', license: 'MPL-2.0', reason: 'used unmodified', expires: '2030-01-01' },
      { package: 'gone', license: 'MPL-2.0', reason: 'was used', expires: '2030-01-01' },
    ];
    const v = licensePolicy([pkg('c', 'GPL-3.0-only')], DEFAULT_ALLOWED_LICENSES, exceptions, TODAY);
    expect(v.outcome).toBe('fail');
    expect(v.findings[0]?.message).toContain('An exception in .github/security-allowlist.yml names licence "MPL-2.0", not this one.');
    expect(v.findings.filter((f) => f.ruleId === 'license/exception-unused')).toHaveLength(2);
  });

  it('a package without a licence can be excepted as NONE', () => {
    const v = licensePolicy([pkg('d', undefined)], DEFAULT_ALLOWED_LICENSES, [{ package: 'd', license: 'NONE', reason: 'our own internal package', expires: '2030-01-01' }], TODAY);
    expect(v.outcome).toBe('pass');
  });
});

describe('productionPackages and readInstalledLicenses', () => {
  const lock = {
    name: 'fixture',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'fixture', version: '1.0.0', license: 'MIT', dependencies: { a: '1.0.0' } },
      'node_modules/a': { version: '1.0.0', license: 'MIT' },
      'node_modules/a/node_modules/@scope/b': { version: '2.0.0', license: 'ISC' },
      'node_modules/jest': { version: '29.7.0', dev: true, license: 'MIT' },
      'node_modules/fsevents': { version: '2.3.3', optional: true, license: 'MIT', os: ['darwin'] },
      'node_modules/both': { version: '1.1.0', devOptional: true, license: 'Apache-2.0' },
      'node_modules/alias': { name: 'real-name', version: '3.0.0', license: 'BSD-2-Clause' },
      'node_modules/nolicense': { version: '0.1.0', optional: true },
    },
  };

  it('keeps everything but the root and dev-only packages; devOptional and optional count', () => {
    expect(productionPackages(lock)).toEqual([
      { name: 'a', version: '1.0.0', path: 'node_modules/a', optional: false, lockLicense: 'MIT' },
      { name: '@scope/b', version: '2.0.0', path: 'node_modules/a/node_modules/@scope/b', optional: false, lockLicense: 'ISC' },
      { name: 'fsevents', version: '2.3.3', path: 'node_modules/fsevents', optional: true, lockLicense: 'MIT' },
      { name: 'both', version: '1.1.0', path: 'node_modules/both', optional: true, lockLicense: 'Apache-2.0' },
      { name: 'real-name', version: '3.0.0', path: 'node_modules/alias', optional: false, lockLicense: 'BSD-2-Clause' },
      { name: 'nolicense', version: '0.1.0', path: 'node_modules/nolicense', optional: true },
    ]);
  });

  it('refuses an old or malformed lockfile', () => {
    expect(() => productionPackages({ lockfileVersion: 1, dependencies: {} })).toThrow(/lockfileVersion 1 .*regenerate it with npm 7/);
    expect(() => productionPackages('nope')).toThrow(/not a JSON object/);
  });

  it('reads installed package.json files, falling back to the lockfile for packages not installed here', () => {
    const root = mkdtempSync(join(tmpdir(), 'licenses-'));
    const write = (path: string, json: unknown): void => {
      mkdirSync(join(root, path), { recursive: true });
      writeFileSync(join(root, path, 'package.json'), JSON.stringify(json));
    };
    write('node_modules/a', { name: 'a', license: 'MIT' });
    write('node_modules/a/node_modules/@scope/b', { name: '@scope/b', licenses: [{ type: 'ISC' }] });
    write('node_modules/both', { name: 'both', license: { type: 'Apache-2.0' } });
    write('node_modules/alias', { name: 'real-name', license: 'BSD-2-Clause' });
    const read = readInstalledLicenses(root, productionPackages(lock));
    expect(read.map((p) => [p.name, p.license, p.source])).toEqual([
      ['a', 'MIT', 'package.json'],
      ['@scope/b', 'ISC', 'package.json'],
      ['fsevents', 'MIT', 'package-lock.json'],
      ['both', 'Apache-2.0', 'package.json'],
      ['real-name', 'BSD-2-Clause', 'package.json'],
      ['nolicense', undefined, 'none'],
    ]);
    const v = licensePolicy(read, DEFAULT_ALLOWED_LICENSES, [], TODAY);
    expect(v.summary).toBe('6 production packages: 5 allowed, 1 not allowed (1 not installed here, licence read from package-lock.json)');
    expect(v.findings).toEqual([expect.objectContaining({ ruleId: 'license/missing', message: expect.stringContaining('nolicense@0.1.0 (node_modules/nolicense) is not installed here and package-lock.json records no licence') as unknown })]);
  });

  it('refuses lockfile paths that leave the checkout', () => {
    expect(() => readInstalledLicenses(tmpdir(), [{ name: 'x', version: '1', path: '../../etc', optional: false }])).toThrow(/points outside/);
  });
});

describe('this repository’s production dependencies', () => {
  const lock: unknown = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  const pkgs = productionPackages(lock);
  const licensed = readInstalledLicenses(REPO_ROOT, pkgs);
  const verdict = licensePolicy(licensed, DEFAULT_ALLOWED_LICENSES, [], TODAY);

  it('finds the production packages and none of the dev-only ones', () => {
    const names = new Set(pkgs.map((p) => p.name));
    for (const dep of Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies)) expect(names).toContain(dep);
    for (const dev of ['jest', 'typescript', 'eslint', 'ts-jest', 'esbuild']) expect(names).not.toContain(dev);
  });

  it('knows every production package’s licence', () => {
    const unknown = licensed.filter((p) => p.license === undefined).map((p) => p.path);
    expect(unknown).toEqual([]);
    // Packages missing here are only the optional ones (tfjs-node's tree is for other setups).
    for (const p of licensed.filter((x) => x.source !== 'package.json')) expect(p.optional).toBe(true);
    expect(licensed.find((p) => p.path === 'node_modules/@tensorflow/tfjs')?.license).toBe('Apache-2.0');
    expect(licensed.find((p) => p.path === 'node_modules/fastify')?.license).toBe('MIT');
  });

  it('reports what the default policy says, with one error per refused package', () => {
    const errors = verdict.findings.filter((f) => f.level === 'error');
    expect(verdict.part).toBe('licenses');
    expect(verdict.outcome).toBe(errors.length > 0 ? 'fail' : 'pass');
    expect(verdict.summary).toMatch(new RegExp(`^${licensed.length} production packages: \\d+ allowed, ${errors.length} not allowed`));
    for (const f of errors) expect(f.message).toMatch(/^\S+@\S+ \(node_modules\//);
    if (errors.length > 0) console.log(`licences refused by the default allow-list:\n${errors.map((f) => `- ${f.message}`).join('\n')}`);
  });
});
