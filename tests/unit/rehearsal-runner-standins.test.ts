import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commit, event, git, pushEvent } from '../fixtures/rehearsal/fake-github.js';
import { harness, job, runOnce, steps } from '../fixtures/rehearsal/harness.js';

const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1'; // v7.0.1
const CHECKOUT_V4 = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683'; // v4.2.2
const CACHE = 'actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae';
const UPLOAD = 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f';
const DOWNLOAD = 'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c';
const SETUP_NODE = 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020';
const SARIF = 'github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7';

describe('actions/checkout', () => {
  it('checks out the event\'s commit on its branch (depth 1), other refs, a path, a sparse checkout, all history', async () => {
    const h = harness({ '.github/gitops-ml.yml': 'version: 1\n', 'model/a.txt': 'one\n' });
    try {
      const first = h.sha;
      git(h.repo, 'tag', 'v0.1.0');
      git(h.repo, 'branch', 'feature');
      const second = commit(h.repo, { 'model/a.txt': 'two\n' }, 'second');
      commit(h.repo, {
        '.github/workflows/co.yml': `on: push
jobs:
  co:
    runs-on: ubuntu-latest
    steps:
      - id: default
        uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - run: |
          test "$(git branch --show-current)" = main
          test "$(git rev-list --count HEAD)" = 1
          test "$(git rev-parse HEAD)" = "$GITHUB_SHA"
          test "\${{ steps.default.outputs.commit }}" = "$GITHUB_SHA" && test "\${{ steps.default.outputs.ref }}" = refs/heads/main
          ! git config --list | grep -qi extraheader
          ! git config --list | grep -q includeif
          git config --global --get-all safe.directory | grep -qx "$GITHUB_WORKSPACE"
      - uses: ${CHECKOUT}
        with:
          ref: ${first}
          path: old
      - run: |
          cd old && test "$(git rev-parse HEAD)" = ${first} && test "$(cat model/a.txt)" = one && test -z "$(git branch --show-current)"
          inc="$(git config --local --get "includeIf.gitdir:$PWD/.git.path")"
          case "$inc" in "$RUNNER_TEMP"/git-credentials-*.config) ;; *) exit 1 ;; esac
          ! grep -q extraheader .git/config
          test "$(git config --get http.http://127.0.0.1:9/.extraheader)" = "AUTHORIZATION: basic $(printf 'x-access-token:%s' "$TOKEN" | base64 -w0)"
        env:
          TOKEN: \${{ github.token }}
      - uses: ${CHECKOUT}
        with:
          ref: feature
          path: feature
          persist-credentials: false
      - run: cd feature && test "$(git branch --show-current)" = feature && test "$(git rev-parse HEAD)" = ${first}
      - uses: ${CHECKOUT}
        with:
          path: sparse
          sparse-checkout: .github
          persist-credentials: false
      - run: test -f sparse/.github/gitops-ml.yml && test ! -e sparse/model
      - uses: ${CHECKOUT}
        with:
          path: full
          fetch-depth: 0
          persist-credentials: false
      - run: |
          cd full && test "$(git rev-list --count HEAD)" = 3 && git rev-parse --verify -q refs/tags/v0.1.0 && git rev-parse --verify -q refs/remotes/origin/feature
      - uses: ${CHECKOUT_V4}
        with:
          path: v4
      - run: |
          cd v4 && test "$(git config --local --get http.http://127.0.0.1:9/.extraheader)" = "AUTHORIZATION: basic $(printf 'x-access-token:%s' "$TOKEN" | base64 -w0)"
        env:
          TOKEN: \${{ github.token }}
      - name: outside the workspace
        continue-on-error: true
        uses: ${CHECKOUT}
        with:
          path: ../elsewhere
          bogus: 1
`,
        },
        'workflow',
      );
      const head = git(h.repo, 'rev-parse', 'HEAD');
      const [run] = await h.runner.handleEvent(pushEvent(head, { before: second }), { kind: 'run' });
      expect(steps(run!, 'co').filter(([, c]) => c !== 'success')).toEqual([]);
      const outside = job(run!, 'co').steps.find((s) => s.name === 'outside the workspace');
      expect(outside?.outcome).toBe('failure');
      const messages = job(run!, 'co').annotations.map((a) => a.message);
      expect(messages).toContainEqual(expect.stringMatching(/^Repository path '.*\/elsewhere' is not under '.*\/models\/models'$/));
      expect(messages).toContainEqual(expect.stringMatching(/^Unexpected input\(s\) 'bogus', valid inputs are \['repository', 'ref', 'token'/));
      expect(job(run!, 'co').actions).toEqual(expect.arrayContaining([{ uses: CHECKOUT, ref: CHECKOUT.split('@')[1], runtime: 'node24', version: 'v7.0.1' }, { uses: CHECKOUT_V4, ref: CHECKOUT_V4.split('@')[1], runtime: 'node20', version: 'v4.2.2' }]));
    } finally {
      await h.close();
    }
  });

  it('checks out a pull request\'s merge commit as GitHub\'s refs/pull/N/merge', async () => {
    const { run } = await runOnce(`on: pull_request
jobs:
  co:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
      - run: test "$(git rev-parse HEAD)" = "$GITHUB_SHA" && git rev-parse --verify -q refs/remotes/pull/7/merge && test "$GITHUB_HEAD_REF" = model/x && test "$GITHUB_BASE_REF" = main
`, {}, { event: (sha) => event('pull_request', sha, { action: 'opened', number: 7, pull_request: { number: 7, head: { ref: 'model/x', sha }, base: { ref: 'main', sha } } }, { ref: 'refs/pull/7/merge' }) });
    expect(run.conclusion).toBe('success');
  });
});

describe('actions/cache', () => {
  it('misses, saves in its post step, then hits exactly or by restore-key prefix', async () => {
    const wf = (key: string) => `on: push
jobs:
  c:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
      - id: cache
        uses: ${CACHE}
        with:
          path: |
            .cache/data
            ~/.tool
          key: ${key}
          restore-keys: data-
      - run: echo "hit=\${{ steps.cache.outputs.cache-hit }}" >> "$GITHUB_STEP_SUMMARY"
      - run: |
          if [ ! -f .cache/data/x.txt ]; then mkdir -p .cache/data ~/.tool && echo payload > .cache/data/x.txt && echo t > ~/.tool/t; else test "$(cat ~/.tool/t)" = t; fi
`;
    const h = harness({ '.github/workflows/c.yml': wf('data-${{ hashFiles(\'lock.txt\') }}'), 'lock.txt': 'v1\n' });
    try {
      const [miss] = await h.runner.handleEvent(pushEvent(h.sha), { kind: 'run' });
      expect(job(miss!, 'c').summary).toBe('hit=\n');
      expect(steps(miss!, 'c').at(-2)).toEqual([`Post Run ${CACHE}`, 'success']);
      expect(h.logger.lines()).toContainEqual(expect.stringMatching(/^Cache saved with key: data-[0-9a-f]{64}$/));
      const [hit] = await h.runner.handleEvent(pushEvent(h.sha), { kind: 'run' });
      expect(job(hit!, 'c').summary).toBe('hit=true\n');
      expect(h.logger.lines()).toContainEqual(expect.stringMatching(/^Cache hit occurred on the primary key data-[0-9a-f]{64}, not saving cache\.$/));
      const changed = commit(h.repo, { 'lock.txt': 'v2\n' }, 'lock');
      const [partial] = await h.runner.handleEvent(pushEvent(changed), { kind: 'run' });
      expect(job(partial!, 'c').summary).toBe('hit=false\n');
      expect(partial?.conclusion).toBe('success');
      const bad = commit(h.repo, { '.github/workflows/c.yml': wf('a,b') }, 'bad key');
      const [refused] = await h.runner.handleEvent(pushEvent(bad), { kind: 'run' });
      expect(job(refused!, 'c').annotations[0]?.message).toBe('Key Validation Error: a,b cannot contain commas.');
    } finally {
      await h.close();
    }
  });
});

describe('actions/upload-artifact and download-artifact', () => {
  it('hands files between jobs of a run with upload\'s layout, and fails as configured when nothing matches', async () => {
    const { run } = await runOnce(`on: push
jobs:
  up:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir -p out/artifacts/sentiment/1.0.0 && echo m > out/artifacts/sentiment/1.0.0/manifest.json && echo s > out/artifacts/.secret
      - uses: ${UPLOAD}
        with:
          name: model-artifact
          path: out/artifacts
          if-no-files-found: error
      - name: nothing, warn
        uses: ${UPLOAD}
        with:
          name: empty
          path: nothing/here
      - name: nothing, error
        continue-on-error: true
        uses: ${UPLOAD}
        with:
          name: empty2
          path: nothing/here
          if-no-files-found: error
  down:
    needs: up
    runs-on: ubuntu-latest
    steps:
      - id: dl
        uses: ${DOWNLOAD}
        with:
          name: model-artifact
          path: out/artifacts
      - run: test "$(cat out/artifacts/sentiment/1.0.0/manifest.json)" = m && test ! -e out/artifacts/.secret && test "\${{ steps.dl.outputs.download-path }}" = "$GITHUB_WORKSPACE/out/artifacts"
      - name: unknown artifact
        continue-on-error: true
        uses: ${DOWNLOAD}
        with:
          name: nope
`);
    expect(run.conclusion).toBe('success');
    expect(run.artifacts).toEqual(['model-artifact']);
    const up = job(run, 'up').annotations.map((a) => [a.level, a.message]);
    expect(up).toEqual([
      ['warning', 'No files were found with the provided path: nothing/here. No artifacts will be uploaded.'],
      ['error', 'No files were found with the provided path: nothing/here. No artifacts will be uploaded.'],
    ]);
    expect(job(run, 'down').annotations[0]?.message).toMatch(/^Unable to download artifact\(s\): Artifact not found for name: nope/);
  });
});

describe('github/codeql-action/upload-sarif', () => {
  it('records a valid SARIF 2.1.0 upload, refuses an invalid one, and needs security-events: write', async () => {
    const sarif = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'gitops-ml security' } }, results: [{ ruleId: 'x' }] }] });
    const { run } = await runOnce(`on: push
permissions: {}
jobs:
  ok:
    runs-on: ubuntu-latest
    permissions:
      security-events: write
    steps:
      - run: mkdir -p reports && echo '${sarif}' > reports/security.sarif && echo '{"version":"2.1.0","runs":[{"tool":{}}]}' > reports/bad.json
      - uses: ${SARIF}
        if: always() && hashFiles('reports/security.sarif') != ''
        with:
          sarif_file: reports/security.sarif
          category: gitops-ml-security
      - name: invalid
        continue-on-error: true
        uses: ${SARIF}
        with:
          sarif_file: reports/bad.json
  denied:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir -p reports && echo '${sarif}' > reports/security.sarif
      - uses: ${SARIF}
        with:
          sarif_file: reports/security.sarif
`);
    expect(run.code_scanning).toEqual([{ category: 'gitops-ml-security', tool: 'gitops-ml security', results: 1, file: 'reports/security.sarif' }]);
    expect(job(run, 'ok').conclusion).toBe('success');
    expect(job(run, 'ok').annotations[0]?.message).toMatch(/^Invalid SARIF\. runs\[0\]\.tool\.driver\.name is required/);
    expect(job(run, 'denied').conclusion).toBe('failure');
    expect(job(run, 'denied').annotations[0]?.message).toMatch(/^Resource not accessible by integration/);
  });
});

