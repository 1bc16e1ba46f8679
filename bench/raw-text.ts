/**
 * The raw-text measurement shared by `npm run bench:raw-text` and `npm run bench:model`:
 * the model on SST-2 test as tokenised (`sst2:test`) against the same sentences as people
 * write them (`sst2:test_as_written`) and rewritten as they arrive from phones, chats and
 * scraped pages (model/eval/raw-text.ts).
 */
import { resolveDatasetFile } from '../model/data/resolve.js';
import { loadExamples } from '../model/data/loaders.js';
import { evaluateRawText } from '../model/eval/raw-text.js';
import type { RawTextReport } from '../model/eval/raw-text.js';
import type { SentimentModel } from '../model/inference/sentiment-model.js';

export async function measureRawText(model: SentimentModel): Promise<RawTextReport> {
  const tokenised = (await loadExamples((await resolveDatasetFile('sst2', 'test')).path)).examples;
  const written = (await loadExamples((await resolveDatasetFile('sst2', 'test_as_written')).path)).examples;
  written.forEach((e, i) => {
    if (e.label !== tokenised[i]?.label) throw new Error(`sst2:test_as_written line ${i + 2}: its label differs from sst2:test's: not the same sentences`);
  });
  return evaluateRawText(
    (texts) => texts.map((t) => model.score(t)),
    { texts: tokenised.map((e) => e.text), form: 'sst2:test (lower-cased, PTB-tokenised)' },
    written.map((e) => e.text),
    written.map((e) => (e.label === 1 ? 1 : 0)),
  );
}

export function rawTextTable(report: RawTextReport): string {
  const head = ['text form', 'accuracy', 'Δ points', 'labels changed', 'mean |Δ score|'];
  const ref = report.reference.accuracy;
  const cells = [
    head,
    [report.reference.form, ref.toFixed(4), '', '', ''],
    ...report.rows.map((r) => [r.variant, r.accuracy.toFixed(4), (100 * (r.accuracy - ref)).toFixed(2), `${r.flips} (${((100 * r.flips) / report.n).toFixed(1)}%)`, r.mean_score_change.toFixed(4)]),
  ];
  const widths = head.map((_, c) => Math.max(...cells.map((row) => (row[c] as string).length)));
  const line = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}
