import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../model/nn/backend.js';
import { EmbeddingTable } from '../../model/nn/embedding-table.js';
import { buildLayersModel, deserializeLayersModel, extractEnsemble, serializeLayersModel } from '../../model/nn/layers-export.js';
import { buildNgramVocabulary, NgramFeaturizer } from '../../model/nn/ngram-features.js';
import { scoreNgramLinear } from '../../model/nn/ngram-linear.js';
import { CnnPredictor } from '../../model/nn/predictor.js';
import { TextCnn, encodeBatch } from '../../model/nn/text-cnn.js';
import type { TextCnnConfig, TextCnnWeights } from '../../model/nn/text-cnn.js';
import { createRng } from '../../model/util/random.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const config: TextCnnConfig = { vocabSize: 30, dim: 6, widths: [1, 2, 3], filters: 5, dropout: 0.5, staticColumns: 0 };

function randomEmbedding(seed: number): Float32Array {
  const rng = createRng(seed);
  const e = Float32Array.from({ length: config.vocabSize * config.dim }, () => rng.next() - 0.5);
  e.fill(0, 0, config.dim); // padding row
  return e;
}

/** A briefly trained model, so biases and weights are not at their initial values. */
function trainedWeights(seed = 1): TextCnnWeights {
  const rng = createRng(seed);
  const model = new TextCnn(config, randomEmbedding(seed), rng);
  const opt = tf.train.adam(0.05);
  for (let i = 0; i < 5; i++) {
    const seqs = [Int32Array.from([2, 3, 4]), Int32Array.from([5, 6]), Int32Array.from([7, 8, 9, 10, 11])];
    model.trainStep(encodeBatch(seqs, config.widths, [1, 0, 1]), opt, 0.05, rng);
  }
  const w = model.snapshot();
  model.dispose();
  return w;
}

const sequences = [Int32Array.from([2, 3, 4]), Int32Array.from([5]), Int32Array.from([7, 8, 9, 10, 11, 12, 13]), Int32Array.from([1, 1, 29])];

