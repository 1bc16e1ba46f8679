import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { commitDocs } from '../../actions/shared/src/docs-role.js';
import { createClient } from '../../actions/shared/src/github.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { GitHubStandIn } from '../helpers/github-standin.js';
import { webhookExample } from '../helpers/webhooks.js';
import { runAction } from '../helpers/run-action.js';

const prEvent = webhookExample('pull_request', 'opened');

describe('docs role', () => {
  let gh: GitHubStandIn;
  let api: string;
  beforeEach(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
    gh.refs.set('model/reviews', '5'.repeat(40));
  });
  afterEach(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });

  it('commits changed docs to the PR branch once, skips unchanged ones, ticks the task', async () => {
    const client = createClient('t', api);
    const files: Record<string, string> = { 'docs/model-cards/reviews.md': '# Model card\n', 'docs/openapi.json': '{}\n' };
    const where = { owner: 'acme', repo: 'models', pullNumber: 3 };
    expect(await commitDocs(client, where, 'model/reviews', Object.keys(files), (p) => files[p] as string)).toEqual({ committed: ['docs/model-cards/reviews.md', 'docs/openapi.json'], unchanged: [] });
    files['docs/openapi.json'] = '{"openapi":"3.0.3"}\n';
    expect(await commitDocs(client, where, 'model/reviews', Object.keys(files), (p) => files[p] as string)).toEqual({ committed: ['docs/openapi.json'], unchanged: ['docs/model-cards/reviews.md'] });
    expect(gh.commits.map((c) => c.path)).toEqual(['docs/model-cards/reviews.md', 'docs/openapi.json', 'docs/openapi.json']);
    expect(gh.files.get('model/reviews:docs/openapi.json')?.content).toBe('{"openapi":"3.0.3"}\n');
    expect((gh.comments.get(3) ?? [])[0]?.body).toContain('- [x] Docs <!-- task:docs --> — updated docs/openapi.json');
  });

  it('refuses paths outside docs/', async () => {
    await expect(commitDocs(createClient('t', api), { owner: 'acme', repo: 'models', pullNumber: 3 }, 'model/reviews', ['.github/workflows/ci.yml'], () => 'x')).rejects.toThrow('"'.concat('.github/workflows/ci.yml" is not a file under docs/'));
    await expect(commitDocs(createClient('t', api), { owner: 'acme', repo: 'models', pullNumber: 3 }, 'model/reviews', ['docs/../package.json'], () => 'x')).rejects.toThrow(/not a file under docs/);
    expect(gh.commits).toEqual([]);
  });

  it('the bundled action commits the regenerated OpenAPI document (gitops-ml openapi) from a pull_request event', async () => {
    // The docs step runs in the repository's checkout; here, a scratch copy of its docs/.
    const work = mkdtempSync(join(tmpdir(), 'docs-work-'));
    mkdirSync(join(work, 'docs'));
    const gen = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/gitops-ml.js'), 'openapi', '--out', join(work, 'docs/openapi.json')], { encoding: 'utf8', env: { PATH: process.env.PATH, MAX_TEXT_LENGTH: '777' } });
    expect(gen.status).toBe(0);
    const doc = JSON.parse(readFileSync(join(work, 'docs/openapi.json'), 'utf8')) as { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { oneOf: { properties: { text?: { maxLength: number } } }[] } }> } } }> };
    // Generated from the route schemas with this environment's limits.
    expect(doc.paths['/v1/predict']?.post?.requestBody?.content['application/json']?.schema.oneOf[0]?.properties.text?.maxLength).toBe(777);
    writeFileSync(join(work, 'event.json'), '{}');
    const payload = { ...prEvent, pull_request: { ...(prEvent.pull_request as object), number: 3, head: { ...(prEvent.pull_request as { head: object }).head, ref: 'model/reviews' } }, repository: { ...(prEvent.repository as object), full_name: 'acme/models', name: 'models', owner: { login: 'acme' } } };
    const r = await runAction('docs', { api, eventName: 'pull_request', payload, inputs: { files: 'docs/openapi.json' }, cwd: work });
    expect(r.code).toBe(0);
    expect(r.outputs.committed).toBe('docs/openapi.json');
    expect(JSON.parse(gh.files.get('model/reviews:docs/openapi.json')?.content ?? '{}')).toEqual(doc);
  });

  it('model-card-from: an artifact without a model card is a clear error, and nothing is committed', async () => {
    const artifact = mkdtempSync(join(tmpdir(), 'no-card-'));
    writeFileSync(join(artifact, 'metadata.json'), JSON.stringify({ name: 'reviews' }));
    const payload = { ...prEvent, pull_request: { ...(prEvent.pull_request as object), number: 3, head: { ...(prEvent.pull_request as { head: object }).head, ref: 'model/reviews' } }, repository: { ...(prEvent.repository as object), full_name: 'acme/models', name: 'models', owner: { login: 'acme' } } };
    const r = await runAction('docs', { api, eventName: 'pull_request', payload, inputs: { 'model-card-from': artifact } });
    expect(r.code).toBe(1);
    expect(r.log).toContain(`docs: ${artifact} has no model-card.md`);
    expect(gh.commits).toEqual([]);
  });
});
