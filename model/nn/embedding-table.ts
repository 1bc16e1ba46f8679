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
 * An embedding of 2·`words` rows whose second half is virtual: row `words + w` is row `w`
 * plus one shared, trainable vector (the "negated" shift), so NEG_w = w + shift for
 * every word, including words never seen negated in training. Stored as `words + 1`
 * rows of an EmbeddingTable (the last one the shift); a looked-up virtual row sends its
 * gradient to both the word's row and the shift, which lazy Adam then sums like any
 * shared row. `materialise()` writes the 2·`words` rows a standard Embedding layer holds.
 */
export class ShiftedEmbeddingTable {
  private readonly inner: EmbeddingTable;

  constructor(
    readonly words: number,
    readonly dim: number,
    /** The `words` real rows, [words, dim]. */
    weights: Float32Array,
  ) {
    if (weights.length !== words * dim) throw new Error(`embedding weights have ${weights.length} values, expected ${words}×${dim}`);
    const all = new Float32Array((words + 1) * dim);
    all.set(weights);
    // The shift starts at zero: NEG_w starts as w, and training decides what negation does.
    this.inner = new EmbeddingTable(words + 1, dim, all);
  }

  get rows(): number {
    return 2 * this.words;
  }

  /** Copies the rows for `ids` (each < 2·words) into a [ids.length, dim] buffer. */
  lookup(ids: Int32Array): Float32Array {
    const { dim, words } = this;
    const w = this.inner.weights;
    const shift = words * dim;
    const out = new Float32Array(ids.length * dim);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id < 0 || id >= 2 * words) throw new RangeError(`id ${id} is outside the shifted embedding (${2 * words} rows)`);
      const r = id >= words ? id - words : id;
      out.set(w.subarray(r * dim, r * dim + dim), i * dim);
      if (id >= words) for (let d = 0; d < dim; d++) out[i * dim + d] = (out[i * dim + d] as number) + (w[shift + d] as number);
    }
    return out;
  }

  /** Lazy-Adam step on the rows behind `ids`: a virtual row's gradient goes to its word and to the shift. */
  applyGradient(ids: Int32Array, grad: Float32Array, lr: number): void {
    const { dim, words } = this;
    let shifted = 0;
    for (let i = 0; i < ids.length; i++) if ((ids[i] as number) >= words) shifted++;
    const realIds = new Int32Array(ids.length + shifted);
    const g = new Float32Array((ids.length + shifted) * dim);
    g.set(grad);
    let k = ids.length;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      realIds[i] = id >= words ? id - words : id;
      if (id >= words) {
        realIds[k] = words;
        g.set(grad.subarray(i * dim, (i + 1) * dim), k * dim);
        k++;
      }
    }
    this.inner.applyGradient(realIds, g, lr);
  }

  /** The 2·words rows: the words, then each word plus the shift. */
  materialise(): Float32Array {
    const { dim, words } = this;
    const w = this.inner.weights;
    const out = new Float32Array(2 * words * dim);
    out.set(w.subarray(0, words * dim));
    for (let r = 0; r < words; r++) for (let d = 0; d < dim; d++) out[(words + r) * dim + d] = (w[r * dim + d] as number) + (w[words * dim + d] as number);
    return out;
  }
}