describe('actions/setup-node', () => {
  it('puts the host node on PATH, warns about another major, and exposes the warm npm cache as ~/.npm only with cache: npm', async () => {
    const npmCache = mkdtempSync(join(tmpdir(), 'npm-cache-'));
    writeFileSync(join(npmCache, 'warm'), 'x');
    const { run } = await runOnce(`on: push
jobs:
  n:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
      - id: node
        uses: ${SETUP_NODE}
        with:
          node-version: 18
          cache: npm
      - run: test -f ~/.npm/warm && test "\${{ steps.node.outputs.cache-hit }}" = true && command -v node
  bare:
    runs-on: ubuntu-latest
    steps:
      - run: test ! -e ~/.npm
      - name: no lock file
        continue-on-error: true
        uses: ${SETUP_NODE}
        with:
          cache: npm
`, { 'package-lock.json': '{}\n' }, { runner: { npmCacheDir: npmCache } });
    expect(run.conclusion).toBe('success');
    expect(job(run, 'n').annotations.map((a) => a.message)).toEqual([`node-version 18 was requested but this runner has Node.js v${process.versions.node}: the job runs on v${process.versions.node}`]);
    expect(job(run, 'bare').annotations[0]?.message).toMatch(/^Dependencies lock file is not found in .*\/models\/models\. Supported file patterns: package-lock.json,npm-shrinkwrap.json,yarn.lock$/);
  });
});

