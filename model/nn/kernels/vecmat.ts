import { VECMAT_WASM_BASE64 } from './vecmat-wasm.js';

/** out[c] += Σ_k v[k]·m[k·stride + c]; pointers are byte offsets into `memory`. */
export interface VecMatKernel {
  memory: WebAssembly.Memory;
  addVecMat(out: number, v: number, m: number, rows: number, stride: number, width: number): void;
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
  return { memory, addVecMat: instance.exports.addVecMat as VecMatKernel['addVecMat'] };
}
