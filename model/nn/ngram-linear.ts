import * as tf from '@tensorflow/tfjs';
import { createRng } from '../util/random.js';
import { EmbeddingTable } from './embedding-table.js';
import type { SparseRow } from './ngram-features.js';

/** Weights of the linear member: one weight per n-gram feature plus a bias. */
export interface NgramLinearWeights {
  weights: Float32Array;
  bias: number;
}

export interface NgramLinearOptions {
  features: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export type NgramProgress = { epoch: number; epochs: number; loss: number; devAccuracy: number | null; seconds: number; best: boolean };

export function scoreNgramLinear(w: NgramLinearWeights, row: SparseRow): number {
  let z = w.bias;
  for (let i = 0; i < row.ids.length; i++) z += (w.weights[row.ids[i] as number] as number) * (row.values[i] as number);
  return 1 / (1 + Math.exp(-z));
}

/**
 * Logistic regression on sparse TF-IDF n-grams. The loss and its gradient with respect
 * to the looked-up weights are computed by TF.js; the weights live in an
 * EmbeddingTable (one column) and get sparse lazy-Adam updates, like the CNN's
 * embeddings. Keeps the epoch with the best dev accuracy.
 */
export function trainNgramLinear(opts: NgramLinearOptions, train: { rows: SparseRow[]; labels: Uint8Array }, dev?: { rows: SparseRow[]; labels: Uint8Array }, onProgress?: (p: NgramProgress) => void): NgramLinearWeights {
  const rng = createRng(opts.seed);
  // Row 0 is padding (frozen); feature f lives in row f + 1.
  const table = new EmbeddingTable(opts.features + 1, 1, new Float32Array(opts.features + 1));
  const bias = tf.variable(tf.scalar(0), true);
  const optimizer = tf.train.adam(opts.learningRate);
  const order = Array.from({ length: train.rows.length }, (_, i) => i);
  let best: { acc: number; w: NgramLinearWeights } | undefined;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const started = performance.now();
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      let lossSum = 0;
      let batches = 0;
      for (let s = 0; s < order.length; s += opts.batchSize) {
        const idx = order.slice(s, s + opts.batchSize);
        const width = Math.max(1, ...idx.map((i) => (train.rows[i] as SparseRow).ids.length));
        const ids = new Int32Array(idx.length * width);
        const vals = new Float32Array(idx.length * width);
        idx.forEach((i, b) => {
          const r = train.rows[i] as SparseRow;
          for (let k = 0; k < r.ids.length; k++) ids[b * width + k] = (r.ids[k] as number) + 1;
          vals.set(r.values, b * width);
        });
        const w = tf.tensor2d(table.lookup(ids), [idx.length, width]);
        const v = tf.tensor2d(vals, [idx.length, width]);
        const y = tf.tensor1d(Float32Array.from(idx, (i) => train.labels[i] as number));
        const f = (wi: tf.Tensor, bi: tf.Tensor): tf.Scalar => tf.losses.sigmoidCrossEntropy(y, tf.add(tf.sum(tf.mul(wi, v), 1), bi)) as tf.Scalar;
        const { value, grads } = tf.valueAndGrads(f)([w, bias]);
        const [gw, gb] = grads as [tf.Tensor, tf.Tensor];
        table.applyGradient(ids, gw.dataSync() as Float32Array, opts.learningRate);
        optimizer.applyGradients([{ name: bias.name, tensor: gb }]);
        lossSum += value.dataSync()[0] as number;
        batches++;
        tf.dispose([w, v, y, value, gw, gb]);
      }
      const current: NgramLinearWeights = { weights: table.weights.slice(1), bias: bias.dataSync()[0] as number };
      let devAccuracy: number | null = null;
      if (dev && dev.rows.length) {
        let ok = 0;
        dev.rows.forEach((r, i) => {
          if ((scoreNgramLinear(current, r) >= 0.5 ? 1 : 0) === dev.labels[i]) ok++;
        });
        devAccuracy = ok / dev.rows.length;
      }
      const isBest = devAccuracy === null || !best || devAccuracy > best.acc;
      if (isBest) best = { acc: devAccuracy ?? 0, w: current };
      onProgress?.({ epoch, epochs: opts.epochs, loss: lossSum / Math.max(1, batches), devAccuracy, seconds: (performance.now() - started) / 1000, best: isBest });
    }
  } finally {
    bias.dispose();
    optimizer.dispose();
  }
  if (!best) throw new Error('training ran no epoch');
  return best.w;
}
