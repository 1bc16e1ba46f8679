import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** The route schemas Fastify validates with, turned into an OpenAPI 3.0 document (one source of truth). */
export interface RouteDoc {
  method: string[];
  url: string;
  schema: { summary?: string; tags?: string[]; body?: unknown; response?: Record<string, unknown>; hide?: boolean };
}

export function buildOpenApi(routes: readonly RouteDoc[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.schema.hide) continue;
    for (const method of r.method) {
      if (method === 'HEAD') continue;
      const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const op: Record<string, unknown> = { summary: r.schema.summary, tags: r.schema.tags, responses: {}, ...(params.length ? { parameters: params } : {}) };
      if (r.schema.body) op.requestBody = { required: true, content: { 'application/json': { schema: r.schema.body } } };
      const responses: Record<string, unknown> = {};
      for (const [code, schema] of Object.entries(r.schema.response ?? {})) {
        const type = code === '200' ? 'application/json' : 'application/problem+json';
        responses[code] = { description: code === '200' ? 'OK' : 'Problem details (RFC 9457)', content: { [type]: { schema } } };
      }
      if (Object.keys(responses).length === 0) responses['200'] = { description: 'OK' };
      op.responses = responses;
      // Fastify's ":name" path parameters are "{name}" in OpenAPI.
      (paths[r.url.replace(/:(\w+)/g, '{$1}')] ??= {})[method.toLowerCase()] = op;
    }
  }
  return { openapi: '3.0.3', info, paths };
}

/**
 * `/openapi.json` and interactive docs (Swagger UI, served from the package, no CDN) at
 * `/docs`. The document is built once the routes are known (onReady) from the same
 * schemas that validate requests; @fastify/swagger serves it in static mode because our
 * generator marks error responses as application/problem+json, which its dynamic mode
 * cannot express from Fastify's response schemas.
 */
export function registerApiDocs(app: FastifyInstance, routes: readonly RouteDoc[], info: { title: string; version: string }): void {
  const document: Record<string, unknown> = { openapi: '3.0.3', info, paths: {} };
  app.addHook('onReady', async () => {
    Object.assign(document, buildOpenApi(routes, info));
  });
  void app.register(swagger, { mode: 'static', specification: { document: document as never } });
  void app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { docExpansion: 'list', tryItOutEnabled: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => document);
}
