import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';

const pushExample = webhookExample('push');
const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'model/specs/sentiment.json'), 'utf8')) as Record<string, unknown>;
const BEFORE = '1'.repeat(40);
const AFTER = '2'.repeat(40);
const push = (files: string[]): Record<string, unknown> => ({ ...pushExample, before: BEFORE, after: AFTER, ref: 'refs/heads/main', commits: [{ ...((pushExample.commits as object[])[0] ?? {}), added: [], removed: [], modified: files }], repository: { ...(pushExample.repository as object), name: 'models', full_name: 'acme/models', owner: { login: 'acme', name: 'acme' } } });

describe('devops action: version and release on push to main', () => {
  let gh: GitHubStandIn;
  let api: string;
  beforeEach(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
  });
  afterEach(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });
  const put = (sha: string, s: unknown): void => {
    gh.files.set(`${sha}:model/specs/sentiment.json`, { content: JSON.stringify(s), sha: 'x' });
  };

  it('releases the next minor version when the data changed, after the model\'s latest tag', async () => {
    gh.releases.push({ id: 1, tag_name: 'sentiment-v1.2.0', target_commitish: BEFORE, name: null, body: null });
    put(BEFORE, spec);
    put(AFTER, { ...spec, dataset: { train: 'mr:train' } });
    const r = await runAction('devops', { api, eventName: 'push', payload: push(['model/specs/sentiment.json', 'README.md']) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.outputs.releases ?? '[]')).toEqual([{ model: 'sentiment', specPath: 'model/specs/sentiment.json', version: '1.3.0', previous: '1.2.0', bump: 'minor', reasons: ['new data'], tag: 'sentiment-v1.3.0' }]);
    expect(gh.releases.at(-1)).toMatchObject({ tag_name: 'sentiment-v1.3.0', target_commitish: AFTER, name: 'sentiment 1.3.0' });
    expect(gh.releases.at(-1)?.body).toContain('minor release after 1.2.0');
  });

  it('a new architecture is a major release; the first release of a model is 1.0.0', async () => {
    put(AFTER, { ...spec, architecture: { ...(spec.architecture as object), type: 'text-cnn' } });
    put(BEFORE, spec);
    gh.releases.push({ id: 1, tag_name: 'sentiment-v1.3.0', target_commitish: BEFORE, name: null, body: null });
    const major = await runAction('devops', { api, eventName: 'push', payload: push(['model/specs/sentiment.json']) });
    expect(JSON.parse(major.outputs.releases ?? '[]')[0]).toMatchObject({ version: '2.0.0', bump: 'major' });
    gh.releases.length = 0;
    gh.files.delete(`${BEFORE}:model/specs/sentiment.json`);
    const first = await runAction('devops', { api, eventName: 'push', payload: push(['model/specs/sentiment.json']) });
    expect(JSON.parse(first.outputs.releases ?? '[]')[0]).toMatchObject({ version: '1.0.0', reasons: ['first release of this model'] });
  });

  it('does nothing for a push without spec changes, and dry-run creates no release', async () => {
    const none = await runAction('devops', { api, eventName: 'push', payload: push(['README.md']) });
    expect(none.outputs.releases).toBe('[]');
    put(BEFORE, spec);
    put(AFTER, { ...spec, targets: { accuracy: 0.9 } });
    const dry = await runAction('devops', { api, eventName: 'push', payload: push(['model/specs/sentiment.json']), inputs: { 'dry-run': 'true' } });
    expect(JSON.parse(dry.outputs.releases ?? '[]')[0]).toMatchObject({ version: '1.0.0' });
    expect(gh.releases).toEqual([]);
  });
});
