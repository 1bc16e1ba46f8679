/**
 * The "floor" of `npm run bench:service`: a bare Fastify server with one route,
 * POST /v1/predict, that parses the JSON body with Fastify's default parser, validates
 * it against `{text: string}` and answers a constant. It measures what Fastify itself
 * costs on this machine, without our hooks, headers, metrics or model.
 *
 * Env: PORT (required), HOST (default 127.0.0.1).
 */
import Fastify from 'fastify';

const BODY = { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } } as const;
// A response schema lets Fastify serialize with fast-json-stringify, as our service does.
const RESPONSE = { 200: { type: 'object', properties: { label: { type: 'string' }, score: { type: 'number' } } } } as const;

async function main(): Promise<void> {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a TCP port, got ${JSON.stringify(process.env.PORT)}`);
  const app = Fastify({ logger: false });
  app.get('/readyz', async () => ({ status: 'ready' }));
  app.post('/v1/predict', { schema: { body: BODY, response: RESPONSE } }, async () => ({ label: 'positive', score: 0.5 }));
  await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' });
  // The bench stops us with SIGTERM; exit at once, there is nothing to flush.
  process.once('SIGTERM', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`floor-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
