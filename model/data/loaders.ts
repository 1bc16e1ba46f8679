import AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { DataError } from '../errors.js';
import type { Example, Label, LoadedSplit } from '../types.js';
import { sha256Hex } from './checksum.js';

// ajv is CommonJS: under NodeNext the default import is the module object at type level.
const Ajv = AjvModule.default;

export type ExampleFormat = 'tsv' | 'csv' | 'jsonl';

export interface LoadOptions {
  /** Taken from the extension (.tsv, .csv, .jsonl/.ndjson) when omitted. */
  format?: ExampleFormat;
  /** Defaults to `sentence`, else `text`. */
  textColumn?: string;
  /** Defaults to `label`. */
  labelColumn?: string;
}

/** Physical line of a record (1-based). */
interface Row {
  cells: string[];
  line: number;
}

// ---------------------------------------------------------------- format & bytes

export function formatFromPath(path: string): ExampleFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv') return 'tsv';
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new DataError(
    'E_DATA_FORMAT',
    `cannot tell the format from the extension "${ext}"; use .tsv, .csv or .jsonl, or pass a format`,
    path,
  );
}

/**
 * Offset of the first byte that makes `bytes` invalid UTF-8 (overlong forms, surrogates
 * and code points above U+10FFFF included), or -1. Only called once TextDecoder has
 * already refused the input, to say where.
 */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min, cp] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [need, min, cp] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [need, min, cp] = [3, 0x10000, b & 0x07];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Decodes strictly: silently replacing bad bytes with U+FFFD would corrupt training text unnoticed. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    // The default ignoreBOM=false drops a leading UTF-8 BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    // Checked by name, not instanceof: under jest's vm the TypeError comes from another realm.
    if ((err as Error | undefined)?.name !== 'TypeError') throw err;
    const offset = firstInvalidUtf8Offset(bytes);
    if (offset < 0) throw new DataError('E_DATA_ENCODING', 'file is not valid UTF-8', file);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    const hex = (bytes[offset] as number).toString(16).padStart(2, '0');
    throw new DataError('E_DATA_ENCODING', `invalid UTF-8 (byte 0x${hex} at offset ${offset}); save the file as UTF-8`, file, line);
  }
}

// ---------------------------------------------------------------- tables

function splitLines(text: string): { text: string; line: number }[] {
  return text.split('\n').map((raw, i) => ({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, line: i + 1 }));
}

/** TSV as GLUE writes it: no quoting, a tab always separates fields. */
function parseTsv(text: string): Row[] {
  return splitLines(text)
    .filter((l) => l.text !== '')
    .map((l) => ({ cells: l.text.split('\t'), line: l.line }));
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF ends a record. */
export function parseCsv(text: string, file: string): Row[] {
  const rows: Row[] = [];
  const n = text.length;
  const atRecordEnd = (i: number): boolean =>
    i >= n || text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n');
  let i = 0;
  let line = 1;
  while (i < n) {
    if (atRecordEnd(i)) {
      i += text[i] === '\r' ? 2 : 1;
      line++;
      continue;
    }
    const startLine = line;
    const cells: string[] = [];
    for (;;) {
      if (text[i] === '"') {
        let value = '';
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            throw new DataError('E_DATA_CSV_QUOTE', 'quoted field is never closed', file, startLine);
          }
          const chunk = text.slice(i, q);
          line += countNewlines(chunk);
          value += chunk;
          if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        if (!atRecordEnd(i) && text[i] !== ',') {
          throw new DataError(
            'E_DATA_CSV_QUOTE',
            `unexpected ${JSON.stringify(text[i])} after a closing quote (quotes inside a quoted field are written "")`,
            file,
            line,
          );
        }
        cells.push(value);
      } else {
        let j = i;
        while (!atRecordEnd(j) && text[j] !== ',') {
          if (text[j] === '"') {
            throw new DataError(
              'E_DATA_CSV_QUOTE',
              'a quote inside an unquoted field; quote the whole field and double the inner quote ("")',
              file,
              line,
            );
          }
          j++;
        }
        cells.push(text.slice(i, j));
        i = j;
      }
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      if (i < n) {
        i += text[i] === '\r' ? 2 : 1;
        line++;
      }
      break;
    }
    rows.push({ cells, line: startLine });
  }
  return rows;
}

