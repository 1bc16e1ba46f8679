import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import ts from 'typescript';
import { loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import { initBackend } from '../../model/nn/backend.js';
import { buildApp } from '../../service/app.js';
import type { ModelHolder } from '../../service/app.js';
import { ServiceMetrics } from '../../service/metrics.js';
import { testConfig } from '../helpers/service-config.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';
import { REPO_ROOT } from '../helpers/datasets.js';

/**
 * The client examples in examples/, each run as its own process against a real server on
 * loopback with an API key configured: the labels they print must be the server's, a
 * rate-limited server must make them wait for Retry-After and still succeed, a wrong key
 * must end in exit code 1, and a server that never answers must hit their timeout.
 * Every toolchain is installed by .ci/install-system-deps.sh; the Go example also gets a
 * static check, which is all that is left where Go is missing (and its live tests fail).
 */

const KEY = 'examples-test-key-4f0c7a1d9e2b';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const ex = (p: string): string => join(REPO_ROOT, 'examples', p);

const which = (cmd: string): string | undefined => {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
// The examples promise the standard library only: the system Python, not a virtualenv's.
const PYTHON = ['/usr/bin/python3', which('python3')].find((p) => p && spawnSync(p, ['--version']).status === 0);
const GO = which('go');
const JAVAC = which('javac');
const JAVA = which('java');
const CURL = which('curl');
const SHELLCHECK = which('shellcheck');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Asynchronous on purpose: the server runs on this process's event loop. */
function run(cmd: string, args: string[], env: Record<string, string>, opts: { cwd?: string; killAfterMs?: number } = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

interface Client {
  name: string;
  /** Whether it can run here; otherwise only its static check runs. */
  live: boolean;
  /** Compiles (where there is a compiler) and returns the command to run. */
  prepare: () => Promise<{ cmd: string; args: string[] }>;
  /** Attempts it makes against a server that never answers: 1, or 5 for curl (its --retry retries timeouts). */
  attemptsOnTimeout: number;
}

const work = mkdtempSync(join(tmpdir(), 'examples-'));

const clients: Client[] = [
  {
    name: 'curl',
    live: CURL !== undefined,
    attemptsOnTimeout: 5,
    prepare: async () => {
      // CI installs shellcheck (it lints .ci/); where it is missing, bash's own syntax check.
      const lint = SHELLCHECK ? await run(SHELLCHECK, [ex('curl/predict.sh')], {}) : await run('bash', ['-n', ex('curl/predict.sh')], {});
      expect({ code: lint.code, output: lint.stdout + lint.stderr }).toEqual({ code: 0, output: '' });
      return { cmd: 'bash', args: [ex('curl/predict.sh')] };
    },
  },
  {
    name: 'typescript',
    live: true,
    attemptsOnTimeout: 1,
    prepare: async () => {
      // Type-checked strictly, with only erasable syntax (so Node's type stripping runs it too), then run as JavaScript.
      const file = ex('typescript/predict.ts');
      const program = ts.createProgram([file], {
        strict: true,
        noUncheckedIndexedAccess: true,
        erasableSyntaxOnly: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2023.d.ts'],
        types: ['node'],
        skipLibCheck: true,
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
      const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
      const out = join(work, 'predict.mjs');
      writeFileSync(out, js);
      return { cmd: process.execPath, args: [out] };
    },
  },
  {
    name: 'python',
    live: PYTHON !== undefined,
    attemptsOnTimeout: 1,
    prepare: async () => {
      // Standard library only: every module it imports is in sys.stdlib_module_names.
      const check = [
        'import ast, sys',
        'tree = ast.parse(open(sys.argv[1]).read())',
        'mods = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}',
        'mods |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}',
        'bad = sorted(m for m in mods if m not in sys.stdlib_module_names)',
        'print(",".join(bad)); sys.exit(1 if bad else 0)',
      ].join('\n');
      const r = await run(PYTHON as string, ['-c', check, ex('python/predict.py')], {});
      expect({ code: r.code, notStdlib: r.stdout.trim() }).toEqual({ code: 0, notStdlib: '' });
      return { cmd: PYTHON as string, args: [ex('python/predict.py')] };
    },
  },
  {
    name: 'go',
    live: GO !== undefined,
    attemptsOnTimeout: 1,
    prepare: async () => {
      const gofmt = await run(join(GO as string, '../gofmt'), ['-l', ex('go/main.go')], {});
      expect({ code: gofmt.code, unformatted: gofmt.stdout.trim() }).toEqual({ code: 0, unformatted: '' });
      // GOTOOLCHAIN=local: never download a newer Go (Go 1.21+ would, for a go.mod asking for one).
      const env = { GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'gitops-ml-go-cache'), GOTOOLCHAIN: 'local' };
      const vet = await run(GO as string, ['vet', '.'], env, { cwd: ex('go'), killAfterMs: 300_000 });
      expect({ code: vet.code, stderr: vet.stderr }).toEqual({ code: 0, stderr: '' });
      const bin = join(work, 'predict-go');
      const build = await run(GO as string, ['build', '-o', bin, '.'], env, { cwd: ex('go'), killAfterMs: 300_000 });
      expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: '' });
      return { cmd: bin, args: [] };
    },
  },
  {
    name: 'java',
    live: JAVAC !== undefined && JAVA !== undefined,
    attemptsOnTimeout: 1,
    prepare: async () => {
      // --release 11: the example promises Java 11+ (java.net.http); every lint warning fails.
      const classes = join(work, 'java');
      const javac = await run(JAVAC as string, ['--release', '11', '-Xlint:all', '-Werror', '-d', classes, ex('java/Predict.java')], {});
      expect({ code: javac.code, stderr: javac.stderr }).toEqual({ code: 0, stderr: '' });
      return { cmd: JAVA as string, args: ['-cp', classes, 'Predict'] };
    },
  },
];

const holder: ModelHolder = {};
let app: FastifyInstance;
let base: string;
const appMetrics = new ServiceMetrics({ collectProcess: false });
let limited: FastifyInstance;
let limitedBase: string;
const limitedMetrics = new ServiceMetrics({ collectProcess: false });
let blackHole: Server;
let blackHoleUrl: string;
const heldSockets: Socket[] = [];
/** Requests the black hole received (connections that sent bytes: Node's fetch may open a spare one). */
let blackHoleRequests = 0;
/** Texts the fixture model labels both ways, and the server's own answers for them. */
let texts: string[];
let expected: { label: string; score: number }[];

/** Candidate texts in the fixture's vocabulary. */
const CANDIDATES = ['good movie', 'bad movie', 'not great', 'great movie', 'not good', 'bad', 'good', 'great', 'not bad', 'movie', 'bad bad movie', 'great great good'];

beforeAll(async () => {
  await initBackend('wasm');
  // The fixture's random weights call every text positive (scores 0.58-0.60): shift and
  // spread its output layer so that the candidates split at their median, and a client
  // that swapped or dropped labels would show.
  const probe = await loadArtifact(await saveArtifact(artifactFixture()));
  const fixture = artifactFixture();
  const member = fixture.ensemble.cnn[0];
  if (!member) throw new Error('the artifact fixture has no CNN member');
  const preBias = CANDIDATES.map((t) => {
    const p = probe.score(t);
    return Math.log(p / (1 - p)) - member.outBias;
  }).sort((a, b) => a - b);
  const median = ((preBias[5] as number) + (preBias[6] as number)) / 2;
  member.outKernel = member.outKernel.map((w) => w * 10);
  member.outBias = -10 * median;
  holder.model = await loadArtifact(await saveArtifact(fixture));

  app = buildApp(testConfig({ API_KEY_SHA256: sha(KEY) }), holder, appMetrics);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  // One request per key per 2 s: the second request of every run gets 429 + Retry-After (1-2 s).
  limited = buildApp(testConfig({ API_KEY_SHA256: sha(KEY), RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_MS: '2000' }), holder, limitedMetrics);
  limitedBase = await limited.listen({ port: 0, host: '127.0.0.1' });
  // Accepts connections, reads the requests, and never answers.
  blackHole = createServer((socket) => {
    heldSockets.push(socket);
    socket.once('data', () => blackHoleRequests++);
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  blackHoleUrl = `http://127.0.0.1:${(blackHole.address() as { port: number }).port}`;

  const answer = (await (await fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify({ texts: CANDIDATES }) })).json()) as { predictions: { label: string; score: number }[] };
  const byLabel = (label: string): string[] => CANDIDATES.filter((_, i) => answer.predictions[i]?.label === label);
  const neg = byLabel('negative');
  const pos = byLabel('positive');
  if (neg.length < 2 || pos.length < 1) throw new Error(`the adjusted fixture does not label the candidates both ways: ${JSON.stringify(answer.predictions)}`);
  texts = [neg[0] as string, pos[0] as string, neg[1] as string];
  expected = texts.map((t) => answer.predictions[CANDIDATES.indexOf(t)] as { label: string; score: number });
}, 60_000);

afterAll(async () => {
  for (const s of heldSockets) s.destroy();
  await new Promise<void>((resolve) => blackHole.close(() => resolve()));
  await Promise.all([app.close(), limited.close()]);
  rmSync(work, { recursive: true, force: true });
});

/** The examples' shared output: `model <name> <version>`, then `single|batch <label> <score> <text>`. */
function expectPredictions(r: Run): void {
  expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
  const lines = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
  expect(lines[0]).toEqual(['model', 'sentiment', '0.1.0']);
  const rows = lines.slice(1);
  expect(rows.map(([kind, label, , text]) => [kind, label, text])).toEqual([
    ['single', expected[0]?.label, texts[0]],
    ...texts.map((t, i) => ['batch', expected[i]?.label, t]),
  ]);
  // Printed with 4 decimals.
  rows.forEach(([kind, , score], i) => {
    expect({ kind, score: Number(score) }).toEqual({ kind, score: expect.closeTo((expected[Math.max(0, i - 1)] as { score: number }).score, 3) });
  });
}

/** Answers of a server to POST /v1/predict with this status, from its Prometheus counter. */
const answered = async (metrics: ServiceMetrics, status: number): Promise<number> =>
  (await metrics.requests.get()).values.filter((v) => v.labels.route === '/v1/predict' && v.labels.status === String(status)).reduce((a, v) => a + v.value, 0);

describe.each(clients)('examples/$name', (client) => {
  let command: { cmd: string; args: string[] };
  const source = (): string =>
    readFileSync(ex({ curl: 'curl/predict.sh', typescript: 'typescript/predict.ts', python: 'python/predict.py', go: 'go/main.go', java: 'java/Predict.java' }[client.name] as string), 'utf8');

  it('follows the client contract: env configuration, Retry-After, a timeout, single and batch requests', () => {
    const text = source();
    for (const needle of ['GITOPS_ML_URL', 'GITOPS_ML_API_KEY', 'GITOPS_ML_TIMEOUT_SECONDS', '/v1/predict', 'Bearer ', '"text"', '"texts"']) {
      // Java and curl build JSON by hand, so their keys appear escaped.
      expect({ needle, found: text.includes(needle) || text.includes(needle.replace(/"/g, '\\"')) || text.includes(needle.replace(/"/g, '')) }).toEqual({ needle, found: true });
    }
    expect(text).toMatch(/retry-after|--retry/i);
    expect(text).toMatch(/429|StatusTooManyRequests|--retry/);
  });

  if (client.name === 'go') {
    // Without the toolchain this is what is left: `package main`, the standard HTTP client,
    // and balanced delimiters outside strings, runes and comments (a cheap syntax sanity check).
    it(`go: ${GO ? 'static checks (the live test below also builds it)' : 'static checks only (go is not installed here: not compiled)'}`, () => {
      const text = source();
      expect(text).toMatch(/^package main$/m);
      expect(text).toMatch(/"net\/http"/);
      expect(text).toMatch(/^func main\(\) \{$/m);
      const stack: string[] = [];
      const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
      const src = text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|`[^`]*`|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])+'/g, '');
      for (const c of src) {
        if ('([{'.includes(c)) stack.push(c);
        else if (c in pairs) expect(stack.pop()).toBe(pairs[c]);
      }
      expect(stack).toEqual([]);
    });
  }

  describe('live', () => {
    beforeAll(async () => {
      // No skipping: CI installs every toolchain (.ci/install-system-deps.sh); a missing one fails here, by name.
      if (!client.live) throw new Error(`${client.name}: its toolchain is not installed; run .ci/install-system-deps.sh (golang-go, openjdk-17-jdk-headless, curl, shellcheck)`);
      command = await client.prepare();
    }, 300_000);

    it('prints the server\'s labels for a single and a batch request, and exits 0', async () => {
      expectPredictions(await run(command.cmd, [...command.args, ...texts], { GITOPS_ML_URL: base, GITOPS_ML_API_KEY: KEY }));
    });

    it('waits for Retry-After on 429 and still succeeds', async () => {
      const before = await answered(limitedMetrics, 429);
      const r = await run(command.cmd, [...command.args, ...texts], { GITOPS_ML_URL: limitedBase, GITOPS_ML_API_KEY: KEY });
      expectPredictions(r);
      expect(await answered(limitedMetrics, 429)).toBeGreaterThan(before);
      // Retry-After is at least 1 s: it waited at least that long.
      expect(r.ms).toBeGreaterThanOrEqual(900);
    });

    it('exits 1 with the problem on a wrong API key, without retrying', async () => {
      const before = await answered(appMetrics, 401);
      const r = await run(command.cmd, [...command.args, ...texts], { GITOPS_ML_URL: base, GITOPS_ML_API_KEY: 'not-the-key' });
      expect(r.code).toBe(1);
      expect(await answered(appMetrics, 401)).toBe(before + 1);
      expect(r.stderr).toContain('401');
      expect(r.stderr).toContain('unauthorized');
      expect(r.stdout).not.toMatch(/^(single|batch)\t/m);
    });

    it(`gives up after its 1 s timeout when the server never answers (${client.attemptsOnTimeout} attempt${client.attemptsOnTimeout > 1 ? 's' : ''})`, async () => {
      const before = blackHoleRequests;
      const r = await run(command.cmd, [...command.args, ...texts], { GITOPS_ML_URL: blackHoleUrl, GITOPS_ML_API_KEY: KEY, GITOPS_ML_TIMEOUT_SECONDS: '1' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/timed out after 1/);
      expect(blackHoleRequests - before).toBe(client.attemptsOnTimeout);
      expect(r.ms).toBeGreaterThanOrEqual(900 * client.attemptsOnTimeout);
    }, 90_000);

    if (client.name === 'java') {
      it('also runs as a single source file (`java Predict.java`)', async () => {
        expectPredictions(await run(JAVA as string, [ex('java/Predict.java'), ...texts], { GITOPS_ML_URL: base, GITOPS_ML_API_KEY: KEY }));
      });
    }
  });
});
