/**
 * The one tokenizer used for training and for serving. It has to turn raw user text
 * ("I didn't like it!!! 😡 https://…") and the lower-cased Penn-Treebank text of the
 * benchmark files ("i did n't like it !") into the same tokens, because the model only
 * ever sees benchmark text during training but raw text in production.
 *
 * Decisions (changing any of them changes model inputs, so bump TOKENIZER_VERSION):
 * - HTML character references are decoded first ("it&#39;s" → "it's", "&quot;" → '"'),
 *   as many times as they nest (scraped pages double-encode: "&amp;#39;"), strictly:
 *   only references ending in ";" so "R&B" and "AT&T" stay as typed.
 * - Text is NFC-normalised and lower-cased; curly quotes/apostrophes are straightened.
 * - Double quotes: `"`, “ ”, « », PTB `` and '' all become the token `"`.
 *   Single quotes: PTB ` and ’ ‘ become `'` (open/close carry no sentiment).
 * - PTB bracket escapes -lrb- -rrb- -lsb- -rsb- -lcb- -rcb- become ( ) [ ] { },
 *   and the escaped \/ and \* become / and * (SST dev/test use escapes, train does not).
 * - Contractions are split the PTB way: did|n't, ca|n't, wo|n't, it|'s, you|'re, i|'m …;
 *   a few apostrophe-less forms (dont, didnt, cant, wont, im, youre …) map the same, and
 *   so do PTB's other splits: cannot → can|not, gonna → gon|na, wanna → wan|na.
 * - Numbers made only of digits with . or , separators ("2002", "3.5", "1,000") become
 *   `<num>`: the value rarely carries sentiment and the raw values would bloat the
 *   vocabulary. Digits mixed with letters or slashes ("1950s", "90-minute", "1/2",
 *   "24/7") stay as they are because they behave like words.
 * - Punctuation runs collapse: a run of ! and ? becomes "?" when it contains a "?"
 *   (an interrobang reads as a (rhetorical) question) and "!" otherwise; two or more
 *   dots (or …) become "...", which SST has as a token; two or more dashes (or — –)
 *   become "--"; runs of , ; : ' " collapse to one. Star runs ("***") stay as they are
 *   because SST uses them as ratings.
 * - Hyphenated, slashed and apostrophe-internal words stay whole ("better-than-average",
 *   "writer/director", "o'clock"), as in SST. Abbreviations keep their period ("mr.",
 *   "u.s.", "w. bush") as PTB does.
 * - URLs → `<url>`, e-mail addresses → `<email>`, @mentions → `<user>`,
 *   "#great" → "great" (the hashtag sign adds nothing the word does not already say).
 * - Emoticons are one token each and canonicalised (":-)))" → ":)", "=(" → ":(",
 *   "<333" → "<3"). Each emoji (including ZWJ sequences, flags and keycaps) is one token;
 *   skin-tone modifiers and variation selectors are removed so 👍🏽 and 👍 are the same
 *   token — skin tone must not change a sentiment score.
 * - Letters repeated three or more times are capped at two ("soooo" → "soo",
 *   "baaaaad" → "baad"), so "good" is untouched and all elongations share one token.
 */

import { decodeHTMLStrict } from 'entities';

/** Recorded in artifacts: a model must be served with the tokenizer it was trained with. */
export const TOKENIZER_VERSION = 'ptb-en-2';

export const URL_TOKEN = '<url>';
export const EMAIL_TOKEN = '<email>';
export const USER_TOKEN = '<user>';
export const NUM_TOKEN = '<num>';
export const SPECIAL_TOKENS: readonly string[] = [URL_TOKEN, EMAIL_TOKEN, USER_TOKEN, NUM_TOKEN];

// Private-use code points stand in for URLs, e-mails and mentions between the
// replacement pass and the scan; user-supplied private-use characters are removed
// during normalisation so they cannot forge these.
const URL_MARK = '\ue000';
const EMAIL_MARK = '\ue001';
const USER_MARK = '\ue002';
const MARK_TOKENS: Readonly<Record<string, string>> = {
  [URL_MARK]: URL_TOKEN,
  [EMAIL_MARK]: EMAIL_TOKEN,
  [USER_MARK]: USER_TOKEN,
};

// Without the u flag this also matches the surrogate halves of astral characters.
const NON_ASCII_RE = /[\u0080-\uffff]/;

