import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../model/nn/backend.js';
import { convMaxPool, matMulFastGrad, projectionColumns } from '../../model/nn/ops.js';
import { createRng } from '../../model/util/random.js';

const rand = (n: number, seed: number): Float32Array => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
};

beforeAll(async () => {
  await initBackend('wasm');
});

describe('matMulFastGrad', () => {
  it('has the same value and gradients as tf.matMul', () => {
    const a = tf.tensor2d(rand(12, 1), [3, 4]);
    const b = tf.tensor2d(rand(20, 2), [4, 5]);
    const loss = (f: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D) => (x: tf.Tensor, y: tf.Tensor): tf.Scalar =>
      tf.sum(tf.square(f(x as tf.Tensor2D, y as tf.Tensor2D)));
    const [ga, gb] = tf.grads(loss(matMulFastGrad))([a, b]);
    const [ra, rb] = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
    expect(Array.from((ga as tf.Tensor).dataSync())).toEqual(Array.from((ra as tf.Tensor).dataSync()).map((v) => expect.closeTo(v, 5)));
    expect(Array.from((gb as tf.Tensor).dataSync())).toEqual(Array.from((rb as tf.Tensor).dataSync()).map((v) => expect.closeTo(v, 5)));
    expect(Array.from(matMulFastGrad(a, b).dataSync())).toEqual(Array.from(tf.matMul(a, b).dataSync()).map((v) => expect.closeTo(v, 5)));
  });
});

/** Reference: explicit convolution (sum over taps) + bias, ReLU, max over time, in plain loops. */
function referenceConvMaxPool(y: Float32Array, bias: Float32Array, batch: number, time: number, widths: number[], filters: number): Float32Array {
  const cols = projectionColumns(widths, filters);
  const out = new Float32Array(batch * widths.length * filters);
  for (let b = 0; b < batch; b++) {
    let block = 0;
    widths.forEach((w, wi) => {
      for (let f = 0; f < filters; f++) {
        let best = 0;
        for (let t = 0; t + w <= time; t++) {
          let acc = bias[wi * filters + f] as number;
          for (let k = 0; k < w; k++) acc += y[(b * time + t + k) * cols + block + k * filters + f] as number;
          best = Math.max(best, acc);
        }
        out[b * widths.length * filters + wi * filters + f] = best;
      }
      block += w * filters;
    });
  }
  return out;
}

describe('convMaxPool', () => {
  const widths = [1, 2, 3];
  const filters = 4;
  const batch = 2;
  const time = 6;
  const cols = projectionColumns(widths, filters);
  const yv = rand(batch * time * cols, 3);
  const bv = rand(widths.length * filters, 4).map((x) => x * 0.1);

  it('equals an explicit convolution + ReLU + max-pool', () => {
    const out = convMaxPool(tf.tensor2d(yv, [batch * time, cols]), tf.tensor1d(bv), batch, time, widths, filters);
    expect(out.shape).toEqual([batch, widths.length * filters]);
    const ref = referenceConvMaxPool(yv, bv, batch, time, widths, filters);
    expect(Array.from(out.dataSync())).toEqual(Array.from(ref).map((v) => expect.closeTo(v, 5)));
  });

  it('has gradients that match finite differences', () => {
    // A weighted sum makes every output cell matter with a different weight.
    const weights = rand(batch * widths.length * filters, 5);
    const f = (y: tf.Tensor, b: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(convMaxPool(y as tf.Tensor2D, b as tf.Tensor1D, batch, time, widths, filters), tf.tensor2d(weights, [batch, widths.length * filters])));
    const [gy, gb] = tf.grads(f)([tf.tensor2d(yv, [batch * time, cols]), tf.tensor1d(bv)]);
    const numeric = (which: 'y' | 'b', i: number): number => {
      const eps = 1e-2;
      const plus = which === 'y' ? Float32Array.from(yv) : Float32Array.from(bv);
      const minus = Float32Array.from(plus);
      plus[i] = (plus[i] as number) + eps;
      minus[i] = (minus[i] as number) - eps;
      const val = (yy: Float32Array, bb: Float32Array): number => {
        const ref = referenceConvMaxPool(yy, bb, batch, time, widths, filters);
        return ref.reduce((s, x, j) => s + x * (weights[j] as number), 0);
      };
      return which === 'y' ? (val(plus, bv) - val(minus, bv)) / (2 * eps) : (val(yv, plus) - val(yv, minus)) / (2 * eps);
    };
    const gyv = (gy as tf.Tensor).dataSync();
    const gbv = (gb as tf.Tensor).dataSync();
    let checked = 0;
    for (let i = 0; i < yv.length; i += 7) {
      expect(gyv[i]).toBeCloseTo(numeric('y', i), 2);
      checked++;
    }
    for (let i = 0; i < bv.length; i++) expect(gbv[i]).toBeCloseTo(numeric('b', i), 2);
    expect(checked).toBeGreaterThan(20);
    // Some gradient must be non-zero, or the comparison above proves nothing.
    expect(Array.from(gyv).some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });
});
