import * as tf from '@tensorflow/tfjs';
import type { NgramLinearWeights } from './ngram-linear.js';
import type { BiGruWeights } from './bigru.js';
import type { TextCnnWeights } from './text-cnn.js';
import { WEIGHTS_FILE } from '../artifact/files.js';

/** Every trained part of a model: CNN members, the optional n-gram linear member, and how they are mixed. */
export interface EnsembleWeights {
  cnn: TextCnnWeights[];
  /** Bidirectional-GRU members; averaged with the CNN members. */
  gru: BiGruWeights[];
  linear?: NgramLinearWeights;
  /** Share of the final probability that comes from the linear member (0 without one). */
  linearShare: number;
}

/**
 * Rebuilds trained CNN members as one standard Keras-style tf.LayersModel:
 * Embedding → Conv1D(relu) per width → GlobalMaxPooling1D → Concatenate → Dense(sigmoid),
 * averaged over ensemble members. Only built-in layers are used, so the saved
 * model.json loads with plain `tf.loadLayersModel` anywhere TF.js runs (browser, Node,
 * tfjs-node), without this project's code.
 *
 * The projection block (w, k) of the training graph is tap k of a Conv1D kernel
 * [w, dim, filters], so the weights copy over without change of meaning.
 */
export function buildLayersModel(ensemble: EnsembleWeights): tf.LayersModel {
  const members = ensemble.cnn;
  if (members.length + ensemble.gru.length === 0) throw new Error('buildLayersModel needs at least one CNN or GRU member');
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'token_ids' });
  const outputs: tf.SymbolicTensor[] = [];
  members.forEach((m, mi) => {
    const { vocabSize, dim, widths, filters } = m.config;
    const cols = widths.reduce((s, w) => s + w, 0) * filters;
    const emb = tf.layers.embedding({ inputDim: vocabSize, outputDim: dim, name: `m${mi}_embedding`, weights: [tf.tensor2d(m.embedding, [vocabSize, dim])] });
    const x = emb.apply(input) as tf.SymbolicTensor;
    const pooled: tf.SymbolicTensor[] = [];
    let col = 0;
    widths.forEach((w, wi) => {
      const kernel = new Float32Array(w * dim * filters);
      for (let k = 0; k < w; k++) {
        for (let d = 0; d < dim; d++) {
          const src = d * cols + col + k * filters;
          kernel.set(m.projection.subarray(src, src + filters), (k * dim + d) * filters);
        }
      }
      col += w * filters;
      const conv = tf.layers.conv1d({
        filters,
        kernelSize: w,
        activation: 'relu',
        padding: 'valid',
        name: `m${mi}_conv${w}`,
        weights: [tf.tensor3d(kernel, [w, dim, filters]), tf.tensor1d(m.convBias.subarray(wi * filters, (wi + 1) * filters))],
      });
      const pool = tf.layers.globalMaxPooling1d({ name: `m${mi}_pool${w}` });
      pooled.push(pool.apply(conv.apply(x)) as tf.SymbolicTensor);
    });
    const features = pooled.length > 1 ? (tf.layers.concatenate({ name: `m${mi}_features` }).apply(pooled) as tf.SymbolicTensor) : (pooled[0] as tf.SymbolicTensor);
    const dense = tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      name: `m${mi}_score`,
      weights: [tf.tensor2d(m.outKernel, [m.outKernel.length, 1]), tf.tensor1d([m.outBias])],
    });
    outputs.push(dense.apply(features) as tf.SymbolicTensor);
  });
  ensemble.gru.forEach((g, gi) => outputs.push(gruBranch(input, g, gi)));
  const cnnMean = outputs.length > 1 ? (tf.layers.average({ name: 'ensemble_mean' }).apply(outputs) as tf.SymbolicTensor) : (outputs[0] as tf.SymbolicTensor);
  if (!ensemble.linear) return tf.model({ inputs: input, outputs: cnnMean, name: 'text_cnn' });

  // Linear member: Σ w[id]·tfidf over the text's n-grams, as an Embedding(·, 1) dotted with the values.
  const lin = ensemble.linear;
  const ngramIds = tf.input({ shape: [null], dtype: 'int32', name: 'ngram_ids' });
  const ngramValues = tf.input({ shape: [null], name: 'ngram_values' });
  const table = new Float32Array(lin.weights.length + 1);
  table.set(lin.weights, 1); // row 0 = padding
  const w = tf.layers.embedding({ inputDim: table.length, outputDim: 1, name: 'lin_weights', weights: [tf.tensor2d(table, [table.length, 1])] }).apply(ngramIds) as tf.SymbolicTensor;
  const v = tf.layers.reshape({ targetShape: [-1, 1], name: 'lin_values' }).apply(ngramValues) as tf.SymbolicTensor;
  const dot = tf.layers.dot({ axes: 1, name: 'lin_dot' }).apply([w, v]) as tf.SymbolicTensor;
  const z = tf.layers.reshape({ targetShape: [1], name: 'lin_logit' }).apply(dot) as tf.SymbolicTensor;
  const linScore = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'lin_score', weights: [tf.tensor2d([[1]]), tf.tensor1d([lin.bias])] }).apply(z) as tf.SymbolicTensor;
  const both = tf.layers.concatenate({ name: 'ensemble_inputs' }).apply([cnnMean, linScore]) as tf.SymbolicTensor;
  const s = ensemble.linearShare;
  const mixed = tf.layers.dense({ units: 1, useBias: false, name: 'ensemble_weights', weights: [tf.tensor2d([[1 - s], [s]])] }).apply(both) as tf.SymbolicTensor;
  return tf.model({ inputs: [input, ngramIds, ngramValues], outputs: mixed, name: 'text_cnn_ngram_ensemble' });
}

