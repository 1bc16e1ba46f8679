import { parseArgs } from 'node:util';
import { loadArtifact } from '../artifact/artifact.js';
import { QUANTIZATION_DTYPES } from '../artifact/quantize.js';
import type { QuantizationDtype } from '../artifact/quantize.js';
import { GitopsMlError } from '../errors.js';
import { renderMetricsText } from '../eval/report.js';
import { runPipeline } from '../pipeline/pipeline.js';
import type { PipelineOptions } from '../pipeline/pipeline.js';
import { stderrProgress } from '../train/progress.js';
import type { BackendPreference } from '../nn/backend.js';
import { evaluateExamples, loadDataRef } from './evaluate.js';

const USAGE = `usage: gitops-ml <command> [options]

commands:
  pipeline [--spec FILE] [--preset NAME]     prepare → train → evaluate → write artifact, reports and model card draft
  train --spec FILE [--preset NAME]          the same steps, for an explicit spec
        [--search] [--cv K] [--version X.Y.Z] [--out DIR] [--backend wasm|auto|tensorflow|cpu]
        [--champion FILE|DIR] [--quantize uint8|uint16|float16] [--gates FILE]
                                              gates: thresholds from --gates (default .github/gitops-ml.yml);
                                              champion: default docs/model-cards/<name>.json
  evaluate --model DIR --data FILE|REF [--json]
  predict --model DIR TEXT...                 one JSON line {"label","score"} per text (score = P(positive))
  fetch-datasets [--out DIR] [NAME...]        fetch the datasets (default: all) from their canonical archives (or
                                              $GITOPS_ML_CANONICAL_MIRROR) into the cache, verified against the
                                              registry's pins; --out also lays them out in the DATASETS_DIR layout
  site [--out DIR] [--repository OWNER/NAME]   the documentation site (model cards with their version history from the
                                              releases, the API reference, the guides) as static pages (default _site)
  rehearse [--scenario NAME] [--json FILE] [--report DIR]
                                              play the whole flow on a local GitHub: this working tree's workflows,
                                              unmodified, from the issue to the deployed model; exit 0 only when
                                              the scenario's expected outcome holds (happy, no-setup, needs-info, gate-fails);
                                              --report DIR writes DIR/index.html: the issue, the PR, bot comments, checks,
                                              runs, releases and deployments as GitHub shows them (opens from file://)
  setup --repo OWNER/NAME [--check]           the one-time setup of a repository made from the template (labels,
                                              the Actions PR permission, environments with the CEO as production's
                                              reviewers, protection of main); --check reports, changes nothing
  openapi --out FILE                          the service's OpenAPI document, generated from its route schemas
  package --model DIR [--out FILE.tar.gz] [--quantize uint8|uint16|float16]
                                              the model's handoff package for a backend team (default
                                              dist/packages/<name>-<version>.tar.gz): model files, metadata, card,
                                              integration guide, API spec, examples, sample requests, self-test, SHA256SUMS
  action ROLE --event FILE [--event-name NAME] [--input NAME=VALUE]... [--dry-run]
                                              run a role's action on a local webhook payload as a runner would
                                              (GITHUB_TOKEN, GITHUB_API_URL); --dry-run prints the writes instead of sending them

Defaults: --spec model/specs/sentiment.json, --out model/artifacts. Datasets resolve through
$DATASETS_DIR, the per-user cache ($GITOPS_ML_CACHE_DIR, else $XDG_CACHE_HOME/gitops-ml), or a
download from the canonical archives (or $GITOPS_ML_CANONICAL_MIRROR).`;

const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

function usageError(message: string): never {
  throw new GitopsMlError('E_USAGE', `${message}\n\n${USAGE}`);
}