const CHAR_MAP: Readonly<Record<string, string>> = {
  '\u2018': "'", // ‘
  '\u2019': "'", // ’
  '\u201a': "'", // ‚
  '\u201b': "'", // ‛
  '\u2032': "'", // ′
  '\u00b4': "'", // ´ (often typed as an apostrophe: "don´t")
  '\u02bc': "'", // ʼ
  '\uff07': "'", // full-width '
  '\u201c': '"', // “
  '\u201d': '"', // ”
  '\u201e': '"', // „
  '\u201f': '"', // ‟
  '\u2033': '"', // ″
  '\u00ab': '"', // «
  '\u00bb': '"', // »
  '\uff02': '"', // full-width "
  '\u2026': '...', // …
  '\u2014': '--', // —
  '\u2013': '--', // –
  '\u2015': '--', // ―
  '\u2010': '-', // ‐
  '\u2011': '-', // non-breaking hyphen
  '\u2012': '-', // ‒
  '\u2212': '-', // minus sign
};
// Everything not in CHAR_MAP that this matches is deleted: soft hyphen, zero-width
// space/non-joiner, word joiner, BOM and private-use characters. ZWJ (U+200D) is kept
// because it glues emoji sequences together.
const CHAR_MAP_RE = /[\u2018\u2019\u201a\u201b\u2032\u00b4\u02bc\uff07\u201c-\u201f\u2033\u00ab\u00bb\uff02\u2026\u2010-\u2015\u2212\u00ad\u200b\u200c\u2060\ufeff\ue000-\uf8ff]/g;

const PTB_MAP: Readonly<Record<string, string>> = {
  '``': '"',
  "''": '"',
  '`': "'",
  '-lrb-': '(',
  '-rrb-': ')',
  '-lsb-': '[',
  '-rsb-': ']',
  '-lcb-': '{',
  '-rcb-': '}',
  '\\/': '/',
  '\\*': '*',
};
const PTB_RE = /``|''|`|-l[rsc]b-|-r[rsc]b-|\\[/*]/g;

// A URL may not end in sentence punctuation or a closing bracket/quote: "(see x.com)."
const URL_END = String.raw`[^\s.,!?;:'")\]}>]`;
// eslint-disable-next-line security/detect-non-literal-regexp -- assembled from this module's constants, never from input
const SCHEME_URL_RE = new RegExp(String.raw`(?:https?:\/\/|ftp:\/\/|www\.)\S*${URL_END}`, 'gu');
// Bare domains only with common TLDs, so "end.start" typos are not URLs.
const BARE_TLDS = String.raw`(?:com|org|net|edu|gov|io|ly|tv|co\.uk)`;
// eslint-disable-next-line security/detect-non-literal-regexp -- assembled from this module's constants, never from input
const BARE_URL_HINT_RE = new RegExp(String.raw`\.${BARE_TLDS}(?![a-z0-9-])`);
// eslint-disable-next-line security/detect-non-literal-regexp -- assembled from this module's constants, never from input
const BARE_URL_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}@.\-])[\p{L}\p{N}][\p{L}\p{N}\-]*(?:\.[\p{L}\p{N}\-]+)*\.${BARE_TLDS}(?![\p{L}\p{N}\-])(?:\/\S*${URL_END})?`,
  'gu',
);
// Matched at an "@" found by indexOf: scanning for e-mails with a regex that starts at
// the local part costs a backtracking attempt at every position of the text.
// eslint-disable-next-line security/detect-unsafe-regex -- sticky at an '@', '.' separates the labels; fuzzed in tokenizer tests
const EMAIL_DOMAIN_RE = /@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/uy;
const MENTION_RE = /@[\p{L}_][\p{L}\p{N}_]*/uy;
const WORDISH_RE = /[\p{L}\p{N}]/u;

function isEmailLocalChar(c: number, ch: string): boolean {
  if (c < 128) {
    return (
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45
    );
  }
  return WORDISH_RE.test(ch);
}

function markAtSigns(s: string): string {
  let out = '';
  let copied = 0;
  let at = s.indexOf('@');
  while (at !== -1) {
    let start = at;
    // 64 is the longest valid local part; the bound keeps "aaaa…@@@@" linear.
    const floor = Math.max(copied, at - 64);
    while (start > floor && isEmailLocalChar(s.charCodeAt(start - 1), s[start - 1] as string)) start--;
    let matchEnd = -1;
    let mark = '';
    EMAIL_DOMAIN_RE.lastIndex = at;
    if (start < at && EMAIL_DOMAIN_RE.test(s)) {
      matchEnd = EMAIL_DOMAIN_RE.lastIndex;
      mark = EMAIL_MARK;
    } else {
      const before = at > 0 ? (s[at - 1] as string) : ' ';
      MENTION_RE.lastIndex = at;
      if (before !== '_' && !WORDISH_RE.test(before) && MENTION_RE.test(s)) {
        start = at;
        matchEnd = MENTION_RE.lastIndex;
        mark = USER_MARK;
      }
    }
    if (matchEnd === -1) {
      at = s.indexOf('@', at + 1);
      continue;
    }
    out += `${s.slice(copied, start)} ${mark} `;
    copied = matchEnd;
    at = s.indexOf('@', matchEnd);
  }
  return copied === 0 ? s : out + s.slice(copied);
}

// Nesting deeper than this is not text anyone meant to be read.
const MAX_ENTITY_DEPTH = 4;
const ENTITY_RE = /&(?:#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i;

function decodeCharacterReferences(text: string): string {
  let s = text;
  for (let depth = 0; depth < MAX_ENTITY_DEPTH && ENTITY_RE.test(s); depth++) s = decodeHTMLStrict(s);
  return s;
}

/**
 * Canonical text before segmentation: HTML character references decoded, NFC,
 * typographic quotes/dashes straightened, invisible characters removed, lower-cased, PTB
 * escapes undone. Tokenizing the output gives the same tokens as tokenizing the input.
 */
export function normalizeText(text: string): string {
  let s = text.includes('&') ? decodeCharacterReferences(text) : text;
  if (NON_ASCII_RE.test(s)) {
    s = s.normalize('NFC').replace(CHAR_MAP_RE, (c) => CHAR_MAP[c] ?? '');
  }
  s = s.toLowerCase();
  if (s.includes('`') || s.includes("''") || s.includes('-l') || s.includes('-r') || s.includes('\\')) {
    s = s.replace(PTB_RE, (m) => PTB_MAP[m] ?? m);
  }
  return s;
}

