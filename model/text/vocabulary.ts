import { ValidationError } from '../errors.js';

export const PAD_TOKEN = '<pad>';
export const UNK_TOKEN = '<unk>';
export const PAD_ID = 0;
export const UNK_ID = 1;
const RESERVED = [PAD_TOKEN, UNK_TOKEN] as const;

export const VOCABULARY_FORMAT = 'gitops-ml/vocabulary';
export const VOCABULARY_FORMAT_VERSION = 1;

export interface VocabularyOptions {
  /** Tokens seen fewer times than this are left out (mapped to <unk>). Default 1. */
  minCount?: number;
  /**
   * Upper bound on the number of entries *including* <pad> and <unk>, so it equals the
   * number of rows of the embedding matrix. Default: unbounded.
   */
  maxSize?: number;
}

/** What `toJSON()` writes into the model artifact. */
export interface VocabularyJSON {
  format: typeof VOCABULARY_FORMAT;
  version: typeof VOCABULARY_FORMAT_VERSION;
  minCount: number;
  maxSize: number | null;
  /** Token per id; index 0 is <pad>, index 1 is <unk>. */
  tokens: string[];
  /** Training-set count per id (0 for the reserved tokens). */
  counts: number[];
}

function compareCodeUnits(a: string, b: string): number {
  // Not localeCompare: the order (and therefore every id) must not depend on the ICU
  // data or locale of the machine that builds the vocabulary.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Token ↔ id mapping. Ids are assigned by descending training count, ties broken by
 * token in code-unit order, so the same data always gives the same ids.
 */
export class Vocabulary {
  private readonly ids: Map<string, number>;

  private constructor(
    private readonly tokens: readonly string[],
    private readonly counts: readonly number[],
    readonly minCount: number,
    readonly maxSize: number | null,
  ) {
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Count tokens over `streams` (one token array per text) and keep the frequent ones. */
  static build(streams: Iterable<readonly string[]>, options: VocabularyOptions = {}): Vocabulary {
    const minCount = options.minCount ?? 1;
    const maxSize = options.maxSize ?? null;
    const problems: string[] = [];
    if (!Number.isInteger(minCount) || minCount < 1) problems.push(`minCount must be an integer >= 1, got ${String(minCount)}`);
    if (maxSize !== null && (!Number.isInteger(maxSize) || maxSize < RESERVED.length)) {
      problems.push(`maxSize must be an integer >= ${RESERVED.length} (it includes ${RESERVED.join(' and ')}), got ${String(maxSize)}`);
    }
    if (problems.length) throw new ValidationError('invalid vocabulary options', problems);

    const counts = new Map<string, number>();
    for (const tokens of streams) {
      for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    // A literal "<pad>"/"<unk>" in the data must not get a second id.
    for (const r of RESERVED) counts.delete(r);

    const kept = [...counts.entries()]
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]));
    const limit = maxSize === null ? kept.length : Math.min(kept.length, maxSize - RESERVED.length);
    const chosen = kept.slice(0, limit);
    return new Vocabulary(
      [...RESERVED, ...chosen.map(([t]) => t)],
      [0, 0, ...chosen.map(([, c]) => c)],
      minCount,
      maxSize,
    );
  }

  /** Number of ids, including <pad> and <unk>. */
  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** Id of `token`, or UNK_ID when it is not in the vocabulary. */
  idOf(token: string): number {
    return this.ids.get(token) ?? UNK_ID;
  }

  /** Token of `id`; throws on an id outside the vocabulary (a corrupt input, not an unknown word). */
  tokenOf(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new RangeError(`id ${id} is outside the vocabulary (size ${this.tokens.length})`);
    return t;
  }

  /** Training count of `token` (0 for unknown and reserved tokens). */
  countOf(token: string): number {
    const id = this.ids.get(token);
    return id === undefined ? 0 : (this.counts[id] ?? 0);
  }

  /**
   * Ids of `tokens`, unknown tokens as UNK_ID. With `length`, the result has exactly that
   * many entries: longer inputs are truncated at the end, shorter ones padded with PAD_ID.
   */
  encode(tokens: readonly string[], length?: number): Int32Array {
    if (length !== undefined && (!Number.isInteger(length) || length < 0)) {
      throw new RangeError(`encode length must be a non-negative integer, got ${length}`);
    }
    const n = length ?? tokens.length;
    const out = new Int32Array(n); // zero-filled = PAD_ID
    const m = Math.min(n, tokens.length);
    for (let i = 0; i < m; i++) out[i] = this.ids.get(tokens[i] as string) ?? UNK_ID;
    return out;
  }

  /** Tokens of `ids`, with padding dropped. */
  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id !== PAD_ID) out.push(this.tokenOf(id));
    }
    return out;
  }

  toJSON(): VocabularyJSON {
    return {
      format: VOCABULARY_FORMAT,
      version: VOCABULARY_FORMAT_VERSION,
      minCount: this.minCount,
      maxSize: this.maxSize,
      tokens: [...this.tokens],
      counts: [...this.counts],
    };
  }

  /** Rebuild from `toJSON()` output (e.g. parsed from an artifact), checking its shape first. */
  static fromJSON(json: unknown): Vocabulary {
    const errors = validateVocabularyJSON(json);
    if (errors.length) throw new ValidationError('invalid vocabulary JSON', errors);
    const v = json as VocabularyJSON;
    return new Vocabulary([...v.tokens], [...v.counts], v.minCount, v.maxSize);
  }
}

