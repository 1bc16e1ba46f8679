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

/**
 * An embedding of 2·`words` rows whose second half is virtual: row `words + w` is
 * NEG_w = A·w + b for every word, including words never seen negated in training.
 *
 * - "shift": A is fixed at the identity, so NEG_w = w + b, one shared trainable vector.
 *   A shift moves every negated word the same way: it can make "not good" negative or
 *   "not bad" positive, not both.
 * - "affine": A is a trainable dim×dim matrix (starting at the identity), so negation
 *   can reflect the polar direction of the embedding space (a Householder reflection
 *   is one such A) while leaving the rest of a word's meaning in place.
 *
 * Stored as `words + 1` rows of an EmbeddingTable (the last one is b), plus A with its
 * own dense Adam state. A looked-up virtual row sends Aᵀg to the word's row, g to b and
 * g·wᵀ to A. `materialise()` writes the 2·`words` rows a standard Embedding layer holds,
 * so the exported model is a plain embedding whatever the transform.
 */
export class ShiftedEmbeddingTable {
  private readonly inner: EmbeddingTable;
  /** [dim, dim] row-major (out, in); null for "shift" (the identity). */
  private readonly matrix: Float32Array | null;
  private readonly mA: Float32Array | null;
  private readonly vA: Float32Array | null;
  private stepsA = 0;

  constructor(
    readonly words: number,
    readonly dim: number,
    /** The `words` real rows, [words, dim]. */
    weights: Float32Array,
    readonly transform: 'shift' | 'affine' = 'shift',
  ) {
    if (weights.length !== words * dim) throw new Error(`embedding weights have ${weights.length} values, expected ${words}×${dim}`);
    const all = new Float32Array((words + 1) * dim);
    all.set(weights);
    // b starts at zero and A at the identity: NEG_w starts as w, and training decides what negation does.
    this.inner = new EmbeddingTable(words + 1, dim, all);
    if (transform === 'affine') {
      this.matrix = new Float32Array(dim * dim);
      for (let d = 0; d < dim; d++) this.matrix[d * dim + d] = 1;
      this.mA = new Float32Array(dim * dim);
      this.vA = new Float32Array(dim * dim);
    } else {
      this.matrix = this.mA = this.vA = null;
    }
  }

  get rows(): number {
    return 2 * this.words;
  }

  /** NEG_w of real row `r` into `out` at `at`. */
  private negated(r: number, out: Float32Array, at: number): void {
    const { dim } = this;
    const w = this.inner.weights;
    const b = this.words * dim;
    const row = r * dim;
    const A = this.matrix;
    if (!A) {
      for (let d = 0; d < dim; d++) out[at + d] = (w[row + d] as number) + (w[b + d] as number);
      return;
    }
    for (let d = 0; d < dim; d++) {
      let acc = w[b + d] as number;
      const a = d * dim;
      for (let k = 0; k < dim; k++) acc += (A[a + k] as number) * (w[row + k] as number);
      out[at + d] = acc;
    }
  }

  /** Copies the rows for `ids` (each < 2·words) into a [ids.length, dim] buffer. */
  lookup(ids: Int32Array): Float32Array {
    const { dim, words } = this;
    const w = this.inner.weights;
    const out = new Float32Array(ids.length * dim);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id < 0 || id >= 2 * words) throw new RangeError(`id ${id} is outside the shifted embedding (${2 * words} rows)`);
      if (id >= words) this.negated(id - words, out, i * dim);
      else out.set(w.subarray(id * dim, id * dim + dim), i * dim);
    }
    return out;
  }

  /** Lazy-Adam step on the rows behind `ids`: a virtual row's gradient goes to its word, to b and (affine) to A. */
  applyGradient(ids: Int32Array, grad: Float32Array, lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): void {
    const { dim, words } = this;
    const A = this.matrix;
    const w = this.inner.weights;
    let shifted = 0;
    for (let i = 0; i < ids.length; i++) if ((ids[i] as number) >= words) shifted++;
    const realIds = new Int32Array(ids.length + shifted);
    const g = new Float32Array((ids.length + shifted) * dim);
    g.set(grad);
    const gA = A ? new Float64Array(dim * dim) : null;
    let k = ids.length;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      realIds[i] = id >= words ? id - words : id;
      if (id < words) continue;
      const gi = i * dim;
      if (A && gA) {
        const row = (id - words) * dim;
        for (let d = 0; d < dim; d++) {
          const gd = grad[gi + d] as number;
          if (gd === 0) continue;
          const a = d * dim;
          for (let c = 0; c < dim; c++) gA[a + c] = (gA[a + c] as number) + gd * (w[row + c] as number);
        }
        // The word's row gets Aᵀg, not g.
        for (let c = 0; c < dim; c++) {
          let acc = 0;
          for (let d = 0; d < dim; d++) acc += (A[d * dim + c] as number) * (grad[gi + d] as number);
          g[gi + c] = acc;
        }
      }
      realIds[k] = words;
      g.set(grad.subarray(gi, gi + dim), k * dim);
      k++;
    }
    this.inner.applyGradient(realIds, g, lr, beta1, beta2, eps);
    if (!A || !gA || shifted === 0) return;
    const m = this.mA as Float32Array;
    const v = this.vA as Float32Array;
    const t = ++this.stepsA;
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    for (let j = 0; j < A.length; j++) {
      const gj = gA[j] as number;
      const mj = beta1 * (m[j] as number) + (1 - beta1) * gj;
      const vj = beta2 * (v[j] as number) + (1 - beta2) * gj * gj;
      m[j] = mj;
      v[j] = vj;
      A[j] = (A[j] as number) - (lr * (mj / c1)) / (Math.sqrt(vj / c2) + eps);
    }
  }

  /** The 2·words rows: the words, then each word's NEG_w. */
  materialise(): Float32Array {
    const { dim, words } = this;
    const out = new Float32Array(2 * words * dim);
    out.set(this.inner.weights.subarray(0, words * dim));
    for (let r = 0; r < words; r++) this.negated(r, out, (words + r) * dim);
    return out;
  }
}