function markEntities(s: string): string {
  let out = s;
  // URLs first: "https://x.com/@bob" is one URL, not a URL fragment and a mention.
  if (out.includes('://') || out.includes('www.')) out = out.replace(SCHEME_URL_RE, ` ${URL_MARK} `);
  if (BARE_URL_HINT_RE.test(out)) out = out.replace(BARE_URL_RE, ` ${URL_MARK} `);
  if (out.includes('@')) out = markAtSigns(out);
  return out;
}

// Capture groups of TOKEN_RE. Alternatives that can start at the same character are
// ordered by precedence (acronym before word, keycap before word, emoticon before
// punctuation); the common case, a word, comes early because alternatives are tried
// in order at every token start.
const G_ACRONYM = 1;
const G_KEYCAP = 2;
const G_WORD = 3;
const G_CLITIC = 4;
const G_RUN = 5; // whole run; group 6 is the repeated character
const G_MARK = 7;
const G_EMOJI = 8;
const G_EMOTICON = 9;
const G_DOTS = 10;
const G_BANG = 11;
const G_HASH = 12;
const G_ARROW = 13;
const G_OTHER = 14;

// What the scanner silently skips between tokens; everything else matches some
// alternative (G_OTHER is exactly the complement), so the sticky scan cannot stop early.
const SKIP_CLASS = String.raw`[\s\p{Cc}\p{Cf}\p{M}\p{Cs}\p{EMod}]`;
const OTHER_CLASS = String.raw`[^\s\p{Cc}\p{Cf}\p{M}\p{Cs}\p{EMod}]`;
// eslint-disable-next-line security/detect-non-literal-regexp -- assembled from this module's constants, never from input
const SKIP_ONLY_RE = new RegExp(`^${SKIP_CLASS}*$`, 'u');

