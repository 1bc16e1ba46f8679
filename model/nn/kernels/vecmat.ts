import { VECMAT_WASM_BASE64 } from './vecmat-wasm.js';

/** The kernels of vecmat.wat; pointers are byte offsets into `memory`, sizes count f32s. */
export interface VecMatKernel {
  memory: WebAssembly.Memory;
  /** out[c] = init[c] + Σ_k v[k]·m[k·stride + c] for c < width (a multiple of 4), k < rows. */
  matvec(out: number, init: number, v: number, m: number, rows: number, stride: number, width: number): void;
  /**
   * One GRU direction over `n` steps: `u` the recurrent weights (hidden × 3·hidden),
   * `xptrs` n i32 byte offsets of the input projections (3·hidden floats each, step
   * order); leaves the last state in `h` and max(0, max over steps) in `pooled`. `gates`
   * (2·hidden), `cand` and `rh` are scratch.
   */
  gruDirection(u: number, xptrs: number, n: number, hidden: number, h: number, gates: number, cand: number, rh: number, pooled: number): void;
}

let module: WebAssembly.Module | null | undefined;

/**
 * A fresh instance of the SIMD vector–matrix kernel with at least `bytes` of memory, or
 * undefined where WebAssembly SIMD is unavailable (callers fall back to JavaScript).
 * Each instance owns its memory, so predictors never share state.
 */
export function createVecMatKernel(bytes: number): VecMatKernel | undefined {
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(Buffer.from(VECMAT_WASM_BASE64, 'base64'));
    } catch {
      // No SIMD128 in this runtime: remember it and use the JavaScript path.
      module = null;
    }
  }
  if (module === null) return undefined;
  const instance = new WebAssembly.Instance(module, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const pages = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  return { memory, matvec: instance.exports.matvec as VecMatKernel['matvec'], gruDirection: instance.exports.gruDirection as VecMatKernel['gruDirection'] };
}
