import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify, parse } from 'yaml';
import { createClient } from '../actions/shared/src/github.js';
import { parseConfig } from '../actions/shared/src/config.js';
import { runSetup, setupReport } from '../actions/shared/src/setup.js';
import { GitopsMlError } from '../model/errors.js';
import { Reconciler } from './cluster.js';
import { CanonicalMirror } from './datasets-mirror.js';
import { NpmRegistryStandIn } from './npm-registry.js';
import { renderIssueForm } from './github/issue-form.js';
import type { IssueForm } from './github/issue-form.js';
import { LocalGitHub } from './github/local-github.js';
import type { RepositorySnapshot } from './github/local-github.js';
import { WorkflowRunner } from './runner/runner.js';
import type { RunnerLogger } from './runner/logger.js';
import type { WorkflowRunRecord } from './types.js';

/*
 * The whole flow, played on a local GitHub: a team makes a repository from the template,
 * runs the setup, files a New model issue, reviews and merges; everything after the
 * issue happens because the repository's own workflows react to the events GitHub
 * would deliver. Each scenario says what its story must end with.
 */

export const SCENARIOS = {
  happy: 'setup, a complete request, the model PR, reviews (non-CEO, CEO, a new commit, re-approval), merge refused until signed off, merge, deploy to staging and production (after its reviewer)',
  'no-setup': 'no setup: the request reaches the orchestrator, which fails saying exactly what to enable; no silent skip',
  'needs-info': 'a request the advisor questions gets needs-info; the edited issue is accepted and gets its PR (intake only)',
  'gate-fails': 'a model that fails a gate (the smoke preset) blocks the sign-off, and merge is refused',
} as const;
export type ScenarioName = keyof typeof SCENARIOS;

export const OWNER = 'acme';
export const REPO = 'models';
/** The people of the story: an admin who is the CEO, and a teammate. */
export const CEO = 'alice';
export const TEAMMATE = 'bob';

/** The workflows the story rehearses; ci.yml runs the repository's own test suite (which holds this story). */
export const FLOW_WORKFLOWS = ['intake.yml', 'model-pr.yml', 'approval.yml', 'deploy.yml', 'rollback.yml', 'pages.yml'];

export interface StoryOptions {
  /** The working tree to rehearse: its tracked files, as they are on disk. */
  treeDir: string;
  workDir: string;
  scenario: ScenarioName;
  /** A `canonical/` members folder to serve as the dataset hosts on loopback; else jobs fetch from the canonical hosts. */
  canonicalDir?: string;
  /** The spec preset every model PR trains with (repository variable GITOPS_ML_TRAIN_PRESET). */
  preset?: string;
  logger?: RunnerLogger;
  say?: (line: string) => void;
  /** Jobs running at once (hosted runners available to the repository). */
  concurrency?: number;
}

export interface StoryRecord {
  scenario: ScenarioName;
  runs: {
    workflow: string;
    event: string;
    action: string | null;
    conclusion: string | null;
    jobs: { name: string; conclusion: string | null; steps: { name: string; conclusion: string }[] }[];
  }[];
  outcome: {
    pull_request: { number: number; merged: boolean } | null;
    releases: string[];
    deployments: { environment: string; state: string }[];
  };
  /** What the scenario expects, each with whether it held. */
  expectations: { what: string; held: boolean; detail?: string }[];
  ok: boolean;
  /** Answers that came from a stand-in rather than the real service, so a reader knows. */
  standIns: string[];
  /** The environments' loopback URLs (the cluster stand-in), and what each serves. */
  serving: Record<string, { url: string; tag?: string }>;
  /** The documentation site GitHub Pages would serve at `url`, as published (its files in `dir`). */
  site?: { url: string; dir: string };
}

export interface Story {
  record: StoryRecord;
  github: LocalGitHub;
  runner: WorkflowRunner;
  records: WorkflowRunRecord[];
  snapshot: RepositorySnapshot;
  /** Stops everything (the serving production model included). */
  close(): Promise<void>;
}

const ANSWERS = {
  name: 'reviews',
  goal: 'Route angry product reviews to the support team within minutes; a missed angry review costs a customer.',
  dataset: 'sst2',
  'target-accuracy': '0.85',
  'latency-budget': '50',
  architecture: 'bigru (recurrent, most accurate here)',
};

