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
 * depend only on the token, so they are cached per token id; the recurrent steps run
 * per token. Where WebAssembly SIMD is available (Node 20 has it) each direction is one
 * call into the fused kernel of kernels/vecmat.wat: the token projections are copied
 * into its memory in step order and the whole recurrence, gates included, runs there,
 * four lanes at a time. Elsewhere a JavaScript loop does the same. Both match the
 * tf.layers Bidirectional(GRU) export within float rounding (tests check it).
 */
export class BiGruPredictor {
  private readonly cache: [Map<number, Float32Array>, Map<number, Float32Array>] = [new Map(), new Map()];
  private readonly h: Float32Array;
  private readonly next: Float32Array;
  private readonly rh: Float32Array;
  private readonly gates: Float32Array;
  private readonly cand: Float32Array;
  private readonly pooled: Float32Array;
  /** The fused kernel, the byte offsets of its operands, and a view of its memory (rebuilt when the memory grows). */
  private readonly simd?: { kernel: VecMatKernel; u: [number, number]; h: number; rh: number; gates: number; cand: number; pooled: number; xs: [number, number]; steps: number; f32: Float32Array };

  constructor(
    readonly weights: BiGruWeights,
    opts: { simd?: boolean } = {},
  ) {
    const hidden = weights.config.hidden;
    this.h = new Float32Array(hidden);
    this.rh = new Float32Array(hidden);
    this.gates = new Float32Array(2 * hidden);
    this.cand = new Float32Array(hidden);
    this.next = new Float32Array(hidden);
    this.pooled = new Float32Array(2 * hidden);
    const steps = 128;
    const u3 = 3 * hidden * hidden * 4;
    const scratch = 2 * u3;
    const xs0 = scratch + 7 * hidden * 4;
    const kernel = opts.simd !== false && hidden % 4 === 0 ? createVecMatKernel(xs0 + 2 * steps * 3 * hidden * 4) : undefined;
    if (kernel) {
      // Recurrent weights of both directions, then h, r⊙h, gates (2·hidden), candidate,
      // pooled (2·hidden: forward then backward), then the two directions' projections.
      const layout = { u: [0, u3] as [number, number], h: scratch, rh: scratch + 4 * hidden, gates: scratch + 8 * hidden, cand: scratch + 16 * hidden, pooled: scratch + 20 * hidden };
      const f32 = new Float32Array(kernel.memory.buffer);
      f32.set(weights.forward.recurrent, layout.u[0] / 4);
      f32.set(weights.backward.recurrent, layout.u[1] / 4);
      this.simd = { kernel, ...layout, xs: [xs0, xs0 + steps * 3 * hidden * 4], steps, f32 };
    }
  }

  /** Whether the recurrent steps run in the WebAssembly SIMD kernel. */
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

  /** Writes ReLU(max over steps) of one direction into pooled[offset…] (the JavaScript path). */
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
      if (s > 0) addVecMat(gates, h, u, hidden, cols, 0, 2 * hidden);
      for (let j = 0; j < hidden; j++) {
        const r = 1 / (1 + Math.exp(-(gates[hidden + j] as number)));
        rh[j] = r * (h[j] as number);
      }
      // candidate: x·Wh + b + (r ⊙ h)·Uh
      cand.set(x.subarray(2 * hidden, 3 * hidden));
      if (s > 0) addVecMat(cand, rh, u, hidden, cols, 2 * hidden, hidden);
      for (let j = 0; j < hidden; j++) {
        const z = 1 / (1 + Math.exp(-(gates[j] as number)));
        const hj = z * (h[j] as number) + (1 - z) * Math.tanh(cand[j] as number);
        next[j] = hj;
        if (hj > (pooled[offset + j] as number)) pooled[offset + j] = hj;
      }
      h.set(next);
    }
  }

  /** Both directions in the fused kernel; returns the pooled features (a view of its memory). */
  private runSimd(ids: Int32Array): Float32Array {
    const simd = this.simd as NonNullable<BiGruPredictor['simd']>;
    const hidden = this.weights.config.hidden;
    const cols = 3 * hidden;
    const n = ids.length;
    if (n > simd.steps) this.growSteps(n);
    const f32 = simd.f32;
    const fwd = simd.xs[0] / 4;
    const bwd = simd.xs[1] / 4;
    for (let s = 0; s < n; s++) {
      const id = ids[s] as number;
      f32.set(this.projection(0, id), fwd + s * cols);
      f32.set(this.projection(1, id), bwd + (n - 1 - s) * cols);
    }
    const { kernel, h, gates, cand, rh, pooled } = simd;
    kernel.gruDirection(simd.u[0], simd.xs[0], n, hidden, h, gates, cand, rh, pooled);
    kernel.gruDirection(simd.u[1], simd.xs[1], n, hidden, h, gates, cand, rh, pooled + 4 * hidden);
    return f32.subarray(pooled / 4, pooled / 4 + 2 * hidden);
  }

  /** Room for sequences of `n` steps: grows the kernel's memory (which detaches the old view). */
  private growSteps(n: number): void {
    const simd = this.simd as NonNullable<BiGruPredictor['simd']>;
    const rowBytes = 3 * this.weights.config.hidden * 4;
    const steps = Math.max(n, 2 * simd.steps);
    const need = simd.xs[0] + 2 * steps * rowBytes;
    const pages = Math.ceil((need - simd.kernel.memory.buffer.byteLength) / 65536);
    if (pages > 0) simd.kernel.memory.grow(pages);
    simd.steps = steps;
    simd.xs[1] = simd.xs[0] + steps * rowBytes;
    simd.f32 = new Float32Array(simd.kernel.memory.buffer);
  }

  /** P(positive) for one unpadded token-id sequence. */
  predict(ids: Int32Array): number {
    const hidden = this.weights.config.hidden;
    let pooled = this.pooled;
    if (this.simd) pooled = this.runSimd(ids);
    else {
      this.run(0, ids, false, 0);
      this.run(1, ids, true, hidden);
    }
    const out = this.weights.outKernel;
    let logit = this.weights.outBias;
    for (let j = 0; j < 2 * hidden; j++) logit += (pooled[j] as number) * (out[j] as number);
    return 1 / (1 + Math.exp(-logit));
  }
}
