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