describe('text CNN export and serving', () => {
  it('the standard LayersModel, the training graph and the fast predictor agree', () => {
    const w = trainedWeights();
    const cnn = new TextCnn(config, w.embedding, createRng(0));
    // Load the trained dense weights into a fresh graph.
    cnn.projection.assign(tf.tensor2d(w.projection, cnn.projection.shape as [number, number]));
    cnn.convBias.assign(tf.tensor1d(w.convBias));
    cnn.outKernel.assign(tf.tensor2d(w.outKernel, [w.outKernel.length, 1]));
    cnn.outBias.assign(tf.tensor1d([w.outBias]));
    const batch = encodeBatch(sequences, config.widths);
    const fromGraph = Array.from(cnn.predictBatch(batch));
    const layers = buildLayersModel({ cnn: [w], gru: [], linearShare: 0 });
    const fromLayers = Array.from((layers.predict(tf.tensor2d(batch.ids, [batch.batch, batch.time], 'int32')) as tf.Tensor).dataSync());
    const predictor = new CnnPredictor([w]);
    const fromPredictor = sequences.map((s) => predictor.predict(s));
    fromLayers.forEach((v, i) => {
      expect(v).toBeCloseTo(fromGraph[i] as number, 5);
      expect(v).toBeCloseTo(fromPredictor[i] as number, 5);
    });
    // The texts must not all score the same, or the comparison is vacuous.
    expect(new Set(fromPredictor.map((v) => v.toFixed(4))).size).toBeGreaterThan(1);
    cnn.dispose();
  });

  it('a prediction does not depend on how long the other texts in the batch are', () => {
    const w = trainedWeights(2);
    const layers = buildLayersModel({ cnn: [w], gru: [], linearShare: 0 });
    const alone = encodeBatch([sequences[0] as Int32Array], config.widths);
    const padded = encodeBatch([sequences[0] as Int32Array, sequences[2] as Int32Array], config.widths);
    const a = (layers.predict(tf.tensor2d(alone.ids, [1, alone.time], 'int32')) as tf.Tensor).dataSync()[0] as number;
    const b = (layers.predict(tf.tensor2d(padded.ids, [2, padded.time], 'int32')) as tf.Tensor).dataSync()[0] as number;
    expect(b).toBeCloseTo(a, 6);
  });

  it('serializes to model.json + weights.bin and reads back the same weights, ensembles included', async () => {
    const members = [trainedWeights(3), trainedWeights(4)];
    const files = await serializeLayersModel(buildLayersModel({ cnn: members, gru: [], linearShare: 0 }));
    const json = JSON.parse(files.modelJson) as { format: string; weightsManifest: { paths: string[] }[] };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    const ensemble = extractEnsemble(await deserializeLayersModel(files));
    expect(ensemble.linear).toBeUndefined();
    const back = ensemble.cnn;
    expect(back).toHaveLength(2);
    back.forEach((m, i) => {
      const orig = members[i] as TextCnnWeights;
      expect(m.config.widths).toEqual(orig.config.widths);
      expect(Array.from(m.projection)).toEqual(Array.from(orig.projection));
      expect(Array.from(m.embedding)).toEqual(Array.from(orig.embedding));
      expect(m.outBias).toBeCloseTo(orig.outBias, 6);
    });
    const p1 = new CnnPredictor(members).predict(sequences[2] as Int32Array);
    const p2 = new CnnPredictor(back).predict(sequences[2] as Int32Array);
    expect(p2).toBeCloseTo(p1, 6);
    const single = [0, 1].map((i) => new CnnPredictor([members[i] as TextCnnWeights]).predict(sequences[2] as Int32Array));
    expect(p1).toBeCloseTo(((single[0] as number) + (single[1] as number)) / 2, 6);
  });

  it('the n-gram linear member and the mixing weights survive the LayersModel, and it computes the same mix', async () => {
    const docs = [['not', 'good'], ['good', 'film'], ['not', 'a', 'good', 'film'], ['bad']];
    const vocab = buildNgramVocabulary(docs, 2, 1);
    const featurizer = new NgramFeaturizer(vocab);
    const rng = createRng(11);
    const linear = { weights: Float32Array.from({ length: featurizer.size }, () => rng.next() * 2 - 1), bias: -0.2 };
    const cnn = [trainedWeights(5)];
    const files = await serializeLayersModel(buildLayersModel({ cnn, gru: [], linear, linearShare: 0.3 }));
    const layers = await deserializeLayersModel(files);
    const back = extractEnsemble(layers);
    expect(back.linearShare).toBeCloseTo(0.3, 6);
    expect(Array.from(back.linear?.weights ?? [])).toEqual(Array.from(linear.weights));
    expect(back.linear?.bias).toBeCloseTo(-0.2, 6);
    // The saved graph computes (1 - s)·CNN + s·linear, with the featurizer's ids shifted past the padding row.
    const row = featurizer.featurize(['not', 'a', 'good', 'film']);
    const seq = sequences[0] as Int32Array;
    const b = encodeBatch([seq], config.widths);
    const out = (layers.predict([
      tf.tensor2d(b.ids, [1, b.time], 'int32'),
      tf.tensor2d(Int32Array.from(row.ids, (i) => i + 1), [1, row.ids.length], 'int32'),
      tf.tensor2d(row.values, [1, row.values.length]),
    ]) as tf.Tensor).dataSync()[0] as number;
    const expected = 0.7 * new CnnPredictor(cnn).predict(seq) + 0.3 * scoreNgramLinear(linear, row);
    expect(out).toBeCloseTo(expected, 5);
  });

  it('does not leak tensors while training or predicting', () => {
    const rng = createRng(9);
    const model = new TextCnn(config, randomEmbedding(9), rng);
    const opt = tf.train.adam(0.01);
    const batch = encodeBatch(sequences, config.widths, [1, 0, 1, 0]);
    model.trainStep(batch, opt, 0.01, rng);
    model.predictBatch(batch);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      model.trainStep(batch, opt, 0.01, rng);
      model.predictBatch(batch);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('EmbeddingTable (lazy Adam)', () => {
  it('moves only the rows in the batch, never the padding row or static columns', () => {
    const rows = 5;
    const dim = 4;
    const init = Float32Array.from({ length: rows * dim }, (_, i) => (i >= dim ? i / 10 : 0));
    const table = new EmbeddingTable(rows, dim, Float32Array.from(init), 2);
    const ids = Int32Array.from([0, 2, 2]);
    table.applyGradient(ids, Float32Array.from({ length: ids.length * dim }, () => 1), 0.1);
    const w = table.weights;
    for (let d = 0; d < dim; d++) {
      expect(w[d]).toBe(0); // padding row
      expect(w[1 * dim + d]).toBe(init[1 * dim + d]); // untouched row
      expect(w[3 * dim + d]).toBe(init[3 * dim + d]);
    }
    expect(w[2 * dim + 0]).toBe(init[2 * dim + 0]); // static columns
    expect(w[2 * dim + 1]).toBe(init[2 * dim + 1]);
    // Adam's first step moves by ~lr against the gradient's sign.
    expect(w[2 * dim + 2]).toBeCloseTo((init[2 * dim + 2] as number) - 0.1, 4);
    expect(w[2 * dim + 3]).toBeCloseTo((init[2 * dim + 3] as number) - 0.1, 4);
  });

  it('rejects weights of the wrong size', () => {
    expect(() => new EmbeddingTable(3, 2, new Float32Array(5))).toThrow(/5 values, expected 3×2/);
  });
});
