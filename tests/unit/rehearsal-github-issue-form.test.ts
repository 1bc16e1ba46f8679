import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIssueForm as parseAnswers } from '../../actions/shared/src/advisor.js';
import { isLocalGitHubError } from '../../rehearsal/github/errors.js';
import { parseIssueForm, renderIssueForm } from '../../rehearsal/github/issue-form.js';
import type { IssueForm } from '../../rehearsal/github/issue-form.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { formFieldsOfRepo, issueFormBody } from '../helpers/issue-form.js';

const repoForm = parseIssueForm(readFileSync(join(REPO_ROOT, '.github/ISSUE_TEMPLATE/new-model.yml'), 'utf8'), 'new-model.yml');

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isLocalGitHubError(err, 'GH_INVALID_FORM')) return err.message;
    throw err;
  }
  throw new Error('expected the form to refuse');
}

describe('issue form rendering', () => {
  it('renders the repository\'s new-model form as GitHub does: "### Label", a blank line, the answer; _No response_ when empty', () => {
    const answers = { name: 'reviews', goal: 'Route angry reviews.', dataset: 'sst2', 'target-accuracy': '0.85', 'latency-budget': '50', architecture: 'cnn (convolutional, fastest)' };
    const issue = renderIssueForm(repoForm, answers);
    expect(issue.body).toBe(issueFormBody(answers));
    expect(issue.body.split('\n\n').slice(0, 2)).toEqual(['### Model name', 'reviews']);
    expect(issue.body).toContain('### Notes\n\n_No response_');
    // The advisor reads back exactly what was answered.
    expect(parseAnswers(issue.body, formFieldsOfRepo)).toEqual(answers);
    expect([issue.title, issue.labels]).toEqual(['Model: ', ['new-model']]);
  });

  it('uses a dropdown\'s default when unanswered, accepts an option by index, and refuses one that is not offered', () => {
    const base = { name: 'x', goal: 'g', dataset: 'sst2', 'target-accuracy': '0.9', 'latency-budget': '10' };
    expect(renderIssueForm(repoForm, base).body).toContain('### Architecture preference\n\nauto (let the advisor choose)');
    expect(renderIssueForm(repoForm, { ...base, architecture: 1 }).body).toContain('### Architecture preference\n\nbigru (recurrent, most accurate here)');
    expect(refused(() => renderIssueForm(repoForm, { ...base, architecture: 'transformer' }))).toMatch(/^"transformer" is not one of the options/);
  });

  it('renders checkboxes as a task list and fences a textarea with `render:`', () => {
    const form: IssueForm = {
      name: 'Bug',
      title: '[bug] ',
      labels: 'bug, triage',
      body: [
        { type: 'markdown', attributes: { value: 'Thanks!' } },
        { type: 'textarea', id: 'logs', attributes: { label: 'Logs', render: 'shell' } },
        { type: 'checkboxes', id: 'terms', attributes: { label: 'Checks', options: [{ label: 'I searched existing issues', required: true }, 'I can help'] } },
        { type: 'input', id: 'version', attributes: { label: 'Version' } },
      ],
    };
    const issue = renderIssueForm(form, { logs: 'npm ERR!', terms: ['I searched existing issues'] });
    expect(issue.body).toBe('### Logs\n\n```shell\nnpm ERR!\n```\n\n### Checks\n\n- [X] I searched existing issues\n- [ ] I can help\n\n### Version\n\n_No response_');
    expect(issue.labels).toEqual(['bug', 'triage']);
    expect(refused(() => renderIssueForm(form, { terms: [] }))).toBe('"Checks": "I searched existing issues" must be checked');
  });

  it('refuses what the form would not let anyone submit: a required field empty, a field the form does not have', () => {
    expect(refused(() => renderIssueForm(repoForm, { name: 'x' }))).toBe('"Goal and business context" is required');
    expect(refused(() => renderIssueForm(repoForm, { name: 'x', nope: 'y' }))).toBe('the form has no field "nope"');
    expect(refused(() => parseIssueForm('name: only a name\n', 'broken.yml'))).toBe('broken.yml is not an issue form (no body: list)');
  });
});
