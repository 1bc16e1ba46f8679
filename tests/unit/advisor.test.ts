import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { advise, adviceMarkdown, formFields, parseIssueForm, parseShare } from '../../actions/shared/src/advisor.js';
import { REPO_ROOT } from '../helpers/datasets.js';
import { issueFormBody } from '../helpers/issue-form.js';

const fields = formFields(parse(readFileSync(join(REPO_ROOT, '.github/ISSUE_TEMPLATE/new-model.yml'), 'utf8')) as Parameters<typeof formFields>[0]);

const body = issueFormBody;
const complete = {
  name: 'reviews-sentiment',
  goal: 'Route negative product reviews to the support team within minutes.',
  dataset: 'sst2',
  'target-accuracy': '85%',
  'latency-budget': '100',
  architecture: 'auto (let the advisor choose)',
};
const adviseOn = (a: Record<string, string | undefined>) => advise(parseIssueForm(body(a), fields), fields);

describe('advisor', () => {
  it('reads the committed issue form', () => {
    expect(fields.map((f) => f.id)).toEqual(['name', 'goal', 'dataset', 'target-accuracy', 'target-f1', 'latency-budget', 'architecture', 'notes']);
    expect(fields.filter((f) => f.required).map((f) => f.id)).toEqual(['name', 'goal', 'dataset', 'target-accuracy', 'latency-budget', 'architecture']);
  });

  it('parses a rendered form, leaving "_No response_" out', () => {
    const a = parseIssueForm(body({ ...complete, notes: 'line one\nline two' }), fields);
    expect(a).toMatchObject({ name: 'reviews-sentiment', dataset: 'sst2', notes: 'line one\nline two' });
    expect(a['target-f1']).toBeUndefined();
  });

  it('accepts a complete request and recommends an architecture with a training estimate', () => {
    const a = adviseOn(complete);
    expect(a.accepted).toBe(true);
    expect(a.request).toMatchObject({ slug: 'reviews-sentiment', dataset: { kind: 'registry', ref: 'sst2' }, targetAccuracy: 0.85, latencyBudgetMs: 100, architecture: 'auto' });
    expect(a.recommendation?.architecture).toBe('bigru');
    expect(adviceMarkdown(a)).toContain('| model | `reviews-sentiment` (branch `model/reviews-sentiment`) |');
  });

  it('asks for every empty required field by its label', () => {
    const a = adviseOn({ name: 'x-model' });
    expect(a.accepted).toBe(false);
    expect(a.questions).toEqual(
      expect.arrayContaining(['**Goal and business context** is empty: please fill it in.', '**Dataset** is empty: please fill it in.', '**Target accuracy** is empty: please fill it in.']),
    );
    expect(adviceMarkdown(a)).toMatch(/^### 🔎 The advisor needs a few answers/);
  });

  it('asks specific questions about wrong values', () => {
    const q = adviseOn({ ...complete, name: 'Reviews Sentiment!', dataset: 'my data', 'target-accuracy': 'high', 'latency-budget': 'fast' }).questions.join('\n');
    expect(q).toContain('"Reviews Sentiment!" cannot name a branch');
    expect(q).toContain('e.g. `reviews-sentiment`');
    expect(q).toContain('"my data" is not a sentiment dataset of the registry (sst2, mr)');
    // The fairness corpus is in the registry but cannot train a classifier.
    expect(adviseOn({ ...complete, dataset: 'eec' }).accepted).toBe(false);
    expect(q).toContain('"high" is not a share');
    expect(q).toContain('"fast" is not a number of milliseconds');
  });

  it('questions contradictory or unreachable requests', () => {
    expect(adviseOn({ ...complete, 'target-accuracy': '0.97' }).questions[0]).toMatch(/0\.97 is above what this template's models reach/);
    expect(adviseOn({ ...complete, architecture: 'bigru (recurrent, most accurate here)', 'latency-budget': '0.2' }).questions[0]).toMatch(/bigru and a latency budget of 0\.2 ms contradict each other/);
    // "auto" with a tight budget picks the faster model instead of asking.
    expect(adviseOn({ ...complete, 'latency-budget': '0.8' }).recommendation?.architecture).toBe('cnn');
  });

  it('accepts a repository path or an https URL as the dataset, never a path that leaves the repository', () => {
    expect(adviseOn({ ...complete, dataset: 'data/reviews.tsv' }).request?.dataset).toEqual({ kind: 'path', ref: 'data/reviews.tsv' });
    expect(adviseOn({ ...complete, dataset: 'https://example.org/reviews.csv' }).request?.dataset).toEqual({ kind: 'url', ref: 'https://example.org/reviews.csv' });
    expect(adviseOn({ ...complete, dataset: '../secrets.tsv' }).accepted).toBe(false);
    expect(adviseOn({ ...complete, dataset: 'http://example.org/x.csv' }).accepted).toBe(false);
  });

  it('reads shares as fractions or percentages', () => {
    expect(parseShare('0.86')).toBe(0.86);
    expect(parseShare('86%')).toBeCloseTo(0.86, 12);
    expect(parseShare('86')).toBeCloseTo(0.86, 12);
    expect(parseShare('0')).toBeUndefined();
    expect(parseShare(' 86 % ')).toBeCloseTo(0.86, 12);
    expect(parseShare(`1${' '.repeat(5000)}x`)).toBeUndefined();
    expect(parseShare('120%')).toBeUndefined();
    expect(parseShare('eighty')).toBeUndefined();
  });
});
