import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { qaVerdict, readJsonReport, techLeadVerdict } from '../../actions/shared/src/review-checks.js';
import { REPO_ROOT } from '../helpers/datasets.js';

describe('qa verdict (jest --json)', () => {
  const base = { success: true, numTotalTests: 3, numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numRuntimeErrorTestSuites: 0, testResults: [] };
  it('passes only a green, complete run', () => {
    expect(qaVerdict(base)).toMatchObject({ pass: true, title: '3 tests pass' });
  });
  it('fails on failed, skipped or broken tests, or none at all, and lists the failures', () => {
    const failed = qaVerdict({ ...base, success: false, numPassedTests: 2, numFailedTests: 1, testResults: [{ name: '/repo/tests/unit/x.test.ts', assertionResults: [{ fullName: 'x breaks', status: 'failed' }] }] });
    expect(failed).toMatchObject({ pass: false, title: '1 failing, 0 skipped' });
    expect(failed.summary).toContain('- tests/unit/x.test.ts: x breaks');
    expect(qaVerdict({ ...base, numPendingTests: 1 }).pass).toBe(false);
    expect(qaVerdict({ ...base, numRuntimeErrorTestSuites: 1 }).pass).toBe(false);
    expect(qaVerdict({ ...base, numTotalTests: 0, numPassedTests: 0 })).toMatchObject({ pass: false });
  });
});

describe('tech-lead verdict (tsc outcome + ESLint JSON)', () => {
  it('reads a real ESLint report: a clean file passes, an error fails with its place', async () => {
    // ESLint's own results (what `-f json` prints), from the repository's config.
    const eslint = new ESLint({ cwd: REPO_ROOT });
    const bad = (await eslint.lintText('const unused = 1;\nexport const x = 2;\n', { filePath: join(REPO_ROOT, 'tests/unit/virtual-bad.ts') })) as unknown as Parameters<typeof techLeadVerdict>[0];
    const v = techLeadVerdict(bad, 'success', REPO_ROOT);
    expect(v.pass).toBe(false);
    expect(v.summary).toMatch(/tests\/unit\/virtual-bad\.ts:1 'unused' is assigned a value but never used\. .*\(@typescript-eslint\/no-unused-vars\)/);
    const clean = (await eslint.lintFiles([join(REPO_ROOT, 'actions/shared/src/checklist.ts')])) as unknown as Parameters<typeof techLeadVerdict>[0];
    expect(techLeadVerdict(clean, 'success')).toMatchObject({ pass: true, title: 'Type-check and lint pass' });
    expect(techLeadVerdict(clean, 'failure')).toMatchObject({ pass: false, title: 'type errors; 0 lint errors' });
  });

  it('says which report is missing', () => {
    expect(() => readJsonReport(join(tmpdir(), 'nope.json'), 'ESLint')).toThrow(/cannot read the ESLint report .*did the step that writes it run\?/);
  });
});
