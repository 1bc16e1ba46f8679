import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { playStory } from '../../rehearsal/story.js';
import type { ScenarioName, Story } from '../../rehearsal/story.js';
import { canonicalDir } from '../helpers/canonical-mirror.js';
import { Chromium } from '../helpers/chromium.js';
import { REPO_ROOT } from '../helpers/datasets.js';

/*
 * The story, driven only by events, on this working tree's workflows as committed: the
 * repository's own workflows run on the local GitHub, the datasets come from a loopback
 * mirror of the canonical archives. Each scenario asserts the outcome GitHub would show.
 */
async function play(scenario: ScenarioName): Promise<Story> {
  const work = mkdtempSync(join(tmpdir(), `story-${scenario}-`));
  const story = await playStory({ treeDir: REPO_ROOT, workDir: work, scenario, canonicalDir: canonicalDir() });
  const close = story.close;
  story.close = async () => {
    await close();
    rmSync(work, { recursive: true, force: true });
  };
  return story;
}

const failed = (s: Story): string[] => s.record.expectations.filter((e) => !e.held).map((e) => `${e.what}${e.detail ? ` (${e.detail})` : ''}`);

describe('the flow as GitHub runs it (rehearsal)', () => {
  it('no setup: intake still reads the form issue, and the orchestrator fails saying what to enable', async () => {
    const story = await play('no-setup');
    try {
      expect(failed(story)).toEqual([]);
      expect(story.record.runs.map((r) => [r.workflow, r.event, r.conclusion])).toEqual([['intake', 'issues', 'failure']]);
      expect(story.github.problems).toEqual([]);
    } finally {
      await story.close();
    }
  }, 120_000);

  it('needs-info: the advisor asks, the edited issue is accepted and gets its PR', async () => {
    const story = await play('needs-info');
    try {
      expect(failed(story)).toEqual([]);
      expect(story.record.outcome.pull_request).toMatchObject({ merged: false });
      expect(story.github.problems).toEqual([]);
    } finally {
      await story.close();
    }
  }, 180_000);

  it('happy path: issue → model PR → reviews → merge → staging → production, every run from the events', async () => {
    const story = await play('happy');
    try {
      expect(failed(story)).toEqual([]);
      expect(story.record.outcome.pull_request).toMatchObject({ merged: true });
      expect(story.record.outcome.deployments.filter((d) => d.state === 'success').map((d) => d.environment)).toEqual(expect.arrayContaining(['staging', 'production', 'github-pages']));
      // The deploy's docs job dispatched pages.yml, and the site went out.
      expect(story.record.runs.filter((r) => r.workflow === 'pages').map((r) => [r.event, r.conclusion])).toEqual([['workflow_dispatch', 'success']]);
      expect(story.record.site?.url).toBe('https://acme.github.io/models/');
      // The published pages, as a visitor's browser renders them: the new model's card with its charts.
      const browser = await Chromium.launch({ width: 1100, height: 900 });
      try {
        const model = story.record.outcome.releases.at(-1)?.replace(/-v\d.*$/, '') ?? '';
        await browser.open(pathToFileURL(join(story.record.site?.dir ?? '', 'models', `${model}.html`)).href);
        await browser.waitFor(`document.documentElement.getAttribute('data-report')`, 40_000);
        const page = await browser.evaluate<{ state: string; charts: boolean[]; text: string }>(`({ state: document.documentElement.getAttribute('data-report'), charts: [...document.querySelectorAll('.markdown-body .chart')].map((c) => c.querySelector(':scope > svg') !== null), text: document.body.innerText })`);
        expect(page.state).toBe('ready');
        expect(page.charts.length).toBeGreaterThan(2);
        expect(page.charts.every(Boolean)).toBe(true);
        expect(page.text).toContain('Version history');
        expect(browser.problems).toEqual([]);
      } finally {
        await browser.close();
      }
      // Every run either succeeded, waited for approval (bot-made PR events), or was superseded.
      for (const r of story.record.runs) expect([r.workflow, ['success', 'action_required', 'cancelled', 'skipped'].includes(String(r.conclusion))]).toEqual([r.workflow, true]);
      expect(story.github.problems).toEqual([]);
    } finally {
      await story.close();
    }
  }, 2_700_000);
});
