import { METHODS } from 'node:http';
import { createRng } from '../../model/util/random.js';
import type { Rng } from '../../model/util/random.js';

/**
 * A seeded generator of malformed and hostile HTTP requests for the inference service.
 * The same (seed, limits) always yields the same list, so a failing case is reproduced
 * by its seed and index alone.
 */
export interface FuzzCase {
  /** Index in the generated list (with the seed, enough to reproduce the case). */
  id: number;
  /** Generator that made it. */
  kind: string;
  method: string;
  /** Raw request-target, sent byte for byte (latin1). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body chunked (no content-length), so the server must enforce its limit while streaming. */
  chunked?: boolean;
  /** Use a connection of its own: the server may answer and close it (parser-level refusals, oversize bodies). */
  fresh?: boolean;
  /** The server may reset the connection instead of answering (it never reads an oversize body). */
  mayReset?: boolean;
  /** Node's client may refuse to send it (header injection): that alone is then counted as skipped. */
  mayBeUnsendable?: boolean;
  /**
   * Node's HTTP parser may refuse it before any route is looked up (unknown method, bytes
   * outside printable ASCII in the URL, more than 16 KiB of request line and headers): the
   * server then cannot know which API (v1 or v2) the client meant.
   */
  parserMayRefuse?: boolean;
}

export interface FuzzLimits {
  /** BODY_LIMIT_BYTES of the server under test. */
  bodyLimit: number;
  /** MAX_TEXT_LENGTH. */
  maxTextLength: number;
  /** MAX_BATCH_SIZE. */
  maxBatch: number;
}

export const V1_PREDICT = '/v1/predict';
export const V2_INFER = '/v2/models/sentiment/infer';
export const V2_INFER_VERSIONED = '/v2/models/sentiment/versions/0.1.0/infer';

const JSON_CT = 'application/json';

/** Thin helpers over the project's mulberry32 generator. */
export class Fuzz {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return this.rng.int(n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.rng.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.rng.int(items.length)] as T;
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.rng.int(256);
    return b;
  }

  /** Text with awkward but well-formed characters (never "(" so an echoed value cannot look like a stack frame). */
  text(n: number): string {
    const pool = ['a', 'b', 'Z', '0', '9', ' ', '"', '\\', "'", '<', '>', '&', '%', '{', '}', '[', ']', ',', ':', '\n', '\t', '\u0000', '\u001f', 'é', '中', '😀', '\u202e', '\ufeff', '\u2028', '\ud800', '\udfff'];
    let s = '';
    for (let i = 0; i < n; i++) s += this.pick(pool);
    return s;
  }
}

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Malformed UTF-8: invalid continuation, CESU-8 surrogates, overlong forms, truncated sequences, bytes never valid. */
export const INVALID_UTF8: readonly number[][] = [
  [0xc3, 0x28], // 2-byte lead, bad continuation
  [0xa0, 0xa1], // lone continuation bytes
  [0x80],
  [0xbf],
  [0xe2, 0x28, 0xa1], // 3-byte, bad second byte
  [0xe2, 0x82, 0x28], // 3-byte, bad third byte
  [0xf0, 0x28, 0x8c, 0xbc], // 4-byte, bad second byte
  [0xf0, 0x90, 0x28, 0xbc],
  [0xed, 0xa0, 0x80], // lone high surrogate U+D800 (CESU-8)
  [0xed, 0xbf, 0xbf], // lone low surrogate U+DFFF
  [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], // surrogate pair encoded as two 3-byte sequences
  [0xc0, 0xaf], // overlong "/"
  [0xc1, 0xbf],
  [0xe0, 0x80, 0xaf], // overlong "/" (3 bytes)
  [0xf0, 0x80, 0x80, 0xaf], // overlong "/" (4 bytes)
  [0xc0, 0x80], // overlong NUL
  [0xc0, 0xa2], // overlong '"': must not close the string
  [0xe0, 0x80, 0xa2],
  [0xc0, 0xdc], // overlong "\"
  [0xe2, 0x82], // truncated 3-byte
  [0xf0, 0x9f, 0x98], // truncated 4-byte
  [0xc3], // truncated 2-byte
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], // 6-byte form
  [0xfe],
  [0xff],
  [0xef, 0xbf, 0xbe], // U+FFFE noncharacter (valid UTF-8, hostile anyway)
  [0xef, 0xbb, 0xbf], // BOM
];

