import { datasetsDir as sharedDatasetsDir } from '../helpers/datasets.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../model/errors.js';
import {
  decodeUtf8,
  formatFromPath,
  loadEecRows,
  loadExamples,
  parseCsv,
  parseEecRows,
  parseExamples,
  parseLabel,
} from '../../model/data/loaders.js';
import type { ExampleFormat } from '../../model/data/loaders.js';
import { DATASET_REGISTRY } from '../../model/data/registry.js';
import { resolveDatasetFile } from '../../model/data/resolve.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const parse = (s: string, format: ExampleFormat, extra: Record<string, string> = {}) =>
  parseExamples(bytes(s), 'mem.' + format, { format, ...extra });

/** Runs `fn`, expecting a DataError; returns it so the test can check code, line and message. */
async function dataError(fn: () => unknown): Promise<DataError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError, nothing was thrown');
}

describe('loadExamples: formats', () => {
  it('loads TSV with text, label, line numbers and the sha256 of the bytes', async () => {
    const split = await loadExamples(fixture('tiny.tsv'));
    expect(split.path).toBe(fixture('tiny.tsv'));
    expect(split.sha256).toBe(createHash('sha256').update(readFileSync(fixture('tiny.tsv'))).digest('hex'));
    expect(split.examples).toEqual([
      { text: 'a gripping , funny film .', label: 1, line: 2 },
      { text: 'flat and lifeless .', label: 0, line: 3 },
      { text: 'it \'s a "small" gem .', label: 1, line: 4 },
    ]);
  });

  it('loads RFC 4180 CSV: quoted commas, doubled quotes, multi-line fields; lines are physical', async () => {
    const { examples } = await loadExamples(fixture('tiny.csv'));
    expect(examples).toEqual([
      { text: 'warm, witty and wise', label: 1, line: 2 },
      { text: 'she said "wow" twice', label: 1, line: 3 },
      { text: 'first line\nsecond line', label: 0, line: 4 },
      { text: 'plain dull movie', label: 0, line: 6 },
    ]);
  });

  it('loads JSONL with every label form, `text` or `sentence` fields, skipping blank lines', async () => {
    const { examples } = await loadExamples(fixture('tiny.jsonl'));
    expect(examples.map((e) => [e.text, e.label, e.line])).toEqual([
      ['loved every minute', 1, 1],
      ['a waste of time', 0, 2],
      ['surprisingly good', 1, 4],
      ['not for me', 0, 5],
      ['great cast 🎬', 1, 6],
      ['boring', 0, 7],
    ]);
  });

  it('takes the format from opts over the extension, and rejects an unknown extension', async () => {
    // Read as CSV, the TSV header is a single column, so the label column is missing.
    const err = await dataError(() => loadExamples(fixture('bom-crlf.tsv'), { format: 'csv' }));
    expect(err.code).toBe('E_DATA_MISSING_COLUMN');
    expect(err.message).toContain('"sentence\tlabel"');
    expect(formatFromPath('a/b.NDJSON')).toBe('jsonl');
    expect((await dataError(() => formatFromPath('data.txt'))).code).toBe('E_DATA_FORMAT');
  });

  it('uses configurable text and label columns, case-insensitively', () => {
    const examples = parse('Review\tSentiment\nnice\tpositive\n', 'tsv', { textColumn: 'review', labelColumn: 'sentiment' });
    expect(examples).toEqual([{ text: 'nice', label: 1, line: 2 }]);
    expect(parse('id\ttext\tlabel\n7\thello\t0\n', 'tsv')).toEqual([{ text: 'hello', label: 0, line: 2 }]);
    expect(parse('{"review": "x", "y": "negative"}\n', 'jsonl', { textColumn: 'review', labelColumn: 'y' })).toEqual([
      { text: 'x', label: 0, line: 1 },
    ]);
  });

  it('handles a UTF-8 BOM and CRLF line endings in TSV and CSV', async () => {
    const csv = await loadExamples(fixture('bom-crlf.csv'));
    expect(csv.examples).toEqual([
      { text: 'crlf, with comma', label: 1, line: 2 },
      { text: 'second row', label: 0, line: 3 },
    ]);
    const tsv = await loadExamples(fixture('bom-crlf.tsv'));
    expect(tsv.examples).toEqual([
      { text: 'fine film', label: 1, line: 2 },
      { text: 'bad film', label: 0, line: 3 },
    ]);
    expect(parse('\uFEFF{"text":"a","label":1}\r\n', 'jsonl')).toEqual([{ text: 'a', label: 1, line: 1 }]);
  });
});