/** Splits into header and data rows, checking that there is data and that every row has the header's width. */
function readTable(text: string, format: 'tsv' | 'csv', file: string): { header: Row; rows: Row[] } {
  const all = format === 'tsv' ? parseTsv(text) : parseCsv(text, file);
  const [header, ...rows] = all;
  if (!header) throw new DataError('E_DATA_EMPTY', 'file is empty (a header line and at least one row are required)', file);
  if (rows.length === 0) throw new DataError('E_DATA_EMPTY', 'no data rows after the header', file, header.line);
  header.cells = header.cells.map((c) => c.trim());
  const width = header.cells.length;
  for (const row of rows) {
    if (row.cells.length !== width) {
      const hint = format === 'tsv' && row.cells.length > width ? ' (a tab inside the text?)' : '';
      throw new DataError(
        'E_DATA_COLUMN_COUNT',
        `expected ${width} columns as in the header, found ${row.cells.length}${hint}`,
        file,
        row.line,
      );
    }
  }
  return { header, rows };
}

/** Exact name first; otherwise a case-insensitive match, so `Sentence` and `sentence` both work. */
function findColumn(columns: string[], candidates: readonly string[]): number {
  for (const c of candidates) {
    const i = columns.indexOf(c);
    if (i >= 0) return i;
  }
  for (const c of candidates) {
    const i = columns.findIndex((col) => col.toLowerCase() === c.toLowerCase());
    if (i >= 0) return i;
  }
  return -1;
}

function requireColumn(header: Row, candidates: readonly string[], what: string, file: string): number {
  const index = findColumn(header.cells, candidates);
  if (index < 0) {
    throw new DataError(
      'E_DATA_MISSING_COLUMN',
      `no ${what} column (${candidates.map((c) => `"${c}"`).join(' or ')}) in the header; columns found: ${header.cells
        .map((c) => `"${c}"`)
        .join(', ')}`,
      file,
      header.line,
    );
  }
  return index;
}

// ---------------------------------------------------------------- records

/** A record as read from a file, before its label is normalised. */
export const EXAMPLE_RECORD_SCHEMA = {
  type: 'object',
  required: ['text', 'label'],
  properties: {
    text: { type: 'string', pattern: '\\S' },
    label: {
      anyOf: [
        { enum: [0, 1, true, false] },
        {
          type: 'string',
          pattern: '^\\s*(?:0|1|[Nn][Ee][Gg][Aa][Tt][Ii][Vv][Ee]|[Pp][Oo][Ss][Ii][Tt][Ii][Vv][Ee])\\s*$',
        },
      ],
    },
  },
} as const;

const TABLE_LABELS = ['0', '1', 'negative', 'positive'];
const JSON_LABELS = ['0', '1', '"0"', '"1"', '"negative"', '"positive"', 'true', 'false'];

let validateRecordFn: ValidateFunction | undefined;
function recordValidator(): ValidateFunction {
  validateRecordFn ??= new Ajv({ allErrors: false, strict: true }).compile(EXAMPLE_RECORD_SCHEMA);
  return validateRecordFn;
}

export function parseLabel(value: unknown): Label | undefined {
  if (value === 0 || value === false) return 0;
  if (value === 1 || value === true) return 1;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (s === '0' || s === 'negative') return 0;
    if (s === '1' || s === 'positive') return 1;
  }
  return undefined;
}

interface RecordContext {
  file: string;
  line: number;
  textField: string;
  labelField: string;
  allowedLabels: readonly string[];
}