/** Content types a client might send instead of application/json (and a few spellings of it). */
export const CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'text/plain; charset=utf-8',
  'text/json',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----bogus',
  'multipart/form-data',
  'multipart/mixed; boundary=""',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=utf-8',
  'application/json; charset="utf-8"',
  'application/json;charset=UTF-8',
  'application/json;',
  'application/json ;',
  'application/json; =;;; x',
  'APPLICATION/JSON',
  'Application/Json',
  'application/jsonp',
  'application/json-seq',
  'application/json-patch+json',
  'application/problem+json',
  'application/vnd.api+json',
  'application/ld+json',
  'application/octet-stream',
  'application/xml',
  'application/json, text/plain',
  'application/',
  'application',
  '/json',
  '*/*',
  'application/*',
  ';',
  ' ',
  '',
  'x'.repeat(2000),
  `application/json; ${'p=v; '.repeat(300)}`,
  'application/json; charset=\u00e9',
  'application/json\u00ff',
];

/** Header values Node refuses to put on the wire (header injection). */
export const UNSENDABLE_CONTENT_TYPES: readonly string[] = ['application/json\r\nX: y', 'application/json\nX-Injected: 1', 'application/json\u0000', 'application/json\r\n\r\n{"text":"smuggled"}'];

const NUMBER_LITERALS: readonly string[] = [
  '1e309',
  '-1e309',
  '1e-400',
  '123456789012345678901234567890123456789',
  `1${'0'.repeat(400)}`,
  `0.${'0'.repeat(400)}1`,
  '-0',
  '0x10',
  '01',
  '.5',
  '1.',
  '+1',
  '1e',
  '--1',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  '9007199254740993',
  '4294967296',
  '-1',
  '1.5',
  '0',
  '1E+2',
];

const VALID_BODIES_V1: readonly string[] = ['{"text":"good movie"}', '{"texts":["good","bad movie"]}', '{"text":"not great"}'];
const VALID_BODIES_V2: readonly string[] = [
  '{"id":"r1","inputs":[{"name":"text","shape":[2],"datatype":"BYTES","data":["great movie","awful"]}],"outputs":[{"name":"probs"}]}',
  '{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["good"]}]}',
  '{"inputs":[{"name":"text","shape":[2,1],"datatype":"BYTES","data":[["a"],["b"]]}],"parameters":{}}',
];

type Draft = Omit<FuzzCase, 'id' | 'kind'>;

function post(path: string, body: Buffer | undefined, contentType: string | undefined = JSON_CT, extra: Partial<Draft> = {}): Draft {
  return { method: 'POST', path, headers: contentType === undefined ? {} : { 'content-type': contentType }, body, ...extra };
}

function target(f: Fuzz): string {
  return f.pick([V1_PREDICT, V1_PREDICT, V2_INFER, V2_INFER, V2_INFER_VERSIONED]);
}

const isV2 = (path: string): boolean => path.startsWith('/v2');

/** A body for `path` whose text slot holds `raw` (already-serialised JSON text, possibly invalid). */
function envelope(path: string, raw: string, f: Fuzz): string {
  if (isV2(path)) {
    return f.pick([
      `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":[${raw}]}]}`,
      `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":${raw}}]}`,
      `{"inputs":[{"name":${raw},"shape":[1],"datatype":"BYTES","data":["a"]}]}`,
      `{"inputs":[{"name":"text","shape":[${raw}],"datatype":"BYTES","data":["a"]}]}`,
      `{"inputs":[{"name":"text","shape":[1],"datatype":${raw},"data":["a"]}]}`,
      `{"id":${raw},"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"]}]}`,
      `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"]}],"outputs":[{"name":${raw}}]}`,
      `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"],"parameters":${raw}}]}`,
      `{"inputs":${raw}}`,
      raw,
    ]);
  }
  return f.pick([`{"text":${raw}}`, `{"texts":[${raw}]}`, `{"texts":["ok",${raw}]}`, `{"texts":${raw}}`, `{"text":"a","x":${raw}}`, raw]);
}

// ---------------------------------------------------------------------------------------
// Generators, one per kind of hostility.

