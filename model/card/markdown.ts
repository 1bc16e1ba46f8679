/**
 * Markdown building blocks of the model card: number formats, escaping and tables.
 * Everything here is pure string work, shared by draft.ts and the evaluation sections.
 *
 * The card must pass markdownlint (default rules, MD013 off) whatever text it quotes, so
 * any text that comes from a spec, a data file or a model's input goes through `md`
 * (specs, labels) or `quoteText` (example sentences) before it reaches the page.
 */

/** Metrics get 4 decimals so cards of two versions diff cleanly column by column. */
export function f4(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(4) : 'n/a';
}

/** Like f4, with an explicit + on positive values, for signed differences. */
export function signed4(x: number | null | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  const s = x.toFixed(4);
  return x > 0 ? `+${s}` : s === '-0.0000' ? '0.0000' : s;
}

export function ms(x: number | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : 'n/a';
}

/** Locale-independent thousands separators, so output does not depend on the ICU build. */
export function int(x: number | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  const sign = x < 0 ? '-' : '';
  return sign + Math.round(Math.abs(x)).toLocaleString('en-US');
}

export function pct(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–';
}

/** A fraction as percentage points with 2 decimals and a sign: 0.0123 → "+1.23 points". */
export function points(fraction: number): string {
  const s = (fraction * 100).toFixed(2);
  return `${fraction > 0 ? '+' : ''}${s === '-0.00' ? '0.00' : s} points`;
}

/** p-values: 4 decimals, "< 0.0001" below that, "n/a" when undefined. */
export function pValue(p: number | null | undefined): string {
  if (typeof p !== 'number' || !Number.isFinite(p)) return 'n/a';
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}

/** "p = 0.0123" or "p < 0.0001", for running text. */
export function pIs(p: number | null | undefined): string {
  const v = pValue(p);
  return v.startsWith('<') ? `p ${v}` : `p = ${v}`;
}

/** A 95% interval as "lo – hi" (4 decimals), or "n/a". */
export function interval(ci: readonly [number, number] | null | undefined): string {
  return ci ? `${f4(ci[0])} – ${f4(ci[1])}` : 'n/a';
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** Text from specs and data files must show literally, not as Markdown or HTML. */
export function md(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/([\\`*_[\]<>|#~])/g, '\\$1');
}

export function code(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // A backtick inside, or an empty span, would break the code span; plain escaped text still reads fine.
  if (flat === '' || flat.includes('`')) return md(flat) || '–';
  return `\`${flat}\``;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A sentence quoted from data or a model's input, safe in a table cell or list item:
 * whitespace (newlines, tabs) and control characters collapse to one space, the text is
 * cut at `max` characters, Markdown and HTML characters are escaped (`|` included, so a
 * table keeps its columns), and the `:`/`@`/`www.` that would make GitHub and
 * markdownlint (MD034) see a bare URL or e-mail address are escaped too. Empty → "–".
 */
export function quoteText(text: string, max: number): string {
  const flat = text
    .replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ')
    .trim();
  if (flat === '') return '–';
  return md(truncate(flat, max))
    .replace(/[:@]/g, '\\$&')
    .replace(/(www)\./gi, '$1\\.');
}

export function table(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

export function list(items: readonly string[]): string {
  return items.map((i) => `- ${i}`).join('\n');
}

/** "1 gate" / "3 gates". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
