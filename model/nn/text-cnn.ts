import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/random.js';
import { EmbeddingTable } from './embedding-table.js';
import { convMaxPool, matMulFastGrad, projectionColumns } from './ops.js';

/** Shape of the text CNN (Kim 2014, "CNN-non-static"), all fields from the spec. */
export interface TextCnnConfig {
  /** Rows of the embedding matrix, including <pad> (0) and <unk> (1). */
  vocabSize: number;
  /** Width of an embedding row (100 with the bundled vectors; 200 when multichannel). */
  dim: number;
  /**
   * Leading columns of each embedding row kept frozen during training. 0 = all rows
   * fine-tuned ("non-static"); dim/2 = "multichannel" (a frozen pretrained copy beside a
   * fine-tuned one, Kim 2014), which keeps unseen words in the pretrained space.
   */
  staticColumns: number;
  /** Convolution widths in tokens, e.g. [1, 2, 3]. */
  widths: number[];
  /** Filters per width. */
  filters: number;
  /** Dropout rate on the pooled features during training. */
  dropout: number;
}

/** Plain-array weights of a trained CNN: what the artifact stores and the predictor uses. */
export interface TextCnnWeights {
  kind: 'text-cnn';
  config: TextCnnConfig;
  /** [vocabSize, dim], row-major. */
  embedding: Float32Array;
  /** [dim, Σwidths·filters]: block (w, k) holds the k-th tap of the width-w kernels. */
  projection: Float32Array;
  /** [widths.length·filters]. */
  convBias: Float32Array;
  /** [widths.length·filters] weights of the single output unit. */
  outKernel: Float32Array;
  outBias: number;
}

/** Token ids for a batch laid out as [batch, time] with the padding the CNN expects. */
export interface EncodedBatch {
  ids: Int32Array;
  batch: number;
  time: number;
  labels?: Float32Array;
}

/**
 * Padding that makes a prediction independent of how long the other texts in its
 * batch are: w-1 leading pads let edge tokens reach every kernel tap, and at least
 * max(widths) trailing pads guarantee an all-padding window for every width, whose
 * value (ReLU of the bias) is then always part of the max — so extra batch padding
 * can never change the result.
 */
export function paddingFor(widths: readonly number[]): { lead: number; trail: number } {
  const wmax = Math.max(...widths);
  return { lead: wmax - 1, trail: wmax };
}

export function encodeBatch(sequences: readonly Int32Array[], widths: readonly number[], labels?: readonly number[]): EncodedBatch {
  const { lead, trail } = paddingFor(widths);
  const longest = sequences.reduce((m, s) => Math.max(m, s.length), 0);
  const time = lead + longest + trail;
  const ids = new Int32Array(sequences.length * time);
  sequences.forEach((s, b) => ids.set(s, b * time + lead));
  return { ids, batch: sequences.length, time, labels: labels ? Float32Array.from(labels) : undefined };
}

function glorot(rows: number, cols: number, rng: Rng, fanIn = rows, fanOut = cols): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = (rng.next() * 2 - 1) * limit;
  return out;
}

/** The trainable model: dense weights as tf.Variables, embeddings in an EmbeddingTable. */
export class TextCnn {
  readonly table: EmbeddingTable;
  readonly projection: tf.Variable;
  readonly convBias: tf.Variable;
  readonly outKernel: tf.Variable;
  readonly outBias: tf.Variable;
  private readonly cols: number;
  private readonly pooled: number;

  constructor(
    readonly config: TextCnnConfig,
    embedding: Float32Array,
    rng: Rng,
  ) {
    const { dim, widths, filters, vocabSize } = config;
    this.cols = projectionColumns(widths, filters);
    this.pooled = widths.length * filters;
    this.table = new EmbeddingTable(vocabSize, dim, embedding, config.staticColumns);
    // Each width's taps share one Glorot scale, as a Conv1D kernel [w, dim, filters] would.
    const proj = new Float32Array(dim * this.cols);
    let col = 0;
    for (const w of widths) {
      const block = glorot(dim, w * filters, rng, w * dim, filters);
      for (let d = 0; d < dim; d++) proj.set(block.subarray(d * w * filters, (d + 1) * w * filters), d * this.cols + col);
      col += w * filters;
    }
    this.projection = tf.variable(tf.tensor2d(proj, [dim, this.cols]), true);
    this.convBias = tf.variable(tf.zeros([this.pooled]), true);
    this.outKernel = tf.variable(tf.tensor2d(glorot(this.pooled, 1, rng), [this.pooled, 1]), true);
    this.outBias = tf.variable(tf.zeros([1]), true);
  }

