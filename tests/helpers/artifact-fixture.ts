import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SaveArtifactInput } from '../../model/artifact/artifact.js';
import { PREDICTION_INPUT_SCHEMA, PREDICTION_OUTPUT_SCHEMA } from '../../model/artifact/metadata.js';
import type { ArtifactMetadata } from '../../model/artifact/metadata.js';
import type { TextCnnWeights } from '../../model/nn/text-cnn.js';
import { TOKENIZER_VERSION } from '../../model/text/tokenizer.js';
import { Vocabulary } from '../../model/text/vocabulary.js';
import { createRng } from '../../model/util/random.js';

/** A small, complete artifact (random CNN weights) in a fresh temporary root. */
export function artifactFixture(version = '0.1.0'): SaveArtifactInput & { root: string } {
  const vocabulary = Vocabulary.build([['good', 'bad', 'movie', 'not', 'great']]);
  const dim = 4;
  const widths = [1, 2];
  const filters = 3;
  const rng = createRng(5);
  const r = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next() - 0.5);
  const embedding = r(vocabulary.size * dim);
  embedding.fill(0, 0, dim);
  const member: TextCnnWeights = {
    kind: 'text-cnn',
    config: { vocabSize: vocabulary.size, dim, widths, filters, dropout: 0, staticColumns: 0 },
    embedding,
    projection: r(dim * 3 * filters),
    convBias: r(widths.length * filters),
    outKernel: r(widths.length * filters),
    outBias: 0.1,
  };
  const metadata: ArtifactMetadata = {
    schema_version: 1,
    name: 'sentiment',
    version,
    created_at: '2026-11-22T08:00:00Z',
    git_commit: 'abcdef1',
    labels: ['negative', 'positive'],
    framework: { name: 'tensorflow.js', version: tf.version.tfjs, training_backend: 'wasm' },
    architecture: { type: 'text-cnn', widths, filters },
    hyperparameters: { epochs: 1 },
    preprocessing: { tokenizer: TOKENIZER_VERSION, max_tokens: 20, vocabulary_size: vocabulary.size, pretrained: null },
    datasets: { train: { ref: 'sst2:train', sha256: 'a'.repeat(64), rows: 10, source: 'datasets_dir' } },
    metrics: { test: { accuracy: 0.5 } },
    training: { seconds: 1, preset: null, members: [{ seed: 42, best_epoch: 1, history: [] }] },
    input_schema: PREDICTION_INPUT_SCHEMA,
    output_schema: PREDICTION_OUTPUT_SCHEMA,
  };
  return {
    root: mkdtempSync(join(tmpdir(), 'artifacts-')),
    metadata,
    tokenizer: { tokenizer: TOKENIZER_VERSION, max_tokens: 20, vocabulary: vocabulary.toJSON() },
    ensemble: { cnn: [member], gru: [], linearShare: 0 },
    extraFiles: { 'model-card.md': '# card\n' },
  };
}

