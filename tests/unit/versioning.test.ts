import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideBump, latestVersion, nextVersion, planVersion, releaseNotes, releaseTag } from '../../actions/shared/src/versioning.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const base = JSON.parse(readFileSync(join(REPO_ROOT, 'model/specs/sentiment.json'), 'utf8')) as Record<string, unknown>;
const withArch = (type: string): Record<string, unknown> => ({ ...base, architecture: { ...(base.architecture as object), type } });

describe('semantic version of a model release', () => {
  it('new architecture → major; new data or anything that retrains → minor; the rest → patch', () => {
    expect(decideBump(base, withArch('text-cnn'))).toEqual({ bump: 'major', reasons: ['architecture bigru → text-cnn'] });
    expect(decideBump(base, { ...base, dataset: { train: 'mr:train' } })).toEqual({ bump: 'minor', reasons: ['new data'] });
    expect(decideBump(base, { ...base, training: { ...(base.training as object), epochs: 4 } }).bump).toBe('minor');
    expect(decideBump(base, { ...base, targets: { accuracy: 0.87 } })).toEqual({ bump: 'patch', reasons: ['targets changed'] });
    expect(decideBump(base, structuredClone(base))).toEqual({ bump: 'patch', reasons: ['no spec change (rebuild)'] });
    expect(decideBump(undefined, base).bump).toBe('major');
  });

  it('key order does not count as a change', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse());
    expect(decideBump(base, reordered).bump).toBe('patch');
  });

  it('computes the next version and reads the latest from this model\'s tags only', () => {
    expect(nextVersion(undefined, 'minor')).toBe('1.0.0');
    expect(nextVersion('1.4.2', 'major')).toBe('2.0.0');
    expect(nextVersion('1.4.2', 'minor')).toBe('1.5.0');
    expect(nextVersion('1.4.2', 'patch')).toBe('1.4.3');
    expect(() => nextVersion('v1', 'patch')).toThrow('"v1" is not a semantic version');
    expect(latestVersion('sentiment', ['sentiment-v1.9.0', 'sentiment-v1.10.0', 'other-v9.0.0', 'sentiment-vbeta'])).toBe('1.10.0');
    expect(latestVersion('sentiment', [])).toBeUndefined();
    expect(releaseTag('sentiment', '1.10.0')).toBe('sentiment-v1.10.0');
  });

  it('writes release notes with the reasons', () => {
    expect(releaseNotes({ model: 'sentiment', version: '1.1.0', previous: '1.0.0', bump: 'minor', reasons: ['new data'], sha: 'abcdef1234', pullNumber: 7 })).toBe('## sentiment 1.1.0\n\nminor release after 1.0.0, from #7 (abcdef1).\n\n- new data');
  });

  it('planVersion: the one decision the model PR (plan) and the push to main (release) share', () => {
    const tags = [{ name: 'sentiment-v1.2.0', sha: 'a'.repeat(40) }, { name: 'other-v7.0.0', sha: 'b'.repeat(40) }];
    const newData = { ...base, dataset: { train: 'mr:train' } };
    expect(planVersion(base, newData, tags)).toEqual({ model: 'sentiment', version: '1.3.0', previous: '1.2.0', bump: 'minor', reasons: ['new data'], tag: 'sentiment-v1.3.0', released: false });
    // A first release, and a renamed spec of a released model (no spec before, but tags): 1.0.0, then a major.
    expect(planVersion(undefined, base, [])).toMatchObject({ version: '1.0.0', released: false });
    expect(planVersion(undefined, base, tags)).toMatchObject({ version: '2.0.0', bump: 'major' });
    expect(() => planVersion(base, { ...base, name: '../x' }, tags)).toThrow('is not a model name');
  });

  it('planVersion: a push that is already released (a re-run of the deploy) keeps its version instead of bumping again', () => {
    const after = 'c'.repeat(40);
    const newData = { ...base, dataset: { train: 'mr:train' } };
    const tags = [{ name: 'sentiment-v1.2.0', sha: 'a'.repeat(40) }, { name: 'sentiment-v1.3.0', sha: after }];
    expect(planVersion(base, newData, tags, after)).toEqual({ model: 'sentiment', version: '1.3.0', previous: '1.2.0', bump: 'minor', reasons: ['new data'], tag: 'sentiment-v1.3.0', released: true });
    // Another commit: the next version, as before.
    expect(planVersion(base, newData, tags, 'd'.repeat(40))).toMatchObject({ version: '1.4.0', released: false });
  });
});
