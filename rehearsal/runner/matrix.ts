import type { Json } from './expressions.js';

/**
 * `strategy.matrix` expanded as GitHub does (the cartesian product of the listed values,
 * minus `exclude`, with `include` entries extending the combinations they do not
 * contradict or standing alone). The runner runs a job with one combination; more is not
 * supported, and the caller says so.
 */
export function expandMatrix(matrix: Json): Array<Record<string, Json>> {
  if (matrix === null || typeof matrix !== 'object' || Array.isArray(matrix)) return [{}];
  const include = Array.isArray(matrix.include) ? (matrix.include as Json[]) : [];
  const exclude = Array.isArray(matrix.exclude) ? (matrix.exclude as Json[]) : [];
  const axes = Object.entries(matrix).filter(([k]) => k !== 'include' && k !== 'exclude');
  let combos: Array<Record<string, Json>> = axes.length ? [{}] : [];
  for (const [k, values] of axes) {
    const list = Array.isArray(values) ? values : [values];
    combos = combos.flatMap((c) => list.map((v) => ({ ...c, [k]: v })));
  }
  const isSubset = (part: Json, whole: Record<string, Json>): boolean =>
    typeof part === 'object' && part !== null && !Array.isArray(part) && Object.entries(part).every(([k, v]) => JSON.stringify(whole[k]) === JSON.stringify(v));
  combos = combos.filter((c) => !exclude.some((e) => isSubset(e, c)));
  const original = new Set(axes.map(([k]) => k));
  const extraStandalone: Array<Record<string, Json>> = [];
  for (const inc of include) {
    if (typeof inc !== 'object' || inc === null || Array.isArray(inc)) continue;
    let matched = false;
    for (const c of combos) {
      const conflicts = Object.entries(inc).some(([k, v]) => original.has(k) && JSON.stringify(c[k]) !== JSON.stringify(v));
      if (!conflicts) {
        Object.assign(c, inc);
        matched = true;
      }
    }
    if (!matched) extraStandalone.push({ ...inc });
  }
  const all = [...combos, ...extraStandalone];
  return all.length ? all : [{}];
}