describe('labels', () => {
  it.each([
    [0, 0],
    [1, 1],
    ['0', 0],
    ['1', 1],
    ['negative', 0],
    ['POSITIVE', 1],
    [' Negative ', 0],
    [true, 1],
    [false, 0],
  ])('parseLabel(%p) = %p', (value, expected) => {
    expect(parseLabel(value)).toBe(expected);
  });

  it.each([2, -1, 'pos', '', null, 0.5, 'true'])('parseLabel(%p) is undefined', (value) => {
    expect(parseLabel(value)).toBeUndefined();
  });

  it('accepts word labels in TSV but not JSON booleans spelled as strings', async () => {
    expect(parse('sentence\tlabel\na\tNegative\nb\tpositive\n', 'tsv').map((e) => e.label)).toEqual([0, 1]);
    const err = await dataError(() => parse('sentence\tlabel\na\ttrue\n', 'tsv'));
    expect(err.code).toBe('E_DATA_LABEL');
  });
});

describe('data errors: stable code, file and physical line', () => {
  it('wrong column count (TSV)', async () => {
    const err = await dataError(() => loadExamples(fixture('bad-column-count.tsv')));
    expect(err.code).toBe('E_DATA_COLUMN_COUNT');
    expect(err.file).toBe(fixture('bad-column-count.tsv'));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/expected 2 columns.*found 3/);
  });

  it('wrong column count (CSV, unquoted comma)', async () => {
    const err = await dataError(() => loadExamples(fixture('bad-column-count.csv')));
    expect(err.code).toBe('E_DATA_COLUMN_COUNT');
    expect(err.line).toBe(3);
  });

  it('unknown label shows the value and the allowed ones', async () => {
    const err = await dataError(() => loadExamples(fixture('unknown-label.tsv')));
    expect(err.code).toBe('E_DATA_LABEL');
    expect(err.line).toBe(3);
    expect(err.message).toContain('"neutral"');
    expect(err.message).toContain('allowed: 0, 1, negative, positive');
    expect(err.message).toContain(`${fixture('unknown-label.tsv')}:3`);
  });

  it('unknown label in JSONL lists the JSON forms', async () => {
    const err = await dataError(() => parse('{"text":"a","label":1}\n{"text":"b","label":2}\n', 'jsonl'));
    expect(err.code).toBe('E_DATA_LABEL');
    expect(err.line).toBe(2);
    expect(err.message).toContain('unknown label 2');
    expect(err.message).toContain('true, false');
  });

  it('empty text', async () => {
    const err = await dataError(() => loadExamples(fixture('empty-text.csv')));
    expect(err.code).toBe('E_DATA_EMPTY_TEXT');
    expect(err.line).toBe(3);
  });

  it('empty file and header-only file', async () => {
    const empty = await dataError(() => loadExamples(fixture('empty.tsv')));
    expect(empty.code).toBe('E_DATA_EMPTY');
    const headerOnly = await dataError(() => loadExamples(fixture('header-only.tsv')));
    expect(headerOnly.code).toBe('E_DATA_EMPTY');
    expect(headerOnly.line).toBe(1);
    const blankJsonl = await dataError(() => parse('\n  \n', 'jsonl'));
    expect(blankJsonl.code).toBe('E_DATA_EMPTY');
  });

  it('missing text/label column lists the columns found', async () => {
    const err = await dataError(() => loadExamples(fixture('missing-column.csv')));
    expect(err.code).toBe('E_DATA_MISSING_COLUMN');
    expect(err.line).toBe(1);
    expect(err.message).toContain('"sentence" or "text"');
    expect(err.message).toContain('columns found: "review", "score"');
    const noLabel = await dataError(() => parse('sentence,stars\na,1\n', 'csv'));
    expect(noLabel.code).toBe('E_DATA_MISSING_COLUMN');
    expect(noLabel.message).toContain('"label"');
  });

  it('invalid JSON on a JSONL line', async () => {
    const err = await dataError(() => loadExamples(fixture('invalid-json.jsonl')));
    expect(err.code).toBe('E_DATA_JSON');
    expect(err.line).toBe(2);
    expect(err.message).toContain('invalid JSON');
  });

  it('JSONL records that are not objects, miss a field or have a non-string text', async () => {
    expect((await dataError(() => parse('[1, 2]\n', 'jsonl'))).code).toBe('E_DATA_SCHEMA');
    const missing = await dataError(() => parse('{"text":"a","label":1}\n{"text":"b"}\n', 'jsonl'));
    expect(missing.code).toBe('E_DATA_MISSING_FIELD');
    expect(missing.line).toBe(2);
    expect(missing.message).toContain('"label"');
    const notString = await dataError(() => parse('{"text": 42, "label": 1}\n', 'jsonl'));
    expect(notString.code).toBe('E_DATA_SCHEMA');
  });

  it('bad encoding names the line of the first invalid byte', async () => {
    const err = await dataError(() => loadExamples(fixture('bad-utf8.tsv')));
    expect(err.code).toBe('E_DATA_ENCODING');
    expect(err.line).toBe(3);
    expect(err.message).toContain('0xe9');
  });

  it.each([
    ['truncated sequence at end', [0x61, 0x0a, 0xe2, 0x82], 2],
    ['overlong encoding', [0x0a, 0x0a, 0xc0, 0xaf], 3],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80], 1],
  ])('bad encoding: %s', async (_name, raw, line) => {
    const err = await dataError(() => decodeUtf8(Uint8Array.from(raw), 'x'));
    expect(err.line).toBe(line);
  });

  it('unterminated quote and stray quotes in CSV', async () => {
    const err = await dataError(() => loadExamples(fixture('unclosed-quote.csv')));
    expect(err.code).toBe('E_DATA_CSV_QUOTE');
    expect(err.line).toBe(3);
    expect((await dataError(() => parseCsv('a,b\n"x"y,1\n', 'f'))).code).toBe('E_DATA_CSV_QUOTE');
    expect((await dataError(() => parseCsv('a,b\nx"y,1\n', 'f'))).code).toBe('E_DATA_CSV_QUOTE');
  });

  it('a missing file is a DataError naming it', async () => {
    const err = await dataError(() => loadExamples(fixture('does-not-exist.tsv')));
    expect(err.code).toBe('E_DATASET_NOT_FOUND');
    expect(err.message).toContain('does-not-exist.tsv');
  });
});

