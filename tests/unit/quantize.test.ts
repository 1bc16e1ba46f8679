import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { listVersions, loadArtifact, saveArtifact } from '../../model/artifact/artifact.js';
import type { SaveArtifactInput } from '../../model/artifact/artifact.js';
import { REQUIRED_FILES } from '../../model/artifact/files.js';
import { verifyArtifactFiles } from '../../model/artifact/manifest.js';
import { QUANTIZATION_FILE, float16BitsToFloat32, float32ToFloat16Bits, measureQuantization, quantizeArtifact, quantizeTensor } from '../../model/artifact/quantize.js';
import type { QuantizationReport, QuantizationDtype } from '../../model/artifact/quantize.js';
import { GitopsMlError } from '../../model/errors.js';
import type { SentimentModel } from '../../model/inference/sentiment-model.js';
import { initBackend } from '../../model/nn/backend.js';
import type { BiGruWeights } from '../../model/nn/bigru.js';
import type { EnsembleWeights } from '../../model/nn/layers-export.js';
import { NgramFeaturizer } from '../../model/nn/ngram-features.js';
import type { NgramVocabularyJSON } from '../../model/nn/ngram-features.js';
import type { TextCnnWeights } from '../../model/nn/text-cnn.js';
import { Vocabulary } from '../../model/text/vocabulary.js';
import type { Label } from '../../model/types.js';
import { createRng } from '../../model/util/random.js';
import { artifactFixture } from '../helpers/artifact-fixture.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const WORDS = 1500;
const NGRAMS = 1200;
const words = Array.from({ length: WORDS }, (_, i) => `word${i}`);

/**
 * The helper's fixture with a realistic shape: a 1502×16 embedding (the tensor that
 * dominates a real model, and big enough to be quantized by default), a text CNN whose
 * kernels stay small, optionally a GRU member, and an n-gram member with a 1201-row
 * table. Weights uniform in [-0.5, 0.5), like the helper's.
 */
function sizedFixture(opts: { gru?: boolean; linear?: boolean } = {}): SaveArtifactInput & { root: string } {
  const base = artifactFixture();
  const vocabulary = Vocabulary.build([words]);
  const rng = createRng(11);
  const r = (n: number, spread = 1): Float32Array => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * spread);
  const dim = 16;
  const widths = [1, 2];
  const filters = 8;
  const embedding = (): Float32Array => {
    const e = r(vocabulary.size * dim);
    e.fill(0, 0, dim); // padding row
    return e;
  };
  const cnn: TextCnnWeights = {
    kind: 'text-cnn',
    config: { vocabSize: vocabulary.size, dim, widths, filters, dropout: 0, staticColumns: 0 },
    embedding: embedding(),
    projection: r(dim * 3 * filters),
    convBias: r(widths.length * filters, 0.2),
    outKernel: r(widths.length * filters),
    outBias: 0.05,
  };
  const hidden = 8;
  const dir = (): BiGruWeights['forward'] => ({ kernel: r(dim * 3 * hidden), recurrent: r(hidden * 3 * hidden), bias: r(3 * hidden, 0.2) });
  const gru: BiGruWeights = { kind: 'bigru', config: { vocabSize: vocabulary.size, dim, hidden, dropout: 0 }, embedding: embedding(), forward: dir(), backward: dir(), outKernel: r(2 * hidden, 2), outBias: -0.1 };
  const ngrams: NgramVocabularyJSON = { ngrams: words.slice(0, NGRAMS), idf: Array.from({ length: NGRAMS }, (_, i) => 1 + (i % 7) / 3), maxN: 2 };
  const ensemble: EnsembleWeights = opts.linear
    ? { cnn: [cnn], gru: opts.gru ? [gru] : [], linear: { weights: r(NGRAMS, 4), bias: 0.2 }, linearShare: 0.4 }
    : { cnn: [cnn], gru: opts.gru ? [gru] : [], linearShare: 0 };
  return {
    ...base,
    metadata: { ...base.metadata, preprocessing: { ...base.metadata.preprocessing, vocabulary_size: vocabulary.size } },
    tokenizer: { ...base.tokenizer, vocabulary: vocabulary.toJSON(), ...(opts.linear ? { ngrams } : {}) },
    ensemble,
  };
}

