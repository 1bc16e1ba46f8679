import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/datasets.js';
import { modelCardDoc } from '../../actions/shared/src/docs-role.js';
import { saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
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

describe('devops action: the PR plans the version its merge releases', () => {
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
  const dispatch = { ...webhookExample('workflow_dispatch'), repository: { name: 'models', full_name: 'acme/models', owner: { login: 'acme' } } };
  const plan = (inputs: Record<string, string>) => runAction('devops', { api, eventName: 'workflow_dispatch', payload: dispatch, inputs: { mode: 'plan', spec: 'model/specs/sentiment.json', 'base-sha': BEFORE, 'head-sha': AFTER, ...inputs } });

  it('plan (base and head of the PR) gives the version the release (before and after of the merge) gives', async () => {
    gh.releases.push({ id: 1, tag_name: 'sentiment-v1.2.0', target_commitish: BEFORE, name: null, body: null });
    put(BEFORE, spec);
    put(AFTER, { ...spec, dataset: { train: 'mr:train' } });
    const planned = await plan({});
    expect(planned.code).toBe(0);
    expect([planned.outputs.model, planned.outputs.version, planned.outputs.tag, planned.outputs.bump, planned.outputs.previous]).toEqual(['sentiment', '1.3.0', 'sentiment-v1.3.0', 'minor', '1.2.0']);
    const released = await runAction('devops', { api, eventName: 'push', payload: push(['model/specs/sentiment.json']), inputs: { 'dry-run': 'true' } });
    expect(JSON.parse(released.outputs.releases ?? '[]')[0]?.version).toBe(planned.outputs.version);
    expect(gh.releases).toHaveLength(1);
    expect(gh.requests.map((q) => q.operationId).filter((o) => o !== 'repos/get-content' && o !== 'repos/list-tags')).toEqual([]);
  });

  it('refuses a path that is not a spec, and a spec the PR does not have', async () => {
    const bad = await plan({ spec: 'model/specs/../../package.json' });
    expect(bad.log).toContain('plan: "model/specs/../../package.json" is not a model spec path');
    put(BEFORE, spec);
    const gone = await plan({});
    expect(gone.code).toBe(1);
    expect(gone.log).toContain(`plan: model/specs/sentiment.json does not exist at the PR's head ${AFTER.slice(0, 7)}: nothing to train`);
  });
});

describe('devops action: the release is made once the package exists, with its assets', () => {
  let gh: GitHubStandIn;
  let api: string;
  let assets: string;
  beforeEach(async () => {
    gh = new GitHubStandIn('acme', 'models');
    api = await gh.start();
    gh.releases.push({ id: 1, tag_name: 'sentiment-v1.2.0', target_commitish: BEFORE, name: null, body: null });
    gh.files.set(`${BEFORE}:model/specs/sentiment.json`, { content: JSON.stringify(spec), sha: 'x' });
    gh.files.set(`${AFTER}:model/specs/sentiment.json`, { content: JSON.stringify({ ...spec, dataset: { train: 'mr:train' } }), sha: 'y' });
    assets = mkdtempSync(join(tmpdir(), 'release-assets-'));
  });
  afterEach(async () => {
    await gh.close();
    expect(gh.problems).toEqual([]);
  });
  const release = (inputs: Record<string, string> = {}) => runAction('devops', { api, eventName: 'push', payload: push(['model/specs/sentiment.json']), inputs: { model: 'sentiment', version: '1.3.0', assets, ...inputs } });
  const ops = (): string[] => gh.requests.map((q) => q.operationId).filter((o) => !['repos/get-content', 'repos/list-tags'].includes(o));
  const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

  it('creates a draft, uploads the package, the card and SHA256SUMS to its upload_url, then publishes it (the tag)', async () => {
    writeFileSync(join(assets, 'sentiment-1.3.0.tar.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    writeFileSync(join(assets, 'sentiment-1.3.0-MODEL_CARD.md'), '# sentiment 1.3.0\n');
    const r = await release();
    expect([r.code, r.code === 0 ? '' : r.log]).toEqual([0, '']);
    expect(ops()).toEqual(['repos/list-releases', 'repos/create-release', 'repos/upload-release-asset', 'repos/upload-release-asset', 'repos/upload-release-asset', 'repos/update-release']);
    expect(gh.requests.find((q) => q.operationId === 'repos/create-release')?.body).toMatchObject({ tag_name: 'sentiment-v1.3.0', target_commitish: AFTER, draft: true });
    expect(gh.requests.find((q) => q.operationId === 'repos/update-release')?.body).toEqual({ draft: false });
    // The bytes went to the uploads host, as the release's upload_url says.
    expect(gh.requests.filter((q) => q.operationId === 'repos/upload-release-asset').map((q) => q.path)).toEqual(Array(3).fill(`/uploads/repos/acme/models/releases/${gh.releases[1]?.id}/assets`));
    const rel = gh.releases.find((x) => x.tag_name === 'sentiment-v1.3.0');
    expect(rel?.draft).toBe(false);
    expect(rel?.assets?.map((a) => [a.name, a.content_type])).toEqual([
      ['sentiment-1.3.0.tar.gz', 'application/gzip'],
      ['sentiment-1.3.0-MODEL_CARD.md', 'text/markdown; charset=utf-8'],
      ['SHA256SUMS', 'text/plain; charset=utf-8'],
    ]);
    expect(rel?.assets?.[0]?.data).toEqual(readFileSync(join(assets, 'sentiment-1.3.0.tar.gz')));
    expect(rel?.assets?.[2]?.data.toString()).toBe(`${sha('# sentiment 1.3.0\n')}  sentiment-1.3.0-MODEL_CARD.md\n${sha(readFileSync(join(assets, 'sentiment-1.3.0.tar.gz')))}  sentiment-1.3.0.tar.gz\n`);
    expect([r.outputs.tag, r.outputs['release-id'], JSON.parse(r.outputs.releases ?? '[]')[0]?.version]).toEqual(['sentiment-v1.3.0', String(rel?.id), '1.3.0']);
    expect(r.summary).toContain('SHA256SUMS (uploaded)');

    // A re-run of the release job (or of the whole workflow): the tag is on this push, same version, nothing to do again.
    gh.requests.length = 0;
    const again = await release();
    expect([again.code, again.outputs.tag]).toEqual([0, 'sentiment-v1.3.0']);
    expect(ops()).toEqual(['repos/list-releases']);
    expect(gh.releases.filter((x) => x.tag_name === 'sentiment-v1.3.0')).toHaveLength(1);
    const dry = await runAction('devops', { api, eventName: 'push', payload: push(['model/specs/sentiment.json']), inputs: { 'dry-run': 'true' } });
    expect(JSON.parse(dry.outputs.releases ?? '[]')[0]?.version).toBe('1.3.0');
  });

  it('a failed package (no tarball) leaves no release: nothing is created', async () => {
    writeFileSync(join(assets, 'sentiment-1.3.0-MODEL_CARD.md'), '# card\n');
    const r = await release();
    expect(r.code).toBe(1);
    expect(r.log).toContain('the release assets of sentiment 1.3.0 are incomplete: sentiment-1.3.0.tar.gz is missing');
    expect(gh.requests).toEqual([]);
    expect(gh.releases.map((x) => x.tag_name)).toEqual(['sentiment-v1.2.0']);
  });

  it('a package built for another version than the release would now have is refused, before any release', async () => {
    writeFileSync(join(assets, 'sentiment-1.4.0.tar.gz'), 'x');
    writeFileSync(join(assets, 'sentiment-1.4.0-MODEL_CARD.md'), 'c');
    const r = await release({ version: '1.4.0' });
    expect(r.code).toBe(1);
    expect(r.log).toContain('release: the package was built for sentiment 1.4.0, the release would now be 1.3.0');
    expect(ops()).toEqual([]);
  });

  it('finishes a draft an interrupted run left (one asset uploaded): the missing ones, then publishes', async () => {
    writeFileSync(join(assets, 'sentiment-1.3.0.tar.gz'), 'tgz');
    writeFileSync(join(assets, 'sentiment-1.3.0-MODEL_CARD.md'), 'card');
    gh.releases.push({ id: 77, tag_name: 'sentiment-v1.3.0', target_commitish: AFTER, name: 'sentiment 1.3.0', body: null, draft: true, assets: [{ id: 78, name: 'sentiment-1.3.0.tar.gz', content_type: 'application/gzip', size: 3, data: Buffer.from('tgz') }] });
    const r = await release();
    expect(r.code).toBe(0);
    expect(ops()).toEqual(['repos/list-releases', 'repos/upload-release-asset', 'repos/upload-release-asset', 'repos/update-release']);
    expect(gh.releases.find((x) => x.id === 77)).toMatchObject({ draft: false });
    expect(gh.releases.find((x) => x.id === 77)?.assets?.map((a) => a.name)).toEqual(['sentiment-1.3.0.tar.gz', 'sentiment-1.3.0-MODEL_CARD.md', 'SHA256SUMS']);
    expect(r.summary).toContain('sentiment-1.3.0.tar.gz (already attached)');
  });
});

describe('devops action: the approved artifact, found from the merged record and checked byte for byte', () => {
  let work: string;
  let artifactDir: string;
  beforeAll(async () => {
    await initBackend('wasm');
  });
  beforeEach(async () => {
    // The package job's workspace: the merged record, and the artifact download-artifact extracted.
    work = mkdtempSync(join(tmpdir(), 'promote-'));
    artifactDir = await saveArtifact({ ...artifactFixture('1.3.0'), root: join(work, 'model/artifacts'), extraFiles: { 'model-card.md': '# card\n', 'evaluation.json': `${JSON.stringify({ schema_version: 1, model: { name: 'sentiment', version: '1.3.0' } }, null, 2)}\n` } });
    const docs = modelCardDoc(artifactDir, { runId: 4242, artifactName: 'model-artifact' });
    mkdirSync(join(work, 'docs/model-cards'), { recursive: true });
    for (const d of docs) writeFileSync(join(work, d.path), d.content);
  });
  const run = (mode: string, inputs: Record<string, string> = {}) => runAction('devops', { api: 'http://127.0.0.1:9', eventName: 'push', payload: push([]), cwd: work, inputs: { mode, model: 'sentiment', version: '1.3.0', ...inputs } });

  it('approved-artifact names the run and the artifact; verify-artifact accepts the very bytes', async () => {
    const found = await run('approved-artifact');
    expect([found.code, found.code === 0 ? '' : found.log]).toEqual([0, '']);
    expect([found.outputs['run-id'], found.outputs['artifact-name'], found.outputs['artifact-path'], found.outputs['manifest-sha256']]).toEqual(['4242', 'model-artifact', 'sentiment/1.3.0', createHash('sha256').update(readFileSync(join(artifactDir, 'manifest.json'))).digest('hex')]);
    const verified = await run('verify-artifact');
    expect([verified.code, verified.outputs['artifact-dir']]).toEqual([0, 'model/artifacts/sentiment/1.3.0']);
  });

  it('refuses a release version the approved artifact is not, before the download', async () => {
    const r = await run('approved-artifact', { version: '1.4.0' });
    expect(r.code).toBe(1);
    expect(r.log).toContain('the approved artifact is sentiment 1.3.0, the release would be sentiment 1.4.0: re-run the model PR');
    expect(r.outputs['run-id']).toBeUndefined();
  });

  it('refuses a tampered artifact: a changed file (its manifest entry), and a manifest rewritten to match', async () => {
    const weights = join(artifactDir, 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[0] = (bytes[0] as number) ^ 0xff;
    writeFileSync(weights, bytes);
    const changed = await run('verify-artifact');
    expect(changed.code).toBe(1);
    expect(changed.log).toMatch(/weights\.bin: sha256 [0-9a-f]{64} does not match the manifest/);
    const manifestPath = join(artifactDir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, { sha256: string }> };
    (manifest.files['weights.bin'] as { sha256: string }).sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const rewritten = await run('verify-artifact');
    expect(rewritten.code).toBe(1);
    expect(rewritten.log).toContain("the downloaded artifact's manifest.json has sha256");
    expect(rewritten.log).toContain('these are not the bytes the PR evaluated and the CEO approved; nothing is deployed');
    expect(rewritten.outputs['artifact-dir']).toBeUndefined();
  });

  it('a merged record without provenance (or none at all) is refused with what to do', async () => {
    writeFileSync(join(work, 'docs/model-cards/sentiment.json'), JSON.stringify({ schema_version: 1, model: { name: 'sentiment', version: '1.3.0' } }));
    const none = await run('approved-artifact');
    expect(none.log).toContain('docs/model-cards/sentiment.json records no provenance of an approved artifact');
    const missing = await run('approved-artifact', { model: 'reviews' });
    expect(missing.log).toContain("no evaluation record docs/model-cards/reviews.json on this commit: the model PR's docs job commits it");
  });
});
