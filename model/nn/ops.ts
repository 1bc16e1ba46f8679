import * as tf from '@tensorflow/tfjs';

/**
 * Matrix product whose gradient uses explicit transposes. The wasm backend's matmul
 * with `transposeA`/`transposeB` set runs ~10x slower than a plain one (measured:
 * 1.3 vs 15 GFLOP/s), and the default gradient of matMul uses exactly those flags.
 */
export const matMulFastGrad = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** Column layout of the projected token matrix: one block of `filters` columns per (width, offset). */
export function projectionColumns(widths: readonly number[], filters: number): number {
  return widths.reduce((s, w) => s + w, 0) * filters;
}

/**
 * Convolution + ReLU + max-over-time, computed from per-token projections.
 *
 * A 1-D convolution of width w over token vectors x_t is Σ_k x_{t+k}·W_k. Projecting
 * every token once (Y = X·[W_1 … W_n], one fast matmul) turns the convolution into
 * shifted sums of Y's column blocks; those sums, the ReLU and the max-pool run here in
 * plain typed-array loops with a hand-written gradient (only the arg-max positions get
 * gradient). This avoids conv backprop kernels, which the wasm backend lacks, and the
 * slice/pad gradients that would copy Y once per offset.
 *
 * y: [batch * time, columns] projections; bias: [widths.length * filters].
 * Returns [batch, widths.length * filters].
 */
export function convMaxPool(
  y: tf.Tensor2D,
  bias: tf.Tensor1D,
  batch: number,
  time: number,
  widths: readonly number[],
  filters: number,
): tf.Tensor2D {
  const cols = projectionColumns(widths, filters);
  const outCols = widths.length * filters;
  const op = tf.customGrad(((yIn: tf.Tensor, bIn: tf.Tensor, save: tf.GradSaveFunc) => {
    const yv = yIn.dataSync() as Float32Array;
    const bv = bIn.dataSync() as Float32Array;
    const out = new Float32Array(batch * outCols);
    // arg-max time index per output cell; -1 when the max was clipped by the ReLU.
    const arg = new Int32Array(batch * outCols);
    const acc = new Float32Array(filters);
    for (let b = 0; b < batch; b++) {
      let blockStart = 0;
      for (let wi = 0; wi < widths.length; wi++) {
        const w = widths[wi] as number;
        const oBase = b * outCols + wi * filters;
        for (let f = 0; f < filters; f++) {
          out[oBase + f] = 0;
          arg[oBase + f] = -1;
        }
        for (let t = 0; t + w <= time; t++) {
          for (let f = 0; f < filters; f++) acc[f] = bv[wi * filters + f] as number;
          for (let k = 0; k < w; k++) {
            const row = ((b * time + t + k) * cols) + blockStart + k * filters;
            for (let f = 0; f < filters; f++) acc[f] = (acc[f] as number) + (yv[row + f] as number);
          }
          for (let f = 0; f < filters; f++) {
            const v = acc[f] as number;
            if (v > (out[oBase + f] as number)) {
              out[oBase + f] = v;
              arg[oBase + f] = t;
            }
          }
        }
        blockStart += w * filters;
      }
    }
    save([]);
    return {
      value: tf.tensor2d(out, [batch, outCols]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dyv = new Float32Array(batch * time * cols);
        const db = new Float32Array(outCols);
        for (let b = 0; b < batch; b++) {
          let blockStart = 0;
          for (let wi = 0; wi < widths.length; wi++) {
            const w = widths[wi] as number;
            for (let f = 0; f < filters; f++) {
              const o = b * outCols + wi * filters + f;
              const t = arg[o] as number;
              if (t < 0) continue;
              const gv = g[o] as number;
              db[wi * filters + f] = (db[wi * filters + f] as number) + gv;
              for (let k = 0; k < w; k++) {
                const idx = ((b * time + t + k) * cols) + blockStart + k * filters + f;
                dyv[idx] = (dyv[idx] as number) + gv;
              }
            }
            blockStart += w * filters;
          }
        }
        return [tf.tensor2d(dyv, [batch * time, cols]), tf.tensor1d(db)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(y, bias) as tf.Tensor2D;
}