/** Texts over the fixture's words (with some unknown tokens and a short and a long one). */
function texts(n = 200, seed = 3): string[] {
  const rng = createRng(seed);
  const out = ['word1', 'an unknown text', words.slice(0, 60).join(' ')];
  while (out.length < n) {
    const len = 2 + Math.floor(rng.next() * 15);
    out.push(Array.from({ length: len }, () => (rng.next() < 0.1 ? 'zzz' : (words[Math.floor(rng.next() * WORDS)] as string))).join(' '));
  }
  return out;
}

function maxAbsDiff(a: Float32Array | number[], b: Float32Array | number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * A worst-case bound on |Δscore| of a CNN (+ optional n-gram) ensemble from the actual
 * weights and the actual per-tensor errors δ (measured between the float32 and the
 * dequantized weights), valid for every text:
 *   conv pre-activation j: |Δ| ≤ δb + Σ_{k,d} ((Emax+δE)·δP + δE·|P_kdj|)   (E'P' − EP = E'ΔP + ΔE·P)
 *   pooled feature j (ReLU and max are 1-Lipschitz): same bound; |f_j| ≤ |b_j| + Emax·Σ_{k,d}|P_kdj|
 *   logit: |Δ| ≤ δbo + Σ_j (|K_j|·Δf_j + δK·(|f_j| + Δf_j));  sigmoid' ≤ 1/4
 *   n-gram logit: |Δ| ≤ δbias + δw·‖tfidf‖₁ (per text)
 * and the mix is (1−s)·cnn + s·linear.
 */
function scoreBound(orig: EnsembleWeights, q: EnsembleWeights, linL1 = 0): number {
  expect(orig.cnn).toHaveLength(1);
  expect(orig.gru).toHaveLength(0);
  const a = orig.cnn[0] as TextCnnWeights;
  const b = q.cnn[0] as TextCnnWeights;
  const { dim, widths, filters } = a.config;
  const cols = widths.reduce((s, w) => s + w, 0) * filters;
  const dE = maxAbsDiff(a.embedding, b.embedding);
  const dP = maxAbsDiff(a.projection, b.projection);
  const db = maxAbsDiff(a.convBias, b.convBias);
  const dK = maxAbsDiff(a.outKernel, b.outKernel);
  const dbo = Math.abs(a.outBias - b.outBias);
  const eMax = maxAbs(a.embedding);
  let dLogit = dbo;
  let start = 0;
  widths.forEach((w, wi) => {
    for (let j = 0; j < filters; j++) {
      let absP = 0;
      for (let k = 0; k < w; k++) for (let d = 0; d < dim; d++) absP += Math.abs(a.projection[d * cols + start + k * filters + j] as number);
      const bias = a.convBias[wi * filters + j] as number;
      const dF = db + w * dim * (eMax + dE) * dP + dE * absP;
      const f = Math.abs(bias) + eMax * absP;
      dLogit += Math.abs(a.outKernel[wi * filters + j] as number) * dF + dK * (f + dF);
    }
    start += w * filters;
  });
  const cnnBound = dLogit / 4;
  if (!orig.linear || !q.linear) return cnnBound;
  const linBound = (Math.abs(orig.linear.bias - q.linear.bias) + maxAbsDiff(orig.linear.weights, q.linear.weights) * linL1) / 4;
  return (1 - orig.linearShare) * cnnBound + orig.linearShare * linBound;
}

function scores(model: SentimentModel, xs: string[]): number[] {
  return model.predictBatch(xs).map((p) => p.score);
}

function readReport(dir: string): QuantizationReport {
  return JSON.parse(readFileSync(join(dir, QUANTIZATION_FILE), 'utf8')) as QuantizationReport;
}

async function thrown(p: Promise<unknown>): Promise<GitopsMlError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitopsMlError);
  return err as GitopsMlError;
}