async function cmdPipeline(args: string[], command: 'pipeline' | 'train'): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      spec: { type: 'string' },
      preset: { type: 'string' },
      out: { type: 'string' },
      version: { type: 'string' },
      search: { type: 'boolean' },
      cv: { type: 'string' },
      backend: { type: 'string' },
      'no-card': { type: 'boolean' },
      champion: { type: 'string' },
      quantize: { type: 'string' },
      gates: { type: 'string' },
    },
    strict: true,
  });
  if (command === 'train' && !values.spec) usageError('train needs --spec FILE');
  const backend = values.backend ?? 'wasm';
  if (!(BACKENDS as readonly string[]).includes(backend)) usageError(`--backend must be one of ${BACKENDS.join(', ')} (got "${backend}")`);
  let cvFolds: number | undefined;
  if (values.cv !== undefined) {
    cvFolds = Number(values.cv);
    if (!Number.isInteger(cvFolds) || cvFolds < 2 || cvFolds > 20) usageError(`--cv must be an integer from 2 to 20 (got "${values.cv}")`);
  }
  if (values.quantize !== undefined && !(QUANTIZATION_DTYPES as readonly string[]).includes(values.quantize)) usageError(`--quantize must be one of ${QUANTIZATION_DTYPES.join(', ')} (got "${values.quantize}")`);
  const opts: PipelineOptions = {
    champion: values.champion,
    quantize: values.quantize as QuantizationDtype | undefined,
    gatesConfig: values.gates,
    specPath: values.spec ?? 'model/specs/sentiment.json',
    preset: values.preset,
    outDir: values.out ?? 'model/artifacts',
    version: values.version,
    search: values.search ?? false,
    cvFolds,
    backend: backend as BackendPreference,
    progress: stderrProgress(),
    // On a CI runner a pin written into the spec would be lost with the workspace: refuse there.
    urlPinning: process.env.CI || process.env.GITHUB_ACTIONS ? { mode: 'refuse' } : { mode: 'write', specPath: values.spec ?? 'model/specs/sentiment.json' },
  };
  const result = await runPipeline(opts);
  process.stdout.write(`${result.summary}\n`);
  return 0;
}

async function cmdEvaluate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  if (!values.model) usageError('evaluate needs --model DIR');
  if (!values.data) usageError('evaluate needs --data FILE (a TSV/CSV/JSONL path or a registry ref such as sst2:test)');
  const model = await loadArtifact(values.model);
  const data = await loadDataRef(values.data);
  const { metrics } = evaluateExamples(model, data.examples);
  if (values.json) process.stdout.write(`${JSON.stringify({ model: { name: model.name, version: model.version }, data: data.path, ...metrics })}\n`);
  else process.stdout.write(`${model.name} ${model.version} on ${data.path}\n${renderMetricsText(metrics)}\n`);
  return 0;
}

async function cmdPredict(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { model: { type: 'string' } }, allowPositionals: true, strict: true });
  if (!values.model) usageError('predict needs --model DIR');
  if (positionals.length === 0) usageError('predict needs at least one TEXT');
  const model = await loadArtifact(values.model);
  for (const text of positionals) process.stdout.write(`${JSON.stringify(model.predict(text))}\n`);
  return 0;
}

async function cmdFetchDatasets(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true, strict: true });
  const [{ fetchDatasets }, { defaultCacheDir }] = await Promise.all([import('../data/fetch.js'), import('../data/resolve.js')]);
  const files = await fetchDatasets({ out: values.out, names: positionals, onFile: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${files.length} files ${values.out ? `in ${values.out}` : `in the cache ${defaultCacheDir()}`}\n`);
  return 0;
}

async function cmdSetup(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { repo: { type: 'string' }, check: { type: 'boolean' }, config: { type: 'string' }, branch: { type: 'string' } }, strict: true });
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(values.repo ?? '');
  if (!m) usageError('setup needs --repo OWNER/NAME');
  const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
  if (!token) throw new GitopsMlError('E_SETUP_TOKEN', 'setup needs a token of a repository admin in GITHUB_TOKEN (or GH_TOKEN): it creates labels, environments and branch protection');
  const [{ loadConfig }, { runSetup, setupRefusals, setupReport }, { createClient }] = await Promise.all([
    import('../../actions/shared/src/config.js'),
    import('../../actions/shared/src/setup.js'),
    import('../../actions/shared/src/github.js'),
  ]);
  const config = loadConfig(values.config ?? '.github/gitops-ml.yml');
  const refusals = setupRefusals(config);
  if (refusals.length > 0 && !values.check) {
    throw new GitopsMlError('E_SETUP_PLACEHOLDER', `${values.config ?? '.github/gitops-ml.yml'} still holds the template's examples; edit it, commit, then run setup:\n  - ${refusals.join('\n  - ')}`);
  }
  const items = await runSetup(createClient(token), { owner: m[1] as string, repo: m[2] as string }, config, { apply: !values.check, branch: values.branch });
  process.stdout.write(`${setupReport(items)}\n`);
  for (const r of refusals) process.stdout.write(`✗ ${r}\n`);
  const missing = items.some((i) => i.state === 'missing') || refusals.length > 0;
  if (values.check) process.stdout.write(missing ? 'setup is incomplete: run `gitops-ml setup` without --check\n' : 'setup is complete\n');
  return values.check && missing ? 1 : 0;
}

