import { ValidationError } from '../errors.js';
import { describeAjvErrors } from '../spec/spec.js';
import { createAjv } from '../util/ajv.js';

/** A dataset file the model was trained or evaluated on, pinned by checksum. */
export interface DatasetRecord {
  ref: string;
  sha256: string;
  rows: number;
  source: string;
  /** Which release, for a registry file published in more than one (the EEC's typo fix). */
  variant?: string;
}

export interface ArtifactMetadata {
  schema_version: 1;
  name: string;
  version: string;
  created_at: string;
  git_commit: string | null;
  labels: [string, string];
  framework: { name: 'tensorflow.js'; version: string; training_backend: string };
  architecture: Record<string, unknown>;
  hyperparameters: Record<string, unknown>;
  preprocessing: { tokenizer: string; max_tokens: number; vocabulary_size: number; pretrained: string | null };
  datasets: Record<string, DatasetRecord>;
  metrics: Record<string, Record<string, unknown>>;
  training: { seconds: number; preset: string | null; members: { seed: number; best_epoch: number; history: unknown[] }[] };
  input_schema: Record<string, unknown>;
  output_schema: Record<string, unknown>;
}

const SEMVER = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$';

export const METADATA_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['schema_version', 'name', 'version', 'created_at', 'git_commit', 'labels', 'framework', 'architecture', 'hyperparameters', 'preprocessing', 'datasets', 'metrics', 'training', 'input_schema', 'output_schema'],
  properties: {
    schema_version: { const: 1 },
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
    version: { type: 'string', pattern: SEMVER },
    created_at: { type: 'string', format: 'date-time' },
    git_commit: { anyOf: [{ type: 'string', pattern: '^[0-9a-f]{7,40}(-dirty)?$' }, { type: 'null' }] },
    labels: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
    framework: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version', 'training_backend'],
      properties: { name: { const: 'tensorflow.js' }, version: { type: 'string' }, training_backend: { type: 'string' } },
    },
    architecture: { type: 'object' },
    hyperparameters: { type: 'object' },
    preprocessing: {
      type: 'object',
      additionalProperties: false,
      required: ['tokenizer', 'max_tokens', 'vocabulary_size', 'pretrained'],
      properties: {
        tokenizer: { type: 'string' },
        max_tokens: { type: 'integer', minimum: 1 },
        vocabulary_size: { type: 'integer', minimum: 2 },
        pretrained: { type: ['string', 'null'] },
      },
    },
    datasets: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['ref', 'sha256', 'rows', 'source'],
        properties: { ref: { type: 'string' }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, rows: { type: 'integer', minimum: 0 }, source: { type: 'string' }, variant: { type: 'string' } },
      },
    },
    metrics: { type: 'object', additionalProperties: { type: 'object' } },
    training: {
      type: 'object',
      additionalProperties: false,
      required: ['seconds', 'preset', 'members'],
      properties: {
        seconds: { type: 'number', minimum: 0 },
        preset: { type: ['string', 'null'] },
        members: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['seed', 'best_epoch', 'history'],
            properties: { seed: { type: 'integer' }, best_epoch: { type: 'integer', minimum: 1 }, history: { type: 'array' } },
          },
        },
      },
    },
    input_schema: { type: 'object' },
    output_schema: { type: 'object' },
  },
} as const;

const ajv = createAjv();
// ajv-formats is not a dependency; date-time is checked by Date.parse below instead.
// eslint-disable-next-line security/detect-unsafe-regex -- anchored, fixed-width fields; only the fraction repeats
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s) && !Number.isNaN(Date.parse(s)) });
const validate = ajv.compile(METADATA_SCHEMA);

export function validateMetadata(doc: unknown, source = 'metadata.json'): ArtifactMetadata {
  if (!validate(doc)) throw new ValidationError(`${source} is not valid artifact metadata`, describeAjvErrors(validate.errors));
  return doc as unknown as ArtifactMetadata;
}

/** The request/response contract the serving layer and the docs derive from. */
export const PREDICTION_INPUT_SCHEMA = {
  type: 'object',
  properties: { text: { type: 'string', minLength: 1 } },
  required: ['text'],
} as const;

export const PREDICTION_OUTPUT_SCHEMA = {
  type: 'object',
  properties: {
    label: { enum: ['negative', 'positive'] },
    score: { type: 'number', minimum: 0, maximum: 1, description: 'P(positive)' },
  },
  required: ['label', 'score'],
} as const;
