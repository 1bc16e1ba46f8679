import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, PartResult } from '../../actions/shared/src/security/findings.js';
import { CONFIG_ANCHOR, DEPENDENCY_ANCHOR, MAX_RESULTS_PER_RUN, SARIF_SCHEMA, artifactUri, toSarif } from '../../actions/shared/src/security/sarif.js';
import { scanText, secretsPart } from '../../actions/shared/src/security/secrets.js';
import { REPO_ROOT } from '../helpers/datasets.js';

/*
 * No SARIF 2.1.0 JSON schema ships in node_modules, so the log is checked against what
 * GitHub's "SARIF support for code scanning" marks as required and the limits it states
 * (docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning),
 * property by property. It also says: "The empty string is not supported for required properties."
 *
 * One deliberate gap: that page's table marks region.startColumn, endLine and endColumn
 * as required too, yet its own "minimum required properties" example leaves endLine out,
 * and SARIF 2.1.0 (§3.30) defines all three as optional, defaulting to the whole of
 * startLine. Findings carry a line, never a column, so the log states whole lines by
 * leaving them out; the check below accepts them absent and validates them if present.
 */

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const text = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const posInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;

function githubProblems(log: unknown): string[] {
  const p: string[] = [];
  const root = obj(log);
  if (!root) return ['sarifLog is not an object'];
  if (!text(root.$schema) || !/^https?:\/\/\S{1,500}$/.test(String(root.$schema))) p.push('$schema: a URI is required');
  if (root.version !== '2.1.0') p.push('version: must be 2.1.0');
  if (!Array.isArray(root.runs) || root.runs.length === 0) return [...p, 'runs[]: required, one or more'];
  if (root.runs.length > 20) p.push('runs[]: at most 20 per file');
  root.runs.forEach((r: unknown, ri: number) => {
    const run = obj(r);
    const driver = obj(obj(run?.tool)?.driver);
    if (!driver) return p.push(`runs[${ri}].tool.driver: required`);
    if (!text(driver.name)) p.push(`runs[${ri}].tool.driver.name: required`);
    const rules = driver.rules;
    if (!Array.isArray(rules)) return p.push(`runs[${ri}].tool.driver.rules[]: required`);
    if (rules.length > 25_000) p.push(`runs[${ri}]: at most 25,000 rules`);
    const ids = new Set<string>();
    rules.forEach((d: unknown, di: number) => {
      const rule = obj(d) ?? {};
      const at = `runs[${ri}].rules[${di}]`;
      if (!text(rule.id)) p.push(`${at}.id: required`);
      if (ids.has(String(rule.id))) p.push(`${at}.id: not unique`);
      ids.add(String(rule.id));
      if (rule.name !== undefined && String(rule.name).length > 255) p.push(`${at}.name: over 255 characters`);
      for (const k of ['shortDescription', 'fullDescription', 'help'] as const) {
        const t = obj(rule[k])?.text;
        if (!text(t)) p.push(`${at}.${k}.text: required`);
        if (k !== 'help' && String(t).length > 1024) p.push(`${at}.${k}.text: over 1024 characters`);
      }
      const tags = obj(rule.properties)?.tags;
      if (Array.isArray(tags) && tags.length > 20) p.push(`${at}.properties.tags: at most 20`);
      const level = obj(rule.defaultConfiguration)?.level;
      if (level !== undefined && !['note', 'warning', 'error'].includes(String(level))) p.push(`${at}.defaultConfiguration.level: note, warning or error`);
    });
    const results = run?.results;
    if (!Array.isArray(results)) return p.push(`runs[${ri}].results[]: required`);
    if (results.length > 25_000) p.push(`runs[${ri}]: at most 25,000 results`);
    results.forEach((x: unknown, xi: number) => {
      const res = obj(x) ?? {};
      const at = `runs[${ri}].results[${xi}]`;
      if (!text(obj(res.message)?.text)) p.push(`${at}.message.text: required`);
      if (res.level !== undefined && !['none', 'note', 'warning', 'error'].includes(String(res.level))) p.push(`${at}.level: not a SARIF level`);
      if (res.ruleIndex !== undefined && obj(rules[res.ruleIndex as number])?.id !== res.ruleId) p.push(`${at}.ruleIndex: does not point at ruleId`);
      // GitHub reads only primaryLocationLineHash from partialFingerprints.
      if (!text(obj(res.partialFingerprints)?.primaryLocationLineHash)) p.push(`${at}.partialFingerprints.primaryLocationLineHash: required`);
      const locs = res.locations;
      if (!Array.isArray(locs) || locs.length === 0) return p.push(`${at}.locations[]: at least one is required`);
      if (locs.length > 10) p.push(`${at}.locations[]: at most 10`);
      locs.forEach((l: unknown, li: number) => {
        const phys = obj(obj(l)?.physicalLocation);
        if (!phys) return p.push(`${at}.locations[${li}].physicalLocation: required`);
        if (!text(obj(phys.artifactLocation)?.uri)) p.push(`${at}.locations[${li}].artifactLocation.uri: required`);
        const region = obj(phys.region);
        if (!region || !posInt(region.startLine)) p.push(`${at}.locations[${li}].region.startLine: required, ≥ 1`);
        for (const k of ['startColumn', 'endLine', 'endColumn'])
          if (region?.[k] !== undefined && !posInt(region[k])) p.push(`${at}.locations[${li}].region.${k}: ≥ 1 when present`);
      });
    });
  });
  return p;
}

