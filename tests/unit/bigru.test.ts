import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../model/nn/backend.js';
import { BiGru, encodeGruBatch } from '../../model/nn/bigru.js';
import type { BiGruConfig, BiGruWeights } from '../../model/nn/bigru.js';
import { BiGruPredictor } from '../../model/nn/bigru-predictor.js';
import { buildLayersModel, deserializeLayersModel, extractEnsemble, serializeLayersModel } from '../../model/nn/layers-export.js';
import { encodeBatch } from '../../model/nn/text-cnn.js';
import { createRng } from '../../model/util/random.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const config: BiGruConfig = { vocabSize: 25, dim: 5, hidden: 4, dropout: 0.5 };
const sequences = [Int32Array.from([2, 3, 4]), Int32Array.from([5]), Int32Array.from([7, 8, 9, 10, 11, 12]), Int32Array.from([1, 24, 6, 6])];

function trained(seed: number): { model: BiGru; weights: BiGruWeights } {
  const rng = createRng(seed);
  const emb = Float32Array.from({ length: config.vocabSize * config.dim }, () => rng.next() - 0.5);
  emb.fill(0, 0, config.dim);
  const model = new BiGru(config, emb, rng);
  const opt = tf.train.adam(0.05);
  for (let i = 0; i < 4; i++) model.trainStep(encodeGruBatch(sequences, [1, 0, 1, 0]), opt, 0.05, rng);
  return { model, weights: model.snapshot() };
}

describe('bidirectional GRU member', () => {
  it('the training graph, the typed-array predictor and the standard LayersModel agree', () => {
    const { model, weights } = trained(3);
    const fromGraph = Array.from(model.predictBatch(encodeGruBatch(sequences)));
    const predictor = new BiGruPredictor(weights);
    const fromPredictor = sequences.map((s) => predictor.predict(s));
    const layers = buildLayersModel({ cnn: [], gru: [weights], linearShare: 0 });
    // The CNN's padded layout (leading and trailing zeros) must not change the GRU's answer.
    const b = encodeBatch(sequences, [1, 2, 3]);
    const fromLayers = Array.from((layers.predict(tf.tensor2d(b.ids, [b.batch, b.time], 'int32')) as tf.Tensor).dataSync());
    sequences.forEach((_, i) => {
      expect(fromPredictor[i]).toBeCloseTo(fromGraph[i] as number, 5);
      expect(fromLayers[i]).toBeCloseTo(fromGraph[i] as number, 5);
    });
    expect(new Set(fromPredictor.map((v) => v.toFixed(4))).size).toBeGreaterThan(1);
    model.dispose();
  });

  it('a text scores the same alone and in a batch of longer texts', () => {
    const { model } = trained(4);
    const alone = model.predictBatch(encodeGruBatch([sequences[1] as Int32Array]))[0] as number;
    const inBatch = model.predictBatch(encodeGruBatch(sequences))[1] as number;
    expect(inBatch).toBeCloseTo(alone, 6);
    model.dispose();
  });

  it('round-trips through model.json + weights.bin, mixed with a CNN-free ensemble', async () => {
    const a = trained(5).weights;
    const b = trained(6).weights;
    const back = extractEnsemble(await deserializeLayersModel(await serializeLayersModel(buildLayersModel({ cnn: [], gru: [a, b], linearShare: 0 }))));
    expect(back.cnn).toHaveLength(0);
    expect(back.gru).toHaveLength(2);
    const g = back.gru[1] as BiGruWeights;
    expect(g.config.hidden).toBe(config.hidden);
    expect(Array.from(g.backward.recurrent)).toEqual(Array.from(b.backward.recurrent));
    expect(new BiGruPredictor(g).predict(sequences[2] as Int32Array)).toBeCloseTo(new BiGruPredictor(b).predict(sequences[2] as Int32Array), 6);
  });

  it('training lowers the loss and leaks no tensors', () => {
    const rng = createRng(8);
    const emb = Float32Array.from({ length: config.vocabSize * config.dim }, () => rng.next() - 0.5);
    const model = new BiGru(config, emb, rng);
    const opt = tf.train.adam(0.05);
    const batch = encodeGruBatch(sequences, [1, 0, 1, 0]);
    const first = model.trainStep(batch, opt, 0.05, rng);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 15; i++) last = model.trainStep(batch, opt, 0.05, rng);
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first);
    model.dispose();
  });
});

