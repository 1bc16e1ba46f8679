import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../actions/shared/src/config.js';
import { createClient } from '../../actions/shared/src/github.js';
import { runSetup, setupRefusals } from '../../actions/shared/src/setup.js';
import { LocalGitHub } from '../../rehearsal/github/local-github.js';

const CONFIG = `version: 1
roles:
  ceo: [alice]
required_checks: [gitops-ml/train]
`;

describe('gitops-ml setup against the local GitHub (a repository fresh from the template)', () => {
  let gh: LocalGitHub;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'setup-'));
    gh = await new LocalGitHub({ dir }).start();
    await gh.createFromTemplate({ owner: 'acme', repo: 'models', files: { 'README.md': '# models\n', '.github/gitops-ml.yml': CONFIG }, as: 'alice' });
  });
  afterAll(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--check finds everything missing and changes nothing; setup makes it; a second setup changes nothing', async () => {
    const api = createClient(gh.userToken('alice', 'admin'), gh.apiUrl);
    const where = { owner: 'acme', repo: 'models' };
    const config = parseConfig(CONFIG);
    const before = await runSetup(api, where, config, { apply: false });
    expect(before.map((i) => [i.id, i.state])).toEqual([
      ['labels', 'missing'],
      ['actions-pr-permission', 'missing'],
      ['environment:staging', 'missing'],
      ['environment:production', 'missing'],
      ['branch-protection', 'missing'],
      ['pages', 'missing'],
    ]);
    const snap0 = gh.snapshot('acme', 'models');
    expect([snap0.labels, snap0.environments, snap0.protections, snap0.settings.canApprovePullRequestReviews, snap0.pages]).toEqual([[], [], {}, false, null]);

    const applied = await runSetup(api, where, config, { apply: true });
    expect(applied.every((i) => i.state === 'changed')).toBe(true);
    const snap = gh.snapshot('acme', 'models');
    expect(snap.labels.map((l) => l.name).sort()).toEqual(['accepted', 'needs-info', 'new-model', 'retrain']);
    expect(snap.settings.canApprovePullRequestReviews).toBe(true);
    expect(snap.environments.find((e) => e.name === 'production')?.reviewers).toEqual(['alice']);
    expect(snap.environments.find((e) => e.name === 'staging')?.reviewers).toEqual([]);
    expect(JSON.stringify(snap.protections.main)).toContain('gitops-ml/sign-off');
    expect(snap.pages).toMatchObject({ buildType: 'workflow', htmlUrl: 'https://acme.github.io/models/' });
    expect(snap.environments.map((e) => e.name)).toContain('github-pages');

    const again = await runSetup(api, where, config, { apply: true });
    expect(again.every((i) => i.state === 'ok')).toBe(true);
    expect(gh.problems).toEqual([]);
  });

  it('a token without admin rights stops the setup with a 403 from GitHub, loudly', async () => {
    const api = createClient(gh.userToken('bob', 'write'), gh.apiUrl);
    await expect(runSetup(api, { owner: 'acme', repo: 'models' }, parseConfig(CONFIG), { apply: true })).rejects.toMatchObject({ status: 403 });
  });

  it("refuses the template's placeholders by name", () => {
    expect(setupRefusals(parseConfig('version: 1\nroles:\n  ceo: [octocat]\nrequired_checks: []\nregistry:\n  image: ghcr.io/owner/gitops-ml\n'))).toEqual([
      expect.stringContaining('roles.ceo lists "octocat"'),
      expect.stringContaining('registry.image is the template\'s placeholder'),
    ]);
  });
});
