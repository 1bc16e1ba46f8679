import type { ModelSpec } from '../spec/spec.js';
import { deepMerge } from '../spec/spec.js';

export type SearchKey = 'filters' | 'learningRate' | 'embeddingLearningRate' | 'dropout' | 'epochs';

/** Where each searchable hyper-parameter lives in the spec. */
const SECTION: Record<SearchKey, 'architecture' | 'training'> = {
  filters: 'architecture',
  learningRate: 'training',
  embeddingLearningRate: 'training',
  dropout: 'training',
  epochs: 'training',
};

export type Candidate = Partial<Record<SearchKey, number>>;

/** Cartesian product of the search space, in a stable order (keys sorted). */
export function gridCandidates(space: Partial<Record<SearchKey, number[]>>): Candidate[] {
  const keys = (Object.keys(space) as SearchKey[]).filter((k) => (space[k]?.length ?? 0) > 0).sort();
  let grid: Candidate[] = [{}];
  for (const k of keys) grid = grid.flatMap((c) => (space[k] as number[]).map((v) => ({ ...c, [k]: v })));
  return grid;
}

/** The spec with one candidate's values applied (searched as a single model, not an ensemble). */
export function applyCandidate(spec: ModelSpec, c: Candidate, opts: { singleMember?: boolean } = {}): ModelSpec {
  const override: Record<string, Record<string, number>> = { architecture: {}, training: {} };
  for (const [k, v] of Object.entries(c) as [SearchKey, number][]) (override[SECTION[k]] as Record<string, number>)[k] = v;
  if (opts.singleMember) (override.architecture as Record<string, number>).ensemble = 1;
  return deepMerge(spec, override);
}

export function describeCandidate(c: Candidate): string {
  return Object.entries(c).map(([k, v]) => `${k}=${v}`).join(' ') || '(spec defaults)';
}