/** Random weights of a BiGRU (values uniform in ±scale/2, the output layer in ±1/2), drawn in a fixed order from `rng`. */
function randomBiGru(rng: ReturnType<typeof createRng>, cfg: BiGruWeights['config'], outBias: number, scale = 1): BiGruWeights {
  const r = (n: number, k = scale): Float32Array => Float32Array.from({ length: n }, () => k * (rng.next() - 0.5));
  const dir = (): BiGruWeights['forward'] => ({ kernel: r(cfg.dim * 3 * cfg.hidden), recurrent: r(cfg.hidden * 3 * cfg.hidden), bias: r(3 * cfg.hidden) });
  return { kind: 'bigru', config: cfg, embedding: r(cfg.vocabSize * cfg.dim), forward: dir(), backward: dir(), outKernel: r(2 * cfg.hidden, 1), outBias };
}

describe('GRU predictor SIMD kernel', () => {
  it('gives the same scores as the JavaScript path, and is the one in use', () => {
    const rng = createRng(21);
    const w = randomBiGru(rng, { vocabSize: 30, dim: 6, hidden: 8, dropout: 0 }, 0.1);
    const simd = new BiGruPredictor(w);
    const js = new BiGruPredictor(w, { simd: false });
    expect(simd.usesSimd).toBe(true);
    expect(js.usesSimd).toBe(false);
    for (const s of [...sequences, Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]), new Int32Array(0)]) {
      expect(simd.predict(s)).toBeCloseTo(js.predict(s), 5);
    }
  });

  it('the fused kernel matches the JavaScript path at widths that use both its 16- and 4-column passes, saturated gates and long texts included', () => {
    const rng = createRng(5);
    const cfg = { vocabSize: 40, dim: 7, hidden: 20, dropout: 0 };
    for (const scale of [1, 12]) {
      const w = randomBiGru(rng, cfg, -0.2, scale);
      const simd = new BiGruPredictor(w);
      const js = new BiGruPredictor(w, { simd: false });
      expect(simd.usesSimd).toBe(true);
      // 300 steps is past the kernel's initial room (128): its memory grows on the way.
      for (const n of [1, 2, 17, 129, 300, 3]) {
        const s = Int32Array.from({ length: n }, () => Math.floor(rng.next() * cfg.vocabSize));
        expect(Math.abs(simd.predict(s) - js.predict(s))).toBeLessThan(1e-5);
      }
    }
  });

  it('scores the same, bit for bit, when only a few token projections may be kept, and keeps no more than allowed', () => {
    const rng = createRng(8);
    const cfg = { vocabSize: 500, dim: 5, hidden: 12, dropout: 0 };
    const w = randomBiGru(rng, cfg, 0);
    const kept = new BiGruPredictor(w);
    const capped = new BiGruPredictor(w, { cacheTokens: 3 });
    const none = new BiGruPredictor(w, { cacheTokens: 0 });
    const before = (capped as unknown as { simd: { kernel: { memory: WebAssembly.Memory } } }).simd.kernel.memory.buffer.byteLength;
    // Every id of the vocabulary, repeats within a text included, and texts longer than the initial room.
    for (let t = 0; t < 40; t++) {
      const s = Int32Array.from({ length: 1 + Math.floor(rng.next() * 200) }, () => Math.floor(rng.next() * cfg.vocabSize));
      const expected = kept.predict(s);
      expect(capped.predict(s)).toBe(expected);
      expect(none.predict(s)).toBe(expected);
    }
    const state = (p: BiGruPredictor): { kept: number; slotOf: Int32Array } => (p as unknown as { simd: { kept: number; slotOf: Int32Array } }).simd;
    expect(state(capped).kept).toBe(3);
    expect(state(capped).slotOf.filter((o) => o !== 0).length).toBe(3);
    expect(state(none).kept).toBe(0);
    expect(state(kept).kept).toBeGreaterThan(400);
    // An id outside the embedding is refused, not scored from stale memory.
    expect(() => capped.predict(Int32Array.from([3, cfg.vocabSize]))).toThrow(`token id ${cfg.vocabSize} is outside the embedding (${cfg.vocabSize} rows)`);
    expect(() => kept.predict(Int32Array.from([-1]))).toThrow('token id -1 is outside the embedding');
    // The capped predictor's memory grew only for longer texts' scratch rows, not per token.
    const after = (capped as unknown as { simd: { kernel: { memory: WebAssembly.Memory } } }).simd.kernel.memory.buffer.byteLength;
    expect(after - before).toBeLessThan(2 * 256 * 6 * cfg.hidden * 4 + 2 * 65536);
  });

  it('the committed wasm bytes are what the .wat source compiles to', async () => {
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' })).toContain('is current');
  });
});