// eslint-disable-next-line security/detect-non-literal-regexp -- assembled from this module's constants, never from input
const TOKEN_RE = new RegExp(
  `${SKIP_CLASS}*(?:` +
    [
      // 1 dotted acronyms: u.s. j.k. a.i. e.g.
      String.raw`((?:\p{L}\.){2,})`,
      // 2 keycap emoji (1️⃣ #️⃣), which would otherwise start a number
      String.raw`([#*0-9]\ufe0f?\u20e3)`,
      // 3 words: letters/digits joined by - ' / & and digit-separating . or ,
      String.raw`([\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:(?:[\-'/&]|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*)`,
      // 4 apostrophe-led clitics and elisions kept whole by PTB ('s 're 'em '70s 'n')
      String.raw`('(?:n'|s|re|ve|ll|d|m|em|til|tis|twas|cause|n|\p{N}+s?)(?![\p{L}\p{N}]))`,
      // 5/6 runs of one punctuation character (emoticons starting with these are
      // excluded by lookahead so they reach group 9)
      String.raw`((?![:;=]['\-]?[)(\][|dpo3*/\\]|-_-)([,;:"'*_\-])\6*)`,
      // 7 placeholders for url/email/user, and the special tokens themselves
      String.raw`([\ue000-\ue002]|<(?:url|email|user|num)>)`,
      // 8 emoji: flag pairs, pictographs with modifiers/tags and ZWJ continuations
      String.raw`(\p{RI}\p{RI}|\p{Extended_Pictographic}[\p{EMod}\ufe0e\ufe0f\u{e0020}-\u{e007f}]*(?:\u200d\p{Extended_Pictographic}[\p{EMod}\ufe0e\ufe0f]*)*)`,
      // 9 emoticons; letter mouths (d p o 3) and brackets must not run into a word or
      // number, so "note:(a)" and "10:30" are not emoticons.
      String.raw`((?<![\p{N}:;=])[:;=]['\-]?(?:(?:\)+|\(+|\]+|\[+|\|+|d+|p+|o|3|\*)(?![\p{L}\p{N}])|[/\\](?![/\\\p{L}\p{N}]))` +
        String.raw`|(?<!\p{N})<\/?3+(?!\p{N})|\^_?\^|-_-|>_<|>\.<|;_;)`,
      // 10 dot runs: ".." and spaced ". . ." (MR's ellipsis) are both "...", a lone "." or
      // ". ." (PTB after a sentence-final abbreviation) stays as separate periods.
      String.raw`(\.{2,}|\.(?: \.){2,}|\.)`,
      // 11 runs of ! and ?
      String.raw`([!?]+)`,
      // 12 hashtag sign in front of a word is dropped
      String.raw`(#(?=\p{L}))`,
      // 13 arrows and other operator runs ("==>", "<==")
      String.raw`([<=>~^|+]+)`,
      // 14 any other visible character on its own
      `(${OTHER_CLASS})`,
    ].join('|') +
    ')',
  'uy',
);

const ELONGATION_RE = /(\p{L})\1{2,}/gu;
// "iii" (a sequel number) and "xxx" (a film title) are not elongations.
const ROMAN_RE = /^[ivx]+$/;
// eslint-disable-next-line security/detect-unsafe-regex -- [.,] separates the digit runs, so there is one way to match
const NUMBER_RE = /^\p{N}+(?:[.,]\p{N}+)*$/u;
const EMOJI_STRIP_RE = /[\p{EMod}\ufe0e\ufe0f]/gu;
const CLITIC_SUFFIX_RE = /^(.+?)('(?:s|re|ve|ll|d|m))$/;

/** Words whose trailing period is part of the word in PTB text ("mr. smith"). */
const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'dr', 'jr', 'sr', 'st', 'vs', 'etc', 'inc', 'ltd', 'bros', 'prof',
  'sen', 'gov', 'rep', 'gen', 'col', 'lt', 'sgt', 'capt', 'mt', 'ft', 'vol', 'approx',
  'al', 'co', 'jan', 'feb', 'aug', 'sept', 'oct', 'nov', 'dec',
]);

// "no." is "number" before a numeral ("gangster no. 1"), and PTB text marks a
// sentence-final abbreviation with a separate period ("no. .").
const ABBREVIATED_NO_RE = /^\s+(?:\p{N}|<num>|\.(?!\.))/u;

/**
 * Words PTB splits without an apostrophe to guide it ("cannot" → can not, "gonna" →
 * gon na), and apostrophe-less informal contractions, split as if it were there.
 */