const generators: Record<string, (f: Fuzz, l: FuzzLimits) => Draft> = {
  'random-bytes': (f, l) => {
    const size = f.pick([f.range(0, 16), f.range(1, 256), f.range(256, 2048), f.range(2048, l.bodyLimit), f.range(l.bodyLimit + 1, l.bodyLimit * 2)]);
    const prefix = f.chance(0.3) ? b(f.pick(['{', '[', '{"text":"', '{"inputs":[', '"'])) : Buffer.alloc(0);
    const body = Buffer.concat([prefix, f.bytes(size)]);
    const ct = f.chance(0.8) ? JSON_CT : f.pick(CONTENT_TYPES);
    return post(target(f), body, ct, { chunked: f.chance(0.15), fresh: body.length > l.bodyLimit, mayReset: body.length > l.bodyLimit });
  },

  'json-soup': (f) => {
    const tokens = ['{', '}', '[', ']', ',', ':', '"text"', '"texts"', '"inputs"', '"data"', '"a"', 'true', 'false', 'null', '1', '-0', '1e999', 'NaN', '"\\u0000"', '"\\ud800"', '"\\x41"', "'single'", '/*c*/', '//', ' ', '\n', '\u00a0', '\ufeff', '"', '\\'];
    let s = '';
    const n = f.range(1, 60);
    for (let i = 0; i < n; i++) s += f.pick(tokens);
    return post(target(f), b(s));
  },

  'invalid-utf8': (f) => {
    const path = target(f);
    const bad = Buffer.from(f.pick(INVALID_UTF8));
    const where = f.int(4);
    if (where === 0) {
      // Inside an otherwise valid JSON string.
      const [head, tail] = envelope(path, '"good @@BAD@@ movie"', f).split('@@BAD@@') as [string, string];
      return post(path, Buffer.concat([b(head), bad, b(tail)]));
    }
    if (where === 1) return post(path, Buffer.concat([b(isV2(path) ? '{"inputs":[{"name":"te' : '{"te'), bad, b(isV2(path) ? 'xt","shape":[1],"datatype":"BYTES","data":["a"]}]}' : 'xt":"a"}')])); // inside a key
    if (where === 2) return post(path, Buffer.concat([b('{"text":"a"'), bad, b('}')])); // between tokens
    return post(path, Buffer.concat([bad, b(VALID_BODIES_V1[0] as string)])); // before the document (BOM and friends)
  },

  'deep-nesting': (f, l) => {
    const path = target(f);
    const open = f.pick(['[', '{"a":', '{"text":', '{"texts":[', '[{"inputs":']);
    const close = open === '[' ? ']' : open === '{"texts":[' ? ']}' : open === '[{"inputs":' ? '}]' : '}';
    // Mostly just under the body limit; one in ten beyond it.
    const fits = Math.floor((l.bodyLimit - 150) / (open.length + close.length));
    const d = f.chance(0.9) ? f.range(8, fits) : f.range(fits + 80, fits * 3);
    const core = f.pick(['"a"', '1', 'null', '{}', '[]', '"good movie"']);
    const balanced = f.chance(0.8);
    const nest = open.repeat(d) + core + (balanced ? close.repeat(d) : close.repeat(f.int(d)));
    let raw = nest;
    if (isV2(path) && f.chance(0.6)) {
      const arrays = '['.repeat(d) + '"a"' + ']'.repeat(balanced ? d : f.int(d));
      raw = f.chance(0.7) ? `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":${arrays}}]}` : `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"],"parameters":${'{"p":'.repeat(d)}1${'}'.repeat(d)}}]}`;
    } else if (!isV2(path) && f.chance(0.4)) {
      raw = f.pick([`{"text":${nest}}`, `{"texts":${nest}}`, `{"texts":["a",${nest}]}`]);
    }
    const body = b(raw);
    return post(path, body, JSON_CT, { chunked: f.chance(0.2), fresh: body.length > l.bodyLimit, mayReset: body.length > l.bodyLimit });
  },

  'huge-string': (f, l) => {
    const path = target(f);
    const ch = f.pick(['a', 'é', '中', '😀', '\\n', '\\u0041', ' ']);
    const pre = isV2(path) ? '{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["' : f.pick(['{"text":"', '{"texts":["', '{"text":"a","pad":"']);
    const post_ = isV2(path) ? '"]}]}' : pre === '{"texts":["' ? '"]}' : '"}';
    const chBytes = Buffer.byteLength(ch);
    const mode = f.int(4);
    let size: number;
    if (mode === 0) size = l.bodyLimit + f.range(-3, 3); // straddling the limit
    else if (mode === 1) size = f.range(l.bodyLimit - 64, l.bodyLimit);
    else if (mode === 2) size = f.range(l.bodyLimit + 1, l.bodyLimit * 4);
    else size = Math.min(l.bodyLimit, pre.length + post_.length + chBytes * f.range(l.maxTextLength - 2, l.maxTextLength + 2)); // around MAX_TEXT_LENGTH
    const n = Math.max(0, Math.floor((size - pre.length - post_.length) / chBytes));
    let body = b(pre + ch.repeat(n) + post_);
    // Pad with spaces (whitespace outside the string) to land on the exact size asked for.
    if (body.length < size) body = Buffer.concat([body, Buffer.alloc(size - body.length, 0x20)]);
    return post(path, body, JSON_CT, { chunked: f.chance(0.25), fresh: body.length > l.bodyLimit, mayReset: body.length > l.bodyLimit });
  },

  'many-items': (f, l) => {
    const path = target(f);
    const n = f.pick([0, 1, l.maxBatch, l.maxBatch + 1, f.range(2, 600)]);
    const items = Array.from({ length: n }, () => f.pick(['"a"', '""', '1', 'null', '"good"', '[]', '{}']));
    const body = isV2(path)
      ? b(`{"inputs":[{"name":"text","shape":[${f.chance(0.5) ? n : f.range(0, 3 * n)}],"datatype":"BYTES","data":[${items.join(',')}]}]}`)
      : b(f.chance(0.7) ? `{"texts":[${items.join(',')}]}` : `{${items.map((_, i) => `"k${i}":1`).join(',')}}`);
    return post(path, body, JSON_CT, { fresh: body.length > l.bodyLimit, mayReset: body.length > l.bodyLimit });
  },

  numbers: (f) => {
    const path = target(f);
    const lit = f.pick(NUMBER_LITERALS);
    if (isV2(path) && f.chance(0.5)) return post(path, b(`{"inputs":[{"name":"text","shape":[${lit}],"datatype":"BYTES","data":["a"]}]}`));
    return post(path, b(envelope(path, lit, f)));
  },

  'duplicate-keys': (f) => {
    const path = target(f);
    if (isV2(path)) {
      return post(
        path,
        b(
          f.pick([
            '{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"]}],"inputs":[]}',
            '{"inputs":[],"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"]}]}',
            '{"inputs":[{"name":"text","name":"x","shape":[1],"datatype":"BYTES","data":["a"]}]}',
            '{"inputs":[{"name":"text","shape":[1],"shape":[2],"datatype":"BYTES","data":["a"]}]}',
            '{"inputs":[{"name":"text","shape":[1],"datatype":"FP32","datatype":"BYTES","data":["a"]}]}',
          ]),
        ),
      );
    }
    return post(path, b(f.pick(['{"text":"a","text":"b"}', '{"text":"a","text":1}', '{"text":1,"text":"a"}', '{"texts":["a"],"text":"b"}', '{"text":"a","texts":["b"]}', '{"texts":["a"],"texts":[]}', '{"text":"a","text":null}'])));
  },

  'prototype-keys': (f) => {
    const path = target(f);
    const key = f.pick(['"__proto__"', '"constructor"', '"prototype"', '"\\u005f_proto__"', '"__pro\\u0074o__"', '"hasOwnProperty"', '"toString"', '"valueOf"', '"__defineGetter__"']);
    const value = f.pick(['{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', '{"text":"x"}', 'null', '1', '[]', '"x"']);
    if (isV2(path)) {
      return post(
        path,
        b(
          f.pick([
            `{${key}:${value},"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"]}]}`,
            `{"inputs":[{${key}:${value},"name":"text","shape":[1],"datatype":"BYTES","data":["a"]}]}`,
            `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"],"parameters":{${key}:${value}}}],"parameters":{${key}:${value}}}`,
            `{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"]}],"outputs":[{"name":"probs",${key}:${value}}]}`,
          ]),
        ),
      );
    }
    return post(path, b(f.pick([`{${key}:${value}}`, `{"text":"a",${key}:${value}}`, `{${key}:${value},"text":"a"}`, `{"texts":[{${key}:${value}}]}`, `[{${key}:${value}}]`])));
  },

  'wrong-types': (f) => {
    const path = target(f);
    const weird = f.pick(['1', '0', '-1', 'true', 'false', 'null', '{}', '[]', '[null]', '[1,"a",null,{},[]]', '{"text":"a"}', '""', '" "', '["a",["b"]]', '[[]]', '{"0":"a","length":1}']);
    if (isV2(path)) {
      const input = f.pick([
        `{"name":${weird},"shape":[1],"datatype":"BYTES","data":["a"]}`,
        `{"name":"text","shape":${weird},"datatype":"BYTES","data":["a"]}`,
        `{"name":"text","shape":[${weird}],"datatype":"BYTES","data":["a"]}`,
        `{"name":"text","shape":[1],"datatype":${weird},"data":["a"]}`,
        `{"name":"text","shape":[1],"datatype":"BYTES","data":${weird}}`,
        `{"name":"text","shape":[1],"datatype":"BYTES","data":[${weird}]}`,
        `{"name":"text","shape":[1],"datatype":"BYTES"}`,
        `{"name":"text","shape":[-1],"datatype":"BYTES","data":["a"]}`,
        `{"name":"text","shape":[0],"datatype":"BYTES","data":[]}`,
        `{"name":"text","shape":[1.5],"datatype":"BYTES","data":["a"]}`,
        `{"name":"text","shape":[],"datatype":"BYTES","data":["a"]}`,
        `{"name":"text","shape":[1],"datatype":"BYTES","data":["a"],"parameters":${weird}}`,
        weird,
      ]);
      return post(path, b(f.pick([`{"inputs":[${input}]}`, `{"inputs":[${input},${input}]}`, `{"inputs":${weird}}`, `{"id":${weird},"inputs":[${input}]}`, `{"inputs":[${input}],"outputs":${weird}}`, `{"inputs":[${input}],"outputs":[${weird}]}`, `{"inputs":[${input}],"parameters":${weird}}`])));
    }
    return post(path, b(f.pick([`{"text":${weird}}`, `{"texts":${weird}}`, `{"texts":[${weird}]}`, `{"texts":["a",${weird}]}`, weird, `{"text":"a","texts":${weird}}`, '{}', '{"TEXT":"a"}', '{"text ":"a"}', '{"":"a"}'])));
  },

  'empty-body': (f) => {
    const path = target(f);
    const ct = f.pick([JSON_CT, undefined, 'text/plain', '', 'application/json; charset=utf-8']);
    const body = f.pick([undefined, Buffer.alloc(0), b(' '), b('\n\r\t '), b('\u0000'), b('\ufeff')]);
    return post(path, body, ct, { chunked: body !== undefined && f.chance(0.3) });
  },

  'content-type': (f) => {
    const path = target(f);
    const valid = b(f.pick(isV2(path) ? VALID_BODIES_V2 : VALID_BODIES_V1));
    if (f.chance(0.05)) return post(path, valid, f.pick(UNSENDABLE_CONTENT_TYPES), { mayBeUnsendable: true, fresh: true });
    const ct = f.pick(CONTENT_TYPES);
    let body = valid;
    if (ct.startsWith('multipart')) body = b(`------bogus\r\nContent-Disposition: form-data; name="text"\r\n\r\ngood movie\r\n------bogus--\r\n`);
    else if (ct.includes('urlencoded')) body = b(f.pick(['text=good+movie', 'texts[]=a&texts[]=b', '__proto__[polluted]=yes', 'text=%zz']));
    else if (ct.includes('xml')) body = b('<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><text>&x;</text>');
    else if (ct.includes('utf-16')) body = Buffer.from(`\ufeff${valid.toString()}`, 'utf16le');
    else if (ct.includes('latin1') && f.chance(0.5)) body = Buffer.from('{"text":"caf\u00e9 cr\u00e8me"}', 'latin1');
    const headers: Record<string, string> = { 'content-type': ct };
    if (f.chance(0.1)) headers['content-type'] = `${ct}, ${f.pick(CONTENT_TYPES)}`;
    return { method: 'POST', path, headers, body };
  },

  mutation: (f, l) => {
    const path = target(f);
    const buf = Array.from(b(f.pick(isV2(path) ? VALID_BODIES_V2 : VALID_BODIES_V1)));
    const ops = f.range(1, 8);
    for (let k = 0; k < ops; k++) {
      const at = f.int(buf.length + 1);
      switch (f.int(7)) {
        case 0: // flip a bit
          if (buf.length) buf[at % buf.length] = ((buf[at % buf.length] as number) ^ (1 << f.int(8))) & 0xff;
          break;
        case 1: // replace a byte
          if (buf.length) buf[at % buf.length] = f.int(256);
          break;
        case 2: // insert random bytes
          buf.splice(at, 0, ...f.bytes(f.range(1, 4)));
          break;
        case 3: // delete a range
          buf.splice(at, f.range(1, 6));
          break;
        case 4: // truncate
          buf.length = Math.min(buf.length, at);
          break;
        case 5: // duplicate a range
          buf.splice(at, 0, ...buf.slice(at, at + f.range(1, 20)));
          break;
        default: // insert a hostile token
          buf.splice(at, 0, ...b(f.pick(['"', '\\', '\\u', '\\ud800', 'NaN', ',', ':', '{', ']', '"__proto__":{}', '1e999', '\u0000', '\ufeff'])));
      }
    }
    const body = Buffer.from(buf);
    return post(path, body, JSON_CT, { fresh: body.length > l.bodyLimit, mayReset: body.length > l.bodyLimit });
  },

  routes: (f) => {
    const method = f.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'POST', 'PROPFIND', 'SEARCH', 'TRACE', 'LOCK']);
    const path = f.pick([
      V1_PREDICT,
      V2_INFER,
      V2_INFER_VERSIONED,
      '/v1/predict/',
      '/v1/predict/x',
      '/v1//predict',
      '/V1/PREDICT',
      '/v1/models',
      '/v2',
      '/v2/',
      '/v2/models',
      '/v2/models/',
      '/v2/models/sentiment',
      '/v2/models/other/infer',
      '/v2/models/sentiment/versions/9.9.9/infer',
      '/v2/models/sentiment/versions//infer',
      '/v2/models//infer',
      '/v2/health/ready',
      '/healthz',
      '/readyz',
      '/openapi.json',
      '/',
      '/nothing',
    ]);
    const withBody = f.chance(0.5);
    const headers: Record<string, string> = withBody ? { 'content-type': f.chance(0.8) ? JSON_CT : f.pick(CONTENT_TYPES) } : {};
    const body = withBody ? b(f.pick([...VALID_BODIES_V1, ...VALID_BODIES_V2, '{', '[]', ''])) : undefined;
    // TRACE with a body is refused by Node's client; keep TRACE body-less.
    return { method, path, headers, body: method === 'TRACE' || method === 'HEAD' ? undefined : body };
  },

  urls: (f) => {
    const odd = [
      '%00',
      '%zz',
      '%',
      '%E0%A4%A',
      '%C0%AF',
      '%ED%A0%80',
      '%FF',
      '..%2f..%2fetc%2fpasswd',
      '..',
      '.',
      '//',
      '~',
      "'",
      '"',
      '<script>',
      '`',
      '|',
      '^',
      '\u00e9',
      '\u00ff',
      ';x=1',
      '*',
      '#frag',
      '%23',
      '%3F',
      '%2F',
      'a'.repeat(101),
      'a'.repeat(f.range(200, 3000)),
    ];
    const seg = (): string => f.pick(odd) + (f.chance(0.3) ? f.pick(odd) : '');
    const base = f.pick([
      `/${seg()}`,
      `/v1/${seg()}`,
      `/v1/predict${seg()}`,
      `/v2/${seg()}`,
      `/v2/models/${seg()}/infer`,
      `/v2/models/${seg()}`,
      `/v2/models/${seg()}/ready`,
      `/v2/models/sentiment/versions/${seg()}/infer`,
      `/v2/models/sentiment/versions/${seg()}`,
      V1_PREDICT,
      V2_INFER,
    ]);
    const queries = ['', '?', '??', '?a=1', '?a=%zz', '?__proto__[polluted]=yes', '?constructor[prototype][polluted]=yes', '?a&a&a', `?q=${'x'.repeat(f.range(100, 6000))}`, `?${'a=1&'.repeat(f.range(10, 800))}`, '?%00=%00', '?text=good'];
    const path = base + f.pick(queries);
    const method = f.pick(['GET', 'POST', 'POST', 'DELETE']);
    const body = method === 'POST' ? b(f.pick(isV2(base) ? VALID_BODIES_V2 : VALID_BODIES_V1)) : undefined;
    const headers: Record<string, string> = body ? { 'content-type': JSON_CT } : {};
    return { method, path, headers, body };
  },

  'long-url': (f) => {
    const len = f.pick([f.range(1000, 8000), f.range(8000, 15000), f.range(17000, 40000)]);
    const base = f.pick([V1_PREDICT, V2_INFER, '/v2/models/', '/x/']);
    const path = base.endsWith('/') ? `${base}${'a'.repeat(len)}${base === '/v2/models/' ? '/infer' : ''}` : `${base}?p=${'a'.repeat(len)}`;
    const body = b(isV2(path) ? (VALID_BODIES_V2[0] as string) : (VALID_BODIES_V1[0] as string));
    // Above Node's 16 KiB header limit the parser refuses the request before Fastify sees it (see finish()).
    return { method: 'POST', path, headers: { 'content-type': JSON_CT }, body };
  },

  'unknown-method': (f) => {
    const method = f.pick(['FOO', 'GETT', 'BREW', 'X-CUSTOM', 'post', 'Get']);
    return { method, path: f.pick([V1_PREDICT, V2_INFER, '/healthz']), headers: { 'content-type': JSON_CT }, body: b(VALID_BODIES_V1[0] as string) };
  },

  headers: (f) => {
    const path = target(f);
    const body = b(f.pick(isV2(path) ? VALID_BODIES_V2 : VALID_BODIES_V1));
    const headers: Record<string, string> = { 'content-type': JSON_CT };
    const n = f.range(1, 3);
    for (let i = 0; i < n; i++) {
      const [k, v] = f.pick<[string, string]>([
        ['x-request-id', 'r'.repeat(f.range(120, 140))],
        ['x-request-id', '\u00e9\u00ff'],
        ['x-request-id', '<script>alert(1)</script>'],
        ['x-request-id', ''],
        ['accept', f.pick(['text/html', 'application/xml', '*/*;q=0', 'application/json;q=0', ''])],
        ['accept-encoding', f.pick(['gzip', 'br, deflate', 'identity;q=0', '*;q=0'])],
        ['accept-charset', 'latin1'],
        ['content-encoding', f.pick(['gzip', 'deflate', 'br', 'identity', 'bogus'])],
        ['authorization', f.pick(['Bearer x', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'k'.repeat(600), ''])],
        ['expect', '100-continue'],
        ['connection', f.pick(['close', 'keep-alive', 'upgrade'])],
        ['upgrade', 'websocket'],
        ['x-forwarded-for', '1.2.3.4, ::1, garbage'],
        ['host', f.pick(['', 'evil.example', 'localhost:99999', '[::1'])],
        ['cookie', `a=${'b'.repeat(3000)}`],
        ['x-big', 'v'.repeat(f.range(1000, 12000))],
      ]);
      headers[k] = v;
    }
    // The upgrade and expect headers can make the server take an unusual path: give them a connection of their own.
    return { method: 'POST', path, headers, body, fresh: 'connection' in headers || 'upgrade' in headers || 'expect' in headers || 'host' in headers };
  },
};