const tool = { name: 'gitops-ml security', version: '0.1.0', informationUri: 'https://github.com/owner/gitops-ml' };
const gh = 'ghp_' + 'S'.repeat(36);

function sample(): PartResult[] {
  const secretFindings = scanText('src/app.ts', `ok\nconst t = "${gh}";\nconst u = "${gh}";\n`);
  return [
    secretsPart(secretFindings, 'diff', 1),
    { part: 'audit', outcome: 'fail', summary: '1 high', findings: [{ ruleId: 'audit/GHSA-abcd-efgh-ijkl', level: 'error', message: 'lodash 4.17.20 has prototype pollution; update to 4.17.21.' }] },
    { part: 'static-analysis', outcome: 'fail', summary: '2 problems', findings: [
      { ruleId: 'security/detect-eval-with-expression', level: 'warning', message: 'eval with an expression.', path: '.\\service\\dir name\\x#1.ts' },
      { ruleId: 'security/detect-eval-with-expression', level: 'warning', message: 'eval with an expression.', path: './service/y.ts', line: 0 },
    ] },
    { part: 'licenses', outcome: 'pass', summary: 'all allowed', findings: [{ ruleId: 'license/unknown', level: 'note', message: 'left-pad has no licence field.' }] },
    { part: 'artifact', outcome: 'unavailable', summary: 'no artifact', findings: [{ ruleId: 'artifact/unsigned', level: 'error', message: 'The model artifact has no checksum manifest.' }] },
  ];
}

type Log = { $schema: string; version: string; runs: { tool: { driver: Json & { rules: Json[] } }; results: (Json & { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; partialFingerprints: { primaryLocationLineHash: string } })[]; properties: Json }[] };
const asLog = (x: object): Log => JSON.parse(JSON.stringify(x)) as Log;