/**
 * A GRU member as standard layers: Embedding(maskZero) → Bidirectional(GRU) →
 * GlobalMaxPooling1D → ReLU → Dense(sigmoid). The mask makes any padding (including
 * the CNN's) invisible to the GRU; masked steps repeat a previous output or zero, which
 * the ReLU after the max makes harmless.
 */
function gruBranch(input: tf.SymbolicTensor, g: BiGruWeights, gi: number): tf.SymbolicTensor {
  const { vocabSize, dim, hidden } = g.config;
  const emb = tf.layers.embedding({ inputDim: vocabSize, outputDim: dim, maskZero: true, name: `g${gi}_embedding`, weights: [tf.tensor2d(g.embedding, [vocabSize, dim])] });
  const dirWeights = (d: BiGruWeights['forward']): tf.Tensor[] => [tf.tensor2d(d.kernel, [dim, 3 * hidden]), tf.tensor2d(d.recurrent, [hidden, 3 * hidden]), tf.tensor1d(d.bias)];
  const bi = tf.layers.bidirectional({
    // Initializers are placeholders (weights are set below); 'zeros' avoids the slow orthogonal init.
    layer: tf.layers.gru({ units: hidden, returnSequences: true, recurrentActivation: 'sigmoid', activation: 'tanh', kernelInitializer: 'zeros', recurrentInitializer: 'zeros' }) as tf.RNN,
    mergeMode: 'concat',
    name: `g${gi}_bigru`,
  });
  const seq = bi.apply(emb.apply(input)) as tf.SymbolicTensor;
  bi.setWeights([...dirWeights(g.forward), ...dirWeights(g.backward)]);
  const pooled = tf.layers.reLU({ name: `g${gi}_relu` }).apply(tf.layers.globalMaxPooling1d({ name: `g${gi}_pool` }).apply(seq)) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 1, activation: 'sigmoid', name: `g${gi}_score`, weights: [tf.tensor2d(g.outKernel, [2 * hidden, 1]), tf.tensor1d([g.outBias])] });
  return dense.apply(pooled) as tf.SymbolicTensor;
}

/** The embedding of the member whose layers are prefixed `prefix` (e.g. "m0", "g1"), or undefined when there is no such member. */
function memberEmbedding(model: tf.LayersModel, prefix: string): { embedding: Float32Array; vocabSize: number; dim: number } | undefined {
  const layer = model.layers.find((l) => l.name === `${prefix}_embedding`);
  if (!layer) return undefined;
  const t = layer.getWeights()[0] as tf.Tensor;
  const [vocabSize, dim] = t.shape as [number, number];
  return { embedding: Float32Array.from(t.dataSync() as Float32Array), vocabSize, dim };
}

function extractGruMembers(model: tf.LayersModel): BiGruWeights[] {
  const out: BiGruWeights[] = [];
  for (let gi = 0; ; gi++) {
    const emb = memberEmbedding(model, `g${gi}`);
    if (!emb) break;
    const { embedding, vocabSize, dim } = emb;
    const w = model.getLayer(`g${gi}_bigru`).getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
    const hidden = Math.round(Math.sqrt((w[1] as Float32Array).length / 3)); // recurrent kernel is [hidden, 3·hidden]
    const dense = model.getLayer(`g${gi}_score`).getWeights();
    out.push({
      kind: 'bigru',
      config: { vocabSize, dim, hidden, dropout: 0 },
      embedding,
      forward: { kernel: w[0] as Float32Array, recurrent: w[1] as Float32Array, bias: w[2] as Float32Array },
      backward: { kernel: w[3] as Float32Array, recurrent: w[4] as Float32Array, bias: w[5] as Float32Array },
      outKernel: Float32Array.from((dense[0] as tf.Tensor).dataSync() as Float32Array),
      outBias: (dense[1] as tf.Tensor).dataSync()[0] as number,
    });
  }
  return out;
}