const WORD_SPLITS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    dont: ['do', "n't"],
    didnt: ['did', "n't"],
    doesnt: ['does', "n't"],
    isnt: ['is', "n't"],
    arent: ['are', "n't"],
    wasnt: ['was', "n't"],
    werent: ['were', "n't"],
    havent: ['have', "n't"],
    hasnt: ['has', "n't"],
    hadnt: ['had', "n't"],
    cant: ['ca', "n't"],
    couldnt: ['could', "n't"],
    shouldnt: ['should', "n't"],
    wouldnt: ['would', "n't"],
    wont: ['wo', "n't"],
    aint: ['ai', "n't"],
    mustnt: ['must', "n't"],
    im: ['i', "'m"],
    ive: ['i', "'ve"],
    youre: ['you', "'re"],
    theyre: ['they', "'re"],
    youve: ['you', "'ve"],
    weve: ['we', "'ve"],
    theyve: ['they', "'ve"],
    youll: ['you', "'ll"],
    theyll: ['they', "'ll"],
    thats: ['that', "'s"],
    whats: ['what', "'s"],
    wouldve: ['would', "'ve"],
    couldve: ['could', "'ve"],
    shouldve: ['should', "'ve"],
    cannot: ['can', 'not'],
    gonna: ['gon', 'na'],
    wanna: ['wan', 'na'],
    gotta: ['got', 'ta'],
    gimme: ['gim', 'me'],
    lemme: ['lem', 'me'],
  }),
);

/** ASCII codes that can continue a word after a run of letters: 0-9 - ' / & */
const WORD_CONTINUES: readonly boolean[] = Array.from({ length: 128 }, (_, c) => (c >= 48 && c <= 57) || c === 45 || c === 39 || c === 47 || c === 38);

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x3000;
}

/** True when position `i` of `s` is whitespace followed, somewhere, by a visible character. */
function spaceThenMore(s: string, i: number): boolean {
  if (i >= s.length || !isSpaceCode(s.charCodeAt(i))) return false;
  for (let j = i + 1; j < s.length; j++) {
    if (!isSpaceCode(s.charCodeAt(j))) return true;
  }
  return false;
}

function isSingleLetter(w: string): boolean {
  return w.length === 1 && w.toUpperCase() !== w;
}

/** Peels PTB clitics off the end of a word, e.g. "wouldn't've" → stem "would", suffixes n't 've. */
function peelClitics(word: string): { stem: string; suffixes: string[] } {
  const suffixes: string[] = [];
  let w = word;
  for (;;) {
    if (w.length > 3 && w.endsWith("n't")) {
      suffixes.unshift("n't");
      w = w.slice(0, -3);
      continue;
    }
    const m = CLITIC_SUFFIX_RE.exec(w);
    if (m && m[1] !== undefined && m[2] !== undefined) {
      suffixes.unshift(m[2]);
      w = m[1];
      continue;
    }
    return { stem: w, suffixes };
  }
}

function hasTripleChar(w: string): boolean {
  for (let i = 2; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c === w.charCodeAt(i - 1) && c === w.charCodeAt(i - 2)) return true;
  }
  return false;
}

function isNumber(w: string): boolean {
  const c = w.charCodeAt(0);
  return (c >= 48 && c <= 57) || c > 127 ? NUMBER_RE.test(w) : false;
}

function canonicalEmoticon(e: string): string {
  const first = e[0];
  if (first !== ':' && first !== ';' && first !== '=') {
    return e.startsWith('<') ? (e[1] === '/' ? '</3' : '<3') : e;
  }
  const eyes = first === '=' ? ':' : first;
  let rest = e.slice(1);
  if (rest.startsWith('-')) rest = rest.slice(1);
  const tear = rest.startsWith("'") ? "'" : '';
  const mouth = rest.slice(tear.length, tear.length + 1);
  return eyes + tear + mouth;
}

/**
 * Split text into tokens (see the module comment for the rules). Deterministic and
 * idempotent on its own output: tokenize(tokenize(x).join(' ')) equals tokenize(x).
 */
