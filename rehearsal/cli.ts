import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GitopsMlError } from '../model/errors.js';
import { writeReport } from './report/index.js';
import { consoleLogger } from './runner/logger.js';
import { SCENARIOS, playStory } from './story.js';
import type { ScenarioName, StoryRecord } from './story.js';

export const REHEARSE_USAGE = `rehearse [--scenario NAME] [--json FILE] [--report DIR] [--tree DIR] [--keep-serving] [--concurrency N] [--verbose]
                                              play the flow on a local GitHub with this working tree's workflows
                                              (scenarios: ${Object.keys(SCENARIOS).join(', ')}); exit 0 only when
                                              the scenario's expected outcome holds; --report writes DIR/index.html,
                                              what the team would see on GitHub (opens from file://, no network)`;

/** The run table a person reads: one line per run, its jobs below. */
export function runTable(record: StoryRecord): string {
  const lines = ['workflow        event               conclusion       jobs'];
  for (const r of record.runs) {
    const jobs = r.jobs.map((j) => `${j.name}:${j.conclusion ?? '…'}`).join(' ');
    lines.push(`${r.workflow.padEnd(15)} ${`${r.event}${r.action ? `.${r.action}` : ''}`.padEnd(19)} ${String(r.conclusion).padEnd(16)} ${jobs}`);
  }
  return lines.join('\n');
}

export async function cmdRehearse(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { scenario: { type: 'string' }, json: { type: 'string' }, report: { type: 'string' }, tree: { type: 'string' }, 'keep-serving': { type: 'boolean' }, concurrency: { type: 'string' }, work: { type: 'string' }, verbose: { type: 'boolean' } },
    strict: true,
  });
  const scenario = (values.scenario ?? 'happy') as ScenarioName;
  if (!Object.hasOwn(SCENARIOS, scenario)) throw new GitopsMlError('E_USAGE', `--scenario must be one of ${Object.keys(SCENARIOS).join(', ')} (got "${scenario}")`);
  const tree = resolve(values.tree ?? '.');
  if (!existsSync(join(tree, 'dist/service/server.js'))) throw new GitopsMlError('E_REHEARSE_BUILD', `${tree} is not built (dist/service/server.js is missing): run npm run build`);
  // Jobs fetch datasets from the canonical hosts, or from a loopback copy of the archives when their members are at hand.
  const members = process.env.DATASETS_DIR ? join(process.env.DATASETS_DIR, 'canonical') : undefined;
  // --work is scratch space: a rehearsal always starts from nothing.
  if (values.work) rmSync(resolve(values.work), { recursive: true, force: true });
  const work = values.work ? resolve(values.work) : mkdtempSync(join(tmpdir(), 'gitops-ml-rehearsal-'));
  const out = process.stderr;
  out.write(`rehearsal: ${scenario} — ${SCENARIOS[scenario]}\n`);
  const story = await playStory({
    treeDir: tree,
    workDir: work,
    scenario,
    canonicalDir: members && existsSync(members) ? members : undefined,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    logger: consoleLogger({ write: (t) => out.write(t), steps: true, lines: values.verbose ?? false }),
    say: (l) => out.write(`${l}\n`),
  });
  const { record } = story;
  out.write(`\n${runTable(record)}\n\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(record, null, 2)}\n`);
  if (values.report) {
    const { index } = writeReport(values.report, { snapshot: story.snapshot, runs: story.records, record });
    out.write(`report: ${index}\n`);
    if (record.site) {
      // The published site, beside the report (the story's work directory goes away).
      const siteDir = join(resolve(values.report), 'site');
      rmSync(siteDir, { recursive: true, force: true });
      cpSync(record.site.dir, siteDir, { recursive: true });
      out.write(`docs site (GitHub Pages would serve it at ${record.site.url}): ${join(siteDir, 'index.html')}\n`);
    }
  }
  const held = record.expectations.filter((e) => e.held).length;
  out.write(`${record.ok ? 'rehearsal passed' : 'rehearsal FAILED'}: ${held} of ${record.expectations.length} expectations held\n`);
  const prod = record.serving.production;
  if (values['keep-serving'] && record.ok && prod?.tag) {
    out.write(`\nproduction serves ${prod.tag} at ${prod.url} (Ctrl-C stops it)\n`);
    out.write(`  curl -s ${prod.url}/v1/predict -H 'content-type: application/json' -d '{"text":"not bad at all"}'\n`);
    await new Promise<void>((done) => process.once('SIGINT', () => done()));
  }
  await story.close();
  if (!values.work) rmSync(work, { recursive: true, force: true });
  return record.ok ? 0 : 1;
}
