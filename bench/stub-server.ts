/**
 * The "stub" of `npm run bench:service`: our real Fastify app (routes, validation,
 * helmet headers, request ids, metrics, error handling) serving a stub model whose
 * score is a constant returned at once. Its throughput minus ours is what the model
 * costs; the floor server's minus this one is what our app adds on top of Fastify.
 *
 * Env: the service's own variables (loadConfig validates them; PORT is required here).
 */
import type { SentimentModel } from '../model/inference/sentiment-model.js';
import type { ArtifactMetadata } from '../model/artifact/metadata.js';
import { buildApp } from '../service/app.js';
import type { ModelHolder } from '../service/app.js';
import { loadConfig } from '../service/config.js';

const STUB_SCORE = 0.73;

/** Only the fields the app reads when serving predictions and /v1/models. */
const STUB_METADATA = {
  schema_version: 1,
  name: 'stub',
  version: '0.0.0',
  created_at: '1970-01-01T00:00:00Z',
  git_commit: null,
  labels: ['negative', 'positive'],
  architecture: { type: 'stub' },
  datasets: {},
  metrics: {},
  input_schema: {},
  output_schema: {},
} as unknown as ArtifactMetadata;

/** Implements SentimentModel's public surface; the cast is safe because the app uses nothing else. */
function stubModel(): SentimentModel {
  const predict = (): { label: 'positive'; score: number } => ({ label: 'positive', score: STUB_SCORE });
  const stub = {
    name: STUB_METADATA.name,
    version: STUB_METADATA.version,
    metadata: STUB_METADATA,
    score: (): number => STUB_SCORE,
    predict,
    predictBatch: (texts: readonly string[]) => texts.map(predict),
    tokens: (text: string): string[] => text.split(' '),
    encode: (text: string): Int32Array => new Int32Array(text.split(' ').length),
  };
  return stub as unknown as SentimentModel;
}

async function main(): Promise<void> {
  if (!process.env.PORT) throw new Error('PORT must be set (the bench picks a free one)');
  const config = loadConfig(process.env);
  const holder: ModelHolder = { model: stubModel() };
  const app = buildApp(config, holder);
  await app.listen({ port: config.port, host: config.host });
  process.once('SIGTERM', () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`stub-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
