import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOWLIST_PATH, advisoriesOf, auditPolicy, ghsaId, isExpired, parseAllowlist, parseAuditReport } from '../../actions/shared/src/security/audit.js';
import type { AuditData, AuditException } from '../../actions/shared/src/security/audit.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const fixture = (name: string): string => readFileSync(join(REPO_ROOT, 'tests/fixtures/npm-audit', name), 'utf8');
const day = (iso: string): Date => new Date(`${iso}T12:00:00Z`);
const NONE = { audit: [] as AuditException[] };

function report(name: string): AuditData {
  const r = parseAuditReport(fixture(name));
  if (r.kind !== 'report') throw new Error(`${name}: ${r.reason}`);
  return r;
}

describe('parseAuditReport: what npm audit --json prints', () => {
  it('reads a report with vulnerabilities: counts by severity match npm’s own metadata', () => {
    const r = report('vulnerable.json');
    const meta = (JSON.parse(fixture('vulnerable.json')) as { metadata: { vulnerabilities: Record<string, number> } }).metadata.vulnerabilities;
    expect(r.counts).toEqual(meta);
    expect(r.counts).toMatchObject({ critical: 1, high: 4, moderate: 1, low: 0, total: 6 });
    expect(r.vulnerabilities.svgo).toMatchObject({ isDirect: true, via: ['css-select'], fixAvailable: { name: 'svgo', version: '3.3.2', isSemVerMajor: true } });
    expect(r.vulnerabilities['nth-check']).toMatchObject({ isDirect: false, effects: ['css-select'], nodes: ['node_modules/nth-check'] });
  });

  it('lists each advisory once, on the vulnerable package, not on packages vulnerable only through it', () => {
    const found = advisoriesOf(report('vulnerable.json'));
    expect(found.map((a) => [a.advisory.name, a.id, a.advisory.severity])).toEqual([
      ['minimist', 'GHSA-xvch-5gv4-984h', 'critical'],
      ['lodash', 'GHSA-35jh-r3h4-6jhm', 'high'],
      ['nth-check', 'GHSA-rp65-9cf3-cjxr', 'high'],
      ['lodash', 'GHSA-29mw-wpgm-hmr9', 'moderate'],
      ['semver', 'GHSA-c2qf-rxjj-qqgw', 'moderate'],
    ]);
    // nth-check is reached through css-select, which svgo (a direct dependency) brings in.
    expect(found.find((a) => a.advisory.name === 'nth-check')?.through).toEqual(['svgo']);
    expect(found.find((a) => a.advisory.name === 'lodash')?.through).toEqual([]);
  });

  it('keys advisories by GHSA id: npm lists one GHSA twice when it has two vulnerable ranges', () => {
    const raw = JSON.parse(fixture('vulnerable.json')) as { vulnerabilities: { semver: { via: Record<string, unknown>[] } } };
    const first = raw.vulnerabilities.semver.via[0] as Record<string, unknown>;
    raw.vulnerabilities.semver.via.push({ ...first, source: 1094555, range: '>=6.0.0 <6.3.1' });
    const r = parseAuditReport(JSON.stringify(raw)) as AuditData;
    expect(advisoriesOf(r).filter((a) => a.advisory.name === 'semver')).toHaveLength(1);
  });

  it('reads a clean report (recorded) as a report with no vulnerabilities', () => {
    const r = report('clean.json');
    expect(r.counts.total).toBe(0);
    expect(auditPolicy(r, NONE, day('2026-11-26'))).toEqual({ part: 'audit', outcome: 'pass', summary: '0 advisories (0 critical, 0 high, 0 moderate, 0 low) in 0 vulnerable packages; no known vulnerabilities', findings: [] });
  });

  it('the registry refusing the audit (the recorded 405) is unavailable, naming the status and message — never a pass', () => {
    const r = parseAuditReport(fixture('registry-405.json'));
    expect(r.kind).toBe('unavailable');
    if (r.kind !== 'unavailable') return;
    expect(r.reason).toMatch(/HTTP 405/);
    expect(r.reason).toContain('405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk');
    const verdict = auditPolicy(r, NONE, day('2026-11-26'));
    expect(verdict.outcome).toBe('unavailable');
    expect(verdict.outcome).not.toBe('pass');
    expect(verdict.summary.startsWith('audit unavailable:')).toBe(true);
    expect(verdict.findings).toEqual([expect.objectContaining({ ruleId: 'audit/unavailable', level: 'error' })]);
  });

  it('npm’s own error object (the recorded ENOLOCK) is unavailable with its code', () => {
    const r = parseAuditReport(fixture('enolock.json'));
    expect(r).toEqual({ kind: 'unavailable', reason: expect.stringMatching(/^npm audit failed with ENOLOCK: This command requires an existing lockfile\./) as unknown });
  });

  it.each([
    ['nothing', '', /printed nothing/],
    ['blank lines', '\n  \n', /printed nothing/],
    ['text', 'npm error code E405\nnpm error 405 Method Not Allowed', /not JSON: "npm error code E405"/],
    ['a truncated report', fixture('vulnerable.json').slice(0, 400), /not JSON/],
    ['a JSON list', '[]', /not a JSON object/],
    ['an unrelated object', '{"ok":true}', /no auditReportVersion/],
    ['the npm 6 format', '{"actions":[],"advisories":{},"muted":[],"metadata":{}}', /npm 6 format/],
    ['another report version', '{"auditReportVersion":3,"vulnerabilities":{}}', /unsupported audit report version 3/],
    ['no vulnerabilities object', '{"auditReportVersion":2}', /no "vulnerabilities" object/],
    ['an unknown severity', '{"auditReportVersion":2,"vulnerabilities":{"x":{"name":"x","severity":"urgent","via":[]}}}', /malformed: vulnerabilities\["x"\]\.severity is "urgent"/],
    ['an advisory without a URL', '{"auditReportVersion":2,"vulnerabilities":{"x":{"name":"x","severity":"high","via":[{"source":1,"name":"x","title":"t","severity":"high"}]}}}', /via\[0\]\.url is missing/],
  ])('%s is unavailable with a reason', (_what, raw, reason) => {
    const r = parseAuditReport(raw);
    expect(r).toEqual({ kind: 'unavailable', reason: expect.stringMatching(reason) as unknown });
    expect(auditPolicy(r, NONE, day('2026-11-26')).outcome).toBe('unavailable');
  });
});

