import { EmbeddingTable, ShiftedEmbeddingTable } from '../../model/nn/embedding-table.js';

describe('ShiftedEmbeddingTable (NEG_w = w + one shared shift)', () => {
  const words = 4;
  const dim = 3;
  const base = Float32Array.from({ length: words * dim }, (_, i) => (i >= dim ? i / 10 : 0)); // row 0 = padding

  it('looks up real rows as they are and virtual rows as the word (the shift starts at zero)', () => {
    const t = new ShiftedEmbeddingTable(words, dim, base);
    expect(t.rows).toBe(2 * words);
    expect(Array.from(t.lookup(Int32Array.from([2, words + 2])))).toEqual([...base.subarray(6, 9), ...base.subarray(6, 9)]);
    expect(() => t.lookup(Int32Array.from([2 * words]))).toThrow('id 8 is outside the shifted embedding (8 rows)');
    expect(() => new ShiftedEmbeddingTable(words, dim, new Float32Array(5))).toThrow('embedding weights have 5 values, expected 4×3');
  });

  it('sends a virtual row\'s gradient to its word and to the shift, which then moves every NEG_ row alike', () => {
    const t = new ShiftedEmbeddingTable(words, dim, base);
    // Reference: the same lazy-Adam step on a plain table of words + 1 rows (last = shift).
    const ref = new EmbeddingTable(words + 1, dim, Float32Array.from([...base, 0, 0, 0]));
    const grad = Float32Array.from([1, -1, 0.5, 0.2, 0.2, 0.2]);
    t.applyGradient(Int32Array.from([words + 2, 3]), grad, 0.1);
    ref.applyGradient(Int32Array.from([2, 3, words]), Float32Array.from([...grad, 1, -1, 0.5]), 0.1);
    const m = t.materialise();
    expect(Array.from(m.subarray(0, words * dim))).toEqual(Array.from(ref.weights.subarray(0, words * dim)));
    const shift = ref.weights.subarray(words * dim);
    expect(Math.max(...Array.from(shift, Math.abs))).toBeGreaterThan(0);
    for (let r = 0; r < words; r++) {
      for (let d = 0; d < dim; d++) expect(m[(words + r) * dim + d]).toBeCloseTo((ref.weights[r * dim + d] as number) + (shift[d] as number), 6);
    }
    // Lookup and the materialised rows agree; the padding row never moves.
    expect(Array.from(t.lookup(Int32Array.from([words + 1])))).toEqual(Array.from(m.subarray((words + 1) * dim, (words + 2) * dim)));
    t.applyGradient(Int32Array.from([0]), Float32Array.from([5, 5, 5]), 0.1);
    expect(Array.from(t.materialise().subarray(0, dim))).toEqual([0, 0, 0]);
  });
});

describe('ShiftedEmbeddingTable, "affine" (NEG_w = A·w + b, A trainable)', () => {
  const words = 4;
  const dim = 3;
  const base = Float32Array.from({ length: words * dim }, (_, i) => (i >= dim ? Math.sin(i) : 0));
  // A scalar loss over a lookup: L = Σ c·row, so dL/drow = c.
  const c = Float32Array.from([0.7, -1.3, 0.4]);
  const loss = (t: ShiftedEmbeddingTable, id: number): number => {
    const row = t.lookup(Int32Array.from([id]));
    return row.reduce((s, v, d) => s + v * (c[d] as number), 0);
  };

  it('starts as the identity (NEG_w = w) and lookup matches the materialised rows after training', () => {
    const t = new ShiftedEmbeddingTable(words, dim, base, 'affine');
    expect(Array.from(t.lookup(Int32Array.from([words + 2])))).toEqual(Array.from(base.subarray(2 * dim, 3 * dim)));
    for (let s = 0; s < 5; s++) t.applyGradient(Int32Array.from([words + 2, words + 3, 1]), Float32Array.from([...c, ...c, 0.1, 0.2, 0.3]), 0.05);
    const m = t.materialise();
    for (const id of [1, 2, words + 1, words + 2, words + 3]) {
      const got = Array.from(t.lookup(Int32Array.from([id])));
      got.forEach((v, d) => expect(v).toBeCloseTo(m[id * dim + d] as number, 6));
    }
    // A moved: row 1 was never looked up negated, yet NEG_1 is no longer row 1 plus a shift.
    const w1 = Array.from(m.subarray(dim, 2 * dim));
    const neg1 = Array.from(m.subarray((words + 1) * dim, (words + 2) * dim));
    const w2 = Array.from(m.subarray(2 * dim, 3 * dim));
    const neg2 = Array.from(m.subarray((words + 2) * dim, (words + 3) * dim));
    const offset1 = neg1.map((v, d) => v - (w1[d] as number));
    const offset2 = neg2.map((v, d) => v - (w2[d] as number));
    expect(offset1.some((v, d) => Math.abs(v - (offset2[d] as number)) > 1e-4)).toBe(true);
  });

  it('descends the loss of a negated row faster than a shift alone can (A and b both learn)', () => {
    const affine = new ShiftedEmbeddingTable(words, dim, base, 'affine');
    const shift = new ShiftedEmbeddingTable(words, dim, base, 'shift');
    const before = loss(affine, words + 2);
    expect(loss(shift, words + 2)).toBeCloseTo(before, 9);
    for (let s = 0; s < 20; s++) {
      affine.applyGradient(Int32Array.from([words + 2]), c, 0.01);
      shift.applyGradient(Int32Array.from([words + 2]), c, 0.01);
    }
    const a = loss(affine, words + 2);
    const sh = loss(shift, words + 2);
    expect(a).toBeLessThan(before);
    expect(a).toBeLessThan(sh);
  });

  it('gives A the gradient g·wᵀ: a row whose vector is zero leaves A alone, and padding never moves', () => {
    const zero = Float32Array.from(base);
    zero.fill(0, 3 * dim, 4 * dim); // word 3 is the zero vector
    const t = new ShiftedEmbeddingTable(words, dim, zero, 'affine');
    t.applyGradient(Int32Array.from([words + 3]), c, 0.1);
    // With w = 0 the step leaves A at the identity, so word 2 (never touched) reads NEG_2 = w2 + b,
    // and b itself is NEG_ of the padding row (A·0 + b).
    const probe = Array.from(t.lookup(Int32Array.from([words + 2])));
    const b = Array.from(t.lookup(Int32Array.from([words])));
    expect(b.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    probe.forEach((v, d) => expect(v).toBeCloseTo((base[2 * dim + d] as number) + (b[d] as number), 6));
    t.applyGradient(Int32Array.from([0]), Float32Array.from([5, 5, 5]), 0.1);
    expect(Array.from(t.materialise().subarray(0, dim))).toEqual([0, 0, 0]);
  });
});
