import { join } from 'node:path';
import { buildEdaReport, renderEdaMarkdown } from '../../model/data/eda.js';
import type { EdaReport } from '../../model/data/eda.js';
import { loadExamples } from '../../model/data/loaders.js';
import { cleanExamples, dedupeExamples, findLeakage } from '../../model/data/prepare.js';
import { ValidationError } from '../../model/errors.js';
import { tokenize } from '../../model/text/tokenizer.js';
import { Vocabulary } from '../../model/text/vocabulary.js';
import type { Example, Label } from '../../model/types.js';
import { datasetsDir } from '../helpers/datasets.js';

const ex = (text: string, label: Label, line?: number): Example => (line === undefined ? { text, label } : { text, label, line });

const train = [
  ex('a good film', 1, 2), // 3 tokens
  ex('a bad film', 0, 3), // 3
  ex('good good good fun , really', 1, 4), // 6
  ex('a good film', 1, 5), // duplicate text
];
const test = [
  ex('a great film', 1, 2), // "great" is OOV
  ex('bad bad plot twist', 0, 3), // "plot", "twist" OOV
  ex('', 0, 4), // no tokens
];

describe('buildEdaReport', () => {
  const report = buildEdaReport({ splits: { train, test }, lengthBins: [2, 4] });

  it('counts examples, classes, tokens, empties and duplicates per split', () => {
    const [tr, te] = report.splits;
    expect(tr).toMatchObject({ name: 'train', count: 4, negative: 1, positive: 3, negativeShare: 0.25, positiveShare: 0.75, tokens: 15, emptyTexts: 0, duplicateTexts: 1 });
    expect(tr?.types).toBe(7); // a good film bad fun , really
    expect(te).toMatchObject({ name: 'test', count: 3, negative: 2, positive: 1, tokens: 7, emptyTexts: 1, duplicateTexts: 0 });
  });

  it('gives the length distribution with nearest-rank percentiles and fixed bins', () => {
    expect(report.splits[0]?.length).toEqual({ min: 3, p50: 3, p90: 6, p99: 6, max: 6, mean: 3.75 });
    expect(report.splits[1]?.length).toEqual({ min: 0, p50: 3, p90: 4, p99: 4, max: 4, mean: 2.33 });
    expect(report.splits[0]?.histogram).toEqual([
      { label: '0-2', min: 0, max: 2, count: 0 },
      { label: '3-4', min: 3, max: 4, count: 3 },
      { label: '5+', min: 5, max: null, count: 1 },
    ]);
    expect(report.splits[1]?.histogram.map((b) => b.count)).toEqual([1, 2, 0]);
  });

  it('measures token- and type-level OOV of the other splits against the train types', () => {
    expect(report.vocabulary).toEqual({ trainTypes: 7, source: 'train-types', size: null, minCount: null, maxSize: null });
    expect(report.coverage).toEqual([
      {
        split: 'test',
        tokens: 7,
        oovTokens: 3,
        tokenOovRate: 0.4286,
        types: 6,
        oovTypes: 3,
        typeOovRate: 0.5,
        topOov: [
          { token: 'great', count: 1 },
          { token: 'plot', count: 1 },
          { token: 'twist', count: 1 },
        ],
      },
    ]);
  });

  it('measures coverage against a pruned model vocabulary, train included', () => {
    const vocabulary = Vocabulary.build(train.map((e) => tokenize(e.text)), { minCount: 2 });
    const r = buildEdaReport({ splits: { train, test }, vocabulary });
    expect(r.vocabulary).toMatchObject({ source: 'vocabulary', size: vocabulary.size, minCount: 2, maxSize: null });
    const trainCoverage = r.coverage.find((c) => c.split === 'train');
    // kept: good(5) a(3) film(3); dropped: bad , fun really (1 each)
    expect(trainCoverage).toMatchObject({ tokens: 15, oovTokens: 4, oovTypes: 4, types: 7 });
    expect(r.coverage.find((c) => c.split === 'test')).toMatchObject({ oovTokens: 5, oovTypes: 4 });
  });

  it('carries cleaning, dedupe and leakage reports', () => {
    const cleaning = { train: cleanExamples(train).report };
    const dedupe = { train: dedupeExamples(train).report };
    const leakage = { 'train → test': findLeakage(train, test) };
    const r = buildEdaReport({ splits: { train, test }, cleaning, dedupe, leakage });
    expect(r.cleaning).toEqual({ train: { input: 4, kept: 4, changed: 0, dropped: 0 } });
    expect(r.dedupe).toEqual({ train: { policy: 'majority', input: 4, kept: 3, duplicatesRemoved: 1, conflicts: 0, conflictRowsRemoved: 0 } });
    expect(r.leakage?.['train → test']?.leakedExamples).toBe(0);
  });

  it('accepts single cleaning, dedupe and leakage reports as the train split\'s', () => {
    const r = buildEdaReport({
      splits: { train, test },
      cleaning: cleanExamples(train).report,
      dedupe: dedupeExamples(train).report,
      leakage: findLeakage(train, [ex('a bad film', 0)]),
    });
    expect(Object.keys(r.cleaning ?? {})).toEqual(['train']);
    expect(r.dedupe?.train?.duplicatesRemoved).toBe(1);
    expect(Object.keys(r.leakage ?? {})).toEqual(['train → test']);
    expect(r.leakage?.['train → test']?.leakedExamples).toBe(1);
  });

  it('is deterministic and handles empty splits', () => {
    expect(JSON.stringify(buildEdaReport({ splits: { train, test } }))).toBe(JSON.stringify(buildEdaReport({ splits: { train, test } })));
    const r = buildEdaReport({ splits: { train, dev: [] } });
    expect(r.splits[1]).toMatchObject({ count: 0, length: null, positiveShare: 0 });
    expect(r.coverage[0]).toMatchObject({ split: 'dev', tokens: 0, tokenOovRate: 0 });
  });

  it('rejects a missing train split and bad bins', () => {
    expect(() => buildEdaReport({ splits: { test } })).toThrow(ValidationError);
    expect(() => buildEdaReport({ splits: { train }, lengthBins: [5, 5] })).toThrow('increase strictly');
    expect(() => buildEdaReport({ splits: { train }, lengthBins: [] })).toThrow('must not be empty');
  });
});