describe('auditPolicy', () => {
  const vulnerable = (): AuditData => report('vulnerable.json');

  it('fails on high and critical advisories; moderate ones are warnings; the summary counts by severity', () => {
    const v = auditPolicy(vulnerable(), NONE, day('2026-11-26'));
    expect(v.part).toBe('audit');
    expect(v.outcome).toBe('fail');
    expect(v.summary).toBe('5 advisories (1 critical, 2 high, 2 moderate, 0 low) in 6 vulnerable packages; 3 high/critical not on the allow-list');
    expect(v.findings.map((f) => [f.ruleId, f.level])).toEqual([
      ['audit/GHSA-xvch-5gv4-984h', 'error'],
      ['audit/GHSA-35jh-r3h4-6jhm', 'error'],
      ['audit/GHSA-rp65-9cf3-cjxr', 'error'],
      ['audit/GHSA-29mw-wpgm-hmr9', 'warning'],
      ['audit/GHSA-c2qf-rxjj-qqgw', 'warning'],
    ]);
    for (const f of v.findings) expect(f.path).toBe('package-lock.json');
    const nth = v.findings[2]?.message ?? '';
    // Package, severity, title and URL, and what to upgrade.
    expect(nth).toContain('nth-check (high, a dependency of svgo');
    expect(nth).toContain('Inefficient Regular Expression Complexity in nth-check');
    expect(nth).toContain('https://github.com/advisories/GHSA-rp65-9cf3-cjxr');
    expect(nth).toContain('fixed by svgo@3.3.2 (a major upgrade)');
    expect(v.findings[4]?.message).toContain('semver (moderate, a transitive dependency, vulnerable >=7.0.0 <7.5.2)');
    expect(v.findings[0]?.message).toMatch(/^minimist \(critical, a direct dependency, vulnerable >=1\.0\.0 <1\.2\.6\): Prototype Pollution in minimist — https:\/\/github\.com\/advisories\/GHSA-xvch-5gv4-984h; `npm audit fix` resolves it\.$/);
  });

  it('only moderate and low advisories pass, with warnings', () => {
    const r = vulnerable();
    const only = { ...r, vulnerabilities: { semver: r.vulnerabilities.semver! }, counts: { ...r.counts, critical: 0, high: 0, total: 1 } };
    const v = auditPolicy(only, NONE, day('2026-11-26'));
    expect(v.outcome).toBe('pass');
    expect(v.findings.map((f) => f.level)).toEqual(['warning']);
    expect(v.summary).toMatch(/1 moderate.*no high\/critical outside the allow-list/);
  });

  const allowAll: AuditException[] = [
    { id: 'GHSA-xvch-5gv4-984h', package: 'minimist', reason: 'CLI flags come from our own workflow only', expires: '2026-12-31' },
    { id: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm', package: 'lodash', reason: '_.template is never called', expires: '2026-12-31' },
    { id: 'GHSA-rp65-9cf3-cjxr', package: 'nth-check', reason: 'svgo runs at build time on our own SVGs', expires: '2026-12-31' },
  ];

  it('an unexpired entry (by GHSA id or by URL) covers its advisory through the expiry day, shown as a note', () => {
    const v = auditPolicy(vulnerable(), { audit: allowAll }, day('2026-12-31'));
    expect(v.outcome).toBe('pass');
    expect(v.summary).toMatch(/3 allowed until expiry; no high\/critical outside the allow-list$/);
    expect(v.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(v.findings.find((f) => f.ruleId === 'audit/GHSA-35jh-r3h4-6jhm')).toMatchObject({ level: 'note', message: expect.stringMatching(/^Allowed until 2026-12-31 \(_\.template is never called\): lodash \(high/) as unknown });
  });

  it('the day after expiry the entry covers nothing and is reported itself, naming the date', () => {
    const v = auditPolicy(vulnerable(), { audit: allowAll }, day('2027-01-01'));
    expect(v.outcome).toBe('fail');
    expect(v.findings.filter((f) => f.level === 'error' && f.ruleId.startsWith('audit/GHSA'))).toHaveLength(3);
    const expired = v.findings.filter((f) => f.ruleId === 'audit/allowlist-expired');
    expect(expired).toHaveLength(3);
    for (const f of expired) {
      expect(f).toMatchObject({ level: 'error', path: ALLOWLIST_PATH });
      expect(f.message).toContain('expired on 2026-12-31');
    }
  });

  it('an entry covers only its package, and unused entries are pointed out', () => {
    const v = auditPolicy(vulnerable(), { audit: [{ id: 'GHSA-xvch-5gv4-984h', package: 'mkdirp', reason: 'wrong package', expires: '2030-01-01' }] }, day('2026-11-26'));
    expect(v.findings.find((f) => f.ruleId === 'audit/GHSA-xvch-5gv4-984h')?.level).toBe('error');
    expect(v.findings.find((f) => f.ruleId === 'audit/allowlist-unused')).toMatchObject({ level: 'note', message: expect.stringContaining('GHSA-xvch-5gv4-984h in mkdirp') as unknown });
  });

  it('expiry is by UTC day', () => {
    expect(isExpired('2026-12-31', new Date('2026-12-31T23:59:59Z'))).toBe(false);
    expect(isExpired('2026-12-31', new Date('2027-01-01T00:00:00Z'))).toBe(true);
    expect(ghsaId('https://github.com/advisories/GHSA-XVCH-5gv4-984h')).toBe('GHSA-xvch-5gv4-984h');
    expect(ghsaId('https://npmjs.com/advisories/1179')).toBeUndefined();
  });

  it('an advisory without a GHSA URL is named by its npm source id', () => {
    const raw = '{"auditReportVersion":2,"vulnerabilities":{"x":{"name":"x","severity":"high","isDirect":true,"via":[{"source":1179,"name":"x","dependency":"x","title":"Old advisory","url":"https://npmjs.com/advisories/1179","severity":"high","range":"<1"}],"effects":[],"range":"<1","nodes":["node_modules/x"],"fixAvailable":false}}}';
    const v = auditPolicy(parseAuditReport(raw), NONE, day('2026-11-26'));
    expect(v.findings[0]).toMatchObject({ ruleId: 'audit/1179', level: 'error', message: expect.stringContaining('no fix is available yet') as unknown });
  });
});

describe('parseAllowlist (.github/security-allowlist.yml)', () => {
  const good = [
    'audit:',
    '  - id: GHSA-xvch-5gv4-984h',
    '    package: minimist',
    '    reason: only our own workflow passes arguments',
    '    expires: 2026-12-31',
    'licenses:',
    '  - package: some-mpl-lib',
    '    license: MPL-2.0',
    '    reason: used unmodified',
    '    expires: 2027-03-01',
    '',
  ].join('\n');

  it('reads both lists; dates stay strings', () => {
    expect(parseAllowlist(good)).toEqual({
      audit: [{ id: 'GHSA-xvch-5gv4-984h', package: 'minimist', reason: 'only our own workflow passes arguments', expires: '2026-12-31' }],
      licenses: [{ package: 'some-mpl-lib', license: 'MPL-2.0', reason: 'used unmodified', expires: '2027-03-01' }],
    });
  });

  it('an empty file, or empty sections, allow nothing', () => {
    expect(parseAllowlist('')).toEqual({ audit: [], licenses: [] });
    expect(parseAllowlist('# nothing yet\naudit:\nlicenses: []\n')).toEqual({ audit: [], licenses: [] });
  });

  const entry = (fields: Record<string, string>): string => `  - ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n    ')}\n`;
  const ok = { id: 'GHSA-xvch-5gv4-984h', package: 'minimist', reason: 'why', expires: '2026-12-31' };

  it.each([
    ['a missing reason', { id: ok.id, package: ok.package, expires: ok.expires }, /audit\[1\]: missing key "reason" \(must say why the exception is acceptable/],
    ['an empty reason', { ...ok, reason: '"  "' }, /audit\[1\]\.reason: must say why .*; got " {2}" \(line 8\)/],
    ['a missing expiry', { id: ok.id, package: ok.package, reason: ok.reason }, /audit\[1\]: missing key "expires" \(must be a date YYYY-MM-DD/],
    ['a date in another format', { ...ok, expires: '31.12.2026' }, /audit\[1\]\.expires: must be a date YYYY-MM-DD .*; got "31\.12\.2026" \(line 9\)/],
    ['a day that does not exist', { ...ok, expires: '2026-02-30' }, /audit\[1\]\.expires: "2026-02-30" is not a real date \(line 9\)/],
    ['a CVE instead of a GHSA id', { ...ok, id: 'CVE-2021-44906' }, /audit\[1\]\.id: must be a GitHub advisory id .*; got "CVE-2021-44906"/],
    ['a misspelt key', { ...ok, reson: 'x' }, /audit\[1\]: unknown key "reson"; allowed keys: id, package, reason, expires/],
    ['a number for a package', { ...ok, package: '42' }, /audit\[1\]\.package must be string; got 42/],
  ])('%s is an error naming the entry and the key', (_what, fields, message) => {
    const text = `audit:\n${entry(ok)}${entry(fields as Record<string, string>)}`;
    expect(() => parseAllowlist(text, '.github/security-allowlist.yml')).toThrow(message);
    expect(() => parseAllowlist(text)).toThrow(/^\.github\/security-allowlist\.yml is not a valid security allow-list:/);
  });

  it('licence exceptions are checked the same way, and every problem is listed at once', () => {
    const text = 'licenses:\n  - package: x\n    license: MPL-2.0\n    reason: ""\n  - package: y\n    reason: r\n    expires: soon\n';
    let message = '';
    try {
      parseAllowlist(text);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/licenses\[0\]: missing key "expires"/);
    expect(message).toMatch(/licenses\[0\]\.reason: must say why/);
    expect(message).toMatch(/licenses\[1\]: missing key "license"/);
    expect(message).toMatch(/licenses\[1\]\.expires: must be a date YYYY-MM-DD .*; got "soon"/);
  });

  it('unknown sections and broken YAML are errors with their place', () => {
    expect(() => parseAllowlist('licences: []\n')).toThrow(/the top level: unknown key "licences"; allowed keys: audit, licenses/);
    expect(() => parseAllowlist('audit: {}\n')).toThrow(/audit must be array; got \{\}/);
    expect(() => parseAllowlist('audit:\n  - id: [\n')).toThrow(/is not valid YAML:\n {2}- line \d+, column \d+/);
  });
});
