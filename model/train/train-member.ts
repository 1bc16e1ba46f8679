import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../util/random.js';
import { BiGru, encodeGruBatch } from '../nn/bigru.js';
import type { BiGruConfig, BiGruWeights } from '../nn/bigru.js';
import type { TextCnnConfig, TextCnnWeights } from '../nn/text-cnn.js';
import { TextCnn, encodeBatch } from '../nn/text-cnn.js';
import { UNK_ID } from '../text/vocabulary.js';
import type { Rng } from '../util/random.js';

/** Token-id sequences with labels, already encoded with the model's vocabulary. */
export interface EncodedSplit {
  sequences: Int32Array[];
  labels: Uint8Array;
}

export type MemberWeights = TextCnnWeights | BiGruWeights;

/** Which network a member is, with its shape. */
export type MemberArchitecture = { family: 'text-cnn'; config: TextCnnConfig } | { family: 'bigru'; config: BiGruConfig };

export interface MemberTrainingOptions {
  architecture: MemberArchitecture;
  /** Initial embedding rows, [config.vocabSize, config.dim] (half of vocabSize with a negation shift). */
  embedding: Float32Array;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  embeddingLearningRate: number;
  /** Share of training tokens replaced by <unk> each epoch (word dropout, Iyyer et al. 2015). */
  wordDropout: number;
  /** Learning rates are multiplied by this after every epoch. */
  learningRateDecay: number;
}

export type MemberProgress =
  | { kind: 'batch'; epoch: number; batch: number; batches: number; loss: number }
  | { kind: 'epoch'; epoch: number; epochs: number; loss: number; devAccuracy: number | null; seconds: number; best: boolean };

export interface MemberResult {
  weights: MemberWeights;
  /** 1-based epoch whose weights were kept (best dev accuracy, or the last without dev). */
  bestEpoch: number;
  history: { epoch: number; loss: number; devAccuracy: number | null; seconds: number }[];
}

/** Batches of similar length (sorted within pools of 50 batches) cut padding ~3x; seeded. */
export function lengthBucketedBatches(lengths: ArrayLike<number>, batchSize: number, rng: ReturnType<typeof createRng>): number[][] {
  const order = shuffleInPlace(Array.from({ length: lengths.length }, (_, i) => i), rng);
  const pool = batchSize * 50;
  const batches: number[][] = [];
  for (let c = 0; c < order.length; c += pool) {
    const chunk = order.slice(c, c + pool).sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
    for (let i = 0; i < chunk.length; i += batchSize) batches.push(chunk.slice(i, i + batchSize));
  }
  return shuffleInPlace(batches, rng);
}

/**
 * Word dropout: each token becomes <unk> with probability p. It teaches the <unk> row
 * a neutral meaning (test text has words training never saw: 6% of SST-2 test tokens)
 * and keeps the model from leaning on single words.
 */
export function dropWords(ids: Int32Array, p: number, rng: Rng): Int32Array {
  if (p <= 0) return ids;
  const out = Int32Array.from(ids);
  for (let i = 0; i < out.length; i++) if (rng.next() < p) out[i] = UNK_ID;
  return out;
}

/** The two networks behind one interface for the training loop. */
interface Trainable {
  step(sequences: Int32Array[], labels: number[], optimizer: tf.Optimizer, embeddingLr: number, rng: Rng): number;
  predict(sequences: readonly Int32Array[]): Float32Array;
  snapshot(): MemberWeights;
  dispose(): void;
}

function createTrainable(arch: MemberArchitecture, embedding: Float32Array, rng: Rng): Trainable {
  if (arch.family === 'bigru') {
    const m = new BiGru(arch.config, embedding, rng);
    return {
      step: (s, y, o, lr, r) => m.trainStep(encodeGruBatch(s, y), o, lr, r),
      predict: (s) => m.predictBatch(encodeGruBatch(s)),
      snapshot: () => m.snapshot(),
      dispose: () => m.dispose(),
    };
  }
  const m = new TextCnn(arch.config, embedding, rng);
  return {
    step: (s, y, o, lr, r) => m.trainStep(encodeBatch(s, arch.config.widths, y), o, lr, r),
    predict: (s) => m.predictBatch(encodeBatch(s, arch.config.widths)),
    snapshot: () => m.snapshot(),
    dispose: () => m.dispose(),
  };
}

/** P(positive) for every sequence, in batches of `batchSize`. */
function predictSequences(model: Trainable, sequences: readonly Int32Array[], batchSize = 128): Float32Array {
  const out = new Float32Array(sequences.length);
  for (let i = 0; i < sequences.length; i += batchSize) out.set(model.predict(sequences.slice(i, i + batchSize)), i);
  return out;
}

function accuracy(scores: Float32Array, labels: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if ((scores[i] as number) >= 0.5 === (labels[i] === 1)) ok++;
  return ok / labels.length;
}

/**
 * Trains one CNN with a fixed seed: the same inputs give the same weights on the same
 * backend. Keeps the weights of the epoch with the best dev accuracy.
 */
export function trainMember(opts: MemberTrainingOptions, train: EncodedSplit, dev: EncodedSplit | undefined, onProgress?: (p: MemberProgress) => void): MemberResult {
  const rng = createRng(opts.seed);
  const model = createTrainable(opts.architecture, Float32Array.from(opts.embedding), rng);
  const optimizer = tf.train.adam(opts.learningRate);
  let embeddingLr = opts.embeddingLearningRate;
  const lengths = Int32Array.from(train.sequences, (s) => s.length);
  const history: MemberResult['history'] = [];
  let best: { acc: number; epoch: number; weights: MemberWeights } | undefined;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const started = performance.now();
      const batches = lengthBucketedBatches(lengths, opts.batchSize, rng);
      let lossSum = 0;
      batches.forEach((idx, k) => {
        const loss = model.step(
          idx.map((i) => dropWords(train.sequences[i] as Int32Array, opts.wordDropout, rng)),
          idx.map((i) => train.labels[i] as number),
          optimizer,
          embeddingLr,
          rng,
        );
        if (!Number.isFinite(loss)) throw new Error(`training diverged (loss ${loss}) at epoch ${epoch}, batch ${k + 1}: lower the learning rate`);
        lossSum += loss;
        if (onProgress && (k % 25 === 0 || k === batches.length - 1)) onProgress({ kind: 'batch', epoch, batch: k + 1, batches: batches.length, loss: lossSum / (k + 1) });
      });
      const devAccuracy = dev && dev.labels.length > 0 ? accuracy(predictSequences(model, dev.sequences), dev.labels) : null;
      const seconds = (performance.now() - started) / 1000;
      const loss = lossSum / Math.max(1, batches.length);
      history.push({ epoch, loss, devAccuracy, seconds });
      // Ties keep the earlier epoch: fewer epochs, same dev evidence.
      const isBest = devAccuracy === null || !best || devAccuracy > best.acc;
      if (isBest) best = { acc: devAccuracy ?? 0, epoch, weights: model.snapshot() };
      onProgress?.({ kind: 'epoch', epoch, epochs: opts.epochs, loss, devAccuracy, seconds, best: isBest });
      // AdamOptimizer reads its public learningRate field on every step.
      (optimizer as unknown as { learningRate: number }).learningRate *= opts.learningRateDecay;
      embeddingLr *= opts.learningRateDecay;
    }
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  if (!best) throw new Error('training ran no epoch');
  return { weights: best.weights, bestEpoch: best.epoch, history };
}