describe('parseCsv', () => {
  it('keeps empty fields, including a trailing one, and skips blank lines', () => {
    expect(parseCsv('a,b,c\n\n1,,\r\n"",x,""\n', 'f')).toEqual([
      { cells: ['a', 'b', 'c'], line: 1 },
      { cells: ['1', '', ''], line: 3 },
      { cells: ['', 'x', ''], line: 4 },
    ]);
  });
});

describe('EEC loader', () => {
  it('returns typed rows with null for empty race/emotion cells', async () => {
    const corpus = await loadEecRows(fixture('eec-sample.csv'));
    expect(corpus.rows).toHaveLength(3);
    expect(corpus.rows[0]).toEqual({
      id: '2018-En-mystery-00001',
      sentence: 'Alonzo feels angry.',
      template: '<person subject> feels <emotion word>.',
      person: 'Alonzo',
      gender: 'male',
      race: 'African-American',
      emotion: 'anger',
      emotionWord: 'angry',
      line: 2,
    });
    expect(corpus.rows[1]).toMatchObject({ person: 'my sister', gender: 'female', race: null, emotion: 'joy' });
    expect(corpus.rows[2]).toMatchObject({ race: 'European', emotion: null, emotionWord: null, line: 4 });
  });

  it('rejects a missing column, an unknown gender and an empty sentence', async () => {
    const header = 'ID,Sentence,Template,Person,Gender,Race,Emotion,Emotion word\n';
    const missing = await dataError(() => parseEecRows(bytes('ID,Sentence\n1,a\n'), 'eec.csv'));
    expect(missing.code).toBe('E_DATA_MISSING_COLUMN');
    expect(missing.message).toContain('"Template"');
    const gender = await dataError(() => parseEecRows(bytes(`${header}1,A b.,t,A,other,,,\n`), 'eec.csv'));
    expect(gender.code).toBe('E_DATA_VALUE');
    expect(gender.message).toContain('"other"');
    expect(gender.message).toContain('male, female');
    const empty = await dataError(() => parseEecRows(bytes(`${header}1, ,t,A,male,,,\n`), 'eec.csv'));
    expect(empty.code).toBe('E_DATA_EMPTY_TEXT');
    expect(empty.line).toBe(2);
  });
});

const datasetsDir = sharedDatasetsDir();

describe('real datasets', () => {
  it('sst2 test resolves from DATASETS_DIR, matches the registry sha256 and has 1821 rows', async () => {
    const resolved = await resolveDatasetFile('sst2', 'test', { datasetsDir, env: {} });
    expect(resolved.source).toBe('datasets_dir');
    const split = await loadExamples(resolved.path);
    expect(split.sha256).toBe(DATASET_REGISTRY.sst2.files.test.sha256);
    expect(split.examples).toHaveLength(1821);
    expect(new Set(split.examples.map((e) => e.label))).toEqual(new Set([0, 1]));
  });

  it('every registry row count matches the real files', async () => {
    for (const [split, file] of Object.entries(DATASET_REGISTRY.sst2.files)) {
      const { examples } = await loadExamples(join(datasetsDir, 'sst2', file.path));
      expect([split, examples.length]).toEqual([split, file.rows]);
    }
    const mr = await loadExamples(join(datasetsDir, 'mr', DATASET_REGISTRY.mr.files.all.path));
    expect(mr.examples).toHaveLength(DATASET_REGISTRY.mr.files.all.rows);
    const eec = await loadEecRows(join(datasetsDir, 'eec', DATASET_REGISTRY.eec.files.all.path));
    expect(eec.rows).toHaveLength(DATASET_REGISTRY.eec.files.all.rows);
    expect(eec.sha256).toBe(DATASET_REGISTRY.eec.files.all.sha256);
  });
});