describe('docker actions', () => {
  const dockerfile = 'FROM scratch\nARG MODEL_NAME=sentiment\nLABEL stage=test\nCOPY model.txt /model.txt\n';
  const wf = (permissions: string) => `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    permissions:
${permissions}
    steps:
      - uses: ${CHECKOUT}
      - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772
        with:
          registry: ghcr.io
          username: \${{ github.actor }}
          password: \${{ github.token }}
      - uses: docker/setup-buildx-action@b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2
      - id: build
        uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83
        with:
          context: .
          push: true
          build-args: |
            MODEL_ARTIFACT=model/artifacts/x
            MODEL_NAME=sentiment
          labels: org.opencontainers.image.title=gitops-ml
          tags: ghcr.io/acme/models:sentiment-1.0.0
      - run: test -n "\${{ steps.build.outputs.digest }}"
`;
  it('builds with podman, warns like Docker about a build-arg no ARG consumes, and pushes to the local registry', async () => {
    const { run, h } = await runOnce(wf('      contents: read\n      packages: write'), { Dockerfile: dockerfile, 'model.txt': 'm\n' });
    expect(run.conclusion).toBe('success');
    expect(job(run, 'image').annotations.map((a) => a.message)).toEqual(['[Warning] One or more build-args [MODEL_ARTIFACT] were not consumed']);
    expect(run.images).toEqual([{ tags: ['ghcr.io/acme/models:sentiment-1.0.0'], id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), pushed: true, labels: { 'org.opencontainers.image.title': 'gitops-ml' } }]);
    expect(readdirSync(join(h.workDir, 'registry'))).toEqual(['ghcr.io_acme_models']);
  }, 60000);

  it('refuses to push to ghcr.io with a job token lacking packages: write', async () => {
    const { run } = await runOnce(wf('      contents: read'), { Dockerfile: dockerfile, 'model.txt': 'm\n' });
    expect(job(run, 'image').annotations.map((a) => a.message)).toContain('ERROR: failed to push ghcr.io/acme/models:sentiment-1.0.0: denied: permission_denied: write_package');
    expect(run.conclusion).toBe('failure');
  }, 60000);

  it('fails saying podman is needed when the host has none', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'bin-'));
    for (const tool of ['bash', 'sh', 'git', 'env', 'cat', 'mkdir', 'ls']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    const { run } = await runOnce('on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83\n        with: { context: . }\n', {}, { runner: { hostPath: bin } });
    expect(job(run, 'b').annotations[0]?.message).toBe('podman is needed to run docker/build-push-action on this runner (podman was not found on PATH)');
  });
});

