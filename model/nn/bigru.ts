import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/random.js';
import { EmbeddingTable, ShiftedEmbeddingTable } from './embedding-table.js';
import { matMulFastGrad } from './ops.js';

/** Shape of the bidirectional GRU member. */
export interface BiGruConfig {
  vocabSize: number;
  /** Embedding width (100 with the bundled vectors). */
  dim: number;
  /** GRU units per direction. */
  hidden: number;
  /** Dropout on the pooled features during training. */
  dropout: number;
  /**
   * Training only: the embedding's second half is NEG_w = w + one shared shift
   * (ShiftedEmbeddingTable; `embedding` then holds the first half, vocabSize / 2 rows).
   */
  negationShift?: boolean;
  /** With `negationShift`: NEG_w = w + b ("shift", the default) or A·w + b with A trainable ("affine"). */
  negationTransform?: 'shift' | 'affine';
}

/** One direction's GRU weights in Keras/TF.js layout: gate columns ordered [z | r | h]. */
export interface GruDirectionWeights {
  /** [dim, 3·hidden] */
  kernel: Float32Array;
  /** [hidden, 3·hidden] */
  recurrent: Float32Array;
  /** [3·hidden] */
  bias: Float32Array;
}

export interface BiGruWeights {
  kind: 'bigru';
  config: BiGruConfig;
  /** [vocabSize, dim] */
  embedding: Float32Array;
  forward: GruDirectionWeights;
  backward: GruDirectionWeights;
  /** [2·hidden] */
  outKernel: Float32Array;
  outBias: number;
}

/**
 * Token sequences of a batch as the GRU trains on them: one [batch, dim] input per time
 * step (padding after the text), the same for the reversed texts, and a 0/1 mask per
 * step. Each direction's per-step inputs are separate tensors so that the gradient of
 * each comes back separately, without slicing a [batch, time, dim] tensor (whose
 * gradient would allocate the whole tensor once per step).
 */
export interface GruBatch {
  batch: number;
  time: number;
  /** [batch·time] ids, text left-aligned. */
  forwardIds: Int32Array;
  /** [batch·time] ids of the reversed text, left-aligned. */
  backwardIds: Int32Array;
  /** [batch·time] 1 for real tokens. */
  mask: Float32Array;
  labels?: Float32Array;
}

export function encodeGruBatch(sequences: readonly Int32Array[], labels?: readonly number[]): GruBatch {
  const batch = sequences.length;
  const time = Math.max(1, ...sequences.map((s) => s.length));
  const forwardIds = new Int32Array(batch * time);
  const backwardIds = new Int32Array(batch * time);
  const mask = new Float32Array(batch * time);
  sequences.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) {
      forwardIds[b * time + t] = s[t] as number;
      backwardIds[b * time + t] = s[s.length - 1 - t] as number;
      mask[b * time + t] = 1;
    }
  });
  return { batch, time, forwardIds, backwardIds, mask, labels: labels ? Float32Array.from(labels) : undefined };
}

function glorot(rows: number, cols: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => (rng.next() * 2 - 1) * limit);
}

interface DirectionVars {
  kernel: tf.Variable;
  recurrent: tf.Variable;
  bias: tf.Variable;
}

/**
 * The trainable BiGRU: embeddings in an EmbeddingTable (sparse lazy-Adam updates),
 * GRU and output weights as tf.Variables. The cell is the one TF.js's `tf.layers.gru`
 * computes (reset gate applied before the recurrent product, sigmoid gates), so the
 * trained weights load into a standard Bidirectional(GRU) layer unchanged.
 * Features: ReLU(max over the text's steps) of each direction's outputs.
 */
export class BiGru {
  readonly table: EmbeddingTable | ShiftedEmbeddingTable;
  private readonly dirs: [DirectionVars, DirectionVars];
  readonly outKernel: tf.Variable;
  readonly outBias: tf.Variable;

