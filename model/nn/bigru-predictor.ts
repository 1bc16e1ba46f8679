import type { BiGruWeights, GruDirectionWeights } from './bigru.js';
import { createVecMatKernel } from './kernels/vecmat.js';
import type { VecMatKernel } from './kernels/vecmat.js';

/**
 * out[c] += Σ_k v[k] · m[(k·stride) + offset + c] for c < width, k < rows. Four rows per
 * pass cut the loads and stores of `out` by 4; V8 does not vectorise, so this is what
 * takes the recurrent product from ~0.3 to ~0.8 GMAC/s here.
 */
function addVecMat(out: Float32Array, v: Float32Array, m: Float32Array, rows: number, stride: number, offset: number, width: number): void {
  let k = 0;
  for (; k + 3 < rows; k += 4) {
    const v0 = v[k] as number;
    const v1 = v[k + 1] as number;
    const v2 = v[k + 2] as number;
    const v3 = v[k + 3] as number;
    const b0 = k * stride + offset;
    const b1 = b0 + stride;
    const b2 = b1 + stride;
    const b3 = b2 + stride;
    for (let c = 0; c < width; c++) {
      out[c] = (out[c] as number) + v0 * (m[b0 + c] as number) + v1 * (m[b1 + c] as number) + v2 * (m[b2 + c] as number) + v3 * (m[b3 + c] as number);
    }
  }
  for (; k < rows; k++) {
    const vk = v[k] as number;
    const b = k * stride + offset;
    for (let c = 0; c < width; c++) out[c] = (out[c] as number) + vk * (m[b + c] as number);
  }
}

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
  private readonly cand: Float32Array;
  private readonly pooled: Float32Array;
  /** SIMD kernel and the byte offsets of its operands (recurrent weights per direction, h, r⊙h, gates, candidate). */
  private readonly simd?: { kernel: VecMatKernel; u: [number, number]; h: number; rh: number; gates: number; cand: number };

  constructor(
    readonly weights: BiGruWeights,
    opts: { simd?: boolean } = {},
  ) {
    const hidden = weights.config.hidden;
    const kernel = opts.simd !== false && hidden % 4 === 0 ? createVecMatKernel((6 * hidden * hidden + 5 * hidden) * 4) : undefined;
    if (kernel) {
      // The recurrent weights and the step vectors live in the kernel's memory; the
      // Float32Array views below are what the JavaScript side reads and writes.
      const u3 = 3 * hidden * hidden * 4;
      const layout = { u: [0, u3] as [number, number], h: 2 * u3, rh: 2 * u3 + 4 * hidden, gates: 2 * u3 + 8 * hidden, cand: 2 * u3 + 16 * hidden };
      const buf = kernel.memory.buffer;
      new Float32Array(buf, layout.u[0], 3 * hidden * hidden).set(weights.forward.recurrent);
      new Float32Array(buf, layout.u[1], 3 * hidden * hidden).set(weights.backward.recurrent);
      this.h = new Float32Array(buf, layout.h, hidden);
      this.rh = new Float32Array(buf, layout.rh, hidden);
      this.gates = new Float32Array(buf, layout.gates, 2 * hidden);
      this.cand = new Float32Array(buf, layout.cand, hidden);
      this.simd = { kernel, ...layout };
    } else {
      this.h = new Float32Array(hidden);
      this.rh = new Float32Array(hidden);
      this.gates = new Float32Array(2 * hidden);
      this.cand = new Float32Array(hidden);
    }
    this.next = new Float32Array(hidden);
    this.pooled = new Float32Array(2 * hidden);
  }

  /** Whether the recurrent products run in the WebAssembly SIMD kernel. */
  get usesSimd(): boolean {
    return this.simd !== undefined;
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
    const { h, next, rh, gates, cand, pooled } = this;
    h.fill(0);
    for (let j = 0; j < hidden; j++) pooled[offset + j] = 0; // the ReLU floor
    const n = ids.length;
    for (let s = 0; s < n; s++) {
      const x = this.projection(dir, ids[reverse ? n - 1 - s : s] as number);
      // z and r pre-activations: x·Wzr + b + h·Uzr (h is all zeros at the first step)
      gates.set(x.subarray(0, 2 * hidden));
      const simd = this.simd;
      if (s > 0) {
        if (simd) simd.kernel.addVecMat(simd.gates, simd.h, simd.u[dir], hidden, cols, 2 * hidden);
        else addVecMat(gates, h, u, hidden, cols, 0, 2 * hidden);
      }
      for (let j = 0; j < hidden; j++) {
        const r = 1 / (1 + Math.exp(-(gates[hidden + j] as number)));
        rh[j] = r * (h[j] as number);
      }
      // candidate: x·Wh + b + (r ⊙ h)·Uh
      cand.set(x.subarray(2 * hidden, 3 * hidden));
      if (s > 0) {
        if (simd) simd.kernel.addVecMat(simd.cand, simd.rh, simd.u[dir] + 8 * hidden, hidden, cols, hidden);
        else addVecMat(cand, rh, u, hidden, cols, 2 * hidden, hidden);
      }
      for (let j = 0; j < hidden; j++) {
        const z = 1 / (1 + Math.exp(-(gates[j] as number)));
        const hj = z * (h[j] as number) + (1 - z) * Math.tanh(cand[j] as number);
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
