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

/** The SIMD path's kernel, the byte offsets of its operands, its allocator and views of its memory (renewed when it grows). */
interface SimdState {
  kernel: VecMatKernel;
  u: [number, number];
  h: number;
  rh: number;
  gates: number;
  cand: number;
  pooled: number;
  /** First free byte of the bump allocator. */
  end: number;
  /** Longest text the step pointers and scratch rows have room for. */
  steps: number;
  /** Step pointers of the forward and the backward direction (i32 byte offsets, step order). */
  ptrs: [number, number];
  /** Scratch projection rows, one per step, for tokens past `maxKept`. */
  rows: number;
  /** Token id → byte offset of its kept projections; 0 = not kept (offset 0 holds weights). */
  slotOf: Int32Array;
  kept: number;
  maxKept: number;
  /** Free slots left in the current chunk, and the offset of the next one. */
  chunkFree: number;
  chunkNext: number;
  /** Input weights of both directions side by side (dim rows × 6·hidden), their biases (6·hidden), and room for one embedding row. */
  w: number;
  bias: number;
  x: number;
  f32: Float32Array;
  i32: Int32Array;
}

/**
 * Serving-time BiGRU forward pass in plain typed-array code (no TF.js kernel launches:
 * per-step op overhead would dominate a single sentence). Input projections x·W + b
 * depend only on the token, so they are computed once per token id and kept; the
 * recurrent steps run per token. Where WebAssembly SIMD is available (Node 20 has it)
 * each direction is one call into the fused kernel of kernels/vecmat.wat, which runs the
 * whole recurrence, gates included, four lanes at a time. The kept projections live in
 * the kernel's own memory and the kernel reads them in place through one pointer per
 * step, so a text costs no copies. Elsewhere a JavaScript loop does the same. Both match
 * the tf.layers Bidirectional(GRU) export within float rounding (tests check it).
 *
 * A token's projections (both directions) are one call into the kernel's matvec: about
 * 2.6 µs more than a kept token costs, where a JavaScript loop added about 120 (`npm run
 * bench:predictor`), which is what a word unseen since start-up costs a request. At most `cacheTokens` token ids keep their projections (the default holds
 * every word of a typical day's traffic, ~25 MB for 64 units): a client sending the
 * whole vocabulary cannot grow the process without bound. Past it, a token's projection
 * is computed into a per-text scratch row each time, which costs time, not memory.
 */
export class BiGruPredictor {
  private readonly cache: [Map<number, Float32Array>, Map<number, Float32Array>] = [new Map(), new Map()];
  private readonly h: Float32Array;
  private readonly next: Float32Array;
  private readonly rh: Float32Array;
  private readonly gates: Float32Array;
  private readonly cand: Float32Array;
  private readonly pooled: Float32Array;
  private readonly simd?: SimdState;

