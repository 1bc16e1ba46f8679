import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { commitDocs } from '../../actions/shared/src/docs-role.js';
import { readProvenance } from '../../actions/shared/src/provenance.js';
import { saveArtifact } from '../../model/artifact/artifact.js';
import { loadChampionRecord } from '../../model/eval/champion.js';
import { initBackend } from '../../model/nn/backend.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
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

  describe('model-card-from with artifact-name: the record pins the approved artifact', () => {
    const payload = (): Record<string, unknown> => ({ ...prEvent, pull_request: { ...(prEvent.pull_request as object), number: 3, head: { ...(prEvent.pull_request as { head: object }).head, ref: 'model/reviews' } }, repository: { ...(prEvent.repository as object), full_name: 'acme/models', name: 'models', owner: { login: 'acme' } } });
    const evaluation = `${JSON.stringify({ schema_version: 1, model: { name: 'sentiment', version: '1.3.0' }, test: { dataset_sha256: 'a'.repeat(64), n: 1, accuracy: 1, f1_macro: 1, roc_auc: null, ece: 0 } }, null, 2)}\n`;
    let artifact: string;
    beforeAll(async () => {
      await initBackend('wasm');
    });
    beforeEach(async () => {
      gh.refs.set('model/sentiment', '6'.repeat(40));
      artifact = await saveArtifact({ ...artifactFixture('1.3.0'), extraFiles: { 'model-card.md': '# card\n', 'evaluation.json': evaluation } });
    });

    it('commits the card and the record with the run, the artifact name and the sha256 of manifest.json; the champion loader reads it', async () => {
      const r = await runAction('docs', { api, eventName: 'pull_request', payload: payload(), inputs: { 'model-card-from': artifact, 'artifact-name': 'model-artifact', 'artifact-run-id': '987654', branch: 'model/sentiment' } });
      expect([r.code, r.code === 0 ? '' : r.log]).toEqual([0, '']);
      expect(r.outputs.committed).toBe('docs/model-cards/sentiment.md\ndocs/model-cards/sentiment.json');
      const committed = gh.files.get('model/sentiment:docs/model-cards/sentiment.json')?.content ?? '';
      const manifestSha = createHash('sha256').update(readFileSync(join(artifact, 'manifest.json'))).digest('hex');
      expect(readProvenance(committed, 'record')).toEqual({ workflow_run_id: 987654, artifact_name: 'model-artifact', artifact_path: 'sentiment/1.3.0', manifest_sha256: manifestSha, model: { name: 'sentiment', version: '1.3.0' } });
      // Everything evaluation.json says, unchanged, beside it.
      const { provenance: _p, ...rest } = JSON.parse(committed) as Record<string, unknown>;
      expect(rest).toEqual(JSON.parse(evaluation));
      const file = join(mkdtempSync(join(tmpdir(), 'champion-')), 'sentiment.json');
      writeFileSync(file, committed);
      expect(loadChampionRecord(file)?.model).toEqual({ name: 'sentiment', version: '1.3.0' });
      // The run id defaults to this run's (GITHUB_RUN_ID).
      const rerun = await runAction('docs', { api, eventName: 'pull_request', payload: payload(), inputs: { 'model-card-from': artifact, 'artifact-name': 'model-artifact', branch: 'model/sentiment' } });
      expect(rerun.code).toBe(0);
      expect(readProvenance(gh.files.get('model/sentiment:docs/model-cards/sentiment.json')?.content ?? '', 'record').workflow_run_id).toBe(1);
    });

    it('a tampered artifact is not recorded as approved: nothing is committed', async () => {
      writeFileSync(join(artifact, 'model-card.md'), '# edited after training\n');
      const r = await runAction('docs', { api, eventName: 'pull_request', payload: payload(), inputs: { 'model-card-from': artifact, 'artifact-name': 'model-artifact', branch: 'model/sentiment' } });
      expect(r.code).toBe(1);
      expect(r.log).toMatch(/model-card\.md: \d+ bytes, manifest says \d+|model-card\.md: sha256 .* does not match the manifest/);
      expect(gh.commits).toEqual([]);
      const alone = await runAction('docs', { api, eventName: 'pull_request', payload: payload(), inputs: { 'artifact-name': 'model-artifact', files: 'docs/x.md' } });
      expect(alone.log).toContain('docs: artifact-name records the provenance of model-card-from: give both');
    });
  });
});