describe('quantizeTensor (what TF.js decodes back)', () => {
  const rng = createRng(1);
  const values = Float32Array.from({ length: 5000 }, () => (rng.next() - 0.3) * 3);
  values[17] = 0;
  const decode = (bytes: Uint8Array, quantization: object, n = values.length): Float32Array => {
    const spec = { name: 'w', shape: [n], dtype: 'float32' as const, quantization } as tf.io.WeightsManifestEntry;
    const t = tf.io.decodeWeights(bytes.slice().buffer, [spec])['w'] as tf.Tensor;
    const out = t.dataSync() as Float32Array;
    t.dispose();
    return out;
  };

  it.each(['uint8', 'uint16'] as const)('%s: affine, zero exact, error at most scale/2, as TF.js decodes it', (dtype) => {
    const q = quantizeTensor(values, dtype);
    expect(q.bytes.byteLength).toBe(values.length * (dtype === 'uint8' ? 1 : 2));
    const { scale, min } = q.quantization as { scale: number; min: number };
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    expect(scale).toBeCloseTo((hi - lo) / (dtype === 'uint8' ? 255 : 65535), 12);
    expect(Math.abs(min - lo)).toBeLessThanOrEqual(scale / 2 + 1e-12); // nudged by at most half a step
    const back = decode(q.bytes, q.quantization);
    expect(back[17]).toBe(0);
    const err = maxAbsDiff(back, values);
    expect(err).toBe(q.max_abs_error);
    expect(err).toBeLessThanOrEqual(scale / 2 + 1e-6 * Math.max(-lo, hi));
  });

  it('float16: round to nearest even, relative error at most 2^-11, as TF.js decodes it', () => {
    const q = quantizeTensor(values, 'float16');
    expect(q.quantization).toEqual({ dtype: 'float16' });
    const back = decode(q.bytes, q.quantization);
    back.forEach((v, i) => expect(Math.abs(v - (values[i] as number))).toBeLessThanOrEqual(Math.abs(values[i] as number) * 2 ** -11 + 2 ** -25));
    expect(maxAbsDiff(back, values)).toBe(q.max_abs_error);
    // Edge cases: exact values, subnormals, ties to even, the largest finite half.
    for (const x of [0, -0, 1, -2.5, 65504, 2 ** -14, 2 ** -24, 3 * 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11]) {
      expect(float16BitsToFloat32(float32ToFloat16Bits(x))).toBe(
        x === 3 * 2 ** -25 ? 2 * 2 ** -24 : x === 1 + 2 ** -11 ? 1 : x === 1 + 3 * 2 ** -11 ? 1 + 2 ** -9 : x,
      );
    }
    expect(float16BitsToFloat32(float32ToFloat16Bits(2 ** -26))).toBe(0);
  });

  it('refuses non-finite weights and values beyond float16, and handles a constant tensor', () => {
    expect(() => quantizeTensor(Float32Array.from([1, NaN]), 'uint8', 'emb')).toThrow(/weight emb holds a non-finite value \(NaN\) at index 1/);
    expect(() => quantizeTensor(Float32Array.from([1, 70000]), 'float16', 'emb')).toThrow(/beyond float16's ±65504: use uint8 or uint16/);
    const c = quantizeTensor(new Float32Array(10).fill(0.3), 'uint8');
    expect(Array.from(decode(c.bytes, c.quantization, 10))).toEqual(Array.from(new Float32Array(10).fill(0.3)));
  });
});

describe('quantizeArtifact', () => {
  it('uint8: embeddings and the n-gram table shrink 4×, the artifact loads with loadArtifact and predicts within the worst-case bound', async () => {
    const input = sizedFixture({ linear: true });
    const src = await saveArtifact(input);
    const outRoot = join(input.root, 'quantized');
    const res = await quantizeArtifact(src, outRoot, { dtype: 'uint8' });
    expect(res.dir).toBe(join(outRoot, 'sentiment', '0.1.0'));
    expect(readdirSync(res.dir).sort()).toEqual(['manifest.json', 'metadata.json', 'model-card.md', 'model.json', QUANTIZATION_FILE, 'tokenizer.json', 'weights.bin']);

    // Which tensors: the two big float32 tables; biases, kernels < 1024 values and the mix stay float32.
    const modelJson = JSON.parse(readFileSync(join(res.dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
    const quantizedNames = specs.filter((s) => s.quantization).map((s) => s.name);
    expect(quantizedNames.sort()).toEqual(['lin_weights/embeddings', 'm0_embedding/embeddings']);
    for (const s of specs.filter((x) => x.quantization)) {
      expect(s.dtype).toBe('float32');
      expect(s.quantization).toEqual({ dtype: 'uint8', scale: expect.any(Number), min: expect.any(Number) });
    }

    // Sizes, computed from the shapes: 1 byte per quantized value, 4 per kept value.
    const count = (s: tf.io.WeightsManifestEntry): number => s.shape.reduce((p, d) => p * d, 1);
    const quantizedValues = specs.filter((s) => s.quantization).reduce((n, s) => n + count(s), 0);
    const keptValues = specs.filter((s) => !s.quantization).reduce((n, s) => n + count(s), 0);
    expect(res.bytes_before).toBe(readFileSync(join(src, 'weights.bin')).byteLength);
    expect(res.bytes_before).toBe(4 * (quantizedValues + keptValues));
    expect(res.bytes_after).toBe(readFileSync(join(res.dir, 'weights.bin')).byteLength);
    expect(res.bytes_after).toBe(quantizedValues + 4 * keptValues);
    const report = readReport(res.dir);
    const qBefore = report.quantized.reduce((n, t) => n + t.bytes_before, 0);
    const qAfter = report.quantized.reduce((n, t) => n + t.bytes_after, 0);
    expect(qAfter / qBefore).toBe(0.25);
    // The embedding dominates, so the whole file shrinks almost as much.
    expect(res.bytes_after).toBeLessThan(0.35 * res.bytes_before);
    expect(report).toMatchObject({ schema_version: 1, dtype: 'uint8', min_elements: 1024, weights_bytes_before: res.bytes_before, weights_bytes_after: res.bytes_after, source: { name: 'sentiment', version: '0.1.0' } });
    expect(report.source.weights_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.kept.map((k) => k.name)).toContain('m0_conv1/bias');

    // The manifest is fresh and complete, and the unchanged loader accepts the result.
    const verified = verifyArtifactFiles(res.dir, REQUIRED_FILES);
    expect([...verified.keys()].sort()).toEqual(['metadata.json', 'model-card.md', 'model.json', QUANTIZATION_FILE, 'tokenizer.json', 'weights.bin']);
    const original = await loadArtifact(src);
    const quantized = await loadArtifact(res.dir);
    expect(quantized.metadata).toEqual(original.metadata);

    // extractEnsemble ran on dequantized float32 tensors: right shapes, error at most scale/2, padding row still exactly 0.
    const emb = quantized.ensemble.cnn[0]?.embedding as Float32Array;
    expect(emb).toBeInstanceOf(Float32Array);
    expect(emb).toHaveLength(1502 * 16);
    expect(Array.from(emb.subarray(0, 16))).toEqual(new Array(16).fill(0));
    const embRecord = report.quantized.find((t) => t.name === 'm0_embedding/embeddings');
    const embScale = embRecord?.quantization.scale as number;
    expect(maxAbsDiff(emb, original.ensemble.cnn[0]?.embedding as Float32Array)).toBeLessThanOrEqual(embScale / 2 + 1e-7);
    expect(maxAbsDiff(emb, original.ensemble.cnn[0]?.embedding as Float32Array)).toBeCloseTo(embRecord?.max_abs_error as number, 7);
    expect(quantized.ensemble.cnn[0]?.projection).toEqual(original.ensemble.cnn[0]?.projection); // kept float32: bit-identical
    expect(quantized.ensemble.linearShare).toBe(original.ensemble.linearShare);

    const xs = texts();
    const before = scores(original, xs);
    const after = scores(quantized, xs);
    const featurizer = new NgramFeaturizer(input.tokenizer.ngrams as NgramVocabularyJSON);
    let worst = 0;
    xs.forEach((text, i) => {
      const l1 = featurizer.featurize(original.tokens(text)).values.reduce((s, v) => s + Math.abs(v), 0);
      const bound = scoreBound(original.ensemble, quantized.ensemble, l1);
      const delta = Math.abs((after[i] as number) - (before[i] as number));
      expect(delta).toBeLessThanOrEqual(bound + 1e-6); // + float32 rounding in the predictors
      worst = Math.max(worst, delta);
      expect(bound).toBeLessThan(0.02); // ≈ 0.009 here: the bound itself is small, not just the measured delta (≈ 0.001)
    });
    expect(worst).toBeGreaterThan(0); // the comparison is not vacuous
    expect(new Set(before.map((s) => s.toFixed(3))).size).toBeGreaterThan(20);
  });

  it('uint8 of every tensor (minElements 0) on the small helper fixture stays within the worst-case bound', async () => {
    const input = artifactFixture();
    const src = await saveArtifact(input);
    const res = await quantizeArtifact(src, join(input.root, 'q'), { dtype: 'uint8', minElements: 0 });
    const report = readReport(res.dir);
    expect(report.kept).toEqual([]);
    expect(res.bytes_after * 4).toBe(res.bytes_before);
    const original = await loadArtifact(src);
    const quantized = await loadArtifact(res.dir);
    // Weights uniform in [-0.5, 0.5): scale ≈ 1/255, δ ≤ 0.002 per weight; the bound from the actual weights is ≈ 0.006.
    const bound = scoreBound(original.ensemble, quantized.ensemble);
    expect(bound).toBeLessThan(0.02);
    const xs = ['good movie', 'not a good movie', 'bad', 'great great great', 'movie not bad', 'unknown words only'];
    const m = measureQuantization(original, quantized, xs.map((text, i) => ({ text, label: (i % 2) as Label })));
    expect(m.max_abs_score_delta).toBeLessThanOrEqual(bound + 1e-6);
    expect(m.max_abs_score_delta).toBeGreaterThan(0);
  });

  it('float16 and uint16: round-trip error is tiny and predictions barely move', async () => {
    const input = sizedFixture({ linear: true });
    const src = await saveArtifact(input);
    const original = await loadArtifact(src);
    const xs = texts(100);
    const before = scores(original, xs);
    for (const dtype of ['float16', 'uint16'] as QuantizationDtype[]) {
      const res = await quantizeArtifact(src, join(input.root, dtype), { dtype });
      const report = readReport(res.dir);
      expect(report.quantized.reduce((n, t) => n + t.bytes_after, 0) * 2).toBe(report.quantized.reduce((n, t) => n + t.bytes_before, 0));
      const quantized = await loadArtifact(res.dir);
      const a = original.ensemble.cnn[0]?.embedding as Float32Array;
      const b = quantized.ensemble.cnn[0]?.embedding as Float32Array;
      // float16: relative 2^-11 of |w| ≤ 0.5; uint16: scale/2 = 1/131070 of the range.
      expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(dtype === 'float16' ? 0.5 * 2 ** -11 : 1 / 131070 + 1e-7);
      expect(maxAbsDiff(original.ensemble.linear?.weights as Float32Array, quantized.ensemble.linear?.weights as Float32Array)).toBeLessThanOrEqual(
        dtype === 'float16' ? 2 * 2 ** -11 : 4 / 131070 + 1e-7,
      );
      const after = scores(quantized, xs);
      expect(maxAbsDiff(before, after)).toBeLessThan(1e-3);
      expect(maxAbsDiff(before, after)).toBeLessThanOrEqual(scoreBound(original.ensemble, quantized.ensemble, Math.sqrt(60)) /* ‖tfidf‖₁ ≤ √nnz, nnz ≤ 60 here */ + 1e-6);
    }
  });

  it('GRU members are extracted from dequantized weights and agree with the original', async () => {
    const input = sizedFixture({ gru: true });
    const src = await saveArtifact(input);
    const res = await quantizeArtifact(src, join(input.root, 'q'), { dtype: 'uint8' });
    const report = readReport(res.dir);
    expect(report.quantized.map((t) => t.name).sort()).toEqual(['g0_embedding/embeddings', 'm0_embedding/embeddings']);
    const original = await loadArtifact(src);
    const quantized = await loadArtifact(res.dir);
    const g = quantized.ensemble.gru[0] as BiGruWeights;
    expect(g.config).toEqual({ vocabSize: 1502, dim: 16, hidden: 8, dropout: 0 });
    const gScale = report.quantized.find((t) => t.name === 'g0_embedding/embeddings')?.quantization.scale as number;
    expect(maxAbsDiff(g.embedding, original.ensemble.gru[0]?.embedding as Float32Array)).toBeLessThanOrEqual(gScale / 2 + 1e-7);
    expect(g.forward.kernel).toEqual(original.ensemble.gru[0]?.forward.kernel);
    // No closed-form bound through the recurrence; an embedding error ≤ 0.002 moves these scores by ~1e-3.
    const xs = texts(100);
    expect(maxAbsDiff(scores(original, xs), scores(quantized, xs))).toBeLessThan(0.01);
  });

  it('a tampered quantized weight file is refused', async () => {
    const input = sizedFixture();
    const res = await quantizeArtifact(await saveArtifact(input), join(input.root, 'q'), { dtype: 'uint8' });
    const path = join(res.dir, 'weights.bin');
    const bytes = readFileSync(path);
    bytes[100] = (bytes[100] as number) ^ 0x01;
    writeFileSync(path, bytes);
    const err = await thrown(loadArtifact(res.dir));
    expect(err.code).toBe('E_ARTIFACT_CHECKSUM');
    expect(err.message).toMatch(/weights\.bin: sha256 .* does not match the manifest/);
  });

  it('refuses to quantize an already-quantized artifact, and a tampered source', async () => {
    const input = sizedFixture();
    const src = await saveArtifact(input);
    const res = await quantizeArtifact(src, join(input.root, 'q'), { dtype: 'uint8' });
    const err = await thrown(quantizeArtifact(res.dir, join(input.root, 'qq'), { dtype: 'float16' }));
    expect(err.code).toBe('E_ARTIFACT_QUANTIZED');
    expect(err.message).toMatch(/is already quantized \(uint8, e\.g\. m0_embedding\/embeddings\): quantize the float32 original instead/);
    expect(existsSync(join(input.root, 'qq'))).toBe(false);

    const path = join(src, 'weights.bin');
    const bytes = readFileSync(path);
    bytes[8] = (bytes[8] as number) ^ 0xff;
    writeFileSync(path, bytes);
    expect((await thrown(quantizeArtifact(src, join(input.root, 'q2'), { dtype: 'uint8' }))).code).toBe('E_ARTIFACT_CHECKSUM');
  });

  it('a bad dtype or option is refused with the allowed values, before anything is read or written', async () => {
    const input = artifactFixture();
    const src = await saveArtifact(input);
    const err = await thrown(quantizeArtifact(src, join(input.root, 'q'), { dtype: 'int8' as QuantizationDtype }));
    expect(err.code).toBe('E_QUANTIZE_DTYPE');
    expect(err.message).toBe('unsupported quantization dtype "int8": allowed values are "uint8", "uint16", "float16"');
    expect((await thrown(quantizeArtifact('/nonexistent', join(input.root, 'q'), { dtype: 'float32' as QuantizationDtype }))).code).toBe('E_QUANTIZE_DTYPE');
    expect((await thrown(quantizeArtifact(src, join(input.root, 'q'), { dtype: 'uint8', minElements: -1 }))).message).toMatch(/minElements must be a non-negative integer/);
    expect(existsSync(join(input.root, 'q'))).toBe(false);
  });

  it('writes a new version beside the original, never over an existing one', async () => {
    const input = sizedFixture();
    const src = await saveArtifact(input);
    const res = await quantizeArtifact(src, input.root, { dtype: 'uint8', version: '0.1.1' });
    expect(res.dir).toBe(join(input.root, 'sentiment', '0.1.1'));
    expect(listVersions(input.root, 'sentiment')).toEqual(['0.1.0', '0.1.1']);
    expect((await loadArtifact(res.dir)).version).toBe('0.1.1');
    expect(readReport(res.dir).source.version).toBe('0.1.0');
    const err = await thrown(quantizeArtifact(src, input.root, { dtype: 'uint8' }));
    expect(err.code).toBe('E_ARTIFACT_EXISTS');
    expect((await thrown(quantizeArtifact(src, input.root, { dtype: 'uint8', version: 'v2' }))).code).toBe('E_VALIDATION');
  });
});

describe('measureQuantization', () => {
  const stub = (scoresByText: Record<string, number>): SentimentModel =>
    ({ predictBatch: (xs: readonly string[]) => xs.map((t) => ({ score: scoresByText[t] as number, label: (scoresByText[t] as number) >= 0.5 ? 'positive' : 'negative' })) }) as unknown as SentimentModel;

  it('compares accuracy, labels and scores of two models', () => {
    const examples: { text: string; label: Label }[] = [
      { text: 'a', label: 1 },
      { text: 'b', label: 0 },
      { text: 'c', label: 1 },
      { text: 'd', label: 0 },
    ];
    const before = stub({ a: 0.9, b: 0.2, c: 0.51, d: 0.6 });
    const after = stub({ a: 0.88, b: 0.25, c: 0.49, d: 0.4 });
    const m = measureQuantization(before, after, examples);
    expect(m.n).toBe(4);
    expect(m.accuracy_before).toBe(0.75);
    expect(m.accuracy_after).toBe(0.75);
    expect(m.delta_points).toBe(0);
    expect(m.agreement).toBe(0.5);
    expect(m.max_abs_score_delta).toBeCloseTo(0.2, 12);
    expect(m.mean_abs_score_delta).toBeCloseTo((0.02 + 0.05 + 0.02 + 0.2) / 4, 12);
    expect(() => measureQuantization(before, after, [])).toThrow(/at least one labelled example/);
  });
});