/** The markdownlint rules the renderer has to respect, checked line by line. */
function lintProblems(md: string): string[] {
  const problems: string[] = [];
  const lines = md.split('\n');
  if (!md.endsWith('\n') || md.endsWith('\n\n')) problems.push('file must end with exactly one newline');
  if (lines.filter((l) => /^# /.test(l)).length !== 1) problems.push('exactly one top-level heading');
  if (!/^# /.test(lines[0] ?? '')) problems.push('first line must be the top-level heading');
  let inFence = false;
  let prevLevel = 0;
  lines.forEach((l, i) => {
    const prev = lines[i - 1];
    const next = lines[i + 1];
    if (/\s$/.test(l)) problems.push(`line ${i + 1}: trailing whitespace`);
    if (l === '' && prev === '') problems.push(`line ${i + 1}: multiple blank lines`);
    if (l.startsWith('```')) {
      if (!inFence && l === '```') problems.push(`line ${i + 1}: fence without language`);
      if (!inFence && i > 0 && prev !== '') problems.push(`line ${i + 1}: fence not preceded by a blank line`);
      if (inFence && next !== undefined && next !== '' && i < lines.length - 1) problems.push(`line ${i + 1}: fence not followed by a blank line`);
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    const heading = /^(#{1,6}) /.exec(l);
    if (heading) {
      const level = (heading[1] as string).length;
      if (level > prevLevel + 1) problems.push(`line ${i + 1}: heading level jumps`);
      prevLevel = level;
      if (i > 0 && prev !== '') problems.push(`line ${i + 1}: heading not preceded by a blank line`);
      if (next !== '') problems.push(`line ${i + 1}: heading not followed by a blank line`);
    }
    if (l.startsWith('|')) {
      if (!prev?.startsWith('|') && prev !== '') problems.push(`line ${i + 1}: table not preceded by a blank line`);
      if (!next?.startsWith('|') && next !== '') problems.push(`line ${i + 1}: table not followed by a blank line`);
      const cells = l.replace(/\\\|/g, '').split('|').length;
      const header = lines.slice(0, i + 1).reverse().find((x, j, arr) => x.startsWith('|') && !arr[j + 1]?.startsWith('|'));
      if (header && header.replace(/\\\|/g, '').split('|').length !== cells) problems.push(`line ${i + 1}: column count differs from the header`);
    }
  });
  if (inFence) problems.push('unclosed code fence');
  return problems;
}

describe('renderEdaMarkdown', () => {
  const leak = findLeakage([ex('a | pipe *and* <b>', 1, 7)], [ex('A | pipe *and* <b>', 0, 9)]);
  const report: EdaReport = buildEdaReport({
    splits: { train, test },
    cleaning: { train: cleanExamples(train).report },
    dedupe: { train: dedupeExamples(train).report },
    leakage: { 'train → test': leak },
  });
  const md = renderEdaMarkdown(report, { title: 'SST-2 data' });

  it('uses a lint check that does catch violations', () => {
    expect(lintProblems('# a\n## b\n')).toEqual(expect.arrayContaining(['line 1: heading not followed by a blank line', 'line 2: heading not preceded by a blank line']));
    expect(lintProblems('# a\n\n# b\n\n```\nx\n```\n')).toEqual(['exactly one top-level heading', 'line 5: fence without language']);
    expect(lintProblems('# a\n\ntext\n| x | y |\n| --- |\n')).toEqual(expect.arrayContaining(['line 4: table not preceded by a blank line', 'line 5: column count differs from the header']));
  });

  it('is lint-clean Markdown with one top-level heading', () => {
    expect(lintProblems(md)).toEqual([]);
    expect(md.startsWith('# SST-2 data\n\n## Splits\n\n| split |')).toBe(true);
  });

  it('has the split, length, coverage, cleaning, duplicate and leakage tables', () => {
    expect(md).toContain('| train | 4 | 1 | 3 | 75.0% | 15 | 7 | 0 | 1 |');
    expect(md).toContain('| test | 0 | 3 | 4 | 4 | 4 | 2.3 |');
    expect(md).toContain('| test | 7 | 3 | 42.9% | 6 | 3 | 50.0% | great (1), plot (1), twist (1) |');
    expect(md).toContain('## Cleaning');
    expect(md).toContain('| train | 4 | 3 | 1 | 0 | 0 | majority |');
    expect(md).toContain('| train → test | 1 | 1 | 1 | 100.0% | 1 | 1 |');
    // Sample text is escaped so it cannot break the table or render as HTML/emphasis.
    expect(md).toContain('| train → test | 9 | 7 | no | A \\| pipe \\*and\\* \\<b\\> |');
  });

  it('draws a Mermaid xychart-beta bar chart of the length histogram per split', () => {
    expect(md).toContain(
      [
        '### Length histogram: train',
        '',
        '```mermaid',
        'xychart-beta',
        '    title "Tokens per example (train)"',
        '    x-axis "tokens" ["0-5", "6-10", "11-15", "16-20", "21-25", "26-30", "31-40", "41-50", "51+"]',
        '    y-axis "examples" 0 --> 3',
        '    bar [3, 1, 0, 0, 0, 0, 0, 0, 0]',
        '```',
      ].join('\n'),
    );
    expect(md.match(/```mermaid/g)).toHaveLength(2);
  });

  it('leaves out sections for reports that were not given', () => {
    const bare = renderEdaMarkdown(buildEdaReport({ splits: { train } }));
    expect(bare.startsWith('# Data report\n')).toBe(true);
    expect(bare).not.toContain('## Leakage');
    expect(bare).not.toContain('## Cleaning');
    expect(lintProblems(bare)).toEqual([]);
  });
});

describe('EDA on the real SST-2 sentences', () => {
  it('reports the known sizes, balanced classes, high coverage and no exact leakage', async () => {
    const dir = join(datasetsDir(), 'sst2');
    const [tr, dev, te] = await Promise.all(['train_sentences.tsv', 'dev.tsv', 'test.tsv'].map((f) => loadExamples(join(dir, f))));
    const splits = { train: tr!.examples, dev: dev!.examples, test: te!.examples };
    const leakage = { 'train → test': findLeakage(splits.train, splits.test), 'train → dev': findLeakage(splits.train, splits.dev) };
    const r = buildEdaReport({ splits, leakage });
    expect(r.splits.map((s) => s.count)).toEqual([6920, 872, 1821]);
    for (const s of r.splits) {
      expect(s.positiveShare).toBeGreaterThan(0.45);
      expect(s.positiveShare).toBeLessThan(0.56);
      expect(s.length?.p50).toBeGreaterThan(10);
      expect(s.length?.max).toBeLessThan(80);
    }
    const testCoverage = r.coverage.find((c) => c.split === 'test');
    expect(testCoverage?.tokenOovRate).toBeGreaterThan(0);
    expect(testCoverage?.tokenOovRate).toBeLessThan(0.1);
    expect(testCoverage?.typeOovRate).toBeGreaterThan(testCoverage?.tokenOovRate ?? 1);
    console.log(
      `SST-2 EDA: train types ${r.vocabulary.trainTypes}; test token OOV ${testCoverage?.tokenOovRate}, type OOV ${testCoverage?.typeOovRate}; ` +
        `leaked train→test ${leakage['train → test'].leakedExamples}, train→dev ${leakage['train → dev'].leakedExamples}`,
    );
    expect(leakage['train → test'].share).toBeLessThan(0.01);
    expect(lintProblems(renderEdaMarkdown(r))).toEqual([]);
  });
});
