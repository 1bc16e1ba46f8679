import type { BiGruWeights, GruDirectionWeights } from './bigru.js';

/**
 * Serving-time BiGRU forward pass in plain typed-array code (no TF.js kernel launches:
 * per-step op overhead would dominate a single sentence). Input projections x·W + b
 * depend only on the token, so they are cached per token id; the recurrent products
 * run per step. Matches the tf.layers Bidirectional(GRU) export within float rounding
 * (a test checks it).
 */
export class BiGruPredictor {
  private readonly cache: [Map<number, Float32Array>, Map<number, Float32Array>] = [new Map(), new Map()];
  private readonly h: Float32Array;
  private readonly next: Float32Array;
  private readonly rh: Float32Array;
  private readonly gates: Float32Array;
  private readonly pooled: Float32Array;

  constructor(readonly weights: BiGruWeights) {
    const hidden = weights.config.hidden;
    this.h = new Float32Array(hidden);
    this.next = new Float32Array(hidden);
    this.rh = new Float32Array(hidden);
    this.gates = new Float32Array(3 * hidden);
    this.pooled = new Float32Array(2 * hidden);
  }

  get vocabSize(): number {
    return this.weights.config.vocabSize;
  }

  private projection(dir: 0 | 1, id: number): Float32Array {
    const cache = this.cache[dir];
    let row = cache.get(id);
    if (!row) {
      const { dim, hidden } = this.weights.config;
      const w = dir === 0 ? this.weights.forward : this.weights.backward;
      const cols = 3 * hidden;
      row = Float32Array.from(w.bias);
      const e = this.weights.embedding;
      for (let d = 0; d < dim; d++) {
        const x = e[id * dim + d] as number;
        if (x === 0) continue;
        const base = d * cols;
        for (let c = 0; c < cols; c++) row[c] = (row[c] as number) + x * (w.kernel[base + c] as number);
      }
      cache.set(id, row);
    }
    return row;
  }

  /** Writes ReLU(max over steps) of one direction into pooled[offset…]. */
  private run(dir: 0 | 1, ids: Int32Array, reverse: boolean, offset: number): void {
    const hidden = this.weights.config.hidden;
    const w: GruDirectionWeights = dir === 0 ? this.weights.forward : this.weights.backward;
    const u = w.recurrent;
    const cols = 3 * hidden;
    const { h, next, rh, gates, pooled } = this;
    h.fill(0);
    for (let j = 0; j < hidden; j++) pooled[offset + j] = 0; // the ReLU floor
    const n = ids.length;
    for (let s = 0; s < n; s++) {
      const x = this.projection(dir, ids[reverse ? n - 1 - s : s] as number);
      // z and r pre-activations: x·Wzr + b + h·Uzr
      for (let c = 0; c < 2 * hidden; c++) gates[c] = x[c] as number;
      for (let k = 0; k < hidden; k++) {
        const hk = h[k] as number;
        if (hk === 0) continue;
        const base = k * cols;
        for (let c = 0; c < 2 * hidden; c++) gates[c] = (gates[c] as number) + hk * (u[base + c] as number);
      }
      for (let j = 0; j < hidden; j++) {
        const r = 1 / (1 + Math.exp(-(gates[hidden + j] as number)));
        rh[j] = r * (h[j] as number);
      }
      for (let j = 0; j < hidden; j++) gates[2 * hidden + j] = x[2 * hidden + j] as number;
      for (let k = 0; k < hidden; k++) {
        const v = rh[k] as number;
        if (v === 0) continue;
        const base = k * cols + 2 * hidden;
        for (let j = 0; j < hidden; j++) gates[2 * hidden + j] = (gates[2 * hidden + j] as number) + v * (u[base + j] as number);
      }
      for (let j = 0; j < hidden; j++) {
        const z = 1 / (1 + Math.exp(-(gates[j] as number)));
        const cand = Math.tanh(gates[2 * hidden + j] as number);
        const hj = z * (h[j] as number) + (1 - z) * cand;
        next[j] = hj;
        if (hj > (pooled[offset + j] as number)) pooled[offset + j] = hj;
      }
      h.set(next);
    }
  }

  /** P(positive) for one unpadded token-id sequence. */
  predict(ids: Int32Array): number {
    const hidden = this.weights.config.hidden;
    this.run(0, ids, false, 0);
    this.run(1, ids, true, hidden);
    let logit = this.weights.outBias;
    for (let j = 0; j < 2 * hidden; j++) logit += (this.pooled[j] as number) * (this.weights.outKernel[j] as number);
    return 1 / (1 + Math.exp(-logit));
  }
}
