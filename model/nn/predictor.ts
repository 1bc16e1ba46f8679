import type { TextCnnWeights } from './text-cnn.js';

/**
 * Serving-time forward pass of the text CNN in plain typed-array code.
 *
 * A convolution tap only ever sees one token, so E[token]·W_k can be computed once per
 * token and reused: a prediction becomes a few hundred additions per token instead of a
 * matrix product, and needs no TF.js kernel launches (single-sentence latency is then
 * dominated by tokenization). Per-token projections are cached lazily; the cache is
 * bounded by the vocabulary. Results equal the tf.LayersModel's within float rounding
 * (a test checks it).
 */
export class CnnPredictor {
  private readonly caches: Map<number, Float32Array>[];
  private readonly scratch: Float32Array;

  constructor(readonly members: readonly TextCnnWeights[]) {
    if (members.length === 0) throw new Error('CnnPredictor needs at least one member');
    this.caches = members.map(() => new Map());
    const maxPooled = Math.max(...members.map((m) => m.config.widths.length * m.config.filters));
    this.scratch = new Float32Array(maxPooled);
  }

  get vocabSize(): number {
    return (this.members[0] as TextCnnWeights).config.vocabSize;
  }

  private projectionOf(mi: number, id: number): Float32Array {
    const cache = this.caches[mi] as Map<number, Float32Array>;
    let row = cache.get(id);
    if (!row) {
      const m = this.members[mi] as TextCnnWeights;
      const { dim, widths, filters } = m.config;
      const cols = widths.reduce((s, w) => s + w, 0) * filters;
      row = new Float32Array(cols);
      const e = m.embedding;
      const p = m.projection;
      for (let d = 0; d < dim; d++) {
        const x = e[id * dim + d] as number;
        if (x === 0) continue;
        const base = d * cols;
        for (let c = 0; c < cols; c++) row[c] = (row[c] as number) + x * (p[base + c] as number);
      }
      cache.set(id, row);
    }
    return row;
  }

  /** P(positive) for one unpadded token-id sequence; ids must be < vocabSize. */
  predict(ids: Int32Array): number {
    let sum = 0;
    for (let mi = 0; mi < this.members.length; mi++) sum += this.memberScore(mi, ids);
    return sum / this.members.length;
  }

  private memberScore(mi: number, ids: Int32Array): number {
    const m = this.members[mi] as TextCnnWeights;
    const { widths, filters } = m.config;
    const n = ids.length;
    const rows: (Float32Array | undefined)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const id = ids[i] as number;
      rows[i] = id === 0 ? undefined : this.projectionOf(mi, id);
    }
    const pooled = this.scratch;
    let blockStart = 0;
    for (let wi = 0; wi < widths.length; wi++) {
      const w = widths[wi] as number;
      const bOff = wi * filters;
      // An all-padding window (always present) contributes ReLU(bias).
      for (let f = 0; f < filters; f++) pooled[bOff + f] = Math.max(0, m.convBias[bOff + f] as number);
      for (let t = 1 - w; t < n; t++) {
        for (let f = 0; f < filters; f++) {
          let acc = m.convBias[bOff + f] as number;
          for (let k = 0; k < w; k++) {
            const pos = t + k;
            if (pos < 0 || pos >= n) continue;
            const r = rows[pos];
            if (r) acc += r[blockStart + k * filters + f] as number;
          }
          if (acc > (pooled[bOff + f] as number)) pooled[bOff + f] = acc;
        }
      }
      blockStart += w * filters;
    }
    let logit = m.outBias;
    const total = widths.length * filters;
    for (let j = 0; j < total; j++) logit += (pooled[j] as number) * (m.outKernel[j] as number);
    return 1 / (1 + Math.exp(-logit));
  }
}