/** Relative weights: most of the budget goes to bodies, some to routing and headers. */
const WEIGHTS: Record<keyof typeof generators, number> = {
  'random-bytes': 12,
  'json-soup': 8,
  'invalid-utf8': 10,
  'deep-nesting': 8,
  'huge-string': 8,
  'many-items': 5,
  numbers: 6,
  'duplicate-keys': 4,
  'prototype-keys': 5,
  'wrong-types': 10,
  'empty-body': 4,
  'content-type': 8,
  mutation: 16,
  routes: 6,
  urls: 6,
  'long-url': 2,
  'unknown-method': 1,
  headers: 4,
};

export const FUZZ_KINDS: readonly string[] = Object.keys(generators);

const KNOWN_METHODS = new Set(METHODS);

/** Marks what Node's HTTP parser may refuse: such requests get a connection of their own, which the server may close. */
function finish(c: FuzzCase): FuzzCase {
  const head = c.method.length + c.path.length + Object.entries(c.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  const refused = !KNOWN_METHODS.has(c.method.toUpperCase()) || !/^[\x21-\x7e]*$/.test(c.path) || head > 15000;
  return refused ? { ...c, parserMayRefuse: true, fresh: true, mayReset: true } : c;
}

/** `count` cases from `seed`: every kind at least once, then weighted random kinds. */
export function generateCases(seed: number, count: number, limits: FuzzLimits): FuzzCase[] {
  const f = new Fuzz(seed);
  const kinds = Object.keys(generators);
  const total = kinds.reduce((s, k) => s + (WEIGHTS[k] as number), 0);
  const cases: FuzzCase[] = [];
  for (let id = 0; id < count; id++) {
    let kind = kinds[id] as string | undefined;
    if (kind === undefined) {
      let r = f.int(total);
      kind = kinds.find((k) => (r -= WEIGHTS[k] as number) < 0) as string;
    }
    const gen = generators[kind] as (f: Fuzz, l: FuzzLimits) => Draft;
    cases.push(finish({ id, kind, ...gen(f, limits) }));
  }
  return cases;
}

/** Deeply nested and very large bodies, for a server running with a production-size body limit. */
export function deepCases(limits: FuzzLimits): FuzzCase[] {
  const out: Draft[] = [];
  const nested = (open: string, core: string, close: string, depth: number): string => open.repeat(depth) + core + close.repeat(depth);
  for (const depth of [1000, 10000, 50000, 100000]) {
    out.push(post(V1_PREDICT, b(nested('[', '"a"', ']', depth))));
    out.push(post(V1_PREDICT, b(`{"text":${nested('[', '"a"', ']', depth)}}`)));
    out.push(post(V1_PREDICT, b(`{"texts":${nested('[', '"a"', ']', depth)}}`)));
    out.push(post(V1_PREDICT, b(`{"text":${nested('{"a":', '1', '}', depth)}}`)));
    out.push(post(V1_PREDICT, b(nested('{"__proto__":', '1', '}', Math.min(depth, 1000)))));
    out.push(post(V1_PREDICT, b(nested('[', '', '', depth)))); // never closed
    out.push(post(V2_INFER, b(`{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":${nested('[', '"a"', ']', depth)}}]}`)));
    out.push(post(V2_INFER, b(`{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["a"],"parameters":${nested('{"p":', '1', '}', depth)}}]}`)));
    out.push(post(V2_INFER, b(`{"inputs":${nested('[', '{}', ']', depth)}}`)));
  }
  for (const delta of [-1, 0, 1, 1000]) {
    const size = limits.bodyLimit + delta;
    const pre = '{"text":"';
    const body = b(pre + 'a'.repeat(size - pre.length - 2) + '"}');
    out.push(post(V1_PREDICT, body, JSON_CT, { fresh: delta > 0, mayReset: delta > 0 }));
    out.push(post(V1_PREDICT, body, JSON_CT, { chunked: true, fresh: delta > 0, mayReset: delta > 0 }));
  }
  out.push(post(V1_PREDICT, b(`{"texts":[${Array.from({ length: 50000 }, () => '"a"').join(',')}]}`)));
  out.push(post(V2_INFER, b(`{"inputs":[{"name":"text","shape":[50000],"datatype":"BYTES","data":[${Array.from({ length: 50000 }, () => '"a"').join(',')}]}]}`)));
  out.push(post(V1_PREDICT, b(`{${Array.from({ length: 50000 }, (_, i) => `"k${i}":1`).join(',')}}`)));
  return out.map((d, id) => finish({ id, kind: 'large-limit', ...d }));
}

/** One line describing a case, bytes shown escaped, for failure messages. */
export function describeCase(c: FuzzCase, max = 160): string {
  const body = c.body === undefined ? '(no body)' : `${c.body.length} B ${JSON.stringify(c.body.subarray(0, max).toString('latin1'))}${c.body.length > max ? '…' : ''}`;
  const path = c.path.length > max ? `${c.path.slice(0, max)}… (${c.path.length} chars)` : c.path;
  const hs = Object.entries(c.headers)
    .map(([k, v]) => `${k}: ${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v)}`)
    .join('; ');
  return `#${c.id} [${c.kind}] ${c.method} ${JSON.stringify(path)}${c.chunked ? ' chunked' : ''} {${hs}} ${body}`;
}