describe('toSarif', () => {
  it('produces what GitHub code scanning requires', () => {
    const log = asLog(toSarif(sample(), tool));
    expect(githubProblems(log)).toEqual([]);
    expect(log).toMatchObject({ $schema: SARIF_SCHEMA, version: '2.1.0' });
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]?.tool.driver).toMatchObject({ name: tool.name, version: tool.version, semanticVersion: '0.1.0', informationUri: tool.informationUri });
  });

  it('the requirement check is not vacuous', () => {
    const log = asLog(toSarif(sample(), tool));
    const run = log.runs[0] as Log['runs'][number];
    (run.results[0] as Json).locations = [];
    (run.results[1] as Json).partialFingerprints = {};
    (run.tool.driver.rules[0] as Json).help = { text: '' };
    (run.results[2]?.locations[0]?.physicalLocation.region as Json).startLine = 0;
    expect(githubProblems(log)).toEqual([
      'runs[0].rules[0].help.text: required',
      'runs[0].results[0].locations[]: at least one is required',
      'runs[0].results[1].partialFingerprints.primaryLocationLineHash: required',
      'runs[0].results[2].locations[0].region.startLine: required, ≥ 1',
    ]);
    expect(githubProblems({ version: '2.1.0', runs: [] })).toEqual(['$schema: a URI is required', 'runs[]: required, one or more']);
  });

  it('one rule per id, results pointing at theirs, levels kept', () => {
    const run = asLog(toSarif(sample(), tool)).runs[0] as Log['runs'][number];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['secret/github-token', 'audit/GHSA-abcd-efgh-ijkl', 'security/detect-eval-with-expression', 'license/unknown', 'artifact/unsigned']);
    expect(run.results.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['secret/github-token', 0, 'error'],
      ['secret/github-token', 0, 'error'],
      ['audit/GHSA-abcd-efgh-ijkl', 1, 'error'],
      ['security/detect-eval-with-expression', 2, 'warning'],
      ['security/detect-eval-with-expression', 2, 'warning'],
      ['license/unknown', 3, 'note'],
      ['artifact/unsigned', 4, 'error'],
    ]);
    expect(run.tool.driver.rules[0]).toMatchObject({ shortDescription: { text: expect.stringContaining('GitHub token') }, properties: { tags: ['security', 'secret'] } });
    expect(run.properties.parts).toEqual(expect.arrayContaining([{ part: 'artifact', outcome: 'unavailable', summary: 'no artifact' }]));
  });

  it('locations: repository-relative URIs, lines when known, anchors for findings without a path', () => {
    const run = asLog(toSarif(sample(), tool)).runs[0] as Log['runs'][number];
    const locs = run.results.map((r) => [r.locations[0]?.physicalLocation.artifactLocation.uri, r.locations[0]?.physicalLocation.region.startLine]);
    expect(locs).toEqual([
      ['src/app.ts', 2],
      ['src/app.ts', 3],
      [DEPENDENCY_ANCHOR, 1],
      ['service/dir%20name/x%231.ts', 1],
      ['service/y.ts', 1],
      [DEPENDENCY_ANCHOR, 1],
      [CONFIG_ANCHOR, 1],
    ]);
    // The anchors must be files of the repository, or GitHub has nothing to show the alert on.
    for (const anchor of [DEPENDENCY_ANCHOR, CONFIG_ANCHOR]) expect(existsSync(join(REPO_ROOT, anchor))).toBe(true);
    expect(artifactUri('./a/b.ts')).toBe('a/b.ts');
    expect(artifactUri('a\\b.ts')).toBe('a/b.ts');
    expect(artifactUri('/abs/x?.ts')).toBe('abs/x%3F.ts');
  });

  it('fingerprints survive a re-upload and a line shift, and tell identical findings apart', () => {
    const first = asLog(toSarif(sample(), tool)).runs[0]?.results.map((r) => r.partialFingerprints.primaryLocationLineHash) ?? [];
    const again = asLog(toSarif(sample(), tool)).runs[0]?.results.map((r) => r.partialFingerprints.primaryLocationLineHash) ?? [];
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(first[0]).toMatch(/^[0-9a-f]{16}:1$/);
    expect(first[1]).toBe(first[0]?.replace(/:1$/, ':2'));
    // Three lines added above the secret: same alert, new line.
    const shifted = secretsPart(scanText('src/app.ts', `x\ny\nz\nok\nconst t = "${gh}";\n`), 'diff', 1);
    const run = asLog(toSarif([shifted], tool)).runs[0] as Log['runs'][number];
    expect(run.results[0]?.locations[0]?.physicalLocation.region.startLine).toBe(5);
    expect(run.results[0]?.partialFingerprints.primaryLocationLineHash).toBe(first[0]);
  });

  it('never carries a secret value', () => {
    expect(JSON.stringify(toSarif(sample(), tool))).not.toContain(gh.slice(0, 5));
  });

  it('an empty review is still a valid log', () => {
    const log = asLog(toSarif([secretsPart([], 'tree', 10)], { ...tool, version: 'abc123' }));
    expect(githubProblems(log)).toEqual([]);
    expect(log.runs[0]?.results).toEqual([]);
    expect(log.runs[0]?.tool.driver.semanticVersion).toBeUndefined();
  });

  it('cuts at the per-run limit, keeping errors before notes, and says so', () => {
    const notes: Finding[] = Array.from({ length: MAX_RESULTS_PER_RUN }, (_, i) => ({ ruleId: 'license/unknown', level: 'note', message: `package p${i} has no licence.` }));
    const errors: Finding[] = [{ ruleId: 'audit/GHSA-zzzz', level: 'error', message: 'a vulnerable dependency.' }];
    const run = asLog(toSarif([{ part: 'licenses', outcome: 'pass', summary: '', findings: notes }, { part: 'audit', outcome: 'fail', summary: '', findings: errors }], tool)).runs[0] as Log['runs'][number];
    expect(run.results).toHaveLength(MAX_RESULTS_PER_RUN);
    expect(run.results[0]).toMatchObject({ ruleId: 'audit/GHSA-zzzz', level: 'error' });
    expect(run.properties.truncated).toEqual({ total: MAX_RESULTS_PER_RUN + 1, kept: MAX_RESULTS_PER_RUN });
  });
});
