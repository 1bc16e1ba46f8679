import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExamples } from '../../model/data/loaders.js';
import { parseSpec } from '../../model/spec/spec.js';
import type { ModelSpec } from '../../model/spec/spec.js';
import { markNegation, NEGATION_VERSION } from '../../model/text/negation.js';
import { UNK_ID, Vocabulary } from '../../model/text/vocabulary.js';
import { trainModel } from '../../model/train/train.js';
import type { TrainedModel } from '../../model/train/train.js';
import type { Example } from '../../model/types.js';
import { datasetsDir, REPO_ROOT } from '../helpers/datasets.js';

function weightsHash(t: TrainedModel): string {
  const h = createHash('sha256');
  for (const m of t.ensemble.cnn) {
    for (const a of [m.embedding, m.projection, m.convBias, m.outKernel]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    h.update(String(m.outBias));
  }
  for (const g of t.ensemble.gru) {
    for (const a of [g.embedding, g.forward.kernel, g.forward.recurrent, g.backward.kernel, g.backward.recurrent, g.outKernel]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  if (t.ensemble.linear) h.update(new Uint8Array(t.ensemble.linear.weights.buffer));
  return h.digest('hex');
}

let train: Example[];
let dev: Example[];
const cacheDir = mkdtempSync(join(tmpdir(), 'cache-'));

function spec(overrides: Record<string, unknown> = {}): ModelSpec {
  return parseSpec({
    name: 'tiny',
    task: 'binary-text-classification',
    dataset: { train: 'sst2:train_sentences' },
    architecture: { type: 'text-cnn', widths: [1, 2], filters: 8, pretrained: null, embeddingDim: 12, channels: 'non-static', ensemble: 2 },
    training: { epochs: 2, batchSize: 32, seed: 7, parallel: 0, ...overrides },
  });
}

beforeAll(async () => {
  const all = (await loadExamples(join(datasetsDir(), 'sst2/train_sentences.tsv'))).examples;
  train = all.slice(0, 400);
  dev = all.slice(400, 500);
});

describe('seeded training', () => {
  it('the same spec and data give the same weights; another seed gives others', async () => {
    const a = await trainModel({ spec: spec(), train, dev, cacheDir, backend: 'wasm' });
    const b = await trainModel({ spec: spec(), train, dev, cacheDir, backend: 'wasm' });
    const c = await trainModel({ spec: spec({ seed: 8 }), train, dev, cacheDir, backend: 'wasm' });
    expect(weightsHash(a)).toBe(weightsHash(b));
    expect(weightsHash(c)).not.toBe(weightsHash(a));
    expect(a.members).toHaveLength(2);
    expect(a.seeds[0]).not.toBe(a.seeds[1]);
    // History records loss and dev accuracy per epoch, and the loss goes down.
    const h = a.members[0]?.history ?? [];
    expect(h).toHaveLength(2);
    expect(h[1]?.loss).toBeLessThan(h[0]?.loss as number);
    expect(h[0]?.devAccuracy).toBeGreaterThanOrEqual(0);
  });

  it('a bidirectional-GRU ensemble with the n-gram member is reproducible too', async () => {
    const gru = (seed: number): ModelSpec =>
      parseSpec({
        name: 'tiny-gru',
        task: 'binary-text-classification',
        dataset: { train: 'sst2:train_sentences' },
        architecture: { type: 'bigru', hidden: 6, pretrained: null, embeddingDim: 8, ensemble: 2, ngramMember: { enabled: true, epochs: 2 } },
        training: { epochs: 1, batchSize: 32, seed, parallel: 0 },
      });
    const a = await trainModel({ spec: gru(3), train, dev, cacheDir, backend: 'wasm' });
    const b = await trainModel({ spec: gru(3), train, dev, cacheDir, backend: 'wasm' });
    const c = await trainModel({ spec: gru(4), train, dev, cacheDir, backend: 'wasm' });
    expect(a.ensemble.gru).toHaveLength(2);
    expect(a.ensemble.cnn).toHaveLength(0);
    expect(a.ensemble.linear).toBeDefined();
    expect(weightsHash(a)).toBe(weightsHash(b));
    expect(weightsHash(c)).not.toBe(weightsHash(a));
  });

  it('reports progress with epoch, loss, dev accuracy and an ETA', async () => {
    const lines: string[] = [];
    await trainModel({ spec: spec({ epochs: 1 }), train, dev, cacheDir, backend: 'wasm', progress: { status: () => undefined, line: (l) => lines.push(l) } });
    const epochLines = lines.filter((l) => /member \d\/2 epoch 1\/1 loss \d\.\d{4} dev_acc \d\.\d{4}.* ETA /.test(l));
    expect(epochLines).toHaveLength(2);
  });
});

/** A tiny BiGRU spec (random 12-d embeddings, one member) whose neural members read negation as `negation` says. */
function tinyGru(negation: 'none' | 'mark' | 'shift' | 'affine'): ModelSpec {
  return parseSpec({
    name: 'tiny',
    task: 'binary-text-classification',
    dataset: { train: 'sst2:train_sentences' },
    architecture: { type: 'bigru', hidden: 8, pretrained: null, embeddingDim: 12, ensemble: 1, negation },
    preprocessing: { minCount: 1 },
    training: { epochs: 1, batchSize: 32, seed: 7, parallel: 0 },
  });
}

describe('negation marks for the neural members (architecture.negation: "mark")', () => {
  it('the vocabulary holds NEG_ words, the tokenizer file says so, and the served model encodes negated words as them', async () => {
    const marked = tinyGru('mark');
    const extra: Example[] = [
      { text: 'this is not good .', label: 0 },
      { text: 'good fun', label: 1 },
    ];
    const t = await trainModel({ spec: marked, train: [...train, ...extra], dev, cacheDir, backend: 'wasm' });
    expect(t.tokenizer.negation).toBe(NEGATION_VERSION);
    const tokens = t.tokenizer.vocabulary.tokens;
    expect(tokens).toContain('NEG_good');
    const { SentimentModel } = await import('../../model/inference/sentiment-model.js');
    const model = new SentimentModel({ name: 'tiny', version: '0.0.1' } as never, t.tokenizer, t.ensemble);
    const ids = [...model.encode('not good')];
    expect(ids.map((i) => tokens[i])).toEqual(['not', 'NEG_good']);
    expect([...model.encode('good')].map((i) => tokens[i])).toEqual(['good']);
    // The served model finds a marked word's id by its plain form; the definition is the marked string's id (UNK when unseen).
    const vocabulary = Vocabulary.fromJSON(t.tokenizer.vocabulary);
    for (const text of ['this is not good .', 'not wonderful , but good', "I didn't like it, never again!", 'no zyzzyva here', 'good fun']) {
      expect([...model.encode(text)]).toEqual([...vocabulary.encode(markNegation(model.tokens(text)))]);
    }
    expect([...model.encode('not zyzzyva')]).toEqual([tokens.indexOf('not'), UNK_ID]);
    // A model trained without marks reads the words as they are.
    const plain = await trainModel({ spec: tinyGru('none'), train: [...train, ...extra], dev, cacheDir, backend: 'wasm' });
    expect(plain.tokenizer.negation).toBeUndefined();
    expect(plain.tokenizer.vocabulary.tokens.some((w) => w.startsWith('NEG_'))).toBe(false);
  }, 120_000);
});

describe('a shared negation shift for the GRU (architecture.negation: "shift")', () => {
  it('every word gets its NEG_ row, each the word plus one shared vector; the export is a plain embedding the served model reads', async () => {
    const shifted = tinyGru('shift');
    const t = await trainModel({ spec: shifted, train, dev, cacheDir, backend: 'wasm' });
    expect(t.tokenizer.negation).toBe(NEGATION_VERSION);
    const tokens = t.tokenizer.vocabulary.tokens;
    const words = tokens.length / 2;
    expect(Number.isInteger(words)).toBe(true);
    for (let i = 0; i < words; i++) expect(tokens[words + i]).toBe(`NEG_${tokens[i] as string}`);
    const g = t.ensemble.gru[0];
    if (!g) throw new Error('no GRU member');
    expect(g.config.vocabSize).toBe(tokens.length);
    expect(g.config.negationShift).toBeUndefined();
    expect(g.embedding.length).toBe(tokens.length * 12);
    // NEG_w − w is the same vector for every word, and training moved it off zero.
    const delta = (i: number): number[] => Array.from({ length: 12 }, (_, d) => (g.embedding[(words + i) * 12 + d] as number) - (g.embedding[i * 12 + d] as number));
    const shift = delta(2);
    expect(Math.max(...shift.map(Math.abs))).toBeGreaterThan(1e-4);
    for (const i of [3, 10, words - 1]) delta(i).forEach((v, d) => expect(v).toBeCloseTo(shift[d] as number, 5));
    const { SentimentModel } = await import('../../model/inference/sentiment-model.js');
    const model = new SentimentModel({ name: 'tiny', version: '0.0.1' } as never, t.tokenizer, t.ensemble);
    const good = tokens.indexOf('good');
    expect(good).toBeGreaterThan(1);
    expect([...model.encode('not good')]).toEqual([tokens.indexOf('not'), words + good]);
    expect(model.score('not good')).not.toBeCloseTo(model.score('good'), 6);
  }, 120_000);

  it('"affine" gives NEG_w = A·w + b with A learned: the offset differs from word to word, and the export is still a plain embedding', async () => {
    const t = await trainModel({ spec: tinyGru('affine'), train, dev, cacheDir, backend: 'wasm' });
    const tokens = t.tokenizer.vocabulary.tokens;
    const words = tokens.length / 2;
    for (let i = 0; i < words; i++) expect(tokens[words + i]).toBe(`NEG_${tokens[i] as string}`);
    const g = t.ensemble.gru[0];
    if (!g) throw new Error('no GRU member');
    expect(g.embedding.length).toBe(tokens.length * 12);
    const delta = (i: number): number[] => Array.from({ length: 12 }, (_, d) => (g.embedding[(words + i) * 12 + d] as number) - (g.embedding[i * 12 + d] as number));
    // NEG_ of the zero padding row is b alone; a word's offset is (A − I)·w + b, which a shift could not give.
    const b = Array.from({ length: 12 }, (_, d) => g.embedding[words * 12 + d] as number);
    const offsets = [2, 3, 10, words - 1].map(delta);
    const spread = Math.max(...offsets.flatMap((o) => o.map((v, d) => Math.abs(v - (b[d] as number)))));
    expect(spread).toBeGreaterThan(1e-4);
    const { SentimentModel } = await import('../../model/inference/sentiment-model.js');
    const model = new SentimentModel({ name: 'tiny', version: '0.0.1' } as never, t.tokenizer, t.ensemble);
    const good = tokens.indexOf('good');
    expect([...model.encode('not good')]).toEqual([tokens.indexOf('not'), words + good]);
  }, 120_000);

  it('is refused for the CNN', async () => {
    const cnn = parseSpec({ name: 'tiny', task: 'binary-text-classification', dataset: { train: 'sst2:train_sentences' }, architecture: { type: 'text-cnn', widths: [1], filters: 4, pretrained: null, embeddingDim: 8, negation: 'shift' }, training: { epochs: 1, parallel: 0 } });
    await expect(trainModel({ spec: cnn, train: train.slice(0, 50), dev, cacheDir, backend: 'wasm' })).rejects.toThrow('architecture.negation "shift" needs the bigru architecture, not text-cnn');
  });
});

describe('the neural member in a worker thread while the main thread trains the n-gram member', () => {
  // Jest runs the TypeScript sources, where no worker script exists; the built module does.
  it('gives the same weights as training both in process (training.parallel 2 against 0)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const { pathToFileURL } = await import('node:url');
    const dist = pathToFileURL(join(REPO_ROOT, 'dist/model')).href;
    const script = `
      import { createHash } from 'node:crypto';
      import { parseSpec } from '${dist}/spec/spec.js';
      import { loadExamples } from '${dist}/data/loaders.js';
      import { trainModel } from '${dist}/train/train.js';
      const all = (await loadExamples(process.env.TRAIN_FILE)).examples;
      const lines = [];
      const out = {};
      for (const parallel of [0, 2]) {
        const spec = parseSpec({ name: 'tiny-gru', task: 'binary-text-classification', dataset: { train: 'sst2:train_sentences' },
          architecture: { type: 'bigru', hidden: 6, pretrained: null, embeddingDim: 8, ensemble: 1, ngramMember: { enabled: true, epochs: 2 } },
          training: { epochs: 1, batchSize: 32, seed: 5, parallel } });
        const t = await trainModel({ spec, train: all.slice(0, 300), dev: all.slice(300, 360), cacheDir: process.env.CACHE_DIR, backend: 'wasm',
          progress: { status: () => undefined, line: (l) => lines.push(l) } });
        const h = createHash('sha256');
        const g = t.ensemble.gru[0];
        for (const a of [g.embedding, g.forward.kernel, g.forward.recurrent, g.backward.kernel, g.backward.recurrent, g.outKernel, t.ensemble.linear.weights]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        out[parallel] = h.digest('hex');
      }
      process.stdout.write(JSON.stringify({ out, alongside: lines.filter((l) => l.includes('alongside on the main thread')).length }));
    `;
    const file = join(cacheDir, 'train-alongside.mjs');
    writeFileSync(file, script);
    const stdout = execFileSync(process.execPath, [file], {
      cwd: REPO_ROOT,
      env: { ...process.env, TRAIN_FILE: join(datasetsDir(), 'sst2/train_sentences.tsv'), CACHE_DIR: cacheDir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = JSON.parse(stdout) as { out: Record<string, string>; alongside: number };
    expect(r.alongside).toBe(1);
    expect(r.out['2']).toMatch(/^[0-9a-f]{64}$/);
    expect(r.out['2']).toBe(r.out['0']);
  });
});