/** The two files of TF.js's "layers-model" format (what tfjs-node's file:// handler writes). */
export interface LayersModelFiles {
  modelJson: string;
  weightsBin: Uint8Array;
}

export { WEIGHTS_FILE };

export async function serializeLayersModel(model: tf.LayersModel): Promise<LayersModelFiles> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.weightData || !captured.weightSpecs) throw new Error('TF.js did not produce model weights');
  const weightData = captured.weightData;
  const bytes = weightData instanceof ArrayBuffer ? new Uint8Array(weightData) : new Uint8Array(tf.io.concatenateArrayBuffers(weightData));
  const modelJson = JSON.stringify({
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: captured.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: captured.weightSpecs }],
  });
  return { modelJson, weightsBin: bytes };
}

/** Loads the two files back into a tf.LayersModel (no custom layers involved). */
export async function deserializeLayersModel(files: LayersModelFiles): Promise<tf.LayersModel> {
  const json = JSON.parse(files.modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const buf = files.weightsBin.buffer.slice(files.weightsBin.byteOffset, files.weightsBin.byteOffset + files.weightsBin.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: buf }));
}

/** Reads every member back out of a layers model built by buildLayersModel. */
export function extractEnsemble(model: tf.LayersModel): EnsembleWeights {
  const cnn = extractCnnMembers(model);
  const gru = extractGruMembers(model);
  if (cnn.length + gru.length === 0) throw new Error('model.json holds no CNN or GRU member (expected a layer named m0_embedding or g0_embedding)');
  const linLayer = model.layers.find((l) => l.name === 'lin_weights');
  if (!linLayer) return { cnn, gru, linearShare: 0 };
  const table = (linLayer.getWeights()[0] as tf.Tensor).dataSync() as Float32Array;
  const bias = (model.getLayer('lin_score').getWeights()[1] as tf.Tensor).dataSync()[0] as number;
  const mix = (model.getLayer('ensemble_weights').getWeights()[0] as tf.Tensor).dataSync();
  return { cnn, gru, linear: { weights: table.slice(1), bias }, linearShare: mix[1] as number };
}

function extractCnnMembers(model: tf.LayersModel): TextCnnWeights[] {
  const members: TextCnnWeights[] = [];
  for (let mi = 0; ; mi++) {
    const emb = memberEmbedding(model, `m${mi}`);
    if (!emb) break;
    const { embedding, vocabSize, dim } = emb;
    const convs = model.layers
      .filter((l) => l.name.startsWith(`m${mi}_conv`))
      .map((l) => ({ w: Number(l.name.slice(`m${mi}_conv`.length)), weights: l.getWeights() }))
      .sort((a, b) => a.w - b.w);
    const widths = convs.map((c) => c.w);
    const filters = ((convs[0]?.weights[0] as tf.Tensor).shape[2] as number) ?? 0;
    const cols = widths.reduce((s, w) => s + w, 0) * filters;
    const projection = new Float32Array(dim * cols);
    const convBias = new Float32Array(widths.length * filters);
    let col = 0;
    convs.forEach((c, wi) => {
      const kernel = (c.weights[0] as tf.Tensor).dataSync() as Float32Array;
      for (let k = 0; k < c.w; k++) for (let d = 0; d < dim; d++) projection.set(kernel.subarray((k * dim + d) * filters, (k * dim + d + 1) * filters), d * cols + col + k * filters);
      convBias.set((c.weights[1] as tf.Tensor).dataSync() as Float32Array, wi * filters);
      col += c.w * filters;
    });
    const dense = model.getLayer(`m${mi}_score`).getWeights();
    members.push({
      kind: 'text-cnn',
      config: { vocabSize, dim, widths, filters, dropout: 0, staticColumns: 0 },
      embedding,
      projection,
      convBias,
      outKernel: Float32Array.from((dense[0] as tf.Tensor).dataSync() as Float32Array),
      outBias: (dense[1] as tf.Tensor).dataSync()[0] as number,
    });
  }
  return members;
}