export function tokenize(text: string): string[] {
  if (typeof text !== 'string') {
    throw new TypeError(`tokenize expects a string, got ${text === null ? 'null' : typeof text}`);
  }
  const s = markEntities(normalizeText(text));
  const out: string[] = [];
  const re = TOKEN_RE;
  const n = s.length;
  let pos = 0;
  let end = 0;
  while (pos < n) {
    // Fast path for the common case, a run of ASCII letters: when it is not followed by
    // something that could extend it into a longer word (digits, non-ASCII letters or
    // marks, the joiners - ' / &) or turn it into an acronym ("e.g."), it is exactly
    // what the word alternative would match, without the cost of a 14-group match.
    let c = s.charCodeAt(pos);
    if (c === 32) {
      pos++;
      continue;
    }
    let j = pos;
    while (c >= 97 && c <= 122) c = s.charCodeAt(++j);
    if (j > pos && (j === n || (c < 128 && !WORD_CONTINUES[c] && !(c === 46 && j - pos === 1)))) {
      re.lastIndex = j;
      pushWord(s.slice(pos, j), s, re, out);
      pos = end = re.lastIndex;
      continue;
    }
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m === null) break;
    pos = end = re.lastIndex;
    const word = m[G_WORD];
    if (word !== undefined) {
      pushWord(word, s, re, out);
      pos = end = re.lastIndex;
      continue;
    }
    const run = m[G_RUN];
    if (run !== undefined) {
      const ch = run[0] as string;
      if (ch === '-') out.push(run.length > 1 ? '--' : '-');
      else if (ch === '*' || ch === '_') out.push(run);
      else out.push(ch);
      continue;
    }
    const dots = m[G_DOTS];
    if (dots !== undefined) {
      out.push(dots.length > 1 ? '...' : '.');
      continue;
    }
    if (m[G_BANG] !== undefined) {
      out.push(m[G_BANG].includes('?') ? '?' : '!');
      continue;
    }
    const verbatim = m[G_CLITIC] ?? m[G_ACRONYM] ?? m[G_ARROW] ?? m[G_OTHER];
    if (verbatim !== undefined) {
      out.push(verbatim);
      continue;
    }
    if (m[G_MARK] !== undefined) {
      out.push(MARK_TOKENS[m[G_MARK]] ?? m[G_MARK]);
      continue;
    }
    const emoji = m[G_EMOJI] ?? m[G_KEYCAP];
    if (emoji !== undefined) {
      out.push(emoji.replace(EMOJI_STRIP_RE, ''));
      continue;
    }
    if (m[G_EMOTICON] !== undefined) {
      out.push(canonicalEmoticon(m[G_EMOTICON]));
      continue;
    }
    if (m[G_HASH] === undefined) throw new Error(`tokenizer: unhandled match ${JSON.stringify(m[0])}`);
  }
  if (end < n && !SKIP_ONLY_RE.test(s.slice(end))) {
    // Unreachable by construction (see SKIP_CLASS); failing loudly beats dropping text.
    throw new Error(`tokenizer: scan stopped at offset ${end} of ${JSON.stringify(s)}`);
  }
  return out;
}

function pushWord(raw: string, s: string, re: RegExp, out: string[]): void {
  let w = raw;
  if (w.length >= 3 && hasTripleChar(w) && !ROMAN_RE.test(w)) w = w.replace(ELONGATION_RE, '$1$1');
  const end = re.lastIndex;
  const next = s[end];
  if (next === '.' && s[end + 1] !== '.') {
    if (
      ABBREVIATIONS.has(w) ||
      (isSingleLetter(w) && spaceThenMore(s, end + 1)) ||
      (w === 'no' && ABBREVIATED_NO_RE.test(s.slice(end + 1, end + 8)))
    ) {
      re.lastIndex = end + 1;
      out.push(`${w}.`);
      return;
    }
  } else if (next === "'" && w === 'ol' && !/[\p{L}\p{N}]/u.test(s[end + 1] ?? '')) {
    re.lastIndex = end + 1;
    out.push("ol'");
    return;
  } else if (next === '-' && spaceThenMore(s, end + 1)) {
    // PTB keeps a dangling prefix hyphen on its word: "anti- and pro-war".
    re.lastIndex = end + 1;
    out.push(`${w}-`);
    return;
  }
  let suffixes: string[] | undefined;
  if (w.includes("'")) {
    const peeled = peelClitics(w);
    w = peeled.stem;
    suffixes = peeled.suffixes;
  }
  if (isNumber(w)) {
    out.push(NUM_TOKEN);
  } else {
    const bare = WORD_SPLITS.get(w);
    if (bare !== undefined) out.push(...bare);
    else out.push(w);
  }
  if (suffixes !== undefined) out.push(...suffixes);
}
