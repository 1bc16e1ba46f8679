import { DataError } from '../errors.js';
import type { NormaliseRule } from './registry.js';

/*
 * The rules that turn the canonical archives' members into the normalised files
 * (UTF-8, LF, header `sentence<TAB>label`, label 0 negative / 1 positive). Pure: bytes
 * in, text out, so a test can replay them on the members and compare with the pins.
 */

type Row = readonly [sentence: string, label: 0 | 1];

function toTsv(rows: readonly Row[]): string {
  let out = 'sentence\tlabel\n';
  for (const [sentence, label] of rows) out += `${sentence}\t${label}\n`;
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array, member: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DataError('E_NORMALISE_ENCODING', 'is not valid UTF-8', member);
  }
}

/** GLUE's SST-2/train.tsv: a header, then `sentence<TAB>label` with a trailing space on every sentence. */
export function normaliseGlueTrain(bytes: Uint8Array, member = 'SST-2/train.tsv'): string {
  const lines = decodeUtf8(bytes, member).split('\n');
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    // Split at the last tab: a sentence may itself hold a tab, the label never does.
    const tab = line.lastIndexOf('\t');
    const label = tab < 0 ? '' : line.slice(tab + 1).trim();
    if (label !== '0' && label !== '1') throw new DataError('E_NORMALISE_ROW', `label must be 0 or 1, got "${label}"`, member, i + 1);
    rows.push([line.slice(0, tab).trim(), label === '0' ? 0 : 1]);
  }
  return toTsv(rows);
}

// A leaf is `(<digit> <token>)`; a token never holds parentheses but may hold a no-break space ("8 1\/2").
const LEAF = /\(\d ([^()]+)\)/g;

/** The treebank's PTB trees: root label 0–1 → 0, 3–4 → 1, 2 dropped; text is the leaves, lower-cased. */
export function normaliseSstTrees(bytes: Uint8Array, member = 'trees/*.txt'): string {
  return sentencesOfTrees(bytes, member, (tokens) => tokens.join(' ').toLowerCase());
}

// Closing marks written against the word before them, opening marks against the word after.
const ATTACH_LEFT = new Set([',', '.', '...', '?', '!', ':', ';', '%', '-rrb-', "''", "'", "n't", "'s", "'re", "'ve", "'ll", "'d", "'m"]);
const ATTACH_RIGHT = new Set(['-LRB-', '$', '``', '`']);
const AS_WRITTEN: Readonly<Record<string, string>> = { '-LRB-': '(', '-RRB-': ')', '``': '"', "''": '"', '`': "'" };

/**
 * A PTB-tokenised sentence as a person would have typed it: the treebank's own casing,
 * its escapes undone ("-LRB-" → "(", "\/" → "/", `` and '' → straight double quotes),
 * clitics and closing punctuation joined to the word before ("does n't ." → "doesn't."),
 * opening brackets, quotes and "$" to the word after. Undoes what the treebank's
 * tokenizer did, so the same sentences measure a model on raw text.
 */