function recordError(errors: ErrorObject[], record: unknown, ctx: RecordContext): DataError {
  const { file, line } = ctx;
  const first = errors[0];
  if (!first || (first.instancePath === '' && first.keyword === 'type')) {
    return new DataError('E_DATA_SCHEMA', 'a record must be a JSON object', file, line);
  }
  if (first.keyword === 'required') {
    const missing = String(first.params.missingProperty);
    const field = missing === 'text' ? ctx.textField : ctx.labelField;
    return new DataError('E_DATA_MISSING_FIELD', `missing field "${field}"`, file, line);
  }
  const fields = record as Record<string, unknown>;
  if (first.instancePath === '/text') {
    return first.keyword === 'pattern'
      ? new DataError('E_DATA_EMPTY_TEXT', `empty text in "${ctx.textField}"`, file, line)
      : new DataError('E_DATA_SCHEMA', `"${ctx.textField}" must be a string, got ${JSON.stringify(fields.text)}`, file, line);
  }
  if (first.instancePath === '/label') {
    return new DataError(
      'E_DATA_LABEL',
      `unknown label ${JSON.stringify(fields.label)} in "${ctx.labelField}"; allowed: ${ctx.allowedLabels.join(', ')} (case-insensitive)`,
      file,
      line,
    );
  }
  return new DataError('E_DATA_SCHEMA', `${first.instancePath || 'record'} ${first.message ?? 'is invalid'}`, file, line);
}

function toExample(record: unknown, ctx: RecordContext): Example {
  const validate = recordValidator();
  if (!validate(record)) throw recordError(validate.errors ?? [], record, ctx);
  const { text, label } = record as { text: string; label: unknown };
  // The schema and parseLabel accept the same set, so this only guards against them drifting apart.
  const parsed = parseLabel(label);
  if (parsed === undefined) throw recordError([{ instancePath: '/label' } as ErrorObject], record, ctx);
  return { text, label: parsed, line: ctx.line };
}

function tableExamples(text: string, format: 'tsv' | 'csv', file: string, opts: LoadOptions): Example[] {
  const { header, rows } = readTable(text, format, file);
  const textCandidates = opts.textColumn !== undefined ? [opts.textColumn] : ['sentence', 'text'];
  const labelCandidates = [opts.labelColumn ?? 'label'];
  const ti = requireColumn(header, textCandidates, 'text', file);
  const li = requireColumn(header, labelCandidates, 'label', file);
  const base = {
    file,
    textField: header.cells[ti] as string,
    labelField: header.cells[li] as string,
    allowedLabels: TABLE_LABELS,
  };
  return rows.map((row) => toExample({ text: row.cells[ti], label: row.cells[li] }, { ...base, line: row.line }));
}

function jsonlExamples(text: string, file: string, opts: LoadOptions): Example[] {
  const examples: Example[] = [];
  const labelField = opts.labelColumn ?? 'label';
  for (const { text: raw, line } of splitLines(text)) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new DataError('E_DATA_JSON', `invalid JSON: ${(err as Error).message}`, file, line);
    }
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    const obj = isObject ? (value as Record<string, unknown>) : undefined;
    const textField = opts.textColumn ?? (obj && !Object.hasOwn(obj, 'text') && Object.hasOwn(obj, 'sentence') ? 'sentence' : 'text');
    const record = obj
      ? {
          ...(Object.hasOwn(obj, textField) ? { text: obj[textField] } : {}),
          ...(Object.hasOwn(obj, labelField) ? { label: obj[labelField] } : {}),
        }
      : value;
    examples.push(toExample(record, { file, line, textField, labelField, allowedLabels: JSON_LABELS }));
  }
  if (examples.length === 0) throw new DataError('E_DATA_EMPTY', 'file has no records', file);
  return examples;
}

/** Pure parsing of a file's bytes; `file` only labels errors. */
export function parseExamples(
  bytes: Uint8Array,
  file: string,
  opts: LoadOptions & { format: ExampleFormat },
): Example[] {
  const text = decodeUtf8(bytes, file);
  return opts.format === 'jsonl' ? jsonlExamples(text, file, opts) : tableExamples(text, opts.format, file, opts);
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DataError('E_DATASET_NOT_FOUND', 'file not found', path);
    throw err;
  }
}