describe('gh (the runner image\'s GitHub CLI)', () => {
  let server: Server;
  let api = '';
  const assets: Array<{ id: number; name: string; size: number; label: string }> = [];
  const calls: string[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = Buffer.alloc(0);
      req.on('data', (d: Buffer) => (body = Buffer.concat([body, d])));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', api);
        calls.push(`${req.method} ${url.pathname} ${req.headers.authorization ?? ''}`);
        res.setHeader('content-type', 'application/json');
        if (req.headers.authorization !== 'token ghs_test0001') return res.writeHead(401).end(JSON.stringify({ message: 'Bad credentials' }));
        if (req.method === 'GET' && url.pathname === '/repos/acme/models/releases/tags/sentiment-v1.0.0') return res.end(JSON.stringify({ id: 5, upload_url: `${api}/uploads/repos/acme/models/releases/5/assets{?name,label}`, assets }));
        if (req.method === 'GET' && url.pathname.startsWith('/repos/acme/models/releases/tags/')) return res.writeHead(404).end(JSON.stringify({ message: 'Not Found' }));
        if (req.method === 'POST' && url.pathname === '/uploads/repos/acme/models/releases/5/assets') {
          const a = { id: assets.length + 1, name: url.searchParams.get('name') ?? '', label: url.searchParams.get('label') ?? '', size: body.length };
          assets.push(a);
          return res.writeHead(201).end(JSON.stringify(a));
        }
        if (req.method === 'DELETE' && url.pathname.startsWith('/repos/acme/models/releases/assets/')) {
          const id = Number(url.pathname.split('/').pop());
          assets.splice(assets.findIndex((a) => a.id === id), 1);
          return res.writeHead(204).end();
        }
        res.writeHead(404).end(JSON.stringify({ message: 'Not Found' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('uploads release assets as `gh release upload` does, with its errors', async () => {
    const { run } = await runOnce(`on: push
permissions: {}
jobs:
  rel:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - name: no token
        continue-on-error: true
        run: gh release upload sentiment-v1.0.0 x --repo "$GITHUB_REPOSITORY"
      - env:
          GH_TOKEN: \${{ github.token }}
        run: |
          mkdir -p dist && echo pkg > dist/m.tar.gz && echo card > dist/m.md
          gh release upload sentiment-v1.0.0 dist/*.tar.gz 'dist/m.md#Model card' --repo "$GITHUB_REPOSITORY"
          if out="$(gh release upload sentiment-v1.0.0 dist/m.md --repo "$GITHUB_REPOSITORY" 2>&1)"; then exit 1; fi
          test "$out" = "asset under the same name already exists: [m.md]"
          gh release upload sentiment-v1.0.0 dist/m.md --clobber --repo "$GITHUB_REPOSITORY"
          test "$(gh release upload nope dist/m.md --repo "$GITHUB_REPOSITORY" 2>&1)" = "release not found" || exit 1
          ! gh pr list 2> err.txt && grep -q "not provided by this runner" err.txt
`, {}, { setup: (h) => Object.assign(h.gh, { apiUrl: api }) });
    expect(job(run, 'rel').steps.find((s) => s.name === 'no token')?.outcome).toBe('failure');
    expect(run.conclusion).toBe('success');
    expect(assets.map((a) => [a.name, a.label, a.size])).toEqual([
      ['m.tar.gz', '', 4],
      ['m.md', '', 5],
    ]);
    expect(calls.filter((c) => c.startsWith('DELETE'))).toHaveLength(1);
  });
});