  private logits(x: tf.Tensor2D, proj: tf.Tensor2D, cb: tf.Tensor1D, wo: tf.Tensor2D, bo: tf.Tensor1D, b: EncodedBatch, dropMask?: tf.Tensor2D): tf.Tensor1D {
    const y = matMulFastGrad(x, proj);
    let h = convMaxPool(y, cb, b.batch, b.time, this.config.widths, this.config.filters);
    if (dropMask) h = tf.mul(h, dropMask);
    return tf.add(matMulFastGrad(h, wo), bo).reshape([b.batch]) as tf.Tensor1D;
  }

  /** One optimisation step on a labelled batch; returns the mean loss. */
  trainStep(b: EncodedBatch, optimizer: tf.Optimizer, embeddingLr: number, rng: Rng): number {
    if (!b.labels) throw new Error('trainStep needs labels');
    const { dim, dropout } = this.config;
    const keep = 1 - dropout;
    const mask = new Float32Array(b.batch * this.pooled);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < keep ? 1 / keep : 0;
    const labels = b.labels;
    const x = tf.tensor2d(this.table.lookup(b.ids), [b.ids.length, dim]);
    const maskT = tf.tensor2d(mask, [b.batch, this.pooled]);
    const yTrue = tf.tensor1d(labels);
    const f = (xi: tf.Tensor, p: tf.Tensor, cb: tf.Tensor, wo: tf.Tensor, bo: tf.Tensor): tf.Scalar =>
      tf.losses.sigmoidCrossEntropy(yTrue, this.logits(xi as tf.Tensor2D, p as tf.Tensor2D, cb as tf.Tensor1D, wo as tf.Tensor2D, bo as tf.Tensor1D, b, maskT)) as tf.Scalar;
    const { value, grads } = tf.valueAndGrads(f)([x, this.projection, this.convBias, this.outKernel, this.outBias]);
    const [gx, gp, gcb, gwo, gbo] = grads as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    optimizer.applyGradients({
      [this.projection.name]: gp,
      [this.convBias.name]: gcb,
      [this.outKernel.name]: gwo,
      [this.outBias.name]: gbo,
    });
    this.table.applyGradient(b.ids, gx.dataSync() as Float32Array, embeddingLr);
    const loss = value.dataSync()[0] as number;
    tf.dispose([x, maskT, yTrue, value, gx, gp, gcb, gwo, gbo]);
    return loss;
  }

  /** P(positive) for each text of a batch (no dropout). */
  predictBatch(b: EncodedBatch): Float32Array {
    return tf.tidy(() => {
      const x = tf.tensor2d(this.table.lookup(b.ids), [b.ids.length, this.config.dim]);
      const logits = this.logits(x, this.projection as tf.Tensor2D, this.convBias as tf.Tensor1D, this.outKernel as tf.Tensor2D, this.outBias as tf.Tensor1D, b);
      return tf.sigmoid(logits).dataSync() as Float32Array;
    });
  }

  /** Copies the current weights out of the backend. */
  snapshot(): TextCnnWeights {
    return {
      kind: 'text-cnn',
      config: { ...this.config, widths: [...this.config.widths] },
      embedding: Float32Array.from(this.table.weights),
      projection: Float32Array.from(this.projection.dataSync() as Float32Array),
      convBias: Float32Array.from(this.convBias.dataSync() as Float32Array),
      outKernel: Float32Array.from(this.outKernel.dataSync() as Float32Array),
      outBias: this.outBias.dataSync()[0] as number,
    };
  }

  dispose(): void {
    tf.dispose([this.projection, this.convBias, this.outKernel, this.outBias]);
  }
}
