import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { isPublicPath } from './auth.js';
import type { ServiceConfig } from './config.js';
import { problem } from './problems.js';

/** Probes and the scraper must keep answering when clients are throttled or the server sheds load. */
const LIVENESS = new Set(['/healthz', '/v2/health/live', '/metrics']);
const pathOf = (url: string): string => url.split('?')[0] as string;

/**
 * Rate limiting per client (its API key when auth is on, else its IP) and load
 * shedding: when the event loop's mean delay over the last sample passes the limit,
 * requests get 503 with Retry-After at once instead of queueing for unbounded time.
 * Must be registered before the routes so their hooks attach to them.
 */
export async function registerProtection(app: FastifyInstance, config: ServiceConfig): Promise<void> {
  if (config.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      // Runs after auth (an instance-level onRequest hook), so a valid key is known here.
      keyGenerator: (request) => request.apiKeyId ?? `ip:${request.ip}`,
      allowList: (request) => isPublicPath(pathOf(request.url)),
      errorResponseBuilder: (_request, context) => {
        const err = new Error(`rate limit of ${context.max} requests per ${config.rateLimitWindowMs / 1000} s exceeded, retry in ${context.after}`) as Error & { statusCode: number };
        err.statusCode = context.statusCode;
        return err;
      },
    });
  }
  if (config.shedMaxEventLoopDelayMs > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: config.shedMaxEventLoopDelayMs,
      sampleInterval: 250,
      retryAfter: config.shedRetryAfterSeconds,
      pressureHandler: (request, reply, type, value) => {
        const path = pathOf(request.url);
        if (LIVENESS.has(path)) return undefined; // let it through
        reply.code(503).header('retry-after', String(config.shedRetryAfterSeconds));
        const detail = `server overloaded (${type}${typeof value === 'number' ? ` ${Math.round(value)}` : ''}); retry after ${config.shedRetryAfterSeconds} s`;
        // Fastify stops the hook chain once the reply is sent.
        if (path.startsWith('/v2/')) reply.send({ error: detail });
        else reply.type('application/problem+json').send(problem('overloaded', detail, path));
        return undefined;
      },
    });
  }
}