async function cmdOpenApi(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out) usageError('openapi: --out FILE is required');
  const [{ buildApp }, { loadConfig }, { writeFileSync }] = await Promise.all([import('../../service/app.js'), import('../../service/config.js'), import('node:fs')]);
  // The document carries the limits this environment configures (MAX_TEXT_LENGTH, …); no model is needed.
  const app = buildApp(loadConfig({ ...process.env, LOG_LEVEL: 'silent', INFERENCE_THREADS: '0' }), {});
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    writeFileSync(values.out, `${JSON.stringify(res.json(), null, 2)}\n`);
  } finally {
    await app.close();
  }
  process.stdout.write(`wrote ${values.out}\n`);
  return 0;
}

async function cmdPackage(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, out: { type: 'string' }, quantize: { type: 'string' } }, strict: true });
  if (!values.model) usageError('package needs --model DIR (an artifact folder, e.g. model/artifacts/sentiment/0.1.0)');
  if (values.quantize !== undefined && !(QUANTIZATION_DTYPES as readonly string[]).includes(values.quantize)) usageError(`--quantize must be one of ${QUANTIZATION_DTYPES.join(', ')} (got "${values.quantize}")`);
  if (values.out !== undefined && !/\.(tar\.gz|tgz)$/.test(values.out)) usageError(`--out must name a .tar.gz file (got "${values.out}")`);
  // Loaded on demand: packaging pulls in the service (for its API document) and esbuild.
  const { packageModel } = await import('../package/package.js');
  const r = await packageModel({ modelDir: values.model, out: values.out, quantize: values.quantize as QuantizationDtype | undefined });
  process.stdout.write(`wrote ${r.file} (${r.bytes} bytes, ${r.files.length} files in ${r.folder}/)\nsha256 ${r.sha256}\nintegration guide: ${r.integrationGuide === 'docs' ? 'docs/INTEGRATION_GUIDE.md' : 'generated (no docs/INTEGRATION_GUIDE.md)'}\n`);
  return 0;
}

async function cmdAction(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { event: { type: 'string' }, 'event-name': { type: 'string' }, 'dry-run': { type: 'boolean' }, input: { type: 'string', multiple: true } },
  });
  const role = positionals[0];
  if (!role) usageError('action: name the role, e.g. gitops-ml action approval-gate --event event.json');
  if (!values.event) usageError('action: --event FILE is required (a webhook payload)');
  const inputs: Record<string, string> = {};
  for (const kv of values.input ?? []) {
    const eq = kv.indexOf('=');
    if (eq < 1) usageError(`action: --input takes NAME=VALUE, got "${kv}"`);
    inputs[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  // Loaded on demand: the model commands do not need it.
  const { runRoleLocally } = await import('../../actions/shared/src/local-run.js');
  const r = await runRoleLocally({
    role,
    eventFile: values.event,
    ...(values['event-name'] ? { eventName: values['event-name'] } : {}),
    dryRun: values['dry-run'] === true,
    inputs,
    token: process.env.GITHUB_TOKEN,
    print: (l) => process.stdout.write(`${l}\n`),
  });
  process.stdout.write(`${JSON.stringify({ role, exit_code: r.code, outputs: r.outputs })}\n`);
  return r.code ?? 1;
}

/** Entry point of the `gitops-ml` command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'pipeline':
      case 'train':
        return await cmdPipeline(rest, command);
      case 'evaluate':
        return await cmdEvaluate(rest);
      case 'predict':
        return await cmdPredict(rest);
      case 'action':
        return await cmdAction(rest);
      case 'fetch-datasets':
        return await cmdFetchDatasets(rest);
      case 'setup':
        return await cmdSetup(rest);
      case 'rehearse':
        return await (await import('../../rehearsal/cli.js')).cmdRehearse(rest);
      case 'openapi':
        return await cmdOpenApi(rest);
      case 'site':
        return await (await import('../../site/cli.js')).cmdSite(rest);
      case 'package':
        return await cmdPackage(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        usageError(`unknown command "${command}"`);
    }
  } catch (err) {
    // Typed errors carry a message meant for the user; anything else is a bug worth a stack.
    if (err instanceof GitopsMlError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`gitops-ml ${command ?? ''}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