  constructor(
    readonly config: BiGruConfig,
    embedding: Float32Array,
    rng: Rng,
  ) {
    const { dim, hidden: h } = config;
    if (config.negationShift && config.vocabSize % 2 !== 0) throw new Error(`a negation-shifted embedding has an even number of rows, got ${config.vocabSize}`);
    this.table = config.negationShift ? new ShiftedEmbeddingTable(config.vocabSize / 2, dim, embedding, config.negationTransform ?? 'shift') : new EmbeddingTable(config.vocabSize, dim, embedding);
    const direction = (): DirectionVars => ({
      kernel: tf.variable(tf.tensor2d(glorot(dim, 3 * h, rng), [dim, 3 * h]), true),
      recurrent: tf.variable(tf.tensor2d(glorot(h, 3 * h, rng), [h, 3 * h]), true),
      bias: tf.variable(tf.zeros([3 * h]), true),
    });
    this.dirs = [direction(), direction()];
    this.outKernel = tf.variable(tf.tensor2d(glorot(2 * h, 1, rng), [2 * h, 1]), true);
    this.outBias = tf.variable(tf.zeros([1]), true);
  }

  private get variables(): tf.Variable[] {
    return [...this.dirs.flatMap((d) => [d.kernel, d.recurrent, d.bias]), this.outKernel, this.outBias];
  }

  /** Per-step [batch, dim] inputs from the embedding table. */
  private stepInputs(ids: Int32Array, b: GruBatch): tf.Tensor2D[] {
    const { dim } = this.config;
    const rows = this.table.lookup(ids);
    return Array.from({ length: b.time }, (_, t) => {
      const x = new Float32Array(b.batch * dim);
      for (let i = 0; i < b.batch; i++) x.set(rows.subarray((i * b.time + t) * dim, (i * b.time + t + 1) * dim), i * dim);
      return tf.tensor2d(x, [b.batch, dim]);
    });
  }

  private stepMasks(b: GruBatch): tf.Tensor2D[] {
    return Array.from({ length: b.time }, (_, t) => tf.tensor2d(Float32Array.from({ length: b.batch }, (_, i) => b.mask[i * b.time + t] as number), [b.batch, 1]));
  }