export async function loadExamples(path: string, opts: LoadOptions = {}): Promise<LoadedSplit> {
  const abs = resolve(path);
  const format = opts.format ?? formatFromPath(abs);
  const bytes = await readBytes(abs);
  return { path: abs, sha256: sha256Hex(bytes), examples: parseExamples(bytes, abs, { ...opts, format }) };
}

// ---------------------------------------------------------------- Equity Evaluation Corpus

export type EecGender = 'male' | 'female';

/** One EEC sentence. Empty cells (no race for noun phrases like "my sister", no emotion for neutral templates) are null. */
export interface EecRow {
  id: string;
  sentence: string;
  template: string;
  person: string;
  gender: EecGender;
  race: string | null;
  emotion: string | null;
  emotionWord: string | null;
  line: number;
}

export interface EecCorpus {
  path: string;
  sha256: string;
  rows: EecRow[];
}

const EEC_COLUMNS = {
  id: 'ID',
  sentence: 'Sentence',
  template: 'Template',
  person: 'Person',
  gender: 'Gender',
  race: 'Race',
  emotion: 'Emotion',
  emotionWord: 'Emotion word',
} as const;
type EecField = keyof typeof EEC_COLUMNS;

const nonEmpty = { type: 'string', pattern: '\\S' } as const;
export const EEC_ROW_SCHEMA = {
  type: 'object',
  required: Object.keys(EEC_COLUMNS),
  properties: {
    id: nonEmpty,
    sentence: nonEmpty,
    template: nonEmpty,
    person: nonEmpty,
    gender: { enum: ['male', 'female'] },
    race: { type: 'string' },
    emotion: { type: 'string' },
    emotionWord: { type: 'string' },
  },
} as const;

let validateEecFn: ValidateFunction | undefined;
function eecValidator(): ValidateFunction {
  validateEecFn ??= new Ajv({ allErrors: false, strict: true }).compile(EEC_ROW_SCHEMA);
  return validateEecFn;
}

function eecError(error: ErrorObject | undefined, record: Record<EecField, string>, file: string, line: number): DataError {
  const field = (error?.instancePath.slice(1) ?? '') as EecField;
  const column = EEC_COLUMNS[field] ?? field;
  if (field === 'sentence') return new DataError('E_DATA_EMPTY_TEXT', `empty text in "${column}"`, file, line);
  const allowed = error?.keyword === 'enum' ? `; allowed: ${(error.params.allowedValues as string[]).join(', ')}` : '';
  return new DataError('E_DATA_VALUE', `invalid ${column} ${JSON.stringify(record[field])}${allowed}`, file, line);
}

export function parseEecRows(bytes: Uint8Array, file: string): EecRow[] {
  const { header, rows } = readTable(decodeUtf8(bytes, file), 'csv', file);
  const fields = Object.keys(EEC_COLUMNS) as EecField[];
  const index = Object.fromEntries(
    fields.map((f) => [f, requireColumn(header, [EEC_COLUMNS[f]], 'required', file)]),
  ) as Record<EecField, number>;
  const validate = eecValidator();
  const orNull = (s: string): string | null => (s.trim() === '' ? null : s);
  return rows.map((row) => {
    const record = Object.fromEntries(fields.map((f) => [f, row.cells[index[f]] ?? ''])) as Record<EecField, string>;
    if (!validate(record)) throw eecError(validate.errors?.[0], record, file, row.line);
    return {
      id: record.id,
      sentence: record.sentence,
      template: record.template,
      person: record.person,
      gender: record.gender as EecGender,
      race: orNull(record.race),
      emotion: orNull(record.emotion),
      emotionWord: orNull(record.emotionWord),
      line: row.line,
    };
  });
}

export async function loadEecRows(path: string): Promise<EecCorpus> {
  const abs = resolve(path);
  const bytes = await readBytes(abs);
  return { path: abs, sha256: sha256Hex(bytes), rows: parseEecRows(bytes, abs) };
}
