/**
 * Mermaid `xychart-beta` blocks for Markdown that GitHub renders in place, so a model
 * card carries its charts without any image hosting. Pure string building.
 *
 * Mermaid has no legend for xy charts and draws several `bar` series on top of each
 * other (not side by side), so callers should say in the surrounding text which series
 * is which, and prefer one bar series plus lines when two distributions overlap.
 */

export interface XyChartOptions {
  title: string;
  /** Category labels of the x axis; every series needs exactly one value per label. */
  xLabels: readonly string[];
  xLabel?: string;
  yLabel: string;
  /** Default 0. */
  yMin?: number;
  /** Default: the largest plotted value (at least yMin + 1), so the tallest bar touches the top. */
  yMax?: number;
  bars?: readonly (readonly number[])[];
  lines?: readonly (readonly number[])[];
}

const MAX_TEXT = 80;

/**
 * A double-quoted Mermaid string. The xychart grammar ends a quoted string at the next
 * `"` and has no escape for it; a backtick could close the surrounding Markdown fence;
 * `#…;` is read as an HTML entity and `<`/`>` are stripped by Mermaid's sanitiser.
 * Those are replaced rather than escaped so the label still reads sensibly.
 */
export function mermaidText(text: string): string {
  const cleaned = text
    .replace(/["`]/g, "'")
    .replace(/[#;<>{}\\]/g, ' ')
    .replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ')
    .trim();
  const short = cleaned.length > MAX_TEXT ? `${cleaned.slice(0, MAX_TEXT - 1).trimEnd()}…` : cleaned;
  // The grammar refuses an empty string (`""`), which is what a blank or all-stripped text leaves.
  return `"${short || '–'}"`;
}

/**
 * Mermaid parses plain decimals only: no exponent, NaN or Infinity. Four decimals keep
 * rates readable without the chart source growing much.
 */
export function mermaidNumber(x: number): string {
  if (!Number.isFinite(x)) return '0';
  // String() writes integers from 1e21 up with an exponent; BigInt writes every digit.
  if (Number.isInteger(x)) return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
  const s = x.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function checkSeries(kind: string, series: readonly (readonly number[])[], n: number): void {
  series.forEach((values, i) => {
    if (values.length !== n) throw new RangeError(`xyChart: ${kind} series ${i} has ${values.length} values for ${n} x labels`);
  });
}

/** A complete fenced ```mermaid block (no trailing newline). */
export function xyChart(options: XyChartOptions): string {
  const bars = options.bars ?? [];
  const lines = options.lines ?? [];
  const n = options.xLabels.length;
  if (n === 0) throw new RangeError('xyChart: at least one x label is needed');
  if (bars.length + lines.length === 0) throw new RangeError('xyChart: at least one bar or line series is needed');
  checkSeries('bar', bars, n);
  checkSeries('line', lines, n);

  const yMin = options.yMin ?? 0;
  let dataMax = Number.NEGATIVE_INFINITY;
  for (const s of [...bars, ...lines]) for (const v of s) if (Number.isFinite(v) && v > dataMax) dataMax = v;
  const yMax = options.yMax ?? Math.max(yMin + 1, dataMax);
  const xTitle = options.xLabel === undefined ? '' : `${mermaidText(options.xLabel)} `;

  return [
    '```mermaid',
    'xychart-beta',
    `    title ${mermaidText(options.title)}`,
    `    x-axis ${xTitle}[${options.xLabels.map(mermaidText).join(', ')}]`,
    `    y-axis ${mermaidText(options.yLabel)} ${mermaidNumber(yMin)} --> ${mermaidNumber(yMax)}`,
    ...bars.map((s) => `    bar [${s.map(mermaidNumber).join(', ')}]`),
    ...lines.map((s) => `    line [${s.map(mermaidNumber).join(', ')}]`),
    '```',
  ].join('\n');
}
