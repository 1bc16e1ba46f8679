import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageRepository, keyName, loadConfig, parseConfig, placeholderProblems } from '../../actions/shared/src/config.js';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../helpers/datasets.js';

const committed = readFileSync(join(REPO_ROOT, '.github/gitops-ml.yml'), 'utf8');

function problems(text: string): string {
  try {
    parseConfig(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('.github/gitops-ml.yml', () => {
  it('the committed config is valid, and defaults fill in what it leaves out', () => {
    const c = loadConfig(join(REPO_ROOT, '.github/gitops-ml.yml'));
    expect(c.roles.ceo).toEqual(['octocat']);
    expect(c.required_checks).toContain('gitops-ml/evaluate');
    const minimal = parseConfig('version: 1\nroles:\n  ceo: [acme/leadership]\nrequired_checks: []\n');
    expect(minimal.labels).toEqual({ new_model: 'new-model', needs_info: 'needs-info', accepted: 'accepted', retrain: 'retrain' });
    expect(minimal.roles.qa).toEqual([]);
  });

  it('names an unknown key, where it is, and the keys allowed there', () => {
    const msg = problems(committed.replace('  tech-lead: []', '  tech_lead: []'));
    expect(msg).toMatch(/unknown key "roles\.tech_lead"; allowed keys in "roles": ceo, qa, security, tech-lead \(line \d+\)/);
  });

  it('names a value out of range with the allowed range, and a wrong enum with its values', () => {
    const msg = problems(committed.replace('accuracy_min: 0.85', 'accuracy_min: 85').replace('version: 1', 'version: 2'));
    expect(msg).toMatch(/"gates\.accuracy_min" must be <= 1 \(allowed: 0 to 1\) \(line \d+\)/);
    expect(msg).toMatch(/"version" must be one of 1/);
  });

  it('refuses a malformed login or team, an empty CEO list and a missing section', () => {
    expect(problems(committed.replace('ceo: [octocat]', 'ceo: ["not a login!"]'))).toMatch(/"roles\.ceo\[0\]" is not valid: A GitHub login, or an org\/team slug/);
    expect(problems(committed.replace('ceo: [octocat]', 'ceo: []'))).toMatch(/"roles\.ceo" must NOT have fewer than 1 items/);
    expect(problems('version: 1\nroles:\n  ceo: [a]\n')).toMatch(/missing key "required_checks"/);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(problems('version: 1\nroles: [\n')).toMatch(/not valid YAML[\s\S]*line \d+, column \d+/);
    expect(problems('version: 1\nversion: 1\n')).toMatch(/not valid YAML[\s\S]*line 2/);
  });

  it('says what to do when the file is missing', () => {
    expect(() => loadConfig('/nonexistent/gitops-ml.yml')).toThrow(/cannot read the gitops-ml configuration \(ENOENT\)/);
  });

  it('turns JSON pointers into the names a YAML reader uses', () => {
    expect(keyName('/roles/ceo/0')).toBe('roles.ceo[0]');
    expect(keyName('/environments/staging/url')).toBe('environments.staging.url');
    expect(keyName('')).toBe('');
  });
});

describe('the template placeholders', () => {
  const base = { version: 1, roles: { ceo: ['alice'] }, required_checks: [] };
  it('the shipped config names octocat as CEO, which a new repository must replace', () => {
    const shipped = loadConfig(join(REPO_ROOT, '.github/gitops-ml.yml'));
    expect(placeholderProblems(shipped)).toEqual([expect.stringContaining('roles.ceo lists "octocat"')]);
    // The shipped config leaves the image to the repository it runs in.
    expect(imageRepository(shipped, { owner: 'Acme', repo: 'Models' })).toBe('ghcr.io/acme/models');
  });
  it('a placeholder image is refused by name; a real one wins over the default', () => {
    const placeholder = parseConfig(stringify({ ...base, registry: { image: 'ghcr.io/owner/gitops-ml' } }));
    expect(placeholderProblems(placeholder)).toEqual([expect.stringContaining('registry.image is the template\'s placeholder "ghcr.io/owner/gitops-ml"')]);
    expect(() => imageRepository(placeholder, { owner: 'acme', repo: 'models' })).toThrow(/placeholder/);
    const real = parseConfig(stringify({ ...base, registry: { image: 'registry.example.com/team/models' } }));
    expect(placeholderProblems(real)).toEqual([]);
    expect(imageRepository(real, { owner: 'acme', repo: 'models' })).toBe('registry.example.com/team/models');
  });
});