function shape(runs: readonly WorkflowRunRecord[]): StoryRecord['runs'] {
  return runs.map((r) => ({
    workflow: r.workflow,
    event: r.event,
    action: r.action,
    conclusion: r.conclusion,
    jobs: r.jobs.map((j) => ({ name: j.name, conclusion: j.conclusion, steps: j.steps.map((s) => ({ name: s.name, conclusion: s.conclusion })) })),
  }));
}

/** Plays the scenario; whatever happens, nothing it started is left running (servers, services, children). */
export async function playStory(opts: StoryOptions): Promise<Story> {
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    return await play(opts, closers, closeAll);
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function play(opts: StoryOptions, closers: Array<() => Promise<void>>, closeAll: () => Promise<void>): Promise<Story> {
  const say = opts.say ?? (() => undefined);
  const work = resolve(opts.workDir);
  mkdirSync(work, { recursive: true });
  const github = await new LocalGitHub({ dir: join(work, 'github') }).start();
  closers.push(() => github.close());
  const mirror = opts.canonicalDir ? await new CanonicalMirror(opts.canonicalDir).serveAll().start() : undefined;
  if (mirror) closers.push(() => mirror.stop());
  const admin = github.userToken(CEO, 'admin');
  github.userToken(TEAMMATE, 'write');
  // npm audit's endpoint, which some registries refuse; every other request reaches the real registry.
  const npm = await new NpmRegistryStandIn().start();
  closers.push(() => npm.stop());
  const api = createClient(admin, github.apiUrl);
  const cluster = new Reconciler({
    source: {
      readFile: (branch, path) => github.readFile(OWNER, REPO, branch, path),
      releaseAsset: async (tag, name) => {
        const rel = await api.rest.repos.getReleaseByTag({ owner: OWNER, repo: REPO, tag }).catch(() => undefined);
        const asset = rel?.data.assets.find((a) => a.name === name);
        if (!asset) return undefined;
        const res = await fetch(asset.url, { headers: { authorization: `Bearer ${admin}`, accept: 'application/octet-stream' } });
        return res.ok ? Buffer.from(await res.arrayBuffer()) : undefined;
      },
    },
    branch: 'deploy',
    environments: [
      { name: 'staging', overlay: 'deploy/k8s/overlays/staging/kustomization.yaml' },
      { name: 'production', overlay: 'deploy/k8s/overlays/production/kustomization.yaml' },
    ],
    serviceEntry: resolve(opts.treeDir, 'dist/service/server.js'),
    workDir: join(work, 'cluster'),
    log: say,
  });
  const urls = await cluster.start();
  closers.push(() => cluster.close());

  // 1. A repository made from the template: its tracked files, one commit, nothing else.
  await github.createFromTemplate({ owner: OWNER, repo: REPO, templateDir: opts.treeDir, as: CEO });
  say(`[story] ${OWNER}/${REPO} created from the template (${opts.treeDir})`);
  const runner = new WorkflowRunner({
    github,
    repoOwner: OWNER,
    repo: REPO,
    workDir: join(work, 'runner'),
    concurrency: opts.concurrency ?? 2,
    logger: opts.logger,
    // needs-info rehearses intake only: what follows the acceptance is the happy path's.
    runnerEnv: { npm_config_registry: npm.url },
    workflows: (opts.scenario === 'needs-info' ? ['intake.yml'] : FLOW_WORKFLOWS).map((f) => `.github/workflows/${f}`),
  });
  closers.push(() => runner.close());
  // GitHub's Pages backend reads a run's artifact from Actions' storage: here, the runner's.
  github.connectPagesArtifacts((_owner, _repo, id) => runner.artifactFiles(id));
  runner.start();
  github.onEvent((event) => {
    if (event.name === 'push' && event.ref === 'refs/heads/deploy') void cluster.reconcile();
  });

  // 2. The team edits the config (the template's CEO placeholder, the environments' URLs) and commits it.
  const configText = await github.readFile(OWNER, REPO, 'main', '.github/gitops-ml.yml');
  if (!configText) throw new GitopsMlError('E_STORY', 'the template has no .github/gitops-ml.yml');
  const doc = parse(configText) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  doc.roles.ceo = [CEO];
  doc.environments = { staging: { github_environment: 'staging', url: urls.staging }, production: { github_environment: 'production', url: urls.production } };
  const edited = `# yaml-language-server: $schema=./gitops-ml.schema.json\n${stringify(doc)}`;
  const codeowners = (await github.readFile(OWNER, REPO, 'main', '.github/CODEOWNERS'))?.replace(/@octocat/g, `@${CEO}`);
  await github.push(OWNER, REPO, { as: CEO, branch: 'main', message: 'Configure gitops-ml for acme/models', files: { '.github/gitops-ml.yml': edited, ...(codeowners ? { '.github/CODEOWNERS': codeowners } : {}) } });
  await runner.waitIdle();

  // 3. The one-time setup, as `gitops-ml setup` does it (skipped by the no-setup scenario).
  if (opts.scenario !== 'no-setup') {
    const items = await runSetup(api, { owner: OWNER, repo: REPO }, parseConfig(edited), { apply: true });
    say(`[story] gitops-ml setup --repo ${OWNER}/${REPO}\n${setupReport(items)}`);
  }
  const preset = opts.scenario === 'gate-fails' ? 'smoke' : (opts.preset ?? 'quick');
  await api.rest.actions.createRepoVariable({ owner: OWNER, repo: REPO, name: 'GITOPS_ML_TRAIN_PRESET', value: preset });
  if (mirror) await api.rest.actions.createRepoVariable({ owner: OWNER, repo: REPO, name: 'GITOPS_ML_CANONICAL_MIRROR', value: mirror.url });

  const expectations: StoryRecord['expectations'] = [];
  const expect = (what: string, held: boolean, detail?: string): void => {
    expectations.push({ what, held, ...(detail ? { detail } : {}) });
    say(`[story] ${held ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  };
  const pullOf = (): RepositorySnapshot['pulls'][number] | undefined => github.snapshot(OWNER, REPO).pulls.find((p) => p.headRef === `model/${ANSWERS.name}`);
  const signOff = (sha: string): string | undefined => github.snapshot(OWNER, REPO).statuses.filter((s) => s.sha === sha && s.context === 'gitops-ml/sign-off').at(-1)?.state;

  // 4. A teammate files the request through the form.
  // A target above what the template's models reach: the advisor asks before anything is trained.
  const answers = opts.scenario === 'needs-info' ? { ...ANSWERS, 'target-accuracy': '0.99' } : ANSWERS;
  const issue = await github.fileIssueFromForm(OWNER, REPO, { as: TEAMMATE, formPath: '.github/ISSUE_TEMPLATE/new-model.yml', answers, title: `Model: ${ANSWERS.name}` });
  say(`[story] ${TEAMMATE} filed #${issue.number}${issue.droppedLabels.length ? ` (GitHub dropped the form's label${issue.droppedLabels.length > 1 ? 's' : ''} ${issue.droppedLabels.join(', ')})` : ''}`);
  await runner.waitIdle();

  if (opts.scenario === 'no-setup') {
    const intake = runner.runs().filter((r) => r.path.endsWith('intake.yml'));
    const orchestrate = intake.flatMap((r) => r.jobs).find((j) => j.name === 'orchestrate');
    const said = (orchestrate?.annotations ?? []).map((a) => a.message).join(' ');
    expect('intake ran on the form issue although GitHub dropped its label', intake.some((r) => r.jobs.some((j) => j.name === 'advise' && j.conclusion === 'success')));
    expect('the orchestrator failed, saying exactly what to enable', orchestrate?.conclusion === 'failure' && said.includes('Allow GitHub Actions to create and approve pull requests'), said.slice(0, 160));
    const comments = github.snapshot(OWNER, REPO).issues.find((i) => i.number === issue.number)?.comments ?? [];
    expect('the issue says what to enable', comments.some((c) => c.body.includes('Allow GitHub Actions to create and approve pull requests')));
    expect('no pull request was opened', pullOf() === undefined);
  } else {
    if (opts.scenario === 'needs-info') {
      const labels = github.snapshot(OWNER, REPO).issues.find((i) => i.number === issue.number)?.labels ?? [];
      expect('the advisor asked and labelled needs-info', labels.includes('needs-info') && pullOf() === undefined, labels.join(', '));
      // The teammate answers by editing the issue: the body the form would have given with the answer filled in.
      const form = parse((await github.readFile(OWNER, REPO, 'main', '.github/ISSUE_TEMPLATE/new-model.yml')) ?? '') as IssueForm;
      await github.editIssue(OWNER, REPO, issue.number, { as: TEAMMATE, body: renderIssueForm(form, ANSWERS).body });
      await runner.waitIdle();
      const after = github.snapshot(OWNER, REPO).issues.find((i) => i.number === issue.number)?.labels ?? [];
      expect('the edited issue was accepted', after.includes('accepted') && !after.includes('needs-info'), after.join(', '));
    }
    const pr = pullOf();
    expect('the orchestrator opened the model PR', pr !== undefined, pr ? `#${pr.number}` : undefined);
    if (pr) {
      const head = pr.headSha;
      const refused = await github.merge(OWNER, REPO, pr.number, { as: CEO }).then(() => undefined, (e: unknown) => e as { status?: number; message?: string });
      expect('merge is refused by branch protection before the sign-off', refused !== undefined, refused?.message?.slice(0, 120));
      if (opts.scenario === 'gate-fails') {
        await github.review(OWNER, REPO, pr.number, { as: CEO, event: 'APPROVE', commitId: pullOf()?.headSha });
        await runner.waitIdle();
        const ev = github.snapshot(OWNER, REPO).checkRuns.filter((c) => c.name === 'gitops-ml/evaluate').at(-1);
        expect('the failed gate fails gitops-ml/evaluate', ev?.conclusion === 'failure', ev?.title ?? undefined);
        expect('the sign-off stays blocked despite the CEO approval', signOff(pullOf()?.headSha ?? head) !== 'success', signOff(pullOf()?.headSha ?? head));
        const again = await github.merge(OWNER, REPO, pr.number, { as: CEO }).then(() => 'merged', () => 'refused');
        expect('merge stays refused', again === 'refused');
      } else if (opts.scenario === 'happy') {
        await github.review(OWNER, REPO, pr.number, { as: TEAMMATE, event: 'APPROVE', commitId: pullOf()?.headSha });
        await runner.waitIdle();
        const h1 = pullOf()?.headSha ?? head;
        expect("a teammate's approval does not sign off", signOff(h1) !== 'success', signOff(h1));
        await github.review(OWNER, REPO, pr.number, { as: CEO, event: 'APPROVE', commitId: h1 });
        await runner.waitIdle();
        expect("the CEO's approval signs off", signOff(h1) === 'success', signOff(h1));
        // A new commit on the PR: the approval was for the old head.
        const spec = (await github.readFile(OWNER, REPO, `model/${ANSWERS.name}`, `model/specs/${ANSWERS.name}.json`)) ?? '{}';
        const changed = JSON.stringify({ ...JSON.parse(spec), description: `${String(JSON.parse(spec).description ?? '')} (reviewed)` }, null, 2) + '\n';
        await github.push(OWNER, REPO, { as: TEAMMATE, branch: `model/${ANSWERS.name}`, message: 'Describe the reviewed model', files: { [`model/specs/${ANSWERS.name}.json`]: changed } });
        await runner.waitIdle();
        const h2 = pullOf()?.headSha ?? h1;
        expect('a new commit resets the sign-off', h2 !== h1 && signOff(h2) !== 'success', signOff(h2));
        await github.review(OWNER, REPO, pr.number, { as: CEO, event: 'APPROVE', commitId: h2 });
        await runner.waitIdle();
        expect('re-approval restores it', signOff(h2) === 'success', signOff(h2));
        await github.merge(OWNER, REPO, pr.number, { as: CEO, method: 'squash' });
        // Production waits for its environment's reviewer (the run stays in progress): the CEO
        // approves each pending deployment as it appears, until every run has finished.
        let idle = false;
        const done = runner.waitIdle().then(() => (idle = true));
        while (!idle) {
          for (const p of github.snapshot(OWNER, REPO).pendingDeployments.filter((d) => d.state === 'waiting')) {
            say(`[story] ${CEO} approves the ${p.environment} deployment of run ${p.runId}`);
            await github.approveDeployment(OWNER, REPO, p.runId, p.environment, { as: CEO, comment: 'Ship it' });
          }
          await Promise.race([done, new Promise((ok) => setTimeout(ok, 1000))]);
        }
        const snap = github.snapshot(OWNER, REPO);
        const last = (env: string): string | undefined => snap.deployments.filter((d) => d.environment === env).at(-1)?.statuses.at(-1)?.state;
        expect('the PR is merged', snap.pulls.find((p) => p.number === pr.number)?.merged === true);
        expect('a release exists with its package', snap.releases.some((r) => r.assets.some((a) => a.name.endsWith('.tar.gz'))), snap.releases.map((r) => r.tagName).join(', '));
        expect('staging is deployed and smoke-tested', last('staging') === 'success', last('staging'));
        expect('production is deployed after its reviewer approved', last('production') === 'success', last('production'));
        expect('the cluster serves the approved model in production', Boolean(cluster.serving().production), cluster.serving().production);
        // The manual rollback, by hand from the Actions tab: staging back to the released version.
        const released = snap.releases.at(-1)?.tagName;
        const m = released ? /^(.+)-v(\d+\.\d+\.\d+.*)$/.exec(released) : null;
        if (m) {
          await api.rest.actions.createWorkflowDispatch({ owner: OWNER, repo: REPO, workflow_id: 'rollback.yml', ref: 'main', inputs: { model: m[1] as string, version: m[2] as string, environment: 'staging' } });
          await runner.waitIdle();
          const rb = runner.runs().filter((r) => r.path.endsWith('rollback.yml')).at(-1);
          expect('the manual rollback workflow deploys a released version', rb?.conclusion === 'success', rb?.conclusion ?? 'no run');
        }
        // The deploy dispatched pages.yml: the site carries the card and the version just released.
        const site = github.snapshot(OWNER, REPO).pages?.deployments.filter((d) => d.status === 'succeed').at(-1);
        const card = site?.siteDir ? join(site.siteDir, 'models', `${ANSWERS.name}.html`) : '';
        const version = m?.[2] ?? '';
        expect('the docs site is published on GitHub Pages with the model card and its new version', Boolean(card && existsSync(card) && version && readFileSync(card, 'utf8').includes(`[${version}]`)), site ? `${site.siteDir}` : 'no Pages deployment');
      }
    }
  }

  const records = runner.runs();
  const snap = github.snapshot(OWNER, REPO);
  const pr = snap.pulls.find((p) => p.headRef === `model/${ANSWERS.name}`);
  const serving = cluster.serving();
  const record: StoryRecord = {
    scenario: opts.scenario,
    runs: shape(records),
    outcome: {
      pull_request: pr ? { number: pr.number, merged: pr.merged } : null,
      releases: snap.releases.map((r) => r.tagName),
      deployments: snap.deployments.map((d) => ({ environment: d.environment, state: d.statuses.at(-1)?.state ?? 'pending' })),
    },
    expectations,
    ok: expectations.length > 0 && expectations.every((e) => e.held),
    standIns: [
      ...(npm.auditRequests ? [`npm audit: ${npm.auditRequests} request(s) answered "no advisories" by the rehearsal's registry stand-in (the registry here refuses the audit endpoint)`] : []),
      ...(mirror ? [`datasets: fixture archives of the canonical members served on loopback (${mirror.url})`] : []),
      'cluster: each overlay served by the release\'s handoff package with node on loopback (what Argo CD/Flux would run from the image)',
    ],
    serving: Object.fromEntries(Object.entries(urls).map(([env, url]) => [env, { url, ...(serving[env] ? { tag: serving[env] } : {}) }])),
  };
  const published = snap.pages?.deployments.filter((d) => d.status === 'succeed').at(-1);
  if (snap.pages && published?.siteDir) record.site = { url: snap.pages.htmlUrl, dir: published.siteDir };
  return {
    record,
    github,
    runner,
    records,
    snapshot: snap,
    close: closeAll,
  };
}