export function detokenizePtb(tokens: readonly string[]): string {
  let out = '';
  let glueNext = true;
  for (const token of tokens) {
    const text = (AS_WRITTEN[token] ?? token).replace(/\\([/*])/g, '$1');
    const left = ATTACH_LEFT.has(token.toLowerCase());
    out += glueNext || left ? text : ` ${text}`;
    glueNext = ATTACH_RIGHT.has(token);
  }
  return out;
}

/** The treebank's PTB trees as people write (`detokenizePtb`): root label 0–1 → 0, 3–4 → 1, 2 dropped. */
export function normaliseSstTreesAsWritten(bytes: Uint8Array, member = 'trees/*.txt'): string {
  return sentencesOfTrees(bytes, member, detokenizePtb);
}

function sentencesOfTrees(bytes: Uint8Array, member: string, text: (tokens: string[]) => string): string {
  const lines = decodeUtf8(bytes, member).split('\n');
  const rows: Row[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const open = line.indexOf('(');
    const digit = open < 0 ? NaN : Number(line[open + 1]);
    if (!Number.isInteger(digit) || digit < 0 || digit > 4) {
      throw new DataError('E_NORMALISE_ROW', 'a tree must start with "(<0-4>"', member, i + 1);
    }
    if (digit === 2) return;
    const tokens = Array.from(line.matchAll(LEAF), (m) => m[1] as string);
    if (tokens.length === 0) throw new DataError('E_NORMALISE_ROW', 'tree has no leaves', member, i + 1);
    rows.push([text(tokens), digit < 2 ? 0 : 1]);
  });
  return toTsv(rows);
}

// The treebank's PTB escapes, written as GLUE's SST-2/train.tsv writes them.
const GLUE_SPELLING: Readonly<Record<string, string>> = { '-lrb-': '(', '-rrb-': ')', '\\/': '/', '\\*': '*' };
const PTB_ESCAPE = /-lrb-|-rrb-|\\\/|\\\*/g;

/**
 * Every labelled phrase of the treebank's trees: each node with label 0–1 (→ 0) or 3–4
 * (→ 1), neutral nodes dropped, its text the leaves it spans, lower-cased and with the
 * PTB escapes spelt as GLUE's train.tsv spells them ("-lrb-" → "(", "\/" → "/"), so a
 * phrase GLUE also ships is the same text. Distinct texts only, in the order their
 * first node opens (tree by tree, each from the root down, left to right); a text
 * labelled both ways keeps its first label.
 */
export function normaliseSstTreePhrases(bytes: Uint8Array, member = 'trees/train.txt'): string {
  const lines = decodeUtf8(bytes, member).split('\n');
  const rows: Row[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const tokens: string[] = [];
    // One entry per open node, in opening order: label, first leaf index, text once closed.
    const nodes: { label: number; first: number; text?: string }[] = [];
    const open: number[] = [];
    for (let at = 0; at < line.length; ) {
      const c = line[at];
      if (c === '(') {
        const label = Number(line[at + 1]);
        if (!Number.isInteger(label) || label < 0 || label > 4 || line[at + 2] !== ' ') {
          throw new DataError('E_NORMALISE_ROW', `a node must start with "(<0-4> " (column ${at + 1})`, member, i + 1);
        }
        open.push(nodes.length);
        nodes.push({ label, first: tokens.length });
        at += 3;
        if (line[at] !== '(') {
          const end = line.indexOf(')', at);
          if (end < 0) throw new DataError('E_NORMALISE_ROW', `a leaf is not closed (column ${at + 1})`, member, i + 1);
          tokens.push(line.slice(at, end));
          at = end;
        }
      } else if (c === ')') {
        const n = open.pop();
        if (n === undefined) throw new DataError('E_NORMALISE_ROW', `unbalanced ")" (column ${at + 1})`, member, i + 1);
        const node = nodes[n] as (typeof nodes)[number];
        node.text = tokens.slice(node.first).join(' ').toLowerCase().replace(PTB_ESCAPE, (m) => GLUE_SPELLING[m] as string);
        at++;
      } else {
        at++;
      }
    }
    if (open.length > 0 || nodes.length === 0) throw new DataError('E_NORMALISE_ROW', 'the tree is not balanced', member, i + 1);
    for (const node of nodes) {
      if (node.label === 2 || node.text === undefined || node.text === '' || seen.has(node.text)) continue;
      seen.add(node.text);
      rows.push([node.text, node.label < 2 ? 0 : 1]);
    }
  });
  return toTsv(rows);
}

/*
 * Windows-1252's 0x80–0x9F (WHATWG index); the rest of the byte range is Latin-1.
 * Written out because Node 20's TextDecoder('windows-1252') decodes these bytes as
 * Latin-1 control characters, which would silently change MR's dashes and ellipses.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  const codes = new Array<number>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    codes[i] = b >= 0x80 && b < 0xa0 ? (CP1252_HIGH[b - 0x80] as number) : b;
  }
  let out = '';
  // Chunked: String.fromCharCode's argument count is bounded by the stack.
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192));
  return out;
}

/** Cornell's rt-polarity.neg (label 0) then .pos (label 1): Windows-1252, one sentence a line. */
export function normaliseMrPolarity(neg: Uint8Array, pos: Uint8Array): string {
  const rows: Row[] = [];
  for (const [bytes, label] of [[neg, 0], [pos, 1]] as const) {
    for (const line of decodeWindows1252(bytes).split('\n')) {
      const sentence = line.normalize('NFC').trim();
      if (sentence !== '') rows.push([sentence, label]);
    }
  }
  return toTsv(rows);
}

export function normaliseCrlf(bytes: Uint8Array, member = 'member'): string {
  return decodeUtf8(bytes, member).replace(/\r\n/g, '\n');
}

/** Applies a registry rule to the members, in the order the registry lists them. */
export function normalise(rule: NormaliseRule, members: readonly Uint8Array[], names: readonly string[] = []): string {
  const need = rule === 'mr-polarity' ? 2 : 1;
  if (members.length !== need) {
    throw new DataError('E_NORMALISE_MEMBERS', `rule ${rule} takes ${need} member(s), got ${members.length}`);
  }
  const [a, b] = members as [Uint8Array, Uint8Array];
  switch (rule) {
    case 'glue-sst2-train':
      return normaliseGlueTrain(a, names[0]);
    case 'sst-trees-binary':
      return normaliseSstTrees(a, names[0]);
    case 'sst-trees-phrases':
      return normaliseSstTreePhrases(a, names[0]);
    case 'sst-trees-as-written':
      return normaliseSstTreesAsWritten(a, names[0]);
    case 'mr-polarity':
      return normaliseMrPolarity(a, b);
    case 'crlf-to-lf':
      return normaliseCrlf(a, names[0]);
  }
}
