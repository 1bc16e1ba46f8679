import type { Rng } from '../util/random.js';

/**
 * Word-embedding matrix kept as a plain Float32Array outside the autograd graph.
 *
 * TF.js computes an Embedding layer's gradient with UnsortedSegmentSum, whose pure-JS
 * cost grows with vocabulary × tokens × dims (a single 256-example batch with a 16k
 * vocabulary took > 100 s here) and which the wasm backend does not implement. A batch
 * touches a few thousand rows, so the lookup is a row copy and the update is a sparse
 * ("lazy") Adam step on just those rows, as TensorFlow's LazyAdam does.
 */
export class EmbeddingTable {
  readonly weights: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  /** Step count per row, for the bias correction of lazy Adam. */
  private readonly steps: Int32Array;

  constructor(
    readonly rows: number,
    readonly dim: number,
    weights?: Float32Array,
    /**
     * Leading columns of every row that never change: with a "multichannel" CNN a row
     * is [pretrained copy | fine-tuned copy] and only the second half trains.
     */
    private readonly staticColumns = 0,
    /** Row ids that never change (the padding row must stay zero). */
    private readonly frozenRows: ReadonlySet<number> = new Set([0]),
  ) {
    if (weights && weights.length !== rows * dim) {
      throw new Error(`embedding weights have ${weights.length} values, expected ${rows}×${dim}`);
    }
    this.weights = weights ?? new Float32Array(rows * dim);
    this.m = new Float32Array(rows * dim);
    this.v = new Float32Array(rows * dim);
    this.steps = new Int32Array(rows);
  }

  /** Fills rows with U(-scale, scale), except frozen rows (left zero). */
  static random(rows: number, dim: number, scale: number, rng: Rng): EmbeddingTable {
    const w = new Float32Array(rows * dim);
    for (let r = 1; r < rows; r++) for (let d = 0; d < dim; d++) w[r * dim + d] = (rng.next() * 2 - 1) * scale;
    return new EmbeddingTable(rows, dim, w);
  }

  /** Copies the rows for `ids` into a [ids.length, dim] buffer. */
  lookup(ids: Int32Array): Float32Array {
    const dim = this.dim;
    const out = new Float32Array(ids.length * dim);
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i] as number;
      out.set(this.weights.subarray(r * dim, r * dim + dim), i * dim);
    }
    return out;
  }

  /**
   * Applies one lazy-Adam step: gradients of the looked-up rows (`grad`, laid out as
   * returned by `lookup`) are summed per distinct id, then only those rows move.
   */
  applyGradient(ids: Int32Array, grad: Float32Array, lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): void {
    const dim = this.dim;
    const sums = new Map<number, Float32Array>();
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i] as number;
      if (this.frozenRows.has(r)) continue;
      let s = sums.get(r);
      if (!s) {
        s = new Float32Array(dim);
        sums.set(r, s);
      }
      const off = i * dim;
      for (let d = 0; d < dim; d++) s[d] = (s[d] as number) + (grad[off + d] as number);
    }
    // Visit rows in id order so float rounding is independent of Map iteration details.
    const rowsTouched = [...sums.keys()].sort((a, b) => a - b);
    for (const r of rowsTouched) {
      const g = sums.get(r) as Float32Array;
      const t = (this.steps[r] as number) + 1;
      this.steps[r] = t;
      const c1 = 1 - Math.pow(beta1, t);
      const c2 = 1 - Math.pow(beta2, t);
      const base = r * dim;
      for (let d = this.staticColumns; d < dim; d++) {
        const gi = g[d] as number;
        const mi = beta1 * (this.m[base + d] as number) + (1 - beta1) * gi;
        const vi = beta2 * (this.v[base + d] as number) + (1 - beta2) * gi * gi;
        this.m[base + d] = mi;
        this.v[base + d] = vi;
        this.weights[base + d] = (this.weights[base + d] as number) - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
      }
    }
  }
}