/** Every problem with `json` as a vocabulary document (empty when it is valid). */
export function validateVocabularyJSON(json: unknown): string[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return [`expected an object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`];
  }
  const o = json as Record<string, unknown>;
  const errors: string[] = [];
  if (o.format !== VOCABULARY_FORMAT) errors.push(`format must be "${VOCABULARY_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (o.version !== VOCABULARY_FORMAT_VERSION) {
    errors.push(`version must be ${VOCABULARY_FORMAT_VERSION}, got ${JSON.stringify(o.version)}`);
  }
  if (!Number.isInteger(o.minCount) || (o.minCount as number) < 1) errors.push(`minCount must be an integer >= 1, got ${JSON.stringify(o.minCount)}`);
  if (o.maxSize !== null && (!Number.isInteger(o.maxSize) || (o.maxSize as number) < RESERVED.length)) {
    errors.push(`maxSize must be null or an integer >= ${RESERVED.length}, got ${JSON.stringify(o.maxSize)}`);
  }
  const tokens = o.tokens;
  if (!Array.isArray(tokens)) {
    errors.push('tokens must be an array of strings');
  } else {
    if (tokens[0] !== PAD_TOKEN || tokens[1] !== UNK_TOKEN) {
      errors.push(`tokens must start with "${PAD_TOKEN}", "${UNK_TOKEN}", got ${JSON.stringify(tokens.slice(0, 2))}`);
    }
    const seen = new Set<string>();
    tokens.forEach((t, i) => {
      if (typeof t !== 'string' || t === '') errors.push(`tokens[${i}] must be a non-empty string, got ${JSON.stringify(t)}`);
      else if (seen.has(t)) errors.push(`tokens[${i}] ${JSON.stringify(t)} is a duplicate`);
      else seen.add(t);
    });
    if (typeof o.maxSize === 'number' && tokens.length > o.maxSize) {
      errors.push(`tokens has ${tokens.length} entries, more than maxSize ${o.maxSize}`);
    }
  }
  const counts = o.counts;
  if (!Array.isArray(counts)) {
    errors.push('counts must be an array of non-negative integers');
  } else {
    if (Array.isArray(tokens) && counts.length !== tokens.length) {
      errors.push(`counts has ${counts.length} entries but tokens has ${tokens.length}`);
    }
    counts.forEach((c, i) => {
      if (!Number.isInteger(c) || (c as number) < 0) errors.push(`counts[${i}] must be a non-negative integer, got ${JSON.stringify(c)}`);
    });
  }
  // Cap the list so a badly broken file gives a readable message.
  return errors.length > 20 ? [...errors.slice(0, 20), `… and ${errors.length - 20} more`] : errors;
}