  /** ReLU(max over real steps) of one direction's outputs: [batch, hidden]. */
  private direction(xs: tf.Tensor2D[], masks: tf.Tensor2D[], kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
    const h = this.config.hidden;
    const batch = xs[0]?.shape[0] as number;
    const uzr = tf.slice(recurrent, [0, 0], [h, 2 * h]);
    const uh = tf.slice(recurrent, [0, 2 * h], [h, h]);
    let state: tf.Tensor2D = tf.zeros([batch, h]);
    let pooled: tf.Tensor2D | undefined;
    xs.forEach((x, t) => {
      const m = masks[t] as tf.Tensor2D;
      const xw = tf.add(matMulFastGrad(x, kernel), bias) as tf.Tensor2D;
      const [xz, xr, xh] = tf.split(xw, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const [hz, hr] = tf.split(matMulFastGrad(state, uzr), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const cand = tf.tanh(tf.add(xh, matMulFastGrad(tf.mul(r, state) as tf.Tensor2D, uh)));
      const next = tf.add(tf.mul(z, state), tf.mul(tf.sub(1, z), cand)) as tf.Tensor2D;
      // Padding steps keep the state and must not win the max.
      state = tf.add(tf.mul(m, next), tf.mul(tf.sub(1, m), state)) as tf.Tensor2D;
      const out = tf.add(state, tf.mul(tf.sub(1, m), -1e4)) as tf.Tensor2D;
      pooled = pooled ? (tf.maximum(pooled, out) as tf.Tensor2D) : out;
    });
    return tf.relu(pooled as tf.Tensor2D);
  }

  private logits(fx: tf.Tensor2D[], bx: tf.Tensor2D[], masks: tf.Tensor2D[], params: tf.Tensor[], dropMask?: tf.Tensor2D): tf.Tensor1D {
    const [k0, r0, b0, k1, r1, b1, wo, bo] = params as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
    let feats = tf.concat([this.direction(fx, masks, k0, r0, b0), this.direction(bx, masks, k1, r1, b1)], 1);
    if (dropMask) feats = tf.mul(feats, dropMask) as tf.Tensor2D;
    return tf.add(matMulFastGrad(feats, wo), bo).reshape([-1]) as tf.Tensor1D;
  }

  trainStep(b: GruBatch, optimizer: tf.Optimizer, embeddingLr: number, rng: Rng): number {
    if (!b.labels) throw new Error('trainStep needs labels');
    const { dim, hidden, dropout } = this.config;
    const keep = 1 - dropout;
    const fx = this.stepInputs(b.forwardIds, b);
    const bx = this.stepInputs(b.backwardIds, b);
    const masks = this.stepMasks(b);
    const y = tf.tensor1d(b.labels);
    const drop = tf.tensor2d(Float32Array.from({ length: b.batch * 2 * hidden }, () => (rng.next() < keep ? 1 / keep : 0)), [b.batch, 2 * hidden]);
    const vars = this.variables;
    const T = b.time;
    const f = (...args: tf.Tensor[]): tf.Scalar =>
      tf.losses.sigmoidCrossEntropy(y, this.logits(args.slice(0, T) as tf.Tensor2D[], args.slice(T, 2 * T) as tf.Tensor2D[], masks, args.slice(2 * T), drop)) as tf.Scalar;
    const { value, grads } = tf.valueAndGrads(f)([...fx, ...bx, ...vars]);
    optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[2 * T + i] as tf.Tensor })));
    // Scatter the per-step input gradients back into [text, step] order for the table.
    const ids = new Int32Array(2 * b.batch * T);
    ids.set(b.forwardIds);
    ids.set(b.backwardIds, b.batch * T);
    const g = new Float32Array(ids.length * dim);
    for (let t = 0; t < T; t++) {
      const gf = (grads[t] as tf.Tensor).dataSync();
      const gb = (grads[T + t] as tf.Tensor).dataSync();
      for (let i = 0; i < b.batch; i++) {
        g.set(gf.subarray(i * dim, (i + 1) * dim), (i * T + t) * dim);
        g.set(gb.subarray(i * dim, (i + 1) * dim), (b.batch * T + i * T + t) * dim);
      }
    }
    this.table.applyGradient(ids, g, embeddingLr);
    const loss = value.dataSync()[0] as number;
    tf.dispose([...fx, ...bx, ...masks, y, drop, value, ...grads]);
    return loss;
  }

  predictBatch(b: GruBatch): Float32Array {
    return tf.tidy(() => {
      const logits = this.logits(this.stepInputs(b.forwardIds, b), this.stepInputs(b.backwardIds, b), this.stepMasks(b), this.variables);
      return tf.sigmoid(logits).dataSync() as Float32Array;
    });
  }

  snapshot(): BiGruWeights {
    const copy = (v: tf.Variable): Float32Array => Float32Array.from(v.dataSync() as Float32Array);
    const dir = (d: DirectionVars): GruDirectionWeights => ({ kernel: copy(d.kernel), recurrent: copy(d.recurrent), bias: copy(d.bias) });
    return {
      kind: 'bigru',
      // The exported embedding is a plain one (materialised): a standard layer loads it.
      config: { vocabSize: this.config.vocabSize, dim: this.config.dim, hidden: this.config.hidden, dropout: this.config.dropout },
      embedding: this.table instanceof ShiftedEmbeddingTable ? this.table.materialise() : Float32Array.from(this.table.weights),
      forward: dir(this.dirs[0]),
      backward: dir(this.dirs[1]),
      outKernel: copy(this.outKernel),
      outBias: this.outBias.dataSync()[0] as number,
    };
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
