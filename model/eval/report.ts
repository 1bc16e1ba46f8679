/**
 * Human-readable renderings of `evaluateBinary` output: markdown for the model card
 * and PR comments, plain text for terminals and logs. The JSON object stays the
 * contract; these are views of it and never compute anything new.
 */
import type { BinaryMetrics } from './metrics.js';

function fmt(value: number | null, digits = 4): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

function pct(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

/** Rows shared by both renderings, so the two can never disagree on what is shown. */
function summaryRows(m: BinaryMetrics): Array<[string, string]> {
  const [lo, hi] = m.accuracy_ci95;
  return [
    ['examples', String(m.n)],
    ['accuracy', `${pct(m.accuracy)} (95% CI ${pct(lo)}–${pct(hi)})`],
    ['precision (positive)', fmt(m.precision)],
    ['recall (positive)', fmt(m.recall)],
    ['F1 (positive)', fmt(m.f1)],
    ['F1 (macro)', fmt(m.f1_macro)],
    ['ROC AUC', fmt(m.roc_auc)],
    ['ECE', fmt(m.ece)],
    ['log loss', fmt(m.log_loss)],
    ['Brier', fmt(m.brier)],
  ];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export interface MarkdownOptions {
  /** Heading text; no heading when omitted. */
  title?: string;
  /** Heading level for `title` (default 3). */
  level?: number;
  /** Include the reliability (calibration) table. Default true. */
  reliability?: boolean;
}

export function renderMetricsMarkdown(m: BinaryMetrics, opts: MarkdownOptions = {}): string {
  const out: string[] = [];
  if (opts.title) out.push(`${'#'.repeat(opts.level ?? 3)} ${opts.title}`, '');
  out.push('| metric | value |', '| --- | --- |');
  for (const [k, v] of summaryRows(m)) out.push(`| ${escapeCell(k)} | ${escapeCell(v)} |`);

  const { tp, fp, tn, fn } = m.confusion;
  out.push(
    '',
    '| | predicted negative | predicted positive |',
    '| --- | --- | --- |',
    `| **actual negative** | ${tn} | ${fp} |`,
    `| **actual positive** | ${fn} | ${tp} |`,
  );

  out.push('', '| class | precision | recall | F1 | support |', '| --- | --- | --- | --- | --- |');
  for (const name of ['negative', 'positive'] as const) {
    const c = m.per_class[name];
    out.push(`| ${name} | ${fmt(c.precision)} | ${fmt(c.recall)} | ${fmt(c.f1)} | ${c.support} |`);
  }

  if (opts.reliability ?? true) {
    out.push('', '| confidence bin | count | mean confidence | accuracy |', '| --- | --- | --- | --- |');
    for (const b of m.reliability) {
      if (b.count === 0) continue;
      out.push(`| ${b.bin_lo.toFixed(2)}–${b.bin_hi.toFixed(2)} | ${b.count} | ${fmt(b.mean_confidence, 3)} | ${fmt(b.accuracy, 3)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderMetricsText(m: BinaryMetrics): string {
  const rows = summaryRows(m);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  const { tp, fp, tn, fn } = m.confusion;
  lines.push(`${'confusion'.padEnd(width)}  tp=${tp} fp=${fp} tn=${tn} fn=${fn}`);
  return `${lines.join('\n')}\n`;
}
