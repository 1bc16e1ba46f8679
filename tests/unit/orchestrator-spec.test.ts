import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRequest } from '../../actions/shared/src/advisor.js';
import { specFor } from '../../actions/shared/src/orchestrator.js';
import { REPO_ROOT } from '../helpers/datasets.js';

const base = JSON.parse(readFileSync(join(REPO_ROOT, 'model/specs/sentiment.json'), 'utf8')) as Record<string, unknown>;
const request = (dataset: ModelRequest['dataset']): ModelRequest => ({ slug: 'reviews', goal: 'Classify reviews', dataset, targetAccuracy: 0.85, latencyBudgetMs: 50, architecture: 'bigru' });

describe('the spec a model request becomes', () => {
  it('keeps the default spec\'s extra training files of the requested registry dataset', () => {
    const base2 = { ...base, dataset: { train: 'sst2:train', extraTrain: ['sst2:train_phrases', 'mr:all'] } };
    expect(specFor(request({ kind: 'registry', ref: 'sst2' }), base2).dataset).toEqual({ train: 'sst2:train', dev: 'sst2:dev', test: 'sst2:test', extraTrain: ['sst2:train_phrases'] });
  });

  it('another dataset does not inherit them; a single-file registry dataset is train only', () => {
    const base2 = { ...base, dataset: { train: 'sst2:train', extraTrain: ['sst2:train_phrases'] } };
    expect(specFor(request({ kind: 'registry', ref: 'mr' }), base2).dataset).toEqual({ train: 'mr:all' }); // mr has one file: dev and test are held out of it
    expect(specFor(request({ kind: 'path', ref: 'data/reviews.tsv' }), base2).dataset).toEqual({ train: 'data/reviews.tsv' });
  });
});