  constructor(
    readonly weights: BiGruWeights,
    opts: { simd?: boolean; cacheTokens?: number } = {},
  ) {
    const hidden = weights.config.hidden;
    this.h = new Float32Array(hidden);
    this.rh = new Float32Array(hidden);
    this.gates = new Float32Array(2 * hidden);
    this.cand = new Float32Array(hidden);
    this.next = new Float32Array(hidden);
    this.pooled = new Float32Array(2 * hidden);
    const u3 = 3 * hidden * hidden * 4;
    const scratch = 2 * u3;
    const heap = scratch + 7 * hidden * 4;
    const kernel = opts.simd !== false && hidden % 4 === 0 ? createVecMatKernel(heap + 65536) : undefined;
    if (kernel) {
      // Recurrent weights of both directions, then h, r⊙h, gates (2·hidden), candidate,
      // pooled (2·hidden: forward then backward); from `heap` on, a bump allocator hands
      // out the per-text step pointers and scratch rows, and the kept projections.
      const simd: SimdState = {
        kernel,
        u: [0, u3],
        h: scratch,
        rh: scratch + 4 * hidden,
        gates: scratch + 8 * hidden,
        cand: scratch + 16 * hidden,
        pooled: scratch + 20 * hidden,
        end: heap,
        steps: 0,
        ptrs: [0, 0],
        rows: 0,
        slotOf: new Int32Array(weights.config.vocabSize),
        kept: 0,
        maxKept: opts.cacheTokens ?? 16384,
        chunkFree: 0,
        chunkNext: 0,
        w: 0,
        bias: 0,
        x: 0,
        f32: new Float32Array(kernel.memory.buffer),
        i32: new Int32Array(kernel.memory.buffer),
      };
      this.simd = simd;
      const { dim } = weights.config;
      const cols = 3 * hidden;
      simd.w = this.alloc(dim * 2 * cols * 4);
      simd.bias = this.alloc(2 * cols * 4);
      simd.x = this.alloc(Math.ceil(dim / 4) * 16);
      simd.f32.set(weights.forward.recurrent, simd.u[0] / 4);
      simd.f32.set(weights.backward.recurrent, simd.u[1] / 4);
      for (let d = 0; d < dim; d++) {
        simd.f32.set(weights.forward.kernel.subarray(d * cols, (d + 1) * cols), simd.w / 4 + d * 2 * cols);
        simd.f32.set(weights.backward.kernel.subarray(d * cols, (d + 1) * cols), simd.w / 4 + d * 2 * cols + cols);
      }
      simd.f32.set(weights.forward.bias, simd.bias / 4);
      simd.f32.set(weights.backward.bias, simd.bias / 4 + cols);
      this.growSteps(128);
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

  /** Both directions in the fused kernel; the pooled features are left at f32 index `pooled / 4` of its memory. */
  private runSimd(ids: Int32Array): void {
    const simd = this.simd as SimdState;
    const hidden = this.weights.config.hidden;
    const n = ids.length;
    if (n > simd.steps) this.growSteps(n);
    const bwdOffset = 3 * hidden * 4;
    const fwd = simd.ptrs[0] / 4;
    const bwd = simd.ptrs[1] / 4;
    for (let s = 0; s < n; s++) {
      const id = ids[s] as number;
      let at = simd.slotOf[id] ?? 0;
      if (at === 0) at = this.keep(id, s);
      // keep() may have grown the memory: read the view after it.
      const i32 = simd.i32;
      i32[fwd + s] = at;
      i32[bwd + n - 1 - s] = at + bwdOffset;
    }
    const { kernel, h, gates, cand, rh, pooled } = simd;
    kernel.gruDirection(simd.u[0], simd.ptrs[0], n, hidden, h, gates, cand, rh, pooled);
    kernel.gruDirection(simd.u[1], simd.ptrs[1], n, hidden, h, gates, cand, rh, pooled + 4 * hidden);
  }

  /**
   * Byte offset of the projections of token `id` (forward, then backward) in the kernel's
   * memory: computed now into a kept slot, or into step `s`'s scratch row once
   * `cacheTokens` ids are kept.
   */
  private keep(id: number, s: number): number {
    const simd = this.simd as SimdState;
    // Ids come from the vocabulary; any other is a caller's bug, and would read past the embedding.
    if (!Number.isInteger(id) || id < 0 || id >= this.weights.config.vocabSize) throw new RangeError(`token id ${id} is outside the embedding (${this.weights.config.vocabSize} rows)`);
    const { dim, hidden } = this.weights.config;
    const rowBytes = 6 * hidden * 4;
    let at: number;
    if (simd.kept < simd.maxKept) {
      if (simd.chunkFree === 0) {
        const slots = Math.min(256, simd.maxKept - simd.kept);
        simd.chunkNext = this.alloc(slots * rowBytes);
        simd.chunkFree = slots;
      }
      at = simd.chunkNext;
      simd.chunkNext += rowBytes;
      simd.chunkFree--;
      simd.kept++;
      simd.slotOf[id] = at;
    } else at = simd.rows + s * rowBytes;
    simd.f32.set(this.weights.embedding.subarray(id * dim, (id + 1) * dim), simd.x / 4);
    simd.kernel.matvec(at, simd.bias, simd.x, simd.w, dim, 6 * hidden, 6 * hidden);
    return at;
  }

  /** `bytes` (a multiple of 16) from the bump allocator, growing the memory (and renewing the views) when needed. */
  private alloc(bytes: number): number {
    const simd = this.simd as SimdState;
    const at = simd.end;
    simd.end += bytes;
    const pages = Math.ceil((simd.end - simd.kernel.memory.buffer.byteLength) / 65536);
    if (pages > 0) {
      simd.kernel.memory.grow(pages);
      simd.f32 = new Float32Array(simd.kernel.memory.buffer);
      simd.i32 = new Int32Array(simd.kernel.memory.buffer);
    }
    return at;
  }

  /** Room for texts of `n` steps: fresh step pointers and scratch rows (the old ones are left unused; this happens a few times at most). */
  private growSteps(n: number): void {
    const simd = this.simd as SimdState;
    const steps = Math.max(n, 2 * simd.steps);
    const ptrBytes = Math.ceil((steps * 4) / 16) * 16;
    simd.ptrs = [this.alloc(ptrBytes), this.alloc(ptrBytes)];
    simd.rows = this.alloc(steps * 6 * this.weights.config.hidden * 4);
    simd.steps = steps;
  }

  /** P(positive) for one unpadded token-id sequence. */
  predict(ids: Int32Array): number {
    const hidden = this.weights.config.hidden;
    // Read in place (no subarray view per call: it would be garbage per request).
    let pooled = this.pooled;
    let at = 0;
    if (this.simd) {
      this.runSimd(ids);
      pooled = this.simd.f32;
      at = this.simd.pooled / 4;
    } else {
      this.run(0, ids, false, 0);
      this.run(1, ids, true, hidden);
    }
    const out = this.weights.outKernel;
    let logit = this.weights.outBias;
    for (let j = 0; j < 2 * hidden; j++) logit += (pooled[at + j] as number) * (out[j] as number);
    return 1 / (1 + Math.exp(-logit));
  }
}
